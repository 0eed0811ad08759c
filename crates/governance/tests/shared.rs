//! The shared (group-commit) access layer judges exactly like the single-threaded one, and the
//! per-person index delivers exactly what the full-table projection delivers.

use governance::access::project;
use governance::elements;
use governance::{AccessLayer, Manifests, ReadRequest, Scope, SharedAccess};
use registers::Municipalities;
use std::collections::HashSet;
use store::{RegisterStore, SqliteStore};

fn data() -> (tempfile::TempDir, registers::Registers) {
    let dir = tempfile::tempdir().unwrap();
    let registers = synth::generate(
        &Municipalities::embedded_2026(),
        &synth::Area::Municipality("4611".parse().unwrap()),
        &synth::GenerateOptions { seed: 11 },
        &|_, _| {},
    )
    .unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();
    store
        .replace_all(&registers, &Default::default(), &|_, _| {})
        .unwrap();
    // Compare with the registers as the store gives them back (its row order).
    let loaded = store.load().unwrap();
    assert_eq!(loaded.persons.len(), registers.persons.len());
    (dir, loaded)
}

#[test]
fn indexed_look_ups_equal_the_full_projection_and_are_logged() {
    let (dir, full) = data();
    let manifests = Manifests::builtin();
    let shared = SharedAccess::open(dir.path(), manifests.clone()).unwrap();
    // Parents with children, so relations between named persons are delivered too.
    let rel = full
        .relations
        .iter()
        .find(|r| full.enrolments.iter().any(|e| e.child == r.person));
    let rel = rel.expect("a child with a parent");
    let candidates = [rel.person, rel.related, full.persons[3].id];
    let mut expected_entries = 0;
    for service in ["S1", "S2", "S3", "S6"] {
        let m = manifests.get(service).unwrap();
        // Only persons inside the manifest's category of data subjects (a look-up of anyone
        // else is refused, see tests/security.rs).
        let members = m.subjects.members(&full);
        let named: Vec<_> = candidates
            .iter()
            .copied()
            .filter(|id| members.as_ref().is_none_or(|set| set.contains(id)))
            .collect();
        if named.is_empty() {
            continue;
        }
        let request = ReadRequest::everything_declared(m, Scope::Subjects(named.clone()), "test");
        let d = shared.read(&request).unwrap();
        let wanted: Vec<_> = m
            .elements
            .iter()
            .filter_map(|e| elements::element(e))
            .collect();
        let subjects: HashSet<_> = named.iter().copied().collect();
        let expected = project(&full, &wanted, &subjects, true);
        assert_eq!(d.registers.persons, expected.persons, "{service}");
        assert_eq!(d.registers.relations, expected.relations, "{service}");
        assert_eq!(d.registers.addresses, expected.addresses, "{service}");
        assert_eq!(d.registers.residences, expected.residences, "{service}");
        assert_eq!(
            d.registers.tax_assessments, expected.tax_assessments,
            "{service}"
        );
        assert_eq!(
            d.registers.monthly_income, expected.monthly_income,
            "{service}"
        );
        assert_eq!(d.registers.enrolments, expected.enrolments, "{service}");
        assert_eq!(d.registers.employments, expected.employments, "{service}");
        assert_eq!(d.registers.screening, expected.screening, "{service}");
        assert_eq!(d.registers.cancer, expected.cancer, "{service}");
        assert_eq!(d.registers.lifestyle, expected.lifestyle, "{service}");
        assert_eq!(d.subjects, named.len());
        expected_entries += 1 + named.len() as u64;
    }
    // Many threads at once: every read is committed before it is delivered.
    std::thread::scope(|s| {
        for t in 0..4 {
            let shared = &shared;
            let full = &full;
            s.spawn(move || {
                for i in 0..200 {
                    let id = full.persons[(t * 200 + i) % full.persons.len()].id;
                    let r = ReadRequest {
                        service: "S6".into(),
                        purpose: "risikostratifisert-screening".into(),
                        elements: vec!["folkeregisteret.person-basis".into()],
                        scope: Scope::Subjects(vec![id]),
                        channel: "test".into(),
                    };
                    assert_eq!(shared.read(&r).unwrap().registers.persons.len(), 1);
                }
            });
        }
    });
    let size = shared.with_log(|log| log.size()).unwrap();
    // The look-ups above (an event and one entry per person each) and 800 of one person.
    assert_eq!(size, expected_entries + 800 * 2);
    drop(shared);
    // The single-threaded layer reads the same log and it verifies.
    let access = AccessLayer::open(dir.path(), Manifests::builtin()).unwrap();
    let log = access.log();
    assert_eq!(log.size(), size);
    let report =
        governance::audit::verify(log, log.origin(), &log.verifying_key(), |_| {}).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}
