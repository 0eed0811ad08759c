//! The access layer: the one path from a service to register data.
//!
//! A read names the service, its purpose, the data elements and whose data (a scope). The layer
//! checks the request against the service's manifest — unknown service, wrong purpose, an element
//! the manifest does not declare, a consent-based purpose without a valid consent — and either
//! refuses with an error that says which element and which manifest, or delivers a copy of the
//! registers that holds only the declared elements for only the persons in scope. Both outcomes
//! are appended to the audit log *before* the caller sees anything: an access that cannot be
//! logged is not delivered.
//!
//! Services never hold the store: they get [`Delivery::registers`], a minimised copy. That the
//! service crates cannot reach the store any other way is checked by an architecture test
//! (`tests/architecture.rs`).

use crate::audit::merkle::{hex, leaf_hash, Hash};
use crate::audit::{AccessEvent, AuditLog, Entry, EntryBody, LogError, Outcome};
use crate::consent::{ConsentError, ConsentStore};
use crate::elements::{self, Element};
use crate::keys::{KeyError, KeyRing};
use crate::manifest::{Manifest, Manifests};
use crate::pseudonym::Pseudonymiser;
use crate::subjects::SubjectCategory;
use chrono::{DateTime, Utc};
use identity::NationalId;
use registers::{AddressId, Background, MunicipalityNumber, OrgKind, Registers};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use store::{RegisterStore, SqliteStore, StoreError};

/// Whose data a read covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Named persons (a look-up).
    Subjects(Vec<NationalId>),
    /// Everyone who has lived in a municipality, and their parents and partners.
    Municipality(MunicipalityNumber),
    /// Everyone employed by an organisation located in a municipality (a rota planner's staff).
    EmployeesIn(MunicipalityNumber),
    /// The whole population (a national batch).
    All,
}

impl Scope {
    fn describe(&self) -> String {
        match self {
            Scope::Subjects(ids) => format!("{} named persons", ids.len()),
            Scope::Municipality(k) => format!("municipality {k}"),
            Scope::EmployeesIn(k) => format!("employees in municipality {k}"),
            Scope::All => "all".to_owned(),
        }
    }
}

/// A request for register data.
#[derive(Clone, Debug)]
pub struct ReadRequest {
    /// Service id (manifest id).
    pub service: String,
    /// Purpose id; must be the manifest's purpose.
    pub purpose: String,
    /// Data elements asked for.
    pub elements: Vec<String>,
    /// Whose data.
    pub scope: Scope,
    /// Channel: `cli`, `api`, `batch`.
    pub channel: String,
}

impl ReadRequest {
    /// A request for every element the service's manifest declares, for its declared purpose.
    pub fn everything_declared(manifest: &Manifest, scope: Scope, channel: &str) -> ReadRequest {
        ReadRequest {
            service: manifest.id.clone(),
            purpose: manifest.purpose.id.clone(),
            elements: manifest.elements.clone(),
            scope,
            channel: channel.to_owned(),
        }
    }
}

/// Why a read was refused, or could not be served.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// No manifest for the service.
    #[error("service {service:?} has no manifest; known services: {known}")]
    UnknownService {
        /// Asked-for service.
        service: String,
        /// Known ids.
        known: String,
    },
    /// The purpose is not the manifest's.
    #[error("service {service} declares purpose {declared:?} in {manifest}, not {asked:?}")]
    WrongPurpose {
        /// Service.
        service: String,
        /// Declared purpose.
        declared: String,
        /// Asked purpose.
        asked: String,
        /// Manifest file.
        manifest: String,
    },
    /// An element not declared in the manifest.
    #[error("data element {element:?} is not declared for service {service} in {manifest}; declared: {declared}")]
    ElementNotDeclared {
        /// The element.
        element: String,
        /// Service.
        service: String,
        /// Manifest file.
        manifest: String,
        /// What the manifest declares.
        declared: String,
    },
    /// A consent-based purpose without a valid consent.
    #[error("service {service} reads on consent ({purpose}); {missing} of the named persons have no valid consent")]
    NoConsent {
        /// Service.
        service: String,
        /// Purpose.
        purpose: String,
        /// How many named persons lack consent.
        missing: usize,
    },
    /// The register store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit log failed; nothing was delivered.
    #[error("the audit log could not record the access, so nothing was delivered: {0}")]
    Log(#[from] LogError),
    /// The consent store failed.
    #[error(transparent)]
    Consent(#[from] ConsentError),
    /// The keys could not be read.
    #[error(transparent)]
    Keys(#[from] KeyError),
    /// Delivered data could not be rendered (an internal defect, reported rather than hidden).
    #[error("rendering delivered data: {0}")]
    Render(String),
    /// A named person is outside the categories of data subjects the manifest declares.
    #[error("{service} may read only about {category} ({manifest}); {outside} of the named persons are not")]
    OutsideSubjects {
        /// Service.
        service: String,
        /// The declared category, in bokmål.
        category: String,
        /// Manifest file.
        manifest: String,
        /// How many named persons are outside it.
        outside: usize,
    },
    /// A group commit of the audit log failed; nothing was delivered. (The cause is text because
    /// one failure is reported to every request of the group.)
    #[error("the audit log could not record the access, so nothing was delivered: {0}")]
    LogUnavailable(String),
    /// Refused before the access layer judged it (an API call without a valid token, a consent
    /// token that does not match); logged like any refusal.
    #[error("{0}")]
    Refused(String),
}

/// What a read delivers.
#[derive(Debug)]
pub struct Delivery {
    /// The minimised registers: declared elements only, persons in scope only.
    pub registers: Registers,
    /// Persons whose data was delivered.
    pub subjects: usize,
    /// Leaf hash of the access event in the audit log.
    pub event: Hash,
    /// The manifest the read was judged against.
    pub manifest: Manifest,
}

/// A read as judged, before it is logged: the entries that record it and what it delivers.
///
/// Why the two are one value: the delivery must not reach the caller unless the entries are
/// durable, so the only ways to get at the delivery are [`AccessLayer::read`] (which commits
/// first) and the group-commit writer of [`crate::shared::SharedAccess`] (which hands it over
/// from its commit callback).
#[derive(Debug)]
pub struct Judgement {
    entries: Vec<Entry>,
    outcome: Result<Delivery, AccessError>,
}

impl Judgement {
    /// The entries that record the read: the access event, then one entry per person.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Whether the read was allowed.
    pub fn allowed(&self) -> bool {
        self.outcome.is_ok()
    }

    pub(crate) fn into_parts(self) -> (Vec<Entry>, Result<Delivery, AccessError>) {
        (self.entries, self.outcome)
    }
}

/// Positions of one person's rows in each table of the loaded registers.
#[derive(Clone, Debug, Default)]
struct PersonRows {
    person: u32,
    relations: Vec<u32>,
    residences: Vec<u32>,
    tax_assessments: Vec<u32>,
    monthly_income: Vec<u32>,
    enrolments: Vec<u32>,
    employments: Vec<u32>,
    screening: Vec<u32>,
    cancer: Vec<u32>,
    lifestyle: Vec<u32>,
}

/// The registers in memory with a per-person index.
///
/// Why an index: a look-up of one person (the API's common case) would otherwise scan every
/// table of the population; with the index it touches only that person's rows, so its cost does
/// not grow with the municipality.
pub struct LoadedRegisters {
    registers: Registers,
    /// Built on the first look-up of named persons: a national batch never needs it, and for
    /// 5.6 million persons it costs seconds and gigabytes.
    index: std::sync::OnceLock<PersonIndex>,
    /// Members of each declared category of data subjects, computed once.
    categories: std::sync::Mutex<HashMap<SubjectCategory, std::sync::Arc<HashSet<NationalId>>>>,
}

struct PersonIndex {
    index: HashMap<NationalId, PersonRows>,
    addresses: HashMap<AddressId, u32>,
}

impl LoadedRegisters {
    /// Indexes registers by person.
    pub fn new(registers: Registers) -> LoadedRegisters {
        LoadedRegisters {
            registers,
            index: std::sync::OnceLock::new(),
            categories: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// The members of a category of data subjects (`None`: everyone).
    fn category(&self, category: SubjectCategory) -> Option<std::sync::Arc<HashSet<NationalId>>> {
        if category == SubjectCategory::Everyone {
            return None;
        }
        let mut cache = self
            .categories
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(
            cache
                .entry(category)
                .or_insert_with(|| {
                    std::sync::Arc::new(category.members(&self.registers).unwrap_or_default())
                })
                .clone(),
        )
    }

    fn index(&self) -> &PersonIndex {
        self.index.get_or_init(|| PersonIndex::new(&self.registers))
    }

    /// Builds the per-person index and the members of each category now, instead of on the
    /// first look-up. A server calls this before it accepts connections: built lazily, the
    /// index stalled every request of the first half-second (p99 590 ms on Bergen's 296 000
    /// persons, against 11 ms once built), because all of them wait for the one that builds it.
    pub fn warm(&self, categories: impl IntoIterator<Item = SubjectCategory>) {
        self.index();
        for c in categories {
            self.category(c);
        }
    }
}

impl PersonIndex {
    fn new(registers: &Registers) -> PersonIndex {
        let mut index: HashMap<NationalId, PersonRows> =
            HashMap::with_capacity(registers.persons.len());
        for (i, p) in registers.persons.iter().enumerate() {
            index.entry(p.id).or_default().person = i as u32;
        }
        fn add<T>(
            index: &mut HashMap<NationalId, PersonRows>,
            rows: &[T],
            person: impl Fn(&T) -> NationalId,
            list: impl Fn(&mut PersonRows) -> &mut Vec<u32>,
        ) {
            for (i, r) in rows.iter().enumerate() {
                if let Some(p) = index.get_mut(&person(r)) {
                    list(p).push(i as u32);
                }
            }
        }
        let r = registers;
        add(&mut index, &r.relations, |x| x.person, |p| &mut p.relations);
        add(
            &mut index,
            &r.residences,
            |x| x.person,
            |p| &mut p.residences,
        );
        add(
            &mut index,
            &r.tax_assessments,
            |x| x.person,
            |p| &mut p.tax_assessments,
        );
        add(
            &mut index,
            &r.monthly_income,
            |x| x.person,
            |p| &mut p.monthly_income,
        );
        add(
            &mut index,
            &r.enrolments,
            |x| x.child,
            |p| &mut p.enrolments,
        );
        add(
            &mut index,
            &r.employments,
            |x| x.person,
            |p| &mut p.employments,
        );
        add(&mut index, &r.screening, |x| x.person, |p| &mut p.screening);
        add(&mut index, &r.cancer, |x| x.person, |p| &mut p.cancer);
        add(&mut index, &r.lifestyle, |x| x.person, |p| &mut p.lifestyle);
        let addresses = r
            .addresses
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, i as u32))
            .collect();
        PersonIndex { index, addresses }
    }
}

impl LoadedRegisters {
    /// The full registers (for the layer's own use; never handed to a service).
    pub(crate) fn registers(&self) -> &Registers {
        &self.registers
    }

    fn subjects_in_scope(&self, scope: &Scope) -> HashSet<NationalId> {
        let full = &self.registers;
        match scope {
            Scope::All => full.persons.iter().map(|p| p.id).collect(),
            Scope::Subjects(ids) => ids
                .iter()
                .filter(|id| self.index().index.contains_key(id))
                .copied()
                .collect(),
            Scope::EmployeesIn(k) => {
                let employers: HashSet<_> = full
                    .organisations
                    .iter()
                    .filter(|o| o.municipality == *k)
                    .map(|o| o.orgnr)
                    .collect();
                full.employments
                    .iter()
                    .filter(|e| employers.contains(&e.employer))
                    .map(|e| e.person)
                    .collect()
            }
            Scope::Municipality(k) => {
                let mut set: HashSet<NationalId> = full
                    .residences
                    .iter()
                    .filter(|r| r.municipality == *k)
                    .map(|r| r.person)
                    .collect();
                // Parents and partners of residents belong to their cases even if they live
                // elsewhere (a parent with shared residence, a partner registered in another
                // municipality).
                let related: Vec<NationalId> = full
                    .relations
                    .iter()
                    .filter(|r| set.contains(&r.person))
                    .map(|r| r.related)
                    .collect();
                set.extend(related);
                set
            }
        }
    }

    /// The projection for named persons through the index; the same rows, in the same order,
    /// as [`project`].
    fn project_subjects(&self, wanted: &[&Element], subjects: &HashSet<NationalId>) -> Registers {
        let full = &self.registers;
        let has = |name: &str| wanted.iter().any(|e| e.name == name);
        let index = self.index();
        let rows: Vec<&PersonRows> = subjects
            .iter()
            .filter_map(|id| index.index.get(id))
            .collect();
        fn pick<T: Clone>(
            table: &[T],
            rows: &[&PersonRows],
            list: impl Fn(&PersonRows) -> &Vec<u32>,
        ) -> Vec<T> {
            let mut at: Vec<u32> = rows.iter().flat_map(|r| list(r).iter().copied()).collect();
            at.sort_unstable();
            at.dedup();
            at.iter().map(|&i| table[i as usize].clone()).collect()
        }
        let mut out = Registers::empty(full.reference_date, full.municipalities.clone());
        let basis = has("folkeregisteret.person-basis");
        let background = has("folkeregisteret.innvandringsbakgrunn");
        if basis || background {
            let mut at: Vec<u32> = rows.iter().map(|r| r.person).collect();
            at.sort_unstable();
            out.persons = at
                .iter()
                .map(|&i| {
                    let mut p = full.persons[i as usize];
                    if !background {
                        p.background = Background::Withheld;
                    }
                    p
                })
                .collect();
        }
        if has("folkeregisteret.familierelasjon") {
            // A named person's own relations: who is registered as their parent or partner.
            out.relations = pick(&full.relations, &rows, |r| &r.relations);
        }
        if has("folkeregisteret.bostedsadresse") {
            out.residences = pick(&full.residences, &rows, |r| &r.residences);
            let mut at: Vec<u32> = out
                .residences
                .iter()
                .filter_map(|r| index.addresses.get(&r.address).copied())
                .collect();
            at.sort_unstable();
            at.dedup();
            out.addresses = at
                .iter()
                .map(|&i| full.addresses[i as usize].clone())
                .collect();
        }
        if has("inntekt.skatteoppgjoer") {
            out.tax_assessments = pick(&full.tax_assessments, &rows, |r| &r.tax_assessments);
        }
        if has("inntekt.a-ordningen") {
            out.monthly_income = pick(&full.monthly_income, &rows, |r| &r.monthly_income);
        }
        if has("barnehage.opptak") {
            out.enrolments = pick(&full.enrolments, &rows, |r| &r.enrolments);
        }
        if has("enhetsregisteret.enheter") {
            out.organisations = full.organisations.clone();
        }
        if has("aa-registeret.arbeidsforhold") {
            out.employments = pick(&full.employments, &rows, |r| &r.employments);
        }
        if has("helse.mammografi") {
            out.screening = pick(&full.screening, &rows, |r| &r.screening);
        }
        if has("helse.kreftdiagnoser") {
            out.cancer = pick(&full.cancer, &rows, |r| &r.cancer);
        }
        if has("helse.levevaner") {
            out.lifestyle = pick(&full.lifestyle, &rows, |r| &r.lifestyle);
        }
        out
    }
}

/// Checks a request against the manifests: the service, its purpose and every element.
pub(crate) fn check<'m>(
    manifests: &'m Manifests,
    request: &ReadRequest,
) -> Result<&'m Manifest, AccessError> {
    let Some(manifest) = manifests.get(&request.service) else {
        return Err(AccessError::UnknownService {
            service: request.service.clone(),
            known: manifests
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    if manifest.purpose.id != request.purpose {
        return Err(AccessError::WrongPurpose {
            service: manifest.id.clone(),
            declared: manifest.purpose.id.clone(),
            asked: request.purpose.clone(),
            manifest: manifest.source.display().to_string(),
        });
    }
    for e in &request.elements {
        if !manifest.declares(e) || elements::element(e).is_none() {
            return Err(AccessError::ElementNotDeclared {
                element: e.clone(),
                service: manifest.id.clone(),
                manifest: manifest.source.display().to_string(),
                declared: manifest.elements.join(", "),
            });
        }
    }
    Ok(manifest)
}

/// Judges a read whose manifest check passed: scope, consent, projection, and the entries that
/// record it. `consents` is asked only for consent-based purposes (so a shared layer takes its
/// consent lock only then).
pub(crate) fn judge<C: std::ops::Deref<Target = ConsentStore>>(
    manifests: &Manifests,
    loaded: &LoadedRegisters,
    consents: impl FnOnce() -> C,
    audit: &Pseudonymiser,
    request: &ReadRequest,
    now: DateTime<Utc>,
) -> Result<Judgement, AccessError> {
    let manifest = match check(manifests, request) {
        Ok(m) => m,
        Err(e) => return Ok(denied(manifests, audit, request, None, e, now)),
    };
    let wanted: Vec<&'static Element> = request
        .elements
        .iter()
        .filter_map(|e| elements::element(e))
        .collect();
    let mut subjects = loaded.subjects_in_scope(&request.scope);
    if let Some(members) = loaded.category(manifest.subjects) {
        let before = subjects.len();
        subjects.retain(|id| members.contains(id));
        if matches!(request.scope, Scope::Subjects(_)) && subjects.len() < before {
            let e = AccessError::OutsideSubjects {
                service: manifest.id.clone(),
                category: manifest.subjects.description_nb().to_owned(),
                manifest: manifest.source.display().to_string(),
                outside: before - subjects.len(),
            };
            return Ok(refuse_left_out(
                manifests, audit, request, manifest, &subjects, e, now,
            ));
        }
    }
    if manifest.requires_consent() {
        let store = consents();
        let before = subjects.len();
        match &request.scope {
            // Named persons: ask about each (cheap, and exact at this instant).
            Scope::Subjects(_) => {
                let mut kept = HashSet::with_capacity(subjects.len());
                for id in &subjects {
                    if store.valid(id, &manifest.id, &manifest.purpose.id, now)? {
                        kept.insert(*id);
                    }
                }
                subjects = kept;
            }
            _ => {
                let valid = store.valid_subjects(&manifest.id, &manifest.purpose.id, now)?;
                let pseud = store.pseudonymiser();
                subjects.retain(|id| valid.contains(&pseud.of(id)));
            }
        }
        if matches!(request.scope, Scope::Subjects(_)) && subjects.len() < before {
            let e = AccessError::NoConsent {
                service: manifest.id.clone(),
                purpose: manifest.purpose.id.clone(),
                missing: before - subjects.len(),
            };
            return Ok(refuse_left_out(
                manifests, audit, request, manifest, &subjects, e, now,
            ));
        }
    }
    let registers = match &request.scope {
        Scope::Subjects(_) => loaded.project_subjects(&wanted, &subjects),
        _ => project(loaded.registers(), &wanted, &subjects, false),
    };
    let controller = controller_of(manifest, &request.scope, loaded.registers());
    let event = Entry::new(
        now,
        EntryBody::Access(AccessEvent {
            service: manifest.id.clone(),
            controller: controller.0,
            controller_name: controller.1,
            purpose: manifest.purpose.id.clone(),
            legal_basis: manifest.legal_basis_line(),
            elements: request.elements.clone(),
            scope: request.scope.describe(),
            outcome: Outcome::Allowed,
            reason: None,
            subjects: subjects.len() as u64,
            channel: request.channel.clone(),
        }),
    );
    let leaf = leaf_hash(&event.to_bytes());
    let event_hex = hex(&leaf);
    let mut ordered: Vec<&NationalId> = subjects.iter().collect();
    ordered.sort_unstable();
    let mut entries = Vec::with_capacity(1 + ordered.len());
    entries.push(event);
    for id in ordered {
        entries.push(Entry::new(
            now,
            EntryBody::Subject {
                subject: audit.of(id).to_hex(),
                event: event_hex.clone(),
                outcome: Outcome::Allowed,
            },
        ));
    }
    Ok(Judgement {
        entries,
        outcome: Ok(Delivery {
            registers,
            subjects: subjects.len(),
            event: leaf,
            manifest: manifest.clone(),
        }),
    })
}

/// The entries of a refused read: the event, and one entry per named person so the refusal shows
/// in their insight report.
/// A read of named persons, some of whom a rule (category of data subjects, consent) left out,
/// is refused as a whole, with an entry for each person left out and none for the others.
fn refuse_left_out(
    manifests: &Manifests,
    audit: &Pseudonymiser,
    request: &ReadRequest,
    manifest: &Manifest,
    kept: &HashSet<NationalId>,
    error: AccessError,
    now: DateTime<Utc>,
) -> Judgement {
    let refused: Vec<NationalId> = match &request.scope {
        Scope::Subjects(named) => named
            .iter()
            .filter(|id| !kept.contains(id))
            .copied()
            .collect(),
        _ => Vec::new(),
    };
    denied(
        manifests,
        audit,
        request,
        Some((manifest, &refused)),
        error,
        now,
    )
}

pub(crate) fn denied(
    manifests: &Manifests,
    audit: &Pseudonymiser,
    request: &ReadRequest,
    manifest_and_refused: Option<(&Manifest, &[NationalId])>,
    error: AccessError,
    now: DateTime<Utc>,
) -> Judgement {
    let manifest = manifest_and_refused
        .map(|(m, _)| m)
        .or_else(|| manifests.get(&request.service));
    let (controller, controller_name, legal_basis) = match manifest {
        Some(m) => (
            m.controller
                .orgnr
                .clone()
                .unwrap_or_else(|| "kommunen".to_owned()),
            m.controller.name.clone(),
            m.legal_basis_line(),
        ),
        None => ("ukjent".to_owned(), "ukjent".to_owned(), String::new()),
    };
    let named: Vec<NationalId> = match (manifest_and_refused, &request.scope) {
        (Some((_, refused)), _) => refused.to_vec(),
        (None, Scope::Subjects(ids)) => ids.clone(),
        (None, _) => Vec::new(),
    };
    let event = Entry::new(
        now,
        EntryBody::Access(AccessEvent {
            service: request.service.clone(),
            controller,
            controller_name,
            purpose: request.purpose.clone(),
            legal_basis,
            elements: request.elements.clone(),
            scope: request.scope.describe(),
            outcome: Outcome::Denied,
            reason: Some(error.to_string()),
            subjects: named.len() as u64,
            channel: request.channel.clone(),
        }),
    );
    let leaf = hex(&leaf_hash(&event.to_bytes()));
    let mut entries = Vec::with_capacity(1 + named.len());
    entries.push(event);
    for id in &named {
        entries.push(Entry::new(
            now,
            EntryBody::Subject {
                subject: audit.of(id).to_hex(),
                event: leaf.clone(),
                outcome: Outcome::Denied,
            },
        ));
    }
    Judgement {
        entries,
        outcome: Err(error),
    }
}

/// The governance state of a deployment's data directory: the audit log with its pseudonymiser
/// and the consent store, keyed from `DATA/keys/`. One place opens them, for the single-threaded
/// layer, the shared one and the CLI's `audit` commands alike.
pub(crate) struct Governed {
    pub(crate) audit: Pseudonymiser,
    pub(crate) log: AuditLog,
    pub(crate) consents: ConsentStore,
}

impl Governed {
    pub(crate) fn open(data: &Path) -> Result<Governed, AccessError> {
        let keys = KeyRing::open(&data.join("keys"))?;
        let audit = Pseudonymiser::new("audit", &keys.pseudonym_key("audit")?);
        let log = AuditLog::open(data, keys.signing_key()?, audit.clone())?;
        let consents = ConsentStore::open(
            data,
            Pseudonymiser::new("samtykke", &keys.pseudonym_key("samtykke")?),
        )?;
        Ok(Governed {
            audit,
            log,
            consents,
        })
    }
}

/// Opens the audit log of a data directory with the deployment's keys (for commands that read
/// or verify the log without reading registers).
pub fn open_audit_log(data: &Path) -> Result<AuditLog, AccessError> {
    let keys = KeyRing::open(&data.join("keys"))?;
    let audit = Pseudonymiser::new("audit", &keys.pseudonym_key("audit")?);
    Ok(AuditLog::open(data, keys.signing_key()?, audit)?)
}

/// The access layer of one deployment, for one thread (the CLI and batch runs).
///
/// Every read commits the log before it returns. A server with many concurrent requests uses
/// [`crate::shared::SharedAccess`], which judges the same way and commits in groups.
pub struct AccessLayer {
    manifests: Manifests,
    store: SqliteStore,
    loaded: Option<LoadedRegisters>,
    consents: ConsentStore,
    log: AuditLog,
    audit: Pseudonymiser,
    clock: fn() -> DateTime<Utc>,
}

impl AccessLayer {
    /// Opens the access layer on a data directory: the register store, the consent store, the
    /// audit log and the keys under `DATA/keys/`.
    pub fn open(data: &Path, manifests: Manifests) -> Result<AccessLayer, AccessError> {
        let store = SqliteStore::open(data)?;
        let Governed {
            audit,
            log,
            consents,
        } = Governed::open(data)?;
        Ok(AccessLayer {
            manifests,
            store,
            loaded: None,
            consents,
            log,
            audit,
            clock: Utc::now,
        })
    }

    /// Uses another clock (tests of expiry).
    pub fn set_clock(&mut self, clock: fn() -> DateTime<Utc>) {
        self.clock = clock;
    }

    /// The manifests.
    pub fn manifests(&self) -> &Manifests {
        &self.manifests
    }

    /// The audit log (for proofs and insight).
    pub fn log(&self) -> &AuditLog {
        &self.log
    }

    /// The audit log, to append decision entries.
    pub fn log_mut(&mut self) -> &mut AuditLog {
        &mut self.log
    }

    /// The consent store.
    pub fn consents(&self) -> &ConsentStore {
        &self.consents
    }

    /// Whether the store holds any population.
    pub fn is_empty(&self) -> Result<bool, AccessError> {
        Ok(self.store.counts()?.total() == 0)
    }

    /// The version of the stored registers (generation and imports), recorded with decisions.
    pub fn data_version(&self) -> Result<String, AccessError> {
        Ok(self.store.data_version()?)
    }

    /// Drops the in-memory copy of the registers (after an import or regeneration).
    pub fn reload(&mut self) {
        self.loaded = None;
    }

    /// Judges a read, logs it, and delivers the minimised registers or the reason for refusal.
    pub fn read(&mut self, request: &ReadRequest) -> Result<Delivery, AccessError> {
        let now = (self.clock)();
        let judgement = match check(&self.manifests, request) {
            Err(e) => denied(&self.manifests, &self.audit, request, None, e, now),
            Ok(_) => {
                if self.loaded.is_none() {
                    self.loaded = Some(LoadedRegisters::new(self.store.load()?));
                }
                let loaded = self.loaded.as_ref().expect("just loaded");
                judge(
                    &self.manifests,
                    loaded,
                    || &self.consents,
                    &self.audit,
                    request,
                    now,
                )?
            }
        };
        let (entries, outcome) = judgement.into_parts();
        for e in &entries {
            self.log.append(e)?;
        }
        self.log.commit()?;
        outcome
    }
}

/// The controller's orgnr and name for a read: the municipality's own organisation in the
/// employer register when the service is municipal and the scope is one municipality.
fn controller_of(manifest: &Manifest, scope: &Scope, registers: &Registers) -> (String, String) {
    if let Some(orgnr) = &manifest.controller.orgnr {
        return (orgnr.clone(), manifest.controller.name.clone());
    }
    if let Scope::Municipality(k) = scope {
        if let Some(org) = registers
            .organisations
            .iter()
            .find(|o| o.kind == OrgKind::Municipality && o.municipality == *k)
        {
            return (org.orgnr.to_string(), org.name.clone());
        }
        return (format!("kommune {k}"), manifest.controller.name.clone());
    }
    ("kommunene".to_owned(), manifest.controller.name.clone())
}

/// A copy of `full` with only the tables of `wanted` elements and only rows about `subjects`.
///
/// Immigrant background is a column of the persons table with an element of its own; when it is
/// not wanted it is delivered as [`Background::Withheld`], never as a guess. Relations are
/// delivered when both persons are in scope, or — for a look-up of named persons
/// (`own_relations`) — when the relation is one of theirs (who is registered as their parent).
pub fn project(
    full: &Registers,
    wanted: &[&Element],
    subjects: &HashSet<NationalId>,
    own_relations: bool,
) -> Registers {
    // The rows of a table about persons in scope.
    fn about<T: Clone>(
        rows: &[T],
        subjects: &HashSet<NationalId>,
        person: impl Fn(&T) -> NationalId,
    ) -> Vec<T> {
        rows.iter()
            .filter(|r| subjects.contains(&person(r)))
            .cloned()
            .collect()
    }
    let has = |name: &str| wanted.iter().any(|e| e.name == name);
    let mut out = Registers::empty(full.reference_date, full.municipalities.clone());
    let basis = has("folkeregisteret.person-basis");
    let background = has("folkeregisteret.innvandringsbakgrunn");
    if basis || background {
        out.persons = full
            .persons
            .iter()
            .filter(|p| subjects.contains(&p.id))
            .map(|p| {
                let mut p = *p;
                if !background {
                    p.background = Background::Withheld;
                }
                p
            })
            .collect();
    }
    if has("folkeregisteret.familierelasjon") {
        out.relations = full
            .relations
            .iter()
            .filter(|r| {
                subjects.contains(&r.person) && (own_relations || subjects.contains(&r.related))
            })
            .copied()
            .collect();
    }
    if has("folkeregisteret.bostedsadresse") {
        out.residences = about(&full.residences, subjects, |r| r.person);
        let used: HashSet<_> = out.residences.iter().map(|r| r.address).collect();
        out.addresses = full
            .addresses
            .iter()
            .filter(|a| used.contains(&a.id))
            .cloned()
            .collect();
    }
    if has("inntekt.skatteoppgjoer") {
        out.tax_assessments = about(&full.tax_assessments, subjects, |t| t.person);
    }
    if has("inntekt.a-ordningen") {
        out.monthly_income = about(&full.monthly_income, subjects, |m| m.person);
    }
    if has("barnehage.opptak") {
        out.enrolments = about(&full.enrolments, subjects, |e| e.child);
    }
    if has("enhetsregisteret.enheter") {
        out.organisations = full.organisations.clone();
    }
    if has("aa-registeret.arbeidsforhold") {
        out.employments = about(&full.employments, subjects, |e| e.person);
    }
    if has("helse.mammografi") {
        out.screening = about(&full.screening, subjects, |s| s.person);
    }
    if has("helse.kreftdiagnoser") {
        out.cancer = about(&full.cancer, subjects, |c| c.person);
    }
    if has("helse.levevaner") {
        out.lifestyle = about(&full.lifestyle, subjects, |l| l.person);
    }
    out
}
