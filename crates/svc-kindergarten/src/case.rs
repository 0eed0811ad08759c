//! The case interface for outside checks: one household as JSON in, fees and explanations out.
//!
//! Input (`price_zone` optional, derived from the municipality when absent; `household_income`
//! required but may be `null` = unknown):
//!
//! ```json
//! {"date":"2024-09-01","municipality":"0301","household_income":480000,"price_zone":"general",
//!  "children":[{"id":"a","birth_date":"2021-03-14","weekly_hours":45}]}
//! ```
//!
//! Municipality numbers are read in the 2024 numbering of the loaded list (KLASS 131) whatever
//! the date, so a 2023 date with Alta's 2024 number 5601 is accepted.

use crate::fee::{
    decide_household, ChildInput, FeeRules, HouseholdFee, HouseholdInput, IncomeInput, ZoneInput,
};
use crate::zones::{PriceZone, Zones};
use registers::{Municipalities, MunicipalityNumber};
use rules::{parse_iso_date, Decision, ParameterError, Parameters, Provenance};
use serde_json::{json, Map, Value as Json};
use std::borrow::Cow;

/// Why a case could not be decided at all.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CaseError {
    /// The text is not JSON.
    #[error("case is not valid JSON: {0}")]
    Json(String),
    /// A field is missing, malformed or out of range.
    #[error("field {field}: {message}")]
    Field {
        /// The field (`children[0].weekly_hours`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A parameter has no value for the date.
    #[error(transparent)]
    Parameter(#[from] ParameterError),
}

impl CaseError {
    fn field(field: &str, message: impl Into<String>) -> CaseError {
        CaseError::Field {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

fn case_provenance(field: &str) -> Provenance {
    Provenance::register("case_file", field, None)
}

fn check_keys(object: &Map<String, Json>, allowed: &[&str], at: &str) -> Result<(), CaseError> {
    for key in object.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(CaseError::field(
                &format!("{at}{key}"),
                format!("unknown field (allowed: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

fn required<'a>(object: &'a Map<String, Json>, key: &str, at: &str) -> Result<&'a Json, CaseError> {
    object
        .get(key)
        .ok_or_else(|| CaseError::field(&format!("{at}{key}"), "missing"))
}

fn date_field(
    object: &Map<String, Json>,
    key: &str,
    at: &str,
) -> Result<chrono::NaiveDate, CaseError> {
    let field = format!("{at}{key}");
    let text = required(object, key, at)?
        .as_str()
        .ok_or_else(|| CaseError::field(&field, "must be a date text YYYY-MM-DD"))?;
    parse_iso_date(text)
        .ok_or_else(|| CaseError::field(&field, format!("'{text}' is not a date YYYY-MM-DD")))
}

/// Parses a case into the household input and its date.
pub fn parse_case(
    json: &str,
    zones: &Zones,
    municipalities: &Municipalities,
) -> Result<(chrono::NaiveDate, HouseholdInput), CaseError> {
    let value: Json = serde_json::from_str(json).map_err(|e| CaseError::Json(e.to_string()))?;
    parse_case_value(&value, zones, municipalities)
}

fn parse_case_value(
    value: &Json,
    zones: &Zones,
    municipalities: &Municipalities,
) -> Result<(chrono::NaiveDate, HouseholdInput), CaseError> {
    let object = value
        .as_object()
        .ok_or_else(|| CaseError::field("(case)", "must be a JSON object"))?;
    check_keys(
        object,
        &[
            "date",
            "municipality",
            "household_income",
            "price_zone",
            "children",
        ],
        "",
    )?;
    let date = date_field(object, "date", "")?;
    let number_text = required(object, "municipality", "")?
        .as_str()
        .ok_or_else(|| {
            CaseError::field("municipality", "must be a four-digit text like \"0301\"")
        })?;
    let number: MunicipalityNumber = number_text
        .parse()
        .map_err(|e| CaseError::field("municipality", format!("{e}")))?;
    if municipalities.get(number).is_none() {
        return Err(CaseError::field(
            "municipality",
            format!("unknown municipality {number} (not in KLASS 131 as loaded)"),
        ));
    }
    let zone = match object.get("price_zone") {
        None | Some(Json::Null) => {
            let answer = zones.zone_of(number);
            ZoneInput {
                zone: answer.zone,
                provenance: answer.provenance,
                unknown_reason: answer.unknown_reason,
                possible: answer.possible,
            }
        }
        Some(Json::String(s)) => ZoneInput {
            zone: Some(
                s.parse::<PriceZone>()
                    .map_err(|m| CaseError::field("price_zone", m))?,
            ),
            provenance: case_provenance("price_zone"),
            unknown_reason: None,
            possible: Vec::new(),
        },
        Some(_) => return Err(CaseError::field("price_zone", "must be a text or absent")),
    };
    let income = match required(object, "household_income", "")? {
        Json::Null => IncomeInput {
            amount: None,
            provenance: vec![case_provenance("household_income")],
            unknown_reason: Some("household_income is null (unknown) in the case".into()),
        },
        Json::Number(n) => IncomeInput {
            amount: Some(n.as_i64().ok_or_else(|| {
                CaseError::field("household_income", "must be whole NOK (an integer) or null")
            })?),
            provenance: vec![case_provenance("household_income")],
            unknown_reason: None,
        },
        _ => {
            return Err(CaseError::field(
                "household_income",
                "must be whole NOK or null",
            ))
        }
    };
    let list = required(object, "children", "")?
        .as_array()
        .ok_or_else(|| CaseError::field("children", "must be a list"))?;
    if list.is_empty() {
        return Err(CaseError::field(
            "children",
            "must list at least one child with a place",
        ));
    }
    let mut children = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let at = format!("children[{i}].");
        let child = item
            .as_object()
            .ok_or_else(|| CaseError::field(&format!("children[{i}]"), "must be an object"))?;
        check_keys(child, &["id", "birth_date", "weekly_hours"], &at)?;
        let id = required(child, "id", &at)?
            .as_str()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| CaseError::field(&format!("{at}id"), "must be a non-empty text"))?
            .to_string();
        if children.iter().any(|c: &ChildInput| c.id == id) {
            return Err(CaseError::field(
                &format!("{at}id"),
                format!("'{id}' is used twice"),
            ));
        }
        let birth_date = date_field(child, "birth_date", &at)?;
        if birth_date > date {
            return Err(CaseError::field(
                &format!("{at}birth_date"),
                format!("{birth_date} is after the case date {date}"),
            ));
        }
        let hours_field = format!("{at}weekly_hours");
        let hours = required(child, "weekly_hours", &at)?;
        let hours = match hours.as_i64() {
            Some(h) if h < 0 => {
                return Err(CaseError::field(&hours_field, format!("{h} is negative")))
            }
            Some(0) => return Err(CaseError::field(&hours_field, "0 hours is not a place")),
            Some(h) if h > 168 => {
                return Err(CaseError::field(
                    &hours_field,
                    format!("{h} is more than a week"),
                ))
            }
            Some(h) => h as u32,
            None => {
                return Err(CaseError::field(
                    &hours_field,
                    format!("{hours} is not a whole number of hours"),
                ))
            }
        };
        children.push(ChildInput {
            id,
            birth_date,
            weekly_hours: hours,
            provenance: vec![case_provenance(&format!("children[{i}]"))],
        });
    }
    Ok((
        date,
        HouseholdInput {
            zone,
            income,
            children,
            findings: Vec::new(),
        },
    ))
}

/// Decides one household given as case JSON and returns the result as JSON:
/// `{"status", "reasons", "date", "price_zone", "makspris", "income_limit", "reduced_price",
/// "kjernetid_income_limit", "children": [{"id", "rank", "monthly_fee", "kjernetid",
/// "explanation"}], "total_monthly_fee", "unverified_parameters"}`, amounts in whole NOK,
/// `null` where the case needs manual handling.
pub fn fee_for_case(
    json: &str,
    params: &Parameters,
    zones: &Zones,
    municipalities: &Municipalities,
) -> Result<Json, CaseError> {
    let value: Json = serde_json::from_str(json).map_err(|e| CaseError::Json(e.to_string()))?;
    fee_for_case_value(&value, params, zones, municipalities)
}

/// [`fee_for_case`] for an already parsed JSON value.
pub fn fee_for_case_value(
    value: &Json,
    params: &Parameters,
    zones: &Zones,
    municipalities: &Municipalities,
) -> Result<Json, CaseError> {
    let (date, household) = parse_case_value(value, zones, municipalities)?;
    let rules = FeeRules::resolve(params, date)?;
    let decision = decide_household(&rules, &household);
    Ok(decision_json(&decision))
}

/// A household decision as JSON, in the shape of [`fee_for_case`]'s output (also the shape of
/// each line that `mulighetsrom kindergarten decide --out` writes, there with family fields).
pub fn decision_json(decision: &Decision<HouseholdFee>) -> Json {
    let fee = &decision.result;
    let children: Vec<Json> = fee
        .children
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "rank": c.rank,
                "monthly_fee": c.monthly_fee,
                "kjernetid": c.kjernetid,
                "full_price": c.full_price,
                "explanation": c.explanation,
            })
        })
        .collect();
    json!({
        "status": decision.outcome.status(),
        "reasons": decision.outcome.findings(),
        "date": fee.date.to_string(),
        "price_zone": fee.price_zone.map(|z| z.code()),
        "makspris": fee.makspris,
        "income_limit": fee.income_limit,
        "reduced_price": fee.reduced_price,
        "kjernetid_income_limit": fee.kjernetid_income_limit,
        "children": children,
        "total_monthly_fee": fee.total_monthly_fee,
        "unverified_parameters": fee.unverified_parameters,
    })
}

/// One household case as typed fields, borrowed from the JSON text where it has no escapes.
/// Only for well-formed cases: anything this does not accept is re-parsed by the `Value` path,
/// so every error message stays the one [`fee_for_case`] gives.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseIn<'a> {
    #[serde(borrow)]
    date: Cow<'a, str>,
    #[serde(borrow)]
    municipality: Cow<'a, str>,
    /// `None` when the field is absent (an error), `Some(None)` when it is `null` (unknown).
    #[serde(default, deserialize_with = "present")]
    household_income: Option<Option<i64>>,
    #[serde(default, borrow)]
    price_zone: Option<Cow<'a, str>>,
    #[serde(borrow)]
    children: Vec<ChildIn<'a>>,
}

/// One child of a [`CaseIn`].
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ChildIn<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    birth_date: Cow<'a, str>,
    weekly_hours: i64,
}

/// Marks a field that is present (possibly `null`), as opposed to absent.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    use serde::Deserialize;
    Option::<i64>::deserialize(d).map(Some)
}

/// The typed fast path of [`parse_case`]: the same checks and the same household input, or
/// `None` for anything it does not accept (the caller then takes the `Value` path, which
/// names the error exactly).
fn parse_case_typed(
    json: &str,
    zones: &Zones,
    municipalities: &Municipalities,
) -> Option<(chrono::NaiveDate, HouseholdInput)> {
    let case: CaseIn<'_> = serde_json::from_str(json).ok()?;
    let date = parse_iso_date(&case.date)?;
    let number: MunicipalityNumber = case.municipality.parse().ok()?;
    municipalities.get(number)?;
    let zone = match case.price_zone {
        None => {
            let answer = zones.zone_of(number);
            ZoneInput {
                zone: answer.zone,
                provenance: answer.provenance,
                unknown_reason: answer.unknown_reason,
                possible: answer.possible,
            }
        }
        Some(code) => ZoneInput {
            zone: Some(code.parse::<PriceZone>().ok()?),
            provenance: case_provenance("price_zone"),
            unknown_reason: None,
            possible: Vec::new(),
        },
    };
    let income = match case.household_income? {
        None => IncomeInput {
            amount: None,
            provenance: vec![case_provenance("household_income")],
            unknown_reason: Some("household_income is null (unknown) in the case".into()),
        },
        Some(amount) => IncomeInput {
            amount: Some(amount),
            provenance: vec![case_provenance("household_income")],
            unknown_reason: None,
        },
    };
    if case.children.is_empty() {
        return None;
    }
    let mut children: Vec<ChildInput> = Vec::with_capacity(case.children.len());
    for (i, child) in case.children.into_iter().enumerate() {
        if child.id.is_empty() || children.iter().any(|c| c.id == child.id) {
            return None;
        }
        let birth_date = parse_iso_date(&child.birth_date).filter(|b| *b <= date)?;
        if !(1..=168).contains(&child.weekly_hours) {
            return None;
        }
        children.push(ChildInput {
            id: child.id.into_owned(),
            birth_date,
            weekly_hours: child.weekly_hours as u32,
            provenance: vec![case_provenance(&format!("children[{i}]"))],
        });
    }
    Some((
        date,
        HouseholdInput {
            zone,
            income,
            children,
            findings: Vec::new(),
        },
    ))
}

/// A decision in the shape of [`decision_json`], serialised directly (no `Value` tree).
#[derive(serde::Serialize)]
struct DecisionOut<'a> {
    status: &'static str,
    reasons: &'a [rules::Finding],
    date: chrono::NaiveDate,
    price_zone: Option<&'static str>,
    makspris: Option<i64>,
    income_limit: Option<i64>,
    reduced_price: Option<i64>,
    kjernetid_income_limit: Option<i64>,
    children: Vec<ChildOut<'a>>,
    total_monthly_fee: Option<i64>,
    unverified_parameters: &'a [String],
}

/// One child of a [`DecisionOut`].
#[derive(serde::Serialize)]
struct ChildOut<'a> {
    id: &'a str,
    rank: usize,
    monthly_fee: Option<i64>,
    kjernetid: Option<bool>,
    full_price: Option<i64>,
    explanation: &'a rules::Explanation,
}

/// Writes `decision` as JSON to `out`: the same JSON value as [`decision_json`] (object keys
/// in declaration order rather than sorted), without building a `Value` tree first.
pub fn write_decision_json<W: std::io::Write>(
    out: W,
    decision: &Decision<HouseholdFee>,
) -> serde_json::Result<()> {
    let fee = &decision.result;
    serde_json::to_writer(
        out,
        &DecisionOut {
            status: decision.outcome.status(),
            reasons: decision.outcome.findings(),
            date: fee.date,
            price_zone: fee.price_zone.map(|z| z.code()),
            makspris: fee.makspris,
            income_limit: fee.income_limit,
            reduced_price: fee.reduced_price,
            kjernetid_income_limit: fee.kjernetid_income_limit,
            children: fee
                .children
                .iter()
                .map(|c| ChildOut {
                    id: &c.id,
                    rank: c.rank,
                    monthly_fee: c.monthly_fee,
                    kjernetid: c.kjernetid,
                    full_price: c.full_price,
                    explanation: &c.explanation,
                })
                .collect(),
            total_monthly_fee: fee.total_monthly_fee,
            unverified_parameters: &fee.unverified_parameters,
        },
    )
}

/// How many dates of resolved rules a [`CaseService`] keeps.
const CACHED_DATES: usize = 16;

/// The case interface as a long-lived service (a web API's handler state): [`fee_for_case`]
/// with the resolved [`FeeRules`] cached per date, typed parsing and direct serialisation.
///
/// Why: resolving every parameter per request cost more than deciding the household, and
/// requests cluster on a few dates (the first of the month). The cache is a small list behind
/// a lock, safe to share between request threads; when full, the oldest date is dropped.
/// The answers are the same JSON as [`fee_for_case`]'s, errors included (tested).
pub struct CaseService<'a> {
    params: &'a Parameters,
    zones: &'a Zones,
    municipalities: &'a Municipalities,
    rules: std::sync::RwLock<Vec<(chrono::NaiveDate, std::sync::Arc<FeeRules>)>>,
}

impl<'a> CaseService<'a> {
    /// A service over loaded parameters, zones and municipalities, with an empty cache.
    pub fn new(
        params: &'a Parameters,
        zones: &'a Zones,
        municipalities: &'a Municipalities,
    ) -> CaseService<'a> {
        CaseService {
            params,
            zones,
            municipalities,
            rules: std::sync::RwLock::new(Vec::with_capacity(CACHED_DATES)),
        }
    }

    /// The rules resolved for `date`, from the cache or resolved now (a failed resolution is
    /// not cached: it is reported each time).
    pub fn rules_for(
        &self,
        date: chrono::NaiveDate,
    ) -> Result<std::sync::Arc<FeeRules>, ParameterError> {
        // A poisoned lock only means another request panicked; the cached rules stay valid.
        let cached = self
            .rules
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(d, _)| *d == date)
            .map(|(_, r)| r.clone());
        if let Some(rules) = cached {
            return Ok(rules);
        }
        let rules = std::sync::Arc::new(FeeRules::resolve(self.params, date)?);
        let mut cache = self.rules.write().unwrap_or_else(|e| e.into_inner());
        if !cache.iter().any(|(d, _)| *d == date) {
            if cache.len() == CACHED_DATES {
                cache.remove(0);
            }
            cache.push((date, rules.clone()));
        }
        Ok(rules)
    }

    /// Decides one case (JSON text, the [`fee_for_case`] format) and appends the answer as
    /// JSON text to `out`.
    pub fn decide_to(&self, json: &str, out: &mut Vec<u8>) -> Result<(), CaseError> {
        let (date, household) = match parse_case_typed(json, self.zones, self.municipalities) {
            Some(parsed) => parsed,
            None => parse_case(json, self.zones, self.municipalities)?,
        };
        let rules = self.rules_for(date)?;
        let decision = decide_household(&rules, &household);
        write_decision_json(out, &decision).map_err(|e| CaseError::Json(e.to_string()))
    }

    /// [`CaseService::decide_to`] into a new string.
    pub fn decide(&self, json: &str) -> Result<String, CaseError> {
        let mut out = Vec::with_capacity(8 * 1024);
        self.decide_to(json, &mut out)?;
        String::from_utf8(out).map_err(|e| CaseError::Json(e.to_string()))
    }
}
