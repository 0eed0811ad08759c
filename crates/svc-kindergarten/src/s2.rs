//! Service S2 (opt-in): the S1 rules on a household income re-assessed mid-year from a-ordningen
//! monthly income when it has fallen substantially and lastingly, and the S1-vs-S2 comparison.
//!
//! Legal source: FOR-2005-12-16-1478 § 3 (pre-2020 § 3 femte ledd): the income is documented by
//! the latest assessment, and other documentation is allowed only on a «vesentlig og varig
//! endring»; Udir («Endring i inntektssituasjonen i løpet av barnehageåret») reads this as
//! covering income decreases only. «Vesentlig» and «varig» are not quantified by the sources:
//! they are the parameters `kindergarten.reassessment.decrease_share` and
//! `kindergarten.reassessment.lasting_months` (status unverified, modelling choices), with
//! `kindergarten.reassessment.max_gap_months` for how recent the months must be.
//!
//! The rule: the window is the `lasting_months` calendar months ending `max_gap_months` before the
//! month decided. If every adult of the family unit has an a-ordningen record for every month of
//! the window, and in **every** month the household's income × 12 is at least `decrease_share`
//! below the household personinntekt of the assessment S1 uses, the household income becomes the
//! window's mean monthly income × 12 plus the assessed kapitalinntekt (a-ordningen reports no
//! capital income). Otherwise the S1 income stands. It never raises an income.
//!
//! Household events (a new partner, a separation, a new child, a death) reach S1 and S2 alike:
//! both derive the family unit on the decision date from the population register. What S2 adds
//! is the income source; [`S1S2Comparison::data_elements`] lists what each reads.
//!
//! [`decide_family_s2`] is the explained path (the re-assessment is a node of the household's
//! explanation, and the a-ordningen months are the provenance of the income); [`s2_incomes`] +
//! [`fee_amounts`] the amounts-only path; [`compare_s1_s2`] the side-by-side report.
//!
//! Not modelled (TODO): business income (not in a-ordningen, so a self-employed household's
//! fall cannot be seen monthly).

use crate::batch::{fee_amounts, status, BatchOptions, FeeColumns, NONE};
use crate::family::{common_income_year, family_input_with, FamilyDecision, RegisterIndex};
use crate::fee::{decide_household, FeeRules, IncomeInput};
use crate::zones::Zones;
use chrono::{Datelike, NaiveDate};
use registers::{FamilyUnit, MonthlyIncome, NationalId, Registers};
use rules::{
    Decimal, Explanation, Input, ParameterError, Parameters, Period, Provenance, Resolved,
};
use serde::Serialize;
use std::collections::HashMap;

/// The S2 re-assessment parameters resolved for one date.
#[derive(Clone, Debug)]
pub struct ReassessmentRules {
    date: NaiveDate,
    /// `kindergarten.reassessment.decrease_share`.
    pub decrease_share: Resolved<Decimal>,
    /// `kindergarten.reassessment.lasting_months`.
    pub lasting_months: Resolved<i64>,
    /// `kindergarten.reassessment.max_gap_months`.
    pub max_gap_months: Resolved<i64>,
}

impl ReassessmentRules {
    /// Resolves the parameters for `date` (the first day of the month decided).
    pub fn resolve(
        params: &Parameters,
        date: NaiveDate,
    ) -> Result<ReassessmentRules, ParameterError> {
        Ok(ReassessmentRules {
            date,
            decrease_share: params.decimal("kindergarten.reassessment.decrease_share", date)?,
            lasting_months: params.integer("kindergarten.reassessment.lasting_months", date)?,
            max_gap_months: params.integer("kindergarten.reassessment.max_gap_months", date)?,
        })
    }

    /// The window's months as (year, month 1–12), oldest first.
    pub fn window(&self) -> Vec<(i32, u32)> {
        let decided = self.date.year() * 12 + self.date.month0() as i32;
        let last = decided - self.max_gap_months.value as i32;
        let first = last - self.lasting_months.value.max(1) as i32 + 1;
        (first..=last)
            .map(|m| (m.div_euclid(12), m.rem_euclid(12) as u32 + 1))
            .collect()
    }
}

/// a-ordningen monthly income by person and year.
#[derive(Debug)]
pub struct MonthlyIndex<'a> {
    by_person: HashMap<(NationalId, u16), &'a MonthlyIncome>,
}

impl<'a> MonthlyIndex<'a> {
    /// Indexes the register's monthly income.
    pub fn new(registers: &'a Registers) -> MonthlyIndex<'a> {
        MonthlyIndex {
            by_person: registers
                .monthly_income
                .iter()
                .map(|m| ((m.person, m.year), m))
                .collect(),
        }
    }

    fn month(&self, person: NationalId, year: i32, month: u32) -> Option<i64> {
        let year = u16::try_from(year).ok()?;
        self.by_person
            .get(&(person, year))
            .map(|m| m.months[month as usize - 1])
    }
}

/// The S2 household incomes, aligned with the family rows of a [`FeeColumns`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct S2Incomes {
    /// Per family: the household income S2 uses ([`NONE`] where S1 has none).
    pub income: Vec<i64>,
    /// Per family: whether the income was re-assessed from a-ordningen.
    pub reassessed: Vec<bool>,
    /// Per family: whether every adult had every month of the window (the rule could be tried).
    pub assessable: Vec<bool>,
    /// Distinct persons whose monthly income was read.
    pub persons_read: usize,
    /// Person-months of a-ordningen income read.
    pub person_months_read: usize,
}

/// The S2 re-assessment of one family unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reassessment {
    /// The income year of the assessment S1 uses.
    pub assessed_year: i32,
    /// The adults' assessed personinntekt.
    pub assessed_personinntekt: i64,
    /// The adults' assessed kapitalinntekt.
    pub assessed_kapitalinntekt: i64,
    /// Per month of the window: the household's a-ordningen income (`None` when an adult has no
    /// record for it).
    pub months: Vec<((i32, u32), Option<i64>)>,
    /// Whether every adult had every month (the rule could be tried).
    pub assessable: bool,
    /// The re-assessed household income, when the fall is substantial and lasting and lowers it.
    pub income: Option<i64>,
    /// Person-months read.
    pub person_months_read: usize,
}

/// The S2 rule for one family unit whose S1 income (`s1_income`, from the assessment of
/// `income_year` or the latest common year before it) is known.
pub fn reassess(
    rules: &ReassessmentRules,
    index: &RegisterIndex<'_>,
    monthly: &MonthlyIndex<'_>,
    unit: &FamilyUnit,
    income_year: i32,
    s1_income: i64,
) -> Option<Reassessment> {
    let year = common_income_year(index, unit, income_year)?;
    let (mut personinntekt, mut kapitalinntekt) = (0i64, 0i64);
    for adult in &unit.adults {
        if let Some(a) = index.assessments[adult]
            .iter()
            .find(|a| a.income_year as i32 == year)
        {
            personinntekt += a.personinntekt;
            kapitalinntekt += a.kapitalinntekt;
        }
    }
    let mut out = Reassessment {
        assessed_year: year,
        assessed_personinntekt: personinntekt,
        assessed_kapitalinntekt: kapitalinntekt,
        months: Vec::new(),
        assessable: true,
        income: None,
        person_months_read: 0,
    };
    for (y, m) in rules.window() {
        let mut household = Some(0i64);
        for adult in &unit.adults {
            match monthly.month(*adult, y, m) {
                Some(v) => {
                    household = household.map(|h| h + v);
                    out.person_months_read += 1;
                }
                None => household = None,
            }
        }
        out.assessable &= household.is_some();
        out.months.push(((y, m), household));
    }
    if !out.assessable || out.months.is_empty() || personinntekt <= 0 {
        return Some(out);
    }
    // «Vesentlig»: 12 × month ≤ (1 − share) × assessed personinntekt, in every month
    // («varig»). Integer form: 12 × month × 10^s ≤ (10^s − mantissa) × personinntekt.
    let share = rules.decrease_share.value;
    let denominator = share.denominator() as i128;
    let keep = denominator - share.mantissa() as i128;
    let amounts: Vec<i64> = out.months.iter().filter_map(|(_, v)| *v).collect();
    let low = |month: i64| 12 * month as i128 * denominator <= keep * personinntekt as i128;
    if amounts.iter().all(|&m| low(m)) {
        let yearly = amounts.iter().sum::<i64>() * 12 / amounts.len() as i64;
        let income = yearly + kapitalinntekt;
        if income < s1_income {
            out.income = Some(income);
        }
    }
    Some(out)
}

/// The S2 income of every family row of `columns` (built from `families` for the same date and
/// income year).
pub fn s2_incomes(
    rules: &ReassessmentRules,
    columns: &FeeColumns,
    families: &[FamilyUnit],
    index: &RegisterIndex<'_>,
    monthly: &MonthlyIndex<'_>,
    income_year: i32,
) -> S2Incomes {
    let mut out = S2Incomes {
        income: columns.income.clone(),
        reassessed: vec![false; columns.families()],
        assessable: vec![false; columns.families()],
        ..S2Incomes::default()
    };
    for f in 0..columns.families() {
        if columns.income[f] == NONE {
            continue;
        }
        let unit = &families[columns.unit[f] as usize];
        let Some(r) = reassess(rules, index, monthly, unit, income_year, columns.income[f]) else {
            continue;
        };
        out.persons_read += unit.adults.len();
        out.person_months_read += r.person_months_read;
        out.assessable[f] = r.assessable;
        if let Some(income) = r.income {
            out.income[f] = income;
            out.reassessed[f] = true;
        }
    }
    out
}

/// Legal reference of the S2 re-assessment.
pub const REF_REASSESSMENT: &str = "FOR-2005-12-16-1478 forskrift om foreldrebetaling i barnehager § 3 (other documentation of income only on «vesentlig og varig endring», pre-2020 § 3 femte ledd); Udir «Endring i inntektssituasjonen i løpet av barnehageåret» (decreases only) (https://www.udir.no/regelverkstolkninger/barnehage/foreldrebetaling-og-moderasjonsordninger/endring-i-inntektssituasjonen-i-lopet-av-barnehagearet/)";

/// Decides a family unit under S2, with explanations: the S1 decision, except that where the
/// household income has fallen substantially and lastingly the re-assessed income is used,
/// with the a-ordningen months as its provenance and a `kindergarten.reassessment` node in the
/// household explanation. `None` when no child of the unit has a place.
#[allow(clippy::too_many_arguments)]
pub fn decide_family_s2(
    fee_rules: &FeeRules,
    reassessment: &ReassessmentRules,
    income_year: i32,
    index: &RegisterIndex<'_>,
    monthly: &MonthlyIndex<'_>,
    zones: &Zones,
    unit: &FamilyUnit,
    options: &BatchOptions,
) -> Option<FamilyDecision> {
    let (children, mut input) =
        family_input_with(fee_rules, income_year, index, zones, unit, options)?;
    let mut node = None;
    if let Some(s1_income) = input.income.amount {
        if let Some(r) = reassess(reassessment, index, monthly, unit, income_year, s1_income) {
            let months_text = r
                .months
                .iter()
                .map(|((y, m), v)| {
                    format!(
                        "{y}-{m:02}: {}",
                        v.map_or_else(|| "missing".to_string(), |v| v.to_string())
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let mut explanation =
                Explanation::new("kindergarten.reassessment", REF_REASSESSMENT, r.income)
                    .parameter(&reassessment.decrease_share.used)
                    .parameter(&reassessment.lasting_months.used)
                    .parameter(&reassessment.max_gap_months.used)
                    .input(Input::new(
                        "assessed_personinntekt",
                        r.assessed_personinntekt,
                        input.income.provenance.clone(),
                    ));
            let mut provenance = Vec::new();
            for ((y, m), _) in &r.months {
                for adult in &unit.adults {
                    provenance.push(Provenance::register(
                        "income",
                        format!("monthly_income person={adult} year={y} month={m}"),
                        Some(Period::Month {
                            year: *y,
                            month: *m,
                        }),
                    ));
                }
            }
            explanation = explanation.input(Input::new(
                "household_monthly_income",
                months_text.clone(),
                provenance.clone(),
            ));
            explanation.summary = match r.income {
                Some(income) => {
                    provenance.extend(input.income.provenance.iter().cloned());
                    input.income = IncomeInput {
                        amount: Some(income),
                        provenance,
                        unknown_reason: None,
                    };
                    format!(
                        "Household income re-assessed: in every month of the window ({months_text}) \
                         the income × 12 is at least {} below the assessed personinntekt {} \
                         (income year {}); new household income = mean month × 12 + assessed \
                         kapitalinntekt {} = {income} NOK.",
                        reassessment.decrease_share.value,
                        r.assessed_personinntekt,
                        r.assessed_year,
                        r.assessed_kapitalinntekt
                    )
                }
                None if !r.assessable => format!(
                    "Not re-assessed: a-ordningen income is missing for a month of the window \
                     ({months_text}); the assessed income of {} stands.",
                    r.assessed_year
                ),
                None => format!(
                    "Not re-assessed: the income has not fallen by at least {} in every month of \
                     the window ({months_text}), or the fall does not lower the household income; \
                     the assessed income of {} stands.",
                    reassessment.decrease_share.value, r.assessed_year
                ),
            };
            node = Some(explanation);
        }
    }
    let mut decision = decide_household(fee_rules, &input);
    if let Some(node) = node {
        decision.explanation = decision.explanation.child(node);
    }
    Some(FamilyDecision {
        municipality: unit.municipality,
        children,
        decision,
    })
}

/// A data element a rule set reads, with how many records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DataElement {
    /// `S1 and S2`, or `S2 only`.
    pub read_by: String,
    /// The register.
    pub register: String,
    /// The element.
    pub element: String,
    /// Records read in this run.
    pub records: usize,
}

/// S1 and S2 side by side for one population and month.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct S1S2Comparison {
    /// The date decided.
    pub date: String,
    /// The window of a-ordningen months read (`YYYY-MM`).
    pub window: Vec<String>,
    /// Families with an enrolled child.
    pub families: usize,
    /// Children.
    pub children: usize,
    /// Families for which every adult had every month of the window.
    pub families_assessable: usize,
    /// Families whose income S2 re-assessed.
    pub families_reassessed: usize,
    /// Families decided under both whose monthly total differs.
    pub families_with_different_fee: usize,
    /// Children whose monthly fee differs.
    pub children_with_different_fee: usize,
    /// Monthly parent payments under S1 (families decided under both).
    pub parent_payments_s1: i64,
    /// Monthly parent payments under S2.
    pub parent_payments_s2: i64,
    /// Budget effect per month: S1 − S2 payments (extra public cost of S2).
    pub budget_effect_monthly: i64,
    /// Budget effect per year (× payments per year).
    pub budget_effect_yearly: i64,
    /// What each rule set reads.
    pub data_elements: Vec<DataElement>,
}

/// Decides the population of `columns` under S1 and S2 (the same fee rules on the S2 income)
/// and compares.
#[allow(clippy::too_many_arguments)]
pub fn compare_s1_s2(
    fee_rules: &FeeRules,
    reassessment: &ReassessmentRules,
    columns: &FeeColumns,
    families: &[FamilyUnit],
    index: &RegisterIndex<'_>,
    monthly: &MonthlyIndex<'_>,
    income_year: i32,
    options: &BatchOptions,
) -> S1S2Comparison {
    let incomes = s2_incomes(reassessment, columns, families, index, monthly, income_year);
    let s1 = fee_amounts(fee_rules, columns, options);
    let mut s2_columns = columns.clone();
    s2_columns.income = incomes.income.clone();
    let s2 = fee_amounts(fee_rules, &s2_columns, options);
    let mut out = S1S2Comparison {
        date: fee_rules.date().to_string(),
        window: reassessment
            .window()
            .iter()
            .map(|(y, m)| format!("{y}-{m:02}"))
            .collect(),
        families: columns.families(),
        children: columns.children(),
        families_assessable: incomes.assessable.iter().filter(|&&a| a).count(),
        families_reassessed: incomes.reassessed.iter().filter(|&&a| a).count(),
        ..S1S2Comparison::default()
    };
    let mut adults = 0usize;
    for f in 0..columns.families() {
        adults += families[columns.unit[f] as usize].adults.len();
        if s1.status[f] == status::MANUAL || s2.status[f] == status::MANUAL {
            continue;
        }
        out.parent_payments_s1 += s1.total[f];
        out.parent_payments_s2 += s2.total[f];
        if s1.total[f] != s2.total[f] {
            out.families_with_different_fee += 1;
        }
        out.children_with_different_fee += columns
            .children_of(f)
            .filter(|&c| s1.fee[c] != s2.fee[c])
            .count();
    }
    out.budget_effect_monthly = out.parent_payments_s1 - out.parent_payments_s2;
    out.budget_effect_yearly = out.budget_effect_monthly * fee_rules.payments.value;
    let element = |read_by: &str, register: &str, element: &str, records: usize| DataElement {
        read_by: read_by.into(),
        register: register.into(),
        element: element.into(),
        records,
    };
    out.data_elements = vec![
        element(
            "S1 and S2",
            "population",
            "birth date, residence address, parent and partner relations (the family unit on the date)",
            columns.children() + adults,
        ),
        element(
            "S1 and S2",
            "kindergarten",
            "enrolment: agreed weekly hours, place dates, kindergarten municipality",
            columns.children(),
        ),
        element(
            "S1 and S2",
            "income (tax assessment)",
            "personinntekt and kapitalinntekt of one income year, per adult",
            adults,
        ),
        element(
            "S2 only",
            "income (a-ordningen)",
            &format!(
                "monthly income per adult for {} months ({})",
                out.window.len(),
                out.window.join(", ")
            ),
            incomes.person_months_read,
        ),
    ];
    out
}
