//! The benchmark instance as plain data, with every reference resolved to an index.
//!
//! Identifiers from the file (`"A"`, `"d1"`) are kept for output and error
//! messages; everything else in the crate works with dense indices so the
//! evaluator and the solver never look strings up in a hot loop.

/// Index of a shift type in [`Instance::shifts`].
pub type ShiftIdx = usize;
/// Index of an employee in [`Instance::employees`].
pub type EmployeeIdx = usize;

/// One shift type (`SECTION_SHIFTS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftType {
    /// Identifier as written in the instance (`D`, `a1`).
    pub id: String,
    /// Length in minutes, counted against the employee's total-minutes limits.
    pub minutes: u32,
    /// Shift types that may not be worked the day after this one.
    pub cannot_follow: Vec<ShiftIdx>,
}

/// One employee's contract (`SECTION_STAFF`) and fixed days off (`SECTION_DAYS_OFF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employee {
    /// Identifier as written in the instance.
    pub id: String,
    /// Maximum number of shifts of each type, indexed by [`ShiftIdx`]; 0 forbids the type.
    /// A type the staff line does not mention is unlimited (the horizon length).
    pub max_shifts: Vec<u32>,
    /// Upper limit on the minutes worked over the horizon.
    pub max_total_minutes: u32,
    /// Lower limit on the minutes worked over the horizon.
    pub min_total_minutes: u32,
    /// Longest allowed run of consecutive working days.
    pub max_consecutive_shifts: u32,
    /// Shortest allowed run of consecutive working days (not applied at the horizon edges).
    pub min_consecutive_shifts: u32,
    /// Shortest allowed run of consecutive days off (not applied at the horizon edges).
    pub min_consecutive_days_off: u32,
    /// Maximum number of weekends with a Saturday or Sunday shift.
    pub max_weekends: u32,
    /// Days on which the employee must not work, sorted and deduplicated.
    pub days_off: Vec<usize>,
}

/// A shift-on or shift-off request (`SECTION_SHIFT_ON_REQUESTS` / `..._OFF_REQUESTS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Who asks.
    pub employee: EmployeeIdx,
    /// Which day.
    pub day: usize,
    /// Which shift type.
    pub shift: ShiftIdx,
    /// Penalty paid when the request is not honoured.
    pub weight: u32,
}

/// Cover demand for one (day, shift type) cell (`SECTION_COVER`).
///
/// Cells the file does not mention have requirement 0 and zero weights, so
/// staffing them costs nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CoverRequirement {
    /// Number of employees wanted.
    pub requirement: u32,
    /// Penalty per missing employee.
    pub under_weight: u32,
    /// Penalty per surplus employee.
    pub over_weight: u32,
}

/// A parsed benchmark instance. Built by [`crate::parse_instance`], which
/// guarantees that every index inside is in range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub(crate) horizon: usize,
    pub(crate) shifts: Vec<ShiftType>,
    pub(crate) employees: Vec<Employee>,
    pub(crate) on_requests: Vec<Request>,
    pub(crate) off_requests: Vec<Request>,
    /// Dense `horizon * shifts.len()` table, row per day.
    pub(crate) cover: Vec<CoverRequirement>,
}

impl Instance {
    /// Number of days; day 0 is a Monday.
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Shift types in file order.
    pub fn shifts(&self) -> &[ShiftType] {
        &self.shifts
    }

    /// Employees in file order.
    pub fn employees(&self) -> &[Employee] {
        &self.employees
    }

    /// Shift-on requests in file order.
    pub fn on_requests(&self) -> &[Request] {
        &self.on_requests
    }

    /// Shift-off requests in file order.
    pub fn off_requests(&self) -> &[Request] {
        &self.off_requests
    }

    /// Cover demand for `shift` on `day`.
    ///
    /// # Panics
    /// If `day >= horizon()` or `shift >= shifts().len()`.
    pub fn cover(&self, day: usize, shift: ShiftIdx) -> CoverRequirement {
        self.cover[day * self.shifts.len() + shift]
    }

    /// Index of the shift type called `id`.
    pub fn shift_index(&self, id: &str) -> Option<ShiftIdx> {
        self.shifts.iter().position(|s| s.id == id)
    }

    /// Index of the employee called `id`.
    pub fn employee_index(&self, id: &str) -> Option<EmployeeIdx> {
        self.employees.iter().position(|e| e.id == id)
    }

    /// Number of whole weekends (Saturday + Sunday pairs) in the horizon.
    /// Instances start on a Monday, so weekend `w` is days `7w+5` and `7w+6`.
    pub fn weekends(&self) -> usize {
        self.horizon / 7
    }
}

/// True if `day` is a Saturday or Sunday (day 0 is a Monday).
pub(crate) fn is_weekend_day(day: usize) -> bool {
    day % 7 >= 5
}
