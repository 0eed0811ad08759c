//! Runs the case tests in `law/tests/kindergarten/*.yaml` through the case interface.

use registers::Municipalities;
use rules::{check_cases, load_cases, LawCase, Parameters};
use std::path::PathBuf;
use svc_kindergarten::{fee_for_case_value, Zones};

fn law() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../law")
}

#[test]
fn kindergarten_law_cases() {
    let params = Parameters::load_dir(&law().join("parameters")).expect("parameters load");
    let municipalities = Municipalities::embedded_2026();
    let zones = Zones::load(
        &law().join("zones/kindergarten-price-zones.yaml"),
        &municipalities,
    )
    .expect("zones load");
    let cases = load_cases(&law().join("tests/kindergarten")).expect("cases load");
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let run = |case: &LawCase, params: &Parameters| {
        let mut input = case.input.clone();
        if let Some(object) = input.as_object_mut() {
            object
                .entry("date")
                .or_insert_with(|| serde_json::Value::String(case.date.to_string()));
        }
        fee_for_case_value(&input, params, &zones, &municipalities).map_err(|e| e.to_string())
    };
    let report = check_cases(&cases, &params, run);
    println!("{report}");
    assert!(report.all_passed(), "\n{report}");
}
