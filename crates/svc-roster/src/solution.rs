//! A roster (who works which shift on which day) and its text format.
//!
//! # Text format
//!
//! One line per employee: the employee id, a colon, then one token per day
//! separated by whitespace; a token is a shift id, or `-` for a day off.
//! Blank lines and lines starting with `#` are ignored, so tools may add
//! comments such as the objective. Every employee of the instance must appear
//! exactly once, in any order.
//!
//! ```text
//! # objective 607
//! A: - - D D D - - ...
//! B: D D D D D - - ...
//! ```
//!
//! The format is line-oriented and human-readable on purpose: a planner can
//! diff two rosters, and the CP-SAT peer in `bench/roster/` writes it with a
//! few lines of Python.

use thiserror::Error;

use crate::instance::{EmployeeIdx, Instance, ShiftIdx};

/// Token for a day off in the text format.
pub const OFF_TOKEN: &str = "-";

/// A complete roster: for each employee and day, the shift worked or `None` (off).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Solution {
    horizon: usize,
    /// Row-major `employees x horizon`.
    cells: Vec<Option<ShiftIdx>>,
}

/// Why a solution text could not be read against an instance.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SolutionError {
    /// A line is not `ID: token token ...`.
    #[error("solution line {line}: expected 'EMPLOYEE: token token ...', found '{text}'")]
    Malformed {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
    /// The employee id is not in the instance.
    #[error("solution line {line}: unknown employee '{employee}'")]
    UnknownEmployee {
        /// 1-based line number.
        line: usize,
        /// The id found.
        employee: String,
    },
    /// An employee has two lines.
    #[error("solution line {line}: employee '{employee}' appears a second time")]
    DuplicateEmployee {
        /// 1-based line number.
        line: usize,
        /// The id found.
        employee: String,
    },
    /// The number of day tokens is not the horizon.
    #[error(
        "solution line {line}: employee '{employee}' has {found} days, the horizon is {horizon}"
    )]
    WrongLength {
        /// 1-based line number.
        line: usize,
        /// The employee.
        employee: String,
        /// Tokens found.
        found: usize,
        /// Tokens expected.
        horizon: usize,
    },
    /// A token is neither `-` nor a shift id.
    #[error("solution line {line}: employee '{employee}' day {day}: unknown shift '{token}'")]
    UnknownShift {
        /// 1-based line number.
        line: usize,
        /// The employee.
        employee: String,
        /// 0-based day.
        day: usize,
        /// The token found.
        token: String,
    },
    /// Some employees have no line.
    #[error("solution has no line for employee(s) {}", .0.join(", "))]
    MissingEmployees(Vec<String>),
}

impl Solution {
    /// The roster where everybody is off every day.
    pub fn all_off(instance: &Instance) -> Self {
        Self {
            horizon: instance.horizon(),
            cells: vec![None; instance.horizon() * instance.employees().len()],
        }
    }

    /// Builds a solution from per-employee lines (one entry per day).
    ///
    /// Returns `None` if the number of lines or their lengths do not match
    /// the instance, or a shift index is out of range.
    pub fn from_lines(instance: &Instance, lines: &[Vec<Option<ShiftIdx>>]) -> Option<Self> {
        let horizon = instance.horizon();
        let shift_count = instance.shifts().len();
        let fits = lines.len() == instance.employees().len()
            && lines.iter().all(|line| {
                line.len() == horizon && line.iter().flatten().all(|&s| s < shift_count)
            });
        fits.then(|| Self {
            horizon,
            cells: lines.concat(),
        })
    }

    /// Shift of `employee` on `day`, `None` for a day off.
    ///
    /// # Panics
    /// If either index is out of range.
    pub fn get(&self, employee: EmployeeIdx, day: usize) -> Option<ShiftIdx> {
        assert!(
            day < self.horizon,
            "day {day} outside horizon {}",
            self.horizon
        );
        self.cells[employee * self.horizon + day]
    }

    /// Sets the shift of `employee` on `day`.
    ///
    /// # Panics
    /// If either index is out of range.
    pub fn set(&mut self, employee: EmployeeIdx, day: usize, shift: Option<ShiftIdx>) {
        assert!(
            day < self.horizon,
            "day {day} outside horizon {}",
            self.horizon
        );
        self.cells[employee * self.horizon + day] = shift;
    }

    /// One employee's line, one entry per day.
    pub fn line(&self, employee: EmployeeIdx) -> &[Option<ShiftIdx>] {
        &self.cells[employee * self.horizon..(employee + 1) * self.horizon]
    }

    /// Number of days.
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Writes the text format described in the module documentation.
    /// `comments` are emitted first, each prefixed with `# `.
    pub fn to_text(&self, instance: &Instance, comments: &[String]) -> String {
        let mut out = String::new();
        for comment in comments {
            out.push_str("# ");
            out.push_str(comment);
            out.push('\n');
        }
        for (index, employee) in instance.employees().iter().enumerate() {
            out.push_str(&employee.id);
            out.push(':');
            for shift in self.line(index) {
                out.push(' ');
                out.push_str(match shift {
                    Some(s) => &instance.shifts()[*s].id,
                    None => OFF_TOKEN,
                });
            }
            out.push('\n');
        }
        out
    }

    /// Parses the text format described in the module documentation.
    pub fn parse(instance: &Instance, text: &str) -> Result<Self, SolutionError> {
        let mut solution = Self::all_off(instance);
        let mut seen = vec![false; instance.employees().len()];
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim_end_matches('\r').trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let number = index + 1;
            let (id, days) = line
                .split_once(':')
                .ok_or_else(|| SolutionError::Malformed {
                    line: number,
                    text: line.to_string(),
                })?;
            let id = id.trim();
            let employee =
                instance
                    .employee_index(id)
                    .ok_or_else(|| SolutionError::UnknownEmployee {
                        line: number,
                        employee: id.to_string(),
                    })?;
            if std::mem::replace(&mut seen[employee], true) {
                return Err(SolutionError::DuplicateEmployee {
                    line: number,
                    employee: id.to_string(),
                });
            }
            let tokens: Vec<&str> = days.split_whitespace().collect();
            if tokens.len() != instance.horizon() {
                return Err(SolutionError::WrongLength {
                    line: number,
                    employee: id.to_string(),
                    found: tokens.len(),
                    horizon: instance.horizon(),
                });
            }
            for (day, token) in tokens.into_iter().enumerate() {
                let shift = if token == OFF_TOKEN {
                    None
                } else {
                    Some(instance.shift_index(token).ok_or_else(|| {
                        SolutionError::UnknownShift {
                            line: number,
                            employee: id.to_string(),
                            day,
                            token: token.to_string(),
                        }
                    })?)
                };
                solution.set(employee, day, shift);
            }
        }
        let missing: Vec<String> = seen
            .iter()
            .zip(instance.employees())
            .filter(|(seen, _)| !**seen)
            .map(|(_, e)| e.id.clone())
            .collect();
        if !missing.is_empty() {
            return Err(SolutionError::MissingEmployees(missing));
        }
        Ok(solution)
    }
}
