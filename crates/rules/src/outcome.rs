//! Three-valued outcomes: decided, decided with warnings, or manual handling.
//!
//! Missing or contradictory data never becomes a silent default: it is a [`Finding`], and a
//! finding of severity [`Severity::ManualHandling`] sends the case to a caseworker.

use serde::Serialize;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The decision stands, but someone should know (e.g. an unverified parameter was used).
    Warning,
    /// The rules cannot decide: a caseworker must.
    ManualHandling,
}

/// Something the evaluation found that the decision must report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// A stable code (`income_unknown`).
    pub code: String,
    /// A sentence for people.
    pub message: String,
}

impl Finding {
    /// A warning.
    pub fn warning(code: &str, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Warning,
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// A reason for manual handling.
    pub fn manual(code: &str, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::ManualHandling,
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// The outcome of a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Decided by the rules, nothing to report.
    Decided,
    /// Decided, with findings someone should see.
    DecidedWithWarnings(Vec<Finding>),
    /// Not decidable by the rules: the findings say why (warnings are kept too).
    ManualHandling(Vec<Finding>),
}

impl Outcome {
    /// The outcome that a set of findings implies.
    pub fn from_findings(findings: Vec<Finding>) -> Outcome {
        if findings.is_empty() {
            Outcome::Decided
        } else if findings
            .iter()
            .any(|f| f.severity == Severity::ManualHandling)
        {
            Outcome::ManualHandling(findings)
        } else {
            Outcome::DecidedWithWarnings(findings)
        }
    }

    /// `decided`, `decided_with_warnings` or `manual_handling`.
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Decided => "decided",
            Outcome::DecidedWithWarnings(_) => "decided_with_warnings",
            Outcome::ManualHandling(_) => "manual_handling",
        }
    }

    /// The findings (empty when decided).
    pub fn findings(&self) -> &[Finding] {
        match self {
            Outcome::Decided => &[],
            Outcome::DecidedWithWarnings(f) | Outcome::ManualHandling(f) => f,
        }
    }

    /// Whether the rules decided (with or without warnings).
    pub fn is_decided(&self) -> bool {
        !matches!(self, Outcome::ManualHandling(_))
    }
}

/// A decision: the result, its outcome and its explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision<T> {
    /// What was decided (may hold `None`s where manual handling is needed).
    pub result: T,
    /// Decided, with warnings, or manual handling.
    pub outcome: Outcome,
    /// Why.
    pub explanation: crate::Explanation,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_handling_wins_over_warnings() {
        assert_eq!(Outcome::from_findings(vec![]).status(), "decided");
        let w = Finding::warning("w", "a warning");
        let m = Finding::manual("m", "no income");
        assert_eq!(
            Outcome::from_findings(vec![w.clone()]).status(),
            "decided_with_warnings"
        );
        let both = Outcome::from_findings(vec![w, m]);
        assert_eq!(both.status(), "manual_handling");
        assert_eq!(both.findings().len(), 2);
        assert!(!both.is_decided());
    }
}
