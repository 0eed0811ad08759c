//! Solver tests: feasibility, agreement with the evaluator, reproducibility.

use std::path::PathBuf;
use std::time::Duration;

use svc_roster::{evaluate, load_instance, solve, Instance, SolveOptions};

fn instance(n: usize) -> Instance {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("instances/Instance{n}.txt"));
    load_instance(path).expect("instance parses")
}

#[test]
fn instance1_reaches_the_optimum_quickly() {
    let instance = instance(1);
    let options = SolveOptions {
        time_limit: Duration::from_secs(5),
        seed: 7,
        threads: 2,
        max_rounds: Some(200),
    };
    let mut reports = Vec::new();
    let result = solve(&instance, &options, |p| reports.push(*p));
    assert!(
        result.evaluation.is_feasible(),
        "{:?}",
        result.evaluation.violations
    );
    assert_eq!(result.evaluation.objective_value(), 607);
    assert_eq!(evaluate(&instance, &result.solution), result.evaluation);
    assert_eq!(reports.last().map(|p| p.objective), Some(607));
}

#[test]
fn same_seed_and_threads_give_the_same_roster() {
    let instance = instance(4);
    let options = SolveOptions {
        time_limit: Duration::from_secs(60),
        seed: 3,
        threads: 2,
        max_rounds: Some(30),
    };
    let first = solve(&instance, &options, |_| {});
    let second = solve(&instance, &options, |_| {});
    assert_eq!(first.solution, second.solution);
    assert_eq!(first.rounds, 30);
    assert!(first.evaluation.is_feasible());
}
