//! The access layer for many concurrent callers: judged in parallel, logged by group commit.
//!
//! [`AccessLayer`](crate::AccessLayer) commits the audit log (an fsync) on every read and needs
//! `&mut self`, so a server would serialise every request behind one lock held across the fsync.
//! [`SharedAccess`] splits the read in two:
//!
//! * **judging** — manifest check, consent check, projection through the per-person index, and
//!   building the log entries — runs on the caller's thread with `&self` (the registers are
//!   immutable once loaded; only the consent store sits behind a mutex, taken only for
//!   consent-based purposes and never across an fsync);
//! * **logging** runs on one writer thread that owns the [`AuditLog`]. It takes every job queued
//!   while it was busy, appends their entries, commits them in one transaction (one fsync, one
//!   signed checkpoint), and only then hands each caller its delivery.
//!
//! So the rule of the access layer still holds: an access that cannot be logged is not delivered
//! — the delivery travels through the writer and is released from its commit callback, and a
//! failed commit gives every caller of the group an error instead.

use crate::access::{check, denied, judge, Delivery, Judgement, LoadedRegisters};
use crate::audit::{AuditLog, Entry};
use crate::consent::ConsentStore;
use crate::pseudonym::{Pseudonym, Pseudonymiser};
use crate::{AccessError, Manifests, ReadRequest};
use chrono::{DateTime, Utc};
use identity::NationalId;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use store::{RegisterStore, SqliteStore};

/// A group commit slower than this is reported (it delays every request of the group).
const SLOW_COMMIT: std::time::Duration = std::time::Duration::from_millis(20);

/// At most this many jobs go into one commit, so one group's latency stays bounded under load.
const MAX_GROUP: usize = 4096;

type Done = Box<dyn FnOnce(Result<(), String>) + Send>;

enum Job {
    Append { entries: Vec<Entry>, done: Done },
    Run(Box<dyn FnOnce(&mut AuditLog) + Send>),
}

/// The thread that owns the audit log and commits it in groups.
struct LogWriter {
    tx: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl LogWriter {
    fn start(log: AuditLog) -> LogWriter {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || writer_loop(log, rx))
            .ok();
        LogWriter {
            tx: Some(tx),
            thread,
        }
    }

    fn send(&self, job: Job) {
        let sent = match &self.tx {
            Some(tx) => tx.send(job).map_err(|e| e.0),
            None => Err(job),
        };
        // The writer is gone (it could not start, or it panicked): nothing can be logged, so
        // nothing is delivered.
        if let Err(Job::Append { done, .. }) = sent {
            done(Err("the audit-log writer is not running".into()));
        }
    }
}

impl Drop for LogWriter {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn writer_loop(mut log: AuditLog, rx: mpsc::Receiver<Job>) {
    // Commits are made here only; the log's own batch limit must never commit behind our back.
    log.set_batch_size(usize::MAX);
    let mut waiting: Vec<Done> = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Append { entries, done } => {
                    for e in &entries {
                        // With an unbounded batch, append only buffers.
                        let _ = log.append(e);
                    }
                    waiting.push(done);
                }
                Job::Run(f) => {
                    flush(&mut log, &mut waiting);
                    f(&mut log);
                }
            }
            if waiting.len() < MAX_GROUP {
                next = rx.try_recv().ok();
            }
        }
        flush(&mut log, &mut waiting);
    }
    flush(&mut log, &mut waiting);
}

fn flush(log: &mut AuditLog, waiting: &mut Vec<Done>) {
    if waiting.is_empty() {
        return;
    }
    let started = std::time::Instant::now();
    let result = match log.commit() {
        Ok(_) => Ok(()),
        Err(e) => {
            let dropped = log.discard_pending();
            tracing::error!("audit log commit failed, {dropped} entries not recorded: {e}");
            Err(e.to_string())
        }
    };
    let elapsed = started.elapsed();
    // Every caller of the group waits for this commit: a slow one is a latency spike for all.
    if elapsed >= SLOW_COMMIT {
        tracing::warn!(
            group = waiting.len(),
            ms = elapsed.as_secs_f64() * 1e3,
            "slow audit-log group commit"
        );
    } else {
        tracing::trace!(group = waiting.len(), "audit log group committed");
    }
    for done in waiting.drain(..) {
        done(result.clone());
    }
}

/// The access layer shared by many threads (the API server).
pub struct SharedAccess {
    manifests: Manifests,
    loaded: LoadedRegisters,
    consents: Mutex<ConsentStore>,
    audit: Pseudonymiser,
    writer: LogWriter,
    clock: fn() -> DateTime<Utc>,
    data_version: String,
}

impl SharedAccess {
    /// Opens the layer on a data directory and loads and indexes the registers once.
    ///
    /// Why load once: a server answers from one consistent version of the registers; a new
    /// generation is picked up by restarting it.
    pub fn open(data: &Path, manifests: Manifests) -> Result<SharedAccess, AccessError> {
        let store = SqliteStore::open(data)?;
        let data_version = store.data_version()?;
        let loaded = LoadedRegisters::new(store.load()?);
        // Concurrent callers look up named persons: build the index before the first arrives.
        loaded.warm(manifests.iter().map(|m| m.subjects));
        let crate::access::Governed {
            audit,
            mut log,
            consents,
        } = crate::access::Governed::open(data)?;
        log.use_wal()?;
        Ok(SharedAccess {
            manifests,
            loaded,
            consents: Mutex::new(consents),
            audit,
            writer: LogWriter::start(log),
            clock: Utc::now,
            data_version,
        })
    }

    /// The version of the stored registers this layer loaded (it serves that version until
    /// reopened).
    pub fn data_version(&self) -> &str {
        &self.data_version
    }

    /// Uses another clock (tests of expiry).
    pub fn set_clock(&mut self, clock: fn() -> DateTime<Utc>) {
        self.clock = clock;
    }

    /// The current time of this layer's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The manifests.
    pub fn manifests(&self) -> &Manifests {
        &self.manifests
    }

    /// The consent store, locked. Keep the guard short: reads of consent-based purposes wait
    /// for it.
    pub fn consents(&self) -> MutexGuard<'_, ConsentStore> {
        self.consents.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The audit-log pseudonym of a person.
    pub fn pseudonym(&self, id: &NationalId) -> Pseudonym {
        self.audit.of(id)
    }

    /// Judges a read without logging it (the first half of [`SharedAccess::read_then`]).
    pub fn judge(&self, request: &ReadRequest) -> Result<Judgement, AccessError> {
        let now = (self.clock)();
        if let Err(e) = check(&self.manifests, request) {
            return Ok(denied(&self.manifests, &self.audit, request, None, e, now));
        }
        judge(
            &self.manifests,
            &self.loaded,
            || self.consents(),
            &self.audit,
            request,
            now,
        )
    }

    /// Judges a read on this thread, logs it through the group-commit writer, and calls `done`
    /// (on the writer thread; keep it short, e.g. a channel send) once the log is durable: with
    /// the delivery, or with the reason for refusal.
    pub fn read_then(
        &self,
        request: &ReadRequest,
        done: impl FnOnce(Result<Delivery, AccessError>) + Send + 'static,
    ) {
        match self.judge(request) {
            Ok(j) => self.log_then(j, done),
            Err(e) => done(Err(e)),
        }
    }

    /// Logs a judgement and releases its outcome once the entries are durable.
    pub fn log_then(
        &self,
        judgement: Judgement,
        done: impl FnOnce(Result<Delivery, AccessError>) + Send + 'static,
    ) {
        let (entries, outcome) = judgement.into_parts();
        self.writer.send(Job::Append {
            entries,
            done: Box::new(move |logged| match logged {
                Ok(()) => done(outcome),
                Err(e) => done(Err(AccessError::LogUnavailable(e))),
            }),
        });
    }

    /// Records a refusal decided before the access layer could judge the request (no valid
    /// token, a consent token that does not match), with an entry for every named person.
    pub fn refuse_then(
        &self,
        request: &ReadRequest,
        reason: String,
        done: impl FnOnce(Result<Delivery, AccessError>) + Send + 'static,
    ) {
        let j = denied(
            &self.manifests,
            &self.audit,
            request,
            None,
            AccessError::Refused(reason),
            (self.clock)(),
        );
        self.log_then(j, done);
    }

    /// Blocking [`SharedAccess::read_then`], for callers that are not async.
    pub fn read(&self, request: &ReadRequest) -> Result<Delivery, AccessError> {
        let (tx, rx) = mpsc::channel();
        self.read_then(request, move |r| {
            let _ = tx.send(r);
        });
        rx.recv()
            .unwrap_or_else(|_| Err(AccessError::LogUnavailable("the writer stopped".into())))
    }

    /// Runs `f` on the writer thread with the log, after every access queued before it is
    /// committed (insight reports and proofs read the log this way). `f` holds up the writer:
    /// keep it to reads of a few entries.
    pub fn with_log_then(&self, f: impl FnOnce(&mut AuditLog) + Send + 'static) {
        self.writer.send(Job::Run(Box::new(f)));
    }

    /// Blocking [`SharedAccess::with_log_then`] with a result; `None` if the writer is gone.
    pub fn with_log<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut AuditLog) -> R + Send + 'static,
    ) -> Option<R> {
        let (tx, rx) = mpsc::channel::<R>();
        self.writer.send(Job::Run(Box::new(move |log| {
            let _ = tx.send(f(log));
        })));
        rx.recv().ok()
    }
}
