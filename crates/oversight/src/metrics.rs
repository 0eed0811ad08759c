//! Group fairness metrics, defined exactly as Fairlearn and AIF360 define them.
//!
//! Why exact: an auditor who recomputes our figures with the reference libraries must get the
//! same numbers (the peer benchmark checks agreement to 1e-9 with fairlearn 0.15.0), and the two
//! libraries use *different sign conventions* that must not be mixed up:
//!
//! - **Fairlearn** (`fairlearn/metrics/_fairness_metrics.py`, `_disaggregated_result.py`):
//!   differences are non-negative spreads. `between_groups`: `max − min` over groups;
//!   `to_overall`: `max |group − overall|`. Ratios are `min / max` (`between_groups`) or
//!   `min over groups of (group/overall, inverted when > 1)` (`to_overall`).
//!   `demographic_parity_*` use the selection rate `E[h(X) | A=a]`; `equalized_odds_difference`
//!   is the larger (`worst_case`, the default) or the mean (`mean`) of the TPR and FPR
//!   differences; `equal_opportunity_difference` is the TPR difference. Fairlearn's TPR/FPR come
//!   from scikit-learn's row-normalised confusion matrix, which turns 0/0 into 0: a group with no
//!   positives has TPR 0, a group with no negatives FPR 0. We do the same.
//! - **AIF360** (`ClassificationMetric`): signed, **unprivileged − privileged**. Statistical
//!   parity difference `P(Ŷ=1|u) − P(Ŷ=1|p)`, disparate impact `P(Ŷ=1|u) / P(Ŷ=1|p)`, equal
//!   opportunity difference `TPR_u − TPR_p`, average odds difference
//!   `½[(FPR_u − FPR_p) + (TPR_u − TPR_p)]`. Negative means the unprivileged group is selected
//!   (or correctly found) less often.
//!
//! Calibration by group (Fairlearn has no function for it; domain notes, governance §1): the
//! expected/observed ratio `Σ p / Σ y` and the Brier score `mean (p − y)²` of the scores within
//! each group.
//!
//! Definitions from the project's domain notes (`shared/domain/governance-and-ai-law.md` §1),
//! checked against the fairlearn 0.15.0 source.

use serde::Serialize;
use std::collections::BTreeMap;

/// Counts of one group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// Predicted 1, truly 1.
    pub tp: u64,
    /// Predicted 1, truly 0.
    pub fp: u64,
    /// Predicted 0, truly 0.
    pub tn: u64,
    /// Predicted 0, truly 1.
    pub fn_: u64,
}

/// `a / b`, with 0/0 = 0 as scikit-learn's normalised confusion matrix has it.
fn rate(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl Confusion {
    /// Counts over paired labels and decisions.
    pub fn of(y_true: &[bool], y_pred: &[bool]) -> Confusion {
        let mut c = Confusion::default();
        for (&t, &p) in y_true.iter().zip(y_pred) {
            match (t, p) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (false, false) => c.tn += 1,
                (true, false) => c.fn_ += 1,
            }
        }
        c
    }
    /// Number of persons.
    pub fn n(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }
    /// Selection rate `P(Ŷ=1)`; 0 for an empty group.
    pub fn selection_rate(&self) -> f64 {
        rate(self.tp + self.fp, self.n())
    }
    /// True-positive rate `P(Ŷ=1 | Y=1)`; 0 when the group has no positives (as Fairlearn).
    pub fn tpr(&self) -> f64 {
        rate(self.tp, self.tp + self.fn_)
    }
    /// False-positive rate `P(Ŷ=1 | Y=0)`; 0 when the group has no negatives (as Fairlearn).
    pub fn fpr(&self) -> f64 {
        rate(self.fp, self.fp + self.tn)
    }
    /// Base rate `P(Y=1)`.
    pub fn base_rate(&self) -> f64 {
        rate(self.tp + self.fn_, self.n())
    }
}

/// How Fairlearn aggregates group values (`method=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Between the groups: `max − min`, `min / max`.
    BetweenGroups,
    /// Each group against the overall value.
    ToOverall,
}

/// How Fairlearn's equalised-odds metrics combine the TPR and FPR spreads (`agg=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agg {
    /// The larger of the two (Fairlearn's default).
    WorstCase,
    /// Their mean.
    Mean,
}

/// Fairlearn's `MetricFrame.difference`. NaN when there are no groups.
pub fn difference(by_group: &[f64], overall: f64, method: Method) -> f64 {
    if by_group.is_empty() {
        return f64::NAN;
    }
    match method {
        Method::BetweenGroups => {
            let min = by_group.iter().copied().fold(f64::INFINITY, f64::min);
            by_group.iter().map(|v| (v - min).abs()).fold(0.0, f64::max)
        }
        Method::ToOverall => by_group
            .iter()
            .map(|v| (v - overall).abs())
            .fold(0.0, f64::max),
    }
}

/// Fairlearn's `MetricFrame.ratio`: `min / max`, or each group over the overall value forced
/// below 1, the minimum taken. 0/0 is NaN as in pandas.
pub fn ratio(by_group: &[f64], overall: f64, method: Method) -> f64 {
    if by_group.is_empty() {
        return f64::NAN;
    }
    match method {
        Method::BetweenGroups => {
            let min = by_group.iter().copied().fold(f64::INFINITY, f64::min);
            let max = by_group.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            min / max
        }
        Method::ToOverall => by_group
            .iter()
            .map(|v| {
                let r = v / overall;
                if r > 1.0 {
                    1.0 / r
                } else {
                    r
                }
            })
            .fold(f64::INFINITY, f64::min),
    }
}

/// Per-group counts, in the groups' sort order, and the overall counts.
pub fn by_group<G: Ord + Clone>(
    y_true: &[bool],
    y_pred: &[bool],
    groups: &[G],
) -> (BTreeMap<G, Confusion>, Confusion) {
    let mut map: BTreeMap<G, Confusion> = BTreeMap::new();
    for ((&t, &p), g) in y_true.iter().zip(y_pred).zip(groups) {
        let c = map.entry(g.clone()).or_default();
        match (t, p) {
            (true, true) => c.tp += 1,
            (false, true) => c.fp += 1,
            (false, false) => c.tn += 1,
            (true, false) => c.fn_ += 1,
        }
    }
    (map, Confusion::of(y_true, y_pred))
}

/// The Fairlearn disparity metrics of one sensitive feature.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FairlearnMetrics {
    /// `demographic_parity_difference`.
    pub demographic_parity_difference: f64,
    /// `demographic_parity_ratio`.
    pub demographic_parity_ratio: f64,
    /// `equalized_odds_difference(agg="worst_case")`.
    pub equalized_odds_difference_worst_case: f64,
    /// `equalized_odds_difference(agg="mean")`.
    pub equalized_odds_difference_mean: f64,
    /// `equalized_odds_ratio(agg="worst_case")`.
    pub equalized_odds_ratio_worst_case: f64,
    /// `equal_opportunity_difference`.
    pub equal_opportunity_difference: f64,
}

/// Computes the Fairlearn metrics from group counts.
pub fn fairlearn_metrics<G>(
    groups: &BTreeMap<G, Confusion>,
    overall: &Confusion,
    method: Method,
) -> FairlearnMetrics {
    let sel: Vec<f64> = groups.values().map(Confusion::selection_rate).collect();
    let tpr: Vec<f64> = groups.values().map(Confusion::tpr).collect();
    let fpr: Vec<f64> = groups.values().map(Confusion::fpr).collect();
    let tpr_d = difference(&tpr, overall.tpr(), method);
    let fpr_d = difference(&fpr, overall.fpr(), method);
    let tpr_r = ratio(&tpr, overall.tpr(), method);
    let fpr_r = ratio(&fpr, overall.fpr(), method);
    FairlearnMetrics {
        demographic_parity_difference: difference(&sel, overall.selection_rate(), method),
        demographic_parity_ratio: ratio(&sel, overall.selection_rate(), method),
        // pandas' max()/min() over the two skip NaN; so do f64::max/min.
        equalized_odds_difference_worst_case: tpr_d.max(fpr_d),
        equalized_odds_difference_mean: (tpr_d + fpr_d) / 2.0,
        equalized_odds_ratio_worst_case: tpr_r.min(fpr_r),
        equal_opportunity_difference: tpr_d,
    }
}

/// AIF360's signed metrics for one unprivileged group against the privileged group.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Aif360Metrics {
    /// `statistical_parity_difference`: `P(Ŷ=1|u) − P(Ŷ=1|p)`.
    pub statistical_parity_difference: f64,
    /// `disparate_impact`: `P(Ŷ=1|u) / P(Ŷ=1|p)` (NaN or ∞ when the privileged rate is 0).
    pub disparate_impact: f64,
    /// `equal_opportunity_difference`: `TPR_u − TPR_p`.
    pub equal_opportunity_difference: f64,
    /// `average_odds_difference`: `½[(FPR_u − FPR_p) + (TPR_u − TPR_p)]`.
    pub average_odds_difference: f64,
}

/// AIF360's metrics, unprivileged − privileged.
pub fn aif360_metrics(unprivileged: &Confusion, privileged: &Confusion) -> Aif360Metrics {
    let (u, p) = (unprivileged, privileged);
    Aif360Metrics {
        statistical_parity_difference: u.selection_rate() - p.selection_rate(),
        disparate_impact: u.selection_rate() / p.selection_rate(),
        equal_opportunity_difference: u.tpr() - p.tpr(),
        average_odds_difference: 0.5 * ((u.fpr() - p.fpr()) + (u.tpr() - p.tpr())),
    }
}

/// Calibration of scores within one group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Calibration {
    /// Persons.
    pub n: u64,
    /// Expected events `Σ p`.
    pub expected: f64,
    /// Observed events `Σ y`.
    pub observed: u64,
    /// `expected / observed` (∞ with no observed events and some expected).
    pub e_over_o: f64,
    /// Brier score `mean (p − y)²`.
    pub brier: f64,
}

/// Calibration per group, and overall.
pub fn calibration_by_group<G: Ord + Clone>(
    y_true: &[bool],
    score: &[f64],
    groups: &[G],
) -> (BTreeMap<G, Calibration>, Calibration) {
    let mut map: BTreeMap<G, Calibration> = BTreeMap::new();
    let mut all = Calibration::default();
    for ((&y, &p), g) in y_true.iter().zip(score).zip(groups) {
        for c in [map.entry(g.clone()).or_default(), &mut all] {
            c.n += 1;
            c.expected += p;
            c.observed += y as u64;
            c.brier += (p - y as u8 as f64).powi(2);
        }
    }
    let finish = |c: &mut Calibration| {
        c.e_over_o = c.expected / c.observed as f64;
        c.brier /= c.n.max(1) as f64;
    };
    map.values_mut().for_each(finish);
    finish(&mut all);
    (map, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-worked case with three groups (a, b, c):
    ///
    /// ```text
    /// group a: y = 1 1 0 0 0   ŷ = 1 0 1 0 0  → sel 2/5, TPR 1/2, FPR 1/3
    /// group b: y = 1 1 1 0     ŷ = 1 1 1 1    → sel 1,   TPR 1,   FPR 1
    /// group c: y = 1 0 0       ŷ = 0 0 0      → sel 0,   TPR 0,   FPR 0
    /// overall: 12 persons, ŷ=1 for 6 → sel 1/2; positives 6, TP 4 → TPR 2/3; negatives 6, FP 2 → FPR 1/3
    /// ```
    fn case() -> (Vec<bool>, Vec<bool>, Vec<&'static str>) {
        let y = [1, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0];
        let p = [1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0];
        let g = ["a", "a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c"];
        (
            y.iter().map(|&v| v == 1).collect(),
            p.iter().map(|&v| v == 1).collect(),
            g.to_vec(),
        )
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn group_rates_by_hand() {
        let (y, p, g) = case();
        let (groups, overall) = by_group(&y, &p, &g);
        let a = groups["a"];
        close(a.selection_rate(), 0.4);
        close(a.tpr(), 0.5);
        close(a.fpr(), 1.0 / 3.0);
        let b = groups["b"];
        close(b.selection_rate(), 1.0);
        close(b.tpr(), 1.0);
        close(b.fpr(), 1.0);
        let c = groups["c"];
        close(c.selection_rate(), 0.0);
        close(c.tpr(), 0.0);
        close(c.fpr(), 0.0);
        close(overall.selection_rate(), 0.5);
        close(overall.tpr(), 4.0 / 6.0);
        close(overall.fpr(), 2.0 / 6.0);
    }

    #[test]
    fn fairlearn_between_groups_by_hand() {
        let (y, p, g) = case();
        let (groups, overall) = by_group(&y, &p, &g);
        let m = fairlearn_metrics(&groups, &overall, Method::BetweenGroups);
        close(m.demographic_parity_difference, 1.0); // 1 − 0
        close(m.demographic_parity_ratio, 0.0); // 0 / 1
        close(m.equal_opportunity_difference, 1.0); // TPR 1 − 0
        close(m.equalized_odds_difference_worst_case, 1.0); // max(1, 1)
        close(m.equalized_odds_difference_mean, 1.0);
        // Without group c: sel {0.4, 1}, TPR {0.5, 1}, FPR {1/3, 1}.
        let ab: BTreeMap<_, _> = groups.into_iter().filter(|(k, _)| *k != "c").collect();
        let m = fairlearn_metrics(&ab, &overall, Method::BetweenGroups);
        close(m.demographic_parity_difference, 0.6);
        close(m.demographic_parity_ratio, 0.4);
        close(m.equal_opportunity_difference, 0.5);
        close(m.equalized_odds_difference_worst_case, 2.0 / 3.0); // max(0.5, 2/3)
        close(m.equalized_odds_difference_mean, (0.5 + 2.0 / 3.0) / 2.0);
        close(m.equalized_odds_ratio_worst_case, 1.0 / 3.0); // min(0.5, 1/3)
    }

    #[test]
    fn fairlearn_to_overall_by_hand() {
        let (y, p, g) = case();
        let (groups, overall) = by_group(&y, &p, &g);
        let m = fairlearn_metrics(&groups, &overall, Method::ToOverall);
        // sel {0.4, 1, 0} vs 0.5 → |·| {0.1, 0.5, 0.5}.
        close(m.demographic_parity_difference, 0.5);
        // ratios {0.8, 2 → 0.5, 0} → 0.
        close(m.demographic_parity_ratio, 0.0);
        // TPR {0.5, 1, 0} vs 2/3 → max 2/3; FPR {1/3, 1, 0} vs 1/3 → 2/3.
        close(m.equal_opportunity_difference, 2.0 / 3.0);
        close(m.equalized_odds_difference_worst_case, 2.0 / 3.0);
    }

    #[test]
    fn aif360_signs_by_hand() {
        let (y, p, g) = case();
        let (groups, _) = by_group(&y, &p, &g);
        // a unprivileged, b privileged.
        let m = aif360_metrics(&groups["a"], &groups["b"]);
        close(m.statistical_parity_difference, 0.4 - 1.0);
        close(m.disparate_impact, 0.4);
        close(m.equal_opportunity_difference, 0.5 - 1.0);
        close(
            m.average_odds_difference,
            0.5 * ((1.0 / 3.0 - 1.0) + (0.5 - 1.0)),
        );
        // Swapping the roles flips the signs of the differences.
        let r = aif360_metrics(&groups["b"], &groups["a"]);
        close(r.statistical_parity_difference, 0.6);
        close(r.disparate_impact, 2.5);
        close(r.average_odds_difference, -m.average_odds_difference);
    }

    #[test]
    fn calibration_by_hand() {
        let y = [true, false, false, true];
        let s = [0.8, 0.2, 0.4, 0.6];
        let g = ["x", "x", "y", "y"];
        let (groups, all) = calibration_by_group(&y, &s, &g);
        // x: E = 1.0, O = 1, Brier = (0.04 + 0.04)/2 = 0.04
        close(groups["x"].e_over_o, 1.0);
        close(groups["x"].brier, 0.04);
        // y: E = 1.0, O = 1, Brier = (0.16 + 0.16)/2 = 0.16
        close(groups["y"].expected, 1.0);
        close(groups["y"].brier, 0.16);
        close(all.brier, 0.1);
        close(all.e_over_o, 1.0);
    }

    #[test]
    fn zero_denominators_follow_fairlearn() {
        // A group with only negatives: TPR 0 (sklearn's normalised confusion matrix), and
        // disparity between a group with selection 0 and one with 0 is 0; the ratio is NaN.
        let c = Confusion {
            tn: 3,
            ..Default::default()
        };
        assert_eq!(c.tpr(), 0.0);
        assert!(ratio(&[0.0, 0.0], 0.0, Method::BetweenGroups).is_nan());
        assert_eq!(difference(&[0.0, 0.0], 0.0, Method::BetweenGroups), 0.0);
    }
}
