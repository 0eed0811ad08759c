//! The check that refuses protected and proxy features without a legal basis.
//!
//! Why: the Dutch tax administration's risk model used "Dutch / non-Dutch" as an indicator and
//! stored dual nationality without a legal basis (Toeslagenaffaire; AP fine Dec 2021). A model
//! that uses a ground of discrimination (likestillings- og diskrimineringsloven § 6), or a
//! feature that stands in for one, must be stopped before it scores anyone unless the service's
//! manifest permits that ground with a reason and a legal basis (§ 9 lawful differential
//! treatment). The check runs on the model's feature names, so it also covers a vendor's ONNX
//! model whose insides we cannot see.
//!
//! How a feature is classified: by words in its name, from the table [`RULES`] (bokmål and
//! English). Direct features (e.g. "immigrant background") and proxies (country of birth,
//! citizenship, language, name, postal code) are both refused; the error says which it is. The
//! table errs on the side of refusing: a false alarm costs a renamed feature, a miss can cost
//! what it cost in the Netherlands.

use governance::manifest::{Characteristic, Manifest, PermittedFeature};
use serde::Serialize;

/// Whether a feature is the characteristic itself or stands in for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The feature is the characteristic (e.g. "age 50–54").
    Direct,
    /// The feature correlates strongly with it (e.g. country of birth for ethnicity).
    Proxy,
}

/// One classification rule: a word in a feature name, and what it reveals.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Lower-case word or prefix looked for in the lower-cased feature name.
    pub word: &'static str,
    /// What it reveals.
    pub characteristic: Characteristic,
    /// Direct or proxy.
    pub relation: Relation,
}

const fn rule(word: &'static str, characteristic: Characteristic, relation: Relation) -> Rule {
    Rule {
        word,
        characteristic,
        relation,
    }
}

use Characteristic as C;
use Relation::{Direct, Proxy};

/// The classification table. A name matches a rule when one of its words starts with the rule's
/// word (so "age" matches "age 50–54" and "ages", not "average" or "page").
pub const RULES: &[Rule] = &[
    rule("age", C::Age, Direct),
    rule("alder", C::Age, Direct),
    rule("birth year", C::Age, Direct),
    rule("fødselsår", C::Age, Direct),
    rule("sex", C::Sex, Direct),
    rule("gender", C::Sex, Direct),
    rule("kjønn", C::Sex, Direct),
    rule("ethnic", C::Ethnicity, Direct),
    rule("etnisk", C::Ethnicity, Direct),
    rule("etnisitet", C::Ethnicity, Direct),
    rule("immigrant", C::Ethnicity, Direct),
    rule("innvandr", C::Ethnicity, Direct),
    rule("background", C::Ethnicity, Direct),
    rule("landbakgrunn", C::Ethnicity, Direct),
    rule("race", C::Ethnicity, Direct),
    rule("skin", C::Ethnicity, Direct),
    rule("nationality", C::Ethnicity, Proxy),
    rule("nasjonalitet", C::Ethnicity, Proxy),
    rule("citizenship", C::Ethnicity, Proxy),
    rule("statsborger", C::Ethnicity, Proxy),
    rule("country of birth", C::Ethnicity, Proxy),
    rule("fødeland", C::Ethnicity, Proxy),
    rule("born abroad", C::Ethnicity, Proxy),
    rule("mother tongue", C::Ethnicity, Proxy),
    rule("morsmål", C::Ethnicity, Proxy),
    rule("language", C::Ethnicity, Proxy),
    rule("språk", C::Ethnicity, Proxy),
    rule("interpreter", C::Ethnicity, Proxy),
    rule("tolk", C::Ethnicity, Proxy),
    rule("surname", C::Ethnicity, Proxy),
    rule("etternavn", C::Ethnicity, Proxy),
    rule("first name", C::Ethnicity, Proxy),
    rule("fornavn", C::Ethnicity, Proxy),
    rule("postal code", C::Ethnicity, Proxy),
    rule("postnummer", C::Ethnicity, Proxy),
    rule("grunnkrets", C::Ethnicity, Proxy),
    rule("religion", C::Religion, Direct),
    rule("livssyn", C::Religion, Direct),
    rule("trossamfunn", C::Religion, Direct),
    rule("disab", C::Disability, Direct),
    rule("funksjonsnedsett", C::Disability, Direct),
    rule("uføre", C::Disability, Proxy),
    rule("sexual orientation", C::SexualOrientation, Direct),
    rule("seksuell orientering", C::SexualOrientation, Direct),
    rule("gender identity", C::GenderIdentity, Direct),
    rule("kjønnsidentitet", C::GenderIdentity, Direct),
    rule("pregnan", C::Pregnancy, Direct),
    rule("gravid", C::Pregnancy, Direct),
    rule("parental leave", C::Pregnancy, Direct),
    rule("foreldrepenger", C::Pregnancy, Proxy),
];

/// A feature that touches a protected characteristic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The feature's name as the model gives it.
    pub feature: String,
    /// The characteristic.
    pub characteristic: Characteristic,
    /// Direct or proxy.
    pub relation: Relation,
    /// The word that matched.
    pub matched: &'static str,
}

/// A feature permitted by the manifest, with the permission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Permitted {
    /// The finding.
    pub finding: Finding,
    /// Why and on what basis.
    pub permission: PermittedFeature,
}

/// Refusal: features touch protected characteristics the manifest does not permit.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "service {service} may not use {}: its manifest ({manifest}) gives no legal basis for {}; \
     remove the feature(s) or add a [[permitted_features]] entry with reason and basis",
    describe(.refused), grounds(.refused)
)]
pub struct FeatureRefusal {
    /// The service.
    pub service: String,
    /// The manifest file.
    pub manifest: String,
    /// The refused features.
    pub refused: Vec<Finding>,
}

fn describe(refused: &[Finding]) -> String {
    refused
        .iter()
        .map(|f| {
            let how = match f.relation {
                Direct => "is",
                Proxy => "stands in for",
            };
            format!(
                "feature {:?} ({how} {})",
                f.feature,
                f.characteristic.name_en()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn grounds(refused: &[Finding]) -> String {
    let mut g: Vec<&str> = refused.iter().map(|f| f.characteristic.name_en()).collect();
    g.sort_unstable();
    g.dedup();
    g.join(", ")
}

/// Classifies one feature name (first matching rule), or `None` when it touches no ground.
pub fn classify(feature: &str) -> Option<Finding> {
    let name = feature.to_lowercase();
    let words: Vec<&str> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // Every suffix of the name starting at a word, with single spaces: a rule matches when one
    // of them starts with its word (multi-word rules such as "country of birth" included).
    let tails: Vec<String> = (0..words.len()).map(|i| words[i..].join(" ")).collect();
    RULES.iter().find_map(|r| {
        let hit = tails.iter().any(|t| t.starts_with(r.word));
        hit.then(|| Finding {
            feature: feature.to_string(),
            characteristic: r.characteristic,
            relation: r.relation,
            matched: r.word,
        })
    })
}

/// Checks a model's features against a service's manifest: returns the permitted findings (to
/// publish in the algorithm register) or refuses every feature the manifest does not permit.
pub fn check<S: AsRef<str>>(
    manifest: &Manifest,
    features: &[S],
) -> Result<Vec<Permitted>, FeatureRefusal> {
    let mut permitted = Vec::new();
    let mut refused = Vec::new();
    for finding in features.iter().filter_map(|f| classify(f.as_ref())) {
        match manifest.permits(finding.characteristic) {
            Some(p) => permitted.push(Permitted {
                finding,
                permission: p.clone(),
            }),
            None => refused.push(finding),
        }
    }
    if refused.is_empty() {
        Ok(permitted)
    } else {
        Err(FeatureRefusal {
            service: manifest.id.clone(),
            manifest: manifest.source.display().to_string(),
            refused,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governance::Manifests;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn words_are_matched_at_their_start_only() {
        assert_eq!(classify("age 50–54").unwrap().characteristic, C::Age);
        assert_eq!(classify("Alder").unwrap().characteristic, C::Age);
        assert!(classify("average radius").is_none());
        assert!(classify("mean perimeter").is_none());
        assert!(classify("daily smoker").is_none());
        assert!(classify("first birth at 30+").is_none());
        let c = classify("Country of birth: Somalia").unwrap();
        assert_eq!((c.characteristic, c.relation), (C::Ethnicity, Proxy));
        let c = classify("innvandringsbakgrunn").unwrap();
        assert_eq!((c.characteristic, c.relation), (C::Ethnicity, Direct));
    }

    #[test]
    fn the_lifestyle_model_passes_on_the_permitted_ground_of_age() {
        let m = Manifests::builtin();
        let s7 = m.get("S7").unwrap();
        let ok = check(s7, &names(&["daily smoker", "age 50–54", "age 55–59"])).unwrap();
        assert_eq!(ok.len(), 2);
        assert!(ok.iter().all(|p| p.finding.characteristic == C::Age));
    }

    #[test]
    fn nationality_and_background_are_refused_even_where_age_is_permitted() {
        let m = Manifests::builtin();
        let s7 = m.get("S7").unwrap();
        let err = check(
            s7,
            &names(&["daily smoker", "immigrant background", "Nationality=NL"]),
        )
        .unwrap_err();
        assert_eq!(err.refused.len(), 2);
        let text = err.to_string();
        assert!(
            text.contains("\"immigrant background\" (is ethnicity)"),
            "{text}"
        );
        assert!(
            text.contains("\"Nationality=NL\" (stands in for ethnicity)"),
            "{text}"
        );
        assert!(text.contains("s7-kreftrisiko.toml"), "{text}");
    }

    #[test]
    fn age_is_refused_where_the_manifest_does_not_permit_it() {
        let m = Manifests::builtin();
        let s4 = m.get("S4").unwrap();
        let err = check(s4, &names(&["age 50–54"])).unwrap_err();
        assert_eq!(err.refused[0].characteristic, C::Age);
        assert!(check(s4, &names(&["mean radius", "worst concavity"]))
            .unwrap()
            .is_empty());
    }
}
