//! Calibration targets and the statistics measured against them.
//!
//! The targets are data (`calibration/norway_2024.toml`), each with its reference date, source and
//! status. [`measure`] computes the same statistics from any [`Registers`] (generated or imported),
//! and [`Calibration::compare`] lines them up, scaling counts to the area's share of the national
//! population.

use chrono::{Datelike, NaiveDate};
use registers::{
    age_on, Background, Competence, Households, OrgKind, PersonStatus, Registers, RelationKind,
    ScreeningResult, Sex, Smoking,
};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

const EMBEDDED: &str = include_str!("../../../calibration/norway_2024.toml");

/// How a target is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// A count, scaled by the area's share of the national population.
    Count,
    /// A proportion between 0 and 1.
    Share,
    /// Any other statistic, compared as is.
    Value,
}

/// One published figure.
#[derive(Clone, Debug, Deserialize)]
pub struct Target {
    /// Statistic key, e.g. `population.total`.
    pub key: String,
    /// Human label (Norwegian / English).
    pub label: String,
    /// How to compare.
    pub kind: TargetKind,
    /// The published value (national).
    pub value: f64,
    /// Reference date or period of the figure.
    pub reference_date: String,
    /// Where it comes from.
    pub source: String,
    /// confirmed | derived | unverified.
    pub status: String,
    /// Allowed relative deviation.
    pub tolerance: f64,
}

#[derive(Deserialize)]
struct File {
    base_date: String,
    target: Vec<Target>,
}

/// The calibration table.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// Base date of the table.
    pub base_date: String,
    /// Every target.
    pub targets: Vec<Target>,
}

/// A malformed calibration table.
#[derive(Debug, thiserror::Error)]
#[error("calibration table: {0}")]
pub struct CalibrationError(String);

/// One measured statistic.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// Statistic key.
    pub key: &'static str,
    /// Measured value.
    pub value: f64,
}

/// A target next to what was measured.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The target.
    pub target: Target,
    /// The target value for the area (counts scaled).
    pub expected: f64,
    /// What the registers show.
    pub measured: f64,
    /// (measured − expected) / expected.
    pub deviation: f64,
    /// Whether |deviation| ≤ tolerance.
    pub within: bool,
}

impl Calibration {
    /// The table shipped with the platform.
    pub fn embedded() -> Calibration {
        Calibration::parse(EMBEDDED).expect("the embedded calibration table is valid")
    }

    /// Parses a table.
    pub fn parse(text: &str) -> Result<Calibration, CalibrationError> {
        let file: File = toml::from_str(text).map_err(|e| CalibrationError(e.to_string()))?;
        for t in &file.target {
            if !["confirmed", "derived", "unverified"].contains(&t.status.as_str()) {
                return Err(CalibrationError(format!(
                    "target {}: status '{}' is not confirmed, derived or unverified",
                    t.key, t.status
                )));
            }
        }
        Ok(Calibration {
            base_date: file.base_date,
            targets: file.target,
        })
    }

    /// Compares measurements with the targets; `population_share` scales counts.
    pub fn compare(&self, measured: &[Measurement], population_share: f64) -> Vec<Comparison> {
        self.targets
            .iter()
            .filter_map(|t| {
                let m = measured.iter().find(|m| m.key == t.key)?;
                let expected = match t.kind {
                    TargetKind::Count => t.value * population_share,
                    _ => t.value,
                };
                let deviation = if expected == 0.0 {
                    0.0
                } else {
                    (m.value - expected) / expected
                };
                Some(Comparison {
                    target: t.clone(),
                    expected,
                    measured: m.value,
                    deviation,
                    within: deviation.abs() <= t.tolerance,
                })
            })
            .collect()
    }
}

/// Approximate tax on a person's income for 2023, used only to compare household income after tax
/// with SSB's medians: trygdeavgift 7.9 % (5.1 % on pensions), 22 % on ordinary income after
/// minstefradrag (46 %, max 104 450) and personfradrag (79 600), and trinnskatt (1.7 % from
/// 198 350, 4.0 % from 279 150, 13.5 % from 642 950, 16.5 % from 926 800, 17.5 % from 1 500 000).
/// Figures from Stortingets skattevedtak 2023 as recalled: status *unverified*; the household
/// medians they feed have a 12–15 % tolerance.
pub fn approximate_tax_2023(personinntekt: i64, kapitalinntekt: i64, pensioner: bool) -> i64 {
    let pi = personinntekt.max(0) as f64;
    let trygd = pi * if pensioner { 0.051 } else { 0.079 };
    let minstefradrag = (pi * 0.46).min(104_450.0);
    let alminnelig = (pi + kapitalinntekt.max(0) as f64 - minstefradrag - 79_600.0).max(0.0);
    let mut trinn = 0.0;
    for (from, to, rate) in [
        (198_350.0, 279_150.0, 0.017),
        (279_150.0, 642_950.0, 0.04),
        (642_950.0, 926_800.0, 0.135),
        (926_800.0, 1_500_000.0, 0.165),
        (1_500_000.0, f64::INFINITY, 0.175),
    ] {
        if pi > from {
            trinn += (pi.min(to) - from) * rate;
        }
    }
    (trygd + alminnelig * 0.22 + trinn).round() as i64
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// The area's share of the national population on 1 January 2024, from the municipalities the
/// registers' residents live in.
pub fn population_share(registers: &Registers) -> f64 {
    let present: HashSet<_> = registers
        .residences
        .iter()
        .map(|r| r.municipality)
        .collect();
    let area: u64 = present
        .iter()
        .filter_map(|m| registers.municipalities.get(*m))
        .map(|m| m.population_2024 as u64)
        .sum();
    let national: u64 = registers
        .municipalities
        .iter()
        .map(|m| m.population_2024 as u64)
        .sum();
    area as f64 / national.max(1) as f64
}

/// Computes every calibrated statistic from the registers.
pub fn measure(registers: &Registers) -> Vec<Measurement> {
    let on = registers.reference_date;
    let mut out: Vec<Measurement> = Vec::new();
    let mut put = |key: &'static str, value: f64| out.push(Measurement { key, value });
    let residents: Vec<_> = registers
        .persons
        .iter()
        .filter(|p| p.status == PersonStatus::Resident)
        .collect();
    let n = residents.len() as f64;
    let age = |p: &registers::Person| age_on(p.birth_date, on);
    put("population.total", n);
    put(
        "population.men",
        residents.iter().filter(|p| p.sex == Sex::Male).count() as f64,
    );
    let count =
        |f: &dyn Fn(&registers::Person) -> bool| residents.iter().filter(|p| f(p)).count() as f64;
    put("population.age_0_9", count(&|p| age(p) <= 9));
    put(
        "population.age_20_39",
        count(&|p| (20..=39).contains(&age(p))),
    );
    put("population.age_70_plus", count(&|p| age(p) >= 70));
    put("population.age_1_5", count(&|p| (1..=5).contains(&age(p))));
    put(
        "population.women_50_69",
        count(&|p| p.sex == Sex::Female && (50..=69).contains(&age(p))),
    );
    put(
        "population.immigrant_share",
        count(&|p| p.background == Background::Immigrant) / n,
    );
    put(
        "population.norwegian_born_to_immigrants_share",
        count(&|p| p.background == Background::NorwegianBornToImmigrants) / n,
    );
    let in_2023 = |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == 2023);
    put(
        "population.deaths_2023",
        registers
            .persons
            .iter()
            .filter(|p| p.status == PersonStatus::Dead && in_2023(p.status_date))
            .count() as f64,
    );
    put(
        "population.emigrations_2023",
        registers
            .persons
            .iter()
            .filter(|p| p.status == PersonStatus::Emigrated && in_2023(p.status_date))
            .count() as f64,
    );

    // Households.
    let households = Households::derive(registers, on);
    let births: HashMap<_, _> = residents.iter().map(|p| (p.id, p.birth_date)).collect();
    let hh = households.dwellings.len() as f64;
    put("households.total", hh);
    put("households.persons_per_household", n / hh);
    let mut partner_kind: HashMap<_, RelationKind> = HashMap::new();
    for r in &registers.relations {
        if r.kind.is_partner() && r.valid_from <= on {
            partner_kind.insert(r.person, r.kind);
        }
    }
    let mut alone = 0usize;
    let mut couples_without = 0usize;
    let mut couples_with = 0usize;
    let mut single_parents = 0usize;
    for d in &households.dwellings {
        let minors = d
            .members
            .iter()
            .filter(|m| age_on(births[m], on) < 18)
            .count();
        let adults = d.members.len() - minors;
        let units: Vec<_> = {
            let mut seen = HashSet::new();
            d.members
                .iter()
                .filter_map(|m| households.family_of(*m))
                .filter(|u| seen.insert(u.adults.first().or(u.children.first()).copied()))
                .collect()
        };
        if d.members.len() == 1 {
            alone += 1;
        } else if units.len() == 1 && minors == 0 && adults == 2 && units[0].adults.len() == 2 {
            couples_without += 1;
        } else if units.len() == 1 && minors > 0 && units[0].adults.len() == 2 && adults == 2 {
            couples_with += 1;
        } else if units.len() == 1 && minors > 0 && units[0].adults.len() == 1 && adults == 1 {
            single_parents += 1;
        }
    }
    put("households.living_alone_share", alone as f64 / hh);
    put(
        "households.couples_without_children_share",
        couples_without as f64 / hh,
    );
    put(
        "households.couples_with_children_share",
        couples_with as f64 / hh,
    );
    put("households.single_parent_share", single_parents as f64 / hh);

    let mut address_of = HashMap::with_capacity(households.dwellings.len() * 2);
    for d in &households.dwellings {
        for m in &d.members {
            address_of.insert(*m, d.address);
        }
    }
    let mut parents: HashMap<_, [Option<registers::NationalId>; 2]> = HashMap::new();
    for r in &registers.relations {
        match r.kind {
            RelationKind::Mother => parents.entry(r.person).or_default()[0] = Some(r.related),
            RelationKind::Father => parents.entry(r.person).or_default()[1] = Some(r.related),
            _ => {}
        }
    }
    let mut children = 0usize;
    let mut both = 0usize;
    let mut cohabiting = 0usize;
    for p in residents.iter().filter(|p| age(p) < 18) {
        children += 1;
        let home = address_of.get(&p.id);
        if let Some([Some(m), Some(f)]) = parents.get(&p.id) {
            if home.is_some() && address_of.get(m) == home && address_of.get(f) == home {
                both += 1;
                if partner_kind.get(m) == Some(&RelationKind::Cohabitant) {
                    cohabiting += 1;
                }
            }
        }
    }
    put(
        "children.with_both_parents_share",
        both as f64 / children.max(1) as f64,
    );
    put(
        "children.cohabiting_parents_share",
        cohabiting as f64 / both.max(1) as f64,
    );

    // Income after (approximate) tax, income year 2023. SSB leaves student households out of these
    // statistics; without a student register, a household whose adults are all aged 18–34 and none
    // employed stands in for one.
    let employed: HashSet<_> = registers.employments.iter().map(|e| e.person).collect();
    let mut after_tax: HashMap<_, i64> = HashMap::with_capacity(residents.len());
    for t in registers
        .tax_assessments
        .iter()
        .filter(|t| t.income_year == 2023)
    {
        let Some(birth) = births.get(&t.person) else {
            continue;
        };
        let pensioner = age_on(*birth, on) >= 67;
        after_tax.insert(
            t.person,
            t.personinntekt + t.kapitalinntekt
                - approximate_tax_2023(t.personinntekt, t.kapitalinntekt, pensioner),
        );
    }
    let mut all = Vec::new();
    let mut couple_0_5 = Vec::new();
    let mut single_0_5 = Vec::new();
    let mut alone_30_44 = Vec::new();
    let mut equivalised = Vec::new();
    for d in &households.dwellings {
        let ages: Vec<u32> = d.members.iter().map(|m| age_on(births[m], on)).collect();
        let student = d
            .members
            .iter()
            .zip(&ages)
            .filter(|(_, &a)| a >= 18)
            .all(|(m, &a)| a <= 34 && !employed.contains(m));
        if student {
            continue;
        }
        let mut income: f64 = d
            .members
            .iter()
            .map(|m| after_tax.get(m).copied().unwrap_or(0) as f64)
            .sum();
        // Child benefit (barnetrygd 2023, approximately 1 600 NOK/month under 6, 1 054 over).
        income += ages
            .iter()
            .map(|&a| match a {
                0..=5 => 19_200.0,
                6..=17 => 12_648.0,
                _ => 0.0,
            })
            .sum::<f64>();
        all.push(income);
        let minors: Vec<u32> = ages.iter().copied().filter(|&a| a < 18).collect();
        let adults = ages.len() - minors.len();
        let youngest = minors.iter().min().copied();
        if d.members.len() == 1 && (30..=44).contains(&ages[0]) {
            alone_30_44.push(income);
        }
        if let Some(y) = youngest {
            if y <= 5 && adults == 2 {
                couple_0_5.push(income);
            } else if y <= 5 && adults == 1 {
                single_0_5.push(income);
            }
        }
        let scale = 1.0
            + 0.5
                * (adults.saturating_sub(1) as f64
                    + ages.iter().filter(|&&a| (14..18).contains(&a)).count() as f64)
            + 0.3 * ages.iter().filter(|&&a| a < 14).count() as f64;
        for _ in 0..d.members.len() {
            equivalised.push(income / scale);
        }
    }
    put("income.median_after_tax_all", median(&mut all));
    put(
        "income.median_after_tax_couple_youngest_0_5",
        median(&mut couple_0_5),
    );
    put(
        "income.median_after_tax_single_parent_0_5",
        median(&mut single_0_5),
    );
    put(
        "income.median_after_tax_alone_30_44",
        median(&mut alone_30_44),
    );
    equivalised.sort_by(f64::total_cmp);
    put(
        "income.p90_p10_equivalised",
        quantile(&equivalised, 0.9) / quantile(&equivalised, 0.1),
    );

    // Work.
    put(
        "work.employed_15_74",
        residents
            .iter()
            .filter(|p| (15..=74).contains(&age(p)) && employed.contains(&p.id))
            .count() as f64,
    );
    let care_orgs: HashSet<_> = registers
        .organisations
        .iter()
        .filter(|o| matches!(o.kind, OrgKind::NursingHome | OrgKind::HomeCare))
        .map(|o| o.orgnr)
        .collect();
    let care_fte: f64 = registers
        .employments
        .iter()
        .filter(|e| care_orgs.contains(&e.employer) && e.competence != Competence::Other)
        .map(|e| e.position_pct as f64 / 100.0)
        .sum();
    put("work.care_fte_per_1000", care_fte / n * 1000.0);

    // Kindergarten, counted on 15 December of the year before the reference date as SSB does.
    let census = NaiveDate::from_ymd_opt(on.year() - 1, 12, 15).unwrap_or(on);
    let enrolled = registers.enrolled_on(census);
    let coverage = |lo: u32, hi: u32| {
        let group: Vec<_> = residents
            .iter()
            .filter(|p| (lo..=hi).contains(&age(p)))
            .collect();
        group.iter().filter(|p| enrolled.contains(&p.id)).count() as f64 / group.len().max(1) as f64
    };
    put("kindergarten.coverage_1_5", coverage(1, 5));
    put("kindergarten.coverage_1_2", coverage(1, 2));
    put("kindergarten.coverage_3_5", coverage(3, 5));
    let places = registers.enrolments.len().max(1) as f64;
    put(
        "kindergarten.full_time_share",
        registers
            .enrolments
            .iter()
            .filter(|e| e.weekly_hours >= 41)
            .count() as f64
            / places,
    );

    // Screening and cancer.
    let invited = registers.screening.len().max(1) as f64;
    let attended = registers
        .screening
        .iter()
        .filter(|s| s.attended_on.is_some())
        .count()
        .max(1) as f64;
    let recalled = registers
        .screening
        .iter()
        .filter(|s| {
            matches!(
                s.result,
                ScreeningResult::RecallNoCancer | ScreeningResult::ScreenDetectedCancer
            )
        })
        .count() as f64;
    let detected = registers
        .screening
        .iter()
        .filter(|s| s.result == ScreeningResult::ScreenDetectedCancer)
        .count() as f64;
    put("screening.participation", attended / invited);
    put("screening.recall_rate", recalled / attended);
    put("screening.detection_per_1000", detected / attended * 1000.0);
    let women = residents
        .iter()
        .filter(|p| p.sex == Sex::Female)
        .count()
        .max(1) as f64;
    let cancers_2023 = registers
        .cancer
        .iter()
        .filter(|c| c.diagnosed_on.year() == 2023)
        .count() as f64;
    put(
        "health.breast_cancer_incidence_per_100k",
        cancers_2023 / women * 100_000.0,
    );

    // Lifestyle.
    let respondent_age: Vec<(u32, &registers::LifestyleSurvey)> = registers
        .lifestyle
        .iter()
        .filter_map(|l| births.get(&l.person).map(|b| (age_on(*b, on), l)))
        .collect();
    let share = |filter: &dyn Fn(u32) -> bool,
                 hit: &dyn Fn(&registers::LifestyleSurvey) -> bool| {
        let group: Vec<_> = respondent_age.iter().filter(|(a, _)| filter(*a)).collect();
        group.iter().filter(|(_, l)| hit(l)).count() as f64 / group.len().max(1) as f64
    };
    put(
        "lifestyle.daily_smokers_16_74",
        share(&|a| (16..=74).contains(&a), &|l| {
            l.smoking == Smoking::Daily
        }),
    );
    put(
        "lifestyle.activity_150_share",
        share(&|a| a >= 16, &|l| l.activity_minutes_per_week >= 150),
    );
    put(
        "lifestyle.obesity_40_49",
        share(&|a| (40..=49).contains(&a), &|l| l.bmi_tenths >= 300),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_parses_and_every_target_has_a_source() {
        let c = Calibration::embedded();
        assert!(c.targets.len() >= 30);
        for t in &c.targets {
            assert!(!t.source.is_empty() && t.tolerance > 0.0, "{}", t.key);
        }
    }

    #[test]
    fn bad_status_is_refused() {
        let text = "base_date='x'\n[[target]]\nkey='a'\nlabel='a'\nkind='share'\nvalue=1\nreference_date='x'\nsource='s'\nstatus='guess'\ntolerance=0.1\n";
        let err = Calibration::parse(text).unwrap_err();
        assert!(err.to_string().contains("status 'guess'"), "{err}");
    }

    #[test]
    fn tax_grows_with_income_and_is_zero_at_zero() {
        assert_eq!(approximate_tax_2023(0, 0, false), 0);
        let low = approximate_tax_2023(300_000, 0, false);
        let high = approximate_tax_2023(900_000, 0, false);
        assert!(low > 0 && high > 3 * low, "{low} {high}");
        // Average rate for a median wage is roughly a quarter to a third.
        let t = approximate_tax_2023(640_000, 0, false) as f64 / 640_000.0;
        assert!((0.22..0.33).contains(&t), "{t}");
    }
}
