//! Service manifests: what each service may read, for which purpose, on which legal basis.
//!
//! A manifest is a TOML file in `governance/manifests/`, one per service. It is the data the
//! access layer enforces, the audit log cites, the data catalogue and the algorithm register
//! publish and the citizen sees — one declaration, read by all of them, so that what is published
//! about a service cannot drift from what the service is allowed to do. Manifests are validated
//! when loaded; every error names the file and the field.

use crate::elements;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How far a service decides on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Automation {
    /// The system decides; a person handles only what it routes to manual handling (GDPR art. 22
    /// applies: explanation and manual review on request).
    FullyAutomated,
    /// The system recommends; a person decides.
    DecisionSupport,
    /// A person decides; the system provides data or measurements only.
    HumanDecides,
}

/// The service's class under the EU AI Act (Regulation (EU) 2024/1689).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AiActClass {
    /// Not an AI system (deterministic rules or optimisation, art. 3(1)).
    NotAiSystem,
    /// An AI system with minimal risk.
    MinimalRisk,
    /// Transparency obligations (art. 50).
    LimitedRisk,
    /// High-risk (art. 6: Annex I product such as a medical device, or Annex III).
    HighRisk,
}

/// The kind of service on the spectrum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Rule-based automation.
    Rules,
    /// Rules with more data.
    RulesMoreData,
    /// Optimisation.
    Optimisation,
    /// Prediction.
    Prediction,
    /// Behavioural intervention.
    Behavioural,
}

/// Whether a legal reference has been checked against the consolidated text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Checked against Lovdata (or EUR-Lex).
    Verified,
    /// Not yet checked; shown as unverified wherever it is published.
    Unverified,
}

/// The controller (behandlingsansvarlig).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Controller {
    /// Name.
    pub name: String,
    /// Organisation number; absent when each municipality is the controller of its own use
    /// (`municipal = true`).
    #[serde(default)]
    pub orgnr: Option<String>,
    /// Each municipality is the controller for its own inhabitants.
    #[serde(default)]
    pub municipal: bool,
}

/// The declared purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    /// Stable id, used in read requests and tokens.
    pub id: String,
    /// In bokmål.
    pub description_nb: String,
    /// In English.
    pub description_en: String,
}

/// One legal basis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    /// Citation, e.g. "Forskrift om foreldrebetaling i barnehager § 3".
    pub title: String,
    /// Lovdata URL of the provision.
    pub url: String,
    /// ELI URI of the act or regulation.
    #[serde(default)]
    pub eli: Option<String>,
    /// GDPR basis: `6(1)(a)` consent, `6(1)(c)` legal obligation, `6(1)(e)` public task, with
    /// `9(2)(…)` for health data.
    pub gdpr: String,
    /// Checked or not.
    pub status: Status,
}

impl LegalBasis {
    /// Whether this basis is consent (GDPR art. 6(1)(a)).
    pub fn is_consent(&self) -> bool {
        self.gdpr.contains("6(1)(a)")
    }
}

/// A ground of discrimination (likestillings- og diskrimineringsloven § 6) that a model feature
/// can be, or stand in for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Characteristic {
    /// Age (alder).
    Age,
    /// Sex or gender (kjønn).
    Sex,
    /// Ethnicity, including national origin, descent, skin colour and language (etnisitet).
    Ethnicity,
    /// Religion or belief (religion, livssyn).
    Religion,
    /// Disability (funksjonsnedsettelse).
    Disability,
    /// Sexual orientation (seksuell orientering).
    SexualOrientation,
    /// Gender identity or expression (kjønnsidentitet, kjønnsuttrykk).
    GenderIdentity,
    /// Pregnancy, leave at birth or adoption, care duties.
    Pregnancy,
}

impl Characteristic {
    /// Name in bokmål, as the law names it.
    pub fn name_nb(self) -> &'static str {
        match self {
            Characteristic::Age => "alder",
            Characteristic::Sex => "kjønn",
            Characteristic::Ethnicity => "etnisitet",
            Characteristic::Religion => "religion eller livssyn",
            Characteristic::Disability => "funksjonsnedsettelse",
            Characteristic::SexualOrientation => "seksuell orientering",
            Characteristic::GenderIdentity => "kjønnsidentitet eller kjønnsuttrykk",
            Characteristic::Pregnancy => "graviditet, permisjon eller omsorgsoppgaver",
        }
    }

    /// Name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Characteristic::Age => "age",
            Characteristic::Sex => "sex",
            Characteristic::Ethnicity => "ethnicity",
            Characteristic::Religion => "religion or belief",
            Characteristic::Disability => "disability",
            Characteristic::SexualOrientation => "sexual orientation",
            Characteristic::GenderIdentity => "gender identity or expression",
            Characteristic::Pregnancy => "pregnancy, leave or care duties",
        }
    }
}

/// A protected characteristic a predictive service may use in its models, and why it may.
///
/// Why a manifest must say so: the Dutch childcare-benefits scandal began with nationality in a
/// risk model without a legal basis. A feature that is, or stands in for, a ground of
/// discrimination is refused unless the service's manifest permits that ground with a reason
/// and the legal basis that allows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermittedFeature {
    /// The ground.
    pub characteristic: Characteristic,
    /// Why the purpose needs it (bokmål or English).
    pub reason: String,
    /// The legal basis that allows it (citation).
    pub basis: String,
}

/// A service manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Service id, `S1` … `S7`.
    pub id: String,
    /// Name in bokmål.
    pub name_nb: String,
    /// Name in English.
    pub name_en: String,
    /// Place on the spectrum, 1 (rules) to 7; absent for support functions (analysis, insight)
    /// that decide nothing about anyone.
    #[serde(default)]
    pub spectrum: Option<u8>,
    /// Kind of service.
    pub kind: Kind,
    /// The controller.
    pub controller: Controller,
    /// The purpose.
    pub purpose: Purpose,
    /// Legal bases (at least one).
    pub legal_basis: Vec<LegalBasis>,
    /// Data elements the purpose needs (names from [`elements::ELEMENTS`]).
    pub elements: Vec<String>,
    /// Whose data the purpose needs (categories of data subjects, GDPR art. 30(1)(c)).
    #[serde(default)]
    pub subjects: crate::subjects::SubjectCategory,
    /// How long decisions and data read are kept, in years.
    pub retention_years: u32,
    /// Why that long, with the source.
    pub retention_basis: String,
    /// Automation level.
    pub automation: Automation,
    /// EU AI Act class.
    pub ai_act: AiActClass,
    /// Why that class.
    pub ai_act_reason: String,
    /// Protected characteristics its models may use, each with reason and legal basis.
    #[serde(default)]
    pub permitted_features: Vec<PermittedFeature>,
    /// Where the manifest was read from (set when loading).
    #[serde(skip)]
    pub source: PathBuf,
}

impl Manifest {
    /// Whether reads under this manifest need the subject's consent.
    pub fn requires_consent(&self) -> bool {
        self.legal_basis.iter().any(LegalBasis::is_consent)
    }

    /// Why the manifest permits features of this characteristic, if it does.
    pub fn permits(&self, characteristic: Characteristic) -> Option<&PermittedFeature> {
        self.permitted_features
            .iter()
            .find(|p| p.characteristic == characteristic)
    }

    /// Whether the manifest declares an element.
    pub fn declares(&self, element: &str) -> bool {
        self.elements.iter().any(|e| e == element)
    }

    /// The legal bases as one line, for log entries and letters.
    pub fn legal_basis_line(&self) -> String {
        self.legal_basis
            .iter()
            .map(|b| format!("{} <{}>", b.title, b.url))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Why manifests could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The directory or a file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not valid TOML for a manifest.
    #[error("{path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message (names the field and line).
        message: String,
    },
    /// A field has a value the platform cannot accept.
    #[error("{path}: field `{field}`: {problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The field.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// Two files declare the same service id.
    #[error("service {id} is declared twice: {first} and {second}")]
    Duplicate {
        /// Service id.
        id: String,
        /// First file.
        first: PathBuf,
        /// Second file.
        second: PathBuf,
    },
}

/// All manifests of a deployment, by service id.
#[derive(Clone, Debug, Default)]
pub struct Manifests {
    by_id: BTreeMap<String, Manifest>,
}

impl Manifests {
    /// The manifests shipped with the platform (`governance/manifests/` in the repository,
    /// embedded at build time so the binary works from any directory).
    pub fn builtin() -> Manifests {
        let mut m = Manifests::default();
        for (name, text) in BUILTIN {
            // The shipped manifests are validated by a test; a failure here is a build defect.
            let manifest = parse(Path::new(name), text).expect("shipped manifests are valid");
            m.by_id.insert(manifest.id.clone(), manifest);
        }
        m
    }

    /// Loads every `*.toml` in `dir`.
    pub fn load_dir(dir: &Path) -> Result<Manifests, ManifestError> {
        let io = |source| ManifestError::Io {
            path: dir.to_owned(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        let mut m = Manifests::default();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|source| ManifestError::Io {
                path: path.clone(),
                source,
            })?;
            let manifest = parse(&path, &text)?;
            if let Some(first) = m.by_id.get(&manifest.id) {
                return Err(ManifestError::Duplicate {
                    id: manifest.id.clone(),
                    first: first.source.clone(),
                    second: path,
                });
            }
            m.by_id.insert(manifest.id.clone(), manifest);
        }
        Ok(m)
    }

    /// The manifest of a service.
    pub fn get(&self, id: &str) -> Option<&Manifest> {
        self.by_id.get(id)
    }

    /// Every manifest, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Manifest> {
        self.by_id.values()
    }

    /// Number of manifests.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "governance/manifests/a1-reformanalyse.toml",
        include_str!("../../../governance/manifests/a1-reformanalyse.toml"),
    ),
    (
        "governance/manifests/innsyn.toml",
        include_str!("../../../governance/manifests/innsyn.toml"),
    ),
    (
        "governance/manifests/o1-tilsyn.toml",
        include_str!("../../../governance/manifests/o1-tilsyn.toml"),
    ),
    (
        "governance/manifests/s1-foreldrebetaling.toml",
        include_str!("../../../governance/manifests/s1-foreldrebetaling.toml"),
    ),
    (
        "governance/manifests/s2-foreldrebetaling-kontekst.toml",
        include_str!("../../../governance/manifests/s2-foreldrebetaling-kontekst.toml"),
    ),
    (
        "governance/manifests/s3-turnus.toml",
        include_str!("../../../governance/manifests/s3-turnus.toml"),
    ),
    (
        "governance/manifests/s4-mammografi-ki.toml",
        include_str!("../../../governance/manifests/s4-mammografi-ki.toml"),
    ),
    (
        "governance/manifests/s5-paavirkning.toml",
        include_str!("../../../governance/manifests/s5-paavirkning.toml"),
    ),
    (
        "governance/manifests/s6-persontilpasset-screening.toml",
        include_str!("../../../governance/manifests/s6-persontilpasset-screening.toml"),
    ),
    (
        "governance/manifests/s7-kreftrisiko.toml",
        include_str!("../../../governance/manifests/s7-kreftrisiko.toml"),
    ),
];

/// Parses and validates one manifest.
pub fn parse(path: &Path, text: &str) -> Result<Manifest, ManifestError> {
    let mut m: Manifest = toml::from_str(text).map_err(|e| ManifestError::Syntax {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    m.source = path.to_owned();
    let invalid = |field: &str, problem: String| ManifestError::Invalid {
        path: path.to_owned(),
        field: field.to_owned(),
        problem,
    };
    if m.id.is_empty() || !m.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(invalid(
            "id",
            format!("{:?} is not a plain service id", m.id),
        ));
    }
    if let Some(place) = m.spectrum.filter(|p| !(1..=7).contains(p)) {
        return Err(invalid(
            "spectrum",
            format!("{place} is outside the spectrum 1–7"),
        ));
    }
    match (&m.controller.orgnr, m.controller.municipal) {
        (Some(orgnr), false) => {
            identity::OrgNumber::parse(orgnr)
                .map_err(|e| invalid("controller.orgnr", format!("{orgnr}: {e}")))?;
        }
        (None, true) => {}
        (Some(_), true) => {
            return Err(invalid(
                "controller",
                "give either orgnr or municipal = true, not both".into(),
            ))
        }
        (None, false) => {
            return Err(invalid(
                "controller",
                "an orgnr is required unless municipal = true".into(),
            ))
        }
    }
    if m.purpose.id.is_empty() {
        return Err(invalid("purpose.id", "must not be empty".into()));
    }
    if m.legal_basis.is_empty() {
        return Err(invalid(
            "legal_basis",
            "at least one legal basis is required".into(),
        ));
    }
    for (i, b) in m.legal_basis.iter().enumerate() {
        if !b.url.starts_with("https://") {
            return Err(invalid(
                &format!("legal_basis[{i}].url"),
                format!("{:?} is not an https URL", b.url),
            ));
        }
        if !b.gdpr.starts_with("6(1)(") {
            return Err(invalid(
                &format!("legal_basis[{i}].gdpr"),
                format!(
                    "{:?} does not name a GDPR art. 6(1) basis such as \"6(1)(e)\"",
                    b.gdpr
                ),
            ));
        }
    }
    if m.elements.is_empty() {
        return Err(invalid(
            "elements",
            "a service must declare what it reads".into(),
        ));
    }
    for e in &m.elements {
        let Some(element) = elements::element(e) else {
            return Err(invalid(
                "elements",
                format!(
                    "unknown data element {e:?}; known elements: {}",
                    elements::names().join(", ")
                ),
            ));
        };
        if element.sensitive
            && element.register == registers::RegisterId::Health
            && !m.legal_basis.iter().any(|b| b.gdpr.contains("9(2)"))
        {
            return Err(invalid(
                "legal_basis",
                format!("{e} is health data (GDPR art. 9); a 9(2) exception must be cited"),
            ));
        }
    }
    if m.retention_years == 0 {
        return Err(invalid("retention_years", "must be at least 1".into()));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_manifests_load_and_cover_the_spectrum() {
        let m = Manifests::load_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../governance/manifests"),
        )
        .unwrap();
        let on_spectrum: Vec<_> = m
            .iter()
            .filter_map(|m| m.spectrum.map(|p| (p, m.id.as_str())))
            .collect();
        assert_eq!(
            on_spectrum,
            [
                (1, "S1"),
                (2, "S2"),
                (3, "S3"),
                (4, "S4"),
                (5, "S5"),
                (6, "S6"),
                (7, "S7")
            ]
        );
        let builtin = Manifests::builtin();
        assert_eq!(
            builtin.len(),
            m.len(),
            "every manifest file is embedded in BUILTIN"
        );
        assert!(builtin.get("S5").unwrap().requires_consent());
        assert!(!builtin.get("S1").unwrap().requires_consent());
    }

    #[test]
    fn errors_name_the_file_and_field() {
        let text = include_str!("../../../governance/manifests/s1-foreldrebetaling.toml");
        let bad = text.replace(
            "\"barnehage.opptak\"",
            "\"barnehage.opptak\", \"skatt.formue\"",
        );
        let err = parse(Path::new("x.toml"), &bad).unwrap_err().to_string();
        assert!(
            err.starts_with("x.toml: field `elements`: unknown data element \"skatt.formue\""),
            "{err}"
        );
        let bad = text.replace("municipal = true", "municipl = true");
        let err = parse(Path::new("x.toml"), &bad).unwrap_err().to_string();
        assert!(err.contains("x.toml"), "{err}");
        let bad = text.replace("spectrum = 1", "spectrum = 9");
        let err = parse(Path::new("x.toml"), &bad).unwrap_err().to_string();
        assert!(err.contains("`spectrum`"), "{err}");
    }
}
