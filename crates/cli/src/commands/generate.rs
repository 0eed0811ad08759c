//! `mulighetsrom generate`: synthetic Norway into the store.

use crate::output::{bar, table, thousands};
use crate::Outcome;
use anyhow::Context;
use clap::ArgGroup;
use registers::{CountyNumber, Municipalities, MunicipalityNumber};
use std::path::Path;
use std::time::Instant;
use store::{RegisterStore, StoreMetadata};
use synth::{Area, GenerateOptions};

/// Arguments of `generate`.
#[derive(clap::Args, Debug)]
#[command(group(ArgGroup::new("area").required(true).args(["municipality", "county", "norway"])))]
pub struct Args {
    /// One municipality by its four-digit number (e.g. 4601 Bergen, 0301 Oslo).
    #[arg(long, value_name = "KOMMUNENR")]
    municipality: Option<MunicipalityNumber>,
    /// Every municipality of a county by its two-digit number (e.g. 46 Vestland).
    #[arg(long, value_name = "FYLKESNR")]
    county: Option<CountyNumber>,
    /// All 357 municipalities (about 5.6 million persons; needs ~3 GiB of memory).
    #[arg(long)]
    norway: bool,
    /// Seed: the same seed and area give the same registers.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print the statistics afterwards, as `mulighetsrom stats` would.
    #[arg(long)]
    stats: bool,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    let municipalities = Municipalities::embedded_2026();
    let (area, label) = match (args.municipality, args.county) {
        (Some(m), _) => (Area::Municipality(m), format!("--municipality {m}")),
        (_, Some(c)) => (Area::County(c), format!("--county {c}")),
        _ => (Area::Norway, "--norway".to_string()),
    };
    let selected = area.municipalities(&municipalities)?.len();
    let started = Instant::now();
    let progress = bar(selected as u64, "generating municipalities");
    let registers = synth::generate(
        &municipalities,
        &area,
        &GenerateOptions { seed: args.seed },
        &|done, _| progress.set_position(done as u64),
    )?;
    progress.finish_and_clear();
    let generated_in = started.elapsed();

    let mut store = super::open_store(data)?;
    let counts = registers.counts();
    let writing = bar(counts.tables.len() as u64, "writing registers");
    let started_write = Instant::now();
    let metadata = StoreMetadata {
        reference_date: None,
        origin: Some(format!("generate {label} --seed {}", args.seed)),
    };
    store
        .replace_all(&registers, &metadata, &|table, _| {
            writing.set_message(format!("wrote {table}"));
            writing.inc(1);
        })
        .context("writing the generated registers")?;
    writing.finish_and_clear();
    let written_in = started_write.elapsed();

    let mut rows = vec![vec!["register table".to_string(), "rows".to_string()]];
    for (table, n) in &counts.tables {
        rows.push(vec![table.to_string(), thousands(*n as i64)]);
    }
    rows.push(vec!["total".into(), thousands(counts.total() as i64)]);
    print!("{}", table(&rows));
    println!(
        "Generated {label} (seed {}) in {:.1} s, stored in {:.1} s ({} rows/s) at {}",
        args.seed,
        generated_in.as_secs_f64(),
        written_in.as_secs_f64(),
        thousands((counts.total() as f64 / written_in.as_secs_f64().max(1e-9)) as i64),
        store.path().display()
    );
    if args.stats {
        println!();
        super::stats::report(&registers, false);
    } else {
        println!("Next: `mulighetsrom stats` compares it with the published figures.");
    }
    Ok(Outcome::Success)
}
