//! The population register (Folkeregisteret, owned by Skatteetaten): persons, family relations and
//! residence addresses.
//!
//! Sex and birth date are register fields of their own, never read from the identity number:
//! numbers allocated under the 2032 rule encode neither (Skatteetaten, nyttfnr2032).

use crate::municipality::MunicipalityNumber;
use chrono::NaiveDate;
use identity::{NationalId, Sex};

/// A person's status in the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PersonStatus {
    /// Registered as resident (bosatt).
    Resident,
    /// Dead (død); `status_date` is the date of death.
    Dead,
    /// Emigrated (utflyttet); `status_date` is the date of emigration.
    Emigrated,
}

impl PersonStatus {
    /// Stable code used in storage and export.
    pub fn code(self) -> &'static str {
        match self {
            PersonStatus::Resident => "bosatt",
            PersonStatus::Dead => "doed",
            PersonStatus::Emigrated => "utflyttet",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "bosatt" => Some(PersonStatus::Resident),
            "doed" => Some(PersonStatus::Dead),
            "utflyttet" => Some(PersonStatus::Emigrated),
            _ => None,
        }
    }
}

/// Immigration background in Statistics Norway's categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Background {
    /// Neither an immigrant nor Norwegian-born to immigrant parents.
    Majority,
    /// Born abroad to two foreign-born parents (SSB definition).
    Immigrant,
    /// Born in Norway to two immigrant parents.
    NorwegianBornToImmigrants,
    /// Not delivered: the reader's purpose does not cover immigrant background (data
    /// minimisation in the access layer). Never stored.
    Withheld,
}

impl Background {
    /// Stable code used in storage and export.
    pub fn code(self) -> &'static str {
        match self {
            Background::Majority => "majority",
            Background::Immigrant => "immigrant",
            Background::NorwegianBornToImmigrants => "norwegian_born_to_immigrants",
            Background::Withheld => "ikke_utlevert",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "majority" => Some(Background::Majority),
            "immigrant" => Some(Background::Immigrant),
            "norwegian_born_to_immigrants" => Some(Background::NorwegianBornToImmigrants),
            _ => None,
        }
    }
}

/// One person in the population register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Person {
    /// Fødselsnummer or D-number.
    pub id: NationalId,
    /// Registered birth date.
    pub birth_date: NaiveDate,
    /// Registered legal sex.
    pub sex: Sex,
    /// Resident, dead or emigrated.
    pub status: PersonStatus,
    /// Date of death or emigration; `None` for residents.
    pub status_date: Option<NaiveDate>,
    /// Immigration background (SSB categories).
    pub background: Background,
}

/// The kind of a family relation, as Folkeregisteret's `familierelasjon` and `sivilstand`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelationKind {
    /// `related` is the mother of `person`.
    Mother,
    /// `related` is the father of `person`.
    Father,
    /// Married (gift) or registered partner (registrert partner).
    Spouse,
    /// Cohabitant (samboer). Folkeregisteret knows cohabitants only through a shared address and,
    /// for fee and benefit purposes, common children or a declaration; the synthetic registers hold
    /// the relation explicitly so households can be derived as municipalities do.
    Cohabitant,
}

impl RelationKind {
    /// Stable code used in storage and export.
    pub fn code(self) -> &'static str {
        match self {
            RelationKind::Mother => "mor",
            RelationKind::Father => "far",
            RelationKind::Spouse => "ektefelle",
            RelationKind::Cohabitant => "samboer",
        }
    }

    /// Parses a storage code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "mor" => Some(RelationKind::Mother),
            "far" => Some(RelationKind::Father),
            "ektefelle" => Some(RelationKind::Spouse),
            "samboer" => Some(RelationKind::Cohabitant),
            _ => None,
        }
    }

    /// Whether the relation is a couple relation (stored once per direction).
    pub fn is_partner(self) -> bool {
        matches!(self, RelationKind::Spouse | RelationKind::Cohabitant)
    }
}

/// A family relation: `related` is the `kind` of `person` (e.g. the mother of).
///
/// Parent relations are stored child → parent; partner relations are stored in both directions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Relation {
    /// The person the relation belongs to.
    pub person: NationalId,
    /// The related person.
    pub related: NationalId,
    /// What `related` is to `person`.
    pub kind: RelationKind,
    /// Since when (marriage, start of cohabitation, birth).
    pub valid_from: NaiveDate,
}

/// Identifies a dwelling address (one household lives at one address).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AddressId(pub u32);

/// A residence address (vegadresse) in a municipality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// The address identity.
    pub id: AddressId,
    /// Municipality of the address.
    pub municipality: MunicipalityNumber,
    /// Street name (synthetic).
    pub street: String,
    /// House number.
    pub house_number: u16,
    /// Four-digit postcode (synthetic, kept as text).
    pub postcode: String,
}

/// Where a person is registered as living (bostedsadresse), from a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Residence {
    /// The resident.
    pub person: NationalId,
    /// The dwelling.
    pub address: AddressId,
    /// The municipality of the dwelling on `valid_from`.
    pub municipality: MunicipalityNumber,
    /// Date the person moved in (flyttedato).
    pub valid_from: NaiveDate,
}
