//! `mulighetsrom kindergarten`: reduced kindergarten fees (S1): one case (`fee`), every enrolled
//! child of the stored population (`decide`), and reform simulation (`simulate`).

use crate::output::{bar, table, thousands};
use crate::Outcome;
use anyhow::Context;
use chrono::NaiveDate;
use registers::{FamilyUnit, Households, Municipalities, MunicipalityNumber, Registers};
use rules::{Parameters, Severity};
use std::collections::BTreeMap;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use store::{
    BatchHeader, BatchReport, CaseChange, ChangeKind, DecisionStatus, DecisionStore, NewDecision,
    RulesVersion, StoredDecision,
};
use svc_kindergarten::{
    compare_s1_s2, decide_all, decide_all_records, decision_json, describe_input_changes,
    fee_for_case, income_year, render_letter_to, rule_files, simulate, BatchOptions,
    DecisionRecord, FeeColumns, FeeRules, Lang, MonthlyIndex, ReassessmentRules, Reform,
    RegisterIndex, Zones, RULES_LABEL, SERVICE,
};

/// Arguments of `kindergarten`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The law directory with `parameters/` and `zones/` (default: ./law, else the one this
    /// program was built from).
    #[arg(long, global = true, env = "MULIGHETSROM_LAW", value_name = "DIR")]
    law: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Compute the monthly fee of one household given as case JSON, with explanations:
    /// {"date":"2024-09-01","municipality":"0301","household_income":480000,
    ///  "price_zone":"general","children":[{"id":"a","birth_date":"2021-03-14","weekly_hours":45}]}
    /// (`price_zone` optional; `household_income` null = unknown → manual handling).
    Fee(FeeArgs),
    /// Decide the fee of every child with a kindergarten place in the stored population for one
    /// month, from the registers, with explanations, and store the decisions in the data
    /// directory's decision store (decisions.sqlite): a rerun with unchanged registers and rules
    /// stores nothing; after register changes it stores a new version of exactly the changed
    /// cases and reports who changed and why. Optionally write every decision as JSON lines.
    ///
    /// Example: `mulighetsrom kindergarten decide --municipality 4601 --month 2024-03
    /// --report changes.json`
    Decide(DecideArgs),
    /// Every stored decision about a person (child or parent), newest first, from the decision
    /// store: period, version, status, fee, when, and the data and rules versions used.
    ///
    /// Example: `mulighetsrom kindergarten history --person 17912099997`
    History(HistoryArgs),
    /// Simulate a reform (a YAML file overriding legal parameters, see law/reforms/): parent
    /// payments and public cost before and after, per municipality and by income decile, as CSV,
    /// JSON and SVG charts.
    Simulate(SimulateArgs),
    /// S1 next to S2 (opt-in: household income re-assessed mid-year from a-ordningen monthly
    /// income after a substantial and lasting fall): families with a different fee, the budget
    /// effect, and the extra data elements S2 reads.
    CompareS2(CompareArgs),
    /// Write the decision letter (vedtak) of each household of a municipality for one month as
    /// HTML, in bokmål or English: amounts, grounds with legal basis and data used, and how to
    /// appeal; households that need manual handling get a letter saying why.
    Letter(LetterArgs),
}

#[derive(clap::Args, Debug)]
struct LetterArgs {
    /// The municipality (4-digit number, e.g. 4601).
    #[arg(long, value_name = "K")]
    municipality: String,
    /// The month decided (the rules and the registers as of its first day).
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// The language of the letters: nb (bokmål) or en (English).
    #[arg(long, value_name = "nb|en", default_value = "nb")]
    lang: Lang,
    /// Only household N (1-based, in the order of `decide --municipality K --out`'s `family`).
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "all",
        required_unless_present = "all"
    )]
    household: Option<usize>,
    /// Every household with a kindergarten place.
    #[arg(long)]
    all: bool,
    /// Directory for the letters (household-N.html).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// As for `decide`: assume the general price zone where the zone is unknown (the letter
    /// lists the assumption as a warning).
    #[arg(long)]
    assume_general_where_unknown: bool,
}

#[derive(clap::Args, Debug)]
struct CompareArgs {
    #[command(flatten)]
    population: Population,
    /// The month decided (synthetic registers hold a-ordningen income for 2023, so 2024-01 reads
    /// October–December 2023).
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// Write the comparison as JSON.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// As for `decide`: assume the general price zone where the zone is unknown (with a warning).
    #[arg(long)]
    assume_general_where_unknown: bool,
}

/// Which families: one municipality or all.
#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
struct Population {
    /// Only families living in this municipality (4-digit number, e.g. 4601).
    #[arg(long, value_name = "K")]
    municipality: Option<String>,
    /// Every family in the store.
    #[arg(long)]
    all: bool,
}

#[derive(clap::Args, Debug)]
struct DecideArgs {
    #[command(flatten)]
    population: Population,
    /// The month decided (the rules and the registers as of its first day).
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// Write every family's decision with its explanation as one JSON line.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Decide families whose price zone is unknown at the general makspris, with a warning on
    /// each such decision, instead of manual handling (the sentralitet 5–6 list is not sourced).
    #[arg(long)]
    assume_general_where_unknown: bool,
    /// Compare with the decision store and report what would change, without storing anything.
    #[arg(long)]
    dry_run: bool,
    /// Write the change report (new, changed and ended cases with subjects, fees before and
    /// after, and reasons) as JSON. It holds identity numbers: keep it like register data.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct HistoryArgs {
    /// The person's identity number (11 digits): a child or a parent.
    #[arg(long, visible_alias = "child", value_name = "ID")]
    person: String,
    /// Print the stored decisions (result, explanation, inputs) as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
struct SimulateArgs {
    /// The reform file (YAML; e.g. law/reforms/makspris-1500-kjernetid-sibling-40.yaml).
    #[arg(long, value_name = "FILE")]
    reform: PathBuf,
    /// The month simulated.
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// Only families living in this municipality (default: all).
    #[arg(long, value_name = "K")]
    municipality: Option<String>,
    /// Directory for the tables (CSV, JSON) and charts (SVG).
    #[arg(long, value_name = "DIR", default_value = "simulation")]
    out: PathBuf,
    /// As for `decide`: assume the general price zone where the zone is unknown (with a warning).
    #[arg(long)]
    assume_general_where_unknown: bool,
}

#[derive(clap::Args, Debug)]
struct FeeArgs {
    /// The case file, or `-` for standard input.
    #[arg(long, value_name = "FILE")]
    case: PathBuf,
}

/// The law directory: the option, else `./law`, else the repository this binary was built from.
pub fn law_dir(option: Option<PathBuf>) -> PathBuf {
    option.unwrap_or_else(|| {
        let local = PathBuf::from("law");
        if local.join("parameters").is_dir() {
            local
        } else {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../law")
        }
    })
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    let law = law_dir(args.law);
    let parameters = Parameters::load_dir(&law.join("parameters"))
        .with_context(|| format!("loading the legal parameters in {}", law.display()))?;
    let municipalities = Municipalities::embedded_2026();
    let zones = Zones::load(
        &law.join("zones/kindergarten-price-zones.yaml"),
        &municipalities,
    )
    .with_context(|| format!("loading the price zones in {}", law.display()))?;
    match args.command {
        Command::Fee(fee) => {
            let text = if fee.case.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .context("reading the case from standard input")?;
                s
            } else {
                std::fs::read_to_string(&fee.case)
                    .with_context(|| format!("reading {}", fee.case.display()))?
            };
            let result = fee_for_case(&text, &parameters, &zones, &municipalities)
                .with_context(|| format!("case {}", fee.case.display()))?;
            println!("{}", serde_json::to_string_pretty(&result)?);
            Ok(Outcome::Success)
        }
        Command::Decide(decide) => {
            let zone_file = law.join("zones/kindergarten-price-zones.yaml");
            let files = rule_files(&parameters, &zone_file)
                .with_context(|| format!("reading the rule files in {}", law.display()))?;
            let rules_version = RulesVersion::new(RULES_LABEL, files);
            run_decide(data, &parameters, &zones, rules_version, decide)
        }
        Command::History(history) => run_history(data, history),
        Command::Simulate(simulation) => {
            run_simulate(data, &parameters, &zones, &municipalities, simulation)
        }
        Command::CompareS2(compare) => run_compare(data, &parameters, &zones, compare),
        Command::Letter(letter) => run_letter(data, &parameters, &zones, letter),
    }
}

fn run_compare(
    data: &Path,
    parameters: &Parameters,
    zones: &Zones,
    args: CompareArgs,
) -> anyhow::Result<Outcome> {
    let date = month_start(&args.month)?;
    let rules = FeeRules::resolve(parameters, date)?;
    let reassessment = ReassessmentRules::resolve(parameters, date)?;
    let year = income_year(parameters, date)?;
    let (registers, data_version) =
        load_registers(data, "A1", args.population.municipality.as_deref())?;
    let (_, families) =
        selected_families(&registers, date, args.population.municipality.as_deref())?;
    let index = RegisterIndex::new(&registers);
    let monthly = MonthlyIndex::new(&registers);
    let columns = FeeColumns::build(date, year, &index, zones, &families);
    let options = BatchOptions {
        assume_general_where_unknown: args.assume_general_where_unknown,
    };
    let report = compare_s1_s2(
        &rules,
        &reassessment,
        &columns,
        &families,
        &index,
        &monthly,
        year,
        &options,
    );
    {
        use governance::{Figure, Measurement};
        let mut m = Measurement::now(
            "S2",
            &format!(
                "mulighetsrom kindergarten compare-s2 --month {}",
                args.month
            ),
        )
        .figure(Figure::new(
            "families_reassessed",
            "Familier med inntekt revurdert av S2",
            "Families whose income S2 re-assessed",
            report.families_reassessed as f64,
            "",
        ))
        .figure(Figure::new(
            "families_different_fee",
            "Familier med annen pris under S2",
            "Families with a different fee under S2",
            report.families_with_different_fee as f64,
            "",
        ))
        .figure(Figure::new(
            "budget_effect_yearly",
            "Budsjettvirkning per år (S1 − S2)",
            "Budget effect per year (S1 − S2)",
            report.budget_effect_yearly as f64,
            "NOK",
        ));
        m.data_version = Some(data_version);
        m.people_affected = Some(report.children as u64);
        governance::MeasurementStore::open(data)
            .record(&m)
            .context("recording the S2 measurement")?;
    }
    println!(
        "S1 vs S2 for {}: S1 reads the {year} assessment; S2 also reads a-ordningen {} \
         (fall of at least {} in each of {} months)\n",
        args.month,
        report.window.join(", "),
        reassessment.decrease_share.value,
        reassessment.lasting_months.value
    );
    let n = |v: usize| thousands(v as i64);
    let rows = vec![
        vec!["".to_string(), "families".into(), "children".into()],
        vec![
            "with a place".into(),
            n(report.families),
            n(report.children),
        ],
        vec![
            "a-ordningen complete for the window".into(),
            n(report.families_assessable),
            String::new(),
        ],
        vec![
            "income re-assessed by S2".into(),
            n(report.families_reassessed),
            String::new(),
        ],
        vec![
            "different fee under S2".into(),
            n(report.families_with_different_fee),
            n(report.children_with_different_fee),
        ],
    ];
    println!("{}", table(&rows));
    let rows = vec![
        vec![
            "NOK".to_string(),
            "S1".into(),
            "S2".into(),
            "S1 − S2".into(),
        ],
        vec![
            "parent payments / month".into(),
            thousands(report.parent_payments_s1),
            thousands(report.parent_payments_s2),
            thousands(report.budget_effect_monthly),
        ],
        vec![
            "budget effect / year".into(),
            String::new(),
            String::new(),
            thousands(report.budget_effect_yearly),
        ],
    ];
    println!("{}", table(&rows));
    let mut rows = vec![vec![
        "read by".to_string(),
        "register".into(),
        "data element".into(),
        "records".into(),
    ]];
    for e in &report.data_elements {
        rows.push(vec![
            e.read_by.clone(),
            e.register.clone(),
            e.element.clone(),
            thousands(e.records as i64),
        ]);
    }
    println!("{}", table(&rows));
    if let Some(path) = &args.out {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("Comparison written to {}", path.display());
    }
    Ok(Outcome::Success)
}

/// The first day of `YYYY-MM`.
fn month_start(month: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .with_context(|| format!("--month: '{month}' is not a month (YYYY-MM, e.g. 2024-09)"))
}

fn parse_municipality(
    text: &str,
    municipalities: &Municipalities,
) -> anyhow::Result<MunicipalityNumber> {
    let number: MunicipalityNumber = text
        .parse()
        .map_err(|e| anyhow::anyhow!("--municipality: {e}"))?;
    if municipalities.get(number).is_none() {
        anyhow::bail!(
            "--municipality: {number} is not a municipality; `mulighetsrom municipalities` lists them"
        );
    }
    Ok(number)
}

/// The register data `service` may read, through the access layer, and the version of the
/// stored registers it came from: one municipality's residents and their parents and partners
/// when `--municipality` is given, else everyone (within the manifest's category of subjects).
fn load_registers(
    data: &Path,
    service: &str,
    municipality: Option<&str>,
) -> anyhow::Result<(Registers, String)> {
    let scope = match municipality {
        Some(text) => governance::Scope::Municipality(
            text.parse()
                .map_err(|e| anyhow::anyhow!("--municipality: {e}"))?,
        ),
        None => governance::Scope::All,
    };
    super::read_for_service(data, service, scope)
}

fn open_decisions(data: &Path) -> anyhow::Result<DecisionStore> {
    DecisionStore::open(data).with_context(|| {
        format!(
            "cannot open the decision store in {} (choose another directory with --data DIR or MULIGHETSROM_DATA)",
            data.display()
        )
    })
}

/// A family's record in the store's terms.
fn new_decision(record: DecisionRecord) -> NewDecision {
    NewDecision {
        case_key: record.case_key,
        area: record.municipality.to_string(),
        status: DecisionStatus::from_code(record.status).unwrap_or(DecisionStatus::ManualHandling),
        amount: record.amount,
        result: record.result,
        explanation: record.explanation,
        inputs: record.inputs,
        subjects: record.subjects,
    }
}

fn fee_text(amount: Option<i64>, status: Option<DecisionStatus>) -> String {
    match (amount, status) {
        (Some(a), _) => format!("{} NOK", thousands(a)),
        (None, Some(DecisionStatus::ManualHandling)) => "manual handling".to_string(),
        (None, Some(DecisionStatus::Ended)) => "ended".to_string(),
        _ => "–".to_string(),
    }
}

/// Why a case changed, in English or bokmål: inputs, status, rules.
fn reasons(change: &CaseChange, lang: Lang) -> Vec<String> {
    let en = lang == Lang::En;
    let mut out = Vec::new();
    match change.kind {
        ChangeKind::New => out.push(if en { "new case" } else { "ny sak" }.to_string()),
        ChangeKind::Ended => out.push(
            if en {
                "no child of the family has a place any more (or the family moved out of the area)"
            } else {
                "ingen barn i familien har plass lenger (eller familien har flyttet ut av området)"
            }
            .to_string(),
        ),
        ChangeKind::Changed => {
            if change.resumed {
                out.push(
                    if en {
                        "case resumed after it had ended"
                    } else {
                        "saken er tatt opp igjen etter at den var avsluttet"
                    }
                    .to_string(),
                );
            }
            let after = change.inputs_after.clone().unwrap_or_default();
            out.extend(describe_input_changes(
                change
                    .input_changes
                    .iter()
                    .map(|c| (c.path.as_slice(), c.before.as_ref(), c.after.as_ref())),
                &after,
                lang,
            ));
            if change.status_before != Some(change.status_after) {
                let code = |s: Option<DecisionStatus>| s.map_or("–", |s| s.code());
                out.push(format!(
                    "status {} → {}",
                    code(change.status_before),
                    code(Some(change.status_after))
                ));
            }
            for file in &change.rules_changes {
                out.push(if en {
                    format!("rules changed: {}", file.file)
                } else {
                    format!("regelverket er endret: {}", file.file)
                });
            }
            if change.result_changed {
                out.push(
                    if en {
                        "the result differs with the same inputs and rules (a changed program)"
                    } else {
                        "resultatet er endret med samme opplysninger og regler (endret program)"
                    }
                    .to_string(),
                );
            }
        }
    }
    out
}

fn change_json(change: &CaseChange) -> serde_json::Value {
    let kind = match change.kind {
        ChangeKind::New => "new",
        ChangeKind::Changed => "changed",
        ChangeKind::Ended => "ended",
    };
    serde_json::json!({
        "kind": kind,
        "case_key": change.case_key,
        "area": change.area,
        "subjects": change.subjects.iter().map(|id| id.expose()).collect::<Vec<_>>(),
        "version_before": change.version_before,
        "version_after": change.version_after,
        "status_before": change.status_before.map(|s| s.code()),
        "status_after": change.status_after.code(),
        "fee_before": change.amount_before,
        "fee_after": change.amount_after,
        "reasons": reasons(change, Lang::En),
        "reasons_nb": reasons(change, Lang::Nb),
        "input_changes": change.input_changes.iter().map(|c| serde_json::json!({
            "field": c.path.join("."),
            "before": c.before,
            "after": c.after,
        })).collect::<Vec<_>>(),
        "rules_changes": change.rules_changes.iter().map(|c| serde_json::json!({
            "file": c.file,
            "before": c.before,
            "after": c.after,
        })).collect::<Vec<_>>(),
    })
}

fn report_json(
    header: &BatchHeader,
    report: &BatchReport,
    dry_run: bool,
    store_seconds: f64,
) -> serde_json::Value {
    serde_json::json!({
        "service": header.service,
        "period": header.period,
        "area": header.area,
        "dry_run": dry_run,
        "batch_id": report.batch_id,
        "rules_version": header.rules.version,
        "data_version": header.data_version,
        "decided_at": header.decided_at,
        "decisions": report.decisions,
        "new": report.new.len(),
        "unchanged": report.unchanged,
        "changed": report.changed.len(),
        "ended": report.ended.len(),
        "stored_rows": report.stored_rows,
        "store_seconds": store_seconds,
        "cases": report.changed.iter().chain(&report.ended).chain(&report.new)
            .map(change_json).collect::<Vec<_>>(),
    })
}

/// Prints the store summary and the changed and ended cases with reasons (at most `limit`).
fn print_store_report(
    path: &Path,
    report: &BatchReport,
    dry_run: bool,
    seconds: f64,
    limit: usize,
) {
    println!(
        "{}{} decisions: {} new, {} unchanged, {} changed, {} ended ({}; {} rows in {}, {seconds:.1} s)",
        if dry_run { "DRY RUN, nothing stored: " } else { "" },
        thousands(report.decisions as i64),
        thousands(report.new.len() as i64),
        thousands(report.unchanged as i64),
        thousands(report.changed.len() as i64),
        thousands(report.ended.len() as i64),
        if dry_run {
            "compared".to_string()
        } else if report.batch_id == 0 {
            "nothing to store".to_string()
        } else {
            format!("stored as batch {}", report.batch_id)
        },
        thousands(report.stored_rows as i64),
        path.display(),
    );
    // On a first run every case is new; listing them says nothing.
    let first_run = report.unchanged == 0 && report.changed.is_empty() && report.ended.is_empty();
    let mut listed: Vec<&CaseChange> = report.changed.iter().chain(&report.ended).collect();
    if !first_run {
        listed.extend(&report.new);
    }
    for change in listed.iter().take(limit) {
        let kind = match change.kind {
            ChangeKind::New => "new",
            ChangeKind::Changed => "changed",
            ChangeKind::Ended => "ended",
        };
        println!(
            "  {kind} {} ({}, {}): fee {} → {}: {}",
            change.case_key,
            change.area,
            change
                .subjects
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            fee_text(change.amount_before, change.status_before),
            fee_text(change.amount_after, Some(change.status_after)),
            reasons(change, Lang::En).join("; ")
        );
    }
    if listed.len() > limit {
        println!(
            "  … and {} more (--report FILE.json lists them all)",
            thousands((listed.len() - limit) as i64)
        );
    }
}

fn run_history(data: &Path, args: HistoryArgs) -> anyhow::Result<Outcome> {
    let person: identity::NationalId = args
        .person
        .parse()
        .map_err(|e| anyhow::anyhow!("--person: {e}"))?;
    let store = open_decisions(data)?;
    let decisions = store.decisions_about(&person)?;
    if args.json {
        let list: Vec<serde_json::Value> = decisions.iter().map(stored_json).collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(Outcome::Success);
    }
    if decisions.is_empty() {
        println!(
            "No stored decisions about {person} in {}",
            store.path().display()
        );
        return Ok(Outcome::Success);
    }
    println!(
        "{} stored decisions about {person}, newest first ({}):\n",
        decisions.len(),
        store.path().display()
    );
    let mut rows = vec![vec![
        "service".to_string(),
        "period".into(),
        "case".into(),
        "version".into(),
        "status".into(),
        "fee / month".into(),
        "decided at".into(),
        "data".into(),
        "rules".into(),
    ]];
    for d in &decisions {
        rows.push(vec![
            d.service.clone(),
            d.period.clone(),
            d.case_key.clone(),
            d.version.to_string(),
            d.status.code().to_string(),
            fee_text(d.amount, Some(d.status)),
            d.decided_at.clone(),
            d.data_version.clone(),
            d.rules_version.chars().take(12).collect(),
        ]);
    }
    println!("{}", table(&rows));
    Ok(Outcome::Success)
}

fn stored_json(d: &StoredDecision) -> serde_json::Value {
    serde_json::json!({
        "service": d.service,
        "case_key": d.case_key,
        "period": d.period,
        "version": d.version,
        "status": d.status.code(),
        "area": d.area,
        "amount": d.amount,
        "decided_at": d.decided_at,
        "data_version": d.data_version,
        "rules_version": d.rules_version,
        "inputs_digest": d.inputs_digest,
        "subjects": d.subjects.iter().map(|s| s.expose()).collect::<Vec<_>>(),
        "result": d.result,
        "explanation": d.explanation,
        "inputs": d.inputs,
    })
}

/// The `--municipality` option (when given) and the family units living there (or everywhere)
/// on `date`.
fn selected_families(
    registers: &Registers,
    date: NaiveDate,
    municipality: Option<&str>,
) -> anyhow::Result<(Option<MunicipalityNumber>, Vec<FamilyUnit>)> {
    let municipality = municipality
        .map(|m| parse_municipality(m, &registers.municipalities))
        .transpose()?;
    Ok((municipality, families_on(registers, date, municipality)))
}

/// The family units living in the selected municipality (or all) on `date`.
fn families_on(
    registers: &Registers,
    date: NaiveDate,
    municipality: Option<MunicipalityNumber>,
) -> Vec<FamilyUnit> {
    let mut families = Households::derive(registers, date).families;
    if let Some(m) = municipality {
        families.retain(|f| f.municipality == m);
    }
    families
}

/// Counts and amounts of a decision run.
#[derive(Default)]
struct Summary {
    families: [usize; 3],
    children: [usize; 3],
    payments: i64,
    full_price: i64,
    findings: BTreeMap<(String, &'static str), usize>,
}

/// Records the batch's figures as S1's latest measurement, for the algorithm register.
fn record_s1(
    data: &Path,
    header: &BatchHeader,
    summary: &Summary,
    args: &DecideArgs,
) -> anyhow::Result<()> {
    use governance::{Figure, Measurement};
    let families: usize = summary.families.iter().sum();
    let share = |k: usize| 100.0 * summary.families[k] as f64 / families.max(1) as f64;
    let mut m = Measurement::now(
        SERVICE,
        &format!("mulighetsrom kindergarten decide --month {}", args.month),
    )
    .figure(Figure::new(
        "families",
        "Familier med vedtak",
        "Families decided",
        families as f64,
        "",
    ))
    .figure(Figure::new(
        "manual_share",
        "Andel til manuell behandling",
        "Share routed to manual handling",
        share(2),
        "%",
    ))
    .figure(Figure::new(
        "warning_share",
        "Andel vedtak med merknader",
        "Share decided with warnings",
        share(1),
        "%",
    ))
    .figure(Figure::new(
        "reduction_nok_per_month",
        "Reduksjon og friplasser per måned (mot makspris)",
        "Reductions and free hours per month (against the maximum price)",
        (summary.full_price - summary.payments) as f64,
        "NOK",
    ));
    m.data_version = Some(header.data_version.clone());
    m.people_affected = Some(summary.children.iter().sum::<usize>() as u64);
    governance::MeasurementStore::open(data)
        .record(&m)
        .context("recording the S1 measurement")
}

fn run_decide(
    data: &Path,
    parameters: &Parameters,
    zones: &Zones,
    rules_version: RulesVersion,
    args: DecideArgs,
) -> anyhow::Result<Outcome> {
    let date = month_start(&args.month)?;
    let rules = FeeRules::resolve(parameters, date)?;
    let year = income_year(parameters, date)?;
    let (registers, data_version) =
        load_registers(data, "S1", args.population.municipality.as_deref())?;
    let (municipality, families) =
        selected_families(&registers, date, args.population.municipality.as_deref())?;
    let header = BatchHeader {
        service: SERVICE.to_string(),
        period: args.month.clone(),
        area: municipality.map(|m| m.to_string()),
        rules: rules_version,
        data_version,
        decided_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let mut decision_store = open_decisions(data)?;
    let mut store_seconds = 0.0;
    let started = std::time::Instant::now();
    let mut writer = if args.dry_run {
        decision_store.begin_dry_run(header.clone())?
    } else {
        decision_store.begin_batch(header.clone())?
    };
    store_seconds += started.elapsed().as_secs_f64();
    let index = RegisterIndex::new(&registers);
    let options = BatchOptions {
        assume_general_where_unknown: args.assume_general_where_unknown,
    };
    let mut out = match &args.out {
        Some(path) => Some(BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => None,
    };
    let progress = bar(families.len() as u64, "deciding families");
    let mut summary = Summary::default();
    let mut line = 0usize;
    // Chunks bound the memory of explanations (about 10 kB a family) on national runs.
    for chunk in families.chunks(16_384) {
        let decided = decide_all_records(&rules, year, &index, zones, chunk, &options);
        let mut records = Vec::with_capacity(decided.len());
        let mut decisions = Vec::with_capacity(decided.len());
        for (family, record) in decided {
            decisions.push(family);
            records.push(record);
        }
        let started = std::time::Instant::now();
        writer.record_all(records.into_iter().map(new_decision).collect())?;
        store_seconds += started.elapsed().as_secs_f64();
        for family in &decisions {
            let decision = &family.decision;
            let code = match decision.outcome.status() {
                "decided" => 0,
                "decided_with_warnings" => 1,
                _ => 2,
            };
            summary.families[code] += 1;
            summary.children[code] += family.children.len();
            if decision.outcome.is_decided() {
                summary.payments += decision.result.total_monthly_fee.unwrap_or(0);
                summary.full_price += decision
                    .result
                    .children
                    .iter()
                    .filter_map(|c| c.full_price)
                    .sum::<i64>();
            }
            for finding in decision.outcome.findings() {
                let severity = match finding.severity {
                    Severity::Warning => "warning",
                    Severity::ManualHandling => "manual handling",
                };
                *summary
                    .findings
                    .entry((finding.code.clone(), severity))
                    .or_default() += 1;
            }
            if let Some(out) = out.as_mut() {
                line += 1;
                let mut json = decision_json(decision);
                if let Some(object) = json.as_object_mut() {
                    object.insert("family".into(), line.into());
                    object.insert(
                        "municipality".into(),
                        family.municipality.to_string().into(),
                    );
                }
                serde_json::to_writer(&mut *out, &json)?;
                out.write_all(b"\n")?;
            }
        }
        progress.inc(chunk.len() as u64);
    }
    progress.finish_and_clear();
    if let Some(mut out) = out {
        out.flush()?;
    }
    let started = std::time::Instant::now();
    let report = writer.finish()?;
    store_seconds += started.elapsed().as_secs_f64();
    if !args.dry_run {
        let logged = super::log_decision_receipts(data, &header, &report)?;
        tracing::info!(
            entries = logged,
            "decision receipts appended to the audit log"
        );
        record_s1(data, &header, &summary, &args)?;
    }
    tracing::info!(
        seconds = store_seconds,
        "decision store: compared and recorded"
    );
    let area = match municipality {
        Some(m) => format!(
            "{m} {}",
            registers
                .municipalities
                .get(m)
                .map_or("", |x| x.name.as_str())
        ),
        None => "all municipalities".to_string(),
    };
    println!(
        "Kindergarten fees (S1) for {}, {area}; household income year {year}{}\n",
        args.month,
        if options.assume_general_where_unknown {
            "; unknown price zones ASSUMED general (warning on each decision)"
        } else {
            ""
        }
    );
    let f = &summary.families;
    let c = &summary.children;
    let rows = vec![
        vec!["outcome".to_string(), "families".into(), "children".into()],
        vec![
            "decided".into(),
            thousands(f[0] as i64),
            thousands(c[0] as i64),
        ],
        vec![
            "decided with warnings".into(),
            thousands(f[1] as i64),
            thousands(c[1] as i64),
        ],
        vec![
            "manual handling".into(),
            thousands(f[2] as i64),
            thousands(c[2] as i64),
        ],
        vec![
            "total".into(),
            thousands(f.iter().sum::<usize>() as i64),
            thousands(c.iter().sum::<usize>() as i64),
        ],
    ];
    println!("{}", table(&rows));
    let rows = vec![
        vec!["decided families, per month".to_string(), "NOK".into()],
        vec!["parent payments".into(), thousands(summary.payments)],
        vec![
            "price at makspris (hours share)".into(),
            thousands(summary.full_price),
        ],
        vec![
            "reduction vs makspris".into(),
            thousands(summary.full_price - summary.payments),
        ],
    ];
    println!("{}", table(&rows));
    if !summary.findings.is_empty() {
        let mut rows = vec![vec![
            "finding".to_string(),
            "severity".into(),
            "families".into(),
        ]];
        for ((code, severity), n) in &summary.findings {
            rows.push(vec![
                code.clone(),
                severity.to_string(),
                thousands(*n as i64),
            ]);
        }
        println!("{}", table(&rows));
    }
    if summary
        .findings
        .keys()
        .any(|(code, _)| code == "price_zone_unknown")
    {
        println!(
            "The sentralitet 5–6 municipality list is not sourced (law/zones/), so where zone prices \
             differ those families need manual handling; --assume-general-where-unknown decides them \
             at the general makspris with a warning on each decision."
        );
    }
    if let Some(path) = &args.out {
        println!(
            "{} decisions with explanations written to {}",
            line,
            path.display()
        );
    }
    print_store_report(
        decision_store.path(),
        &report,
        args.dry_run,
        store_seconds,
        50,
    );
    if let Some(path) = &args.report {
        let json = report_json(&header, &report, args.dry_run, store_seconds);
        std::fs::write(path, serde_json::to_string_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("Change report written to {}", path.display());
    }
    Ok(Outcome::Success)
}

fn run_letter(
    data: &Path,
    parameters: &Parameters,
    zones: &Zones,
    args: LetterArgs,
) -> anyhow::Result<Outcome> {
    let date = month_start(&args.month)?;
    let rules = FeeRules::resolve(parameters, date)?;
    let year = income_year(parameters, date)?;
    let (registers, _) = load_registers(data, "S1", Some(&args.municipality))?;
    let municipality = parse_municipality(&args.municipality, &registers.municipalities)?;
    let name = registers.municipalities.get(municipality).map_or_else(
        || municipality.to_string(),
        |m| format!("{} kommune", m.name),
    );
    let families = families_on(&registers, date, Some(municipality));
    let index = RegisterIndex::new(&registers);
    let decisions = decide_all(
        &rules,
        year,
        &index,
        zones,
        &families,
        &BatchOptions {
            assume_general_where_unknown: args.assume_general_where_unknown,
        },
    );
    if let Some(n) = args.household {
        if n == 0 || n > decisions.len() {
            anyhow::bail!(
                "--household: {n} is not a household of {municipality} with a kindergarten place on {date} (1–{})",
                decisions.len()
            );
        }
    }
    // The adults of each family unit, found by its first child.
    let adults_of: std::collections::HashMap<_, _> = families
        .iter()
        .flat_map(|f| f.children.iter().map(move |c| (*c, &f.adults)))
        .collect();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut counts = [0usize; 2];
    for (i, family) in decisions.iter().enumerate() {
        let number = i + 1;
        if args.household.is_some_and(|n| n != number) {
            continue;
        }
        let adults = family
            .children
            .first()
            .and_then(|c| adults_of.get(c))
            .map_or(&[][..], |a| a.as_slice());
        let html = render_letter_to(family, adults, &name, date, args.lang);
        let path = args.out.join(format!("household-{number}.html"));
        std::fs::write(&path, html).with_context(|| format!("writing {}", path.display()))?;
        counts[usize::from(!family.decision.outcome.is_decided())] += 1;
    }
    println!(
        "{} letters ({} decisions, {} manual handling) for {municipality} {name}, {}, written to {}",
        counts[0] + counts[1],
        counts[0],
        counts[1],
        args.month,
        args.out.display()
    );
    Ok(Outcome::Success)
}

fn run_simulate(
    data: &Path,
    parameters: &Parameters,
    zones: &Zones,
    municipalities: &Municipalities,
    args: SimulateArgs,
) -> anyhow::Result<Outcome> {
    let date = month_start(&args.month)?;
    let origin = args.reform.display().to_string();
    let text = std::fs::read_to_string(&args.reform)
        .with_context(|| format!("reading the reform {origin}"))?;
    let reform = Reform::from_yaml(&text, &origin)?;
    let reformed = reform.apply(parameters, &origin)?;
    let baseline_rules = FeeRules::resolve(parameters, date)?;
    let reform_rules = FeeRules::resolve(&reformed, date)
        .with_context(|| format!("the parameters under the reform {origin}"))?;
    let year = income_year(parameters, date)?;
    let (registers, _) = load_registers(data, "A1", args.municipality.as_deref())?;
    let (municipality, families) =
        selected_families(&registers, date, args.municipality.as_deref())?;
    let index = RegisterIndex::new(&registers);
    let columns = FeeColumns::build(date, year, &index, zones, &families);
    let options = BatchOptions {
        assume_general_where_unknown: args.assume_general_where_unknown,
    };
    let mut report = simulate(
        &baseline_rules,
        &reform_rules,
        &columns,
        municipalities,
        &options,
    );
    report.reform = reform.name.clone();
    report.description = reform.description.clone();

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let files = [
        ("totals.csv", report.totals_csv()),
        ("municipalities.csv", report.municipalities_csv()),
        ("deciles.csv", report.deciles_csv()),
        ("report.json", serde_json::to_string_pretty(&report)?),
        ("deciles.svg", report.deciles_svg()),
        ("municipalities.svg", report.municipalities_svg(20)),
    ];
    for (name, content) in &files {
        let path = args.out.join(name);
        std::fs::write(&path, content).with_context(|| format!("writing {}", path.display()))?;
    }

    let t = &report.totals;
    println!(
        "Reform «{}» on {} ({}): {} families, {} children; compared (decided under both): {} families, {} children\n",
        reform.name,
        args.month,
        municipality.map_or("all municipalities".to_string(), |m| m.to_string()),
        thousands(t.families as i64),
        thousands(t.children as i64),
        thousands(t.families_compared as i64),
        thousands(t.children_compared as i64),
    );
    let y = t.payments_per_year;
    let rows = vec![
        vec![
            "NOK".to_string(),
            "before".into(),
            "after".into(),
            "change".into(),
        ],
        vec![
            "parent payments / month".into(),
            thousands(t.parent_payments_before),
            thousands(t.parent_payments_after),
            thousands(t.parent_payments_after - t.parent_payments_before),
        ],
        vec![
            "public cost / month".into(),
            thousands(t.public_cost_before),
            thousands(t.public_cost_after),
            thousands(t.public_cost_after - t.public_cost_before),
        ],
        vec![
            format!("parent payments / year (× {y})"),
            thousands(t.parent_payments_before * y),
            thousands(t.parent_payments_after * y),
            thousands((t.parent_payments_after - t.parent_payments_before) * y),
        ],
        vec![
            "families in manual handling".into(),
            thousands(t.manual_before as i64),
            thousands(t.manual_after as i64),
            thousands(t.manual_after as i64 - t.manual_before as i64),
        ],
    ];
    println!("{}", table(&rows));
    println!(
        "families affected {}: {} pay less, {} pay more\n",
        thousands(t.families_affected as i64),
        thousands(t.winners as i64),
        thousands(t.losers as i64)
    );
    let mut rows = vec![vec![
        "income decile".to_string(),
        "families".into(),
        "income range".into(),
        "mean gain / month".into(),
        "winners".into(),
        "losers".into(),
    ]];
    for d in &report.deciles {
        rows.push(vec![
            format!("D{}", d.decile),
            thousands(d.families as i64),
            format!("{}–{}", thousands(d.income_min), thousands(d.income_max)),
            format!("{:.1}", d.mean_gain),
            format!("{:.1} %", d.share_winners * 100.0),
            format!("{:.1} %", d.share_losers * 100.0),
        ]);
    }
    println!("{}", table(&rows));
    if t.manual_before + t.manual_after > 0 && !options.assume_general_where_unknown {
        println!(
            "Families needing manual handling under either rule set are not compared; where the \
             price zone is unknown, --assume-general-where-unknown decides them at the general \
             makspris (with a warning on each decision)."
        );
    }
    println!(
        "Tables and charts in {}: {}",
        args.out.display(),
        files.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
    );
    Ok(Outcome::Success)
}
