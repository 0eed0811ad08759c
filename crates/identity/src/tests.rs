//! Unit and property tests for the whole crate.

use chrono::NaiveDate;
use proptest::prelude::*;

use crate::*;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// Parses `input` and returns the error message, or "ok".
fn parse_message(input: &str) -> String {
    match NationalId::parse(input) {
        Ok(_) => "ok".to_owned(),
        Err(error) => error.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Required examples (domain file §1).

#[test]
fn classic_fodselsnummer_31129956715() {
    // fnrinfo.no worked example.
    let id = NationalId::parse("31129956715").unwrap();
    assert_eq!(id.kind(), IdKind::Fodselsnummer);
    assert_eq!(id.check_digit_rule(), CheckDigitRule::Classic);
    assert_eq!(id.synthetic(), SyntheticMarker::None);
    // Individnummer 567 with YY 99 is in the 1854–1899 series.
    assert_eq!(id.encoded_birth_date(), Some(date(1899, 12, 31)));
    assert_eq!(id.encoded_sex(), Some(Sex::Male));
    assert_eq!(id.expose(), "31129956715");
    assert_eq!(id.as_u64(), 31_129_956_715);
}

#[test]
fn official_2032_examples() {
    // nyttfnr2032.md. 30108299939 is valid only under the new rule.
    let new_rule = NationalId::parse("30108299939").unwrap();
    assert_eq!(
        new_rule.check_digit_rule(),
        CheckDigitRule::Rule2032 { remainder: 1 }
    );
    assert_eq!(new_rule.encoded_sex(), None);
    assert_eq!(new_rule.encoded_birth_date(), None);
    assert_eq!(new_rule.kind(), IdKind::Fodselsnummer);

    for example in ["02013299997", "30108299920"] {
        let id = NationalId::parse(example).unwrap();
        assert_eq!(id.expose(), example);
        assert_eq!(id.check_digit_rule(), CheckDigitRule::Classic, "{example}");
    }
    assert_eq!(
        NationalId::parse("02013299997")
            .unwrap()
            .encoded_birth_date(),
        Some(date(2032, 1, 2))
    );
}

#[test]
fn tenor_examples() {
    // Digdir KRR documentation: 17912099997 (17.11.2020), 05840399895 (05.04.2003).
    for (example, birth) in [
        ("17912099997", date(2020, 11, 17)),
        ("05840399895", date(2003, 4, 5)),
    ] {
        let id = NationalId::parse(example).unwrap();
        assert_eq!(id.synthetic(), SyntheticMarker::Tenor, "{example}");
        assert_eq!(id.kind(), IdKind::Fodselsnummer, "{example}");
        assert_eq!(id.encoded_birth_date(), Some(birth), "{example}");
    }
}

#[test]
fn wrong_check_digit_2_is_named() {
    assert_eq!(
        NationalId::parse("31129956716"),
        Err(IdError::CheckDigit2 {
            found: 6,
            expected: Some(5)
        })
    );
    assert_eq!(
        parse_message("31129956716"),
        "check digit 2 should be 5, found 6"
    );
}

#[test]
fn org_number_examples() {
    for example in ["889640782", "983887457"] {
        let org = OrgNumber::parse(example).unwrap();
        assert_eq!(org.to_string(), example);
        assert_eq!(OrgNumber::from_u32(org.as_u32()), Ok(org));
        assert_eq!(OrgNumber::with_check_digit(org.as_u32() / 10), Some(org));
    }
    assert_eq!(
        OrgNumber::parse("889640783").unwrap_err().to_string(),
        "check digit should be 2, found 3"
    );
    // Every single changed digit of both examples is rejected.
    for example in ["889640782", "983887457"] {
        for position in 0..9 {
            for replacement in b'0'..=b'9' {
                let mut bytes = example.as_bytes().to_vec();
                if bytes[position] == replacement {
                    continue;
                }
                bytes[position] = replacement;
                let mutated = String::from_utf8(bytes).unwrap();
                assert!(OrgNumber::parse(&mutated).is_err(), "{mutated}");
            }
        }
    }
}

#[test]
fn org_number_errors() {
    let cases = [
        ("88964078", "must be 9 digits, found 8"),
        ("88964a782", "non-digit 'a' at position 6"),
        // 1,0,0,0,0,0,0,2: 3 + 4 = 7 → check digit 4.
        ("100000025", "check digit should be 4, found 5"),
    ];
    for (input, expected) in cases {
        assert_eq!(
            OrgNumber::parse(input).unwrap_err().to_string(),
            expected,
            "{input}"
        );
    }
    // The first eight digits that leave remainder 1.
    let impossible = (0..100_000_000u32)
        .find(|&first_eight| OrgNumber::with_check_digit(first_eight).is_none())
        .unwrap();
    let message = OrgNumber::from_u32(impossible * 10)
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "check digit 0 cannot be right: digits 1-8 leave remainder 1, so no check digit is valid"
    );
    assert_eq!(
        OrgNumber::from_u32(1_000_000_000).unwrap_err().to_string(),
        "value 1000000000 has more than 9 digits"
    );
}

// ---------------------------------------------------------------------------
// Error messages.

#[test]
fn error_messages_say_what_is_wrong() {
    let cases = [
        ("3112995671", "must be 11 digits, found 10"),
        ("", "must be 11 digits, found 0"),
        ("311x9956715", "non-digit 'x' at position 4"),
        ("311299 56715", "non-digit ' ' at position 7"),
        // k1: S1 of 311299567 leaves remainder 10, classic k1 = 1; the 2032
        // rule allows 2, 3 and 4.
        (
            "31129956765",
            "check digit 1 should be 1, found 6 (the 2032 rule would allow 2, 3 or 4)",
        ),
        ("31129956716", "check digit 2 should be 5, found 6"),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_message(input), expected, "{input}");
    }
}

/// Builds a number with valid check digits (classic rule) around raw
/// digits 1–9, so the date errors can be reached.
fn with_check_digits(first_nine: &str) -> String {
    let digits: Vec<u8> = first_nine.bytes().map(|b| b - b'0').collect();
    let k1 = mod11::k1_for(&digits, 0).expect("k1 is not 10");
    let mut ten = digits.clone();
    ten.push(k1);
    let k2 = mod11::k2_for(&ten).expect("k2 is not 10");
    format!("{first_nine}{k1}{k2}")
}

#[test]
fn date_errors() {
    let cases = [
        ("320199122", "day 32 in month 01"),
        ("001299123", "day 00 in month 12"),
        ("310499123", "day 31 in month 04"),
        (
            "720199123",
            "day 32 in month 01 (digits 1-2 are 72, minus the D-number offset 40)",
        ),
        (
            "011399123",
            "month 13 is not a month (nor month + 40 or + 80)",
        ),
        (
            "010099123",
            "month 00 is not a month (nor month + 40 or + 80)",
        ),
        (
            "019399123",
            "month 93 is not a month (nor month + 40 or + 80)",
        ),
        ("290299123", "29 February in 1999 (not a leap year)"),
        ("290200123", "29 February in 1900 (not a leap year)"),
        ("290200999", "ok"), // 999 with YY 00 → 2000, a leap year.
        (
            "010145612",
            "individnummer 612 with year 45 belongs to no century series",
        ),
        (
            "010199800",
            "individnummer 800 with year 99 belongs to no century series",
        ),
        ("010139612", "ok"), // 612 with YY 39 → 2039, inside 2000–2039.
    ];
    for (first_nine, expected) in cases {
        let input = with_check_digits(first_nine);
        assert_eq!(parse_message(&input), expected, "{input}");
    }
}

#[test]
fn feb_29_under_the_2032_rule_needs_a_possible_leap_year() {
    // YY 00 with individnummer 000 is 1900 under the classic rule, but a
    // 2032-rule number carries no century: 2000 was a leap year.
    let leap = generate::assemble(date(2000, 2, 29), 0, generate::TENOR, 1).unwrap();
    assert_eq!(
        NationalId::parse(&leap.expose()).map(|id| id.check_digit_rule()),
        Ok(CheckDigitRule::Rule2032 { remainder: 1 })
    );
    // 29 February with YY 99 is a leap year in no century.
    let digits = [2, 9, 0, 2, 9, 9, 0, 0, 0];
    let rule_2032 = (1..=3)
        .find_map(|remainder| {
            let k1 = mod11::k1_for(&digits, remainder)?;
            let mut ten = digits.to_vec();
            ten.push(k1);
            let k2 = mod11::k2_for(&ten)?;
            Some(format!("290299000{k1}{k2}"))
        })
        .unwrap();
    assert_eq!(
        parse_message(&rule_2032),
        "29 February with year 99 (a leap year in no century)"
    );
}

#[test]
fn kinds_and_offsets() {
    let birth = date(1985, 6, 15);
    let d = d_number(birth, 123).unwrap();
    assert_eq!(d.kind(), IdKind::DNumber);
    assert!(d.expose().starts_with("55"));
    assert_eq!(d.encoded_birth_date(), Some(birth));
    assert_eq!(d.encoded_sex(), Some(Sex::Male));

    let h = h_number(birth, 122).unwrap();
    assert_eq!(h.kind(), IdKind::HNumber);
    assert_eq!(h.synthetic(), SyntheticMarker::NavDolly);
    assert_eq!(&h.expose()[2..4], "46");
    assert_eq!(h.encoded_sex(), Some(Sex::Female));

    let tenor = synthetic_fodselsnummer(birth, 122).unwrap();
    assert_eq!(tenor.synthetic(), SyntheticMarker::Tenor);
    assert_eq!(&tenor.expose()[2..4], "86");

    // The navikt NAV/Dolly test string "024200 000 69" only illustrates the
    // + 40 offset: its check digits are wrong (k1 leaves remainder 2, and
    // k2 should then be 8).
    assert_eq!(
        parse_message("02420000069"),
        "check digit 2 should be 8, found 9"
    );

    // Individnummer outside the year's series, and unusable check digits.
    assert_eq!(fodselsnummer(date(1930, 1, 1), 500), None);
    assert_eq!(fodselsnummer(date(2040, 1, 1), 999), None);
    assert_eq!(fodselsnummer(date(1853, 12, 31), 600), None);
    assert!(
        fodselsnummer(date(1945, 1, 1), 950).is_some()
            || fodselsnummer(date(1945, 1, 1), 951).is_some()
    );
}

#[test]
fn fh_numbers_have_no_date() {
    // First digit 8 or 9, digits 2–9 arbitrary (here an impossible "date").
    let input = with_check_digits("899999992");
    let id = NationalId::parse(&input).unwrap();
    assert_eq!(id.kind(), IdKind::FhNumber);
    assert_eq!(id.encoded_birth_date(), None);
    assert_eq!(id.encoded_sex(), None);
    assert_eq!(id.synthetic(), SyntheticMarker::None);
}

#[test]
fn masking_serde_and_storage_round_trip() {
    let id = NationalId::parse("02013299997").unwrap();
    assert_eq!(id.to_string(), "020132*****");
    assert_eq!(format!("{id:?}"), "NationalId(020132*****)");
    assert_eq!(id.as_u64(), 2_013_299_997);
    assert_eq!(NationalId::from_u64(id.as_u64()), Ok(id));
    assert_eq!(id.expose(), "02013299997");
    assert_eq!(
        NationalId::from_u64(100_000_000_000)
            .unwrap_err()
            .to_string(),
        "value 100000000000 has more than 11 digits"
    );

    let json = serde_json::to_string(&id).unwrap();
    assert_eq!(json, "\"02013299997\"");
    assert_eq!(serde_json::from_str::<NationalId>(&json).unwrap(), id);
    let bad = serde_json::from_str::<NationalId>("\"31129956716\"").unwrap_err();
    assert!(
        bad.to_string()
            .contains("check digit 2 should be 5, found 6"),
        "{bad}"
    );

    let org = OrgNumber::parse("889640782").unwrap();
    assert_eq!(serde_json::to_string(&org).unwrap(), "\"889640782\"");
}

#[test]
fn allocator_counts_down_and_falls_back_to_2032_rule() {
    let mut allocator = SyntheticAllocator::new();
    let birth = date(1930, 3, 1);
    let first = allocator.allocate(birth, Sex::Female).unwrap();
    // Highest even individnummer in 499–000 whose check digits work.
    let expected = (0..=498u16)
        .rev()
        .step_by(2)
        .find_map(|individnummer| synthetic_fodselsnummer(birth, individnummer))
        .unwrap();
    assert_eq!(first, expected);
    assert_eq!(first.encoded_sex(), Some(Sex::Female));

    // 1930: 250 even individnummer, minus those with a k1 or k2 of 10.
    let mut seen = std::collections::HashSet::new();
    seen.insert(first);
    let mut classic = 1;
    loop {
        let id = allocator.allocate(birth, Sex::Female).unwrap();
        assert!(seen.insert(id), "duplicate");
        if id.check_digit_rule() != CheckDigitRule::Classic {
            assert_eq!(id.encoded_sex(), None);
            assert_eq!(id.encoded_birth_date(), None);
            assert_eq!(id.synthetic(), SyntheticMarker::Tenor);
            break;
        }
        classic += 1;
    }
    let usable = (0..=498u16)
        .step_by(2)
        .filter(|&i| synthetic_fodselsnummer(birth, i).is_some())
        .count();
    assert_eq!(classic, usable);

    // Drain everything: the 2032 pool is shared by both sexes.
    let mut total = seen.len();
    loop {
        match allocator.allocate(birth, Sex::Male) {
            Ok(id) => {
                assert!(seen.insert(id), "duplicate");
                total += 1;
            }
            Err(error) => {
                assert_eq!(
                    error.to_string(),
                    "no synthetic fødselsnummer left for 1930-03-01 (male): \
                     the classic series and all 2032-rule variants are used up"
                );
                break;
            }
        }
    }
    assert!(total > 2000, "{total}");
    assert!(allocator.allocate(birth, Sex::Female).is_err());
    // The same DDMMYY a century later shares the 2032 pool but not the
    // classic series.
    let later = allocator.allocate(date(2030, 3, 1), Sex::Female).unwrap();
    assert_eq!(later.check_digit_rule(), CheckDigitRule::Classic);
}

#[test]
fn allocator_outside_series_years_uses_2032_rule() {
    let mut allocator = SyntheticAllocator::new();
    for birth in [date(1850, 5, 5), date(2045, 5, 5)] {
        let id = allocator.allocate(birth, Sex::Male).unwrap();
        assert!(matches!(
            id.check_digit_rule(),
            CheckDigitRule::Rule2032 { .. }
        ));
        assert_eq!(NationalId::parse(&id.expose()), Ok(id));
    }
}

// ---------------------------------------------------------------------------
// Properties.

/// A birth date inside the classic series years 1854–2039.
fn series_date() -> impl Strategy<Value = NaiveDate> {
    let first = date(1854, 1, 1);
    (0i64..(date(2039, 12, 31) - first).num_days() + 1)
        .prop_map(move |offset| first + chrono::Duration::days(offset))
}

#[derive(Debug, Clone, Copy)]
enum Generator {
    Fodselsnummer,
    DNumber,
    HNumber,
    Synthetic,
}

/// A valid classic number from one of the generators, with the inputs.
fn generated() -> impl Strategy<Value = (NationalId, NaiveDate, u16, Generator)> {
    let generator = prop_oneof![
        Just(Generator::Fodselsnummer),
        Just(Generator::DNumber),
        Just(Generator::HNumber),
        Just(Generator::Synthetic),
    ];
    (series_date(), 0u16..1000, generator).prop_filter_map(
        "individnummer outside the series or check digit 10",
        |(birth, individnummer, generator)| {
            let make = match generator {
                Generator::Fodselsnummer => fodselsnummer,
                Generator::DNumber => d_number,
                Generator::HNumber => h_number,
                Generator::Synthetic => synthetic_fodselsnummer,
            };
            make(birth, individnummer).map(|id| (id, birth, individnummer, generator))
        },
    )
}

/// Any valid number: generated ones plus the 2032 rule and FH-numbers.
fn any_valid() -> impl Strategy<Value = NationalId> {
    prop_oneof![
        generated().prop_map(|(id, ..)| id),
        (series_date(), 0u16..1000, 1u8..=3).prop_filter_map(
            "check digit 10",
            |(birth, individnummer, remainder)| generate::assemble(
                birth,
                individnummer,
                generate::TENOR,
                remainder
            )
        ),
        (8u64..=9, 0u64..100_000_000).prop_filter_map("check digit 10", |(first, rest)| {
            let text = with_check_digits_any(&format!("{first}{rest:08}"))?;
            NationalId::parse(&text).ok()
        }),
    ]
}

fn with_check_digits_any(first_nine: &str) -> Option<String> {
    let digits: Vec<u8> = first_nine.bytes().map(|b| b - b'0').collect();
    let k1 = mod11::k1_for(&digits, 0)?;
    let mut ten = digits;
    ten.push(k1);
    let k2 = mod11::k2_for(&ten)?;
    Some(format!("{first_nine}{k1}{k2}"))
}

proptest! {
    #[test]
    fn generated_numbers_parse_back((id, birth, individnummer, generator) in generated()) {
        let parsed = NationalId::parse(&id.expose()).unwrap();
        prop_assert_eq!(parsed, id);
        prop_assert_eq!(NationalId::from_u64(id.as_u64()).unwrap(), id);
        prop_assert_eq!(parsed.check_digit_rule(), CheckDigitRule::Classic);
        prop_assert_eq!(parsed.encoded_birth_date(), Some(birth));
        let sex = if individnummer % 2 == 0 { Sex::Female } else { Sex::Male };
        prop_assert_eq!(parsed.encoded_sex(), Some(sex));
        let (kind, marker) = match generator {
            Generator::Fodselsnummer => (IdKind::Fodselsnummer, SyntheticMarker::None),
            Generator::DNumber => (IdKind::DNumber, SyntheticMarker::None),
            Generator::HNumber => (IdKind::HNumber, SyntheticMarker::NavDolly),
            Generator::Synthetic => (IdKind::Fodselsnummer, SyntheticMarker::Tenor),
        };
        prop_assert_eq!(parsed.kind(), kind);
        prop_assert_eq!(parsed.synthetic(), marker);
    }

    /// Every single-digit change is rejected, for every valid number (2032
    /// rule included): the k2 check is Σ w·d ≡ 0 (mod 11) with weights
    /// 5,4,3,2,7,6,5,4,3,2,1, all in 1..=10, and a change δ in 1..=9 gives
    /// w·δ ≢ 0 (mod 11) because 11 is prime.
    #[test]
    fn single_digit_changes_are_rejected(
        id in any_valid(), position in 0usize..11, delta in 1u8..10,
    ) {
        let mut bytes = id.expose().into_bytes();
        bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
        let mutated = String::from_utf8(bytes).unwrap();
        prop_assert!(NationalId::parse(&mutated).is_err(), "{} accepted", mutated);
    }

    /// Every transposition of two adjacent distinct digits is rejected: it
    /// changes the k2 sum by (w_i − w_{i+1})(b − a), and adjacent k2 weights
    /// always differ by 1 or 5, so the product is not divisible by 11.
    #[test]
    fn adjacent_transpositions_are_rejected(id in any_valid(), position in 0usize..10) {
        let mut bytes = id.expose().into_bytes();
        prop_assume!(bytes[position] != bytes[position + 1]);
        bytes.swap(position, position + 1);
        let mutated = String::from_utf8(bytes).unwrap();
        prop_assert!(NationalId::parse(&mutated).is_err(), "{} accepted", mutated);
    }

    #[test]
    fn display_and_debug_mask_the_personnummer(id in any_valid()) {
        let full = id.expose();
        let shown = id.to_string();
        prop_assert_eq!(&shown, &format!("{}*****", &full[..6]));
        let debug = format!("{id:?}");
        prop_assert_eq!(&debug, &format!("NationalId({shown})"));
        // The last five digits appear only where the first six happen to
        // contain them.
        prop_assert!(!shown.contains(&full[6..]) || full[..6].contains(&full[6..]));
        prop_assert!(!debug.contains(&full[6..]) || full[..6].contains(&full[6..]));
    }

    #[test]
    fn parse_accepts_exactly_the_valid_numbers(value in 0u64..100_000_000_000) {
        // from_u64 and parse agree, and whatever they accept round-trips.
        let text = format!("{value:011}");
        let parsed = NationalId::parse(&text);
        prop_assert_eq!(&parsed, &NationalId::from_u64(value));
        if let Ok(id) = parsed {
            prop_assert_eq!(id.expose(), text);
        }
    }

    #[test]
    fn org_numbers_round_trip(first_eight in 0u32..100_000_000) {
        match OrgNumber::with_check_digit(first_eight) {
            Some(org) => {
                prop_assert_eq!(OrgNumber::parse(&org.to_string()), Ok(org));
                prop_assert_eq!(org.as_u32() / 10, first_eight);
            }
            None => {
                for check in 0..10 {
                    prop_assert!(OrgNumber::from_u32(first_eight * 10 + check).is_err());
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// 100 000 allocations spread over a few dozen dates (each also paired
    /// with the same DDMMYY a century away, which shares the 2032-rule pool)
    /// never repeat a number, and every number parses back with what it
    /// encodes.
    #[test]
    fn allocator_never_repeats(
        picked in proptest::collection::vec(series_date(), 40..50),
        seed in any::<u64>(),
    ) {
        use chrono::Datelike;
        let mut dates = picked.clone();
        for birth in &picked {
            let year = birth.year();
            let twin_year = if year < 1940 { year + 100 } else { year - 100 };
            dates.extend(birth.with_year(twin_year));
        }
        let mut allocator = SyntheticAllocator::new();
        let mut seen = std::collections::HashSet::new();
        let mut state = seed;
        let mut attempts = 0;
        while seen.len() < 100_000 {
            attempts += 1;
            prop_assert!(attempts < 1_000_000, "only {} numbers allocated", seen.len());
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let birth = dates[(state >> 33) as usize % dates.len()];
            let sex = if state >> 63 == 0 { Sex::Female } else { Sex::Male };
            let Ok(id) = allocator.allocate(birth, sex) else {
                continue;
            };
            prop_assert!(seen.insert(id), "duplicate {}", id.expose());
            let parsed = NationalId::parse(&id.expose()).unwrap();
            prop_assert_eq!(parsed, id);
            prop_assert_eq!(parsed.synthetic(), SyntheticMarker::Tenor);
            prop_assert_eq!(parsed.kind(), IdKind::Fodselsnummer);
            match parsed.check_digit_rule() {
                CheckDigitRule::Classic => {
                    prop_assert_eq!(parsed.encoded_birth_date(), Some(birth));
                    prop_assert_eq!(parsed.encoded_sex(), Some(sex));
                }
                CheckDigitRule::Rule2032 { .. } => {
                    prop_assert_eq!(parsed.encoded_birth_date(), None);
                    prop_assert_eq!(parsed.encoded_sex(), None);
                }
            }
        }
    }
}
