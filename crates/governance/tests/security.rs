//! The access layer's security rules, one test per rule: undeclared elements are denied,
//! consent is checked on every read and withdrawal takes effect at once, and every denied
//! attempt appears in the audit log and in the person's own entries.

use governance::audit::{EntryBody, Outcome};
use governance::{AccessError, AccessLayer, Manifests, ReadRequest, Scope};
use registers::{Background, Municipalities, RegisterId};
use store::{RegisterStore, SqliteStore};

/// Etne (4611), about 4 000 persons, stored in a fresh data directory.
fn deployment() -> (tempfile::TempDir, AccessLayer) {
    let dir = tempfile::tempdir().unwrap();
    let registers = synth::generate(
        &Municipalities::embedded_2026(),
        &synth::Area::Municipality("4611".parse().unwrap()),
        &synth::GenerateOptions { seed: 7 },
        &|_, _| {},
    )
    .unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();
    store
        .replace_all(&registers, &Default::default(), &|_, _| {})
        .unwrap();
    let access = AccessLayer::open(dir.path(), Manifests::builtin()).unwrap();
    (dir, access)
}

fn request(service: &str, purpose: &str, elements: &[&str], scope: Scope) -> ReadRequest {
    ReadRequest {
        service: service.into(),
        purpose: purpose.into(),
        elements: elements.iter().map(|e| e.to_string()).collect(),
        scope,
        channel: "test".into(),
    }
}

fn a_woman(access: &mut AccessLayer) -> identity::NationalId {
    let all = access
        .read(&request(
            "S4",
            "mammografiscreening",
            &["folkeregisteret.person-basis"],
            Scope::All,
        ))
        .unwrap();
    all.registers
        .persons
        .iter()
        .find(|p| p.sex == registers::Sex::Female && p.birth_date.year() < 1970)
        .unwrap()
        .id
}

use chrono::Datelike;

/// The person's own log entries: (outcome, event outcome, event reason).
fn denied_entries_about(access: &AccessLayer, id: &identity::NationalId) -> Vec<String> {
    let log = access.log();
    let mut out = Vec::new();
    for e in log.entries_about(&log.pseudonym(id)).unwrap() {
        if let EntryBody::Subject {
            outcome: Outcome::Denied,
            event,
            ..
        } = &e.entry.body
        {
            let ev = log
                .event(&governance::audit::merkle::parse_hex(event).unwrap())
                .unwrap()
                .unwrap();
            match ev.entry.body {
                EntryBody::Access(a) => {
                    assert_eq!(a.outcome, Outcome::Denied);
                    out.push(a.reason.unwrap_or_default());
                }
                other => panic!("subject entry points at {other:?}"),
            }
        }
    }
    out
}

#[test]
fn an_undeclared_element_is_denied_naming_element_and_manifest() {
    let (_dir, mut access) = deployment();
    let id = a_woman(&mut access);
    let err = access
        .read(&request(
            "S1",
            "redusert-foreldrebetaling",
            &["barnehage.opptak", "helse.kreftdiagnoser"],
            Scope::Subjects(vec![id]),
        ))
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, AccessError::ElementNotDeclared { .. }),
        "{text}"
    );
    assert!(text.contains("\"helse.kreftdiagnoser\""), "{text}");
    assert!(text.contains("s1-foreldrebetaling.toml"), "{text}");
    // The refusal is in the log, and in the person's own entries.
    let denied = denied_entries_about(&access, &id);
    assert_eq!(denied.len(), 1, "{denied:?}");
    assert!(denied[0].contains("helse.kreftdiagnoser"));
}

#[test]
fn unknown_services_and_wrong_purposes_are_denied_and_logged() {
    let (_dir, mut access) = deployment();
    let id = a_woman(&mut access);
    let before = access.log().size();
    let err = access
        .read(&request(
            "S9",
            "anything",
            &["folkeregisteret.person-basis"],
            Scope::Subjects(vec![id]),
        ))
        .unwrap_err();
    assert!(matches!(err, AccessError::UnknownService { .. }));
    let err = access
        .read(&request(
            "S4",
            "markedsfoering",
            &["folkeregisteret.person-basis"],
            Scope::Subjects(vec![id]),
        ))
        .unwrap_err();
    assert!(matches!(err, AccessError::WrongPurpose { .. }));
    // Two events and two subject entries.
    assert_eq!(access.log().size(), before + 4);
    assert_eq!(denied_entries_about(&access, &id).len(), 2);
}

#[test]
fn a_delivery_holds_only_the_declared_elements_for_the_persons_in_scope() {
    let (_dir, mut access) = deployment();
    let manifest = access.manifests().get("S1").unwrap().clone();
    let d = access
        .read(&ReadRequest::everything_declared(
            &manifest,
            Scope::Municipality("4611".parse().unwrap()),
            "test",
        ))
        .unwrap();
    let r = &d.registers;
    assert!(!r.persons.is_empty() && !r.enrolments.is_empty() && !r.tax_assessments.is_empty());
    assert!(r
        .persons
        .iter()
        .all(|p| p.background == Background::Withheld));
    assert!(
        r.monthly_income.is_empty(),
        "S1 does not declare a-ordningen"
    );
    assert!(r.screening.is_empty() && r.cancer.is_empty() && r.lifestyle.is_empty());
    assert!(r.employments.is_empty() && r.organisations.is_empty());
    // Every person delivered has a subject entry pointing at the event.
    let log = access.log();
    let p = r.persons[0].id;
    let mine = log.entries_about(&log.pseudonym(&p)).unwrap();
    assert!(mine.iter().any(|e| matches!(&e.entry.body,
        EntryBody::Subject { outcome: Outcome::Allowed, event, .. }
            if *event == governance::audit::merkle::hex(&d.event))));
    // A look-up of one person delivers that person only.
    let one = access
        .read(&request(
            "S1",
            "redusert-foreldrebetaling",
            &["folkeregisteret.person-basis"],
            Scope::Subjects(vec![p]),
        ))
        .unwrap();
    assert_eq!(one.registers.persons.len(), 1);
    assert!(one.registers.residences.is_empty());
    let _ = RegisterId::Population;
}

#[test]
fn consent_is_required_checked_on_every_read_and_withdrawal_is_immediate() {
    let (_dir, mut access) = deployment();
    let id = a_woman(&mut access);
    let s5 = request(
        "S5",
        "paavirkningskampanje",
        &["folkeregisteret.person-basis", "helse.levevaner"],
        Scope::Subjects(vec![id]),
    );
    // No consent: denied.
    assert!(matches!(
        access.read(&s5).unwrap_err(),
        AccessError::NoConsent { missing: 1, .. }
    ));
    // Consent given: allowed.
    let now = chrono::Utc::now();
    access
        .consents()
        .give(
            &id,
            "S5",
            "paavirkningskampanje",
            now - chrono::Duration::minutes(1),
            now + chrono::Duration::days(365),
        )
        .unwrap();
    let d = access.read(&s5).unwrap();
    assert_eq!(d.registers.persons.len(), 1);
    // Consent for another purpose does not count.
    assert!(!access
        .consents()
        .valid(&id, "S5", "annet-formaal", now)
        .unwrap());
    // Withdrawn: the very next read is refused.
    access
        .consents()
        .withdraw(&id, "S5", "paavirkningskampanje", chrono::Utc::now())
        .unwrap();
    assert!(matches!(
        access.read(&s5).unwrap_err(),
        AccessError::NoConsent { .. }
    ));
    // A bulk read delivers nobody without consent.
    let bulk = access
        .read(&request(
            "S5",
            "paavirkningskampanje",
            &["folkeregisteret.person-basis"],
            Scope::All,
        ))
        .unwrap();
    assert_eq!(bulk.registers.persons.len(), 0);
    assert_eq!(denied_entries_about(&access, &id).len(), 2);
}

#[test]
fn an_expired_consent_is_no_consent() {
    let (_dir, mut access) = deployment();
    let id = a_woman(&mut access);
    let now = chrono::Utc::now();
    access
        .consents()
        .give(
            &id,
            "S5",
            "paavirkningskampanje",
            now - chrono::Duration::days(400),
            now - chrono::Duration::days(35),
        )
        .unwrap();
    let err = access
        .read(&request(
            "S5",
            "paavirkningskampanje",
            &["helse.levevaner"],
            Scope::Subjects(vec![id]),
        ))
        .unwrap_err();
    assert!(matches!(err, AccessError::NoConsent { .. }));
}

#[test]
fn the_log_of_a_working_deployment_verifies() {
    let (_dir, mut access) = deployment();
    let _ = a_woman(&mut access);
    let _ = access.read(&request("S1", "x", &[], Scope::All));
    let log = access.log();
    let report =
        governance::audit::verify(log, log.origin(), &log.verifying_key(), |_| {}).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert!(report.entries > 4000);
}

#[test]
fn a_person_outside_the_declared_subjects_is_refused_and_batches_leave_them_out() {
    let (_dir, mut access) = deployment();
    // An older woman is no kindergarten child, parent or partner of a parent in this population
    // (checked against the category itself, so the test cannot pass by accident).
    let full = access
        .read(&request(
            "INNSYN",
            "innsyn",
            &["folkeregisteret.person-basis"],
            Scope::All,
        ))
        .unwrap();
    let all_ids: Vec<_> = full.registers.persons.iter().map(|p| p.id).collect();
    let s1 = access.manifests().get("S1").unwrap().clone();
    let members = s1.subjects.members(&{
        let d = access
            .read(&ReadRequest::everything_declared(
                access.manifests().get("INNSYN").unwrap(),
                Scope::All,
                "test",
            ))
            .unwrap();
        d.registers
    });
    let members = members.expect("S1 declares a category");
    let outsider = *all_ids.iter().find(|id| !members.contains(id)).unwrap();
    let err = access
        .read(&request(
            "S1",
            "redusert-foreldrebetaling",
            &["folkeregisteret.person-basis"],
            Scope::Subjects(vec![outsider]),
        ))
        .unwrap_err();
    assert!(matches!(err, AccessError::OutsideSubjects { .. }), "{err}");
    assert!(err.to_string().contains("barn med barnehageplass"), "{err}");
    assert_eq!(denied_entries_about(&access, &outsider).len(), 1);
    // A municipality batch delivers exactly the category's members in scope.
    let batch = access
        .read(&ReadRequest::everything_declared(
            &s1,
            Scope::Municipality("4611".parse().unwrap()),
            "test",
        ))
        .unwrap();
    assert!(
        batch.subjects > 0 && batch.subjects < all_ids.len() / 2,
        "{}",
        batch.subjects
    );
    assert!(batch
        .registers
        .persons
        .iter()
        .all(|p| members.contains(&p.id)));
}
