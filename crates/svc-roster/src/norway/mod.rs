//! Norwegian rota (*turnus*) planning under arbeidsmiljøloven chapter 10 and
//! agreement variants: model, rules as data, independent checker, solver,
//! explanation, re-planning and rendering.
//!
//! Main types and entry points:
//! - [`Unit`] (shifts with clock times, demand per competence, staff with
//!   position %, competence, availability and wishes) and [`Rota`];
//!   [`Unit::example_nursing_home`] generates a realistic 40-staff home.
//! - [`RuleSet`]: which rules apply, with what limits and legal references,
//!   loaded from TOML ([`RuleSet::load`], [`RuleSet::default_aml`]); the
//!   shipped file is `crates/svc-roster/rules/aml-2026.toml`, with statutory
//!   defaults and named agreement variants.
//! - [`check`]: every hard rule as [`Violation`]s naming employee, rule,
//!   dates and legal reference; the soft score per rule and per employee.
//! - [`plan`]: construction plus simulated annealing within a time limit,
//!   respecting [`Pin`]s; the result is always re-checked by [`check`].
//! - [`explain`]: score per constraint and per employee, fairness summary.
//! - [`replan_after_sick_call`]: re-plans with minimal changes.
//! - [`render_csv`] and [`render_html`] (standalone page, inline SVG grid).
//!
//! Why it is built this way: the limits change with agreements and law, so
//! they are data a planner can edit, each citing its source; the checker is
//! written for obviousness and shares no code with the solver, so that a
//! solver bug cannot hide a violation.
//!
//! What it must not depend on: no clock in the checker, no IO except reading
//! a rule file in [`RuleSet::load`], no registers (the caller converts its
//! data into a [`Unit`]), no CLI or terminal crates.
//!
//! ```no_run
//! use std::time::Duration;
//! use svc_roster::norway::{check, plan, render_html, PlanOptions, RuleSet, Unit};
//!
//! let unit = Unit::example_nursing_home(40, 7);
//! let rules = RuleSet::default_aml();
//! let options = PlanOptions { time_limit: Duration::from_secs(20), seed: 1, ..PlanOptions::default() };
//! let result = plan(&unit, &rules, &options);
//! assert!(check(&unit, &rules, &result.rota).is_legal());
//! std::fs::write("rota.html", render_html(&unit, &rules, &result.rota)).unwrap();
//! ```

mod evaluate;
mod explain;
mod from_registers;
mod model;
mod render;
mod replan;
mod rules;
mod solve;

pub use evaluate::{check, EmployeeFigures, Report, SoftScore, Violation};
pub use explain::{
    explain, EmployeeExplanation, Explanation, FairnessSummary, RuleExplanation, Spread,
};
pub use from_registers::{unit_from_registers, UnitError};
pub use model::{
    Competence, CoverDemand, Demand, Rota, ShiftDef, ShiftKind, Staff, Unit, Wish, WishKind,
};
pub use render::{render_csv, render_html};
pub use replan::{replan_after_sick_call, Change, Replan, ReplanOptions, SickCall};
pub use rules::{
    Basic, ConsecutiveNights, ContractHours, Cover, DailyRest, Fairness, RuleId, RuleMeta, RuleSet,
    RuleSetError, Rules, Severity, ShiftLength, SundayCounts, SundayWork, WeekendPattern,
    WeeklyHours, WeeklyRest, DEFAULT_RULES_TOML, STATUTORY,
};
pub use solve::{plan, Pin, Plan, PlanOptions, HARD_WEIGHT};
