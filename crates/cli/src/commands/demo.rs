//! `mulighetsrom demo`: the whole platform in one command, on the embedded store.
//!
//! Generates a municipality when the store is empty, runs every service of the spectrum once
//! (each as its own `mulighetsrom` process, so each is exactly what a user would run, with its
//! output kept in `DATA/demo/logs/`), records their figures, and serves the web app and the API.
//! Nothing to install: the store is SQLite in the data directory.

use crate::Outcome;
use anyhow::Context;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Arguments of `demo`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The municipality to generate when the store is empty (KLASS 131 number; default 4601
    /// Bergen), or the one in the store to run the services for.
    #[arg(long, value_name = "K")]
    municipality: Option<String>,
    /// Generate the municipality anew even if the store already holds a population.
    #[arg(long)]
    fresh: bool,
    /// Where to serve the web app and the API.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Run the services and stop, without serving (scripts and tests).
    #[arg(long)]
    no_serve: bool,
}

/// One step: what it is, its arguments, and whether exit code 1 (found invalid) is acceptable.
struct Step {
    label: &'static str,
    args: Vec<String>,
    invalid_ok: bool,
}

fn step(label: &'static str, args: &[&str]) -> Step {
    Step {
        label,
        args: args.iter().map(|a| a.to_string()).collect(),
        invalid_ok: false,
    }
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    let exe = std::env::current_exe().context("finding the mulighetsrom binary")?;
    let out = data.join("demo");
    let logs = out.join("logs");
    std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let dir = |name: &str| out.join(name).display().to_string();
    // One look at what the data directory already holds: a population, and consents to S5.
    let existing = if data.join("CURRENT").exists() {
        Some(super::open_access(data)?)
    } else {
        None
    };
    let empty = match &existing {
        Some(access) => access.is_empty()?,
        None => true,
    };
    let remembered = out.join("municipality.txt");
    let generate = empty || args.fresh;
    let m = match (&args.municipality, generate) {
        (Some(m), _) => m.clone(),
        (None, true) => "4601".to_string(),
        (None, false) => std::fs::read_to_string(&remembered)
            .map(|s| s.trim().to_string())
            .map_err(|_| {
                anyhow::anyhow!(
                    "the store in {} holds a population the demo did not generate; name a municipality in it with --municipality K, or start anew with --fresh",
                    data.display()
                )
            })?,
    };
    let m = m.as_str();
    // S5's legal basis is consent: a population without any (one the demo did not make) gets
    // synthetic consents, labelled as such, or its campaign would have nobody to address.
    let has_s5_consents = match existing.filter(|_| !generate) {
        Some(access) => {
            let purpose = access
                .manifests()
                .get("S5")
                .map(|m| m.purpose.id.clone())
                .context("no manifest for S5")?;
            access
                .consents()
                .tally("S5", &purpose, chrono::Utc::now())?
                .valid
                > 0
        }
        None => false,
    };
    let mut steps = Vec::new();
    if generate {
        steps.push(step(
            "Registre / registers: generate",
            &["generate", "--municipality", m, "--seed", "7"],
        ));
    }
    if !has_s5_consents {
        steps.push(step(
            "S5: syntetiske samtykker / synthetic consents",
            &["prevention", "consent", "--simulate", "0.6", "--seed", "7"],
        ));
    }
    let month = "2024-03";
    let mut rota = step(
        "S3: turnus / rota",
        &[
            "roster",
            "plan",
            "--municipality",
            m,
            "--seconds",
            "10",
            "--html",
            &dir("rota.html"),
        ],
    );
    rota.invalid_ok = true; // a rota not yet legal at the time limit is reported, not fatal
    steps.extend([
        step(
            "S1: foreldrebetaling / kindergarten fees",
            &[
                "kindergarten",
                "decide",
                "--municipality",
                m,
                "--month",
                month,
            ],
        ),
        step(
            "S2: S1 mot S2 / S1 vs S2",
            &[
                "kindergarten",
                "compare-s2",
                "--municipality",
                m,
                "--month",
                month,
            ],
        ),
        rota,
        step(
            "S4: screeningsimulering / screening simulation",
            &[
                "screening",
                "simulate",
                "--replicates",
                "10",
                "--out",
                &dir("screening-simulation"),
            ],
        ),
        step(
            "S4: KI-modellen / the AI model",
            &[
                "screening",
                "evaluate-model",
                "--out",
                &dir("screening-model"),
            ],
        ),
        step(
            "S5: kampanje / campaign",
            &[
                "prevention",
                "campaign",
                "--variants",
                "sms,prebooked,info,confirm",
                "--seed",
                "7",
                "--simulate-results",
                "--out",
                &dir("prevention-campaign"),
            ],
        ),
        step(
            "S6: oppfølging / follow-up",
            &["risk", "followup", "--record", "--out", &dir("followup")],
        ),
        step(
            "S7: rettferdighetsrevisjon / fairness audit",
            &["oversight", "audit", "S7", "--out", &dir("audit-s7")],
        ),
        step(
            "S6: rettferdighetsrevisjon / fairness audit",
            &["oversight", "audit", "S6", "--out", &dir("audit-s6")],
        ),
        step(
            "S4: rettferdighetsrevisjon / fairness audit",
            &["oversight", "audit", "S4", "--out", &dir("audit-s4")],
        ),
        step(
            "Algoritmeregisteret / algorithm register",
            &["oversight", "register", "--out", &dir("algorithm-register")],
        ),
    ]);
    let total = steps.len();
    let mut failed: Vec<&str> = Vec::new();
    std::fs::write(&remembered, m).with_context(|| format!("writing {}", remembered.display()))?;
    for (i, s) in steps.iter().enumerate() {
        let started = Instant::now();
        let spinner = crate::output::spinner(&format!("[{}/{total}] {}", i + 1, s.label));
        let log = logs.join(format!("{:02}.log", i + 1));
        let file =
            std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let status = Command::new(&exe)
            .arg("--data")
            .arg(data)
            .args(&s.args)
            .stdout(file.try_clone()?)
            .stderr(file)
            .status()
            .with_context(|| format!("running {}", s.label))?;
        spinner.finish_and_clear();
        let ok = status.success() || (s.invalid_ok && status.code() == Some(1));
        println!(
            "  {} [{}/{total}] {} ({:.1} s)",
            if ok { "✓" } else { "✗" },
            i + 1,
            s.label,
            started.elapsed().as_secs_f64()
        );
        if !ok {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let last = text.lines().last().unwrap_or("").to_string();
            // Without registers nothing else can run; a service that cannot run on this
            // population (e.g. no breast-cancer diagnoses in a small municipality) is reported
            // and the others go on.
            if i == 0 && generate {
                anyhow::bail!(
                    "`mulighetsrom {}` failed ({status}); its output is in {}:\n{last}",
                    s.args.join(" "),
                    log.display()
                );
            }
            println!("      {last}");
            failed.push(s.label);
        }
    }
    if !failed.is_empty() {
        println!(
            "{} of {total} steps could not run on this population (see {}): {}",
            failed.len(),
            logs.display(),
            failed.join("; ")
        );
    }
    println!(
        "{}; reports in {}, logs in {}.",
        if failed.is_empty() {
            "Every service has run once"
        } else {
            "The other services have run once"
        },
        out.display(),
        logs.display()
    );
    if args.no_serve {
        return Ok(if failed.is_empty() {
            Outcome::Success
        } else {
            Outcome::Invalid
        });
    }
    println!("Open http://{}/ in a browser (Ctrl-C stops).", args.addr);
    super::serve::run_on(data, &args.addr)
}
