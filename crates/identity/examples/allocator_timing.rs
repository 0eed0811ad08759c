//! Times [`SyntheticAllocator`] over a population-sized sequential pass.
//!
//! Run with `cargo run --release -p identity --example allocator_timing`.
//! Allocates 5.6 million numbers for birth dates spread over 1920–2024
//! (a fixed pseudo-random sequence, no IO) and prints the elapsed time.

use std::time::Instant;

use chrono::{Duration, NaiveDate};
use identity::{CheckDigitRule, Sex, SyntheticAllocator};

fn main() {
    const PEOPLE: usize = 5_600_000;
    let first = NaiveDate::from_ymd_opt(1920, 1, 1).expect("valid date");
    let days = (NaiveDate::from_ymd_opt(2024, 12, 31).expect("valid date") - first).num_days() + 1;
    let mut state: u64 = 0x5eed;
    let requests: Vec<(NaiveDate, Sex)> = (0..PEOPLE)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let offset = (state >> 33) as i64 % days;
            let sex = if state >> 63 == 0 {
                Sex::Female
            } else {
                Sex::Male
            };
            (first + Duration::days(offset), sex)
        })
        .collect();

    let started = Instant::now();
    let mut allocator = SyntheticAllocator::new();
    let mut rule_2032 = 0usize;
    let mut checksum = 0u64;
    for &(birth, sex) in &requests {
        let id = allocator.allocate(birth, sex).expect("not exhausted");
        if id.check_digit_rule() != CheckDigitRule::Classic {
            rule_2032 += 1;
        }
        checksum ^= id.as_u64();
    }
    let elapsed = started.elapsed();
    println!(
        "allocated {PEOPLE} numbers in {:.3} s ({:.0} ns each); {rule_2032} under the 2032 rule; checksum {checksum:x}",
        elapsed.as_secs_f64(),
        elapsed.as_nanos() as f64 / PEOPLE as f64
    );
}
