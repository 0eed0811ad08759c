//! Register-based decisions: a family unit's fees from the population, income and kindergarten
//! registers, with the provenance of every input.
//!
//! The fee household is the family unit (`registers::Households::derive`): the adult(s) and the
//! children under 18 at the address. The children decided are those with an active kindergarten
//! place on the date; the household income is the sum of the adults' personinntekt plus
//! kapitalinntekt for the income year of the latest assessment (the barnehageår's start year
//! minus `kindergarten.income.income_year_lag`).

use crate::batch::{assumed_general_message, BatchOptions, ASSUMED_GENERAL};
use crate::fee::{
    decide_household, ChildInput, FeeRules, HouseholdFee, HouseholdInput, IncomeInput, ZoneInput,
};
use crate::zones::{PriceZone, Zones};
use chrono::NaiveDate;
use registers::{Enrolment, FamilyUnit, MunicipalityNumber, NationalId, Registers, TaxAssessment};
use rules::{Decision, Finding, ParameterError, Parameters, Period, Provenance};
use std::collections::HashMap;

/// Look-ups over the registers that the fee rules need, built once for a whole population.
#[derive(Debug)]
pub struct RegisterIndex<'a> {
    pub(crate) birth_dates: HashMap<NationalId, NaiveDate>,
    pub(crate) enrolments: HashMap<NationalId, Vec<&'a Enrolment>>,
    pub(crate) assessments: HashMap<NationalId, Vec<&'a TaxAssessment>>,
}

impl<'a> RegisterIndex<'a> {
    /// Indexes persons, enrolments and tax assessments.
    pub fn new(registers: &'a Registers) -> RegisterIndex<'a> {
        let birth_dates = registers
            .persons
            .iter()
            .map(|p| (p.id, p.birth_date))
            .collect();
        let mut enrolments: HashMap<NationalId, Vec<&Enrolment>> = HashMap::new();
        for e in &registers.enrolments {
            enrolments.entry(e.child).or_default().push(e);
        }
        let mut assessments: HashMap<NationalId, Vec<&TaxAssessment>> = HashMap::new();
        for a in &registers.tax_assessments {
            assessments.entry(a.person).or_default().push(a);
        }
        RegisterIndex {
            birth_dates,
            enrolments,
            assessments,
        }
    }
}

/// A family unit's decision with the children it covers (in the order of the decision's
/// children; the ids in the explanation are masked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyDecision {
    /// The municipality of residence (of the family unit's address).
    pub municipality: MunicipalityNumber,
    /// The children decided, in the order of `decision.result.children`.
    pub children: Vec<NationalId>,
    /// The decision.
    pub decision: Decision<HouseholdFee>,
}

/// The income year whose assessment counts on `date`.
pub fn income_year(params: &Parameters, date: NaiveDate) -> Result<i32, ParameterError> {
    let lag = params
        .integer("kindergarten.income.income_year_lag", date)?
        .value;
    Ok(rules::barnehage_year(date) - lag as i32)
}

/// The household income of a family unit: the adults' personinntekt + kapitalinntekt for the
/// latest income year, not later than `target_year`, for which every adult has an assessment.
/// An older year than the target gives a warning; no common year (or no adult) gives manual
/// handling.
pub fn household_income(
    index: &RegisterIndex<'_>,
    unit: &FamilyUnit,
    target_year: i32,
) -> (IncomeInput, Vec<Finding>) {
    let unknown = |reason: String| IncomeInput {
        amount: None,
        provenance: Vec::new(),
        unknown_reason: Some(reason),
    };
    if unit.adults.is_empty() {
        let reason = "the children live with neither parent at the address: whose income counts is for a caseworker to decide".to_string();
        return (
            unknown(reason.clone()),
            vec![Finding::manual("no_adult_in_household", reason)],
        );
    }
    let Some(year) = common_income_year(index, unit, target_year) else {
        let reason = format!(
            "no tax assessment for income year {target_year} (or the four years before) for every adult of the household"
        );
        return (
            unknown(reason.clone()),
            vec![Finding::manual("income_unknown", reason)],
        );
    };
    let mut findings = Vec::new();
    if year < target_year {
        findings.push(Finding::warning(
            "older_income_year",
            format!("income year {year} used: no assessment for {target_year} for every adult"),
        ));
    }
    let mut amount = 0;
    let mut provenance = Vec::new();
    for adult in &unit.adults {
        let assessment = index.assessments[adult]
            .iter()
            .find(|a| a.income_year as i32 == year)
            .expect("year checked above");
        amount += assessment.personinntekt + assessment.kapitalinntekt;
        provenance.push(Provenance::register(
            "income",
            format!(
                "tax_assessments person={adult} personinntekt={} kapitalinntekt={}",
                assessment.personinntekt, assessment.kapitalinntekt
            ),
            Some(Period::IncomeYear(year)),
        ));
    }
    (
        IncomeInput {
            amount: Some(amount),
            provenance,
            unknown_reason: None,
        },
        findings,
    )
}

/// The latest income year, not later than `target_year` and at most four years before it, for
/// which every adult of the unit has a tax assessment.
pub(crate) fn common_income_year(
    index: &RegisterIndex<'_>,
    unit: &FamilyUnit,
    target_year: i32,
) -> Option<i32> {
    let has = |adult: &NationalId, year: i32| {
        index
            .assessments
            .get(adult)
            .is_some_and(|list| list.iter().any(|a| a.income_year as i32 == year))
    };
    (0..=target_year)
        .rev()
        .take(5)
        .find(|&year| unit.adults.iter().all(|a| has(a, year)))
}

/// The fee inputs of a family unit on the date of `rules`, or `None` when no child of the unit
/// has an active kindergarten place.
pub fn family_input(
    rules: &FeeRules,
    income_year: i32,
    index: &RegisterIndex<'_>,
    zones: &Zones,
    unit: &FamilyUnit,
) -> Option<(Vec<NationalId>, HouseholdInput)> {
    family_input_with(
        rules,
        income_year,
        index,
        zones,
        unit,
        &BatchOptions::default(),
    )
}

/// [`family_input`] with batch options: with `assume_general_where_unknown`, a municipality
/// whose zone is unknown on a date where the zone matters gets the general zone and a warning
/// (`price_zone_assumed_general`) naming the assumption.
pub fn family_input_with(
    rules: &FeeRules,
    income_year: i32,
    index: &RegisterIndex<'_>,
    zones: &Zones,
    unit: &FamilyUnit,
    options: &BatchOptions,
) -> Option<(Vec<NationalId>, HouseholdInput)> {
    let date = rules.date();
    let mut findings = Vec::new();
    let mut ids = Vec::new();
    let mut children = Vec::new();
    for child in &unit.children {
        let Some(list) = index.enrolments.get(child) else {
            continue;
        };
        let mut active: Vec<&&Enrolment> = list.iter().filter(|e| e.is_active_on(date)).collect();
        if active.is_empty() {
            continue;
        }
        active.sort_by_key(|e| e.from);
        let enrolment = active[active.len() - 1];
        if active.len() > 1 {
            findings.push(Finding::warning(
                "several_places",
                format!(
                    "child {child} has {} active places on {date}; the latest ({}) is used",
                    active.len(),
                    enrolment.kindergarten
                ),
            ));
        }
        if enrolment.municipality != unit.municipality {
            findings.push(Finding::warning(
                "kindergarten_in_other_municipality",
                format!(
                    "child {child} attends a kindergarten in {} but lives in {}; the residence municipality's price zone is used",
                    enrolment.municipality, unit.municipality
                ),
            ));
        }
        let Some(&birth_date) = index.birth_dates.get(child) else {
            findings.push(Finding::manual(
                "birth_date_unknown",
                format!("child {child} is not in the population register"),
            ));
            continue;
        };
        if enrolment.weekly_hours == 0 {
            findings.push(Finding::manual(
                "zero_hours",
                format!("child {child} has a place of 0 hours a week"),
            ));
            continue;
        }
        ids.push(*child);
        children.push(ChildInput {
            id: child.to_string(),
            birth_date,
            weekly_hours: enrolment.weekly_hours as u32,
            provenance: vec![
                Provenance::register(
                    "population",
                    format!("persons id={child}"),
                    Some(Period::Day(date)),
                ),
                Provenance::register(
                    "kindergarten",
                    format!(
                        "enrolments child={child} kindergarten={} from={}",
                        enrolment.kindergarten, enrolment.from
                    ),
                    Some(Period::Day(date)),
                ),
            ],
        });
    }
    if children.is_empty() && findings.is_empty() {
        return None;
    }
    let (income, income_findings) = household_income(index, unit, income_year);
    findings.extend(income_findings);
    let mut answer = zones.zone_of(unit.municipality);
    if answer.zone.is_none()
        && options.assume_general_where_unknown
        && rules.unknown_zone_matters(&answer.possible)
    {
        findings.push(Finding::warning(
            ASSUMED_GENERAL,
            assumed_general_message(unit.municipality, answer.unknown_reason.as_deref()),
        ));
        answer.zone = Some(PriceZone::General);
        answer.provenance.record.push_str(
            " (zone unknown; general assumed by the batch option assume_general_where_unknown)",
        );
    }
    Some((
        ids,
        HouseholdInput {
            zone: ZoneInput {
                zone: answer.zone,
                provenance: answer.provenance,
                unknown_reason: answer.unknown_reason,
                possible: answer.possible,
            },
            income,
            children,
            findings,
        },
    ))
}

/// Decides a family unit's fees for the date of `rules` (use the first day of the month decided)
/// from the registers; `None` when no child of the unit has a kindergarten place.
pub fn decide_family(
    rules: &FeeRules,
    income_year: i32,
    index: &RegisterIndex<'_>,
    zones: &Zones,
    unit: &FamilyUnit,
) -> Option<FamilyDecision> {
    let (children, input) = family_input(rules, income_year, index, zones, unit)?;
    Some(FamilyDecision {
        municipality: unit.municipality,
        children,
        decision: decide_household(rules, &input),
    })
}
