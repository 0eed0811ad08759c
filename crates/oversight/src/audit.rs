//! A fairness audit of one predictive service: per group of each sensitive attribute, the
//! selection rate, TPR, FPR and calibration, and the disparity metrics of [`crate::metrics`].
//!
//! Why groups are plain strings: the audit is about the service's output, not the registers; the
//! caller (the CLI, reading through the access layer) maps persons to age bands, counties, income
//! deciles and immigrant background, and the audit never sees an identity number.

use crate::metrics::{self, Aif360Metrics, Confusion, FairlearnMetrics, Method};
use serde::Serialize;
use std::fmt::Write as _;

/// Why an audit could not be made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AuditError {
    /// Inputs of different lengths.
    #[error("attribute {attribute:?} has {got} values for {expected} persons")]
    Length {
        /// The attribute.
        attribute: String,
        /// Values given.
        got: usize,
        /// Persons.
        expected: usize,
    },
    /// A score that is not a probability.
    #[error("score {score} of person {index} is not a probability in [0, 1]")]
    Score {
        /// Position.
        index: usize,
        /// Value.
        score: f64,
    },
    /// The named privileged group does not occur.
    #[error("privileged group {group:?} of attribute {attribute:?} does not occur in the data")]
    Privileged {
        /// Attribute.
        attribute: String,
        /// Group.
        group: String,
    },
}

/// One group's row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupRow {
    /// Group label.
    pub group: String,
    /// Counts.
    pub confusion: Confusion,
    /// Persons.
    pub n: u64,
    /// Observed event rate.
    pub base_rate: f64,
    /// `P(Ŷ=1)`.
    pub selection_rate: f64,
    /// `P(Ŷ=1 | Y=1)`.
    pub tpr: f64,
    /// `P(Ŷ=1 | Y=0)`.
    pub fpr: f64,
    /// Score calibration.
    pub calibration: metrics::Calibration,
    /// AIF360 metrics against the privileged group (absent for the privileged group itself or
    /// when no privileged group is named).
    pub aif360: Option<Aif360Metrics>,
}

/// One sensitive attribute's part of the audit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributeReport {
    /// Attribute name (e.g. `age_band`).
    pub attribute: String,
    /// The reference group for AIF360's signed metrics.
    pub privileged: Option<String>,
    /// Rows, sorted by group label.
    pub groups: Vec<GroupRow>,
    /// Fairlearn metrics, `method="between_groups"`.
    pub between_groups: FairlearnMetrics,
    /// Fairlearn metrics, `method="to_overall"`.
    pub to_overall: FairlearnMetrics,
}

/// The whole audit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FairnessAudit {
    /// What was audited (service id and model).
    pub subject: String,
    /// The decision threshold on the score (`Ŷ = score ≥ threshold`), when the decision is one.
    pub threshold: Option<f64>,
    /// How the decision `Ŷ` was made, in words.
    pub decision_rule: String,
    /// Persons.
    pub n: u64,
    /// Overall counts.
    pub overall: Confusion,
    /// Overall calibration.
    pub calibration: metrics::Calibration,
    /// One report per attribute.
    pub attributes: Vec<AttributeReport>,
}

/// A sensitive attribute handed to the audit.
pub struct Attribute<'a> {
    /// Name.
    pub name: &'a str,
    /// One label per person.
    pub groups: &'a [String],
    /// Reference group for AIF360 (the privileged group), if any.
    pub privileged: Option<&'a str>,
}

impl FairnessAudit {
    /// Audits scores against outcomes: `Ŷ = score ≥ threshold`.
    pub fn run(
        subject: &str,
        y_true: &[bool],
        score: &[f64],
        threshold: f64,
        attributes: &[Attribute<'_>],
    ) -> Result<FairnessAudit, AuditError> {
        let y_pred: Vec<bool> = score.iter().map(|&s| s >= threshold).collect();
        let mut audit = FairnessAudit::run_with_decisions(
            subject,
            &format!("score ≥ {threshold:.4}"),
            y_true,
            score,
            &y_pred,
            attributes,
        )?;
        audit.threshold = Some(threshold);
        Ok(audit)
    }

    /// Audits decisions made by a rule that is not one threshold on the score (e.g. S6's risk
    /// categories, S4's recall after reading): `y_pred` are the decisions, `score` the
    /// probabilities whose calibration is audited.
    pub fn run_with_decisions(
        subject: &str,
        decision_rule: &str,
        y_true: &[bool],
        score: &[f64],
        y_pred: &[bool],
        attributes: &[Attribute<'_>],
    ) -> Result<FairnessAudit, AuditError> {
        let n = y_true.len();
        if y_pred.len() != n {
            return Err(AuditError::Length {
                attribute: "decisions".into(),
                got: y_pred.len(),
                expected: n,
            });
        }
        if score.len() != n {
            return Err(AuditError::Length {
                attribute: "score".into(),
                got: score.len(),
                expected: n,
            });
        }
        if let Some((index, &score)) = score
            .iter()
            .enumerate()
            .find(|(_, s)| !(0.0..=1.0).contains(*s))
        {
            return Err(AuditError::Score { index, score });
        }
        let overall = Confusion::of(y_true, y_pred);
        let (_, calibration) = metrics::calibration_by_group(y_true, score, &vec![(); n]);
        let mut reports = Vec::new();
        for a in attributes {
            if a.groups.len() != n {
                return Err(AuditError::Length {
                    attribute: a.name.to_owned(),
                    got: a.groups.len(),
                    expected: n,
                });
            }
            let (counts, _) = metrics::by_group(y_true, y_pred, a.groups);
            let (cal, _) = metrics::calibration_by_group(y_true, score, a.groups);
            let privileged = match a.privileged {
                Some(p) => Some(*counts.get(p).ok_or_else(|| AuditError::Privileged {
                    attribute: a.name.to_owned(),
                    group: p.to_owned(),
                })?),
                None => None,
            };
            let groups = counts
                .iter()
                .map(|(g, c)| GroupRow {
                    group: g.clone(),
                    confusion: *c,
                    n: c.n(),
                    base_rate: c.base_rate(),
                    selection_rate: c.selection_rate(),
                    tpr: c.tpr(),
                    fpr: c.fpr(),
                    calibration: cal[g],
                    aif360: privileged
                        .filter(|_| Some(g.as_str()) != a.privileged)
                        .map(|p| metrics::aif360_metrics(c, &p)),
                })
                .collect();
            reports.push(AttributeReport {
                attribute: a.name.to_owned(),
                privileged: a.privileged.map(str::to_owned),
                groups,
                between_groups: metrics::fairlearn_metrics(
                    &counts,
                    &overall,
                    Method::BetweenGroups,
                ),
                to_overall: metrics::fairlearn_metrics(&counts, &overall, Method::ToOverall),
            });
        }
        Ok(FairnessAudit {
            subject: subject.to_owned(),
            threshold: None,
            decision_rule: decision_rule.to_owned(),
            n: n as u64,
            overall,
            calibration,
            attributes: reports,
        })
    }

    /// A plain-text table for people to read.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let o = &self.overall;
        let _ = writeln!(
            s,
            "Fairness audit of {}: {} persons, decision = {}\nOverall: selection rate {:.4}, TPR {:.4}, FPR {:.4}, E/O {:.3}, Brier {:.5}\n",
            self.subject,
            self.n,
            self.decision_rule,
            o.selection_rate(),
            o.tpr(),
            o.fpr(),
            self.calibration.e_over_o,
            self.calibration.brier
        );
        for a in &self.attributes {
            let _ = writeln!(
                s,
                "{} (AIF360 reference group: {})",
                a.attribute,
                a.privileged.as_deref().unwrap_or("none")
            );
            let _ = writeln!(
                s,
                "  {:<28} {:>8} {:>7} {:>7} {:>7} {:>7} {:>6} {:>8} {:>8} {:>8}",
                "group", "n", "events", "select", "TPR", "FPR", "E/O", "Brier", "SPD", "AOD"
            );
            for g in &a.groups {
                let (spd, aod) = g.aif360.map_or((String::new(), String::new()), |m| {
                    (
                        format!("{:+.4}", m.statistical_parity_difference),
                        format!("{:+.4}", m.average_odds_difference),
                    )
                });
                let _ = writeln!(
                    s,
                    "  {:<28} {:>8} {:>7} {:>7.4} {:>7.4} {:>7.4} {:>6.2} {:>8.5} {:>8} {:>8}",
                    g.group,
                    g.n,
                    g.calibration.observed,
                    g.selection_rate,
                    g.tpr,
                    g.fpr,
                    g.calibration.e_over_o,
                    g.calibration.brier,
                    spd,
                    aod
                );
            }
            let m = &a.between_groups;
            let _ = writeln!(
                s,
                "  demographic parity difference {:.4} (ratio {:.4}); equalised odds difference {:.4} (worst case), {:.4} (mean); equal opportunity difference {:.4}\n",
                m.demographic_parity_difference,
                m.demographic_parity_ratio,
                m.equalized_odds_difference_worst_case,
                m.equalized_odds_difference_mean,
                m.equal_opportunity_difference
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_by_hand() {
        let y = [true, false, true, false];
        let s = [0.9, 0.6, 0.3, 0.1];
        let g: Vec<String> = ["u", "u", "p", "p"].iter().map(|s| s.to_string()).collect();
        let a = FairnessAudit::run(
            "test",
            &y,
            &s,
            0.5,
            &[Attribute {
                name: "grp",
                groups: &g,
                privileged: Some("p"),
            }],
        )
        .unwrap();
        // ŷ = 1 1 0 0: u selects 1.0 (TPR 1, FPR 1), p selects 0 (TPR 0, FPR 0).
        let r = &a.attributes[0];
        assert_eq!(r.groups[0].group, "p");
        assert!(r.groups[0].aif360.is_none());
        let m = r.groups[1].aif360.unwrap();
        assert_eq!(m.statistical_parity_difference, 1.0);
        assert_eq!(m.average_odds_difference, 1.0);
        assert_eq!(r.between_groups.demographic_parity_difference, 1.0);
        assert!(a.to_text().contains("demographic parity difference 1.0000"));
        assert!(serde_json::to_string(&a)
            .unwrap()
            .contains("\"equalized_odds_difference_mean\""));
    }

    #[test]
    fn refusals() {
        let g = vec!["a".to_string()];
        let attr = |p| Attribute {
            name: "grp",
            groups: &g,
            privileged: p,
        };
        assert!(matches!(
            FairnessAudit::run("t", &[true], &[1.5], 0.5, &[attr(None)]),
            Err(AuditError::Score { .. })
        ));
        assert!(matches!(
            FairnessAudit::run("t", &[true], &[0.5], 0.5, &[attr(Some("z"))]),
            Err(AuditError::Privileged { .. })
        ));
        assert!(matches!(
            FairnessAudit::run("t", &[true, false], &[0.5, 0.1], 0.5, &[attr(None)]),
            Err(AuditError::Length { .. })
        ));
    }
}
