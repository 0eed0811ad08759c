//! Batch decisions over a whole population, two ways that give the same amounts:
//!
//! * [`decide_all`]: every family unit with an enrolled child decided with its full explanation
//!   tree and provenance (what a municipality stores and sends), in parallel with rayon;
//! * [`FeeColumns`] + [`fee_amounts`]: the amounts only, from plain integer columns (one row per
//!   family and one per child), no strings and no explanation objects: for budget totals, reform
//!   simulations and benchmarks. The columns are built once from the registers and reused for
//!   any number of rule sets (baseline and reform).
//!
//! The two paths share the arithmetic of `fee.rs` (`child_amounts`, `income_limit`,
//! `income_share`, `full_price`); the tests assert that they agree on every child of a generated
//! county, for several dates and parameter variants.
//!
//! **The price-zone gap.** The list of sentralitet 5–6 municipalities is not sourced yet
//! (`law/zones/`), so from 2024-08-01, when their price differs from the general one, every
//! family outside tiltakssonen goes to manual handling. [`BatchOptions::assume_general_where_unknown`]
//! (off by default) decides them at the general makspris instead, and puts a warning
//! (`price_zone_assumed_general`) on each such decision: the assumption is never silent.

use crate::family::{common_income_year, family_input_with, FamilyDecision, RegisterIndex};
use crate::fee::{
    child_amounts, decide_household, full_price, in_kjernetid_cohort, income_limit, income_share,
    rule_sibling_discount, FeeRules, FirstChild, ZonePrice,
};
use crate::zones::{PriceZone, Zones};
use chrono::NaiveDate;
use rayon::prelude::*;
use registers::{FamilyUnit, MunicipalityNumber, NationalId};
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
    /// Per child: identity.
    pub child: Vec<NationalId>,
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
        self.child.len()
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

/// What the zone of a family resolves to on the date.
#[derive(Clone, Copy)]
struct ZoneTerms {
    /// The makspris, or `None` when unknown (manual handling).
    makspris: Option<i64>,
    /// An unverified makspris value is used (warning).
    unverified: bool,
    /// The general zone was assumed (warning).
    assumed: bool,
}

/// The monthly fees of every family and child in `columns` under `rules`: the same rules and
/// the same amounts as [`decide_all`], without explanations. Parallel over blocks of families.
pub fn fee_amounts(rules: &FeeRules, columns: &FeeColumns, options: &BatchOptions) -> FeeAmounts {
    let general = &rules.makspris_general;
    let general_terms = ZoneTerms {
        makspris: Some(general.value),
        unverified: general.used.status == Status::Unverified,
        assumed: false,
    };
    let special = |zone: PriceZone| -> ZoneTerms {
        match rules.zone_price(zone).expect("special zone") {
            ZonePrice::NotIntroduced => general_terms,
            ZonePrice::Price(p) => ZoneTerms {
                makspris: Some(p.value),
                unverified: general_terms.unverified || p.used.status == Status::Unverified,
                assumed: false,
            },
            ZonePrice::NoValue(_) => ZoneTerms {
                makspris: None,
                unverified: general_terms.unverified,
                assumed: false,
            },
        }
    };
    // Terms for every zone code: 0..3 known zones, 4..8 unknown with a possible-zone mask.
    let mut terms = [general_terms; 8];
    terms[1] = special(PriceZone::Sentralitet56);
    terms[2] = special(PriceZone::Tiltakssonen);
    for mask in 0..4u8 {
        let mut possible = Vec::new();
        if mask & 1 != 0 {
            possible.push(PriceZone::Sentralitet56);
        }
        if mask & 2 != 0 {
            possible.push(PriceZone::Tiltakssonen);
        }
        terms[4 + mask as usize] = if !rules.unknown_zone_matters(&possible) {
            general_terms
        } else if options.assume_general_where_unknown {
            ZoneTerms {
                assumed: true,
                ..general_terms
            }
        } else {
            ZoneTerms {
                makspris: None,
                ..general_terms
            }
        };
    }
    let limit_terms = terms.map(|t| t.makspris.map(|m| income_limit(rules, m)));
    let kjernetid = rules.kjernetid_limit.as_ref().ok().map(|l| {
        (
            l.value,
            l.used.status == Status::Unverified,
            rules.free_hours.value,
        )
    });
    let (youngest, oldest) = (rules.youngest_cohort.value, rules.oldest_cohort.value);
    let year = rules.barnehage_year;
    let full_time = rules.full_time_hours.value.clamp(0, u8::MAX as i64) as u8;

    const BLOCK: usize = 2048;
    let families = columns.families();
    let blocks: Vec<FeeAmounts> = (0..families.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let range = b * BLOCK..((b + 1) * BLOCK).min(families);
            let first_child = columns.child_start[range.start] as usize;
            let last_child = columns.child_start[range.end] as usize;
            let mut out = FeeAmounts {
                status: Vec::with_capacity(range.len()),
                total: Vec::with_capacity(range.len()),
                fee: Vec::with_capacity(last_child - first_child),
                full_price: Vec::with_capacity(last_child - first_child),
            };
            let mut order: Vec<usize> = Vec::new();
            let mut rank_of: Vec<usize> = Vec::new();
            for f in range {
                let kids = columns.children_of(f);
                let code = columns.zone[f];
                let slot = if code & ZONE_UNKNOWN != 0 {
                    4 + (code & 3) as usize
                } else {
                    code as usize
                };
                let zone = terms[slot];
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
                        let limit = limit_terms[slot].expect("known makspris");
                        if income == NONE {
                            manual = true;
                            None
                        } else if income >= limit {
                            Some(makspris)
                        } else if income <= 0 {
                            warning = true;
                            Some(0)
                        } else {
                            Some(income_share(rules, income).min(makspris))
                        }
                    }
                };
                // Sibling ranks, as in `decide_household`.
                order.clear();
                order.extend(kids.clone());
                let hours = |c: usize| columns.weekly_hours[c].min(full_time);
                // `decide_household` breaks ties by the child's id as it appears in decisions
                // (the masked identity number), then keeps the input order (a stable sort).
                let tie = |a: usize, b: usize| {
                    columns.child[a]
                        .to_string()
                        .cmp(&columns.child[b].to_string())
                };
                match rules.first_child.0 {
                    FirstChild::HighestPlacePrice => order.sort_by(|&a, &b| {
                        hours(b)
                            .cmp(&hours(a))
                            .then(columns.birth_date[a].cmp(&columns.birth_date[b]))
                            .then_with(|| tie(a, b))
                    }),
                    FirstChild::Oldest => order.sort_by(|&a, &b| {
                        columns.birth_date[a]
                            .cmp(&columns.birth_date[b])
                            .then_with(|| tie(a, b))
                    }),
                }
                rank_of.clear();
                rank_of.resize(kids.len(), 0);
                for (position, &c) in order.iter().enumerate() {
                    rank_of[c - kids.start] = position + 1;
                }
                let start = out.fee.len();
                let mut total = 0i64;
                for c in kids.clone() {
                    // § 3: gratis kjernetid.
                    let free =
                        if !in_kjernetid_cohort(columns.birth_date[c], year, youngest, oldest)
                            || zone.makspris == Some(0)
                        {
                            Some(0)
                        } else {
                            match kjernetid {
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
                    let (discount, _) = rule_sibling_discount(rules, rank_of[c - kids.start]);
                    let fee = match (reduced, free) {
                        (Some(reduced), Some(free)) => {
                            child_amounts(
                                rules,
                                reduced,
                                columns.weekly_hours[c] as u32,
                                free,
                                discount,
                            )
                            .fee
                        }
                        _ => NONE,
                    };
                    total = total.saturating_add(fee);
                    out.fee.push(fee);
                    out.full_price.push(zone.makspris.map_or(NONE, |m| {
                        full_price(rules, m, columns.weekly_hours[c] as u32)
                    }));
                }
                if manual {
                    for c in start..out.fee.len() {
                        out.fee[c] = NONE;
                        out.full_price[c] = NONE;
                    }
                    out.status.push(status::MANUAL);
                    out.total.push(NONE);
                } else {
                    out.status.push(if warning {
                        status::WARNINGS
                    } else {
                        status::DECIDED
                    });
                    out.total.push(total);
                }
            }
            out
        })
        .collect();
    let mut out = FeeAmounts {
        status: Vec::with_capacity(families),
        total: Vec::with_capacity(families),
        fee: Vec::with_capacity(columns.children()),
        full_price: Vec::with_capacity(columns.children()),
    };
    for block in blocks {
        out.status.extend(block.status);
        out.total.extend(block.total);
        out.fee.extend(block.fee);
        out.full_price.extend(block.full_price);
    }
    out
}
