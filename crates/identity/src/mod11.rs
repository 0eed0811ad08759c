//! The mod-11 check digits and the individnummer century series.
//!
//! Everything here works on plain digits, so parsing, the generators and the
//! allocator share one implementation of each rule.

/// Weights for check digit 1 over digits 1–9.
///
/// Src: Skatteetaten/folkeregisteret-api-dokumentasjon:
/// src/om-tjenestene/nyttfnr2032.md; fnrinfo.no.
const K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];

/// Weights for check digit 2 over digits 1–10 (digit 10 is check digit 1).
///
/// Src: as [`K1_WEIGHTS`]; unchanged by the 2032 rule.
const K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// The weighted sum S1 of digits 1–9, reduced mod 11.
pub(crate) fn k1_sum_mod11(first_nine: &[u8]) -> u8 {
    let sum: u32 = first_nine
        .iter()
        .zip(K1_WEIGHTS)
        .map(|(&digit, weight)| u32::from(digit) * weight)
        .sum();
    (sum % 11) as u8
}

/// Check digit 1 that leaves `remainder` in the equivalent check
/// (S1 + k1 ≡ remainder mod 11), or `None` when that digit would be 10.
///
/// Remainder 0 is the classic rule, `k1 = 11 − (S1 mod 11)` with 11 → 0.
/// From 1 January 2032 the remainders 1, 2 and 3 are also allowed:
/// `k1 = {12, 13, 14} − (S1 mod 11)`, taken mod 11; a k1 of 10 is still
/// rejected. Src: nyttfnr2032.md ("Only k1 changes").
pub(crate) fn k1_for(first_nine: &[u8], remainder: u8) -> Option<u8> {
    let k1 = (remainder + 11 - k1_sum_mod11(first_nine)) % 11;
    (k1 != 10).then_some(k1)
}

/// The remainder (S1 + k1) mod 11 of the first ten digits.
///
/// 0 means the classic rule; 1–3 the 2032 rule; anything else is invalid.
pub(crate) fn k1_remainder(first_ten: &[u8]) -> u8 {
    (k1_sum_mod11(&first_ten[..9]) + first_ten[9]) % 11
}

/// Check digit 2, `k2 = 11 − (S2 mod 11)` with 11 → 0, or `None` when it
/// would be 10 (such numbers are never issued).
///
/// Src: nyttfnr2032.md; k2 is unchanged by the 2032 rule.
pub(crate) fn k2_for(first_ten: &[u8]) -> Option<u8> {
    let sum: u32 = first_ten
        .iter()
        .zip(K2_WEIGHTS)
        .map(|(&digit, weight)| u32::from(digit) * weight)
        .sum();
    let k2 = ((11 - sum % 11) % 11) as u8;
    (k2 != 10).then_some(k2)
}

/// The birth year a classic number encodes, from the two-digit year and the
/// individnummer, or `None` when the pair belongs to no century series.
///
/// Century rule as in mikaello/norwegian-national-id-validator (src/index.ts),
/// narrowed to Skatteetaten's published series (Skatteetaten, "Fødselsnummer";
/// felleslosninger/idporten-fnr-generate SyntheticFodselsnummerGenerator.java):
/// - 000–499 → 1900–1999;
/// - 500–749 with YY ≥ 54 → 1854–1899;
/// - 900–999 with YY ≥ 40 → 1940–1999;
/// - 500–999 with YY < 40 → 2000–2039.
///
/// mikaello maps "everything else" to 20xx; we do not, because no series
/// covers 2040 and later (from 2032 new numbers follow the 2032 rule and
/// carry no century at all), so for example individnummer 612 with YY 45
/// is reported as belonging to no series.
pub(crate) fn classic_birth_year(yy: u8, individnummer: u16) -> Option<i32> {
    let yy = i32::from(yy);
    match individnummer {
        0..=499 => Some(1900 + yy),
        500..=749 if yy >= 54 => Some(1800 + yy),
        900..=999 if yy >= 40 => Some(1900 + yy),
        500..=999 if yy < 40 => Some(2000 + yy),
        _ => None,
    }
}

/// The individnummer ranges, highest first, that Skatteetaten allocates for
/// people born in `year`, in the order they are counted down.
///
/// Src: Skatteetaten, "Fødselsnummer": 1854–1899 → 749–500; 1900–1999 →
/// 499–000; 1940–1999 → also 999–900; 2000–2039 → 999–500. Numbers are
/// allocated counting down. Years outside 1854–2039 have no classic series.
pub(crate) fn classic_series(year: i32) -> &'static [(u16, u16)] {
    match year {
        1854..=1899 => &[(749, 500)],
        1900..=1939 => &[(499, 0)],
        1940..=1999 => &[(499, 0), (999, 900)],
        2000..=2039 => &[(999, 500)],
        _ => &[],
    }
}

/// Whether `individnummer` lies in the classic series for `year`.
pub(crate) fn in_classic_series(year: i32, individnummer: u16) -> bool {
    classic_series(year)
        .iter()
        .any(|&(top, bottom)| (bottom..=top).contains(&individnummer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_and_century_rule_agree() {
        for year in 1800..=2100 {
            for individnummer in 0..=999u16 {
                if in_classic_series(year, individnummer) {
                    let yy = (year % 100) as u8;
                    assert_eq!(
                        classic_birth_year(yy, individnummer),
                        Some(year),
                        "{year} {individnummer}"
                    );
                }
            }
        }
    }

    #[test]
    fn worked_example_check_digits() {
        // 31129956715 (fnrinfo.no).
        let digits = [3, 1, 1, 2, 9, 9, 5, 6, 7, 1, 5];
        assert_eq!(k1_for(&digits[..9], 0), Some(1));
        assert_eq!(k2_for(&digits[..10]), Some(5));
        assert_eq!(k1_remainder(&digits[..10]), 0);
    }
}
