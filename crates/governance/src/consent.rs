//! Consent records for purposes whose legal basis is consent (GDPR art. 6(1)(a)).
//!
//! Why the access layer asks the store on every read instead of caching: a withdrawal must take
//! effect at once (art. 7(3)), so the next read after it must already be refused. Consents are
//! purpose-specific and may expire; subjects are stored as keyed pseudonyms of their own domain
//! (`samtykke`), so the consent table alone does not reveal who consented.

use crate::pseudonym::{Pseudonym, Pseudonymiser};
use chrono::{DateTime, Utc};
use identity::NationalId;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// File name of the consent store in the data directory.
pub const CONSENT_FILE: &str = "consent.sqlite";

/// What can go wrong with the consent store.
#[derive(Debug, thiserror::Error)]
pub enum ConsentError {
    /// The database reported an error.
    #[error("consent store {path}: {source}")]
    Database {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// An expiry before the time of giving.
    #[error("a consent cannot expire ({expires}) before it is given ({given})")]
    ExpiresBeforeGiven {
        /// Given.
        given: DateTime<Utc>,
        /// Expires.
        expires: DateTime<Utc>,
    },
}

/// One consent as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Row id.
    pub id: i64,
    /// Service id.
    pub service: String,
    /// Purpose id.
    pub purpose: String,
    /// When given.
    pub given_at: DateTime<Utc>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// When withdrawn, if it was.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl ConsentRecord {
    /// Whether the consent covers the moment `at`.
    pub fn valid_at(&self, at: DateTime<Utc>) -> bool {
        self.given_at <= at && at < self.expires_at && self.withdrawn_at.is_none_or(|w| at < w)
    }
}

/// How many subjects of a service and purpose are in each consent state at one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConsentTally {
    /// With a valid consent.
    pub valid: usize,
    /// Without a valid consent, having withdrawn one (opted out).
    pub withdrawn: usize,
    /// Without a valid consent, having one that expired (and was not withdrawn).
    pub expired: usize,
}

/// The consent store.
pub struct ConsentStore {
    conn: Connection,
    path: PathBuf,
    pseudonyms: Pseudonymiser,
}

impl ConsentStore {
    /// Opens (creating if needed) the store in `dir`.
    pub fn open(dir: &Path, pseudonyms: Pseudonymiser) -> Result<ConsentStore, ConsentError> {
        let path = dir.join(CONSENT_FILE);
        let db = |source| ConsentError::Database {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(db)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS consents(
                id INTEGER PRIMARY KEY,
                subject BLOB NOT NULL,
                service TEXT NOT NULL,
                purpose TEXT NOT NULL,
                given_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                withdrawn_at TEXT
            );
            CREATE INDEX IF NOT EXISTS consents_subject ON consents(subject, service, purpose);",
        )
        .map_err(db)?;
        Ok(ConsentStore {
            conn,
            path,
            pseudonyms,
        })
    }

    fn db<T>(&self, r: rusqlite::Result<T>) -> Result<T, ConsentError> {
        r.map_err(|source| ConsentError::Database {
            path: self.path.clone(),
            source,
        })
    }

    fn subject(&self, id: &NationalId) -> Pseudonym {
        self.pseudonyms.of(id)
    }

    /// Records a consent for one service and purpose, valid from `given` until `expires`.
    pub fn give(
        &self,
        subject: &NationalId,
        service: &str,
        purpose: &str,
        given: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<i64, ConsentError> {
        if expires <= given {
            return Err(ConsentError::ExpiresBeforeGiven { given, expires });
        }
        self.db(self.conn.execute(
            "INSERT INTO consents(subject, service, purpose, given_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                self.subject(subject).0.as_slice(),
                service,
                purpose,
                given.to_rfc3339(),
                expires.to_rfc3339()
            ],
        ))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records consents of many subjects for one service and purpose in one transaction (a
    /// one-by-one insert would wait for the disk once per person), withdrawn at `withdrawn` if
    /// given (a batch of people who consented and later opted out). Returns how many were
    /// recorded.
    pub fn give_batch(
        &self,
        subjects: &[NationalId],
        service: &str,
        purpose: &str,
        given: DateTime<Utc>,
        expires: DateTime<Utc>,
        withdrawn: Option<DateTime<Utc>>,
    ) -> Result<usize, ConsentError> {
        if expires <= given {
            return Err(ConsentError::ExpiresBeforeGiven { given, expires });
        }
        let pseudonyms: Vec<Pseudonym> = subjects.iter().map(|s| self.subject(s)).collect();
        let (given, expires) = (given.to_rfc3339(), expires.to_rfc3339());
        let withdrawn = withdrawn.map(|w| w.to_rfc3339());
        let path = self.path.clone();
        let db = |source| ConsentError::Database {
            path: path.clone(),
            source,
        };
        // `&self` like the other writers: the store is one connection used from one thread.
        let tx = self.conn.unchecked_transaction().map_err(db)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO consents(subject, service, purpose, given_at, expires_at, withdrawn_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(db)?;
            for p in &pseudonyms {
                insert
                    .execute(params![
                        p.0.as_slice(),
                        service,
                        purpose,
                        given,
                        expires,
                        withdrawn
                    ])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        Ok(pseudonyms.len())
    }

    /// Counts, without naming anyone, the subjects of a service and purpose whose consent is
    /// valid, withdrawn or expired at `at` (a subject with a valid consent counts only as
    /// valid, whatever older records say).
    pub fn tally(
        &self,
        service: &str,
        purpose: &str,
        at: DateTime<Utc>,
    ) -> Result<ConsentTally, ConsentError> {
        let now = at.to_rfc3339();
        self.db(self.conn.query_row(
            "SELECT
                COALESCE(SUM(valid), 0),
                COALESCE(SUM(NOT valid AND withdrawn), 0),
                COALESCE(SUM(NOT valid AND NOT withdrawn AND expired), 0)
             FROM (
                SELECT subject,
                    MAX(given_at <= ?3 AND expires_at > ?3 AND (withdrawn_at IS NULL OR withdrawn_at > ?3)) AS valid,
                    MAX(withdrawn_at IS NOT NULL AND withdrawn_at <= ?3) AS withdrawn,
                    MAX(expires_at <= ?3) AS expired
                FROM consents WHERE service = ?1 AND purpose = ?2 GROUP BY subject
             )",
            params![service, purpose, now],
            |r| {
                Ok(ConsentTally {
                    valid: r.get::<_, i64>(0)? as usize,
                    withdrawn: r.get::<_, i64>(1)? as usize,
                    expired: r.get::<_, i64>(2)? as usize,
                })
            },
        ))
    }

    /// Withdraws every open consent of `subject` for the service and purpose at `at`. Returns
    /// how many were withdrawn.
    pub fn withdraw(
        &self,
        subject: &NationalId,
        service: &str,
        purpose: &str,
        at: DateTime<Utc>,
    ) -> Result<usize, ConsentError> {
        self.db(self.conn.execute(
            "UPDATE consents SET withdrawn_at = ?4 WHERE subject = ?1 AND service = ?2 AND purpose = ?3 AND withdrawn_at IS NULL",
            params![self.subject(subject).0.as_slice(), service, purpose, at.to_rfc3339()],
        ))
    }

    /// The consents of a person, newest first.
    pub fn of(&self, subject: &NationalId) -> Result<Vec<ConsentRecord>, ConsentError> {
        let p = self.subject(subject);
        let rows = self.db(
            self.conn
                .prepare_cached(
                    "SELECT id, service, purpose, given_at, expires_at, withdrawn_at FROM consents WHERE subject = ?1 ORDER BY id DESC",
                )
                .and_then(|mut s| {
                    s.query_map([p.0.as_slice()], |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, Option<String>>(5)?,
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()
                }),
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, service, purpose, given, expires, withdrawn)| {
                Some(ConsentRecord {
                    id,
                    service,
                    purpose,
                    given_at: parse_time(&given)?,
                    expires_at: parse_time(&expires)?,
                    withdrawn_at: withdrawn.as_deref().and_then(parse_time),
                })
            })
            .collect())
    }

    /// Whether `subject` has a valid consent for the service and purpose at `at`.
    pub fn valid(
        &self,
        subject: &NationalId,
        service: &str,
        purpose: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, ConsentError> {
        Ok(self
            .of(subject)?
            .iter()
            .any(|c| c.service == service && c.purpose == purpose && c.valid_at(at)))
    }

    /// The pseudonyms of everyone with a valid consent for the service and purpose at `at`.
    pub fn valid_subjects(
        &self,
        service: &str,
        purpose: &str,
        at: DateTime<Utc>,
    ) -> Result<HashSet<Pseudonym>, ConsentError> {
        let now = at.to_rfc3339();
        let rows: Vec<Vec<u8>> = self.db(
            self.conn
                .prepare_cached(
                    "SELECT subject FROM consents WHERE service = ?1 AND purpose = ?2 AND given_at <= ?3 AND expires_at > ?3 AND (withdrawn_at IS NULL OR withdrawn_at > ?3)",
                )
                .and_then(|mut s| {
                    s.query_map(params![service, purpose, now], |r| r.get(0))?
                        .collect()
                }),
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|b| <[u8; 32]>::try_from(b.as_slice()).ok().map(Pseudonym))
            .collect())
    }

    /// The pseudonymiser of the consent domain.
    pub fn pseudonymiser(&self) -> &Pseudonymiser {
        &self.pseudonyms
    }
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Looks up a consent row by id (for tests and the API's consent tokens).
pub fn exists(store: &ConsentStore, id: i64) -> Result<bool, ConsentError> {
    store.db(store
        .conn
        .query_row("SELECT 1 FROM consents WHERE id = ?1", [id], |_| Ok(()))
        .optional()
        .map(|o| o.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_batch_is_recorded_and_the_tally_counts_each_subject_once() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            ConsentStore::open(dir.path(), Pseudonymiser::new("samtykke", &[7; 32])).unwrap();
        let ids: Vec<NationalId> = ["17912099997", "31129956715", "02013299997"]
            .iter()
            .map(|s| NationalId::parse(s).unwrap())
            .collect();
        let t = |y| Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            store
                .give_batch(&ids[..2], "S5", "p", t(2024), t(2030), None)
                .unwrap(),
            2
        );
        assert!(store
            .give_batch(&ids, "S5", "p", t(2030), t(2024), None)
            .is_err());
        // The third consented and opted out in 2025, in a batch of her own.
        store
            .give_batch(&ids[2..], "S5", "p", t(2024), t(2030), Some(t(2025)))
            .unwrap();
        // The first withdraws, then consents again: valid, counted once.
        store.withdraw(&ids[0], "S5", "p", t(2025)).unwrap();
        store.give(&ids[0], "S5", "p", t(2025), t(2030)).unwrap();
        let tally = store.tally("S5", "p", t(2026)).unwrap();
        assert_eq!(
            tally,
            ConsentTally {
                valid: 2,
                withdrawn: 1,
                expired: 0
            }
        );
        assert_eq!(store.valid_subjects("S5", "p", t(2026)).unwrap().len(), 2);
        assert!(!store.valid(&ids[2], "S5", "p", t(2026)).unwrap());
        let later = store.tally("S5", "p", t(2031)).unwrap();
        // Once everything has expired, a subject who ever withdrew counts as withdrawn.
        assert_eq!(later.valid, 0);
        assert_eq!(later.withdrawn, 2);
        assert_eq!(later.expired, 1);
        assert_eq!(
            store.tally("S7", "p", t(2026)).unwrap(),
            ConsentTally::default()
        );
    }
}
