//! Decides every enrolled child of synthetic Norway, both ways, and reports the time of each
//! phase and the memory high-water mark after it.
//!
//! ```text
//! /usr/bin/time -v target/release/examples/decide_norway [--date 2024-09-01] [--seed 1]
//!     [--assume-general] [--json] [--repeat 5] [--county NN]
//! ```
//!
//! `--county NN` decides one county instead of Norway (for profiling).
//!
//! Phases: generate Norway in-process (`synth::generate`), derive family units on the date,
//! index the registers, then
//! 1. `decide_all`: every family with its explanation tree (optionally serialised to JSON lines
//!    into a byte counter with `--json`);
//! 2. `FeeColumns::build` + `fee_amounts`: the amounts only, from integer columns (compute is
//!    repeated `--repeat` times and the best time reported);
//!
//! and checks that both give the same totals and outcome counts. `--assume-general` sets
//! `BatchOptions::assume_general_where_unknown` (decide unknown price zones at the general
//! makspris, with a warning on each such decision).

use chrono::NaiveDate;
use registers::{Households, Municipalities};
use rules::Parameters;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use svc_kindergarten::{
    decide_all, decision_json, fee_amounts, income_year, status, BatchOptions, FeeColumns,
    FeeRules, RegisterIndex, Zones, NONE,
};

/// VmHWM (peak resident set) and VmRSS of this process in MiB, from /proc.
fn memory() -> String {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    format!("rss {} MiB, peak {} MiB", field("VmRSS:"), field("VmHWM:"))
}

struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let law = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../law");
    let mut date = NaiveDate::from_ymd_opt(2024, 9, 1).expect("date");
    let mut seed = 1u64;
    let mut options = BatchOptions::default();
    let mut json = false;
    let mut repeat = 5;
    let mut area = synth::Area::Norway;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--date" => date = args.next().ok_or("--date needs a date")?.parse()?,
            "--seed" => seed = args.next().ok_or("--seed needs a number")?.parse()?,
            "--assume-general" => options.assume_general_where_unknown = true,
            "--json" => json = true,
            "--repeat" => repeat = args.next().ok_or("--repeat needs a number")?.parse()?,
            "--county" => {
                let county = args.next().ok_or("--county needs a number")?;
                area = synth::Area::County(county.parse()?);
            }
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
    let year = income_year(&params, date)?;
    println!(
        "date {date}, income year {year}, assume_general_where_unknown = {}, {} threads",
        options.assume_general_where_unknown,
        rayon::current_num_threads()
    );

    let t = Instant::now();
    let registers = synth::generate(
        &municipalities,
        &area,
        &synth::GenerateOptions { seed },
        &|_, _| {},
    )?;
    println!(
        "generate {area:?} (seed {seed}): {} persons, {} enrolments in {:.2} s; {}",
        registers.persons.len(),
        registers.enrolments.len(),
        t.elapsed().as_secs_f64(),
        memory()
    );
    let t = Instant::now();
    let families = Households::derive(&registers, date).families;
    println!(
        "derive family units on {date}: {} in {:.2} s; {}",
        families.len(),
        t.elapsed().as_secs_f64(),
        memory()
    );
    let t = Instant::now();
    let index = RegisterIndex::new(&registers);
    println!(
        "index persons, enrolments, assessments: {:.2} s; {}",
        t.elapsed().as_secs_f64(),
        memory()
    );

    // 1. With explanations.
    let t = Instant::now();
    let decisions = decide_all(&rules, year, &index, &zones, &families, &options);
    let explained_seconds = t.elapsed().as_secs_f64();
    let mut counts = [0usize; 3];
    let mut children = 0usize;
    let mut total_fees = 0i64;
    let mut child_counts = [0usize; 3];
    for f in &decisions {
        let code = match f.decision.outcome.status() {
            "decided" => 0,
            "decided_with_warnings" => 1,
            _ => 2,
        };
        counts[code] += 1;
        child_counts[code] += f.children.len();
        children += f.children.len();
        total_fees += f.decision.result.total_monthly_fee.unwrap_or(0);
    }
    println!(
        "decide_all (explanations): {} families, {children} children in {explained_seconds:.2} s \
         ({:.0} children/s); {}",
        decisions.len(),
        children as f64 / explained_seconds,
        memory()
    );
    println!(
        "  families: decided {}, with warnings {}, manual handling {}; children: {} / {} / {}",
        counts[0], counts[1], counts[2], child_counts[0], child_counts[1], child_counts[2]
    );
    println!("  total monthly parent payments (decided): {total_fees} NOK");
    if json {
        let t = Instant::now();
        let mut sink = Counter(0);
        for f in &decisions {
            serde_json::to_writer(&mut sink, &decision_json(&f.decision))?;
            sink.write_all(b"\n")?;
        }
        println!(
            "  serialise to JSON lines: {:.1} MB in {:.2} s; {}",
            sink.0 as f64 / 1e6,
            t.elapsed().as_secs_f64(),
            memory()
        );
    }
    drop(decisions);

    // 2. Amounts only, columnar.
    let t = Instant::now();
    let columns = FeeColumns::build(date, year, &index, &zones, &families);
    let build_seconds = t.elapsed().as_secs_f64();
    let mut best = f64::INFINITY;
    let mut amounts = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let a = fee_amounts(&rules, &columns, &options);
        best = best.min(t.elapsed().as_secs_f64());
        amounts = Some(a);
    }
    let amounts = amounts.expect("at least one run");
    let mut fast_counts = [0usize; 3];
    for s in &amounts.status {
        fast_counts[*s as usize] += 1;
    }
    let fast_total: i64 = amounts.total.iter().filter(|&&t| t != NONE).sum();
    println!(
        "columns: {} families, {} children built in {:.3} s; fee_amounts best of {repeat}: {:.4} s \
         ({:.1} M children/s); {}",
        columns.families(),
        columns.children(),
        build_seconds,
        best,
        columns.children() as f64 / best / 1e6,
        memory()
    );
    println!(
        "  families: decided {}, with warnings {}, manual handling {}; total {fast_total} NOK",
        fast_counts[status::DECIDED as usize],
        fast_counts[status::WARNINGS as usize],
        fast_counts[status::MANUAL as usize]
    );
    if fast_counts != counts || fast_total != total_fees || columns.children() != children {
        return Err("the two paths disagree".into());
    }
    println!(
        "both paths agree; explained / amounts-only (compute): {:.0}×, (build + compute): {:.0}×",
        explained_seconds / best,
        explained_seconds / (build_seconds + best)
    );
    Ok(())
}
