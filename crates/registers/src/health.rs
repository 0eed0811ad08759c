//! Health registers for the screening and prevention services: BreastScreen Norway's invitations,
//! attendance and results, cancer diagnoses (Kreftregisteret), and a population lifestyle survey
//! in the style of the HUNT and Tromsø studies.

use chrono::NaiveDate;
use identity::NationalId;

/// Outcome of one screening invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScreeningResult {
    /// The woman did not attend.
    NotAttended,
    /// Attended; both readers (or consensus) found nothing to recall.
    Negative,
    /// Recalled for further assessment; no cancer found (false positive).
    RecallNoCancer,
    /// Recalled; cancer found (screen-detected).
    ScreenDetectedCancer,
}

impl ScreeningResult {
    /// Stable code used in storage and export.
    pub fn code(self) -> &'static str {
        match self {
            ScreeningResult::NotAttended => "ikke_moett",
            ScreeningResult::Negative => "negativ",
            ScreeningResult::RecallNoCancer => "etterundersoekt_uten_kreft",
            ScreeningResult::ScreenDetectedCancer => "screeningoppdaget_kreft",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            ScreeningResult::NotAttended,
            ScreeningResult::Negative,
            ScreeningResult::RecallNoCancer,
            ScreeningResult::ScreenDetectedCancer,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// One invitation to BreastScreen Norway (women 50–69, every second year) and what came of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScreeningRecord {
    /// The invited woman.
    pub person: NationalId,
    /// The appointment date in the invitation letter.
    pub invited_for: NaiveDate,
    /// The date she attended, if she did.
    pub attended_on: Option<NaiveDate>,
    /// The outcome.
    pub result: ScreeningResult,
}

/// Cancer site (only those the services use).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CancerSite {
    /// Breast cancer (ICD-10 C50) including DCIS (D05).
    Breast,
}

/// How a cancer came to light.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detection {
    /// Found at a screening examination.
    Screening,
    /// Found between a negative screening and the next invitation (interval cancer).
    Interval,
    /// Found outside the screening programme (not invited, or not attending).
    Clinical,
}

impl Detection {
    /// Stable code used in storage and export.
    pub fn code(self) -> &'static str {
        match self {
            Detection::Screening => "screening",
            Detection::Interval => "intervall",
            Detection::Clinical => "klinisk",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Detection::Screening,
            Detection::Interval,
            Detection::Clinical,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// A cancer diagnosis reported to the Cancer Registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CancerDiagnosis {
    /// The patient.
    pub person: NationalId,
    /// Date of diagnosis.
    pub diagnosed_on: NaiveDate,
    /// Site.
    pub site: CancerSite,
    /// How it was detected.
    pub detection: Detection,
}

/// Smoking status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Smoking {
    /// Never smoked.
    Never,
    /// Smoked before, not now.
    Former,
    /// Smokes daily.
    Daily,
}

impl Smoking {
    /// Stable code used in storage and export.
    pub fn code(self) -> &'static str {
        match self {
            Smoking::Never => "aldri",
            Smoking::Former => "tidligere",
            Smoking::Daily => "daglig",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Smoking::Never, Smoking::Former, Smoking::Daily]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// One answer to the lifestyle survey.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LifestyleSurvey {
    /// The respondent.
    pub person: NationalId,
    /// When the survey was answered.
    pub answered_on: NaiveDate,
    /// Smoking status.
    pub smoking: Smoking,
    /// Alcohol units in a typical week.
    pub alcohol_units_per_week: u8,
    /// Body-mass index × 10 (kg/m², one decimal kept as an integer).
    pub bmi_tenths: u16,
    /// Minutes of moderate or vigorous physical activity in a typical week.
    pub activity_minutes_per_week: u16,
    /// Age at first menstrual period (women only).
    pub age_at_menarche: Option<u8>,
    /// Number of live births (women only; 0 for men is recorded as `None`).
    pub live_births: Option<u8>,
    /// Age at first live birth (women with at least one birth).
    pub age_at_first_birth: Option<u8>,
    /// Number of first-degree relatives with breast cancer.
    pub first_degree_relatives_with_breast_cancer: u8,
}
