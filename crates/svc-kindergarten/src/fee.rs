//! The S1 fee rules: forskrift om foreldrebetaling i barnehager (FOR-2005-12-16-1478).
//!
//! The order of the rules follows the sources:
//!
//! 1. **Makspris** (§ 1; Stortingets budsjettvedtak): the maximum monthly fee for a full-time
//!    place (41 hours a week or more), by price zone ([`rule_makspris`]).
//! 2. **6 % of household income** (§ 3): «Foreldrebetaling skal for fyrste barn i barnehage
//!    utgjere maksimalt 6 % av hushaldninga si samla personinntekt … og skattepliktig
//!    kapitalinntekt, med den fastsatte maksimalprisen som ei øvre grense» (quoted by Vang). This
//!    gives the household's reduced full-time price ([`rule_income_cap`]).
//! 3. **Part-time places** (§ 1 and § 2 Deltidstilbud): the place price is the reduced full-time
//!    price pro rata of the agreed hours (a documented parameter: the sources are silent).
//! 4. **Gratis kjernetid** (§ 3): 20 free hours a week for the 2–5-year-old cohorts of the
//!    barnehageår in households with income lower than the year's limit, deducted *after* the
//!    6 % reduction (norddal.kommune.no NKO027; overhalla.kommune.no) ([`rule_kjernetid`]).
//! 5. **Sibling discount** (§ 3): at least 30 % for the second child and 50 % for the third and
//!    later, computed from the first child's reduced price (overhalla.kommune.no); from
//!    2023-08-01 the third and later child is free ([`rule_sibling_discount`]).
//!
//! Choices the sources leave open are parameters under `law/parameters/kindergarten/`: the
//! hourly method of the free hours, how free hours and a sibling discount combine for one
//! child, which sibling is "first", the part-time method and the rounding rules.
//!
//! TODO (not modelled, with citation): children with deferred school start (utsatt skolestart)
//! are also entitled to gratis kjernetid (§ 3; valle.kommune.no); the registers do not hold it.
//! TODO: the 2026 «gratis kjernetid for 1-åringer» (unverified, domain file §2).

use crate::zones::PriceZone;
use chrono::{Datelike, NaiveDate};
use rules::{
    barnehage_year, Decimal, Decision, Explanation, Finding, Input, Outcome, ParameterError,
    ParameterUse, Parameters, Provenance, Resolved, Rounding, Status, Value,
};

pub(crate) const REGULATION: &str =
    "FOR-2005-12-16-1478 forskrift om foreldrebetaling i barnehager";

/// Legal reference of the makspris rule.
pub const REF_MAKSPRIS: &str = "FOR-2005-12-16-1478 forskrift om foreldrebetaling i barnehager § 1 Maksimalgrense (https://lovdata.no/forskrift/2005-12-16-1478); Stortingets årlige budsjettvedtak";
/// Legal reference of the 6 % rule.
pub const REF_INCOME_CAP: &str = "FOR-2005-12-16-1478 forskrift om foreldrebetaling i barnehager § 3 (redusert foreldrebetaling, 6 % of household person- and capital income; sub-paragraph unverified) (https://lovdata.no/forskrift/2005-12-16-1478)";
/// Legal reference of the part-time rule.
pub const REF_PART_TIME: &str = "FOR-2005-12-16-1478 forskrift om foreldrebetaling i barnehager § 1 (41 hours a week = full time) and § 2 Deltidstilbud (https://lovdata.no/forskrift/2005-12-16-1478)";
/// Legal reference of gratis kjernetid.
pub const REF_KJERNETID: &str = "FOR-2005-12-16-1478 forskrift om foreldrebetaling i barnehager § 3 (gratis kjernetid, 20 hours a week; sub-paragraph unverified); order after the 6 % rule per norddal.kommune.no NKO027 (https://lovdata.no/forskrift/2005-12-16-1478)";
/// Legal reference of the sibling discount.
pub const REF_SIBLING: &str = "FOR-2005-12-16-1478 forskrift om foreldrebetaling i barnehager § 3 (søskenmoderasjon, at least 30 % / 50 %; third and later child free from 2023-08-01 by Stortingets budsjettvedtak) (https://lovdata.no/forskrift/2005-12-16-1478)";

/// How free kjernetid hours are priced (parameter `kindergarten.kjernetid.hourly_method`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HourlyMethod {
    /// An hour costs the full-time price / 41.
    FullTimeHours,
    /// An hour costs the place price / agreed hours.
    AgreedHours,
}

/// How free hours and a sibling discount combine (`kindergarten.sibling.free_hours_combination`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combination {
    /// Paid hours at the discounted hourly price.
    FreeHoursAtDiscountedPrice,
    /// Free hours valued at the full hourly price, deducted after the discount.
    FreeHoursAtFullPrice,
}

/// Which sibling is first (`kindergarten.sibling.first_child`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstChild {
    /// The most expensive place is first; ties to the oldest, then by id.
    HighestPlacePrice,
    /// The oldest child is first; ties by id.
    Oldest,
}

/// A zone's makspris on a date.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ZonePrice {
    /// The zone price is not introduced yet: the general makspris applies.
    NotIntroduced,
    /// The zone's own price.
    Price(Resolved<i64>),
    /// An explicit null: no value known or repealed.
    NoValue(ParameterError),
}

/// Every parameter the fee rules need, resolved for one date. Resolve once per date and reuse
/// it for every household: evaluation then runs on plain integers.
#[derive(Clone, Debug)]
pub struct FeeRules {
    pub(crate) date: NaiveDate,
    pub(crate) barnehage_year: i32,
    pub(crate) makspris_general: Resolved<i64>,
    pub(crate) makspris_sentralitet: ZonePrice,
    pub(crate) makspris_tiltakssonen: ZonePrice,
    pub(crate) full_time_hours: Resolved<i64>,
    pub(crate) rounding: Resolved<Rounding>,
    pub(crate) part_time_method: Resolved<String>,
    pub(crate) rate: Resolved<Decimal>,
    pub(crate) payments: Resolved<i64>,
    pub(crate) limit_rounding: Resolved<Rounding>,
    pub(crate) kjernetid_limit: Result<Resolved<i64>, ParameterError>,
    pub(crate) free_hours: Resolved<i64>,
    pub(crate) youngest_cohort: Resolved<i64>,
    pub(crate) oldest_cohort: Resolved<i64>,
    pub(crate) hourly_method: (HourlyMethod, Resolved<String>),
    pub(crate) discount_second: Resolved<Decimal>,
    pub(crate) discount_third: Resolved<Decimal>,
    pub(crate) first_child: (FirstChild, Resolved<String>),
    pub(crate) combination: (Combination, Resolved<String>),
    /// (path, from, label) of every unverified value above, sorted by label.
    pub(crate) unverified: Vec<(String, NaiveDate, String)>,
    /// Per parameter [`slot`]: its index in `unverified`, when unverified. Why: the compact path
    /// checks some twenty parameter uses a child; by slot that is an array look-up, not a
    /// comparison of path texts.
    pub(crate) unverified_of: [Option<u8>; slot::COUNT],
}

/// Numbers for the parameters of [`FeeRules`], for per-household bookkeeping without strings.
mod slot {
    pub const MAKSPRIS_GENERAL: usize = 0;
    pub const MAKSPRIS_SENTRALITET: usize = 1;
    pub const MAKSPRIS_TILTAKSSONEN: usize = 2;
    pub const RATE: usize = 3;
    pub const PAYMENTS: usize = 4;
    pub const LIMIT_ROUNDING: usize = 5;
    pub const ROUNDING: usize = 6;
    pub const FULL_TIME_HOURS: usize = 7;
    pub const PART_TIME_METHOD: usize = 8;
    pub const YOUNGEST_COHORT: usize = 9;
    pub const OLDEST_COHORT: usize = 10;
    pub const FREE_HOURS: usize = 11;
    pub const KJERNETID_LIMIT: usize = 12;
    pub const HOURLY_METHOD: usize = 13;
    pub const FIRST_CHILD: usize = 14;
    pub const DISCOUNT_SECOND: usize = 15;
    pub const DISCOUNT_THIRD: usize = 16;
    pub const COMBINATION: usize = 17;
    pub const COUNT: usize = 18;
    /// The slots whose values are amounts (an unverified one is a warning on the decision).
    pub fn is_amount(slot: usize) -> bool {
        matches!(
            slot,
            MAKSPRIS_GENERAL | MAKSPRIS_SENTRALITET | MAKSPRIS_TILTAKSSONEN | KJERNETID_LIMIT
        )
    }
}

fn zone_price(
    params: &Parameters,
    path: &str,
    date: NaiveDate,
) -> Result<ZonePrice, ParameterError> {
    match params.introduced(path, date) {
        Ok(None) => Ok(ZonePrice::NotIntroduced),
        Ok(Some(_)) => Ok(ZonePrice::Price(params.integer(path, date)?)),
        Err(e @ ParameterError::NoValue { .. }) => Ok(ZonePrice::NoValue(e)),
        Err(e) => Err(e),
    }
}

fn choice<T: Copy>(
    params: &Parameters,
    path: &str,
    date: NaiveDate,
    options: &[(&str, T)],
) -> Result<(T, Resolved<String>), ParameterError> {
    let resolved = params.text(path, date)?;
    match options.iter().find(|(code, _)| *code == resolved.value) {
        Some((_, value)) => Ok((*value, resolved)),
        None => Err(ParameterError::WrongType {
            path: path.to_string(),
            from: resolved.used.from,
            file: params
                .parameter(path)
                .map_or_else(|_| String::new(), |p| p.file.clone()),
            expected: "a choice the rules implement",
            found: format!(
                "'{}' (implemented: {})",
                resolved.value,
                options
                    .iter()
                    .map(|(c, _)| *c)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

impl FeeRules {
    /// Resolves every parameter for `date`.
    ///
    /// Fails with the parameter and the file to extend when `date` lies before a parameter's
    /// first value. Zone prices not introduced yet and explicit nulls that only some households
    /// need (zone prices, the kjernetid limit) are kept and become findings where they matter.
    pub fn resolve(params: &Parameters, date: NaiveDate) -> Result<FeeRules, ParameterError> {
        let year = barnehage_year(date);
        let year_start = NaiveDate::from_ymd_opt(year, 8, 1).expect("1 August exists");
        let kjernetid_limit =
            match params.integer("kindergarten.kjernetid.income_limit", year_start) {
                Ok(v) => Ok(v),
                Err(e @ ParameterError::NoValue { .. }) => Err(e),
                Err(e) => return Err(e),
            };
        let part_time_method = params.text("kindergarten.part_time_method", date)?;
        if part_time_method.value != "pro_rata_hours" {
            return Err(ParameterError::WrongType {
                path: "kindergarten.part_time_method".into(),
                from: part_time_method.used.from,
                file: params
                    .parameter("kindergarten.part_time_method")?
                    .file
                    .clone(),
                expected: "a choice the rules implement",
                found: format!("'{}' (implemented: pro_rata_hours)", part_time_method.value),
            });
        }
        Ok(FeeRules {
            date,
            barnehage_year: year,
            makspris_general: params.integer("kindergarten.makspris.general", date)?,
            makspris_sentralitet: zone_price(
                params,
                "kindergarten.makspris.sentralitet_5_6",
                date,
            )?,
            makspris_tiltakssonen: zone_price(params, "kindergarten.makspris.tiltakssonen", date)?,
            full_time_hours: params.integer("kindergarten.full_time_hours", date)?,
            rounding: params.rounding("kindergarten.rounding", date)?,
            part_time_method,
            rate: params.decimal("kindergarten.income_cap.rate", date)?,
            payments: params.integer("kindergarten.income_cap.payments_per_year", date)?,
            limit_rounding: params.rounding("kindergarten.income_cap.limit_rounding", date)?,
            kjernetid_limit,
            free_hours: params.integer("kindergarten.kjernetid.free_hours", date)?,
            youngest_cohort: params.integer("kindergarten.kjernetid.youngest_cohort_age", date)?,
            oldest_cohort: params.integer("kindergarten.kjernetid.oldest_cohort_age", date)?,
            hourly_method: choice(
                params,
                "kindergarten.kjernetid.hourly_method",
                date,
                &[
                    ("full_time_hours", HourlyMethod::FullTimeHours),
                    ("agreed_hours", HourlyMethod::AgreedHours),
                ],
            )?,
            discount_second: params.decimal("kindergarten.sibling.discount_second", date)?,
            discount_third: params
                .decimal("kindergarten.sibling.discount_third_and_later", date)?,
            first_child: choice(
                params,
                "kindergarten.sibling.first_child",
                date,
                &[
                    ("highest_place_price", FirstChild::HighestPlacePrice),
                    ("oldest", FirstChild::Oldest),
                ],
            )?,
            combination: choice(
                params,
                "kindergarten.sibling.free_hours_combination",
                date,
                &[
                    (
                        "free_hours_at_discounted_price",
                        Combination::FreeHoursAtDiscountedPrice,
                    ),
                    (
                        "free_hours_at_full_price",
                        Combination::FreeHoursAtFullPrice,
                    ),
                ],
            )?,
            unverified: Vec::new(),
            unverified_of: [None; slot::COUNT],
        }
        .with_unverified_labels())
    }

    /// Fills `unverified`: the labels of every unverified parameter value, sorted, formatted
    /// once per rule set instead of once per household.
    fn with_unverified_labels(mut self) -> FeeRules {
        let mut labels: Vec<(String, NaiveDate, String)> = self
            .parameter_uses()
            .into_iter()
            .filter(|u| u.status == Status::Unverified)
            .map(|u| {
                (
                    u.path.clone(),
                    u.from,
                    format!("{} from {}", u.path, u.from),
                )
            })
            .collect();
        labels.sort_by(|a, b| a.2.cmp(&b.2));
        labels.dedup_by(|a, b| a.2 == b.2);
        let mut of = [None; slot::COUNT];
        for (s, index) in of.iter_mut().enumerate() {
            *index = self
                .slot_use(s)
                .filter(|u| u.status == Status::Unverified)
                .and_then(|u| {
                    labels
                        .iter()
                        .position(|(path, from, _)| *from == u.from && *path == u.path)
                })
                .map(|i| i as u8);
        }
        self.unverified = labels;
        self.unverified_of = of;
        self
    }

    /// The labels (`path from date`) of the unverified parameter values these rules hold,
    /// sorted: [`CompactDecision::unverified`] indexes into it.
    pub fn unverified_labels(&self) -> impl Iterator<Item = &str> {
        self.unverified.iter().map(|(_, _, label)| label.as_str())
    }

    /// The parameter use in `slot` (see [`slot`]), if the rules hold one there.
    fn slot_use(&self, slot: usize) -> Option<&ParameterUse> {
        fn zone(z: &ZonePrice) -> Option<&ParameterUse> {
            match z {
                ZonePrice::Price(p) => Some(&p.used),
                _ => None,
            }
        }
        Some(match slot {
            slot::MAKSPRIS_GENERAL => &self.makspris_general.used,
            slot::MAKSPRIS_SENTRALITET => return zone(&self.makspris_sentralitet),
            slot::MAKSPRIS_TILTAKSSONEN => return zone(&self.makspris_tiltakssonen),
            slot::RATE => &self.rate.used,
            slot::PAYMENTS => &self.payments.used,
            slot::LIMIT_ROUNDING => &self.limit_rounding.used,
            slot::ROUNDING => &self.rounding.used,
            slot::FULL_TIME_HOURS => &self.full_time_hours.used,
            slot::PART_TIME_METHOD => &self.part_time_method.used,
            slot::YOUNGEST_COHORT => &self.youngest_cohort.used,
            slot::OLDEST_COHORT => &self.oldest_cohort.used,
            slot::FREE_HOURS => &self.free_hours.used,
            slot::KJERNETID_LIMIT => return self.kjernetid_limit.as_ref().ok().map(|l| &l.used),
            slot::HOURLY_METHOD => &self.hourly_method.1.used,
            slot::FIRST_CHILD => &self.first_child.1.used,
            slot::DISCOUNT_SECOND => &self.discount_second.used,
            slot::DISCOUNT_THIRD => &self.discount_third.used,
            slot::COMBINATION => &self.combination.1.used,
            _ => return None,
        })
    }

    /// Every parameter use the rules resolved (for the dictionary of compact explanations):
    /// the zone prices where in force and the kjernetid limit where known.
    pub fn parameter_uses(&self) -> Vec<&ParameterUse> {
        let mut out = vec![&self.makspris_general.used];
        for zone in [&self.makspris_sentralitet, &self.makspris_tiltakssonen] {
            if let ZonePrice::Price(p) = zone {
                out.push(&p.used);
            }
        }
        out.extend([
            &self.full_time_hours.used,
            &self.rounding.used,
            &self.part_time_method.used,
            &self.rate.used,
            &self.payments.used,
            &self.limit_rounding.used,
        ]);
        if let Ok(limit) = &self.kjernetid_limit {
            out.push(&limit.used);
        }
        out.extend([
            &self.free_hours.used,
            &self.youngest_cohort.used,
            &self.oldest_cohort.used,
            &self.hourly_method.1.used,
            &self.discount_second.used,
            &self.discount_third.used,
            &self.first_child.1.used,
            &self.combination.1.used,
        ]);
        out
    }

    /// The date the rules were resolved for.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The barnehageår (start year) of the date.
    pub fn barnehage_year(&self) -> i32 {
        self.barnehage_year
    }

    /// Whether an unknown price zone matters on the date: whether a special zone the household
    /// may be in (`possible`; empty = any special zone) has a price of its own that differs from
    /// the general makspris, or no known price at all.
    pub fn unknown_zone_matters(&self, possible: &[PriceZone]) -> bool {
        let any = [PriceZone::Sentralitet56, PriceZone::Tiltakssonen];
        let possible = if possible.is_empty() {
            &any[..]
        } else {
            possible
        };
        possible.iter().any(|z| match self.zone_price(*z) {
            None | Some(ZonePrice::NotIntroduced) => false,
            Some(ZonePrice::Price(p)) => p.value != self.makspris_general.value,
            Some(ZonePrice::NoValue(_)) => true,
        })
    }

    /// The zone's own price state (`None` for the general zone).
    pub(crate) fn zone_price(&self, zone: PriceZone) -> Option<&ZonePrice> {
        match zone {
            PriceZone::General => None,
            PriceZone::Sentralitet56 => Some(&self.makspris_sentralitet),
            PriceZone::Tiltakssonen => Some(&self.makspris_tiltakssonen),
        }
    }
}

/// The price zone of a household as the caller knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneInput {
    /// The zone, or `None` when unknown.
    pub zone: Option<PriceZone>,
    /// Where it comes from (the case file, or the zone data).
    pub provenance: Provenance,
    /// Why it is unknown, when it is.
    pub unknown_reason: Option<String>,
    /// When the zone is unknown: the special zones it may be in (empty = any special zone).
    pub possible: Vec<PriceZone>,
}

/// The household income (person- plus capital income) as the caller knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct IncomeInput {
    /// NOK a year, or `None` when unknown.
    pub amount: Option<i64>,
    /// The records summed.
    pub provenance: Vec<Provenance>,
    /// Why it is unknown, when it is.
    pub unknown_reason: Option<String>,
}

/// One child with a kindergarten place.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildInput {
    /// The child's id in the output (case id, or a masked register id).
    pub id: String,
    /// Registered birth date.
    pub birth_date: NaiveDate,
    /// Agreed hours a week (avtalt oppholdstid), at least 1.
    pub weekly_hours: u32,
    /// Where birth date and hours come from.
    pub provenance: Vec<Provenance>,
}

/// A household to decide: the family unit's children in kindergarten, its income and zone.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdInput {
    /// The makspris zone.
    pub zone: ZoneInput,
    /// Household income.
    pub income: IncomeInput,
    /// Children with a place (siblings living together permanently).
    pub children: Vec<ChildInput>,
    /// Findings the caller made while gathering the inputs (e.g. contradictory records).
    pub findings: Vec<Finding>,
}

/// One child's fee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildFee {
    /// The child's id.
    pub id: String,
    /// Sibling rank (1 = first child).
    pub rank: usize,
    /// Monthly fee in whole NOK; `None` when the case needs manual handling.
    pub monthly_fee: Option<i64>,
    /// Whether the child gets gratis kjernetid (`None` when it cannot be decided).
    pub kjernetid: Option<bool>,
    /// The place price at the zone's makspris before every reduction (makspris × min(hours,
    /// full time) / full time, rounded by `kindergarten.rounding`): what the place would cost
    /// without the 6 % rule, kjernetid and the sibling discount. `None` when not decided.
    pub full_price: Option<i64>,
    /// The child's explanation tree.
    pub explanation: Explanation,
}

/// The fees of one household for one month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdFee {
    /// The date decided for.
    pub date: NaiveDate,
    /// The zone applied (`None` when unknown).
    pub price_zone: Option<PriceZone>,
    /// The makspris applied (`None` when unknown).
    pub makspris: Option<i64>,
    /// The derived 6 % income limit (makspris × payments / rate).
    pub income_limit: Option<i64>,
    /// The household's reduced full-time price after the 6 % rule.
    pub reduced_price: Option<i64>,
    /// The kjernetid income limit of the barnehageår, where known.
    pub kjernetid_income_limit: Option<i64>,
    /// The children, in input order.
    pub children: Vec<ChildFee>,
    /// Sum of the children's fees; `None` when any is unknown.
    pub total_monthly_fee: Option<i64>,
    /// Unverified parameter values used (path @ from-date).
    pub unverified_parameters: Vec<String>,
}

/// An exact fraction for fee arithmetic (never floating point).
#[derive(Clone, Copy, Debug)]
struct Fraction {
    numerator: i128,
    denominator: i128,
}

impl Fraction {
    fn new(numerator: i128, denominator: i128) -> Fraction {
        Fraction {
            numerator,
            denominator,
        }
    }
    fn times(self, numerator: i128, denominator: i128) -> Fraction {
        Fraction::new(self.numerator * numerator, self.denominator * denominator)
    }
    fn minus(self, other: Fraction) -> Fraction {
        Fraction::new(
            self.numerator * other.denominator - other.numerator * self.denominator,
            self.denominator * other.denominator,
        )
    }
    fn round(self, rounding: Rounding) -> i64 {
        rounding.divide(self.numerator, self.denominator)
    }
}

/// How the makspris step went: the variable part of its explanation node (the rest is the
/// rule's static text and the rules' parameters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaksprisCase {
    /// The zone is unknown and zone prices differ on the date: manual handling.
    UnknownZoneMatters,
    /// The zone is unknown, but no special zone price is in force: the general makspris.
    UnknownZoneGeneral,
    /// The general zone.
    General,
    /// A special zone whose own price is not in force yet: the general makspris.
    NotIntroduced(PriceZone),
    /// A special zone at its own price.
    ZonePrice(PriceZone),
    /// A special zone without a known price: manual handling.
    NoValue(PriceZone),
}

impl MaksprisCase {
    /// The case's code in compact explanations (a key of the dictionary's summaries).
    pub fn code(self) -> &'static str {
        match self {
            MaksprisCase::UnknownZoneMatters => "unknown_zone_matters",
            MaksprisCase::UnknownZoneGeneral => "unknown_zone_general",
            MaksprisCase::General => "general",
            MaksprisCase::NotIntroduced(_) => "not_introduced",
            MaksprisCase::ZonePrice(_) => "zone_price",
            MaksprisCase::NoValue(_) => "no_value",
        }
    }
}

/// The makspris step's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaksprisStep {
    /// The zone applied (`None` when unknown).
    pub zone: Option<PriceZone>,
    /// The makspris applied (`None` when unknown).
    pub makspris: Option<i64>,
    /// How it was decided.
    pub case: MaksprisCase,
}

/// Rule: the makspris of the household's price zone on the date.
///
/// FOR-2005-12-16-1478 § 1 and the Storting's budget decisions. A zone price applies from its
/// first value (tiltakssonen 2023-08-01, sentralitet 5–6 2024-08-01); before that the general
/// makspris applies in the zone. An unknown zone is a finding only when the zone matters on the
/// date, i.e. when a possible special zone has a price of its own.
fn rule_makspris(rules: &FeeRules, zone: &ZoneInput, findings: &mut Vec<Finding>) -> MaksprisStep {
    let general = rules.makspris_general.value;
    let (applied, makspris, case) = match zone.zone {
        None => {
            // Unknown zone: it matters only if a zone it may be in has a price of its own on the
            // date that differs from the general makspris.
            if rules.unknown_zone_matters(&zone.possible) {
                findings.push(Finding::manual(
                    "price_zone_unknown",
                    zone.unknown_reason
                        .clone()
                        .unwrap_or_else(|| "the price zone is unknown".into())
                        + &format!(
                            "; the zone matters on {} because zone prices differ",
                            rules.date
                        ),
                ));
                (None, None, MaksprisCase::UnknownZoneMatters)
            } else {
                (
                    Some(PriceZone::General),
                    Some(general),
                    MaksprisCase::UnknownZoneGeneral,
                )
            }
        }
        Some(PriceZone::General) => (
            Some(PriceZone::General),
            Some(general),
            MaksprisCase::General,
        ),
        Some(z) => match rules.zone_price(z).expect("special zone") {
            ZonePrice::NotIntroduced => (Some(z), Some(general), MaksprisCase::NotIntroduced(z)),
            ZonePrice::Price(p) => (Some(z), Some(p.value), MaksprisCase::ZonePrice(z)),
            ZonePrice::NoValue(e) => {
                findings.push(Finding::manual("makspris_unknown", e.to_string()));
                (Some(z), None, MaksprisCase::NoValue(z))
            }
        },
    };
    MaksprisStep {
        zone: applied,
        makspris,
        case,
    }
}

/// The explanation node of the makspris step.
fn makspris_node(rules: &FeeRules, zone: &ZoneInput, step: &MaksprisStep) -> Explanation {
    let general = &rules.makspris_general;
    let mut node = Explanation::new("kindergarten.makspris", REF_MAKSPRIS, Value::Missing)
        .input(Input::new(
            "price_zone",
            zone.zone.map(|z| z.code().to_string()),
            vec![zone.provenance.clone()],
        ))
        .parameter(&general.used);
    node.summary = match step.case {
        MaksprisCase::UnknownZoneMatters => {
            "The price zone is unknown and zone prices differ on this date: manual handling."
                .into()
        }
        MaksprisCase::UnknownZoneGeneral => format!(
            "The price zone is unknown, but no special zone price is in force on {}: the general makspris {} applies.",
            rules.date, general.value
        ),
        MaksprisCase::General => format!(
            "General price zone: makspris {} NOK a month.",
            general.value
        ),
        MaksprisCase::NotIntroduced(z) => format!(
            "The {z} price is not in force on {}: the general makspris {} applies.",
            rules.date, general.value
        ),
        MaksprisCase::ZonePrice(z) => match rules.zone_price(z) {
            Some(ZonePrice::Price(p)) => {
                node = node.parameter(&p.used);
                format!("Price zone {z}: makspris {} NOK a month.", p.value)
            }
            _ => unreachable!("a zone-price case has a zone price"),
        },
        MaksprisCase::NoValue(z) => format!(
            "No makspris is known for {z} on {}: manual handling.",
            rules.date
        ),
    };
    node.result = step.makspris.into();
    node
}

/// How the 6 % step went: the variable part of its explanation node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapCase {
    /// Not evaluated: the makspris is unknown.
    MaksprisUnknown,
    /// The makspris is 0: nothing to reduce.
    MaksprisZero,
    /// The household income is unknown: manual handling.
    IncomeUnknown,
    /// Income at or above the limit: the makspris.
    AtOrAboveLimit,
    /// Income 0 or negative: 0 (with a warning).
    NotPositive,
    /// Income below the limit: 6 % of it a month.
    Share,
}

impl CapCase {
    /// The case's code in compact explanations (a key of the dictionary's summaries).
    pub fn code(self) -> &'static str {
        match self {
            CapCase::MaksprisUnknown => "makspris_unknown",
            CapCase::MaksprisZero => "makspris_zero",
            CapCase::IncomeUnknown => "income_unknown",
            CapCase::AtOrAboveLimit => "at_or_above_limit",
            CapCase::NotPositive => "not_positive",
            CapCase::Share => "share",
        }
    }
}

/// The 6 % step's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapStep {
    /// The income limit at the makspris (`None` when the makspris is unknown).
    pub limit: Option<i64>,
    /// The household's reduced full-time price (`None` when unknown).
    pub reduced_price: Option<i64>,
    /// How it was decided.
    pub case: CapCase,
}

/// The place price at `makspris` before every reduction: makspris × min(hours, full time) /
/// full time, rounded by `kindergarten.rounding` (the part-time rule, § 1 and § 2).
pub fn full_price(rules: &FeeRules, makspris: i64, weekly_hours: u32) -> i64 {
    let full_time = rules.full_time_hours.value as i128;
    Fraction::new(
        makspris as i128 * (weekly_hours as i128).min(full_time),
        full_time,
    )
    .round(rules.rounding.value)
}

/// The 6 % income limit for `makspris`: makspris × payments / rate (rate = mantissa /
/// 10^scale), rounded by `kindergarten.income_cap.limit_rounding`.
pub(crate) fn income_limit(rules: &FeeRules, makspris: i64) -> i64 {
    let rate = rules.rate.value;
    Fraction::new(
        makspris as i128 * rules.payments.value as i128 * rate.denominator() as i128,
        rate.mantissa() as i128,
    )
    .round(rules.limit_rounding.value)
}

/// The monthly 6 % share of a (positive) household income, rounded by `kindergarten.rounding`,
/// before the makspris cap.
pub(crate) fn income_share(rules: &FeeRules, amount: i64) -> i64 {
    let rate = rules.rate.value;
    Fraction::new(
        amount as i128 * rate.mantissa() as i128,
        rate.denominator() as i128 * rules.payments.value as i128,
    )
    .round(rules.rounding.value)
}

/// Rule: the household's full-time price after the 6 % rule.
///
/// FOR-2005-12-16-1478 § 3: the yearly fee for the first child is at most 6 % of the household's
/// personinntekt (skatteloven kap. 12) plus taxable capital income, with the makspris as upper
/// limit. Monthly: min(makspris, income × 6 % / 11). The income limit (makspris × 11 / 0.06) is
/// derived with the documented rounding `kindergarten.income_cap.limit_rounding`; income at or
/// above it pays the makspris.
fn rule_income_cap(
    rules: &FeeRules,
    makspris: Option<i64>,
    income: &IncomeInput,
    findings: &mut Vec<Finding>,
) -> CapStep {
    let Some(makspris) = makspris else {
        return CapStep {
            limit: None,
            reduced_price: None,
            case: CapCase::MaksprisUnknown,
        };
    };
    let limit = income_limit(rules, makspris);
    let (reduced, case) = if makspris == 0 {
        (Some(0), CapCase::MaksprisZero)
    } else {
        match income.amount {
            None => {
                findings.push(Finding::manual(
                    "income_unknown",
                    income.unknown_reason.clone().unwrap_or_else(|| {
                        "the household income is unknown: the 6 % rule and gratis kjernetid cannot be decided".into()
                    }),
                ));
                (None, CapCase::IncomeUnknown)
            }
            Some(amount) if amount >= limit => (Some(makspris), CapCase::AtOrAboveLimit),
            Some(amount) if amount <= 0 => {
                findings.push(Finding::warning(
                    "income_not_positive",
                    format!("household income is {amount} NOK; 6 % of it gives a fee of 0"),
                ));
                (Some(0), CapCase::NotPositive)
            }
            Some(amount) => (
                Some(income_share(rules, amount).min(makspris)),
                CapCase::Share,
            ),
        }
    };
    CapStep {
        limit: Some(limit),
        reduced_price: reduced,
        case,
    }
}

/// The explanation node of the 6 % step.
fn income_cap_node(
    rules: &FeeRules,
    makspris: Option<i64>,
    income: &IncomeInput,
    step: &CapStep,
) -> Explanation {
    let rate = rules.rate.value;
    let payments = rules.payments.value as i128;
    let mut node = Explanation::new("kindergarten.income_cap", REF_INCOME_CAP, Value::Missing)
        .input(Input::new(
            "household_income",
            income.amount,
            income.provenance.clone(),
        ))
        .parameter(&rules.rate.used)
        .parameter(&rules.payments.used)
        .parameter(&rules.limit_rounding.used)
        .parameter(&rules.rounding.used);
    let (Some(makspris), Some(limit)) = (makspris, step.limit) else {
        node.summary = "Not evaluated: the makspris is unknown.".into();
        return node;
    };
    node = node.input(Input::derived("makspris", makspris));
    let limit_node = Explanation::new("kindergarten.income_cap.limit", REF_INCOME_CAP, limit)
        .summary(format!(
            "Income limit = makspris {makspris} × {payments} / {rate} = {limit} NOK (rounded {}).",
            rules.limit_rounding.value.code()
        ))
        .parameter(&rules.rate.used)
        .parameter(&rules.payments.used)
        .parameter(&rules.limit_rounding.used);
    node = node.child(limit_node);
    let amount = income.amount.unwrap_or(0);
    let reduced = step.reduced_price.unwrap_or(0);
    node.summary = match step.case {
        CapCase::MaksprisUnknown => "Not evaluated: the makspris is unknown.".into(),
        CapCase::MaksprisZero => "The makspris is 0: nothing to reduce, income not needed.".into(),
        CapCase::IncomeUnknown => "The household income is unknown: manual handling.".into(),
        CapCase::AtOrAboveLimit => format!(
            "Household income {amount} is at or above the limit {limit}: the makspris {makspris} applies."
        ),
        CapCase::NotPositive => {
            format!("Household income {amount} is not positive: the reduced price is 0.")
        }
        CapCase::Share => format!(
            "Household income {amount} is below the limit {limit}: {rate} × {amount} / {payments} = {reduced} NOK a month (rounded {}).",
            rules.rounding.value.code()
        ),
    };
    node.result = step.reduced_price.into();
    node
}

/// Rule: whether the child is in a gratis kjernetid cohort of the barnehageår.
///
/// FOR-2005-12-16-1478 § 3: the free hours follow birth-year cohorts: in barnehageår Y/Y+1 the
/// children born in Y − 5 … Y − 2 (from 2019-08-01; 3 from 2016, 4 from 2015), whatever their age
/// on the date (vefsn.kommune.no: 2019/20 covers children born 2014–2017; norddal.kommune.no:
/// «gjeld frå hausten då barnet har to år igjen til skulestart»).
pub fn in_kjernetid_cohort(
    birth_date: NaiveDate,
    barnehage_year: i32,
    youngest_age: i64,
    oldest_age: i64,
) -> bool {
    let age_in_year = (barnehage_year - birth_date.year()) as i64;
    (youngest_age..=oldest_age).contains(&age_in_year)
}

/// How the gratis kjernetid step went for one child: the variable part of its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KjernetidCase {
    /// Not born in the cohorts of the barnehageår: no free hours.
    NotInCohort,
    /// In a cohort, but the place is free anyway (makspris 0).
    FreeAnyway,
    /// In a cohort, but the barnehageår's income limit is unknown: manual handling.
    LimitUnknown,
    /// In a cohort, but the household income is unknown.
    IncomeUnknown,
    /// In a cohort, decided by the income against the limit (free hours or none).
    Decided,
}

impl KjernetidCase {
    /// The case's code in compact explanations (a key of the dictionary's summaries).
    pub fn code(self) -> &'static str {
        match self {
            KjernetidCase::NotInCohort => "not_in_cohort",
            KjernetidCase::FreeAnyway => "free_anyway",
            KjernetidCase::LimitUnknown => "limit_unknown",
            KjernetidCase::IncomeUnknown => "income_unknown",
            KjernetidCase::Decided => "decided",
        }
    }
}

/// Rule: gratis kjernetid for one child: the free hours a week it gets (0 when not entitled),
/// or `None` when it cannot be decided.
///
/// FOR-2005-12-16-1478 § 3: 20 free hours a week for the eligible cohorts in households with
/// income lower than («lavere enn», gjennestadbarnehage.no; froland.kommune.no) the barnehageår's
/// limit; deducted after the 6 % reduction (norddal.kommune.no NKO027).
fn rule_kjernetid(
    rules: &FeeRules,
    child: &ChildInput,
    income: Option<i64>,
    makspris_is_zero: bool,
    findings: &mut Vec<Finding>,
) -> (Option<i64>, KjernetidCase) {
    let year = rules.barnehage_year;
    let (youngest, oldest) = (rules.youngest_cohort.value, rules.oldest_cohort.value);
    if !in_kjernetid_cohort(child.birth_date, year, youngest, oldest) {
        return (Some(0), KjernetidCase::NotInCohort);
    }
    if makspris_is_zero {
        return (Some(0), KjernetidCase::FreeAnyway);
    }
    let limit = match &rules.kjernetid_limit {
        Ok(limit) => limit.value,
        Err(e) => {
            findings.push(Finding::manual(
                "kjernetid_limit_unknown",
                format!("child {} is in a kjernetid cohort, but {e}", child.id),
            ));
            return (None, KjernetidCase::LimitUnknown);
        }
    };
    let Some(income) = income else {
        return (None, KjernetidCase::IncomeUnknown);
    };
    let free = if income < limit {
        rules.free_hours.value
    } else {
        0
    };
    (Some(free), KjernetidCase::Decided)
}

/// The explanation node of the kjernetid step (before the hourly method and the deduction,
/// which `expand` adds).
fn kjernetid_node(
    rules: &FeeRules,
    child: &ChildInput,
    income: Option<i64>,
    case: KjernetidCase,
    free: Option<i64>,
) -> Explanation {
    let mut node = Explanation::new("kindergarten.kjernetid", REF_KJERNETID, Value::Missing)
        .input(Input::new(
            "birth_date",
            child.birth_date,
            child.provenance.clone(),
        ))
        .input(Input::new("household_income", income, Vec::new()))
        .parameter(&rules.youngest_cohort.used)
        .parameter(&rules.oldest_cohort.used)
        .parameter(&rules.free_hours.used);
    let year = rules.barnehage_year;
    let (youngest, oldest) = (rules.youngest_cohort.value, rules.oldest_cohort.value);
    let limit = rules.kjernetid_limit.as_ref().ok();
    if matches!(case, KjernetidCase::IncomeUnknown | KjernetidCase::Decided) {
        if let Some(limit) = limit {
            node = node.parameter(&limit.used);
        }
    }
    node.summary = match case {
        KjernetidCase::NotInCohort => format!(
            "Born {}: not in the kjernetid cohorts of barnehageår {year}/{} (born {}–{}).",
            child.birth_date.year(),
            year + 1,
            year - oldest as i32,
            year - youngest as i32
        ),
        KjernetidCase::FreeAnyway => "In a kjernetid cohort, but the place is free anyway.".into(),
        KjernetidCase::LimitUnknown => "In a kjernetid cohort, but the income limit of the barnehageår is unknown: manual handling.".into(),
        KjernetidCase::IncomeUnknown => {
            "In a kjernetid cohort, but the household income is unknown.".into()
        }
        KjernetidCase::Decided => {
            let (income, limit) = (income.unwrap_or(0), limit.map_or(0, |l| l.value));
            let free = free.unwrap_or(0);
            if free > 0 {
                format!(
                    "Born {} (cohort of barnehageår {year}/{}) and household income {income} is lower than {limit}: {free} free hours a week.",
                    child.birth_date.year(),
                    year + 1
                )
            } else {
                format!(
                    "Born {} (cohort of barnehageår {year}/{}), but household income {income} is not lower than {limit}: no free hours.",
                    child.birth_date.year(),
                    year + 1
                )
            }
        }
    };
    node.result = free.into();
    node
}

/// Rule: the sibling discount rate of a child ranked `rank` (1 = first child).
///
/// FOR-2005-12-16-1478 § 3: at least 30 % for the second child and 50 % for the third and later
/// (lovdata.no/artikkel/foreldrebetaling_i_barnehager/917); from 2023-08-01 the third and later
/// child is free when three or more attend (regjeringen.no id2930586). Ranks ≥ 3 exist only when
/// three or more siblings attend.
pub(crate) fn rule_sibling_discount(
    rules: &FeeRules,
    rank: usize,
) -> (Decimal, Option<&Resolved<Decimal>>) {
    match rank {
        1 => (Decimal::from_integer(0), None),
        2 => (rules.discount_second.value, Some(&rules.discount_second)),
        _ => (rules.discount_third.value, Some(&rules.discount_third)),
    }
}

/// The amounts of one child's fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChildAmounts {
    /// The place price after the 6 % rule and the part-time rule.
    pub place_price: i64,
    /// What gratis kjernetid takes off.
    pub kjernetid_deduction: i64,
    /// What the sibling discount takes off.
    pub sibling_discount: i64,
    /// The monthly fee.
    pub fee: i64,
}

/// Rule: one child's monthly fee from the household's reduced full-time price.
///
/// Part-time (§ 1, § 2): place = reduced price × min(hours, 41) / 41. Then the free hours
/// (§ 3, by `kindergarten.kjernetid.hourly_method`) and the sibling discount (§ 3), combined by
/// `kindergarten.sibling.free_hours_combination`; one rounding of the exact fraction.
pub(crate) fn child_amounts(
    rules: &FeeRules,
    reduced: i64,
    hours: u32,
    free_hours: i64,
    discount: Decimal,
) -> ChildAmounts {
    let full_time = rules.full_time_hours.value as i128;
    let hours = hours as i128;
    let effective = hours.min(full_time);
    let free = (free_hours as i128).max(0);
    let rounding = rules.rounding.value;
    let place = Fraction::new(reduced as i128 * effective, full_time);
    let free_value = match rules.hourly_method.0 {
        HourlyMethod::FullTimeHours => {
            Fraction::new(reduced as i128 * free.min(effective), full_time)
        }
        HourlyMethod::AgreedHours => place.times(free.min(hours), hours),
    };
    let after_free = place.minus(free_value);
    let keep = (discount.denominator() - discount.mantissa()) as i128;
    let per = discount.denominator() as i128;
    let place_price = place.round(rounding);
    match rules.combination.0 {
        Combination::FreeHoursAtDiscountedPrice => {
            let after_free_rounded = after_free.round(rounding);
            let fee = after_free.times(keep, per).round(rounding).max(0);
            ChildAmounts {
                place_price,
                kjernetid_deduction: place_price - after_free_rounded,
                sibling_discount: after_free_rounded - fee,
                fee,
            }
        }
        Combination::FreeHoursAtFullPrice => {
            let discounted = place.times(keep, per);
            let discounted_rounded = discounted.round(rounding);
            let fee = discounted.minus(free_value).round(rounding).max(0);
            ChildAmounts {
                place_price,
                kjernetid_deduction: discounted_rounded - fee,
                sibling_discount: place_price - discounted_rounded,
                fee,
            }
        }
    }
}

/// One child's monthly fee only, for the amounts-only path: the same exact fraction and the one
/// rounding as the `fee` of [`child_amounts`] (tested equal), with one division instead of
/// three. `keep / per` is 1 − the sibling discount rate.
///
/// Why a second function: [`child_amounts`] also rounds the place price and the intermediate
/// amounts the explanation shows; a population-wide budget run needs only the fee.
#[inline]
pub(crate) fn child_fee(
    rules: &FeeRules,
    reduced: i64,
    hours: u32,
    free_hours: i64,
    keep: i64,
    per: i64,
) -> i64 {
    // The same fraction in i64 where nothing overflows (every real fee: amounts of a few
    // thousand NOK, hours up to 168, rates of a few decimals); i128 otherwise.
    let fast = || -> Option<i64> {
        let full_time = rules.full_time_hours.value;
        let hours = i64::from(hours);
        let effective = hours.min(full_time);
        let free = free_hours.max(0);
        let (place, free_value, denominator) = match rules.hourly_method.0 {
            HourlyMethod::FullTimeHours => (
                reduced.checked_mul(effective)?,
                reduced.checked_mul(free.min(effective))?,
                full_time,
            ),
            HourlyMethod::AgreedHours => {
                let scaled = reduced.checked_mul(effective)?;
                (
                    scaled.checked_mul(hours)?,
                    scaled.checked_mul(free.min(hours))?,
                    full_time.checked_mul(hours)?,
                )
            }
        };
        let numerator = match rules.combination.0 {
            Combination::FreeHoursAtDiscountedPrice => {
                place.checked_sub(free_value)?.checked_mul(keep)?
            }
            Combination::FreeHoursAtFullPrice => place
                .checked_mul(keep)?
                .checked_sub(free_value.checked_mul(per)?)?,
        };
        let denominator = denominator.checked_mul(per)?;
        (denominator > 0 && numerator != i64::MIN).then(|| {
            rules
                .rounding
                .value
                .divide_i64(numerator, denominator)
                .max(0)
        })
    };
    if let Some(fee) = fast() {
        return fee;
    }
    let full_time = rules.full_time_hours.value as i128;
    let hours = hours as i128;
    let effective = hours.min(full_time);
    let free = (free_hours as i128).max(0);
    let reduced = reduced as i128;
    // Place price and the value of the free hours over one denominator.
    let (place, free_value, denominator) = match rules.hourly_method.0 {
        HourlyMethod::FullTimeHours => (
            reduced * effective,
            reduced * free.min(effective),
            full_time,
        ),
        HourlyMethod::AgreedHours => (
            reduced * effective * hours,
            reduced * effective * free.min(hours),
            full_time * hours,
        ),
    };
    let (keep, per) = (keep as i128, per as i128);
    let numerator = match rules.combination.0 {
        Combination::FreeHoursAtDiscountedPrice => (place - free_value) * keep,
        Combination::FreeHoursAtFullPrice => place * keep - free_value * per,
    };
    rules
        .rounding
        .value
        .divide(numerator, denominator * per)
        .max(0)
}

/// One child of a [`CompactDecision`]: the values its explanation needs beyond the household's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompactChild {
    /// Sibling rank (1 = first child).
    pub rank: usize,
    /// Free kjernetid hours a week (`None` when undecidable).
    pub free_hours: Option<i64>,
    /// How the kjernetid step went.
    pub kjernetid: KjernetidCase,
    /// The amounts, when the reduced price and the free hours are known.
    pub amounts: Option<ChildAmounts>,
}

/// A household's decision in compact form: the outcome and only the values its explanation
/// tree holds beyond the household input and the resolved rules (rule names, legal references,
/// parameter uses and summary sentences are derived from those).
///
/// Why: a batch run explains every child, and the full tree repeats the same legal text and
/// parameter records in every node (≈ 5.6 KB of JSON a child). The compact form is ≈ 100
/// bytes a child; [`expand`] gives back exactly the tree [`decide_household`] returns (it *is*
/// how [`decide_household`] builds it), so letters and the case interface lose nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompactDecision {
    /// Status and findings.
    pub outcome: Outcome,
    /// The makspris step.
    pub makspris: MaksprisStep,
    /// The 6 % step.
    pub income_cap: CapStep,
    /// The children, in input order.
    pub children: Vec<CompactChild>,
    /// Sum of the children's fees; `None` when any is unknown or manual handling.
    pub total_monthly_fee: Option<i64>,
    /// Unverified parameter values used, as indices into [`FeeRules::unverified_labels`]
    /// (sorted, so in label order).
    pub unverified: Vec<u8>,
}

impl CompactDecision {
    /// Whether the household is decided (with or without warnings).
    pub fn is_decided(&self) -> bool {
        self.outcome.is_decided()
    }

    /// Child `index`'s monthly fee (`None` when not decided).
    pub fn monthly_fee(&self, index: usize) -> Option<i64> {
        if !self.is_decided() {
            return None;
        }
        self.children[index].amounts.as_ref().map(|a| a.fee)
    }
}

/// The parameter [`slot`]s of one child's explanation tree, in the depth-first order of
/// `Explanation::all_parameters` (the order the unverified-value warnings follow).
fn child_parameter_slots(
    makspris: &MaksprisStep,
    cap: &CapStep,
    child: &CompactChild,
) -> impl Iterator<Item = usize> {
    use slot::*;
    let zone = match makspris.case {
        MaksprisCase::ZonePrice(PriceZone::Sentralitet56) => Some(MAKSPRIS_SENTRALITET),
        MaksprisCase::ZonePrice(PriceZone::Tiltakssonen) => Some(MAKSPRIS_TILTAKSSONEN),
        _ => None,
    };
    let limit_node = cap
        .limit
        .is_some()
        .then_some([RATE, PAYMENTS, LIMIT_ROUNDING].into_iter());
    let kjernetid_limit = matches!(
        child.kjernetid,
        KjernetidCase::IncomeUnknown | KjernetidCase::Decided
    )
    .then_some(KJERNETID_LIMIT);
    let discount = match child.rank {
        1 => None,
        2 => Some(DISCOUNT_SECOND),
        _ => Some(DISCOUNT_THIRD),
    };
    std::iter::once(MAKSPRIS_GENERAL)
        .chain(zone)
        .chain([RATE, PAYMENTS, LIMIT_ROUNDING, ROUNDING])
        .chain(limit_node.into_iter().flatten())
        .chain([
            FULL_TIME_HOURS,
            PART_TIME_METHOD,
            ROUNDING,
            YOUNGEST_COHORT,
            OLDEST_COHORT,
            FREE_HOURS,
        ])
        .chain(kjernetid_limit)
        .chain([HOURLY_METHOD, FIRST_CHILD])
        .chain(discount)
        .chain(std::iter::once(COMBINATION))
}

/// Decides one household's monthly fees in compact form: the same rules, findings and amounts
/// as [`decide_household`], without building explanation nodes (no strings are formatted
/// unless a finding needs one).
pub fn decide_household_compact(rules: &FeeRules, household: &HouseholdInput) -> CompactDecision {
    let mut findings = household.findings.clone();
    let makspris = rule_makspris(rules, &household.zone, &mut findings);
    let cap = rule_income_cap(rules, makspris.makspris, &household.income, &mut findings);
    let makspris_is_zero = makspris.makspris == Some(0);

    // Rank the siblings. The place price is proportional to min(hours, 41), so ordering by
    // effective hours orders by place price even where the price itself is unknown.
    let full_time = rules.full_time_hours.value as u32;
    let children = &household.children;
    let order = |a: usize, b: usize| -> std::cmp::Ordering {
        let (ca, cb) = (&children[a], &children[b]);
        match rules.first_child.0 {
            FirstChild::HighestPlacePrice => cb
                .weekly_hours
                .min(full_time)
                .cmp(&ca.weekly_hours.min(full_time))
                .then(ca.birth_date.cmp(&cb.birth_date))
                .then(ca.id.cmp(&cb.id)),
            FirstChild::Oldest => ca.birth_date.cmp(&cb.birth_date).then(ca.id.cmp(&cb.id)),
        }
        // A stable sort keeps the input order of equal children.
        .then(a.cmp(&b))
    };
    // The rank is one more than the number of siblings sorted before the child: the positions
    // of a stable sort, without sorting (households have a few children).
    let rank_of = |index: usize| -> usize {
        1 + (0..children.len())
            .filter(|&other| other != index && order(other, index).is_lt())
            .count()
    };

    let mut compact = Vec::with_capacity(children.len());
    for (index, child) in children.iter().enumerate() {
        let rank = rank_of(index);
        let (free, kjernetid) = rule_kjernetid(
            rules,
            child,
            household.income.amount,
            makspris_is_zero,
            &mut findings,
        );
        let (discount, _) = rule_sibling_discount(rules, rank);
        let amounts = match (cap.reduced_price, free) {
            (Some(reduced), Some(free)) => Some(child_amounts(
                rules,
                reduced,
                child.weekly_hours,
                free,
                discount,
            )),
            _ => None,
        };
        compact.push(CompactChild {
            rank,
            free_hours: free,
            kjernetid,
            amounts,
        });
    }

    // Unverified values in the depth-first order of the children's trees: the warnings on
    // amounts follow first use; the list is sorted by label (index order).
    let mut unverified: Vec<u8> = Vec::new();
    for child in &compact {
        for slot in child_parameter_slots(&makspris, &cap, child) {
            if let Some(index) = rules.unverified_of[slot] {
                if !unverified.contains(&index) {
                    unverified.push(index);
                    if slot::is_amount(slot) {
                        findings.push(Finding::warning(
                            "unverified_parameter",
                            format!(
                                "the amount {} is not confirmed from public sources",
                                rules.unverified[index as usize].2
                            ),
                        ));
                    }
                }
            }
        }
    }
    unverified.sort_unstable();
    let outcome = Outcome::from_findings(findings);
    // As the children's fees sum (an empty household sums to 0), each `None` unless decided.
    let decided = outcome.is_decided();
    let total = compact
        .iter()
        .map(|c| c.amounts.as_ref().filter(|_| decided).map(|a| a.fee))
        .sum::<Option<i64>>();
    CompactDecision {
        outcome,
        makspris,
        income_cap: cap,
        children: compact,
        total_monthly_fee: total,
        unverified,
    }
}

/// Expands a compact decision of `household` under `rules` into the full decision with its
/// explanation trees: exactly what [`decide_household`] returns (which is this expansion of
/// [`decide_household_compact`]).
pub fn expand(
    rules: &FeeRules,
    household: &HouseholdInput,
    compact: &CompactDecision,
) -> Decision<HouseholdFee> {
    let makspris_node = makspris_node(rules, &household.zone, &compact.makspris);
    let cap_node = income_cap_node(
        rules,
        compact.makspris.makspris,
        &household.income,
        &compact.income_cap,
    );
    let full_time = rules.full_time_hours.value as u32;
    let attending = household.children.len();
    let decided = compact.is_decided();
    let mut fees = Vec::with_capacity(attending);
    for (child, values) in household.children.iter().zip(&compact.children) {
        let rank = values.rank;
        let (discount, discount_parameter) = rule_sibling_discount(rules, rank);
        let mut sibling_node =
            Explanation::new("kindergarten.sibling_discount", REF_SIBLING, Value::Missing)
                .input(Input::derived("rank", rank as i64))
                .input(Input::derived("children_attending", attending as i64))
                .parameter(&rules.first_child.1.used);
        if let Some(p) = discount_parameter {
            sibling_node = sibling_node.parameter(&p.used);
        }
        sibling_node = sibling_node.parameter(&rules.combination.1.used);
        let mut part_time_node =
            Explanation::new("kindergarten.part_time", REF_PART_TIME, Value::Missing)
                .input(Input::new(
                    "weekly_hours",
                    child.weekly_hours as i64,
                    child.provenance.clone(),
                ))
                .parameter(&rules.full_time_hours.used)
                .parameter(&rules.part_time_method.used)
                .parameter(&rules.rounding.used);
        let mut kjernetid_node = kjernetid_node(
            rules,
            child,
            household.income.amount,
            values.kjernetid,
            values.free_hours,
        )
        .parameter(&rules.hourly_method.1.used);
        let amounts = &values.amounts;
        if let Some(a) = amounts {
            part_time_node.summary = if child.weekly_hours >= full_time {
                format!(
                    "Full-time place ({} h a week): place price {}.",
                    child.weekly_hours, a.place_price
                )
            } else {
                format!(
                    "Part-time place: {} × {} / {full_time} h = {} NOK.",
                    compact.income_cap.reduced_price.unwrap_or(0),
                    child.weekly_hours,
                    a.place_price
                )
            };
            part_time_node.result = Value::Integer(a.place_price);
            kjernetid_node =
                kjernetid_node.input(Input::derived("kjernetid_deduction", a.kjernetid_deduction));
            sibling_node.summary = format!(
                "Sibling rank {rank} of {attending}: discount {discount} = {} NOK.",
                a.sibling_discount
            );
            sibling_node.result = Value::Integer(a.sibling_discount);
        } else {
            part_time_node.summary = "Not evaluated: the reduced price is unknown.".into();
            sibling_node.summary =
                format!("Sibling rank {rank} of {attending}: discount {discount}.");
        }
        let fee = amounts.as_ref().map(|a| a.fee);
        let explanation = Explanation::new("kindergarten.child_fee", REGULATION, fee)
            .summary(match amounts {
                Some(a) => format!(
                    "Place {} − kjernetid {} − sibling discount {} = {} NOK a month.",
                    a.place_price, a.kjernetid_deduction, a.sibling_discount, a.fee
                ),
                None => "Not decided: see the findings.".to_string(),
            })
            .input(Input::new(
                "birth_date",
                child.birth_date,
                child.provenance.clone(),
            ))
            .input(Input::new(
                "weekly_hours",
                child.weekly_hours as i64,
                child.provenance.clone(),
            ))
            .child(makspris_node.clone())
            .child(cap_node.clone())
            .child(part_time_node)
            .child(kjernetid_node)
            .child(sibling_node);
        fees.push(ChildFee {
            id: child.id.clone(),
            rank,
            monthly_fee: if decided { fee } else { None },
            kjernetid: values.free_hours.map(|f| f > 0),
            full_price: if decided {
                compact
                    .makspris
                    .makspris
                    .map(|m| full_price(rules, m, child.weekly_hours))
            } else {
                None
            },
            explanation,
        });
    }
    let total = compact.total_monthly_fee;
    let kjernetid_income_limit = rules.kjernetid_limit.as_ref().ok().map(|r| r.value);
    let explanation = Explanation::new("kindergarten.household_fee", REGULATION, total)
        .summary(match total {
            Some(t) => format!("Total monthly parent fee {t} NOK for {attending} child(ren)."),
            None => "Not decided: manual handling.".to_string(),
        })
        .input(Input::new(
            "household_income",
            household.income.amount,
            household.income.provenance.clone(),
        ))
        .child(makspris_node)
        .child(cap_node);
    Decision {
        result: HouseholdFee {
            date: rules.date,
            price_zone: compact.makspris.zone,
            makspris: compact.makspris.makspris,
            income_limit: compact.income_cap.limit,
            reduced_price: if decided {
                compact.income_cap.reduced_price
            } else {
                None
            },
            kjernetid_income_limit,
            children: fees,
            total_monthly_fee: total,
            unverified_parameters: compact
                .unverified
                .iter()
                .map(|&i| rules.unverified[i as usize].2.clone())
                .collect(),
        },
        outcome: compact.outcome.clone(),
        explanation,
    }
}

/// Decides one household's monthly fees with explanations.
///
/// Never panics on bad data: missing or contradictory inputs become findings, and a finding of
/// manual-handling severity leaves the affected amounts `None`.
pub fn decide_household(rules: &FeeRules, household: &HouseholdInput) -> Decision<HouseholdFee> {
    expand(
        rules,
        household,
        &decide_household_compact(rules, household),
    )
}

/// The monthly fees only (no explanations), for batch runs over a whole population: the same
/// rules as [`decide_household`], returning the total, or `None` when the household needs manual
/// handling.
pub fn household_total(rules: &FeeRules, household: &HouseholdInput) -> Option<i64> {
    // The compact path: the same amounts without explanation nodes. For whole populations,
    // `FeeColumns` + `fee_amounts` is faster still.
    decide_household_compact(rules, household).total_monthly_fee
}
