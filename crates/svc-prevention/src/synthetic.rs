//! Synthetic consents for a synthetic population, so a campaign has someone to reach.
//!
//! Why this lives here and is labelled everywhere: S5's legal basis is consent, and the synthetic
//! registers hold none. A demonstration needs some; they must never be mistaken for real
//! consents, so the CLI command that records them says "synthetic" in its name, output and help.

use crate::randomise::stream;
use rand::Rng;

/// Random stream of synthetic consents (apart from the campaign's streams).
const STREAM_CONSENT: u64 = 7;

/// What a synthetic person did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntheticConsent {
    /// Never consented.
    None,
    /// Consented and still does.
    Given,
    /// Consented, then withdrew.
    GivenThenWithdrawn,
}

/// Draws, for `n` persons in a fixed order, whether each consented (share `consent_share`) and,
/// of those, whether she later withdrew (share `withdraw_share`). Shares are clamped to [0, 1].
pub fn draw(n: usize, consent_share: f64, withdraw_share: f64, seed: u64) -> Vec<SyntheticConsent> {
    let mut rng = stream(seed, STREAM_CONSENT);
    let (c, w) = (
        consent_share.clamp(0.0, 1.0),
        withdraw_share.clamp(0.0, 1.0),
    );
    (0..n)
        .map(|_| {
            if !rng.gen_bool(c) {
                SyntheticConsent::None
            } else if rng.gen_bool(w) {
                SyntheticConsent::GivenThenWithdrawn
            } else {
                SyntheticConsent::Given
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_seeded_and_near_their_shares() {
        let a = draw(20_000, 0.6, 0.1, 3);
        assert_eq!(a, draw(20_000, 0.6, 0.1, 3));
        assert_ne!(a, draw(20_000, 0.6, 0.1, 4));
        let given = a.iter().filter(|c| **c != SyntheticConsent::None).count() as f64;
        let withdrawn = a
            .iter()
            .filter(|c| **c == SyntheticConsent::GivenThenWithdrawn)
            .count() as f64;
        assert!((given / 20_000.0 - 0.6).abs() < 0.02);
        assert!((withdrawn / given - 0.1).abs() < 0.02);
    }
}
