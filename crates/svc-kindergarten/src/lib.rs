//! Service S1: redusert foreldrebetaling i barnehage, decided from the registers with an
//! explanation for every child.
//!
//! Implements forskrift om foreldrebetaling i barnehager (FOR-2005-12-16-1478) in the order the
//! sources establish: makspris by price zone (§ 1), the 6 % household-income cap (§ 3),
//! part-time places pro rata (§ 1, § 2), gratis kjernetid for the 2–5-year-old cohorts under the
//! barnehageår's income limit (§ 3), and the sibling discount from the first child's reduced
//! price, the third and later child free from 2023-08-01 (§ 3). Amounts and method choices are
//! parameters in `law/parameters/kindergarten/`; the price zones are `law/zones/`.
//!
//! Key types and entry points: [`FeeRules`] (the parameters resolved for one date),
//! [`HouseholdInput`] → [`decide_household`] → `rules::Decision<`[`HouseholdFee`]`>`;
//! [`decide_household_compact`] + [`expand`] (the same decision as values only, expanded to
//! the full trees on demand; [`write_dictionary`] + [`write_compact_line`] write a batch run's
//! explanations compactly); [`fee_for_case`] (one household as case JSON, for outside checks)
//! and [`CaseService`] (the same with rules cached per date, for a web API); [`RegisterIndex`] +
//! [`decide_family`] (a family unit from the registers, with provenance); [`Zones`];
//! for whole populations [`decide_all`] (explained, parallel) and [`FeeColumns`] +
//! [`fee_amounts`] (amounts only, columnar, the same amounts), with [`BatchOptions`]; reform
//! simulation with [`Reform`] + [`simulate`] → [`SimulationReport`] (CSV, JSON, SVG); S2, the
//! opt-in mid-year re-assessment from a-ordningen income, with [`ReassessmentRules`] and
//! [`compare_s1_s2`]; for a decision store, [`decide_all_records`] → [`DecisionRecord`] (case
//! key, subjects, the exact inputs, result, explanation), [`rule_files`] (the rules version) and
//! [`describe_input_changes`] (why a case changed, in bokmål or English).
//!
//! Why resolve parameters per date: a month's decisions for all of Norway share one date, so
//! every parameter is looked up once and households are evaluated on plain integers, in parallel
//! with `rules::evaluate_batch`.
//!
//! **Must not depend on:** storage, HTTP, the terminal, or the clock (every decision takes its
//! date). The only IO is loading the zone file handed in by path.
//!
//! ```
//! use registers::Municipalities;
//! use rules::Parameters;
//! use svc_kindergarten::{fee_for_case, Zones};
//! use std::path::Path;
//!
//! let law = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../law");
//! let params = Parameters::load_dir(&law.join("parameters")).unwrap();
//! let municipalities = Municipalities::embedded_2026();
//! let zones = Zones::load(&law.join("zones/kindergarten-price-zones.yaml"), &municipalities).unwrap();
//! let case = r#"{"date":"2024-09-01","municipality":"0301","household_income":480000,
//!   "price_zone":"general","children":[{"id":"a","birth_date":"2023-03-14","weekly_hours":45}]}"#;
//! let out = fee_for_case(case, &params, &zones, &municipalities).unwrap();
//! assert_eq!(out["status"], "decided");
//! assert_eq!(out["total_monthly_fee"], 2000);
//! ```
#![deny(missing_docs)]

mod batch;
mod case;
mod compact;
mod family;
mod fee;
mod letter;
mod record;
mod s2;
mod simulation;
mod zones;

pub use batch::{
    decide_all, fee_amounts, flags, status, BatchOptions, FeeAmounts, FeeColumns, ASSUMED_GENERAL,
    NONE, ZONE_UNKNOWN,
};
pub use case::{
    decision_json, fee_for_case, fee_for_case_value, parse_case, write_decision_json, CaseError,
    CaseService,
};
pub use compact::{write_compact_line, write_dictionary, COMPACT_FORMAT};
pub use family::{
    decide_family, family_input, family_input_with, household_income, income_year, FamilyDecision,
    RegisterIndex,
};
pub use fee::{
    decide_household, decide_household_compact, expand, full_price, household_total,
    in_kjernetid_cohort, CapCase, CapStep, ChildAmounts, ChildFee, ChildInput, Combination,
    CompactChild, CompactDecision, FeeRules, FirstChild, HourlyMethod, HouseholdFee,
    HouseholdInput, IncomeInput, KjernetidCase, MaksprisCase, MaksprisStep, ZoneInput,
    REF_INCOME_CAP, REF_KJERNETID, REF_MAKSPRIS, REF_PART_TIME, REF_SIBLING,
};
pub use letter::{render_letter, render_letter_to, Lang};
pub use record::{
    case_key, decide_all_records, decision_inputs, decision_record, describe_input_changes,
    rule_files, DecisionRecord, RULES_LABEL, SERVICE,
};
pub use s2::{
    compare_s1_s2, decide_family_s2, reassess, s2_incomes, DataElement, MonthlyIndex, Reassessment,
    ReassessmentRules, S1S2Comparison, S2Incomes, REF_REASSESSMENT,
};
pub use simulation::{
    simulate, ChangeKind, DecileRow, MunicipalityRow, Reform, ReformChange, ReformError,
    SimulationReport, SimulationTotals,
};
pub use zones::{PriceZone, ZoneAnswer, ZoneList, Zones};
