//! The standard published statistics: residents by municipality × age band × sex on a date.
//!
//! Why these bands: 0–5 (kindergarten age), 6–15 (compulsory school), 16–19 (upper secondary),
//! 20–66 (working age), 67–79 (retirement age) and 80+ (the age at which care needs rise); they
//! follow the services the platform runs and SSB's usual groupings of table 07459.
//!
//! Residents are persons with a registered residence on the date (`Registers::residences_on`,
//! which leaves out the dead and emigrated), born on or before it; ages are whole years by
//! `registers::age_on`.

use crate::suppression::CountTable;
use chrono::NaiveDate;
use registers::{age_on, MunicipalityNumber, Registers, Sex};
use std::collections::BTreeMap;

/// An age band, inclusive; `max` is `None` for the open top band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgeBand {
    /// Lowest age in the band.
    pub min: u32,
    /// Highest age in the band; `None` = no upper limit.
    pub max: Option<u32>,
}

impl AgeBand {
    /// Whether `age` is in the band.
    pub fn contains(self, age: u32) -> bool {
        age >= self.min && self.max.is_none_or(|m| age <= m)
    }

    /// Label as SSB writes it ("0-5 år", "80 år og over").
    pub fn label(self) -> String {
        match self.max {
            Some(max) => format!("{}-{max} år", self.min),
            None => format!("{} år og over", self.min),
        }
    }
}

/// The published age bands.
pub const AGE_BANDS: [AgeBand; 6] = [
    AgeBand {
        min: 0,
        max: Some(5),
    },
    AgeBand {
        min: 6,
        max: Some(15),
    },
    AgeBand {
        min: 16,
        max: Some(19),
    },
    AgeBand {
        min: 20,
        max: Some(66),
    },
    AgeBand {
        min: 67,
        max: Some(79),
    },
    AgeBand { min: 80, max: None },
];

const SEXES: [(Sex, &str); 2] = [(Sex::Female, "kvinner"), (Sex::Male, "menn")];

/// The residents table and what was left out of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResidentsTable {
    /// Rows: municipalities ("4601 Bergen"), by number; columns: age band × sex.
    pub table: CountTable,
    /// Municipality numbers of the rows, in row order.
    pub municipalities: Vec<MunicipalityNumber>,
    /// Residents whose residence municipality is not in the classification (counted under their
    /// number, named "ukjent"); a sign of stale municipality numbers.
    pub unknown_municipality: usize,
}

/// Column index of (age band, sex).
fn column(band: usize, sex: Sex) -> usize {
    band * SEXES.len() + usize::from(sex == Sex::Male)
}

/// Counts residents on `on` by municipality of residence × age band × sex.
pub fn residents_table(registers: &Registers, on: NaiveDate) -> ResidentsTable {
    let residences = registers.residences_on(on);
    let mut per: BTreeMap<MunicipalityNumber, Vec<u64>> = BTreeMap::new();
    let width = AGE_BANDS.len() * SEXES.len();
    for p in &registers.persons {
        if p.birth_date > on {
            continue;
        }
        let Some(residence) = residences.get(&p.id) else {
            continue;
        };
        let age = age_on(p.birth_date, on);
        let Some(band) = AGE_BANDS.iter().position(|b| b.contains(age)) else {
            continue;
        };
        per.entry(residence.municipality)
            .or_insert_with(|| vec![0; width])[column(band, p.sex)] += 1;
    }
    let mut unknown_municipality = 0;
    let rows: Vec<String> = per
        .iter()
        .map(|(m, counts)| match registers.municipalities.get(*m) {
            Some(x) => format!("{m} {}", x.name),
            None => {
                unknown_municipality += counts.iter().sum::<u64>() as usize;
                format!("{m} ukjent")
            }
        })
        .collect();
    let columns: Vec<String> = AGE_BANDS
        .iter()
        .flat_map(|b| SEXES.iter().map(move |(_, s)| format!("{} {s}", b.label())))
        .collect();
    let mut table = CountTable::new(
        format!("Bosatte etter kommune, alder og kjønn, {on}"),
        "region",
        rows,
        columns,
    );
    for (i, counts) in per.values().enumerate() {
        for (j, &n) in counts.iter().enumerate() {
            table.add(i, j, n);
        }
    }
    ResidentsTable {
        table,
        municipalities: per.keys().copied().collect(),
        unknown_municipality,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use registers::{
        AddressId, Background, Municipalities, NationalId, Person, PersonStatus, Residence,
    };

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn bands_cover_every_age_once() {
        for age in 0..120 {
            assert_eq!(
                AGE_BANDS.iter().filter(|b| b.contains(age)).count(),
                1,
                "{age}"
            );
        }
        assert_eq!(AGE_BANDS[5].label(), "80 år og over");
        assert_eq!(AGE_BANDS[1].label(), "6-15 år");
    }

    #[test]
    fn residents_are_counted_by_municipality_band_and_sex_on_the_date() {
        let on = d(2024, 1, 1);
        let mut r = Registers::empty(on, Municipalities::embedded_2026());
        let bergen: MunicipalityNumber = "4601".parse().unwrap();
        let utsira: MunicipalityNumber = "1151".parse().unwrap();
        // Synthetic (Tenor, month + 80) identity numbers from the identity crate's allocator
        // would do as well; these are valid ones.
        let ids = ["17912099997", "31129956715", "30108299939"];
        let people = [
            (
                ids[0],
                d(2020, 11, 17),
                Sex::Female,
                PersonStatus::Resident,
                None,
                bergen,
            ),
            (
                ids[1],
                d(1943, 12, 31),
                Sex::Male,
                PersonStatus::Resident,
                None,
                utsira,
            ),
            // Died before the date: left out.
            (
                ids[2],
                d(1982, 10, 30),
                Sex::Male,
                PersonStatus::Dead,
                Some(d(2023, 5, 1)),
                bergen,
            ),
        ];
        for (id, birth, sex, status, status_date, m) in people {
            let id = NationalId::parse(id).unwrap();
            r.persons.push(Person {
                id,
                birth_date: birth,
                sex,
                status,
                status_date,
                background: Background::Majority,
            });
            r.residences.push(Residence {
                person: id,
                address: AddressId(1),
                municipality: m,
                valid_from: birth,
            });
        }
        let t = residents_table(&r, on);
        assert_eq!(t.table.rows, vec!["1151 Utsira", "4601 Bergen"]);
        assert_eq!(t.municipalities, vec![utsira, bergen]);
        assert_eq!(t.table.columns.len(), 12);
        assert_eq!(t.table.columns[0], "0-5 år kvinner");
        assert_eq!(t.table.get(1, column(0, Sex::Female)), 1);
        assert_eq!(t.table.get(0, column(5, Sex::Male)), 1);
        assert_eq!(t.table.grand_total(), 2);
        assert_eq!(t.unknown_municipality, 0);
    }
}
