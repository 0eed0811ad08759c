//! The audit log end to end: proofs checked by an independent RFC 9162 verifier written here,
//! and tampering with the stored file caught by `verify`.

use governance::audit::{
    verify, AccessEvent, AuditLog, Checkpoint, Entry, EntryBody, InclusionProof, Outcome,
};
use governance::keys::KeyRing;
use governance::pseudonym::Pseudonymiser;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::path::Path;

type H = [u8; 32];

// ---- An independent RFC 9162 verifier, written from the definitions in § 2.1 (not from the
// ---- iterative algorithms the library uses): it rebuilds roots by the recursive PATH and
// ---- SUBPROOF definitions.

fn sha(parts: &[&[u8]]) -> H {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn leaf(entry: &[u8]) -> H {
    sha(&[&[0], entry])
}

fn node(l: &H, r: &H) -> H {
    sha(&[&[1], l, r])
}

fn k_of(n: u64) -> u64 {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The root implied by PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) when m < k, else
/// PATH(m - k, D[k:n]) : MTH(D[0:k]).
fn root_from_path(leaf: H, m: u64, n: u64, path: &[H]) -> Option<H> {
    if n == 1 {
        return path.is_empty().then_some(leaf);
    }
    let (last, rest) = path.split_last()?;
    let k = k_of(n);
    if m < k {
        Some(node(&root_from_path(leaf, m, k, rest)?, last))
    } else {
        Some(node(last, &root_from_path(leaf, m - k, n - k, rest)?))
    }
}

/// (old root, new root) implied by SUBPROOF(m, D[n], b).
fn roots_from_subproof(m: u64, n: u64, b: bool, old_root: &H, proof: &[H]) -> Option<(H, H)> {
    if m == n {
        if b {
            return proof.is_empty().then_some((*old_root, *old_root));
        }
        let (h, rest) = proof.split_last()?;
        return rest.is_empty().then_some((*h, *h));
    }
    let (last, rest) = proof.split_last()?;
    let k = k_of(n);
    if m <= k {
        let (o, r) = roots_from_subproof(m, k, b, old_root, rest)?;
        Some((o, node(&r, last)))
    } else {
        let (o, r) = roots_from_subproof(m - k, n - k, false, old_root, rest)?;
        Some((node(last, &o), node(last, &r)))
    }
}

fn unhex(s: &str) -> H {
    let mut out = [0u8; 32];
    for i in 0..32 {
        out[i] = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

/// Checks a proof as a third party would: the note's signature with the published key, the
/// leaf hash from the entry text, and the path to the signed root.
fn third_party_check(proof: &InclusionProof) -> bool {
    let Some((name, key)) = governance::audit::checkpoint::parse_verifier_key(&proof.verifier_key)
    else {
        return false;
    };
    let Ok(cp) = Checkpoint::verify(&proof.checkpoint, &name, &key) else {
        return false;
    };
    let l = leaf(proof.entry.as_bytes());
    let path: Vec<H> = proof.path.iter().map(|h| unhex(h)).collect();
    cp.size == proof.tree_size && root_from_path(l, proof.index, cp.size, &path) == Some(cp.root)
}

// ---- Fixtures.

fn open(dir: &Path) -> AuditLog {
    let keys = KeyRing::open(&dir.join("keys")).unwrap();
    let p = Pseudonymiser::new("audit", &keys.pseudonym_key("audit").unwrap());
    AuditLog::open(dir, keys.signing_key().unwrap(), p).unwrap()
}

fn event(i: u64) -> Entry {
    Entry::new(
        chrono::DateTime::from_timestamp(1_700_000_000 + i as i64, 0).unwrap(),
        EntryBody::Access(AccessEvent {
            service: "S1".into(),
            controller: "964338531".into(),
            controller_name: "Bergen kommune".into(),
            purpose: "redusert-foreldrebetaling".into(),
            legal_basis: "forskrift om foreldrebetaling i barnehager § 3".into(),
            elements: vec!["barnehage.opptak".into()],
            scope: format!("request {i}"),
            outcome: if i.is_multiple_of(7) {
                Outcome::Denied
            } else {
                Outcome::Allowed
            },
            reason: None,
            subjects: 1,
            channel: "test".into(),
        }),
    )
}

fn key_of(log: &AuditLog) -> (String, ed25519_dalek::VerifyingKey) {
    (log.origin().to_owned(), log.verifying_key())
}

fn verify_ok(log: &AuditLog) -> governance::audit::VerifyReport {
    let (name, key) = key_of(log);
    verify(log, &name, &key, |_| {}).unwrap()
}

/// A log of `n` entries appended in uneven batches, reopened in between.
fn build(dir: &Path, n: u64) {
    let mut log = open(dir);
    log.set_batch_size(37);
    for i in 0..n {
        log.append(&event(i)).unwrap();
        if i == n / 3 {
            log.commit().unwrap();
            drop(log);
            log = open(dir);
            log.set_batch_size(37);
        }
    }
    log.commit().unwrap();
}

#[test]
fn every_entry_has_a_proof_a_third_party_can_check() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), 300);
    let log = open(dir.path());
    assert_eq!(log.size(), 300);
    let report = verify_ok(&log);
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.entries, 300);
    for i in 0..300 {
        let proof = log.prove(i).unwrap();
        assert!(third_party_check(&proof), "entry {i}");
        let mut forged = proof.clone();
        forged.entry = forged.entry.replace("S1", "S2");
        assert!(!third_party_check(&forged), "forged entry {i} passed");
    }
}

#[test]
fn checkpoints_are_consistent_by_an_independent_verifier() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), 200);
    let log = open(dir.path());
    let conn = Connection::open(dir.path().join("audit.sqlite")).unwrap();
    let sizes: Vec<u64> = conn
        .prepare("SELECT size FROM checkpoints ORDER BY size")
        .unwrap()
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|s| s.unwrap() as u64)
        .collect();
    assert!(sizes.len() >= 5, "{sizes:?}");
    let new_root = log.root_at(log.size()).unwrap();
    for old in sizes {
        let proof = log.prove_consistency(old).unwrap();
        let path: Vec<H> = proof.path.iter().map(|h| unhex(h)).collect();
        let old_root = log.root_at(old).unwrap();
        if old == log.size() {
            assert!(path.is_empty());
            continue;
        }
        let (o, r) = roots_from_subproof(old, log.size(), true, &old_root, &path)
            .unwrap_or_else(|| panic!("malformed proof {old}"));
        assert_eq!((o, r), (old_root, new_root), "old size {old}");
        governance::audit::merkle::verify_consistency(old, log.size(), &old_root, &new_root, &path)
            .unwrap();
    }
}

fn tamper(dir: &Path, sql: &str) -> Vec<String> {
    let conn = Connection::open(dir.join("audit.sqlite")).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    // Reopening may itself notice (the right edge no longer adds up); that counts as caught.
    let keys = KeyRing::open(&dir.join("keys")).unwrap();
    let p = Pseudonymiser::new("audit", &keys.pseudonym_key("audit").unwrap());
    match AuditLog::open(dir, keys.signing_key().unwrap(), p) {
        Err(e) => vec![e.to_string()],
        Ok(log) => verify_ok(&log).problems,
    }
}

#[test]
fn a_single_modified_byte_in_any_entry_hash_or_checkpoint_is_caught() {
    let n = 70u64;
    let base = tempfile::tempdir().unwrap();
    build(base.path(), n);
    let copy = |name: &str| {
        let d = base.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        let conn = Connection::open(base.path().join("audit.sqlite")).unwrap();
        conn.execute("VACUUM INTO ?1", [d.join("audit.sqlite").to_str().unwrap()])
            .unwrap();
        copy_keys(base.path(), &d);
        d
    };
    // Every byte position of a few entries, one at a time.
    for idx in [0u64, 1, 36, 69] {
        let len: i64 = Connection::open(base.path().join("audit.sqlite"))
            .unwrap()
            .query_row(
                "SELECT length(entry) FROM entries WHERE idx = ?1",
                [idx as i64],
                |r| r.get(0),
            )
            .unwrap();
        for pos in (1..=len).step_by(7) {
            let d = copy(&format!("e{idx}-{pos}"));
            let conn = Connection::open(d.join("audit.sqlite")).unwrap();
            let mut bytes: Vec<u8> = conn
                .query_row(
                    "SELECT entry FROM entries WHERE idx = ?1",
                    [idx as i64],
                    |r| r.get(0),
                )
                .unwrap();
            bytes[(pos - 1) as usize] ^= 0x01;
            conn.execute(
                "UPDATE entries SET entry = ?1 WHERE idx = ?2",
                rusqlite::params![bytes, idx as i64],
            )
            .unwrap();
            drop(conn);
            let problems = tamper(&d, "SELECT 1;");
            assert!(
                !problems.is_empty(),
                "byte {pos} of entry {idx} changed unnoticed"
            );
            std::fs::remove_dir_all(&d).unwrap();
        }
    }
    // A byte of a stored tree hash, at every stored level (above level 0 only complete
    // chunks of 256 are stored, so this needs a larger log: 2 100 entries store levels 0–3).
    let big = tempfile::tempdir().unwrap();
    build(big.path(), 2100);
    for level in 0..4 {
        let d = big.path().join(format!("h{level}"));
        std::fs::create_dir_all(&d).unwrap();
        Connection::open(big.path().join("audit.sqlite"))
            .unwrap()
            .execute("VACUUM INTO ?1", [d.join("audit.sqlite").to_str().unwrap()])
            .unwrap();
        copy_keys(big.path(), &d);
        let conn = Connection::open(d.join("audit.sqlite")).unwrap();
        let changed = conn
            .execute(
                &format!(
                    "UPDATE hashes SET data = randomblob(1) || substr(data, 2) WHERE level = {level} AND chunk = 0"
                ),
                [],
            )
            .unwrap();
        assert_eq!(changed, 1, "level {level} has a stored chunk");
        drop(conn);
        let problems = tamper(&d, "SELECT 1;");
        assert!(
            !problems.is_empty(),
            "hash at level {level} changed unnoticed"
        );
    }
    // A byte of a checkpoint note (the root line), and a forged later checkpoint.
    let d = copy("cp");
    let problems = tamper(
        &d,
        "UPDATE checkpoints SET note = replace(note, substr(note, instr(note, char(10)) + 1, 1), '9') WHERE size = (SELECT MAX(size) FROM checkpoints);",
    );
    assert!(!problems.is_empty(), "checkpoint change unnoticed");
    // The event index column.
    let d = copy("idx");
    let problems = tamper(&d, "UPDATE entries SET event = NULL WHERE idx = 3;");
    assert!(!problems.is_empty());
}

#[test]
fn removed_reordered_and_inserted_entries_are_caught() {
    let base = tempfile::tempdir().unwrap();
    build(base.path(), 50);
    let cases = [
        ("removed", "DELETE FROM entries WHERE idx = 10;"),
        ("removed-last", "DELETE FROM entries WHERE idx = 49;"),
        (
            "reordered",
            "UPDATE entries SET idx = -1 WHERE idx = 3; UPDATE entries SET idx = 3 WHERE idx = 4; UPDATE entries SET idx = 4 WHERE idx = -1;",
        ),
        (
            "inserted",
            "UPDATE entries SET idx = idx + 1000 WHERE idx >= 20; UPDATE entries SET idx = idx - 999 WHERE idx >= 1000; INSERT INTO entries(idx, entry) SELECT 20, entry FROM entries WHERE idx = 5;",
        ),
        (
            "appended",
            "INSERT INTO entries(idx, entry, event) SELECT 50, entry, event FROM entries WHERE idx = 5;",
        ),
    ];
    for (name, sql) in cases {
        let d = base.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        Connection::open(base.path().join("audit.sqlite"))
            .unwrap()
            .execute("VACUUM INTO ?1", [d.join("audit.sqlite").to_str().unwrap()])
            .unwrap();
        copy_keys(base.path(), &d);
        let problems = tamper(&d, sql);
        assert!(!problems.is_empty(), "{name} unnoticed");
    }
}

#[test]
fn a_flipped_byte_in_the_raw_file_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), 40);
    // Find an entry's bytes in the database file itself and flip one bit in the middle.
    let file = dir.path().join("audit.sqlite");
    let conn = Connection::open(&file).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let entry: Vec<u8> = conn
        .query_row("SELECT entry FROM entries WHERE idx = 17", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    let mut raw = std::fs::read(&file).unwrap();
    let at = raw
        .windows(entry.len())
        .position(|w| w == entry.as_slice())
        .expect("entry bytes are in the file");
    raw[at + entry.len() / 2] ^= 0x04;
    std::fs::write(&file, raw).unwrap();
    let problems = tamper(dir.path(), "SELECT 1;");
    assert!(!problems.is_empty(), "raw byte flip unnoticed");
}

fn copy_keys(from: &Path, to: &Path) {
    let k = to.join("keys");
    std::fs::create_dir_all(&k).unwrap();
    for f in std::fs::read_dir(from.join("keys")).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), k.join(f.file_name())).unwrap();
    }
}

#[test]
fn erased_payloads_keep_the_log_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = open(dir.path());
    let id = identity::NationalId::parse("17912099997").unwrap();
    let hash = log.put_payload(b"{\"fee\":1234}").unwrap();
    log.append(&Entry::new(
        chrono::Utc::now(),
        EntryBody::Decision {
            subject: log.pseudonym(&id).to_hex(),
            service: "S1".into(),
            payload: governance::audit::merkle::hex(&hash),
        },
    ))
    .unwrap();
    log.commit().unwrap();
    assert_eq!(log.entries_about(&log.pseudonym(&id)).unwrap().len(), 1);
    assert_eq!(verify_ok(&log).payloads, 1);
    // Hiding the entry from the person's index is caught.
    let conn = Connection::open(dir.path().join("audit.sqlite")).unwrap();
    conn.execute("DELETE FROM subjects", []).unwrap();
    assert!(!verify_ok(&log).ok());
    conn.execute(
        "INSERT INTO subjects(part, subject, idx) VALUES (0, ?1, 0)",
        [log.pseudonym(&id).index_key()],
    )
    .unwrap();
    drop(conn);
    assert!(log.erase_payload(&hash, "retention ended").unwrap());
    let report = verify_ok(&log);
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.erased_payloads, 1);
    // Deleting a payload behind the log's back (no erasure record) is reported.
    let hash2 = log.put_payload(b"other").unwrap();
    log.append(&Entry::new(
        chrono::Utc::now(),
        EntryBody::Decision {
            subject: log.pseudonym(&id).to_hex(),
            service: "S1".into(),
            payload: governance::audit::merkle::hex(&hash2),
        },
    ))
    .unwrap();
    log.commit().unwrap();
    Connection::open(dir.path().join("audit.sqlite"))
        .unwrap()
        .execute("DELETE FROM payloads", [])
        .unwrap();
    assert!(!verify_ok(&log).ok());
}

#[test]
fn two_writers_on_one_file_stay_one_consistent_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(dir.path());
    let mut b = open(dir.path());
    for i in 0..25 {
        a.append(&event(i)).unwrap();
        b.append(&event(100 + i)).unwrap();
        if i % 5 == 4 {
            a.commit().unwrap();
            b.commit().unwrap();
        }
    }
    a.commit().unwrap();
    b.commit().unwrap();
    let log = open(dir.path());
    assert_eq!(log.size(), 50);
    let report = verify_ok(&log);
    assert!(report.ok(), "{:?}", report.problems);
}
