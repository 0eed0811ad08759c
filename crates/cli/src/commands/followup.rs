//! `mulighetsrom risk followup`: S6, risk-stratified screening recommendations for the stored
//! population, their effect on programme capacity, and each woman's explanation.
//!
//! Registers are read under S6's manifest through the access layer. With `--record` each
//! recommendation is stored as a decision (so it shows in the woman's insight report, with its
//! explanation) and a receipt is appended to the audit log. A recommendation that moves a woman
//! out of the standard programme is stored as waiting for a physician (manual handling) unless
//! `--reviewer` names the physician who reviewed the batch.

use crate::Outcome;
use anyhow::Context;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use svc_risk::followup::{self, Assessment, Category, NotAssessed, Policy, Reviewer};

/// The decision store's service id.
const SERVICE: &str = "S6";

/// Arguments of `risk followup`.
#[derive(clap::Args, Debug)]
pub struct FollowupArgs {
    /// Print the explanation for this woman (national identity number) in bokmål and English.
    #[arg(long, value_name = "ID")]
    person: Option<String>,
    /// Store the recommendations as decisions (insight report, audit-log receipts).
    #[arg(long)]
    record: bool,
    /// The physician who reviewed the recommendations ("Name, role"); without it, every
    /// recommendation outside the standard programme waits for review.
    #[arg(long, value_name = "NAME")]
    reviewer: Option<String>,
    /// Directory for report.txt, report.json and chart.svg.
    #[arg(long, value_name = "DIR", default_value = "followup")]
    out: PathBuf,
}

pub fn run(data: &Path, args: FollowupArgs) -> anyhow::Result<Outcome> {
    let policy = Policy::builtin().context("the shipped follow-up policy")?;
    let manifests = governance::Manifests::builtin();
    let manifest = manifests.get(SERVICE).context("no manifest for S6")?;
    oversight::features::check(manifest, &followup::GAIL_FEATURES)?;
    let (registers, data_version) = super::read_for_service(data, SERVICE, governance::Scope::All)?;
    let strat = followup::stratify(&policy, &registers)?;

    let mut by_category: BTreeMap<Category, usize> = BTreeMap::new();
    for a in &strat.assessed {
        *by_category.entry(a.category).or_default() += 1;
    }
    let mut by_reason: BTreeMap<NotAssessed, usize> = BTreeMap::new();
    for n in &strat.not_assessed {
        *by_reason.entry(n.2).or_default() += 1;
    }
    let reviewer_of = |a: &Assessment| match (a.category, &args.reviewer) {
        (Category::Population, _) => Reviewer::NotNeeded,
        (_, Some(name)) => Reviewer::Decided(name.clone()),
        (_, None) => Reviewer::Pending,
    };

    let text = report_text(&policy, &strat, &by_category, &by_reason);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let write = |name: &str, body: String| -> anyhow::Result<()> {
        let p = args.out.join(name);
        std::fs::write(&p, body).with_context(|| format!("writing {}", p.display()))
    };
    write("report.txt", text.clone())?;
    write(
        "report.json",
        serde_json::to_string_pretty(&serde_json::json!({
            "policy": policy,
            "assessed": strat.assessed.len(),
            "by_category": by_category.iter().map(|(c, n)| (format!("{c:?}"), n)).collect::<BTreeMap<_, _>>(),
            "not_assessed": by_reason.iter().map(|(r, n)| (format!("{r:?}"), n)).collect::<BTreeMap<_, _>>(),
            "capacity": strat.capacity,
            "data_version": data_version,
        }))?,
    )?;
    write("chart.svg", chart_svg(&strat, &by_category))?;
    print!("{text}");

    if let Some(id) = &args.person {
        let person = identity::NationalId::parse(id)
            .with_context(|| format!("{id:?} is not a valid national identity number"))?;
        match strat.assessed.iter().find(|a| a.person == person) {
            Some(a) => {
                let r = reviewer_of(a);
                println!("\n— {id} (bokmål) —\n{}", a.explain(&policy, &r, false));
                println!("— {id} (English) —\n{}", a.explain(&policy, &r, true));
            }
            None => match strat.not_assessed.iter().find(|n| n.0 == person) {
                Some(n) => println!(
                    "\n{id} was not assessed ({:?}) and stays in the standard programme.",
                    n.2
                ),
                None => anyhow::bail!(
                    "{id} is not a woman aged {}–{} in the S6 population",
                    followup::AGES.0,
                    followup::AGES.1
                ),
            },
        }
    }

    if args.record {
        let (stored, receipts) = record(data, &registers, &policy, &strat, &data_version, |a| {
            reviewer_of(a)
        })?;
        println!(
            "Stored {stored} recommendations as S6 decisions; {receipts} audit-log receipts appended."
        );
    }
    record_measurement(data, &strat, &by_category, data_version)?;
    println!("Files written to {}", args.out.display());
    Ok(Outcome::Success)
}

fn pct(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

fn report_text(
    policy: &Policy,
    strat: &followup::Stratification,
    by_category: &BTreeMap<Category, usize>,
    by_reason: &BTreeMap<NotAssessed, usize>,
) -> String {
    let n = strat.assessed.len();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "S6 — persontilpasset screening / risk-stratified screening (policy from {})",
        policy.valid_from
    );
    let _ = writeln!(
        s,
        "Kvinner vurdert / women assessed (35–69, Gail model): {n}"
    );
    for c in [Category::Population, Category::Moderate, Category::High] {
        let k = by_category.get(&c).copied().unwrap_or(0);
        let _ = writeln!(
            s,
            "  {:<24} {:>8}  {:>6.2} %   ({})",
            c.name_nb(),
            k,
            pct(k, n),
            c.name_en()
        );
    }
    let not: usize = by_reason.values().sum();
    let _ = writeln!(
        s,
        "Ikke vurdert (blir i det vanlige programmet) / not assessed (stay in the standard programme): {not}"
    );
    for (r, k) in by_reason {
        let why = match r {
            NotAssessed::NoSurveyAnswer => "no survey answer (no risk data)",
            NotAssessed::PreviousBreastCancer => {
                "previous breast cancer (clinical follow-up, outside the model)"
            }
            NotAssessed::InconsistentAnswer => {
                "survey answer contradicts itself (a person must check it)"
            }
        };
        let _ = writeln!(s, "  {why:<66} {k:>8}");
    }
    let c = &strat.capacity;
    let _ = writeln!(s, "Kapasitet per år / capacity per year (all women 35–69):");
    let _ = writeln!(
        s,
        "  mammografier, vanlig program / mammograms, standard programme: {:>10.0}",
        c.baseline_mammograms
    );
    let _ = writeln!(
        s,
        "  mammografier, risikostratifisert / mammograms, stratified:     {:>10.0}  ({:+.1} %)",
        c.stratified_mammograms,
        100.0 * c.mammogram_change()
    );
    let _ = writeln!(
        s,
        "  MR i tillegg / supplemental MRI:                                {:>10.0}",
        c.stratified_mri
    );
    let t = &policy.thresholds;
    let _ = writeln!(
        s,
        "Terskler / thresholds: lifetime > {:.0} % moderate, ≥ {:.0} % high; 40–50 risk ≥ {:.0} % moderate, > {:.0} % high — {} [{:?}]",
        100.0 * t.lifetime_moderate,
        100.0 * t.lifetime_high,
        100.0 * t.ten_year_40_50_moderate,
        100.0 * t.ten_year_40_50_high,
        t.source,
        t.status
    );
    for ph in &policy.schedule {
        let _ = writeln!(
            s,
            "  {:?}: {} — {} [{:?}]",
            ph.category,
            ph.describe_en(),
            ph.source,
            ph.status
        );
    }
    let _ = writeln!(
        s,
        "Caveats: the Gail model is calibrated to US women (SEER 1983–87) and not validated in Norway; \
         biopsies are not in the registers and are counted as none; the lifetime risk is the \
         remaining risk to 90. {}",
        t.note
    );
    s
}

/// Stores one decision per assessed woman and appends the receipts.
fn record(
    data: &Path,
    registers: &registers::Registers,
    policy: &Policy,
    strat: &followup::Stratification,
    data_version: &str,
    reviewer_of: impl Fn(&Assessment) -> Reviewer,
) -> anyhow::Result<(usize, usize)> {
    use store::{BatchHeader, DecisionStatus, NewDecision, RulesVersion};
    let on = registers.reference_date;
    let residence = registers.latest_residences(on);
    let files = BTreeMap::from([(
        "crates/svc-risk/policy/followup.toml".to_string(),
        store::sha256_hex(followup::POLICY_TOML.as_bytes()),
    )]);
    let header = BatchHeader {
        service: SERVICE.to_string(),
        period: on.format("%Y").to_string(),
        area: None,
        rules: RulesVersion::new(
            concat!("svc-risk ", env!("CARGO_PKG_VERSION"), " followup"),
            files,
        ),
        data_version: data_version.to_string(),
        decided_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let decisions = strat.assessed.iter().map(|a| {
        let reviewer = reviewer_of(a);
        let status = match reviewer {
            Reviewer::Pending => DecisionStatus::ManualHandling,
            Reviewer::Decided(_) | Reviewer::NotNeeded => DecisionStatus::Decided,
        };
        let phases: Vec<String> = policy
            .phases(a.category)
            .filter(|p| p.to_age >= a.age)
            .map(|p| p.describe_en())
            .collect();
        NewDecision {
            // Like S1's keys: stable per woman, without showing her number.
            case_key: format!(
                "kvinne-{}",
                &store::sha256_hex(format!("S6:{}", a.person.expose()).as_bytes())[..16]
            ),
            area: residence
                .get(&a.person)
                .map_or_else(|| "unknown".to_string(), |r| r.municipality.to_string()),
            status,
            amount: None,
            result: serde_json::json!({
                "category": a.category,
                "lifetime_risk": a.lifetime,
                "risk_40_50": a.ten_year_40_50,
                "recommendation": phases,
                "decided_by": match &reviewer {
                    Reviewer::Decided(name) => serde_json::Value::from(name.as_str()),
                    Reviewer::Pending => "pending physician review".into(),
                    Reviewer::NotNeeded => "standard programme, no review needed".into(),
                },
            }),
            explanation: serde_json::json!({
                "nb": a.explain(policy, &reviewer, false),
                "en": a.explain(policy, &reviewer, true),
            })
            .to_string(),
            inputs: serde_json::json!({ "age": a.age, "gail": a.input }),
            subjects: vec![a.person],
        }
    });
    let mut store = store::DecisionStore::open(data)
        .with_context(|| format!("cannot open the decision store in {}", data.display()))?;
    let report = store.record_batch(header.clone(), decisions)?;
    let receipts = super::log_decision_receipts(data, &header, &report)?;
    Ok((strat.assessed.len(), receipts))
}

fn record_measurement(
    data: &Path,
    strat: &followup::Stratification,
    by_category: &BTreeMap<Category, usize>,
    data_version: String,
) -> anyhow::Result<()> {
    use governance::{Figure, Measurement};
    let n = strat.assessed.len();
    let share = |c| pct(by_category.get(&c).copied().unwrap_or(0), n);
    let mut m = Measurement::now("S6", "mulighetsrom risk followup")
        .figure(Figure::new(
            "share_moderate",
            "Andel med moderat forhøyet risiko",
            "Share at moderate risk",
            share(Category::Moderate),
            "%",
        ))
        .figure(Figure::new(
            "share_high",
            "Andel med høy risiko",
            "Share at high risk",
            share(Category::High),
            "%",
        ))
        .figure(Figure::new(
            "mammogram_change",
            "Endring i mammografier per år",
            "Change in mammograms per year",
            100.0 * strat.capacity.mammogram_change(),
            "%",
        ))
        .figure(Figure::new(
            "mri_per_year",
            "MR-undersøkelser i tillegg per år",
            "Supplemental MRI per year",
            strat.capacity.stratified_mri,
            "",
        ));
    m.data_version = Some(data_version);
    m.people_affected = Some(n as u64);
    governance::MeasurementStore::open(data)
        .record(&m)
        .context("recording the S6 measurement")
}

/// Two bar groups: the share of women per category, and mammograms per year before and after.
fn chart_svg(strat: &followup::Stratification, by_category: &BTreeMap<Category, usize>) -> String {
    let n = strat.assessed.len();
    let (w, h) = (640.0, 300.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <title id=\"t\">S6: risikokategorier og kapasitet / risk categories and capacity</title>\n\
         <desc id=\"d\">Left: share of assessed women per risk category. Right: mammograms per year in the standard programme and under risk-stratified screening.</desc>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    let base = 250.0;
    let _ = writeln!(
        s,
        "<text x=\"20\" y=\"24\" font-weight=\"bold\">Andel kvinner per risikokategori / share per category</text>"
    );
    let colours = ["#1b6ca8", "#e08e0b", "#b3261e"];
    for (i, c) in [Category::Population, Category::Moderate, Category::High]
        .into_iter()
        .enumerate()
    {
        let p = pct(by_category.get(&c).copied().unwrap_or(0), n);
        let bh = 200.0 * p / 100.0;
        let x = 30.0 + 90.0 * i as f64;
        let _ = writeln!(
            s,
            "<rect x=\"{x}\" y=\"{:.1}\" width=\"60\" height=\"{bh:.1}\" fill=\"{}\"><title>{}: {p:.2} %</title></rect>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{p:.1} %</text>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            base - bh,
            colours[i],
            c.name_en(),
            x + 30.0,
            base - bh - 4.0,
            x + 30.0,
            base + 16.0,
            c.name_en()
        );
    }
    let cap = &strat.capacity;
    let max = cap
        .baseline_mammograms
        .max(cap.stratified_mammograms)
        .max(1.0);
    let _ = writeln!(
        s,
        "<text x=\"340\" y=\"24\" font-weight=\"bold\">Mammografier per år / mammograms per year</text>"
    );
    for (i, (label, v)) in [
        ("standard", cap.baseline_mammograms),
        ("stratified", cap.stratified_mammograms),
    ]
    .into_iter()
    .enumerate()
    {
        let bh = 200.0 * v / max;
        let x = 360.0 + 110.0 * i as f64;
        let _ = writeln!(
            s,
            "<rect x=\"{x}\" y=\"{:.1}\" width=\"70\" height=\"{bh:.1}\" fill=\"#555\"><title>{label}: {v:.0}</title></rect>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{v:.0}</text>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>",
            base - bh,
            x + 35.0,
            base - bh - 4.0,
            x + 35.0,
            base + 16.0
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"20\" y1=\"{base}\" x2=\"620\" y2=\"{base}\" stroke=\"black\"/>\n</svg>"
    );
    s
}
