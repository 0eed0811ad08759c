//! The lifestyle risk model of S7: a logistic regression of breast-cancer diagnosis on the
//! lifestyle survey and age, trained on the synthetic cohort.
//!
//! Why these features: the synthetic cohort's generating process (`synth::health`, module docs)
//! makes a woman's yearly risk `base(5-year age band) × RR`, with `ln RR` a sum of nine terms
//! (daily smoking, alcohol units, BMI ≥ 30 from 50, ≥ 150 activity minutes, no births, first
//! birth at 30+, menarche < 12, one or two+ affected relatives). The model uses exactly those
//! terms plus one indicator per 5-year age band, so its raw coefficients estimate the documented
//! log relative risks (for a rare outcome the log odds ratio ≈ the log relative risk, and the
//! screening round multiplies the risk by a factor that depends only on the age band), and a
//! test can check that it recovers them. A model for real women would need real cohort data;
//! this one shows the machinery and that it finds what is there.
//!
//! Cohort: women aged 25–79 on the reference date with a survey answer (the survey covers ages
//! 16–79). Outcome: a breast-cancer diagnosis recorded up to the reference date (the cohort window
//! of the generator: the 2022–23 screening round and clinical diagnoses in 2023).

use crate::model::{FitOptions, LogisticModel, Matrix, ModelError};
use identity::{NationalId, Sex};
use registers::{Registers, Smoking};
use std::collections::{HashMap, HashSet};

/// The documented log relative risks of the generating process (`synth::health`), in the order
/// of the first nine features.
pub const DOCUMENTED_LOG_RR: [(&str, f64); 9] = [
    ("daily smoker", 0.18),
    ("alcohol units per week", 0.007),
    ("BMI ≥ 30 and age ≥ 50", 0.25),
    ("activity ≥ 150 min per week", -0.15),
    ("no births", 0.26),
    ("first birth at 30+", 0.18),
    ("menarche before 12", 0.14),
    ("one first-degree relative", 0.59),
    ("two or more first-degree relatives", 1.06),
];

/// Lower edges of the age bands 30–34 … 75–79 (25–29 is the reference).
const AGE_BANDS: [u32; 10] = [30, 35, 40, 45, 50, 55, 60, 65, 70, 75];

/// Youngest and oldest age in the cohort.
pub const AGES: (u32, u32) = (25, 79);

/// The model's feature names: the nine lifestyle terms, then the age-band indicators.
pub fn feature_names() -> Vec<String> {
    DOCUMENTED_LOG_RR
        .iter()
        .map(|(n, _)| n.to_string())
        .chain(AGE_BANDS.iter().map(|a| format!("age {}–{}", a, a + 4)))
        .collect()
}

/// One survey answer turned into features.
pub fn features(answer: &registers::LifestyleSurvey, age: u32) -> Vec<f64> {
    let b = |v: bool| if v { 1.0 } else { 0.0 };
    let mut f = vec![
        b(answer.smoking == Smoking::Daily),
        answer.alcohol_units_per_week as f64,
        b(answer.bmi_tenths >= 300 && age >= 50),
        b(answer.activity_minutes_per_week >= 150),
        b(answer.live_births == Some(0)),
        b(answer.age_at_first_birth.is_some_and(|a| a >= 30)),
        b(answer.age_at_menarche.is_some_and(|a| a < 12)),
        b(answer.first_degree_relatives_with_breast_cancer == 1),
        b(answer.first_degree_relatives_with_breast_cancer >= 2),
    ];
    f.extend(AGE_BANDS.iter().map(|&lo| b((lo..lo + 5).contains(&age))));
    f
}

/// The training cohort.
#[derive(Clone, Debug)]
pub struct Cohort {
    /// The women, in the order of the rows.
    pub persons: Vec<NationalId>,
    /// Their ages on the reference date.
    pub ages: Vec<u32>,
    /// Features.
    pub x: Matrix,
    /// Breast-cancer diagnosis recorded.
    pub y: Vec<bool>,
}

/// Builds the cohort from registers holding persons, lifestyle answers and diagnoses.
pub fn cohort(registers: &Registers) -> Cohort {
    let on = registers.reference_date;
    let women: HashMap<NationalId, u32> = registers
        .persons
        .iter()
        .filter(|p| p.sex == Sex::Female)
        .map(|p| (p.id, registers::age_on(p.birth_date, on)))
        .filter(|(_, age)| (AGES.0..=AGES.1).contains(age))
        .collect();
    let cases: HashSet<NationalId> = registers
        .cancer
        .iter()
        .filter(|c| c.diagnosed_on <= on)
        .map(|c| c.person)
        .collect();
    let mut out = Cohort {
        persons: Vec::new(),
        ages: Vec::new(),
        x: Matrix {
            rows: 0,
            cols: feature_names().len(),
            data: Vec::new(),
        },
        y: Vec::new(),
    };
    let mut seen = HashSet::new();
    for answer in &registers.lifestyle {
        let Some(&age) = women.get(&answer.person) else {
            continue;
        };
        if !seen.insert(answer.person) {
            continue; // one answer per woman: the first
        }
        out.persons.push(answer.person);
        out.ages.push(age);
        out.x.data.extend(features(answer, age));
        out.x.rows += 1;
        out.y.push(cases.contains(&answer.person));
    }
    out
}

/// Trains the lifestyle model on a cohort. The L2 penalty is tiny (λ = 1 on standardised
/// coefficients against hundreds of thousands of rows), so the estimates are essentially maximum
/// likelihood.
pub fn train(cohort: &Cohort, dataset: &str) -> Result<LogisticModel, ModelError> {
    LogisticModel::fit(
        "s7-lifestyle",
        "breast-cancer diagnosis in the cohort window",
        &feature_names(),
        &cohort.x,
        &cohort.y,
        dataset,
        &FitOptions::default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_follow_the_documented_terms() {
        let answer = registers::LifestyleSurvey {
            person: NationalId::parse("17912099997").unwrap(),
            answered_on: chrono::NaiveDate::from_ymd_opt(2022, 5, 1).unwrap(),
            smoking: Smoking::Daily,
            alcohol_units_per_week: 7,
            bmi_tenths: 301,
            activity_minutes_per_week: 150,
            age_at_menarche: Some(11),
            live_births: Some(2),
            age_at_first_birth: Some(31),
            first_degree_relatives_with_breast_cancer: 2,
        };
        let f = features(&answer, 52);
        assert_eq!(&f[..9], &[1.0, 7.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0]);
        assert_eq!(f[9..].iter().sum::<f64>(), 1.0);
        assert_eq!(f[9 + 4], 1.0); // 50–54
        assert_eq!(features(&answer, 49)[2], 0.0); // BMI term only from 50
        assert_eq!(f.len(), feature_names().len());
    }
}
