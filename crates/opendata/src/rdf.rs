//! A minimal RDF graph and its two serialisations, Turtle and JSON-LD.
//!
//! Why hand-written: the catalogue needs a few hundred triples written, never read, and a full
//! RDF stack would cost more compile time than the whole crate. Both serialisers walk the same
//! [`Graph`], so the Turtle and the JSON-LD files cannot say different things. Tests parse the
//! Turtle with a real parser (dev-dependency) where one is available.

use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Namespace prefixes used in both serialisations (prefix, namespace IRI). Every namespace ends in
/// `#` or `/`, so the prefixes are also valid JSON-LD 1.1 prefix terms.
pub(crate) const PREFIXES: &[(&str, &str)] = &[
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("dcatno", "http://difi.no/dcatno#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("eli", "http://data.europa.eu/eli/ontology#"),
    ("dpv", "https://w3id.org/dpv#"),
    ("mr", "https://mulighetsrom.example/ns#"),
];

/// The RDF type predicate (written `a` in Turtle, `@type` in JSON-LD).
pub(crate) const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// Expands `prefix:local` with [`PREFIXES`]; used by the builder so code reads like Turtle.
pub(crate) fn expand(curie: &str) -> String {
    if let Some((prefix, local)) = curie.split_once(':') {
        if let Some((_, ns)) = PREFIXES.iter().find(|(p, _)| *p == prefix) {
            return format!("{ns}{local}");
        }
    }
    curie.to_string()
}

/// An RDF term: an IRI, a blank node (by label) or a literal with an optional language tag.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Term {
    Iri(String),
    Blank(String),
    Literal { value: String, lang: Option<String> },
}

impl Term {
    pub(crate) fn iri(iri: impl Into<String>) -> Term {
        Term::Iri(iri.into())
    }

    pub(crate) fn lit(value: impl Into<String>, lang: Option<&str>) -> Term {
        Term::Literal {
            value: value.into(),
            lang: lang.map(str::to_string),
        }
    }
}

/// One triple; the predicate is a full IRI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Triple {
    pub(crate) subject: Term,
    pub(crate) predicate: String,
    pub(crate) object: Term,
}

/// A graph in insertion order, with duplicate triples left out.
#[derive(Clone, Debug, Default)]
pub(crate) struct Graph {
    pub(crate) triples: Vec<Triple>,
    blanks: usize,
}

impl Graph {
    /// A fresh blank node.
    pub(crate) fn blank(&mut self) -> Term {
        self.blanks += 1;
        Term::Blank(format!("b{}", self.blanks))
    }

    /// Adds a triple; `predicate` may be a CURIE (`dct:title`).
    pub(crate) fn add(&mut self, subject: &Term, predicate: &str, object: Term) {
        let triple = Triple {
            subject: subject.clone(),
            predicate: expand(predicate),
            object,
        };
        if !self.triples.contains(&triple) {
            self.triples.push(triple);
        }
    }

    /// Subjects in order of first appearance, each with its triples' indexes.
    fn by_subject(&self) -> Vec<(&Term, Vec<usize>)> {
        let mut order: Vec<(&Term, Vec<usize>)> = Vec::new();
        let mut index: HashMap<&Term, usize> = HashMap::new();
        for (i, t) in self.triples.iter().enumerate() {
            let slot = *index.entry(&t.subject).or_insert_with(|| {
                order.push((&t.subject, Vec::new()));
                order.len() - 1
            });
            order[slot].1.push(i);
        }
        order
    }

    /// Number of distinct subjects (= node objects in the JSON-LD `@graph`).
    pub(crate) fn subject_count(&self) -> usize {
        self.by_subject().len()
    }

    /// Turtle: prefixes, then one block per subject with `;`-separated predicates.
    pub(crate) fn to_turtle(&self) -> String {
        let mut out = String::new();
        for (prefix, ns) in PREFIXES {
            let _ = writeln!(out, "@prefix {prefix}: <{ns}> .");
        }
        for (subject, triples) in self.by_subject() {
            out.push('\n');
            out.push_str(&turtle_term(subject));
            let mut previous: Option<&str> = None;
            for &i in &triples {
                let t = &self.triples[i];
                if previous == Some(t.predicate.as_str()) {
                    out.push_str(" ,\n        ");
                } else {
                    out.push_str(if previous.is_some() {
                        " ;\n    "
                    } else {
                        "\n    "
                    });
                    out.push_str(&turtle_predicate(&t.predicate));
                    out.push(' ');
                }
                out.push_str(&turtle_term(&t.object));
                previous = Some(t.predicate.as_str());
            }
            out.push_str(" .\n");
        }
        out
    }

    /// JSON-LD: an `@context` with the prefixes and a flat `@graph` with one node object per
    /// subject; properties are compact IRIs, every value an array (so repeated properties need no
    /// special case).
    pub(crate) fn to_json_ld(&self) -> Value {
        let context: Map<String, Value> = PREFIXES
            .iter()
            .map(|(p, ns)| (p.to_string(), Value::String(ns.to_string())))
            .collect();
        let mut nodes = Vec::new();
        for (subject, triples) in self.by_subject() {
            let mut node = Map::new();
            node.insert("@id".into(), Value::String(node_id(subject)));
            for &i in &triples {
                let t = &self.triples[i];
                let (key, value) = if t.predicate == RDF_TYPE {
                    let Term::Iri(iri) = &t.object else { continue };
                    ("@type".to_string(), Value::String(compact(iri)))
                } else {
                    (compact(&t.predicate), json_value(&t.object))
                };
                match node.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
                    Value::Array(values) => values.push(value),
                    other => *other = Value::Array(vec![value]),
                }
            }
            nodes.push(Value::Object(node));
        }
        json!({ "@context": Value::Object(context), "@graph": nodes })
    }
}

fn node_id(term: &Term) -> String {
    match term {
        Term::Iri(iri) => iri.clone(),
        Term::Blank(label) => format!("_:{label}"),
        Term::Literal { value, .. } => value.clone(),
    }
}

fn json_value(term: &Term) -> Value {
    match term {
        Term::Iri(_) | Term::Blank(_) => json!({ "@id": node_id(term) }),
        Term::Literal {
            value,
            lang: Some(lang),
        } => json!({ "@value": value, "@language": lang }),
        Term::Literal { value, lang: None } => json!({ "@value": value }),
    }
}

/// `prefix:local` when the local part is a plain name, else the full IRI.
fn compact(iri: &str) -> String {
    for (prefix, ns) in PREFIXES {
        if let Some(local) = iri.strip_prefix(ns) {
            if is_simple_local(local) {
                return format!("{prefix}:{local}");
            }
        }
    }
    iri.to_string()
}

/// A local name that is valid in Turtle's PN_LOCAL without escapes and reads the same in JSON-LD.
fn is_simple_local(local: &str) -> bool {
    let mut chars = local.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn turtle_predicate(iri: &str) -> String {
    if iri == RDF_TYPE {
        return "a".into();
    }
    turtle_iri(iri)
}

fn turtle_iri(iri: &str) -> String {
    let compacted = compact(iri);
    if compacted != iri {
        compacted
    } else {
        format!("<{iri}>")
    }
}

fn turtle_term(term: &Term) -> String {
    match term {
        Term::Iri(iri) => turtle_iri(iri),
        Term::Blank(label) => format!("_:{label}"),
        Term::Literal { value, lang } => {
            let mut s = String::with_capacity(value.len() + 8);
            s.push('"');
            s.push_str(&escape_literal(value));
            s.push('"');
            if let Some(lang) = lang {
                s.push('@');
                s.push_str(lang);
            }
            s
        }
    }
}

/// Escapes a string for a Turtle `"…"` literal (STRING_LITERAL_QUOTE): quote, backslash and line
/// breaks must be escaped; other control characters are written as `\uXXXX` so the file stays
/// printable.
pub(crate) fn escape_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether `iri` can be written as a Turtle IRIREF without escapes: an absolute IRI (scheme then
/// `:`) with none of the characters Turtle forbids inside `<…>`.
pub(crate) fn is_valid_iri(iri: &str) -> bool {
    let Some((scheme, rest)) = iri.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    matches!(scheme_chars.next(), Some(c) if c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !iri.chars().any(|c| {
            (c as u32) <= 0x20 || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_backslashes_and_line_breaks() {
        assert_eq!(
            escape_literal("a \"b\"\\c\nd\te\u{1}"),
            "a \\\"b\\\"\\\\c\\nd\\te\\u0001"
        );
        assert_eq!(escape_literal("Bærum – «ø»"), "Bærum – «ø»");
    }

    #[test]
    fn iris_are_checked_for_forbidden_characters() {
        assert!(is_valid_iri("https://lovdata.no/eli/lov/2016/12/09/88"));
        assert!(is_valid_iri("mailto:post@example.no"));
        assert!(!is_valid_iri("not an iri"));
        assert!(!is_valid_iri("https://x.no/a b"));
        assert!(!is_valid_iri("https://x.no/<a>"));
        assert!(!is_valid_iri("/relative"));
    }

    #[test]
    fn repeated_predicates_share_one_line_and_types_become_a() {
        let mut g = Graph::default();
        let s = Term::iri("https://x.no/s");
        g.add(&s, "rdf:type", Term::iri(expand("dcat:Dataset")));
        g.add(&s, "dct:title", Term::lit("T", Some("nb")));
        g.add(&s, "dct:title", Term::lit("T", Some("en")));
        g.add(&s, "dct:title", Term::lit("T", Some("en")));
        assert_eq!(g.triples.len(), 3);
        let ttl = g.to_turtle();
        assert!(
            ttl.contains("<https://x.no/s>\n    a dcat:Dataset ;\n    dct:title \"T\"@nb ,\n        \"T\"@en ."),
            "{ttl}"
        );
        let json = g.to_json_ld();
        assert_eq!(json["@graph"][0]["@type"][0], "dcat:Dataset");
        assert_eq!(json["@graph"][0]["dct:title"][1]["@language"], "en");
    }
}
