//! `mulighetsrom risk`: individual breast-cancer risk (S7) with the Gail model.

use crate::Outcome;
use anyhow::Context;
use std::path::PathBuf;
use svc_risk::gail::{GailInput, Group, Hyperplasia};

/// Arguments of `risk`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// The 5-year and lifetime (to 90) risk of invasive breast cancer from the NCI Breast Cancer
    /// Risk Assessment Tool (Gail model), with the factors that drive it. Only for women without
    /// a previous breast cancer, DCIS/LCIS or a BRCA mutation (the model's own limits).
    Score(ScoreArgs),
    /// S6: risk-stratified screening recommendations (start age, interval, supplemental MRI)
    /// for every woman 35–69 in the store, from the Gail estimate and the NICE CG164 thresholds
    /// in `crates/svc-risk/policy/followup.toml`, with the effect on programme capacity. Writes
    /// report.txt, report.json and chart.svg; `--person` prints one woman's explanation;
    /// `--record` stores the recommendations as decisions.
    Followup(super::followup::FollowupArgs),
}

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["gail", "case"])))]
struct ScoreArgs {
    /// AGE,MENARCHE,FIRST_BIRTH,BIOPSIES,RELATIVES[,HYPERPLASIA]: age in years; age at first
    /// period (or `unknown`); age at first live birth (or `none`); number of breast biopsies;
    /// first-degree relatives with breast cancer; atypical hyperplasia `yes`, `no` or `unknown`
    /// (default). Example: `--gail 45.2,11,22,1,1`.
    #[arg(
        long,
        value_name = "AGE,MENARCHE,FIRST_BIRTH,BIOPSIES,RELATIVES[,HYPERPLASIA]"
    )]
    gail: Option<String>,
    /// A JSON file with the fields age, age_at_menarche, age_at_first_birth, biopsies,
    /// relatives, and optionally hyperplasia (no/yes/unknown) and group (white, black,
    /// hispanic_us_born, asian).
    #[arg(long, value_name = "FILE.json")]
    case: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(data: &std::path::Path, args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Score(a) => score(a),
        Command::Followup(a) => super::followup::run(data, a),
    }
}

fn parse_gail(text: &str) -> anyhow::Result<GailInput> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if !(5..=6).contains(&parts.len()) {
        anyhow::bail!(
            "--gail takes 5 or 6 comma-separated values (AGE,MENARCHE,FIRST_BIRTH,BIOPSIES,RELATIVES[,HYPERPLASIA]), got {}",
            parts.len()
        );
    }
    let num = |i: usize, what: &str| -> anyhow::Result<u32> {
        parts[i]
            .parse()
            .with_context(|| format!("{what} {:?} is not a whole number", parts[i]))
    };
    let age: f64 = parts[0]
        .parse()
        .with_context(|| format!("age {:?} is not a number", parts[0]))?;
    let menarche = match parts[1] {
        "unknown" | "" => None,
        _ => Some(num(1, "age at menarche")?),
    };
    let first_birth = match parts[2] {
        "none" | "nulliparous" | "" => None,
        _ => Some(num(2, "age at first birth")?),
    };
    let hyperplasia = match parts.get(5).copied().unwrap_or("unknown") {
        "yes" => Hyperplasia::Yes,
        "no" => Hyperplasia::No,
        "unknown" => Hyperplasia::Unknown,
        other => anyhow::bail!("hyperplasia {other:?} must be yes, no or unknown"),
    };
    Ok(GailInput {
        age,
        age_at_menarche: menarche,
        age_at_first_birth: first_birth,
        biopsies: num(3, "number of biopsies")?,
        hyperplasia,
        relatives: num(4, "number of relatives")?,
        group: Group::White,
    })
}

fn score(args: ScoreArgs) -> anyhow::Result<Outcome> {
    let input = match (&args.gail, &args.case) {
        (Some(g), _) => parse_gail(g)?,
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not a valid case (see --help)", path.display()))?
        }
        (None, None) => anyhow::bail!("give --gail or --case"),
    };
    let r = input.summary()?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "input": input, "result": r }))?
        );
        return Ok(Outcome::Success);
    }
    let horizon = (svc_risk::gail::MAX_AGE - input.age).min(5.0);
    println!(
        "Gail model (NCI BCRAT), {:?} coefficients and SEER 1983–87 rates, age {}",
        input.group, input.age
    );
    println!(
        "  {}-year risk:   {:.2} %   (a woman of the same age with no risk factors: {:.2} %)",
        horizon,
        100.0 * r.five_year,
        100.0 * r.five_year_reference
    );
    println!(
        "  lifetime risk: {:.2} %   (to age 90; no risk factors: {:.2} %)",
        100.0 * r.lifetime,
        100.0 * r.lifetime_reference
    );
    println!(
        "  relative risk: {:.2} before 50, {:.2} from 50",
        r.rr_under_50, r.rr_from_50
    );
    let mut terms: Vec<_> = r.terms.iter().filter(|t| t.1.abs() > 1e-12).collect();
    terms.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    if terms.is_empty() {
        println!("Main factors: none; every factor is at its lowest-risk level.");
    } else {
        println!("Main factors (multiplying the risk before 50):");
        for (name, v) in terms {
            println!("  {name:<26} × {:.2}", v.exp());
        }
    }
    if r.categories.nb > 0 {
        println!(
            "  (from 50 the biopsy factor is adjusted, giving relative risk {:.2})",
            r.rr_from_50
        );
    }
    println!(
        "NICE CG164 would call a lifetime risk above 17 % moderate and 30 % or more high. The model \
         is calibrated to US women in the 1980s; it is not validated for Norwegian women."
    );
    Ok(Outcome::Success)
}
