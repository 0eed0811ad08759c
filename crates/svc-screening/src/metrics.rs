//! The programme figures of a round and their 95 % intervals over replicate rounds.
//!
//! The interval is mean ± 1.96 × the standard deviation between replicates (each replicate redraws
//! attendance, cancers, AI scores and readers for the same invited women). Why not a Wilson
//! interval on the pooled exams: that interval narrows towards zero as replicates are added, so it
//! measures how precisely the simulation computed the model's mean, not how much a real round of
//! this population could vary. The replicate interval keeps the population's size in it: a small
//! municipality, with a handful of cancers per round, gets a wide interval, as it should. Workflows
//! share each replicate's draws (common random numbers), so their differences are sharper than
//! their overlapping intervals suggest.

/// Counts of one workflow in one replicate round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Women who attended (screens).
    pub screens: u64,
    /// Radiologist screen reads.
    pub reads: u64,
    /// Exams discussed at consensus.
    pub consensus: u64,
    /// Women recalled for assessment.
    pub recalls: u64,
    /// Screen-detected cancers.
    pub detected: u64,
    /// Interval cancers (surfacing before the next round).
    pub interval: u64,
    /// Screen-detected cancers with AI score 10.
    pub detected_score10: u64,
    /// Interval cancers with AI score 10.
    pub interval_score10: u64,
    /// Screen-detected cancers where exactly one of two readers flagged.
    pub detected_discordant: u64,
}

/// A figure computed from the counts of a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Screen-detected cancers per 1000 screens (cancer detection rate).
    DetectionPer1000,
    /// Recalls per 100 screens.
    RecallPct,
    /// Interval cancers per 1000 screens.
    IntervalPer1000,
    /// Recalls without a cancer found, per 100 screens.
    FalsePositivePct,
    /// Screen-detected cancers per 100 recalls (positive predictive value of recall).
    PpvPct,
    /// Radiologist screen reads.
    Reads,
    /// Reads saved against double reading of every screen, in %.
    ReadsSavedPct,
    /// Exams discussed at consensus per 100 screens.
    ConsensusPct,
    /// Screen-detected among screen-detected plus interval cancers, in % (programme sensitivity).
    SensitivityPct,
    /// Share of screen-detected cancers with AI score 10, in %.
    DetectedScore10Pct,
    /// Share of interval cancers with AI score 10, in %.
    IntervalScore10Pct,
    /// Share of screen-detected cancers with discordant reader scores, in %.
    DiscordantPct,
}

impl Metric {
    /// Every figure, in report order.
    pub const ALL: [Metric; 12] = [
        Metric::DetectionPer1000,
        Metric::RecallPct,
        Metric::IntervalPer1000,
        Metric::FalsePositivePct,
        Metric::PpvPct,
        Metric::Reads,
        Metric::ReadsSavedPct,
        Metric::ConsensusPct,
        Metric::SensitivityPct,
        Metric::DetectedScore10Pct,
        Metric::IntervalScore10Pct,
        Metric::DiscordantPct,
    ];

    /// Stable key (JSON, measurements).
    pub fn key(self) -> &'static str {
        match self {
            Metric::DetectionPer1000 => "detection_per_1000",
            Metric::RecallPct => "recall_pct",
            Metric::IntervalPer1000 => "interval_per_1000",
            Metric::FalsePositivePct => "false_positive_pct",
            Metric::PpvPct => "ppv_pct",
            Metric::Reads => "reads",
            Metric::ReadsSavedPct => "reads_saved_pct",
            Metric::ConsensusPct => "consensus_pct",
            Metric::SensitivityPct => "sensitivity_pct",
            Metric::DetectedScore10Pct => "detected_score10_pct",
            Metric::IntervalScore10Pct => "interval_score10_pct",
            Metric::DiscordantPct => "discordant_pct",
        }
    }

    /// Label in bokmål.
    pub fn label_nb(self) -> &'static str {
        match self {
            Metric::DetectionPer1000 => "Screeningoppdaget kreft per 1000",
            Metric::RecallPct => "Etterundersøkt",
            Metric::IntervalPer1000 => "Intervallkreft per 1000",
            Metric::FalsePositivePct => "Falskt positive",
            Metric::PpvPct => "Positiv prediktiv verdi",
            Metric::Reads => "Radiologlesinger",
            Metric::ReadsSavedPct => "Spart lesing",
            Metric::ConsensusPct => "Konsensus",
            Metric::SensitivityPct => "Sensitivitet",
            Metric::DetectedScore10Pct => "Screeningoppdaget kreft med KI-skår 10",
            Metric::IntervalScore10Pct => "Intervallkreft med KI-skår 10",
            Metric::DiscordantPct => "Screeningoppdaget kreft med uenige lesere",
        }
    }

    /// Label in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Metric::DetectionPer1000 => "screen-detected cancers per 1000",
            Metric::RecallPct => "recall",
            Metric::IntervalPer1000 => "interval cancers per 1000",
            Metric::FalsePositivePct => "false positives",
            Metric::PpvPct => "positive predictive value",
            Metric::Reads => "radiologist reads",
            Metric::ReadsSavedPct => "reads saved",
            Metric::ConsensusPct => "consensus",
            Metric::SensitivityPct => "sensitivity",
            Metric::DetectedScore10Pct => "screen-detected cancers with AI score 10",
            Metric::IntervalScore10Pct => "interval cancers with AI score 10",
            Metric::DiscordantPct => "screen-detected cancers with discordant readers",
        }
    }

    /// Unit as printed.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::DetectionPer1000 | Metric::IntervalPer1000 => "per 1000",
            Metric::Reads => "",
            _ => "%",
        }
    }

    /// The figure of one round (0 when its denominator is 0).
    pub fn of(self, c: &Counts) -> f64 {
        let ratio = |a: u64, b: u64, scale: f64| {
            if b == 0 {
                0.0
            } else {
                a as f64 / b as f64 * scale
            }
        };
        match self {
            Metric::DetectionPer1000 => ratio(c.detected, c.screens, 1000.0),
            Metric::RecallPct => ratio(c.recalls, c.screens, 100.0),
            Metric::IntervalPer1000 => ratio(c.interval, c.screens, 1000.0),
            Metric::FalsePositivePct => ratio(c.recalls - c.detected, c.screens, 100.0),
            Metric::PpvPct => ratio(c.detected, c.recalls, 100.0),
            Metric::Reads => c.reads as f64,
            Metric::ReadsSavedPct => {
                if c.screens == 0 {
                    0.0
                } else {
                    100.0 * (1.0 - c.reads as f64 / (2 * c.screens) as f64)
                }
            }
            Metric::ConsensusPct => ratio(c.consensus, c.screens, 100.0),
            Metric::SensitivityPct => ratio(c.detected, c.detected + c.interval, 100.0),
            Metric::DetectedScore10Pct => ratio(c.detected_score10, c.detected, 100.0),
            Metric::IntervalScore10Pct => ratio(c.interval_score10, c.interval, 100.0),
            Metric::DiscordantPct => ratio(c.detected_discordant, c.detected, 100.0),
        }
    }
}

/// A figure's mean over replicates with its 95 % interval (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// Mean over replicates.
    pub mean: f64,
    /// Lower end (for a figure: mean − 1.96 SD, not below 0; for a difference it can be negative).
    pub low: f64,
    /// Upper end (mean + 1.96 SD).
    pub high: f64,
}

impl Estimate {
    /// The estimate of values from replicates; with one replicate the interval is the value.
    pub fn of(values: &[f64]) -> Estimate {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = if values.len() < 2 {
            0.0
        } else {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        };
        Estimate {
            mean,
            low: (mean - 1.96 * sd).max(0.0),
            high: mean + 1.96 * sd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_follow_their_definitions() {
        let c = Counts {
            screens: 10_000,
            reads: 15_000,
            consensus: 800,
            recalls: 320,
            detected: 60,
            interval: 17,
            detected_score10: 52,
            interval_score10: 8,
            detected_discordant: 14,
        };
        assert_eq!(Metric::DetectionPer1000.of(&c), 6.0);
        assert_eq!(Metric::RecallPct.of(&c), 3.2);
        assert_eq!(Metric::IntervalPer1000.of(&c), 1.7);
        assert_eq!(Metric::FalsePositivePct.of(&c), 2.6);
        assert_eq!(Metric::PpvPct.of(&c), 18.75);
        assert_eq!(Metric::ReadsSavedPct.of(&c), 25.0);
        assert_eq!(Metric::ConsensusPct.of(&c), 8.0);
        assert!((Metric::SensitivityPct.of(&c) - 77.922).abs() < 1e-3);
        assert_eq!(Metric::PpvPct.of(&Counts::default()), 0.0);
    }

    #[test]
    fn the_interval_is_mean_plus_minus_two_sd() {
        let e = Estimate::of(&[1.0, 2.0, 3.0]);
        assert_eq!(e.mean, 2.0);
        assert!((e.high - (2.0 + 1.96)).abs() < 1e-12);
        assert!((e.low - 0.04).abs() < 1e-12);
        assert_eq!(Estimate::of(&[5.0]).low, 5.0);
    }
}
