//! Generation parameters: the published figures the generator draws from, with their sources.
//!
//! These are *inputs* (distributions); the calibration targets the output is checked against are in
//! `calibration/norway_2024.toml`. Where the two overlap (the age pyramid), the test checks that the
//! generated population reproduces what went in. Figures marked *unverified* are plausible values
//! the sources leave open; they are named so they can be replaced when a source is found.

/// Population on 1 January 2024 by 10-year band: (first age, men, women).
/// Source: SSB table 07459 (via shared/domain/calibration-norway.md §1.2).
pub const AGE_BANDS_2024: [(u32, u32, u32); 11] = [
    (0, 298_310, 282_240),
    (10, 341_319, 322_413),
    (20, 361_114, 343_010),
    (30, 397_530, 381_963),
    (40, 367_639, 352_516),
    (50, 379_796, 365_108),
    (60, 307_864, 306_306),
    (70, 236_240, 250_350),
    (80, 91_498, 119_253),
    (90, 14_173, 30_299),
    (100, 235, 1_027),
];

/// Oldest age generated (the 100+ band is spread over 100–105).
pub const MAX_AGE: usize = 105;

/// Live births by year 2014–2023, used to shape single ages 0–9 within their band.
/// Source: SSB table 05803; 2023 confirmed (51 980, calibration notes §1.4); 2014–2022 from SSB's
/// series as recalled, status *unverified* (only their relative sizes are used).
pub const BIRTHS_2014_2023: [u32; 10] = [
    59_084, 59_058, 58_890, 56_633, 55_120, 54_495, 52_979, 56_060, 51_480, 51_980,
];

/// Deaths per 100 000 by 5-year age group (0–4, 5–9, …, 90+), men and women, 2024.
/// Source: SSB, ssb.no/en/befolkning/fodte-og-dode/statistikk/dode (calibration notes §1.4).
pub const DEATH_RATES_PER_100K: [(u32, u32); 19] = [
    (54, 48),
    (3, 8),
    (7, 8),
    (40, 17),
    (49, 18),
    (64, 29),
    (65, 29),
    (85, 39),
    (122, 59),
    (159, 101),
    (248, 174),
    (394, 272),
    (661, 424),
    (1_147, 791),
    (1_896, 1_310),
    (3_285, 2_440),
    (5_944, 4_334),
    (11_361, 8_862),
    (25_047, 21_567),
];

/// Emigrations in 2023 (SSB): 34 011.
pub const EMIGRATIONS_2023: f64 = 34_011.0;

/// Population on 1 January 2024: 5 550 203 (SSB 07459).
pub const POPULATION_2024: f64 = 5_550_203.0;

/// Number of children 0–17 in a family with children: 1, 2, 3, 4. *Unverified* shape chosen so the
/// mean (≈ 1.73) matches 1 096 788 children over ≈ 630 000 family units with children (SSB
/// families and households 2024).
pub const CHILDREN_PER_FAMILY: [f64; 4] = [0.45, 0.40, 0.12, 0.03];

/// Share of children 0–17 living with: both parents 77.3 %, one parent alone 16.1 %, one parent and
/// a step-parent 6.6 % (SSB families and households, 1 January 2024).
pub const CHILD_LIVES_WITH: [f64; 3] = [0.773, 0.161, 0.066];

/// Cohabiting (not married) share among children living with both parents, by the child's age,
/// SSB 2010 (0 y 47 %, 5 y 26 %, 10 y 18 %, 17 y 10 %), scaled by 1.3 so the all-ages share meets
/// the 2024 figure of 33.3 % (the current single-age split, table 06204, is *unverified*).
pub fn cohabiting_share_by_child_age(age: u32) -> f64 {
    let base = match age {
        0 => 0.474,
        1 => 0.421,
        2 => 0.374,
        3..=5 => 0.265,
        6..=10 => 0.18,
        11..=14 => 0.14,
        _ => 0.103,
    };
    (base * 1.3_f64).min(0.9)
}

/// Probability that a young adult lives with a parent, by age (*unverified*, tuned so one-family
/// households with adult children are ≈ 7 % of households as in SSB 2024).
pub fn lives_with_parents(age: u32) -> f64 {
    match age {
        18 => 0.9,
        19 => 0.75,
        20 => 0.55,
        21 => 0.42,
        22 => 0.33,
        23 => 0.25,
        24 => 0.18,
        25 => 0.13,
        26..=29 => 0.07,
        _ => 0.0,
    }
}

/// Probability that an adult woman without minor children at home lives in a couple, by age
/// (*unverified*, tuned to couples without children ≈ 24 % and living alone ≈ 41 % of households).
pub fn couple_probability(age: u32) -> f64 {
    match age {
        18..=21 => 0.10,
        22..=24 => 0.30,
        25..=29 => 0.50,
        30..=39 => 0.54,
        40..=49 => 0.52,
        50..=59 => 0.63,
        60..=69 => 0.66,
        70..=79 => 0.57,
        80..=89 => 0.32,
        _ => 0.1,
    }
}

/// Immigrant household probability by the oldest adult's age group, for households without minor
/// children, and for families with minor children (*unverified* shape, tuned to SSB's 16.8 %
/// immigrants and 4.0 % Norwegian-born to immigrant parents on 1 January 2024).
pub fn immigrant_household_probability(age: u32) -> f64 {
    match age {
        18..=29 => 0.29,
        30..=44 => 0.34,
        45..=66 => 0.17,
        _ => 0.07,
    }
}

/// Share of families with minor children whose parents are immigrants (*unverified*, see above).
pub const IMMIGRANT_FAMILY_SHARE: f64 = 0.25;
