//! Our side of the kindergarten peer benchmark (bench/kindergarten, tracker issue 6): the S1 fee
//! rules over the population exported by `export_cases`, in three modes.
//!
//! ```text
//! cargo run --release -p svc-kindergarten --example fee_bench -- \
//!     [--cases bench/kindergarten/out/cases.csv] [--fees-out bench/kindergarten/out/fees-ours.csv]
//!     [--explanations-out /dev/null] [--reps 5] [--households-c 20000] [--json-out FILE]
//!     [--only-a] [--skip-b] [--no-full-trees]
//! ```
//!
//! * (a) amounts only, whole population, from in-memory columns: copy the typed arrays prepared
//!   when reading (as run_openfisca.py's `load` prepares NumPy arrays) into the service's
//!   columnar input (`FeeColumns`, the build) and compute `fee_amounts` (no explanation
//!   objects), timed as build + compute and as compute alone;
//! * (b) every child's decision with its explanation: `decide_household_compact` for every
//!   household, written with `write_compact_line` after one `write_dictionary` line (the static
//!   parts of the explanation trees interned once), in parallel blocks, to
//!   `--explanations-out` (default /dev/null; the byte count is reported); once, for reference,
//!   the full trees (`decide_household` + `write_decision_json`) to /dev/null
//!   (`--no-full-trees` skips it);
//! * (c) one household at a time as a web API serves it: case JSON text in,
//!   `CaseService::decide_to` (typed parsing, rules cached per date, decision with full
//!   explanation trees) and the answer as JSON text out, sequentially over `--households-c`
//!   households; a sample is checked against the uncached `fee_for_case`.
//!
//! Every timing is the median of `--reps` repetitions (CSV reading is not timed). The number of
//! threads is rayon's default (set RAYON_NUM_THREADS=1 for one core). Writes our fee per child to
//! `--fees-out` and checks it against the fee decided from the registers by `export_cases`.

use chrono::NaiveDate;
use rayon::prelude::*;
use registers::Municipalities;
use rules::{evaluate_batch, Finding, Parameters, Provenance};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use svc_kindergarten::{
    decide_household, decide_household_compact, fee_amounts, fee_for_case, write_compact_line,
    write_decision_json, write_dictionary, BatchOptions, CaseService, ChildInput, FeeColumns,
    FeeRules, HouseholdInput, IncomeInput, PriceZone, ZoneInput, Zones, NONE, ZONE_UNKNOWN,
};

/// The exported population as columns (one entry per child) plus household offsets.
struct Columns {
    date: NaiveDate,
    child_id: Vec<u32>,
    birth_date: Vec<NaiveDate>,
    weekly_hours: Vec<u32>,
    income: Vec<Option<i64>>,
    municipality: Vec<String>,
    zone: Vec<Option<PriceZone>>,
    manual: Vec<String>,
    fee_registers: Vec<Option<i64>>,
    /// Household h has children `starts[h]..starts[h + 1]`.
    starts: Vec<usize>,
    /// Typed per-household and per-child arrays prepared when reading (not timed), as
    /// run_openfisca.py's `load` prepares its `hh_*` NumPy arrays before building: the
    /// in-memory columns both sides build from.
    typed: TypedColumns,
}

/// The typed arrays of [`Columns`] (see there).
#[derive(Default)]
struct TypedColumns {
    municipality: Vec<registers::MunicipalityNumber>,
    income: Vec<i64>,
    zone: Vec<u8>,
    flags: Vec<u8>,
    child_start: Vec<u32>,
    weekly_hours: Vec<u8>,
}

fn read_columns(path: &PathBuf) -> Result<Columns, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty CSV")?.split(',').collect();
    let col = |name: &str| -> Result<usize, String> {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(format!("column {name} missing"))
    };
    let (hid, cid, bd, wh, inc, muni, zone, date, manual, feer) = (
        col("household_id")?,
        col("child_id")?,
        col("birth_date")?,
        col("weekly_hours")?,
        col("household_income")?,
        col("municipality")?,
        col("price_zone")?,
        col("date")?,
        col("household_manual")?,
        col("fee_registers")?,
    );
    let mut c = Columns {
        date: NaiveDate::MIN,
        child_id: Vec::new(),
        birth_date: Vec::new(),
        weekly_hours: Vec::new(),
        income: Vec::new(),
        municipality: Vec::new(),
        zone: Vec::new(),
        manual: Vec::new(),
        fee_registers: Vec::new(),
        starts: Vec::new(),
        typed: TypedColumns::default(),
    };
    let mut last_household = None;
    let opt = |s: &str| -> Result<Option<i64>, std::num::ParseIntError> {
        if s.is_empty() {
            Ok(None)
        } else {
            s.parse().map(Some)
        }
    };
    for (n, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let d: NaiveDate = f[date].parse()?;
        if n == 0 {
            c.date = d;
        } else if d != c.date {
            return Err(format!("line {}: all rows must share one date", n + 2).into());
        }
        let h: u32 = f[hid].parse()?;
        if last_household != Some(h) {
            c.starts.push(c.child_id.len());
            last_household = Some(h);
        }
        c.child_id.push(f[cid].parse()?);
        c.birth_date.push(f[bd].parse()?);
        c.weekly_hours.push(f[wh].parse()?);
        c.income.push(opt(f[inc])?);
        c.municipality.push(f[muni].to_string());
        c.zone.push(if f[zone].is_empty() {
            None
        } else {
            Some(f[zone].parse::<PriceZone>()?)
        });
        c.manual.push(f[manual].to_string());
        c.fee_registers.push(opt(f[feer])?);
    }
    c.starts.push(c.child_id.len());
    let households = c.starts.len() - 1;
    let mut t = TypedColumns::default();
    for h in 0..households {
        let first = c.starts[h];
        t.municipality.push(
            c.municipality[first]
                .parse()
                .map_err(|e| format!("household {h}: {e}"))?,
        );
        t.income.push(c.income[first].unwrap_or(NONE));
        t.zone.push(match c.zone[first] {
            Some(PriceZone::General) => 0,
            Some(PriceZone::Sentralitet56) => 1,
            Some(PriceZone::Tiltakssonen) => 2,
            None => ZONE_UNKNOWN,
        });
        t.flags.push(if c.manual[first].is_empty() {
            0
        } else {
            svc_kindergarten::flags::MANUAL
        });
        t.child_start.push(first as u32);
    }
    t.child_start.push(c.child_id.len() as u32);
    t.weekly_hours = c.weekly_hours.iter().map(|&h| h.min(255) as u8).collect();
    c.typed = t;
    Ok(c)
}

/// Builds one household's input from the columns (no register provenance: amounts only).
fn build_household(c: &Columns, h: usize) -> HouseholdInput {
    let range = c.starts[h]..c.starts[h + 1];
    let first = range.start;
    let children = range
        .map(|i| ChildInput {
            id: child_id_text(c.child_id[i]),
            birth_date: c.birth_date[i],
            weekly_hours: c.weekly_hours[i],
            provenance: Vec::new(),
        })
        .collect();
    let findings = if c.manual[first].is_empty() {
        Vec::new()
    } else {
        c.manual[first]
            .split('+')
            .map(|code| Finding::manual(code, "register finding (export)"))
            .collect()
    };
    HouseholdInput {
        zone: ZoneInput {
            zone: c.zone[first],
            provenance: Provenance::register("cases_csv", "price_zone", None),
            unknown_reason: c.zone[first]
                .is_none()
                .then(|| "price zone empty in the export".to_string()),
            possible: Vec::new(),
        },
        income: IncomeInput {
            amount: c.income[first],
            provenance: Vec::new(),
            unknown_reason: None,
        },
        children,
        findings,
    }
}

/// Fills the service's columnar input from the in-memory typed columns (amounts only, no
/// provenance): copies of the arrays, as OpenFisca's `set_input` copies its arrays.
fn build_fee_columns(c: &Columns) -> FeeColumns {
    let t = &c.typed;
    let households = t.income.len();
    FeeColumns {
        date: Some(c.date),
        unit: (0..households as u32).collect(),
        municipality: t.municipality.clone(),
        income: t.income.clone(),
        zone: t.zone.clone(),
        flags: t.flags.clone(),
        child_start: t.child_start.clone(),
        // The export numbers children and has no identity numbers: `child` stays empty (the
        // amounts path does not read it) and the child number is the sibling tie key, the
        // same order as the zero-padded id texts of the explained path and OpenFisca's
        // `child_number`.
        child: Vec::new(),
        tie_key: c.child_id.clone(),
        birth_date: c.birth_date.clone(),
        weekly_hours: t.weekly_hours.clone(),
    }
}

/// A child's id text in decisions: the child number zero-padded, so that text order (the
/// explained path's last sibling tie-break) is numeric order (the columnar path's tie key and
/// OpenFisca's `child_number`).
fn child_id_text(id: u32) -> String {
    format!("{id:09}")
}

/// The case JSON of household `h` (the `fee --case` format).
fn case_json(c: &Columns, h: usize) -> String {
    let first = c.starts[h];
    let children: Vec<_> = (c.starts[h]..c.starts[h + 1])
        .map(|i| {
            json!({"id": child_id_text(c.child_id[i]), "birth_date": c.birth_date[i].to_string(),
                   "weekly_hours": c.weekly_hours[i]})
        })
        .collect();
    json!({
        "date": c.date.to_string(),
        "municipality": c.municipality[first],
        "household_income": c.income[first],
        "price_zone": c.zone[first].map(|z| z.code()),
        "children": children,
    })
    .to_string()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let law = manifest.join("../../law");
    let out_dir = manifest.join("../../bench/kindergarten/out");
    let mut cases = out_dir.join("cases.csv");
    let mut fees_out = out_dir.join("fees-ours.csv");
    let mut explanations_out = PathBuf::from("/dev/null");
    let mut json_out: Option<PathBuf> = None;
    let mut reps = 5usize;
    let mut households_c = 20_000usize;
    // For profiling the amounts path: stop after (a).
    let mut only_a = false;
    // For profiling the case path: no (b).
    let mut skip_b = false;
    // Also time the full explanation trees once, for reference.
    let mut full_trees = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--cases" => cases = PathBuf::from(value()?),
            "--fees-out" => fees_out = PathBuf::from(value()?),
            "--explanations-out" => explanations_out = PathBuf::from(value()?),
            "--json-out" => json_out = Some(PathBuf::from(value()?)),
            "--reps" => reps = value()?.parse()?,
            "--households-c" => households_c = value()?.parse()?,
            "--only-a" => only_a = true,
            "--skip-b" => skip_b = true,
            "--no-full-trees" => full_trees = false,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let threads = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

    let params = Parameters::load_dir(&law.join("parameters"))?;
    let municipalities = Municipalities::embedded_2026();
    let zones = Zones::load(
        &law.join("zones/kindergarten-price-zones.yaml"),
        &municipalities,
    )?;
    let t = Instant::now();
    let c = read_columns(&cases)?;
    let n_households = c.starts.len() - 1;
    let n_children = c.child_id.len();
    eprintln!(
        "read {n_children} children in {n_households} households ({:.2} s, not timed below); {threads} thread(s)",
        t.elapsed().as_secs_f64()
    );
    let households: Vec<usize> = (0..n_households).collect();
    const CHUNK: usize = 256;

    // (a) amounts only.
    let mut a_build_compute = Vec::new();
    let mut a_compute = Vec::new();
    let mut a_build = Vec::new();
    let mut total_check = 0i64;
    let mut amounts_fee = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        let rules = FeeRules::resolve(&params, c.date)?;
        let columns = build_fee_columns(&c);
        let built = t.elapsed().as_secs_f64();
        let t2 = Instant::now();
        let amounts = fee_amounts(&rules, &columns, &BatchOptions::default());
        let computed = t2.elapsed().as_secs_f64();
        a_build.push(built);
        a_compute.push(computed);
        a_build_compute.push(built + computed);
        total_check = amounts.total.iter().filter(|&&t| t != NONE).sum();
        amounts_fee = amounts.fee;
    }
    let a_c_min = a_compute.iter().copied().fold(f64::INFINITY, f64::min);
    let a_bc_min = a_build_compute
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let (a_bc, a_c, a_b) = (median(a_build_compute), median(a_compute), median(a_build));
    eprintln!(
        "(a) amounts only: build+compute {a_bc:.4} s (build {a_b:.4} s), compute {a_c:.4} s (fastest: build+compute {a_bc_min:.4} s, compute {a_c_min:.4} s); total {total_check} NOK/month"
    );

    if only_a {
        return Ok(());
    }

    // (b) every child's decision with its explanation, serialised to JSON lines: the compact
    // form (dictionary line once, then one line per household with the values), in parallel
    // blocks written in order to one buffered writer.
    let rules = FeeRules::resolve(&params, c.date)?;
    let mut b_times = Vec::new();
    let mut b_bytes = 0usize;
    let b_reps = reps.clamp(1, 3);
    for _ in 0..if skip_b { 0 } else { b_reps } {
        let mut sink =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&explanations_out)?);
        let t = Instant::now();
        let mut bytes = 0usize;
        let mut dictionary = Vec::new();
        write_dictionary(&mut dictionary, &rules)?;
        sink.write_all(&dictionary)?;
        bytes += dictionary.len();
        for block in households.chunks(32_768) {
            let buffers: Vec<std::io::Result<Vec<u8>>> = block
                .par_chunks(1024)
                .map(|chunk| {
                    let mut buffer = Vec::with_capacity(chunk.len() * 512);
                    for &h in chunk {
                        let input = build_household(&c, h);
                        let compact = decide_household_compact(&rules, &input);
                        write_compact_line(&mut buffer, h, &rules, &input, &compact)?;
                    }
                    Ok(buffer)
                })
                .collect();
            for buffer in buffers {
                let buffer = buffer?;
                sink.write_all(&buffer)?;
                bytes += buffer.len();
            }
        }
        sink.flush()?;
        b_times.push(t.elapsed().as_secs_f64());
        b_bytes = bytes;
    }
    // For reference, once: the full explanation tree of every child (what the compact lines
    // expand to), serialised with serde as before.
    let mut b_full_secs = f64::NAN;
    let mut b_full_bytes = 0usize;
    if !skip_b && full_trees {
        let mut sink =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create("/dev/null")?);
        let t = Instant::now();
        for block in households.chunks(16_384) {
            let serialised = evaluate_batch(block, CHUNK, |&h| {
                let input = build_household(&c, h);
                let decision = decide_household(&rules, &input);
                let mut line = Vec::with_capacity(16 * 1024);
                write_decision_json(&mut line, &decision).expect("serialisable");
                line.push(b'\n');
                line
            });
            for line in &serialised {
                sink.write_all(line)?;
                b_full_bytes += line.len();
            }
        }
        sink.flush()?;
        b_full_secs = t.elapsed().as_secs_f64();
    }
    let b = median(b_times);
    eprintln!(
        "(b) with explanations (compact): {b:.3} s, {:.1} MB of JSON to {}; full trees once: {b_full_secs:.3} s, {:.1} MB",
        b_bytes as f64 / 1e6,
        explanations_out.display(),
        b_full_bytes as f64 / 1e6
    );

    // (c) one household at a time: case JSON in, fee_for_case, JSON out.
    let n_c = households_c.min(n_households);
    let step = (n_households / n_c.max(1)).max(1);
    let sample: Vec<String> = (0..n_c).map(|k| case_json(&c, k * step)).collect();
    // As a web API serves it: the service (cached rules per date) lives across requests.
    let service = CaseService::new(&params, &zones, &municipalities);
    let mut c_times = Vec::new();
    let mut c_bytes = 0usize;
    let mut answer = Vec::with_capacity(64 * 1024);
    for _ in 0..reps.clamp(1, 3) {
        let t = Instant::now();
        let mut bytes = 0usize;
        for case in &sample {
            answer.clear();
            service.decide_to(case, &mut answer)?;
            bytes += answer.len();
        }
        c_times.push(t.elapsed().as_secs_f64());
        c_bytes = bytes;
    }
    // The service's answers are the uncached `fee_for_case`'s (checked on a sample).
    for case in sample.iter().step_by(97) {
        let fast: serde_json::Value = serde_json::from_str(&service.decide(case)?)?;
        if fast != fee_for_case(case, &params, &zones, &municipalities)? {
            return Err(format!("the cached case path differs on {case}").into());
        }
    }
    let c_secs = median(c_times);
    let c_rate = n_c as f64 / c_secs;
    eprintln!(
        "(c) one household at a time: {n_c} households in {c_secs:.3} s = {c_rate:.0} households/s ({:.1} µs each, {:.0} bytes of JSON out each)",
        c_secs / n_c as f64 * 1e6,
        c_bytes as f64 / n_c as f64
    );

    // Fees per child, with a check against the decision from the registers.
    let decisions = evaluate_batch(&households, CHUNK, |&h| {
        let input = build_household(&c, h);
        let d = decide_household_compact(&rules, &input);
        (
            d.outcome.status(),
            (0..d.children.len())
                .map(|k| d.monthly_fee(k))
                .collect::<Vec<_>>(),
        )
    });
    let mut w = std::io::BufWriter::new(std::fs::File::create(&fees_out)?);
    writeln!(w, "child_id,fee,status")?;
    let mut differs_from_registers = 0usize;
    let mut amounts_differ = 0usize;
    for (h, (status, fees)) in decisions.iter().enumerate() {
        for (k, fee) in fees.iter().enumerate() {
            let i = c.starts[h] + k;
            if *fee != c.fee_registers[i] {
                differs_from_registers += 1;
            }
            if fee.unwrap_or(NONE) != amounts_fee[i] {
                amounts_differ += 1;
            }
            writeln!(
                w,
                "{},{},{status}",
                c.child_id[i],
                fee.map_or(String::new(), |f| f.to_string())
            )?;
        }
    }
    w.flush()?;
    eprintln!(
        "wrote {} to {}; {differs_from_registers} children differ from the fee decided from the registers, {amounts_differ} between the amounts path (a) and the explained path",
        n_children,
        fees_out.display()
    );

    // The machine's 1-minute load average when our side finished (Linux; `None` elsewhere).
    let load_average: Option<f64> = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().and_then(|l| l.parse().ok()));
    let summary = json!({
        "side": "ours",
        "load_average_at_end": load_average,
        "threads": threads,
        "children": n_children,
        "households": n_households,
        "reps": reps,
        "a_build_compute_s": a_bc,
        "a_build_s": a_b,
        "a_compute_s": a_c,
        "a_compute_min_s": a_c_min,
        "a_build_compute_min_s": a_bc_min,
        "b_explained_s": b,
        "b_json_bytes": b_bytes,
        "b_full_trees_s": if b_full_secs.is_nan() { None } else { Some(b_full_secs) },
        "b_full_trees_bytes": b_full_bytes,
        "c_households": n_c,
        "c_seconds": c_secs,
        "c_households_per_s": c_rate,
        "total_monthly_fee": total_check,
        "differs_from_registers": differs_from_registers,
        "amounts_path_differs": amounts_differ,
    });
    println!("{summary}");
    if let Some(path) = json_out {
        std::fs::write(path, summary.to_string())?;
    }
    Ok(())
}
