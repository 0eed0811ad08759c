//! The reference evaluator: every hard constraint and the exact objective.
//!
//! This module is deliberately written for clarity, not speed, and shares no
//! code with the solver, so that it can act as an independent check of the
//! solver's incremental bookkeeping (the solver's result is always re-scored
//! here before it is returned).
//!
//! Horizon boundaries follow the reading that reproduces the published optima:
//! a working run or an off run that touches the first or last day of the
//! horizon is exempt from its minimum length (the run may extend beyond the
//! horizon); maximum run length is checked only inside the horizon.

use crate::instance::{is_weekend_day, EmployeeIdx, Instance, ShiftIdx};
use crate::solution::Solution;

/// Which hard constraint is broken, with the numbers that break it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HardConstraint {
    /// Works on a pre-assigned day off (`SECTION_DAYS_OFF`).
    DayOff,
    /// Works `second` the day after `first`, which `first` forbids.
    CannotFollow {
        /// Shift on the earlier day.
        first: String,
        /// Shift on the following day.
        second: String,
    },
    /// Works shift type `shift` more often than allowed.
    MaxShifts {
        /// The shift type.
        shift: String,
        /// Times worked.
        worked: u32,
        /// Limit.
        max: u32,
    },
    /// Works more minutes than allowed.
    MaxTotalMinutes {
        /// Minutes worked.
        worked: u32,
        /// Limit.
        max: u32,
    },
    /// Works fewer minutes than required.
    MinTotalMinutes {
        /// Minutes worked.
        worked: u32,
        /// Limit.
        min: u32,
    },
    /// A run of working days is too long.
    MaxConsecutiveShifts {
        /// Run length.
        run: u32,
        /// Limit.
        max: u32,
    },
    /// A run of working days (not touching the horizon edge) is too short.
    MinConsecutiveShifts {
        /// Run length.
        run: u32,
        /// Limit.
        min: u32,
    },
    /// A run of days off (not touching the horizon edge) is too short.
    MinConsecutiveDaysOff {
        /// Run length.
        run: u32,
        /// Limit.
        min: u32,
    },
    /// Works on too many weekends.
    MaxWeekends {
        /// Weekends with a Saturday or Sunday shift.
        worked: u32,
        /// Limit.
        max: u32,
    },
}

/// One broken hard constraint: who, what, and on which days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Employee index.
    pub employee: EmployeeIdx,
    /// Employee id as in the instance.
    pub employee_id: String,
    /// The constraint and its numbers.
    pub constraint: HardConstraint,
    /// Days involved (the run, the pair of days, the worked weekend days, or
    /// every worked day for totals), ascending.
    pub days: Vec<usize>,
}

/// Objective split by component; `total()` is the benchmark objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ObjectiveBreakdown {
    /// Weight of shift-on requests not met.
    pub shift_on: u64,
    /// Weight of shift-off requests violated.
    pub shift_off: u64,
    /// Missing staff times under-cover weight.
    pub under_cover: u64,
    /// Surplus staff times over-cover weight.
    pub over_cover: u64,
}

impl ObjectiveBreakdown {
    /// Sum of all components.
    pub fn total(&self) -> u64 {
        self.shift_on + self.shift_off + self.under_cover + self.over_cover
    }
}

/// The request part of the objective attributable to one employee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeCost {
    /// Employee id.
    pub employee_id: String,
    /// Weight of this employee's unmet shift-on requests.
    pub shift_on: u64,
    /// Weight of this employee's violated shift-off requests.
    pub shift_off: u64,
    /// Days on which an on- or off-request is not honoured.
    pub request_days: Vec<usize>,
}

/// A (day, shift) cell whose staffing differs from the requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoverDeviation {
    /// Day.
    pub day: usize,
    /// Shift type.
    pub shift: ShiftIdx,
    /// Employees assigned.
    pub assigned: u32,
    /// Employees required.
    pub required: u32,
    /// Penalty paid for this cell.
    pub cost: u64,
}

/// Full result of evaluating a solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// Every broken hard constraint; empty means feasible.
    pub violations: Vec<Violation>,
    /// Objective by component.
    pub objective: ObjectiveBreakdown,
    /// Request costs per employee, in instance order.
    pub per_employee: Vec<EmployeeCost>,
    /// Cells with under- or over-cover.
    pub cover: Vec<CoverDeviation>,
}

impl Evaluation {
    /// True if no hard constraint is broken.
    pub fn is_feasible(&self) -> bool {
        self.violations.is_empty()
    }

    /// The benchmark objective (soft penalties only; hard violations are listed, not priced).
    pub fn objective_value(&self) -> u64 {
        self.objective.total()
    }
}

/// Checks every hard constraint and computes the objective.
///
/// # Panics
/// If `solution` was built for an instance of a different size.
pub fn evaluate(instance: &Instance, solution: &Solution) -> Evaluation {
    assert_eq!(
        solution.horizon(),
        instance.horizon(),
        "solution horizon differs from instance"
    );
    let mut violations = Vec::new();
    for employee in 0..instance.employees().len() {
        check_employee(instance, solution, employee, &mut violations);
    }
    let mut objective = ObjectiveBreakdown::default();
    let mut per_employee: Vec<EmployeeCost> = instance
        .employees()
        .iter()
        .map(|e| EmployeeCost {
            employee_id: e.id.clone(),
            shift_on: 0,
            shift_off: 0,
            request_days: Vec::new(),
        })
        .collect();
    for request in instance.on_requests() {
        if solution.get(request.employee, request.day) != Some(request.shift) {
            objective.shift_on += u64::from(request.weight);
            per_employee[request.employee].shift_on += u64::from(request.weight);
            per_employee[request.employee]
                .request_days
                .push(request.day);
        }
    }
    for request in instance.off_requests() {
        if solution.get(request.employee, request.day) == Some(request.shift) {
            objective.shift_off += u64::from(request.weight);
            per_employee[request.employee].shift_off += u64::from(request.weight);
            per_employee[request.employee]
                .request_days
                .push(request.day);
        }
    }
    for cost in &mut per_employee {
        cost.request_days.sort_unstable();
        cost.request_days.dedup();
    }
    let mut cover = Vec::new();
    for day in 0..instance.horizon() {
        for shift in 0..instance.shifts().len() {
            let assigned = (0..instance.employees().len())
                .filter(|&e| solution.get(e, day) == Some(shift))
                .count() as u32;
            let demand = instance.cover(day, shift);
            let under = u64::from(demand.requirement.saturating_sub(assigned))
                * u64::from(demand.under_weight);
            let over = u64::from(assigned.saturating_sub(demand.requirement))
                * u64::from(demand.over_weight);
            objective.under_cover += under;
            objective.over_cover += over;
            if assigned != demand.requirement {
                cover.push(CoverDeviation {
                    day,
                    shift,
                    assigned,
                    required: demand.requirement,
                    cost: under + over,
                });
            }
        }
    }
    Evaluation {
        violations,
        objective,
        per_employee,
        cover,
    }
}

/// Appends the hard-constraint violations of one employee's line.
fn check_employee(
    instance: &Instance,
    solution: &Solution,
    employee: EmployeeIdx,
    out: &mut Vec<Violation>,
) {
    let contract = &instance.employees()[employee];
    let line = solution.line(employee);
    let horizon = line.len();
    let mut push = |constraint: HardConstraint, days: Vec<usize>| {
        out.push(Violation {
            employee,
            employee_id: contract.id.clone(),
            constraint,
            days,
        })
    };

    for &day in &contract.days_off {
        if line[day].is_some() {
            push(HardConstraint::DayOff, vec![day]);
        }
    }

    for day in 1..horizon {
        if let (Some(first), Some(second)) = (line[day - 1], line[day]) {
            if instance.shifts()[first].cannot_follow.contains(&second) {
                push(
                    HardConstraint::CannotFollow {
                        first: instance.shifts()[first].id.clone(),
                        second: instance.shifts()[second].id.clone(),
                    },
                    vec![day - 1, day],
                );
            }
        }
    }

    for (shift, shift_type) in instance.shifts().iter().enumerate() {
        let days: Vec<usize> = (0..horizon).filter(|&d| line[d] == Some(shift)).collect();
        let max = contract.max_shifts[shift];
        if days.len() as u32 > max {
            push(
                HardConstraint::MaxShifts {
                    shift: shift_type.id.clone(),
                    worked: days.len() as u32,
                    max,
                },
                days,
            );
        }
    }

    let worked_days: Vec<usize> = (0..horizon).filter(|&d| line[d].is_some()).collect();
    let minutes: u32 = line
        .iter()
        .flatten()
        .map(|&s| instance.shifts()[s].minutes)
        .sum();
    if minutes > contract.max_total_minutes {
        push(
            HardConstraint::MaxTotalMinutes {
                worked: minutes,
                max: contract.max_total_minutes,
            },
            worked_days.clone(),
        );
    }
    if minutes < contract.min_total_minutes {
        push(
            HardConstraint::MinTotalMinutes {
                worked: minutes,
                min: contract.min_total_minutes,
            },
            worked_days,
        );
    }

    // Runs of equal "working" status; edge runs are exempt from minimum lengths.
    let mut start = 0;
    while start < horizon {
        let working = line[start].is_some();
        let mut end = start;
        while end + 1 < horizon && line[end + 1].is_some() == working {
            end += 1;
        }
        let run = (end - start + 1) as u32;
        let days: Vec<usize> = (start..=end).collect();
        let touches_edge = start == 0 || end == horizon - 1;
        if working {
            if run > contract.max_consecutive_shifts {
                push(
                    HardConstraint::MaxConsecutiveShifts {
                        run,
                        max: contract.max_consecutive_shifts,
                    },
                    days.clone(),
                );
            }
            if !touches_edge && run < contract.min_consecutive_shifts {
                push(
                    HardConstraint::MinConsecutiveShifts {
                        run,
                        min: contract.min_consecutive_shifts,
                    },
                    days,
                );
            }
        } else if !touches_edge && run < contract.min_consecutive_days_off {
            push(
                HardConstraint::MinConsecutiveDaysOff {
                    run,
                    min: contract.min_consecutive_days_off,
                },
                days,
            );
        }
        start = end + 1;
    }

    let weekend_days: Vec<usize> = (0..horizon)
        .filter(|&d| is_weekend_day(d) && line[d].is_some())
        .collect();
    let mut weekends: Vec<usize> = weekend_days.iter().map(|d| d / 7).collect();
    weekends.dedup();
    if weekends.len() as u32 > contract.max_weekends {
        push(
            HardConstraint::MaxWeekends {
                worked: weekends.len() as u32,
                max: contract.max_weekends,
            },
            weekend_days,
        );
    }
}
