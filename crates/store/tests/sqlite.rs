//! The embedded store: round trips, all-or-nothing imports, migrations and the documented schema.

use registers::{Registers, REGISTERS};
use rusqlite::Connection;
use store::{RegisterStore, SqliteStore, StoreError, StoreMetadata, TableRows, TABLES};
use synth::{generate, Area, GenerateOptions};

fn generated(municipality: &str, seed: u64) -> Registers {
    let municipalities = registers::Municipalities::embedded_2026();
    generate(
        &municipalities,
        &Area::Municipality(municipality.parse().unwrap()),
        &GenerateOptions { seed },
        &|_, _| {},
    )
    .unwrap()
}

/// Sorts every table by its key so two stores can be compared regardless of row order.
fn normalised(mut r: Registers) -> Registers {
    r.persons.sort_by_key(|p| p.id);
    r.relations
        .sort_by_key(|x| (x.person, x.related, x.kind.code()));
    r.addresses.sort_by_key(|a| a.id);
    r.residences.sort_by_key(|x| (x.person, x.valid_from));
    r.tax_assessments.sort_by_key(|t| (t.person, t.income_year));
    r.monthly_income.sort_by_key(|m| (m.person, m.year));
    r.organisations.sort_by_key(|o| o.orgnr);
    r.employments
        .sort_by_key(|e| (e.person, e.employer, e.from));
    r.enrolments.sort_by_key(|e| (e.child, e.from));
    r.screening.sort_by_key(|s| (s.person, s.invited_for));
    r.cancer.sort_by_key(|c| (c.person, c.diagnosed_on));
    r.lifestyle.sort_by_key(|l| (l.person, l.answered_on));
    r
}

fn assert_same(a: Registers, b: Registers) {
    let (a, b) = (normalised(a), normalised(b));
    assert_eq!(a.reference_date, b.reference_date);
    for table in TABLES {
        assert_eq!(
            TableRows::from_registers(&a, table),
            TableRows::from_registers(&b, table),
            "table {table} differs"
        );
    }
}

#[test]
fn a_generated_population_round_trips_through_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let original = generated("1151", 3);
    let mut store = SqliteStore::open(dir.path()).unwrap();
    store
        .replace_all(
            &original,
            &StoreMetadata {
                reference_date: None,
                origin: Some("test".into()),
            },
            &|_, _| {},
        )
        .unwrap();
    assert_eq!(store.counts().unwrap(), original.counts_in(&TABLES));
    assert_eq!(store.metadata().unwrap().origin.as_deref(), Some("test"));
    assert_same(store.load().unwrap(), original.clone());
    // Reopening finds the same data, and replacing again leaves one generation on disk.
    drop(store);
    let mut store = SqliteStore::open(dir.path()).unwrap();
    assert_same(store.load().unwrap(), original.clone());
    store
        .replace_all(&original, &StoreMetadata::default(), &|_, _| {})
        .unwrap();
    let generations = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("store-")
        })
        .count();
    assert_eq!(generations, 1);
}

#[test]
fn an_import_with_a_conflicting_key_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let original = generated("1151", 3);
    let mut store = SqliteStore::open(dir.path()).unwrap();
    store
        .replace_all(&original, &StoreMetadata::default(), &|_, _| {})
        .unwrap();
    let before = store.counts().unwrap();

    // New rows first, then one that already exists: the transaction must roll back whole.
    let mut persons = generated("1151", 4).persons;
    persons.retain(|p| !original.persons.iter().any(|o| o.id == p.id));
    assert!(!persons.is_empty());
    let fresh = persons.len();
    persons.push(original.persons[0]);
    let err = store
        .import(&TableRows::Persons(persons.clone()))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                table: "persons",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was imported"), "{err}");
    let culprit = format!("{:?}", original.persons[0].id);
    assert!(
        err.to_string().contains(&culprit),
        "{err} does not name {culprit}"
    );
    assert_eq!(store.counts().unwrap(), before);

    // Without the conflicting row it goes through, and a rerun is refused rather than duplicated.
    persons.pop();
    assert_eq!(
        store.import(&TableRows::Persons(persons.clone())).unwrap(),
        fresh
    );
    assert!(store.import(&TableRows::Persons(persons)).is_err());
    let after = store.counts().unwrap();
    assert_eq!(after.total(), before.total() + fresh);
}

#[test]
fn stored_columns_are_the_documented_schema() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), store::SCHEMA_VERSION);
    for register in REGISTERS {
        for table in register.tables {
            let file = ["population", "income", "kindergarten", "employer", "health"]
                .iter()
                .map(|f| store.path().join(format!("{f}.sqlite")))
                .find(|path| {
                    let c = Connection::open(path).unwrap();
                    c.query_row(
                        "SELECT count(*) FROM sqlite_master WHERE name = ?1",
                        [table.name],
                        |r| r.get::<_, i64>(0),
                    )
                    .unwrap()
                        == 1
                })
                .unwrap_or_else(|| panic!("no file holds table {}", table.name));
            let c = Connection::open(file).unwrap();
            let mut stmt = c
                .prepare(&format!("PRAGMA table_info({})", table.name))
                .unwrap();
            let stored: Vec<String> = stmt
                .query_map([], |r| r.get(1))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let documented: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
            if table.name == "monthly_income" {
                // Stored wide (one row per person and year), documented and exported long.
                assert_eq!(&stored[..2], &documented[..2]);
                assert_eq!(stored.len(), 14);
            } else {
                assert_eq!(stored, documented, "table {}", table.name);
            }
        }
    }
}

#[test]
fn a_newer_schema_is_refused_and_leftover_generations_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    let population = store.path().join("population.sqlite");
    drop(store);
    std::fs::create_dir_all(dir.path().join("store-99")).unwrap();
    Connection::open(&population)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert!(
        err.to_string().contains("schema version 999 is newer"),
        "{err}"
    );
    assert!(
        !dir.path().join("store-99").exists(),
        "a stale generation was left behind"
    );
}

#[test]
fn a_missing_generation_is_reported_not_silently_recreated() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    let generation = store.path().to_path_buf();
    drop(store);
    std::fs::remove_dir_all(&generation).unwrap();
    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::MissingGeneration { .. }), "{err}");
    assert!(err.to_string().contains("does not exist"), "{err}");
}
