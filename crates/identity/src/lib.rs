//! Norwegian identity numbers and organisation numbers: validation and
//! generation, as pure functions on digits.
//!
//! # What it provides
//!
//! - [`NationalId`]: a validated 11-digit fødselsnummer, D-number, H-number
//!   or FH-number, real or synthetic, under the classic or the 2032
//!   check-digit rule. [`IdKind`], [`SyntheticMarker`], [`CheckDigitRule`]
//!   and [`Sex`] describe what the digits say; [`IdError`] says exactly what
//!   is wrong with a rejected number.
//! - [`OrgNumber`]: a validated 9-digit organisasjonsnummer
//!   ([`OrgNumberError`]).
//! - Generators: [`fodselsnummer`], [`d_number`], [`h_number`],
//!   [`synthetic_fodselsnummer`], and [`SyntheticAllocator`], which hands out
//!   unique synthetic (Tenor, month + 80) numbers for generated populations
//!   ([`AllocationError`]).
//!
//! # Why it is shaped this way
//!
//! From 1 January 2032 check digit 1 may leave remainder 0, 1, 2 or 3, and
//! new numbers are gender-neutral and no longer encode the century
//! (Skatteetaten/folkeregisteret-api-dokumentasjon: nyttfnr2032.md). A number
//! issued under the new rule with remainder 0 cannot be told from an old
//! one, so the digits are not a reliable source of sex, birth date or
//! century. [`NationalId::encoded_sex`] and
//! [`NationalId::encoded_birth_date`] therefore return `Option` and say
//! "encoded": they report what the digits say, and return `None` where the
//! digits cannot tell. Code that needs a person's sex or birth date must read
//! them from Folkeregisteret's own fields.
//!
//! The number is private data. `Display` and `Debug` mask it to the first
//! six digits (`311299*****`), [`NationalId::expose`] is the only way to get
//! the digits as text, and serde writes the full string because storage and
//! the wire need it.
//!
//! # What it must not depend on
//!
//! No IO, no clock, no randomness, no other workspace crate: every function
//! is a deterministic function of its arguments. Only `thiserror`, `chrono`
//! (dates) and `serde` are dependencies.
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use identity::{CheckDigitRule, IdKind, NationalId, Sex, SyntheticAllocator, SyntheticMarker};
//!
//! let fnr = NationalId::parse(" 31129956715 ").unwrap();
//! assert_eq!(fnr.kind(), IdKind::Fodselsnummer);
//! assert_eq!(fnr.encoded_sex(), Some(Sex::Male));
//! assert_eq!(fnr.to_string(), "311299*****");
//!
//! let new_rule = NationalId::parse("30108299939").unwrap();
//! assert_eq!(new_rule.check_digit_rule(), CheckDigitRule::Rule2032 { remainder: 1 });
//! assert_eq!(new_rule.encoded_sex(), None);
//!
//! let err = NationalId::parse("31129956716").unwrap_err();
//! assert_eq!(err.to_string(), "check digit 2 should be 5, found 6");
//!
//! let mut allocator = SyntheticAllocator::new();
//! let birth = NaiveDate::from_ymd_opt(2020, 11, 17).unwrap();
//! let id = allocator.allocate(birth, Sex::Female).unwrap();
//! assert_eq!(id.synthetic(), SyntheticMarker::Tenor);
//! assert_eq!(id.encoded_birth_date(), Some(birth));
//! ```

#![deny(missing_docs)]

mod allocator;
mod error;
mod generate;
mod mod11;
mod national_id;
mod org_number;

pub use allocator::SyntheticAllocator;
pub use error::{AllocationError, IdError, OrgNumberError};
pub use generate::{d_number, fodselsnummer, h_number, synthetic_fodselsnummer};
pub use national_id::{CheckDigitRule, IdKind, NationalId, Sex, SyntheticMarker};
pub use org_number::OrgNumber;

#[cfg(test)]
mod tests;
