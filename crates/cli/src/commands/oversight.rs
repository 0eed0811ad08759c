//! `mulighetsrom oversight`: fairness audits of the predictive services (in `fairness`) and the
//! algorithm register generated from the manifests and the recorded measurements.

use crate::Outcome;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Arguments of `oversight`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Fairness audit of a predictive service (S7 the lifestyle model, S6 the risk categories,
    /// S4 the recalls of an AI workflow) on the stored population: selection rate, TPR, FPR and
    /// calibration by age band, county, income decile and immigrant background, with
    /// Fairlearn's demographic-parity and equalised-odds differences and AIF360's signed
    /// metrics. Writes audit.txt and audit.json (and model.json for S7).
    Audit(AuditArgs),
    /// The public algorithm register of every service on the spectrum (S1–S7): Dutch
    /// Algoritmeregister and UK ATRS fields, an AI Act art. 27 FRIA skeleton and model cards,
    /// generated from the manifests and each service's latest recorded measurement. Writes
    /// register.json and register.html; lists the commands that would measure what is missing.
    Register(RegisterArgs),
}

#[derive(clap::Args, Debug)]
struct RegisterArgs {
    /// Directory for register.json and register.html.
    #[arg(long, value_name = "DIR", default_value = "algorithm-register")]
    out: PathBuf,
}

#[derive(clap::Args, Debug)]
pub(super) struct AuditArgs {
    /// The service to audit: S7 (the lifestyle model), S6 (risk categories from the Gail
    /// model) or S4 (recall in a simulated screening round under an AI workflow).
    pub(super) service: String,
    /// S7: a stored lifestyle model (JSON); by default one is trained on the S7 cohort.
    #[arg(long, value_name = "FILE")]
    pub(super) model: Option<PathBuf>,
    /// S7: flag the highest-risk share of the cohort for follow-up (decision = score at or
    /// above the corresponding quantile).
    #[arg(long, default_value_t = 0.10, value_name = "SHARE")]
    pub(super) select_rate: f64,
    /// S4: the AI workflow whose recalls are audited (its default threshold).
    #[arg(long, default_value = "triage", value_name = "WORKFLOW")]
    pub(super) workflow: String,
    /// S4: seed of the simulated round.
    #[arg(long, default_value_t = 2026)]
    pub(super) seed: u64,
    /// Write audit-predictions.csv too: outcome, score and group labels per woman, without any
    /// identifier (for recomputing the metrics with Fairlearn).
    #[arg(long)]
    pub(super) export_predictions: bool,
    /// Directory for the files.
    #[arg(long, value_name = "DIR", default_value = "oversight")]
    pub(super) out: PathBuf,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Audit(a) => super::fairness::audit(data, a),
        Command::Register(a) => register(data, a),
    }
}

fn register(data: &Path, args: RegisterArgs) -> anyhow::Result<Outcome> {
    let manifests = governance::Manifests::builtin();
    let measurements = governance::MeasurementStore::open(data)
        .all_latest()
        .context("reading the recorded measurements")?;
    // The store's version now, to mark figures measured on older data.
    let current = if data.join("CURRENT").exists() {
        super::open_access(data)?.data_version().ok()
    } else {
        None
    };
    let register = oversight::register::build_now(&manifests, &measurements, current.as_deref());
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let json = args.out.join("register.json");
    std::fs::write(&json, serde_json::to_string_pretty(&register)?)
        .with_context(|| format!("writing {}", json.display()))?;
    let html = args.out.join("register.html");
    std::fs::write(&html, oversight::register::to_html(&register))
        .with_context(|| format!("writing {}", html.display()))?;
    println!(
        "Algoritmeregister / algorithm register: {} services",
        register.entries.len()
    );
    for e in &register.entries {
        let figures: usize = e
            .measurements
            .iter()
            .map(|m| m.measurement.figures.len())
            .sum();
        let stale = e.measurements.iter().any(|m| m.stale);
        println!(
            "  {:<3} {:<62} {:>2} figures{}{}",
            e.id,
            e.name_en,
            figures,
            if stale { " (some on older data)" } else { "" },
            if e.missing_measurements.is_empty() {
                String::new()
            } else {
                format!("; missing: {}", e.missing_measurements.join(", "))
            }
        );
    }
    println!("Files written to {}", args.out.display());
    Ok(Outcome::Success)
}
