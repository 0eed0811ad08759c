//! Solves one benchmark instance and prints a one-line summary; used by
//! `bench/roster/run.sh`. Can also re-check a solution file with the evaluator.
//!
//! ```text
//! cargo run --release -p svc-roster --example bench_solve -- solve INSTANCE SECONDS THREADS SEED [OUT]
//! cargo run --release -p svc-roster --example bench_solve -- check INSTANCE SOLUTION
//! ```
//!
//! Output of `solve`: `objective=N feasible=true|false time_to_best=S rounds=R`.
//! Output of `check`: `objective=N feasible=true|false` followed by any violations.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use svc_roster::{evaluate, load_instance, solve, Solution, SolveOptions};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench_solve: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("solve") if args.len() >= 5 => {
            let instance = load_instance(&args[1])?;
            let seconds: f64 = args[2].parse().context("SECONDS")?;
            let options = SolveOptions {
                time_limit: Duration::from_secs_f64(seconds),
                threads: args[3].parse().context("THREADS")?,
                seed: args[4].parse().context("SEED")?,
                max_rounds: None,
            };
            let verbose = std::env::var_os("ROSTER_VERBOSE").is_some();
            let result = solve(&instance, &options, |p| {
                if verbose {
                    eprintln!("{:8.2}s round {:5} objective {} feasible {}", p.elapsed.as_secs_f64(), p.round, p.objective, p.feasible);
                }
            });
            if let Some(out) = args.get(5) {
                let comment = format!("objective {} feasible {}", result.evaluation.objective_value(), result.evaluation.is_feasible());
                std::fs::write(out, result.solution.to_text(&instance, &[comment])).with_context(|| format!("writing {out}"))?;
            }
            println!(
                "objective={} feasible={} time_to_best={:.2} rounds={}",
                result.evaluation.objective_value(),
                result.evaluation.is_feasible(),
                result.time_to_best.as_secs_f64(),
                result.rounds
            );
            Ok(())
        }
        Some("check") if args.len() == 3 => {
            let instance = load_instance(&args[1])?;
            let text = std::fs::read_to_string(&args[2]).with_context(|| format!("reading {}", args[2]))?;
            let solution = Solution::parse(&instance, &text)?;
            let evaluation = evaluate(&instance, &solution);
            println!("objective={} feasible={}", evaluation.objective_value(), evaluation.is_feasible());
            println!("breakdown {:?}", evaluation.objective);
            for v in &evaluation.violations {
                println!("violation employee={} {:?} days={:?}", v.employee_id, v.constraint, v.days);
            }
            Ok(())
        }
        _ => bail!("usage: bench_solve solve INSTANCE SECONDS THREADS SEED [OUT] | check INSTANCE SOLUTION"),
    }
}
