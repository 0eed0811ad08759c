//! Results "when they come in": simulated attendance, then uplift per arm against control.
//!
//! Each recipient attends with her baseline propensity, moved by her arm's published effect if
//! the message reached her ([`crate::effects`]). There are no real results; the simulation shows
//! what the estimators would report if the published effects held here, and a test checks that
//! they recover the planted effect.
//!
//! Two comparisons per arm:
//!
//! * intention to treat (ITT): everyone allocated to the arm against everyone in control,
//!   whether or not the message reached them: the effect of *running* the campaign;
//! * reached: for an SMS arm, those with a number on record against the control women with a
//!   number on record. Having a number is recorded before randomisation, so this compares like
//!   with like (it is not a per-protocol comparison that selects on behaviour after allocation);
//!   it is the effect of the message on those it can reach. For letters every recipient is
//!   reached and the two comparisons coincide.

use crate::design::{CampaignDesign, Variant};
use crate::effects::effect_of;
use crate::estimate::{minimum_detectable_difference, Comparison, Count};
use crate::population::Candidate;
use crate::randomise::{stream, Allocation, STREAM_OUTCOMES};
use rand::Rng;
use serde::Serialize;

/// The simulated outcome of each assignment, in allocation order.
pub fn outcomes(
    design: &CampaignDesign,
    candidates: &[Candidate],
    allocation: &Allocation,
) -> Vec<bool> {
    let effects: Vec<_> = design
        .arms()
        .iter()
        .map(|a| effect_of(&a.variant).measure)
        .collect();
    let mut rng = stream(design.seed(), STREAM_OUTCOMES);
    allocation
        .assignments
        .iter()
        .map(|a| {
            let base = candidates[a.candidate].history.baseline();
            let p = if a.reached {
                effects[a.arm].apply(base)
            } else {
                base
            };
            rng.gen_bool(p)
        })
        .collect()
}

/// One arm's results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArmResult {
    /// The variant.
    pub variant: Variant,
    /// Allocated and attended.
    pub allocated: Count,
    /// Reached by the message (with a number on record, for SMS).
    pub reached: u64,
    /// Intention to treat against control.
    pub itt: Option<Comparison>,
    /// Reached recipients against comparable controls (SMS: both with a number on record).
    pub among_reached: Option<Comparison>,
}

/// Tallies outcomes by arm and compares each arm with control (none without a control arm).
pub fn results(
    design: &CampaignDesign,
    allocation: &Allocation,
    attended: &[bool],
) -> Vec<ArmResult> {
    let arms = design.arms();
    let mut all = vec![Count { attended: 0, n: 0 }; arms.len()];
    let mut with_phone = all.clone();
    let mut reached = vec![0u64; arms.len()];
    for (a, &y) in allocation.assignments.iter().zip(attended) {
        all[a.arm].n += 1;
        all[a.arm].attended += u64::from(y);
        if a.phone {
            with_phone[a.arm].n += 1;
            with_phone[a.arm].attended += u64::from(y);
        }
        reached[a.arm] += u64::from(a.reached);
    }
    let control = design.control();
    arms.iter()
        .enumerate()
        .map(|(i, arm)| {
            let compare = control.filter(|&c| c != i);
            ArmResult {
                variant: arm.variant,
                allocated: all[i],
                reached: reached[i],
                itt: compare.map(|c| Comparison::new(all[i], all[c])),
                among_reached: compare.map(|c| {
                    if arm.variant.needs_phone() {
                        Comparison::new(with_phone[i], with_phone[c])
                    } else {
                        Comparison::new(all[i], all[c])
                    }
                }),
            }
        })
        .collect()
}

/// Minimum detectable ITT difference of each arm against control (80 % power, α 0.05) around
/// the control's expected attendance; `None` for the control arm or without control.
pub fn minimum_detectable(
    design: &CampaignDesign,
    candidates: &[Candidate],
    allocation: &Allocation,
) -> Vec<Option<f64>> {
    let Some(control) = design.control() else {
        return vec![None; design.arms().len()];
    };
    let (sum, n) = allocation
        .assignments
        .iter()
        .filter(|a| a.arm == control)
        .fold((0.0, 0usize), |(s, n), a| {
            (s + candidates[a.candidate].history.baseline(), n + 1)
        });
    let p = if n == 0 { 0.5 } else { sum / n as f64 };
    (0..design.arms().len())
        .map(|i| {
            (i != control).then(|| {
                minimum_detectable_difference(allocation.per_arm[i], allocation.per_arm[control], p)
            })
        })
        .collect()
}
