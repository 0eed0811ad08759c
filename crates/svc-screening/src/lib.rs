//! AI-supported breast-cancer screening (service S4): BreastScreen Norway simulated on the
//! registers, with the five published ways of adding an AI reader to independent double reading.
//!
//! - [`Population::from_registers`]: the invited women (50–69, resident, no breast cancer on
//!   record) with their attendance at the previous invitation.
//! - [`Calibration`]: every parameter with its source and status ([`Calibration::provenance`]).
//! - [`Workflow`] and [`Threshold`]: double reading, AI triage, AI as reader 1, decision
//!   referral, autonomous rule-out and concurrent CAD marks, each tuned by a vendor score cut-off
//!   or a target selection rate.
//! - [`simulate`]: seeded replicate rounds; each workflow reads the same exams.
//! - [`Metric`] and [`Estimate`]: detection, recall, interval cancers, false positives, PPV and
//!   reads, with 95 % intervals over replicates.
//! - [`published`]: the Norwegian targets the baseline reproduces, and Larsen et al.'s scenarios.
//!
//! # Why a simulation
//!
//! No mammograms exist in the registers, and none may be used here. What the registers do hold
//! (who is invited, who attended, which cancers surfaced how) is enough to put the published
//! behaviour of readers and of an AI score into one model, calibrated so that today's double
//! reading gives today's figures, and then to ask what each workflow would change. Each exam has
//! a latent truth (a cancer visible now, a cancer that will surface in the interval, or none), an
//! AI score 1–10 drawn by class (Larsen et al., Radiology 2022), and two independent readers
//! scoring 1–5; a score ≥ 2 sends it to consensus, which decides recall. The figures are a
//! model's, to compare workflows on one population: trial figures are context, not targets.
//!
//! Pure computation: no IO, no clock, no storage; registers come in from the caller (the CLI
//! reads them through the access layer). **Must not depend on** `store` or `governance`.
//!
//! ```
//! use svc_screening::{simulate, Calibration, History, Metric, Population, SimulationOptions,
//!     Woman, Workflow, WorkflowKind};
//! let population = Population {
//!     reference_date: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
//!     women: vec![Woman { person: "17912099997".parse().unwrap(), age: 58, history: History::Attended }; 5_000],
//!     excluded_after_diagnosis: 0,
//! };
//! let workflows = [Workflow::DoubleReading, Workflow::default_for(WorkflowKind::Triage)];
//! let options = SimulationOptions { replicates: 3, seed: 7 };
//! let sim = simulate(&population, &workflows, &Calibration::default(), options, &|_| {}).unwrap();
//! let saved = sim.results[1].estimate(Metric::ReadsSavedPct).mean;
//! assert!(saved > 40.0 && saved < 50.0);
//! ```
#![deny(missing_docs)]

mod calibration;
mod error;
mod exam;
mod metrics;
mod population;
pub mod published;
mod reading;
mod simulate;
mod workflow;

pub use calibration::{Band, Calibration, Provenance, Status};
pub use error::SimulationError;
pub use metrics::{Counts, Estimate, Metric};
pub use population::{History, Population, Woman};
pub use simulate::{
    exam_outcomes, simulate, ExamOutcome, Simulation, SimulationOptions, WorkflowResult,
};
pub use workflow::{Threshold, Workflow, WorkflowKind};
