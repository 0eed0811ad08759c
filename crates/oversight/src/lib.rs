//! Oversight of predictive services (issue #5, item 6): fairness metrics exactly as Fairlearn and
//! AIF360 define them, calibration by group, and a fairness audit over sensitive attributes.
//!
//! - [`features`]: the check that refuses protected and proxy model features without a legal
//!   basis in the service's manifest.
//!
//! - [`register`]: the public algorithm register (Algoritmeregister and ATRS fields, an AI Act
//!   art. 27 FRIA skeleton, model cards), generated from manifests and measurements.
//!
//! Pure computation: no IO, no registers. The caller maps persons to groups.

pub mod audit;
pub mod features;
pub mod metrics;
pub mod register;

pub use audit::{Attribute, AuditError, FairnessAudit};
