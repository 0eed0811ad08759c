//! Compact explanations for batch runs: every child's decision explained, written as JSON lines
//! with the static parts of the explanation tree interned once per run.
//!
//! The full tree of one child ([`crate::ChildFee::explanation`]) repeats, in every node, the
//! rule's legal reference, the parameter records it used and a summary sentence: ≈ 5.6 KB of
//! JSON a child, 1.5 GB for Norway. Everything in it is either static for the run (rule names,
//! legal references, parameter paths, from-dates, statuses and values, summary templates) or a
//! value of this household (inputs, the case each rule took, the amounts). So a run writes:
//!
//! 1. one **dictionary** line ([`write_dictionary`]): per rule node its id, legal reference,
//!    inputs, parameters (by path) and the summary template of each case; every parameter used,
//!    with from-date, status and value; the shape of the tree;
//! 2. one **decision** line per household ([`write_compact_line`]): status and findings, the
//!    household's inputs with provenance, the case and values of the makspris and 6 % steps, and
//!    per child its inputs, rank, kjernetid case and hours, the amounts and the fee.
//!
//! Nothing is dropped: [`crate::expand`] turns the same values (a [`CompactDecision`]) back into
//! exactly the tree [`crate::decide_household`] returns (tested), which letters and the case
//! interface use. Lines are written straight to the writer: integers as integers, no
//! `serde_json::Value`, no per-node strings.

use crate::fee::{
    CompactDecision, FeeRules, HouseholdInput, MaksprisCase, REF_INCOME_CAP, REF_KJERNETID,
    REF_MAKSPRIS, REF_PART_TIME, REF_SIBLING, REGULATION,
};
use rules::ParameterUse;
use serde_json::json;
use std::io::{self, Write};

/// Version tag of the compact format, in the dictionary line.
pub const COMPACT_FORMAT: &str = "svc-kindergarten/compact-explanation/1";

fn io_error(e: serde_json::Error) -> io::Error {
    io::Error::other(e)
}

fn parameter_json(used: &ParameterUse) -> serde_json::Value {
    json!({"from": used.from, "status": used.status, "value": used.value})
}

/// Writes the dictionary line of a run under `rules` (one JSON object and a newline).
pub fn write_dictionary<W: Write>(out: &mut W, rules: &FeeRules) -> io::Result<()> {
    let mut parameters = serde_json::Map::new();
    for used in rules.parameter_uses() {
        parameters.insert(used.path.clone(), parameter_json(used));
    }
    let dictionary = json!({
        "format": COMPACT_FORMAT,
        "date": rules.date(),
        "tree": "household_fee(makspris, income_cap(income_cap.limit)); per child: child_fee(makspris, income_cap(income_cap.limit), part_time, kjernetid, sibling_discount)",
        "expand": "svc_kindergarten::expand(rules, household, compact) rebuilds the full explanation tree of every child from a decision line and these rules",
        "rules": {
            "kindergarten.household_fee": {
                "legal_reference": REGULATION,
                "inputs": ["household_income"],
                "result": "total",
                "summaries": {"decided": "Total monthly parent fee {total} NOK for {children} child(ren).", "manual": "Not decided: manual handling."},
            },
            "kindergarten.makspris": {
                "legal_reference": REF_MAKSPRIS,
                "inputs": ["price_zone"],
                "parameters": ["kindergarten.makspris.general", "the zone's kindergarten.makspris.<zone> in case zone_price"],
                "result": "makspris[1]",
                "summaries": {
                    "unknown_zone_matters": "The price zone is unknown and zone prices differ on this date: manual handling.",
                    "unknown_zone_general": "The price zone is unknown, but no special zone price is in force on {date}: the general makspris {general} applies.",
                    "general": "General price zone: makspris {general} NOK a month.",
                    "not_introduced": "The {zone} price is not in force on {date}: the general makspris {general} applies.",
                    "zone_price": "Price zone {zone}: makspris {makspris} NOK a month.",
                    "no_value": "No makspris is known for {zone} on {date}: manual handling.",
                },
            },
            "kindergarten.income_cap": {
                "legal_reference": REF_INCOME_CAP,
                "inputs": ["household_income", "makspris (derived)"],
                "parameters": ["kindergarten.income_cap.rate", "kindergarten.income_cap.payments_per_year", "kindergarten.income_cap.limit_rounding", "kindergarten.rounding"],
                "result": "income_cap[2] (reduced full-time price)",
                "summaries": {
                    "makspris_unknown": "Not evaluated: the makspris is unknown.",
                    "makspris_zero": "The makspris is 0: nothing to reduce, income not needed.",
                    "income_unknown": "The household income is unknown: manual handling.",
                    "at_or_above_limit": "Household income {income} is at or above the limit {limit}: the makspris {makspris} applies.",
                    "not_positive": "Household income {income} is not positive: the reduced price is 0.",
                    "share": "Household income {income} is below the limit {limit}: {rate} × {income} / {payments} = {reduced} NOK a month (rounded {rounding}).",
                },
            },
            "kindergarten.income_cap.limit": {
                "legal_reference": REF_INCOME_CAP,
                "parameters": ["kindergarten.income_cap.rate", "kindergarten.income_cap.payments_per_year", "kindergarten.income_cap.limit_rounding"],
                "result": "income_cap[1]",
                "summaries": {"limit": "Income limit = makspris {makspris} × {payments} / {rate} = {limit} NOK (rounded {limit_rounding})."},
            },
            "kindergarten.part_time": {
                "legal_reference": REF_PART_TIME,
                "inputs": ["weekly_hours"],
                "parameters": ["kindergarten.full_time_hours", "kindergarten.part_time_method", "kindergarten.rounding"],
                "result": "amounts[0] (place price)",
                "summaries": {
                    "full_time": "Full-time place ({weekly_hours} h a week): place price {place_price}.",
                    "part_time": "Part-time place: {reduced} × {weekly_hours} / {full_time_hours} h = {place_price} NOK.",
                    "not_evaluated": "Not evaluated: the reduced price is unknown.",
                },
            },
            "kindergarten.kjernetid": {
                "legal_reference": REF_KJERNETID,
                "inputs": ["birth_date", "household_income", "kjernetid_deduction (derived, amounts[1])"],
                "parameters": ["kindergarten.kjernetid.youngest_cohort_age", "kindergarten.kjernetid.oldest_cohort_age", "kindergarten.kjernetid.free_hours", "kindergarten.kjernetid.income_limit (cases income_unknown, decided)", "kindergarten.kjernetid.hourly_method"],
                "result": "kjernetid[1] (free hours a week)",
                "summaries": {
                    "not_in_cohort": "Born {birth_year}: not in the kjernetid cohorts of barnehageår {year}/{year+1} (born {year-oldest}–{year-youngest}).",
                    "free_anyway": "In a kjernetid cohort, but the place is free anyway.",
                    "limit_unknown": "In a kjernetid cohort, but the income limit of the barnehageår is unknown: manual handling.",
                    "income_unknown": "In a kjernetid cohort, but the household income is unknown.",
                    "decided (free hours)": "Born {birth_year} (cohort of barnehageår {year}/{year+1}) and household income {income} is lower than {limit}: {free} free hours a week.",
                    "decided (none)": "Born {birth_year} (cohort of barnehageår {year}/{year+1}), but household income {income} is not lower than {limit}: no free hours.",
                },
            },
            "kindergarten.sibling_discount": {
                "legal_reference": REF_SIBLING,
                "inputs": ["rank", "children_attending"],
                "parameters": ["kindergarten.sibling.first_child", "kindergarten.sibling.discount_second (rank 2)", "kindergarten.sibling.discount_third_and_later (rank 3 and later)", "kindergarten.sibling.free_hours_combination"],
                "result": "amounts[2] (sibling discount)",
                "summaries": {
                    "decided": "Sibling rank {rank} of {children}: discount {rate} = {sibling_discount} NOK.",
                    "not_evaluated": "Sibling rank {rank} of {children}: discount {rate}.",
                },
            },
            "kindergarten.child_fee": {
                "legal_reference": REGULATION,
                "inputs": ["birth_date", "weekly_hours"],
                "result": "fee",
                "summaries": {
                    "decided": "Place {place_price} − kjernetid {kjernetid_deduction} − sibling discount {sibling_discount} = {fee} NOK a month.",
                    "not_decided": "Not decided: see the findings.",
                },
            },
        },
        "parameters": parameters,
        "unverified": rules.unverified_labels().collect::<Vec<_>>(),
        "line": {
            "household": "the household's number in the run",
            "status": "decided | decided_with_warnings | manual_handling",
            "reasons": "findings (severity, code, message)",
            "zone": "price_zone input (null = unknown), with zone_provenance",
            "income": "household_income input (null = unknown), with income_provenance",
            "makspris": "[case, makspris]",
            "income_cap": "[case, limit, reduced full-time price]",
            "children": "per child: id, birth_date, weekly_hours (provenance when known), rank, kjernetid [case, free hours], amounts [place price, kjernetid deduction, sibling discount, fee before the outcome], fee (null unless decided), full_price",
            "total": "total monthly fee (null unless decided)",
            "unverified": "unverified parameter values used, as indices into the dictionary's unverified list",
        },
    });
    serde_json::to_writer(&mut *out, &dictionary).map_err(io_error)?;
    out.write_all(b"\n")
}

/// Writes an integer in decimal, without the formatting machinery (a batch run writes about
/// twenty integers a child).
#[inline]
fn write_int<W: Write>(out: &mut W, value: i64) -> io::Result<()> {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        out.write_all(b"-")?;
    }
    out.write_all(&digits[at..])
}

/// Writes `value` zero-padded to `width` digits (0 ≤ value < 10^width).
#[inline]
fn write_padded<W: Write>(out: &mut W, value: u32, width: usize) -> io::Result<()> {
    let mut digits = [b'0'; 10];
    let mut rest = value;
    for slot in digits[..width].iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.write_all(&digits[..width])
}

/// Writes an integer or `null`.
#[inline]
fn write_opt<W: Write>(out: &mut W, value: Option<i64>) -> io::Result<()> {
    match value {
        Some(v) => write_int(out, v),
        None => out.write_all(b"null"),
    }
}

/// Writes one decision line (a JSON object and a newline) for `household`, decided as
/// `compact` under `rules`, numbered `number` in the run.
pub fn write_compact_line<W: Write>(
    out: &mut W,
    number: usize,
    rules: &FeeRules,
    household: &HouseholdInput,
    compact: &CompactDecision,
) -> io::Result<()> {
    out.write_all(b"{\"household\":")?;
    write_int(out, number as i64)?;
    out.write_all(b",\"status\":\"")?;
    out.write_all(compact.outcome.status().as_bytes())?;
    out.write_all(b"\",\"reasons\":")?;
    serde_json::to_writer(&mut *out, compact.outcome.findings()).map_err(io_error)?;
    out.write_all(b",\"zone\":")?;
    match household.zone.zone {
        Some(z) => {
            out.write_all(b"\"")?;
            out.write_all(z.code().as_bytes())?;
            out.write_all(b"\"")?;
        }
        None => out.write_all(b"null")?,
    }
    out.write_all(b",\"zone_provenance\":")?;
    serde_json::to_writer(&mut *out, &household.zone.provenance).map_err(io_error)?;
    out.write_all(b",\"income\":")?;
    write_opt(out, household.income.amount)?;
    if !household.income.provenance.is_empty() {
        out.write_all(b",\"income_provenance\":")?;
        serde_json::to_writer(&mut *out, &household.income.provenance).map_err(io_error)?;
    }
    let m = &compact.makspris;
    out.write_all(b",\"makspris\":[\"")?;
    out.write_all(m.case.code().as_bytes())?;
    out.write_all(b"\",")?;
    write_opt(out, m.makspris)?;
    match m.case {
        MaksprisCase::NotIntroduced(z) | MaksprisCase::ZonePrice(z) | MaksprisCase::NoValue(z) => {
            out.write_all(b",\"")?;
            out.write_all(z.code().as_bytes())?;
            out.write_all(b"\"]")?;
        }
        _ => out.write_all(b"]")?,
    }
    let cap = &compact.income_cap;
    out.write_all(b",\"income_cap\":[\"")?;
    out.write_all(cap.case.code().as_bytes())?;
    out.write_all(b"\",")?;
    write_opt(out, cap.limit)?;
    out.write_all(b",")?;
    write_opt(out, cap.reduced_price)?;
    out.write_all(b"],\"children\":[")?;
    let decided = compact.is_decided();
    for (k, (child, values)) in household.children.iter().zip(&compact.children).enumerate() {
        if k > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"{\"id\":")?;
        serde_json::to_writer(&mut *out, &child.id).map_err(io_error)?;
        let date = child.birth_date;
        out.write_all(b",\"birth_date\":\"")?;
        write_padded(out, chrono::Datelike::year(&date).clamp(0, 9999) as u32, 4)?;
        out.write_all(b"-")?;
        write_padded(out, chrono::Datelike::month(&date), 2)?;
        out.write_all(b"-")?;
        write_padded(out, chrono::Datelike::day(&date), 2)?;
        out.write_all(b"\",\"weekly_hours\":")?;
        write_int(out, i64::from(child.weekly_hours))?;
        if !child.provenance.is_empty() {
            out.write_all(b",\"provenance\":")?;
            serde_json::to_writer(&mut *out, &child.provenance).map_err(io_error)?;
        }
        out.write_all(b",\"rank\":")?;
        write_int(out, values.rank as i64)?;
        out.write_all(b",\"kjernetid\":[\"")?;
        out.write_all(values.kjernetid.code().as_bytes())?;
        out.write_all(b"\",")?;
        write_opt(out, values.free_hours)?;
        out.write_all(b"],\"amounts\":")?;
        match &values.amounts {
            Some(a) => {
                for (k, v) in [
                    a.place_price,
                    a.kjernetid_deduction,
                    a.sibling_discount,
                    a.fee,
                ]
                .into_iter()
                .enumerate()
                {
                    out.write_all(if k == 0 { b"[" } else { b"," })?;
                    write_int(out, v)?;
                }
                out.write_all(b"]")?;
            }
            None => out.write_all(b"null")?,
        }
        out.write_all(b",\"fee\":")?;
        write_opt(out, compact.monthly_fee(k))?;
        out.write_all(b",\"full_price\":")?;
        let full = if decided {
            m.makspris
                .map(|mp| crate::fee::full_price(rules, mp, child.weekly_hours))
        } else {
            None
        };
        write_opt(out, full)?;
        out.write_all(b"}")?;
    }
    out.write_all(b"],\"total\":")?;
    write_opt(out, compact.total_monthly_fee)?;
    out.write_all(b",\"unverified\":[")?;
    for (k, index) in compact.unverified.iter().enumerate() {
        if k > 0 {
            out.write_all(b",")?;
        }
        write_int(out, i64::from(*index))?;
    }
    out.write_all(b"]}\n")
}
