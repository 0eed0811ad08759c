//! Who may receive a message: the target, then the rules that exclude, each exclusion counted.
//!
//! Why the rules run before randomisation: an exclusion after allocation (an opt-out noticed when
//! the SMS is about to go) would remove people from one arm and not the other and break the
//! comparison. Consent is checked here, at the instant of the campaign, even though the access
//! layer delivered only consenting persons: a withdrawal between the read and the allocation must
//! still take effect (GDPR art. 7(3)).

use crate::design::Target;
use crate::population::{AttendanceClass, Candidate, ConsentStatus};
use serde::Serialize;
use std::collections::BTreeMap;

/// Why an eligible-by-target person was excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The consent was withdrawn (opted out).
    ConsentWithdrawn,
    /// The consent has expired.
    ConsentExpired,
    /// No consent for S5's purpose.
    NoConsent,
    /// High-risk targeting, but no lifestyle survey answer to score.
    NoRiskScore,
}

impl Exclusion {
    /// Label in bokmål with English.
    pub fn label(self) -> &'static str {
        match self {
            Exclusion::ConsentWithdrawn => "samtykke trukket (consent withdrawn, opted out)",
            Exclusion::ConsentExpired => "samtykke utløpt (consent expired)",
            Exclusion::NoConsent => "ikke samtykket (no consent)",
            Exclusion::NoRiskScore => "mangler levevaneskjema (no survey answer to score)",
        }
    }
}

/// The outcome of the eligibility rules.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Eligibility {
    /// Candidates considered (women of programme age delivered to S5).
    pub considered: usize,
    /// Not in the target.
    pub not_in_target: usize,
    /// Excluded, by reason.
    pub excluded: BTreeMap<Exclusion, usize>,
    /// Risk threshold of high-risk targeting (score at or above it), if used.
    pub risk_threshold: Option<f64>,
    /// Indices (into the candidates) of the eligible, in candidate order.
    #[serde(skip)]
    pub eligible: Vec<usize>,
}

impl Eligibility {
    /// Number of eligible persons.
    pub fn eligible_count(&self) -> usize {
        self.eligible.len()
    }

    /// Total excluded.
    pub fn excluded_count(&self) -> usize {
        self.excluded.values().sum()
    }
}

/// Applies the target and the exclusion rules.
///
/// High-risk targeting ranks the women *in the target population* who answered the survey,
/// before consent is looked at, so the threshold does not depend on who consented; women above
/// it without consent are then excluded and counted like anyone else.
pub fn select(candidates: &[Candidate], target: Target) -> Eligibility {
    let invited = |c: &Candidate| c.history.class() != AttendanceClass::NeverInvited;
    let risk_threshold = match target {
        Target::HighRisk { top_share } => {
            let mut scores: Vec<f64> = candidates
                .iter()
                .filter(|c| invited(c))
                .filter_map(|c| c.risk)
                .collect();
            scores.sort_by(|a, b| b.total_cmp(a));
            (!scores.is_empty()).then(|| {
                let k = ((top_share * scores.len() as f64).ceil() as usize).clamp(1, scores.len());
                scores[k - 1]
            })
        }
        _ => None,
    };
    let mut out = Eligibility {
        considered: candidates.len(),
        not_in_target: 0,
        excluded: BTreeMap::new(),
        risk_threshold,
        eligible: Vec::new(),
    };
    for (i, c) in candidates.iter().enumerate() {
        let in_target = match target {
            Target::AllInvited => invited(c),
            Target::NonAttenders => matches!(
                c.history.class(),
                AttendanceClass::NonAttender | AttendanceClass::Irregular
            ),
            Target::HighRisk { .. } => {
                invited(c)
                    && match (c.risk, risk_threshold) {
                        (Some(r), Some(t)) => r >= t,
                        // Invited but unscored: in the target population, yet unusable.
                        _ => true,
                    }
            }
        };
        if !in_target {
            out.not_in_target += 1;
            continue;
        }
        let exclusion = match c.consent {
            ConsentStatus::Valid => None,
            ConsentStatus::Withdrawn => Some(Exclusion::ConsentWithdrawn),
            ConsentStatus::Expired => Some(Exclusion::ConsentExpired),
            ConsentStatus::Missing => Some(Exclusion::NoConsent),
        }
        .or_else(|| {
            (matches!(target, Target::HighRisk { .. }) && c.risk.is_none())
                .then_some(Exclusion::NoRiskScore)
        });
        match exclusion {
            Some(e) => *out.excluded.entry(e).or_default() += 1,
            None => out.eligible.push(i),
        }
    }
    out
}
