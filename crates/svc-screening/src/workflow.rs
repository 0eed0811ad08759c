//! The five published ways of putting an AI reader into the double-reading programme, and the
//! thresholds that tune them.
//!
//! A threshold splits the exams of a round into "high" (the AI finds them suspicious enough) and
//! the rest, either by the vendor's score (score ≥ N) or by a target selection rate (the top R of
//! the round by the AI's continuous score, as Larsen et al. set one reader's 5.8 %). A rate is
//! resolved per round, so it selects exactly that share whatever the score distribution.

use crate::SimulationError;
use std::fmt;
use std::str::FromStr;

/// Where a workflow draws its line between "high" and the rest.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    /// Exams with AI score ≥ this cut-off (1–10) are high.
    Score(u8),
    /// The given share of the round (strictly between 0 and 1) with the highest AI scores is high.
    Rate(f64),
}

impl Threshold {
    /// Checks the cut-off or rate.
    pub fn validate(self) -> Result<Threshold, SimulationError> {
        match self {
            Threshold::Score(n) if !(1..=10).contains(&n) => {
                Err(SimulationError::ScoreOutOfRange { value: n.into() })
            }
            Threshold::Rate(r) if !(r > 0.0 && r < 1.0) => {
                Err(SimulationError::RateOutOfRange { value: r })
            }
            ok => Ok(ok),
        }
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::Score(n) => write!(f, "score:{n}"),
            Threshold::Rate(r) => write!(f, "rate:{r}"),
        }
    }
}

impl FromStr for Threshold {
    type Err = SimulationError;

    /// Parses `score:N` or `rate:R`, validated.
    fn from_str(text: &str) -> Result<Threshold, SimulationError> {
        let bad = |reason: &str| SimulationError::BadThreshold {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let (kind, value) = text
            .split_once(':')
            .ok_or_else(|| bad("no `:` between kind and value"))?;
        match kind.trim() {
            "score" => {
                let n: i64 = value
                    .trim()
                    .parse()
                    .map_err(|_| bad("the score is not a whole number"))?;
                let n =
                    u8::try_from(n).map_err(|_| SimulationError::ScoreOutOfRange { value: n })?;
                Threshold::Score(n).validate()
            }
            "rate" => {
                let r: f64 = value
                    .trim()
                    .parse()
                    .map_err(|_| bad("the rate is not a number"))?;
                Threshold::Rate(r).validate()
            }
            _ => Err(bad("the kind must be `score` or `rate`")),
        }
    }
}

/// The workflows without their parameters: what a user names on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkflowKind {
    /// Independent double reading, consensus when either reader scores ≥ 2 (today's programme).
    DoubleReading,
    /// AI triage: low scores single-read, high scores double-read (MASAI, AIMS Norway).
    Triage,
    /// The AI replaces reader 1; its high scores go to consensus like a reader's flag.
    ReplaceReader,
    /// Decision referral: AI-normal exams single-read, the rest double-read, plus a safety net
    /// that sends high-scoring exams no reader flagged to consensus (PRAIM).
    DecisionReferral,
    /// Autonomous rule-out: low scores are not read at all, the rest double-read.
    RuleOut,
    /// Concurrent CAD marks: double reading where the readers see the AI score (Gommers effect).
    ConcurrentCad,
}

impl WorkflowKind {
    /// Every workflow, baseline first.
    pub const ALL: [WorkflowKind; 6] = [
        WorkflowKind::DoubleReading,
        WorkflowKind::Triage,
        WorkflowKind::ReplaceReader,
        WorkflowKind::DecisionReferral,
        WorkflowKind::RuleOut,
        WorkflowKind::ConcurrentCad,
    ];

    /// The command-line code.
    pub fn code(self) -> &'static str {
        match self {
            WorkflowKind::DoubleReading => "double",
            WorkflowKind::Triage => "triage",
            WorkflowKind::ReplaceReader => "replace-reader",
            WorkflowKind::DecisionReferral => "referral",
            WorkflowKind::RuleOut => "rule-out",
            WorkflowKind::ConcurrentCad => "cad",
        }
    }

    /// Name in bokmål.
    pub fn name_nb(self) -> &'static str {
        match self {
            WorkflowKind::DoubleReading => "Uavhengig dobbeltlesing",
            WorkflowKind::Triage => "KI-triage (enkel/dobbel)",
            WorkflowKind::ReplaceReader => "KI erstatter leser 1",
            WorkflowKind::DecisionReferral => "Beslutningshenvisning",
            WorkflowKind::RuleOut => "Autonom utelukking",
            WorkflowKind::ConcurrentCad => "Samtidig CAD-markering",
        }
    }

    /// Name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            WorkflowKind::DoubleReading => "independent double reading",
            WorkflowKind::Triage => "AI triage (single/double)",
            WorkflowKind::ReplaceReader => "AI replaces reader 1",
            WorkflowKind::DecisionReferral => "decision referral",
            WorkflowKind::RuleOut => "autonomous rule-out",
            WorkflowKind::ConcurrentCad => "concurrent CAD marks",
        }
    }
}

impl FromStr for WorkflowKind {
    type Err = SimulationError;

    fn from_str(code: &str) -> Result<WorkflowKind, SimulationError> {
        WorkflowKind::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| SimulationError::UnknownWorkflow(code.to_string()))
    }
}

/// A workflow with its thresholds.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "workflow", rename_all = "kebab-case")]
pub enum Workflow {
    /// Independent double reading.
    DoubleReading,
    /// High exams double-read, the rest single-read.
    Triage {
        /// What counts as high.
        double_from: Threshold,
    },
    /// The AI flags the high exams in place of reader 1; reader 2 reads every exam.
    ReplaceReader {
        /// What the AI flags.
        flag_from: Threshold,
    },
    /// High exams double-read, AI-normal exams single-read; unflagged exams above the safety net
    /// go to consensus.
    DecisionReferral {
        /// What is not tagged normal.
        double_from: Threshold,
        /// What raises the safety-net alert when no reader flagged it.
        safety_net_from: Threshold,
    },
    /// High exams double-read, the rest closed as negative unread.
    RuleOut {
        /// What is read.
        read_from: Threshold,
    },
    /// Double reading with the AI score shown on high exams (marks).
    ConcurrentCad {
        /// What carries a mark.
        marks_from: Threshold,
    },
}

impl Workflow {
    /// The workflow at its default thresholds, each from the trial or study that used it:
    /// triage at score 10 (MASAI: 1–9 single, 10 double), AI as reader 1 at a 5.8 % selection
    /// rate (one average reader, Larsen et al. 2022), referral with 56.7 % tagged normal (PRAIM)
    /// and a safety net at score 10 (assumed), rule-out below score 6 (Larsen et al., Eur Radiol
    /// 2022: 1–5 negative), CAD marks from score 8 (MASAI).
    pub fn default_for(kind: WorkflowKind) -> Workflow {
        match kind {
            WorkflowKind::DoubleReading => Workflow::DoubleReading,
            WorkflowKind::Triage => Workflow::Triage {
                double_from: Threshold::Score(10),
            },
            WorkflowKind::ReplaceReader => Workflow::ReplaceReader {
                flag_from: Threshold::Rate(0.058),
            },
            WorkflowKind::DecisionReferral => Workflow::DecisionReferral {
                double_from: Threshold::Rate(0.433),
                safety_net_from: Threshold::Score(10),
            },
            WorkflowKind::RuleOut => Workflow::RuleOut {
                read_from: Threshold::Score(6),
            },
            WorkflowKind::ConcurrentCad => Workflow::ConcurrentCad {
                marks_from: Threshold::Score(8),
            },
        }
    }

    /// The workflow with its main threshold set (the safety net of referral keeps its default).
    /// Double reading has no threshold and ignores it.
    pub fn with_threshold(
        kind: WorkflowKind,
        threshold: Threshold,
    ) -> Result<Workflow, SimulationError> {
        let t = threshold.validate()?;
        Ok(match Workflow::default_for(kind) {
            Workflow::DoubleReading => Workflow::DoubleReading,
            Workflow::Triage { .. } => Workflow::Triage { double_from: t },
            Workflow::ReplaceReader { .. } => Workflow::ReplaceReader { flag_from: t },
            Workflow::DecisionReferral {
                safety_net_from, ..
            } => Workflow::DecisionReferral {
                double_from: t,
                safety_net_from,
            },
            Workflow::RuleOut { .. } => Workflow::RuleOut { read_from: t },
            Workflow::ConcurrentCad { .. } => Workflow::ConcurrentCad { marks_from: t },
        })
    }

    /// Which workflow this is.
    pub fn kind(&self) -> WorkflowKind {
        match self {
            Workflow::DoubleReading => WorkflowKind::DoubleReading,
            Workflow::Triage { .. } => WorkflowKind::Triage,
            Workflow::ReplaceReader { .. } => WorkflowKind::ReplaceReader,
            Workflow::DecisionReferral { .. } => WorkflowKind::DecisionReferral,
            Workflow::RuleOut { .. } => WorkflowKind::RuleOut,
            Workflow::ConcurrentCad { .. } => WorkflowKind::ConcurrentCad,
        }
    }

    /// The thresholds, main one first.
    pub fn thresholds(&self) -> Vec<Threshold> {
        match *self {
            Workflow::DoubleReading => Vec::new(),
            Workflow::Triage { double_from: t }
            | Workflow::ReplaceReader { flag_from: t }
            | Workflow::RuleOut { read_from: t }
            | Workflow::ConcurrentCad { marks_from: t } => vec![t],
            Workflow::DecisionReferral {
                double_from,
                safety_net_from,
            } => vec![double_from, safety_net_from],
        }
    }

    /// Checks every threshold.
    pub fn validate(&self) -> Result<(), SimulationError> {
        for t in self.thresholds() {
            t.validate()?;
        }
        Ok(())
    }

    /// The thresholds as text (`score:10`, `rate:0.433 / safety net score:10`), or `–`.
    pub fn describe_thresholds(&self) -> String {
        match *self {
            Workflow::DecisionReferral {
                double_from,
                safety_net_from,
            } => format!("{double_from}, safety net {safety_net_from}"),
            _ => self
                .thresholds()
                .first()
                .map_or_else(|| "–".to_string(), |t| t.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_and_bad_ones_are_refused_with_a_typed_error() {
        assert_eq!("score:10".parse::<Threshold>(), Ok(Threshold::Score(10)));
        assert_eq!(
            "rate:0.058".parse::<Threshold>(),
            Ok(Threshold::Rate(0.058))
        );
        assert_eq!(
            "score:0".parse::<Threshold>(),
            Err(SimulationError::ScoreOutOfRange { value: 0 })
        );
        assert_eq!(
            "score:11".parse::<Threshold>(),
            Err(SimulationError::ScoreOutOfRange { value: 11 })
        );
        assert_eq!(
            "score:-3".parse::<Threshold>(),
            Err(SimulationError::ScoreOutOfRange { value: -3 })
        );
        for rate in ["rate:0", "rate:1", "rate:1.5", "rate:-0.1", "rate:NaN"] {
            assert!(
                matches!(
                    rate.parse::<Threshold>(),
                    Err(SimulationError::RateOutOfRange { .. })
                ),
                "{rate}"
            );
        }
        for bad in ["10", "score:ten", "cut:5"] {
            let err = bad.parse::<Threshold>().unwrap_err();
            assert!(matches!(err, SimulationError::BadThreshold { .. }), "{bad}");
            assert!(err.to_string().contains("score:N"), "{err}");
        }
        assert!(Workflow::with_threshold(WorkflowKind::Triage, Threshold::Score(0)).is_err());
        assert!(Workflow::Triage {
            double_from: Threshold::Rate(1.0)
        }
        .validate()
        .is_err());
    }

    #[test]
    fn workflow_codes_round_trip() {
        for kind in WorkflowKind::ALL {
            assert_eq!(kind.code().parse::<WorkflowKind>(), Ok(kind));
            assert_eq!(Workflow::default_for(kind).kind(), kind);
            Workflow::default_for(kind).validate().unwrap();
        }
        assert!(matches!(
            "ai".parse::<WorkflowKind>(),
            Err(SimulationError::UnknownWorkflow(_))
        ));
    }
}
