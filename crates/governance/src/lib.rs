//! Governance of register data: who may read what, for which purpose, and the record of it.
//!
//! The platform's seed is that agencies reuse register data ("once only"), which is acceptable
//! only when every use has a declared purpose and legal basis, reads no more than it needs, is
//! logged where nobody can quietly rewrite the log, and is visible to the person it concerns.
//! This crate is that rule made code:
//!
//! * [`keys`]: the deployment's secret keys (checkpoint signing, pseudonymisation);
//! * [`pseudonym`]: keyed pseudonyms (HMAC-SHA256, one key per domain);
//! * [`audit`]: the RFC 9162 Merkle log with signed checkpoints, proofs and verification;
//! * [`elements`]: the catalogue of data elements (packages of register columns);
//! * [`manifest`]: service manifests (purpose, legal basis, elements, automation, AI Act class);
//! * [`consent`]: consent records for consent-based purposes;
//! * [`access`]: the access layer, the one path from a service to register data;
//! * [`insight`]: the citizen's insight report (GDPR art. 15) with proofs;
//! * [`shared`]: the same layer for concurrent callers, with group commit of the log;
//! * [`measurements`]: each service's latest measured figures, from which the algorithm
//!   register and model cards are generated.
//!
//! **Must not depend on:** the terminal, HTTP, or any service crate.
#![deny(missing_docs)]

pub mod access;
pub mod audit;
pub mod consent;
pub mod elements;
pub mod insight;
pub mod keys;
pub mod manifest;
pub mod measurements;
pub mod pseudonym;
pub mod shared;
pub mod subjects;

pub use access::{AccessError, AccessLayer, Delivery, Judgement, ReadRequest, Scope};
pub use manifest::{Characteristic, Manifest, Manifests};
pub use measurements::{Figure, Measurement, MeasurementStore, ModelSummary};
pub use shared::SharedAccess;
