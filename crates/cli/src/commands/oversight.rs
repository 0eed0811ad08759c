//! `mulighetsrom oversight`: fairness audits of the predictive services.
//!
//! The model's inputs are read under the service's own manifest (S7), the group attributes the
//! audit needs (immigrant background, income, county) under the oversight manifest (O1, AI Act
//! art. 10(5)), both through the access layer, so each read is logged for its own purpose.

use crate::Outcome;
use anyhow::Context;
use identity::NationalId;
use oversight::{Attribute, FairnessAudit};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use svc_risk::model::{LogisticModel, RiskModel};

/// Arguments of `oversight`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Fairness audit of a predictive service (S7: the lifestyle risk model) on the stored
    /// population: selection rate, TPR, FPR and calibration by age band, county, income decile
    /// and immigrant background, with Fairlearn's demographic-parity and equalised-odds
    /// differences and AIF360's signed metrics. Writes audit.txt, audit.json and model.json.
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
struct AuditArgs {
    /// The service to audit (S7).
    service: String,
    /// A stored lifestyle model (JSON); by default one is trained on the S7 cohort.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Flag the highest-risk share of the cohort for follow-up (decision = score at or above the
    /// corresponding quantile).
    #[arg(long, default_value_t = 0.10, value_name = "SHARE")]
    select_rate: f64,
    /// Write audit-predictions.csv too: outcome, score and group labels per woman, without any
    /// identifier (for recomputing the metrics with Fairlearn).
    #[arg(long)]
    export_predictions: bool,
    /// Directory for the files.
    #[arg(long, value_name = "DIR", default_value = "oversight")]
    out: PathBuf,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Audit(a) => audit(data, a),
        Command::Register(a) => register(data, a),
    }
}

fn age_band(age: u32) -> &'static str {
    match age {
        0..=34 => "25-34",
        35..=44 => "35-44",
        45..=54 => "45-54",
        55..=64 => "55-64",
        _ => "65-79",
    }
}

fn audit(data: &Path, args: AuditArgs) -> anyhow::Result<Outcome> {
    if args.service != "S7" {
        anyhow::bail!(
            "only S7 (the lifestyle risk model) can be audited so far; S4–S6 have no stored predictions yet"
        );
    }
    if !(0.0..1.0).contains(&args.select_rate) || args.select_rate == 0.0 {
        anyhow::bail!("--select-rate must be between 0 and 1");
    }
    let (s7, data_version) = super::read_for_service(data, "S7", governance::Scope::All)?;
    let cohort = svc_risk::lifestyle::cohort(&s7);
    if cohort.y.iter().filter(|&&v| v).count() == 0 {
        anyhow::bail!("the S7 cohort has no breast-cancer diagnoses; generate a larger population");
    }
    let model = match &args.model {
        Some(path) => LogisticModel::load(path)?,
        None => svc_risk::lifestyle::train(&cohort, "stored synthetic population (S7 read)")?,
    };
    model
        .check(cohort.x.row(0))
        .context("the model does not take the lifestyle features")?;
    let manifests = governance::Manifests::builtin();
    let s7_manifest = manifests.get("S7").context("no manifest for S7")?;
    let permitted = oversight::features::check(s7_manifest, &model.describe().features)?;
    let score: Vec<f64> = (0..cohort.x.rows)
        .map(|i| model.score(cohort.x.row(i)))
        .collect();
    let mut sorted = score.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let k = ((args.select_rate * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    let threshold = sorted[k - 1];

    let (o1, _) = super::read_for_service(data, "O1", governance::Scope::All)?;
    let on = o1.reference_date;
    let background: HashMap<NationalId, &str> = o1
        .persons
        .iter()
        .map(|p| (p.id, p.background.code()))
        .collect();
    let mut county: HashMap<NationalId, (chrono::NaiveDate, String)> = HashMap::new();
    for r in o1.residences.iter().filter(|r| r.valid_from <= on) {
        let e = county
            .entry(r.person)
            .or_insert((r.valid_from, r.municipality.county().to_string()));
        if r.valid_from >= e.0 {
            *e = (r.valid_from, r.municipality.county().to_string());
        }
    }
    let mut income: HashMap<NationalId, (u16, i64)> = HashMap::new();
    for t in &o1.tax_assessments {
        let e = income
            .entry(t.person)
            .or_insert((t.income_year, t.personinntekt + t.kapitalinntekt));
        if t.income_year > e.0 {
            *e = (t.income_year, t.personinntekt + t.kapitalinntekt);
        }
    }
    // Income deciles among the audited women (rank-based, ties broken by order).
    let mut with_income: Vec<(i64, usize)> = cohort
        .persons
        .iter()
        .enumerate()
        .filter_map(|(i, p)| income.get(p).map(|v| (v.1, i)))
        .collect();
    with_income.sort();
    let mut decile = vec!["none".to_owned(); cohort.persons.len()];
    let m = with_income.len();
    for (rank, (_, i)) in with_income.iter().enumerate() {
        decile[*i] = format!("D{:02}", rank * 10 / m.max(1) + 1);
    }
    let ages: Vec<String> = cohort
        .ages
        .iter()
        .map(|&a| age_band(a).to_owned())
        .collect();
    let counties: Vec<String> = cohort
        .persons
        .iter()
        .map(|p| county.get(p).map_or("unknown".to_owned(), |c| c.1.clone()))
        .collect();
    let backgrounds: Vec<String> = cohort
        .persons
        .iter()
        .map(|p| background.get(p).copied().unwrap_or("unknown").to_owned())
        .collect();
    let largest = |v: &[String]| -> String {
        let mut c: HashMap<&str, usize> = HashMap::new();
        v.iter().for_each(|g| *c.entry(g).or_default() += 1);
        c.into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(g, _)| g.to_owned())
            .unwrap_or_default()
    };
    let (ref_age, ref_county) = (largest(&ages), largest(&counties));
    let top_decile = if m > 0 { Some("D10") } else { None };
    let majority = backgrounds
        .iter()
        .any(|b| b == "majority")
        .then_some("majority");
    let attributes = [
        Attribute {
            name: "age_band",
            groups: &ages,
            privileged: Some(&ref_age),
        },
        Attribute {
            name: "county",
            groups: &counties,
            privileged: Some(&ref_county),
        },
        Attribute {
            name: "income_decile",
            groups: &decile,
            privileged: top_decile,
        },
        Attribute {
            name: "immigrant_background",
            groups: &backgrounds,
            privileged: majority,
        },
    ];
    let audit = FairnessAudit::run(
        &format!("S7 lifestyle model ({})", model.describe().name),
        &cohort.y,
        &score,
        threshold,
        &attributes,
    )?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let write = |name: &str, text: String| -> anyhow::Result<()> {
        let p = args.out.join(name);
        std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))
    };
    let mut text = audit.to_text();
    let _ = writeln!(
        text,
        "Selection: the {:.0} % highest scores (threshold {:.5}). AIF360 reference groups: the \
         largest age band and county, the top income decile, the majority population. The model \
         is scored on the cohort it was trained on unless --model names another.",
        100.0 * args.select_rate,
        threshold
    );
    for p in &permitted {
        let _ = writeln!(
            text,
            "Protected characteristic used: {:?} is {} — permitted by the S7 manifest: {} ({})",
            p.finding.feature,
            p.finding.characteristic.name_en(),
            p.permission.reason,
            p.permission.basis
        );
    }
    let auc = svc_risk::eval::auc_delong(&cohort.y, &score);
    record_s7(data, &audit, auc, &model.describe(), &args, data_version)?;
    write("audit.txt", text.clone())?;
    write("audit.json", serde_json::to_string_pretty(&audit)?)?;
    write("model.json", model.to_json())?;
    if args.export_predictions {
        let mut csv =
            String::from("outcome,score,age_band,county,income_decile,immigrant_background\n");
        for i in 0..score.len() {
            let _ = writeln!(
                csv,
                "{},{:e},{},{},{},{}",
                cohort.y[i] as u8, score[i], ages[i], counties[i], decile[i], backgrounds[i]
            );
        }
        write("audit-predictions.csv", csv)?;
    }
    print!("{text}");
    println!("Files written to {}", args.out.display());
    Ok(Outcome::Success)
}

/// Records the audit's figures as S7's latest measurement, for the algorithm register: AUC on
/// the audited cohort, the selection rate, and for each attribute the largest Fairlearn
/// demographic-parity and equalised-odds differences (between groups).
fn record_s7(
    data: &Path,
    audit: &FairnessAudit,
    auc: Option<svc_risk::eval::Auc>,
    card: &svc_risk::ModelCard,
    args: &AuditArgs,
    data_version: String,
) -> anyhow::Result<()> {
    use governance::{Figure, Measurement};
    let mut m = Measurement::now(
        "S7",
        &format!(
            "mulighetsrom oversight audit S7 --select-rate {}",
            args.select_rate
        ),
    );
    m.data_version = Some(data_version);
    m.people_affected = Some(audit.n);
    m.model = Some(governance::ModelSummary {
        name: card.name.clone(),
        kind: card.kind.clone(),
        features: card.features.clone(),
        training_data: card.training.as_ref().map_or_else(
            || "not trained here (a supplied model)".to_string(),
            |t| {
                format!(
                    "{}: {} women, {} breast-cancer diagnoses; L2 λ = {}, {} ({} iterations)",
                    t.dataset, t.rows, t.events, t.l2_lambda, t.solver, t.iterations
                )
            },
        ),
        evaluation: format!(
            "Scored on the stored S7 cohort ({} women) the model was trained on unless --model \
             names another (in-sample AUC); fairness audited by age band, county, income decile \
             and immigrant background with the top {:.0} % selected.",
            audit.n,
            100.0 * args.select_rate
        ),
    });
    if let Some(a) = auc {
        m = m.figure(
            Figure::new(
                "auc",
                "AUC (ROC) på den reviderte kohorten",
                "ROC AUC on the audited cohort",
                a.auc,
                "",
            )
            .with_ci(a.lower, a.upper),
        );
    }
    m = m.figure(Figure::new(
        "selection_rate",
        "Andel valgt ut til oppfølging",
        "Share selected for follow-up",
        audit.overall.selection_rate(),
        "",
    ));
    for a in &audit.attributes {
        let b = &a.between_groups;
        m = m
            .figure(Figure::new(
                &format!("dp_difference.{}", a.attribute),
                &format!(
                    "Forskjell i utvalgsrate (demografisk paritet), {}",
                    a.attribute
                ),
                &format!("Demographic-parity difference, {}", a.attribute),
                b.demographic_parity_difference,
                "",
            ))
            .figure(Figure::new(
                &format!("eo_difference.{}", a.attribute),
                &format!("Forskjell i like odds (verste tilfelle), {}", a.attribute),
                &format!("Equalised-odds difference (worst case), {}", a.attribute),
                b.equalized_odds_difference_worst_case,
                "",
            ));
    }
    governance::MeasurementStore::open(data)
        .record(&m)
        .context("recording the S7 measurement")
}

/// The commands that record each service's measurements (what the register shows as missing).
fn how_to_measure() -> BTreeMap<String, Vec<String>> {
    [
        ("S1", vec!["mulighetsrom kindergarten decide"]),
        ("S2", vec!["mulighetsrom kindergarten compare-s2"]),
        ("S3", vec!["mulighetsrom roster plan --municipality"]),
        (
            "S4",
            vec![
                "mulighetsrom screening simulate",
                "mulighetsrom screening evaluate-model",
            ],
        ),
        ("S5", vec!["mulighetsrom prevention campaign"]),
        ("S6", vec!["mulighetsrom risk followup"]),
        ("S7", vec!["mulighetsrom oversight audit S7"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect()
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
    let how = how_to_measure();
    let register = oversight::register::build(&oversight::register::Sources {
        manifests: &manifests,
        measurements: &measurements,
        how_to_measure: &how,
        current_data_version: current.as_deref(),
        source_code:
            "Mulighetsrom repository: crates/ (code) and governance/manifests/ (declarations)",
        generated_at: chrono::Utc::now(),
    });
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
