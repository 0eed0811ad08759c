//! Architecture invariant: services read registers only through the access layer.
//!
//! Two checks keep it true as the code grows: no service crate may depend on the storage crate
//! (so it cannot open the store itself), and the command modules that run services never open
//! the store or load registers except through `read_for_service` / the access layer.

use std::path::Path;

fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn service_crates_cannot_reach_the_store() {
    let crates = workspace().join("crates");
    let mut checked = 0;
    for entry in std::fs::read_dir(&crates).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("svc-") {
            continue;
        }
        let manifest: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()).unwrap();
        for section in ["dependencies", "build-dependencies"] {
            if let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) {
                for forbidden in ["store", "rusqlite", "governance"] {
                    assert!(
                        !deps.contains_key(forbidden),
                        "{name} depends on {forbidden}: services get register data from the access layer, never from storage"
                    );
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 2, "found only {checked} service crates");
}

#[test]
fn service_commands_read_through_the_access_layer() {
    let commands = workspace().join("crates/cli/src/commands");
    for module in [
        "kindergarten.rs",
        "roster.rs",
        "innsyn.rs",
        "oversight.rs",
        "prevention.rs",
        "risk.rs",
        "screening.rs",
    ] {
        let text = std::fs::read_to_string(commands.join(module)).unwrap();
        for forbidden in ["open_store(", ".load()", "SqliteStore"] {
            assert!(
                !text.contains(forbidden),
                "crates/cli/src/commands/{module} uses {forbidden}; read register data with read_for_service (the access layer)"
            );
        }
    }
}
