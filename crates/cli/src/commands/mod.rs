//! One module per subcommand.

pub mod audit;
pub mod catalogue;
pub mod demo;
pub mod exchange;
pub mod fairness;
pub mod fixtures;
pub mod followup;
pub mod generate;
pub mod innsyn;
pub mod kindergarten;
pub mod municipalities;
pub mod opendata;
pub mod oversight;
pub mod prevention;
pub mod risk;
pub mod roster;
pub mod screening;
pub mod screening_simulation;
pub mod serve;
pub mod stats;
pub mod validate_id;

use anyhow::Context;
use std::path::Path;
use store::SqliteStore;

/// Opens the embedded store in the data directory, with a hint when it cannot be.
pub fn open_store(data: &Path) -> anyhow::Result<SqliteStore> {
    SqliteStore::open(data).with_context(|| {
        format!(
            "cannot open the store in {} (choose another directory with --data DIR or MULIGHETSROM_DATA)",
            data.display()
        )
    })
}

/// Opens the access layer on the data directory: the one way commands that run a service read
/// register data (purpose-bound, minimised and logged).
pub fn open_access(data: &Path) -> anyhow::Result<governance::AccessLayer> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("creating the data directory {}", data.display()))?;
    governance::AccessLayer::open(data, governance::Manifests::builtin()).with_context(|| {
        format!(
            "cannot open the access layer in {} (choose another directory with --data DIR or MULIGHETSROM_DATA)",
            data.display()
        )
    })
}

/// Reads register data for a service through the access layer, with a hint when the store is
/// empty. The request asks for every element the service's manifest declares. Returns the
/// delivered registers and the version of the stored registers they came from.
pub fn read_for_service(
    data: &Path,
    service: &str,
    scope: governance::Scope,
) -> anyhow::Result<(registers::Registers, String)> {
    let mut access = open_access(data)?;
    if access.is_empty()? {
        anyhow::bail!(
            "the store in {} is empty; create a population first, e.g. `mulighetsrom generate --municipality 4601 --seed 7`",
            data.display()
        );
    }
    let manifest = access
        .manifests()
        .get(service)
        .cloned()
        .with_context(|| format!("no manifest for service {service}"))?;
    let data_version = access.data_version()?;
    let delivery = access.read(&governance::ReadRequest::everything_declared(
        &manifest, scope, "cli",
    ))?;
    tracing::info!(
        service,
        subjects = delivery.subjects,
        "register data delivered through the access layer"
    );
    Ok((delivery.registers, data_version))
}

/// The stored decisions about a person (every version, newest first), as JSON for the insight
/// report. The person is a party to each case, so the whole decision is shown: result,
/// explanation, the inputs it used and the versions of rules and data.
pub fn decisions_about(
    data: &Path,
    person: &identity::NationalId,
) -> anyhow::Result<Vec<serde_json::Value>> {
    let store = store::DecisionStore::open(data)
        .with_context(|| format!("cannot open the decision store in {}", data.display()))?;
    Ok(store
        .decisions_about(person)?
        .iter()
        .map(store::StoredDecision::to_insight_json)
        .collect())
}

/// Appends a receipt of every new, changed or ended decision of a batch to the audit log, one
/// entry per person the decision is about, so the decision shows in each person's insight report
/// with a proof. The receipt (service, case, period, version, status, amount, versions of rules
/// and data) is kept in the log's deletable payload store and referenced by its hash; the full
/// decision stays in the decision store. Returns the number of entries appended.
pub fn log_decision_receipts(
    data: &Path,
    header: &store::BatchHeader,
    report: &store::BatchReport,
) -> anyhow::Result<usize> {
    use governance::audit::{merkle, Entry, EntryBody};
    let mut log = audit::open_log(data)?;
    let now = chrono::Utc::now();
    let mut entries = 0;
    for (kind, change) in report
        .new
        .iter()
        .map(|c| ("new", c))
        .chain(report.changed.iter().map(|c| ("changed", c)))
        .chain(report.ended.iter().map(|c| ("ended", c)))
    {
        let receipt = serde_json::json!({
            "service": header.service,
            "case_key": change.case_key,
            "period": header.period,
            "version": change.version_after,
            "change": kind,
            "status": change.status_after.code(),
            "amount": change.amount_after,
            "rules_version": header.rules.version,
            "data_version": header.data_version,
            "decided_at": header.decided_at,
        });
        let hash = log.put_payload(serde_json::to_string(&receipt)?.as_bytes())?;
        for person in &change.subjects {
            log.append(&Entry::new(
                now,
                EntryBody::Decision {
                    subject: log.pseudonym(person).to_hex(),
                    service: header.service.clone(),
                    payload: merkle::hex(&hash),
                },
            ))?;
            entries += 1;
        }
    }
    log.commit()?;
    Ok(entries)
}
