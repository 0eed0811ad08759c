//! The citizen's insight report (GDPR art. 15): data held, and every access with its proof.

use governance::audit::merkle::parse_hex;
use governance::audit::{AuditLog, EntryBody, LogError};
use identity::NationalId;
use registers::{RegisterInfo, Registers};
use serde_json::{json, Map, Value};
use store::{Cell, TableRows, TABLES};

/// The tables of `registers` that hold rows, as JSON objects keyed by the documented column
/// names (the same columns and codes as an export).
pub fn registers_json(registers: &Registers) -> Map<String, Value> {
    let mut out = Map::new();
    for table in TABLES {
        let Some(rows) = TableRows::from_registers(registers, table) else {
            continue;
        };
        if rows.is_empty() {
            continue;
        }
        let Some((_, info)) = RegisterInfo::of_table(table) else {
            continue;
        };
        let list: Vec<Value> = store::cells(&rows)
            .into_iter()
            .map(|row| {
                let mut obj = Map::new();
                for (col, cell) in info.columns.iter().zip(row) {
                    let v = match cell {
                        Cell::Empty => Value::Null,
                        Cell::Text(s) => Value::String(s),
                        Cell::Int(i) => Value::from(i),
                        Cell::Date(d) => Value::String(d.format("%Y-%m-%d").to_string()),
                    };
                    obj.insert(col.name.to_owned(), v);
                }
                Value::Object(obj)
            })
            .collect();
        out.insert(table.to_owned(), Value::Array(list));
    }
    out
}

/// The insight report of one person: `held` is what the access layer delivered to the person
/// under the INNSYN purpose; the accesses come from the log's per-subject index, each with the
/// event it belongs to and inclusion proofs of both against the latest checkpoint.
///
/// Kept free of HTTP so the CLI's `mulighetsrom innsyn` can produce the same report.
pub fn insight_json(
    log: &AuditLog,
    person: &NationalId,
    held: &Registers,
) -> Result<Value, LogError> {
    let mut accesses = Vec::new();
    let mut decisions = Vec::new();
    for e in log.entries_about(&log.pseudonym(person))? {
        match &e.entry.body {
            EntryBody::Subject { event, outcome, .. } => {
                let Some(ev) = parse_hex(event).map(|h| log.event(&h)).transpose()? else {
                    continue;
                };
                let Some(ev) = ev else { continue };
                let EntryBody::Access(a) = &ev.entry.body else {
                    continue;
                };
                accesses.push(json!({
                    "time": ev.entry.time,
                    "service": a.service,
                    "controller": a.controller,
                    "controller_name": a.controller_name,
                    "purpose": a.purpose,
                    "legal_basis": a.legal_basis,
                    "elements": a.elements,
                    "outcome": outcome,
                    "reason": a.reason,
                    "channel": a.channel,
                    "proof": log.prove(e.index)?,
                    "event_proof": log.prove(ev.index)?,
                }));
            }
            EntryBody::Decision {
                service, payload, ..
            } => decisions.push(json!({
                "time": e.entry.time, "service": service, "payload": payload,
                "proof": log.prove(e.index)?,
            })),
            EntryBody::Access(_) => {}
        }
    }
    Ok(json!({
        "person": person.expose(),
        "data": registers_json(held),
        "accesses": accesses,
        "decisions": decisions,
        "checkpoint": log.latest_checkpoint()?,
        "log_origin": log.origin(),
    }))
}
