//! The errors of the simulation: every one names the value that was refused and why.

/// What can be wrong with a simulation request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimulationError {
    /// A vendor score cut-off outside the score scale 1–10.
    #[error("score cut-off {value} is outside the AI score scale 1–10")]
    ScoreOutOfRange {
        /// The refused cut-off.
        value: i64,
    },
    /// A target selection rate that is not strictly between 0 and 1.
    #[error("selection rate {value} must lie strictly between 0 and 1")]
    RateOutOfRange {
        /// The refused rate.
        value: f64,
    },
    /// A threshold written in a form that is neither `score:N` nor `rate:R`.
    #[error("threshold {text:?} is not understood ({reason}); write score:N (1–10) or rate:R (0 < R < 1)")]
    BadThreshold {
        /// The text as given.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A workflow name that is not one of the known codes.
    #[error("unknown workflow {0:?}; the workflows are double, triage, replace-reader, referral, rule-out and cad")]
    UnknownWorkflow(String),
    /// Zero replicates were asked for.
    #[error("at least one replicate is needed (two for an interval)")]
    NoReplicates,
    /// Nobody in the registers is in the screening population.
    #[error("no woman aged 50–69 without a breast-cancer diagnosis is resident in the registers")]
    EmptyPopulation,
    /// A calibration parameter is not a probability, or a distribution does not sum to 1.
    #[error("calibration parameter {key}: {reason}")]
    BadCalibration {
        /// The parameter's key in the provenance table.
        key: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}
