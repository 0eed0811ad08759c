//! S6: personalised (risk-stratified) screening recommendations from the Gail risk estimate,
//! their effect on programme capacity, and the explanation a woman can read.
//!
//! Why the algorithm never moves anyone by itself: a recommendation outside the standard
//! programme (earlier start, yearly exams, MRI) changes what health care a woman is offered, so
//! it is decision support: the service proposes, a physician in the programme decides, and the
//! explanation says so and names who decided. Women the model cannot assess (no survey answer,
//! a previous breast cancer, an age outside the model) stay in the standard programme and are
//! counted, never guessed about.
//!
//! The thresholds and schedules are data ([`Policy`], `policy/followup.toml`), each with its
//! source and whether it is verified.

use crate::gail::{GailError, GailInput, Group, Hyperplasia};
use identity::{NationalId, Sex};
use registers::Registers;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The shipped policy file.
pub const POLICY_TOML: &str = include_str!("../policy/followup.toml");

/// The inputs the Gail model takes, as feature names for the protected-feature check.
pub const GAIL_FEATURES: [&str; 5] = [
    "age",
    "age at menarche",
    "age at first birth",
    "biopsies",
    "first-degree relatives",
];

/// Youngest and oldest age assessed: the Gail model is validated from 35; the programme ends at 69.
pub const AGES: (u32, u32) = (35, 69);

/// Why the policy file is not usable.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// Not valid TOML of the expected shape.
    #[error("follow-up policy: {0}")]
    Syntax(String),
    /// A value the service cannot use.
    #[error("follow-up policy: {0}")]
    Invalid(String),
}

/// Whether a figure has been checked against its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Checked.
    Verified,
    /// Not checked; shown as such in every report.
    Unverified,
}

/// The risk thresholds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Remaining lifetime risk above which a woman is at moderate risk.
    pub lifetime_moderate: f64,
    /// Remaining lifetime risk from which a woman is at high risk.
    pub lifetime_high: f64,
    /// Risk between 40 and 50 from which a woman is at moderate risk.
    pub ten_year_40_50_moderate: f64,
    /// Risk between 40 and 50 above which a woman is at high risk.
    pub ten_year_40_50_high: f64,
    /// Source.
    pub source: String,
    /// Checked or not.
    pub status: Status,
    /// Caveat.
    #[serde(default)]
    pub note: String,
}

/// Risk category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Population risk: the standard programme.
    Population,
    /// Moderate risk.
    Moderate,
    /// High risk.
    High,
}

impl Category {
    /// Name in bokmål.
    pub fn name_nb(self) -> &'static str {
        match self {
            Category::Population => "vanlig risiko",
            Category::Moderate => "moderat forhøyet risiko",
            Category::High => "høy risiko",
        }
    }

    /// Name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Category::Population => "population risk",
            Category::Moderate => "moderate risk",
            Category::High => "high risk",
        }
    }
}

/// Imaging modality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Mammography.
    Mammography,
    /// Magnetic resonance imaging (supplemental).
    Mri,
}

/// One phase of a schedule: a modality every `interval_years` from one age to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// The category it applies to.
    pub category: Category,
    /// Modality.
    pub modality: Modality,
    /// First age (inclusive).
    pub from_age: u32,
    /// Last age (inclusive).
    pub to_age: u32,
    /// Years between examinations.
    pub interval_years: u32,
    /// Source.
    pub source: String,
    /// Checked or not.
    pub status: Status,
}

impl Phase {
    /// In bokmål, e.g. "mammografi hvert år 40–49 år".
    pub fn describe_nb(&self) -> String {
        let what = match self.modality {
            Modality::Mammography => "mammografi",
            Modality::Mri => "MR i tillegg",
        };
        let every = match self.interval_years {
            1 => "hvert år".to_string(),
            2 => "hvert annet år".to_string(),
            n => format!("hvert {n}. år"),
        };
        format!("{what} {every}, {}–{} år", self.from_age, self.to_age)
    }

    /// In English.
    pub fn describe_en(&self) -> String {
        let what = match self.modality {
            Modality::Mammography => "mammography",
            Modality::Mri => "supplemental MRI",
        };
        let every = match self.interval_years {
            1 => "every year".to_string(),
            n => format!("every {n} years"),
        };
        format!("{what} {every}, ages {}–{}", self.from_age, self.to_age)
    }
}

/// Thresholds and schedules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// From when the policy applies (ISO date).
    pub valid_from: String,
    /// The thresholds.
    pub thresholds: Thresholds,
    /// The schedules, phase by phase.
    pub schedule: Vec<Phase>,
}

impl Policy {
    /// The shipped policy.
    pub fn builtin() -> Result<Policy, PolicyError> {
        Policy::parse(POLICY_TOML)
    }

    /// Parses and checks a policy.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let p: Policy = toml::from_str(text).map_err(|e| PolicyError::Syntax(e.to_string()))?;
        let t = &p.thresholds;
        let in_unit = |v: f64| v > 0.0 && v < 1.0;
        if ![
            t.lifetime_moderate,
            t.lifetime_high,
            t.ten_year_40_50_moderate,
            t.ten_year_40_50_high,
        ]
        .into_iter()
        .all(in_unit)
        {
            return Err(PolicyError::Invalid(
                "thresholds must be risks strictly between 0 and 1".into(),
            ));
        }
        if t.lifetime_moderate >= t.lifetime_high
            || t.ten_year_40_50_moderate >= t.ten_year_40_50_high
        {
            return Err(PolicyError::Invalid(
                "each moderate threshold must be below its high threshold".into(),
            ));
        }
        for ph in &p.schedule {
            if ph.from_age > ph.to_age || ph.interval_years == 0 {
                return Err(PolicyError::Invalid(format!(
                    "schedule phase {:?} {:?} {}–{} every {} years is empty",
                    ph.category, ph.modality, ph.from_age, ph.to_age, ph.interval_years
                )));
            }
        }
        if !p
            .schedule
            .iter()
            .any(|ph| ph.category == Category::Population)
        {
            return Err(PolicyError::Invalid(
                "the standard programme (category population) has no schedule".into(),
            ));
        }
        Ok(p)
    }

    /// The category of a remaining lifetime risk and (for women under 50) the risk between 40
    /// and 50.
    pub fn categorise(&self, lifetime: f64, ten_year_40_50: Option<f64>) -> Category {
        let t = &self.thresholds;
        let ten = ten_year_40_50.unwrap_or(0.0);
        if lifetime >= t.lifetime_high || ten > t.ten_year_40_50_high {
            Category::High
        } else if lifetime > t.lifetime_moderate || ten >= t.ten_year_40_50_moderate {
            Category::Moderate
        } else {
            Category::Population
        }
    }

    /// The phases of a category.
    pub fn phases(&self, category: Category) -> impl Iterator<Item = &Phase> {
        self.schedule.iter().filter(move |p| p.category == category)
    }

    /// Expected examinations per year for a woman of this age in this category.
    pub fn exams_per_year(&self, category: Category, age: u32, modality: Modality) -> f64 {
        self.phases(category)
            .filter(|p| p.modality == modality && (p.from_age..=p.to_age).contains(&age))
            .map(|p| 1.0 / p.interval_years as f64)
            .sum()
    }

    /// Whether anything in the policy is unverified.
    pub fn has_unverified(&self) -> bool {
        self.thresholds.status == Status::Unverified
            || self.schedule.iter().any(|p| p.status == Status::Unverified)
    }
}

/// One factor of a woman's risk: a Gail term and the relative risk it multiplies by.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Factor {
    /// In bokmål.
    pub name_nb: String,
    /// In English.
    pub name_en: String,
    /// exp(term): the factor it multiplies the risk by (below 50).
    pub relative_risk: f64,
}

/// One woman's assessment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment {
    /// The woman.
    pub person: NationalId,
    /// Age on the reference date.
    pub age: u32,
    /// What went into the model.
    pub input: GailInput,
    /// Remaining lifetime risk (to 90).
    pub lifetime: f64,
    /// Risk between 40 and 50 (for women under 50; from today when already past 40).
    pub ten_year_40_50: Option<f64>,
    /// The category.
    pub category: Category,
    /// The factors that raise her risk, largest first.
    pub factors: Vec<Factor>,
}

/// Why a woman was not assessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotAssessed {
    /// No answer to the lifestyle survey: no risk data.
    NoSurveyAnswer,
    /// A breast cancer is already recorded (outside the model; clinical follow-up).
    PreviousBreastCancer,
    /// The survey answer contradicts itself (e.g. a first birth before the first period): a
    /// person must check it; until then she stays in the standard programme.
    InconsistentAnswer,
}

/// The assessments of a population and the programme's capacity under the policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stratification {
    /// Assessed women.
    pub assessed: Vec<Assessment>,
    /// Women 35–69 not assessed, by reason (they stay in the standard programme).
    pub not_assessed: Vec<(NationalId, u32, NotAssessed)>,
    /// Capacity this year.
    pub capacity: Capacity,
}

/// Examinations per year for all women 35–69, under the standard programme and under the policy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Capacity {
    /// Mammograms per year if everyone follows the standard programme.
    pub baseline_mammograms: f64,
    /// Mammograms per year under the risk-stratified policy.
    pub stratified_mammograms: f64,
    /// Supplemental MRI examinations per year under the policy.
    pub stratified_mri: f64,
}

impl Capacity {
    /// Relative change in mammograms.
    pub fn mammogram_change(&self) -> f64 {
        if self.baseline_mammograms == 0.0 {
            0.0
        } else {
            self.stratified_mammograms / self.baseline_mammograms - 1.0
        }
    }
}

/// The Gail input of a survey answer. Biopsies are not in the registers: taken as none with
/// hyperplasia unknown, which underestimates the risk of a woman who has had a biopsy (said in
/// every explanation).
pub fn gail_input(answer: &registers::LifestyleSurvey, age: u32) -> GailInput {
    GailInput {
        age: age as f64,
        age_at_menarche: answer.age_at_menarche.map(u32::from),
        age_at_first_birth: match answer.live_births {
            Some(0) => None,
            _ => answer.age_at_first_birth.map(u32::from),
        },
        biopsies: 0,
        hyperplasia: Hyperplasia::Unknown,
        relatives: answer.first_degree_relatives_with_breast_cancer as u32,
        group: Group::White,
    }
}

/// Assesses one woman.
pub fn assess(
    policy: &Policy,
    person: NationalId,
    age: u32,
    input: GailInput,
) -> Result<Assessment, GailError> {
    let lifetime = input.absolute_risk(crate::gail::MAX_AGE - input.age)?;
    let ten_year_40_50 = if age < 50 {
        let from = input.age.max(40.0);
        let at = GailInput { age: from, ..input };
        Some(at.absolute_risk(50.0 - from)?)
    } else {
        None
    };
    let mut factors: Vec<Factor> = input
        .terms()
        .into_iter()
        .filter(|(_, v)| *v > 1e-12)
        .map(|(name, v)| Factor {
            name_nb: factor_nb(name).to_string(),
            name_en: name.to_string(),
            relative_risk: v.exp(),
        })
        .collect();
    factors.sort_by(|a, b| b.relative_risk.total_cmp(&a.relative_risk));
    Ok(Assessment {
        person,
        age,
        input,
        lifetime,
        ten_year_40_50,
        category: policy.categorise(lifetime, ten_year_40_50),
        factors,
    })
}

fn factor_nb(term: &str) -> &'static str {
    match term {
        "biopsies" => "tidligere biopsier",
        "age at menarche" => "tidlig første menstruasjon",
        "age at first birth" => "alder ved første fødsel (eller ingen fødsler)",
        "first-degree relatives" => "nære slektninger (mor, søster, datter) med brystkreft",
        "first birth × relatives" => "samspill mellom første fødsel og slektninger",
        "atypical hyperplasia" => "atypisk hyperplasi",
        _ => "annen faktor",
    }
}

/// Assesses every woman 35–69 in the registers and computes the capacity under the policy.
pub fn stratify(policy: &Policy, registers: &Registers) -> Result<Stratification, GailError> {
    let on = registers.reference_date;
    let cases: HashSet<NationalId> = registers
        .cancer
        .iter()
        .filter(|c| c.diagnosed_on <= on)
        .map(|c| c.person)
        .collect();
    let mut answers: HashMap<NationalId, &registers::LifestyleSurvey> = HashMap::new();
    for a in &registers.lifestyle {
        answers.entry(a.person).or_insert(a); // the first answer, as S7's cohort
    }
    let mut out = Stratification {
        assessed: Vec::new(),
        not_assessed: Vec::new(),
        capacity: Capacity {
            baseline_mammograms: 0.0,
            stratified_mammograms: 0.0,
            stratified_mri: 0.0,
        },
    };
    let mut seen = HashSet::new();
    for p in registers.persons.iter().filter(|p| p.sex == Sex::Female) {
        if !seen.insert(p.id) {
            continue; // one assessment per woman, even if the register lists her twice
        }
        let age = registers::age_on(p.birth_date, on);
        if !(AGES.0..=AGES.1).contains(&age) {
            continue;
        }
        let baseline = policy.exams_per_year(Category::Population, age, Modality::Mammography);
        out.capacity.baseline_mammograms += baseline;
        let category = if cases.contains(&p.id) {
            out.not_assessed
                .push((p.id, age, NotAssessed::PreviousBreastCancer));
            None
        } else if let Some(answer) = answers.get(&p.id) {
            match assess(policy, p.id, age, gail_input(answer, age)) {
                Ok(a) => {
                    let c = a.category;
                    out.assessed.push(a);
                    Some(c)
                }
                Err(GailError::FirstBirth { .. }) => {
                    out.not_assessed
                        .push((p.id, age, NotAssessed::InconsistentAnswer));
                    Some(Category::Population)
                }
                Err(e) => return Err(e),
            }
        } else {
            out.not_assessed
                .push((p.id, age, NotAssessed::NoSurveyAnswer));
            Some(Category::Population)
        };
        // A woman with a previous cancer is followed up clinically, outside the programme.
        if let Some(c) = category {
            out.capacity.stratified_mammograms +=
                policy.exams_per_year(c, age, Modality::Mammography);
            out.capacity.stratified_mri += policy.exams_per_year(c, age, Modality::Mri);
        }
    }
    Ok(out)
}

/// Who decided on a recommendation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Reviewer {
    /// Not yet reviewed: the recommendation waits for a physician.
    Pending,
    /// Reviewed and decided by this person (name and role).
    Decided(String),
    /// Nothing to decide: she stays in the standard programme.
    NotNeeded,
}

impl Assessment {
    /// The explanation she can read: the recommendation, the main factors, the model's role and
    /// who decided. `en` gives English instead of bokmål.
    pub fn explain(&self, policy: &Policy, reviewer: &Reviewer, en: bool) -> String {
        let pct = |v: f64| {
            let s = format!("{:.1}", 100.0 * v);
            if en {
                s
            } else {
                s.replace('.', ",")
            }
        };
        let t = &policy.thresholds;
        let phases: Vec<String> = policy
            .phases(self.category)
            .filter(|p| p.to_age >= self.age)
            .map(|p| if en { p.describe_en() } else { p.describe_nb() })
            .collect();
        let mut s = String::new();
        if en {
            s.push_str(&format!(
                "Recommendation: {} ({}).\n",
                phases.join("; "),
                self.category.name_en()
            ));
            s.push_str(&format!(
                "Why: your estimated risk of breast cancer up to age 90 is {} % (moderate from {} %, high from {} %; {}).",
                pct(self.lifetime),
                pct(t.lifetime_moderate),
                pct(t.lifetime_high),
                t.source
            ));
            if let Some(ten) = self.ten_year_40_50 {
                s.push_str(&format!(" Risk before 50: {} %.", pct(ten)));
            }
            s.push('\n');
        } else {
            s.push_str(&format!(
                "Anbefaling: {} ({}).\n",
                phases.join("; "),
                self.category.name_nb()
            ));
            s.push_str(&format!(
                "Hvorfor: Den beregnede risikoen din for brystkreft fram til 90 år er {} % (moderat fra {} %, høy fra {} %; {}).",
                pct(self.lifetime),
                pct(t.lifetime_moderate),
                pct(t.lifetime_high),
                t.source
            ));
            if let Some(ten) = self.ten_year_40_50 {
                s.push_str(&format!(" Risiko før 50 år: {} %.", pct(ten)));
            }
            s.push('\n');
        }
        let factors: Vec<String> = self
            .factors
            .iter()
            .take(3)
            .map(|f| {
                let rr = format!("{:.2}", f.relative_risk);
                if en {
                    format!("{} (× {rr})", f.name_en)
                } else {
                    format!("{} (× {})", f.name_nb, rr.replace('.', ","))
                }
            })
            .collect();
        match (factors.is_empty(), en) {
            (true, true) => s.push_str(
                "Main factors: none above the average; the risk follows from your age.\n",
            ),
            (true, false) => s.push_str(
                "Viktigste faktorer: ingen over gjennomsnittet; risikoen følger av alderen din.\n",
            ),
            (false, true) => s.push_str(&format!("Main factors: {}.\n", factors.join(", "))),
            (false, false) => s.push_str(&format!("Viktigste faktorer: {}.\n", factors.join(", "))),
        }
        if en {
            s.push_str("The model's role: the risk is computed by the Gail model (NCI Breast Cancer Risk Assessment Tool) from your answers to the lifestyle survey (age at first period, births, relatives). It is an estimate, not a diagnosis; it was made for women in the United States and is not validated in Norway, and biopsies are not in the registers, so they are counted as none.\n");
        } else {
            s.push_str("Modellens rolle: Risikoen er beregnet med Gail-modellen (NCI Breast Cancer Risk Assessment Tool) fra svarene dine i levevaneundersøkelsen (alder ved første menstruasjon, fødsler, slektninger). Den er et anslag, ikke en diagnose; den er laget for kvinner i USA og ikke validert i Norge, og biopsier finnes ikke i registrene, så de er regnet som ingen.\n");
        }
        let who = match (reviewer, en) {
            (Reviewer::Decided(name), true) => format!("Decided by: {name}, who reviewed the recommendation."),
            (Reviewer::Decided(name), false) => format!("Avgjort av: {name}, som har vurdert anbefalingen."),
            (Reviewer::Pending, true) => "Who decides: a physician in BreastScreen Norway reviews the recommendation before your invitations change. Not yet reviewed.".to_string(),
            (Reviewer::Pending, false) => "Hvem avgjør: En lege i Mammografiprogrammet vurderer anbefalingen før invitasjonene dine endres. Ikke vurdert ennå.".to_string(),
            (Reviewer::NotNeeded, true) => "Who decides: nothing changes for you; you stay in the standard programme, so no one needs to decide.".to_string(),
            (Reviewer::NotNeeded, false) => "Hvem avgjør: Ingenting endres for deg; du fortsetter i det vanlige programmet, så ingen trenger å avgjøre noe.".to_string(),
        };
        s.push_str(&who);
        s.push('\n');
        if policy.has_unverified() {
            s.push_str(if en {
                "Some of the programme's schedule figures are not yet verified against their source.\n"
            } else {
                "Noen av programmets tall for oppfølging er ennå ikke kontrollert mot kilden.\n"
            });
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::builtin().unwrap()
    }

    fn woman(age: u32, relatives: u32, menarche: Option<u32>, first: Option<u32>) -> GailInput {
        GailInput {
            age: age as f64,
            age_at_menarche: menarche,
            age_at_first_birth: first,
            biopsies: 0,
            hyperplasia: Hyperplasia::Unknown,
            relatives,
            group: Group::White,
        }
    }

    #[test]
    fn nice_thresholds_sort_lifetime_risks() {
        let p = policy();
        assert_eq!(p.categorise(0.11, None), Category::Population);
        assert_eq!(p.categorise(0.17, None), Category::Population); // "> 17 %"
        assert_eq!(p.categorise(0.171, None), Category::Moderate);
        assert_eq!(p.categorise(0.299, None), Category::Moderate);
        assert_eq!(p.categorise(0.30, None), Category::High); // "≥ 30 %"
        assert_eq!(p.categorise(0.10, Some(0.03)), Category::Moderate);
        assert_eq!(p.categorise(0.10, Some(0.08)), Category::Moderate); // "> 8 %" is high
        assert_eq!(p.categorise(0.10, Some(0.081)), Category::High);
    }

    #[test]
    fn the_average_woman_stays_in_the_programme_and_two_relatives_raise_her() {
        let p = policy();
        let id = NationalId::parse("17912099997").unwrap();
        let average = assess(&p, id, 45, woman(45, 0, Some(14), Some(19))).unwrap();
        assert_eq!(average.category, Category::Population);
        assert!(average.factors.is_empty());
        let family = assess(&p, id, 42, woman(42, 2, Some(11), Some(31))).unwrap();
        assert!(family.category >= Category::Moderate, "{family:?}");
        assert_eq!(family.factors[0].name_en, "first-degree relatives");
        // Gail's own terms: two relatives (NR = 2) multiply by exp(2 β3) below 50.
        let expected = (2.0 * 0.9583027845_f64).exp();
        assert!((family.factors[0].relative_risk - expected).abs() < 1e-9);
    }

    #[test]
    fn capacity_counts_yearly_exams_per_phase() {
        let p = policy();
        assert_eq!(
            p.exams_per_year(Category::Population, 55, Modality::Mammography),
            0.5
        );
        assert_eq!(
            p.exams_per_year(Category::Population, 45, Modality::Mammography),
            0.0
        );
        assert_eq!(
            p.exams_per_year(Category::Moderate, 45, Modality::Mammography),
            1.0
        );
        assert_eq!(
            p.exams_per_year(Category::High, 55, Modality::Mammography),
            1.0
        );
        assert_eq!(p.exams_per_year(Category::High, 45, Modality::Mri), 1.0);
    }

    #[test]
    fn a_bad_policy_is_refused_with_its_reason() {
        let bad = POLICY_TOML.replace("lifetime_high = 0.30", "lifetime_high = 0.10");
        let err = Policy::parse(&bad).unwrap_err().to_string();
        assert!(err.contains("below its high threshold"), "{err}");
        let bad = POLICY_TOML.replace("interval_years = 2", "interval_years = 0");
        assert!(Policy::parse(&bad)
            .unwrap_err()
            .to_string()
            .contains("empty"));
    }

    #[test]
    fn the_explanation_names_factors_role_and_decider_in_both_languages() {
        let p = policy();
        let id = NationalId::parse("17912099997").unwrap();
        let a = assess(&p, id, 42, woman(42, 2, Some(11), Some(31))).unwrap();
        let nb = a.explain(&p, &Reviewer::Decided("Dr. Test Testesen".into()), false);
        assert!(nb.contains("Anbefaling: mammografi hvert år"), "{nb}");
        assert!(nb.contains("nære slektninger"), "{nb}");
        assert!(nb.contains("Gail-modellen"), "{nb}");
        assert!(nb.contains("Avgjort av: Dr. Test Testesen"), "{nb}");
        let en = a.explain(&p, &Reviewer::Pending, true);
        assert!(en.contains("Not yet reviewed"), "{en}");
        assert!(en.contains("first-degree relatives (× "), "{en}");
    }

    #[test]
    fn stratify_assesses_women_35_to_69_and_leaves_none_out_silently() {
        let registers = synth::generate(
            &registers::Municipalities::embedded_2026(),
            &synth::Area::Municipality("4601".parse().unwrap()),
            &synth::GenerateOptions { seed: 7 },
            &|_, _| {},
        )
        .unwrap();
        let p = policy();
        let s = stratify(&p, &registers).unwrap();
        let on = registers.reference_date;
        let women = registers
            .persons
            .iter()
            .filter(|w| w.sex == Sex::Female)
            .filter(|w| (35..=69).contains(&registers::age_on(w.birth_date, on)))
            .count();
        assert_eq!(s.assessed.len() + s.not_assessed.len(), women);
        let inconsistent = s
            .not_assessed
            .iter()
            .filter(|n| n.2 == NotAssessed::InconsistentAnswer)
            .count();
        assert!(s.assessed.len() > 10_000, "{}", s.assessed.len());
        assert!(
            inconsistent * 50 < s.assessed.len(),
            "{inconsistent} inconsistent answers"
        );
        assert!(s.capacity.stratified_mammograms >= s.capacity.baseline_mammograms * 0.9);
    }
}
