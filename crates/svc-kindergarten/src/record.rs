//! What S1 hands to a decision store: for each family unit, a stable case key, the persons the
//! decision is about, exactly the inputs it used (canonical JSON), the result and the
//! explanation; the digests of the rule files; and readable reasons for input changes.
//!
//! **The case key** is `fam-` and the first 16 hex digits of the SHA-256 of the sorted identity
//! numbers of the family unit's adults (the paying parents), or, for a unit where no parent
//! lives, `barn-` and the digest of its children. Why the adults and not the children: a sibling
//! who starts kindergarten, or an older child who starts school, is the *same* case with a child
//! added or removed ("child added" is a reason for a new version), while a different set of
//! payers (a separation, a new partner) is a different case. Why a digest: the key appears in
//! terminal output and reports, which must not show identity numbers; "every decision about a
//! person" is found through the subjects, never by parsing keys.
//!
//! **The inputs** are what the decision read, and nothing the rules derived: the municipality
//! and its price zone, the batch option, the income year aimed at and the one used, each
//! adult's tax assessment of that year, and each enrolled child's birth date and place (the
//! latest active one, with the number of active places). Persons are keyed by their identity
//! number, so a diff between two versions names the person and the field that changed.
//!
//! No IO except reading the rule files handed in by [`rule_files`]; no storage, no clock.

use crate::batch::BatchOptions;
use crate::case::decision_json;
use crate::family::{common_income_year, family_input_with, FamilyDecision, RegisterIndex};
use crate::fee::{decide_household, FeeRules};
use crate::letter::Lang;
use crate::zones::Zones;
use rayon::prelude::*;
use registers::{FamilyUnit, MunicipalityNumber, NationalId};
use rules::Parameters;
use serde_json::{json, Map, Value as Json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The service id under which S1 decisions are stored.
pub const SERVICE: &str = "S1";

/// The label of S1's rules version: the code that applies the rule files.
pub const RULES_LABEL: &str = concat!("svc-kindergarten ", env!("CARGO_PKG_VERSION"));

/// One family unit's decision in the shape a decision store keeps.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionRecord {
    /// The case key (see the module docs).
    pub case_key: String,
    /// The municipality of residence.
    pub municipality: MunicipalityNumber,
    /// The adults and the enrolled children, sorted.
    pub subjects: Vec<NationalId>,
    /// `decided`, `decided_with_warnings` or `manual_handling`.
    pub status: &'static str,
    /// The total monthly fee in whole NOK (`None` for manual handling).
    pub amount: Option<i64>,
    /// The inputs the decision used (see the module docs).
    pub inputs: Json,
    /// The result: `decision_json` without the explanation trees, children with their full
    /// identity numbers.
    pub result: Json,
    /// The explanation tree of every child and the findings, as JSON text (serialised here, in
    /// the parallel workers of [`decide_all_records`]).
    pub explanation: String,
}

fn digest16(prefix: &str, ids: &[NationalId]) -> String {
    let mut ids: Vec<u64> = ids.iter().map(|id| id.as_u64()).collect();
    ids.sort_unstable();
    let mut hasher = Sha256::new();
    for id in ids {
        hasher.update(format!("{id:011}").as_bytes());
        hasher.update(b",");
    }
    let digest = hasher.finalize();
    let mut key = String::from(prefix);
    for b in &digest[..8] {
        key.push_str(&format!("{b:02x}"));
    }
    key
}

/// The case key of a family unit (see the module docs).
pub fn case_key(unit: &FamilyUnit) -> String {
    if unit.adults.is_empty() {
        digest16("barn-", &unit.children)
    } else {
        digest16("fam-", &unit.adults)
    }
}

/// The inputs of a family unit's decision on the date of `rules` (see the module docs).
pub fn decision_inputs(
    rules: &FeeRules,
    income_year: i32,
    index: &RegisterIndex<'_>,
    zones: &Zones,
    unit: &FamilyUnit,
    options: &BatchOptions,
) -> Json {
    let date = rules.date();
    let mut children = Map::new();
    for child in &unit.children {
        let Some(list) = index.enrolments.get(child) else {
            continue;
        };
        let mut active: Vec<_> = list.iter().filter(|e| e.is_active_on(date)).collect();
        if active.is_empty() {
            continue;
        }
        active.sort_by_key(|e| e.from);
        let place = active[active.len() - 1];
        children.insert(
            child.expose(),
            json!({
                "birth_date": index.birth_dates.get(child).map(|d| d.to_string()),
                "active_places": active.len(),
                "place": {
                    "kindergarten": place.kindergarten.to_string(),
                    "municipality": place.municipality.to_string(),
                    "weekly_hours": place.weekly_hours,
                    "from": place.from.to_string(),
                    "to": place.to.map(|d| d.to_string()),
                },
            }),
        );
    }
    let year = if unit.adults.is_empty() {
        None
    } else {
        common_income_year(index, unit, income_year)
    };
    let mut adults = Map::new();
    let mut amount: Option<i64> = year.map(|_| 0);
    for adult in &unit.adults {
        let assessment = year.and_then(|y| {
            index
                .assessments
                .get(adult)
                .and_then(|list| list.iter().find(|a| a.income_year as i32 == y))
        });
        if let (Some(a), Some(sum)) = (assessment, amount.as_mut()) {
            *sum += a.personinntekt + a.kapitalinntekt;
        }
        adults.insert(
            adult.expose(),
            assessment.map_or(Json::Null, |a| {
                json!({
                    "income_year": a.income_year,
                    "personinntekt": a.personinntekt,
                    "kapitalinntekt": a.kapitalinntekt,
                })
            }),
        );
    }
    let zone = zones.zone_of(unit.municipality);
    json!({
        "municipality": unit.municipality.to_string(),
        "price_zone": {
            "zone": zone.zone.map(|z| z.code()),
            "possible": zone.possible.iter().map(|z| z.code()).collect::<Vec<_>>(),
        },
        "options": {"assume_general_where_unknown": options.assume_general_where_unknown},
        "household_income": {"target_year": income_year, "income_year": year, "amount": amount},
        "adults": adults,
        "children": children,
    })
}

/// A family decision as a [`DecisionRecord`].
pub fn decision_record(family: &FamilyDecision, unit: &FamilyUnit, inputs: Json) -> DecisionRecord {
    let decision = &family.decision;
    let mut result = decision_json(decision);
    let mut explanations = Vec::new();
    if let Some(children) = result.get_mut("children").and_then(Json::as_array_mut) {
        for (child, id) in children.iter_mut().zip(&family.children) {
            if let Some(object) = child.as_object_mut() {
                let explanation = object.remove("explanation").unwrap_or(Json::Null);
                explanations.push(json!({"id": id.to_string(), "explanation": explanation}));
                object.insert("id".into(), id.expose().into());
            }
        }
    }
    if let Some(object) = result.as_object_mut() {
        object.insert("municipality".into(), unit.municipality.to_string().into());
    }
    let mut subjects: Vec<NationalId> = unit.adults.clone();
    if let Some(children) = inputs.get("children").and_then(Json::as_object) {
        subjects.extend(
            unit.children
                .iter()
                .filter(|c| children.contains_key(&c.expose())),
        );
    }
    subjects.sort_by_key(|id| id.as_u64());
    subjects.dedup();
    DecisionRecord {
        case_key: case_key(unit),
        municipality: unit.municipality,
        subjects,
        status: decision.outcome.status(),
        amount: decision
            .outcome
            .is_decided()
            .then_some(decision.result.total_monthly_fee)
            .flatten(),
        inputs,
        result,
        explanation: json!({
            "children": explanations,
            "reasons": decision.outcome.findings(),
        })
        .to_string(),
    }
}

/// [`crate::decide_all`] with the record of each decision, in parallel (order of `families`
/// kept; units without an enrolled child left out).
pub fn decide_all_records(
    rules: &FeeRules,
    income_year: i32,
    index: &RegisterIndex<'_>,
    zones: &Zones,
    families: &[FamilyUnit],
    options: &BatchOptions,
) -> Vec<(FamilyDecision, DecisionRecord)> {
    families
        .par_iter()
        .with_min_len(64)
        .filter_map(|unit| {
            let (children, input) =
                family_input_with(rules, income_year, index, zones, unit, options)?;
            let family = FamilyDecision {
                municipality: unit.municipality,
                children,
                decision: decide_household(rules, &input),
            };
            let inputs = decision_inputs(rules, income_year, index, zones, unit, options);
            let record = decision_record(&family, unit, inputs);
            Some((family, record))
        })
        .collect()
}

/// The rule files S1 applies, each with the SHA-256 hex of its content: every parameter file
/// under `kindergarten.` and the price-zone file. Keys are relative to the law directory
/// (`parameters/kindergarten/makspris/general.yaml`, `zones/kindergarten-price-zones.yaml`), so
/// the same law gives the same version wherever it is checked out.
pub fn rule_files(
    parameters: &Parameters,
    zone_file: &Path,
) -> std::io::Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    let mut add = |name: String, path: &Path| -> std::io::Result<()> {
        let bytes = std::fs::read(path).map_err(|e| {
            std::io::Error::new(e.kind(), format!("reading {}: {e}", path.display()))
        })?;
        let digest = Sha256::digest(&bytes);
        files.insert(
            name,
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
        );
        Ok(())
    };
    for p in parameters
        .iter()
        .filter(|p| p.path.starts_with("kindergarten."))
    {
        let path = Path::new(&p.file);
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("yaml");
        add(
            format!("parameters/{}.{extension}", p.path.replace('.', "/")),
            path,
        )?;
    }
    let name = zone_file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    add(format!("zones/{name}"), zone_file)?;
    Ok(files)
}

/// Whole NOK with a space between thousands: `480 000`.
fn nok(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    if v < 0 {
        format!("−{out}")
    } else {
        out
    }
}

fn show(v: Option<&Json>) -> String {
    match v {
        None | Some(Json::Null) => "–".to_string(),
        Some(Json::Number(n)) => n.as_i64().map_or_else(|| n.to_string(), nok),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// An identity number key of the inputs as shown to people: masked.
fn person(key: &str) -> String {
    key.parse::<NationalId>()
        .map_or_else(|_| "?".to_string(), |id| id.to_string())
}

/// Readable reasons for the input fields that differ between two versions of a case, one per
/// field (`path` as in the inputs JSON, `None` = absent), with `after` the new inputs for
/// context (the income year). Bokmål or English.
pub fn describe_input_changes<'c>(
    changes: impl IntoIterator<Item = (&'c [String], Option<&'c Json>, Option<&'c Json>)>,
    after: &Json,
    lang: Lang,
) -> Vec<String> {
    let en = lang == Lang::En;
    let year = after
        .pointer("/household_income/income_year")
        .and_then(Json::as_i64);
    let assessment = |y: Option<i64>| match (y, en) {
        (Some(y), true) => format!(" (tax assessment {y})"),
        (Some(y), false) => format!(" (skatteoppgjør {y})"),
        (None, _) => String::new(),
    };
    let arrow = |b: Option<&Json>, a: Option<&Json>| format!("{} → {}", show(b), show(a));
    let mut out = Vec::new();
    for (path, before, after_value) in changes {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let change = arrow(before, after_value);
        let text = match (p.as_slice(), en) {
            (["household_income", "amount"], true) => {
                format!("household income {change}{}", assessment(year))
            }
            (["household_income", "amount"], false) => {
                format!("husholdningsinntekt {change}{}", assessment(year))
            }
            (["household_income", "income_year"], true) => format!("income year used {change}"),
            (["household_income", "income_year"], false) => {
                format!("inntektsår brukt {change}")
            }
            (["household_income", "target_year"], true) => format!("income year due {change}"),
            (["household_income", "target_year"], false) => {
                format!("inntektsår som gjelder {change}")
            }
            (["adults", id], _) => match (before.is_some(), after_value.is_some(), en) {
                (false, _, true) => format!("parent {} added", person(id)),
                (false, _, false) => format!("forelder {} lagt til", person(id)),
                (_, false, true) => format!("parent {} no longer in the household", person(id)),
                (_, false, false) => {
                    format!("forelder {} bor ikke lenger i husholdningen", person(id))
                }
                (_, _, true) => format!("tax assessment of parent {} {change}", person(id)),
                (_, _, false) => format!("skatteoppgjør for forelder {} {change}", person(id)),
            },
            (["adults", id, field], true) => {
                format!(
                    "{field} of parent {} {change}{}",
                    person(id),
                    assessment(year)
                )
            }
            (["adults", id, field], false) => {
                format!(
                    "{field} for forelder {} {change}{}",
                    person(id),
                    assessment(year)
                )
            }
            (["children", id], _) => {
                let hours = after_value
                    .and_then(|c| c.pointer("/place/weekly_hours"))
                    .and_then(Json::as_i64);
                match (before.is_some(), after_value.is_some(), en) {
                    (false, _, true) => format!(
                        "child {} added ({} hours a week)",
                        person(id),
                        hours.unwrap_or(0)
                    ),
                    (false, _, false) => format!(
                        "barn {} lagt til ({} timer i uka)",
                        person(id),
                        hours.unwrap_or(0)
                    ),
                    (_, false, true) => format!("child {} no longer has a place", person(id)),
                    (_, false, false) => format!("barn {} har ikke lenger plass", person(id)),
                    (_, _, true) => format!("child {} {change}", person(id)),
                    (_, _, false) => format!("barn {} {change}", person(id)),
                }
            }
            (["children", id, "place", "weekly_hours"], true) => {
                format!("weekly hours of child {} {change}", person(id))
            }
            (["children", id, "place", "weekly_hours"], false) => {
                format!("oppholdstid i uka for barn {} {change}", person(id))
            }
            (["children", id, "active_places"], true) => {
                format!("active places of child {} {change}", person(id))
            }
            (["children", id, "active_places"], false) => {
                format!("aktive plasser for barn {} {change}", person(id))
            }
            (["children", id, "birth_date"], true) => {
                format!("birth date of child {} {change}", person(id))
            }
            (["children", id, "birth_date"], false) => {
                format!("fødselsdato for barn {} {change}", person(id))
            }
            (["children", id, "place", field], true) => {
                format!("place of child {}: {field} {change}", person(id))
            }
            (["children", id, "place", field], false) => {
                let field = match *field {
                    "from" => "fra",
                    "to" => "til",
                    "kindergarten" => "barnehage",
                    "municipality" => "kommune",
                    other => other,
                };
                format!("plass for barn {}: {field} {change}", person(id))
            }
            (["municipality"], true) => format!("municipality of residence {change}"),
            (["municipality"], false) => format!("bostedskommune {change}"),
            (["price_zone", ..], true) => format!("price zone {change}"),
            (["price_zone", ..], false) => format!("prissone {change}"),
            (_, _) => format!("{} {change}", p.join(".")),
        };
        out.push(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_name_the_field_and_the_amounts() {
        let after = json!({"household_income": {"income_year": 2023}});
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (income, hours) = (
            path(&["household_income", "amount"]),
            path(&["children", "17912099997", "place", "weekly_hours"]),
        );
        let (a, b, h1, h2) = (json!(480_000), json!(520_000), json!(45), json!(30));
        let changes = vec![
            (income.as_slice(), Some(&a), Some(&b)),
            (hours.as_slice(), Some(&h1), Some(&h2)),
        ];
        let en = describe_input_changes(changes.clone(), &after, Lang::En);
        assert_eq!(
            en[0],
            "household income 480 000 → 520 000 (tax assessment 2023)"
        );
        assert!(en[1].starts_with("weekly hours of child ") && en[1].ends_with("45 → 30"));
        assert!(
            !en[1].contains("17912099997"),
            "identity numbers are masked"
        );
        let nb = describe_input_changes(changes, &after, Lang::Nb);
        assert_eq!(
            nb[0],
            "husholdningsinntekt 480 000 → 520 000 (skatteoppgjør 2023)"
        );
    }

    #[test]
    fn the_case_key_is_the_payers_and_does_not_show_them() {
        let id = |s: &str| s.parse::<NationalId>().unwrap();
        let unit = |adults: Vec<NationalId>, children: Vec<NationalId>| FamilyUnit {
            address: registers::AddressId(1),
            municipality: "4601".parse().unwrap(),
            adults,
            children,
        };
        let (p1, p2, c1, c2) = (
            id("31129956715"),
            id("30108299939"),
            id("17912099997"),
            (500..999)
                .find_map(|i| {
                    identity::synthetic_fodselsnummer(
                        chrono::NaiveDate::from_ymd_opt(2021, 5, 3).unwrap(),
                        i,
                    )
                })
                .unwrap(),
        );
        let a = case_key(&unit(vec![p1, p2], vec![c1]));
        let b = case_key(&unit(vec![p2, p1], vec![c1, c2]));
        assert_eq!(
            a, b,
            "order of adults and added children do not change the key"
        );
        assert!(a.starts_with("fam-") && a.len() == 20);
        assert!(!a.contains("31129956715"));
        assert_ne!(a, case_key(&unit(vec![p1], vec![c1])));
        assert!(case_key(&unit(vec![], vec![c1])).starts_with("barn-"));
    }
}
