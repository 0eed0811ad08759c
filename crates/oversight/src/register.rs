//! The public algorithm register: one entry per service on the spectrum (S1–S7), in the field
//! sets of the Dutch Algoritmeregister and the UK Algorithmic Transparency Recording Standard
//! (ATRS), with an EU AI Act art. 27 fundamental-rights impact assessment (FRIA) skeleton and a
//! model card where a service has a model.
//!
//! Why generated: a register typed by hand drifts from the system it describes. Every field
//! here comes from the service's manifest (purpose, legal basis, data, automation, AI Act class,
//! permitted protected features) or from the service's latest recorded measurement (figures,
//! people affected, the model), so publishing the register is running one command, and a
//! service with no measurement says so and names the command that measures it.
//!
//! Field names follow the standards: Algoritmeregister-Publicatiestandaard ch. 2 (general,
//! responsible use, operation, metadata) and ATRS v3 tiers 1 and 2.

mod html;

pub use html::to_html;

use chrono::{DateTime, Utc};
use governance::manifest::{AiActClass, Automation, Kind, Status};
use governance::{Manifest, Manifests, Measurement};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where the platform's source code is, as the register publishes it.
pub const SOURCE_CODE: &str =
    "Mulighetsrom repository: crates/ (code) and governance/manifests/ (declarations)";

/// Where the register's inputs come from.
pub struct Sources<'a> {
    /// The manifests.
    pub manifests: &'a Manifests,
    /// Latest measurements by id (`S7`, `S4-model`, …).
    pub measurements: &'a BTreeMap<String, Measurement>,
    /// The command that measures each service (shown when a measurement is missing).
    pub how_to_measure: &'a BTreeMap<String, Vec<String>>,
    /// The version of the stored registers now, to flag measurements taken on older data.
    pub current_data_version: Option<&'a str>,
    /// Where the source code is published.
    pub source_code: &'a str,
    /// When the register is generated.
    pub generated_at: DateTime<Utc>,
}

/// The whole register.
#[derive(Clone, Debug, Serialize)]
pub struct AlgorithmRegister {
    /// When generated.
    pub generated_at: DateTime<Utc>,
    /// The standards the fields follow.
    pub standards: Vec<String>,
    /// One entry per service, in spectrum order.
    pub entries: Vec<RegisterEntry>,
}

/// One service's entry.
#[derive(Clone, Debug, Serialize)]
pub struct RegisterEntry {
    /// Service id.
    pub id: String,
    /// Place on the spectrum (1 rules … 7 prediction from lifestyle).
    pub spectrum: u8,
    /// Kind.
    pub kind: Kind,
    /// Name in bokmål.
    pub name_nb: String,
    /// Name in English.
    pub name_en: String,
    /// The latest measurements (the service's own and its parts, e.g. `S4-model`).
    pub measurements: Vec<MeasurementView>,
    /// Commands that would measure what is missing.
    pub missing_measurements: Vec<String>,
    /// Algoritmeregister fields.
    pub algoritmeregister: Algoritmeregister,
    /// ATRS fields.
    pub atrs: Atrs,
    /// FRIA skeleton (for AI systems).
    pub fria: Option<Fria>,
    /// Model card (for services with a measured model).
    pub model_card: Option<ModelCard>,
}

/// A measurement as published.
#[derive(Clone, Debug, Serialize)]
pub struct MeasurementView {
    /// Its id.
    pub id: String,
    /// The measurement.
    pub measurement: Measurement,
    /// Taken on other data than the store holds now.
    pub stale: bool,
}

/// Algoritmeregister-Publicatiestandaard ch. 2 fields.
#[derive(Clone, Debug, Serialize)]
pub struct Algoritmeregister {
    /// Name (< 100 characters).
    pub name: String,
    /// Short description (< 350 characters, plain language).
    pub description_short: String,
    /// Organisation.
    pub organization: String,
    /// Theme.
    pub theme: String,
    /// Status.
    pub status: String,
    /// Contact.
    pub contact_email: String,
    /// Publication category: A high-risk AI, B impactful, C other.
    pub publication_category: String,
    /// Goal and impact.
    pub goal_and_impact: String,
    /// Considerations (trade-offs).
    pub considerations: String,
    /// Human intervention.
    pub human_intervention: String,
    /// Risk management.
    pub risk_management: String,
    /// Legal basis, with links.
    pub legal_basis: Vec<LegalBasisView>,
    /// Processing register (GDPR art. 30) reference.
    pub processing_register: String,
    /// Impact assessments.
    pub impact_assessments: Vec<String>,
    /// Data sources.
    pub source_data: Vec<String>,
    /// How it works.
    pub technical_operation: String,
    /// Supplier.
    pub supplier: String,
    /// Source code.
    pub source_code_link: String,
    /// Metadata: language.
    pub lang: String,
    /// Keywords.
    pub keywords: Vec<String>,
}

/// A legal basis as published.
#[derive(Clone, Debug, Serialize)]
pub struct LegalBasisView {
    /// Citation.
    pub title: String,
    /// Link.
    pub link: String,
    /// GDPR basis.
    pub gdpr: String,
    /// Checked against the consolidated text or not.
    pub verified: bool,
}

/// ATRS v3 tiers 1 and 2.
#[derive(Clone, Debug, Serialize)]
pub struct Atrs {
    /// Tier 1: name.
    pub name: String,
    /// Tier 1: description.
    pub description: String,
    /// Tier 1: contact.
    pub contact: String,
    /// Tier 2: owner and responsibility.
    pub owner_and_responsibility: String,
    /// Tier 2: description and rationale.
    pub description_and_rationale: String,
    /// Tier 2: decision-making process.
    pub decision_making_process: String,
    /// Tier 2: tool specification.
    pub tool_specification: String,
    /// Tier 2: data.
    pub data: String,
    /// Tier 2: risks, mitigations and impact assessments.
    pub risks_mitigations_and_impact_assessments: String,
}

/// EU AI Act art. 27 FRIA, the six elements, as a skeleton the controller completes and signs.
#[derive(Clone, Debug, Serialize)]
pub struct Fria {
    /// Whether art. 27 requires it (a public body deploying a high-risk system) or it is kept
    /// voluntarily.
    pub required: bool,
    /// (a) The deployer's process in which the system is used.
    pub process: String,
    /// (b) Period and frequency of use.
    pub period_and_frequency: String,
    /// (c) Categories of natural persons and groups affected.
    pub affected_groups: String,
    /// (d) Specific risks of harm to them.
    pub specific_risks: Vec<String>,
    /// (e) Human oversight measures.
    pub oversight_measures: Vec<String>,
    /// (f) Measures if risks materialise (governance, complaints).
    pub response: Vec<String>,
    /// Status of the document.
    pub status: String,
}

/// A model card (Mitchell et al., "Model Cards for Model Reporting", FAT* 2019).
#[derive(Clone, Debug, Serialize)]
pub struct ModelCard {
    /// Model details.
    pub model_details: String,
    /// Intended use.
    pub intended_use: String,
    /// Uses out of scope.
    pub out_of_scope: String,
    /// Factors (groups the evaluation looks at).
    pub factors: Vec<String>,
    /// Metrics with values.
    pub metrics: Vec<String>,
    /// Evaluation data.
    pub evaluation_data: String,
    /// Training data.
    pub training_data: String,
    /// Features, each with whether it touches a protected characteristic and its permission.
    pub features: Vec<String>,
    /// Ethical considerations.
    pub ethical_considerations: String,
    /// Caveats.
    pub caveats: String,
}

/// The `mulighetsrom` commands that record each service's measurements (what the register shows
/// as missing), for the CLI and the web app alike.
pub fn how_to_measure() -> BTreeMap<String, Vec<String>> {
    [
        ("S1", vec!["mulighetsrom kindergarten decide"]),
        ("S2", vec!["mulighetsrom kindergarten compare-s2"]),
        ("S3", vec!["mulighetsrom roster plan --municipality"]),
        (
            "S4",
            vec![
                "mulighetsrom screening simulate",
                "mulighetsrom screening evaluate-model",
                "mulighetsrom oversight audit S4",
            ],
        ),
        ("S5", vec!["mulighetsrom prevention campaign"]),
        (
            "S6",
            vec![
                "mulighetsrom risk followup",
                "mulighetsrom oversight audit S6",
            ],
        ),
        ("S7", vec!["mulighetsrom oversight audit S7"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect()
}

/// Threshold above which a demographic-parity or equalised-odds difference is listed as a risk
/// in the FRIA (Fairlearn's differences range 0–1; 0.1 is a common review trigger, not a law).
pub const DISPARITY_REVIEW: f64 = 0.10;

/// The register as the running deployment publishes it now: this platform's commands for
/// missing measurements and its source-code location (the CLI and the web app both use this).
pub fn build_now(
    manifests: &Manifests,
    measurements: &BTreeMap<String, Measurement>,
    current_data_version: Option<&str>,
) -> AlgorithmRegister {
    build(&Sources {
        manifests,
        measurements,
        how_to_measure: &how_to_measure(),
        current_data_version,
        source_code: SOURCE_CODE,
        generated_at: Utc::now(),
    })
}

/// Builds the register from manifests and measurements.
pub fn build(src: &Sources<'_>) -> AlgorithmRegister {
    let mut entries: Vec<RegisterEntry> = src
        .manifests
        .iter()
        .filter_map(|m| m.spectrum.map(|s| (s, m)))
        .map(|(s, m)| entry(src, s, m))
        .collect();
    entries.sort_by_key(|e| e.spectrum);
    AlgorithmRegister {
        generated_at: src.generated_at,
        standards: vec![
            "Algoritmeregister-Publicatiestandaard (MinBZK), hoofdstuk 2".into(),
            "UK Algorithmic Transparency Recording Standard v3, tiers 1–2".into(),
            "EU AI Act (Regulation (EU) 2024/1689) art. 27 FRIA".into(),
            "Model Cards for Model Reporting (Mitchell et al., FAT* 2019)".into(),
        ],
        entries,
    }
}

/// The measurements of a service: its own (`S4`) and its parts' (`S4-model`, `S4-fairness`).
pub fn measurements_of<'a>(
    measurements: &'a BTreeMap<String, Measurement>,
    id: &str,
) -> Vec<(&'a String, &'a Measurement)> {
    let part = format!("{id}-");
    measurements
        .iter()
        .filter(|(k, _)| *k == id || k.starts_with(&part))
        .collect()
}

fn theme(m: &Manifest) -> &'static str {
    let has = |prefix: &str| m.elements.iter().any(|e| e.starts_with(prefix));
    if has("barnehage.") {
        "Oppvekst og utdanning (barnehage) / Education (kindergarten)"
    } else if has("helse.") {
        "Helse (kreftscreening og forebygging) / Health (cancer screening and prevention)"
    } else if has("aa-registeret.") {
        "Helse og omsorg, arbeidstid / Health and care, working time"
    } else {
        "Offentlig forvaltning / Public administration"
    }
}

fn automation_text(a: Automation) -> &'static str {
    match a {
        Automation::FullyAutomated => "Fully automated decision (GDPR art. 22 applies): the rules decide; every case they cannot decide is routed to a caseworker, and every decision can be appealed (klage) and reviewed by a person on request. / Helautomatisert vedtak; saker reglene ikke kan avgjøre går til saksbehandler, og alle vedtak kan påklages.",
        Automation::DecisionSupport => "Decision support: the system proposes, a named person decides and is recorded as the decider; the person can override or stop the system. / Beslutningsstøtte: systemet foreslår, en navngitt person avgjør.",
        Automation::HumanDecides => "A person decides; the system provides data and measurements only. / En person avgjør; systemet gir bare data og målinger.",
    }
}

fn entry(src: &Sources<'_>, spectrum: u8, m: &Manifest) -> RegisterEntry {
    let measured = measurements_of(src.measurements, &m.id);
    let measurements: Vec<MeasurementView> = measured
        .iter()
        .map(|(k, v)| MeasurementView {
            id: (*k).clone(),
            measurement: (*v).clone(),
            stale: matches!(
                (src.current_data_version, &v.data_version),
                (Some(now), Some(then)) if now != then
            ),
        })
        .collect();
    let missing_measurements: Vec<String> = src
        .how_to_measure
        .get(&m.id)
        .map(|cmds| {
            cmds.iter()
                .filter(|c| {
                    !measured
                        .iter()
                        .any(|(_, v)| &v.source == *c || v.source.starts_with(c.as_str()))
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let people: Option<u64> = measured.iter().filter_map(|(_, v)| v.people_affected).max();
    let org = match &m.controller.orgnr {
        Some(orgnr) => format!("{} (org.nr. {orgnr})", m.controller.name),
        None => m.controller.name.clone(),
    };
    let legal_basis: Vec<LegalBasisView> = m
        .legal_basis
        .iter()
        .map(|b| LegalBasisView {
            title: b.title.clone(),
            link: b.url.clone(),
            gdpr: b.gdpr.clone(),
            verified: b.status == Status::Verified,
        })
        .collect();
    let source_data: Vec<String> = m
        .elements
        .iter()
        .map(|e| match governance::elements::element(e) {
            Some(el) => format!(
                "{e}: {}{}",
                el.description_en,
                if el.sensitive {
                    " (special category, GDPR art. 9)"
                } else {
                    ""
                }
            ),
            None => e.clone(),
        })
        .collect();
    let figures_line = figures_summary(&measurements);
    let high_risk = m.ai_act == AiActClass::HighRisk;
    let is_ai = m.ai_act != AiActClass::NotAiSystem;
    let permitted: Vec<String> = m
        .permitted_features
        .iter()
        .map(|p| {
            format!(
                "{} — {} ({})",
                p.characteristic.name_en(),
                p.reason,
                p.basis
            )
        })
        .collect();
    let mut impact_assessments = vec![format!(
        "DPIA (GDPR art. 35): processing of {} — to be completed by the controller",
        if m.elements.iter().any(|e| e.starts_with("helse.")) {
            "health data (art. 9)"
        } else {
            "register data about many people"
        }
    )];
    if is_ai {
        impact_assessments.push("FRIA (AI Act art. 27): generated skeleton below".to_string());
    }
    let risk_management = format!(
        "Reads only the declared data elements through the access layer, which refuses anything else and logs every read (allowed and refused) in a signed, tamper-evident Merkle log; the person concerned sees every read and decision with an inclusion proof (innsyn).{}{}",
        if is_ai {
            " Protected characteristics and their proxies are refused as model features unless permitted below; fairness is audited by age band, county, income decile and immigrant background."
        } else {
            ""
        },
        if permitted.is_empty() {
            String::new()
        } else {
            format!(" Permitted protected features: {}.", permitted.join("; "))
        }
    );
    let description_short = truncate(
        &format!(
            "{} {}",
            m.purpose.description_nb,
            automation_short_nb(m.automation)
        ),
        350,
    );
    let algoritmeregister = Algoritmeregister {
        name: truncate(&m.name_nb, 99),
        description_short,
        organization: org.clone(),
        theme: theme(m).to_string(),
        status: if measurements.is_empty() {
            "i utvikling / in development".into()
        } else {
            "i bruk (demonstrasjon på syntetiske data) / in use (demonstration on synthetic data)"
                .into()
        },
        contact_email: "personvernombud@<behandlingsansvarlig> (set by the deploying body)".into(),
        publication_category: if high_risk {
            "A — høyrisiko-KI / high-risk AI".into()
        } else {
            "B — virkningsfull algoritme / impactful algorithm".into()
        },
        goal_and_impact: format!(
            "{} {}{}",
            m.purpose.description_en,
            people
                .map(|n| format!("Latest run concerned {n} people. "))
                .unwrap_or_default(),
            figures_line
        ),
        considerations: m.ai_act_reason.clone(),
        human_intervention: automation_text(m.automation).to_string(),
        risk_management,
        legal_basis,
        processing_register: format!(
            "Service manifest {} (purpose {:?}, retention {} years: {})",
            m.source.display(),
            m.purpose.id,
            m.retention_years,
            m.retention_basis
        ),
        impact_assessments,
        source_data: source_data.clone(),
        technical_operation: technical_operation(m),
        supplier: "Mulighetsrom (developed in-house, open source)".into(),
        source_code_link: src.source_code.to_string(),
        lang: "nb, en".into(),
        keywords: vec![m.id.clone(), format!("{:?}", m.kind).to_lowercase()],
    };
    let atrs = Atrs {
        name: m.name_en.clone(),
        description: m.purpose.description_en.clone(),
        contact: "The controller's data-protection officer (set by the deploying body)".into(),
        owner_and_responsibility: format!(
            "Owner: {org}. Senior responsible owner: set by the deploying body. Supplier: Mulighetsrom (in-house). Data access: purpose-bound through the access layer under manifest {}.",
            m.source.display()
        ),
        description_and_rationale: format!(
            "{} Place on the data-driven public services spectrum: {spectrum} of 7.",
            m.purpose.description_en
        ),
        decision_making_process: automation_text(m.automation).to_string(),
        tool_specification: technical_operation(m),
        data: source_data.join("; "),
        risks_mitigations_and_impact_assessments: format!(
            "AI Act class: {:?} — {} {}",
            m.ai_act, m.ai_act_reason, figures_line
        ),
    };
    let fria = is_ai.then(|| fria(m, &measurements, people, high_risk));
    let model_card = measurements
        .iter()
        .find_map(|v| v.measurement.model.as_ref().map(|model| (v, model)))
        .map(|(v, model)| model_card(m, v, model, &measurements));
    RegisterEntry {
        id: m.id.clone(),
        spectrum,
        kind: m.kind,
        name_nb: m.name_nb.clone(),
        name_en: m.name_en.clone(),
        measurements,
        missing_measurements,
        algoritmeregister,
        atrs,
        fria,
        model_card,
    }
}

fn automation_short_nb(a: Automation) -> &'static str {
    match a {
        Automation::FullyAutomated => {
            "Vedtaket fattes automatisk; tvilstilfeller går til saksbehandler."
        }
        Automation::DecisionSupport => "Systemet foreslår; et menneske avgjør.",
        Automation::HumanDecides => "Et menneske avgjør.",
    }
}

fn technical_operation(m: &Manifest) -> String {
    match m.kind {
        Kind::Rules => "Deterministic rules written from the regulation, with every parameter as dated data with its source; each decision carries an explanation tree citing the paragraphs applied and the data used.".into(),
        Kind::RulesMoreData => "The same rules as S1 with monthly income and household changes from more registers; the comparison with S1 is published per household.".into(),
        Kind::Optimisation => "Optimisation of staff rotas under the Working Environment Act's hard rules (a rota that breaks one is never proposed) with soft preferences scored per rule and per employee; the planner pins and re-plans.".into(),
        Kind::Prediction => "A statistical model (logistic regression or the published Gail model; a vendor's certified model can be plugged in as ONNX) gives a probability; thresholds turn it into a proposal for a person to decide. Evaluated by cross-validation with confidence intervals and audited for fairness.".into(),
        Kind::Behavioural => "Randomised campaigns: recipients chosen by declared rules among those who consented, message variants against a control group, uplift estimated with confidence intervals; designs that add friction are flagged.".into(),
    }
}

fn fmt_value(v: f64, unit: &str) -> String {
    let digits = if v.abs() >= 100.0 || v.fract() == 0.0 {
        0
    } else if v.abs() >= 1.0 {
        2
    } else {
        3
    };
    if unit.is_empty() {
        format!("{v:.digits$}")
    } else {
        format!("{v:.digits$} {unit}")
    }
}

/// One line per figure, e.g. "ROC AUC on the audited cohort: 0.712 (95 % CI 0.690–0.734)".
pub fn figure_lines(m: &Measurement) -> Vec<String> {
    m.figures
        .iter()
        .map(|f| {
            let ci = f
                .ci95
                .map(|(l, h)| format!(" (95 % CI {}–{})", fmt_value(l, ""), fmt_value(h, "")))
                .unwrap_or_default();
            format!("{}: {}{ci}", f.label_en, fmt_value(f.value, &f.unit))
        })
        .collect()
}

fn figures_summary(measurements: &[MeasurementView]) -> String {
    if measurements.is_empty() {
        return "No measurement recorded yet.".into();
    }
    measurements
        .iter()
        .map(|v| {
            format!(
                "Measured {} by `{}`{}: {}.",
                v.measurement.measured_at.format("%Y-%m-%d"),
                v.measurement.source,
                if v.stale { " (on older data)" } else { "" },
                figure_lines(&v.measurement)
                    .into_iter()
                    .take(6)
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn fria(
    m: &Manifest,
    measurements: &[MeasurementView],
    people: Option<u64>,
    high_risk: bool,
) -> Fria {
    let mut risks = match m.kind {
        Kind::Prediction => vec![
            "False negatives: a person at risk is not followed up (missed or later-detected cancer).".to_string(),
            "False positives: needless recalls, anxiety, and extra examinations.".to_string(),
            "Automation bias: the person deciding follows the score without own judgement.".to_string(),
            "Unequal performance across groups (age, county, income, immigrant background).".to_string(),
        ],
        Kind::Behavioural => vec![
            "Manipulation or sludge: messages that pressure or add friction instead of informing (AI Act art. 5(1)(a); Ploug et al. 2012).".to_string(),
            "Unequal reach: people without a phone number or with low digital access receive less.".to_string(),
            "Consent drift: contacting people whose consent was withdrawn or expired.".to_string(),
        ],
        _ => vec!["Wrong decisions from wrong or outdated register data.".to_string()],
    };
    for v in measurements {
        for f in v.measurement.figures.iter().filter(|f| {
            (f.key.starts_with("dp_difference.") || f.key.starts_with("eo_difference."))
                && f.value > DISPARITY_REVIEW
        }) {
            risks.push(format!(
                "Measured disparity above the review trigger {DISPARITY_REVIEW}: {} = {:.3} ({}).",
                f.label_en, f.value, v.measurement.source
            ));
        }
    }
    for b in m
        .legal_basis
        .iter()
        .filter(|b| b.status == Status::Unverified)
    {
        risks.push(format!(
            "Legal basis not yet verified against the consolidated text: {}.",
            b.title
        ));
    }
    let mut oversight = vec![
        automation_text(m.automation).to_string(),
        "Every read of register data is purpose-bound, minimised and logged in a tamper-evident log; the person sees it with a proof (innsyn).".to_string(),
        "Protected characteristics and proxies are refused as features unless the manifest permits them with a legal basis.".to_string(),
        "A fairness audit (selection rate, TPR, FPR, calibration by group) is rerun with every model change and published here.".to_string(),
    ];
    for p in &m.permitted_features {
        oversight.push(format!(
            "Permitted protected feature: {} — {} ({}).",
            p.characteristic.name_en(),
            p.reason,
            p.basis
        ));
    }
    Fria {
        required: high_risk,
        process: format!(
            "{} {}",
            m.purpose.description_en,
            automation_text(m.automation)
        ),
        period_and_frequency: format!(
            "Continuous use; each run is recorded with its time and data version{}. Data and decisions are kept {} years ({}).",
            measurements
                .iter()
                .map(|v| v.measurement.measured_at)
                .max()
                .map(|t| format!(" (latest {})", t.format("%Y-%m-%d %H:%M UTC")))
                .unwrap_or_default(),
            m.retention_years,
            m.retention_basis
        ),
        affected_groups: format!(
            "{}{}; groups audited: age band, county, income decile, immigrant background.",
            subjects_text(m.subjects),
            people
                .map(|n| format!(", {n} people in the latest run"))
                .unwrap_or_default()
        ),
        specific_risks: risks,
        oversight_measures: oversight,
        response: vec![
            "Complaint (klage) to the controller and review by a person on request (GDPR art. 22(3); forvaltningsloven).".to_string(),
            "The data-protection officer and Datatilsynet (the Norwegian Data Protection Authority) can be contacted; serious incidents are reported (AI Act art. 73).".to_string(),
            "The service can be stopped at once by withdrawing its manifest: the access layer then refuses every read.".to_string(),
        ],
        status: format!(
            "Skeleton generated from the manifest and the latest measurements; to be completed and signed by the controller before first use{}.",
            if high_risk { " (required: a public body deploying a high-risk system, art. 27)" } else { " (kept voluntarily)" }
        ),
    }
}

fn subjects_text(c: governance::subjects::SubjectCategory) -> &'static str {
    use governance::subjects::SubjectCategory as S;
    match c {
        S::Everyone => "Everyone in the population the purpose covers",
        S::EnrolledChildrenAndFamilies => {
            "Children with a kindergarten place, their parents and the parents' partners"
        }
        S::Employees => "Employees of the units being planned",
    }
}

fn model_card(
    m: &Manifest,
    v: &MeasurementView,
    model: &governance::ModelSummary,
    all: &[MeasurementView],
) -> ModelCard {
    let features: Vec<String> = model
        .features
        .iter()
        .map(|f| match crate::features::classify(f) {
            Some(found) => match m.permits(found.characteristic) {
                Some(p) => format!(
                    "{f} — {} (permitted: {})",
                    found.characteristic.name_en(),
                    p.basis
                ),
                None => format!(
                    "{f} — {} (NOT permitted by the manifest)",
                    found.characteristic.name_en()
                ),
            },
            None => f.clone(),
        })
        .collect();
    let factors: Vec<String> = all
        .iter()
        .flat_map(|v| v.measurement.figures.iter())
        .filter_map(|f| f.key.strip_prefix("dp_difference.").map(str::to_string))
        .collect();
    ModelCard {
        model_details: format!("{} — {}", model.name, model.kind),
        intended_use: m.purpose.description_en.clone(),
        out_of_scope: "Deciding anything without a person's review; use on populations the model was not evaluated on; use of the score for other purposes than the manifest declares.".into(),
        factors,
        metrics: all.iter().flat_map(|v| figure_lines(&v.measurement)).collect(),
        evaluation_data: model.evaluation.clone(),
        training_data: model.training_data.clone(),
        features,
        ethical_considerations: format!(
            "{} Protected characteristics are refused as features unless the manifest permits them.",
            m.ai_act_reason
        ),
        caveats: format!(
            "Figures from `{}` on {}; synthetic registers stand in for real ones except where the evaluation data says otherwise.",
            v.measurement.source,
            v.measurement.measured_at.format("%Y-%m-%d")
        ),
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max_chars - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governance::{Figure, ModelSummary};

    fn sources<'a>(
        manifests: &'a Manifests,
        measurements: &'a BTreeMap<String, Measurement>,
        how: &'a BTreeMap<String, Vec<String>>,
    ) -> Sources<'a> {
        Sources {
            manifests,
            measurements,
            how_to_measure: how,
            current_data_version: Some("store-2/imports-0"),
            source_code: "https://example.org/mulighetsrom",
            generated_at: "2026-11-28T12:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn every_service_on_the_spectrum_gets_an_entry_and_missing_figures_name_their_command() {
        let manifests = Manifests::builtin();
        let none = BTreeMap::new();
        let how = BTreeMap::from([(
            "S7".to_string(),
            vec!["mulighetsrom oversight audit S7".to_string()],
        )]);
        let r = build(&sources(&manifests, &none, &how));
        let ids: Vec<&str> = r.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]);
        let s7 = &r.entries[6];
        assert_eq!(s7.missing_measurements, ["mulighetsrom oversight audit S7"]);
        assert!(s7.algoritmeregister.publication_category.starts_with('A'));
        assert!(s7.fria.as_ref().unwrap().required);
        assert!(r.entries[0].fria.is_none(), "S1 is not an AI system");
        assert!(r.entries[0]
            .algoritmeregister
            .publication_category
            .starts_with('B'));
        for e in &r.entries {
            assert!(e.algoritmeregister.name.chars().count() < 100);
            assert!(e.algoritmeregister.description_short.chars().count() <= 350);
            assert!(!e.algoritmeregister.legal_basis.is_empty());
        }
    }

    #[test]
    fn measurements_feed_goals_risks_and_the_model_card() {
        let manifests = Manifests::builtin();
        let mut m = Measurement::now("S7", "mulighetsrom oversight audit S7 --select-rate 0.1")
            .figure(Figure::new("auc", "AUC", "ROC AUC", 0.712, "").with_ci(0.69, 0.734))
            .figure(Figure::new(
                "dp_difference.county",
                "DP",
                "Demographic-parity difference, county",
                0.15,
                "",
            ));
        m.people_affected = Some(1234);
        m.data_version = Some("store-1/imports-0".into());
        m.model = Some(ModelSummary {
            name: "s7-lifestyle".into(),
            kind: "logistic regression".into(),
            features: vec!["daily smoker".into(), "age 50–54".into()],
            training_data: "synthetic cohort".into(),
            evaluation: "in-sample".into(),
        });
        let measurements = BTreeMap::from([("S7".to_string(), m)]);
        let how = BTreeMap::from([(
            "S7".to_string(),
            vec!["mulighetsrom oversight audit S7".to_string()],
        )]);
        let r = build(&sources(&manifests, &measurements, &how));
        let s7 = r.entries.iter().find(|e| e.id == "S7").unwrap();
        assert!(s7.missing_measurements.is_empty());
        assert!(
            s7.measurements[0].stale,
            "measured on store-1, store is store-2"
        );
        assert!(s7.algoritmeregister.goal_and_impact.contains("1234 people"));
        assert!(s7
            .algoritmeregister
            .goal_and_impact
            .contains("ROC AUC: 0.712 (95 % CI 0.690–0.734)"));
        let fria = s7.fria.as_ref().unwrap();
        assert!(fria
            .specific_risks
            .iter()
            .any(|r| r.contains("Demographic-parity difference, county = 0.150")));
        let card = s7.model_card.as_ref().unwrap();
        assert!(
            card.features[1].contains("age (permitted"),
            "{:?}",
            card.features
        );
        assert_eq!(card.factors, ["county"]);
    }
}
