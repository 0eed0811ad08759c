//! Cell values as read from either format, and their validation column by column.
//!
//! Every check returns the reason as `column <name>: <what is wrong>`, ready for a
//! [`RejectedRow`](super::RejectedRow).

use chrono::{Datelike, NaiveDate};
use identity::{NationalId, OrgNumber, Sex};
use registers::{ColumnInfo, Municipalities, MunicipalityNumber};

/// One cell: text from CSV, typed values from Parquet.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Field<'a> {
    /// Empty cell or null.
    Empty,
    /// Text (already trimmed).
    Text(&'a str),
    /// An integer column.
    Int(i64),
    /// A floating point column (accepted for integers only when whole).
    Float(f64),
    /// A date column.
    Date(NaiveDate),
}

impl<'a> Field<'a> {
    /// A text cell; whitespace-only text is empty.
    pub(crate) fn text(s: &'a str) -> Field<'a> {
        let s = s.trim();
        if s.is_empty() {
            Field::Empty
        } else {
            Field::Text(s)
        }
    }

    /// The cell as CSV text, for the raw copy of a rejected row.
    pub(crate) fn to_raw(self) -> String {
        match self {
            Field::Empty => String::new(),
            Field::Text(s) => s.to_string(),
            Field::Int(v) => v.to_string(),
            Field::Float(v) => v.to_string(),
            Field::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Joins cells as one CSV line, quoting where needed.
pub(crate) fn raw_line<I: IntoIterator<Item = String>>(cells: I) -> String {
    let mut line = String::new();
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&cell.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&cell);
        }
    }
    line
}

/// One row being validated: its cells and the table's columns.
pub(crate) struct Row<'r, 'a> {
    pub(crate) fields: &'r [Field<'a>],
    pub(crate) columns: &'static [ColumnInfo],
    pub(crate) municipalities: &'r Municipalities,
}

type Check<T> = Result<T, String>;

impl<'a> Row<'_, 'a> {
    fn fail<T>(&self, index: usize, what: impl std::fmt::Display) -> Check<T> {
        Err(format!("column {}: {what}", self.columns[index].name))
    }

    fn required(&self, index: usize) -> Check<Field<'a>> {
        match self.fields[index] {
            Field::Empty => self.fail(index, "required value is empty"),
            field => Ok(field),
        }
    }

    fn required_text(&self, index: usize) -> Check<&'a str> {
        match self.required(index)? {
            Field::Text(s) => Ok(s),
            other => self.fail(
                index,
                format_args!("expected text, found {}", other.to_raw()),
            ),
        }
    }

    /// A national identity number.
    pub(crate) fn id(&self, index: usize) -> Check<NationalId> {
        let text = self.required_text(index)?;
        NationalId::parse(text).or_else(|e| self.fail(index, e))
    }

    /// An organisation number.
    pub(crate) fn orgnr(&self, index: usize) -> Check<OrgNumber> {
        let text = self.required_text(index)?;
        OrgNumber::parse(text).or_else(|e| self.fail(index, e))
    }

    /// A kommunenummer known to the municipality list.
    pub(crate) fn kommune(&self, index: usize) -> Check<MunicipalityNumber> {
        let text = self.required_text(index)?;
        let number: MunicipalityNumber = text.parse().or_else(|e| self.fail(index, e))?;
        if self.municipalities.get(number).is_none() {
            return self.fail(
                index,
                format_args!("unknown municipality {number} (not in KLASS 131 as loaded)"),
            );
        }
        Ok(number)
    }

    /// Non-empty free text.
    pub(crate) fn text(&self, index: usize) -> Check<String> {
        self.required_text(index).map(str::to_string)
    }

    /// A code from a closed list.
    pub(crate) fn code<T>(
        &self,
        index: usize,
        from_code: impl Fn(&str) -> Option<T>,
        known: &str,
    ) -> Check<T> {
        let text = self.required_text(index)?;
        from_code(text).map_or_else(
            || {
                self.fail(
                    index,
                    format_args!("unknown code '{text}' (known: {known})"),
                )
            },
            Ok,
        )
    }

    /// Registered sex.
    pub(crate) fn sex(&self, index: usize) -> Check<Sex> {
        self.code(index, sex_from_code, "kvinne | mann")
    }

    /// A required date.
    pub(crate) fn date(&self, index: usize) -> Check<NaiveDate> {
        match self.required(index)? {
            Field::Date(d) => Ok(d),
            Field::Text(s) => parse_date(s).or_else(|e| self.fail(index, e)),
            other => self.fail(
                index,
                format_args!("'{}' is not a date (yyyy-mm-dd)", other.to_raw()),
            ),
        }
    }

    /// A date that may be empty.
    pub(crate) fn opt_date(&self, index: usize) -> Check<Option<NaiveDate>> {
        match self.fields[index] {
            Field::Empty => Ok(None),
            _ => self.date(index).map(Some),
        }
    }

    /// A required whole number within `min..=max`.
    pub(crate) fn int(&self, index: usize, min: i64, max: i64) -> Check<i64> {
        let value = match self.required(index)? {
            Field::Int(v) => v,
            Field::Float(v) => whole(v).or_else(|e| self.fail(index, e))?,
            Field::Text(s) => parse_int(s).or_else(|e| self.fail(index, e))?,
            Field::Date(d) => return self.fail(index, format_args!("'{d}' is not a number")),
            Field::Empty => unreachable!("checked by required"),
        };
        if value < min || value > max {
            return self.fail(index, format_args!("{value} is outside {min}..={max}"));
        }
        Ok(value)
    }

    /// A whole number converted to a narrower type, within `min..=max`.
    pub(crate) fn int_as<T: TryFrom<i64>>(&self, index: usize, min: i64, max: i64) -> Check<T> {
        let value = self.int(index, min, max)?;
        T::try_from(value).or_else(|_| self.fail(index, format_args!("{value} is out of range")))
    }

    /// An optional whole number converted to a narrower type.
    pub(crate) fn opt_int_as<T: TryFrom<i64>>(
        &self,
        index: usize,
        min: i64,
        max: i64,
    ) -> Check<Option<T>> {
        match self.fields[index] {
            Field::Empty => Ok(None),
            _ => self.int_as(index, min, max).map(Some),
        }
    }

    /// A year, 1900–2100.
    pub(crate) fn year(&self, index: usize) -> Check<u16> {
        self.int_as(index, 1900, 2100)
    }

    /// An amount in whole NOK.
    pub(crate) fn nok(&self, index: usize) -> Check<i64> {
        match self.required(index)? {
            Field::Text(s)
                if s.parse::<i64>().is_err()
                    && (s.contains(['.', ',']) || s.parse::<f64>().is_ok()) =>
            {
                self.fail(
                    index,
                    format_args!("'{s}' is not a whole number of NOK (amounts have no decimals)"),
                )
            }
            Field::Float(v) if v.fract() != 0.0 => self.fail(
                index,
                format_args!("{v} is not a whole number of NOK (amounts have no decimals)"),
            ),
            _ => self.int(index, i64::MIN, i64::MAX),
        }
    }
}

/// `kvinne` / `mann`, the register's codes for legal sex.
pub(crate) fn sex_code(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "kvinne",
        Sex::Male => "mann",
    }
}

fn sex_from_code(code: &str) -> Option<Sex> {
    match code {
        "kvinne" => Some(Sex::Female),
        "mann" => Some(Sex::Male),
        _ => None,
    }
}

/// Parses `yyyy-mm-dd` strictly (four-digit year, two-digit month and day).
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let digit = |i: usize| -> Option<u32> {
        b.get(i)
            .filter(|c| c.is_ascii_digit())
            .map(|c| u32::from(c - b'0'))
    };
    let shape = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    let number = |mut range: std::ops::Range<usize>| -> Option<u32> {
        range.try_fold(0, |acc, i| Some(acc * 10 + digit(i)?))
    };
    let (Some(year), Some(month), Some(day), true) =
        (number(0..4), number(5..7), number(8..10), shape)
    else {
        return Err(format!("'{s}' is not a date in the form yyyy-mm-dd"));
    };
    if !(1..=12).contains(&month) {
        return Err(format!(
            "'{s}' is not a valid date: there is no month {month}"
        ));
    }
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(|| {
        format!("'{s}' is not a valid date: there is no day {day} in {year:04}-{month:02}")
    })
}

/// Parses an integer literal: no decimals, no exponent, no thousands separators.
fn parse_int(s: &str) -> Result<i64, String> {
    s.parse::<i64>()
        .map_err(|_| format!("'{s}' is not a whole number"))
}

fn whole(v: f64) -> Result<i64, String> {
    if v.fract() == 0.0 && v >= i64::MIN as f64 && v <= i64::MAX as f64 {
        Ok(v as i64)
    } else {
        Err(format!("{v} is not a whole number"))
    }
}

/// Days since 1970-01-01, as Arrow's `Date32`.
pub(crate) fn date32(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

/// The date of an Arrow `Date32` value, if representable.
pub(crate) fn from_date32(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?)
}

/// `NaiveDate::from_ymd(1970, 1, 1).num_days_from_ce()`.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Writes `yyyy-mm-dd` into a buffer (years 0–9999).
pub(crate) fn format_date(date: NaiveDate, out: &mut [u8; 10]) -> &str {
    let year = date.year().clamp(0, 9999) as u32;
    let (month, day) = (date.month(), date.day());
    let digits = [
        year / 1000,
        year / 100 % 10,
        year / 10 % 10,
        year % 10,
        10,
        month / 10,
        month % 10,
        10,
        day / 10,
        day % 10,
    ];
    for (slot, d) in out.iter_mut().zip(digits) {
        *slot = if d == 10 { b'-' } else { b'0' + d as u8 };
    }
    std::str::from_utf8(out).expect("ASCII digits")
}

/// Writes `value` zero-padded to `width` digits into the end of a buffer.
pub(crate) fn format_padded(mut value: u64, width: usize, out: &mut [u8; 20]) -> &str {
    let mut start = out.len();
    while value > 0 || out.len() - start < width {
        start -= 1;
        out[start] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    std::str::from_utf8(&out[start..]).expect("ASCII digits")
}

/// Writes a signed integer into a buffer.
pub(crate) fn format_int(value: i64, out: &mut [u8; 20]) -> &str {
    if value >= 0 {
        return format_padded(value as u64, 1, out);
    }
    let mut magnitude = value.unsigned_abs();
    let mut start = out.len();
    while magnitude > 0 {
        start -= 1;
        out[start] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
    }
    start -= 1;
    out[start] = b'-';
    std::str::from_utf8(&out[start..]).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers_format_and_parse() {
        let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let mut buffer = [0; 10];
        assert_eq!(format_date(date, &mut buffer), "2024-02-29");
        assert_eq!(parse_date("2024-02-29"), Ok(date));
        assert_eq!(from_date32(date32(date)), Some(date));
        assert_eq!(
            date32(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()),
            0,
            "Date32 counts from the Unix epoch"
        );
        assert_eq!(
            parse_date("2023-01-32").unwrap_err(),
            "'2023-01-32' is not a valid date: there is no day 32 in 2023-01"
        );
        assert!(parse_date("2023-1-3").is_err());
        let mut buffer = [0; 20];
        assert_eq!(format_padded(301, 4, &mut buffer), "0301");
        assert_eq!(format_int(-1234, &mut buffer), "-1234");
        assert_eq!(format_int(0, &mut buffer), "0");
        assert_eq!(format_int(i64::MIN, &mut buffer), i64::MIN.to_string());
    }
}
