//! Price zones of the makspris, by municipality, from `law/zones/kindergarten-price-zones.yaml`.
//!
//! A municipality listed in a special zone is in that zone. A municipality in no list is in the
//! general zone only if every special list is complete; otherwise its zone is unknown, and the
//! fee rules send the case to manual handling wherever the zone matters. Nothing is guessed.

use registers::{Municipalities, MunicipalityNumber};
use rules::{LoadError, Provenance};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The makspris zones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum PriceZone {
    /// The general makspris.
    #[serde(rename = "general")]
    General,
    /// Municipalities of SSB centrality class 5–6 (lower makspris from 2024-08-01).
    #[serde(rename = "sentralitet_5_6")]
    Sentralitet56,
    /// Tiltakssonen in the far north (free from 2023-08-01).
    #[serde(rename = "tiltakssonen")]
    Tiltakssonen,
}

impl PriceZone {
    /// The spelling in files, case JSON and parameter paths.
    pub fn code(self) -> &'static str {
        match self {
            PriceZone::General => "general",
            PriceZone::Sentralitet56 => "sentralitet_5_6",
            PriceZone::Tiltakssonen => "tiltakssonen",
        }
    }

    /// The makspris parameter of the zone.
    pub fn makspris_parameter(self) -> &'static str {
        match self {
            PriceZone::General => "kindergarten.makspris.general",
            PriceZone::Sentralitet56 => "kindergarten.makspris.sentralitet_5_6",
            PriceZone::Tiltakssonen => "kindergarten.makspris.tiltakssonen",
        }
    }
}

impl fmt::Display for PriceZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for PriceZone {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "general" => Ok(PriceZone::General),
            "sentralitet_5_6" => Ok(PriceZone::Sentralitet56),
            "tiltakssonen" => Ok(PriceZone::Tiltakssonen),
            other => Err(format!(
                "'{other}' is not a price zone (general, sentralitet_5_6 or tiltakssonen)"
            )),
        }
    }
}

/// One special zone's list as loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneList {
    /// The zone.
    pub zone: PriceZone,
    /// Where the list comes from.
    pub source: String,
    /// `verified`, or `unverified: why`.
    pub status: String,
    /// Whether the list is known to hold every municipality of the zone.
    pub complete: bool,
    /// The municipalities listed.
    pub municipalities: Vec<MunicipalityNumber>,
}

/// The zone of a municipality as far as the zone data know it.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneAnswer {
    /// The zone, or `None` when the data cannot tell (an incomplete special list).
    pub zone: Option<PriceZone>,
    /// The special zones whose lists are incomplete, when `zone` is `None`.
    pub possible: Vec<PriceZone>,
    /// Where the answer comes from.
    pub provenance: Provenance,
    /// Why the zone is unknown, when it is.
    pub unknown_reason: Option<String>,
}

/// The zone data.
#[derive(Clone, Debug, Default)]
pub struct Zones {
    lists: Vec<ZoneList>,
    by_municipality: HashMap<MunicipalityNumber, PriceZone>,
    file: String,
}

impl Zones {
    /// Loads the zone file and checks every number and name against `municipalities`.
    pub fn load(path: &Path, municipalities: &Municipalities) -> Result<Zones, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut zones = Zones::from_yaml(&text, &path.display().to_string(), municipalities)?;
        // Errors name the full path; decisions cite the file by its place in the law directory
        // (`zones/…yaml`), so a decision does not depend on where the program is installed (a
        // stored decision's inputs would otherwise change with the installation path).
        zones.file = law_relative(path);
        Ok(zones)
    }

    /// Parses the text of a zone file; `origin` names it in errors.
    pub fn from_yaml(
        text: &str,
        origin: &str,
        municipalities: &Municipalities,
    ) -> Result<Zones, LoadError> {
        let invalid = |key: String, message: String| LoadError::Invalid {
            file: origin.to_string(),
            line: line_of_text(text, &key),
            key,
            message,
        };
        let value: serde_norway::Value =
            serde_norway::from_str(text).map_err(|e| LoadError::Syntax {
                file: origin.to_string(),
                line: e.location().map_or(0, |l| l.line()),
                column: e.location().map_or(0, |l| l.column()),
                message: e.to_string(),
            })?;
        let zones = value
            .get("zones")
            .and_then(|z| z.as_mapping())
            .ok_or_else(|| invalid("zones".into(), "missing mapping of zones".into()))?;
        let mut out = Zones {
            file: origin.to_string(),
            ..Zones::default()
        };
        for (name, entry) in zones {
            let name = name.as_str().unwrap_or("");
            let zone: PriceZone = name.parse().map_err(|m| invalid(name.to_string(), m))?;
            if zone == PriceZone::General {
                return Err(invalid(
                    name.to_string(),
                    "the general zone is everything not listed; do not list it".into(),
                ));
            }
            let text_of = |key: &str| {
                entry
                    .get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .ok_or_else(|| invalid(format!("{name}.{key}"), "required text".into()))
            };
            let source = text_of("source")?;
            let status = text_of("status")?;
            if status != "verified" && !status.starts_with("unverified") {
                return Err(invalid(
                    format!("{name}.status"),
                    "must be 'verified' or start with 'unverified'".into(),
                ));
            }
            let complete = entry
                .get("complete")
                .and_then(|v| v.as_bool())
                .ok_or_else(|| {
                    invalid(format!("{name}.complete"), "required: true or false".into())
                })?;
            let items = entry
                .get("municipalities")
                .and_then(|v| v.as_sequence())
                .ok_or_else(|| invalid(format!("{name}.municipalities"), "required list".into()))?;
            let mut numbers = Vec::new();
            for item in items {
                let number_text = item.get("number").and_then(|n| n.as_str()).unwrap_or("");
                let number: MunicipalityNumber = number_text
                    .parse()
                    .map_err(|e| invalid(number_text.to_string(), format!("{name}: {e}")))?;
                let listed = municipalities.get(number).ok_or_else(|| {
                    invalid(
                        number_text.to_string(),
                        format!("{name}: municipality {number} is not in the municipality list"),
                    )
                })?;
                let given = item.get("name").and_then(|n| n.as_str()).unwrap_or("");
                if given.is_empty() || !listed.name.contains(given) {
                    return Err(invalid(
                        number_text.to_string(),
                        format!(
                            "{name}: municipality {number} is '{}', not '{given}'",
                            listed.name
                        ),
                    ));
                }
                if let Some(previous) = out.by_municipality.insert(number, zone) {
                    return Err(invalid(
                        number_text.to_string(),
                        format!("municipality {number} is listed in {previous} and in {zone}"),
                    ));
                }
                numbers.push(number);
            }
            out.lists.push(ZoneList {
                zone,
                source,
                status,
                complete,
                municipalities: numbers,
            });
        }
        Ok(out)
    }

    /// The special zone lists as loaded.
    pub fn lists(&self) -> &[ZoneList] {
        &self.lists
    }

    /// The zone of a municipality, or why it is unknown.
    pub fn zone_of(&self, municipality: MunicipalityNumber) -> ZoneAnswer {
        if let Some(&zone) = self.by_municipality.get(&municipality) {
            let list = self.lists.iter().find(|l| l.zone == zone);
            return ZoneAnswer {
                zone: Some(zone),
                possible: Vec::new(),
                provenance: Provenance::register(
                    "zones",
                    match list.filter(|l| l.status != "verified") {
                        // An unverified list says so in every decision that relies on it.
                        Some(l) => format!(
                            "{}: {} lists {municipality} ({}) [{}]",
                            self.file, zone, l.source, l.status
                        ),
                        None => format!(
                            "{}: {} lists {municipality} ({})",
                            self.file,
                            zone,
                            list.map_or("", |l| l.source.as_str())
                        ),
                    },
                    None,
                ),
                unknown_reason: None,
            };
        }
        let incomplete: Vec<&ZoneList> = self.lists.iter().filter(|l| !l.complete).collect();
        let provenance = Provenance::register(
            "zones",
            format!("{}: {municipality} in no special zone list", self.file),
            None,
        );
        if incomplete.is_empty() {
            ZoneAnswer {
                zone: Some(PriceZone::General),
                possible: Vec::new(),
                provenance,
                unknown_reason: None,
            }
        } else {
            let reason = incomplete
                .iter()
                .map(|l| format!("the {} list is incomplete ({})", l.zone, l.status))
                .collect::<Vec<_>>()
                .join("; ");
            ZoneAnswer {
                zone: None,
                possible: incomplete.iter().map(|l| l.zone).collect(),
                provenance,
                unknown_reason: Some(format!(
                    "the price zone of municipality {municipality} is unknown: it is in no special zone list, and {reason}"
                )),
            }
        }
    }
}

/// The last two components of a path (`zones/kindergarten-price-zones.yaml`).
fn law_relative(path: &Path) -> String {
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|d| d.to_string_lossy().into_owned());
    match (dir, file) {
        (Some(d), Some(f)) => format!("{d}/{f}"),
        (None, Some(f)) => f,
        _ => path.display().to_string(),
    }
}

fn line_of_text(text: &str, key: &str) -> Option<usize> {
    let last = key.rsplit('.').next().unwrap_or(key);
    text.lines()
        .position(|l| l.contains(&format!("{last}:")) || l.contains(&format!("\"{last}\"")))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zones() -> Zones {
        let text = include_str!("../../../law/zones/kindergarten-price-zones.yaml");
        Zones::from_yaml(text, "zones.yaml", &Municipalities::embedded_2026()).unwrap()
    }

    #[test]
    fn tiltakssonen_is_finnmark_and_seven_troms_municipalities() {
        let z = zones();
        let list = z
            .lists()
            .iter()
            .find(|l| l.zone == PriceZone::Tiltakssonen)
            .unwrap();
        assert_eq!(list.municipalities.len(), 25);
        let finnmark = Municipalities::embedded_2026()
            .in_county("56".parse().unwrap())
            .count();
        assert_eq!(
            list.municipalities
                .iter()
                .filter(|m| m.county().as_u8() == 56)
                .count(),
            finnmark
        );
        assert_eq!(
            z.zone_of("5540".parse().unwrap()).zone,
            Some(PriceZone::Tiltakssonen)
        );
    }

    #[test]
    fn an_unlisted_municipality_has_an_unknown_zone_while_a_list_is_incomplete() {
        let m = Municipalities::embedded_2026();
        let text = "zones:\n  tiltakssonen:\n    source: s\n    status: verified\n    complete: true\n    municipalities:\n      - {number: \"5601\", name: Alta}\n  sentralitet_5_6:\n    source: SSB KLASS 128\n    status: \"unverified: not available\"\n    complete: false\n    municipalities: []\n";
        let z = Zones::from_yaml(text, "z.yaml", &m).unwrap();
        let answer = z.zone_of("0301".parse().unwrap());
        assert_eq!(answer.zone, None);
        assert_eq!(answer.possible, vec![PriceZone::Sentralitet56]);
        assert!(answer.unknown_reason.unwrap().contains("not available"));
    }

    #[test]
    fn the_sourced_lists_cover_every_municipality_and_flag_the_unverified_one() {
        let z = zones();
        // 25 in tiltakssonen, 189 in sentralitet 5–6 (212 in class 5–6 less the 23 of them in
        // tiltakssonen), and every other municipality is general.
        let sizes: Vec<_> = z
            .lists()
            .iter()
            .map(|l| (l.zone, l.municipalities.len()))
            .collect();
        assert!(sizes.contains(&(PriceZone::Tiltakssonen, 25)), "{sizes:?}");
        assert!(
            sizes.contains(&(PriceZone::Sentralitet56, 189)),
            "{sizes:?}"
        );
        assert_eq!(
            z.zone_of("0301".parse().unwrap()).zone,
            Some(PriceZone::General)
        );
        let suldal = z.zone_of("1134".parse().unwrap());
        assert_eq!(suldal.zone, Some(PriceZone::Sentralitet56));
        assert!(format!("{:?}", suldal.provenance).contains("unverified"));
        // Class 5–6 municipalities in tiltakssonen pay the tiltakssone price (0).
        assert_eq!(
            z.zone_of("5540".parse().unwrap()).zone,
            Some(PriceZone::Tiltakssonen)
        );
    }

    #[test]
    fn wrong_names_and_numbers_are_refused() {
        let m = Municipalities::embedded_2026();
        let text = "zones:\n  tiltakssonen:\n    source: s\n    status: verified\n    complete: true\n    municipalities:\n      - {number: \"5601\", name: Tromsø}\n";
        let err = Zones::from_yaml(text, "z.yaml", &m).unwrap_err();
        assert_eq!(
            err.to_string(),
            "z.yaml:7: 5601: tiltakssonen: municipality 5601 is 'Alta', not 'Tromsø'"
        );
        let text = text.replace("5601", "5699");
        let err = Zones::from_yaml(&text, "z.yaml", &m).unwrap_err();
        assert!(
            err.to_string()
                .contains("5699 is not in the municipality list"),
            "{err}"
        );
    }
}
