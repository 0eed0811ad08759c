//! Batch decisions over a whole population, two ways that give the same amounts:
//!
//! * [`decide_all`]: every family unit with an enrolled child decided with its full explanation
//!   tree and provenance (what a municipality stores and sends), in parallel with rayon;
//! * [`FeeColumns`] + [`fee_amounts`]: the amounts only, from plain integer columns (one row per
//!   family and one per child), no strings and no explanation objects: for budget totals, reform
//!   simulations and benchmarks. The columns are built once from the registers and reused for
//!   any number of rule sets (baseline and reform).
//!
//! The two paths share the rules of `fee.rs` (`income_limit`, `income_share`, `full_price`;
//! the explained path rounds each child's amounts with `child_amounts`, the columnar path only
//! the fee with `child_fee`, the same fraction); the tests assert that they agree on every child
//! of a generated county, for several dates and parameter variants.
//!
//! **The price-zone gap.** The list of sentralitet 5–6 municipalities is not sourced yet
//! (`law/zones/`), so from 2024-08-01, when their price differs from the general one, every
//! family outside tiltakssonen goes to manual handling. [`BatchOptions::assume_general_where_unknown`]
//! (off by default) decides them at the general makspris instead, and puts a warning
//! (`price_zone_assumed_general`) on each such decision: the assumption is never silent.

use crate::family::{common_income_year, family_input_with, FamilyDecision, RegisterIndex};
use crate::fee::{
    child_fee, decide_household, full_price, income_limit, income_share, rule_sibling_discount,
    Combination, FeeRules, FirstChild, HourlyMethod, ZonePrice,
};
use crate::zones::{PriceZone, Zones};
use chrono::Datelike;
use chrono::NaiveDate;
use rayon::prelude::*;
use registers::{FamilyUnit, MunicipalityNumber, NationalId};
use rules::Rounding;
use rules::Status;

/// Options of a batch run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchOptions {
    /// Decide a family whose price zone is unknown (a municipality in no complete special list)
    /// at the **general** makspris on dates where the zone matters, with the warning
    /// `price_zone_assumed_general` on the decision, instead of sending it to manual handling.
    ///
    /// Default `false`. Meant for population-wide runs (budget estimates, simulations) while the
    /// sentralitet 5–6 list is missing: if the municipality is in fact in sentralitet 5–6, the
    /// decided fee is too high (the zone's makspris is lower).
    pub assume_general_where_unknown: bool,
}

/// Finding code of the general-zone assumption.
pub const ASSUMED_GENERAL: &str = "price_zone_assumed_general";

/// The warning text of the general-zone assumption.
pub(crate) fn assumed_general_message(
    municipality: MunicipalityNumber,
    reason: Option<&str>,
) -> String {
    format!(
        "ASSUMPTION: the price zone of municipality {municipality} is unknown ({}); decided at the \
         general makspris because the batch option assume_general_where_unknown is set. If the \
         municipality is in sentralitet 5–6 the fee is too high",
        reason.unwrap_or("no complete zone list")
    )
}

/// Decides every family unit in `families` that has a child with an active kindergarten place on
/// the date of `rules`, with explanations, in parallel on all cores (order of `families` kept;
/// units without an enrolled child are left out).
pub fn decide_all(
    rules: &FeeRules,
    income_year: i32,
    index: &RegisterIndex<'_>,
    zones: &Zones,
    families: &[FamilyUnit],
    options: &BatchOptions,
) -> Vec<FamilyDecision> {
    families
        .par_iter()
        .with_min_len(64)
        .filter_map(|unit| {
            let (children, input) =
                family_input_with(rules, income_year, index, zones, unit, options)?;
            Some(FamilyDecision {
                municipality: unit.municipality,
                children,
                decision: decide_household(rules, &input),
            })
        })
        .collect()
}

/// "No value" in the integer columns (unknown income, undecided fee).
pub const NONE: i64 = i64::MIN;

/// Register-level flags of a family row in [`FeeColumns::flags`].
pub mod flags {
    /// The registers gave a warning (several places, a place in another municipality, an older
    /// income year).
    pub const WARNING: u8 = 1;
    /// The registers gave a reason for manual handling (no adult, no income, a child not in the
    /// population register, a place of 0 hours).
    pub const MANUAL: u8 = 2;
}

/// A family's price zone in [`FeeColumns::zone`]: 0 general, 1 sentralitet 5–6, 2 tiltakssonen,
/// or `ZONE_UNKNOWN | mask` when unknown, with the special zones it may be in as bits
/// (bit 0 sentralitet 5–6, bit 1 tiltakssonen; no bit = any).
pub const ZONE_UNKNOWN: u8 = 0x80;

fn zone_code(zone: PriceZone) -> u8 {
    match zone {
        PriceZone::General => 0,
        PriceZone::Sentralitet56 => 1,
        PriceZone::Tiltakssonen => 2,
    }
}

/// The inputs of the fee rules for a whole population as plain columns: one row per family unit
/// with an enrolled child, one row per enrolled child. Built once per date from the registers;
/// evaluated by [`fee_amounts`] for any rule set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeeColumns {
    /// The date the enrolments were read for.
    pub date: Option<NaiveDate>,
    /// Per family: its index in the `families` slice it was built from.
    pub unit: Vec<u32>,
    /// Per family: municipality of residence.
    pub municipality: Vec<MunicipalityNumber>,
    /// Per family: household income (person- plus capital income) or [`NONE`].
    pub income: Vec<i64>,
    /// Per family: price zone code (see [`ZONE_UNKNOWN`]).
    pub zone: Vec<u8>,
    /// Per family: [`flags`] from the registers.
    pub flags: Vec<u8>,
    /// Per family `f`: its children are rows `child_start[f]..child_start[f + 1]`.
    pub child_start: Vec<u32>,
    /// Per child: identity, for joining results to persons. Not read by [`fee_amounts`], so it
    /// may be left empty by callers without identity numbers (the peer benchmark's export).
    pub child: Vec<NationalId>,
    /// Per child: the last tie-break between siblings with the same effective hours and birth
    /// date, lower first (then the row order). From the registers it is the six digits the
    /// masked identity number shows, so the order is the one [`decide_household`] gives by the
    /// masked id text. Empty means "no key": ties keep the row order.
    ///
    /// Why a column and not the identity: comparing masked id texts allocated two strings per
    /// comparison; an integer key gives the same order for nothing.
    pub tie_key: Vec<u32>,
    /// Per child: birth date.
    pub birth_date: Vec<NaiveDate>,
    /// Per child: agreed weekly hours.
    pub weekly_hours: Vec<u8>,
}

/// One family's rows before concatenation.
struct FamilyRows {
    unit: u32,
    municipality: MunicipalityNumber,
    income: i64,
    zone: u8,
    flags: u8,
    children: Vec<(NationalId, NaiveDate, u8)>,
}

/// The tie key of a register child: the six digits its masked id shows (`Display` of
/// [`NationalId`] prints them zero-padded, so numeric order is text order).
fn masked_tie_key(id: NationalId) -> u32 {
    (id.as_u64() / 100_000) as u32
}

fn family_rows(
    date: NaiveDate,
    income_year: i32,
    index: &RegisterIndex<'_>,
    zones: &Zones,
    unit_index: usize,
    unit: &FamilyUnit,
) -> Option<FamilyRows> {
    let mut flag = 0u8;
    let mut children = Vec::new();
    for child in &unit.children {
        let Some(list) = index.enrolments.get(child) else {
            continue;
        };
        // The same choice as `family_input`: the latest active place by start date.
        let mut active: Vec<_> = list.iter().filter(|e| e.is_active_on(date)).collect();
        if active.is_empty() {
            continue;
        }
        active.sort_by_key(|e| e.from);
        let enrolment = active[active.len() - 1];
        if active.len() > 1 || enrolment.municipality != unit.municipality {
            flag |= flags::WARNING;
        }
        let Some(&birth_date) = index.birth_dates.get(child) else {
            flag |= flags::MANUAL;
            continue;
        };
        if enrolment.weekly_hours == 0 {
            flag |= flags::MANUAL;
            continue;
        }
        children.push((*child, birth_date, enrolment.weekly_hours));
    }
    if children.is_empty() && flag == 0 {
        return None;
    }
    let income = if unit.adults.is_empty() {
        flag |= flags::MANUAL;
        NONE
    } else {
        match common_income_year(index, unit, income_year) {
            None => {
                flag |= flags::MANUAL;
                NONE
            }
            Some(year) => {
                if year < income_year {
                    flag |= flags::WARNING;
                }
                unit.adults
                    .iter()
                    .map(|adult| {
                        index.assessments[adult]
                            .iter()
                            .find(|a| a.income_year as i32 == year)
                            .map_or(0, |a| a.personinntekt + a.kapitalinntekt)
                    })
                    .sum()
            }
        }
    };
    let answer = zones.zone_of(unit.municipality);
    let zone = match answer.zone {
        Some(zone) => zone_code(zone),
        None => answer.possible.iter().fold(ZONE_UNKNOWN, |mask, z| {
            mask | match z {
                PriceZone::Sentralitet56 => 1,
                PriceZone::Tiltakssonen => 2,
                PriceZone::General => 0,
            }
        }),
    };
    Some(FamilyRows {
        unit: unit_index as u32,
        municipality: unit.municipality,
        income,
        zone,
        flags: flag,
        children,
    })
}

impl FeeColumns {
    /// Builds the columns for `date` (use the first day of the month decided) from the
    /// registers, in parallel: the same family units, children, incomes and zones that
    /// [`decide_all`] reads, without provenance.
    pub fn build(
        date: NaiveDate,
        income_year: i32,
        index: &RegisterIndex<'_>,
        zones: &Zones,
        families: &[FamilyUnit],
    ) -> FeeColumns {
        let rows: Vec<FamilyRows> = families
            .par_iter()
            .enumerate()
            .with_min_len(256)
            .filter_map(|(i, unit)| family_rows(date, income_year, index, zones, i, unit))
            .collect();
        let children: usize = rows.iter().map(|r| r.children.len()).sum();
        let mut out = FeeColumns {
            date: Some(date),
            unit: Vec::with_capacity(rows.len()),
            municipality: Vec::with_capacity(rows.len()),
            income: Vec::with_capacity(rows.len()),
            zone: Vec::with_capacity(rows.len()),
            flags: Vec::with_capacity(rows.len()),
            child_start: Vec::with_capacity(rows.len() + 1),
            child: Vec::with_capacity(children),
            tie_key: Vec::with_capacity(children),
            birth_date: Vec::with_capacity(children),
            weekly_hours: Vec::with_capacity(children),
        };
        out.child_start.push(0);
        for row in rows {
            out.unit.push(row.unit);
            out.municipality.push(row.municipality);
            out.income.push(row.income);
            out.zone.push(row.zone);
            out.flags.push(row.flags);
            for (id, birth, hours) in row.children {
                out.child.push(id);
                out.tie_key.push(masked_tie_key(id));
                out.birth_date.push(birth);
                out.weekly_hours.push(hours);
            }
            out.child_start.push(out.child.len() as u32);
        }
        out
    }

    /// Number of family rows.
    pub fn families(&self) -> usize {
        self.unit.len()
    }

    /// Number of child rows.
    pub fn children(&self) -> usize {
        self.birth_date.len()
    }

    /// The child rows of family row `f`.
    pub fn children_of(&self, f: usize) -> std::ops::Range<usize> {
        self.child_start[f] as usize..self.child_start[f + 1] as usize
    }
}

/// Outcome codes in [`FeeAmounts::status`].
pub mod status {
    /// Decided.
    pub const DECIDED: u8 = 0;
    /// Decided with warnings.
    pub const WARNINGS: u8 = 1;
    /// Manual handling.
    pub const MANUAL: u8 = 2;
}

/// The amounts of [`fee_amounts`], aligned with the rows of the [`FeeColumns`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeeAmounts {
    /// Per family: a [`status`] code.
    pub status: Vec<u8>,
    /// Per family: total monthly fee, or [`NONE`] for manual handling.
    pub total: Vec<i64>,
    /// Per child: monthly fee, or [`NONE`].
    pub fee: Vec<i64>,
    /// Per child: the place price at the zone's makspris before every reduction, or [`NONE`].
    pub full_price: Vec<i64>,
}

/// What the zone of a family resolves to on the date, with the amounts every family of the zone
/// shares computed once.
#[derive(Clone, Copy)]
struct ZoneTerms {
    /// The makspris, or `None` when unknown (manual handling).
    makspris: Option<i64>,
    /// An unverified makspris value is used (warning).
    unverified: bool,
    /// The general zone was assumed (warning).
    assumed: bool,
    /// The 6 % income limit at `makspris` (0 when the makspris is unknown).
    limit: i64,
    /// The place price before every reduction by weekly hours (0..=255, the range of the hours
    /// column), or [`NONE`] when the makspris is unknown.
    full_price: [i64; 256],
}

/// Everything [`fee_amounts`] reads from the rules, resolved once per call: the per-family and
/// per-child work is then integer arithmetic on the columns, with no look-ups, no allocation
/// and no strings.
struct AmountsPlan<'a> {
    rules: &'a FeeRules,
    /// Terms by zone slot: 0..3 known zones, 4..8 unknown with a possible-zone mask.
    zones: [ZoneTerms; 8],
    /// The kjernetid income limit, whether it is unverified, and the free hours; `None` when
    /// the limit is unknown for the barnehageår.
    kjernetid: Option<(i64, bool, i64)>,
    /// Birth years of the kjernetid cohorts of the barnehageår (inclusive).
    cohort: (i64, i64),
    /// 1 − the sibling discount as `keep / per`, by rank 1, 2, 3 and later.
    keep: [(i64, i64); 3],
    /// Full-time hours, clamped to the hours column's range.
    full_time: u8,
    first_child: FirstChild,
    /// The fee fraction's denominator (full-time hours × `per`) by rank class, when the rules
    /// are the default methods (free hours priced at full-time hours and deducted before the
    /// discount, nearest rounding) and no fee's numerator can come near `i64::MAX`: then a
    /// child's fee is `round((reduced × paid hours × keep) / denominator)` on plain `i64`.
    /// `None`: every fee goes through `child_fee`.
    plain: Option<[i64; 3]>,
}

impl<'a> AmountsPlan<'a> {
    fn new(rules: &'a FeeRules, options: &BatchOptions) -> AmountsPlan<'a> {
        let general = &rules.makspris_general;
        let terms = |makspris: Option<i64>, unverified: bool, assumed: bool| {
            let mut full = [NONE; 256];
            if let Some(m) = makspris {
                for (hours, slot) in full.iter_mut().enumerate() {
                    *slot = full_price(rules, m, hours as u32);
                }
            }
            ZoneTerms {
                makspris,
                unverified,
                assumed,
                limit: makspris.map_or(0, |m| income_limit(rules, m)),
                full_price: full,
            }
        };
        let general_unverified = general.used.status == Status::Unverified;
        let general_terms = terms(Some(general.value), general_unverified, false);
        let special = |zone: PriceZone| -> ZoneTerms {
            match rules.zone_price(zone).expect("special zone") {
                ZonePrice::NotIntroduced => general_terms,
                ZonePrice::Price(p) => terms(
                    Some(p.value),
                    general_unverified || p.used.status == Status::Unverified,
                    false,
                ),
                ZonePrice::NoValue(_) => terms(None, general_unverified, false),
            }
        };
        let mut zones = [general_terms; 8];
        zones[1] = special(PriceZone::Sentralitet56);
        zones[2] = special(PriceZone::Tiltakssonen);
        for mask in 0..4u8 {
            let mut possible = Vec::new();
            if mask & 1 != 0 {
                possible.push(PriceZone::Sentralitet56);
            }
            if mask & 2 != 0 {
                possible.push(PriceZone::Tiltakssonen);
            }
            zones[4 + mask as usize] = if !rules.unknown_zone_matters(&possible) {
                general_terms
            } else if options.assume_general_where_unknown {
                ZoneTerms {
                    assumed: true,
                    ..general_terms
                }
            } else {
                terms(None, general_unverified, false)
            };
        }
        let keep = [1, 2, 3].map(|rank| {
            let (discount, _) = rule_sibling_discount(rules, rank);
            (
                discount.denominator() - discount.mantissa(),
                discount.denominator(),
            )
        });
        let year = rules.barnehage_year as i64;
        let full_time = rules.full_time_hours.value;
        let largest_price = zones
            .iter()
            .filter_map(|z| z.makspris)
            .fold(0i64, |m, p| m.max(p.abs()));
        let default_methods = rules.hourly_method.0 == HourlyMethod::FullTimeHours
            && rules.combination.0 == Combination::FreeHoursAtDiscountedPrice
            && rules.rounding.value == Rounding::Nearest;
        // Bound of every numerator: reduced ≤ makspris, paid hours ≤ full time, keep ≤ per.
        let bounded = keep.iter().all(|&(k, per)| {
            k >= 0
                && k <= per
                && per > 0
                && largest_price
                    .checked_mul(full_time.max(0))
                    .and_then(|v| v.checked_mul(per))
                    .and_then(|v| v.checked_mul(4))
                    .is_some()
        });
        let plain = (default_methods && full_time > 0 && bounded)
            .then(|| keep.map(|(_, per)| full_time * per));
        AmountsPlan {
            rules,
            zones,
            kjernetid: rules.kjernetid_limit.as_ref().ok().map(|l| {
                (
                    l.value,
                    l.used.status == Status::Unverified,
                    rules.free_hours.value,
                )
            }),
            cohort: (
                year - rules.oldest_cohort.value,
                year - rules.youngest_cohort.value,
            ),
            keep,
            full_time: rules.full_time_hours.value.clamp(0, u8::MAX as i64) as u8,
            first_child: rules.first_child.0,
            plain,
        }
    }

    /// Whether child row `a` comes before row `b` among siblings: the order `decide_household`
    /// sorts by (a stable sort, so row order breaks the last ties).
    #[inline]
    fn before(&self, columns: &FeeColumns, ties: bool, a: usize, b: usize) -> bool {
        let hours = |c: usize| columns.weekly_hours[c].min(self.full_time);
        let tie = |c: usize| if ties { columns.tie_key[c] } else { 0 };
        let order = match self.first_child {
            FirstChild::HighestPlacePrice => hours(b).cmp(&hours(a)),
            FirstChild::Oldest => std::cmp::Ordering::Equal,
        }
        .then(columns.birth_date[a].cmp(&columns.birth_date[b]))
        .then(tie(a).cmp(&tie(b)));
        order.then(a.cmp(&b)).is_lt()
    }

    /// Evaluates the families `families`; the output slices start at the first family and at
    /// its first child.
    fn block(
        &self,
        columns: &FeeColumns,
        families: std::ops::Range<usize>,
        out_status: &mut [u8],
        out_total: &mut [i64],
        out_fee: &mut [i64],
        out_full_price: &mut [i64],
    ) {
        let base = columns.child_start[families.start] as usize;
        let ties = columns.tie_key.len() == columns.children();
        for (row, f) in families.enumerate() {
            let kids = columns.children_of(f);
            let code = columns.zone[f];
            let slot = if code & ZONE_UNKNOWN != 0 {
                4 + (code & 3) as usize
            } else {
                (code as usize).min(7)
            };
            let zone = &self.zones[slot];
            let income = columns.income[f];
            let mut manual = columns.flags[f] & flags::MANUAL != 0;
            let mut warning = columns.flags[f] & flags::WARNING != 0 || zone.assumed;
            if !kids.is_empty() && zone.unverified {
                warning = true;
            }
            // § 3: the 6 % rule.
            let reduced = match zone.makspris {
                None => {
                    manual = true;
                    None
                }
                Some(0) => Some(0),
                Some(makspris) => {
                    if income == NONE {
                        manual = true;
                        None
                    } else if income >= zone.limit {
                        Some(makspris)
                    } else if income <= 0 {
                        warning = true;
                        Some(0)
                    } else {
                        Some(income_share(self.rules, income).min(makspris))
                    }
                }
            };
            let single = kids.len() == 1;
            let mut total = 0i64;
            for c in kids.clone() {
                // § 3: gratis kjernetid.
                let birth_year = columns.birth_date[c].year() as i64;
                let in_cohort = (self.cohort.0..=self.cohort.1).contains(&birth_year);
                let free = if !in_cohort || zone.makspris == Some(0) {
                    Some(0)
                } else {
                    match self.kjernetid {
                        None => {
                            manual = true;
                            None
                        }
                        Some((limit, unverified, free_hours)) => {
                            warning |= unverified;
                            if income == NONE {
                                None
                            } else if income < limit {
                                Some(free_hours)
                            } else {
                                Some(0)
                            }
                        }
                    }
                };
                // § 3: the sibling rank, without sorting: the number of siblings before.
                let rank = if single {
                    1
                } else {
                    1 + kids
                        .clone()
                        .filter(|&s| s != c && self.before(columns, ties, s, c))
                        .count()
                };
                let hours = columns.weekly_hours[c];
                let fee = match (reduced, free, self.plain) {
                    (Some(reduced), Some(free), Some(denominators)) if reduced >= 0 => {
                        // The same fraction as `child_fee` for the default methods; numerator
                        // ≥ 0 and bounded, so nearest rounding is (2n + d) / 2d.
                        let class = rank.min(3) - 1;
                        let effective = i64::from(hours.min(self.full_time));
                        let paid = effective - free.clamp(0, effective);
                        let numerator = reduced * paid * self.keep[class].0;
                        let denominator = denominators[class];
                        (2 * numerator + denominator) / (2 * denominator)
                    }
                    (Some(reduced), Some(free), _) => {
                        let (keep, per) = self.keep[rank.min(3) - 1];
                        child_fee(self.rules, reduced, hours as u32, free, keep, per)
                    }
                    _ => NONE,
                };
                total = total.saturating_add(fee);
                out_fee[c - base] = fee;
                out_full_price[c - base] = zone.full_price[hours as usize];
            }
            if manual {
                for c in kids {
                    out_fee[c - base] = NONE;
                    out_full_price[c - base] = NONE;
                }
                out_status[row] = status::MANUAL;
                out_total[row] = NONE;
            } else {
                out_status[row] = if warning {
                    status::WARNINGS
                } else {
                    status::DECIDED
                };
                out_total[row] = total;
            }
        }
    }
}

/// The monthly fees of every family and child in `columns` under `rules`: the same rules and
/// the same amounts as [`decide_all`], without explanations.
///
/// Why it is fast: the parameters are resolved once into an [`AmountsPlan`] (zone prices,
/// income limits, place prices by hours, discount fractions), the output columns are allocated
/// once and filled in place by blocks of families in parallel (rayon), and each child costs a
/// few integer operations and one division; sibling ranks are counted, not sorted.
pub fn fee_amounts(rules: &FeeRules, columns: &FeeColumns, options: &BatchOptions) -> FeeAmounts {
    const BLOCK: usize = 4096;
    let plan = AmountsPlan::new(rules, options);
    let families = columns.families();
    let children = columns.children();
    let mut out = FeeAmounts {
        status: vec![0; families],
        total: vec![0; families],
        fee: vec![0; children],
        full_price: vec![0; children],
    };
    // Disjoint output slices per block, so blocks write in place without locks or merging.
    let mut tasks = Vec::with_capacity(families.div_ceil(BLOCK));
    {
        let (mut status, mut total) = (&mut out.status[..], &mut out.total[..]);
        let (mut fee, mut full) = (&mut out.fee[..], &mut out.full_price[..]);
        let mut start = 0;
        while start < families {
            let end = (start + BLOCK).min(families);
            let kids = (columns.child_start[end] - columns.child_start[start]) as usize;
            let (s, rest_s) = std::mem::take(&mut status).split_at_mut(end - start);
            let (t, rest_t) = std::mem::take(&mut total).split_at_mut(end - start);
            let (f, rest_f) = std::mem::take(&mut fee).split_at_mut(kids);
            let (p, rest_p) = std::mem::take(&mut full).split_at_mut(kids);
            (status, total, fee, full) = (rest_s, rest_t, rest_f, rest_p);
            tasks.push((start..end, s, t, f, p));
            start = end;
        }
    }
    tasks.into_par_iter().for_each(|(range, s, t, f, p)| {
        plan.block(columns, range, s, t, f, p);
    });
    out
}
