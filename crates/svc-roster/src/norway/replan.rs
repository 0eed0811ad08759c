//! Re-planning after a sick call, with as few changes as possible.
//!
//! The sick employee's shifts in the sick period are removed and their hours
//! credited towards the contract (sick leave counts as worked time); every
//! cell before the sick call is history and pinned; the search starts from
//! the old rota and pays `change_weight` for every cell that differs from it,
//! so a gap is filled by the cheapest legal chain of changes.
//!
//! Contracted hours become a soft rule when re-planning: hours an employee
//! works beyond (or loses below) the base rota after a sick call are settled
//! as extra work or overtime pay, not by re-planning the rest of the rota.
//! Every statutory limit (rest, weekly hours, Sunday work, nights) stays as
//! configured. The rule set actually used is returned in [`Replan::rules`].

use std::time::Duration;

use chrono::NaiveDate;

use super::model::{Rota, Unit};
use super::rules::{RuleSet, Severity};
use super::solve::{plan_with, Pin, Plan, PlanOptions, Reference};

/// An employee reporting sick for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SickCall {
    /// Employee index.
    pub employee: usize,
    /// First sick day (also the first day that may be changed).
    pub from: NaiveDate,
    /// Last sick day.
    pub to: NaiveDate,
}

/// How to re-plan.
#[derive(Debug, Clone)]
pub struct ReplanOptions {
    /// Wall-clock budget.
    pub time_limit: Duration,
    /// Seed of every random choice.
    pub seed: u64,
    /// Soft cost of each cell that differs from the old rota.
    pub change_weight: f64,
    /// Further assignments to keep (e.g. published shifts).
    pub pins: Vec<Pin>,
    /// Optional cap on search moves (see [`PlanOptions::max_moves`]).
    pub max_moves: Option<u64>,
}

impl Default for ReplanOptions {
    fn default() -> Self {
        ReplanOptions {
            time_limit: Duration::from_secs(5),
            seed: 0,
            change_weight: 20.0,
            pins: Vec::new(),
            max_moves: None,
        }
    }
}

/// One changed cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Employee index.
    pub employee: usize,
    /// Date.
    pub date: NaiveDate,
    /// Shift code before, `None` for off.
    pub before: Option<String>,
    /// Shift code after, `None` for off.
    pub after: Option<String>,
}

/// Result of [`replan_after_sick_call`].
#[derive(Debug, Clone)]
pub struct Replan {
    /// The unit with the sickness recorded (unavailable dates, credited hours);
    /// check the new rota against this unit.
    pub unit: Unit,
    /// The rule set used: the given one with contracted hours made soft.
    pub rules: RuleSet,
    /// The new plan (its report is against `unit` and `rules`).
    pub plan: Plan,
    /// Every changed cell, the sick employee's removed shifts included.
    pub changes: Vec<Change>,
}

/// Re-plans `old` after `sick`, changing as few assignments as possible.
pub fn replan_after_sick_call(
    unit: &Unit,
    rules: &RuleSet,
    old: &Rota,
    sick: &SickCall,
    options: &ReplanOptions,
) -> Replan {
    let mut unit = unit.clone();
    let mut rules = rules.clone();
    rules.rules.contract_hours.severity = Severity::Soft;
    let rules = &rules;
    let days = unit.days();
    let first = unit
        .day_index(sick.from)
        .unwrap_or(if sick.from < unit.start_date { 0 } else { days });
    let last = unit
        .day_index(sick.to)
        .unwrap_or(if sick.to < unit.start_date {
            0
        } else {
            days - 1
        });

    let mut start = old.clone();
    let mut pins = options.pins.clone();
    for d in first..=last.min(days - 1) {
        let staff = &mut unit.employees[sick.employee];
        let date = unit.start_date + chrono::Duration::days(d as i64);
        if !staff.unavailable.contains(&date) {
            staff.unavailable.push(date);
        }
        for s in old.shifts_on(sick.employee, d) {
            staff.credited_minutes += unit.shifts[s].work_minutes();
        }
        start.set(sick.employee, d, None);
        pins.push(Pin {
            employee: sick.employee,
            day: d,
            shift: None,
        });
    }
    for e in 0..unit.employees.len() {
        for d in 0..first.min(days) {
            pins.push(Pin {
                employee: e,
                day: d,
                shift: old.get(e, d),
            });
        }
    }
    let plan_options = PlanOptions {
        time_limit: options.time_limit,
        seed: options.seed,
        pins,
        max_moves: options.max_moves,
    };
    let plan = plan_with(
        &unit,
        rules,
        &plan_options,
        Reference {
            start: Some(&start),
            keep: Some((old, options.change_weight)),
            // Close to pure descent from the old rota: changes that only
            // trade soft costs elsewhere are rarely worth their price.
            temperatures: Some((2.0, 0.1)),
        },
    );
    let code = |s: Option<usize>| s.map(|s| unit.shifts[s].code.clone());
    let changes = plan
        .rota
        .diff(old)
        .into_iter()
        .map(|(e, d)| Change {
            employee: e,
            date: unit.date(d),
            before: code(old.get(e, d)),
            after: code(plan.rota.get(e, d)),
        })
        .collect();
    Replan {
        unit,
        rules: rules.clone(),
        plan,
        changes,
    }
}
