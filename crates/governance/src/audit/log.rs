//! The persistent audit log: entries, tree hashes, signed checkpoints and the payload store, in
//! one SQLite file beside the registers (`DATA/audit.sqlite`).
//!
//! Why it lives outside the register generations: regenerating or re-importing registers replaces
//! `store-N/`, but the record of who read what must outlive every version of the data.
//!
//! Appends are buffered and made durable in batches: [`AuditLog::commit`] writes the batch's
//! entries, the tree hashes they complete and a checkpoint signed over the new root in one
//! transaction (rollback journal, `synchronous = FULL`). Either all of that is on disk or none of it, so the
//! stored log always ends exactly at a signed checkpoint. Several processes may append to one
//! file: a commit takes the write lock first and, if another process has appended since, reloads
//! the right edge of the tree before adding its own entries.
//!
//! The tree hashes are stored per level in chunks of [`CHUNK`] hashes (complete subtrees only),
//! so a proof reads `O(log n)` small rows and opening the log reads only the right edge.

use super::checkpoint::{verifier_key, Checkpoint};
use super::entry::Entry;
use super::merkle::{self, hex, Hash, NodeSource};
use crate::pseudonym::{Pseudonym, Pseudonymiser};
use ed25519_dalek::{SigningKey, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Hashes per stored chunk of one tree level.
pub const CHUNK: u64 = 256;

/// Entries per partition of the per-subject index.
pub const PARTITION: u64 = 1 << 16;

/// File name of the log in the data directory.
pub const AUDIT_FILE: &str = "audit.sqlite";

/// What can go wrong with the log's storage.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The database reported an error.
    #[error("audit log {path}: {source}")]
    Database {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// A stored value has the wrong shape (the file was damaged or edited).
    #[error("audit log {path}: {what}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// A proof was asked for outside the checkpointed log.
    #[error("entry {index} is not in the log of {size} checkpointed entries")]
    OutOfRange {
        /// The entry asked for.
        index: u64,
        /// Checkpointed size.
        size: u64,
    },
}

/// One entry read back from the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    /// Position in the log.
    pub index: u64,
    /// The stored bytes.
    pub bytes: Vec<u8>,
    /// The parsed entry.
    pub entry: Entry,
}

impl StoredEntry {
    /// The leaf hash of the entry.
    pub fn leaf_hash(&self) -> Hash {
        merkle::leaf_hash(&self.bytes)
    }
}

/// An inclusion proof of one entry against a signed checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InclusionProof {
    /// Position of the entry.
    pub index: u64,
    /// Size of the tree the proof is for (the checkpoint's size).
    pub tree_size: u64,
    /// The entry's stored bytes, as text (entries are JSON).
    pub entry: String,
    /// Leaf hash, hex.
    pub leaf_hash: String,
    /// The audit path, hex, from the leaf's sibling upwards.
    pub path: Vec<String>,
    /// The signed checkpoint note the path leads to.
    pub checkpoint: String,
    /// The log's public key in C2SP verifier-key form.
    pub verifier_key: String,
}

/// A consistency proof between two checkpoints.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsistencyProof {
    /// Older size.
    pub old_size: u64,
    /// Newer size.
    pub new_size: u64,
    /// The proof hashes, hex.
    pub path: Vec<String>,
}

struct Pending {
    bytes: Vec<u8>,
    leaf: Hash,
    subject: Option<i64>,
    event: Option<Hash>,
}

/// The right edge of one level: the last, possibly partial, chunk.
#[derive(Clone, Debug, Default)]
struct Tail {
    chunk: u64,
    hashes: Vec<Hash>,
    dirty: bool,
}

/// The audit log.
pub struct AuditLog {
    conn: Connection,
    path: PathBuf,
    origin: String,
    key: SigningKey,
    pseudonyms: Pseudonymiser,
    /// Number of committed entries.
    size: u64,
    tails: Vec<Tail>,
    full_chunks: Vec<(u32, u64, Vec<Hash>)>,
    pending: Vec<Pending>,
    pending_payloads: Vec<(Hash, Vec<u8>)>,
    batch: usize,
    cache: RefCell<HashMap<(u32, u64), Vec<Hash>>>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries(
    idx INTEGER PRIMARY KEY,
    entry BLOB NOT NULL,
    event BLOB
);
CREATE TABLE IF NOT EXISTS subjects(
    part INTEGER NOT NULL,
    subject INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    PRIMARY KEY(part, subject, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_event ON entries(event) WHERE event IS NOT NULL;
CREATE TABLE IF NOT EXISTS hashes(
    level INTEGER NOT NULL,
    chunk INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY(level, chunk)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints(
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS payloads(hash BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS erasures(
    hash BLOB PRIMARY KEY,
    erased_at TEXT NOT NULL,
    reason TEXT NOT NULL
) WITHOUT ROWID;
";

impl AuditLog {
    /// Opens (creating if needed) the log in `dir`, signing with `key` and pseudonymising
    /// subjects with `pseudonyms`.
    pub fn open(
        dir: &Path,
        key: SigningKey,
        pseudonyms: Pseudonymiser,
    ) -> Result<AuditLog, LogError> {
        let path = dir.join(AUDIT_FILE);
        let db = |source| LogError::Database {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(db)?;
        // A rollback journal, not WAL: the log is append-mostly, new pages need no journal
        // copy, and nothing is written twice (measured 256 k against 199 k appends/s with WAL).
        // While a server holds the file in WAL mode the switch cannot happen; WAL is as safe, so
        // the log is used in the mode it has.
        if let Err(e) = conn.pragma_update(None, "journal_mode", "TRUNCATE") {
            tracing::debug!("audit log keeps its journal mode: {e}");
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        // The origin names this log for ever; it is chosen once, at creation.
        let origin: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'origin'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db)?;
        let origin = match origin {
            Some(o) => o,
            None => {
                let mut id = [0u8; 8];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut id);
                let o = format!("mulighetsrom.local/audit/{}", hex(&id));
                conn.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('origin', ?1)",
                    [&o],
                )
                .map_err(db)?;
                conn.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('verifier_key', ?1)",
                    [verifier_key(&o, &key.verifying_key())],
                )
                .map_err(db)?;
                conn.query_row("SELECT value FROM meta WHERE key = 'origin'", [], |r| {
                    r.get(0)
                })
                .map_err(db)?
            }
        };
        let mut log = AuditLog {
            conn,
            path,
            origin,
            key,
            pseudonyms,
            size: 0,
            tails: Vec::new(),
            full_chunks: Vec::new(),
            pending: Vec::new(),
            pending_payloads: Vec::new(),
            batch: 65_536,
            cache: RefCell::new(HashMap::new()),
        };
        log.reload_edge()?;
        Ok(log)
    }

    /// Switches the file to write-ahead logging, for a process that commits many small groups
    /// (the API server): a commit then writes each changed page once and syncs once, where the
    /// rollback journal copies every changed page first and syncs twice. Bulk appenders keep the
    /// rollback journal, which is faster for large batches (see [`AuditLog::open`]).
    pub fn use_wal(&mut self) -> Result<(), LogError> {
        let mode: String = self.db(self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!("audit log stays in journal mode {mode}");
        }
        // Many small commits touch the same right edge and index pages again and again: keep
        // them in memory (64 MiB) instead of reading them back for every group.
        self.db(self.conn.pragma_update(None, "cache_size", -65536))?;
        Ok(())
    }

    /// Sets how many buffered entries trigger a commit (default 65 536).
    pub fn set_batch_size(&mut self, batch: usize) {
        self.batch = batch.max(1);
    }

    /// The file of the log.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The origin line of this log's checkpoints (also the signing key's name).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The public key that verifies checkpoints.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The pseudonym of a person in this log.
    pub fn pseudonym(&self, id: &identity::NationalId) -> Pseudonym {
        self.pseudonyms.of(id)
    }

    /// Committed entries.
    pub fn size(&self) -> u64 {
        self.size
    }

    fn db<T>(&self, r: rusqlite::Result<T>) -> Result<T, LogError> {
        r.map_err(|source| LogError::Database {
            path: self.path.clone(),
            source,
        })
    }

    fn damaged(&self, what: String) -> LogError {
        LogError::Damaged {
            path: self.path.clone(),
            what,
        }
    }

    /// Reads the committed size and the last chunk of every level.
    fn reload_edge(&mut self) -> Result<(), LogError> {
        let size: u64 = self.db(self.conn.query_row(
            "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries",
            [],
            |r| r.get::<_, i64>(0),
        ))? as u64;
        self.size = size;
        self.tails.clear();
        self.cache.borrow_mut().clear();
        let mut level = 0u32;
        while (size >> level) > 0 {
            let count = size >> level;
            let chunk = (count - 1) / CHUNK;
            let expected = (count - chunk * CHUNK) as usize;
            // Level 0 and every complete chunk are stored; a partial chunk above level 0 is
            // not (see `write_entries`) and is recomputed here from the level below.
            let hashes = if level == 0 || expected as u64 == CHUNK {
                self.read_chunk(level, chunk)?
            } else {
                let mut hashes = Vec::with_capacity(expected);
                for j in chunk * CHUNK..count {
                    let left = self.node_at(level - 1, 2 * j)?;
                    let right = self.node_at(level - 1, 2 * j + 1)?;
                    hashes.push(merkle::node_hash(&left, &right));
                }
                hashes
            };
            if hashes.len() != expected {
                return Err(self.damaged(format!(
                    "level {level} chunk {chunk} holds {} hashes, the log needs {expected}",
                    hashes.len()
                )));
            }
            // A full last chunk is kept as the tail until the next append rolls it over.
            self.tails.push(Tail {
                chunk,
                hashes,
                dirty: false,
            });
            level += 1;
        }
        Ok(())
    }

    fn read_chunk(&self, level: u32, chunk: u64) -> Result<Vec<Hash>, LogError> {
        let data: Option<Vec<u8>> = self.db(self
            .conn
            .prepare_cached("SELECT data FROM hashes WHERE level = ?1 AND chunk = ?2")
            .and_then(|mut s| {
                s.query_row(params![level, chunk as i64], |r| r.get(0))
                    .optional()
            }))?;
        let data = data.unwrap_or_default();
        if !data.len().is_multiple_of(32) {
            return Err(self.damaged(format!(
                "level {level} chunk {chunk} is {} bytes, not a multiple of 32",
                data.len()
            )));
        }
        Ok(data
            .chunks_exact(32)
            .map(|c| {
                let mut h = [0u8; 32];
                h.copy_from_slice(c);
                h
            })
            .collect())
    }

    /// Buffers an entry; commits when the batch is full. Returns the entry's leaf hash.
    pub fn append(&mut self, entry: &Entry) -> Result<Hash, LogError> {
        let bytes = entry.to_bytes();
        let leaf = merkle::leaf_hash(&bytes);
        let subject = entry
            .subject()
            .and_then(merkle::parse_hex)
            .map(|h| Pseudonym(h).index_key());
        let event = matches!(entry.body, super::entry::EntryBody::Access(_)).then_some(leaf);
        self.pending.push(Pending {
            bytes,
            leaf,
            subject,
            event,
        });
        if self.pending.len() >= self.batch {
            self.commit()?;
        }
        Ok(leaf)
    }

    /// Drops the buffered entries after a failed commit whose callers were told that nothing was
    /// delivered, so a later commit cannot record accesses that never happened. Returns how many
    /// were dropped.
    pub fn discard_pending(&mut self) -> usize {
        let n = self.pending.len();
        self.pending.clear();
        n
    }

    /// Entries buffered but not yet durable.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Makes every buffered entry durable: entries, tree hashes and a signed checkpoint in one
    /// transaction. Returns the new checkpoint note (or the latest one if nothing was pending).
    pub fn commit(&mut self) -> Result<Option<String>, LogError> {
        if self.pending.is_empty() && self.pending_payloads.is_empty() {
            return self.latest_checkpoint();
        }
        let path = self.path.clone();
        let db = |source| LogError::Database {
            path: path.clone(),
            source,
        };
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(db)?;
        let result = self.commit_locked();
        match result {
            Ok(note) => {
                self.conn.execute_batch("COMMIT").map_err(db)?;
                self.pending.clear();
                self.pending_payloads.clear();
                self.full_chunks.clear();
                for t in &mut self.tails {
                    t.dirty = false;
                }
                Ok(Some(note))
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                // The in-memory edge may be half-updated: read it back from what is stored.
                self.full_chunks.clear();
                self.reload_edge()?;
                Err(e)
            }
        }
    }

    fn commit_locked(&mut self) -> Result<String, LogError> {
        // Another process may have appended since this one last looked.
        let stored: u64 = self.db(self.conn.query_row(
            "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries",
            [],
            |r| r.get::<_, i64>(0),
        ))? as u64;
        if stored != self.size {
            self.reload_edge()?;
        }
        {
            let mut put = self
                .conn
                .prepare_cached("INSERT OR IGNORE INTO payloads(hash, data) VALUES (?1, ?2)")
                .map_err(|source| LogError::Database {
                    path: self.path.clone(),
                    source,
                })?;
            for (hash, data) in &self.pending_payloads {
                put.execute(params![hash.as_slice(), data])
                    .map_err(|source| LogError::Database {
                        path: self.path.clone(),
                        source,
                    })?;
            }
        }
        if self.pending.is_empty() {
            return self.latest_checkpoint().map(Option::unwrap_or_default);
        }
        let pending = std::mem::take(&mut self.pending);
        let result = self.write_entries(&pending);
        self.pending = pending;
        result?;
        let new_size = self.size + self.pending.len() as u64;
        let root = merkle::root(&EdgeSource { log: self }, new_size)?;
        let checkpoint = Checkpoint {
            origin: self.origin.clone(),
            size: new_size,
            root,
        };
        let note = checkpoint.sign(&self.origin, &self.key);
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.db(self.conn.execute(
            "INSERT INTO checkpoints(size, note, created) VALUES (?1, ?2, ?3)",
            params![new_size as i64, note, now],
        ))?;
        self.size = new_size;
        Ok(note)
    }

    fn write_entries(&mut self, pending: &[Pending]) -> Result<(), LogError> {
        let path = self.path.clone();
        let db = |source| LogError::Database {
            path: path.clone(),
            source,
        };
        {
            let mut values: Vec<rusqlite::types::Value> = Vec::with_capacity(pending.len() * 3);
            for (i, p) in pending.iter().enumerate() {
                values.push(((self.size + i as u64) as i64).into());
                values.push(p.bytes.clone().into());
                values.push(match p.event {
                    Some(h) => h.to_vec().into(),
                    None => rusqlite::types::Value::Null,
                });
            }
            insert_rows(&self.conn, "entries(idx, entry, event)", 3, &values).map_err(db)?;
            // The per-subject index is partitioned by entry position (PARTITION entries per
            // part): random pseudonym keys then land in the newest part only, which stays in
            // the page cache, instead of touching pages all over one ever-growing index (that
            // made appends slow down with the log's size). A look-up probes each part.
            let mut keys: Vec<(i64, i64, i64)> = pending
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    let idx = self.size + i as u64;
                    p.subject.map(|s| ((idx / PARTITION) as i64, s, idx as i64))
                })
                .collect();
            keys.sort_unstable();
            let flat: Vec<i64> = keys.iter().flat_map(|&(p, s, i)| [p, s, i]).collect();
            insert_rows(&self.conn, "subjects(part, subject, idx)", 3, &flat).map_err(db)?;
        }
        for p in pending {
            self.push_node(0, p.leaf);
        }
        let mut write = self
            .conn
            .prepare_cached("INSERT OR REPLACE INTO hashes(level, chunk, data) VALUES (?1, ?2, ?3)")
            .map_err(db)?;
        for (level, chunk, hashes) in &self.full_chunks {
            write
                .execute(params![level, *chunk as i64, hashes.concat()])
                .map_err(db)?;
        }
        for (level, tail) in self.tails.iter().enumerate().take(1) {
            if tail.dirty {
                write
                    .execute(params![
                        level as u32,
                        tail.chunk as i64,
                        tail.hashes.concat()
                    ])
                    .map_err(db)?;
            }
        }
        Ok(())
    }

    fn push_node(&mut self, level: usize, hash: Hash) {
        if self.tails.len() == level {
            self.tails.push(Tail::default());
        }
        let tail = &mut self.tails[level];
        if tail.hashes.len() as u64 == CHUNK {
            let full = std::mem::take(&mut tail.hashes);
            if level == 0 {
                self.full_chunks.push((0, tail.chunk, full));
            }
            tail.chunk += 1;
        }
        tail.hashes.push(hash);
        tail.dirty = true;
        // Above level 0 a chunk is written once, when it is complete; its partial state is
        // derived from the level below on open. A commit then writes one partial chunk (level
        // 0) instead of one per level, which matters for the small group commits of a server.
        if level > 0 && tail.hashes.len() as u64 == CHUNK {
            let (chunk, full) = (tail.chunk, tail.hashes.clone());
            self.full_chunks.push((level as u32, chunk, full));
        }
        let n = tail.hashes.len();
        if n.is_multiple_of(2) {
            let parent = merkle::node_hash(&tail.hashes[n - 2], &tail.hashes[n - 1]);
            self.push_node(level + 1, parent);
        }
    }

    fn node_at(&self, level: u32, index: u64) -> Result<Hash, LogError> {
        let chunk = index / CHUNK;
        let offset = (index % CHUNK) as usize;
        if let Some(tail) = self.tails.get(level as usize) {
            if tail.chunk == chunk {
                if let Some(h) = tail.hashes.get(offset) {
                    return Ok(*h);
                }
            }
        }
        if let Some((_, _, hashes)) = self
            .full_chunks
            .iter()
            .find(|(l, c, _)| *l == level && *c == chunk)
        {
            return Ok(hashes[offset]);
        }
        if let Some(hashes) = self.cache.borrow().get(&(level, chunk)) {
            if let Some(h) = hashes.get(offset) {
                return Ok(*h);
            }
        }
        let hashes = self.read_chunk(level, chunk)?;
        let h = hashes.get(offset).copied().ok_or_else(|| {
            self.damaged(format!(
                "level {level} node {index} is missing from its chunk"
            ))
        })?;
        let mut cache = self.cache.borrow_mut();
        if cache.len() > 4096 {
            cache.clear();
        }
        cache.insert((level, chunk), hashes);
        Ok(h)
    }

    /// The root of the first `size` committed entries.
    pub fn root_at(&self, size: u64) -> Result<Hash, LogError> {
        merkle::root(&EdgeSource { log: self }, size)
    }

    /// The latest signed checkpoint note, if any entry was ever committed.
    pub fn latest_checkpoint(&self) -> Result<Option<String>, LogError> {
        self.db(self
            .conn
            .query_row(
                "SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional())
    }

    /// The checkpoint note for exactly `size` entries, if one was signed.
    pub fn checkpoint_at(&self, size: u64) -> Result<Option<String>, LogError> {
        self.db(self
            .conn
            .query_row(
                "SELECT note FROM checkpoints WHERE size = ?1",
                [size as i64],
                |r| r.get(0),
            )
            .optional())
    }

    /// Reads one committed entry.
    pub fn entry(&self, index: u64) -> Result<StoredEntry, LogError> {
        let bytes: Option<Vec<u8>> = self.db(self
            .conn
            .prepare_cached("SELECT entry FROM entries WHERE idx = ?1")
            .and_then(|mut s| s.query_row([index as i64], |r| r.get(0)).optional()))?;
        let bytes = bytes.ok_or(LogError::OutOfRange {
            index,
            size: self.size,
        })?;
        self.parse(index, bytes)
    }

    fn parse(&self, index: u64, bytes: Vec<u8>) -> Result<StoredEntry, LogError> {
        let entry = Entry::from_bytes(&bytes)
            .map_err(|e| self.damaged(format!("entry {index} is not a valid entry: {e}")))?;
        Ok(StoredEntry {
            index,
            bytes,
            entry,
        })
    }

    /// Every committed entry about one person (subject and decision entries), oldest first.
    pub fn entries_about(&self, subject: &Pseudonym) -> Result<Vec<StoredEntry>, LogError> {
        let parts = self.size.div_ceil(PARTITION) as i64;
        let mut rows: Vec<(i64, Vec<u8>)> = Vec::new();
        for part in 0..parts {
            let found: Vec<(i64, Vec<u8>)> = self.db(self
                .conn
                .prepare_cached(
                    "SELECT e.idx, e.entry FROM subjects s JOIN entries e ON e.idx = s.idx \
                         WHERE s.part = ?1 AND s.subject = ?2 ORDER BY s.idx",
                )
                .and_then(|mut s| {
                    s.query_map([part, subject.index_key()], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect()
                }))?;
            rows.extend(found);
        }
        let want = subject.to_hex();
        let mut out = Vec::new();
        for (idx, bytes) in rows {
            let e = self.parse(idx as u64, bytes)?;
            if e.entry.subject() == Some(want.as_str()) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// The access event with this leaf hash.
    pub fn event(&self, leaf: &Hash) -> Result<Option<StoredEntry>, LogError> {
        let row: Option<(i64, Vec<u8>)> = self.db(self
            .conn
            .prepare_cached("SELECT idx, entry FROM entries WHERE event = ?1")
            .and_then(|mut s| {
                s.query_row([leaf.as_slice()], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            }))?;
        row.map(|(i, b)| self.parse(i as u64, b)).transpose()
    }

    /// Access events with the given outcome, newest first, at most `limit`.
    pub fn events(
        &self,
        outcome: super::entry::Outcome,
        limit: usize,
    ) -> Result<Vec<StoredEntry>, LogError> {
        // Through the partial index of access events: most entries of a large log are per-person
        // entries and decision receipts, and walking the table backwards past them took 4.7 s
        // on a log of 2.7 million entries with 14 events (3 ms this way).
        let mut stmt = self.db(self.conn.prepare_cached(
            "SELECT idx, entry FROM entries INDEXED BY entries_event
             WHERE event IS NOT NULL ORDER BY idx DESC",
        ))?;
        let mut rows = self.db(stmt.query([]))?;
        let mut out = Vec::new();
        while out.len() < limit {
            let Some(row) = self.db(rows.next())? else {
                break;
            };
            let idx: i64 = self.db(row.get(0))?;
            let bytes: Vec<u8> = self.db(row.get(1))?;
            let e = self.parse(idx as u64, bytes)?;
            if matches!(&e.entry.body, super::entry::EntryBody::Access(a) if a.outcome == outcome) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// An inclusion proof of entry `index` against the latest checkpoint.
    pub fn prove(&self, index: u64) -> Result<InclusionProof, LogError> {
        let note = self
            .latest_checkpoint()?
            .ok_or(LogError::OutOfRange { index, size: 0 })?;
        self.prove_against(index, self.size, note)
    }

    fn prove_against(
        &self,
        index: u64,
        size: u64,
        note: String,
    ) -> Result<InclusionProof, LogError> {
        if index >= size {
            return Err(LogError::OutOfRange { index, size });
        }
        let stored = self.entry(index)?;
        let path = merkle::inclusion_path(&EdgeSource { log: self }, index, size)?;
        Ok(InclusionProof {
            index,
            tree_size: size,
            entry: String::from_utf8_lossy(&stored.bytes).into_owned(),
            leaf_hash: hex(&stored.leaf_hash()),
            path: path.iter().map(|h| hex(h)).collect(),
            checkpoint: note,
            verifier_key: verifier_key(&self.origin, &self.key.verifying_key()),
        })
    }

    /// A consistency proof from an older checkpointed size to the current size.
    pub fn prove_consistency(&self, old_size: u64) -> Result<ConsistencyProof, LogError> {
        if old_size == 0 || old_size > self.size {
            return Err(LogError::OutOfRange {
                index: old_size,
                size: self.size,
            });
        }
        let path = merkle::consistency_path(&EdgeSource { log: self }, old_size, self.size)?;
        Ok(ConsistencyProof {
            old_size,
            new_size: self.size,
            path: path.iter().map(|h| hex(h)).collect(),
        })
    }

    /// Buffers a payload that may later have to be erased; returns its SHA-256.
    ///
    /// The payload is written in the same transaction as the entries buffered with it, so an
    /// entry never references a payload that is not there.
    pub fn put_payload(&mut self, data: &[u8]) -> Result<Hash, LogError> {
        let hash: Hash = Sha256::digest(data).into();
        self.pending_payloads.push((hash, data.to_vec()));
        Ok(hash)
    }

    /// Reads a payload; `None` if it was erased or never stored.
    pub fn payload(&self, hash: &Hash) -> Result<Option<Vec<u8>>, LogError> {
        self.db(self
            .conn
            .query_row(
                "SELECT data FROM payloads WHERE hash = ?1",
                [hash.as_slice()],
                |r| r.get(0),
            )
            .optional())
    }

    /// Erases a payload (GDPR art. 17, or the end of its retention period), recording when and
    /// why; the log entry that references it stays and still verifies.
    pub fn erase_payload(&self, hash: &Hash, reason: &str) -> Result<bool, LogError> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let removed = self.db(self
            .conn
            .execute("DELETE FROM payloads WHERE hash = ?1", [hash.as_slice()]))?;
        if removed > 0 {
            self.db(self.conn.execute(
                "INSERT OR REPLACE INTO erasures(hash, erased_at, reason) VALUES (?1, ?2, ?3)",
                params![hash.as_slice(), now, reason],
            ))?;
        }
        Ok(removed > 0)
    }

    /// The underlying connection, for the verifier (read-only use).
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }
}

impl Drop for AuditLog {
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            if let Err(e) = self.commit() {
                tracing::error!(
                    "audit log: {} entries could not be committed: {e}",
                    self.pending.len()
                );
            }
        }
    }
}

/// Node hashes of the committed tree plus the batch being committed.
struct EdgeSource<'a> {
    log: &'a AuditLog,
}

impl NodeSource for EdgeSource<'_> {
    type Error = LogError;
    fn node(&self, level: u32, index: u64) -> Result<Hash, LogError> {
        self.log.node_at(level, index)
    }
}

/// Inserts rows of `width` values each (`values` flat, row after row) into `table(columns)`
/// with one multi-row INSERT per 64 rows instead of one statement per row.
fn insert_rows<V: rusqlite::ToSql>(
    conn: &Connection,
    table: &str,
    width: usize,
    values: &[V],
) -> rusqlite::Result<()> {
    const ROWS: usize = 64;
    let row = format!("({})", vec!["?"; width].join(", "));
    let sql = |n: usize| {
        format!(
            "INSERT INTO {table} VALUES {}",
            vec![row.as_str(); n].join(", ")
        )
    };
    let full = sql(ROWS);
    for chunk in values.chunks(ROWS * width) {
        let n = chunk.len() / width;
        let mut insert = if n == ROWS {
            conn.prepare_cached(&full)?
        } else {
            conn.prepare_cached(&sql(n))?
        };
        insert.execute(rusqlite::params_from_iter(chunk))?;
    }
    Ok(())
}
