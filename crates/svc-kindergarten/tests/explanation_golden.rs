//! The explanation trees did not change when `decide_household` became
//! `expand(decide_household_compact(..))`: every decision of a generated county (Troms, seed
//! 3), as `decision_json` text, hashes to what the tree-building code before the refactor gave
//! (the constants were computed with that code, commit 9e40731), on dates and method variants
//! that reach every case of every rule.

mod fixtures;

use chrono::NaiveDate;
use registers::{CountyNumber, Households, Municipalities, Registers};
use rules::{Parameters, Value};
use std::path::PathBuf;
use svc_kindergarten::{
    decide_all, decision_json, income_year, BatchOptions, FeeRules, RegisterIndex, Zones,
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

/// FNV-1a, 64 bits: a stable hash with no dependency.
fn fnv(hash: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *hash ^= b as u64;
        *hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
}

/// (number of decisions, hash of their `decision_json` texts, one per line).
fn digest(
    registers: &Registers,
    params: &Parameters,
    zones: &Zones,
    date: NaiveDate,
    options: &BatchOptions,
) -> (usize, u64) {
    let families = Households::derive(registers, date).families;
    let index = RegisterIndex::new(registers);
    let rules = FeeRules::resolve(params, date).unwrap();
    let year = income_year(params, date).unwrap();
    let decisions = decide_all(&rules, year, &index, zones, &families, options);
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    // Code before the zone file was cited by its place in the law directory printed the
    // absolute path; strip it so the digest does not depend on where the checkout lives.
    let prefix = format!("{}/", law().display());
    for d in &decisions {
        let text = decision_json(&d.decision).to_string().replace(&prefix, "");
        fnv(&mut hash, text.as_bytes());
        fnv(&mut hash, b"\n");
    }
    (decisions.len(), hash)
}

#[test]
fn explanation_trees_are_unchanged() {
    let registers = troms();
    let params = Parameters::load_dir(&law().join("parameters")).unwrap();
    // The zone file as it was at commit 9e40731 (no sentralitet 5–6 list yet), so the pinned
    // digests keep comparing with that code; its place is `…/zones/…yaml` like the law's, so
    // the decisions cite it by the same name.
    let zones = fixtures::zones_before_sentralitet();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let plain = BatchOptions::default();
    let assume = BatchOptions {
        assume_general_where_unknown: true,
    };
    let mut runs = vec![
        (
            "2023-03-01",
            digest(&registers, &params, &zones, d(2023, 3, 1), &plain),
        ),
        (
            "2024-03-01",
            digest(&registers, &params, &zones, d(2024, 3, 1), &plain),
        ),
        (
            "2024-09-01",
            digest(&registers, &params, &zones, d(2024, 9, 1), &plain),
        ),
        (
            "2024-09-01 assumed",
            digest(&registers, &params, &zones, d(2024, 9, 1), &assume),
        ),
        (
            "2025-09-01",
            digest(&registers, &params, &zones, d(2025, 9, 1), &plain),
        ),
    ];
    let variants: [(&str, Value); 4] = [
        ("kindergarten.sibling.first_child", Value::from("oldest")),
        (
            "kindergarten.sibling.free_hours_combination",
            Value::from("free_hours_at_full_price"),
        ),
        (
            "kindergarten.kjernetid.hourly_method",
            Value::from("agreed_hours"),
        ),
        ("kindergarten.makspris.general", Value::Integer(0)),
    ];
    for (path, value) in variants {
        let mut changed = params.clone();
        changed
            .set_from(path, d(2020, 1, 1), Some(value), "test variant")
            .unwrap();
        runs.push((
            path,
            digest(&registers, &changed, &zones, d(2024, 3, 1), &plain),
        ));
    }
    let printed: Vec<String> = runs
        .iter()
        .map(|(name, (n, h))| format!("(\"{name}\", ({n}, 0x{h:016x})),"))
        .collect();
    println!("{}", printed.join("\n"));
    let expected: &[(&str, (usize, u64))] = &EXPECTED;
    assert_eq!(runs.as_slice(), expected, "\n{}", printed.join("\n"));
}

/// Computed with the code before the refactor (commit 9e40731), with the checkout's path to the law
/// directory stripped from the texts as `digest` does.
const EXPECTED: [(&str, (usize, u64)); 9] = [
    ("2023-03-01", (3961, 0x8717d85cf8e3cb99)),
    ("2024-03-01", (6485, 0xd507ed6a01469b35)),
    ("2024-09-01", (5395, 0x6d8402a76b2a1f0c)),
    ("2024-09-01 assumed", (5395, 0x19edb69b211a3e3c)),
    ("2025-09-01", (4228, 0x3554300ac342180f)),
    (
        "kindergarten.sibling.first_child",
        (6485, 0xdf93cb5a1de0f4b7),
    ),
    (
        "kindergarten.sibling.free_hours_combination",
        (6485, 0x42dc3c18b8f0967a),
    ),
    (
        "kindergarten.kjernetid.hourly_method",
        (6485, 0x5222ec0a4307f352),
    ),
    ("kindergarten.makspris.general", (6485, 0xca097507a0b72ecf)),
];
