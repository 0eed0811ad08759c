//! Values of parameters and facts, exact decimals and explicit rounding.
//!
//! Money is whole NOK in `i64` and rates are exact decimals: nothing here is floating point, so a
//! percentage of an amount is computed as one integer fraction and rounded once, by a rounding
//! rule that is itself a documented parameter.

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// An exact decimal number: `mantissa / 10^scale` (0.06 is mantissa 6, scale 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i64,
    scale: u32,
}

impl Decimal {
    /// The decimal `mantissa / 10^scale`; `None` if the scale is above 12.
    pub fn new(mantissa: i64, scale: u32) -> Option<Decimal> {
        (scale <= 12).then_some(Decimal { mantissa, scale })
    }

    /// A whole number as a decimal.
    pub fn from_integer(value: i64) -> Decimal {
        Decimal {
            mantissa: value,
            scale: 0,
        }
    }

    /// The digits without the decimal point.
    pub fn mantissa(self) -> i64 {
        self.mantissa
    }

    /// How many digits stand after the decimal point.
    pub fn scale(self) -> u32 {
        self.scale
    }

    /// `10^scale`, the denominator of the exact fraction.
    pub fn denominator(self) -> i64 {
        10_i64.pow(self.scale)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.mantissa);
        }
        let denominator = self.denominator();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let abs = self.mantissa.unsigned_abs();
        write!(
            f,
            "{sign}{}.{:0width$}",
            abs / denominator as u64,
            abs % denominator as u64,
            width = self.scale as usize
        )
    }
}

/// Why a text is not a decimal number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a plain decimal number (write e.g. 0.06; no exponents, at most 12 decimals)")]
pub struct DecimalError(pub String);

impl FromStr for Decimal {
    type Err = DecimalError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || DecimalError(text.to_string());
        let trimmed = text.trim();
        let (negative, digits) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 12
        {
            return Err(bad());
        }
        let fraction = fraction.trim_end_matches('0');
        let scale = fraction.len() as u32;
        let mantissa: i64 = format!("{whole}{fraction}").parse().map_err(|_| bad())?;
        Ok(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            scale,
        })
    }
}

impl Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

/// How an exact fraction is turned into a whole number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// To the nearest whole number, halves away from zero (2.5 → 3, −2.5 → −3).
    Nearest,
    /// Towards minus infinity (2.9 → 2).
    Down,
    /// Towards plus infinity (2.1 → 3).
    Up,
}

impl Rounding {
    /// The parameter-file spelling: `nearest`, `down` or `up`.
    pub fn code(self) -> &'static str {
        match self {
            Rounding::Nearest => "nearest",
            Rounding::Down => "down",
            Rounding::Up => "up",
        }
    }

    /// Parses the parameter-file spelling.
    pub fn from_code(code: &str) -> Option<Rounding> {
        match code {
            "nearest" => Some(Rounding::Nearest),
            "down" => Some(Rounding::Down),
            "up" => Some(Rounding::Up),
            _ => None,
        }
    }

    /// `numerator / denominator` rounded by this rule. The denominator must not be zero.
    ///
    /// ```
    /// use rules::Rounding;
    /// // 2 000 × 11 / 0.06 = 2 200 000 / 6 = 366 666.67
    /// assert_eq!(Rounding::Nearest.divide(2_000 * 11 * 100, 6), 366_667);
    /// assert_eq!(Rounding::Down.divide(2_000 * 11 * 100, 6), 366_666);
    /// ```
    #[inline]
    pub fn divide(self, numerator: i128, denominator: i128) -> i64 {
        assert!(denominator != 0, "division by zero in a rule");
        // Fee arithmetic multiplies in i128 so that no product can overflow, but its values are
        // small: when both fit in i64 the same rounding on i64 is several times cheaper than the
        // i128 division (a library call) and gives the same result.
        if let (Ok(n), Ok(d)) = (i64::try_from(numerator), i64::try_from(denominator)) {
            if d > 0 && n != i64::MIN {
                return self.divide_i64(n, d);
            }
        }
        let (numerator, denominator) = if denominator < 0 {
            (-numerator, -denominator)
        } else {
            (numerator, denominator)
        };
        let floor = numerator.div_euclid(denominator);
        let remainder = numerator.rem_euclid(denominator);
        let result = match self {
            Rounding::Down => floor,
            Rounding::Up => {
                if remainder == 0 {
                    floor
                } else {
                    floor + 1
                }
            }
            Rounding::Nearest => {
                let twice = 2 * remainder;
                if twice > denominator || (twice == denominator && numerator >= 0) {
                    floor + 1
                } else {
                    floor
                }
            }
        };
        result as i64
    }
}

impl Rounding {
    /// `numerator / denominator` rounded by this rule, for a positive `denominator`, on i64:
    /// the same result as [`Rounding::divide`] (which calls it when the values fit).
    ///
    /// ```
    /// use rules::Rounding;
    /// assert_eq!(Rounding::Nearest.divide_i64(-5, 2), Rounding::Nearest.divide(-5, 2));
    /// assert_eq!(Rounding::Up.divide_i64(7, 3), 3);
    /// ```
    #[inline]
    pub fn divide_i64(self, numerator: i64, denominator: i64) -> i64 {
        assert!(
            denominator > 0,
            "division by a non-positive number in a rule"
        );
        // Fees are not negative: then truncating division is floor division, one instruction
        // for quotient and remainder together.
        let (floor, remainder) = if numerator >= 0 {
            (numerator / denominator, numerator % denominator)
        } else {
            (
                numerator.div_euclid(denominator),
                numerator.rem_euclid(denominator),
            )
        };
        match self {
            Rounding::Down => floor,
            Rounding::Up => floor + i64::from(remainder != 0),
            Rounding::Nearest => {
                // 2 × remainder compared with the denominator, without overflowing.
                let rest = denominator - remainder;
                if remainder > rest || (remainder == rest && numerator >= 0) {
                    floor + 1
                } else {
                    floor
                }
            }
        }
    }
}

/// A value of a parameter, an input fact or a result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A whole number: NOK amounts, hours, counts (the unit says which).
    Integer(i64),
    /// An exact decimal, e.g. a rate.
    Decimal(Decimal),
    /// A named choice or a text.
    Text(String),
    /// Yes or no.
    Bool(bool),
    /// A calendar date.
    Date(NaiveDate),
    /// No value: unknown or not applicable (the explanation says which).
    Missing,
}

impl Value {
    /// The kind of value, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Integer(_) => "integer",
            Value::Decimal(_) => "decimal",
            Value::Text(_) => "text",
            Value::Bool(_) => "boolean",
            Value::Date(_) => "date",
            Value::Missing => "missing",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Integer(v) => write!(f, "{v}"),
            Value::Decimal(v) => write!(f, "{v}"),
            Value::Text(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::Date(v) => write!(f, "{v}"),
            Value::Missing => write!(f, "missing"),
        }
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Integer(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_string())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<NaiveDate> for Value {
    fn from(value: NaiveDate) -> Self {
        Value::Date(value)
    }
}

impl From<Decimal> for Value {
    fn from(value: Decimal) -> Self {
        Value::Decimal(value)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Missing, Into::into)
    }
}

/// Parses a strict ISO date `YYYY-MM-DD` (chrono alone also accepts `2024-9-1`).
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_exactly() {
        let d: Decimal = "0.06".parse().unwrap();
        assert_eq!((d.mantissa(), d.scale()), (6, 2));
        assert_eq!(d.to_string(), "0.06");
        let d: Decimal = "1.0".parse().unwrap();
        assert_eq!((d.mantissa(), d.scale()), (1, 0));
        let d: Decimal = "-0.5".parse().unwrap();
        assert_eq!(d.to_string(), "-0.5");
        assert!("1e3".parse::<Decimal>().is_err());
        assert!(".5".parse::<Decimal>().is_err());
    }

    #[test]
    fn rounding_is_explicit() {
        assert_eq!(Rounding::Nearest.divide(5, 2), 3);
        assert_eq!(Rounding::Nearest.divide(-5, 2), -3);
        assert_eq!(Rounding::Nearest.divide(7, 3), 2);
        assert_eq!(Rounding::Down.divide(-1, 3), -1);
        assert_eq!(Rounding::Up.divide(1, 3), 1);
        assert_eq!(Rounding::Up.divide(3, 3), 1);
        assert_eq!(Rounding::Nearest.divide(3_050 * 1_100, 6), 559_167);
        assert_eq!(Rounding::Down.divide(3_050 * 1_100, 6), 559_166);
    }

    #[test]
    fn i64_rounding_equals_i128_rounding() {
        for rounding in [Rounding::Nearest, Rounding::Down, Rounding::Up] {
            for n in -200_i64..=200 {
                for d in 1_i64..=24 {
                    // The i128 path without the fast path: numerator scaled beyond i64.
                    let big = 1_i128 << 70;
                    let slow = rounding.divide(n as i128 * big, d as i128 * big);
                    assert_eq!(rounding.divide_i64(n, d), slow, "{n}/{d} {rounding:?}");
                }
            }
            let (n, d) = (i64::MAX - 1, i64::MAX);
            let big = 1_i128 << 40;
            assert_eq!(
                rounding.divide_i64(n, d),
                rounding.divide(n as i128 * big, d as i128 * big)
            );
        }
    }
}
