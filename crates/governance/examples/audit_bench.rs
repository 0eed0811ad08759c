//! Audit-log benchmark: durable appends per second, then inclusion-proof generation and
//! verification times at the final size.
//!
//! `cargo run --release -p governance --example audit_bench -- DIR ENTRIES [BATCH]`
//!
//! Entries are per-subject access entries (the bulk of a real log: one per person a batch read
//! touches), each with a fresh pseudonym. The log is committed (fsync'd, signed checkpoint) every
//! BATCH entries (default 65 536). Proof times are medians over 10 000 random entries.

use governance::audit::{merkle, AuditLog, Entry, EntryBody, Outcome};
use governance::keys::KeyRing;
use governance::pseudonym::Pseudonymiser;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(
        args.get(1)
            .ok_or("usage: audit_bench DIR ENTRIES [BATCH]")?,
    );
    let n: u64 = args.get(2).ok_or("ENTRIES missing")?.parse()?;
    let batch: usize = args.get(3).map_or(Ok(65_536), |b| b.parse())?;
    std::fs::create_dir_all(&dir)?;
    let keys = KeyRing::open(&dir.join("keys"))?;
    let p = Pseudonymiser::new("audit", &keys.pseudonym_key("audit")?);
    let mut log = AuditLog::open(&dir, keys.signing_key()?, p.clone())?;
    log.set_batch_size(batch);
    let start_size = log.size();
    let event = merkle::hex(&[7u8; 32]);
    let time = chrono::Utc::now();
    // The synthetic persons are made before the clock starts: the benchmark times the log
    // (pseudonymising, serialising, hashing, storing), not the test-data generator.
    let mut id = identity::SyntheticAllocator::new();
    let mut persons = Vec::with_capacity(n as usize);
    for i in 0..n {
        let birth = chrono::NaiveDate::from_ymd_opt(1940, 1, 1).ok_or("date")?
            + chrono::Days::new(i % 25_000);
        let sex = if i % 2 == 0 {
            identity::Sex::Female
        } else {
            identity::Sex::Male
        };
        persons.push(id.allocate(birth, sex)?);
    }
    let sampled: Vec<_> = persons
        .iter()
        .step_by((n as usize / 100).max(1))
        .copied()
        .collect();
    let t = Instant::now();
    for person in &persons {
        log.append(&Entry::new(
            time,
            EntryBody::Subject {
                subject: p.of(person).to_hex(),
                event: event.clone(),
                outcome: Outcome::Allowed,
            },
        ))?;
    }
    log.commit()?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "appended {n} entries (log {start_size} -> {}) in {secs:.2} s: {:.0} appends/s (batch {batch}, durable)",
        log.size(),
        n as f64 / secs
    );
    let size = log.size();
    let note = log.latest_checkpoint()?.ok_or("no checkpoint")?;
    let (name, key) = (log.origin().to_owned(), log.verifying_key());
    let cp = governance::audit::Checkpoint::verify(&note, &name, &key)?;
    let mut gen = Vec::new();
    let mut ver = Vec::new();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let index = x % size;
        let t = Instant::now();
        let proof = log.prove(index)?;
        gen.push(t.elapsed().as_secs_f64() * 1e6);
        let path: Vec<merkle::Hash> = proof
            .path
            .iter()
            .filter_map(|h| merkle::parse_hex(h))
            .collect();
        let t = Instant::now();
        let leaf = merkle::leaf_hash(proof.entry.as_bytes());
        merkle::verify_inclusion(&leaf, index, size, &path, &cp.root)?;
        ver.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let mut lookups = Vec::new();
    for person in &sampled {
        let t = Instant::now();
        let found = log.entries_about(&p.of(person))?;
        lookups.push(t.elapsed().as_secs_f64() * 1e3);
        if found.is_empty() {
            return Err(format!("no entries found for a sampled person at {size}").into());
        }
    }
    lookups.sort_by(f64::total_cmp);
    println!(
        "per-person look-up (innsyn index) at {size} entries: median {:.2} ms over {} persons",
        lookups[lookups.len() / 2],
        lookups.len()
    );
    gen.sort_by(f64::total_cmp);
    ver.sort_by(f64::total_cmp);
    println!(
        "inclusion proofs at {size} entries: generate median {:.1} µs (p99 {:.1}), verify median {:.1} µs (p99 {:.1})",
        gen[gen.len() / 2],
        gen[gen.len() * 99 / 100],
        ver[ver.len() / 2],
        ver[ver.len() * 99 / 100]
    );
    Ok(())
}
