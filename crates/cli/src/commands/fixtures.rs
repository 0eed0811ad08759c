//! Fixtures of a synthetic deployment that play the citizens, not a service.
//!
//! S5's legal basis is consent and the synthetic registers hold none, so a demonstration needs
//! synthetic consents. Recording them is what citizens do, not what the service does: like
//! `generate`, this reads the population from the store directly (the service itself can only
//! read, through the access layer, those who already consented). Everything it writes is
//! labelled synthetic; never run it on real data.

use crate::Outcome;
use chrono::Utc;
use governance::consent::ConsentStore;
use identity::NationalId;
use std::path::Path;
use svc_prevention::population;
use svc_prevention::synthetic::{self, SyntheticConsent};

/// Records synthetic consents to S5 for a share of the women aged 50–69, a share of whom then
/// withdraw, drawn with a seed.
pub fn synthetic_s5_consents(
    data: &Path,
    consent_share: f64,
    withdraw_share: f64,
    seed: u64,
    purpose: &str,
) -> anyhow::Result<Outcome> {
    super::prevention::share("--simulate", consent_share)?;
    super::prevention::share("--withdraw", withdraw_share)?;
    let registers = {
        use store::RegisterStore as _;
        super::open_store(data)?.load()?
    };
    if registers.persons.is_empty() {
        anyhow::bail!(
            "the store in {} is empty; create a population first, e.g. `mulighetsrom generate --municipality 4601 --seed 7`",
            data.display()
        );
    }
    let women = population::candidates(&registers, registers.reference_date);
    let draws = synthetic::draw(women.len(), consent_share, withdraw_share, seed);
    let pick = |kind| -> Vec<NationalId> {
        women
            .iter()
            .zip(&draws)
            .filter(|(_, d)| **d == kind)
            .map(|(w, _)| w.person)
            .collect()
    };
    let (given, withdrawn) = (
        pick(SyntheticConsent::Given),
        pick(SyntheticConsent::GivenThenWithdrawn),
    );
    let access = super::open_access(data)?;
    let consents: &ConsentStore = access.consents();
    let now = Utc::now();
    let from = now - chrono::Duration::days(1);
    let until = now + chrono::Duration::days(5 * 365);
    consents.give_batch(&given, "S5", purpose, from, until, None)?;
    consents.give_batch(&withdrawn, "S5", purpose, from, until, Some(now))?;
    tracing::info!(
        given = given.len(),
        withdrawn = withdrawn.len(),
        "synthetic consents recorded"
    );
    println!(
        "SYNTETISKE SAMTYKKER (synthetic consents) to S5 ({purpose}) recorded in {}:\n  \
         women 50–69: {}\n  consented: {} (of whom {} withdrew again)\n  seed: {}\n\
         These are test data for the synthetic population, not anyone's consent.",
        data.display(),
        women.len(),
        given.len() + withdrawn.len(),
        withdrawn.len(),
        seed
    );
    Ok(Outcome::Success)
}
