//! [`Registers`]: all registers of one population, held together.

use crate::employer::{Employment, Organisation};
use crate::health::{CancerDiagnosis, LifestyleSurvey, ScreeningRecord};
use crate::income::{MonthlyIncome, TaxAssessment};
use crate::kindergarten::Enrolment;
use crate::municipality::Municipalities;
use crate::population::PersonStatus;
use crate::population::{Address, Person, Relation, Residence};
use chrono::NaiveDate;
use identity::NationalId;
use std::collections::{HashMap, HashSet};

/// Every register of one (synthetic or imported) population.
///
/// Records are kept in plain vectors: the whole country fits, and batch services scan them in
/// parallel. Look-up indexes are built by whoever needs them (see [`crate::Households`]).
#[derive(Clone, Debug)]
pub struct Registers {
    /// The date the registers describe (extract date).
    pub reference_date: NaiveDate,
    /// The municipality classification in force.
    pub municipalities: Municipalities,
    /// Population register: persons.
    pub persons: Vec<Person>,
    /// Population register: family relations.
    pub relations: Vec<Relation>,
    /// Population register: dwelling addresses.
    pub addresses: Vec<Address>,
    /// Population register: residence history.
    pub residences: Vec<Residence>,
    /// Income register: yearly tax assessments.
    pub tax_assessments: Vec<TaxAssessment>,
    /// Income register: monthly a-ordningen income.
    pub monthly_income: Vec<MonthlyIncome>,
    /// Kindergarten register: enrolments.
    pub enrolments: Vec<Enrolment>,
    /// Employer register: organisations.
    pub organisations: Vec<Organisation>,
    /// Employer register: employments.
    pub employments: Vec<Employment>,
    /// Health registers: screening invitations and results.
    pub screening: Vec<ScreeningRecord>,
    /// Health registers: cancer diagnoses.
    pub cancer: Vec<CancerDiagnosis>,
    /// Health registers: lifestyle survey answers.
    pub lifestyle: Vec<LifestyleSurvey>,
}

/// Row counts per register table, for progress and reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterCounts {
    /// (table name, rows) in storage order.
    pub tables: Vec<(&'static str, usize)>,
}

impl Registers {
    /// Empty registers for a reference date.
    pub fn empty(reference_date: NaiveDate, municipalities: Municipalities) -> Self {
        Registers {
            reference_date,
            municipalities,
            persons: Vec::new(),
            relations: Vec::new(),
            addresses: Vec::new(),
            residences: Vec::new(),
            tax_assessments: Vec::new(),
            monthly_income: Vec::new(),
            enrolments: Vec::new(),
            organisations: Vec::new(),
            employments: Vec::new(),
            screening: Vec::new(),
            cancer: Vec::new(),
            lifestyle: Vec::new(),
        }
    }

    /// Row counts per table.
    pub fn counts(&self) -> RegisterCounts {
        RegisterCounts {
            tables: vec![
                ("persons", self.persons.len()),
                ("relations", self.relations.len()),
                ("addresses", self.addresses.len()),
                ("residences", self.residences.len()),
                ("tax_assessments", self.tax_assessments.len()),
                ("monthly_income", self.monthly_income.len()),
                ("organisations", self.organisations.len()),
                ("employments", self.employments.len()),
                ("enrolments", self.enrolments.len()),
                ("screening", self.screening.len()),
                ("cancer", self.cancer.len()),
                ("lifestyle", self.lifestyle.len()),
            ],
        }
    }
}

impl Registers {
    /// Each resident's registered residence on `on`: the latest one that started on or before it.
    /// Persons who died or emigrated before `on` are left out.
    pub fn residences_on(&self, on: NaiveDate) -> HashMap<NationalId, Residence> {
        let gone: HashSet<NationalId> = self
            .persons
            .iter()
            .filter(|p| p.status != PersonStatus::Resident && p.status_date.is_none_or(|d| d <= on))
            .map(|p| p.id)
            .collect();
        let mut current = self.latest_residences(on);
        current.retain(|id, _| !gone.contains(id));
        current
    }

    /// Each person's latest registered residence that started on or before `on`, whether or not
    /// the person still lives in Norway (the last known municipality of someone who moved
    /// abroad or died).
    pub fn latest_residences(&self, on: NaiveDate) -> HashMap<NationalId, Residence> {
        let mut latest: HashMap<NationalId, Residence> = HashMap::with_capacity(self.persons.len());
        for r in self.residences.iter().filter(|r| r.valid_from <= on) {
            let entry = latest.entry(r.person).or_insert(*r);
            if r.valid_from >= entry.valid_from {
                *entry = *r;
            }
        }
        latest
    }

    /// The children with an active kindergarten place on `on`.
    pub fn enrolled_on(&self, on: NaiveDate) -> HashSet<NationalId> {
        self.enrolments
            .iter()
            .filter(|e| e.is_active_on(on))
            .map(|e| e.child)
            .collect()
    }

    /// Row counts for the given tables, in that order (unknown names are left out).
    pub fn counts_in(&self, tables: &[&str]) -> RegisterCounts {
        let all = self.counts();
        RegisterCounts {
            tables: tables
                .iter()
                .filter_map(|t| all.tables.iter().find(|(name, _)| name == t).copied())
                .collect(),
        }
    }
}

impl RegisterCounts {
    /// Total rows over all tables.
    pub fn total(&self) -> usize {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}
