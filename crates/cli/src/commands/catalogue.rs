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

/// The services published in the catalogue as data services: one per service manifest, so the
/// catalogue says exactly what the access layer enforces.
pub fn data_services(base_uri: &str) -> Vec<DataServiceEntry> {
    governance::Manifests::builtin()
        .iter()
        .map(|m| data_service(m, base_uri))
        .collect()
}

fn data_service(m: &governance::Manifest, base_uri: &str) -> DataServiceEntry {
    use governance::manifest::Automation;
    // A municipal service has each municipality as controller; the catalogue entry is published
    // by the platform's operator on their behalf.
    let (publisher_orgnr, publisher_name) = match &m.controller.orgnr {
        Some(orgnr) => (orgnr.clone(), Some(m.controller.name.clone())),
        None => (
            CatalogueOptions::default().publisher_orgnr,
            Some(format!(
                "{} (publisert av plattformforvalteren)",
                m.controller.name
            )),
        ),
    };
    let mut serves: Vec<String> = m
        .elements
        .iter()
        .filter_map(|e| governance::elements::element(e))
        .map(|e| opendata::catalogue::register_slug(e.register).to_owned())
        .collect();
    serves.dedup();
    DataServiceEntry {
        id: m.id.to_lowercase(),
        title_nb: m.name_nb.clone(),
        title_en: m.name_en.clone(),
        description_nb: m.purpose.description_nb.clone(),
        publisher_orgnr,
        publisher_name,
        legal_basis: m
            .legal_basis
            .iter()
            .map(|b| opendata::LegalReference {
                title: b.title.clone(),
                eli_uri: b.eli.clone().unwrap_or_else(|| b.url.clone()),
                lovdata_url: b.url.clone(),
            })
            .collect(),
        purpose: m.purpose.description_nb.clone(),
        endpoint_url: format!("{base_uri}api/tjenester/{}", m.id.to_lowercase()),
        serves,
        automation: match m.automation {
            Automation::FullyAutomated => "helautomatisert vedtak",
            Automation::DecisionSupport => "beslutningsstøtte",
            Automation::HumanDecides => "saksbehandler avgjør",
        }
        .to_owned(),
        keywords: vec![m.purpose.id.clone()],
        contact_email: None,
    }
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let mut options = CatalogueOptions::default();
    if let Some(base) = args.base_uri {
        options.base_uri = base;
    }
    let services = data_services(&options.base_uri);
    let catalogue = Catalogue::new(options, &services).context("building the catalogue")?;
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
