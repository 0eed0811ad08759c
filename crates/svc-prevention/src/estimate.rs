//! Uplift of an arm over control: difference in attendance with a 95 % interval, risk ratio and
//! odds ratio with theirs, and the minimum detectable effect of a sample size.
//!
//! Methods, chosen for being well studied and computable by hand:
//!
//! * proportions: the Wilson score interval (Wilson 1927), which unlike the Wald interval stays
//!   inside [0, 1] and keeps its coverage near 0 and 1;
//! * difference of two independent proportions: Newcombe's hybrid score interval (Newcombe,
//!   Stat Med 1998;17:873, method 10), built from the two Wilson intervals;
//! * risk ratio: the log (Katz) interval; odds ratio: Woolf's log interval (both undefined with
//!   a zero cell, reported as `None`);
//! * minimum detectable difference: two-sided α = 0.05, power 80 %, normal approximation with
//!   the control proportion's variance in both arms.

use serde::Serialize;

/// The two-sided 95 % normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;
/// The normal quantile of 80 % power.
pub const Z_POWER80: f64 = 0.841_621_233_572_914_3;

/// A count of successes out of trials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Attended.
    pub attended: u64,
    /// Of.
    pub n: u64,
}

impl Count {
    /// The proportion (0 when empty).
    pub fn proportion(self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.attended as f64 / self.n as f64
        }
    }
}

/// The Wilson score interval of a proportion at normal quantile `z`; `(0, 1)` when empty.
pub fn wilson(c: Count, z: f64) -> (f64, f64) {
    if c.n == 0 {
        return (0.0, 1.0);
    }
    let n = c.n as f64;
    let p = c.proportion();
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Newcombe's hybrid score interval for `p1 − p2`.
pub fn newcombe(c1: Count, c2: Count, z: f64) -> (f64, f64) {
    let (p1, p2) = (c1.proportion(), c2.proportion());
    let (l1, u1) = wilson(c1, z);
    let (l2, u2) = wilson(c2, z);
    let d = p1 - p2;
    (
        d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    )
}

/// A ratio with its 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Ratio {
    /// The estimate.
    pub value: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The risk ratio `p1 / p2` with its log interval; `None` with a zero count.
pub fn risk_ratio(c1: Count, c2: Count, z: f64) -> Option<Ratio> {
    if c1.attended == 0 || c2.attended == 0 {
        return None;
    }
    let rr = c1.proportion() / c2.proportion();
    let se = (1.0 / c1.attended as f64 - 1.0 / c1.n as f64 + 1.0 / c2.attended as f64
        - 1.0 / c2.n as f64)
        .sqrt();
    Some(Ratio {
        value: rr,
        low: rr * (-z * se).exp(),
        high: rr * (z * se).exp(),
    })
}

/// The odds ratio with Woolf's interval; `None` with a zero cell.
pub fn odds_ratio(c1: Count, c2: Count, z: f64) -> Option<Ratio> {
    let (a, b) = (c1.attended, c1.n.checked_sub(c1.attended)?);
    let (c, d) = (c2.attended, c2.n.checked_sub(c2.attended)?);
    if a == 0 || b == 0 || c == 0 || d == 0 {
        return None;
    }
    let (a, b, c, d) = (a as f64, b as f64, c as f64, d as f64);
    let or = (a / b) / (c / d);
    let se = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
    Some(Ratio {
        value: or,
        low: or * (-z * se).exp(),
        high: or * (z * se).exp(),
    })
}

/// The smallest difference in proportions a two-arm comparison of `n1` and `n2` detects with
/// 80 % power at two-sided α = 0.05, around a control proportion `p`. Infinite if an arm is
/// empty.
pub fn minimum_detectable_difference(n1: usize, n2: usize, p: f64) -> f64 {
    if n1 == 0 || n2 == 0 {
        return f64::INFINITY;
    }
    (Z95 + Z_POWER80) * (p * (1.0 - p) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt()
}

/// An arm compared with control.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The arm.
    pub arm: Count,
    /// Control.
    pub control: Count,
    /// Difference in attendance (arm − control), as a proportion.
    pub difference: f64,
    /// Newcombe's 95 % interval of the difference.
    pub difference_ci95: (f64, f64),
    /// Risk ratio.
    pub risk_ratio: Option<Ratio>,
    /// Odds ratio.
    pub odds_ratio: Option<Ratio>,
}

impl Comparison {
    /// Compares two counts.
    pub fn new(arm: Count, control: Count) -> Comparison {
        Comparison {
            arm,
            control,
            difference: arm.proportion() - control.proportion(),
            difference_ci95: newcombe(arm, control, Z95),
            risk_ratio: risk_ratio(arm, control, Z95),
            odds_ratio: odds_ratio(arm, control, Z95),
        }
    }

    /// Whether the interval of the difference excludes zero.
    pub fn significant(&self) -> bool {
        self.difference_ci95.0 > 0.0 || self.difference_ci95.1 < 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() < tol, "{a} vs {b}");
    }

    /// Newcombe (1998), table II, example (a): 56/70 vs 48/80, method 10 gives 0.0524 to 0.3339.
    #[test]
    fn newcombe_reproduces_the_published_example() {
        let (l, u) = newcombe(
            Count {
                attended: 56,
                n: 70,
            },
            Count {
                attended: 48,
                n: 80,
            },
            Z95,
        );
        close(l, 0.0524, 5e-5);
        close(u, 0.3339, 5e-5);
    }

    /// Kerrison's 64.4 vs 59.1 % on 1000 women per arm, worked by hand:
    /// Wilson for 644/1000: centre = (0.644 + 3.8415/2000) / (1 + 3.8415/1000) = 0.643484,
    /// half = 1.96/1.0038415 × √(0.644·0.356/1000 + 3.8415/4e6) = 0.029625, so 0.613824–0.673074;
    /// for 591/1000: 0.560236–0.621068. Difference 0.053;
    /// lower = 0.053 − √((0.644 − 0.613824)² + (0.621068 − 0.591)²) = 0.053 − 0.042599 = 0.010401;
    /// upper = 0.053 + √((0.673074 − 0.644)² + (0.591 − 0.560236)²) = 0.053 + 0.042329 = 0.095329.
    /// RR = 0.644/0.591 = 1.08968, se(ln) = √(1/644 − 1/1000 + 1/591 − 1/1000) = 0.035768, so
    /// 1.01687–1.16770. OR = (644/356)/(591/409) = 1.25191, se(ln) = √(1/644 + 1/356 + 1/591 +
    /// 1/409) = 0.093455, so 1.04496–1.49983 (Kerrison's published OR: 1.26).
    #[test]
    fn kerrison_difference_worked_by_hand() {
        let sms = Count {
            attended: 644,
            n: 1000,
        };
        let control = Count {
            attended: 591,
            n: 1000,
        };
        let (l, u) = wilson(sms, Z95);
        close(l, 0.613824, 1e-6);
        close(u, 0.673074, 1e-6);
        let c = Comparison::new(sms, control);
        close(c.difference, 0.053, 1e-12);
        close(c.difference_ci95.0, 0.010401, 1e-6);
        close(c.difference_ci95.1, 0.095329, 1e-6);
        let rr = c.risk_ratio.unwrap();
        close(rr.value, 1.089679, 1e-6);
        close(rr.low, 1.016871, 1e-6);
        close(rr.high, 1.167699, 1e-6);
        let or = c.odds_ratio.unwrap();
        close(or.value, 1.251906, 1e-6);
        close(or.low, 1.044961, 1e-6);
        close(or.high, 1.499834, 1e-6);
        assert!(c.significant());
    }

    #[test]
    fn empty_and_degenerate_counts_do_not_panic() {
        let zero = Count { attended: 0, n: 0 };
        assert_eq!(wilson(zero, Z95), (0.0, 1.0));
        let none = Count { attended: 0, n: 10 };
        let all = Count {
            attended: 10,
            n: 10,
        };
        assert!(risk_ratio(none, all, Z95).is_none());
        assert!(odds_ratio(all, all, Z95).is_none());
        let (l, u) = wilson(all, Z95);
        assert!(l > 0.6 && u > 1.0 - 1e-12 && u <= 1.0);
        assert!(minimum_detectable_difference(0, 10, 0.5).is_infinite());
    }

    /// 1000 per arm around 59.1 %: 2.80159 × √(0.591·0.409·0.002) = 0.061599.
    #[test]
    fn minimum_detectable_difference_worked_by_hand() {
        close(
            minimum_detectable_difference(1000, 1000, 0.591),
            0.061599,
            1e-6,
        );
    }
}
