//! The published effect sizes of each message variant, as data with their sources.
//!
//! Why data and not constants in the simulator: a reader of a campaign report must be able to see
//! which number produced the simulated attendance, where it was published and whether anyone has
//! checked it. The figures are those of the domain notes (`screening-and-prevention.md` §3.3);
//! nothing here is a Norwegian result.
//!
//! How an effect is applied: each recipient has a baseline propensity to attend (from her own
//! attendance history, see [`crate::population`]); the variant's effect moves that propensity on
//! the scale it was published on (odds ratio, risk ratio or risk difference), and only if the
//! message reached her (an SMS needs a number on record).

use crate::design::Variant;
use serde::Serialize;

/// How sure we are of a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// A peer-reviewed trial; the figures are in the domain notes with the citation.
    Published,
    /// Reported by a secondary source (a news or trade site), not read in the original.
    Secondary,
    /// Cited, but the exact figures are not confirmed from public sources.
    Unconfirmed,
    /// No published effect: an assumption of this code, stated as such.
    Assumption,
}

impl Verification {
    /// Short label for reports.
    pub fn label(self) -> &'static str {
        match self {
            Verification::Published => "published",
            Verification::Secondary => "secondary source (unverified)",
            Verification::Unconfirmed => "figures not confirmed (unverified)",
            Verification::Assumption => "assumption (unverified)",
        }
    }

    /// Whether the figure has been verified against its publication.
    pub fn verified(self) -> bool {
        matches!(self, Verification::Published)
    }
}

/// The scale an effect was published on, with its value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "scale", content = "value", rename_all = "snake_case")]
pub enum Measure {
    /// Odds ratio on the recipient's odds of attending.
    OddsRatio(f64),
    /// Risk ratio on the recipient's probability of attending.
    RiskRatio(f64),
    /// Risk difference (in proportion, 0.10 = ten percentage points) added to the probability.
    RiskDifference(f64),
    /// No effect (the baseline stays).
    NoEffect,
}

/// Lowest and highest simulated propensity: keeps a ratio or a difference from leaving (0, 1).
const FLOOR: f64 = 0.001;
const CEILING: f64 = 0.999;

impl Measure {
    /// The propensity after the effect, from the baseline `p`.
    pub fn apply(self, p: f64) -> f64 {
        let p = p.clamp(FLOOR, CEILING);
        let moved = match self {
            Measure::OddsRatio(or) => {
                let odds = or * p / (1.0 - p);
                odds / (1.0 + odds)
            }
            Measure::RiskRatio(rr) => p * rr,
            Measure::RiskDifference(d) => p + d,
            Measure::NoEffect => p,
        };
        moved.clamp(FLOOR, CEILING)
    }

    /// One-line description, e.g. `odds ratio 1.70`.
    pub fn describe(self) -> String {
        match self {
            Measure::OddsRatio(v) => format!("odds ratio {v:.2}"),
            Measure::RiskRatio(v) => format!("risk ratio {v:.2}"),
            Measure::RiskDifference(v) => format!("risk difference {:+.1} points", 100.0 * v),
            Measure::NoEffect => "no effect".to_owned(),
        }
    }
}

/// The odds ratio between two proportions.
pub fn odds_ratio_of(treated: f64, control: f64) -> f64 {
    (treated / (1.0 - treated)) / (control / (1.0 - control))
}

/// One published (or assumed) effect of a message variant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EffectSize {
    /// The measure applied to a reached recipient.
    pub measure: Measure,
    /// The published figures in words, as the source gives them.
    pub published: &'static str,
    /// Who the figure was measured on, and how far it is carried over here.
    pub population: &'static str,
    /// Citation.
    pub source: &'static str,
    /// How sure we are of it.
    pub verification: Verification,
    /// A second source that points the same way, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corroborated_by: Option<&'static str>,
}

/// Kerrison et al.: attendance among those texted and their controls (71.7 vs 59.8 %).
pub const KERRISON_TEXTED: (f64, f64) = (0.717, 0.598);
/// Kerrison et al.: attendance by intention to treat (64.4 vs 59.1 %, OR 1.26).
pub const KERRISON_ITT: (f64, f64) = (0.644, 0.591);
/// Kerrison et al.: share of invitees with a mobile number on record.
pub const KERRISON_NUMBER_ON_RECORD: f64 = 0.41;

/// The effect of a variant on a recipient it reached.
///
/// The SMS effect is the one among those *texted* (71.7 vs 59.8 %, an odds ratio of 1.70), not the
/// intention-to-treat OR of 1.26: the simulation models delivery itself (only those with a number
/// receive an SMS), so applying the diluted ITT figure to the reached would count the dilution
/// twice. With 41 % reached, the simulated ITT odds ratio comes out near Kerrison's 1.26.
pub fn effect_of(variant: &Variant) -> EffectSize {
    match variant {
        Variant::Control => EffectSize {
            measure: Measure::NoEffect,
            published: "the usual invitation letter only",
            population: "everyone in the control group",
            source: "design: the comparison group",
            verification: Verification::Published,
            corroborated_by: None,
        },
        Variant::SmsReminder => EffectSize {
            measure: Measure::OddsRatio(odds_ratio_of(KERRISON_TEXTED.0, KERRISON_TEXTED.1)),
            published: "64.4 vs 59.1 % (OR 1.26) by intention to treat; 71.7 vs 59.8 % among those texted; 41 % had a number on record",
            population: "first-time invitees in England, SMS 48 h before the appointment; the among-texted odds ratio is applied to recipients with a number on record",
            source: "Kerrison et al., Br J Cancer 2015;112:1005",
            verification: Verification::Published,
            corroborated_by: None,
        },
        Variant::PreBooked { .. } => EffectSize {
            measure: Measure::RiskDifference(0.101),
            published: "RR 1.8–2.3; +4.4 to +15.8 percentage points among past non-attenders and irregular attenders (RCT, n = 4,798); the midpoint +10.1 points is used",
            population: "past non-attenders and irregular attenders; carried over to regular attenders as an assumption",
            source: "Goossens et al., Eur J Public Health 2023;33:1122",
            verification: Verification::Published,
            corroborated_by: Some(
                "Duffy et al., Lancet Oncol 2017: fixed new appointment after a missed one, ≈ +10 points within 90 days (exact figures not confirmed)",
            ),
        },
        Variant::InformationLetter { .. } => EffectSize {
            measure: Measure::NoEffect,
            published: "no effect size for a balanced information letter in the sources read",
            population: "assumed to leave attendance unchanged; its purpose is an informed choice",
            source: "none; see Busch et al., Health Promot Int 2020 on nudges that educate",
            verification: Verification::Assumption,
            corroborated_by: None,
        },
        Variant::ConfirmBooking => EffectSize {
            measure: Measure::RiskRatio(0.81),
            published: "−19 % attendance among first-time invitees when they had to confirm the booking (n = 291,127)",
            population: "first-time invitees in Flanders; applied to everyone here",
            source: "Flanders breast screening, reported by healthmanagement.org",
            verification: Verification::Secondary,
            corroborated_by: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_among_texted_odds_ratio_turns_598_into_717() {
        let m = effect_of(&Variant::SmsReminder).measure;
        assert!((m.apply(0.598) - 0.717).abs() < 1e-12);
        assert!(m.describe().starts_with("odds ratio 1.70"));
    }

    #[test]
    fn measures_stay_inside_the_unit_interval() {
        assert_eq!(Measure::RiskRatio(2.3).apply(0.9), CEILING);
        assert_eq!(Measure::RiskDifference(-0.5).apply(0.2), FLOOR);
        assert!((Measure::RiskRatio(0.81).apply(0.5) - 0.405).abs() < 1e-12);
        assert!((Measure::RiskDifference(0.101).apply(0.3) - 0.401).abs() < 1e-12);
    }
}
