//! Seeded, stratified, blocked randomisation.
//!
//! Strata are five-year age band × attendance class (never invited, non-attender, irregular,
//! regular). Why these and not municipality: attendance history is by far the strongest predictor
//! of attending again, so balancing on it makes the arms comparable where it matters most; and
//! S5's manifest delivers no address or municipality (data minimisation), so stratifying on
//! municipality would need data the purpose does not justify.
//!
//! Within a stratum, candidates (in identity-number order) are given arms from a sequence of
//! permuted blocks; each block holds every arm in proportion to its share. Each stratum's last
//! block may be cut short, so an arm's count differs from its share by less than one block per
//! stratum. The random streams are ChaCha8 from the design's seed: stream 0 allocates, stream 1
//! simulates phone numbers where the registers hold none, stream 2 simulates outcomes (in
//! [`crate::simulate`]), so changing one never shifts another.

use crate::design::{CampaignDesign, Variant};
use crate::eligibility::Eligibility;
use crate::population::{AttendanceClass, Candidate, PhoneOnRecord};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::BTreeMap;

/// Random stream of the allocation.
pub(crate) const STREAM_ALLOCATION: u64 = 0;
/// Random stream of the simulated phone numbers.
pub(crate) const STREAM_PHONE: u64 = 1;
/// Random stream of the simulated outcomes.
pub(crate) const STREAM_OUTCOMES: u64 = 2;

/// A random stream of a seed.
pub(crate) fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// A randomisation stratum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Stratum {
    /// Lower edge of the five-year age band.
    pub age_from: u32,
    /// Attendance class.
    pub attendance: AttendanceClass,
}

impl Stratum {
    /// Stable label, e.g. `50-54/non-attender`.
    pub fn label(&self) -> String {
        format!(
            "{}-{}/{}",
            self.age_from,
            self.age_from + 4,
            self.attendance.code()
        )
    }
}

/// One recipient's allocation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Assignment {
    /// Index into the candidates.
    pub candidate: usize,
    /// Index of the arm in the design.
    pub arm: usize,
    /// Her stratum.
    pub stratum: Stratum,
    /// A mobile number is on record (or was simulated to be).
    pub phone: bool,
    /// The phone flag was simulated, not read.
    pub phone_simulated: bool,
    /// The arm's message reaches her (an SMS needs a number; control sends nothing).
    pub reached: bool,
}

/// The allocation of a campaign.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Allocation {
    /// Seed of the random streams.
    pub seed: u64,
    /// Block length (every arm appears `share × block` times in a block).
    pub block: usize,
    /// Number of non-empty strata.
    pub strata: usize,
    /// Recipients per arm, in design order.
    pub per_arm: Vec<usize>,
    /// Share of recipients whose phone flag was simulated.
    pub phone_simulated_share: f64,
    /// One row per recipient, in candidate order within stratum order.
    pub assignments: Vec<Assignment>,
}

/// Tolerance for a share times the block length to count as a whole number.
const WHOLE: f64 = 1e-9;
/// Longest block tried before falling back to rounded counts.
const MAX_BLOCK: usize = 200;

/// The counts of each arm in one block: the shortest block in which every share is a whole
/// number of slots, or 100 slots by largest remainder (each arm at least one) if none up to 200.
pub fn block_counts(shares: &[f64]) -> Vec<usize> {
    for b in 1..=MAX_BLOCK {
        let counts: Vec<f64> = shares.iter().map(|s| s * b as f64).collect();
        if counts
            .iter()
            .all(|c| (c - c.round()).abs() < WHOLE && c.round() >= 1.0)
        {
            return counts.iter().map(|c| c.round() as usize).collect();
        }
    }
    let total = 100usize;
    let mut counts: Vec<usize> = shares
        .iter()
        .map(|s| ((s * total as f64).floor() as usize).max(1))
        .collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = shares[a] * total as f64 - (shares[a] * total as f64).floor();
        let rb = shares[b] * total as f64 - (shares[b] * total as f64).floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut i = 0;
    while counts.iter().sum::<usize>() < total {
        counts[order[i % order.len()]] += 1;
        i += 1;
    }
    counts
}

/// Allocates the eligible candidates to the design's arms.
///
/// `phone_share` is the share with a number on record used where a candidate's phone is
/// [`PhoneOnRecord::Unknown`] (Kerrison's 41 % in the CLI).
pub fn allocate(
    design: &CampaignDesign,
    candidates: &[Candidate],
    eligibility: &Eligibility,
    phone_share: f64,
) -> Allocation {
    let arms = design.arms();
    let counts = block_counts(&arms.iter().map(|a| a.share).collect::<Vec<_>>());
    let block: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(arm, &n)| std::iter::repeat_n(arm, n))
        .collect();

    // Phones first, in candidate order, so they do not depend on the allocation.
    let mut phone_rng = stream(design.seed(), STREAM_PHONE);
    let phones: Vec<(bool, bool)> = eligibility
        .eligible
        .iter()
        .map(|&i| match candidates[i].phone {
            PhoneOnRecord::Yes => (true, false),
            PhoneOnRecord::No => (false, false),
            PhoneOnRecord::Unknown => (phone_rng.gen_bool(phone_share.clamp(0.0, 1.0)), true),
        })
        .collect();

    let mut strata: BTreeMap<Stratum, Vec<usize>> = BTreeMap::new();
    for (k, &i) in eligibility.eligible.iter().enumerate() {
        let c = &candidates[i];
        let s = Stratum {
            age_from: c.age_band().0,
            attendance: c.history.class(),
        };
        strata.entry(s).or_default().push(k);
    }
    let mut rng = stream(design.seed(), STREAM_ALLOCATION);
    let mut per_arm = vec![0; arms.len()];
    let mut assignments = Vec::with_capacity(eligibility.eligible.len());
    for (stratum, members) in &strata {
        let mut sequence = Vec::with_capacity(members.len() + block.len());
        while sequence.len() < members.len() {
            let mut b = block.clone();
            b.shuffle(&mut rng);
            sequence.extend(b);
        }
        for (&k, &arm) in members.iter().zip(&sequence) {
            let (phone, phone_simulated) = phones[k];
            let reached = match arms[arm].variant {
                Variant::Control => false,
                v if v.needs_phone() => phone,
                _ => true,
            };
            per_arm[arm] += 1;
            assignments.push(Assignment {
                candidate: eligibility.eligible[k],
                arm,
                stratum: *stratum,
                phone,
                phone_simulated,
                reached,
            });
        }
    }
    let simulated = phones.iter().filter(|p| p.1).count();
    Allocation {
        seed: design.seed(),
        block: block.len(),
        strata: strata.len(),
        per_arm,
        phone_simulated_share: simulated as f64 / phones.len().max(1) as f64,
        assignments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_the_shortest_whole_ones() {
        assert_eq!(block_counts(&[0.5, 0.5]), vec![1, 1]);
        assert_eq!(block_counts(&[0.2, 0.4, 0.4]), vec![1, 2, 2]);
        assert_eq!(block_counts(&[1.0 / 3.0; 3]), vec![1, 1, 1]);
        assert_eq!(block_counts(&[0.25, 0.375, 0.375]), vec![2, 3, 3]);
        let odd = block_counts(&[0.123456789, 0.876543211]);
        assert_eq!(odd.iter().sum::<usize>(), 100);
        assert_eq!(odd, vec![12, 88]);
    }
}
