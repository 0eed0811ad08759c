//! `mulighetsrom audit`: verify the tamper-evident log, prove entries, show checkpoints and the
//! denied-access report.

use crate::Outcome;
use anyhow::Context;
use governance::audit::{self, checkpoint, AuditLog, EntryBody, Outcome as AccessOutcome};
use std::path::{Path, PathBuf};

/// Arguments of `audit`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Recompute the whole log from its entries and check every stored hash, every signed
    /// checkpoint and the per-person index; exit code 1 if anything does not match.
    Verify {
        /// Check signatures with this published verifier key (`name+id+base64`) instead of the
        /// deployment's own key.
        #[arg(long, value_name = "KEY")]
        key: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print an inclusion proof of one entry against the latest checkpoint, as JSON a third
    /// party can check (RFC 9162 § 2.1.3.2).
    Prove {
        /// Entry index.
        index: u64,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print a consistency proof from an older log size to the current one (RFC 9162 § 2.1.4).
    Consistency {
        /// The older size (a size that was checkpointed).
        old_size: u64,
    },
    /// Print the latest signed checkpoint and the public key that verifies it.
    Checkpoint,
    /// List refused reads: when, which service, what and why.
    Denied {
        /// Show at most this many, newest first.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

/// Opens the deployment's audit log.
pub fn open_log(data: &Path) -> anyhow::Result<AuditLog> {
    governance::access::open_audit_log(data)
        .with_context(|| format!("opening the audit log in {}", data.display()))
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("creating the data directory {}", data.display()))?;
    let log = open_log(data)?;
    match args.command {
        Command::Verify { key, json } => {
            let (name, vk) = match key {
                Some(text) => checkpoint::parse_verifier_key(&text)
                    .context("--key is not a verifier key of the form name+keyid+base64")?,
                None => (log.origin().to_owned(), log.verifying_key()),
            };
            let bar = crate::output::spinner("verifying the audit log");
            let report = audit::verify(&log, &name, &vk, |n| {
                bar.set_message(format!("verifying the audit log: {n} entries"))
            })?;
            bar.finish_and_clear();
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!("audit log {}", log.path().display());
                println!("  entries              {}", report.entries);
                println!("  checkpoints checked  {}", report.checkpoints);
                println!("  latest checkpoint    {}", report.latest_checkpoint_size);
                println!("  root (recomputed)    {}", report.root);
                println!(
                    "  payloads             {} present, {} erased",
                    report.payloads, report.erased_payloads
                );
                if report.ok() {
                    println!("OK: every entry, tree hash, checkpoint and index entry matches");
                } else {
                    println!("FAILED: {} problems", report.problems.len());
                    for p in &report.problems {
                        println!("  - {p}");
                    }
                }
            }
            Ok(if report.ok() {
                Outcome::Success
            } else {
                Outcome::Invalid
            })
        }
        Command::Prove { index, out } => {
            let proof = log.prove(index)?;
            let text = serde_json::to_string_pretty(&proof)? + "\n";
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(Outcome::Success)
        }
        Command::Consistency { old_size } => {
            let proof = log.prove_consistency(old_size)?;
            println!("{}", serde_json::to_string_pretty(&proof)?);
            Ok(Outcome::Success)
        }
        Command::Checkpoint => {
            match log.latest_checkpoint()? {
                Some(note) => print!("{note}"),
                None => println!("(the log is empty; nothing has been checkpointed)"),
            }
            println!(
                "verifier key: {}",
                checkpoint::verifier_key(log.origin(), &log.verifying_key())
            );
            Ok(Outcome::Success)
        }
        Command::Denied { limit } => {
            let denied = log.events(AccessOutcome::Denied, limit)?;
            if denied.is_empty() {
                println!("no refused reads in the log");
            }
            for e in denied {
                if let EntryBody::Access(a) = &e.entry.body {
                    println!(
                        "#{} {} {} ({}) purpose {} elements [{}]\n    {}",
                        e.index,
                        e.entry.time,
                        a.service,
                        a.channel,
                        a.purpose,
                        a.elements.join(", "),
                        a.reason.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(Outcome::Success)
        }
    }
}
