//! The anytime solver: parallel, seeded, time-limited.
//!
//! Threads run independent searches (see `search`) in lock-step rounds of a
//! fixed amount of work. Between rounds the coordinator collects each
//! thread's best roster, reports improvements, and lets stalled threads adopt
//! the global best. Because a round's work does not depend on the clock and
//! the exchange happens at round boundaries in thread order, a run is
//! reproducible for a given seed and thread count: the clock only decides
//! after how many rounds the search stops.

// The solver walks parallel arrays indexed by day and shift value; index
// loops say that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

mod dp;
mod model;
mod search;
mod state;
mod window;

use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::evaluate::{evaluate, Evaluation};
use crate::instance::Instance;
use crate::solution::Solution;
use model::Model;
use search::{RoundPlan, Worker};
use state::State;

/// How long and how wide to search.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Wall-clock budget; checked between rounds (a round is well under a second).
    pub time_limit: Duration,
    /// Seed of every random choice; thread `t` uses a stream derived from `(seed, t)`.
    pub seed: u64,
    /// Number of search threads (at least 1).
    pub threads: usize,
    /// Optional cap on the number of rounds, for runs that must be
    /// bit-for-bit reproducible regardless of machine speed.
    pub max_rounds: Option<u64>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit: Duration::from_secs(10),
            seed: 0,
            threads: 1,
            max_rounds: None,
        }
    }
}

/// Reported to the progress callback whenever the best roster improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Time since `solve` started.
    pub elapsed: Duration,
    /// Rounds completed.
    pub round: u64,
    /// Benchmark objective of the best roster.
    pub objective: u64,
    /// Whether the best roster breaks no hard constraint.
    pub feasible: bool,
}

/// Outcome of [`solve`].
#[derive(Debug, Clone)]
pub struct SolveResult {
    /// Best roster found (feasible ones are always preferred).
    pub solution: Solution,
    /// Its independent evaluation.
    pub evaluation: Evaluation,
    /// Total time spent.
    pub elapsed: Duration,
    /// Time at which the returned roster was found.
    pub time_to_best: Duration,
    /// Rounds completed.
    pub rounds: u64,
}

/// Searches for a roster with minimal objective and no hard violation.
///
/// `progress` is called on the calling thread each time the best roster improves.
pub fn solve(
    instance: &Instance,
    options: &SolveOptions,
    mut progress: impl FnMut(&Progress),
) -> SolveResult {
    let start = Instant::now();
    let model = Model::new(instance);
    let threads = options.threads.max(1);
    let plan = round_plan(&model);

    let mut workers: Vec<Worker> = (0..threads)
        .map(|t| {
            let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
            rng.set_stream(t as u64);
            let empty = State::new(&model, vec![0; model.employees * model.horizon]);
            Worker::new(&model, rng, empty)
        })
        .collect();
    let passes = construct_passes(&model);
    run_parallel(&mut workers, |w| w.construct(&model, passes));

    let mut global = best_of(&workers).clone();
    let mut time_to_best = start.elapsed();
    let mut rounds = 0u64;
    report(&global, start, rounds, &mut progress);
    loop {
        if start.elapsed() >= options.time_limit || options.max_rounds.is_some_and(|m| rounds >= m)
        {
            break;
        }
        run_parallel(&mut workers, |w| {
            w.round(&model, &plan);
        });
        rounds += 1;
        let candidate = best_of(&workers);
        if candidate.rank() < global.rank() {
            global.copy_from(candidate);
            time_to_best = start.elapsed();
            report(&global, start, rounds, &mut progress);
        }
        if rounds % 8 == 0 {
            for w in &mut workers {
                if w.best.rank() > global.rank() && w.stale_rounds >= 8 {
                    w.adopt(&global);
                }
            }
        }
    }
    let solution = to_solution(instance, &model, &global);
    let evaluation = evaluate(instance, &solution);
    debug_assert_eq!(evaluation.is_feasible(), global.feasible());
    debug_assert!(
        !evaluation.is_feasible() || evaluation.objective_value() as i64 == global.objective()
    );
    SolveResult {
        solution,
        evaluation,
        elapsed: start.elapsed(),
        time_to_best,
        rounds,
    }
}

/// Work per round, scaled so a round stays short on the largest instances.
///
/// Measured on 2 shared cores (see SOLVER_NOTES.md): annealing over cheap
/// moves does most of the work on every instance (cutting it hurt even on
/// the 52-week ones once moves were re-costed on a window), the exact DP
/// moves and the column-based window LNS sharpen it. The DP-based moves are
/// scaled down where one DP is expensive. On the 26- and 52-week instances
/// the window LNS is what reaches feasibility, with windows of 1–3 weeks.
fn round_plan(model: &Model) -> RoundPlan {
    let cells = (model.employees * model.horizon) as f64;
    let moves = (4.0 * cells).clamp(5_000.0, 60_000.0) * 3.0;
    // Scale the DP-based moves down where one DP is expensive (many shift
    // types and fine minute levels, e.g. Instance13: about 60x Instance8);
    // annealing time is worth more than DP calls there (SOLVER_NOTES.md, #21).
    let f = (3.0e5 / dp_ops(model)).clamp(0.1, 1.0);
    let scaled = |n: usize| ((n as f64 * f).round() as usize).max(1);
    let base = RoundPlan {
        moves: moves as usize,
        dp_moves: scaled(6),
        ruin_moves: (2.0 * f).round() as usize,
        lns_moves: scaled(16),
        lns_len: (7, 28),
        lns_employees: 4,
        cycle_rounds: 40,
        t_start: 8.0,
        t_end: 0.3,
        weight_min: 100,
        weight_max: 3000,
    };
    if model.horizon >= 182 {
        RoundPlan {
            dp_moves: 2,
            ruin_moves: 0,
            lns_moves: (5_000 / model.employees.max(1)).clamp(30, 100),
            lns_len: (7, 21),
            lns_employees: 3,
            ..base
        }
    } else if model.horizon >= 56 {
        RoundPlan {
            moves: (moves * 0.6) as usize,
            lns_moves: scaled(20),
            lns_len: (7, 35),
            ..base
        }
    } else {
        base
    }
}

/// Estimated transitions of one exact full-line DP for an average employee.
fn dp_ops(model: &Model) -> f64 {
    let unit = model.minute_unit.unwrap_or(1).max(1);
    let n = model.contracts.len().max(1) as f64;
    let per: f64 = model
        .contracts
        .iter()
        .map(|c| {
            let bases = (model.values - 1) * c.max_consecutive.max(1) * 2 + c.min_off.max(1);
            let levels = (c.max_minutes / unit).max(0) as usize + 1;
            let weekends = (c.max_weekends.max(0) as usize).min(model.horizon / 7 + 1) + 1;
            (bases * levels * weekends * model.values * model.horizon) as f64
        })
        .sum::<f64>()
        / n;
    per
}

/// Full-line DP passes of the construction: one on the long instances, where a pass is slow.
fn construct_passes(model: &Model) -> usize {
    if model.horizon >= 182 || dp_ops(model) > 1.0e7 {
        1
    } else {
        2
    }
}

fn run_parallel(workers: &mut [Worker], job: impl Fn(&mut Worker) + Sync) {
    if workers.len() == 1 {
        job(&mut workers[0]);
        return;
    }
    std::thread::scope(|scope| {
        for w in workers.iter_mut() {
            let job = &job;
            scope.spawn(move || job(w));
        }
    });
}

/// Lowest-total best state; ties go to the lowest thread index.
fn best_of(workers: &[Worker]) -> &State {
    let mut best = &workers[0].best;
    for w in &workers[1..] {
        if w.best.rank() < best.rank() {
            best = &w.best;
        }
    }
    best
}

fn report(state: &State, start: Instant, round: u64, progress: &mut impl FnMut(&Progress)) {
    progress(&Progress {
        elapsed: start.elapsed(),
        round,
        objective: state.objective().max(0) as u64,
        feasible: state.feasible(),
    });
}

fn to_solution(instance: &Instance, model: &Model, state: &State) -> Solution {
    let mut solution = Solution::all_off(instance);
    for e in 0..model.employees {
        for d in 0..model.horizon {
            let v = state.x[e * model.horizon + d];
            solution.set(e, d, (v > 0).then(|| v as usize - 1));
        }
    }
    solution
}
