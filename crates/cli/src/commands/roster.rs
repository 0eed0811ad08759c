//! `mulighetsrom roster`: rota optimisation (S3) — the public benchmark and the Norwegian model.

use crate::output::{bar, table, thousands};
use crate::Outcome;
use anyhow::Context;
use registers::MunicipalityNumber;
use std::path::{Path, PathBuf};
use std::time::Duration;
use svc_roster::norway::{self, RuleSet, Unit};
use svc_roster::{evaluate, load_instance, solve, Solution, SolveOptions};

/// Arguments of `roster`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Solve a shift-scheduling benchmark instance (Curtois & Qu format, e.g. Instance1.txt).
    Solve(SolveArgs),
    /// Check a solution of a benchmark instance: hard constraints and the objective, explained.
    Check(CheckArgs),
    /// Plan a 6-week rota under arbeidsmiljøloven ch. 10 for a nursing home, from the registers
    /// (`--municipality`) or a generated example unit (`--example STAFF`).
    Plan(PlanArgs),
}

#[derive(clap::Args, Debug)]
struct SolveArgs {
    /// The instance file.
    instance: PathBuf,
    /// Time limit in seconds.
    #[arg(long, default_value_t = 60.0)]
    seconds: f64,
    /// Seed (same seed and threads give the same search).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Write the solution here (text format `roster check` reads).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// The instance file.
    instance: PathBuf,
    /// The solution file.
    solution: PathBuf,
}

#[derive(clap::Args, Debug)]
struct PlanArgs {
    /// Take the largest nursing home of this municipality from the stored registers.
    #[arg(long, value_name = "KOMMUNENR", conflicts_with = "example")]
    municipality: Option<MunicipalityNumber>,
    /// Plan a generated example nursing home with this many staff instead.
    #[arg(long, value_name = "STAFF")]
    example: Option<usize>,
    /// Rule file (TOML; default: the shipped arbeidsmiljøloven/agreement rules).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Agreement variants of the rule file to apply (default: the file's default).
    #[arg(long, value_delimiter = ',')]
    variant: Vec<String>,
    /// Time limit in seconds.
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the rota as a readable HTML page with an SVG grid.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Write the rota as CSV.
    #[arg(long)]
    csv: Option<PathBuf>,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Solve(a) => solve_instance(a),
        Command::Check(a) => check_solution(a),
        Command::Plan(a) => plan(data, a),
    }
}

fn solve_instance(args: SolveArgs) -> anyhow::Result<Outcome> {
    let instance = load_instance(&args.instance)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let options = SolveOptions {
        time_limit: Duration::from_secs_f64(args.seconds),
        seed: args.seed,
        threads,
        max_rounds: None,
    };
    let progress = bar((args.seconds.ceil() as u64).max(1), "solving (seconds)");
    let result = solve(&instance, &options, |p| {
        progress.set_position(p.elapsed.as_secs());
        progress.set_message(format!(
            "best {}{}",
            p.objective,
            if p.feasible { "" } else { " (infeasible)" }
        ));
    });
    progress.finish_and_clear();
    let e = &result.evaluation;
    println!(
        "{}: objective {} ({}), found after {:.1} s of {:.1} s, {} threads, seed {}",
        args.instance.display(),
        e.objective_value(),
        if e.is_feasible() {
            "feasible"
        } else {
            "INFEASIBLE"
        },
        result.time_to_best.as_secs_f64(),
        result.elapsed.as_secs_f64(),
        threads,
        args.seed
    );
    print_objective(e);
    if let Some(out) = &args.out {
        let comment = format!(
            "objective {} feasible {}",
            e.objective_value(),
            e.is_feasible()
        );
        std::fs::write(out, result.solution.to_text(&instance, &[comment]))
            .with_context(|| format!("writing {}", out.display()))?;
        println!(
            "Solution written to {}; check it with `mulighetsrom roster check`.",
            out.display()
        );
    }
    Ok(if e.is_feasible() {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}

fn print_objective(e: &svc_roster::Evaluation) {
    let o = &e.objective;
    let rows = vec![
        vec!["objective component".to_string(), "cost".into()],
        vec!["shift-on requests not met".into(), o.shift_on.to_string()],
        vec![
            "shift-off requests violated".into(),
            o.shift_off.to_string(),
        ],
        vec!["under-cover".into(), o.under_cover.to_string()],
        vec!["over-cover".into(), o.over_cover.to_string()],
        vec!["total".into(), o.total().to_string()],
    ];
    print!("{}", table(&rows));
    for v in &e.violations {
        println!(
            "hard constraint broken: employee {}: {:?} on days {:?}",
            v.employee_id, v.constraint, v.days
        );
    }
}

fn check_solution(args: CheckArgs) -> anyhow::Result<Outcome> {
    let instance = load_instance(&args.instance)?;
    let text = std::fs::read_to_string(&args.solution)
        .with_context(|| format!("reading {}", args.solution.display()))?;
    let solution = Solution::parse(&instance, &text)
        .with_context(|| format!("parsing {}", args.solution.display()))?;
    let e = evaluate(&instance, &solution);
    println!(
        "{}: objective {} ({})",
        args.solution.display(),
        e.objective_value(),
        if e.is_feasible() {
            "feasible"
        } else {
            "INFEASIBLE"
        }
    );
    print_objective(&e);
    let mut rows = vec![vec![
        "employee".to_string(),
        "shift-on cost".into(),
        "shift-off cost".into(),
    ]];
    for c in e
        .per_employee
        .iter()
        .filter(|c| c.shift_on + c.shift_off > 0)
    {
        rows.push(vec![
            c.employee_id.clone(),
            c.shift_on.to_string(),
            c.shift_off.to_string(),
        ]);
    }
    if rows.len() > 1 {
        print!("{}", table(&rows));
    }
    Ok(if e.is_feasible() {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}

fn plan(data: &Path, args: PlanArgs) -> anyhow::Result<Outcome> {
    let rules = match &args.rules {
        Some(path) if args.variant.is_empty() => RuleSet::load(path)?,
        Some(path) => RuleSet::load_variants(
            path,
            &args.variant.iter().map(String::as_str).collect::<Vec<_>>(),
        )?,
        None if args.variant.is_empty() => RuleSet::default_aml(),
        None => RuleSet::from_toml(
            norway::DEFAULT_RULES_TOML,
            &args.variant.iter().map(String::as_str).collect::<Vec<_>>(),
        )?,
    };
    let mut data_version = None;
    let unit = match (args.municipality, args.example) {
        (Some(m), _) => {
            // The staff of the municipality's units, through the access layer (S3's manifest).
            let (registers, version) =
                super::read_for_service(data, "S3", governance::Scope::EmployeesIn(m))?;
            data_version = Some(version);
            norway::unit_from_registers(&registers, m, args.seed)?
        }
        (None, Some(staff)) => Unit::example_nursing_home(staff, args.seed),
        (None, None) => anyhow::bail!("say which unit to plan: --municipality KOMMUNENR (from the registers) or --example STAFF"),
    };
    let problems = unit.problems();
    if !problems.is_empty() {
        anyhow::bail!("the unit cannot be planned: {}", problems.join("; "));
    }
    println!(
        "Planning {}: {} staff, {} weeks from {}",
        unit.name,
        unit.employees.len(),
        unit.weeks,
        unit.start_date
    );
    let options = norway::PlanOptions {
        time_limit: Duration::from_secs_f64(args.seconds),
        seed: args.seed,
        ..norway::PlanOptions::default()
    };
    let result = norway::plan(&unit, &rules, &options);
    let explanation = norway::explain(&unit, &rules, &result.rota);
    print!("{}", explanation.to_text());
    println!(
        "{} after {:.1} s ({} moves); first legal rota at {}",
        if result.report.is_legal() {
            "Legal rota"
        } else {
            "NOT LEGAL"
        },
        result.elapsed.as_secs_f64(),
        thousands(result.moves as i64),
        result
            .time_to_legal
            .map_or("never".to_string(), |t| format!("{:.2} s", t.as_secs_f64()))
    );
    if let Some(version) = data_version {
        // Only rotas planned from the registers are the service's runs; examples are not.
        use governance::{Figure, Measurement};
        let mut m = Measurement::now(
            "S3",
            &format!(
                "mulighetsrom roster plan --municipality {}",
                args.municipality.map(|m| m.to_string()).unwrap_or_default()
            ),
        )
        .figure(Figure::new(
            "hard_violations",
            "Brudd på harde regler (arbeidsmiljøloven)",
            "Hard-rule violations (Working Environment Act)",
            result.report.violations.len() as f64,
            "",
        ))
        .figure(Figure::new(
            "soft_score",
            "Myk poengsum (lavere er bedre)",
            "Soft score (lower is better)",
            explanation.soft_total,
            "",
        ))
        .figure(Figure::new(
            "seconds",
            "Løsningstid",
            "Solving time",
            result.elapsed.as_secs_f64(),
            "s",
        ));
        m.data_version = Some(version);
        m.people_affected = Some(unit.employees.len() as u64);
        governance::MeasurementStore::open(data)
            .record(&m)
            .context("recording the S3 measurement")?;
    }
    for v in &result.report.violations {
        println!(
            "hard rule broken: {} ({}), {}–{}: {}",
            v.rule, v.reference, v.from, v.to, v.message
        );
    }
    if let Some(path) = &args.html {
        std::fs::write(path, norway::render_html(&unit, &rules, &result.rota))
            .with_context(|| format!("writing {}", path.display()))?;
        println!("Rota written to {}", path.display());
    }
    if let Some(path) = &args.csv {
        std::fs::write(path, norway::render_csv(&unit, &result.rota))
            .with_context(|| format!("writing {}", path.display()))?;
        println!("Rota written to {}", path.display());
    }
    Ok(if result.report.is_legal() {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}
