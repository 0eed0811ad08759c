//! Campaigns end to end on hand-built candidates: eligibility, randomisation, simulated results,
//! flags and design errors.

use identity::NationalId;
use std::collections::{BTreeMap, HashSet};
use svc_prevention::effects::{effect_of, KERRISON_TEXTED};
use svc_prevention::{
    Arm, Campaign, CampaignDesign, Candidate, Characteristic, ConsentStatus, DesignError,
    Exclusion, FlagKind, History, PhoneOnRecord, Severity, Target, Variant,
};

fn person() -> NationalId {
    NationalId::parse("17912099997").unwrap()
}

/// `n` consenting women aged 50–69 with the given history, phone unknown.
fn women(n: usize, history: History) -> Vec<Candidate> {
    (0..n)
        .map(|i| Candidate {
            person: person(),
            age: 50 + (i % 20) as u32,
            history,
            risk: Some((i % 100) as f64),
            consent: ConsentStatus::Valid,
            phone: PhoneOnRecord::Unknown,
        })
        .collect()
}

fn missed_once() -> History {
    History {
        invitations: 1,
        attended: 0,
    }
}

fn design(target: Target, variants: &[Variant], control: Option<f64>, seed: u64) -> CampaignDesign {
    CampaignDesign::new(
        target,
        CampaignDesign::arms_with_control(variants, control).unwrap(),
        seed,
    )
    .unwrap()
}

#[test]
fn randomisation_is_deterministic_and_balanced_within_strata() {
    let mut pool = women(6000, missed_once());
    for (i, c) in pool.iter_mut().enumerate() {
        if i % 4 == 0 {
            c.history = History {
                invitations: 2,
                attended: 1,
            };
        }
    }
    let variants = [
        Variant::SmsReminder,
        Variant::parse("prebooked").unwrap(),
        Variant::parse("info").unwrap(),
    ];
    let d = design(Target::NonAttenders, &variants, Some(0.25), 11);
    let a = Campaign::plan(d.clone(), &pool, 0.41).unwrap();
    let b = Campaign::plan(d, &pool, 0.41).unwrap();
    assert_eq!(a.allocation, b.allocation, "same seed, same allocation");
    let other = Campaign::plan(
        design(Target::NonAttenders, &variants, Some(0.25), 12),
        &pool,
        0.41,
    )
    .unwrap();
    assert_ne!(a.allocation.assignments, other.allocation.assignments);

    // Every eligible woman allocated exactly once.
    assert_eq!(a.allocation.assignments.len(), 6000);
    let seen: HashSet<usize> = a
        .allocation
        .assignments
        .iter()
        .map(|x| x.candidate)
        .collect();
    assert_eq!(seen.len(), 6000);
    // Four equal shares: a block of four, so each stratum is within one block of exact balance.
    assert_eq!(a.allocation.block, 4);
    let mut by_stratum: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for x in &a.allocation.assignments {
        by_stratum
            .entry(x.stratum.label())
            .or_insert_with(|| vec![0; 4])[x.arm] += 1;
    }
    assert_eq!(by_stratum.len(), a.allocation.strata);
    assert_eq!(
        by_stratum.len(),
        8,
        "four age bands × two attendance classes"
    );
    for (stratum, counts) in &by_stratum {
        let m: usize = counts.iter().sum();
        for &c in counts {
            assert!(
                (c as f64 - m as f64 / 4.0).abs() <= 1.0,
                "{stratum}: {counts:?}"
            );
        }
    }
    for &n in &a.allocation.per_arm {
        assert!((n as i64 - 1500).abs() <= 8, "{:?}", a.allocation.per_arm);
    }
    // Simulated phones near 41 %, and recorded as simulated.
    assert_eq!(a.allocation.phone_simulated_share, 1.0);
    let phones = a.allocation.assignments.iter().filter(|x| x.phone).count() as f64;
    assert!((phones / 6000.0 - 0.41).abs() < 0.02, "{phones}");
    assert!(a.flags.iter().any(|f| f.kind == FlagKind::SimulatedData));
    // Only SMS recipients with a number, and every letter recipient, are reached; control never.
    for x in &a.allocation.assignments {
        let v = a.design.arms()[x.arm].variant;
        let expected = match v {
            Variant::Control => false,
            Variant::SmsReminder => x.phone,
            _ => true,
        };
        assert_eq!(x.reached, expected);
    }
}

#[test]
fn people_without_valid_consent_never_get_a_message_and_are_counted() {
    let mut pool = women(1000, missed_once());
    for (i, c) in pool.iter_mut().enumerate() {
        c.consent = match i % 10 {
            0 => ConsentStatus::Withdrawn,
            1 => ConsentStatus::Expired,
            2 | 3 => ConsentStatus::Missing,
            _ => ConsentStatus::Valid,
        };
        if i % 7 == 0 {
            c.history = History {
                invitations: 1,
                attended: 1,
            }; // a regular attender: outside the non-attender target
        }
    }
    let plan = Campaign::plan(
        design(Target::NonAttenders, &[Variant::SmsReminder], Some(0.5), 1),
        &pool,
        0.41,
    )
    .unwrap();
    let in_target: Vec<usize> = (0..1000).filter(|i| i % 7 != 0).collect();
    let count = |r: std::ops::RangeInclusive<usize>| {
        in_target.iter().filter(|i| r.contains(&(*i % 10))).count()
    };
    let e = &plan.eligibility;
    assert_eq!(e.considered, 1000);
    assert_eq!(e.not_in_target, 1000 - in_target.len());
    assert_eq!(e.excluded[&Exclusion::ConsentWithdrawn], count(0..=0));
    assert_eq!(e.excluded[&Exclusion::ConsentExpired], count(1..=1));
    assert_eq!(e.excluded[&Exclusion::NoConsent], count(2..=3));
    assert_eq!(e.eligible_count(), count(4..=9));
    for x in &plan.allocation.assignments {
        assert_eq!(pool[x.candidate].consent, ConsentStatus::Valid);
    }
    assert_eq!(
        plan.allocation.assignments.len() + e.excluded_count() + e.not_in_target,
        1000
    );
    assert_eq!(plan.recipients(), plan.allocation.per_arm[1]);
}

#[test]
fn a_large_simulated_sms_campaign_recovers_kerrisons_effect_among_the_texted() {
    // 59 of 99 rounds attended: baseline (59 + 0.755) / 100 = 59.755 %, Kerrison's 59.8 % control.
    let history = History {
        invitations: 99,
        attended: 59,
    };
    let pool = women(60_000, history);
    let plan = Campaign::plan(
        design(Target::AllInvited, &[Variant::SmsReminder], Some(0.5), 2015),
        &pool,
        0.41,
    )
    .unwrap();
    let results = plan.simulate_results(&pool);
    let sms = &results[1];
    assert_eq!(sms.variant, Variant::SmsReminder);
    let reached = sms.among_reached.unwrap();
    let published = KERRISON_TEXTED.0 - KERRISON_TEXTED.1; // 11.9 points
    let (lo, hi) = reached.difference_ci95;
    assert!(lo < published && published < hi, "{lo}..{hi}");
    assert!(lo > 0.08, "a clear effect among the texted: {lo}");
    let or = reached.odds_ratio.unwrap();
    let planted = effect_of(&Variant::SmsReminder).measure;
    let svc_prevention::Measure::OddsRatio(planted_or) = planted else {
        panic!("the SMS effect is an odds ratio")
    };
    assert!(or.low < planted_or && planted_or < or.high, "{or:?}");
    // By intention to treat the effect is diluted by the 59 % without a number: about 0.41 × 11.9.
    let itt = sms.itt.unwrap();
    assert!(itt.difference < reached.difference);
    let (lo, hi) = itt.difference_ci95;
    assert!(lo < 0.41 * published && 0.41 * published < hi, "{lo}..{hi}");
    // Control has no comparison of its own.
    assert!(results[0].itt.is_none());
    assert_eq!(results[0].reached, 0);
}

#[test]
fn the_sludge_variant_is_flagged_and_lowers_attendance() {
    let pool = women(20_000, missed_once());
    let plan = Campaign::plan(
        design(
            Target::NonAttenders,
            &[Variant::ConfirmBooking],
            Some(0.5),
            9,
        ),
        &pool,
        0.41,
    )
    .unwrap();
    let sludge = plan
        .flags
        .iter()
        .find(|f| f.kind == FlagKind::Sludge)
        .expect("sludge flagged");
    assert_eq!(sludge.severity, Severity::Serious);
    assert_eq!(sludge.arm, Some("confirm"));
    assert!(sludge.source.contains("Flanders"));
    assert_eq!(plan.flags[0].severity, Severity::Serious, "serious first");
    let results = plan.simulate_results(&pool);
    let itt = results[1].itt.unwrap();
    assert!(itt.difference < 0.0);
    assert!(itt.difference_ci95.1 < 0.0, "{:?}", itt.difference_ci95);
    let rr = itt.risk_ratio.unwrap();
    assert!(rr.low < 0.81 && 0.81 < rr.high, "{rr:?}");
}

#[test]
fn ethics_check_flags_defaults_without_opt_out_or_harms_one_sided_letters_and_no_control() {
    let pool = women(200, missed_once());
    let variants = [
        Variant::parse("prebooked-no-optout").unwrap(),
        Variant::parse("prebooked-no-harms").unwrap(),
        Variant::parse("info-onesided").unwrap(),
    ];
    let d = design(Target::NonAttenders, &variants, None, 1).with_extra_targeting(
        vec![Characteristic::ImmigrantBackground, Characteristic::Age],
        None,
    );
    let plan = Campaign::plan(d, &pool, 0.41).unwrap();
    let kinds: HashSet<FlagKind> = plan.flags.iter().map(|f| f.kind).collect();
    for k in [
        FlagKind::OptOutHarderThanOptIn,
        FlagKind::DefaultWithoutHarmsInformation,
        FlagKind::OneSidedInformation,
        FlagKind::NoControlGroup,
        FlagKind::ProtectedCharacteristic,
    ] {
        assert!(kinds.contains(&k), "{k:?} in {kinds:?}");
    }
    assert!(plan.flags.iter().all(|f| f.source.len() > 10));
    // Without control nothing is compared.
    assert!(plan.simulate_results(&pool).iter().all(|r| r.itt.is_none()));

    // A good design on a small pool: no ethics flags, but arms too small to measure anything.
    let good = design(
        Target::NonAttenders,
        &[
            Variant::parse("prebooked").unwrap(),
            Variant::parse("info").unwrap(),
        ],
        Some(0.34),
        1,
    );
    let plan = Campaign::plan(good, &pool, 0.41).unwrap();
    let kinds: Vec<FlagKind> = plan.flags.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, vec![FlagKind::ArmTooSmall, FlagKind::ArmTooSmall]);
}

#[test]
fn high_risk_targeting_ranks_before_consent_and_is_flagged_for_review() {
    let mut pool = women(1000, missed_once());
    for (i, c) in pool.iter_mut().enumerate() {
        if i % 2 == 0 {
            c.consent = ConsentStatus::Missing;
        }
        if i % 100 == 99 {
            c.risk = None;
        }
    }
    let plan = Campaign::plan(
        design(
            Target::HighRisk { top_share: 0.1 },
            &[Variant::SmsReminder],
            Some(0.5),
            3,
        ),
        &pool,
        0.41,
    )
    .unwrap();
    // Risk is i % 100 for 990 scored women; the top 10 % (99) starts at 89 (or 90 for ties):
    // scores 89..=98 among the scored.
    assert_eq!(plan.eligibility.risk_threshold, Some(89.0));
    let eligible: Vec<f64> = plan
        .allocation
        .assignments
        .iter()
        .map(|x| pool[x.candidate].risk.unwrap())
        .collect();
    assert!(eligible.iter().all(|&r| r >= 89.0));
    assert!(plan.eligibility.excluded[&Exclusion::NoRiskScore] > 0);
    assert!(plan.flags.iter().any(|f| f.kind == FlagKind::UsesRiskModel));
}

#[test]
fn bad_designs_give_typed_errors() {
    let arm = |variant, share| Arm { variant, share };
    assert!(matches!(
        CampaignDesign::new(
            Target::AllInvited,
            vec![arm(Variant::Control, 0.6), arm(Variant::SmsReminder, 0.6)],
            1
        ),
        Err(DesignError::AllocationSum { .. })
    ));
    assert!(matches!(
        CampaignDesign::new(
            Target::AllInvited,
            vec![arm(Variant::Control, 1.0), arm(Variant::SmsReminder, 0.0)],
            1
        ),
        Err(DesignError::EmptyArm { .. })
    ));
    assert!(matches!(
        Variant::parse("carrier-pigeon"),
        Err(DesignError::UnknownVariant { .. })
    ));
    // Nobody eligible is a typed error too.
    let mut pool = women(10, missed_once());
    pool.iter_mut()
        .for_each(|c| c.consent = ConsentStatus::Withdrawn);
    let e = Campaign::plan(
        design(Target::NonAttenders, &[Variant::SmsReminder], Some(0.5), 1),
        &pool,
        0.41,
    )
    .unwrap_err();
    assert!(e.to_string().contains("10 excluded"), "{e}");
}
