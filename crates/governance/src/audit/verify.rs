//! Recomputing a stored log from its entries and checking every stored hash and checkpoint.
//!
//! Why recompute everything: a log is only tamper-evident if somebody looks. `audit verify`
//! trusts nothing but the entry bytes and the public key: it rebuilds the tree from the entries,
//! compares every stored tree hash with the recomputed one, checks every checkpoint's signature
//! and root, and checks that the per-subject and per-event index columns say what the entries
//! say. A modified, removed, reordered or inserted entry changes a leaf hash or leaves a gap, and
//! then either a stored hash or a signed root no longer matches.

use super::checkpoint::Checkpoint;
use super::entry::{Entry, EntryBody};
use super::log::{AuditLog, LogError, CHUNK, PARTITION};
use super::merkle::{self, hex, parse_hex, Hash, MemoryTree};
use crate::pseudonym::Pseudonym;
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};

/// The result of verifying a log.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    /// Entries read.
    pub entries: u64,
    /// Checkpoints whose signature and root were checked.
    pub checkpoints: u64,
    /// Size of the latest checkpoint.
    pub latest_checkpoint_size: u64,
    /// Root hash (hex) recomputed from the entries.
    pub root: String,
    /// Payloads present and matching their hash.
    pub payloads: u64,
    /// Payloads erased (recorded in the erasure table).
    pub erased_payloads: u64,
    /// Every problem found; empty means the log verifies.
    pub problems: Vec<String>,
}

impl VerifyReport {
    /// Whether the log verified without problems.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    fn problem(&mut self, p: String) {
        // A damaged log can have millions of problems; the first hundred say enough.
        if self.problems.len() < 100 {
            self.problems.push(p);
        } else if self.problems.len() == 100 {
            self.problems
                .push("… further problems not listed".to_owned());
        }
    }
}

/// Verifies the stored log against the public key `key` (named `key_name`).
pub fn verify(
    log: &AuditLog,
    key_name: &str,
    key: &VerifyingKey,
    mut progress: impl FnMut(u64),
) -> Result<VerifyReport, LogError> {
    let conn = log.connection();
    let db = |source| LogError::Database {
        path: log.path().to_owned(),
        source,
    };
    let mut report = VerifyReport::default();
    let mut tree = MemoryTree::new();
    let mut referenced_payloads: Vec<Hash> = Vec::new();
    let mut subject_index: Vec<(i64, i64, i64)> = Vec::new();
    {
        let mut stmt = conn
            .prepare("SELECT idx, entry, event FROM entries ORDER BY idx")
            .map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        let mut expected = 0u64;
        while let Some(row) = rows.next().map_err(db)? {
            let idx: i64 = row.get(0).map_err(db)?;
            // Read whatever is stored as bytes: a value whose type was changed is a change too.
            let bytes: Vec<u8> = bytes_of(row.get_ref(1).map_err(db)?);
            let event: Option<Vec<u8>> = match row.get_ref(2).map_err(db)? {
                rusqlite::types::ValueRef::Null => None,
                v => Some(bytes_of(v)),
            };
            if idx as u64 != expected {
                report.problem(format!(
                    "entries {expected}..{idx} are missing (the log jumps from {} to {idx})",
                    expected as i64 - 1
                ));
                expected = idx as u64;
            }
            let leaf = merkle::leaf_hash(&bytes);
            tree.push(leaf);
            match Entry::from_bytes(&bytes) {
                Err(e) => report.problem(format!("entry {idx} is not a valid entry: {e}")),
                Ok(entry) => {
                    if let Some(subject) = entry.subject() {
                        match parse_hex(subject) {
                            Some(h) => subject_index.push((
                                idx / PARTITION as i64,
                                Pseudonym(h).index_key(),
                                idx,
                            )),
                            None => report
                                .problem(format!("entry {idx}: the subject is not a pseudonym")),
                        }
                    }
                    let want_event =
                        matches!(entry.body, EntryBody::Access(_)).then(|| leaf.to_vec());
                    if want_event != event {
                        report.problem(format!(
                            "entry {idx}: the event index column does not match the entry"
                        ));
                    }
                    if let EntryBody::Decision { payload, .. } = &entry.body {
                        match parse_hex(payload) {
                            Some(h) => referenced_payloads.push(h),
                            None => report.problem(format!(
                                "entry {idx}: payload reference is not a SHA-256"
                            )),
                        }
                    }
                }
            }
            expected += 1;
            report.entries += 1;
            if report.entries % 1_000_000 == 0 {
                progress(report.entries);
            }
        }
    }
    progress(report.entries);
    report.root = hex(&tree.root());

    // The per-subject index must list exactly the subject entries: a row removed from it would
    // hide an access from the person's insight report, a row added would show a false one.
    {
        subject_index.sort_unstable();
        let mut stmt = conn
            .prepare("SELECT part, subject, idx FROM subjects ORDER BY part, subject, idx")
            .map_err(db)?;
        let stored: Vec<(i64, i64, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(db)?
            .collect::<Result<_, _>>()
            .map_err(db)?;
        if stored != subject_index {
            let missing = subject_index
                .iter()
                .filter(|k| stored.binary_search(k).is_err())
                .count();
            let extra = stored
                .iter()
                .filter(|k| subject_index.binary_search(k).is_err())
                .count();
            report.problem(format!(
                "the per-subject index differs from the entries: {missing} entries missing from it, {extra} rows that match no entry"
            ));
        }
    }

    // Every stored tree hash must equal the recomputed one, and no chunk may be extra.
    {
        let mut stmt = conn
            .prepare("SELECT level, chunk, data FROM hashes ORDER BY level, chunk")
            .map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        let mut seen: Vec<u64> = Vec::new();
        while let Some(row) = rows.next().map_err(db)? {
            let level: i64 = row.get(0).map_err(db)?;
            let chunk: i64 = row.get(1).map_err(db)?;
            let data: Vec<u8> = bytes_of(row.get_ref(2).map_err(db)?);
            let computed = tree.level(level as usize);
            let start = (chunk as u64 * CHUNK) as usize;
            let end = (start + CHUNK as usize).min(computed.len());
            let want: Vec<u8> = if start < end {
                computed[start..end].concat()
            } else {
                Vec::new()
            };
            if data != want {
                report.problem(format!(
                    "stored tree hashes at level {level}, chunk {chunk} differ from the hashes recomputed from the entries"
                ));
            }
            if seen.len() <= level as usize {
                seen.resize(level as usize + 1, 0);
            }
            seen[level as usize] += 1;
        }
        // Level 0 is stored whole (its last chunk may be partial); above it only complete
        // chunks are stored, the partial edge being derived from the level below.
        let mut level = 0usize;
        while !tree.level(level).is_empty() {
            let n = tree.level(level).len() as u64;
            let chunks = if level == 0 {
                n.div_ceil(CHUNK)
            } else {
                n / CHUNK
            };
            if seen.get(level).copied().unwrap_or(0) != chunks {
                report.problem(format!(
                    "level {level} should have {chunks} stored chunks, found {}",
                    seen.get(level).copied().unwrap_or(0)
                ));
            }
            level += 1;
        }
    }

    // Every checkpoint: signed by the key, root equal to the recomputed root at its size.
    {
        let mut stmt = conn
            .prepare("SELECT size, note FROM checkpoints ORDER BY size")
            .map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        while let Some(row) = rows.next().map_err(db)? {
            let size: i64 = row.get(0).map_err(db)?;
            let note = String::from_utf8_lossy(&bytes_of(row.get_ref(1).map_err(db)?)).into_owned();
            report.checkpoints += 1;
            match Checkpoint::verify(&note, key_name, key) {
                Err(e) => report.problem(format!("checkpoint at size {size}: {e}")),
                Ok(cp) => {
                    if cp.size != size as u64 {
                        report.problem(format!(
                            "checkpoint stored at size {size} says size {}",
                            cp.size
                        ));
                    }
                    if cp.size > tree.size() {
                        report.problem(format!(
                            "checkpoint at size {} covers more entries than the {} stored",
                            cp.size,
                            tree.size()
                        ));
                        continue;
                    }
                    let root = match merkle::root(&tree, cp.size) {
                        Ok(r) => r,
                        Err(never) => match never {},
                    };
                    if root != cp.root {
                        report.problem(format!(
                            "checkpoint at size {}: signed root {} differs from the root {} recomputed from the entries",
                            cp.size,
                            hex(&cp.root),
                            hex(&root)
                        ));
                    }
                    report.latest_checkpoint_size = report.latest_checkpoint_size.max(cp.size);
                }
            }
        }
    }
    if report.latest_checkpoint_size != tree.size() {
        report.problem(format!(
            "the log holds {} entries but the latest valid checkpoint covers {}",
            tree.size(),
            report.latest_checkpoint_size
        ));
    }

    // Payloads: present ones must match their hash; missing ones must be recorded as erased.
    {
        let mut stmt = conn
            .prepare("SELECT hash, data FROM payloads")
            .map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        while let Some(row) = rows.next().map_err(db)? {
            let hash: Vec<u8> = row.get(0).map_err(db)?;
            let data: Vec<u8> = bytes_of(row.get_ref(1).map_err(db)?);
            let actual: Hash = Sha256::digest(&data).into();
            if hash != actual {
                report.problem(format!(
                    "payload {} does not match its hash (it was modified)",
                    hex(&hash)
                ));
            } else {
                report.payloads += 1;
            }
        }
        for h in &referenced_payloads {
            let present: bool = conn
                .query_row(
                    "SELECT EXISTS(SELECT 1 FROM payloads WHERE hash = ?1)",
                    [h.as_slice()],
                    |r| r.get(0),
                )
                .map_err(db)?;
            if present {
                continue;
            }
            let erased: bool = conn
                .query_row(
                    "SELECT EXISTS(SELECT 1 FROM erasures WHERE hash = ?1)",
                    [h.as_slice()],
                    |r| r.get(0),
                )
                .map_err(db)?;
            if erased {
                report.erased_payloads += 1;
            } else {
                report.problem(format!(
                    "payload {} is referenced by the log but neither stored nor recorded as erased",
                    hex(h)
                ));
            }
        }
    }
    Ok(report)
}

/// The stored bytes of a value of any type (text and blobs as they are; numbers as their text).
fn bytes_of(value: rusqlite::types::ValueRef<'_>) -> Vec<u8> {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Blob(b) | ValueRef::Text(b) => b.to_vec(),
        ValueRef::Integer(i) => i.to_string().into_bytes(),
        ValueRef::Real(r) => r.to_string().into_bytes(),
        ValueRef::Null => Vec::new(),
    }
}
