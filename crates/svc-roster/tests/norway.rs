//! Norwegian rota model: a legal 6-week rota for the 40-staff example home,
//! one hand-made violating rota per hard rule (naming the rule and its legal
//! reference), rule parameters from TOML changing the verdict, pinning,
//! re-planning after a sick call, and rendering.

use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};
use svc_roster::norway::{
    check, explain, plan, render_csv, render_html, replan_after_sick_call, Competence, CoverDemand,
    Demand, Pin, PlanOptions, ReplanOptions, Report, Rota, RuleId, RuleSet, Severity, ShiftDef,
    ShiftKind, SickCall, Staff, Unit, Violation, DEFAULT_RULES_TOML,
};

// ---------------------------------------------------------------- helpers

/// Two employees (a nurse and a health worker, both full time), two weeks,
/// the example home's shifts (D 07:30–15:30, A 15:00–22:30, N 22:15–07:45,
/// L 08:00–20:00) and no demand unless a test adds it.
fn tiny_unit() -> Unit {
    let t = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let mut day = ShiftDef::new("D", t(7, 30), t(15, 30), ShiftKind::Day);
    day.unpaid_break_minutes = 30;
    let mut long = ShiftDef::new("L", t(8, 0), t(20, 0), ShiftKind::Long);
    long.unpaid_break_minutes = 30;
    let shifts = vec![
        day,
        ShiftDef::new("A", t(15, 0), t(22, 30), ShiftKind::Evening),
        ShiftDef::new("N", t(22, 15), t(7, 45), ShiftKind::Night),
        long,
    ];
    let staff = |id: &str, competence| Staff {
        id: id.to_string(),
        name: format!("Test {id}"),
        position_pct: 100.0,
        competence,
        unavailable: Vec::new(),
        wishes: Vec::new(),
        credited_minutes: 0,
    };
    Unit {
        name: "Tiny test unit".to_string(),
        start_date: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        weeks: 2,
        shifts,
        demand: Demand {
            by_weekday: vec![vec![CoverDemand::default(); 4]; 7],
            by_date: Default::default(),
        },
        employees: vec![
            staff("N1", Competence::Nurse),
            staff("H1", Competence::HealthWorker),
        ],
    }
}

const D: usize = 0;
const A: usize = 1;
const N: usize = 2;
const L: usize = 3;

fn rota_with(unit: &Unit, cells: &[(usize, usize, usize)]) -> Rota {
    let mut rota = Rota::empty_for(unit);
    for &(e, d, s) in cells {
        rota.set(e, d, Some(s));
    }
    rota
}

fn hard(report: &Report, rule: RuleId) -> Vec<&Violation> {
    report
        .violations
        .iter()
        .filter(|v| v.rule == rule && v.severity == Severity::Hard)
        .collect()
}

fn date(unit: &Unit, day: usize) -> NaiveDate {
    unit.date(day)
}

fn example_plan(seconds: u64, seed: u64) -> (Unit, RuleSet, svc_roster::norway::Plan) {
    let unit = Unit::example_nursing_home(40, seed);
    let rules = RuleSet::default_aml();
    let options = PlanOptions {
        time_limit: Duration::from_secs(seconds),
        seed,
        ..PlanOptions::default()
    };
    let result = plan(&unit, &rules, &options);
    (unit, rules, result)
}

// ------------------------------------------------- the done-when criterion

#[test]
fn forty_staff_home_gets_a_legal_six_week_rota_within_the_time_limit() {
    let (unit, rules, result) = example_plan(20, 1);
    assert_eq!(unit.employees.len(), 40);
    assert_eq!(unit.days(), 42);
    // Re-check independently of the plan's own report.
    let report = check(&unit, &rules, &result.rota);
    assert!(
        report.is_legal(),
        "hard violations: {:#?}",
        &report.violations[..report.violations.len().min(10)]
    );
    // The solver's own model agrees with the independent checker.
    assert_eq!(result.search_hard, 0.0);
    assert!(
        (result.search_soft - report.soft.total).abs() < 1e-6,
        "solver {} vs checker {}",
        result.search_soft,
        report.soft.total
    );
    let to_legal = result.time_to_legal.expect("a legal rota was found");
    assert!(to_legal <= Duration::from_secs(60), "took {to_legal:?}");
    assert!(result.elapsed <= Duration::from_secs(60));
    // Every shift with a nurse minimum has a nurse, and cover is nearly complete.
    assert_eq!(report.count(RuleId::CompetenceCover), 0);
    let missing: f64 = report
        .penalties
        .iter()
        .filter(|p| p.rule == RuleId::Cover && p.message.contains("wanted") && p.cost >= 50.0)
        .map(|p| p.amount)
        .sum();
    assert!(missing <= 10.0, "{missing} staff-shifts missing");

    // The explanation adds up: per employee plus unit level equals the total.
    let explanation = explain(&unit, &rules, &result.rota);
    let per_employee: f64 = explanation.employees.iter().map(|e| e.soft_cost).sum();
    assert!(
        (per_employee + report.soft.unit_level - report.soft.total).abs() < 1e-6,
        "{per_employee} + {} != {}",
        report.soft.unit_level,
        report.soft.total
    );
    let per_rule: f64 = explanation.rules.iter().map(|r| r.soft_cost).sum();
    assert!((per_rule - report.soft.total).abs() < 1e-6);
    let fairness = explanation.fairness;
    assert!(fairness.nights.mean > 0.0 && fairness.nights.min <= fairness.nights.max);
    assert!(fairness.weekends.mean > 0.0);
    let text = explanation.to_text();
    assert!(text.contains("Rota is legal"));
    assert!(text.contains("nights"));
}

#[test]
fn example_home_looks_like_a_thirty_bed_nursing_home() {
    let unit = Unit::example_nursing_home(40, 3);
    assert!(unit.problems().is_empty(), "{:?}", unit.problems());
    let nurses = unit
        .employees
        .iter()
        .filter(|s| s.competence == Competence::Nurse)
        .count();
    assert_eq!(nurses, 14);
    let full_time = unit
        .employees
        .iter()
        .filter(|s| s.position_pct >= 100.0)
        .count();
    assert!((10..=14).contains(&full_time), "{full_time} full-time");
    let fte: f64 = unit.employees.iter().map(|s| s.position_pct / 100.0).sum();
    assert!((20.0..30.0).contains(&fte), "{fte} FTE");
    // Weekday: 8 day, 6 evening, 2 night; the same generator is deterministic.
    assert_eq!(unit.demand_on(0, D).total(), 8);
    assert_eq!(unit.demand_on(0, A).total(), 6);
    assert_eq!(unit.demand_on(0, N).total(), 2);
    assert_eq!(unit.demand_on(5, L).total(), 2);
    assert_eq!(unit, Unit::example_nursing_home(40, 3));
}

// ------------------------------------------------- one test per hard rule

#[test]
fn two_shifts_on_one_day_break_the_one_shift_rule() {
    let unit = tiny_unit();
    let mut rota = rota_with(&unit, &[(0, 2, D)]);
    rota.add(0, 2, A);
    let report = check(&unit, &RuleSet::default_aml(), &rota);
    let found = hard(&report, RuleId::OneShiftPerDay);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].employee, Some(0));
    assert_eq!(found[0].from, date(&unit, 2));
    assert!(found[0].reference.contains("10-8"));
}

#[test]
fn working_on_an_unavailable_date_is_reported() {
    let mut unit = tiny_unit();
    let wednesday = date(&unit, 3);
    unit.employees[1].unavailable.push(wednesday);
    let rota = rota_with(&unit, &[(1, 3, D), (1, 4, D)]);
    let report = check(&unit, &RuleSet::default_aml(), &rota);
    let found = hard(&report, RuleId::Availability);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].employee, found[0].from),
        (Some(1), date(&unit, 3))
    );
    assert!(!found[0].reference.is_empty());
}

#[test]
fn evening_then_day_breaks_daily_rest_of_section_10_8_1() {
    let unit = tiny_unit();
    // A ends 22:30 on Tuesday, D starts 07:30 on Wednesday: 9 h rest.
    let rota = rota_with(&unit, &[(0, 1, A), (0, 2, D)]);
    let report = check(&unit, &RuleSet::default_aml(), &rota);
    let found = hard(&report, RuleId::DailyRest);
    assert_eq!(found.len(), 1);
    let v = found[0];
    assert_eq!(v.employee, Some(0));
    assert_eq!((v.from, v.to), (date(&unit, 1), date(&unit, 2)));
    assert!((v.amount - 2.0).abs() < 1e-9, "2 h short, got {}", v.amount);
    assert!(v.reference.contains("§ 10-8 (1)"), "{}", v.reference);
    // Day then evening the next day is fine.
    let fine = rota_with(&unit, &[(0, 1, D), (0, 2, A)]);
    assert!(hard(
        &check(&unit, &RuleSet::default_aml(), &fine),
        RuleId::DailyRest
    )
    .is_empty());
}

#[test]
fn seven_day_shifts_in_a_week_break_weekly_rest_of_section_10_8_2() {
    let unit = tiny_unit();
    let rota = rota_with(&unit, &(0..7).map(|d| (0, d, D)).collect::<Vec<_>>());
    let report = check(&unit, &RuleSet::default_aml(), &rota);
    let found = hard(&report, RuleId::WeeklyRest);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].from, found[0].to),
        (date(&unit, 0), date(&unit, 6))
    );
    assert!(found[0].reference.contains("§ 10-8 (2)"));
    // Monday to Friday leaves the weekend: no weekly-rest violation.
    let fine = rota_with(&unit, &(0..5).map(|d| (0, d, D)).collect::<Vec<_>>());
    assert!(hard(
        &check(&unit, &RuleSet::default_aml(), &fine),
        RuleId::WeeklyRest
    )
    .is_empty());
    // Evening Friday, off Saturday, day Sunday is 33 h: too short when it is the only rest.
    let short = rota_with(
        &unit,
        &[
            (0, 0, D),
            (0, 1, D),
            (0, 2, D),
            (0, 3, D),
            (0, 4, A),
            (0, 6, D),
        ],
    );
    assert_eq!(
        hard(
            &check(&unit, &RuleSet::default_aml(), &short),
            RuleId::WeeklyRest
        )
        .len(),
        1
    );
}

#[test]
fn a_long_day_exceeds_the_statutory_ten_hours_of_section_10_5() {
    let unit = tiny_unit();
    let rota = rota_with(&unit, &[(0, 5, L)]);
    let statutory = RuleSet::statutory();
    let found_statutory = check(&unit, &statutory, &rota);
    let found = hard(&found_statutory, RuleId::ShiftLength);
    assert_eq!(found.len(), 1);
    assert!(found[0].reference.contains("§ 10-5"));
    assert!(found[0].message.contains("11.50 h"), "{}", found[0].message);
    // The agreement variant allows 12.5 h.
    let agreement = check(&unit, &RuleSet::default_aml(), &rota);
    assert!(hard(&agreement, RuleId::ShiftLength).is_empty());
}

#[test]
fn seven_long_days_exceed_the_weekly_cap_of_section_10_5() {
    let unit = tiny_unit();
    let rota = rota_with(&unit, &(0..7).map(|d| (0, d, L)).collect::<Vec<_>>());
    let report = check(&unit, &RuleSet::default_aml(), &rota);
    let found = hard(&report, RuleId::WeeklyHours);
    // 80.5 h in week 1 (cap 54 h) and 40.25 h/week on average (below 48 h).
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("80.50 h"), "{}", found[0].message);
    assert!(found[0].reference.contains("§ 10-5"));
}

#[test]
fn an_empty_rota_misses_the_contracted_hours() {
    let unit = tiny_unit();
    let report = check(&unit, &RuleSet::default_aml(), &Rota::empty_for(&unit));
    let found = hard(&report, RuleId::ContractHours);
    assert_eq!(found.len(), 2);
    // 100 % of a 35.5 h rota week over 2 weeks = 71 h, 5 h tolerance.
    assert!((found[0].amount - 66.0).abs() < 1e-9, "{}", found[0].amount);
    assert!(found[0].reference.contains("Hovedtariffavtalen"));
    assert!(found[0].reference.contains("§ 10-4"));
}

#[test]
fn two_sundays_in_a_row_break_the_sunday_rule_of_section_10_8_4() {
    let unit = tiny_unit();
    let rota = rota_with(&unit, &[(0, 6, D), (0, 13, D)]);
    let report = check(&unit, &RuleSet::statutory(), &rota);
    let found = hard(&report, RuleId::SundayWork);
    assert_eq!(found.len(), 1);
    assert!(found[0].reference.contains("§ 10-8 (4)"));
    // A Saturday evening shift is Sunday work under § 10-10 (from 18:00).
    let saturday_evening = rota_with(&unit, &[(0, 5, A), (0, 13, D)]);
    let report = check(&unit, &RuleSet::statutory(), &saturday_evening);
    assert_eq!(hard(&report, RuleId::SundayWork).len(), 1);
    // A Saturday day shift is not.
    let saturday_day = rota_with(&unit, &[(0, 5, D), (0, 13, D)]);
    let report = check(&unit, &RuleSet::statutory(), &saturday_day);
    assert!(hard(&report, RuleId::SundayWork).is_empty());
}

#[test]
fn a_shift_without_a_nurse_breaks_competence_cover() {
    let mut unit = tiny_unit();
    let mut monday = vec![CoverDemand::default(); 4];
    monday[D] = CoverDemand {
        nurses: 1,
        health_workers: 0,
        any: 1,
    };
    let first_monday = date(&unit, 0);
    unit.demand.by_date.insert(first_monday, monday);
    // Only the health worker works Monday's day shift.
    let rota = rota_with(&unit, &[(1, 0, D)]);
    let report = check(&unit, &RuleSet::default_aml(), &rota);
    let found = hard(&report, RuleId::CompetenceCover);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].employee, None);
    assert_eq!(found[0].shift.as_deref(), Some("D"));
    assert_eq!(found[0].from, date(&unit, 0));
    assert!(!found[0].reference.is_empty());
    // With the nurse instead, the shift is covered.
    let fine = rota_with(&unit, &[(0, 0, D)]);
    assert!(hard(
        &check(&unit, &RuleSet::default_aml(), &fine),
        RuleId::CompetenceCover
    )
    .is_empty());
}

#[test]
fn five_nights_in_a_row_break_the_night_rule() {
    let unit = tiny_unit();
    let rota = rota_with(&unit, &(0..5).map(|d| (0, d, N)).collect::<Vec<_>>());
    let report = check(&unit, &RuleSet::default_aml(), &rota);
    let found = hard(&report, RuleId::ConsecutiveNights);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].from, found[0].to),
        (date(&unit, 0), date(&unit, 4))
    );
    assert!(found[0].reference.contains("§ 10-11"));
    let four = rota_with(&unit, &(0..4).map(|d| (0, d, N)).collect::<Vec<_>>());
    assert!(hard(
        &check(&unit, &RuleSet::default_aml(), &four),
        RuleId::ConsecutiveNights
    )
    .is_empty());
}

// ------------------------------------------------------- rules are data

#[test]
fn changing_daily_rest_in_the_toml_changes_the_verdict() {
    let unit = tiny_unit();
    let rota = rota_with(&unit, &[(0, 1, A), (0, 2, D)]);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let shipped = dir.join("aml-2026-shipped.toml");
    std::fs::write(&shipped, DEFAULT_RULES_TOML).unwrap();
    let before = RuleSet::load(&shipped).unwrap();
    assert_eq!(before, RuleSet::default_aml());
    assert_eq!(
        hard(&check(&unit, &before, &rota), RuleId::DailyRest).len(),
        1
    );

    let edited_text = DEFAULT_RULES_TOML.replacen("min_hours = 11.0", "min_hours = 9.0", 1);
    assert_ne!(edited_text, DEFAULT_RULES_TOML);
    let edited = dir.join("aml-2026-rest-9h.toml");
    std::fs::write(&edited, edited_text).unwrap();
    let after = RuleSet::load(&edited).unwrap();
    assert_eq!(after.rules.daily_rest.min_hours, 9.0);
    assert!(hard(&check(&unit, &after, &rota), RuleId::DailyRest).is_empty());

    // The same through the shipped agreement variant for reduced rest (8 h).
    let reduced = RuleSet::from_toml(DEFAULT_RULES_TOML, &["hta", "reduced-rest"]).unwrap();
    assert!(hard(&check(&unit, &reduced, &rota), RuleId::DailyRest).is_empty());

    // Disabling a rule, or making it soft, moves it out of the hard verdict.
    let soft_text = DEFAULT_RULES_TOML.replacen(
        "[rules.daily_rest]\nenabled = true\nseverity = \"hard\"",
        "[rules.daily_rest]\nenabled = true\nseverity = \"soft\"\nweight = 7.0",
        1,
    );
    let soft = RuleSet::from_toml_default(&soft_text).unwrap();
    let report = check(&unit, &soft, &rota);
    assert!(hard(&report, RuleId::DailyRest).is_empty());
    assert!((report.soft.per_rule[&RuleId::DailyRest] - 14.0).abs() < 1e-9);
}

#[test]
fn rule_files_with_typos_or_unknown_variants_are_rejected() {
    let typo = DEFAULT_RULES_TOML.replacen("min_hours = 11.0", "min_hour = 11.0", 1);
    let error = RuleSet::from_toml_default(&typo).unwrap_err().to_string();
    assert!(error.contains("min_hour"), "{error}");
    let error = RuleSet::from_toml(DEFAULT_RULES_TOML, &["no-such-agreement"])
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("no-such-agreement") && error.contains("hta"),
        "{error}"
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/aml-2026.toml");
    let loaded = RuleSet::load_variants(&path, &["statutory"]).unwrap();
    assert_eq!(loaded, RuleSet::statutory());
    assert_eq!(loaded.rules.shift_length.max_hours, 10.0);
    assert_eq!(RuleSet::default_aml().variants, vec!["hta".to_string()]);
}

// ------------------------------------------------ pinning and re-planning

#[test]
fn pinned_assignments_are_kept() {
    let unit = Unit::example_nursing_home(40, 5);
    let rules = RuleSet::default_aml();
    let pins = vec![
        Pin {
            employee: 0,
            day: 2,
            shift: Some(N),
        },
        Pin {
            employee: 0,
            day: 3,
            shift: Some(N),
        },
        Pin {
            employee: 4,
            day: 10,
            shift: None,
        },
        Pin {
            employee: 4,
            day: 11,
            shift: None,
        },
        Pin {
            employee: 9,
            day: 12,
            shift: Some(L),
        },
        Pin {
            employee: 2,
            day: 20,
            shift: Some(D),
        },
    ];
    let options = PlanOptions {
        time_limit: Duration::from_secs(4),
        seed: 5,
        pins: pins.clone(),
        ..PlanOptions::default()
    };
    let result = plan(&unit, &rules, &options);
    for pin in &pins {
        assert_eq!(result.rota.get(pin.employee, pin.day), pin.shift, "{pin:?}");
    }
    assert!(result.report.is_legal(), "{:#?}", result.report.violations);
}

#[test]
fn replanning_after_a_sick_call_changes_few_assignments_and_stays_legal() {
    // Move caps (well inside the time limits) make both searches reproducible.
    let unit = Unit::example_nursing_home(40, 2);
    let rules = RuleSet::default_aml();
    let options = PlanOptions {
        time_limit: Duration::from_secs(30),
        seed: 2,
        max_moves: Some(4_000_000),
        ..PlanOptions::default()
    };
    let result = plan(&unit, &rules, &options);
    assert!(result.report.is_legal());
    let old = result.rota;
    // The employee with the most shifts in days 15–17 calls in sick.
    let sick_employee = (0..unit.employees.len())
        .max_by_key(|&e| (15..=17).filter(|&d| old.get(e, d).is_some()).count())
        .unwrap();
    let lost = (15..=17)
        .filter(|&d| old.get(sick_employee, d).is_some())
        .count();
    assert!(lost >= 2);
    let sick = SickCall {
        employee: sick_employee,
        from: unit.date(15),
        to: unit.date(17),
    };
    let options = ReplanOptions {
        time_limit: Duration::from_secs(30),
        seed: 2,
        max_moves: Some(3_000_000),
        ..ReplanOptions::default()
    };
    let replan = replan_after_sick_call(&unit, &rules, &old, &sick, &options);
    // Legal under the operational rule set (contracted hours settled as extra
    // work, so soft); under the planning rule set only contracted hours may differ.
    assert_eq!(replan.rules.rules.contract_hours.severity, Severity::Soft);
    let report = check(&replan.unit, &replan.rules, &replan.plan.rota);
    assert!(report.is_legal(), "{:#?}", report.violations);
    let strict = check(&replan.unit, &rules, &replan.plan.rota);
    assert!(strict
        .violations
        .iter()
        .all(|v| v.rule == RuleId::ContractHours));
    for d in 15..=17 {
        assert_eq!(replan.plan.rota.get(sick_employee, d), None);
    }
    // History before the sick call is untouched.
    assert!(
        replan.changes.iter().all(|c| c.date >= unit.date(15)),
        "{:?}",
        replan.changes
    );
    println!(
        "{} changes for {lost} lost shifts: {:?}",
        replan.changes.len(),
        replan.changes
    );
    // The lost shifts plus at most three changes per lost shift.
    let bound = lost + 3 * lost;
    assert!(
        replan.changes.len() <= bound,
        "{} changes for {lost} lost shifts: {:?}",
        replan.changes.len(),
        replan.changes
    );
    // Lost shifts are refilled by someone else where cover needs them.
    assert!(
        replan.changes.len() > lost,
        "nobody covered: {:?}",
        replan.changes
    );
}

// ------------------------------------------------------------ rendering

#[test]
fn csv_and_html_contain_the_grid() {
    let unit = tiny_unit();
    let rota = rota_with(&unit, &[(0, 0, D), (0, 1, A), (0, 2, D), (1, 5, N)]);
    let rules = RuleSet::default_aml();

    let csv = render_csv(&unit, &rota);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("employee_id,name,competence,position_pct,2026-01-05,2026-01-06"));
    assert_eq!(
        lines[1],
        format!("N1,Test N1,nurse,100,D,A,D{}", ",".repeat(11))
    );
    assert_eq!(lines[2].split(',').nth(4 + 5), Some("N"));
    assert!(lines.iter().all(|l| l.split(',').count() == 4 + 14));

    let html = render_html(&unit, &rules, &rota);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Rota for Tiny test unit"));
    assert!(html.contains("<svg") && html.contains("role=\"img\""));
    assert!(html.contains("aria-labelledby=\"rota-title rota-desc\""));
    assert!(html.contains("<desc id=\"rota-desc\">"));
    assert!(html.contains("Legend"));
    assert!(html.contains("<table>") && html.contains("<th scope=\"row\">N1 Test N1"));
    assert!(html.contains("class=\"weekend\""));
    // 2 employees with 4 shifts drawn, each with a tooltip title.
    assert_eq!(html.matches("<g><title>").count(), 4);
    // The evening→day rest violation is marked in the grid and listed.
    assert!(html.contains("class=\"violation\" x="));
    assert!(html.contains("[daily_rest]"));
    assert!(html.contains("§ 10-8 (1)"));

    // The 40-staff example renders one row per employee.
    let big = Unit::example_nursing_home(40, 1);
    let csv = render_csv(&big, &Rota::empty_for(&big));
    assert_eq!(csv.lines().count(), 41);
    let html = render_html(&big, &rules, &Rota::empty_for(&big));
    assert_eq!(html.matches("<th scope=\"row\">").count(), 40);
}
