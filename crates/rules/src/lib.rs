//! Rules as code: dated legal parameters, explanation trees, three-valued outcomes, parallel
//! batch evaluation and YAML case tests. Not specific to any service.
//!
//! Key types: [`Parameters`] (every parameter file under `law/parameters/`, looked up by dotted
//! path and date with [`Parameters::get`]), [`Explanation`] (a tree of rules applied, each node with
//! its legal reference, its [`Input`]s and their [`Provenance`], the [`ParameterUse`]s and the
//! result), [`Outcome`] (decided / decided with warnings / manual handling, from [`Finding`]s),
//! [`Decision`], [`evaluate_batch`] and [`fold_batch`] (rayon), and the case-test harness
//! [`load_cases`] / [`check_cases`] for `law/tests/<domain>/*.yaml`. Amounts are whole NOK in
//! `i64`; rates are exact [`Decimal`]s; every rounding is an explicit [`Rounding`].
//!
//! Why parameters are data: the law changes by date (budget decisions, amendments), and every
//! value must carry its source and whether that source is confirmed, so lawyers can review the
//! files without reading Rust. A value applies from its date until the next; a repeal is an
//! explicit `null`; a date before the first value is refused with an error that names the
//! parameter and the file to extend, never answered with a guess. Rules themselves are Rust
//! functions in the service crates, each tagged with the legal reference it implements; they
//! resolve the parameters they need once per date and then run on plain integers, so a whole
//! population can be decided in parallel.
//!
//! **Must not depend on:** the clock (every evaluation takes an explicit date), storage, HTTP, the
//! terminal, or any service crate. The only IO is reading the parameter and case files whose
//! path the caller hands in.
//!
//! ```
//! use chrono::NaiveDate;
//! use rules::{Parameters, ParameterError, Value};
//!
//! let mut parameters = Parameters::new();
//! parameters.add_yaml("kindergarten.makspris.general", "\
//! description: Maximum monthly parent fee for a full-time place
//! unit: currency:NOK/month
//! reference: FOR-2005-12-16-1478 § 1 (https://lovdata.no/forskrift/2005-12-16-1478)
//! values:
//!   2024-08-01:
//!     value: 2000
//!     source: vl.no 2023-09-05 (NTB)
//!     status: verified
//! ", "law/parameters/kindergarten/makspris/general.yaml").unwrap();
//!
//! let date = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap();
//! assert_eq!(parameters.get("kindergarten.makspris.general", date).unwrap(), Value::Integer(2000));
//!
//! let too_early = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
//! let err = parameters.get("kindergarten.makspris.general", too_early).unwrap_err();
//! assert!(matches!(err, ParameterError::BeforeFirstValue { .. }));
//! assert!(err.to_string().contains("extend law/parameters/kindergarten/makspris/general.yaml"));
//! ```
#![deny(missing_docs)]

mod batch;
mod case_test;
mod explanation;
mod outcome;
mod parameters;
mod value;

pub use batch::{evaluate_batch, fold_batch};
pub use case_test::{
    check_cases, load_cases, mismatch, parse_cases, CaseFailure, CaseReport, LawCase,
};
pub use explanation::{Explanation, Input, Period, Provenance};
pub use outcome::{Decision, Finding, Outcome, Severity};
pub use parameters::{
    DatedValue, LoadError, Parameter, ParameterError, ParameterUse, Parameters, Resolved, Status,
};
pub use value::{parse_iso_date, Decimal, DecimalError, Rounding, Value};

/// The barnehageår (kindergarten year, 1 August – 31 July) a date falls in, as its start year.
///
/// ```
/// use chrono::NaiveDate;
/// assert_eq!(rules::barnehage_year(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()), 2024);
/// assert_eq!(rules::barnehage_year(NaiveDate::from_ymd_opt(2025, 8, 1).unwrap()), 2025);
/// ```
pub fn barnehage_year(date: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    if date.month() >= 8 {
        date.year()
    } else {
        date.year() - 1
    }
}
