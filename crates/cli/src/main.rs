//! `mulighetsrom`: the command-line interface to the platform.
//!
//! `main` hands off to [`run`], prints the cause chain of any error once, and maps the outcome to
//! a documented exit code: 0 success, 1 the input was checked and found invalid (e.g. an identity
//! number that `validate-id` rejects, or an import with bad rows), 2 an error (bad arguments, a
//! file that cannot be read, a store that cannot be opened).

mod commands;
mod output;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

/// Mulighetsrom: data-driven public services on the national registers.
///
/// Start with `mulighetsrom generate --municipality 4601 --seed 7` to create a synthetic population
/// (Bergen) in ./data, then `mulighetsrom stats` to see it next to the published figures.
#[derive(Parser, Debug)]
#[command(name = "mulighetsrom", version, about, long_about = None, after_help = EXAMPLES)]
struct Cli {
    /// Data directory holding the embedded store (created on first use).
    #[arg(long, global = true, env = "MULIGHETSROM_DATA", default_value = "data")]
    data: PathBuf,

    /// Log level for diagnostics on stderr (error, warn, info, debug, trace).
    #[arg(long, global = true, env = "MULIGHETSROM_LOG", default_value = "warn")]
    log: String,

    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "Examples:
  mulighetsrom generate --municipality 4601 --seed 7   Bergen, about 292 000 persons
  mulighetsrom generate --county 46                    all of Vestland
  mulighetsrom generate --norway                       all 357 municipalities, 5.6 million persons
  mulighetsrom stats                                   tables and the calibration comparison
  mulighetsrom export out/ --format parquet            every register as Parquet files
  mulighetsrom import persons out/persons.csv          validated, all-or-nothing import
  mulighetsrom validate-id 31129956715 17912099997     check identity numbers
  mulighetsrom roster solve Instance1.txt --seconds 10 a benchmark rota
  mulighetsrom roster plan --municipality 4601 --html rota.html   a nursing-home rota
  mulighetsrom kindergarten decide --all --month 2024-03 --out decisions.jsonl   every child's fee
  mulighetsrom kindergarten simulate --reform law/reforms/makspris-1500-kjernetid-sibling-40.yaml \\
      --month 2024-09 --assume-general-where-unknown --out simulation/   a reform, tables and charts
  mulighetsrom catalogue --format jsonld --out catalogue.jsonld   the DCAT-AP-NO catalogue
  mulighetsrom opendata stats --threshold 3 --out opendata/   residents by municipality, age and sex
  mulighetsrom screening simulate --workflow triage --threshold score:10   AI triage vs double reading
  mulighetsrom prevention consent --simulate 0.6 --seed 7   SYNTHETIC consents to S5 (test data)
  mulighetsrom prevention campaign --variants sms,prebooked,info --seed 7 --simulate-results";

#[derive(Subcommand, Debug)]
enum Command {
    /// The whole platform in one command: generate a municipality (if the store is empty), run
    /// every service of the spectrum once, and serve the web app and the API on localhost.
    Demo(commands::demo::Args),
    /// Generate a synthetic population (every register) and store it, replacing what was there.
    Generate(commands::generate::Args),
    /// Import one register table from a CSV or Parquet file (validated; all-or-nothing).
    Import(commands::exchange::ImportArgs),
    /// Export every register table (or some) to CSV or Parquet files.
    Export(commands::exchange::ExportArgs),
    /// Print statistics of the stored population next to the published calibration targets.
    Stats(commands::stats::Args),
    /// Check Norwegian identity numbers (fødselsnummer, D-, H-, FH- and synthetic numbers) or
    /// organisation numbers, and say exactly what is wrong with an invalid one.
    ValidateId(commands::validate_id::Args),
    /// List the municipalities (KLASS 131, 2026) with their numbers and populations.
    Municipalities(commands::municipalities::Args),
    /// Rota optimisation (S3): solve and check benchmark instances, plan Norwegian rotas.
    Roster(commands::roster::Args),
    /// Reduced kindergarten fees (S1): one household explained, every enrolled child decided from
    /// the registers, reform simulation.
    Kindergarten(commands::kindergarten::Args),
    /// Write the DCAT-AP-NO data catalogue (every register as a dataset, every service as a data
    /// service, with legal basis) as Turtle or JSON-LD.
    Catalogue(commands::catalogue::Args),
    /// The tamper-evident audit log: verify it, prove entries, show checkpoints and refusals.
    Audit(commands::audit::Args),
    /// A person's insight report (GDPR art. 15): their data in every register, decisions about
    /// them, and every access to their data with proofs, as HTML and JSON.
    Innsyn(commands::innsyn::Args),
    /// Published statistics with small-cell suppression as Statistics Norway does it.
    Opendata(commands::opendata::Args),
    /// Start the data-sharing API (Maskinporten-style tokens, register look-ups, consent, insight).
    Serve(commands::serve::Args),
    /// The screening services: the AI model evaluated on real data, and the AI-supported
    /// screening programme (S4) simulated on the registers.
    Screening(commands::screening::Args),
    /// Individual breast-cancer risk (S7): the Gail model with its main factors.
    Risk(commands::risk::Args),
    /// Oversight of the predictive services: fairness audits.
    Oversight(commands::oversight::Args),
    /// Nudging campaigns as randomised experiments (S5): recipients, message variants, control
    /// group, consent, simulated uplift with confidence intervals, sludge flags.
    Prevention(commands::prevention::Args),
}

/// Outcome of a command that ran to completion.
pub enum Outcome {
    /// Everything was fine.
    Success,
    /// The command worked, but found the input invalid.
    Invalid,
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Demo(args) => commands::demo::run(&cli.data, args),
        Command::Generate(args) => commands::generate::run(&cli.data, args),
        Command::Import(args) => commands::exchange::import(&cli.data, args),
        Command::Export(args) => commands::exchange::export(&cli.data, args),
        Command::Stats(args) => commands::stats::run(&cli.data, args),
        Command::ValidateId(args) => commands::validate_id::run(args),
        Command::Municipalities(args) => commands::municipalities::run(args),
        Command::Roster(args) => commands::roster::run(&cli.data, args),
        Command::Kindergarten(args) => commands::kindergarten::run(&cli.data, args),
        Command::Catalogue(args) => commands::catalogue::run(args),
        Command::Audit(args) => commands::audit::run(&cli.data, args),
        Command::Innsyn(args) => commands::innsyn::run(&cli.data, args),
        Command::Opendata(args) => commands::opendata::run(&cli.data, args),
        Command::Serve(args) => commands::serve::run(&cli.data, args),
        Command::Screening(args) => commands::screening::run(&cli.data, args),
        Command::Risk(args) => commands::risk::run(&cli.data, args),
        Command::Oversight(args) => commands::oversight::run(&cli.data, args),
        Command::Prevention(args) => commands::prevention::run(&cli.data, args),
    }
}

fn main() -> ExitCode {
    // Like other Unix tools, stop quietly when the reader of our output goes away
    // (`mulighetsrom stats | head`) instead of panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Err(err) => {
            eprintln!("mulighetsrom: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
