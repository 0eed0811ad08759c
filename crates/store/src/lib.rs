//! Storage of the national registers.
//!
//! Two jobs, two modules:
//!
//! * [`SqliteStore`], the embedded default: one SQLite file per register under the data
//!   directory (`./data/` unless `--data DIR` or `MULIGHETSROM_DATA` says otherwise), created on
//!   first use, with numbered schema migrations. A whole population is replaced by writing a new
//!   generation of files in parallel and switching a `CURRENT` pointer atomically. It implements [`RegisterStore`], the narrow
//!   interface the rest of the platform uses, so a PostgreSQL backend for multi-user deployments can
//!   be added beside it without touching the services.
//! * the exchange functions ([`read_table`], [`write_table`]): CSV and Parquet files with exactly the
//!   columns documented in [`registers::REGISTERS`], where reading validates every row and reports a
//!   bad one with its line and reason instead of stopping or guessing.
//!
//! Why imports are all-or-nothing: a register import that half-succeeded leaves a population where
//! some households have incomes and some do not, which every fee decision would silently get wrong.
//! [`RegisterStore::import`] therefore runs in one transaction; a key that already exists aborts it
//! and leaves the store exactly as it was, so an interrupted or repeated import can be rerun
//! without creating duplicates.
//!
//! * [`DecisionStore`], the decisions the services make (`data/decisions.sqlite`, outside the
//!   register generations so that it survives regeneration): append-only versions per case with
//!   explanation, canonical inputs and their digest, rules and data versions, and a subject index
//!   for "every decision about this person".
//!
//! **Must not depend on:** the terminal, HTTP, or any service crate.
//!
//! ```
//! use store::{RegisterStore, SqliteStore};
//! let dir = tempfile::tempdir().unwrap();
//! let store = SqliteStore::open(dir.path()).unwrap();
//! assert_eq!(store.counts().unwrap().total(), 0);
//! ```
#![deny(missing_docs)]

mod decisions;
mod exchange;
mod rows;
mod sqlite;

pub use decisions::{
    canonical_json, diff_json, sha256_hex, BatchHeader, BatchReport, BatchWriter, CaseChange,
    CaseSummary, ChangeKind, DecisionStatus, DecisionStore, DecisionStoreError, InputChange,
    NewDecision, RulesFileChange, RulesVersion, StoredDecision, DECISIONS_FILE,
    DECISIONS_SCHEMA_VERSION,
};

pub use exchange::*;
pub use rows::{TableRows, TableSlice, TABLES};
pub use sqlite::{SqliteStore, CURRENT_FILE, SCHEMA_VERSION};

use registers::{RegisterCounts, Registers};

/// Metadata about the population held in a store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreMetadata {
    /// Reference date of the registers (ISO date).
    pub reference_date: Option<String>,
    /// How the population came about, e.g. `generate --county 46 --seed 7`.
    pub origin: Option<String>,
}

/// What can go wrong in a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be created or opened.
    #[error("cannot use data directory {path}: {source}")]
    Directory {
        /// The directory.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The database reported an error.
    #[error("database {path}: {source}")]
    Database {
        /// The database file.
        path: std::path::PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// A row being imported already exists (or appears twice); nothing was imported.
    #[error("{table}: a row with key {key} already exists in the store; nothing was imported (remove the row from the file, or start from an empty data directory)")]
    Conflict {
        /// The table.
        table: &'static str,
        /// The key, e.g. the person id masked.
        key: String,
    },
    /// A stored value cannot be read back into the register model (the file was edited by hand).
    #[error("{table}: stored value is invalid: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `CURRENT` names a generation directory that is not there (files removed by hand).
    #[error("the store's CURRENT file names {path}, which does not exist; restore it from a backup, or remove the data directory and generate or import again")]
    MissingGeneration {
        /// The missing directory.
        path: std::path::PathBuf,
    },
    /// The database was written by a newer version of the platform.
    #[error("database schema version {found} is newer than this program understands ({supported}); upgrade mulighetsrom")]
    TooNew {
        /// Version in the file.
        found: u32,
        /// Newest version known here.
        supported: u32,
    },
}

/// The narrow interface to register storage that services and interfaces use.
pub trait RegisterStore {
    /// Replaces every register table with `registers`, atomically: afterwards the store holds
    /// exactly `registers`, and on any error it holds exactly what it held before.
    /// `progress(table, rows_written)` is called as tables finish (possibly from several threads).
    fn replace_all(
        &mut self,
        registers: &Registers,
        metadata: &StoreMetadata,
        progress: &(dyn Fn(&str, usize) + Sync),
    ) -> Result<(), StoreError>;

    /// Reads every register.
    fn load(&self) -> Result<Registers, StoreError>;

    /// Adds rows to one table in one transaction; on any conflict nothing is added.
    fn import(&mut self, rows: &TableRows) -> Result<usize, StoreError>;

    /// Row counts per table.
    fn counts(&self) -> Result<RegisterCounts, StoreError>;

    /// The version of the stored data, e.g. `store-3/imports-2`: the generation written by the
    /// last `replace_all` and the number of imports since. Decisions record it, so a decision
    /// names the data it was made from.
    fn data_version(&self) -> Result<String, StoreError>;

    /// Metadata about the stored population.
    fn metadata(&self) -> Result<StoreMetadata, StoreError>;
}
