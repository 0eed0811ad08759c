//! Parser tests: all 24 benchmark files, and error messages that name section and line.

use std::path::PathBuf;

use svc_roster::{load_instance, parse_instance, InstanceError};

fn instance_path(n: usize) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("instances/Instance{n}.txt"))
}

/// (horizon, employees, shift types) from the benchmark's size table.
const SIZES: [(usize, usize, usize); 24] = [
    (14, 8, 1),
    (14, 14, 2),
    (14, 20, 3),
    (28, 10, 2),
    (28, 16, 2),
    (28, 18, 3),
    (28, 20, 3),
    (28, 30, 4),
    (28, 36, 4),
    (28, 40, 5),
    (28, 50, 6),
    (28, 60, 10),
    (28, 120, 18),
    (42, 32, 4),
    (42, 45, 6),
    (56, 20, 3),
    (56, 32, 4),
    (84, 22, 3),
    (84, 40, 5),
    (182, 50, 6),
    (182, 100, 8),
    (364, 50, 10),
    (364, 100, 16),
    (364, 150, 32),
];

#[test]
fn all_24_instances_parse_with_the_published_sizes() {
    for (index, &(horizon, employees, shifts)) in SIZES.iter().enumerate() {
        let n = index + 1;
        let instance =
            load_instance(instance_path(n)).unwrap_or_else(|e| panic!("Instance{n}: {e}"));
        assert_eq!(instance.horizon(), horizon, "Instance{n} horizon");
        assert_eq!(
            instance.employees().len(),
            employees,
            "Instance{n} employees"
        );
        assert_eq!(instance.shifts().len(), shifts, "Instance{n} shift types");
        assert!(
            !instance.on_requests().is_empty(),
            "Instance{n} has shift-on requests"
        );
    }
}

#[test]
fn instance1_details() {
    let instance = load_instance(instance_path(1)).expect("Instance1 parses");
    let a = &instance.employees()[0];
    assert_eq!(a.id, "A");
    assert_eq!(a.max_shifts, vec![14]);
    assert_eq!((a.max_total_minutes, a.min_total_minutes), (4320, 3360));
    assert_eq!(
        (
            a.max_consecutive_shifts,
            a.min_consecutive_shifts,
            a.min_consecutive_days_off,
            a.max_weekends
        ),
        (5, 2, 2, 1)
    );
    assert_eq!(a.days_off, vec![0]);
    assert_eq!(instance.on_requests().len(), 21);
    assert_eq!(instance.off_requests().len(), 5);
    let cover = instance.cover(1, 0);
    assert_eq!(
        (cover.requirement, cover.under_weight, cover.over_weight),
        (7, 100, 1)
    );
}

#[test]
fn cannot_follow_lists_resolve_to_indices() {
    let instance = load_instance(instance_path(10)).expect("Instance10 parses");
    let night = instance.shift_index("N").expect("N exists");
    let follow: Vec<&str> = instance.shifts()[night]
        .cannot_follow
        .iter()
        .map(|&s| instance.shifts()[s].id.as_str())
        .collect();
    assert_eq!(follow, ["E", "d1", "d2", "L"]);
}

const SMALL: &str = "SECTION_HORIZON\r\n14\r\n\r\nSECTION_SHIFTS\r\nD,480,\r\n\r\nSECTION_STAFF\r\nA,D=14,4320,3360,5,2,2,1\r\n\r\nSECTION_COVER\r\n0,D,1,100,1\r\n";

fn error_of(text: &str) -> String {
    match parse_instance(text) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn minimal_crlf_instance_parses() {
    let instance = parse_instance(SMALL).expect("parses");
    assert_eq!(instance.horizon(), 14);
    assert_eq!(instance.cover(0, 0).requirement, 1);
    assert_eq!(instance.cover(5, 0).requirement, 0);
}

#[test]
fn errors_name_section_and_line() {
    let bad_max = SMALL.replace("A,D=14,", "A,D=x,");
    assert_eq!(
        error_of(&bad_max),
        "SECTION_STAFF line 8: MaxShifts entry 'D=x' is not 'SHIFT=number'"
    );
    let unknown_shift = SMALL.replace("0,D,1,100,1", "0,Q,1,100,1");
    assert_eq!(
        error_of(&unknown_shift),
        "SECTION_COVER line 11: unknown shift 'Q'"
    );
    let bad_day = SMALL.replace("0,D,1,100,1", "14,D,1,100,1");
    assert_eq!(
        error_of(&bad_day),
        "SECTION_COVER line 11: day 14 is outside the horizon of 14 days"
    );
    let short_staff = SMALL.replace("A,D=14,4320,3360,5,2,2,1", "A,D=14,4320");
    assert!(error_of(&short_staff).starts_with("SECTION_STAFF line 8: expected 8 fields"));
    let bad_follow = SMALL.replace("D,480,", "D,480,X");
    assert_eq!(
        error_of(&bad_follow),
        "SECTION_SHIFTS line 5: cannot-follow refers to unknown shift 'X'"
    );
    let no_cover = SMALL.replace("SECTION_COVER\r\n0,D,1,100,1\r\n", "");
    assert_eq!(error_of(&no_cover), "SECTION_COVER is missing or empty");
    let stray = format!("hello\r\n{SMALL}");
    assert_eq!(
        error_of(&stray),
        "line 1: 'hello' is outside any SECTION_ block"
    );
}

#[test]
fn missing_file_is_an_io_error_naming_the_path() {
    let err = load_instance("/nonexistent/Instance99.txt").expect_err("no such file");
    assert!(matches!(err, InstanceError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/Instance99.txt"));
}
