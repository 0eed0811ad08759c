//! The people a campaign can consider: women in the screening register with their attendance
//! history, consent and whether a mobile number is on record.
//!
//! Why each candidate carries her own baseline propensity: the published effects are relative
//! (an odds ratio, a risk ratio) or absolute (a risk difference) *changes*, so a simulation needs
//! something to change. A woman who has attended before is far likelier to attend again than one
//! who has not; the baseline is the posterior mean of a Beta prior centred on the programme's
//! attendance, with the weight of one round, updated by her own rounds:
//! `(attended + 0.755) / (invitations + 1)`. That gives 87.8 % after one attended round and
//! 37.8 % after one missed round. The prior weight is an assumption of this code (unverified);
//! the 75.5 % is the synthetic programme's attendance (`synth::health`).

use chrono::NaiveDate;
use identity::{NationalId, Sex};
use registers::{PersonStatus, Registers};
use serde::Serialize;
use std::collections::HashMap;

/// Attendance of the synthetic BreastScreen Norway programme, the centre of the baseline prior.
pub const PROGRAMME_ATTENDANCE: f64 = 0.755;
/// Weight of the prior, in rounds (an assumption).
pub const PRIOR_ROUNDS: f64 = 1.0;
/// Programme ages (BreastScreen Norway invites women 50–69).
pub const PROGRAMME_AGES: (u32, u32) = (50, 69);

/// A woman's attendance in the screening register.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct History {
    /// Invitations on record.
    pub invitations: u32,
    /// Of which attended.
    pub attended: u32,
}

/// Attendance class, used for targeting and as a stratum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceClass {
    /// Never invited.
    NeverInvited,
    /// Invited, never attended.
    NonAttender,
    /// Attended some rounds, not all.
    Irregular,
    /// Attended every round.
    Regular,
}

impl AttendanceClass {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AttendanceClass::NeverInvited => "never-invited",
            AttendanceClass::NonAttender => "non-attender",
            AttendanceClass::Irregular => "irregular",
            AttendanceClass::Regular => "regular",
        }
    }
}

impl History {
    /// The class of this history.
    pub fn class(self) -> AttendanceClass {
        match (self.invitations, self.attended) {
            (0, _) => AttendanceClass::NeverInvited,
            (_, 0) => AttendanceClass::NonAttender,
            (n, a) if a < n => AttendanceClass::Irregular,
            _ => AttendanceClass::Regular,
        }
    }

    /// Baseline propensity to attend the next round (see the module docs).
    pub fn baseline(self) -> f64 {
        (self.attended as f64 + PRIOR_ROUNDS * PROGRAMME_ATTENDANCE)
            / (self.invitations as f64 + PRIOR_ROUNDS)
    }
}

/// A person's consent to S5's purpose at the time of the campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentStatus {
    /// A valid consent for the purpose.
    Valid,
    /// Withdrawn (an opt-out): art. 7(3), no message and no further processing.
    Withdrawn,
    /// Expired.
    Expired,
    /// Never given.
    Missing,
}

/// Whether a mobile number is on record for the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneOnRecord {
    /// A number is on record.
    Yes,
    /// No number on record.
    No,
    /// The registers do not say (the synthetic registers hold no contact data); the campaign
    /// simulates it at Kerrison's 41 % and flags that it did.
    Unknown,
}

/// One person the campaign may consider.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// Identity number (never written to campaign files; `Debug` masks it).
    #[serde(skip)]
    pub person: NationalId,
    /// Age on the campaign's reference date.
    pub age: u32,
    /// Attendance history.
    pub history: History,
    /// Lifestyle risk score (higher is riskier), when she answered the survey.
    pub risk: Option<f64>,
    /// Consent to S5's purpose.
    pub consent: ConsentStatus,
    /// Mobile number on record.
    pub phone: PhoneOnRecord,
}

impl Candidate {
    /// Five-year age band, a randomisation stratum.
    pub fn age_band(&self) -> (u32, u32) {
        let lo = self.age - self.age % 5;
        (lo, lo + 4)
    }
}

/// Women of programme age who are resident on `on`, with their attendance history from the
/// screening register (invitations up to `on`). Consent, risk and phone are left for the caller
/// to set ([`ConsentStatus::Missing`], `None`, [`PhoneOnRecord::Unknown`]). Sorted by identity
/// number, so the order (and hence a seeded allocation) does not depend on the order of the
/// registers.
pub fn candidates(registers: &Registers, on: NaiveDate) -> Vec<Candidate> {
    let mut history: HashMap<NationalId, History> = HashMap::new();
    for s in registers.screening.iter().filter(|s| s.invited_for <= on) {
        let h = history.entry(s.person).or_default();
        h.invitations += 1;
        h.attended += u32::from(s.attended_on.is_some());
    }
    let mut out: Vec<Candidate> = registers
        .persons
        .iter()
        .filter(|p| p.sex == Sex::Female && p.status == PersonStatus::Resident)
        .filter_map(|p| {
            let age = registers::age_on(p.birth_date, on);
            (PROGRAMME_AGES.0..=PROGRAMME_AGES.1)
                .contains(&age)
                .then(|| Candidate {
                    person: p.id,
                    age,
                    history: history.get(&p.id).copied().unwrap_or_default(),
                    risk: None,
                    consent: ConsentStatus::Missing,
                    phone: PhoneOnRecord::Unknown,
                })
        })
        .collect();
    out.sort_by_key(|c| c.person);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_follow_the_documented_prior() {
        let once = |attended| History {
            invitations: 1,
            attended,
        };
        assert!((once(1).baseline() - 0.8775).abs() < 1e-12);
        assert!((once(0).baseline() - 0.3775).abs() < 1e-12);
        assert!((History::default().baseline() - PROGRAMME_ATTENDANCE).abs() < 1e-12);
        assert_eq!(once(0).class(), AttendanceClass::NonAttender);
        assert_eq!(
            History {
                invitations: 3,
                attended: 2
            }
            .class(),
            AttendanceClass::Irregular
        );
        assert_eq!(once(1).class(), AttendanceClass::Regular);
        assert_eq!(History::default().class(), AttendanceClass::NeverInvited);
    }
}
