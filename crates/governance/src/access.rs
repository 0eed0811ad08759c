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

use crate::audit::merkle::{hex, Hash};
use crate::audit::{AccessEvent, AuditLog, Entry, EntryBody, LogError, Outcome};
use crate::consent::{ConsentError, ConsentStore};
use crate::elements::{self, Element};
use crate::keys::{KeyError, KeyRing};
use crate::manifest::{Manifest, Manifests};
use crate::pseudonym::Pseudonymiser;
use chrono::{DateTime, Utc};
use identity::NationalId;
use registers::{Background, MunicipalityNumber, OrgKind, Registers};
use std::collections::HashSet;
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

/// The access layer of one deployment.
pub struct AccessLayer {
    manifests: Manifests,
    store: SqliteStore,
    loaded: Option<Registers>,
    consents: ConsentStore,
    log: AuditLog,
    clock: fn() -> DateTime<Utc>,
}

impl AccessLayer {
    /// Opens the access layer on a data directory: the register store, the consent store, the
    /// audit log and the keys under `DATA/keys/`.
    pub fn open(data: &Path, manifests: Manifests) -> Result<AccessLayer, AccessError> {
        let keys = KeyRing::open(&data.join("keys"))?;
        let store = SqliteStore::open(data)?;
        let log = AuditLog::open(
            data,
            keys.signing_key()?,
            Pseudonymiser::new("audit", &keys.pseudonym_key("audit")?),
        )?;
        let consents = ConsentStore::open(
            data,
            Pseudonymiser::new("samtykke", &keys.pseudonym_key("samtykke")?),
        )?;
        Ok(AccessLayer {
            manifests,
            store,
            loaded: None,
            consents,
            log,
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

    fn full(&mut self) -> Result<&Registers, AccessError> {
        if self.loaded.is_none() {
            self.loaded = Some(self.store.load()?);
        }
        Ok(self.loaded.as_ref().expect("just loaded"))
    }

    /// Judges a read, logs it, and delivers the minimised registers or the reason for refusal.
    pub fn read(&mut self, request: &ReadRequest) -> Result<Delivery, AccessError> {
        let now = (self.clock)();
        let manifest = match self.check(request) {
            Ok(m) => m.clone(),
            Err(e) => {
                self.log_denied(request, None, &e, now)?;
                return Err(e);
            }
        };
        let wanted: Vec<&'static Element> = request
            .elements
            .iter()
            .filter_map(|e| elements::element(e))
            .collect();
        let mut subjects = self.subjects_in_scope(&request.scope)?;
        if manifest.requires_consent() {
            let valid = self
                .consents
                .valid_subjects(&manifest.id, &manifest.purpose.id, now)?;
            let pseud = self.consents.pseudonymiser().clone();
            let before = subjects.len();
            subjects.retain(|id| valid.contains(&pseud.of(id)));
            if let Scope::Subjects(named) = &request.scope {
                if subjects.len() < before {
                    let e = AccessError::NoConsent {
                        service: manifest.id.clone(),
                        purpose: manifest.purpose.id.clone(),
                        missing: before - subjects.len(),
                    };
                    let refused: Vec<NationalId> = named
                        .iter()
                        .filter(|id| !subjects.contains(id))
                        .copied()
                        .collect();
                    self.log_denied(request, Some((&manifest, &refused)), &e, now)?;
                    return Err(e);
                }
            }
        }
        let own_relations = matches!(request.scope, Scope::Subjects(_));
        let registers = project(self.full()?, &wanted, &subjects, own_relations);
        let controller = controller_of(&manifest, &request.scope, &registers);
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
        let leaf = self.log.append(&event)?;
        let event_hex = hex(&leaf);
        let mut ordered: Vec<&NationalId> = subjects.iter().collect();
        ordered.sort_unstable();
        for id in ordered {
            self.log.append(&Entry::new(
                now,
                EntryBody::Subject {
                    subject: self.log.pseudonym(id).to_hex(),
                    event: event_hex.clone(),
                    outcome: Outcome::Allowed,
                },
            ))?;
        }
        self.log.commit()?;
        Ok(Delivery {
            registers,
            subjects: subjects.len(),
            event: leaf,
            manifest,
        })
    }

    fn check(&self, request: &ReadRequest) -> Result<&Manifest, AccessError> {
        let Some(manifest) = self.manifests.get(&request.service) else {
            return Err(AccessError::UnknownService {
                service: request.service.clone(),
                known: self
                    .manifests
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

    /// Records a refused read: the event, and one entry per named person so the refusal shows
    /// in their insight report.
    fn log_denied(
        &mut self,
        request: &ReadRequest,
        manifest_and_refused: Option<(&Manifest, &[NationalId])>,
        error: &AccessError,
        now: DateTime<Utc>,
    ) -> Result<(), AccessError> {
        let manifest = manifest_and_refused
            .map(|(m, _)| m)
            .or_else(|| self.manifests.get(&request.service));
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
        let leaf = self.log.append(&Entry::new(
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
        ))?;
        for id in &named {
            self.log.append(&Entry::new(
                now,
                EntryBody::Subject {
                    subject: self.log.pseudonym(id).to_hex(),
                    event: hex(&leaf),
                    outcome: Outcome::Denied,
                },
            ))?;
        }
        self.log.commit()?;
        Ok(())
    }

    fn subjects_in_scope(&mut self, scope: &Scope) -> Result<HashSet<NationalId>, AccessError> {
        let full = self.full()?;
        Ok(match scope {
            Scope::All => full.persons.iter().map(|p| p.id).collect(),
            Scope::Subjects(ids) => {
                let known: HashSet<NationalId> = full.persons.iter().map(|p| p.id).collect();
                ids.iter()
                    .filter(|id| known.contains(id))
                    .copied()
                    .collect()
            }
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
        })
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
    let has = |name: &str| wanted.iter().any(|e| e.name == name);
    let mut out = Registers {
        reference_date: full.reference_date,
        municipalities: full.municipalities.clone(),
        persons: Vec::new(),
        relations: Vec::new(),
        addresses: Vec::new(),
        residences: Vec::new(),
        tax_assessments: Vec::new(),
        monthly_income: Vec::new(),
        enrolments: Vec::new(),
        organisations: Vec::new(),
        employments: Vec::new(),
        screening: Vec::new(),
        cancer: Vec::new(),
        lifestyle: Vec::new(),
    };
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
        out.residences = full
            .residences
            .iter()
            .filter(|r| subjects.contains(&r.person))
            .copied()
            .collect();
        let used: HashSet<_> = out.residences.iter().map(|r| r.address).collect();
        out.addresses = full
            .addresses
            .iter()
            .filter(|a| used.contains(&a.id))
            .cloned()
            .collect();
    }
    if has("inntekt.skatteoppgjoer") {
        out.tax_assessments = full
            .tax_assessments
            .iter()
            .filter(|t| subjects.contains(&t.person))
            .copied()
            .collect();
    }
    if has("inntekt.a-ordningen") {
        out.monthly_income = full
            .monthly_income
            .iter()
            .filter(|m| subjects.contains(&m.person))
            .cloned()
            .collect();
    }
    if has("barnehage.opptak") {
        out.enrolments = full
            .enrolments
            .iter()
            .filter(|e| subjects.contains(&e.child))
            .copied()
            .collect();
    }
    if has("enhetsregisteret.enheter") {
        out.organisations = full.organisations.clone();
    }
    if has("aa-registeret.arbeidsforhold") {
        out.employments = full
            .employments
            .iter()
            .filter(|e| subjects.contains(&e.person))
            .copied()
            .collect();
    }
    if has("helse.mammografi") {
        out.screening = full
            .screening
            .iter()
            .filter(|s| subjects.contains(&s.person))
            .copied()
            .collect();
    }
    if has("helse.kreftdiagnoser") {
        out.cancer = full
            .cancer
            .iter()
            .filter(|c| subjects.contains(&c.person))
            .copied()
            .collect();
    }
    if has("helse.levevaner") {
        out.lifestyle = full
            .lifestyle
            .iter()
            .filter(|l| subjects.contains(&l.person))
            .copied()
            .collect();
    }
    out
}
