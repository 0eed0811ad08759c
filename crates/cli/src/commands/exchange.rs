//! `mulighetsrom import` and `export`.

use crate::output::{bar, table, thousands};
use crate::Outcome;
use anyhow::Context;
use registers::Municipalities;
use std::path::{Path, PathBuf};
use std::time::Instant;
use store::{RegisterStore, TableRows, TABLES};

/// Arguments of `import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The register table the file holds (persons, relations, addresses, residences,
    /// tax_assessments, monthly_income, organisations, employments, enrolments, screening, cancer,
    /// lifestyle).
    table: String,
    /// A .csv or .parquet file with the table's documented columns (see `export`).
    file: PathBuf,
    /// Set bad rows aside in this CSV file (line, reason, row) and import the good ones. Without
    /// it, any bad row stops the import and nothing is changed.
    #[arg(long, value_name = "FILE")]
    quarantine: Option<PathBuf>,
}

/// Arguments of `export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// Directory to write `<table>.csv` or `<table>.parquet` files into (created if missing).
    dir: PathBuf,
    /// File format.
    #[arg(long, value_enum, default_value = "csv")]
    format: FormatArg,
    /// Only these tables (default: all).
    #[arg(long, value_delimiter = ',')]
    tables: Vec<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    Csv,
    Parquet,
}

pub fn import(data: &Path, args: ImportArgs) -> anyhow::Result<Outcome> {
    if !TABLES.contains(&args.table.as_str()) {
        anyhow::bail!(
            "unknown table '{}'; the tables are: {}",
            args.table,
            TABLES.join(", ")
        );
    }
    let municipalities = Municipalities::embedded_2026();
    let started = Instant::now();
    let outcome = store::read_table(&args.file, &args.table, &municipalities)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let file = args.file.display();
    for r in outcome.rejected.iter().take(50) {
        eprintln!("{file}:{}: {}", r.line, r.reason);
    }
    if outcome.rejected.len() > 50 {
        eprintln!(
            "{file}: … and {} more bad rows",
            outcome.rejected.len() - 50
        );
    }
    if !outcome.rejected.is_empty() {
        match &args.quarantine {
            None => {
                eprintln!(
                    "{file}: {} of {} rows are invalid; nothing was imported. Fix them, or rerun with --quarantine BAD.csv to import the {} good rows and set the bad ones aside.",
                    outcome.rejected.len(),
                    outcome.rows_read,
                    outcome.rows_read as usize - outcome.rejected.len()
                );
                return Ok(Outcome::Invalid);
            }
            Some(q) => {
                store::write_quarantine(&outcome.rejected, q)
                    .with_context(|| format!("writing the quarantine file {}", q.display()))?;
                eprintln!(
                    "{file}: {} bad rows set aside in {}",
                    outcome.rejected.len(),
                    q.display()
                );
            }
        }
    }
    let mut store = super::open_store(data)?;
    let n = store
        .import(&outcome.rows)
        .with_context(|| format!("importing {file} into {}", args.table))?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "Imported {} {} records from {file} in {secs:.2} s ({} file rows/s){}",
        thousands(n as i64),
        args.table,
        thousands((outcome.rows_read as f64 / secs.max(1e-9)) as i64),
        if outcome.rejected.is_empty() {
            String::new()
        } else {
            format!("; {} rows quarantined", outcome.rejected.len())
        }
    );
    Ok(if outcome.rejected.is_empty() {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}

pub fn export(data: &Path, args: ExportArgs) -> anyhow::Result<Outcome> {
    let tables: Vec<&str> = if args.tables.is_empty() {
        TABLES.to_vec()
    } else {
        let mut v = Vec::new();
        for t in &args.tables {
            let known = TABLES.iter().find(|k| **k == t.as_str());
            v.push(*known.with_context(|| {
                format!("unknown table '{t}'; the tables are: {}", TABLES.join(", "))
            })?);
        }
        v
    };
    let store = super::open_store(data)?;
    if store.counts()?.total() == 0 {
        anyhow::bail!(
            "the store in {} is empty; nothing to export (run `mulighetsrom generate` first)",
            data.display()
        );
    }
    let registers = store.load()?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let extension = match args.format {
        FormatArg::Csv => "csv",
        FormatArg::Parquet => "parquet",
    };
    let progress = bar(tables.len() as u64, "exporting");
    let mut rows = vec![vec![
        "table".to_string(),
        "file rows".into(),
        "seconds".into(),
        "rows/s".into(),
    ]];
    let (mut all_rows, mut all_secs) = (0u64, 0f64);
    for t in tables {
        let path = args.dir.join(format!("{t}.{extension}"));
        let records = TableRows::from_registers(&registers, t).expect("known table");
        let started = Instant::now();
        let n = store::write_table(&records, &path)
            .with_context(|| format!("writing {}", path.display()))?;
        let secs = started.elapsed().as_secs_f64();
        all_rows += n;
        all_secs += secs;
        rows.push(vec![
            path.display().to_string(),
            thousands(n as i64),
            format!("{secs:.2}"),
            thousands((n as f64 / secs.max(1e-9)) as i64),
        ]);
        progress.inc(1);
    }
    progress.finish_and_clear();
    rows.push(vec![
        "total".into(),
        thousands(all_rows as i64),
        format!("{all_secs:.2}"),
        thousands((all_rows as f64 / all_secs.max(1e-9)) as i64),
    ]);
    print!("{}", table(&rows));
    Ok(Outcome::Success)
}
