//! `mulighetsrom oversight audit SERVICE`: the fairness audit of each predictive service.
//!
//! Every predictive service gets the same audit: its decisions and scores for each person, with
//! the outcome, by age band, county, income decile and immigrant background. What differs is
//! where the rows come from:
//!
//! - **S7**: the lifestyle model's score for each woman of the S7 cohort; decision = among the
//!   highest `--select-rate` scores.
//! - **S6**: the Gail remaining-lifetime risk of each woman 35–69 in the same cohort; decision =
//!   moved out of the standard programme (moderate or high risk under the policy).
//! - **S4**: a simulated screening round under an AI workflow; decision = recalled, outcome = a
//!   cancer visible now or surfacing before the next round.
//!
//! The inputs are read under the service's own manifest, the group attributes (immigrant
//! background, income, county) under the oversight manifest (O1, AI Act art. 10(5)), both
//! through the access layer, so each read is logged for its own purpose. Outcomes are those
//! recorded up to the registers' reference date: the audits are retrospective and in-sample.

use super::oversight::AuditArgs;
use crate::Outcome;
use anyhow::Context;
use identity::NationalId;
use oversight::{Attribute, FairnessAudit};
use registers::Registers;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use svc_risk::model::{LogisticModel, RiskModel};

/// The decision whose fairness is audited.
enum Decision {
    /// `Ŷ = score ≥ threshold`.
    Threshold(f64),
    /// Decisions made by a rule described in words.
    Explicit { rule: String, decided: Vec<bool> },
}

/// One row per person: what the service decided and what happened.
struct Audited {
    service: &'static str,
    subject: String,
    persons: Vec<NationalId>,
    ages: Vec<u32>,
    outcome: Vec<bool>,
    /// In [0, 1]; audited for calibration where it is a probability.
    score: Vec<f64>,
    decision: Decision,
    notes: Vec<String>,
    data_version: String,
    /// S7's model, written as model.json and summarised in the model card.
    model: Option<LogisticModel>,
}

pub(super) fn audit(data: &Path, args: AuditArgs) -> anyhow::Result<Outcome> {
    let audited = match args.service.as_str() {
        "S7" => s7(data, &args)?,
        "S6" => s6(data)?,
        "S4" => s4(data, &args)?,
        other => anyhow::bail!(
            "{other} has no fairness audit: audit S4, S6 or S7 (S1–S3 apply rules or optimise \
             and predict nothing; S5 is measured by its randomised experiment)"
        ),
    };
    if !audited.outcome.iter().any(|&y| y) {
        anyhow::bail!(
            "no breast-cancer outcome among the {} audited persons; generate a larger population",
            audited.persons.len()
        );
    }
    let (o1, _) = super::read_for_service(data, "O1", governance::Scope::All)?;
    let groups = Groups::of(&o1, &audited.persons, &audited.ages);
    let attributes = groups.attributes();
    let audit = match &audited.decision {
        Decision::Threshold(t) => FairnessAudit::run(
            &audited.subject,
            &audited.outcome,
            &audited.score,
            *t,
            &attributes,
        )?,
        Decision::Explicit { rule, decided } => FairnessAudit::run_with_decisions(
            &audited.subject,
            rule,
            &audited.outcome,
            &audited.score,
            decided,
            &attributes,
        )?,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let write = |name: &str, text: String| -> anyhow::Result<()> {
        let p = args.out.join(name);
        std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))
    };
    let mut text = audit.to_text();
    let _ = writeln!(
        text,
        "AIF360 reference groups: the largest age band and county, the top income decile, the \
         majority population."
    );
    for note in &audited.notes {
        let _ = writeln!(text, "{note}");
    }
    let auc = svc_risk::eval::auc_delong(&audited.outcome, &audited.score);
    record(data, &audited, &audit, auc, &args)?;
    write("audit.txt", text.clone())?;
    write("audit.json", serde_json::to_string_pretty(&audit)?)?;
    if let Some(model) = &audited.model {
        write("model.json", model.to_json())?;
    }
    if args.export_predictions {
        let mut csv =
            String::from("outcome,score,age_band,county,income_decile,immigrant_background\n");
        for i in 0..audited.score.len() {
            let _ = writeln!(
                csv,
                "{},{:e},{},{},{},{}",
                audited.outcome[i] as u8,
                audited.score[i],
                groups.ages[i],
                groups.counties[i],
                groups.deciles[i],
                groups.backgrounds[i]
            );
        }
        write("audit-predictions.csv", csv)?;
    }
    print!("{text}");
    println!("Files written to {}", args.out.display());
    Ok(Outcome::Success)
}

/// S7: the lifestyle model on its cohort.
fn s7(data: &Path, args: &AuditArgs) -> anyhow::Result<Audited> {
    if !(0.0..1.0).contains(&args.select_rate) || args.select_rate == 0.0 {
        anyhow::bail!("--select-rate must be between 0 and 1");
    }
    let (s7, data_version) = super::read_for_service(data, "S7", governance::Scope::All)?;
    let cohort = svc_risk::lifestyle::cohort(&s7);
    if !cohort.y.iter().any(|&v| v) {
        anyhow::bail!("the S7 cohort has no breast-cancer diagnoses; generate a larger population");
    }
    let model = match &args.model {
        Some(path) => LogisticModel::load(path)?,
        None => svc_risk::lifestyle::train(&cohort, "stored synthetic population (S7 read)")?,
    };
    model
        .check(cohort.x.row(0))
        .context("the model does not take the lifestyle features")?;
    let mut notes = permitted_notes("S7", &model.describe().features)?;
    let score: Vec<f64> = (0..cohort.x.rows)
        .map(|i| model.score(cohort.x.row(i)))
        .collect();
    let mut sorted = score.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let k = ((args.select_rate * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    let threshold = sorted[k - 1];
    notes.insert(
        0,
        format!(
            "Selection: the {:.0} % highest scores (threshold {threshold:.5}). The model is scored \
             on the cohort it was trained on unless --model names another.",
            100.0 * args.select_rate
        ),
    );
    Ok(Audited {
        service: "S7",
        subject: format!("S7 lifestyle model ({})", model.describe().name),
        persons: cohort.persons,
        ages: cohort.ages,
        outcome: cohort.y,
        score,
        decision: Decision::Threshold(threshold),
        notes,
        data_version,
        model: Some(model),
    })
}

/// S6: the risk categories of the women 35–69 of the S7-style cohort (survey answer, outcome =
/// a diagnosis up to the reference date).
fn s6(data: &Path) -> anyhow::Result<Audited> {
    use svc_risk::followup::{self, Category, Policy};
    let policy = Policy::builtin()?;
    let (s6, data_version) = super::read_for_service(data, "S6", governance::Scope::All)?;
    let permitted = permitted_notes("S6", &followup::GAIL_FEATURES)?;
    let cohort = svc_risk::lifestyle::cohort(&s6);
    let answers: HashMap<NationalId, &registers::LifestyleSurvey> =
        s6.lifestyle.iter().rev().map(|a| (a.person, a)).collect();
    let (mut persons, mut ages, mut outcome, mut score, mut decided) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut inconsistent = 0;
    for (i, person) in cohort.persons.iter().enumerate() {
        let age = cohort.ages[i];
        if !(followup::AGES.0..=followup::AGES.1).contains(&age) {
            continue;
        }
        let Some(answer) = answers.get(person) else {
            continue;
        };
        let Ok(assessment) =
            followup::assess(&policy, *person, age, followup::gail_input(answer, age))
        else {
            inconsistent += 1;
            continue;
        };
        persons.push(*person);
        ages.push(age);
        outcome.push(cohort.y[i]);
        score.push(assessment.lifetime);
        decided.push(assessment.category != Category::Population);
    }
    let mut notes = vec![format!(
        "Retrospective: the risk is computed from the survey answer for women whose diagnosis \
         is already recorded, as if before it; score = Gail remaining-lifetime risk, outcome = a diagnosis in the \
         cohort window, so the calibration columns (E/O, Brier) compare different horizons \
         and do not apply. {inconsistent} contradictory answers left out (they stay in the \
         standard programme)."
    )];
    notes.extend(permitted);
    Ok(Audited {
        service: "S6",
        subject: "S6 risk-stratified follow-up (Gail model, NICE CG164 categories)".into(),
        persons,
        ages,
        outcome,
        score,
        decision: Decision::Explicit {
            rule: "moderate or high risk (moved out of the standard programme)".into(),
            decided,
        },
        notes,
        data_version,
        model: None,
    })
}

/// S4: one simulated round under an AI workflow.
fn s4(data: &Path, args: &AuditArgs) -> anyhow::Result<Audited> {
    use svc_screening::{Calibration, Population, Workflow, WorkflowKind};
    let kind: WorkflowKind = args.workflow.parse().context("--workflow")?;
    let workflow = Workflow::default_for(kind);
    let (s4, data_version) = super::read_for_service(data, "S4", governance::Scope::All)?;
    let population = Population::from_registers(&s4)?;
    let exams =
        svc_screening::exam_outcomes(&population, workflow, &Calibration::default(), args.seed, 0)?;
    let women = exams.iter().map(|e| &population.women[e.woman]);
    Ok(Audited {
        service: "S4",
        subject: format!(
            "S4 screening round, {} ({})",
            kind.name_en(),
            workflow.describe_thresholds()
        ),
        persons: women.clone().map(|w| w.person).collect(),
        ages: women.map(|w| u32::from(w.age)).collect(),
        outcome: exams.iter().map(|e| e.cancer).collect(),
        score: exams.iter().map(|e| e.ai_position / 10.0).collect(),
        decision: Decision::Explicit {
            rule: format!("recalled under {}", kind.name_en()),
            decided: exams.iter().map(|e| e.recalled).collect(),
        },
        notes: vec![format!(
            "Simulated round (seed {}, replicate 0) of {} invited women, {} screened. Score = the \
             AI's position in (0, 10] divided by 10: a rank, not a probability, so its \
             calibration columns do not apply. Outcome = a cancer visible now or surfacing \
             before the next round; TPR = the share of those recalled.",
            args.seed,
            population.women.len(),
            exams.len()
        )],
        data_version,
        model: None,
    })
}

/// Checks a model's features against the service's manifest and says which protected
/// characteristics it uses with which permission.
fn permitted_notes<S: AsRef<str>>(service: &str, features: &[S]) -> anyhow::Result<Vec<String>> {
    let manifests = governance::Manifests::builtin();
    let manifest = manifests
        .get(service)
        .with_context(|| format!("no manifest for {service}"))?;
    let permitted = oversight::features::check(manifest, features)?;
    Ok(permitted
        .iter()
        .map(|p| {
            format!(
                "Protected characteristic used: {:?} is {} — permitted by the {service} manifest: {} ({})",
                p.finding.feature,
                p.finding.characteristic.name_en(),
                p.permission.reason,
                p.permission.basis
            )
        })
        .collect())
}

/// The group labels of the audited persons.
struct Groups {
    ages: Vec<String>,
    counties: Vec<String>,
    deciles: Vec<String>,
    backgrounds: Vec<String>,
    reference_age: String,
    reference_county: String,
    has_income: bool,
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

impl Groups {
    /// Labels from the registers delivered under O1: county of the latest residence, income
    /// decile among the audited (latest assessment, rank-based), immigrant background.
    fn of(o1: &Registers, persons: &[NationalId], ages: &[u32]) -> Groups {
        let on = o1.reference_date;
        let background: HashMap<NationalId, &str> = o1
            .persons
            .iter()
            .map(|p| (p.id, p.background.code()))
            .collect();
        let residence = o1.latest_residences(on);
        let mut income: HashMap<NationalId, (u16, i64)> = HashMap::new();
        for t in &o1.tax_assessments {
            let e = income
                .entry(t.person)
                .or_insert((t.income_year, t.personinntekt + t.kapitalinntekt));
            if t.income_year > e.0 {
                *e = (t.income_year, t.personinntekt + t.kapitalinntekt);
            }
        }
        let mut with_income: Vec<(i64, usize)> = persons
            .iter()
            .enumerate()
            .filter_map(|(i, p)| income.get(p).map(|v| (v.1, i)))
            .collect();
        with_income.sort();
        let mut deciles = vec!["none".to_owned(); persons.len()];
        let m = with_income.len();
        for (rank, (_, i)) in with_income.iter().enumerate() {
            deciles[*i] = format!("D{:02}", rank * 10 / m.max(1) + 1);
        }
        let ages: Vec<String> = ages.iter().map(|&a| age_band(a).to_owned()).collect();
        let counties: Vec<String> = persons
            .iter()
            .map(|p| {
                residence.get(p).map_or("unknown".to_owned(), |r| {
                    r.municipality.county().to_string()
                })
            })
            .collect();
        let backgrounds: Vec<String> = persons
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
        Groups {
            reference_age: largest(&ages),
            reference_county: largest(&counties),
            has_income: m > 0,
            ages,
            counties,
            deciles,
            backgrounds,
        }
    }

    fn attributes(&self) -> [Attribute<'_>; 4] {
        [
            Attribute {
                name: "age_band",
                groups: &self.ages,
                privileged: Some(&self.reference_age),
            },
            Attribute {
                name: "county",
                groups: &self.counties,
                privileged: Some(&self.reference_county),
            },
            Attribute {
                name: "income_decile",
                groups: &self.deciles,
                privileged: self.has_income.then_some("D10"),
            },
            Attribute {
                name: "immigrant_background",
                groups: &self.backgrounds,
                privileged: self
                    .backgrounds
                    .iter()
                    .any(|b| b == "majority")
                    .then_some("majority"),
            },
        ]
    }
}

/// Records the audit's figures for the algorithm register: S7's as `S7` (with the model), the
/// others' as `S4-fairness` / `S6-fairness`: AUC of the score, the selection rate, and for each
/// attribute the Fairlearn demographic-parity and equalised-odds differences (between groups).
fn record(
    data: &Path,
    audited: &Audited,
    audit: &FairnessAudit,
    auc: Option<svc_risk::eval::Auc>,
    args: &AuditArgs,
) -> anyhow::Result<()> {
    use governance::{Figure, Measurement};
    let (id, source) = match audited.service {
        "S7" => (
            "S7".to_string(),
            format!(
                "mulighetsrom oversight audit S7 --select-rate {}",
                args.select_rate
            ),
        ),
        "S4" => (
            "S4-fairness".to_string(),
            format!(
                "mulighetsrom oversight audit S4 --workflow {} --seed {}",
                args.workflow, args.seed
            ),
        ),
        other => (
            format!("{other}-fairness"),
            format!("mulighetsrom oversight audit {other}"),
        ),
    };
    let mut m = Measurement::now(&id, &source);
    m.data_version = Some(audited.data_version.clone());
    m.people_affected = Some(audit.n);
    if let Some(a) = auc {
        m = m.figure(
            Figure::new(
                "auc",
                "AUC (ROC) på de reviderte",
                "ROC AUC on the audited persons",
                a.auc,
                "",
            )
            .with_ci(a.lower, a.upper),
        );
    }
    m = m.figure(Figure::new(
        "selection_rate",
        "Andel valgt ut",
        &format!("Share selected ({})", audit.decision_rule),
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
    if let Some(model) = &audited.model {
        let card = model.describe();
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
                "Scored on the stored S7 cohort ({} women) the model was trained on unless \
                 --model names another (in-sample AUC); fairness audited by age band, county, \
                 income decile and immigrant background with the top {:.0} % selected.",
                audit.n,
                100.0 * args.select_rate
            ),
        });
    }
    governance::MeasurementStore::open(data)
        .record(&m)
        .with_context(|| format!("recording the {id} measurement"))
}
