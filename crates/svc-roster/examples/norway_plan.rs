//! Plans a 6-week rota for the generated nursing home and prints the
//! explanation; optionally writes the rota as HTML and CSV.
//!
//! ```text
//! cargo run --release -p svc-roster --example norway_plan -- [STAFF] [SECONDS] [SEED] [OUT_PREFIX|-] [VARIANTS]
//! ```
//!
//! `VARIANTS` is a comma-separated list of rule-file variants (default: the
//! file's default, `hta`), e.g. `hta,every-third-weekend`.
//!
//! ```text
//! ```

use std::time::Duration;

use svc_roster::norway::{
    explain, plan, render_csv, render_html, PlanOptions, RuleSet, Unit, DEFAULT_RULES_TOML,
};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let staff = arg(0, 40) as usize;
    let seconds = arg(1, 20);
    let seed = arg(2, 1);
    let unit = Unit::example_nursing_home(staff, seed);
    let rules = match args.get(4) {
        Some(list) => {
            let variants: Vec<&str> = list.split(',').collect();
            match RuleSet::from_toml(DEFAULT_RULES_TOML, &variants) {
                Ok(rules) => rules,
                Err(error) => {
                    eprintln!("norway_plan: {error}");
                    return std::process::ExitCode::from(2);
                }
            }
        }
        None => RuleSet::default_aml(),
    };
    let options = PlanOptions {
        time_limit: Duration::from_secs(seconds),
        seed,
        ..PlanOptions::default()
    };
    let result = plan(&unit, &rules, &options);
    let explanation = explain(&unit, &rules, &result.rota);
    print!("{}", explanation.to_text());
    println!(
        "elapsed={:.1}s time_to_legal={} moves={} legal={} soft={:.1}",
        result.elapsed.as_secs_f64(),
        result
            .time_to_legal
            .map_or("never".to_string(), |t| format!("{:.2}s", t.as_secs_f64())),
        result.moves,
        result.report.is_legal(),
        result.report.soft.total
    );
    if let Some(prefix) = args.get(3).filter(|p| p.as_str() != "-") {
        let html = render_html(&unit, &rules, &result.rota);
        let csv = render_csv(&unit, &result.rota);
        if let Err(error) = std::fs::write(format!("{prefix}.html",), html)
            .and_then(|()| std::fs::write(format!("{prefix}.csv"), csv))
        {
            eprintln!("norway_plan: {prefix}: {error}");
            return std::process::ExitCode::from(2);
        }
    }
    if result.report.is_legal() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
