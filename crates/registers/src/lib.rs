//! The national register model that every Mulighetsrom service runs on.
//!
//! This crate describes *what the registers hold*: the population register (persons, family
//! relations, residence addresses), the income register (yearly tax assessments and monthly
//! a-ordningen income), the kindergarten register, the employer register and the health registers
//! used by the screening and prevention services. Each register is described by a [`RegisterInfo`]
//! that names its owning agency and documents every column, so that storage, export, the data
//! catalogue and citizen insight all describe the same schema.
//!
//! Key types: [`Registers`] (all registers of one population, as plain vectors of records),
//! [`Municipalities`] (KLASS 131, with validity periods), [`Person`], [`Relation`], [`Residence`],
//! [`TaxAssessment`], [`MonthlyIncome`], [`Enrolment`], [`Organisation`], [`Employment`],
//! [`ScreeningRecord`], [`LifestyleSurvey`], [`CancerDiagnosis`], and the derived [`Households`].
//!
//! Why plain records in vectors: the whole of Norway (5.6 million persons) must fit comfortably in
//! memory and be scanned in parallel by batch services; records are small, `Copy` where possible,
//! and identity numbers are the validated [`identity::NationalId`] newtype, so a raw string never
//! gets past the boundary.
//!
//! **Must not depend on:** storage, IO (apart from parsing text handed to it), HTTP or the terminal.
//! Reading files is the business of the `store` and `cli` crates.
//!
//! ```
//! use registers::Municipalities;
//! let municipalities = Municipalities::embedded_2026();
//! assert_eq!(municipalities.len(), 357);
//! let bergen = municipalities.get("4601".parse().unwrap()).unwrap();
//! assert_eq!(bergen.name, "Bergen");
//! ```
#![deny(missing_docs)]

mod employer;
mod health;
mod household;
mod income;
mod kindergarten;
mod municipality;
mod population;
mod registers;
mod schema;

pub use employer::{Competence, Employment, OrgKind, Organisation};
pub use health::{
    CancerDiagnosis, CancerSite, Detection, LifestyleSurvey, ScreeningRecord, ScreeningResult,
    Smoking,
};
pub use household::{FamilyUnit, Household, Households};
pub use income::{MonthlyIncome, TaxAssessment};
pub use kindergarten::Enrolment;
pub use municipality::{
    CountyNumber, Municipalities, Municipality, MunicipalityError, MunicipalityNumber,
};
pub use population::{
    Address, AddressId, Background, Person, PersonStatus, Relation, RelationKind, Residence,
};
pub use registers::{RegisterCounts, Registers};
pub use schema::{Agency, ColumnInfo, RegisterId, RegisterInfo, TableInfo, REGISTERS};

pub use identity::{NationalId, OrgNumber, Sex};

/// Whole years of age on `on` for someone born on `birth` (a birthday counts from its own day;
/// someone born on 29 February has their birthday on 1 March in common years, as Folkeregisteret
/// counts it).
pub fn age_on(birth: chrono::NaiveDate, on: chrono::NaiveDate) -> u32 {
    use chrono::Datelike;
    if on < birth {
        return 0;
    }
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

#[cfg(test)]
mod tests {
    use super::age_on;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(d(2020, 3, 14), d(2024, 3, 13)), 3);
        assert_eq!(age_on(d(2020, 3, 14), d(2024, 3, 14)), 4);
        assert_eq!(age_on(d(2020, 2, 29), d(2023, 2, 28)), 2);
        assert_eq!(age_on(d(2020, 2, 29), d(2023, 3, 1)), 3);
        assert_eq!(age_on(d(2024, 1, 1), d(2023, 1, 1)), 0);
    }
}
