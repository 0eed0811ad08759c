//! Citizen insight (innsyn): everything the platform holds and did about one person.
//!
//! GDPR art. 15 gives the person the data held about them, the purposes, the recipients and the
//! existence of automated decisions; the CJEU (C-579/21 Pankki S) adds the *dates and purposes* of
//! every consultation of their data. The report answers all of it from the running system: the
//! registers through the access layer (under the `INNSYN` manifest, so the insight read is itself
//! logged), decisions as the caller's decision store holds them, and every access from the audit
//! log — each with an inclusion proof against the latest signed checkpoint, so the person (or
//! anyone they show it to) can check that the log really contains it.

use crate::access::{AccessError, AccessLayer, ReadRequest, Scope};
use crate::audit::merkle::parse_hex;
use crate::audit::{AuditLog, EntryBody, InclusionProof, Outcome};
use identity::NationalId;
use registers::{Registers, REGISTERS};
use serde::Serialize;
use store::TableRows;

/// The service id of the insight manifest.
pub const INSIGHT_SERVICE: &str = "INNSYN";

/// One table of a register, with the person's rows.
#[derive(Clone, Debug, Serialize)]
pub struct TableSection {
    /// Table name.
    pub table: String,
    /// What one row is.
    pub description: String,
    /// Column names.
    pub columns: Vec<String>,
    /// The rows about the person, as text cells (`null` = empty).
    pub rows: Vec<Vec<Option<String>>>,
}

/// One register's data about the person.
#[derive(Clone, Debug, Serialize)]
pub struct RegisterSection {
    /// Register name (bokmål).
    pub register: String,
    /// Register name (English).
    pub register_en: String,
    /// Owning agency.
    pub owner: String,
    /// Its organisation number.
    pub owner_orgnr: String,
    /// Tables with rows about the person.
    pub tables: Vec<TableSection>,
}

/// One access to the person's data.
#[derive(Clone, Debug, Serialize)]
pub struct AccessView {
    /// When (RFC 3339).
    pub time: String,
    /// Service.
    pub service: String,
    /// Controller's organisation number.
    pub controller: String,
    /// Controller's name.
    pub controller_name: String,
    /// Purpose.
    pub purpose: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Data elements.
    pub elements: Vec<String>,
    /// Allowed or denied.
    pub outcome: Outcome,
    /// Why denied.
    pub reason: Option<String>,
    /// Channel.
    pub channel: String,
    /// Inclusion proof of the person's own entry.
    pub proof: InclusionProof,
    /// Inclusion proof of the access event it points to.
    pub event_proof: InclusionProof,
}

/// A decision recorded in the audit log: the receipt and its proof.
#[derive(Clone, Debug, Serialize)]
pub struct DecisionReceipt {
    /// When it was logged.
    pub time: String,
    /// The service.
    pub service: String,
    /// The receipt (case, period, version, status, amount, versions of rules and data), or
    /// `null` if it has been erased.
    pub receipt: Option<serde_json::Value>,
    /// Inclusion proof of the log entry.
    pub proof: InclusionProof,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct InsightReport {
    /// The person (the report is for them; the full number is shown).
    pub person: String,
    /// When the report was made.
    pub generated_at: String,
    /// The signed checkpoint every proof leads to.
    pub checkpoint: String,
    /// The log's public key (C2SP verifier key) to check the checkpoint with.
    pub verifier_key: String,
    /// Register data.
    pub registers: Vec<RegisterSection>,
    /// Decisions, as the deployment's decision store holds them.
    pub decisions: Vec<serde_json::Value>,
    /// Decisions as recorded in the audit log, oldest first, each with a proof.
    pub decision_receipts: Vec<DecisionReceipt>,
    /// Every access, oldest first.
    pub accesses: Vec<AccessView>,
}

/// Builds the report for `person`. The register read is logged like any other, before the log
/// is read, so the report includes its own access.
pub fn build(
    access: &mut AccessLayer,
    person: NationalId,
    decisions: Vec<serde_json::Value>,
    channel: &str,
) -> Result<InsightReport, AccessError> {
    let manifest = access
        .manifests()
        .get(INSIGHT_SERVICE)
        .cloned()
        .ok_or_else(|| AccessError::UnknownService {
            service: INSIGHT_SERVICE.to_owned(),
            known: access
                .manifests()
                .iter()
                .map(|m| m.id.clone())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let delivery = access.read(&ReadRequest::everything_declared(
        &manifest,
        Scope::Subjects(vec![person]),
        channel,
    ))?;
    report(access.log(), person, &delivery.registers, decisions)
}

/// The report from registers already delivered under the insight purpose (`held`) and the log:
/// what the CLI's `innsyn` and the API's `GET /citizen/innsyn` both return.
pub fn report(
    log: &AuditLog,
    person: NationalId,
    held: &Registers,
    decisions: Vec<serde_json::Value>,
) -> Result<InsightReport, AccessError> {
    let mut sections = Vec::new();
    for register in REGISTERS {
        let mut tables = Vec::new();
        for table in register.tables {
            let Some(rows) = TableRows::from_registers(held, table.name) else {
                continue;
            };
            if rows.is_empty() {
                continue;
            }
            let rows = store::table_records(&rows).map_err(StoreErrorWrap)?;
            tables.push(TableSection {
                table: table.name.to_owned(),
                description: table.description.to_owned(),
                columns: table.columns.iter().map(|c| c.name.to_owned()).collect(),
                rows,
            });
        }
        if !tables.is_empty() {
            sections.push(RegisterSection {
                register: register.name_nb.to_owned(),
                register_en: register.name_en.to_owned(),
                owner: register.owner.name.to_owned(),
                owner_orgnr: register.owner.orgnr.to_owned(),
                tables,
            });
        }
    }
    let checkpoint = log.latest_checkpoint()?.unwrap_or_default();
    let mut accesses = Vec::new();
    let mut decision_receipts = Vec::new();
    for entry in log.entries_about(&log.pseudonym(&person))? {
        if let EntryBody::Decision {
            service, payload, ..
        } = &entry.entry.body
        {
            let receipt = match parse_hex(payload) {
                Some(h) => log
                    .payload(&h)?
                    .and_then(|bytes| serde_json::from_slice(&bytes).ok()),
                None => None,
            };
            decision_receipts.push(DecisionReceipt {
                time: entry.entry.time.clone(),
                service: service.clone(),
                receipt,
                proof: log.prove(entry.index)?,
            });
            continue;
        }
        let EntryBody::Subject { event, .. } = &entry.entry.body else {
            continue;
        };
        let Some(event_entry) = parse_hex(event)
            .map(|h| log.event(&h))
            .transpose()?
            .flatten()
        else {
            continue;
        };
        let EntryBody::Access(a) = &event_entry.entry.body else {
            continue;
        };
        let outcome = match &entry.entry.body {
            EntryBody::Subject { outcome, .. } => *outcome,
            _ => a.outcome,
        };
        accesses.push(AccessView {
            time: entry.entry.time.clone(),
            service: a.service.clone(),
            controller: a.controller.clone(),
            controller_name: a.controller_name.clone(),
            purpose: a.purpose.clone(),
            legal_basis: a.legal_basis.clone(),
            elements: a.elements.clone(),
            outcome,
            reason: a.reason.clone(),
            channel: a.channel.clone(),
            proof: log.prove(entry.index)?,
            event_proof: log.prove(event_entry.index)?,
        });
    }
    let verifier_key = crate::audit::checkpoint::verifier_key(log.origin(), &log.verifying_key());
    Ok(InsightReport {
        person: person.expose(),
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        checkpoint,
        verifier_key,
        registers: sections,
        decisions,
        decision_receipts,
        accesses,
    })
}

/// Adapts an exchange error (which cannot happen for in-memory rows) to the access error.
struct StoreErrorWrap(store::ExchangeError);

impl From<StoreErrorWrap> for AccessError {
    fn from(e: StoreErrorWrap) -> AccessError {
        AccessError::Render(e.0.to_string())
    }
}

impl From<store::ExchangeError> for StoreErrorWrap {
    fn from(e: store::ExchangeError) -> StoreErrorWrap {
        StoreErrorWrap(e)
    }
}

/// The language of a rendered report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Norwegian bokmål.
    Nb,
    /// English.
    En,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report as a readable, self-contained HTML page.
pub fn to_html(report: &InsightReport, lang: Lang) -> String {
    let t = |nb: &'static str, en: &'static str| if lang == Lang::Nb { nb } else { en };
    let mut h = String::new();
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>body{{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.45}}table{{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.92rem}}th,td{{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}}th{{background:#eef2f6}}.denied{{color:#8a1c1c;font-weight:600}}.ok{{color:#1b5e20}}code,pre{{font-size:.8rem;background:#f4f4f4;padding:.1rem .25rem;overflow-wrap:anywhere}}details{{margin:.25rem 0}}</style></head><body>\n",
        if lang == Lang::Nb { "nb" } else { "en" },
        t("Innsyn i egne opplysninger", "Your data and its use")
    ));
    h.push_str(&format!(
        "<h1>{}</h1>\n<p>{} <strong>{}</strong>. {} {}.</p>\n",
        t("Innsyn i egne opplysninger", "Your data and its use"),
        t("Rapport for", "Report for"),
        esc(&report.person),
        t("Laget", "Made"),
        esc(&report.generated_at)
    ));
    h.push_str(&format!(
        "<p>{}</p>\n",
        t(
            "Rapporten viser opplysningene registrene har om deg, vedtakene som er fattet, og hver gang noen har brukt eller forsøkt å bruke opplysningene dine: når, hvem, til hvilket formål og med hvilket rettsgrunnlag (personvernforordningen art. 15). Hver oppføring har et bevis for at den står i den manipulasjonssikre loggen.",
            "This report shows the data the registers hold about you, the decisions made, and every time someone used or tried to use your data: when, who, for which purpose and on which legal basis (GDPR art. 15). Each entry carries a proof that it is in the tamper-evident log."
        )
    ));
    h.push_str(&format!(
        "<h2>{}</h2>\n",
        t("Opplysninger i registrene", "Data in the registers")
    ));
    if report.registers.is_empty() {
        h.push_str(&format!(
            "<p>{}</p>\n",
            t("Ingen opplysninger funnet.", "No data found.")
        ));
    }
    for r in &report.registers {
        h.push_str(&format!(
            "<h3>{}</h3>\n<p>{} {} ({})</p>\n",
            esc(if lang == Lang::Nb {
                &r.register
            } else {
                &r.register_en
            }),
            t("Registereier:", "Owner:"),
            esc(&r.owner),
            esc(&r.owner_orgnr)
        ));
        for table in &r.tables {
            h.push_str(&format!(
                "<table><caption>{} — {}</caption><thead><tr>",
                esc(&table.table),
                esc(&table.description)
            ));
            for c in &table.columns {
                h.push_str(&format!("<th scope=\"col\">{}</th>", esc(c)));
            }
            h.push_str("</tr></thead><tbody>\n");
            for row in &table.rows {
                h.push_str("<tr>");
                for cell in row {
                    h.push_str(&format!("<td>{}</td>", esc(cell.as_deref().unwrap_or(""))));
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</tbody></table>\n");
        }
    }
    h.push_str(&format!("<h2>{}</h2>\n", t("Vedtak", "Decisions")));
    if report.decisions.is_empty() {
        h.push_str(&format!(
            "<p>{}</p>\n",
            t(
                "Ingen vedtak er lagret om deg.",
                "No decisions about you are stored."
            )
        ));
    } else {
        for d in &report.decisions {
            // A service that writes its explanation as text per language (S6) is shown as
            // text a person can read; the whole record stays available below it.
            let code = if lang == Lang::Nb { "nb" } else { "en" };
            let readable = d
                .get("explanation")
                .and_then(|e| e.get(code))
                .and_then(|v| v.as_str())
                .map(|text| {
                    text.lines()
                        .map(|l| format!("<p>{}</p>", esc(l)))
                        .collect::<String>()
                })
                .unwrap_or_default();
            h.push_str(&format!(
                "<h3>{}</h3>\n{readable}<details><summary>{}</summary><pre>{}</pre></details>\n",
                esc(&decision_summary(d)),
                t(
                    "Hele vedtaket med grunnlag",
                    "The whole decision with its inputs"
                ),
                esc(&serde_json::to_string_pretty(d).unwrap_or_default())
            ));
        }
    }
    if !report.decision_receipts.is_empty() {
        h.push_str(&format!(
            "<p>{} {}</p>\n<ul>\n",
            report.decision_receipts.len(),
            t(
                "vedtak er også ført i den manipulasjonssikre loggen, med bevis:",
                "decisions are also recorded in the tamper-evident log, with proofs:"
            )
        ));
        for r in &report.decision_receipts {
            let summary = r.receipt.as_ref().map_or_else(
                || t("kvittering slettet", "receipt erased").to_owned(),
                decision_summary,
            );
            h.push_str(&format!(
                "<li>{} {} — {} ({} #{})</li>\n",
                esc(&r.time),
                esc(&r.service),
                esc(&summary),
                t("oppføring", "entry"),
                r.proof.index
            ));
        }
        h.push_str("</ul>\n");
    }
    h.push_str(&format!(
        "<h2>{}</h2>\n<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>\n",
        t("Bruk av opplysningene dine", "Use of your data"),
        t("Tidspunkt", "Time"),
        t("Virksomhet", "Organisation"),
        t("Tjeneste", "Service"),
        t("Formål", "Purpose"),
        t("Rettsgrunnlag", "Legal basis"),
        t("Opplysninger", "Data elements"),
        t("Utfall", "Outcome")
    ));
    for a in &report.accesses {
        let outcome = match a.outcome {
            Outcome::Allowed => format!("<span class=\"ok\">{}</span>", t("utlevert", "delivered")),
            Outcome::Denied => format!(
                "<span class=\"denied\">{}</span><br>{}",
                t("avvist", "denied"),
                esc(a.reason.as_deref().unwrap_or(""))
            ),
        };
        h.push_str(&format!(
            "<tr><td>{}</td><td>{} ({})</td><td>{} <small>({} {})</small></td><td>{}</td><td>{}</td><td>{}</td><td>{}<details><summary>{}</summary><code>{} #{} / {}</code></details></td></tr>\n",
            esc(&a.time),
            esc(&a.controller_name),
            esc(&a.controller),
            esc(&a.service),
            t("via", "via"),
            esc(&a.channel),
            esc(&a.purpose),
            esc(&a.legal_basis),
            esc(&a.elements.join(", ")),
            outcome,
            t("bevis", "proof"),
            t("oppføring", "entry"),
            a.proof.index,
            esc(&a.proof.leaf_hash)
        ));
    }
    h.push_str("</tbody></table>\n");
    h.push_str(&format!(
        "<h2>{}</h2>\n<p>{}</p>\n<pre>{}</pre>\n<p>{} <code>{}</code></p>\n</body></html>\n",
        t("Kontrollpunkt", "Checkpoint"),
        t(
            "Alle bevis over leder til dette signerte kontrollpunktet (C2SP-format). Den offentlige nøkkelen:",
            "Every proof above leads to this signed checkpoint (C2SP format). The public key:"
        ),
        esc(&report.checkpoint),
        t("Nøkkel:", "Key:"),
        esc(&report.verifier_key)
    ));
    h
}

fn decision_summary(d: &serde_json::Value) -> String {
    let field = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let amount = d
        .get("amount")
        .and_then(|v| v.as_i64())
        .map(|a| format!(", {a} kr/mnd"))
        .unwrap_or_default();
    format!(
        "{} {} {}{amount}",
        field("service"),
        field("period"),
        field("status")
    )
    .trim()
    .to_owned()
}
