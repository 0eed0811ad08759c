//! The sludge and ethics check of a design.
//!
//! Why flags and not errors: most of these are judgements a programme owner must make and sign,
//! not facts a program can settle; a flagged design can still be simulated to show its cost (the
//! sludge variant's negative uplift is the argument against it). Each flag names its reason and
//! the source that makes it a concern.

use crate::design::{CampaignDesign, Target, Variant};
use serde::Serialize;

/// Sources the flags cite.
pub mod sources {
    /// Default appointments and one-sided leaflets.
    pub const PLOUG: &str = "Ploug, Holm & Brodersen, J Epidemiol Community Health 2012;66:1193";
    /// Nudges that do not educate.
    pub const BUSCH: &str = "Busch et al., Health Promot Int 2020";
    /// Confirmation requirement (sludge).
    pub const FLANDERS: &str =
        "Flanders breast screening, −19 % attendance (healthmanagement.org; unverified)";
    /// Special categories of personal data.
    pub const GDPR_ART9: &str =
        "GDPR art. 9 and likestillings- og diskrimineringsloven § 6 (Equality and Anti-Discrimination Act)";
    /// Power calculation.
    pub const POWER: &str = "two-sided α 0.05, power 80 %, normal approximation";
    /// The S5 manifest.
    pub const MANIFEST: &str = "governance/manifests/s5-paavirkning.toml (ai_act_reason)";
    /// Kerrison's share of numbers on record.
    pub const KERRISON: &str = "Kerrison et al., Br J Cancer 2015;112:1005 (41 % had a number)";
}

/// What a flag is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Friction that makes attending harder (a confirmation step).
    Sludge,
    /// A default appointment whose decline is harder than acceptance.
    OptOutHarderThanOptIn,
    /// A default appointment without information on harms.
    DefaultWithoutHarmsInformation,
    /// One-sided information, or a nudge that does not educate.
    OneSidedInformation,
    /// Targeting on a protected characteristic without a legal basis.
    ProtectedCharacteristic,
    /// No control group: no uplift can be estimated.
    NoControlGroup,
    /// An arm too small to detect a plausible effect.
    ArmTooSmall,
    /// Targeting uses a risk model (S7), which the manifest says triggers review.
    UsesRiskModel,
    /// A number in the run is simulated, not read from a register.
    SimulatedData,
}

/// How much a flag matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Read before running.
    Warning,
    /// Do not run the design as it is.
    Serious,
}

/// One flag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flag {
    /// What it is about.
    pub kind: FlagKind,
    /// How much it matters.
    pub severity: Severity,
    /// The arm it concerns (variant code), or `None` for the whole design.
    pub arm: Option<&'static str>,
    /// Why, in words.
    pub reason: String,
    /// The source that makes it a concern.
    pub source: &'static str,
}

/// An arm is too small when its minimum detectable difference exceeds this (ten points: about
/// the largest published effect, Goossens' midpoint and Duffy's ≈ +10).
pub const MAX_USEFUL_MDE: f64 = 0.10;

/// Checks a design. `minimum_detectable` is each arm's minimum detectable difference against
/// control (from [`crate::simulate::minimum_detectable`]); pass an empty slice before
/// allocation.
pub fn check(design: &CampaignDesign, minimum_detectable: &[Option<f64>]) -> Vec<Flag> {
    let mut flags = Vec::new();
    let mut flag = |kind, severity, arm, reason: String, source| {
        flags.push(Flag {
            kind,
            severity,
            arm,
            reason,
            source,
        })
    };
    for arm in design.arms() {
        let v = arm.variant;
        let code = Some(v.code());
        match v {
            Variant::ConfirmBooking => flag(
                FlagKind::Sludge,
                Severity::Serious,
                code,
                "the invitee must confirm the booking before it holds: an extra step on the way \
                 to attending, which lowered attendance by 19 % among first-time invitees"
                    .to_owned(),
                sources::FLANDERS,
            ),
            Variant::PreBooked {
                easy_opt_out,
                harms_information,
            } => {
                if !easy_opt_out {
                    flag(
                        FlagKind::OptOutHarderThanOptIn,
                        Severity::Serious,
                        code,
                        "a default appointment without a one-step way to decline or move it: \
                         declining is harder than accepting"
                            .to_owned(),
                        sources::PLOUG,
                    );
                }
                if !harms_information {
                    flag(
                        FlagKind::DefaultWithoutHarmsInformation,
                        Severity::Serious,
                        code,
                        "a default appointment without information on harms (overdiagnosis, \
                         false positives) cannot be defended as libertarian paternalism"
                            .to_owned(),
                        sources::PLOUG,
                    );
                }
            }
            Variant::InformationLetter { balanced: false } => flag(
                FlagKind::OneSidedInformation,
                Severity::Serious,
                code,
                "a one-sided leaflet (benefits without harms) persuades rather than informs"
                    .to_owned(),
                sources::PLOUG,
            ),
            Variant::SmsReminder if !design.invitation_has_harms_information() => flag(
                FlagKind::OneSidedInformation,
                Severity::Warning,
                code,
                "a reminder that does not educate, after an invitation without information on \
                 harms"
                    .to_owned(),
                sources::BUSCH,
            ),
            _ => {}
        }
    }
    if design.control().is_none() {
        flag(
            FlagKind::NoControlGroup,
            Severity::Serious,
            None,
            "no control group: the campaign cannot show whether it changed anything, and every \
             invitee gets a message whose effect is unknown here"
                .to_owned(),
            sources::POWER,
        );
    }
    let protected: Vec<String> = design
        .also_targets()
        .iter()
        .filter(|c| c.is_protected())
        .map(|c| format!("{c:?}"))
        .collect();
    if !protected.is_empty() && design.targeting_legal_basis().is_none() {
        flag(
            FlagKind::ProtectedCharacteristic,
            Severity::Serious,
            None,
            format!(
                "targets on {} without a legal basis for it; S5's manifest delivers no such data",
                protected.join(", ")
            ),
            sources::GDPR_ART9,
        );
    }
    if let Target::HighRisk { .. } = design.target() {
        flag(
            FlagKind::UsesRiskModel,
            Severity::Warning,
            None,
            "recipients are chosen by a lifestyle risk score: review the AI Act classification \
             and tell recipients why they were chosen"
                .to_owned(),
            sources::MANIFEST,
        );
    }
    for (arm, mde) in design.arms().iter().zip(minimum_detectable) {
        if let Some(mde) = mde.filter(|m| *m > MAX_USEFUL_MDE) {
            flag(
                FlagKind::ArmTooSmall,
                Severity::Warning,
                Some(arm.variant.code()),
                if mde.is_finite() {
                    format!(
                        "the arm can only detect a difference of {:.1} points or more, larger \
                         than any published effect",
                        100.0 * mde
                    )
                } else {
                    "the arm or the control group is empty: nothing can be measured".to_owned()
                },
                sources::POWER,
            );
        }
    }
    flags.sort_by_key(|f| std::cmp::Reverse(f.severity));
    flags
}

/// The flag a run adds when it simulated who has a number on record.
pub fn simulated_phones(share_simulated: f64, phone_share: f64) -> Option<Flag> {
    (share_simulated > 0.0).then(|| Flag {
        kind: FlagKind::SimulatedData,
        severity: Severity::Warning,
        arm: Some("sms"),
        reason: format!(
            "the registers hold no mobile numbers: for {:.0} % of recipients a number on record \
             was simulated at {:.0} %",
            100.0 * share_simulated,
            100.0 * phone_share
        ),
        source: sources::KERRISON,
    })
}
