use super::*;
use std::collections::{BTreeMap, BTreeSet};

fn sample_service() -> DataServiceEntry {
    DataServiceEntry {
        id: "kindergarten-fee".into(),
        title_nb: "Redusert foreldrebetaling i barnehage".into(),
        title_en: "Reduced kindergarten fees".into(),
        description_nb: "Vedtak om \"redusert\" foreldrebetaling\nmed begrunnelse \\ forklaring."
            .into(),
        publisher_orgnr: "974760673".into(),
        publisher_name: None,
        legal_basis: vec![LegalReference {
            title: "Forskrift om foreldrebetaling i barnehager § 3".into(),
            eli_uri: "https://lovdata.no/eli/forskrift/2005/12/16/1478".into(),
            lovdata_url: "https://lovdata.no/forskrift/2005-12-16-1478".into(),
        }],
        purpose: "Beregne foreldrebetaling etter husholdningens inntekt".into(),
        endpoint_url: "https://mulighetsrom.example/api/kindergarten-fee".into(),
        serves: vec![
            "persons".into(),
            "income".into(),
            "enrolments".into(),
            "population".into(),
        ],
        automation: "beslutningsstøtte".into(),
        keywords: vec!["barnehage".into(), "foreldrebetaling".into()],
        contact_email: Some("post@example.no".into()),
    }
}

fn catalogue() -> Catalogue {
    Catalogue::new(CatalogueOptions::default(), &[sample_service()]).expect("valid catalogue")
}

/// Triples as (subject, predicate, object) strings from the graph the serialisers write.
type Triples = Vec<(String, String, String)>;

fn graph_triples(c: &Catalogue) -> Triples {
    c.graph()
        .triples
        .iter()
        .map(|t| (term(&t.subject), t.predicate.clone(), term(&t.object)))
        .collect()
}

fn term(t: &Term) -> String {
    match t {
        Term::Iri(i) => i.clone(),
        Term::Blank(b) => format!("_:{b}"),
        Term::Literal { value, lang } => literal(value, lang.as_deref()),
    }
}

fn literal(value: &str, lang: Option<&str>) -> String {
    format!("{value:?}@{}", lang.unwrap_or(""))
}

/// The Turtle as parsed by a real parser (oxttl), in the same form as [`graph_triples`].
fn parsed_turtle(c: &Catalogue) -> Triples {
    oxttl::TurtleParser::new()
        .for_slice(c.to_turtle().as_bytes())
        .map(|t| {
            let t = t.expect("the Turtle parses");
            let subject = match t.subject {
                oxrdf::Subject::NamedNode(n) => n.into_string(),
                oxrdf::Subject::BlankNode(b) => format!("_:{}", b.as_str()),
            };
            let object = match t.object {
                oxrdf::Term::NamedNode(n) => n.into_string(),
                oxrdf::Term::BlankNode(b) => format!("_:{}", b.as_str()),
                oxrdf::Term::Literal(l) => literal(l.value(), l.language()),
            };
            (subject, t.predicate.into_string(), object)
        })
        .collect()
}

/// Checks each class's mandatory DCAT-AP-NO properties on every node of that class.
fn assert_mandatory(triples: &Triples) {
    let mut props: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut types: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (s, p, o) in triples {
        props.entry(s).or_default().insert(p);
        if p == crate::rdf::RDF_TYPE {
            types.entry(o).or_default().insert(s);
        }
    }
    let dcat = "http://www.w3.org/ns/dcat#";
    let dct = "http://purl.org/dc/terms/";
    let mandatory: &[(&str, &[&str])] = &[
        (
            "Dataset",
            &[
                "dct:description",
                "dcat:contactPoint",
                "dcat:theme",
                "dct:title",
                "dct:publisher",
            ],
        ),
        (
            "DataService",
            &[
                "dcat:endpointURL",
                "dcat:contactPoint",
                "dct:title",
                "dct:publisher",
            ],
        ),
        ("Distribution", &["dcat:accessURL"]),
        (
            "Catalog",
            &["dct:description", "dct:title", "dct:publisher"],
        ),
    ];
    for (class, required) in mandatory {
        let nodes = types
            .get(format!("{dcat}{class}").as_str())
            .unwrap_or_else(|| panic!("no {class} nodes"));
        for node in nodes {
            for r in *required {
                let full = r.replace("dcat:", dcat).replace("dct:", dct);
                assert!(
                    props[node].contains(full.as_str()),
                    "{class} {node} lacks {r}"
                );
            }
        }
    }
}

#[test]
fn every_register_is_a_dataset_published_by_its_owner() {
    let c = catalogue();
    assert_eq!(c.datasets.len(), REGISTERS.len());
    let population = &c.datasets[0];
    assert_eq!(population.id, "population");
    assert_eq!(
        population.publisher.uri(),
        "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/974761076"
    );
    // Every register holds national identity numbers, so none is public.
    assert!(c
        .datasets
        .iter()
        .all(|d| d.access_rights == AccessRights::NonPublic));
    assert!(c.datasets.iter().all(|d| !d.legal_basis.is_empty()));
    let tables: usize = REGISTERS.iter().map(|r| r.tables.len()).sum();
    assert_eq!(
        c.datasets
            .iter()
            .map(|d| d.distributions.len())
            .sum::<usize>(),
        tables
    );
    assert!(population.distributions[0]
        .description
        .contains("person_id (id)"));
    // A table name and a register name resolve to the same dataset, listed once.
    assert_eq!(
        c.data_services[0].serves_datasets,
        vec!["population", "income", "kindergarten"]
    );
}

#[test]
fn the_turtle_parses_to_exactly_the_graph() {
    let c = catalogue();
    let mut parsed = parsed_turtle(&c);
    let mut meant = graph_triples(&c);
    assert!(meant.len() > 200);
    parsed.sort();
    meant.sort();
    assert_eq!(parsed, meant);
}

#[test]
fn mandatory_properties_are_present_on_every_node() {
    assert_mandatory(&parsed_turtle(&catalogue()));
    // Also with no services (what the CLI publishes today).
    let empty = Catalogue::new(CatalogueOptions::default(), &[]).unwrap();
    let triples = graph_triples(&empty);
    assert!(!triples.iter().any(|(_, _, o)| o.ends_with("#DataService")));
}

#[test]
fn legal_basis_is_written_in_both_forms() {
    let ttl = catalogue().to_turtle();
    assert!(ttl.contains("dcatap:applicableLegislation <https://lovdata.no/eli/lov/2016/12/09/88>"));
    assert!(ttl.contains("dcatno:legalBasisForProcessing _:b"));
    assert!(ttl.contains("dcatno:legalBasisForAccess _:b"));
    assert!(ttl.contains("dct:source \"https://lovdata.no/lov/2016-12-09-88\""));
    assert!(ttl.contains("@prefix dcatno: <http://difi.no/dcatno#> ."));
    assert!(ttl.contains("a eli:LegalResource"));
    // Literals are escaped and carry their language.
    assert!(
        ttl.contains(
            "\"Vedtak om \\\"redusert\\\" foreldrebetaling\\nmed begrunnelse \\\\ forklaring.\"@nb"
        ),
        "{ttl}"
    );
    assert!(ttl.contains("\"National Population Register\"@en"));
}

#[test]
fn json_ld_has_a_context_and_one_node_per_subject() {
    let c = catalogue();
    let json = c.to_json_ld();
    let text = serde_json::to_string_pretty(&json).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed["@context"]["dcatno"], "http://difi.no/dcatno#");
    assert_eq!(parsed["@context"]["dcatap"], "http://data.europa.eu/r5r/");
    let nodes = parsed["@graph"].as_array().unwrap();
    assert_eq!(nodes.len(), c.node_count());
    let of_type = |t: &str| {
        nodes
            .iter()
            .filter(|n| {
                n["@type"]
                    .as_array()
                    .is_some_and(|ts| ts.iter().any(|x| x == t))
            })
            .count()
    };
    let tables: usize = REGISTERS.iter().map(|r| r.tables.len()).sum();
    // Catalogue, datasets, distributions, services, agents (4 register owners + Digdir, the
    // service's publisher is Brønnøysundregistrene), contact points, laws, legal statements,
    // purposes.
    assert_eq!(of_type("dcat:Catalog"), 1);
    assert_eq!(of_type("dcat:Dataset"), REGISTERS.len());
    assert_eq!(of_type("dcat:Distribution"), tables);
    assert_eq!(of_type("dcat:DataService"), 1);
    assert_eq!(of_type("foaf:Agent"), 5);
    assert_eq!(of_type("vcard:Organization"), REGISTERS.len() + 1);
    assert_eq!(of_type("dpv:Purpose"), 1);
    let laws: BTreeSet<_> = c
        .datasets
        .iter()
        .flat_map(|d| d.legal_basis.iter().map(|l| l.eli_uri.clone()))
        .chain(std::iter::once(
            "https://lovdata.no/eli/forskrift/2005/12/16/1478".to_string(),
        ))
        .collect();
    assert_eq!(of_type("eli:LegalResource"), laws.len());
    let statements: usize = c
        .datasets
        .iter()
        .map(|d| d.legal_basis.len())
        .sum::<usize>()
        + 2;
    assert_eq!(of_type("dct:RightsStatement"), statements);
    let service = nodes
        .iter()
        .find(|n| n["@id"] == "https://mulighetsrom.example/data-services/kindergarten-fee")
        .unwrap();
    assert_eq!(
        service["dcat:endpointURL"][0]["@id"],
        "https://mulighetsrom.example/api/kindergarten-fee"
    );
    assert_eq!(service["dct:title"][1]["@language"], "en");
}

#[test]
fn bad_service_entries_are_refused_naming_service_and_field() {
    let mut bad = sample_service();
    bad.endpoint_url = "api/fee".into();
    let err = Catalogue::new(CatalogueOptions::default(), &[bad]).unwrap_err();
    assert!(
        err.to_string().contains("kindergarten-fee: endpoint_url"),
        "{err}"
    );

    let mut bad = sample_service();
    bad.serves = vec!["tax_returns".into()];
    let err = Catalogue::new(CatalogueOptions::default(), &[bad]).unwrap_err();
    assert!(matches!(err, CatalogueError::UnknownServed { .. }), "{err}");

    let mut bad = sample_service();
    bad.publisher_orgnr = "974760674".into();
    let err = Catalogue::new(CatalogueOptions::default(), &[bad]).unwrap_err();
    assert!(matches!(err, CatalogueError::InvalidOrgnr { .. }), "{err}");

    let mut bad = sample_service();
    bad.id = "Kindergarten Fee".into();
    assert!(matches!(
        Catalogue::new(CatalogueOptions::default(), &[bad]),
        Err(CatalogueError::InvalidServiceId(_))
    ));

    let err = Catalogue::new(
        CatalogueOptions::default(),
        &[sample_service(), sample_service()],
    )
    .unwrap_err();
    assert_eq!(
        err,
        CatalogueError::DuplicateService("kindergarten-fee".into())
    );

    let mut bad = sample_service();
    bad.legal_basis[0].eli_uri = "https://lovdata.no/eli/lov 2005".into();
    assert!(Catalogue::new(CatalogueOptions::default(), &[bad]).is_err());
}

#[test]
fn entries_deserialise_from_json_with_optional_fields_left_out() {
    let json = r#"{
        "id": "screening-invitation",
        "title_nb": "Invitasjon til mammografi",
        "description_nb": "Inviterer kvinner 50-74 år.",
        "publisher_orgnr": "983744516",
        "legal_basis": [{"title": "Kreftregisterforskriften",
                         "eli_uri": "https://lovdata.no/eli/forskrift/2001/12/21/1477",
                         "lovdata_url": "https://lovdata.no/forskrift/2001-12-21-1477"}],
        "purpose": "Tidlig oppdagelse av brystkreft",
        "endpoint_url": "https://mulighetsrom.example/api/screening",
        "serves": ["health", "persons"],
        "automation": "automatisk utsending"
    }"#;
    let entry: DataServiceEntry = serde_json::from_str(json).unwrap();
    let c = Catalogue::new(CatalogueOptions::default(), &[entry]).unwrap();
    assert_eq!(c.data_services[0].publisher.name, "Folkehelseinstituttet");
    assert_mandatory(&graph_triples(&c));
    let typo = json.replace("\"automation\"", "\"automatisation\"");
    assert!(serde_json::from_str::<DataServiceEntry>(&typo).is_err());
}
