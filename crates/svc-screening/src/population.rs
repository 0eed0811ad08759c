//! The screening population: the women BreastScreen Norway invites, taken from the registers.

use crate::SimulationError;
use chrono::{Datelike, NaiveDate};
use identity::{NationalId, Sex};
use registers::{CancerSite, PersonStatus, Registers};
use std::collections::{HashMap, HashSet};

/// What a woman did at her latest invitation before the reference date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum History {
    /// She attended.
    Attended,
    /// She was invited and did not attend.
    Missed,
    /// No earlier invitation is on record (e.g. she just turned 50).
    FirstInvitation,
}

/// One invited woman, as the simulation needs her: no identity, only age and history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Woman {
    /// Who she is (for auditing outcomes by group; the simulation itself never looks).
    pub person: NationalId,
    /// Age in whole years at the reference date (50–69).
    pub age: u8,
    /// Her attendance at the previous invitation.
    pub history: History,
}

/// The women invited in one round.
#[derive(Clone, Debug, PartialEq)]
pub struct Population {
    /// The date the round is simulated from (the registers' reference date).
    pub reference_date: NaiveDate,
    /// The invited women.
    pub women: Vec<Woman>,
    /// Women of the age group left out because they already have a breast-cancer diagnosis
    /// (they are followed up outside the programme; an assumption of the model).
    pub excluded_after_diagnosis: usize,
}

impl Population {
    /// The women the programme invites: resident women aged 50–69 at the registers' reference
    /// date with no breast-cancer diagnosis on record, each with her latest invitation's outcome
    /// from the screening register.
    pub fn from_registers(registers: &Registers) -> Result<Population, SimulationError> {
        let reference = registers.reference_date;
        let diagnosed: HashSet<NationalId> = registers
            .cancer
            .iter()
            .filter(|c| c.site == CancerSite::Breast && c.diagnosed_on <= reference)
            .map(|c| c.person)
            .collect();
        let mut latest: HashMap<NationalId, (NaiveDate, bool)> = HashMap::new();
        for record in registers
            .screening
            .iter()
            .filter(|r| r.invited_for <= reference)
        {
            let attended = record.attended_on.is_some();
            latest
                .entry(record.person)
                .and_modify(|e| {
                    if record.invited_for > e.0 {
                        *e = (record.invited_for, attended);
                    }
                })
                .or_insert((record.invited_for, attended));
        }
        let mut women = Vec::new();
        let mut excluded_after_diagnosis = 0;
        for person in &registers.persons {
            if person.sex != Sex::Female || person.status != PersonStatus::Resident {
                continue;
            }
            let age = age_on(person.birth_date, reference);
            if !(50..=69).contains(&age) {
                continue;
            }
            if diagnosed.contains(&person.id) {
                excluded_after_diagnosis += 1;
                continue;
            }
            let history = match latest.get(&person.id) {
                Some((_, true)) => History::Attended,
                Some((_, false)) => History::Missed,
                None => History::FirstInvitation,
            };
            women.push(Woman {
                person: person.id,
                age: age as u8,
                history,
            });
        }
        if women.is_empty() {
            return Err(SimulationError::EmptyPopulation);
        }
        Ok(Population {
            reference_date: reference,
            women,
            excluded_after_diagnosis,
        })
    }

    /// Number of invited women.
    pub fn invited(&self) -> usize {
        self.women.len()
    }
}

/// Whole years of age on a date.
fn age_on(birth: NaiveDate, date: NaiveDate) -> i32 {
    let mut years = date.year() - birth.year();
    if (date.month(), date.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_whole_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(age_on(d(1974, 1, 1), d(2024, 1, 1)), 50);
        assert_eq!(age_on(d(1974, 1, 2), d(2024, 1, 1)), 49);
    }
}
