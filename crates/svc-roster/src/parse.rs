//! Parser for the Curtois benchmark text format (`SECTION_*` blocks, CRLF or LF).
//!
//! Every error names the section and the 1-based line number in the file, so
//! a planner editing an instance by hand can find the mistake.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::instance::{CoverRequirement, Employee, Instance, Request, ShiftType};

/// Why an instance could not be read.
#[derive(Debug, Error)]
pub enum InstanceError {
    /// A line inside a section is malformed or refers to something unknown.
    #[error("{section} line {line}: {message}")]
    Line {
        /// Section the line belongs to, e.g. `SECTION_STAFF`.
        section: String,
        /// 1-based line number in the file.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// Data before the first `SECTION_` header.
    #[error("line {line}: '{text}' is outside any SECTION_ block")]
    OutsideSection {
        /// 1-based line number.
        line: usize,
        /// The offending line.
        text: String,
    },
    /// A section the format requires is absent or empty.
    #[error("{0} is missing or empty")]
    MissingSection(&'static str),
    /// The file could not be read.
    #[error("cannot read instance {path}: {source}")]
    Io {
        /// The path given.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Reads and parses an instance file.
pub fn load_instance(path: impl AsRef<Path>) -> Result<Instance, InstanceError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| InstanceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_instance(&text)
}

/// A content line with its position, for error messages.
struct Line<'a> {
    number: usize,
    text: &'a str,
}

/// Parses the text of an instance. Line endings may be CRLF or LF; `#` starts a comment line.
pub fn parse_instance(text: &str) -> Result<Instance, InstanceError> {
    let sections = split_sections(text)?;
    let get = |name: &'static str| -> Result<&Vec<Line<'_>>, InstanceError> {
        sections
            .get(name)
            .filter(|lines| !lines.is_empty())
            .ok_or(InstanceError::MissingSection(name))
    };
    let empty = Vec::new();
    let optional = |name: &str| sections.get(name).unwrap_or(&empty);

    let horizon = parse_horizon(get("SECTION_HORIZON")?)?;
    let shifts = parse_shifts(get("SECTION_SHIFTS")?)?;
    let shift_ids: HashMap<&str, usize> = shifts
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut employees = parse_staff(get("SECTION_STAFF")?, &shift_ids, horizon)?;
    let employee_ids: HashMap<String, usize> = employees
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect();
    parse_days_off(
        optional("SECTION_DAYS_OFF"),
        &employee_ids,
        &mut employees,
        horizon,
    )?;
    let refs = Refs {
        shifts: &shift_ids,
        employees: &employee_ids,
        horizon,
    };
    let on_requests = parse_requests(
        "SECTION_SHIFT_ON_REQUESTS",
        optional("SECTION_SHIFT_ON_REQUESTS"),
        &refs,
    )?;
    let off_requests = parse_requests(
        "SECTION_SHIFT_OFF_REQUESTS",
        optional("SECTION_SHIFT_OFF_REQUESTS"),
        &refs,
    )?;
    let cover = parse_cover(get("SECTION_COVER")?, &refs, shifts.len())?;
    Ok(Instance {
        horizon,
        shifts,
        employees,
        on_requests,
        off_requests,
        cover,
    })
}

/// Groups content lines by the `SECTION_` header above them.
fn split_sections(text: &str) -> Result<HashMap<String, Vec<Line<'_>>>, InstanceError> {
    let mut sections: HashMap<String, Vec<Line<'_>>> = HashMap::new();
    let mut current: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = index + 1;
        if line.starts_with("SECTION_") {
            sections.entry(line.to_string()).or_default();
            current = Some(line.to_string());
            continue;
        }
        match &current {
            Some(name) => sections
                .entry(name.clone())
                .or_default()
                .push(Line { number, text: line }),
            None => {
                return Err(InstanceError::OutsideSection {
                    line: number,
                    text: line.to_string(),
                })
            }
        }
    }
    Ok(sections)
}

fn line_error(section: &str, line: &Line<'_>, message: String) -> InstanceError {
    InstanceError::Line {
        section: section.to_string(),
        line: line.number,
        message,
    }
}

/// Splits a comma-separated line and checks the field count.
fn fields<'a>(
    section: &str,
    line: &Line<'a>,
    expected: &str,
    count: usize,
) -> Result<Vec<&'a str>, InstanceError> {
    let parts: Vec<&str> = line.text.split(',').map(str::trim).collect();
    if parts.len() != count {
        return Err(line_error(
            section,
            line,
            format!(
                "expected {count} fields ({expected}), found {} in '{}'",
                parts.len(),
                line.text
            ),
        ));
    }
    Ok(parts)
}

/// Parses a non-negative integer. Signed text is accepted when the value is
/// not negative, because Instance15 writes one requirement as `-0`.
fn number(section: &str, line: &Line<'_>, what: &str, text: &str) -> Result<u32, InstanceError> {
    text.parse::<i64>()
        .ok()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            line_error(
                section,
                line,
                format!("{what} '{text}' is not a non-negative integer"),
            )
        })
}

fn parse_horizon(lines: &[Line<'_>]) -> Result<usize, InstanceError> {
    const S: &str = "SECTION_HORIZON";
    let line = &lines[0];
    if let Some(extra) = lines.get(1) {
        return Err(line_error(
            S,
            extra,
            format!("unexpected second value '{}'", extra.text),
        ));
    }
    let days = number(S, line, "horizon", line.text)? as usize;
    if days == 0 {
        return Err(line_error(
            S,
            line,
            "horizon must be at least one day".to_string(),
        ));
    }
    Ok(days)
}

fn parse_shifts(lines: &[Line<'_>]) -> Result<Vec<ShiftType>, InstanceError> {
    const S: &str = "SECTION_SHIFTS";
    let mut raw = Vec::new();
    for line in lines {
        let f = fields(S, line, "ShiftID, minutes, cannot-follow list", 3)?;
        if f[0].is_empty() || f[0] == "-" {
            return Err(line_error(S, line, format!("invalid shift id '{}'", f[0])));
        }
        let minutes = number(S, line, "length", f[1])?;
        raw.push((line, f[0], minutes, f[2]));
    }
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (index, (line, id, _, _)) in raw.iter().enumerate() {
        if ids.insert(id, index).is_some() {
            return Err(line_error(S, line, format!("duplicate shift id '{id}'")));
        }
    }
    raw.iter()
        .map(|(line, id, minutes, follow)| {
            let cannot_follow = follow
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    ids.get(s).copied().ok_or_else(|| {
                        line_error(
                            S,
                            line,
                            format!("cannot-follow refers to unknown shift '{s}'"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ShiftType {
                id: id.to_string(),
                minutes: *minutes,
                cannot_follow,
            })
        })
        .collect()
}

fn parse_staff(
    lines: &[Line<'_>],
    shifts: &HashMap<&str, usize>,
    horizon: usize,
) -> Result<Vec<Employee>, InstanceError> {
    const S: &str = "SECTION_STAFF";
    let mut seen = HashMap::new();
    let mut employees = Vec::with_capacity(lines.len());
    for line in lines {
        let f = fields(
            S,
            line,
            "ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends",
            8,
        )?;
        if seen.insert(f[0].to_string(), ()).is_some() {
            return Err(line_error(
                S,
                line,
                format!("duplicate employee id '{}'", f[0]),
            ));
        }
        let mut max_shifts = vec![horizon as u32; shifts.len()];
        for entry in f[1].split('|').map(str::trim).filter(|e| !e.is_empty()) {
            let (shift, limit) = entry
                .split_once('=')
                .and_then(|(s, n)| Some((s.trim(), n.trim().parse::<u32>().ok()?)))
                .ok_or_else(|| {
                    line_error(
                        S,
                        line,
                        format!("MaxShifts entry '{entry}' is not 'SHIFT=number'"),
                    )
                })?;
            let index = shifts.get(shift).ok_or_else(|| {
                line_error(
                    S,
                    line,
                    format!("MaxShifts entry '{entry}' names unknown shift '{shift}'"),
                )
            })?;
            max_shifts[*index] = limit;
        }
        employees.push(Employee {
            id: f[0].to_string(),
            max_shifts,
            max_total_minutes: number(S, line, "MaxTotalMinutes", f[2])?,
            min_total_minutes: number(S, line, "MinTotalMinutes", f[3])?,
            max_consecutive_shifts: number(S, line, "MaxConsecutiveShifts", f[4])?,
            min_consecutive_shifts: number(S, line, "MinConsecutiveShifts", f[5])?,
            min_consecutive_days_off: number(S, line, "MinConsecutiveDaysOff", f[6])?,
            max_weekends: number(S, line, "MaxWeekends", f[7])?,
            days_off: Vec::new(),
        });
    }
    Ok(employees)
}

fn parse_days_off(
    lines: &[Line<'_>],
    employee_ids: &HashMap<String, usize>,
    employees: &mut [Employee],
    horizon: usize,
) -> Result<(), InstanceError> {
    const S: &str = "SECTION_DAYS_OFF";
    for line in lines {
        let mut parts = line.text.split(',').map(str::trim);
        let id = parts.next().unwrap_or_default();
        let employee = *employee_ids
            .get(id)
            .ok_or_else(|| line_error(S, line, format!("unknown employee '{id}'")))?;
        for day in parts.filter(|p| !p.is_empty()) {
            let day = number(S, line, "day", day)? as usize;
            if day >= horizon {
                return Err(line_error(
                    S,
                    line,
                    format!("day {day} is outside the horizon of {horizon} days"),
                ));
            }
            employees[employee].days_off.push(day);
        }
    }
    for employee in employees {
        employee.days_off.sort_unstable();
        employee.days_off.dedup();
    }
    Ok(())
}

/// Lookup tables for cross-references, shared by the request and cover sections.
struct Refs<'a> {
    shifts: &'a HashMap<&'a str, usize>,
    employees: &'a HashMap<String, usize>,
    horizon: usize,
}

impl Refs<'_> {
    fn day(&self, section: &str, line: &Line<'_>, text: &str) -> Result<usize, InstanceError> {
        let day = number(section, line, "day", text)? as usize;
        if day >= self.horizon {
            return Err(line_error(
                section,
                line,
                format!("day {day} is outside the horizon of {} days", self.horizon),
            ));
        }
        Ok(day)
    }

    fn shift(&self, section: &str, line: &Line<'_>, text: &str) -> Result<usize, InstanceError> {
        self.shifts
            .get(text)
            .copied()
            .ok_or_else(|| line_error(section, line, format!("unknown shift '{text}'")))
    }
}

fn parse_requests(
    section: &'static str,
    lines: &[Line<'_>],
    refs: &Refs<'_>,
) -> Result<Vec<Request>, InstanceError> {
    lines
        .iter()
        .map(|line| {
            let f = fields(section, line, "EmployeeID, Day, ShiftID, Weight", 4)?;
            let employee = *refs
                .employees
                .get(f[0])
                .ok_or_else(|| line_error(section, line, format!("unknown employee '{}'", f[0])))?;
            Ok(Request {
                employee,
                day: refs.day(section, line, f[1])?,
                shift: refs.shift(section, line, f[2])?,
                weight: number(section, line, "weight", f[3])?,
            })
        })
        .collect()
}

fn parse_cover(
    lines: &[Line<'_>],
    refs: &Refs<'_>,
    shift_count: usize,
) -> Result<Vec<CoverRequirement>, InstanceError> {
    const S: &str = "SECTION_COVER";
    let mut cover = vec![CoverRequirement::default(); refs.horizon * shift_count];
    let mut seen = vec![false; cover.len()];
    for line in lines {
        let f = fields(
            S,
            line,
            "Day, ShiftID, Requirement, Weight for under, Weight for over",
            5,
        )?;
        let day = refs.day(S, line, f[0])?;
        let shift = refs.shift(S, line, f[1])?;
        let cell = day * shift_count + shift;
        if std::mem::replace(&mut seen[cell], true) {
            return Err(line_error(
                S,
                line,
                format!("second cover line for day {day} shift '{}'", f[1]),
            ));
        }
        cover[cell] = CoverRequirement {
            requirement: number(S, line, "requirement", f[2])?,
            under_weight: number(S, line, "under weight", f[3])?,
            over_weight: number(S, line, "over weight", f[4])?,
        };
    }
    Ok(cover)
}
