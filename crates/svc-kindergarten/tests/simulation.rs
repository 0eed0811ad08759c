//! Reform files and the simulation report over a generated municipality.

mod fixtures;

use chrono::NaiveDate;
use registers::{Households, Municipalities, Registers};
use rules::{Parameters, Status, Value};
use std::path::PathBuf;
use std::sync::OnceLock;
use svc_kindergarten::{
    fee_amounts, income_year, simulate, status, BatchOptions, FeeColumns, FeeRules, Reform,
    RegisterIndex, Zones,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn law() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../law")
}

fn params() -> Parameters {
    Parameters::load_dir(&law().join("parameters")).unwrap()
}

/// Harstad (5503): a general-zone municipality whose zone is unknown from 2024-08-01.
fn harstad() -> &'static Registers {
    static REGISTERS: OnceLock<Registers> = OnceLock::new();
    REGISTERS.get_or_init(|| {
        synth::generate(
            &Municipalities::embedded_2026(),
            &synth::Area::Municipality("5503".parse().unwrap()),
            &synth::GenerateOptions { seed: 5 },
            &|_, _| {},
        )
        .unwrap()
    })
}

const EXAMPLE: &str = "law/reforms/makspris-1500-kjernetid-sibling-40.yaml";

fn example_reform() -> Reform {
    let text =
        std::fs::read_to_string(law().join("reforms/makspris-1500-kjernetid-sibling-40.yaml"))
            .unwrap();
    Reform::from_yaml(&text, EXAMPLE).unwrap()
}

#[test]
fn the_example_reform_overrides_three_parameters_from_its_date() {
    let baseline = params();
    let reformed = example_reform().apply(&baseline, EXAMPLE).unwrap();
    let on = d(2024, 9, 1);
    let makspris = reformed
        .integer("kindergarten.makspris.general", on)
        .unwrap();
    assert_eq!(makspris.value, 1_500);
    assert_eq!(makspris.used.status, Status::Override);
    // 642 700 × 1.1 = 706 970.
    assert_eq!(
        reformed
            .integer("kindergarten.kjernetid.income_limit", d(2024, 8, 1))
            .unwrap()
            .value,
        706_970
    );
    assert_eq!(
        reformed
            .get("kindergarten.sibling.discount_second", on)
            .unwrap()
            .to_string(),
        "0.4"
    );
    // Before the reform date nothing changes; the baseline itself is untouched.
    assert_eq!(
        reformed
            .get("kindergarten.makspris.general", d(2024, 7, 1))
            .unwrap(),
        Value::Integer(3_000)
    );
    assert_eq!(
        baseline.get("kindergarten.makspris.general", on).unwrap(),
        Value::Integer(2_000)
    );
}

#[test]
fn bad_reform_files_name_the_change_and_the_problem() {
    let err = |text: &str| {
        Reform::from_yaml(text, "r.yaml")
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("name: a\ndescription: b\nchanges: []\n"),
        "r.yaml: changes: required non-empty list"
    );
    assert_eq!(
        err("name: a\ndescription: b\nchanges:\n  - parameter: x\n    from: 2024-13-01\n    value: 1\n"),
        "r.yaml: changes[1]: from: '2024-13-01' is not an ISO date"
    );
    assert_eq!(
        err("name: a\ndescription: b\nchanges:\n  - parameter: x\n    from: 2024-08-01\n"),
        "r.yaml: changes[1]: exactly one of value or scale is required"
    );
    let unknown = Reform::from_yaml(
        "name: a\ndescription: b\nchanges:\n  - parameter: kindergarten.nope\n    from: 2024-08-01\n    value: 1\n",
        "r.yaml",
    )
    .unwrap()
    .apply(&params(), "r.yaml")
    .unwrap_err()
    .to_string();
    assert!(
        unknown.starts_with("r.yaml: change 1 (kindergarten.nope): unknown parameter"),
        "{unknown}"
    );
    let bad_choice = Reform::from_yaml(
        "name: a\ndescription: b\nchanges:\n  - parameter: kindergarten.sibling.first_child\n    from: 2024-08-01\n    value: youngest\n",
        "r.yaml",
    )
    .unwrap()
    .apply(&params(), "r.yaml")
    .unwrap_err()
    .to_string();
    assert!(bad_choice.contains("youngest"), "{bad_choice}");
}

fn columns(date: NaiveDate) -> (FeeColumns, Zones) {
    let registers = harstad();
    // The zone file from before the sentralitet 5–6 list was sourced: Harstad's zone is unknown
    // there, which is what the manual-handling and assumption checks below exercise.
    let zones = fixtures::zones_before_sentralitet();
    let families = Households::derive(registers, date).families;
    let index = RegisterIndex::new(registers);
    let year = income_year(&params(), date).unwrap();
    (
        FeeColumns::build(date, year, &index, &zones, &families),
        zones,
    )
}

#[test]
fn the_simulation_balances_and_its_tables_and_charts_are_complete() {
    let date = d(2024, 9, 1);
    let (population, _) = columns(date);
    let baseline = params();
    let reformed = example_reform().apply(&baseline, EXAMPLE).unwrap();
    let before = FeeRules::resolve(&baseline, date).unwrap();
    let after = FeeRules::resolve(&reformed, date).unwrap();
    let municipalities = Municipalities::embedded_2026();

    // Without the assumption every Harstad family needs manual handling under the baseline
    // (zone unknown, zone prices differ); none is compared.
    let plain = simulate(
        &before,
        &after,
        &population,
        &municipalities,
        &BatchOptions::default(),
    );
    assert_eq!(plain.totals.manual_before, population.families());
    assert_eq!(plain.totals.families_compared, 0);
    // Under the reform the general and sentralitet prices are equal (1 500), so the unknown
    // zone no longer matters and the families are decided.
    assert_eq!(plain.totals.manual_after, 0);

    let options = BatchOptions {
        assume_general_where_unknown: true,
    };
    let report = simulate(&before, &after, &population, &municipalities, &options);
    let t = &report.totals;
    assert_eq!(t.families, population.families());
    assert_eq!(t.families_compared, t.families);
    assert!(t.families > 300, "{t:?}");
    // Payments fall, public cost rises by the same amount, and nobody pays more.
    let saved = t.parent_payments_before - t.parent_payments_after;
    assert!(saved > 0);
    assert_eq!(t.public_cost_after - t.public_cost_before, saved);
    assert_eq!(t.losers, 0);
    assert_eq!(t.winners, t.families_affected);
    // The totals equal the sums over the amounts-only path.
    let a = fee_amounts(&before, &population, &options);
    assert_eq!(t.parent_payments_before, a.total.iter().sum::<i64>());
    assert!(a.status.iter().all(|&s| s == status::WARNINGS));
    // Deciles cover every family with a known income, lowest first, and add up.
    assert_eq!(report.deciles.len(), 10);
    assert_eq!(
        report.deciles.iter().map(|r| r.families).sum::<usize>(),
        t.families_compared
    );
    assert!(report
        .deciles
        .windows(2)
        .all(|w| w[0].income_max <= w[1].income_min));
    assert_eq!(
        report
            .deciles
            .iter()
            .map(|r| r.parent_payments_before - r.parent_payments_after)
            .sum::<i64>(),
        saved
    );
    // A family at makspris with one full-time child outside the kjernetid cohorts gains
    // exactly 2 000 − 1 500 = 500; no family can gain more per child than that plus the
    // sibling and kjernetid changes, so the top decile's mean gain is positive and bounded.
    let top = &report.deciles[9];
    assert!(
        top.mean_gain > 0.0 && top.mean_gain <= 500.0 * 2.0,
        "{top:?}"
    );
    assert_eq!(report.municipalities.len(), 1);
    assert_eq!(report.municipalities[0].name, "Harstad - Hárstták");

    let csv = report.deciles_csv();
    assert_eq!(csv.lines().count(), 11);
    assert!(csv.starts_with("decile,families,income_min,income_max,"));
    let totals = report.totals_csv();
    assert!(totals.contains(&format!(
        "parent_payments_monthly_nok,{},{},{}",
        t.parent_payments_before, t.parent_payments_after, -saved
    )));
    assert!(report
        .municipalities_csv()
        .contains("5503,Harstad - Hárstták,"));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["totals"]["families_affected"], t.families_affected);

    for svg in [report.deciles_svg(), report.municipalities_svg(20)] {
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("<title id=\"title\">") && svg.contains("<desc id=\"desc\">"));
        assert!(svg.contains("NOK/month"), "axis label");
        assert!(svg.trim_end().ends_with("</svg>"));
    }
    let deciles_svg = report.deciles_svg();
    assert_eq!(deciles_svg.matches("<rect x=").count(), 10);
    assert!(deciles_svg.contains(">D10</text>"));
    assert!(deciles_svg.contains("household-income decile"));
}

#[test]
fn an_empty_reform_changes_nothing() {
    let date = d(2024, 3, 1);
    let (population, _) = columns(date);
    let baseline = params();
    let same = Reform::from_yaml(
        "name: no change\ndescription: makspris set to its current value\nchanges:\n  - parameter: kindergarten.makspris.general\n    from: 2024-01-01\n    value: 3000\n",
        "same.yaml",
    )
    .unwrap()
    .apply(&baseline, "same.yaml")
    .unwrap();
    let report = simulate(
        &FeeRules::resolve(&baseline, date).unwrap(),
        &FeeRules::resolve(&same, date).unwrap(),
        &population,
        &Municipalities::embedded_2026(),
        &BatchOptions::default(),
    );
    let t = &report.totals;
    assert!(t.families_compared > 300);
    assert_eq!(t.families_affected, 0);
    assert_eq!(t.parent_payments_before, t.parent_payments_after);
    assert!(report.deciles.iter().all(|r| r.mean_gain == 0.0));
}
