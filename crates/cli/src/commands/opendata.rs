//! `mulighetsrom opendata`: published statistics with SSB-style small-cell suppression.

use crate::output::{table, thousands};
use crate::Outcome;
use anyhow::Context;
use chrono::NaiveDate;
use opendata::{audit, residents_table, suppress, SuppressionOptions};
use std::path::PathBuf;
use store::RegisterStore;

/// Arguments of `opendata`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Residents by municipality × age band × sex on a date, with cells below the threshold
    /// suppressed (`:`) and enough others that none can be recomputed from the totals; writes
    /// residents.csv, residents.json and suppression-report.json.
    Stats(StatsArgs),
}

#[derive(clap::Args, Debug)]
struct StatsArgs {
    /// Cells with 0 < count < THRESHOLD are suppressed (SSB's example: fewer than 3).
    #[arg(long, default_value_t = 3, value_name = "N")]
    threshold: u64,
    /// Suppress zero cells too (by default zeros are published, as SSB does).
    #[arg(long)]
    suppress_zeros: bool,
    /// The date counted (default: the registers' reference date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
    /// Directory for the files.
    #[arg(long, value_name = "DIR", default_value = "opendata")]
    out: PathBuf,
}

pub fn run(data: &std::path::Path, args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Stats(stats) => run_stats(data, stats),
    }
}

fn run_stats(data: &std::path::Path, args: StatsArgs) -> anyhow::Result<Outcome> {
    if args.threshold == 0 {
        anyhow::bail!("--threshold must be at least 1 (1 publishes every cell)");
    }
    let store = super::open_store(data)?;
    if store.counts()?.total() == 0 {
        anyhow::bail!(
            "the store in {} is empty; create a population first, e.g. `mulighetsrom generate --municipality 4601 --seed 7`",
            data.display()
        );
    }
    let registers = store.load()?;
    let on = args.date.unwrap_or(registers.reference_date);
    let residents = residents_table(&registers, on);
    if residents.table.rows.is_empty() {
        anyhow::bail!("no residents on {on}; choose another --date");
    }
    let options = SuppressionOptions {
        threshold: args.threshold,
        suppress_zeros: args.suppress_zeros,
    };
    let suppressed = suppress(&residents.table, &options)?;
    let report = audit(&suppressed)?;
    if !report.is_safe() {
        // The suppression loop runs until the audit passes, so this is a bug, never data.
        anyhow::bail!(
            "internal error: the audit can recompute suppressed cells {:?}; nothing was written",
            report.recoverable
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let write = |name: &str, text: String| -> anyhow::Result<()> {
        let path = args.out.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    };
    write("residents.csv", suppressed.to_csv()?)?;
    write(
        "residents.json",
        serde_json::to_string_pretty(&suppressed.to_json())? + "\n",
    )?;
    let summary = serde_json::json!({
        "table": suppressed.table.title,
        "date": on.to_string(),
        "threshold": options.threshold,
        "zeros_suppressed": options.suppress_zeros,
        "cells": suppressed.cell_count(),
        "primary": suppressed.primary_count(),
        "secondary": suppressed.secondary_count(),
        "secondary_by_line_rule": suppressed.secondary_by_lines,
        "secondary_by_audit": suppressed.secondary_by_audit,
        "audit": report,
        "residents_in_unknown_municipalities": residents.unknown_municipality,
    });
    write(
        "suppression-report.json",
        serde_json::to_string_pretty(&summary)? + "\n",
    )?;

    let cells = suppressed.cell_count();
    let share = |n: usize| format!("{:.1} %", n as f64 / cells as f64 * 100.0);
    println!(
        "{} ({} municipalities, {} residents), threshold {}{}",
        suppressed.table.title,
        residents.table.rows.len(),
        thousands(residents.table.grand_total() as i64),
        options.threshold,
        if options.suppress_zeros {
            ", zeros suppressed"
        } else {
            ""
        }
    );
    let rows = vec![
        vec![
            "cells (with totals)".to_string(),
            thousands(cells as i64),
            String::new(),
        ],
        vec![
            "primary suppressed (count below threshold)".into(),
            thousands(suppressed.primary_count() as i64),
            share(suppressed.primary_count()),
        ],
        vec![
            "secondary suppressed (protect the primary)".into(),
            thousands(suppressed.secondary_count() as i64),
            share(suppressed.secondary_count()),
        ],
        vec![
            "published".into(),
            thousands((cells - suppressed.primary_count() - suppressed.secondary_count()) as i64),
            String::new(),
        ],
    ];
    print!("{}", table(&rows));
    println!(
        "audit: {} suppressed cells, {} equations of rank {}; no suppressed cell can be recomputed from the published table",
        report.unknowns, report.equations, report.rank
    );
    println!(
        "wrote residents.csv, residents.json and suppression-report.json to {}",
        args.out.display()
    );
    Ok(Outcome::Success)
}
