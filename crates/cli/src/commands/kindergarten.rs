//! `mulighetsrom kindergarten`: reduced kindergarten fees (S1).

use crate::Outcome;
use anyhow::Context;
use registers::Municipalities;
use rules::Parameters;
use std::io::Read;
use std::path::{Path, PathBuf};
use svc_kindergarten::{fee_for_case, Zones};

/// Arguments of `kindergarten`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The law directory with `parameters/` and `zones/` (default: ./law, else the one this
    /// program was built from).
    #[arg(long, global = true, env = "MULIGHETSROM_LAW", value_name = "DIR")]
    law: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Compute the monthly fee of one household given as case JSON, with explanations:
    /// {"date":"2024-09-01","municipality":"0301","household_income":480000,
    ///  "price_zone":"general","children":[{"id":"a","birth_date":"2021-03-14","weekly_hours":45}]}
    /// (`price_zone` optional; `household_income` null = unknown → manual handling).
    Fee(FeeArgs),
}

#[derive(clap::Args, Debug)]
struct FeeArgs {
    /// The case file, or `-` for standard input.
    #[arg(long, value_name = "FILE")]
    case: PathBuf,
}

/// The law directory: the option, else `./law`, else the repository this binary was built from.
pub fn law_dir(option: Option<PathBuf>) -> PathBuf {
    option.unwrap_or_else(|| {
        let local = PathBuf::from("law");
        if local.join("parameters").is_dir() {
            local
        } else {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../law")
        }
    })
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let law = law_dir(args.law);
    let parameters = Parameters::load_dir(&law.join("parameters"))
        .with_context(|| format!("loading the legal parameters in {}", law.display()))?;
    let municipalities = Municipalities::embedded_2026();
    let zones = Zones::load(
        &law.join("zones/kindergarten-price-zones.yaml"),
        &municipalities,
    )
    .with_context(|| format!("loading the price zones in {}", law.display()))?;
    match args.command {
        Command::Fee(fee) => {
            let text = if fee.case.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .context("reading the case from standard input")?;
                s
            } else {
                std::fs::read_to_string(&fee.case)
                    .with_context(|| format!("reading {}", fee.case.display()))?
            };
            let result = fee_for_case(&text, &parameters, &zones, &municipalities)
                .with_context(|| format!("case {}", fee.case.display()))?;
            println!("{}", serde_json::to_string_pretty(&result)?);
            Ok(Outcome::Success)
        }
    }
}
