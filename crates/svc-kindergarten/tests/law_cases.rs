//! Runs the case tests in `law/tests/kindergarten/*.yaml` through the case interface.

use registers::Municipalities;
use rules::{check_cases, load_cases, LawCase, Parameters};
use std::path::PathBuf;
use svc_kindergarten::{fee_for_case, fee_for_case_value, CaseService, Zones};

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

/// The same cases through [`CaseService`] (typed parsing, rules cached per date, direct
/// serialisation): every answer is the same JSON value as the uncached `fee_for_case`'s, and
/// every error the same message, on the first (rules resolved) and second (rules cached) call.
#[test]
fn kindergarten_law_cases_through_the_cached_service() {
    let params = Parameters::load_dir(&law().join("parameters")).expect("parameters load");
    let municipalities = Municipalities::embedded_2026();
    let zones = Zones::load(
        &law().join("zones/kindergarten-price-zones.yaml"),
        &municipalities,
    )
    .expect("zones load");
    let cases = load_cases(&law().join("tests/kindergarten")).expect("cases load");
    let run = |case: &LawCase, params: &Parameters| {
        let mut input = case.input.clone();
        if let Some(object) = input.as_object_mut() {
            object
                .entry("date")
                .or_insert_with(|| serde_json::Value::String(case.date.to_string()));
        }
        let text = input.to_string();
        let uncached = fee_for_case(&text, params, &zones, &municipalities);
        let service = CaseService::new(params, &zones, &municipalities);
        for call in ["first", "cached"] {
            let cached = service
                .decide(&text)
                .map(|s| serde_json::from_str::<serde_json::Value>(&s).expect("JSON out"));
            assert_eq!(
                cached.as_ref().map_err(|e| e.to_string()),
                uncached.as_ref().map_err(|e| e.to_string()),
                "{} ({call} call): {text}",
                case.location
            );
        }
        uncached.map_err(|e| e.to_string())
    };
    let report = check_cases(&cases, &params, run);
    assert!(report.all_passed(), "\n{report}");
}

/// Cases the typed parser rejects (floats, duplicate keys, unknown fields, wrong types) get
/// exactly the `Value` path's error or answer.
#[test]
fn cached_service_falls_back_to_the_exact_errors() {
    let params = Parameters::load_dir(&law().join("parameters")).expect("parameters load");
    let municipalities = Municipalities::embedded_2026();
    let zones = Zones::load(
        &law().join("zones/kindergarten-price-zones.yaml"),
        &municipalities,
    )
    .expect("zones load");
    let service = CaseService::new(&params, &zones, &municipalities);
    let child = r#"{"id":"a","birth_date":"2021-03-14","weekly_hours":45}"#;
    let cases = [
        format!(r#"{{"date":"2024-09-01","municipality":"0301","household_income":480000,"children":[{child}]}}"#),
        format!(r#"{{"date":"2024-09-01","municipality":"0301","household_income":480000.5,"children":[{child}]}}"#),
        format!(r#"{{"date":"2024-09-01","municipality":"0301","household_income":null,"price_zone":null,"children":[{child}]}}"#),
        format!(r#"{{"date":"2024-09-01","municipality":"0301","children":[{child}]}}"#),
        format!(r#"{{"date":"2024-09-01","date":"2024-10-01","municipality":"0301","household_income":1,"children":[{child}]}}"#),
        format!(r#"{{"date":"2024-09-01","municipality":"0301","household_income":1,"extra":1,"children":[{child}]}}"#),
        format!(r#"{{"date":"2024-09-01","municipality":"9999","household_income":1,"children":[{child}]}}"#),
        format!(r#"{{"date":"2024-09-01","municipality":"0301","household_income":1,"children":[{child},{child}]}}"#),
        r#"{"date":"2024-09-01","municipality":"0301","household_income":1,"children":[{"id":"a","birth_date":"2021-03-14","weekly_hours":45.0}]}"#.to_string(),
        r#"{"date":"2024-09-01","municipality":"0301","household_income":1,"children":[{"id":"a","birth_date":"2021-03-14","weekly_hours":0}]}"#.to_string(),
        r#"{"date":"2024-09-01","municipality":"0301","household_income":1,"children":[]}"#.to_string(),
        r#"{"date":"1999-09-01","municipality":"0301","household_income":1,"children":[{"id":"a","birth_date":"1998-03-14","weekly_hours":4}]}"#.to_string(),
        r#"{"date":"2024-09-01","municipality":"0301","household_income":1,"price_zone":"tiltakssonen","children":[{"id":"a\"b","birth_date":"2021-03-14","weekly_hours":4}]}"#.to_string(),
        "not json".to_string(),
    ];
    for text in &cases {
        let uncached =
            fee_for_case(text, &params, &zones, &municipalities).map_err(|e| e.to_string());
        let cached = service
            .decide(text)
            .map(|s| serde_json::from_str::<serde_json::Value>(&s).expect("JSON out"))
            .map_err(|e| e.to_string());
        assert_eq!(cached, uncached, "{text}");
    }
}
