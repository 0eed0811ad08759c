/*!
Nudging campaigns run as experiments (service S5): whom to remind, with which message, and
whether it worked.

A campaign is a [`CampaignDesign`] (a [`Target`], message [`Variant`]s as [`Arm`]s with shares,
a seed) applied to [`Candidate`]s (women of programme age with their attendance history,
consent and phone status). [`Campaign::plan`] applies the eligibility rules (consent first; each
exclusion counted), allocates the eligible by seeded, stratified, blocked randomisation and
checks the design for sludge and ethics; [`Campaign::simulate_results`] simulates attendance
from the published effect sizes and estimates the uplift of each arm against control with 95 %
intervals.

Why a service for *experiments* rather than for sending messages: a nudge whose effect is not
measured is a guess imposed on people, and a nudge that adds friction ("sludge") does harm. So
every design gets a control group unless someone refuses it (and is flagged for it), every
effect size used is data with its source ([`effects`]), and every concern is a typed [`Flag`]
with a reason and a source ([`ethics`]).

Pure computation: no IO, no store, no clock; the caller hands in the candidates it was
delivered through the access layer.

```
use svc_prevention::{Arm, Campaign, CampaignDesign, Candidate, ConsentStatus, History,
    PhoneOnRecord, Target, Variant};
let women: Vec<Candidate> = (0..400u64)
    .map(|i| Candidate {
        person: identity::NationalId::parse("17912099997").unwrap(),
        age: 50 + (i % 20) as u32,
        history: History { invitations: 1, attended: (i % 3 == 0) as u32 },
        risk: None,
        consent: if i % 10 == 0 { ConsentStatus::Withdrawn } else { ConsentStatus::Valid },
        phone: PhoneOnRecord::Unknown,
    })
    .collect();
let arms = CampaignDesign::arms_with_control(&[Variant::SmsReminder], Some(0.5)).unwrap();
let design = CampaignDesign::new(Target::NonAttenders, arms, 7).unwrap();
let plan = Campaign::plan(design, &women, 0.41).unwrap();
assert_eq!(plan.eligibility.excluded_count(), 26); // withdrawn among the non-attenders
let results = plan.simulate_results(&women);
assert_eq!(results.len(), 2);
```
*/
#![deny(missing_docs)]

pub mod design;
pub mod effects;
pub mod eligibility;
pub mod estimate;
pub mod ethics;
pub mod population;
pub mod randomise;
pub mod simulate;
pub mod synthetic;

pub use design::{Arm, CampaignDesign, Characteristic, DesignError, Target, Variant};
pub use effects::{effect_of, EffectSize, Measure, Verification};
pub use eligibility::{Eligibility, Exclusion};
pub use estimate::{Comparison, Count, Ratio};
pub use ethics::{Flag, FlagKind, Severity};
pub use population::{AttendanceClass, Candidate, ConsentStatus, History, PhoneOnRecord};
pub use randomise::{Allocation, Assignment, Stratum};
pub use simulate::ArmResult;

use serde::Serialize;

/// Why a campaign cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    /// Nobody is left after the target and the eligibility rules.
    #[error(
        "nobody is eligible: {considered} considered, {not_in_target} outside the target, \
         {excluded} excluded (consent or missing data)"
    )]
    NoneEligible {
        /// Considered.
        considered: usize,
        /// Outside the target.
        not_in_target: usize,
        /// Excluded.
        excluded: usize,
    },
}

/// A planned campaign: the design, who is eligible, the allocation and the flags.
#[derive(Clone, Debug, Serialize)]
pub struct Campaign {
    /// The design.
    pub design: CampaignDesign,
    /// The eligibility rules' outcome.
    pub eligibility: Eligibility,
    /// The allocation.
    pub allocation: Allocation,
    /// Share with a number on record used where the registers do not say.
    pub phone_share: f64,
    /// Minimum detectable ITT difference of each arm against control.
    pub minimum_detectable: Vec<Option<f64>>,
    /// Sludge and ethics flags, serious first.
    pub flags: Vec<Flag>,
}

impl Campaign {
    /// Plans a campaign: eligibility, allocation, flags. `phone_share` is used for candidates
    /// whose phone is [`PhoneOnRecord::Unknown`] (and flagged when an SMS arm needs it).
    pub fn plan(
        design: CampaignDesign,
        candidates: &[Candidate],
        phone_share: f64,
    ) -> Result<Campaign, CampaignError> {
        let eligibility = eligibility::select(candidates, design.target());
        if eligibility.eligible.is_empty() {
            return Err(CampaignError::NoneEligible {
                considered: eligibility.considered,
                not_in_target: eligibility.not_in_target,
                excluded: eligibility.excluded_count(),
            });
        }
        let allocation = randomise::allocate(&design, candidates, &eligibility, phone_share);
        let minimum_detectable = simulate::minimum_detectable(&design, candidates, &allocation);
        let mut flags = ethics::check(&design, &minimum_detectable);
        if design.arms().iter().any(|a| a.variant.needs_phone()) {
            flags.extend(ethics::simulated_phones(
                allocation.phone_simulated_share,
                phone_share,
            ));
        }
        Ok(Campaign {
            design,
            eligibility,
            allocation,
            phone_share,
            minimum_detectable,
            flags,
        })
    }

    /// Number of recipients of a message (allocated outside control).
    pub fn recipients(&self) -> usize {
        let control = self.design.control();
        self.allocation
            .per_arm
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != control)
            .map(|(_, n)| n)
            .sum()
    }

    /// Simulates attendance from the published effects and compares each arm with control.
    /// `candidates` must be the slice the campaign was planned on.
    pub fn simulate_results(&self, candidates: &[Candidate]) -> Vec<ArmResult> {
        let attended = simulate::outcomes(&self.design, candidates, &self.allocation);
        simulate::results(&self.design, &self.allocation, &attended)
    }
}
