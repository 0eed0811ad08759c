//! Plain input and output types of the Norwegian rota model, and a generator
//! for a realistic nursing home so that tests and `roster plan` can run
//! without the registers.
//!
//! Times are wall-clock times on the unit's dates; a shift whose end is not
//! after its start passes midnight and ends on the next day. Day `0` of a
//! unit is its `start_date` (a Monday).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration as ChronoDuration, NaiveDate, NaiveTime, Weekday};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Formal competence of an employee, from most to least qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Competence {
    /// Registered nurse (*sykepleier*).
    Nurse,
    /// Certified health worker (*helsefagarbeider*).
    HealthWorker,
    /// Assistant without formal health education (*assistent*).
    Assistant,
}

impl Competence {
    /// Short label used in CSV and HTML output.
    pub fn label(self) -> &'static str {
        match self {
            Competence::Nurse => "nurse",
            Competence::HealthWorker => "health worker",
            Competence::Assistant => "assistant",
        }
    }
}

/// What kind of shift a shift definition is; drives fairness counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShiftKind {
    /// Day shift (*dagvakt*).
    Day,
    /// Evening shift (*aftenvakt*).
    Evening,
    /// Night shift (*nattvakt*).
    Night,
    /// Long shift (*langvakt*), typically at weekends.
    Long,
}

/// A shift with clock times.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftDef {
    /// Short code shown in the grid, e.g. `D`.
    pub code: String,
    /// Start time on the shift's date.
    pub start: NaiveTime,
    /// End time; not after `start` means the next day.
    pub end: NaiveTime,
    /// Kind of shift.
    pub kind: ShiftKind,
    /// Whether the shift counts as a night for night rules and fairness.
    pub counts_as_night: bool,
    /// Unpaid break inside the shift, not counted as working time.
    pub unpaid_break_minutes: u32,
}

impl ShiftDef {
    /// A shift with no unpaid break that counts as a night exactly when `kind` is `Night`.
    pub fn new(code: &str, start: NaiveTime, end: NaiveTime, kind: ShiftKind) -> Self {
        ShiftDef {
            code: code.to_string(),
            start,
            end,
            kind,
            counts_as_night: kind == ShiftKind::Night,
            unpaid_break_minutes: 0,
        }
    }

    /// Start as minutes after midnight of the shift's date.
    pub fn start_minute(&self) -> i64 {
        minutes_of(self.start)
    }

    /// End as minutes after midnight of the shift's date (above 1440 when it passes midnight).
    pub fn end_minute(&self) -> i64 {
        let end = minutes_of(self.end);
        if end <= self.start_minute() {
            end + 1440
        } else {
            end
        }
    }

    /// Minutes from start to end.
    pub fn duration_minutes(&self) -> i64 {
        self.end_minute() - self.start_minute()
    }

    /// Working time: duration minus the unpaid break.
    pub fn work_minutes(&self) -> i64 {
        self.duration_minutes() - i64::from(self.unpaid_break_minutes)
    }
}

fn minutes_of(time: NaiveTime) -> i64 {
    use chrono::Timelike;
    i64::from(time.hour()) * 60 + i64::from(time.minute())
}

/// Staff needed on one shift, by competence.
///
/// Higher competence may stand in for lower: nurses count towards the
/// health-worker minimum, and everyone counts towards the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CoverDemand {
    /// Minimum number of nurses.
    pub nurses: u32,
    /// Minimum number of health workers (nurses count too) beyond the nurses.
    pub health_workers: u32,
    /// Further staff of any competence.
    pub any: u32,
}

impl CoverDemand {
    /// Total staff wanted on the shift.
    pub fn total(&self) -> u32 {
        self.nurses + self.health_workers + self.any
    }
}

/// Staffing needs: one row per weekday (Monday first), one entry per shift
/// (in the order of [`Unit::shifts`]), with optional per-date overrides.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Demand {
    /// `by_weekday[weekday][shift]`, Monday = 0.
    pub by_weekday: Vec<Vec<CoverDemand>>,
    /// Replaces the weekday row on specific dates (e.g. public holidays).
    pub by_date: BTreeMap<NaiveDate, Vec<CoverDemand>>,
}

/// Whether a wish asks to work or to be off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WishKind {
    /// Wants to work (the named shift, or any shift).
    On,
    /// Wants not to work (the named shift, or at all).
    Off,
}

/// A shift request of an employee.
#[derive(Debug, Clone, PartialEq)]
pub struct Wish {
    /// Date of the request.
    pub date: NaiveDate,
    /// Shift code, or `None` for "any shift" / "the whole day".
    pub shift: Option<String>,
    /// On or off request.
    pub kind: WishKind,
    /// Importance, multiplied by the wishes rule weight.
    pub weight: u32,
}

/// An employee of the unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Staff {
    /// Stable identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Position percentage (100 = full time).
    pub position_pct: f64,
    /// Formal competence.
    pub competence: Competence,
    /// Dates the employee cannot work (courses, leave, sickness).
    pub unavailable: Vec<NaiveDate>,
    /// Shift requests.
    pub wishes: Vec<Wish>,
    /// Minutes credited towards the contracted hours without being rostered
    /// (e.g. planned shifts lost to sick leave).
    pub credited_minutes: i64,
}

impl Staff {
    /// Position as a fraction of a full-time equivalent, floored at 0.05 so
    /// per-FTE ratios stay finite.
    pub fn fte(&self) -> f64 {
        (self.position_pct / 100.0).max(0.05)
    }
}

/// A care unit to be rostered over whole weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Name of the unit.
    pub name: String,
    /// First day of the rota; a Monday.
    pub start_date: NaiveDate,
    /// Length of the rota in weeks (6 for a typical *turnus*).
    pub weeks: usize,
    /// Shift definitions; a rota refers to them by index.
    pub shifts: Vec<ShiftDef>,
    /// Staffing needs.
    pub demand: Demand,
    /// Employees; a rota refers to them by index.
    pub employees: Vec<Staff>,
}

impl Unit {
    /// Number of days in the rota.
    pub fn days(&self) -> usize {
        self.weeks * 7
    }

    /// Date of day index `day`.
    pub fn date(&self, day: usize) -> NaiveDate {
        self.start_date + ChronoDuration::days(day as i64)
    }

    /// Day index of `date`, if inside the rota.
    pub fn day_index(&self, date: NaiveDate) -> Option<usize> {
        let offset = (date - self.start_date).num_days();
        (offset >= 0 && (offset as usize) < self.days()).then_some(offset as usize)
    }

    /// Index of the shift with `code`.
    pub fn shift_index(&self, code: &str) -> Option<usize> {
        self.shifts.iter().position(|s| s.code == code)
    }

    /// Index of the employee with `id`.
    pub fn employee_index(&self, id: &str) -> Option<usize> {
        self.employees.iter().position(|s| s.id == id)
    }

    /// Demand for `shift` on day index `day` (zero when not specified).
    pub fn demand_on(&self, day: usize, shift: usize) -> CoverDemand {
        let date = self.date(day);
        let row = self.demand.by_date.get(&date).or_else(|| {
            self.demand
                .by_weekday
                .get(date.weekday().num_days_from_monday() as usize)
        });
        row.and_then(|r| r.get(shift)).copied().unwrap_or_default()
    }

    /// Problems that make the unit unusable, as readable messages (empty when fine).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.start_date.weekday() != Weekday::Mon {
            problems.push(format!("start date {} is not a Monday", self.start_date));
        }
        if self.weeks == 0 || self.weeks > 64 {
            problems.push(format!("{} weeks (1..=64 allowed)", self.weeks));
        }
        if self.shifts.is_empty() || self.shifts.len() > 200 {
            problems.push(format!(
                "{} shift definitions (1..=200 allowed)",
                self.shifts.len()
            ));
        }
        for staff in &self.employees {
            for wish in &staff.wishes {
                if let Some(code) = &wish.shift {
                    if self.shift_index(code).is_none() {
                        problems.push(format!("{}: wish names unknown shift {code}", staff.id));
                    }
                }
            }
        }
        problems
    }

    /// A realistic nursing home for `staff` employees (about 40 for a 30-bed home).
    ///
    /// Shifts: `D` day 07:30–15:30 (30 min unpaid break), `A` evening
    /// 15:00–22:30, `N` night 22:15–07:45, `L` long day 08:00–20:00 (30 min
    /// unpaid break). Demand for 40 staff: weekdays 8 day, 6 evening, 2 night;
    /// weekends 5 day, 5 evening, 2 night, 2 long; every shift needs a nurse.
    /// Demand scales with `staff / 40`. About 35 % nurses, 50 % health workers
    /// and 15 % assistants; about 30 % full time, the rest in 20–80 %
    /// positions, adjusted so that contracted hours roughly match demand.
    /// Some employees have course days and shift wishes. The rota starts on
    /// Monday 5 January 2026 (no public holidays in the six weeks).
    pub fn example_nursing_home(staff: usize, seed: u64) -> Unit {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let staff = staff.max(4);
        let t = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
        let mut day = ShiftDef::new("D", t(7, 30), t(15, 30), ShiftKind::Day);
        day.unpaid_break_minutes = 30;
        let evening = ShiftDef::new("A", t(15, 0), t(22, 30), ShiftKind::Evening);
        let night = ShiftDef::new("N", t(22, 15), t(7, 45), ShiftKind::Night);
        let mut long = ShiftDef::new("L", t(8, 0), t(20, 0), ShiftKind::Long);
        long.unpaid_break_minutes = 30;
        let shifts = vec![day, evening, night, long];

        let scale = staff as f64 / 40.0;
        let c = |n: u32, hw: u32, any: u32| {
            let s = |x: u32| (f64::from(x) * scale).round() as u32;
            CoverDemand {
                nurses: if n > 0 { s(n).max(1) } else { 0 },
                health_workers: s(hw),
                any: s(any),
            }
        };
        let weekday = vec![c(2, 3, 3), c(1, 3, 2), c(1, 1, 0), c(0, 0, 0)];
        let weekend = vec![c(1, 2, 2), c(1, 2, 2), c(1, 1, 0), c(0, 1, 1)];
        let mut by_weekday = vec![weekday; 5];
        by_weekday.push(weekend.clone());
        by_weekday.push(weekend);
        let demand = Demand {
            by_weekday,
            by_date: BTreeMap::new(),
        };
        let weeks = 6;
        let start_date = NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date");

        // Demand hours per week, and the FTEs needed at about 34.8 h per
        // week (between the 35.5 h and 33.6 h rota weeks).
        let mut weekly_minutes = 0i64;
        for row in &demand.by_weekday {
            for (s, cover) in row.iter().enumerate() {
                weekly_minutes += i64::from(cover.total()) * shifts[s].work_minutes();
            }
        }
        let needed_fte = weekly_minutes as f64 / 60.0 / 34.8;

        const LADDER: [f64; 9] = [20.0, 30.0, 40.0, 50.0, 60.0, 65.0, 75.0, 80.0, 100.0];
        let full_time = ((staff as f64) * 0.3).round() as usize;
        let mut positions: Vec<f64> = (0..staff)
            .map(|i| {
                if i < full_time {
                    100.0
                } else {
                    LADDER[rng.gen_range(0..LADDER.len() - 1)]
                }
            })
            .collect();
        for _ in 0..10_000 {
            let total: f64 = positions.iter().sum::<f64>() / 100.0;
            if (total - needed_fte).abs() <= 0.25 {
                break;
            }
            let i = rng
                .gen_range(full_time..staff.max(full_time + 1))
                .min(staff - 1);
            let step = LADDER.iter().position(|&p| p == positions[i]).unwrap_or(0);
            if total > needed_fte && step > 0 {
                positions[i] = LADDER[step - 1];
            } else if total < needed_fte && step + 2 < LADDER.len() {
                positions[i] = LADDER[step + 1];
            }
        }

        let nurses = ((staff as f64) * 0.35).round() as usize;
        let health_workers = ((staff as f64) * 0.5).round() as usize;
        let mut competences: Vec<Competence> = (0..staff)
            .map(|i| {
                if i < nurses {
                    Competence::Nurse
                } else if i < nurses + health_workers {
                    Competence::HealthWorker
                } else {
                    Competence::Assistant
                }
            })
            .collect();
        competences.shuffle(&mut rng);

        const FIRST: [&str; 20] = [
            "Ingrid", "Ola", "Kari", "Lars", "Sigrid", "Nils", "Astrid", "Per", "Marit", "Jonas",
            "Hanne", "Emil", "Solveig", "Amir", "Ane", "Tobias", "Liv", "Mohammed", "Nora",
            "Henrik",
        ];
        const LAST: [&str; 12] = [
            "Hansen",
            "Johansen",
            "Olsen",
            "Larsen",
            "Andersen",
            "Pedersen",
            "Nilsen",
            "Kristiansen",
            "Jensen",
            "Karlsen",
            "Berg",
            "Haugen",
        ];
        let days = weeks * 7;
        let employees = (0..staff)
            .map(|i| {
                let mut unavailable = Vec::new();
                if rng.gen_bool(0.15) {
                    let first = rng.gen_range(0..days - 3);
                    for d in first..first + rng.gen_range(1..=3) {
                        unavailable.push(start_date + ChronoDuration::days(d as i64));
                    }
                }
                let mut wishes = Vec::new();
                for _ in 0..rng.gen_range(0..=3) {
                    let date = start_date + ChronoDuration::days(rng.gen_range(0..days) as i64);
                    let roll: f64 = rng.gen();
                    let (kind, shift) = if roll < 0.6 {
                        (WishKind::Off, None)
                    } else if roll < 0.8 {
                        (WishKind::Off, Some("N".to_string()))
                    } else {
                        (WishKind::On, Some("D".to_string()))
                    };
                    wishes.push(Wish {
                        date,
                        shift,
                        kind,
                        weight: rng.gen_range(1..=3),
                    });
                }
                Staff {
                    id: format!("E{:02}", i + 1),
                    name: format!(
                        "{} {}",
                        FIRST[rng.gen_range(0..FIRST.len())],
                        LAST[rng.gen_range(0..LAST.len())]
                    ),
                    position_pct: positions[i],
                    competence: competences[i],
                    unavailable,
                    wishes,
                    credited_minutes: 0,
                }
            })
            .collect();
        Unit {
            name: format!("Example nursing home ({staff} staff, seed {seed})"),
            start_date,
            weeks,
            shifts,
            demand,
            employees,
        }
    }
}

/// A rota: for each employee and day, the shift worked (by index into
/// [`Unit::shifts`]) or `None` for a day off.
///
/// The grid holds one shift per day; further shifts on the same day (only
/// ever present in imported or hand-made rotas) are kept as extras so that
/// the checker can report them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rota {
    days: usize,
    grid: Vec<Vec<Option<usize>>>,
    extras: Vec<(usize, usize, usize)>,
}

impl Rota {
    /// An all-off rota for `employees` × `days`.
    pub fn empty(employees: usize, days: usize) -> Rota {
        Rota {
            days,
            grid: vec![vec![None; days]; employees],
            extras: Vec::new(),
        }
    }

    /// An all-off rota shaped for `unit`.
    pub fn empty_for(unit: &Unit) -> Rota {
        Rota::empty(unit.employees.len(), unit.days())
    }

    /// Number of employees.
    pub fn employees(&self) -> usize {
        self.grid.len()
    }

    /// Number of days.
    pub fn days(&self) -> usize {
        self.days
    }

    /// The (first) shift of `employee` on `day` (`None` outside the rota).
    pub fn get(&self, employee: usize, day: usize) -> Option<usize> {
        self.grid.get(employee)?.get(day).copied().flatten()
    }

    /// Sets the shift of `employee` on `day` (removing any extra shifts that day).
    pub fn set(&mut self, employee: usize, day: usize, shift: Option<usize>) {
        self.grid[employee][day] = shift;
        self.extras.retain(|&(e, d, _)| (e, d) != (employee, day));
    }

    /// Adds a further shift on a day that already has one (or sets it if off).
    pub fn add(&mut self, employee: usize, day: usize, shift: usize) {
        if self.grid[employee][day].is_none() {
            self.grid[employee][day] = Some(shift);
        } else {
            self.extras.push((employee, day, shift));
        }
    }

    /// Every shift of `employee` on `day`, grid shift first (empty outside the rota).
    pub fn shifts_on(&self, employee: usize, day: usize) -> Vec<usize> {
        let mut shifts: Vec<usize> = self.get(employee, day).into_iter().collect();
        shifts.extend(
            self.extras
                .iter()
                .filter(|&&(e, d, _)| e == employee && d == day)
                .map(|&(_, _, s)| s),
        );
        shifts
    }

    /// Cells (employee, day) whose shifts differ from `other`'s.
    pub fn diff(&self, other: &Rota) -> Vec<(usize, usize)> {
        let mut cells = Vec::new();
        for e in 0..self.employees().min(other.employees()) {
            for d in 0..self.days.min(other.days) {
                if self.shifts_on(e, d) != other.shifts_on(e, d) {
                    cells.push((e, d));
                }
            }
        }
        cells
    }
}
