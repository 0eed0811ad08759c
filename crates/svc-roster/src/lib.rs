//! Shift scheduling on the Curtois benchmark (instances 1–24): parser,
//! solution format, independent evaluator and an anytime solver.
//!
//! Main types and entry points:
//! - [`parse_instance`] / [`load_instance`] read the `SECTION_*` text format
//!   into an [`Instance`]; errors name the section and line ([`InstanceError`]).
//! - [`Solution`] is a roster, with a documented line-per-employee text format
//!   ([`Solution::to_text`], [`Solution::parse`]).
//! - [`evaluate`] checks every hard constraint and computes the benchmark
//!   objective, broken down per component, per employee and per cover cell
//!   ([`Evaluation`]).
//! - [`solve`] searches for a good roster within a time limit on several
//!   threads, reproducibly for a given seed ([`SolveOptions`], [`SolveResult`]).
//!
//! Why it is built this way: the evaluator is written for obviousness and
//! shares nothing with the solver, so every solver result is re-scored by an
//! independent implementation of the benchmark rules (including the
//! horizon-edge reading that reproduces the published optima). The solver
//! keeps its own compact, penalised model for speed. It combines simulated
//! annealing over cheap moves with exact per-employee line re-optimisation by
//! dynamic programming, the move that lets it reach the published optima.
//!
//! What it must not depend on: no IO beyond [`load_instance`], no clock in
//! the evaluator, no CLI, terminal, serialisation or network crates. The CLI
//! (`mulighetsrom roster ...`) lives elsewhere and calls these functions.
//!
//! ```no_run
//! use std::time::Duration;
//! use svc_roster::{evaluate, load_instance, solve, SolveOptions};
//!
//! let instance = load_instance("Instance1.txt")?;
//! let options = SolveOptions { time_limit: Duration::from_secs(5), seed: 1, threads: 2, max_rounds: None };
//! let result = solve(&instance, &options, |p| eprintln!("{:?} {}", p.elapsed, p.objective));
//! let check = evaluate(&instance, &result.solution);
//! assert!(check.is_feasible());
//! println!("{}", result.solution.to_text(&instance, &[format!("objective {}", check.objective_value())]));
//! # Ok::<(), svc_roster::InstanceError>(())
//! ```
#![deny(missing_docs)]

mod evaluate;
mod instance;
pub mod norway;
mod parse;
mod solution;
mod solver;

pub use evaluate::{
    evaluate, CoverDeviation, EmployeeCost, Evaluation, HardConstraint, ObjectiveBreakdown,
    Violation,
};
pub use instance::{
    CoverRequirement, Employee, EmployeeIdx, Instance, Request, ShiftIdx, ShiftType,
};
pub use parse::{load_instance, parse_instance, InstanceError};
pub use solution::{Solution, SolutionError, OFF_TOKEN};
pub use solver::{solve, Progress, SolveOptions, SolveResult};
