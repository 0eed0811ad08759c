//! `mulighetsrom stats`: the stored population in tables, next to the published figures.

use crate::output::{table, thousands};
use crate::Outcome;
use chrono::Datelike;
use registers::{age_on, MunicipalityNumber, PersonStatus, Registers};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use store::RegisterStore;
use synth::{measure, population_share, Calibration, Measurement};

/// Arguments of `stats`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// List kindergarten attendance for every municipality (default: the 25 largest).
    #[arg(long)]
    all_municipalities: bool,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    let store = super::open_store(data)?;
    if store.counts()?.total() == 0 {
        anyhow::bail!(
            "the store in {} is empty; create a population first, e.g. `mulighetsrom generate --municipality 4601 --seed 7`",
            data.display()
        );
    }
    let origin = store
        .metadata()?
        .origin
        .unwrap_or_else(|| "imported".into());
    let registers = store.load()?;
    println!(
        "Population in {} ({origin}), reference date {}\n",
        store.path().display(),
        registers.reference_date
    );
    report(&registers, args.all_municipalities);
    Ok(Outcome::Success)
}

/// Prints every statistics table for `registers`.
pub fn report(registers: &Registers, all_municipalities: bool) {
    let measurements = measure(registers);
    print_population(registers, &measurements);
    print_income_deciles(registers);
    print_kindergarten(registers, all_municipalities);
    print_calibration(registers, &measurements);
}

fn print_population(registers: &Registers, measurements: &[Measurement]) {
    let value = |key: &str| {
        measurements
            .iter()
            .find(|m| m.key == key)
            .map_or(f64::NAN, |m| m.value)
    };
    let on = registers.reference_date;
    let residents: Vec<_> = registers
        .persons
        .iter()
        .filter(|p| p.status == PersonStatus::Resident)
        .collect();
    let count = |lo: u32, hi: u32| {
        residents
            .iter()
            .filter(|p| (lo..=hi).contains(&age_on(p.birth_date, on)))
            .count() as i64
    };
    let households = value("households.total");
    let share = |key: &str| format!("{:.1} %", value(key) * 100.0);
    let rows = vec![
        vec!["population and households".to_string(), String::new()],
        vec!["residents".into(), thousands(residents.len() as i64)],
        vec!["  aged 0-5".into(), thousands(count(0, 5))],
        vec!["  aged 6-17".into(), thousands(count(6, 17))],
        vec!["  aged 18-66".into(), thousands(count(18, 66))],
        vec!["  aged 67+".into(), thousands(count(67, 200))],
        vec!["immigrants".into(), share("population.immigrant_share")],
        vec![
            "died in 2023 (status doed)".into(),
            thousands(value("population.deaths_2023") as i64),
        ],
        vec![
            "emigrated in 2023 (status utflyttet)".into(),
            thousands(value("population.emigrations_2023") as i64),
        ],
        vec![
            "private households (by address)".into(),
            thousands(households as i64),
        ],
        vec![
            "  persons per household".into(),
            format!("{:.2}", value("households.persons_per_household")),
        ],
        vec![
            "  living alone".into(),
            share("households.living_alone_share"),
        ],
        vec![
            "  couples without children".into(),
            share("households.couples_without_children_share"),
        ],
        vec![
            "  couples with children 0-17".into(),
            share("households.couples_with_children_share"),
        ],
        vec![
            "  single parents with children 0-17".into(),
            share("households.single_parent_share"),
        ],
        vec![
            "children living with both parents".into(),
            share("children.with_both_parents_share"),
        ],
    ];
    println!("{}", table(&rows));
}

fn print_income_deciles(registers: &Registers) {
    let year = registers
        .tax_assessments
        .iter()
        .map(|t| t.income_year)
        .max()
        .unwrap_or(0);
    let on = registers.reference_date;
    let adults: HashSet<_> = registers
        .persons
        .iter()
        .filter(|p| p.status == PersonStatus::Resident && age_on(p.birth_date, on) >= 18)
        .map(|p| p.id)
        .collect();
    let mut incomes: Vec<i64> = registers
        .tax_assessments
        .iter()
        .filter(|t| t.income_year == year && adults.contains(&t.person))
        .map(|t| t.personinntekt)
        .collect();
    if incomes.is_empty() {
        return;
    }
    incomes.sort_unstable();
    let zero = incomes.iter().filter(|&&v| v == 0).count();
    println!(
        "Personinntekt {year}, persons 18+ (n = {}; {:.1} % with zero income)",
        thousands(incomes.len() as i64),
        zero as f64 / incomes.len() as f64 * 100.0
    );
    let mut rows = vec![vec!["decile limit".to_string(), "NOK".to_string()]];
    for d in 1..=9 {
        let v = incomes[(incomes.len() - 1) * d / 10];
        rows.push(vec![format!("P{}", d * 10), thousands(v)]);
    }
    rows.push(vec![
        "P99".into(),
        thousands(incomes[(incomes.len() - 1) * 99 / 100]),
    ]);
    println!("{}", table(&rows));
}

fn print_kindergarten(registers: &Registers, all: bool) {
    let on = registers.reference_date;
    let census = chrono::NaiveDate::from_ymd_opt(on.year() - 1, 12, 15).unwrap_or(on);
    let residence = registers.residences_on(on);
    let enrolled = registers.enrolled_on(census);
    let mut per: BTreeMap<MunicipalityNumber, (usize, usize)> = BTreeMap::new();
    for p in registers
        .persons
        .iter()
        .filter(|p| p.status == PersonStatus::Resident)
    {
        if !(1..=5).contains(&age_on(p.birth_date, on)) {
            continue;
        }
        let Some(m) = residence.get(&p.id).map(|r| &r.municipality) else {
            continue;
        };
        let e = per.entry(*m).or_default();
        e.0 += 1;
        if enrolled.contains(&p.id) {
            e.1 += 1;
        }
    }
    let mut list: Vec<_> = per.into_iter().collect();
    list.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    let shown = if all { list.len() } else { list.len().min(25) };
    println!("Kindergarten attendance, children 1-5 on {census} (SSB 2024: 94.4 %)");
    let mut rows = vec![vec![
        "municipality".to_string(),
        "children 1-5".into(),
        "in kindergarten".into(),
        "coverage".into(),
    ]];
    let (mut children, mut attending) = (0, 0);
    for (_, (c, a)) in &list {
        children += c;
        attending += a;
    }
    for (m, (c, a)) in list.iter().take(shown) {
        let name = registers
            .municipalities
            .get(*m)
            .map(|x| x.name.as_str())
            .unwrap_or("?");
        rows.push(vec![
            format!("{m} {name}"),
            thousands(*c as i64),
            thousands(*a as i64),
            format!("{:.1} %", *a as f64 / (*c).max(1) as f64 * 100.0),
        ]);
    }
    if shown < list.len() {
        rows.push(vec![
            format!("… {} more (--all-municipalities)", list.len() - shown),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    rows.push(vec![
        "all".into(),
        thousands(children as i64),
        thousands(attending as i64),
        format!("{:.1} %", attending as f64 / children.max(1) as f64 * 100.0),
    ]);
    println!("{}", table(&rows));
}

fn format_value(v: f64, kind: synth::TargetKind) -> String {
    match kind {
        synth::TargetKind::Share => format!("{:.1} %", v * 100.0),
        _ if v.abs() >= 1000.0 => thousands(v.round() as i64),
        _ => format!("{v:.2}"),
    }
}

fn print_calibration(registers: &Registers, measurements: &[Measurement]) {
    let calibration = Calibration::embedded();
    let share = population_share(registers);
    let comparisons = calibration.compare(measurements, share);
    println!(
        "Generated vs published (counts scaled to this area's {:.2} % of Norway's population; calibration/norway_2024.toml)",
        share * 100.0
    );
    let mut rows = vec![vec![
        "statistic".to_string(),
        "published".into(),
        "generated".into(),
        "deviation".into(),
        "tolerance".into(),
        "".into(),
        "status / source".into(),
    ]];
    let mut outside = 0;
    for c in &comparisons {
        if !c.within {
            outside += 1;
        }
        rows.push(vec![
            c.target.label.clone(),
            format_value(c.expected, c.target.kind),
            format_value(c.measured, c.target.kind),
            format!("{:+.1} %", c.deviation * 100.0),
            format!("±{:.1} %", c.target.tolerance * 100.0),
            if c.within {
                "ok".into()
            } else {
                "OUTSIDE".into()
            },
            format!(
                "{} {}: {}",
                c.target.status, c.target.reference_date, c.target.source
            ),
        ]);
    }
    print!("{}", table(&rows));
    println!(
        "{} of {} statistics within tolerance{}",
        comparisons.len() - outside,
        comparisons.len(),
        if outside > 0 {
            " (small areas deviate by chance: rates per 1000 need a county or more)"
        } else {
            ""
        }
    );
}
