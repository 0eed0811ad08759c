//! The kindergarten register: which child attends which kindergarten, for how many hours a week.
//!
//! Enrolments are reported by the kindergartens to the municipality (and to Udir's BASIL); the
//! fee services read the agreed weekly hours (avtalt oppholdstid) and the period.

use crate::municipality::MunicipalityNumber;
use chrono::NaiveDate;
use identity::{NationalId, OrgNumber};

/// A child's place in a kindergarten.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Enrolment {
    /// The child.
    pub child: NationalId,
    /// The kindergarten's organisation number.
    pub kindergarten: OrgNumber,
    /// The municipality the kindergarten lies in.
    pub municipality: MunicipalityNumber,
    /// Agreed hours a week (avtalt oppholdstid); 41 or more is a full-time place.
    pub weekly_hours: u8,
    /// First day of the place.
    pub from: NaiveDate,
    /// Last day of the place, if it has ended or an end is agreed.
    pub to: Option<NaiveDate>,
}

impl Enrolment {
    /// Whether the place is active on `date`.
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        date >= self.from && self.to.is_none_or(|to| date <= to)
    }
}
