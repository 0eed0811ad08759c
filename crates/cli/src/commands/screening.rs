//! `mulighetsrom screening`: the AI model of the screening services, evaluated on real data, and
//! the AI-supported screening programme (S4) simulated on the registers.

use super::screening_simulation;
use crate::Outcome;
use anyhow::Context;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;
use svc_risk::eval::{self, CvReport};
use svc_risk::model::{FitOptions, LogisticModel, RiskModel};
use svc_risk::wdbc;

/// Arguments of `screening`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Stratified k-fold cross-validation of the logistic classifier on the Wisconsin diagnostic
    /// breast-cancer data (569 aspirates, UCI, CC BY 4.0): ROC AUC with DeLong's 95 % interval,
    /// sensitivity/specificity at operating points, calibration. Writes report.txt, report.json,
    /// predictions.csv (fold, outcome, out-of-fold score and features, for peer comparison),
    /// model.json (fitted on all data), the same model as model.onnx, and chart.svg (ROC and
    /// reliability).
    EvaluateModel(EvaluateArgs),
    /// Simulate BreastScreen Norway (S4) on the stored population: women 50–69 invited, about
    /// 75 % attending, independent double reading with consensus, and the five AI workflows
    /// (triage, AI as reader 1, decision referral, autonomous rule-out, concurrent CAD marks).
    /// Reads the registers through the access layer under S4's manifest. Writes report.txt,
    /// report.json and chart.svg (detection per 1000 against reads saved), and records the
    /// figures of the chosen (or best) AI workflow as S4's measurement.
    Simulate(SimulateArgs),
}

#[derive(clap::Args, Debug)]
struct SimulateArgs {
    /// The workflow to compare with double reading: all, double, triage, replace-reader,
    /// referral, rule-out or cad.
    #[arg(long, default_value = "all")]
    workflow: String,
    /// The workflow's threshold: a vendor score cut-off `score:N` (1–10; scores ≥ N are high)
    /// or a target selection rate `rate:R` (0 < R < 1). Needs one --workflow; by default each
    /// workflow uses the threshold of the study that used it.
    #[arg(long, value_name = "score:N|rate:R")]
    threshold: Option<String>,
    /// The safety net of the referral workflow (score:N or rate:R); default score:10.
    #[arg(long, value_name = "score:N|rate:R")]
    safety_net: Option<String>,
    /// Replicate rounds (the 95 % intervals are the spread between them).
    #[arg(long, default_value_t = 20)]
    replicates: usize,
    /// Seed of the simulation.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Directory for the files.
    #[arg(long, value_name = "DIR", default_value = "screening-simulation")]
    out: PathBuf,
}

#[derive(clap::Args, Debug)]
struct EvaluateArgs {
    /// Number of folds.
    #[arg(long, default_value_t = 10)]
    folds: usize,
    /// Seed of the fold assignment.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// L2 penalty λ on standardised coefficients (= 1/C in scikit-learn).
    #[arg(long, default_value_t = 1.0)]
    lambda: f64,
    /// Repeat the cross-validation N times and report the median time (benchmarks).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Directory for the files.
    #[arg(long, value_name = "DIR", default_value = "screening-model")]
    out: PathBuf,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::EvaluateModel(a) => evaluate(data, a),
        Command::Simulate(a) => simulate(data, a),
    }
}

fn simulate(data: &Path, args: SimulateArgs) -> anyhow::Result<Outcome> {
    use svc_screening::{Threshold, Workflow, WorkflowKind};
    let parse_threshold =
        |option: &str, text: &Option<String>| -> anyhow::Result<Option<Threshold>> {
            text.as_deref()
                .map(|t| {
                    t.parse::<Threshold>()
                        .with_context(|| format!("--{option}"))
                })
                .transpose()
        };
    let threshold = parse_threshold("threshold", &args.threshold)?;
    let safety_net = parse_threshold("safety-net", &args.safety_net)?;
    let kinds: Vec<WorkflowKind> = if args.workflow == "all" {
        if threshold.is_some() {
            anyhow::bail!(
                "--threshold applies to one workflow; name it with --workflow (e.g. --workflow triage --threshold score:8)"
            );
        }
        WorkflowKind::ALL.to_vec()
    } else {
        let kind: WorkflowKind = args.workflow.parse().context("--workflow")?;
        if kind == WorkflowKind::DoubleReading && threshold.is_some() {
            anyhow::bail!("double reading has no threshold; leave out --threshold");
        }
        vec![WorkflowKind::DoubleReading, kind]
    };
    if safety_net.is_some() && !kinds.contains(&WorkflowKind::DecisionReferral) {
        anyhow::bail!("--safety-net belongs to the referral workflow (--workflow referral)");
    }
    let mut workflows = Vec::new();
    for kind in kinds {
        if workflows.iter().any(|w: &Workflow| w.kind() == kind) {
            continue;
        }
        let mut workflow = match threshold {
            Some(t) if kind != WorkflowKind::DoubleReading => Workflow::with_threshold(kind, t)?,
            _ => Workflow::default_for(kind),
        };
        if let (
            Workflow::DecisionReferral {
                safety_net_from, ..
            },
            Some(net),
        ) = (&mut workflow, safety_net)
        {
            *safety_net_from = net;
        }
        workflows.push(workflow);
    }
    let main_count = workflows.len();
    // Larsen et al.'s scenarios run on the same exams, as context for the report.
    let scenarios = svc_screening::published::larsen_2022_scenarios();
    workflows.extend(scenarios.iter().map(|s| s.workflow));

    let (registers, data_version) = super::read_for_service(data, "S4", governance::Scope::All)?;
    let population = svc_screening::Population::from_registers(&registers)
        .context("building the screening population from the S4 registers")?;
    drop(registers);
    tracing::info!(invited = population.invited(), "screening population");
    let calibration = svc_screening::Calibration::default();
    let options = svc_screening::SimulationOptions {
        replicates: args.replicates,
        seed: args.seed,
    };
    let bar = crate::output::bar(args.replicates as u64, "simulating screening rounds");
    let simulation =
        svc_screening::simulate(&population, &workflows, &calibration, options, &|done| {
            bar.set_position(done as u64)
        })?;
    bar.finish_and_clear();

    let report = screening_simulation::Report {
        simulation: &simulation,
        main_count,
        scenarios: &scenarios,
        calibration: &calibration,
        data_version: &data_version,
    };
    let chosen = report.measured_workflow();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let write = |name: &str, text: String| -> anyhow::Result<()> {
        let p = args.out.join(name);
        std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))
    };
    let text = report.text(chosen);
    write("report.txt", text.clone())?;
    write(
        "report.json",
        serde_json::to_string_pretty(&report.json(chosen))?,
    )?;
    write("chart.svg", report.chart_svg())?;
    // Recorded only once the report exists, so the measurement always has its report.
    governance::MeasurementStore::open(data)
        .record(&report.measurement(chosen, &command_line(&args)))
        .context("recording S4's measurement")?;
    print!("{text}");
    println!("Files written to {}", args.out.display());
    Ok(Outcome::Success)
}

/// The command as a user would type it, for the measurement's source.
fn command_line(args: &SimulateArgs) -> String {
    let mut s = format!(
        "mulighetsrom screening simulate --workflow {} --replicates {} --seed {}",
        args.workflow, args.replicates, args.seed
    );
    if let Some(t) = &args.threshold {
        let _ = write!(s, " --threshold {t}");
    }
    if let Some(t) = &args.safety_net {
        let _ = write!(s, " --safety-net {t}");
    }
    s
}

fn evaluate(data: &Path, args: EvaluateArgs) -> anyhow::Result<Outcome> {
    if args.lambda <= 0.0 || args.repeat == 0 {
        anyhow::bail!("--lambda must be positive and --repeat at least 1");
    }
    let (x, y) = wdbc::load();
    let names = wdbc::feature_names();
    let options = FitOptions {
        l2_lambda: args.lambda,
        ..FitOptions::default()
    };
    let mut times = Vec::new();
    let mut cv = None;
    for _ in 0..args.repeat {
        let start = Instant::now();
        let r = eval::cross_validate(&x, &y, args.folds, args.seed, |x, y| {
            let m = LogisticModel::fit("wdbc", "malignant", &names, x, y, "wdbc", &options)?;
            Ok(move |f: &[f64]| m.score(f))
        })?;
        times.push(start.elapsed().as_secs_f64());
        cv = Some(r);
    }
    let cv = cv.context("no cross-validation ran")?;
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let model = LogisticModel::fit(
        "wdbc-logistic",
        "malignant (Wisconsin diagnostic breast cancer)",
        &names,
        &x,
        &y,
        "Wisconsin Diagnostic Breast Cancer (UCI, CC BY 4.0), via smartcore 0.7",
        &options,
    )?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let write = |name: &str, text: String| -> anyhow::Result<()> {
        let p = args.out.join(name);
        std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))
    };
    let text = report_text(&cv, &model, median, args.repeat);
    let json = serde_json::json!({
        "data": "Wisconsin Diagnostic Breast Cancer (UCI, CC BY 4.0), 569 × 30, outcome malignant",
        "model": model.describe(),
        "l2_lambda": args.lambda,
        "folds": cv.folds,
        "seed": cv.seed,
        "pooled_auc": cv.pooled,
        "fold_auc": cv.fold_auc,
        "mean_fold_auc": cv.mean_fold_auc,
        "operating_points": cv.operating_points,
        "calibration": cv.calibration,
        "cv_seconds_median": median,
        "cv_seconds": times,
    });
    write("report.txt", text.clone())?;
    write("report.json", serde_json::to_string_pretty(&json)?)?;
    write("predictions.csv", predictions_csv(&x, &y, &cv, &names))?;
    write("model.json", model.to_json())?;
    let onnx = args.out.join("model.onnx");
    std::fs::write(&onnx, svc_risk::onnx::to_onnx(&model))
        .with_context(|| format!("writing {}", onnx.display()))?;
    write("chart.svg", chart_svg(&y, &cv))?;
    record_model_measurement(data, &cv, &model, &args)?;
    print!("{text}");
    println!("Files written to {}", args.out.display());
    Ok(Outcome::Success)
}

fn report_text(cv: &CvReport, model: &LogisticModel, seconds: f64, repeat: usize) -> String {
    let mut s = String::new();
    let a = &cv.pooled;
    let _ = writeln!(
        s,
        "Logistic regression (L2 λ = {}, standardised, Newton/IRLS) on the Wisconsin diagnostic data\n\
         {}-fold stratified cross-validation, seed {}: {} malignant, {} benign\n\n\
         ROC AUC (pooled out-of-fold) {:.4}, 95 % CI {:.4}–{:.4} (DeLong); mean of fold AUCs {:.4}\n",
        model.training.l2_lambda, cv.folds, cv.seed, a.positives, a.negatives, a.auc, a.lower, a.upper,
        cv.mean_fold_auc
    );
    let _ = writeln!(
        s,
        "{:<22} {:>10} {:>11} {:>11} {:>7} {:>9}",
        "operating point", "threshold", "sensitivity", "specificity", "PPV", "selected"
    );
    for o in &cv.operating_points {
        let _ = writeln!(
            s,
            "{:<22} {:>10.4} {:>11.4} {:>11.4} {:>7.4} {:>9.4}",
            o.label, o.threshold, o.sensitivity, o.specificity, o.ppv, o.selection_rate
        );
    }
    let c = &cv.calibration;
    let _ = writeln!(
        s,
        "\nCalibration: Brier {:.4}, expected/observed {:.3} ({:.1} / {})",
        c.brier, c.e_over_o, c.expected, c.observed
    );
    let _ = writeln!(
        s,
        "{:<12} {:>5} {:>10} {:>9}",
        "bin", "n", "predicted", "observed"
    );
    for b in &c.bins {
        let _ = writeln!(
            s,
            "{:.1}–{:.1}      {:>5} {:>10.3} {:>9.3}",
            b.from, b.to, b.n, b.mean_predicted, b.observed
        );
    }
    let _ = writeln!(
        s,
        "\nTraining + inference of all folds: {:.2} ms (median of {repeat})",
        seconds * 1e3
    );
    s
}

fn predictions_csv(
    x: &svc_risk::model::Matrix,
    y: &[bool],
    cv: &CvReport,
    names: &[String],
) -> String {
    let mut s = String::from("index,fold,malignant,score");
    for n in names {
        s.push(',');
        s.push_str(&n.replace(' ', "_"));
    }
    s.push('\n');
    for (i, truth) in y.iter().enumerate() {
        let _ = write!(
            s,
            "{i},{},{},{:e}",
            cv.fold_of[i], *truth as u8, cv.predictions[i]
        );
        for v in x.row(i) {
            let _ = write!(s, ",{v:e}");
        }
        s.push('\n');
    }
    s
}

/// Two panels: the ROC curve and the reliability diagram, as plain SVG with a title and
/// description for screen readers.
fn chart_svg(y: &[bool], cv: &CvReport) -> String {
    let (w, pad) = (300.0, 40.0);
    let plot = |pts: &[(f64, f64)], ox: f64| -> String {
        pts.iter()
            .map(|(a, b)| format!("{:.1},{:.1}", ox + pad + a * w, pad + (1.0 - b) * w))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let roc = eval::roc_curve(y, &cv.predictions);
    let rel: Vec<(f64, f64)> = cv
        .calibration
        .bins
        .iter()
        .map(|b| (b.mean_predicted, b.observed))
        .collect();
    let ox2 = w + 2.0 * pad;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <title id=\"t\">ROC curve and reliability diagram</title>\n\
         <desc id=\"d\">Left: ROC curve of the out-of-fold predictions, AUC {:.4} (95 % CI {:.4}–{:.4}). Right: mean predicted probability against observed rate in ten bins; the diagonal is perfect calibration.</desc>\n",
        2.0 * w + 4.0 * pad,
        w + 2.0 * pad,
        cv.pooled.auc,
        cv.pooled.lower,
        cv.pooled.upper
    );
    for (ox, title, xl, yl) in [
        (
            0.0,
            format!("ROC, AUC {:.4}", cv.pooled.auc),
            "1 − specificity",
            "sensitivity",
        ),
        (ox2, "Reliability".to_owned(), "predicted", "observed"),
    ] {
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"{pad}\" width=\"{w}\" height=\"{w}\" fill=\"none\" stroke=\"#444\"/>\n\
             <line x1=\"{x}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{pad}\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n\
             <text x=\"{x}\" y=\"{ty}\">{title}</text>\n\
             <text x=\"{xm}\" y=\"{by}\" text-anchor=\"middle\">{xl}</text>\n\
             <text x=\"{lx}\" y=\"{ym}\" text-anchor=\"middle\" transform=\"rotate(-90 {lx} {ym})\">{yl}</text>\n",
            x = ox + pad,
            y1 = pad + w,
            x2 = ox + pad + w,
            ty = pad - 8.0,
            xm = ox + pad + w / 2.0,
            by = pad + w + 28.0,
            lx = ox + pad - 14.0,
            ym = pad + w / 2.0,
        );
    }
    let _ = writeln!(
        s,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\"/>",
        plot(&roc, 0.0)
    );
    let _ = writeln!(
        s,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#a8321f\" stroke-width=\"2\"/>",
        plot(&rel, ox2)
    );
    for (a, b) in &rel {
        let _ = writeln!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#a8321f\"/>",
            ox2 + pad + a * w,
            pad + (1.0 - b) * w
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Records the classifier's cross-validated figures as `S4-model`, for the model card in the
/// algorithm register (the programme's own figures are `S4`, from `screening simulate`). The
/// model's features are checked against S4's manifest first: a classifier that used a protected
/// characteristic would be refused here, before its figures could be published as S4's.
fn record_model_measurement(
    data: &Path,
    cv: &CvReport,
    model: &LogisticModel,
    args: &EvaluateArgs,
) -> anyhow::Result<()> {
    use governance::{Figure, Measurement, ModelSummary};
    let manifests = governance::Manifests::builtin();
    let s4 = manifests.get("S4").context("no manifest for S4")?;
    let card = model.describe();
    oversight::features::check(s4, &card.features)?;
    let a = &cv.pooled;
    let mut m = Measurement::now(
        "S4-model",
        &format!(
            "mulighetsrom screening evaluate-model --folds {} --seed {} --lambda {}",
            args.folds, args.seed, args.lambda
        ),
    )
    .figure(
        Figure::new(
            "auc",
            "AUC (ROC), kryssvalidert",
            "ROC AUC, cross-validated (pooled out-of-fold)",
            a.auc,
            "",
        )
        .with_ci(a.lower, a.upper),
    )
    .figure(Figure::new(
        "brier",
        "Brier-skår",
        "Brier score",
        cv.calibration.brier,
        "",
    ));
    for o in &cv.operating_points {
        m = m
            .figure(Figure::new(
                &format!("sensitivity.{}", o.label),
                &format!("Sensitivitet ved {}", o.label),
                &format!("Sensitivity at {}", o.label),
                o.sensitivity,
                "",
            ))
            .figure(Figure::new(
                &format!("specificity.{}", o.label),
                &format!("Spesifisitet ved {}", o.label),
                &format!("Specificity at {}", o.label),
                o.specificity,
                "",
            ));
    }
    m.people_affected = None; // real, published data about no one in the registers
    m.model = Some(ModelSummary {
        name: card.name.clone(),
        kind: card.kind.clone(),
        features: card.features.clone(),
        training_data: "Wisconsin Diagnostic Breast Cancer (UCI, CC BY 4.0): 569 fine-needle \
            aspirates, 212 malignant, 30 cytology features; real, published data shipped with \
            smartcore 0.7"
            .to_string(),
        evaluation: format!(
            "{}-fold stratified cross-validation (seed {}), pooled out-of-fold ROC AUC with \
             DeLong's interval, operating points and calibration; compared with scikit-learn \
             on the same folds in bench/predictive/. A stand-in for the mammography AI reader: \
             no offline mammography image set exists.",
            cv.folds, cv.seed
        ),
    });
    governance::MeasurementStore::open(data)
        .record(&m)
        .context("recording the S4-model measurement")
}
