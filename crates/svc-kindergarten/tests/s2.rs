//! S2: the mid-year re-assessment from a-ordningen income, and the S1-vs-S2 comparison.

use chrono::{Datelike, NaiveDate};
use identity::{synthetic_fodselsnummer, NationalId, OrgNumber, Sex};
use registers::{
    AddressId, Background, Enrolment, FamilyUnit, Households, MonthlyIncome, Municipalities,
    Person, PersonStatus, Registers, TaxAssessment,
};
use rules::Parameters;
use std::path::PathBuf;
use svc_kindergarten::{
    compare_s1_s2, decide_family_s2, fee_amounts, income_year, s2_incomes, BatchOptions,
    FeeColumns, FeeRules, MonthlyIndex, ReassessmentRules, RegisterIndex, Zones, NONE,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn law() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../law")
}

fn setup() -> (Parameters, Zones) {
    let params = Parameters::load_dir(&law().join("parameters")).unwrap();
    let zones = Zones::load(
        &law().join("zones/kindergarten-price-zones.yaml"),
        &Municipalities::embedded_2026(),
    )
    .unwrap();
    (params, zones)
}

fn person(birth: NaiveDate, n: u16) -> Person {
    let start = if birth.year() >= 2000 { 500 + n } else { n };
    let id: NationalId = (start..start + 100)
        .find_map(|i| synthetic_fodselsnummer(birth, i))
        .unwrap();
    Person {
        id,
        birth_date: birth,
        sex: Sex::Female,
        status: PersonStatus::Resident,
        status_date: None,
        background: Background::Majority,
    }
}

/// Two adults (2022 personinntekt 400 000 + 200 000, kapitalinntekt 10 000) and one child born
/// 2021 (in the kjernetid cohort of barnehageår 2023/24) with a full-time place in Bergen;
/// `months` are each adult's a-ordningen income for October–December 2023.
fn household(months: [[i64; 3]; 2]) -> (Registers, FamilyUnit) {
    let mut registers = Registers::empty(d(2024, 1, 1), Municipalities::embedded_2026());
    let a = person(d(1988, 1, 5), 100);
    let b = person(d(1987, 2, 6), 200);
    let child = person(d(2021, 3, 14), 100);
    registers.persons.extend([a, b, child]);
    let municipality = "4601".parse().unwrap();
    registers.enrolments.push(Enrolment {
        child: child.id,
        kindergarten: OrgNumber::with_check_digit(31234567).unwrap(),
        municipality,
        weekly_hours: 45,
        from: d(2022, 8, 1),
        to: None,
    });
    for (adult, income, capital, three) in [
        (a.id, 400_000, 10_000, months[0]),
        (b.id, 200_000, 0, months[1]),
    ] {
        registers.tax_assessments.push(TaxAssessment {
            person: adult,
            income_year: 2022,
            personinntekt: income,
            kapitalinntekt: capital,
        });
        let mut year = [income / 12; 12];
        year[9..12].copy_from_slice(&three);
        registers.monthly_income.push(MonthlyIncome {
            person: adult,
            year: 2023,
            months: year,
        });
    }
    let unit = FamilyUnit {
        address: AddressId(1),
        municipality,
        adults: vec![a.id, b.id],
        children: vec![child.id],
    };
    (registers, unit)
}

/// (S1 income, S2 income, reassessed, assessable, S1 fee, S2 fee) for January 2024.
fn run(months: [[i64; 3]; 2]) -> (i64, i64, bool, bool, i64, i64) {
    let (params, zones) = setup();
    let (registers, unit) = household(months);
    let date = d(2024, 1, 1);
    let rules = FeeRules::resolve(&params, date).unwrap();
    let reassessment = ReassessmentRules::resolve(&params, date).unwrap();
    let year = income_year(&params, date).unwrap();
    let index = RegisterIndex::new(&registers);
    let monthly = MonthlyIndex::new(&registers);
    let families = [unit];
    let columns = FeeColumns::build(date, year, &index, &zones, &families);
    let s2 = s2_incomes(&reassessment, &columns, &families, &index, &monthly, year);
    let s1_fee = fee_amounts(&rules, &columns, &BatchOptions::default()).total[0];
    let mut s2_columns = columns.clone();
    s2_columns.income = s2.income.clone();
    let s2_fee = fee_amounts(&rules, &s2_columns, &BatchOptions::default()).total[0];
    (
        columns.income[0],
        s2.income[0],
        s2.reassessed[0],
        s2.assessable[0],
        s1_fee,
        s2_fee,
    )
}

#[test]
fn the_window_is_the_lasting_months_ending_the_gap_before_the_month_decided() {
    let (params, _) = setup();
    let r = ReassessmentRules::resolve(&params, d(2024, 1, 1)).unwrap();
    assert_eq!(r.window(), vec![(2023, 10), (2023, 11), (2023, 12)]);
    let r = ReassessmentRules::resolve(&params, d(2024, 3, 1)).unwrap();
    assert_eq!(r.window(), vec![(2023, 12), (2024, 1), (2024, 2)]);
}

#[test]
fn a_substantial_and_lasting_fall_is_reassessed_and_lowers_the_fee() {
    // Assessed 2022: 600 000 personinntekt + 10 000 kapitalinntekt = 610 000, above the 6 %
    // limit of 550 000 (makspris 3 000): S1 charges 3 000 less kjernetid (income 610 000 is
    // under the 615 590 limit: 20 of 41 hours free) = 3 000 × 21 / 41 = 1 537.
    // S2: the first adult lost the job in October: 12 × (0 + 16 667) = 200 004 ≤ 0.8 × 600 000
    // in each of the three months, so the income becomes 200 004 + 10 000 = 210 004:
    // 210 004 × 0.06 / 11 = 1 145, less kjernetid: 1 145 × 21 / 41 = 586.
    let (s1_income, s2_income, reassessed, assessable, s1_fee, s2_fee) =
        run([[0, 0, 0], [16_667, 16_667, 16_667]]);
    assert_eq!(s1_income, 610_000);
    assert!(assessable && reassessed);
    assert_eq!(s2_income, 210_004);
    assert_eq!(s1_fee, 1_537);
    assert_eq!(s2_fee, 586);
}

#[test]
fn the_explained_s2_decision_names_the_months_it_read() {
    let (params, zones) = setup();
    let (registers, unit) = household([[0, 0, 0], [16_667, 16_667, 16_667]]);
    let date = d(2024, 1, 1);
    let rules = FeeRules::resolve(&params, date).unwrap();
    let reassessment = ReassessmentRules::resolve(&params, date).unwrap();
    let index = RegisterIndex::new(&registers);
    let monthly = MonthlyIndex::new(&registers);
    let decided = decide_family_s2(
        &rules,
        &reassessment,
        2022,
        &index,
        &monthly,
        &zones,
        &unit,
        &BatchOptions::default(),
    )
    .unwrap();
    assert_eq!(decided.decision.result.total_monthly_fee, Some(586));
    let node = decided
        .decision
        .explanation
        .find("kindergarten.reassessment")
        .expect("re-assessment node");
    assert_eq!(node.result, rules::Value::Integer(210_004));
    assert!(node.summary.contains("2023-10: 16667"), "{}", node.summary);
    assert!(node.legal_reference.contains("vesentlig og varig"));
    let income = decided
        .decision
        .explanation
        .inputs
        .iter()
        .find(|i| i.name == "household_income")
        .unwrap();
    assert!(income.provenance.iter().any(|p| p.period
        == Some(rules::Period::Month {
            year: 2023,
            month: 12
        })));
}

#[test]
fn a_short_or_small_fall_or_a_rise_keeps_the_s1_income() {
    // Two low months and one normal month: not lasting.
    let (s1, s2, reassessed, assessable, _, _) = run([[0, 0, 33_334], [16_667, 16_667, 16_667]]);
    assert!(assessable && !reassessed);
    assert_eq!(s1, s2);
    // Exactly 20 % lower (12 × 40 000 = 480 000 = 0.8 × 600 000) counts; one krone more does not.
    let (_, s2, reassessed, _, _, _) = run([[26_667, 26_667, 26_666], [13_333, 13_333, 13_334]]);
    assert!(reassessed, "exactly at the threshold");
    assert_eq!(s2, 480_000 + 10_000);
    let (_, _, reassessed, _, _, _) = run([[26_667, 26_667, 26_667], [13_333, 13_333, 13_334]]);
    assert!(!reassessed);
    // A rise is never used.
    let (s1, s2, reassessed, _, _, _) = run([[90_000; 3], [90_000; 3]]);
    assert!(!reassessed);
    assert_eq!(s1, s2);
}

#[test]
fn a_missing_month_means_the_s1_decision_stands() {
    let (params, zones) = setup();
    let (mut registers, unit) = household([[0; 3], [0; 3]]);
    registers.monthly_income.pop();
    let date = d(2024, 1, 1);
    let reassessment = ReassessmentRules::resolve(&params, date).unwrap();
    let index = RegisterIndex::new(&registers);
    let monthly = MonthlyIndex::new(&registers);
    let families = [unit];
    let columns = FeeColumns::build(date, 2022, &index, &zones, &families);
    let s2 = s2_incomes(&reassessment, &columns, &families, &index, &monthly, 2022);
    assert!(!s2.assessable[0] && !s2.reassessed[0]);
    assert_eq!(s2.income, columns.income);
}

#[test]
fn s1_and_s2_side_by_side_on_a_generated_municipality() {
    let (params, zones) = setup();
    let registers = synth::generate(
        &Municipalities::embedded_2026(),
        &synth::Area::Municipality("5503".parse().unwrap()),
        &synth::GenerateOptions { seed: 5 },
        &|_, _| {},
    )
    .unwrap();
    let date = d(2024, 1, 1);
    let rules = FeeRules::resolve(&params, date).unwrap();
    let reassessment = ReassessmentRules::resolve(&params, date).unwrap();
    let year = income_year(&params, date).unwrap();
    let families = Households::derive(&registers, date).families;
    let index = RegisterIndex::new(&registers);
    let monthly = MonthlyIndex::new(&registers);
    let columns = FeeColumns::build(date, year, &index, &zones, &families);
    let options = BatchOptions::default();
    let report = compare_s1_s2(
        &rules,
        &reassessment,
        &columns,
        &families,
        &index,
        &monthly,
        year,
        &options,
    );
    assert_eq!(report.window, vec!["2023-10", "2023-11", "2023-12"]);
    assert!(
        report.families_assessable > report.families / 2,
        "{report:?}"
    );
    assert!(report.families_reassessed > 0, "{report:?}");
    assert!(report.families_with_different_fee <= report.families_reassessed);
    // S2 only lowers incomes, and the fee never rises when the income falls.
    assert!(report.budget_effect_monthly >= 0);
    let s2 = s2_incomes(&reassessment, &columns, &families, &index, &monthly, year);
    let mut s2_columns = columns.clone();
    s2_columns.income = s2.income;
    let (a1, a2) = (
        fee_amounts(&rules, &columns, &options),
        fee_amounts(&rules, &s2_columns, &options),
    );
    assert!(a1.fee.iter().zip(&a2.fee).all(|(x, y)| y <= x));
    // The explained S2 path gives the same fee as the amounts-only S2 path for every child.
    let mut row = 0;
    for unit in &families {
        let Some(decided) = decide_family_s2(
            &rules,
            &reassessment,
            year,
            &index,
            &monthly,
            &zones,
            unit,
            &options,
        ) else {
            continue;
        };
        for child in &decided.decision.result.children {
            assert_eq!(child.monthly_fee.unwrap_or(NONE), a2.fee[row]);
            row += 1;
        }
    }
    assert_eq!(row, columns.children());
    let only_s2: Vec<_> = report
        .data_elements
        .iter()
        .filter(|e| e.read_by == "S2 only")
        .collect();
    assert_eq!(only_s2.len(), 1);
    assert!(only_s2[0].records >= 3 * report.families_assessable);
}
