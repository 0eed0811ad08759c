//! A campaign's design: whom it targets, which messages it sends, and in what proportions.
//!
//! A design is checked when it is built ([`CampaignDesign::new`]): allocation shares must be
//! positive and sum to one, a variant may appear once, a quantile must be a share. Whether a
//! valid design is also a *good* one (a control group, no sludge, arms large enough to measure
//! anything) is the job of [`crate::ethics`], which flags rather than refuses: a flagged design
//! can still be run to show what it would do.

use serde::Serialize;
use std::fmt;

/// A message variant (one arm of the experiment).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "variant", rename_all = "snake_case")]
pub enum Variant {
    /// No extra message: the usual invitation letter only.
    Control,
    /// An SMS reminder 48 hours before the appointment (needs a mobile number on record).
    SmsReminder,
    /// A pre-booked appointment (the default), with or without an easy way to decline and with or
    /// without information on harms (overdiagnosis, false positives).
    PreBooked {
        /// Declining or moving the appointment takes one step (a link or a reply).
        easy_opt_out: bool,
        /// The letter carries balanced information on benefits and harms.
        harms_information: bool,
    },
    /// An information-only letter; `balanced` when it gives benefits and harms alike.
    InformationLetter {
        /// Benefits and harms alike (not a one-sided leaflet).
        balanced: bool,
    },
    /// "Confirm your booking": the invitee must confirm before the appointment holds. Kept as
    /// the example of sludge (friction that lowers attendance).
    ConfirmBooking,
}

/// The names `Variant::parse` accepts, for error messages and help.
pub const VARIANT_NAMES: &str =
    "control, sms, prebooked, prebooked-no-optout, prebooked-no-harms, info, info-onesided, confirm";

impl Variant {
    /// Parses a variant name as the CLI takes it.
    pub fn parse(name: &str) -> Result<Variant, DesignError> {
        Ok(match name.trim() {
            "control" => Variant::Control,
            "sms" => Variant::SmsReminder,
            "prebooked" => Variant::PreBooked {
                easy_opt_out: true,
                harms_information: true,
            },
            "prebooked-no-optout" => Variant::PreBooked {
                easy_opt_out: false,
                harms_information: true,
            },
            "prebooked-no-harms" => Variant::PreBooked {
                easy_opt_out: true,
                harms_information: false,
            },
            "info" => Variant::InformationLetter { balanced: true },
            "info-onesided" => Variant::InformationLetter { balanced: false },
            "confirm" => Variant::ConfirmBooking,
            other => {
                return Err(DesignError::UnknownVariant {
                    name: other.to_owned(),
                    known: VARIANT_NAMES,
                })
            }
        })
    }

    /// Stable short code (as parsed).
    pub fn code(&self) -> &'static str {
        match self {
            Variant::Control => "control",
            Variant::SmsReminder => "sms",
            Variant::PreBooked {
                easy_opt_out: true,
                harms_information: true,
            } => "prebooked",
            Variant::PreBooked {
                easy_opt_out: false,
                ..
            } => "prebooked-no-optout",
            Variant::PreBooked { .. } => "prebooked-no-harms",
            Variant::InformationLetter { balanced: true } => "info",
            Variant::InformationLetter { balanced: false } => "info-onesided",
            Variant::ConfirmBooking => "confirm",
        }
    }

    /// Label in bokmål with English.
    pub fn label(&self) -> &'static str {
        match self {
            Variant::Control => "Kontrollgruppe (control)",
            Variant::SmsReminder => "SMS-påminnelse (SMS reminder)",
            Variant::PreBooked { .. } => "Forhåndsbestilt time (pre-booked appointment)",
            Variant::InformationLetter { .. } => "Informasjonsbrev (information letter)",
            Variant::ConfirmBooking => "Bekreft timen (confirm your booking)",
        }
    }

    /// Whether the variant reaches a recipient with or without a mobile number on record.
    pub fn needs_phone(&self) -> bool {
        matches!(self, Variant::SmsReminder)
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One arm: a variant and its share of the eligible recipients.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Arm {
    /// The message.
    pub variant: Variant,
    /// Share of the eligible recipients allocated to it (the shares of a design sum to one).
    pub share: f64,
}

/// Whom a campaign targets, before consent and eligibility rules.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "target", rename_all = "snake_case")]
pub enum Target {
    /// Past non-attenders and irregular attenders in the screening register (the population of
    /// Goossens et al.).
    NonAttenders,
    /// Women whose lifestyle risk is among the highest `top_share` of the invited women with a
    /// survey answer.
    HighRisk {
        /// Share with the highest risk, in (0, 1].
        top_share: f64,
    },
    /// Everyone with an invitation in the screening register.
    AllInvited,
}

impl Target {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Target::NonAttenders => "non-attenders",
            Target::HighRisk { .. } => "high-risk",
            Target::AllInvited => "all-invited",
        }
    }

    /// Label in bokmål with English.
    pub fn label(&self) -> String {
        match self {
            Target::NonAttenders => {
                "tidligere ikke-møtt og uregelmessig møtt (past non-attenders and irregular attenders)"
                    .to_owned()
            }
            Target::HighRisk { top_share } => format!(
                "høyeste {:.0} % livsstilsrisiko (highest {:.0} % lifestyle risk)",
                100.0 * top_share,
                100.0 * top_share
            ),
            Target::AllInvited => "alle inviterte (everyone invited)".to_owned(),
        }
    }
}

/// A personal characteristic a design might add to its targeting. Only the ethics check looks at
/// these: S5's manifest delivers no such data, so a design that names one has no way to apply
/// it lawfully, and the check says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Characteristic {
    /// Age (the programme's own definition: 50–69).
    Age,
    /// Immigrant background or country of birth (a proxy for ethnic origin, GDPR art. 9).
    ImmigrantBackground,
    /// Ethnic origin (GDPR art. 9).
    EthnicOrigin,
    /// Religion (GDPR art. 9).
    Religion,
    /// Disability (Equality and Anti-Discrimination Act § 6).
    Disability,
}

impl Characteristic {
    /// Whether targeting on it needs its own legal basis (a special category or a ground of
    /// discrimination beyond the programme's definition).
    pub fn is_protected(self) -> bool {
        !matches!(self, Characteristic::Age)
    }
}

/// What is wrong with a design.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DesignError {
    /// No arms at all.
    #[error("a campaign needs at least one arm")]
    NoArms,
    /// The allocation shares do not sum to one.
    #[error("the allocation shares sum to {sum:.4}, not 1 ({shares})")]
    AllocationSum {
        /// Their sum.
        sum: f64,
        /// The shares as given.
        shares: String,
    },
    /// An arm with no share (it would stay empty).
    #[error("arm {variant} has share {share}; every arm needs a share above 0")]
    EmptyArm {
        /// The variant.
        variant: String,
        /// Its share.
        share: f64,
    },
    /// The same variant twice.
    #[error("variant {0} appears twice; each variant is one arm")]
    DuplicateVariant(String),
    /// A variant name nobody knows.
    #[error("unknown message variant {name:?}; known: {known}")]
    UnknownVariant {
        /// The name given.
        name: String,
        /// The known names.
        known: &'static str,
    },
    /// A share that is not in (0, 1].
    #[error("{what} must be above 0 and at most 1, not {value}")]
    ShareOutOfRange {
        /// Which share.
        what: &'static str,
        /// The value.
        value: f64,
    },
}

/// Tolerance on the sum of the shares (they are often thirds).
const SUM_TOLERANCE: f64 = 1e-6;

/// A checked campaign design.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CampaignDesign {
    target: Target,
    arms: Vec<Arm>,
    seed: u64,
    also_targets: Vec<Characteristic>,
    targeting_legal_basis: Option<String>,
    invitation_has_harms_information: bool,
}

impl CampaignDesign {
    /// A design of a target, arms and the randomisation seed. The usual invitation letter is
    /// assumed to carry balanced information on harms (BreastScreen Norway's does); see
    /// [`CampaignDesign::with_invitation_harms_information`].
    pub fn new(target: Target, arms: Vec<Arm>, seed: u64) -> Result<CampaignDesign, DesignError> {
        if arms.is_empty() {
            return Err(DesignError::NoArms);
        }
        if let Target::HighRisk { top_share } = target {
            if !(top_share > 0.0 && top_share <= 1.0) {
                return Err(DesignError::ShareOutOfRange {
                    what: "the high-risk share",
                    value: top_share,
                });
            }
        }
        for (i, arm) in arms.iter().enumerate() {
            if arm.share.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
                || !arm.share.is_finite()
            {
                return Err(DesignError::EmptyArm {
                    variant: arm.variant.code().to_owned(),
                    share: arm.share,
                });
            }
            if arms[..i].iter().any(|a| a.variant == arm.variant) {
                return Err(DesignError::DuplicateVariant(arm.variant.code().to_owned()));
            }
        }
        let sum: f64 = arms.iter().map(|a| a.share).sum();
        if (sum - 1.0).abs() > SUM_TOLERANCE {
            return Err(DesignError::AllocationSum {
                sum,
                shares: arms
                    .iter()
                    .map(|a| format!("{} {}", a.variant, a.share))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        Ok(CampaignDesign {
            target,
            arms,
            seed,
            also_targets: Vec::new(),
            targeting_legal_basis: None,
            invitation_has_harms_information: true,
        })
    }

    /// Arms of `variants` sharing `1 − control_share` equally, plus a control arm of
    /// `control_share` unless it is `None` (a design without control, which the ethics check
    /// flags).
    pub fn arms_with_control(
        variants: &[Variant],
        control_share: Option<f64>,
    ) -> Result<Vec<Arm>, DesignError> {
        let mut arms = Vec::with_capacity(variants.len() + 1);
        let rest = match control_share {
            Some(c) => {
                if !(c > 0.0 && c < 1.0) {
                    return Err(DesignError::ShareOutOfRange {
                        what: "the control share",
                        value: c,
                    });
                }
                arms.push(Arm {
                    variant: Variant::Control,
                    share: c,
                });
                1.0 - c
            }
            None => 1.0,
        };
        let treated: Vec<&Variant> = variants
            .iter()
            .filter(|v| **v != Variant::Control)
            .collect();
        if treated.is_empty() && control_share.is_none() {
            return Err(DesignError::NoArms);
        }
        for v in &treated {
            arms.push(Arm {
                variant: **v,
                share: rest / treated.len() as f64,
            });
        }
        Ok(arms)
    }

    /// Records characteristics the design adds to its targeting, and the legal basis for doing
    /// so, if any (for the ethics check).
    pub fn with_extra_targeting(
        mut self,
        characteristics: Vec<Characteristic>,
        legal_basis: Option<String>,
    ) -> CampaignDesign {
        self.also_targets = characteristics;
        self.targeting_legal_basis = legal_basis;
        self
    }

    /// Says whether the usual invitation letter carries information on harms.
    pub fn with_invitation_harms_information(mut self, yes: bool) -> CampaignDesign {
        self.invitation_has_harms_information = yes;
        self
    }

    /// The target.
    pub fn target(&self) -> Target {
        self.target
    }

    /// The arms, in the order given.
    pub fn arms(&self) -> &[Arm] {
        &self.arms
    }

    /// The randomisation seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Index of the control arm, if the design has one.
    pub fn control(&self) -> Option<usize> {
        self.arms.iter().position(|a| a.variant == Variant::Control)
    }

    /// Characteristics added to targeting.
    pub fn also_targets(&self) -> &[Characteristic] {
        &self.also_targets
    }

    /// Legal basis for the added targeting.
    pub fn targeting_legal_basis(&self) -> Option<&str> {
        self.targeting_legal_basis.as_deref()
    }

    /// Whether the usual invitation letter carries information on harms.
    pub fn invitation_has_harms_information(&self) -> bool {
        self.invitation_has_harms_information
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm(variant: Variant, share: f64) -> Arm {
        Arm { variant, share }
    }

    #[test]
    fn shares_must_sum_to_one() {
        let e = CampaignDesign::new(
            Target::AllInvited,
            vec![arm(Variant::Control, 0.5), arm(Variant::SmsReminder, 0.4)],
            1,
        )
        .unwrap_err();
        assert!(matches!(e, DesignError::AllocationSum { sum, .. } if (sum - 0.9).abs() < 1e-12));
        assert!(e.to_string().contains("sum to 0.9000"), "{e}");
    }

    #[test]
    fn an_arm_without_share_and_a_duplicate_are_refused() {
        let empty = CampaignDesign::new(
            Target::AllInvited,
            vec![arm(Variant::Control, 1.0), arm(Variant::SmsReminder, 0.0)],
            1,
        )
        .unwrap_err();
        assert_eq!(
            empty,
            DesignError::EmptyArm {
                variant: "sms".into(),
                share: 0.0
            }
        );
        let twice = CampaignDesign::new(
            Target::AllInvited,
            vec![
                arm(Variant::SmsReminder, 0.5),
                arm(Variant::SmsReminder, 0.5),
            ],
            1,
        )
        .unwrap_err();
        assert_eq!(twice, DesignError::DuplicateVariant("sms".into()));
        assert_eq!(
            CampaignDesign::new(Target::AllInvited, vec![], 1).unwrap_err(),
            DesignError::NoArms
        );
        assert!(matches!(
            CampaignDesign::new(
                Target::HighRisk { top_share: 1.5 },
                vec![arm(Variant::Control, 1.0)],
                1
            ),
            Err(DesignError::ShareOutOfRange { .. })
        ));
    }

    #[test]
    fn unknown_variants_name_the_known_ones_and_codes_round_trip() {
        let e = Variant::parse("fax").unwrap_err();
        assert!(e.to_string().contains("\"fax\""), "{e}");
        assert!(e.to_string().contains("prebooked"), "{e}");
        for name in VARIANT_NAMES.split(", ") {
            assert_eq!(Variant::parse(name).unwrap().code(), name);
        }
    }

    #[test]
    fn control_is_added_and_the_rest_is_shared_equally() {
        let arms = CampaignDesign::arms_with_control(
            &[Variant::SmsReminder, Variant::ConfirmBooking],
            Some(0.2),
        )
        .unwrap();
        assert_eq!(arms[0].variant, Variant::Control);
        assert!((arms[1].share - 0.4).abs() < 1e-12);
        let d = CampaignDesign::new(Target::AllInvited, arms, 3).unwrap();
        assert_eq!(d.control(), Some(0));
        assert!(CampaignDesign::arms_with_control(&[Variant::SmsReminder], Some(1.0)).is_err());
    }
}
