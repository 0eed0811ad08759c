//! [`SyntheticAllocator`]: unique synthetic numbers for generated people.

use chrono::{Datelike, NaiveDate};

use crate::generate::{assemble, TENOR};
use crate::mod11::classic_series;
use crate::{AllocationError, NationalId, Sex};

/// First and last birth year with a classic individnummer series
/// (Skatteetaten, "Fødselsnummer").
const FIRST_SERIES_YEAR: i32 = 1854;
const LAST_SERIES_YEAR: i32 = 2039;

/// 2032-rule candidates per DDMMYY: individnummer 999..=000, each with
/// remainders 1, 2, 3.
const RULE_2032_CANDIDATES: u16 = 1000 * 3;

/// Allocates unique, valid synthetic (Tenor, month + 80) fødselsnummer for
/// generated people.
///
/// For each (birth date, sex) it counts the individnummer **down** through
/// the birth year's classic series (Skatteetaten: numbers are allocated
/// counting down), keeping the sex parity of the 9th digit (even = female)
/// and skipping individnummer whose k1 or k2 would be 10. When that series is
/// used up, or the year has none (before 1854, after 2039), it continues
/// under the 2032 rule: individnummer 999 down to 000, each with remainders
/// 1, 2 and 3 (the official plan starts at 999 and counts down; whether each
/// individnummer is used up across all k1 variants first is undecided, so
/// this order is a choice, nyttfnr2032.md). 2032-rule numbers encode neither
/// sex nor century, so that pool is shared by both sexes and by every date
/// with the same DDMMYY (e.g. 1920-11-17 and 2020-11-17).
///
/// State is two dense arrays (a counter per classic date and sex, and one
/// per DDMMYY), so an allocation is an index and a few dozen integer
/// operations; no hashing.
#[derive(Clone)]
pub struct SyntheticAllocator {
    /// Per day from 1854-01-01 to 2039-12-31: positions already consumed in
    /// the classic series, `[female, male]`.
    classic: Vec<[u16; 2]>,
    /// Per DDMMYY (see `rule_2032_index`): candidates already consumed.
    rule_2032: Vec<u16>,
    /// `num_days_from_ce` of 1854-01-01.
    first_day: i32,
}

impl Default for SyntheticAllocator {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for SyntheticAllocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyntheticAllocator").finish_non_exhaustive()
    }
}

impl SyntheticAllocator {
    /// An allocator that has handed out nothing yet.
    pub fn new() -> Self {
        let first = NaiveDate::from_ymd_opt(FIRST_SERIES_YEAR, 1, 1).expect("valid date");
        let last = NaiveDate::from_ymd_opt(LAST_SERIES_YEAR, 12, 31).expect("valid date");
        let first_day = first.num_days_from_ce();
        let days = (last.num_days_from_ce() - first_day + 1) as usize;
        SyntheticAllocator {
            classic: vec![[0; 2]; days],
            rule_2032: vec![0; 100 * 12 * 31],
            first_day,
        }
    }

    /// Next unused valid number for this birth date and sex: counts
    /// individnummer DOWN through the series of the birth year's century
    /// (1854–1899: 749–500; 1900–1999: 499–000 and, for 1940–1999, also
    /// 999–900; 2000–2039: 999–500), sex parity in the 9th digit (even =
    /// female), skipping individnummer whose k1 or k2 would be 10; when a
    /// (date, sex) series is exhausted, continues under the 2032 rule (k1
    /// remainders 1..=3) and returns those numbers too; Err only when
    /// everything is exhausted.
    ///
    /// Numbers from the 2032 rule report `None` for
    /// [`NationalId::encoded_sex`] and [`NationalId::encoded_birth_date`].
    pub fn allocate(&mut self, birth: NaiveDate, sex: Sex) -> Result<NationalId, AllocationError> {
        if let Some(id) = self.allocate_classic(birth, sex) {
            return Ok(id);
        }
        self.allocate_rule_2032(birth)
            .ok_or(AllocationError::Exhausted { birth, sex })
    }

    fn allocate_classic(&mut self, birth: NaiveDate, sex: Sex) -> Option<NationalId> {
        let day_index = birth.num_days_from_ce() - self.first_day;
        let slot = self.classic.get_mut(usize::try_from(day_index).ok()?)?;
        let parity: u16 = match sex {
            Sex::Female => 0,
            Sex::Male => 1,
        };
        let position = &mut slot[usize::from(parity)];
        let mut skip = *position;
        for &(top, bottom) in classic_series(birth.year()) {
            // The highest individnummer of the right parity, then every
            // second one down to `bottom`.
            let start = top - (top + 2 - parity) % 2;
            if start < bottom {
                continue;
            }
            let count = (start - bottom) / 2 + 1;
            if skip >= count {
                skip -= count;
                continue;
            }
            for step in skip..count {
                *position += 1;
                if let Some(id) = assemble(birth, start - 2 * step, TENOR, 0) {
                    return Some(id);
                }
            }
            skip = 0;
        }
        None
    }

    fn allocate_rule_2032(&mut self, birth: NaiveDate) -> Option<NationalId> {
        let index = ((birth.year().rem_euclid(100) as usize * 12 + birth.month0() as usize) * 31)
            + birth.day0() as usize;
        let position = &mut self.rule_2032[index];
        while *position < RULE_2032_CANDIDATES {
            let individnummer = 999 - *position / 3;
            let remainder = (*position % 3) as u8 + 1;
            *position += 1;
            if let Some(id) = assemble(birth, individnummer, TENOR, remainder) {
                return Some(id);
            }
        }
        None
    }
}
