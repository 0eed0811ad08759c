//! The DCAT-AP-NO catalogue: one dataset per register, one data service per public service.
//!
//! Why: data.norge.no (Felles datakatalog) harvests DCAT-AP-NO; a catalogue that names every
//! register, its controller and the law it is kept under, and every service with the law it
//! processes data under, is how the public can see what the platform holds and does.
//!
//! Datasets come from [`registers::REGISTERS`] (the one documented schema), so the catalogue
//! cannot drift from storage. Services are handed in as [`DataServiceEntry`] values, which the
//! governance layer builds from its service manifests.
//!
//! **Legal basis, two forms.** DCAT-AP-NO's versions disagree (domain note §2.7): the v3 draft
//! keeps only `dcatap:applicableLegislation` (an ELI URI), while the FDK harvester still reads the
//! older `dcatno:legalBasisForProcessing` (behandlingsgrunnlag) and `dcatno:legalBasisForAccess`
//! (utleveringshjemmel), namespace `http://difi.no/dcatno#`, each a `skos:Concept,
//! dct:RightsStatement` with `dct:source` (the Lovdata URL as a string, as FDK's own test data has
//! it) and `skos:prefLabel`. We emit both. A register's legal basis is the basis for keeping and
//! processing it (`legalBasisForProcessing`); a service's is the basis both for its processing
//! and for having register data disclosed to it (`legalBasisForAccess`), so services carry both.
//!
//! **Mandatory properties** (DCAT-AP-NO): Dataset: description, contactPoint, theme, title,
//! publisher; DataService: endpointURL, contactPoint, title, publisher; Distribution: accessURL.
//! A test checks every node of the serialised output for them.
//!
//! Themes use the EU data-theme vocabulary; the Norwegian LOS themes (a SHOULD) are not yet
//! added. Publisher URIs follow FDK's organisation-catalogue pattern
//! (`https://organization-catalog.fellesdatakatalog.digdir.no/organizations/{orgnr}`) until
//! Brønnøysundregistrene fixes its own URI scheme.

use crate::rdf::{expand, is_valid_iri, Graph, Term};
use registers::{OrgNumber, RegisterId, RegisterInfo, REGISTERS};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Where FDK's organisation catalogue names an organisation: publisher URI = this + orgnr.
pub const PUBLISHER_URI_PREFIX: &str =
    "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/";

const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";
const DATA_THEME: &str = "http://publications.europa.eu/resource/authority/data-theme/";
const NORWAY: &str = "http://publications.europa.eu/resource/authority/country/NOR";
const CSV_MEDIA_TYPE: &str = "https://www.iana.org/assignments/media-types/text/csv";

/// A reference to a law or regulation.
///
/// `eli_uri` is the European Legislation Identifier at Lovdata (`https://lovdata.no/eli/…`),
/// emitted as `dcatap:applicableLegislation`; `lovdata_url` is the human-readable page, emitted as
/// `dct:source` of the `dcatno` legal-basis statements, which is what data.norge.no shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalReference {
    /// Short title with the provision, e.g. "Folkeregisterloven § 10-1".
    pub title: String,
    /// ELI URI, e.g. `https://lovdata.no/eli/lov/2016/12/09/88`.
    pub eli_uri: String,
    /// Lovdata page, e.g. `https://lovdata.no/lov/2016-12-09-88`.
    pub lovdata_url: String,
}

/// A public service as the caller describes it; becomes a `dcat:DataService`.
///
/// Plain and serde-deserialisable on purpose: the governance crate maps its service manifests
/// into this, and a JSON or TOML file can hold a list of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataServiceEntry {
    /// Stable identifier, lower case letters, digits and `-` (becomes part of the URI).
    pub id: String,
    /// Title in bokmål.
    pub title_nb: String,
    /// Title in English (may be empty).
    #[serde(default)]
    pub title_en: String,
    /// Description in bokmål.
    pub description_nb: String,
    /// Organisation number of the agency responsible for the service.
    pub publisher_orgnr: String,
    /// Name of that agency; when absent, a known agency's name or "Organisasjon {orgnr}".
    #[serde(default)]
    pub publisher_name: Option<String>,
    /// The laws the service processes data under and has data disclosed under.
    pub legal_basis: Vec<LegalReference>,
    /// What the processing is for (purpose limitation, GDPR art. 5(1)(b)).
    pub purpose: String,
    /// Where the service answers (an absolute URL).
    pub endpoint_url: String,
    /// Registers (`population`, `income`, `kindergarten`, `employer`, `health`) or table names
    /// (`persons`, `enrolments`, …) the service reads; each becomes `dcat:servesDataset`.
    pub serves: Vec<String>,
    /// Degree of automation, e.g. "fully automated decision (forvaltningsloven § 11 d)".
    pub automation: String,
    /// Keywords in bokmål.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Contact e-mail for the service, if one is published.
    #[serde(default)]
    pub contact_email: Option<String>,
}

/// DCAT access rights (EU access-right vocabulary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AccessRights {
    /// Open to anyone.
    Public,
    /// Available under conditions.
    Restricted,
    /// Not available to the public (personal data).
    NonPublic,
}

impl AccessRights {
    /// The vocabulary code (`PUBLIC`, `RESTRICTED`, `NON_PUBLIC`).
    pub fn code(self) -> &'static str {
        match self {
            AccessRights::Public => "PUBLIC",
            AccessRights::Restricted => "RESTRICTED",
            AccessRights::NonPublic => "NON_PUBLIC",
        }
    }
}

/// The publishing agency of a dataset or service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Publisher {
    /// Organisation number.
    pub orgnr: String,
    /// Name.
    pub name: String,
}

impl Publisher {
    /// The FDK organisation URI.
    pub fn uri(&self) -> String {
        format!("{PUBLISHER_URI_PREFIX}{}", self.orgnr)
    }
}

/// One table of a register, published as a `dcat:Distribution` describing its columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Distribution {
    /// Table name.
    pub table: String,
    /// What one row is, then every column with its type and meaning.
    pub description: String,
}

/// One register as a `dcat:Dataset`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dataset {
    /// Stable identifier (`population`, `income`, …).
    pub id: String,
    /// Title in bokmål.
    pub title_nb: String,
    /// Title in English.
    pub title_en: String,
    /// Description in bokmål.
    pub description_nb: String,
    /// Description in English.
    pub description_en: String,
    /// The controller.
    pub publisher: Publisher,
    /// NON_PUBLIC when any table holds national identity numbers.
    pub access_rights: AccessRights,
    /// EU data-theme URIs.
    pub themes: Vec<String>,
    /// Keywords in bokmål.
    pub keywords: Vec<String>,
    /// The law the register is kept under.
    pub legal_basis: Vec<LegalReference>,
    /// One distribution per table.
    pub distributions: Vec<Distribution>,
}

/// A validated service, ready to be written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DataService {
    /// The caller's description.
    pub entry: DataServiceEntry,
    /// The publisher resolved from the entry.
    pub publisher: Publisher,
    /// Identifiers of the datasets it serves (resolved from `entry.serves`), without repeats.
    pub serves_datasets: Vec<String>,
}

/// Where the catalogue's own URIs live and who publishes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueOptions {
    /// Base URI for the catalogue, datasets and services; ends with `/`.
    pub base_uri: String,
    /// Organisation number of the catalogue's publisher.
    pub publisher_orgnr: String,
    /// Name of the catalogue's publisher.
    pub publisher_name: String,
}

impl Default for CatalogueOptions {
    /// A placeholder base (`https://mulighetsrom.example/`, reserved so it can never collide with a
    /// real site) until the platform has a public address; published by Digitaliseringsdirektoratet,
    /// which runs Felles datakatalog.
    fn default() -> Self {
        CatalogueOptions {
            base_uri: "https://mulighetsrom.example/".into(),
            publisher_orgnr: "991825827".into(),
            publisher_name: "Digitaliseringsdirektoratet".into(),
        }
    }
}

/// What is wrong with a catalogue's input; every variant names the service and field.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CatalogueError {
    /// A field that must be an absolute IRI is not one.
    #[error("{owner}: {field} is not an absolute IRI usable in RDF: {value:?}")]
    InvalidIri {
        /// Service id or `catalogue`.
        owner: String,
        /// Field name.
        field: &'static str,
        /// The value given.
        value: String,
    },
    /// An organisation number that fails validation.
    #[error("{owner}: publisher organisation number {value:?} is invalid: {reason}")]
    InvalidOrgnr {
        /// Service id or `catalogue`.
        owner: String,
        /// The value given.
        value: String,
        /// Why.
        reason: String,
    },
    /// A service id that cannot be part of a URI.
    #[error("service id {0:?} must be non-empty lower-case letters, digits and '-'")]
    InvalidServiceId(String),
    /// Two services with the same id.
    #[error("service id {0:?} appears twice")]
    DuplicateService(String),
    /// A required text field is empty.
    #[error("{owner}: {field} must not be empty")]
    Empty {
        /// Service id.
        owner: String,
        /// Field name.
        field: &'static str,
    },
    /// `serves` names neither a register nor a table.
    #[error("{owner}: serves {value:?}, which is neither a register (population, income, kindergarten, employer, health) nor a table of one")]
    UnknownServed {
        /// Service id.
        owner: String,
        /// The value given.
        value: String,
    },
}

/// The stable identifier of a register in URIs and in [`DataServiceEntry::serves`].
pub fn register_slug(id: RegisterId) -> &'static str {
    match id {
        RegisterId::Population => "population",
        RegisterId::Income => "income",
        RegisterId::Kindergarten => "kindergarten",
        RegisterId::Employer => "employer",
        RegisterId::Health => "health",
    }
}

fn law(title: &str, kind: &str, date: &str, number: u32) -> LegalReference {
    // Lovdata's ELI template is /eli/{type}/{yyyy}/{mm}/{dd}/{number}; the short page is
    // /{type}/{yyyy-mm-dd}-{number}. Built from the official identifiers (LOV-2016-12-09-88);
    // the URIs were not dereferenced when written.
    LegalReference {
        title: title.to_string(),
        eli_uri: format!(
            "https://lovdata.no/eli/{kind}/{}/{number}",
            date.replace('-', "/")
        ),
        lovdata_url: format!("https://lovdata.no/{kind}/{date}-{number}"),
    }
}

/// The laws each register is kept under (by official Lovdata identifier).
pub fn register_legal_basis(id: RegisterId) -> Vec<LegalReference> {
    match id {
        RegisterId::Population => vec![law("Folkeregisterloven", "lov", "2016-12-09", 88)],
        RegisterId::Income => vec![
            law("Skatteforvaltningsloven", "lov", "2016-05-27", 14),
            law("A-opplysningsloven", "lov", "2012-06-22", 43),
        ],
        RegisterId::Kindergarten => vec![law("Barnehageloven", "lov", "2005-06-17", 64)],
        RegisterId::Employer => vec![
            law("Enhetsregisterloven", "lov", "1994-06-03", 15),
            law("A-opplysningsloven", "lov", "2012-06-22", 43),
        ],
        RegisterId::Health => vec![
            law("Helseregisterloven", "lov", "2014-06-20", 43),
            law("Kreftregisterforskriften", "forskrift", "2001-12-21", 1477),
        ],
    }
}

fn register_theme(id: RegisterId) -> &'static str {
    match id {
        RegisterId::Population => "SOCI",
        RegisterId::Income | RegisterId::Employer => "ECON",
        RegisterId::Kindergarten => "EDUC",
        RegisterId::Health => "HEAL",
    }
}

fn register_keywords(id: RegisterId) -> &'static [&'static str] {
    match id {
        RegisterId::Population => &["folkeregister", "befolkning", "bosted", "familie"],
        RegisterId::Income => &["inntekt", "skatteoppgjør", "a-ordningen"],
        RegisterId::Kindergarten => &["barnehage", "barnehageplass"],
        RegisterId::Employer => &["virksomheter", "arbeidsforhold", "enhetsregisteret"],
        RegisterId::Health => &["mammografi", "kreft", "levevaner", "screening"],
    }
}

/// Agencies whose names and web sites we know, for contact points (orgnr, name, web site).
const KNOWN_AGENCIES: &[(&str, &str, &str)] = &[
    ("974761076", "Skatteetaten", "https://www.skatteetaten.no/"),
    (
        "970018131",
        "Utdanningsdirektoratet",
        "https://www.udir.no/",
    ),
    (
        "974760673",
        "Brønnøysundregistrene",
        "https://www.brreg.no/",
    ),
    ("983744516", "Folkehelseinstituttet", "https://www.fhi.no/"),
    (
        "991825827",
        "Digitaliseringsdirektoratet",
        "https://www.digdir.no/",
    ),
];

fn dataset_from(register: &RegisterInfo) -> Dataset {
    let id = register_slug(register.id);
    let personal = register
        .tables
        .iter()
        .any(|t| t.columns.iter().any(|c| c.kind == "id"));
    let tables: Vec<&str> = register.tables.iter().map(|t| t.name).collect();
    let distributions = register
        .tables
        .iter()
        .map(|t| {
            let columns: Vec<String> = t
                .columns
                .iter()
                .map(|c| {
                    format!(
                        "{} ({}{}): {}",
                        c.name,
                        c.kind,
                        if c.nullable { ", may be empty" } else { "" },
                        c.description
                    )
                })
                .collect();
            Distribution {
                table: t.name.to_string(),
                description: format!("{}. Columns: {}.", t.description, columns.join("; ")),
            }
        })
        .collect();
    let mut keywords: Vec<String> = register_keywords(register.id)
        .iter()
        .map(|k| k.to_string())
        .collect();
    keywords.extend(tables.iter().map(|t| t.to_string()));
    Dataset {
        id: id.to_string(),
        title_nb: register.name_nb.to_string(),
        title_en: register.name_en.to_string(),
        description_nb: format!(
            "{}, forvaltet av {}. Tabeller: {}.",
            register.name_nb,
            register.owner.name,
            tables.join(", ")
        ),
        description_en: format!(
            "{}, controlled by {}. Tables: {}.",
            register.name_en,
            register.owner.name,
            tables.join(", ")
        ),
        publisher: Publisher {
            orgnr: register.owner.orgnr.to_string(),
            name: register.owner.name.to_string(),
        },
        // Why not PUBLIC for the rest: nothing is declared open by default; a register without
        // personal data still needs someone to decide to open it.
        access_rights: if personal {
            AccessRights::NonPublic
        } else {
            AccessRights::Restricted
        },
        themes: vec![format!("{DATA_THEME}{}", register_theme(register.id))],
        keywords,
        legal_basis: register_legal_basis(register.id),
        distributions,
    }
}

fn check_iri(owner: &str, field: &'static str, value: &str) -> Result<(), CatalogueError> {
    if is_valid_iri(value) {
        Ok(())
    } else {
        Err(CatalogueError::InvalidIri {
            owner: owner.to_string(),
            field,
            value: value.to_string(),
        })
    }
}

fn check_orgnr(owner: &str, value: &str) -> Result<(), CatalogueError> {
    OrgNumber::parse(value)
        .map(|_| ())
        .map_err(|e| CatalogueError::InvalidOrgnr {
            owner: owner.to_string(),
            value: value.to_string(),
            reason: e.to_string(),
        })
}

fn check_legal(owner: &str, legal: &[LegalReference]) -> Result<(), CatalogueError> {
    for l in legal {
        check_iri(owner, "legal_basis.eli_uri", &l.eli_uri)?;
        check_iri(owner, "legal_basis.lovdata_url", &l.lovdata_url)?;
        if l.title.trim().is_empty() {
            return Err(CatalogueError::Empty {
                owner: owner.to_string(),
                field: "legal_basis.title",
            });
        }
    }
    Ok(())
}

fn resolve_served(owner: &str, value: &str) -> Result<&'static str, CatalogueError> {
    if let Some(r) = REGISTERS.iter().find(|r| register_slug(r.id) == value) {
        return Ok(register_slug(r.id));
    }
    RegisterInfo::of_table(value)
        .map(|(r, _)| register_slug(r.id))
        .ok_or_else(|| CatalogueError::UnknownServed {
            owner: owner.to_string(),
            value: value.to_string(),
        })
}

impl DataService {
    /// Checks an entry and resolves its publisher and served datasets.
    pub fn from_entry(entry: &DataServiceEntry) -> Result<DataService, CatalogueError> {
        let owner = entry.id.as_str();
        if entry.id.is_empty()
            || !entry
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(CatalogueError::InvalidServiceId(entry.id.clone()));
        }
        for (field, value) in [
            ("title_nb", &entry.title_nb),
            ("description_nb", &entry.description_nb),
            ("purpose", &entry.purpose),
        ] {
            if value.trim().is_empty() {
                return Err(CatalogueError::Empty {
                    owner: owner.to_string(),
                    field,
                });
            }
        }
        check_iri(owner, "endpoint_url", &entry.endpoint_url)?;
        check_orgnr(owner, &entry.publisher_orgnr)?;
        check_legal(owner, &entry.legal_basis)?;
        if let Some(email) = &entry.contact_email {
            check_iri(owner, "contact_email", &format!("mailto:{email}"))?;
        }
        let mut serves_datasets: Vec<String> = Vec::new();
        for s in &entry.serves {
            let slug = resolve_served(owner, s)?;
            if !serves_datasets.iter().any(|d| d == slug) {
                serves_datasets.push(slug.to_string());
            }
        }
        let name = entry.publisher_name.clone().unwrap_or_else(|| {
            KNOWN_AGENCIES
                .iter()
                .find(|(orgnr, _, _)| *orgnr == entry.publisher_orgnr)
                .map_or_else(
                    || format!("Organisasjon {}", entry.publisher_orgnr),
                    |(_, name, _)| name.to_string(),
                )
        });
        Ok(DataService {
            entry: entry.clone(),
            publisher: Publisher {
                orgnr: entry.publisher_orgnr.clone(),
                name,
            },
            serves_datasets,
        })
    }
}

/// The whole catalogue: datasets from the registers, data services from the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    /// Base URI and publisher.
    pub options: CatalogueOptions,
    /// One per register, in [`REGISTERS`] order.
    pub datasets: Vec<Dataset>,
    /// In the caller's order.
    pub data_services: Vec<DataService>,
}

impl Catalogue {
    /// Builds the catalogue of every register and the given services, refusing bad input
    /// (invalid URL, organisation number, unknown served register, repeated id) with the service
    /// and field named.
    pub fn new(
        options: CatalogueOptions,
        services: &[DataServiceEntry],
    ) -> Result<Catalogue, CatalogueError> {
        check_iri("catalogue", "base_uri", &options.base_uri)?;
        if !options.base_uri.ends_with('/') {
            return Err(CatalogueError::InvalidIri {
                owner: "catalogue".into(),
                field: "base_uri (must end with '/')",
                value: options.base_uri.clone(),
            });
        }
        check_orgnr("catalogue", &options.publisher_orgnr)?;
        let mut seen = HashSet::new();
        let mut data_services = Vec::with_capacity(services.len());
        for entry in services {
            if !seen.insert(entry.id.as_str()) {
                return Err(CatalogueError::DuplicateService(entry.id.clone()));
            }
            data_services.push(DataService::from_entry(entry)?);
        }
        Ok(Catalogue {
            options,
            datasets: REGISTERS.iter().map(dataset_from).collect(),
            data_services,
        })
    }

    /// URI of the catalogue node.
    pub fn uri(&self) -> String {
        format!("{}catalogue", self.options.base_uri)
    }

    /// URI of a dataset by identifier.
    pub fn dataset_uri(&self, id: &str) -> String {
        format!("{}datasets/{id}", self.options.base_uri)
    }

    /// URI of a data service by identifier.
    pub fn service_uri(&self, id: &str) -> String {
        format!("{}data-services/{id}", self.options.base_uri)
    }

    /// The catalogue in Turtle.
    pub fn to_turtle(&self) -> String {
        self.graph().to_turtle()
    }

    /// The catalogue in JSON-LD (an `@context` and a flat `@graph`).
    pub fn to_json_ld(&self) -> serde_json::Value {
        self.graph().to_json_ld()
    }

    /// Number of node objects in the JSON-LD `@graph` (= distinct subjects).
    pub fn node_count(&self) -> usize {
        self.graph().subject_count()
    }

    pub(crate) fn graph(&self) -> Graph {
        let mut g = Graph::default();
        let catalogue = Term::iri(self.uri());
        let own = Publisher {
            orgnr: self.options.publisher_orgnr.clone(),
            name: self.options.publisher_name.clone(),
        };
        g.add(&catalogue, "rdf:type", Term::iri(expand("dcat:Catalog")));
        g.add(
            &catalogue,
            "dct:title",
            Term::lit("Mulighetsroms datakatalog", Some("nb")),
        );
        g.add(
            &catalogue,
            "dct:title",
            Term::lit("Mulighetsrom data catalogue", Some("en")),
        );
        g.add(
            &catalogue,
            "dct:description",
            Term::lit(
                "Registrene plattformen bruker og tjenestene som behandler dem, med rettslig grunnlag.",
                Some("nb"),
            ),
        );
        g.add(
            &catalogue,
            "dct:description",
            Term::lit(
                "The registers the platform uses and the services that process them, with their legal basis.",
                Some("en"),
            ),
        );
        g.add(&catalogue, "dct:publisher", Term::iri(own.uri()));
        for d in &self.datasets {
            g.add(
                &catalogue,
                "dcat:dataset",
                Term::iri(self.dataset_uri(&d.id)),
            );
        }
        for s in &self.data_services {
            g.add(
                &catalogue,
                "dcat:service",
                Term::iri(self.service_uri(&s.entry.id)),
            );
        }
        add_agent(&mut g, &own);
        for d in &self.datasets {
            self.add_dataset(&mut g, d);
        }
        for s in &self.data_services {
            self.add_service(&mut g, s);
        }
        g
    }

    fn add_dataset(&self, g: &mut Graph, d: &Dataset) {
        let node = Term::iri(self.dataset_uri(&d.id));
        g.add(&node, "rdf:type", Term::iri(expand("dcat:Dataset")));
        g.add(&node, "dct:identifier", Term::lit(d.id.clone(), None));
        g.add(
            &node,
            "dct:title",
            Term::lit(d.title_nb.clone(), Some("nb")),
        );
        g.add(
            &node,
            "dct:title",
            Term::lit(d.title_en.clone(), Some("en")),
        );
        g.add(
            &node,
            "dct:description",
            Term::lit(d.description_nb.clone(), Some("nb")),
        );
        g.add(
            &node,
            "dct:description",
            Term::lit(d.description_en.clone(), Some("en")),
        );
        g.add(&node, "dct:publisher", Term::iri(d.publisher.uri()));
        add_contact(g, &node, &d.publisher, None);
        for t in &d.themes {
            g.add(&node, "dcat:theme", Term::iri(t.clone()));
        }
        for k in &d.keywords {
            g.add(&node, "dcat:keyword", Term::lit(k.clone(), Some("nb")));
        }
        g.add(
            &node,
            "dct:accessRights",
            Term::iri(format!("{ACCESS_RIGHT}{}", d.access_rights.code())),
        );
        g.add(&node, "dct:spatial", Term::iri(NORWAY));
        add_legal(
            g,
            &node,
            &d.legal_basis,
            &["dcatno:legalBasisForProcessing"],
        );
        for dist in &d.distributions {
            let dn = Term::iri(format!(
                "{}/distributions/{}",
                self.dataset_uri(&d.id),
                dist.table
            ));
            g.add(&node, "dcat:distribution", dn.clone());
            g.add(&dn, "rdf:type", Term::iri(expand("dcat:Distribution")));
            g.add(&dn, "dct:title", Term::lit(dist.table.clone(), None));
            g.add(
                &dn,
                "dct:description",
                Term::lit(dist.description.clone(), Some("en")),
            );
            // Why the dataset itself: the data are not downloadable; the dataset page is where
            // access is described and requested.
            g.add(&dn, "dcat:accessURL", node.clone());
            g.add(&dn, "dcat:mediaType", Term::iri(CSV_MEDIA_TYPE));
        }
        add_agent(g, &d.publisher);
    }

    fn add_service(&self, g: &mut Graph, s: &DataService) {
        let e = &s.entry;
        let node = Term::iri(self.service_uri(&e.id));
        g.add(&node, "rdf:type", Term::iri(expand("dcat:DataService")));
        g.add(&node, "dct:identifier", Term::lit(e.id.clone(), None));
        g.add(
            &node,
            "dct:title",
            Term::lit(e.title_nb.clone(), Some("nb")),
        );
        if !e.title_en.trim().is_empty() {
            g.add(
                &node,
                "dct:title",
                Term::lit(e.title_en.clone(), Some("en")),
            );
        }
        g.add(
            &node,
            "dct:description",
            Term::lit(e.description_nb.clone(), Some("nb")),
        );
        g.add(&node, "dct:publisher", Term::iri(s.publisher.uri()));
        add_contact(g, &node, &s.publisher, e.contact_email.as_deref());
        g.add(&node, "dcat:endpointURL", Term::iri(e.endpoint_url.clone()));
        for d in &s.serves_datasets {
            g.add(&node, "dcat:servesDataset", Term::iri(self.dataset_uri(d)));
        }
        for k in &e.keywords {
            g.add(&node, "dcat:keyword", Term::lit(k.clone(), Some("nb")));
        }
        g.add(&node, "dcat:theme", Term::iri(format!("{DATA_THEME}GOVE")));
        let purpose = g.blank();
        g.add(&node, "dpv:hasPurpose", purpose.clone());
        g.add(&purpose, "rdf:type", Term::iri(expand("dpv:Purpose")));
        g.add(
            &purpose,
            "dct:description",
            Term::lit(e.purpose.clone(), Some("nb")),
        );
        if !e.automation.trim().is_empty() {
            g.add(
                &node,
                "mr:automation",
                Term::lit(e.automation.clone(), Some("nb")),
            );
        }
        add_legal(
            g,
            &node,
            &e.legal_basis,
            &[
                "dcatno:legalBasisForProcessing",
                "dcatno:legalBasisForAccess",
            ],
        );
        add_agent(g, &s.publisher);
    }
}

fn add_agent(g: &mut Graph, p: &Publisher) {
    let node = Term::iri(p.uri());
    g.add(&node, "rdf:type", Term::iri(expand("foaf:Agent")));
    g.add(&node, "dct:identifier", Term::lit(p.orgnr.clone(), None));
    g.add(&node, "foaf:name", Term::lit(p.name.clone(), Some("nb")));
}

fn add_contact(g: &mut Graph, node: &Term, p: &Publisher, email: Option<&str>) {
    let contact = g.blank();
    g.add(node, "dcat:contactPoint", contact.clone());
    g.add(
        &contact,
        "rdf:type",
        Term::iri(expand("vcard:Organization")),
    );
    g.add(&contact, "vcard:fn", Term::lit(p.name.clone(), Some("nb")));
    let url = KNOWN_AGENCIES
        .iter()
        .find(|(orgnr, _, _)| *orgnr == p.orgnr)
        .map_or_else(|| p.uri(), |(_, _, url)| url.to_string());
    g.add(&contact, "vcard:hasURL", Term::iri(url));
    if let Some(email) = email {
        g.add(
            &contact,
            "vcard:hasEmail",
            Term::iri(format!("mailto:{email}")),
        );
    }
}

/// Both forms of the legal basis (see the module docs).
fn add_legal(g: &mut Graph, node: &Term, legal: &[LegalReference], dcatno: &[&str]) {
    for l in legal {
        let eli = Term::iri(l.eli_uri.clone());
        g.add(node, "dcatap:applicableLegislation", eli.clone());
        g.add(&eli, "rdf:type", Term::iri(expand("eli:LegalResource")));
        g.add(&eli, "dct:title", Term::lit(l.title.clone(), Some("nb")));
        for property in dcatno {
            let statement = g.blank();
            g.add(node, property, statement.clone());
            g.add(&statement, "rdf:type", Term::iri(expand("skos:Concept")));
            g.add(
                &statement,
                "rdf:type",
                Term::iri(expand("dct:RightsStatement")),
            );
            g.add(
                &statement,
                "dct:source",
                Term::lit(l.lovdata_url.clone(), None),
            );
            g.add(
                &statement,
                "skos:prefLabel",
                Term::lit(l.title.clone(), Some("nb")),
            );
        }
    }
}

#[cfg(test)]
mod tests;
