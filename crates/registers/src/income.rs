//! The income register: yearly tax assessments and monthly a-ordningen income (Skatteetaten).
//!
//! All amounts are whole NOK (`i64`), never floating point.

use identity::NationalId;

/// A person's tax assessment (skatteoppgjør) for one income year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaxAssessment {
    /// The taxpayer.
    pub person: NationalId,
    /// The income year assessed.
    pub income_year: u16,
    /// Personinntekt (skatteloven § 12-2): wages, pensions, benefits and business income, NOK.
    pub personinntekt: i64,
    /// Skattepliktig kapitalinntekt (skatteloven § 5-20 and ch. 5), NOK; may be negative only
    /// through deductions, which the register here does not model, so it is ≥ 0.
    pub kapitalinntekt: i64,
}

/// A person's income reported through a-ordningen (the monthly employer and NAV reporting), for
/// the twelve months of one year.
///
/// The register holds one amount per person and month (the sum over all payers). It is kept as one
/// record per person and year with twelve amounts because that is how every consumer reads it and
/// it is twelve times fewer rows for the whole country; exports write one row per person and month.
/// For an employee without business income, the twelve amounts sum to the year's personinntekt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthlyIncome {
    /// The income receiver.
    pub person: NationalId,
    /// Calendar year.
    pub year: u16,
    /// Reported income for January (index 0) to December (index 11), NOK.
    pub months: [i64; 12],
}

impl MonthlyIncome {
    /// Sum over the year.
    pub fn total(&self) -> i64 {
        self.months.iter().sum()
    }
}
