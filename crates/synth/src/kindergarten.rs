//! Kindergarten places.
//!
//! Coverage by single age on the reference date is chosen to reproduce SSB's 2024 coverage
//! (1–2 years 89.4 %, 3–5 years 97.4 %, 1–5 years 94.4 %); the split between ages 1 and 2
//! follows the shape of SSB's single-age table (1 y clearly lower than 2 y), values *unverified*.
//! Full-time places (41 h or more a week) make up ≈ 96.5 % (SSB 2018–2019; latest year unverified).

use crate::economy::LocalOrg;
use crate::people::{LocalPopulation, NO_DWELLING};
use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use registers::OrgKind;

/// Coverage by age on 1 January 2024.
fn coverage(age: u32) -> f64 {
    match age {
        0 => 0.03,
        1 => 0.848,
        2 => 0.942,
        3 => 0.972,
        4 => 0.975,
        5 => 0.976,
        _ => 0.0,
    }
}

const NAMES: [&str; 12] = [
    "Eventyrskogen",
    "Solsikken",
    "Tusenfryd",
    "Trollstua",
    "Blåbærtoppen",
    "Fjellrev",
    "Havørna",
    "Bjørkelia",
    "Maurtua",
    "Regnbuen",
    "Skogstjerna",
    "Fyrlykta",
];

#[derive(Clone, Copy, Debug)]
pub struct LocalPlace {
    pub child: u32,
    pub kindergarten: u32,
    pub weekly_hours: u8,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Decides who attends, creates the kindergartens (appended to `orgs`) and returns the places and
/// the kindergartens' indexes in `orgs`.
pub fn generate(
    rng: &mut ChaCha8Rng,
    pop: &LocalPopulation,
    municipality_name: &str,
    orgs: &mut Vec<LocalOrg>,
) -> (Vec<LocalPlace>, Vec<u32>) {
    let mut children = Vec::new();
    for (i, p) in pop.persons.iter().enumerate() {
        if p.dwelling == NO_DWELLING {
            continue;
        }
        let age = crate::people::age_of(p.birth);
        if age <= 5 && rng.gen_bool(coverage(age)) {
            children.push(i as u32);
        }
    }
    let count = children.len().div_ceil(55).max(1);
    let first = orgs.len() as u32;
    for k in 0..count {
        orgs.push(LocalOrg {
            kind: OrgKind::Kindergarten,
            name: format!(
                "{} barnehage ({municipality_name} {})",
                NAMES[k % NAMES.len()],
                k + 1
            ),
        });
    }
    let kindergartens: Vec<u32> = (first..first + count as u32).collect();
    let mut places = Vec::with_capacity(children.len());
    for child in children {
        let birth = pop.persons[child as usize].birth;
        let from = if birth.month() <= 8 {
            NaiveDate::from_ymd_opt(birth.year() + 1, 8, 1)
        } else {
            NaiveDate::from_ymd_opt(birth.year() + 1, birth.month(), 1)
                .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        }
        .expect("valid date")
        .min(NaiveDate::from_ymd_opt(2023, 12, 1).expect("constant date"));
        let to = NaiveDate::from_ymd_opt(birth.year() + 6, 7, 31).expect("valid date");
        let weekly_hours = if rng.gen_bool(0.965) {
            [41, 42, 45, 45, 45, 47, 50][rng.gen_range(0..7)]
        } else {
            [20, 24, 25, 30, 32, 35, 37][rng.gen_range(0..7)]
        };
        places.push(LocalPlace {
            child,
            kindergarten: kindergartens[rng.gen_range(0..kindergartens.len())],
            weekly_hours,
            from,
            to,
        });
    }
    (places, kindergartens)
}
