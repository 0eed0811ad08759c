//! [`OrgNumber`]: organisasjonsnummer from Enhetsregisteret.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::OrgNumberError;

/// Weights for digits 1–8 (navikt `Mod11`: weights 2 + i % 6 counted from
/// the right, i.e. 3, 2, 7, 6, 5, 4, 3, 2).
const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

/// A valid 9-digit organisasjonsnummer (Enhetsregisteret).
///
/// Rule: weights 3, 2, 7, 6, 5, 4, 3, 2 over digits 1–8, mod 11; the check
/// digit is 11 − remainder (11 → 0); remainder 1 would need check digit 10,
/// so no number with it is valid. Src: navikt `Mod11`; test vectors
/// 889640782 and 983887457.
///
/// Organisation numbers are public, so [`Display`](fmt::Display) shows all
/// nine digits, and serde writes them as a 9-digit string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgNumber(u32);

impl OrgNumber {
    /// Parses 9 digits, ignoring surrounding whitespace.
    pub fn parse(s: &str) -> Result<OrgNumber, OrgNumberError> {
        let trimmed = s.trim();
        let mut digits = [0u8; 9];
        let mut count = 0;
        for (index, character) in trimmed.chars().enumerate() {
            let Some(digit) = character.to_digit(10) else {
                return Err(OrgNumberError::NonDigit {
                    character,
                    position: index + 1,
                });
            };
            if count < 9 {
                digits[count] = digit as u8;
            }
            count += 1;
        }
        if count != 9 {
            return Err(OrgNumberError::WrongLength { found: count });
        }
        let value = digits
            .iter()
            .fold(0, |value, &digit| value * 10 + u32::from(digit));
        OrgNumber::from_u32(value)
    }

    /// Validates an integer (at most 9 digits; leading zeros are implied).
    pub fn from_u32(v: u32) -> Result<OrgNumber, OrgNumberError> {
        if v > 999_999_999 {
            return Err(OrgNumberError::TooLarge { value: v });
        }
        let found = (v % 10) as u8;
        match check_digit(v / 10) {
            Some(expected) if expected == found => Ok(OrgNumber(v)),
            Some(expected) => Err(OrgNumberError::CheckDigit { expected, found }),
            None => Err(OrgNumberError::NoValidCheckDigit { found }),
        }
    }

    /// The number as an integer.
    pub fn as_u32(self) -> u32 {
        self.0
    }

    /// Builds a number from its first eight digits by computing the check
    /// digit; None when no valid check digit exists (remainder 1) or
    /// `first_eight` has more than eight digits.
    pub fn with_check_digit(first_eight: u32) -> Option<OrgNumber> {
        if first_eight > 99_999_999 {
            return None;
        }
        check_digit(first_eight).map(|k| OrgNumber(first_eight * 10 + u32::from(k)))
    }
}

/// The check digit for digits 1–8 given as an integer, `None` on remainder 1.
fn check_digit(mut first_eight: u32) -> Option<u8> {
    let mut sum = 0;
    for weight in WEIGHTS.iter().rev() {
        sum += (first_eight % 10) * weight;
        first_eight /= 10;
    }
    match sum % 11 {
        0 => Some(0),
        1 => None,
        remainder => Some((11 - remainder) as u8),
    }
}

/// All nine digits: organisation numbers are public.
impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:09}", self.0)
    }
}

impl std::str::FromStr for OrgNumber {
    type Err = OrgNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgNumber::parse(s)
    }
}

/// Writes the 9-digit string.
impl Serialize for OrgNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Reads a 9-digit string and validates it like [`OrgNumber::parse`].
impl<'de> Deserialize<'de> for OrgNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        OrgNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}
