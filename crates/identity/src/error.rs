//! Error types: each variant says exactly which part of the input is wrong.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::Sex;

/// Why a string or integer is not a valid [`NationalId`](crate::NationalId).
///
/// Check digits are verified before the date part: a failing check digit
/// usually means a typing error, and then the date is not worth reporting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The trimmed input does not have exactly 11 characters.
    #[error("must be 11 digits, found {found}")]
    WrongLength {
        /// Number of characters found after trimming.
        found: usize,
    },
    /// A character other than `0`–`9` (positions count from 1).
    #[error("non-digit {character:?} at position {position}")]
    NonDigit {
        /// The offending character.
        character: char,
        /// Its 1-based position in the trimmed input.
        position: usize,
    },
    /// An integer with more than 11 digits (from [`NationalId::from_u64`](crate::NationalId::from_u64)).
    #[error("value {value} has more than 11 digits")]
    TooLarge {
        /// The rejected value.
        value: u64,
    },
    /// Check digit 1 (digit 10) matches neither the classic rule nor any
    /// 2032-rule remainder.
    #[error("{}", check_digit_1_message(*.found, *.classic, .rule_2032))]
    CheckDigit1 {
        /// The digit found.
        found: u8,
        /// The classic value (remainder 0), `None` when it computes to 10.
        classic: Option<u8>,
        /// The values the 2032 rule allows (remainders 1, 2, 3 in that
        /// order, those computing to 10 left out).
        rule_2032: Vec<u8>,
    },
    /// Check digit 2 (digit 11) is wrong; k2 has a single rule.
    #[error("{}", check_digit_2_message(*.found, *.expected))]
    CheckDigit2 {
        /// The digit found.
        found: u8,
        /// The value digits 1–10 call for, `None` when it computes to 10
        /// (then no digit works).
        expected: Option<u8>,
    },
    /// Digits 3–4 are not a month, nor a month + 40 (H-number, NAV/Dolly)
    /// nor a month + 80 (Tenor).
    #[error("month {month:02} is not a month (nor month + 40 or + 80)")]
    Month {
        /// Digits 3–4 as found.
        month: u8,
    },
    /// The day (after removing a D-number's + 40) does not exist in the month.
    #[error("day {day:02} in month {month:02}{}", day_offset_note(*.day, *.day_offset))]
    Day {
        /// The day after removing the offset.
        day: u8,
        /// The month after removing any offset.
        month: u8,
        /// 40 for a D-number, else 0.
        day_offset: u8,
    },
    /// 29 February in a year that the century rule fixes and that is not a
    /// leap year.
    #[error("29 February in {year} (not a leap year)")]
    NotLeapYear {
        /// The full year the individnummer gives.
        year: i32,
    },
    /// 29 February in a 2032-rule number whose two-digit year is a leap year
    /// in no century.
    #[error("29 February with year {yy:02} (a leap year in no century)")]
    NoLeapYear {
        /// Digits 5–6.
        yy: u8,
    },
    /// A classic-rule number whose individnummer and year fit no century series.
    #[error("individnummer {individnummer:03} with year {yy:02} belongs to no century series")]
    NoCenturySeries {
        /// Digits 7–9.
        individnummer: u16,
        /// Digits 5–6.
        yy: u8,
    },
}

fn check_digit_1_message(found: u8, classic: Option<u8>, rule_2032: &[u8]) -> String {
    let mut message = match classic {
        Some(classic) => format!("check digit 1 should be {classic}, found {found}"),
        None => {
            format!("check digit 1 is {found}, but the classic rule gives 10, which is never valid")
        }
    };
    match rule_2032 {
        [] => message.push_str(" (the 2032 rule allows no digit either)"),
        [only] => {
            let _ = write!(message, " (the 2032 rule would allow only {only})");
        }
        [init @ .., last] => {
            let listed: Vec<String> = init.iter().map(u8::to_string).collect();
            let _ = write!(
                message,
                " (the 2032 rule would allow {} or {last})",
                listed.join(", ")
            );
        }
    }
    message
}

fn check_digit_2_message(found: u8, expected: Option<u8>) -> String {
    match expected {
        Some(expected) => format!("check digit 2 should be {expected}, found {found}"),
        None => format!(
            "check digit 2 is {found}, but digits 1-10 give 10, so no check digit 2 is valid"
        ),
    }
}

fn day_offset_note(day: u8, day_offset: u8) -> String {
    if day_offset == 0 {
        String::new()
    } else {
        format!(
            " (digits 1-2 are {}, minus the D-number offset {day_offset})",
            day + day_offset
        )
    }
}

/// Why a string or integer is not a valid [`OrgNumber`](crate::OrgNumber).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrgNumberError {
    /// The trimmed input does not have exactly 9 characters.
    #[error("must be 9 digits, found {found}")]
    WrongLength {
        /// Number of characters found after trimming.
        found: usize,
    },
    /// A character other than `0`–`9` (positions count from 1).
    #[error("non-digit {character:?} at position {position}")]
    NonDigit {
        /// The offending character.
        character: char,
        /// Its 1-based position in the trimmed input.
        position: usize,
    },
    /// An integer with more than 9 digits.
    #[error("value {value} has more than 9 digits")]
    TooLarge {
        /// The rejected value.
        value: u32,
    },
    /// The check digit (digit 9) is wrong.
    #[error("check digit should be {expected}, found {found}")]
    CheckDigit {
        /// The value digits 1–8 call for.
        expected: u8,
        /// The digit found.
        found: u8,
    },
    /// Digits 1–8 leave remainder 1, so no check digit is valid.
    #[error("check digit {found} cannot be right: digits 1-8 leave remainder 1, so no check digit is valid")]
    NoValidCheckDigit {
        /// The digit found.
        found: u8,
    },
}

/// Why [`SyntheticAllocator::allocate`](crate::SyntheticAllocator::allocate) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AllocationError {
    /// Every classic individnummer for the date and sex, and every 2032-rule
    /// variant for the date's DDMMYY, has been handed out.
    #[error("no synthetic fødselsnummer left for {birth} ({sex}): the classic series and all 2032-rule variants are used up")]
    Exhausted {
        /// The requested birth date.
        birth: NaiveDate,
        /// The requested sex.
        sex: Sex,
    },
}
