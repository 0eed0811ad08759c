//! [`NationalId`]: one validated 11-digit Norwegian identity number.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::mod11::{classic_birth_year, k1_for, k1_remainder, k1_sum_mod11, k2_for};
use crate::IdError;

/// Sex as encoded by the 9th digit of a classic number: even = female,
/// odd = male (Skatteetaten, "Fødselsnummer").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Sex {
    /// Even 9th digit.
    Female,
    /// Odd 9th digit.
    Male,
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sex::Female => "female",
            Sex::Male => "male",
        })
    }
}

/// Which kind of identity number the digits follow.
///
/// The Helsedir code list 8327 names the same four (FNR, DNR, HNR, FHN;
/// src: HL7Norway/kodeverk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IdKind {
    /// Fødselsnummer: first digit 0–3, month 01–12 (or 81–92 when synthetic,
    /// see [`SyntheticMarker::Tenor`]).
    Fodselsnummer,
    /// D-number, for people not registered as residents: day + 40, so the
    /// first digit is 4–7. Src: fnrinfo.no/Info/Oppbygging.aspx.
    DNumber,
    /// H-number (hjelpenummer): month + 40, i.e. 41–52, with an unshifted day.
    /// Src: fnrinfo; navikt `erGyldigHNummer`.
    HNumber,
    /// FH-number (felles hjelpenummer, Norsk helsenett): first digit 8 or 9,
    /// digits 2–9 random, no date. OID 2.16.578.1.12.4.1.4.3.
    /// Src: thomiz/fsh-no-basis: no-basis-felleshjelpenummer.fsh.
    ///
    /// fnrinfo notes an older H-number convention that also put 8 or 9 in
    /// the first digit. The two collide; this crate classifies **every**
    /// number whose first digit is 8 or 9 as an FH-number and reads no date
    /// from it, since FH-numbers are the convention in current use.
    FhNumber,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Fodselsnummer => "fødselsnummer",
            IdKind::DNumber => "D-number",
            IdKind::HNumber => "H-number",
            IdKind::FhNumber => "FH-number",
        })
    }
}

/// Which test convention a number follows, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SyntheticMarker {
    /// No synthetic marker.
    None,
    /// Skatteetaten / Tenor "Test-Norge": month + 80, check digits computed
    /// from the shifted digits. Src: Digdir KRR documentation (Digdir's
    /// generator adds 8000 to DDMMYY); not confirmed in Skatteetaten's own
    /// primary text.
    Tenor,
    /// NAV / Dolly: month + 40, the same offset as an H-number, so the digits
    /// cannot tell the two apart. Reported only as a possibility for every
    /// month + 40 number; [`NationalId::kind`] still says
    /// [`IdKind::HNumber`] (or [`IdKind::DNumber`] when the day is shifted too).
    /// Src: navikt test comment `"024200 000 69" // Nav/Dolly har +40`.
    NavDolly,
}

/// Which check-digit rule a number satisfies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CheckDigitRule {
    /// S1 + k1 ≡ 0 (mod 11): the rule for every number issued before 2032.
    Classic,
    /// S1 + k1 ≡ `remainder` (mod 11), `remainder` in 1..=3: only valid
    /// under the rule in force from 1 January 2032. Such numbers encode
    /// neither sex nor century. Src: nyttfnr2032.md.
    Rule2032 {
        /// 1, 2 or 3.
        remainder: u8,
    },
}

/// A valid 11-digit Norwegian identity number: fødselsnummer, D-, H- or
/// FH-number, real or synthetic, under the classic or the 2032 rule.
///
/// The digits are private: [`Display`](fmt::Display) and
/// [`Debug`](fmt::Debug) show only the first six digits followed by
/// `*****` (e.g. `311299*****`), and [`NationalId::expose`] is the only way
/// to read them as text. **Serde is the exception:** `Serialize` writes the
/// full 11-digit string and `Deserialize` parses one, because storage and the
/// wire need the number; keep serialized forms out of logs.
///
/// Ordering is numeric, which equals the order of the 11-digit strings.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NationalId(u64);

/// Digits 1–2 and 3–4 after removing offsets, plus what the offsets mean.
struct DatePart {
    day: u8,
    day_offset: u8,
    month: u8,
    month_offset: u8,
}

impl NationalId {
    /// Parses an identity number, ignoring surrounding whitespace.
    ///
    /// Accepts check digit 1 under the classic rule or the 2032 rule
    /// (remainders 0..=3, nyttfnr2032.md) and check digit 2 under its single
    /// rule. Unless the number is an FH-number (first digit 8 or 9, no date
    /// part), the date part must be a real day once the offsets are taken off:
    /// day + 40 (D-number), month + 40 (H-number, NAV/Dolly) and month + 80
    /// (Tenor). For classic-rule numbers the individnummer must belong to a
    /// century series (see [`NationalId::encoded_birth_date`]); 2032-rule
    /// numbers carry no century, so 29 February is accepted when the
    /// two-digit year is a leap year in some century.
    ///
    /// FIXME: from 2032 a new number may also use remainder 0, and then it
    /// cannot be told from a classic number; if such a number has an
    /// individnummer outside the century series it is rejected here
    /// ([`IdError::NoCenturySeries`]). No such numbers exist before 2032.
    pub fn parse(s: &str) -> Result<NationalId, IdError> {
        let trimmed = s.trim();
        let mut digits = [0u8; 11];
        let mut count = 0;
        for (index, character) in trimmed.chars().enumerate() {
            let Some(digit) = character.to_digit(10) else {
                return Err(IdError::NonDigit {
                    character,
                    position: index + 1,
                });
            };
            if count < 11 {
                digits[count] = digit as u8;
            }
            count += 1;
        }
        if count != 11 {
            return Err(IdError::WrongLength { found: count });
        }
        validate(&digits)?;
        Ok(NationalId(to_u64(&digits)))
    }

    /// Validates an integer the way [`NationalId::parse`] validates text;
    /// for storage round trips. Numbers starting with 0 are simply smaller
    /// integers (e.g. `2013299997` is 02013299997).
    pub fn from_u64(v: u64) -> Result<NationalId, IdError> {
        if v > 99_999_999_999 {
            return Err(IdError::TooLarge { value: v });
        }
        let digits = to_digits(v);
        validate(&digits)?;
        Ok(NationalId(v))
    }

    /// The number as an integer (leading zeros are lost; see [`NationalId::from_u64`]).
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The kind, from the first digit and the month digits: 8–9 → FH-number,
    /// 4–7 → D-number, month + 40 → H-number, otherwise fødselsnummer.
    pub fn kind(self) -> IdKind {
        let digits = self.digits();
        if digits[0] >= 8 {
            return IdKind::FhNumber;
        }
        let date = date_part(&digits).expect("validated at construction");
        if date.day_offset == 40 {
            IdKind::DNumber
        } else if date.month_offset == 40 {
            IdKind::HNumber
        } else {
            IdKind::Fodselsnummer
        }
    }

    /// The test convention the month digits follow: month + 80 → Tenor,
    /// month + 40 → possibly NAV/Dolly (see [`SyntheticMarker::NavDolly`]).
    /// FH-numbers have no month and report [`SyntheticMarker::None`].
    pub fn synthetic(self) -> SyntheticMarker {
        let digits = self.digits();
        if digits[0] >= 8 {
            return SyntheticMarker::None;
        }
        match date_part(&digits)
            .expect("validated at construction")
            .month_offset
        {
            80 => SyntheticMarker::Tenor,
            40 => SyntheticMarker::NavDolly,
            _ => SyntheticMarker::None,
        }
    }

    /// The rule check digit 1 satisfies.
    pub fn check_digit_rule(self) -> CheckDigitRule {
        match k1_remainder(&self.digits()[..10]) {
            0 => CheckDigitRule::Classic,
            remainder => CheckDigitRule::Rule2032 { remainder },
        }
    }

    /// Birth date encoded in the number, None when the number cannot tell
    /// (FH-number, 2032-rule number, century undeterminable).
    ///
    /// The century comes from the individnummer (digits 7–9): 000–499 →
    /// 1900s; 500–749 with YY ≥ 54 → 1800s; 900–999 with YY ≥ 40 → 1900s;
    /// 500–999 with YY < 40 → 2000s (mikaello/norwegian-national-id-validator,
    /// Skatteetaten's series). This is what the digits say, not a fact about
    /// the person: from 2032 the digits need not carry the birth date or the
    /// century, so read both from Folkeregisteret (nyttfnr2032.md).
    pub fn encoded_birth_date(self) -> Option<NaiveDate> {
        let digits = self.digits();
        if digits[0] >= 8 || k1_remainder(&digits[..10]) != 0 {
            return None;
        }
        let date = date_part(&digits).expect("validated at construction");
        let year = classic_birth_year(two_digits(digits[4], digits[5]), individnummer(&digits))?;
        NaiveDate::from_ymd_opt(year, u32::from(date.month), u32::from(date.day))
    }

    /// Sex encoded in the 9th digit, None for 2032-rule and FH numbers.
    ///
    /// Even = female, odd = male (Skatteetaten, "Fødselsnummer"). 2032-rule
    /// numbers are gender-neutral (nyttfnr2032.md); read sex from
    /// Folkeregisteret.
    pub fn encoded_sex(self) -> Option<Sex> {
        let digits = self.digits();
        if digits[0] >= 8 || k1_remainder(&digits[..10]) != 0 {
            return None;
        }
        Some(if digits[8] % 2 == 0 {
            Sex::Female
        } else {
            Sex::Male
        })
    }

    /// The full 11 digits, zero-padded: the only way to see them.
    pub fn expose(self) -> String {
        format!("{:011}", self.0)
    }

    /// Builds a number from digits already known to be valid.
    pub(crate) fn from_valid_digits(digits: &[u8; 11]) -> NationalId {
        debug_assert_eq!(validate(digits), Ok(()));
        NationalId(to_u64(digits))
    }

    fn digits(self) -> [u8; 11] {
        to_digits(self.0)
    }
}

/// Checks check digits, then the date part. See [`NationalId::parse`].
fn validate(digits: &[u8; 11]) -> Result<(), IdError> {
    let remainder = k1_remainder(&digits[..10]);
    if remainder > 3 {
        let sum = k1_sum_mod11(&digits[..9]);
        let candidate = |remainder: u8| {
            let k1 = (remainder + 11 - sum) % 11;
            (k1 != 10).then_some(k1)
        };
        return Err(IdError::CheckDigit1 {
            found: digits[9],
            classic: candidate(0),
            rule_2032: (1..=3).filter_map(candidate).collect(),
        });
    }
    debug_assert_eq!(k1_for(&digits[..9], remainder), Some(digits[9]));
    let expected = k2_for(&digits[..10]);
    if expected != Some(digits[10]) {
        return Err(IdError::CheckDigit2 {
            found: digits[10],
            expected,
        });
    }
    if digits[0] >= 8 {
        // FH-number: digits 2–9 are random, there is no date to check.
        return Ok(());
    }
    let date = date_part(digits)?;
    if date.day == 0 || date.day > days_in_month(date.month) {
        return Err(IdError::Day {
            day: date.day,
            month: date.month,
            day_offset: date.day_offset,
        });
    }
    let yy = two_digits(digits[4], digits[5]);
    let feb_29 = date.month == 2 && date.day == 29;
    if remainder == 0 {
        let individnummer = individnummer(digits);
        let year = classic_birth_year(yy, individnummer)
            .ok_or(IdError::NoCenturySeries { individnummer, yy })?;
        if feb_29 && !is_leap_year(year) {
            return Err(IdError::NotLeapYear { year });
        }
    } else if feb_29 && yy % 4 != 0 {
        // 2000 is a leap year, so YY divisible by 4 is a leap year in the
        // 2000s; any other YY is a leap year in no century.
        return Err(IdError::NoLeapYear { yy });
    }
    Ok(())
}

/// Takes the D-number day offset (+40, first digit 4–7) and the month
/// offsets (+40 H-number / NAV-Dolly, +80 Tenor) off digits 1–4.
fn date_part(digits: &[u8; 11]) -> Result<DatePart, IdError> {
    let raw_day = two_digits(digits[0], digits[1]);
    let raw_month = two_digits(digits[2], digits[3]);
    let (day, day_offset) = if raw_day >= 40 {
        (raw_day - 40, 40)
    } else {
        (raw_day, 0)
    };
    let (month, month_offset) = match raw_month {
        1..=12 => (raw_month, 0),
        41..=52 => (raw_month - 40, 40),
        81..=92 => (raw_month - 80, 80),
        _ => return Err(IdError::Month { month: raw_month }),
    };
    Ok(DatePart {
        day,
        day_offset,
        month,
        month_offset,
    })
}

/// Days in `month`, counting 29 for February (leap years are checked later,
/// once the century is known).
fn days_in_month(month: u8) -> u8 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn two_digits(tens: u8, ones: u8) -> u8 {
    tens * 10 + ones
}

fn individnummer(digits: &[u8; 11]) -> u16 {
    u16::from(digits[6]) * 100 + u16::from(digits[7]) * 10 + u16::from(digits[8])
}

fn to_u64(digits: &[u8; 11]) -> u64 {
    digits
        .iter()
        .fold(0, |value, &digit| value * 10 + u64::from(digit))
}

fn to_digits(mut value: u64) -> [u8; 11] {
    let mut digits = [0u8; 11];
    for digit in digits.iter_mut().rev() {
        *digit = (value % 10) as u8;
        value /= 10;
    }
    digits
}

/// Masked: the first six digits and `*****`.
impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}*****", self.0 / 100_000)
    }
}

/// Masked like [`Display`](fmt::Display): `NationalId(311299*****)`.
impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({self})")
    }
}

impl std::str::FromStr for NationalId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NationalId::parse(s)
    }
}

/// Writes the full, unmasked 11-digit string (storage and wire need it).
impl Serialize for NationalId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.expose())
    }
}

/// Reads an 11-digit string and validates it like [`NationalId::parse`].
impl<'de> Deserialize<'de> for NationalId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        NationalId::parse(&text).map_err(serde::de::Error::custom)
    }
}
