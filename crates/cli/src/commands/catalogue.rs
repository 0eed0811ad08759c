//! `mulighetsrom catalogue`: the DCAT-AP-NO catalogue of every register and service, in Turtle or
//! JSON-LD, for data.norge.no to harvest.

use crate::Outcome;
use anyhow::Context;
use opendata::{Catalogue, CatalogueOptions, DataServiceEntry};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `catalogue`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "turtle")]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Base URI of the catalogue's own datasets and services (ends with '/').
    #[arg(long, value_name = "URI")]
    base_uri: Option<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Format {
    /// RDF 1.1 Turtle.
    Turtle,
    /// JSON-LD with an @context and a flat @graph.
    Jsonld,
}

/// The services published in the catalogue as data services.
///
/// Empty until the governance layer maps its service manifests into [`DataServiceEntry`]; the
/// catalogue then lists them without any other change here.
pub fn data_services() -> Vec<DataServiceEntry> {
    Vec::new()
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let mut options = CatalogueOptions::default();
    if let Some(base) = args.base_uri {
        options.base_uri = base;
    }
    let catalogue = Catalogue::new(options, &data_services()).context("building the catalogue")?;
    let text = match args.format {
        Format::Turtle => catalogue.to_turtle(),
        Format::Jsonld => {
            let mut s = serde_json::to_string_pretty(&catalogue.to_json_ld())?;
            s.push('\n');
            s
        }
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "{} datasets and {} data services written to {}",
                catalogue.datasets.len(),
                catalogue.data_services.len(),
                path.display()
            );
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(Outcome::Success)
}
