//! [`TableRows`]: the rows of one register table, typed, as moved between files, memory and storage.

use registers::{
    Address, CancerDiagnosis, Employment, Enrolment, LifestyleSurvey, MonthlyIncome, Organisation,
    Person, Registers, Relation, Residence, ScreeningRecord, TaxAssessment,
};

/// The rows of one register table.
#[derive(Clone, Debug, PartialEq)]
pub enum TableRows {
    /// `persons`
    Persons(Vec<Person>),
    /// `relations`
    Relations(Vec<Relation>),
    /// `addresses`
    Addresses(Vec<Address>),
    /// `residences`
    Residences(Vec<Residence>),
    /// `tax_assessments`
    TaxAssessments(Vec<TaxAssessment>),
    /// `monthly_income` (one record per person and year; files hold one row per month)
    MonthlyIncome(Vec<MonthlyIncome>),
    /// `organisations`
    Organisations(Vec<Organisation>),
    /// `employments`
    Employments(Vec<Employment>),
    /// `enrolments`
    Enrolments(Vec<Enrolment>),
    /// `screening`
    Screening(Vec<ScreeningRecord>),
    /// `cancer`
    Cancer(Vec<CancerDiagnosis>),
    /// `lifestyle`
    Lifestyle(Vec<LifestyleSurvey>),
}

/// Every table name, in dependency order (persons before what refers to them).
pub const TABLES: [&str; 12] = [
    "persons",
    "addresses",
    "relations",
    "residences",
    "organisations",
    "employments",
    "tax_assessments",
    "monthly_income",
    "enrolments",
    "screening",
    "cancer",
    "lifestyle",
];

impl TableRows {
    /// The table the rows belong to.
    pub fn table(&self) -> &'static str {
        match self {
            TableRows::Persons(_) => "persons",
            TableRows::Relations(_) => "relations",
            TableRows::Addresses(_) => "addresses",
            TableRows::Residences(_) => "residences",
            TableRows::TaxAssessments(_) => "tax_assessments",
            TableRows::MonthlyIncome(_) => "monthly_income",
            TableRows::Organisations(_) => "organisations",
            TableRows::Employments(_) => "employments",
            TableRows::Enrolments(_) => "enrolments",
            TableRows::Screening(_) => "screening",
            TableRows::Cancer(_) => "cancer",
            TableRows::Lifestyle(_) => "lifestyle",
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        match self {
            TableRows::Persons(v) => v.len(),
            TableRows::Relations(v) => v.len(),
            TableRows::Addresses(v) => v.len(),
            TableRows::Residences(v) => v.len(),
            TableRows::TaxAssessments(v) => v.len(),
            TableRows::MonthlyIncome(v) => v.len(),
            TableRows::Organisations(v) => v.len(),
            TableRows::Employments(v) => v.len(),
            TableRows::Enrolments(v) => v.len(),
            TableRows::Screening(v) => v.len(),
            TableRows::Cancer(v) => v.len(),
            TableRows::Lifestyle(v) => v.len(),
        }
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy of one table of `registers`, or `None` for an unknown table name.
    pub fn from_registers(registers: &Registers, table: &str) -> Option<TableRows> {
        Some(match table {
            "persons" => TableRows::Persons(registers.persons.clone()),
            "relations" => TableRows::Relations(registers.relations.clone()),
            "addresses" => TableRows::Addresses(registers.addresses.clone()),
            "residences" => TableRows::Residences(registers.residences.clone()),
            "tax_assessments" => TableRows::TaxAssessments(registers.tax_assessments.clone()),
            "monthly_income" => TableRows::MonthlyIncome(registers.monthly_income.clone()),
            "organisations" => TableRows::Organisations(registers.organisations.clone()),
            "employments" => TableRows::Employments(registers.employments.clone()),
            "enrolments" => TableRows::Enrolments(registers.enrolments.clone()),
            "screening" => TableRows::Screening(registers.screening.clone()),
            "cancer" => TableRows::Cancer(registers.cancer.clone()),
            "lifestyle" => TableRows::Lifestyle(registers.lifestyle.clone()),
            _ => return None,
        })
    }

    /// Moves the rows into the matching table of `registers`.
    pub fn append_to(self, registers: &mut Registers) {
        match self {
            TableRows::Persons(mut v) => registers.persons.append(&mut v),
            TableRows::Relations(mut v) => registers.relations.append(&mut v),
            TableRows::Addresses(mut v) => registers.addresses.append(&mut v),
            TableRows::Residences(mut v) => registers.residences.append(&mut v),
            TableRows::TaxAssessments(mut v) => registers.tax_assessments.append(&mut v),
            TableRows::MonthlyIncome(mut v) => registers.monthly_income.append(&mut v),
            TableRows::Organisations(mut v) => registers.organisations.append(&mut v),
            TableRows::Employments(mut v) => registers.employments.append(&mut v),
            TableRows::Enrolments(mut v) => registers.enrolments.append(&mut v),
            TableRows::Screening(mut v) => registers.screening.append(&mut v),
            TableRows::Cancer(mut v) => registers.cancer.append(&mut v),
            TableRows::Lifestyle(mut v) => registers.lifestyle.append(&mut v),
        }
    }
}

/// A borrowed view of one register table, for writing without copying the rows.
#[derive(Clone, Copy, Debug)]
pub enum TableSlice<'a> {
    /// `persons`
    Persons(&'a [Person]),
    /// `relations`
    Relations(&'a [Relation]),
    /// `addresses`
    Addresses(&'a [Address]),
    /// `residences`
    Residences(&'a [Residence]),
    /// `tax_assessments`
    TaxAssessments(&'a [TaxAssessment]),
    /// `monthly_income`
    MonthlyIncome(&'a [MonthlyIncome]),
    /// `organisations`
    Organisations(&'a [Organisation]),
    /// `employments`
    Employments(&'a [Employment]),
    /// `enrolments`
    Enrolments(&'a [Enrolment]),
    /// `screening`
    Screening(&'a [ScreeningRecord]),
    /// `cancer`
    Cancer(&'a [CancerDiagnosis]),
    /// `lifestyle`
    Lifestyle(&'a [LifestyleSurvey]),
}

impl<'a> TableSlice<'a> {
    /// One table of `registers`, or `None` for an unknown table name.
    pub fn of(registers: &'a Registers, table: &str) -> Option<TableSlice<'a>> {
        Some(match table {
            "persons" => TableSlice::Persons(&registers.persons),
            "relations" => TableSlice::Relations(&registers.relations),
            "addresses" => TableSlice::Addresses(&registers.addresses),
            "residences" => TableSlice::Residences(&registers.residences),
            "tax_assessments" => TableSlice::TaxAssessments(&registers.tax_assessments),
            "monthly_income" => TableSlice::MonthlyIncome(&registers.monthly_income),
            "organisations" => TableSlice::Organisations(&registers.organisations),
            "employments" => TableSlice::Employments(&registers.employments),
            "enrolments" => TableSlice::Enrolments(&registers.enrolments),
            "screening" => TableSlice::Screening(&registers.screening),
            "cancer" => TableSlice::Cancer(&registers.cancer),
            "lifestyle" => TableSlice::Lifestyle(&registers.lifestyle),
            _ => return None,
        })
    }

    /// The table the rows belong to.
    pub fn table(&self) -> &'static str {
        match self {
            TableSlice::Persons(_) => "persons",
            TableSlice::Relations(_) => "relations",
            TableSlice::Addresses(_) => "addresses",
            TableSlice::Residences(_) => "residences",
            TableSlice::TaxAssessments(_) => "tax_assessments",
            TableSlice::MonthlyIncome(_) => "monthly_income",
            TableSlice::Organisations(_) => "organisations",
            TableSlice::Employments(_) => "employments",
            TableSlice::Enrolments(_) => "enrolments",
            TableSlice::Screening(_) => "screening",
            TableSlice::Cancer(_) => "cancer",
            TableSlice::Lifestyle(_) => "lifestyle",
        }
    }
}

impl TableRows {
    /// A borrowed view of the rows.
    pub fn as_slice(&self) -> TableSlice<'_> {
        match self {
            TableRows::Persons(v) => TableSlice::Persons(v),
            TableRows::Relations(v) => TableSlice::Relations(v),
            TableRows::Addresses(v) => TableSlice::Addresses(v),
            TableRows::Residences(v) => TableSlice::Residences(v),
            TableRows::TaxAssessments(v) => TableSlice::TaxAssessments(v),
            TableRows::MonthlyIncome(v) => TableSlice::MonthlyIncome(v),
            TableRows::Organisations(v) => TableSlice::Organisations(v),
            TableRows::Employments(v) => TableSlice::Employments(v),
            TableRows::Enrolments(v) => TableSlice::Enrolments(v),
            TableRows::Screening(v) => TableSlice::Screening(v),
            TableRows::Cancer(v) => TableSlice::Cancer(v),
            TableRows::Lifestyle(v) => TableSlice::Lifestyle(v),
        }
    }
}
