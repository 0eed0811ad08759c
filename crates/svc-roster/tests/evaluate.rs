//! Evaluator tests: hand-built rosters with hand-computed objectives, every
//! hard constraint on a tiny instance, the horizon-edge reading, and the
//! published optima (solutions stored under tests/fixtures/).

use std::path::PathBuf;

use svc_roster::{
    evaluate, load_instance, parse_instance, HardConstraint, Instance, Solution, SolutionError,
};

fn instance(n: usize) -> Instance {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("instances/Instance{n}.txt"));
    load_instance(path).expect("instance parses")
}

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(path).expect("fixture exists")
}

#[test]
fn everyone_off_on_instance1_pays_all_under_cover_and_on_requests() {
    let instance = instance(1);
    let evaluation = evaluate(&instance, &Solution::all_off(&instance));
    // Cover requirements sum to 71 staff-days at weight 100; on-requests weigh 37 in total.
    assert_eq!(evaluation.objective.under_cover, 7100);
    assert_eq!(evaluation.objective.shift_on, 37);
    assert_eq!(evaluation.objective.shift_off, 0);
    assert_eq!(evaluation.objective.over_cover, 0);
    assert_eq!(evaluation.objective_value(), 7137);
    // Nobody reaches MinTotalMinutes (3360).
    let min_minutes = evaluation
        .violations
        .iter()
        .filter(|v| {
            matches!(
                v.constraint,
                HardConstraint::MinTotalMinutes {
                    worked: 0,
                    min: 3360
                }
            )
        })
        .count();
    assert_eq!(min_minutes, 8);
    assert_eq!(
        evaluation.violations.len(),
        8,
        "an all-off line breaks nothing else: edge runs are exempt"
    );
}

#[test]
fn nurse_a_on_days_2_and_3_scores_6933() {
    let instance = instance(1);
    let mut solution = Solution::all_off(&instance);
    solution.set(0, 2, Some(0));
    solution.set(0, 3, Some(0));
    let evaluation = evaluate(&instance, &solution);
    // Two fewer missing staff (-200) and A's two on-requests of weight 2 met (-4).
    assert_eq!(evaluation.objective_value(), 6933);
    assert_eq!(evaluation.per_employee[0].shift_on, 0);
    assert_eq!(evaluation.per_employee[1].shift_on, 15);
}

#[test]
fn off_requests_and_over_cover_are_charged() {
    let instance = instance(1);
    let mut solution = Solution::all_off(&instance);
    // H asked not to work D on days 2 and 3 (weight 3 each).
    solution.set(7, 2, Some(0));
    solution.set(7, 3, Some(0));
    let evaluation = evaluate(&instance, &solution);
    assert_eq!(evaluation.objective.shift_off, 6);
    assert_eq!(evaluation.per_employee[7].shift_off, 6);
    // Days 9-13 are H's unmet on-requests.
    assert_eq!(
        evaluation.per_employee[7].request_days,
        vec![2, 3, 9, 10, 11, 12, 13]
    );
    assert_eq!(evaluation.objective.under_cover, 7100 - 200);
    // Day 10 needs 2: put all 8 on it, 6 over at weight 1.
    let mut crowded = Solution::all_off(&instance);
    for e in 0..8 {
        crowded.set(e, 10, Some(0));
    }
    let evaluation = evaluate(&instance, &crowded);
    assert_eq!(evaluation.objective.over_cover, 6);
    let cell = evaluation
        .cover
        .iter()
        .find(|c| c.day == 10)
        .expect("day 10 deviates");
    assert_eq!((cell.assigned, cell.required, cell.cost), (8, 2, 6));
}

/// Two shifts, one employee, 21 days, every limit tight enough to trip.
const TINY: &str = "SECTION_HORIZON\n21\n\nSECTION_SHIFTS\nE,480,\nN,600,E\n\n\
SECTION_STAFF\nA,E=21|N=2,4800,1440,3,2,2,1\n\nSECTION_DAYS_OFF\nA,10\n\n\
SECTION_COVER\n0,E,0,100,1\n";

fn tiny_line(text: &str) -> (Instance, Solution) {
    let instance = parse_instance(TINY).expect("tiny parses");
    let solution = Solution::parse(&instance, &format!("A: {text}\n")).expect("line parses");
    (instance, solution)
}

fn kinds(instance: &Instance, solution: &Solution) -> Vec<(HardConstraint, Vec<usize>)> {
    evaluate(instance, solution)
        .violations
        .into_iter()
        .map(|v| (v.constraint, v.days))
        .collect()
}

#[test]
fn every_hard_constraint_is_reported_with_its_days() {
    //           0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
    let line = "N E E E E - - E - - E  -  N  N  -  E  -  E  E  E  -";
    let (instance, solution) = tiny_line(line);
    let found = kinds(&instance, &solution);
    let expect = [
        (HardConstraint::DayOff, vec![10]),
        (
            HardConstraint::CannotFollow {
                first: "N".into(),
                second: "E".into(),
            },
            vec![0, 1],
        ),
        (
            HardConstraint::MaxShifts {
                shift: "N".into(),
                worked: 3,
                max: 2,
            },
            vec![0, 12, 13],
        ),
        (
            HardConstraint::MaxConsecutiveShifts { run: 5, max: 3 },
            vec![0, 1, 2, 3, 4],
        ),
        (
            HardConstraint::MinConsecutiveShifts { run: 1, min: 2 },
            vec![7],
        ),
        (
            HardConstraint::MinConsecutiveShifts { run: 1, min: 2 },
            vec![10],
        ),
        (
            HardConstraint::MinConsecutiveDaysOff { run: 1, min: 2 },
            vec![11],
        ),
        (
            HardConstraint::MinConsecutiveShifts { run: 1, min: 2 },
            vec![15],
        ),
        (
            HardConstraint::MinConsecutiveDaysOff { run: 1, min: 2 },
            vec![14],
        ),
        (
            HardConstraint::MinConsecutiveDaysOff { run: 1, min: 2 },
            vec![16],
        ),
        (
            HardConstraint::MaxWeekends { worked: 2, max: 1 },
            vec![12, 13, 19],
        ),
    ];
    for item in &expect {
        assert!(found.contains(item), "missing {item:?} in {found:?}");
    }
    // Minutes: 3 N (1800) + 10 E (4800) = 6600 > 4800.
    assert!(found.contains(&(
        HardConstraint::MaxTotalMinutes {
            worked: 6600,
            max: 4800
        },
        vec![0, 1, 2, 3, 4, 7, 10, 12, 13, 15, 17, 18, 19]
    )));
    assert_eq!(found.len(), expect.len() + 1, "{found:?}");
}

#[test]
fn runs_touching_the_horizon_edges_are_exempt_from_minimums() {
    // Single shifts on day 0 and day 20 touch the edges, so they are fine.
    let (instance, solution) = tiny_line("E - - E E - - - - - -  -  -  -  E  E  -  -  -  -  E");
    assert!(
        kinds(&instance, &solution).is_empty(),
        "{:?}",
        kinds(&instance, &solution)
    );
    let (instance, solution) = tiny_line("- E E - - - - - - - -  -  -  -  -  -  -  -  -  E  -");
    // Day 19 alone is an inner run of one shift; day 0 alone off is at the edge.
    let found = kinds(&instance, &solution);
    assert_eq!(
        found,
        vec![(
            HardConstraint::MinConsecutiveShifts { run: 1, min: 2 },
            vec![19]
        )]
    );
}

#[test]
fn minimum_minutes_and_clean_roster() {
    let (instance, solution) = tiny_line("- - - - - - - - - - -  -  -  -  -  -  -  E  E  E  -");
    assert_eq!(kinds(&instance, &solution), vec![]);
    let (instance, solution) = tiny_line("- - - - - - - - - - -  -  -  -  -  -  -  -  E  E  E");
    assert_eq!(kinds(&instance, &solution), vec![]);
    let (instance, solution) = tiny_line("- - - - - - - - - - -  -  -  -  -  -  -  -  -  -  E");
    assert_eq!(
        kinds(&instance, &solution),
        vec![(
            HardConstraint::MinTotalMinutes {
                worked: 480,
                min: 1440
            },
            vec![20]
        )]
    );
}

#[test]
fn solution_text_round_trips_and_rejects_bad_input() {
    let instance = instance(2);
    let text = fixture("instance2_828.txt");
    let solution = Solution::parse(&instance, &text).expect("fixture parses");
    let again = Solution::parse(
        &instance,
        &solution.to_text(&instance, &["round trip".into()]),
    )
    .expect("round trip");
    assert_eq!(solution, again);
    let tiny = parse_instance(TINY).expect("tiny parses");
    assert!(matches!(
        Solution::parse(&tiny, "B: -\n"),
        Err(SolutionError::UnknownEmployee { line: 1, .. })
    ));
    assert!(matches!(
        Solution::parse(&tiny, "A: - -\n"),
        Err(SolutionError::WrongLength { found: 2, .. })
    ));
    assert!(matches!(
        Solution::parse(&tiny, "# nothing\n"),
        Err(SolutionError::MissingEmployees(_))
    ));
    let bad = format!("A: X{}\n", " -".repeat(20));
    assert_eq!(
        Solution::parse(&tiny, &bad)
            .expect_err("unknown shift")
            .to_string(),
        "solution line 1: employee 'A' day 0: unknown shift 'X'"
    );
}

/// Solutions found by our solver at the proven optima. FIXME: Instance3 (1001)
/// is not yet reached (best seen 1003), so it has no fixture.
#[test]
fn published_optima_are_reproduced() {
    for (n, file, optimum) in [(1, "instance1_607.txt", 607), (2, "instance2_828.txt", 828)] {
        let instance = instance(n);
        let solution = Solution::parse(&instance, &fixture(file)).expect("fixture parses");
        let evaluation = evaluate(&instance, &solution);
        assert!(
            evaluation.is_feasible(),
            "Instance{n}: {:?}",
            evaluation.violations
        );
        assert_eq!(evaluation.objective_value(), optimum, "Instance{n}");
    }
}
