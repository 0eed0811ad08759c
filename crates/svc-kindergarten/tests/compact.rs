//! Compact explanations: for every household of a generated county on dates that reach every
//! rule case, the compact decision expands to exactly the decision `decide_household` returns
//! (whose trees `explanation_golden.rs` pins to the pre-compact code), and the compact JSON
//! line carries the same values.

use chrono::NaiveDate;
use registers::{CountyNumber, Households, Municipalities, Registers};
use rules::Parameters;
use std::path::PathBuf;
use svc_kindergarten::{
    decide_household, decide_household_compact, expand, family_input, income_year,
    write_compact_line, write_dictionary, FeeRules, RegisterIndex, Zones, COMPACT_FORMAT,
};

fn law() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../law")
}

fn troms() -> Registers {
    synth::generate(
        &Municipalities::embedded_2026(),
        &synth::Area::County("55".parse::<CountyNumber>().unwrap()),
        &synth::GenerateOptions { seed: 3 },
        &|_, _| {},
    )
    .unwrap()
}

#[test]
fn compact_decisions_expand_to_the_full_explanations() {
    let registers = troms();
    let params = Parameters::load_dir(&law().join("parameters")).unwrap();
    let zones = Zones::load(
        &law().join("zones/kindergarten-price-zones.yaml"),
        &Municipalities::embedded_2026(),
    )
    .unwrap();
    let index = RegisterIndex::new(&registers);
    let mut checked = 0;
    for date in ["2023-03-01", "2024-03-01", "2024-09-01", "2025-09-01"] {
        let date: NaiveDate = date.parse().unwrap();
        let rules = FeeRules::resolve(&params, date).unwrap();
        let year = income_year(&params, date).unwrap();
        let mut dictionary = Vec::new();
        write_dictionary(&mut dictionary, &rules).unwrap();
        let dictionary: serde_json::Value = serde_json::from_slice(&dictionary).unwrap();
        assert_eq!(dictionary["format"], COMPACT_FORMAT);
        let labels: Vec<&str> = rules.unverified_labels().collect();
        for unit in Households::derive(&registers, date).families {
            let Some((_, household)) = family_input(&rules, year, &index, &zones, &unit) else {
                continue;
            };
            let compact = decide_household_compact(&rules, &household);
            let full = decide_household(&rules, &household);
            assert_eq!(expand(&rules, &household, &compact), full);

            let mut line = Vec::new();
            write_compact_line(&mut line, checked, &rules, &household, &compact).unwrap();
            assert_eq!(line.last(), Some(&b'\n'));
            let line: serde_json::Value = serde_json::from_slice(&line).unwrap();
            assert_eq!(line["status"], full.outcome.status());
            assert_eq!(
                line["reasons"],
                serde_json::to_value(full.outcome.findings()).unwrap()
            );
            assert_eq!(
                line["total"].as_i64(),
                full.result.total_monthly_fee,
                "{line}"
            );
            let unverified: Vec<String> = line["unverified"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| labels[i.as_u64().unwrap() as usize].to_string())
                .collect();
            assert_eq!(unverified, full.result.unverified_parameters);
            assert_eq!(line["makspris"][1].as_i64(), full.result.makspris);
            assert_eq!(line["income_cap"][1].as_i64(), full.result.income_limit);
            for (k, child) in full.result.children.iter().enumerate() {
                let out = &line["children"][k];
                assert_eq!(out["id"], child.id.as_str());
                assert_eq!(out["rank"].as_u64(), Some(child.rank as u64));
                assert_eq!(out["fee"].as_i64(), child.monthly_fee);
                assert_eq!(out["full_price"].as_i64(), child.full_price);
                let tree = &child.explanation;
                let place = tree.find("kindergarten.part_time").unwrap();
                assert_eq!(
                    out["amounts"][0].as_i64(),
                    match place.result {
                        rules::Value::Integer(v) => Some(v),
                        _ => None,
                    }
                );
                assert_eq!(
                    out["birth_date"].as_str().unwrap(),
                    household.children[k].birth_date.to_string()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 15_000, "{checked} households");
}
