//! `mulighetsrom innsyn ID`: a person's insight report — the data held about them in each
//! register, the decisions about them, and every access to their data with proofs.

use crate::Outcome;
use anyhow::Context;
use governance::insight::{self, Lang};
use identity::NationalId;
use std::path::{Path, PathBuf};

/// Arguments of `innsyn`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The person's identity number (fødselsnummer, D-number or synthetic number).
    id: String,
    /// Directory to write `innsyn.html` and `innsyn.json` to.
    #[arg(long, value_name = "DIR", default_value = "innsyn")]
    out: PathBuf,
    /// Language of the HTML report.
    #[arg(long, value_enum, default_value = "nb")]
    lang: LangArg,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum LangArg {
    /// Norsk bokmål.
    Nb,
    /// English.
    En,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    let person = match NationalId::parse(&args.id) {
        Ok(id) => id,
        Err(e) => {
            eprintln!(
                "mulighetsrom: {}: not a valid identity number: {e}",
                args.id
            );
            return Ok(Outcome::Invalid);
        }
    };
    let mut access = super::open_access(data)?;
    let decisions = super::decisions_about(data, &person)?;
    let report = insight::build(&mut access, person, decisions, "cli")
        .with_context(|| format!("building the insight report for {person}"))?;
    if report.registers.is_empty() && report.accesses.len() <= 1 {
        eprintln!(
            "mulighetsrom: no register holds data about {person}; the report is written anyway"
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let json = args.out.join("innsyn.json");
    let html = args.out.join("innsyn.html");
    std::fs::write(&json, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("writing {}", json.display()))?;
    let lang = match args.lang {
        LangArg::Nb => Lang::Nb,
        LangArg::En => Lang::En,
    };
    std::fs::write(&html, insight::to_html(&report, lang))
        .with_context(|| format!("writing {}", html.display()))?;
    let rows: usize = report
        .registers
        .iter()
        .flat_map(|r| &r.tables)
        .map(|t| t.rows.len())
        .sum();
    let denied = report
        .accesses
        .iter()
        .filter(|a| a.outcome == governance::audit::Outcome::Denied)
        .count();
    println!(
        "{person}: {rows} register rows in {} registers, {} decisions, {} accesses ({denied} denied), each with an inclusion proof",
        report.registers.len(),
        report.decisions.len(),
        report.accesses.len()
    );
    println!("wrote {} and {}", html.display(), json.display());
    Ok(Outcome::Success)
}
