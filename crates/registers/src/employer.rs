//! The employer register: organisations (Enhetsregisteret, Brønnøysundregistrene) and employments
//! (the Aa-register, reported through a-ordningen).

use crate::municipality::MunicipalityNumber;
use chrono::NaiveDate;
use identity::{NationalId, OrgNumber};

/// What kind of unit an organisation is; the services look for their own kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrgKind {
    /// The municipality itself as an employer.
    Municipality,
    /// A nursing home (sykehjem), staffed around the clock.
    NursingHome,
    /// Home-based care (hjemmetjeneste).
    HomeCare,
    /// A kindergarten (barnehage).
    Kindergarten,
    /// A hospital unit (specialist health service).
    Hospital,
    /// Any other business.
    Business,
}

impl OrgKind {
    /// Stable code used in storage and export.
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Municipality => "kommune",
            OrgKind::NursingHome => "sykehjem",
            OrgKind::HomeCare => "hjemmetjeneste",
            OrgKind::Kindergarten => "barnehage",
            OrgKind::Hospital => "sykehus",
            OrgKind::Business => "virksomhet",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            OrgKind::Municipality,
            OrgKind::NursingHome,
            OrgKind::HomeCare,
            OrgKind::Kindergarten,
            OrgKind::Hospital,
            OrgKind::Business,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// A registered organisation (underenhet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    /// Organisasjonsnummer.
    pub orgnr: OrgNumber,
    /// Name (synthetic).
    pub name: String,
    /// Kind of unit.
    pub kind: OrgKind,
    /// Municipality of the business address.
    pub municipality: MunicipalityNumber,
}

/// A worker's competence as far as staffing rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Competence {
    /// Registered nurse (sykepleier, STYRK 2221).
    Nurse,
    /// Certified health worker (helsefagarbeider, STYRK 5321).
    HealthWorker,
    /// Assistant without health education (assistent).
    Assistant,
    /// Kindergarten teacher (barnehagelærer).
    KindergartenTeacher,
    /// Anything else.
    Other,
}

impl Competence {
    /// Stable code used in storage and export.
    pub fn code(self) -> &'static str {
        match self {
            Competence::Nurse => "sykepleier",
            Competence::HealthWorker => "helsefagarbeider",
            Competence::Assistant => "assistent",
            Competence::KindergartenTeacher => "barnehagelaerer",
            Competence::Other => "annet",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Competence::Nurse,
            Competence::HealthWorker,
            Competence::Assistant,
            Competence::KindergartenTeacher,
            Competence::Other,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// An employment relationship (arbeidsforhold).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Employment {
    /// The employee.
    pub person: NationalId,
    /// The employing organisation.
    pub employer: OrgNumber,
    /// Position percentage (stillingsprosent), 1–100.
    pub position_pct: u8,
    /// Competence relevant to staffing.
    pub competence: Competence,
    /// Start of the employment.
    pub from: NaiveDate,
    /// End of the employment, if ended.
    pub to: Option<NaiveDate>,
}
