//! The tamper-evident audit log.
//!
//! * [`merkle`]: the RFC 9162 tree, proofs and their verification;
//! * [`checkpoint`]: C2SP signed checkpoints (Ed25519);
//! * [`entry`]: what an entry says (pseudonyms and hashes only);
//! * [`log`]: the persistent, batched, durable log in `DATA/audit.sqlite`;
//! * [`verify`](mod@verify): recomputing the whole log and checking every stored hash and signature.

pub mod checkpoint;
pub mod entry;
pub mod log;
pub mod merkle;
pub mod verify;

pub use checkpoint::Checkpoint;
pub use entry::{AccessEvent, Entry, EntryBody, Outcome};
pub use log::{AuditLog, ConsistencyProof, InclusionProof, LogError, StoredEntry, AUDIT_FILE};
pub use verify::{verify, VerifyReport};
