//! Municipalities (kommuner) and counties (fylker) from Statistics Norway's classification KLASS 131.
//!
//! Municipality numbers change with regional reforms (2020, 2024), so a number is only meaningful
//! for a period: each [`Municipality`] carries `valid_from`/`valid_to`, and look-ups by date refuse
//! numbers outside their period instead of silently reusing them.

use chrono::NaiveDate;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// The KLASS 131 list valid on 2026-01-01 (same units as 2024), with 1 January 2024 populations.
const EMBEDDED_2026: &str = include_str!("../data/municipalities-2026.csv");

/// A four-digit municipality number (kommunenummer), e.g. `0301` for Oslo.
///
/// Stored as a number, always displayed with four digits: Oslo's leading zero is significant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MunicipalityNumber(u16);

impl MunicipalityNumber {
    /// The number as an integer (301 for Oslo).
    pub fn as_u16(self) -> u16 {
        self.0
    }

    /// Builds a number from its integer value, refusing values that are not four digits.
    pub fn from_u16(value: u16) -> Result<Self, MunicipalityError> {
        if (100..=9999).contains(&value) {
            Ok(MunicipalityNumber(value))
        } else {
            Err(MunicipalityError::Malformed(value.to_string()))
        }
    }

    /// The county (fylke) is the first two digits.
    pub fn county(self) -> CountyNumber {
        CountyNumber((self.0 / 100) as u8)
    }
}

impl fmt::Display for MunicipalityNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

impl FromStr for MunicipalityNumber {
    type Err = MunicipalityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MunicipalityError::Malformed(s.to_string()));
        }
        let value: u16 = s
            .parse()
            .map_err(|_| MunicipalityError::Malformed(s.to_string()))?;
        MunicipalityNumber::from_u16(value)
    }
}

/// A two-digit county number (fylkesnummer), e.g. `46` for Vestland.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountyNumber(u8);

impl CountyNumber {
    /// The number as an integer.
    pub fn as_u8(self) -> u8 {
        self.0
    }
}

impl fmt::Display for CountyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl FromStr for CountyNumber {
    type Err = MunicipalityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MunicipalityError::MalformedCounty(s.to_string()));
        }
        s.parse()
            .map(CountyNumber)
            .map_err(|_| MunicipalityError::MalformedCounty(s.to_string()))
    }
}

/// One municipality as classified by KLASS 131.
#[derive(Clone, Debug, PartialEq)]
pub struct Municipality {
    /// The kommunenummer.
    pub number: MunicipalityNumber,
    /// Official name, with Sámi/Kven forms where the name has them.
    pub name: String,
    /// The county the municipality belongs to.
    pub county: CountyNumber,
    /// Registered population on 1 January 2024 (SSB table 07459).
    pub population_2024: u32,
    /// Land area in km² (kept as reported; not money, so floating point is fine).
    pub area_km2: f64,
    /// First day the number is valid for this unit.
    pub valid_from: NaiveDate,
    /// Last day the number is valid, if it has been retired.
    pub valid_to: Option<NaiveDate>,
}

impl Municipality {
    /// Whether the municipality number is valid on `date`.
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        date >= self.valid_from && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// What can be wrong with a municipality number or the municipality list.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MunicipalityError {
    /// Not four digits.
    #[error("municipality number '{0}' is not four digits (write Oslo as 0301)")]
    Malformed(String),
    /// Not two digits.
    #[error("county number '{0}' is not two digits")]
    MalformedCounty(String),
    /// Not in the list.
    #[error("unknown municipality {0} (not in KLASS 131 as loaded)")]
    Unknown(MunicipalityNumber),
    /// In the list, but not on that date.
    #[error("municipality {number} is not valid on {date} (valid {from} to {to})")]
    NotValidOn {
        /// The number asked for.
        number: MunicipalityNumber,
        /// The date asked for.
        date: NaiveDate,
        /// Start of validity.
        from: NaiveDate,
        /// End of validity, or "today".
        to: String,
    },
    /// A line of the CSV list is malformed.
    #[error("municipality list line {line}: {reason}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// The municipalities known to the platform, indexed by number.
#[derive(Clone, Debug)]
pub struct Municipalities {
    // Shared: every minimised delivery of the access layer carries the classification, so a
    // clone must not copy 357 names (the API makes one per request).
    list: std::sync::Arc<Vec<Municipality>>,
    index: std::sync::Arc<HashMap<MunicipalityNumber, usize>>,
}

impl Municipalities {
    /// The embedded KLASS 131 list of 2026 (357 municipalities), valid from 2024-01-01.
    pub fn embedded_2026() -> Self {
        let valid_from = NaiveDate::from_ymd_opt(2024, 1, 1).expect("constant date");
        Self::from_csv(EMBEDDED_2026, valid_from).expect("the embedded municipality list is valid")
    }

    /// Parses a list with the columns `kommunenummer,name,fylkesnummer,population_2024_01_01,area_km2`.
    pub fn from_csv(text: &str, valid_from: NaiveDate) -> Result<Self, MunicipalityError> {
        let mut list = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let raw = raw.trim_end_matches('\r');
            if line == 1 || raw.trim().is_empty() {
                continue;
            }
            let bad = |reason: String| MunicipalityError::BadLine { line, reason };
            let fields: Vec<&str> = raw.split(',').collect();
            if fields.len() != 5 {
                return Err(bad(format!("expected 5 fields, found {}", fields.len())));
            }
            let number: MunicipalityNumber = fields[0].parse().map_err(|e| bad(format!("{e}")))?;
            let county: CountyNumber = fields[2].parse().map_err(|e| bad(format!("{e}")))?;
            if number.county() != county {
                return Err(bad(format!(
                    "municipality {number} does not belong to county {county}"
                )));
            }
            let population_2024 = fields[3]
                .trim()
                .parse()
                .map_err(|_| bad(format!("population '{}' is not a whole number", fields[3])))?;
            let area_km2 = fields[4]
                .trim()
                .parse()
                .map_err(|_| bad(format!("area '{}' is not a number", fields[4])))?;
            list.push(Municipality {
                number,
                name: fields[1].trim().to_string(),
                county,
                population_2024,
                area_km2,
                valid_from,
                valid_to: None,
            });
        }
        let mut index = HashMap::with_capacity(list.len());
        for (i, m) in list.iter().enumerate() {
            if index.insert(m.number, i).is_some() {
                return Err(MunicipalityError::BadLine {
                    line: i + 2,
                    reason: format!("municipality {} is listed twice", m.number),
                });
            }
        }
        Ok(Municipalities {
            list: std::sync::Arc::new(list),
            index: std::sync::Arc::new(index),
        })
    }

    /// Number of municipalities.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// All municipalities in list order.
    pub fn iter(&self) -> impl Iterator<Item = &Municipality> {
        self.list.iter()
    }

    /// The municipality with this number, whatever its validity period.
    pub fn get(&self, number: MunicipalityNumber) -> Option<&Municipality> {
        self.index.get(&number).map(|&i| &self.list[i])
    }

    /// The municipality with this number on `date`, with an error that says why not.
    pub fn on(
        &self,
        number: MunicipalityNumber,
        date: NaiveDate,
    ) -> Result<&Municipality, MunicipalityError> {
        let m = self.get(number).ok_or(MunicipalityError::Unknown(number))?;
        if m.is_valid_on(date) {
            Ok(m)
        } else {
            Err(MunicipalityError::NotValidOn {
                number,
                date,
                from: m.valid_from,
                to: m.valid_to.map_or("today".into(), |d| d.to_string()),
            })
        }
    }

    /// The municipalities of one county.
    pub fn in_county(&self, county: CountyNumber) -> impl Iterator<Item = &Municipality> {
        self.list.iter().filter(move |m| m.county == county)
    }

    /// The counties present, sorted.
    pub fn counties(&self) -> Vec<CountyNumber> {
        let mut c: Vec<_> = self.list.iter().map(|m| m.county).collect();
        c.sort();
        c.dedup();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_matches_ssb_totals() {
        let m = Municipalities::embedded_2026();
        assert_eq!(m.len(), 357);
        let total: u64 = m.iter().map(|m| m.population_2024 as u64).sum();
        assert_eq!(total, 5_550_203);
        assert_eq!(m.counties().len(), 15);
        assert_eq!(
            m.get("0301".parse().unwrap()).unwrap().name,
            "Oslo - Oslove"
        );
        assert_eq!(m.get("1580".parse().unwrap()).unwrap().name, "Haram");
    }

    #[test]
    fn numbers_keep_leading_zeros_and_reject_garbage() {
        let oslo: MunicipalityNumber = "0301".parse().unwrap();
        assert_eq!(oslo.to_string(), "0301");
        assert_eq!(oslo.county().to_string(), "03");
        assert!("301".parse::<MunicipalityNumber>().is_err());
        assert!("03a1".parse::<MunicipalityNumber>().is_err());
    }

    #[test]
    fn unknown_and_out_of_period_numbers_are_reported() {
        let m = Municipalities::embedded_2026();
        let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let err = m.on("9999".parse().unwrap(), date).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown municipality 9999 (not in KLASS 131 as loaded)"
        );
        let early = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
        let err = m.on("4601".parse().unwrap(), early).unwrap_err();
        assert!(err.to_string().contains("not valid on 2019-01-01"), "{err}");
    }

    #[test]
    fn bad_lines_name_the_line() {
        let text = "header\n0301,Oslo,03,10,1.0\n0302,Bad,04,10,1.0\n";
        let err = Municipalities::from_csv(text, NaiveDate::MIN).unwrap_err();
        assert_eq!(
            err.to_string(),
            "municipality list line 3: municipality 0302 does not belong to county 04"
        );
    }
}
