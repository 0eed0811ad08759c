//! `mulighetsrom municipalities`: the KLASS 131 list.

use crate::output::{table, thousands};
use crate::Outcome;
use registers::{CountyNumber, Municipalities};

/// Arguments of `municipalities`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only this county (two digits, e.g. 46).
    #[arg(long, value_name = "FYLKESNR")]
    county: Option<CountyNumber>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let all = Municipalities::embedded_2026();
    let mut rows = vec![vec![
        "kommunenummer".to_string(),
        "name".to_string(),
        "county".to_string(),
        "population 2024-01-01".to_string(),
    ]];
    for m in all
        .iter()
        .filter(|m| args.county.is_none_or(|c| m.county == c))
    {
        rows.push(vec![
            m.number.to_string(),
            m.name.clone(),
            m.county.to_string(),
            thousands(m.population_2024 as i64),
        ]);
    }
    if rows.len() == 1 {
        anyhow::bail!(
            "no municipality in county {}",
            args.county.map(|c| c.to_string()).unwrap_or_default()
        );
    }
    print!("{}", table(&rows));
    Ok(Outcome::Success)
}
