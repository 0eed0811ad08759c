//! The solver's compiled view of an instance: dense tables indexed by small
//! integers, and the penalised cost of one employee's line.
//!
//! A line is a slice of `u8` values, one per day: `0` is a day off and
//! `v >= 1` is shift index `v - 1`. Hard constraints are priced (so the local
//! search may pass through infeasible rosters) with weights far above any
//! soft penalty; the result is re-checked by the independent evaluator.

use crate::instance::Instance;

/// Violation measure of one day, shift or weekend beyond a limit; a minute
/// outside the total-minutes window counts 1, so a 480-minute shift is 4.8 units.
pub(crate) const VIOLATION_UNIT: i64 = 100;

/// One employee's limits, as signed integers for cheap arithmetic.
#[derive(Debug, Clone)]
pub(crate) struct Contract {
    /// Indexed by value (`0` unused).
    pub max_shifts: Vec<i32>,
    pub max_minutes: i64,
    pub min_minutes: i64,
    pub max_consecutive: usize,
    pub min_consecutive: usize,
    pub min_off: usize,
    pub max_weekends: i32,
}

/// Dense tables for the search.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub horizon: usize,
    pub shifts: usize,
    pub employees: usize,
    /// Values per day: `shifts + 1`.
    pub values: usize,
    /// Minutes per value (`0` for off).
    pub minutes: Vec<i64>,
    /// `forbid[a * values + b]`: value `b` may not follow value `a` the next day.
    pub forbid: Vec<bool>,
    pub contracts: Vec<Contract>,
    /// `day_off[e * horizon + d]`.
    pub day_off: Vec<bool>,
    /// `pref[(e * horizon + d) * values + v]`: request cost of giving value `v`.
    pub pref: Vec<i64>,
    /// `cover_req[d * shifts + s]`, `cover_under`, `cover_over` likewise.
    pub cover_req: Vec<i32>,
    pub cover_under: Vec<i64>,
    pub cover_over: Vec<i64>,
    /// Greatest common divisor of the shift lengths, if positive: the unit in
    /// which the line DP can count minutes exactly.
    pub minute_unit: Option<i64>,
}

impl Model {
    pub(crate) fn new(instance: &Instance) -> Self {
        let horizon = instance.horizon();
        let shifts = instance.shifts().len();
        let employees = instance.employees().len();
        let values = shifts + 1;
        let mut minutes = vec![0; values];
        let mut forbid = vec![false; values * values];
        for (s, shift) in instance.shifts().iter().enumerate() {
            minutes[s + 1] = i64::from(shift.minutes);
            for &next in &shift.cannot_follow {
                forbid[(s + 1) * values + next + 1] = true;
            }
        }
        let contracts = instance
            .employees()
            .iter()
            .map(|e| {
                let mut max_shifts = vec![0; values];
                for (s, &m) in e.max_shifts.iter().enumerate() {
                    max_shifts[s + 1] = m as i32;
                }
                Contract {
                    max_shifts,
                    max_minutes: i64::from(e.max_total_minutes),
                    min_minutes: i64::from(e.min_total_minutes),
                    max_consecutive: e.max_consecutive_shifts as usize,
                    min_consecutive: e.min_consecutive_shifts as usize,
                    min_off: e.min_consecutive_days_off as usize,
                    max_weekends: e.max_weekends as i32,
                }
            })
            .collect();
        let mut day_off = vec![false; employees * horizon];
        for (e, employee) in instance.employees().iter().enumerate() {
            for &d in &employee.days_off {
                day_off[e * horizon + d] = true;
            }
        }
        let mut pref = vec![0i64; employees * horizon * values];
        for r in instance.on_requests() {
            let base = (r.employee * horizon + r.day) * values;
            for v in 0..values {
                if v != r.shift + 1 {
                    pref[base + v] += i64::from(r.weight);
                }
            }
        }
        for r in instance.off_requests() {
            pref[(r.employee * horizon + r.day) * values + r.shift + 1] += i64::from(r.weight);
        }
        let mut cover_req = vec![0; horizon * shifts];
        let mut cover_under = vec![0; horizon * shifts];
        let mut cover_over = vec![0; horizon * shifts];
        for d in 0..horizon {
            for s in 0..shifts {
                let c = instance.cover(d, s);
                cover_req[d * shifts + s] = c.requirement as i32;
                cover_under[d * shifts + s] = i64::from(c.under_weight);
                cover_over[d * shifts + s] = i64::from(c.over_weight);
            }
        }
        let gcd = minutes[1..].iter().fold(0i64, |a, &b| gcd(a, b));
        Self {
            minute_unit: (gcd > 0).then_some(gcd),
            horizon,
            shifts,
            employees,
            values,
            minutes,
            forbid,
            contracts,
            day_off,
            pref,
            cover_req,
            cover_under,
            cover_over,
        }
    }

    /// False if value `v` on day `d` breaks a fixed rule of employee `e` by
    /// itself (a day off, or a shift type the contract forbids).
    #[inline]
    pub(crate) fn may_work(&self, e: usize, d: usize, v: u8) -> bool {
        v == 0
            || (!self.day_off[e * self.horizon + d] && self.contracts[e].max_shifts[v as usize] > 0)
    }

    /// Cover penalty of cell `cell = d * shifts + s` when `count` employees work it.
    #[inline]
    pub(crate) fn cover_cost(&self, cell: usize, count: i32) -> i64 {
        let diff = count - self.cover_req[cell];
        if diff < 0 {
            -i64::from(diff) * self.cover_under[cell]
        } else {
            i64::from(diff) * self.cover_over[cell]
        }
    }

    /// Change in the cover penalty of `cell` when its count goes from `count` to `count + 1`.
    #[inline]
    pub(crate) fn cover_add(&self, cell: usize, count: i32) -> i64 {
        if count < self.cover_req[cell] {
            -self.cover_under[cell]
        } else {
            self.cover_over[cell]
        }
    }

    /// Request penalties and hard-constraint violation measure of employee
    /// `e` working `line`. Returns `(soft, violation)`, where the violation is
    /// [`VIOLATION_UNIT`] per day, shift or weekend in excess plus one per
    /// minute outside the total-minutes window; zero means feasible.
    ///
    /// `counts` is scratch space of length `values`.
    pub(crate) fn line_cost(&self, e: usize, line: &[u8], counts: &mut [i32]) -> (i64, i64) {
        let h = self.horizon;
        let c = &self.contracts[e];
        let pref = &self.pref[e * h * self.values..(e + 1) * h * self.values];
        let day_off = &self.day_off[e * h..(e + 1) * h];
        counts.iter_mut().for_each(|x| *x = 0);
        let mut soft = 0i64;
        let mut units = 0i64;
        let mut minutes = 0i64;
        let mut weekends = 0i32;
        let mut run_work = line[0] > 0;
        let mut run_len = 0usize;
        let mut run_start = 0usize;
        let mut prev = 0u8;
        for d in 0..h {
            let v = line[d];
            let vi = v as usize;
            soft += pref[d * self.values + vi];
            let working = v > 0;
            if working {
                counts[vi] += 1;
                minutes += self.minutes[vi];
                if day_off[d] {
                    units += 1;
                }
                if prev > 0 && self.forbid[prev as usize * self.values + vi] {
                    units += 1;
                }
            }
            if working == run_work {
                run_len += 1;
            } else {
                units += self.run_violation(c, run_work, run_len, run_start == 0, false);
                run_work = working;
                run_len = 1;
                run_start = d;
            }
            match d % 7 {
                5 if working && d + 1 == h => weekends += 1,
                6 if working || prev > 0 => weekends += 1,
                _ => {}
            }
            prev = v;
        }
        units += self.run_violation(c, run_work, run_len, run_start == 0, true);
        for v in 1..self.values {
            if counts[v] > c.max_shifts[v] {
                units += i64::from(counts[v] - c.max_shifts[v]);
            }
        }
        if weekends > c.max_weekends {
            units += i64::from(weekends - c.max_weekends);
        }
        let minute_gap = (minutes - c.max_minutes).max(0) + (c.min_minutes - minutes).max(0);
        (soft, units * VIOLATION_UNIT + minute_gap)
    }

    /// Costs of days `[lo, hi)` of employee `e`'s `line`, where `lo` and
    /// `hi` are run boundaries (or the horizon edges): request penalties,
    /// local violation units (days off, forbidden successions, run lengths),
    /// minutes, weekend openings (see `window::weekend_contribution`), and
    /// per-value counts added into `counts`. Summed over a partition of the
    /// line into such segments these give `line_cost` (see `violation_of`).
    pub(crate) fn segment_cost(
        &self,
        e: usize,
        line: &[u8],
        lo: usize,
        hi: usize,
        counts: &mut [i32],
    ) -> (i64, i64, i64, i32) {
        let h = self.horizon;
        let c = &self.contracts[e];
        let pref = &self.pref[e * h * self.values..(e + 1) * h * self.values];
        let day_off = &self.day_off[e * h..(e + 1) * h];
        let mut soft = 0i64;
        let mut units = 0i64;
        let mut minutes = 0i64;
        let mut weekends = 0i32;
        let mut run_start = lo;
        for d in lo..hi {
            let v = line[d];
            let vi = v as usize;
            soft += pref[d * self.values + vi];
            let working = v > 0;
            if working {
                counts[vi] += 1;
                minutes += self.minutes[vi];
                if day_off[d] {
                    units += 1;
                }
                if d > 0 && line[d - 1] > 0 && self.forbid[line[d - 1] as usize * self.values + vi]
                {
                    units += 1;
                }
                match d % 7 {
                    5 => weekends += 1,
                    6 if d == 0 || line[d - 1] == 0 => weekends += 1,
                    _ => {}
                }
            }
            if d + 1 == hi || (line[d + 1] > 0) != working {
                units +=
                    self.run_violation(c, working, d + 1 - run_start, run_start == 0, d + 1 == h);
                run_start = d + 1;
            }
        }
        (soft, units, minutes, weekends)
    }

    /// Violation measure of a line from its aggregates (see `segment_cost`).
    pub(crate) fn violation_of(
        &self,
        e: usize,
        local: i64,
        minutes: i64,
        weekends: i32,
        counts: &[i32],
    ) -> i64 {
        let c = &self.contracts[e];
        let mut units = local;
        for v in 1..self.values {
            if counts[v] > c.max_shifts[v] {
                units += i64::from(counts[v] - c.max_shifts[v]);
            }
        }
        if weekends > c.max_weekends {
            units += i64::from(weekends - c.max_weekends);
        }
        let minute_gap = (minutes - c.max_minutes).max(0) + (c.min_minutes - minutes).max(0);
        units * VIOLATION_UNIT + minute_gap
    }

    /// Days where `line` breaks a local hard rule (a worked day off, a
    /// forbidden succession, a run outside its length limits: its last day).
    /// Global limits (minutes, weekends, per-type counts) are not located.
    pub(crate) fn violation_days(&self, e: usize, line: &[u8], out: &mut Vec<usize>) {
        let h = self.horizon;
        let c = &self.contracts[e];
        out.clear();
        let mut run_start = 0;
        for d in 0..h {
            let v = line[d];
            if v > 0 && self.day_off[e * h + d] {
                out.push(d);
            }
            if d > 0
                && v > 0
                && line[d - 1] > 0
                && self.forbid[line[d - 1] as usize * self.values + v as usize]
            {
                out.push(d);
            }
            let run_end = d + 1 == h || (line[d + 1] > 0) != (v > 0);
            if run_end {
                let units =
                    self.run_violation(c, v > 0, d + 1 - run_start, run_start == 0, d + 1 == h);
                if units > 0 {
                    out.push(d);
                }
                run_start = d + 1;
            }
        }
    }

    /// Violation units of one maximal run; runs touching an edge are exempt from minimums.
    #[inline]
    fn run_violation(
        &self,
        c: &Contract,
        working: bool,
        len: usize,
        at_start: bool,
        at_end: bool,
    ) -> i64 {
        let edge = at_start || at_end;
        let mut units = 0;
        if working {
            if len > c.max_consecutive {
                units += (len - c.max_consecutive) as i64;
            }
            if !edge && len < c.min_consecutive {
                units += (c.min_consecutive - len) as i64;
            }
        } else if !edge && len < c.min_off {
            units += (c.min_off - len) as i64;
        }
        units
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
