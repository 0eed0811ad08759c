//! Building valid numbers from a birth date and an individnummer.

use chrono::{Datelike, NaiveDate};

use crate::mod11::{in_classic_series, k1_for, k2_for};
use crate::NationalId;

/// Offsets a generator adds to digits 1–2 (day) and 3–4 (month).
#[derive(Clone, Copy)]
pub(crate) struct Offsets {
    pub(crate) day: u8,
    pub(crate) month: u8,
}

/// No offsets: a real-form fødselsnummer.
const PLAIN: Offsets = Offsets { day: 0, month: 0 };
/// Day + 40: D-number (fnrinfo.no/Info/Oppbygging.aspx).
const D_NUMBER: Offsets = Offsets { day: 40, month: 0 };
/// Month + 40: H-number (fnrinfo; navikt `erGyldigHNummer`).
const H_NUMBER: Offsets = Offsets { day: 0, month: 40 };
/// Month + 80: Tenor synthetic number (Digdir KRR documentation).
pub(crate) const TENOR: Offsets = Offsets { day: 0, month: 80 };

/// A real-form fødselsnummer (not synthetic) for `birth` and `individnummer`
/// under the classic check-digit rule.
///
/// `None` if `individnummer` is outside the birth year's series
/// (1854–1899: 749–500; 1900–1999: 499–000, and for 1940–1999 also 999–900;
/// 2000–2039: 999–500; Skatteetaten, "Fødselsnummer") or if k1 or k2 comes
/// out as 10 (nyttfnr2032.md: such individnummer are unusable on that date).
pub fn fodselsnummer(birth: NaiveDate, individnummer: u16) -> Option<NationalId> {
    classic(birth, individnummer, PLAIN)
}

/// A D-number: like [`fodselsnummer`] with day + 40 (first digit 4–7).
/// Src: fnrinfo.no/Info/Oppbygging.aspx.
pub fn d_number(birth: NaiveDate, individnummer: u16) -> Option<NationalId> {
    classic(birth, individnummer, D_NUMBER)
}

/// An H-number: like [`fodselsnummer`] with month + 40 (41–52).
/// Src: fnrinfo; navikt `erGyldigHNummer`. The same digits are what
/// NAV/Dolly uses for synthetic people.
pub fn h_number(birth: NaiveDate, individnummer: u16) -> Option<NationalId> {
    classic(birth, individnummer, H_NUMBER)
}

/// A synthetic Tenor fødselsnummer: like [`fodselsnummer`] with month + 80,
/// check digits computed from the shifted digits (Digdir KRR documentation).
pub fn synthetic_fodselsnummer(birth: NaiveDate, individnummer: u16) -> Option<NationalId> {
    classic(birth, individnummer, TENOR)
}

fn classic(birth: NaiveDate, individnummer: u16, offsets: Offsets) -> Option<NationalId> {
    if !in_classic_series(birth.year(), individnummer) {
        return None;
    }
    assemble(birth, individnummer, offsets, 0)
}

/// The number for `birth` with `offsets`, `individnummer` (0..=999) and
/// check digit 1 leaving `remainder` (0 classic, 1..=3 the 2032 rule);
/// `None` when k1 or k2 would be 10. Does not check the century series.
pub(crate) fn assemble(
    birth: NaiveDate,
    individnummer: u16,
    offsets: Offsets,
    remainder: u8,
) -> Option<NationalId> {
    debug_assert!(individnummer <= 999 && remainder <= 3);
    let day = birth.day() as u8 + offsets.day;
    let month = birth.month() as u8 + offsets.month;
    let yy = birth.year().rem_euclid(100) as u8;
    let mut digits = [
        day / 10,
        day % 10,
        month / 10,
        month % 10,
        yy / 10,
        yy % 10,
        (individnummer / 100) as u8,
        (individnummer / 10 % 10) as u8,
        (individnummer % 10) as u8,
        0,
        0,
    ];
    digits[9] = k1_for(&digits[..9], remainder)?;
    digits[10] = k2_for(&digits[..10])?;
    Some(NationalId::from_valid_digits(&digits))
}
