//! What one audit-log entry says.
//!
//! Entries are JSON, written once and hashed as stored: the log never re-serialises an entry, so
//! the bytes a verifier hashes are exactly the bytes that were appended. No entry holds an
//! identity number — subjects appear only as keyed pseudonyms ([`crate::pseudonym`]) — and nothing
//! that may one day have to be erased: decision texts are referenced by the SHA-256 of a payload
//! kept in a deletable store.

use serde::{Deserialize, Serialize};

/// Whether a read was allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The access layer delivered the data.
    Allowed,
    /// The access layer refused; nothing was delivered.
    Denied,
}

/// One request for register data, as the access layer judged it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEvent {
    /// The service that asked (manifest id, e.g. `S1`), or the API client.
    pub service: String,
    /// Organisation number of the controller on whose behalf the read was made.
    pub controller: String,
    /// Name of the controller.
    pub controller_name: String,
    /// The declared purpose.
    pub purpose: String,
    /// The legal basis cited (title and URL).
    pub legal_basis: String,
    /// The data elements asked for (names from the element catalogue).
    pub elements: Vec<String>,
    /// What the read covered: `subjects`, `municipality 4601`, `all`.
    pub scope: String,
    /// Allowed or denied.
    pub outcome: Outcome,
    /// Why a read was denied (the element and the manifest, the missing consent …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Number of persons whose data the read concerned.
    pub subjects: u64,
    /// The channel: `cli`, `api`, `batch`.
    pub channel: String,
}

/// The body of an entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryBody {
    /// A read request (allowed or denied).
    Access(AccessEvent),
    /// One person touched by a read request: the per-subject index answers GDPR art. 15 from
    /// these.
    Subject {
        /// Keyed pseudonym of the person (hex).
        subject: String,
        /// Leaf hash (hex) of the access event this person was part of.
        event: String,
        /// Allowed or denied for this person (consent can differ per person).
        outcome: Outcome,
    },
    /// A decision about a person was made and stored.
    Decision {
        /// Keyed pseudonym of the person (hex).
        subject: String,
        /// The service.
        service: String,
        /// SHA-256 (hex) of the decision payload in the deletable payload store.
        payload: String,
    },
}

/// One entry: a version, a time and a body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Format version.
    pub v: u32,
    /// When the entry was made (RFC 3339, UTC).
    pub time: String,
    /// What happened.
    #[serde(flatten)]
    pub body: EntryBody,
}

impl Entry {
    /// A version-1 entry stamped with `time`.
    pub fn new(time: chrono::DateTime<chrono::Utc>, body: EntryBody) -> Entry {
        Entry {
            v: 1,
            time: time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            body,
        }
    }

    /// The bytes that are stored and hashed.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain strings, integers and enums cannot fail.
        serde_json::to_vec(self).expect("entries serialise")
    }

    /// Parses stored bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Entry, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The pseudonym (hex) of the person this entry is about, if any.
    pub fn subject(&self) -> Option<&str> {
        match &self.body {
            EntryBody::Access(_) => None,
            EntryBody::Subject { subject, .. } | EntryBody::Decision { subject, .. } => {
                Some(subject)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_carry_their_kind() {
        let e = Entry::new(
            chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            EntryBody::Subject {
                subject: "ab".repeat(32),
                event: "cd".repeat(32),
                outcome: Outcome::Denied,
            },
        );
        let bytes = e.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.starts_with(r#"{"v":1,"time":"2023-11-14T22:13:20.000Z","kind":"subject""#),
            "{text}"
        );
        assert_eq!(Entry::from_bytes(&bytes).unwrap(), e);
    }
}
