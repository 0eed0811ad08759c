//! Exports every child with an active kindergarten place in synthetic Norway as one flat CSV, the
//! common input of the peer benchmark (bench/kindergarten: ours vs an OpenFisca country package).
//!
//! ```text
//! cargo run --release -p svc-kindergarten --example export_cases -- \
//!     [--out bench/kindergarten/out/cases.csv] [--date 2024-03-01] [--seed 1]
//! ```
//!
//! Synthetic Norway is generated in-process (`synth::generate`, seed 1), family units are derived
//! on the date (`registers::Households::derive`) and each unit's inputs are built with the same
//! code the register decisions use (`family_input`, `household_income`). Columns:
//!
//! * `household_id`, `child_id`: sequential numbers (no national ids leave the process);
//! * `birth_date`, `weekly_hours`: from the population and kindergarten registers;
//! * `household_income`: the adults' personinntekt + kapitalinntekt of `income_year` (the latest
//!   assessment, 2022 for barnehageår 2023/24; an older year only where an adult lacks it), empty
//!   when unknown;
//! * `municipality`, `price_zone` (the zone the rules apply on the date), `date`;
//! * `household_manual`: codes of register findings that send the household to manual handling
//!   whatever the fee rules say (e.g. `no_adult_in_household`), `+`-joined, empty when none;
//! * `fee_registers`: our monthly fee decided from the registers (empty = manual handling), so
//!   the benchmark can check that the CSV carries everything the rules need.
//!
//! The default date 2024-03-01 lies before the 2024-08-01 sentralitet 5–6 price, when every
//! municipality's zone is known (tiltakssonen or general).

use chrono::NaiveDate;
use registers::{Households, Municipalities};
use rules::{Parameters, Period, Severity};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use svc_kindergarten::{
    decide_household, family_input, income_year, FeeRules, RegisterIndex, Zones,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let law = manifest.join("../../law");
    let mut out = manifest.join("../../bench/kindergarten/out/cases.csv");
    let mut date = NaiveDate::from_ymd_opt(2024, 3, 1).expect("date");
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a path")?),
            "--date" => date = args.next().ok_or("--date needs a date")?.parse()?,
            "--seed" => seed = args.next().ok_or("--seed needs a number")?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let municipalities = Municipalities::embedded_2026();
    let params = Parameters::load_dir(&law.join("parameters"))?;
    let zones = Zones::load(
        &law.join("zones/kindergarten-price-zones.yaml"),
        &municipalities,
    )?;
    let rules = FeeRules::resolve(&params, date)?;
    let target_year = income_year(&params, date)?;

    let t = Instant::now();
    let regs = synth::generate(
        &municipalities,
        &synth::Area::Norway,
        &synth::GenerateOptions { seed },
        &|_, _| {},
    )?;
    eprintln!(
        "generated synthetic Norway (seed {seed}): {} persons in {:.1} s",
        regs.persons.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let households = Households::derive(&regs, date);
    let index = RegisterIndex::new(&regs);
    eprintln!(
        "derived {} family units in {:.1} s",
        households.families.len(),
        t.elapsed().as_secs_f64()
    );

    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut w = std::io::BufWriter::new(std::fs::File::create(&out)?);
    writeln!(
        w,
        "household_id,child_id,birth_date,weekly_hours,household_income,income_year,municipality,price_zone,date,household_manual,fee_registers"
    )?;
    let (mut n_households, mut n_children, mut n_manual, mut n_unknown_income) = (0, 0, 0, 0);
    let mut n_older_year = 0;
    for unit in &households.families {
        let Some((_ids, input)) = family_input(&rules, target_year, &index, &zones, unit) else {
            continue;
        };
        if input.children.is_empty() {
            // Only findings (e.g. a place of 0 hours): nothing to price; such units are counted.
            n_manual += 1;
            continue;
        }
        let decision = decide_household(&rules, &input);
        let manual: Vec<&str> = input
            .findings
            .iter()
            .filter(|f| f.severity == Severity::ManualHandling)
            .map(|f| f.code.as_str())
            .collect();
        if !manual.is_empty() {
            n_manual += 1;
        }
        let year = input.income.provenance.iter().find_map(|p| match p.period {
            Some(Period::IncomeYear(y)) => Some(y),
            _ => None,
        });
        if input.income.amount.is_none() {
            n_unknown_income += 1;
        } else if year.is_some_and(|y| y != target_year) {
            n_older_year += 1;
        }
        let household_id = n_households;
        n_households += 1;
        let zone = decision.result.price_zone.map_or("", |z| z.code());
        for (k, child) in input.children.iter().enumerate() {
            let fee = decision.result.children[k].monthly_fee;
            writeln!(
                w,
                "{household_id},{n_children},{},{},{},{},{},{zone},{date},{},{}",
                child.birth_date,
                child.weekly_hours,
                input.income.amount.map_or(String::new(), |a| a.to_string()),
                year.map_or(String::new(), |y| y.to_string()),
                unit.municipality,
                manual.join("+"),
                fee.map_or(String::new(), |f| f.to_string()),
            )?;
            n_children += 1;
        }
    }
    w.flush()?;
    eprintln!(
        "wrote {} children in {n_households} households to {} (date {date}, income year {target_year}; \
         {n_unknown_income} households with unknown income, {n_older_year} with an older income year, \
         {n_manual} with register findings for manual handling)",
        n_children,
        out.display()
    );
    Ok(())
}
