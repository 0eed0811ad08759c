//! The decision store: every decision a service makes, with its explanation and the versions of
//! the data and rules it used, kept as an append-only history.
//!
//! Why a separate file (`data/decisions.sqlite`, not inside a `store-N/` generation): register
//! generations are replaced whole (a regenerated population is a new *data version*), but what
//! was decided about a person must survive that. Every stored decision names the data version
//! and the rules version it was made with, so an old decision stays explainable after the
//! registers or the law files have moved on.
//!
//! Why append-only: a decision that was sent to a family is a fact. A rerun never updates or
//! deletes a row; it appends version `n + 1` of the case when, and only when, the inputs or the
//! outcome differ from version `n`. A case that is no longer decided (the child left
//! kindergarten) gets an `ended` version; its history stays.
//!
//! Why compare inputs and not only results: "who changed and why" needs the old inputs. Each
//! version stores the canonical inputs JSON (keys sorted, so equal inputs give equal text) and
//! its SHA-256 (`inputs_digest`); a rerun diffs old and new inputs field by field
//! ([`InputChange`]) and names the rule files whose digest changed ([`RulesFileChange`]).
//!
//! Why one transaction per batch ([`DecisionStore::begin_batch`] … [`BatchWriter::finish`]): a
//! crashed or failed run must leave the store exactly as it was, so rerunning it neither
//! duplicates nor skips a version. The writer streams decisions in chunks, so a national run
//! does not hold every explanation in memory.
//!
//! Generic: the store knows services, case keys, periods, areas and JSON, nothing about any one
//! service.

use crate::sqlite::db_error;
use crate::StoreError;
use identity::NationalId;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The file in the data directory that holds the decision store.
pub const DECISIONS_FILE: &str = "decisions.sqlite";

/// Schema version of the decision store.
pub const DECISIONS_SCHEMA_VERSION: u32 = 2;

/// Version 2: a covering index for the caseworker's overview and lists, which otherwise read
/// every decision's wide row (0.5 s for Bergen's 45 000 cases; the index holds only the small
/// columns).
const DECISIONS_SCHEMA_2: &str = "
CREATE INDEX decisions_by_area ON decisions(service, period, area, case_key, version, status);
";

/// Column order matters: SQLite reads a row's columns in order and spills long rows onto
/// overflow pages, so the small columns a rerun compares (digests, status, version) come first
/// and the large ones last; the explanation (about 10 kB of JSON per family) is stored
/// Snappy-compressed (raw format), which makes it several times smaller.
const DECISIONS_SCHEMA_1: &str = "
CREATE TABLE rules_versions (
    rules_version TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    files TEXT NOT NULL
);
CREATE TABLE batches (
    batch_id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    period TEXT NOT NULL,
    area TEXT,
    rules_version TEXT NOT NULL REFERENCES rules_versions(rules_version),
    data_version TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    decisions INTEGER NOT NULL,
    new INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    ended INTEGER NOT NULL
);
CREATE TABLE decisions (
    decision_id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    case_key TEXT NOT NULL,
    period TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    area TEXT NOT NULL,
    amount INTEGER,
    inputs_digest TEXT NOT NULL,
    result_digest TEXT NOT NULL,
    rules_version TEXT NOT NULL REFERENCES rules_versions(rules_version),
    data_version TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    batch_id INTEGER NOT NULL REFERENCES batches(batch_id),
    result TEXT NOT NULL,
    inputs TEXT NOT NULL,
    explanation BLOB NOT NULL,
    UNIQUE (service, period, case_key, version)
);
CREATE TABLE decision_subjects (
    person_id INTEGER NOT NULL,
    decision_id INTEGER NOT NULL REFERENCES decisions(decision_id),
    PRIMARY KEY (person_id, decision_id)
) WITHOUT ROWID;
";

/// The outcome of a stored decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DecisionStatus {
    /// Decided by the rules.
    Decided,
    /// Decided, with findings someone should see.
    DecidedWithWarnings,
    /// The rules could not decide; a caseworker must.
    ManualHandling,
    /// The case is no longer decided (e.g. the child left kindergarten); written by the store.
    Ended,
}

impl DecisionStatus {
    /// The stored code: `decided`, `decided_with_warnings`, `manual_handling`, `ended`.
    pub fn code(self) -> &'static str {
        match self {
            DecisionStatus::Decided => "decided",
            DecisionStatus::DecidedWithWarnings => "decided_with_warnings",
            DecisionStatus::ManualHandling => "manual_handling",
            DecisionStatus::Ended => "ended",
        }
    }

    /// The status of a stored code.
    pub fn from_code(code: &str) -> Option<DecisionStatus> {
        Some(match code {
            "decided" => DecisionStatus::Decided,
            "decided_with_warnings" => DecisionStatus::DecidedWithWarnings,
            "manual_handling" => DecisionStatus::ManualHandling,
            "ended" => DecisionStatus::Ended,
            _ => return None,
        })
    }
}

/// The version of the rules a batch was decided with: a digest over the digests of every rule
/// file used (and a label such as the service crate's version), so that any change to a law or
/// parameter file gives a new version, and the file list says which file changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesVersion {
    /// SHA-256 hex over `label` and `files`.
    pub version: String,
    /// What produced the rules, e.g. `svc-kindergarten 0.1.0`.
    pub label: String,
    /// Each rule file (path relative to the law directory) → SHA-256 hex of its content.
    pub files: BTreeMap<String, String>,
}

impl RulesVersion {
    /// The version of a set of rule files.
    pub fn new(label: &str, files: BTreeMap<String, String>) -> RulesVersion {
        let mut hasher = Sha256::new();
        hasher.update(label.as_bytes());
        hasher.update([0]);
        for (file, digest) in &files {
            hasher.update(file.as_bytes());
            hasher.update([0]);
            hasher.update(digest.as_bytes());
            hasher.update([0]);
        }
        RulesVersion {
            version: hex(&hasher.finalize()),
            label: label.to_string(),
            files,
        }
    }
}

/// What every decision of a batch shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchHeader {
    /// The service, e.g. `S1`.
    pub service: String,
    /// The period decided, e.g. `2024-03`.
    pub period: String,
    /// The area the batch covers (e.g. a municipality number), or `None` for all areas: cases
    /// stored for the area (or anywhere, for `None`) and absent from the batch are ended.
    pub area: Option<String>,
    /// The rules used.
    pub rules: RulesVersion,
    /// The register data used, e.g. `store-3/imports-0` ([`crate::RegisterStore::data_version`]).
    pub data_version: String,
    /// When the batch was decided (RFC 3339); the store never reads the clock itself.
    pub decided_at: String,
}

/// One decision to record.
#[derive(Clone, Debug, PartialEq)]
pub struct NewDecision {
    /// The case key: stable across reruns for the same case (the service documents its choice).
    pub case_key: String,
    /// The area the case belongs to now (e.g. the municipality of residence).
    pub area: String,
    /// The outcome (never [`DecisionStatus::Ended`]: the store writes that).
    pub status: DecisionStatus,
    /// The headline amount in whole NOK (S1: the total monthly fee), `None` when undecided.
    pub amount: Option<i64>,
    /// The result as JSON (amounts in whole NOK as integers).
    pub result: Json,
    /// The explanation as JSON text. Text, not a [`Json`] tree: a service serialises its
    /// explanations where it builds them (in parallel), and the store only compresses the bytes
    /// of the few cases it writes; building and dropping about 10 kB of JSON tree per family on
    /// the writing thread cost more than all the comparing on a county.
    pub explanation: String,
    /// Exactly the inputs the decision used, as JSON; stored canonically and digested.
    pub inputs: Json,
    /// Everyone the decision is about (children and parents).
    pub subjects: Vec<NationalId>,
}

/// A stored decision version.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredDecision {
    /// Row id.
    pub id: i64,
    /// The service.
    pub service: String,
    /// The case key.
    pub case_key: String,
    /// The period.
    pub period: String,
    /// 1 for the first decision of the case and period, then +1 per change.
    pub version: u32,
    /// The outcome.
    pub status: DecisionStatus,
    /// The area.
    pub area: String,
    /// The headline amount in whole NOK.
    pub amount: Option<i64>,
    /// The result.
    pub result: Json,
    /// The explanation.
    pub explanation: Json,
    /// The canonical inputs.
    pub inputs: Json,
    /// SHA-256 hex of the canonical inputs.
    pub inputs_digest: String,
    /// The rules version.
    pub rules_version: String,
    /// The data version.
    pub data_version: String,
    /// When it was decided (RFC 3339).
    pub decided_at: String,
    /// The batch that wrote it.
    pub batch_id: i64,
    /// Everyone it is about.
    pub subjects: Vec<NationalId>,
}

impl StoredDecision {
    /// The decision as the person it is about sees it in an insight report: result,
    /// explanation, the inputs it used and the versions of rules and data.
    pub fn to_insight_json(&self) -> Json {
        serde_json::json!({
            "service": self.service,
            "case_key": self.case_key,
            "period": self.period,
            "version": self.version,
            "status": self.status.code(),
            "area": self.area,
            "amount": self.amount,
            "decided_at": self.decided_at,
            "rules_version": self.rules_version,
            "data_version": self.data_version,
            "result": self.result,
            "explanation": self.explanation,
            "inputs": self.inputs,
        })
    }
}

/// The SQL condition that keeps only the latest version of each case (rows of `decisions`).
const LATEST_VERSION: &str = "version = (SELECT MAX(version) FROM decisions d
    WHERE d.service = decisions.service AND d.period = decisions.period
      AND d.case_key = decisions.case_key)";

/// A stored status code, or the error that names the row holding an unknown one.
fn stored_status(path: &Path, id: i64, code: &str) -> Result<DecisionStatus, DecisionStoreError> {
    DecisionStatus::from_code(code).ok_or_else(|| DecisionStoreError::Corrupt {
        path: path.to_path_buf(),
        id,
        reason: format!("unknown status '{code}'"),
    })
}

/// A case in a list: the latest version's small columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseSummary {
    /// Row id of the version.
    pub id: i64,
    /// The case key.
    pub case_key: String,
    /// The version.
    pub version: u32,
    /// The outcome.
    pub status: DecisionStatus,
    /// The headline amount in whole NOK.
    pub amount: Option<i64>,
    /// When it was decided (RFC 3339).
    pub decided_at: String,
}

/// One input field that differs between two versions. `path` is the JSON path of the field
/// (object keys and array indices), `None` means absent on that side.
#[derive(Clone, Debug, PartialEq)]
pub struct InputChange {
    /// The path, e.g. `["children", "12345678901", "weekly_hours"]`.
    pub path: Vec<String>,
    /// The value before.
    pub before: Option<Json>,
    /// The value after.
    pub after: Option<Json>,
}

/// A rule file whose content differs between two rules versions (`None`: absent on that side).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesFileChange {
    /// The file, relative to the law directory.
    pub file: String,
    /// Its digest before.
    pub before: Option<String>,
    /// Its digest after.
    pub after: Option<String>,
}

/// What happened to a case in a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// First decision of the case for the period.
    New,
    /// A new version with different inputs or outcome (or the case resumed after it had ended).
    Changed,
    /// The case was not in the batch; an `ended` version was written.
    Ended,
}

/// One case written by a batch, with who it is about and why it changed.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseChange {
    /// New, changed or ended.
    pub kind: ChangeKind,
    /// The case key.
    pub case_key: String,
    /// The area now (for ended cases, the area before).
    pub area: String,
    /// Everyone the new version is about.
    pub subjects: Vec<NationalId>,
    /// The version before (`None` for a new case).
    pub version_before: Option<u32>,
    /// The version written.
    pub version_after: u32,
    /// The status before.
    pub status_before: Option<DecisionStatus>,
    /// The status written.
    pub status_after: DecisionStatus,
    /// The amount before.
    pub amount_before: Option<i64>,
    /// The amount written.
    pub amount_after: Option<i64>,
    /// The input fields that differ (empty for new and ended cases).
    pub input_changes: Vec<InputChange>,
    /// The rule files that differ between the versions' rules.
    pub rules_changes: Vec<RulesFileChange>,
    /// Whether the result differs with equal inputs and rules (a changed program).
    pub result_changed: bool,
    /// The case had ended and is decided again.
    pub resumed: bool,
    /// The new inputs, for changed cases (context for describing the changes).
    pub inputs_after: Option<Json>,
}

/// What a batch did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchReport {
    /// The batch row id (0 for a dry run, or when nothing changed and nothing was written).
    pub batch_id: i64,
    /// Decisions handed in.
    pub decisions: usize,
    /// Decisions identical to the latest stored version: nothing written.
    pub unchanged: usize,
    /// New cases (listed with subjects, without input changes).
    pub new: Vec<CaseChange>,
    /// Changed cases, with the changed inputs and rules.
    pub changed: Vec<CaseChange>,
    /// Cases ended by this batch.
    pub ended: Vec<CaseChange>,
    /// Rows in `decisions` after the batch.
    pub stored_rows: u64,
}

/// What can go wrong in the decision store.
#[derive(Debug, thiserror::Error)]
pub enum DecisionStoreError {
    /// The data directory or the database could not be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The same case appears twice in one batch: the run is refused whole.
    #[error("case {case_key} appears twice in the batch for {service} {period}; nothing was stored (two decisions for one case would make the history ambiguous)")]
    DuplicateCase {
        /// The service.
        service: String,
        /// The period.
        period: String,
        /// The case key.
        case_key: String,
    },
    /// A decision handed in has status `ended`, which only the store writes.
    #[error("case {case_key}: status 'ended' is written by the store for cases absent from a batch, not handed in")]
    EndedHandedIn {
        /// The case key.
        case_key: String,
    },
    /// A stored row cannot be read back (the file was edited by hand).
    #[error("{path}: stored decision {id} is invalid: {reason}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// The decision row (0 when not known).
        id: i64,
        /// What is wrong.
        reason: String,
    },
}

/// The decision store (`data/decisions.sqlite`).
pub struct DecisionStore {
    connection: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for DecisionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecisionStore")
            .field("path", &self.path)
            .finish()
    }
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The canonical text of a JSON value: no whitespace, object keys sorted, so that equal values
/// give equal text and equal digests whatever order the keys were built in (and whether or not
/// serde_json's `preserve_order` feature is on somewhere in the build).
pub fn canonical_json(value: &Json) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Json, out: &mut String) {
    match value {
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Json::String(text) => write_string(text, out),
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A JSON string literal, escaped as serde_json escapes it.
fn write_string(text: &str, out: &mut String) {
    // Writing into a String through serde_json cannot fail.
    if let Ok(quoted) = serde_json::to_string(text) {
        out.push_str(&quoted);
    }
}

/// The fields that differ between two JSON values, depth first, keys in sorted order. Objects
/// are compared key by key; arrays of equal length element by element; anything else whole.
pub fn diff_json(before: &Json, after: &Json) -> Vec<InputChange> {
    let mut out = Vec::new();
    diff_into(&mut Vec::new(), Some(before), Some(after), &mut out);
    out
}

fn diff_into(
    path: &mut Vec<String>,
    before: Option<&Json>,
    after: Option<&Json>,
    out: &mut Vec<InputChange>,
) {
    match (before, after) {
        (Some(Json::Object(a)), Some(Json::Object(b))) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                path.push(key.clone());
                diff_into(path, a.get(key), b.get(key), out);
                path.pop();
            }
        }
        (Some(Json::Array(a)), Some(Json::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                path.push(i.to_string());
                diff_into(path, Some(x), Some(y), out);
                path.pop();
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(InputChange {
            path: path.clone(),
            before: a.cloned(),
            after: b.cloned(),
        }),
    }
}

/// A decision with its canonical texts and digests computed (and its JSON trees dropped).
struct Prepared {
    case_key: String,
    area: String,
    status: DecisionStatus,
    amount: Option<i64>,
    subjects: Vec<NationalId>,
    inputs: String,
    inputs_digest: String,
    result: String,
    result_digest: String,
    explanation: String,
}

impl Prepared {
    fn new(d: NewDecision) -> Prepared {
        let inputs = canonical_json(&d.inputs);
        let result = canonical_json(&d.result);
        Prepared {
            inputs_digest: sha256_hex(inputs.as_bytes()),
            result_digest: sha256_hex(result.as_bytes()),
            inputs,
            result,
            case_key: d.case_key,
            area: d.area,
            status: d.status,
            amount: d.amount,
            subjects: sorted(&d.subjects),
            explanation: d.explanation,
        }
    }
}

/// The latest stored version of a case, as far as a batch needs it.
struct Latest {
    id: i64,
    version: u32,
    status: DecisionStatus,
    area: String,
    amount: Option<i64>,
    inputs_digest: String,
    result_digest: String,
    rules_version: String,
}

impl DecisionStore {
    /// Opens (creating if needed) `decisions.sqlite` in the data directory and migrates it.
    pub fn open(data_dir: &Path) -> Result<DecisionStore, DecisionStoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Directory {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(DECISIONS_FILE);
        let db = db_error(&path);
        let mut connection = Connection::open(&path).map_err(&db)?;
        // WAL: readers (history, insight) keep going while a batch writes; NORMAL is durable
        // at every commit except on power loss.
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
                 PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;",
            )
            .map_err(&db)?;
        let found: u32 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(&db)?;
        if found > DECISIONS_SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found,
                supported: DECISIONS_SCHEMA_VERSION,
            }
            .into());
        }
        if found < 1 {
            let tx = connection.transaction().map_err(&db)?;
            tx.execute_batch(DECISIONS_SCHEMA_1).map_err(&db)?;
            tx.pragma_update(None, "user_version", 1).map_err(&db)?;
            tx.commit().map_err(&db)?;
        }
        if found < 2 {
            let tx = connection.transaction().map_err(&db)?;
            tx.execute_batch(DECISIONS_SCHEMA_2).map_err(&db)?;
            tx.pragma_update(None, "user_version", 2).map_err(&db)?;
            tx.commit().map_err(&db)?;
        }
        drop(db);
        Ok(DecisionStore { connection, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn db(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        db_error(&self.path)
    }

    /// Starts a batch: one transaction until [`BatchWriter::finish`]; dropping the writer
    /// without finishing rolls everything back.
    pub fn begin_batch(
        &mut self,
        header: BatchHeader,
    ) -> Result<BatchWriter<'_>, DecisionStoreError> {
        BatchWriter::new(&mut self.connection, &self.path, header, false)
    }

    /// Compares a batch with the store without writing anything: the report a real batch would
    /// give (version numbers included). The transaction is rolled back at the end.
    pub fn begin_dry_run(
        &mut self,
        header: BatchHeader,
    ) -> Result<BatchWriter<'_>, DecisionStoreError> {
        BatchWriter::new(&mut self.connection, &self.path, header, true)
    }

    /// Records a whole batch in one transaction and reports what changed: see [`BatchWriter`].
    pub fn record_batch(
        &mut self,
        header: BatchHeader,
        decisions: impl IntoIterator<Item = NewDecision>,
    ) -> Result<BatchReport, DecisionStoreError> {
        let mut writer = self.begin_batch(header)?;
        for decision in decisions {
            writer.record(decision)?;
        }
        writer.finish()
    }

    /// The latest version of a case, if any (an `ended` version included).
    pub fn latest(
        &self,
        service: &str,
        case_key: &str,
        period: &str,
    ) -> Result<Option<StoredDecision>, DecisionStoreError> {
        Ok(self
            .select(
                "WHERE service = ?1 AND case_key = ?2 AND period = ?3
                 ORDER BY version DESC LIMIT 1",
                params![service, case_key, period],
            )?
            .into_iter()
            .next())
    }

    /// Every version of a case, oldest first.
    pub fn history(
        &self,
        service: &str,
        case_key: &str,
        period: &str,
    ) -> Result<Vec<StoredDecision>, DecisionStoreError> {
        self.select(
            "WHERE service = ?1 AND case_key = ?2 AND period = ?3 ORDER BY version",
            params![service, case_key, period],
        )
    }

    /// Every stored decision version about a person (as child, parent or other subject), of
    /// every service, period and case, newest first. This is what a person is entitled to see
    /// about themselves, so it reads through the subject index, never by scanning.
    pub fn decisions_about(
        &self,
        person: &NationalId,
    ) -> Result<Vec<StoredDecision>, DecisionStoreError> {
        self.select(
            "WHERE decision_id IN (SELECT decision_id FROM decision_subjects WHERE person_id = ?1)
             ORDER BY decided_at DESC, decision_id DESC",
            params![person.as_u64() as i64],
        )
    }

    /// One stored decision version by its row id.
    pub fn decision(&self, id: i64) -> Result<Option<StoredDecision>, DecisionStoreError> {
        Ok(self
            .select("WHERE decision_id = ?1", params![id])?
            .into_iter()
            .next())
    }

    /// The latest version of every case of a service in an area and period (ended cases
    /// included), cases for manual handling first, then by case key; at most `limit`. Only the
    /// small columns, from the covering index: a list of thousands of cases stays fast.
    pub fn case_list(
        &self,
        service: &str,
        area: &str,
        period: &str,
        limit: usize,
    ) -> Result<Vec<CaseSummary>, DecisionStoreError> {
        let db = self.db();
        let mut stmt = self
            .connection
            .prepare(&format!(
                "SELECT decision_id, case_key, version, status, amount, decided_at FROM decisions
                 WHERE service = ?1 AND area = ?2 AND period = ?3 AND {LATEST_VERSION}
                 ORDER BY status = 'manual_handling' DESC, case_key LIMIT ?4"
            ))
            .map_err(&db)?;
        let rows = stmt
            .query_map(params![service, area, period, limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .map_err(&db)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, case_key, version, status, amount, decided_at) = row.map_err(&db)?;
            let status = stored_status(&self.path, id, &status)?;
            out.push(CaseSummary {
                id,
                case_key,
                version,
                status,
                amount,
                decided_at,
            });
        }
        Ok(out)
    }

    /// Areas and periods with decisions of a service, and the number of cases (latest
    /// versions) per status in each: `(area, period, status, cases)`, newest period first.
    pub fn overview(
        &self,
        service: &str,
    ) -> Result<Vec<(String, String, DecisionStatus, u64)>, DecisionStoreError> {
        let db = self.db();
        let mut stmt = self
            .connection
            .prepare(&format!(
                "SELECT area, period, status, COUNT(*) FROM decisions
                 WHERE service = ?1 AND {LATEST_VERSION}
                 GROUP BY area, period, status ORDER BY period DESC, area, status"
            ))
            .map_err(&db)?;
        let rows = stmt
            .query_map(params![service], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(&db)?;
        let mut out = Vec::new();
        for row in rows {
            let (area, period, status, n): (String, String, String, i64) = row.map_err(&db)?;
            let status = stored_status(&self.path, 0, &status)?;
            out.push((area, period, status, n as u64));
        }
        Ok(out)
    }

    /// Number of stored decision versions.
    pub fn count(&self) -> Result<u64, DecisionStoreError> {
        let n: i64 = self
            .connection
            .query_row("SELECT count(*) FROM decisions", [], |row| row.get(0))
            .map_err(self.db())?;
        Ok(n as u64)
    }

    /// The files of a stored rules version.
    pub fn rules_version(&self, version: &str) -> Result<Option<RulesVersion>, DecisionStoreError> {
        rules_of(&self.connection, &self.path, version)
    }

    fn select(
        &self,
        filter: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<StoredDecision>, DecisionStoreError> {
        let sql = format!(
            "SELECT decision_id, service, case_key, period, version, status, area, amount, result,
                    explanation, inputs, inputs_digest, rules_version, data_version, decided_at,
                    batch_id
             FROM decisions {filter}"
        );
        let db = self.db();
        let mut stmt = self.connection.prepare(&sql).map_err(&db)?;
        let mut rows = stmt.query(params).map_err(&db)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(&db)? {
            let id: i64 = row.get(0).map_err(&db)?;
            let corrupt = |reason: String| DecisionStoreError::Corrupt {
                path: self.path.clone(),
                id,
                reason,
            };
            let json = |i: usize| -> Result<Json, DecisionStoreError> {
                let text: String = row.get(i).map_err(&db)?;
                serde_json::from_str(&text).map_err(|e| corrupt(format!("column {i}: {e}")))
            };
            let status: String = row.get(5).map_err(&db)?;
            out.push(StoredDecision {
                id,
                service: row.get(1).map_err(&db)?,
                case_key: row.get(2).map_err(&db)?,
                period: row.get(3).map_err(&db)?,
                version: row.get(4).map_err(&db)?,
                status: stored_status(&self.path, id, &status)?,
                area: row.get(6).map_err(&db)?,
                amount: row.get(7).map_err(&db)?,
                result: json(8)?,
                explanation: unpack(&row.get::<_, Vec<u8>>(9).map_err(&db)?).map_err(corrupt)?,
                inputs: json(10)?,
                inputs_digest: row.get(11).map_err(&db)?,
                rules_version: row.get(12).map_err(&db)?,
                data_version: row.get(13).map_err(&db)?,
                decided_at: row.get(14).map_err(&db)?,
                batch_id: row.get(15).map_err(&db)?,
                subjects: Vec::new(),
            });
        }
        drop(rows);
        drop(stmt);
        let mut stmt = self
            .connection
            .prepare_cached(
                "SELECT person_id FROM decision_subjects WHERE decision_id = ?1 ORDER BY person_id",
            )
            .map_err(&db)?;
        for d in &mut out {
            let ids = stmt
                .query_map([d.id], |row| row.get::<_, i64>(0))
                .map_err(&db)?;
            for id in ids {
                let id = id.map_err(&db)?;
                let person =
                    NationalId::from_u64(id as u64).map_err(|e| DecisionStoreError::Corrupt {
                        path: self.path.clone(),
                        id: d.id,
                        reason: format!("subject {id}: {e}"),
                    })?;
                d.subjects.push(person);
            }
        }
        Ok(out)
    }
}

fn rules_of(
    connection: &Connection,
    path: &Path,
    version: &str,
) -> Result<Option<RulesVersion>, DecisionStoreError> {
    let row: Option<(String, String)> = connection
        .query_row(
            "SELECT label, files FROM rules_versions WHERE rules_version = ?1",
            [version],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .map_err(db_error(path))?;
    let Some((label, files)) = row else {
        return Ok(None);
    };
    let files: BTreeMap<String, String> =
        serde_json::from_str(&files).map_err(|e| DecisionStoreError::Corrupt {
            path: path.to_path_buf(),
            id: 0,
            reason: format!("rules version {version}: {e}"),
        })?;
    Ok(Some(RulesVersion {
        version: version.to_string(),
        label,
        files,
    }))
}

/// A batch being recorded: one open transaction.
///
/// [`record`](BatchWriter::record) compares each decision with the latest stored version of its
/// (service, case key, period): equal inputs digest, result and status → unchanged, nothing
/// written; otherwise a new version is appended and the report says which inputs and rule files
/// changed. [`finish`](BatchWriter::finish) ends the cases of the batch's area that the batch
/// did not contain, writes the batch row and commits.
pub struct BatchWriter<'a> {
    tx: Transaction<'a>,
    path: PathBuf,
    header: BatchHeader,
    dry_run: bool,
    batch_id: i64,
    latest: HashMap<String, Latest>,
    seen: HashSet<String>,
    rules_cache: HashMap<String, Option<RulesVersion>>,
    report: BatchReport,
}

impl std::fmt::Debug for BatchWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchWriter")
            .field("header", &self.header)
            .finish()
    }
}

const INSERT_DECISION: &str = "INSERT INTO decisions (service, case_key, period, version, status,
    area, amount, result, result_digest, explanation, inputs, inputs_digest, rules_version,
    data_version, decided_at, batch_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";

/// The stored form of an explanation: its JSON text, Snappy-compressed.
fn pack(explanation: &str) -> Vec<u8> {
    snap::raw::Encoder::new()
        .compress_vec(explanation.as_bytes())
        .unwrap_or_default()
}

fn unpack(blob: &[u8]) -> Result<Json, String> {
    let text = snap::raw::Decoder::new()
        .decompress_vec(blob)
        .map_err(|e| format!("explanation: {e}"))?;
    serde_json::from_slice(&text).map_err(|e| format!("explanation: {e}"))
}

impl<'a> BatchWriter<'a> {
    fn new(
        connection: &'a mut Connection,
        path: &Path,
        header: BatchHeader,
        dry_run: bool,
    ) -> Result<BatchWriter<'a>, DecisionStoreError> {
        let db = db_error(path);
        // IMMEDIATE: take the write lock now, so two concurrent runs cannot both compare against
        // the same latest versions and then both append.
        let tx =
            Transaction::new(connection, rusqlite::TransactionBehavior::Immediate).map_err(&db)?;
        tx.execute(
            "INSERT OR IGNORE INTO rules_versions (rules_version, label, files) VALUES (?1, ?2, ?3)",
            params![
                header.rules.version,
                header.rules.label,
                serde_json::to_string(&header.rules.files).unwrap_or_else(|_| "{}".into())
            ],
        )
        .map_err(&db)?;
        // The batch row comes first (decisions reference it); its counts are set by `finish`.
        tx.execute(
            "INSERT INTO batches (service, period, area, rules_version, data_version, decided_at,
                                  decisions, new, unchanged, changed, ended)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, 0, 0, 0)",
            params![
                header.service,
                header.period,
                header.area,
                header.rules.version,
                header.data_version,
                header.decided_at
            ],
        )
        .map_err(&db)?;
        let batch_id = tx.last_insert_rowid();
        // The latest version of every case of the service and period: SQLite takes the bare
        // columns from the row holding max(version).
        let mut latest = HashMap::new();
        {
            let mut stmt = tx
                .prepare(
                    "SELECT case_key, max(version), decision_id, status, area, amount,
                            inputs_digest, result_digest, rules_version
                     FROM decisions WHERE service = ?1 AND period = ?2 GROUP BY case_key",
                )
                .map_err(&db)?;
            let mut rows = stmt
                .query(params![header.service, header.period])
                .map_err(&db)?;
            while let Some(row) = rows.next().map_err(&db)? {
                let status: String = row.get(3).map_err(&db)?;
                let id: i64 = row.get(2).map_err(&db)?;
                let status = stored_status(path, id, &status)?;
                latest.insert(
                    row.get::<_, String>(0).map_err(&db)?,
                    Latest {
                        id,
                        version: row.get(1).map_err(&db)?,
                        status,
                        area: row.get(4).map_err(&db)?,
                        amount: row.get(5).map_err(&db)?,
                        inputs_digest: row.get(6).map_err(&db)?,
                        result_digest: row.get(7).map_err(&db)?,
                        rules_version: row.get(8).map_err(&db)?,
                    },
                );
            }
        }
        let mut rules_cache = HashMap::new();
        rules_cache.insert(header.rules.version.clone(), Some(header.rules.clone()));
        Ok(BatchWriter {
            tx,
            path: path.to_path_buf(),
            header,
            dry_run,
            batch_id,
            latest,
            seen: HashSet::new(),
            rules_cache,
            report: BatchReport::default(),
        })
    }

    fn db(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        db_error(&self.path)
    }

    /// Compares one decision with the stored history and appends a version if it differs.
    pub fn record(&mut self, decision: NewDecision) -> Result<(), DecisionStoreError> {
        self.record_prepared(Prepared::new(decision))
    }

    /// [`record`](BatchWriter::record) for many decisions: the canonical texts and digests are
    /// computed on every core (and the JSON trees dropped there), then compared and written in
    /// order on this thread.
    pub fn record_all(&mut self, decisions: Vec<NewDecision>) -> Result<(), DecisionStoreError> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let per_thread = decisions.len().div_ceil(threads).max(1);
        let mut chunks: Vec<Vec<NewDecision>> = Vec::new();
        let mut rest = decisions;
        while rest.len() > per_thread {
            let tail = rest.split_off(per_thread);
            chunks.push(rest);
            rest = tail;
        }
        chunks.push(rest);
        let prepared: Vec<Vec<Prepared>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| scope.spawn(move || chunk.into_iter().map(Prepared::new).collect()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for decision in prepared.into_iter().flatten() {
            self.record_prepared(decision)?;
        }
        Ok(())
    }

    fn record_prepared(&mut self, decision: Prepared) -> Result<(), DecisionStoreError> {
        if decision.status == DecisionStatus::Ended {
            return Err(DecisionStoreError::EndedHandedIn {
                case_key: decision.case_key,
            });
        }
        if !self.seen.insert(decision.case_key.clone()) {
            return Err(DecisionStoreError::DuplicateCase {
                service: self.header.service.clone(),
                period: self.header.period.clone(),
                case_key: decision.case_key,
            });
        }
        self.report.decisions += 1;
        let Prepared {
            inputs,
            inputs_digest,
            result,
            result_digest,
            ..
        } = &decision;
        let previous = self.latest.get(&decision.case_key);
        if let Some(p) = previous {
            if p.status == decision.status
                && p.inputs_digest == *inputs_digest
                && p.result_digest == *result_digest
            {
                self.report.unchanged += 1;
                return Ok(());
            }
        }
        let mut change = CaseChange {
            kind: ChangeKind::New,
            case_key: decision.case_key.clone(),
            area: decision.area.clone(),
            subjects: decision.subjects.clone(),
            version_before: None,
            version_after: 1,
            status_before: None,
            status_after: decision.status,
            amount_before: None,
            amount_after: decision.amount,
            input_changes: Vec::new(),
            rules_changes: Vec::new(),
            result_changed: false,
            resumed: false,
            inputs_after: None,
        };
        if let Some(p) = previous {
            let (id, version, status, amount) = (p.id, p.version, p.status, p.amount);
            let rules_before = p.rules_version.clone();
            let same_inputs = p.inputs_digest == *inputs_digest;
            change.kind = ChangeKind::Changed;
            change.version_before = Some(version);
            change.version_after = version + 1;
            change.status_before = Some(status);
            change.amount_before = amount;
            change.resumed = status == DecisionStatus::Ended;
            let parse = |text: &str, what: &str, id: i64| -> Result<Json, DecisionStoreError> {
                serde_json::from_str(text).map_err(|e| DecisionStoreError::Corrupt {
                    path: self.path.clone(),
                    id,
                    reason: format!("{what}: {e}"),
                })
            };
            let after = parse(inputs, "new inputs", 0)?;
            if !change.resumed {
                let old: String = self
                    .tx
                    .query_row(
                        "SELECT inputs FROM decisions WHERE decision_id = ?1",
                        [id],
                        |row| row.get(0),
                    )
                    .map_err(self.db())?;
                change.input_changes = diff_json(&parse(&old, "inputs", id)?, &after);
            }
            change.inputs_after = Some(after);
            change.rules_changes = self.rules_changes(&rules_before)?;
            change.result_changed =
                same_inputs && change.rules_changes.is_empty() && !change.resumed;
        }
        let id = if self.dry_run {
            0
        } else {
            self.insert(
                &change,
                result,
                result_digest,
                &decision.explanation,
                inputs,
                inputs_digest,
            )?
        };
        self.latest.insert(
            decision.case_key.clone(),
            Latest {
                id,
                version: change.version_after,
                status: decision.status,
                area: decision.area,
                amount: decision.amount,
                inputs_digest: decision.inputs_digest,
                result_digest: decision.result_digest,
                rules_version: self.header.rules.version.clone(),
            },
        );
        match change.kind {
            ChangeKind::New => self.report.new.push(change),
            _ => self.report.changed.push(change),
        }
        Ok(())
    }

    /// Writes one version and its subjects; returns its row id.
    fn insert(
        &self,
        change: &CaseChange,
        result: &str,
        result_digest: &str,
        explanation: &str,
        inputs: &str,
        inputs_digest: &str,
    ) -> Result<i64, DecisionStoreError> {
        let db = self.db();
        let h = &self.header;
        let mut stmt = self.tx.prepare_cached(INSERT_DECISION).map_err(&db)?;
        stmt.execute(params![
            h.service,
            change.case_key,
            h.period,
            change.version_after,
            change.status_after.code(),
            change.area,
            change.amount_after,
            result,
            result_digest,
            pack(explanation),
            inputs,
            inputs_digest,
            h.rules.version,
            h.data_version,
            h.decided_at,
            self.batch_id
        ])
        .map_err(&db)?;
        let id = self.tx.last_insert_rowid();
        let mut stmt = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO decision_subjects VALUES (?1, ?2)")
            .map_err(&db)?;
        for person in &change.subjects {
            stmt.execute(params![person.as_u64() as i64, id])
                .map_err(&db)?;
        }
        Ok(id)
    }

    /// The rule files that differ between a stored rules version and this batch's.
    fn rules_changes(&mut self, before: &str) -> Result<Vec<RulesFileChange>, DecisionStoreError> {
        if before == self.header.rules.version {
            return Ok(Vec::new());
        }
        if !self.rules_cache.contains_key(before) {
            let rules = rules_of(&self.tx, &self.path, before)?;
            self.rules_cache.insert(before.to_string(), rules);
        }
        let empty = BTreeMap::new();
        let old = self
            .rules_cache
            .get(before)
            .and_then(|r| r.as_ref())
            .map_or(&empty, |r| &r.files);
        let new = &self.header.rules.files;
        let files: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        Ok(files
            .into_iter()
            .filter(|f| old.get(*f) != new.get(*f))
            .map(|f| RulesFileChange {
                file: f.clone(),
                before: old.get(f).cloned(),
                after: new.get(f).cloned(),
            })
            .collect())
    }

    /// Ends the cases of the batch's area that the batch did not contain (an `ended` version,
    /// history kept), writes the batch row and commits. Until this returns `Ok`, nothing of the
    /// batch is visible, and on error nothing is stored.
    pub fn finish(mut self) -> Result<BatchReport, DecisionStoreError> {
        let mut gone: Vec<(String, i64, u32, DecisionStatus, String, Option<i64>)> = self
            .latest
            .iter()
            .filter(|(key, l)| {
                l.status != DecisionStatus::Ended
                    && !self.seen.contains(*key)
                    && self.header.area.as_ref().is_none_or(|a| *a == l.area)
            })
            .map(|(key, l)| {
                (
                    key.clone(),
                    l.id,
                    l.version,
                    l.status,
                    l.area.clone(),
                    l.amount,
                )
            })
            .collect();
        gone.sort();
        let ended_inputs = canonical_json(&Json::Null);
        let ended_digest = sha256_hex(ended_inputs.as_bytes());
        for (case_key, id, version, status, area, amount) in gone {
            let subjects = self.subjects_of(id)?;
            let change = CaseChange {
                kind: ChangeKind::Ended,
                case_key,
                area,
                subjects,
                version_before: Some(version),
                version_after: version + 1,
                status_before: Some(status),
                status_after: DecisionStatus::Ended,
                amount_before: amount,
                amount_after: None,
                input_changes: Vec::new(),
                rules_changes: Vec::new(),
                result_changed: false,
                resumed: false,
                inputs_after: None,
            };
            let explanation = serde_json::json!({
                "ended": format!(
                    "the case was not among the {} decisions for {} in batch {}",
                    self.header.service, self.header.period, self.batch_id
                ),
                "ended_nb": format!(
                    "saken var ikke blant vedtakene i {} for {} i kjøring {}",
                    self.header.service, self.header.period, self.batch_id
                ),
            });
            if !self.dry_run {
                self.insert(
                    &change,
                    &ended_inputs,
                    &ended_digest,
                    &explanation.to_string(),
                    &ended_inputs,
                    &ended_digest,
                )?;
            }
            self.report.ended.push(change);
        }
        let r = &self.report;
        let db = db_error(&self.path);
        self.tx
            .execute(
                "UPDATE batches SET decisions = ?2, new = ?3, unchanged = ?4, changed = ?5,
                 ended = ?6 WHERE batch_id = ?1",
                params![
                    self.batch_id,
                    r.decisions as i64,
                    r.new.len() as i64,
                    r.unchanged as i64,
                    r.changed.len() as i64,
                    r.ended.len() as i64
                ],
            )
            .map_err(&db)?;
        let rows: i64 = self
            .tx
            .query_row("SELECT count(*) FROM decisions", [], |row| row.get(0))
            .map_err(&db)?;
        let mut report = std::mem::take(&mut self.report);
        report.stored_rows = rows as u64;
        let wrote =
            !(report.new.is_empty() && report.changed.is_empty() && report.ended.is_empty());
        // Idempotence is strict: a batch that changes no case leaves no trace, not even its
        // batch row, so the file is byte for byte what it was.
        if self.dry_run || !wrote {
            self.tx.rollback().map_err(&db)?;
        } else {
            report.batch_id = self.batch_id;
            self.tx.commit().map_err(&db)?;
        }
        Ok(report)
    }

    fn subjects_of(&self, id: i64) -> Result<Vec<NationalId>, DecisionStoreError> {
        let db = self.db();
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT person_id FROM decision_subjects WHERE decision_id = ?1 ORDER BY person_id",
            )
            .map_err(&db)?;
        let ids: Vec<i64> = stmt
            .query_map([id], |row| row.get(0))
            .map_err(&db)?
            .collect::<Result<_, _>>()
            .map_err(&db)?;
        ids.into_iter()
            .map(|v| {
                NationalId::from_u64(v as u64).map_err(|e| DecisionStoreError::Corrupt {
                    path: self.path.clone(),
                    id,
                    reason: format!("subject {v}: {e}"),
                })
            })
            .collect()
    }
}

fn sorted(ids: &[NationalId]) -> Vec<NationalId> {
    let mut v = ids.to_vec();
    v.sort_by_key(|id| id.as_u64());
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde_json::json;

    fn person(n: u16) -> NationalId {
        let birth = NaiveDate::from_ymd_opt(1985, 1, 1 + (n % 28) as u32).unwrap();
        (n..n + 50)
            .find_map(|i| identity::synthetic_fodselsnummer(birth, i))
            .expect("a synthetic number")
    }

    fn rules(makspris: &str) -> RulesVersion {
        RulesVersion::new(
            "test 1",
            BTreeMap::from([
                (
                    "parameters/makspris.yaml".to_string(),
                    sha256_hex(makspris.as_bytes()),
                ),
                ("parameters/rate.yaml".to_string(), sha256_hex(b"0.06")),
            ]),
        )
    }

    fn header(area: Option<&str>, rules: RulesVersion) -> BatchHeader {
        BatchHeader {
            service: "S1".into(),
            period: "2024-03".into(),
            area: area.map(String::from),
            rules,
            data_version: "store-1/imports-0".into(),
            decided_at: "2024-03-01T00:00:00Z".into(),
        }
    }

    fn decision(key: &str, area: &str, income: i64, fee: i64, subjects: &[u16]) -> NewDecision {
        NewDecision {
            case_key: key.into(),
            area: area.into(),
            status: DecisionStatus::Decided,
            amount: Some(fee),
            result: json!({"total_monthly_fee": fee}),
            explanation: json!({"rule": "fee", "inputs": [income]}).to_string(),
            // Keys deliberately out of order: the digest must not depend on it.
            inputs: json!({"zone": "general", "income": {"amount": income, "year": 2022}}),
            subjects: subjects.iter().map(|&n| person(n)).collect(),
        }
    }

    fn batch() -> Vec<NewDecision> {
        vec![
            decision("a", "4601", 480_000, 2_000, &[1, 2]),
            decision("b", "4601", 300_000, 1_500, &[3]),
            decision("c", "4602", 200_000, 1_000, &[4, 5]),
        ]
    }

    #[test]
    fn a_rerun_with_unchanged_inputs_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DecisionStore::open(dir.path()).unwrap();
        let first = store
            .record_batch(header(None, rules("3000")), batch())
            .unwrap();
        assert_eq!((first.new.len(), first.unchanged), (3, 0));
        assert_eq!(store.count().unwrap(), 3);
        // The parallel path gives the same answer.
        let mut writer = store.begin_batch(header(None, rules("3000"))).unwrap();
        writer.record_all(batch()).unwrap();
        let second = writer.finish().unwrap();
        assert_eq!(second.unchanged, 3);
        assert!(second.new.is_empty() && second.changed.is_empty() && second.ended.is_empty());
        assert_eq!(store.count().unwrap(), 3);
        assert_eq!(second.stored_rows, 3);
        assert_eq!(
            second.batch_id, 0,
            "no batch row for a run that changed nothing"
        );
        let batches: i64 = store
            .connection
            .query_row("SELECT count(*) FROM batches", [], |r| r.get(0))
            .unwrap();
        assert_eq!(batches, 1);
        // Reopening reads the same history.
        drop(store);
        let store = DecisionStore::open(dir.path()).unwrap();
        let latest = store.latest("S1", "a", "2024-03").unwrap().unwrap();
        assert_eq!(latest.version, 1);
        assert_eq!(latest.amount, Some(2_000));
        assert_eq!(
            latest.inputs_digest,
            sha256_hex(br#"{"income":{"amount":480000,"year":2022},"zone":"general"}"#)
        );
        assert_eq!(latest.subjects, sorted(&[person(1), person(2)]));
    }

    #[test]
    fn a_changed_input_appends_a_version_and_names_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DecisionStore::open(dir.path()).unwrap();
        store
            .record_batch(header(None, rules("3000")), batch())
            .unwrap();
        let mut next = batch();
        next[1] = decision("b", "4601", 520_000, 2_000, &[3]);
        let report = store
            .record_batch(header(None, rules("3000")), next)
            .unwrap();
        assert_eq!(report.unchanged, 2);
        assert_eq!(report.changed.len(), 1);
        let change = &report.changed[0];
        assert_eq!(change.case_key, "b");
        assert_eq!(change.subjects, vec![person(3)]);
        assert_eq!((change.version_before, change.version_after), (Some(1), 2));
        assert_eq!(
            (change.amount_before, change.amount_after),
            (Some(1_500), Some(2_000))
        );
        assert_eq!(
            change.input_changes,
            vec![InputChange {
                path: vec!["income".into(), "amount".into()],
                before: Some(json!(300_000)),
                after: Some(json!(520_000)),
            }]
        );
        assert!(change.rules_changes.is_empty());
        let history = store.history("S1", "b", "2024-03").unwrap();
        assert_eq!(
            history.iter().map(|d| d.version).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(history[0].amount, Some(1_500), "history is never rewritten");
        assert_eq!(store.count().unwrap(), 4);
    }

    #[test]
    fn changed_rules_name_the_file_and_equal_results_stay_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DecisionStore::open(dir.path()).unwrap();
        store
            .record_batch(header(None, rules("3000")), batch())
            .unwrap();
        // A new rules version with the same inputs and results: nothing to write.
        let same = store
            .record_batch(header(None, rules("3000 ")), batch())
            .unwrap();
        assert_eq!(same.unchanged, 3);
        // A new makspris changes one fee.
        let mut next = batch();
        next[0].amount = Some(1_800);
        next[0].result = json!({"total_monthly_fee": 1_800});
        let report = store
            .record_batch(header(None, rules("1800")), next)
            .unwrap();
        let change = &report.changed[0];
        assert!(change.input_changes.is_empty());
        assert_eq!(change.rules_changes.len(), 1);
        assert_eq!(change.rules_changes[0].file, "parameters/makspris.yaml");
        assert!(!change.result_changed);
    }

    #[test]
    fn absent_cases_end_within_the_batch_area_and_history_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DecisionStore::open(dir.path()).unwrap();
        store
            .record_batch(header(None, rules("3000")), batch())
            .unwrap();
        // A batch for 4601 without case b: b ends, c (4602) is outside the batch's area.
        let only_a = vec![decision("a", "4601", 480_000, 2_000, &[1, 2])];
        let report = store
            .record_batch(header(Some("4601"), rules("3000")), only_a.clone())
            .unwrap();
        assert_eq!(report.unchanged, 1);
        assert_eq!(report.ended.len(), 1);
        assert_eq!(report.ended[0].case_key, "b");
        assert_eq!(report.ended[0].subjects, vec![person(3)]);
        let b = store.latest("S1", "b", "2024-03").unwrap().unwrap();
        assert_eq!((b.version, b.status), (2, DecisionStatus::Ended));
        assert_eq!(store.history("S1", "b", "2024-03").unwrap().len(), 2);
        assert_eq!(
            store.latest("S1", "c", "2024-03").unwrap().unwrap().status,
            DecisionStatus::Decided
        );
        // Ending is idempotent too.
        let again = store
            .record_batch(header(Some("4601"), rules("3000")), only_a)
            .unwrap();
        assert!(again.ended.is_empty());
        // The case comes back: a new version, marked as resumed.
        let back = store
            .record_batch(header(None, rules("3000")), batch())
            .unwrap();
        assert_eq!(back.changed.len(), 1);
        assert!(back.changed[0].resumed);
        assert_eq!(back.changed[0].version_after, 3);
    }

    #[test]
    fn a_failed_batch_leaves_the_store_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DecisionStore::open(dir.path()).unwrap();
        store
            .record_batch(header(None, rules("3000")), batch())
            .unwrap();
        let mut next = batch();
        next[0] = decision("a", "4601", 1, 0, &[1, 2]);
        next.push(decision("new", "4601", 1, 0, &[9]));
        next.push(decision("b", "4601", 1, 0, &[3]));
        let mut writer = store.begin_batch(header(None, rules("3000"))).unwrap();
        let err = writer.record_all(next).unwrap_err();
        drop(writer);
        assert!(
            matches!(err, DecisionStoreError::DuplicateCase { ref case_key, .. } if case_key == "b"),
            "{err}"
        );
        assert_eq!(store.count().unwrap(), 3);
        assert_eq!(
            store.latest("S1", "a", "2024-03").unwrap().unwrap().version,
            1
        );
        assert!(store.latest("S1", "new", "2024-03").unwrap().is_none());
        // A writer dropped without finishing (a crash) stores nothing either.
        {
            let mut writer = store.begin_batch(header(None, rules("3000"))).unwrap();
            writer.record(decision("x", "4601", 1, 0, &[7])).unwrap();
        }
        assert_eq!(store.count().unwrap(), 3);
        let n: i64 = store
            .connection
            .query_row("SELECT count(*) FROM batches", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        // And the rerun after the failure records exactly once.
        let report = store
            .record_batch(header(None, rules("3000")), batch())
            .unwrap();
        assert_eq!(report.unchanged, 3);
    }

    #[test]
    fn a_dry_run_reports_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DecisionStore::open(dir.path()).unwrap();
        let mut writer = store.begin_dry_run(header(None, rules("3000"))).unwrap();
        for d in batch() {
            writer.record(d).unwrap();
        }
        let report = writer.finish().unwrap();
        assert_eq!(report.new.len(), 3);
        assert_eq!(store.count().unwrap(), 0);
    }

    #[test]
    fn decisions_about_a_person_list_every_version_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DecisionStore::open(dir.path()).unwrap();
        store
            .record_batch(header(None, rules("3000")), batch())
            .unwrap();
        let mut later = header(None, rules("3000"));
        later.decided_at = "2024-03-02T00:00:00Z".into();
        let mut next = batch();
        next[0] = decision("a", "4601", 490_000, 2_000, &[1, 2]);
        store.record_batch(later, next).unwrap();
        let about = store.decisions_about(&person(2)).unwrap();
        assert_eq!(about.iter().map(|d| d.version).collect::<Vec<_>>(), [2, 1]);
        assert!(about.iter().all(|d| d.case_key == "a"));
        assert!(store.decisions_about(&person(40)).unwrap().is_empty());
    }

    #[test]
    fn ended_status_cannot_be_handed_in_and_canonical_json_sorts_keys() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DecisionStore::open(dir.path()).unwrap();
        let mut d = decision("a", "4601", 1, 1, &[1]);
        d.status = DecisionStatus::Ended;
        assert!(matches!(
            store.record_batch(header(None, rules("1")), vec![d]),
            Err(DecisionStoreError::EndedHandedIn { .. })
        ));
        assert_eq!(
            canonical_json(&json!({"b": [1, {"d": null, "c": "x"}], "a": true})),
            r#"{"a":true,"b":[1,{"c":"x","d":null}]}"#
        );
        let changes = diff_json(
            &json!({"children": {"1": {"hours": 45}}}),
            &json!({"children": {"1": {"hours": 30}, "2": {"hours": 45}}}),
        );
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[1].path, ["children", "2"]);
        assert_eq!(changes[1].before, None);
    }
}
