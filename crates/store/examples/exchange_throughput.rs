//! Measures CSV and Parquet write and read throughput (rows/s) for `persons` and `monthly_income`
//! of a generated county (Vestland, 46, about 650 000 persons).
//!
//! Run with `cargo run --release -p store --example exchange_throughput [county]`.

use std::time::Instant;

use registers::Municipalities;
use store::{read_table, write_table, TableRows};

fn main() {
    let county = std::env::args().nth(1).unwrap_or_else(|| "46".to_string());
    let municipalities = Municipalities::embedded_2026();
    let started = Instant::now();
    let registers = synth::generate(
        &municipalities,
        &synth::Area::County(county.parse().expect("a two-digit county number")),
        &synth::GenerateOptions { seed: 7 },
        &|_, _| {},
    )
    .expect("generation succeeds");
    println!(
        "generated county {county}: {} persons, {} monthly income records in {:.1} s",
        registers.persons.len(),
        registers.monthly_income.len(),
        started.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    for table in ["persons", "monthly_income"] {
        let rows = TableRows::from_registers(&registers, table).expect("a known table");
        for extension in ["csv", "parquet"] {
            let path = dir.path().join(format!("{table}.{extension}"));
            let started = Instant::now();
            let written = write_table(&rows, &path).expect("write succeeds");
            let write_seconds = started.elapsed().as_secs_f64();
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            let started = Instant::now();
            let outcome = read_table(&path, table, &municipalities).expect("read succeeds");
            let read_seconds = started.elapsed().as_secs_f64();
            assert!(outcome.rejected.is_empty(), "no rejected rows");
            assert!(outcome.rows == rows, "the rows round-trip");
            println!(
                "{table:>14}.{extension:<7} {written:>10} rows {:>7.1} MB  write {:>6.2} s {:>10.0} rows/s  read {:>6.2} s {:>10.0} rows/s",
                size as f64 / 1e6,
                write_seconds,
                written as f64 / write_seconds,
                read_seconds,
                outcome.rows_read as f64 / read_seconds,
            );
        }
    }
}
