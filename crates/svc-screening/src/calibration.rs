//! Every number the simulation is calibrated with, and where it comes from.
//!
//! Why a table and not scattered constants: a reader of the report (or an auditor of the
//! algorithm register) must be able to see which figures are published, which are derived from
//! published ones, which were tuned so that the baseline reproduces the published programme
//! figures, and which are plain assumptions. [`Calibration::provenance`] lists them all with
//! their status, and the report prints that list. Sources are those of the project's domain notes
//! (`screening-and-prevention.md` §1).

use crate::SimulationError;

/// How well founded a calibration parameter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Taken directly from a published source.
    Published,
    /// Computed from published figures by a stated rule.
    Derived,
    /// Chosen so that the simulated double reading reproduces published programme figures.
    Tuned,
    /// An assumption without a published source (unverified).
    Assumed,
}

impl Status {
    /// Short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Derived => "derived",
            Status::Tuned => "tuned",
            Status::Assumed => "assumed (unverified)",
        }
    }
}

/// One row of the provenance table.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Provenance {
    /// Field name in [`Calibration`].
    pub key: &'static str,
    /// The value as written in the report.
    pub value: String,
    /// Where it comes from, or how it was chosen.
    pub source: &'static str,
    /// How well founded it is.
    pub status: Status,
}

/// AI score band used for everything that depends on how suspicious the AI finds an exam.
///
/// The bands are those Gommers et al. report reader behaviour for (1–7, 8–9 where MASAI shows
/// CAD marks, 10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    /// Scores 1–7.
    Low = 0,
    /// Scores 8–9.
    Mid = 1,
    /// Score 10.
    High = 2,
}

impl Band {
    /// The band of a score 1–10.
    pub fn of(score: u8) -> Band {
        match score {
            10 => Band::High,
            8 | 9 => Band::Mid,
            _ => Band::Low,
        }
    }
}

/// The calibration of the screening model. [`Calibration::default`] is the documented one.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Calibration {
    /// Share of invited women who attend a round.
    pub participation: f64,
    /// Probability of attending after attending the previous round.
    pub attend_after_attended: f64,
    /// Probability of attending after missing the previous round.
    pub attend_after_missed: f64,
    /// Breast-cancer incidence per 100 000 women aged 50–54, 55–59, 60–64, 65–69 (its shape scales
    /// the prevalence at the screen by age; the level is set by the two prevalences below).
    pub age_incidence_per_100k: [f64; 4],
    /// Cancers present and visible at the screen, per 1000 screens (population average).
    pub screen_detectable_per_1000: f64,
    /// Cancers not visible at the screen that surface before the next round, per 1000 screens.
    pub interval_type_per_1000: f64,
    /// AI score distribution (scores 1–10) of screen-detectable cancers.
    pub ai_score_screen_detectable: [f64; 10],
    /// AI score distribution (scores 1–10) of interval-type cancers.
    pub ai_score_interval_type: [f64; 10],
    /// AI score distribution (scores 1–10) of exams without cancer.
    pub ai_score_normal: [f64; 10],
    /// How strongly cancers sit at the top of their score's interval of the continuous AI score
    /// (screen-detectable, interval-type): the position within the score is `V^(1/k)` for a
    /// uniform `V`, where normal exams have `k = 1`.
    pub within_score_concentration: [f64; 2],
    /// Per-reader probability of scoring ≥ 2 an exam without cancer, by band (1–7, 8–9, 10).
    pub reader_flag_normal: [f64; 3],
    /// Per-reader probability of scoring ≥ 2 a screen-detectable cancer, by band.
    pub reader_flag_screen_detectable: [f64; 3],
    /// Per-reader probability of scoring ≥ 2 an interval-type cancer, by band.
    pub reader_flag_interval_type: [f64; 3],
    /// Reader score 2, 3, 4, 5 given a flag, for exams without a visible cancer.
    pub flagged_score_normal: [f64; 4],
    /// Reader score 2, 3, 4, 5 given a flag, for screen-detectable cancers.
    pub flagged_score_cancer: [f64; 4],
    /// Probability that the consensus meeting recalls, by the highest reader score 2, 3, 4, 5.
    pub consensus_recall_by_score: [f64; 4],
    /// Probability that the work-up after a recall finds an interval-type cancer, by band.
    pub interval_type_found_at_workup: [f64; 3],
    /// Factor on a reader's flag probability at score 10 when the reader sees the AI score.
    pub cad_factor_score10: f64,
    /// Factor on a reader's flag probability for unmarked exams (below the marks threshold).
    pub cad_factor_unmarked: f64,
}

/// The participation of BreastScreen Norway per round (20- and 25-year reports: 75–76 %).
const PARTICIPATION: f64 = 0.755;
/// Assumed loyalty of attenders; with [`PARTICIPATION`] it fixes the rate after a missed round.
const ATTEND_AFTER_ATTENDED: f64 = 0.90;

impl Default for Calibration {
    fn default() -> Self {
        // Stationary two-state chain: p = m / (1 − a + m)  ⇒  m = p (1 − a) / (1 − p).
        let attend_after_missed =
            PARTICIPATION * (1.0 - ATTEND_AFTER_ATTENDED) / (1.0 - PARTICIPATION);
        Calibration {
            participation: PARTICIPATION,
            attend_after_attended: ATTEND_AFTER_ATTENDED,
            attend_after_missed,
            age_incidence_per_100k: [260.0, 270.0, 300.0, 360.0],
            screen_detectable_per_1000: 6.80,
            interval_type_per_1000: 1.15,
            ai_score_screen_detectable: [
                0.004, 0.004, 0.005, 0.006, 0.006, 0.010, 0.015, 0.027, 0.063, 0.860,
            ],
            ai_score_interval_type: [
                0.045, 0.050, 0.055, 0.065, 0.070, 0.080, 0.090, 0.115, 0.130, 0.300,
            ],
            ai_score_normal: [0.1; 10],
            within_score_concentration: [3.0, 1.3],
            reader_flag_normal: [0.018, 0.080, 0.170],
            reader_flag_screen_detectable: [0.60, 0.75, 0.86],
            reader_flag_interval_type: [0.06, 0.08, 0.12],
            flagged_score_normal: [0.60, 0.30, 0.08, 0.02],
            flagged_score_cancer: [0.05, 0.10, 0.25, 0.60],
            consensus_recall_by_score: [0.12, 0.45, 0.90, 0.99],
            interval_type_found_at_workup: [0.20, 0.30, 0.50],
            cad_factor_score10: 14.41 / 9.44,
            cad_factor_unmarked: 0.50 / 0.61,
        }
    }
}

impl Calibration {
    /// Checks that every probability is one and every distribution sums to 1.
    pub fn validate(&self) -> Result<(), SimulationError> {
        let probability = |key: &'static str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(SimulationError::BadCalibration {
                    key,
                    reason: format!("{v} is not a probability"),
                })
            }
        };
        let distribution = |key: &'static str, values: &[f64]| {
            for &v in values {
                probability(key, v)?;
            }
            let sum: f64 = values.iter().sum();
            if (sum - 1.0).abs() > 1e-9 {
                return Err(SimulationError::BadCalibration {
                    key,
                    reason: format!("the shares sum to {sum}, not 1"),
                });
            }
            Ok(())
        };
        probability("participation", self.participation)?;
        probability("attend_after_attended", self.attend_after_attended)?;
        probability("attend_after_missed", self.attend_after_missed)?;
        probability(
            "screen_detectable_per_1000",
            self.screen_detectable_per_1000 / 1000.0,
        )?;
        probability(
            "interval_type_per_1000",
            self.interval_type_per_1000 / 1000.0,
        )?;
        distribution(
            "ai_score_screen_detectable",
            &self.ai_score_screen_detectable,
        )?;
        distribution("ai_score_interval_type", &self.ai_score_interval_type)?;
        distribution("ai_score_normal", &self.ai_score_normal)?;
        distribution("flagged_score_normal", &self.flagged_score_normal)?;
        distribution("flagged_score_cancer", &self.flagged_score_cancer)?;
        for (key, values) in [
            ("reader_flag_normal", &self.reader_flag_normal),
            (
                "reader_flag_screen_detectable",
                &self.reader_flag_screen_detectable,
            ),
            ("reader_flag_interval_type", &self.reader_flag_interval_type),
            (
                "interval_type_found_at_workup",
                &self.interval_type_found_at_workup,
            ),
        ] {
            for &v in values {
                probability(key, v)?;
            }
        }
        for &v in &self.consensus_recall_by_score {
            probability("consensus_recall_by_score", v)?;
        }
        if self.age_incidence_per_100k.iter().any(|&v| v <= 0.0) {
            return Err(SimulationError::BadCalibration {
                key: "age_incidence_per_100k",
                reason: "every age band needs a positive incidence".into(),
            });
        }
        for (key, v) in [
            (
                "within_score_concentration",
                self.within_score_concentration[0],
            ),
            (
                "within_score_concentration",
                self.within_score_concentration[1],
            ),
            ("cad_factor_score10", self.cad_factor_score10),
            ("cad_factor_unmarked", self.cad_factor_unmarked),
        ] {
            if v <= 0.0 || !v.is_finite() {
                return Err(SimulationError::BadCalibration {
                    key,
                    reason: format!("{v} is not a positive factor"),
                });
            }
        }
        Ok(())
    }

    /// Every parameter with its value, source and status, in the order of the struct.
    pub fn provenance(&self) -> Vec<Provenance> {
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.3}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let row = |key, value: String, source, status| Provenance {
            key,
            value,
            source,
            status,
        };
        use Status::*;
        vec![
            row(
                "participation",
                format!("{:.3}", self.participation),
                "BreastScreen Norway 20- and 25-year reports: 75–76 % attend per round",
                Published,
            ),
            row(
                "attend_after_attended",
                format!("{:.3}", self.attend_after_attended),
                "assumed loyalty of attenders (84–85 % attend at least once fits it)",
                Assumed,
            ),
            row(
                "attend_after_missed",
                format!("{:.3}", self.attend_after_missed),
                "derived: keeps the stationary participation at 75.5 %",
                Derived,
            ),
            row(
                "age_incidence_per_100k",
                list(&self.age_incidence_per_100k),
                "shape of the Cancer Registry's age curve as used by the synthetic cohort (synth::health)",
                Assumed,
            ),
            row(
                "screen_detectable_per_1000",
                format!("{:.2}", self.screen_detectable_per_1000),
                "tuned: double reading gives 6.1 screen-detected per 1000 (Larsen et al., Radiology 2022;303:502)",
                Tuned,
            ),
            row(
                "interval_type_per_1000",
                format!("{:.2}", self.interval_type_per_1000),
                "tuned: double reading gives ≈ 1.7 interval cancers per 1000 (Larsen 2022)",
                Tuned,
            ),
            row(
                "ai_score_screen_detectable",
                list(&self.ai_score_screen_detectable),
                "score-10 share tuned so 86.8 % of the double reading's screen-detected cancers score 10 (Larsen 2022); the shape over 1–9 is assumed",
                Tuned,
            ),
            row(
                "ai_score_interval_type",
                list(&self.ai_score_interval_type),
                "score-10 share tuned so 44.9 % of the double reading's interval cancers score 10 (Larsen 2022; missed visible cancers add to it); the shape over 1–9 is assumed",
                Tuned,
            ),
            row(
                "ai_score_normal",
                list(&self.ai_score_normal),
                "Transpara scores are deciles: normal exams about 10 % per score (Larsen 2022)",
                Published,
            ),
            row(
                "within_score_concentration",
                list(&self.within_score_concentration),
                "derived: at a 5.8 % selection rate the AI flags 80.1 % of screen-detected and 30.7 % of interval cancers (Larsen 2022), against 86.8 % and 44.9 % at score 10",
                Derived,
            ),
            row(
                "reader_flag_normal",
                list(&self.reader_flag_normal),
                "tuned: consensus rate ≈ 8–9 % and recall ≈ 3.2 % (Larsen 2022; Hofvind et al., Radiology 2009)",
                Tuned,
            ),
            row(
                "reader_flag_screen_detectable",
                list(&self.reader_flag_screen_detectable),
                "tuned: ≈ 23 % of screen-detected cancers have discordant reader scores (Martiniussen et al., Eur Radiol 2022); lower in low AI bands as the AI-missed cancers are the harder ones (assumed)",
                Tuned,
            ),
            row(
                "reader_flag_interval_type",
                list(&self.reader_flag_interval_type),
                "assumed: minimal signs; readers flag few",
                Assumed,
            ),
            row(
                "flagged_score_normal",
                list(&self.flagged_score_normal),
                "assumed distribution of scores 2–5 when a reader flags a normal exam",
                Assumed,
            ),
            row(
                "flagged_score_cancer",
                list(&self.flagged_score_cancer),
                "assumed distribution of scores 2–5 when a reader flags a visible cancer",
                Assumed,
            ),
            row(
                "consensus_recall_by_score",
                list(&self.consensus_recall_by_score),
                "assumed recall probability at consensus by highest score 2–5; 12.8 % of interval cancers had been dismissed at consensus (Martiniussen 2022) bounds it",
                Assumed,
            ),
            row(
                "interval_type_found_at_workup",
                list(&self.interval_type_found_at_workup),
                "assumed; only 20.8 % of score-10 interval cancers were judged actionable (Koch et al., ECR abstract)",
                Assumed,
            ),
            row(
                "cad_factor_score10",
                format!("{:.3}", self.cad_factor_score10),
                "Gommers et al. (ECR abstract): readers seeing the score recall 14.41 vs 9.44 % at score 10",
                Derived,
            ),
            row(
                "cad_factor_unmarked",
                format!("{:.3}", self.cad_factor_unmarked),
                "Gommers et al. (ECR abstract): 0.50 vs 0.61 % recall at scores 1–7",
                Derived,
            ),
        ]
    }

    /// The per-reader flag probabilities of a class, by band.
    pub(crate) fn reader_flag(&self, class: crate::exam::Class) -> &[f64; 3] {
        use crate::exam::Class;
        match class {
            Class::Normal => &self.reader_flag_normal,
            Class::ScreenDetectable => &self.reader_flag_screen_detectable,
            Class::IntervalType => &self.reader_flag_interval_type,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_calibration_is_valid_and_fully_documented() {
        let c = Calibration::default();
        c.validate().unwrap();
        let p = c.provenance();
        assert_eq!(p.len(), 19);
        assert!(p.iter().all(|r| !r.source.is_empty()));
        // The stationary participation of the attendance chain is the published one.
        let m = c.attend_after_missed;
        let stationary = m / (1.0 - c.attend_after_attended + m);
        assert!((stationary - 0.755).abs() < 1e-12);
    }

    #[test]
    fn a_distribution_that_does_not_sum_to_one_is_named() {
        let c = Calibration {
            ai_score_normal: [0.2; 10],
            ..Calibration::default()
        };
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("ai_score_normal"), "{err}");
    }
}
