//! The solver: greedy construction, then simulated annealing over cell
//! changes, same-day swaps between two employees and block swaps.
//!
//! The solver keeps its own compact model (minutes precomputed per day and
//! shift, one byte per cell) and a penalised cost: every unit of a hard
//! violation costs [`HARD_WEIGHT`] plus its size, soft costs are added as the
//! rule set defines them. The cost decomposes into one term per employee
//! line, one per (day, shift) cover cell and a global fairness term kept as
//! running sums, so a move re-scores only the lines and cells it touches.
//! The returned rota is always re-checked by the independent checker
//! ([`super::check`]).

// The search walks parallel arrays indexed by day and shift; index loops say
// that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::evaluate::{check, Report};
use super::model::{Competence, Rota, ShiftKind, Unit, WishKind};
use super::rules::{RuleMeta, RuleSet, Severity, SundayCounts};

/// Cost of one unit of hard violation in the search (the size of the
/// violation, e.g. hours of missing rest, is added on top so the search
/// sees progress).
pub const HARD_WEIGHT: f64 = 1000.0;

const OFF: u8 = u8::MAX;
const DAY: i64 = 1440;

/// A fixed assignment the solver must keep: `shift` (or a day off when `None`)
/// for `employee` on `day` (indexes into the unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin {
    /// Employee index.
    pub employee: usize,
    /// Day index.
    pub day: usize,
    /// Shift index, or `None` for a pinned day off.
    pub shift: Option<usize>,
}

/// How long and from where to search.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Wall-clock budget.
    pub time_limit: Duration,
    /// Seed of every random choice.
    pub seed: u64,
    /// Assignments to keep.
    pub pins: Vec<Pin>,
    /// Optional cap on annealing moves. When set, the cooling schedule follows
    /// the moves instead of the clock, so a run that ends by this cap (not by
    /// `time_limit`) is reproducible regardless of machine speed.
    pub max_moves: Option<u64>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            time_limit: Duration::from_secs(20),
            seed: 0,
            pins: Vec::new(),
            max_moves: None,
        }
    }
}

/// A planned rota with its independent check.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The best rota found (legal ones are always preferred).
    pub rota: Rota,
    /// The checker's report on it.
    pub report: Report,
    /// Total search time.
    pub elapsed: Duration,
    /// Time at which the first rota without hard violations was found.
    pub time_to_legal: Option<Duration>,
    /// Annealing moves tried.
    pub moves: u64,
    /// The solver's own count of hard-violation units for the rota (0 when legal).
    pub search_hard: f64,
    /// The solver's own soft score for the rota; equals the checker's
    /// `report.soft.total` (a difference means the two models disagree).
    pub search_soft: f64,
}

/// Extra inputs used by re-planning: a start rota and a cost per changed cell.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reference<'a> {
    pub start: Option<&'a Rota>,
    pub keep: Option<(&'a Rota, f64)>,
    /// Annealing temperatures (start, end); `None` for the planning default.
    pub temperatures: Option<(f64, f64)>,
}

/// Plans a rota for `unit` under `rules`.
///
/// The unit should have no [`Unit::problems`]; the solver handles at most
/// 254 shift definitions and 64 weeks.
pub fn plan(unit: &Unit, rules: &RuleSet, options: &PlanOptions) -> Plan {
    plan_with(unit, rules, options, Reference::default())
}

pub(crate) fn plan_with(
    unit: &Unit,
    rules: &RuleSet,
    options: &PlanOptions,
    reference: Reference<'_>,
) -> Plan {
    let started = Instant::now();
    let model = Model::new(unit, rules, options, &reference);
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut state = State::new(&model, &reference);
    if reference.start.is_none() {
        state.construct(&model, &mut rng);
    }
    let mut best = state.grid.clone();
    let mut best_rank = state.rank();
    let mut time_to_legal = (best_rank.0 < 0.5).then(|| started.elapsed());
    let mut moves = 0u64;

    let limit = options.time_limit.as_secs_f64().max(1e-3);
    let (t_start, t_end) = reference.temperatures.unwrap_or((20.0, 0.3));
    let mut temperature = t_start;
    loop {
        if moves % 1024 == 0 {
            let elapsed = started.elapsed().as_secs_f64();
            let fraction = match options.max_moves {
                Some(max) => moves as f64 / max.max(1) as f64,
                None => elapsed / limit,
            };
            if fraction >= 1.0 || elapsed >= limit {
                break;
            }
            temperature = t_start * (t_end / t_start).powf(fraction);
            if moves % (1 << 20) == 0 {
                state.recompute(&model);
            }
        }
        moves += 1;
        state.random_move(&model, &mut rng, temperature);
        let rank = state.rank();
        if better(rank, best_rank) {
            best_rank = rank;
            best.copy_from_slice(&state.grid);
            if time_to_legal.is_none() && rank.0 < 0.5 {
                time_to_legal = Some(started.elapsed());
            }
        }
    }
    let rota = model.to_rota(&best);
    let report = check(unit, rules, &rota);
    state.grid.copy_from_slice(&best);
    state.recompute(&model);
    Plan {
        rota,
        report,
        elapsed: started.elapsed(),
        time_to_legal,
        moves,
        search_hard: state.hard,
        search_soft: state.soft,
    }
}

fn better(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0 < b.0 - 1e-6 || ((a.0 - b.0).abs() <= 1e-6 && a.1 < b.1 - 1e-6)
}

/// How a rule contributes: not at all, as hard units, or as weighted soft cost.
#[derive(Clone, Copy)]
enum Mode {
    Off,
    Hard,
    Soft(f64),
}

impl Mode {
    fn of(meta: RuleMeta<'_>) -> Mode {
        match (meta.enabled, meta.severity) {
            (false, _) => Mode::Off,
            (true, Severity::Hard) => Mode::Hard,
            (true, Severity::Soft) => Mode::Soft(meta.weight),
        }
    }

    fn on(self) -> bool {
        !matches!(self, Mode::Off)
    }

    /// Adds a breach of size `amount` to (hard units, soft cost).
    fn add(self, cost: &mut Cost, amount: f64) {
        match self {
            Mode::Off => {}
            Mode::Hard => cost.hard += 1.0 + amount,
            Mode::Soft(weight) => cost.soft += weight * amount,
        }
    }
}

#[derive(Clone, Copy, Default, Debug)]
struct Cost {
    hard: f64,
    soft: f64,
}

#[derive(Clone, Copy, Default)]
struct LineVal {
    cost: Cost,
    counts: [f64; 3],
}

struct Wished {
    day: usize,
    shift: Option<u8>,
    on: bool,
    cost: f64,
}

struct Model {
    employees: usize,
    days: usize,
    shifts: usize,
    weeks: usize,
    start: Vec<i64>,
    end: Vec<i64>,
    work: Vec<i64>,
    night: Vec<bool>,
    long: Vec<bool>,
    sunday: Vec<i8>,
    weekend: Vec<i8>,
    sunday_minutes: Vec<i64>,
    night_minutes: Vec<i64>,
    too_long: Vec<f64>,
    fte: Vec<f64>,
    pct: Vec<f64>,
    competence: Vec<Competence>,
    unavailable: Vec<bool>,
    credited: Vec<i64>,
    wishes: Vec<Vec<Wished>>,
    demand: Vec<[u32; 3]>,
    pinned: Vec<bool>,
    pins: Vec<(usize, u8)>,
    keep: Option<(Vec<u8>, f64)>,
    // Rules.
    availability: Mode,
    daily_rest: (Mode, i64),
    weekly_rest: (Mode, i64),
    shift_length: Mode,
    weekly_hours: (Mode, i64, f64, usize),
    contract: Mode,
    contract_soft: f64,
    contract_params: super::rules::ContractHours,
    sunday_rule: (Mode, bool, usize, usize, bool),
    nights: (Mode, usize),
    competence_cover: Mode,
    cover: (bool, f64, f64),
    wishes_on: bool,
    fairness: [f64; 3],
    weekend_pattern: (bool, f64, usize, f64),
    isolated: (bool, f64),
    order: Vec<usize>,
}

impl Model {
    fn new(
        unit: &Unit,
        rules: &RuleSet,
        options: &PlanOptions,
        reference: &Reference<'_>,
    ) -> Model {
        let r = &rules.rules;
        let (days, shifts, weeks) = (unit.days(), unit.shifts.len(), unit.weeks);
        let employees = unit.employees.len();
        let cells = days * shifts;
        let mut m = Model {
            employees,
            days,
            shifts,
            weeks,
            start: vec![0; cells],
            end: vec![0; cells],
            work: unit.shifts.iter().map(|s| s.work_minutes()).collect(),
            night: unit.shifts.iter().map(|s| s.counts_as_night).collect(),
            long: unit
                .shifts
                .iter()
                .map(|s| s.kind == ShiftKind::Long)
                .collect(),
            sunday: vec![-1; cells],
            weekend: vec![-1; cells],
            sunday_minutes: vec![0; cells],
            night_minutes: vec![0; cells],
            too_long: unit
                .shifts
                .iter()
                .map(|s| (s.work_minutes() as f64 / 60.0 - r.shift_length.max_hours).max(0.0))
                .collect(),
            fte: unit.employees.iter().map(|s| s.fte()).collect(),
            pct: unit
                .employees
                .iter()
                .map(|s| s.position_pct / 100.0)
                .collect(),
            competence: unit.employees.iter().map(|s| s.competence).collect(),
            unavailable: vec![false; employees * days],
            credited: unit.employees.iter().map(|s| s.credited_minutes).collect(),
            wishes: Vec::new(),
            demand: vec![[0; 3]; cells],
            pinned: vec![false; employees * days],
            pins: Vec::new(),
            keep: None,
            availability: Mode::of(r.availability.meta()),
            daily_rest: (
                Mode::of(r.daily_rest.meta()),
                (r.daily_rest.min_hours * 60.0).round() as i64,
            ),
            weekly_rest: (
                Mode::of(r.weekly_rest.meta()),
                (r.weekly_rest.min_hours * 60.0).round() as i64,
            ),
            shift_length: Mode::of(r.shift_length.meta()),
            weekly_hours: (
                Mode::of(r.weekly_hours.meta()),
                (r.weekly_hours.max_week_hours * 60.0).round() as i64,
                r.weekly_hours.max_average_hours,
                (r.weekly_hours.averaging_weeks as usize).clamp(1, weeks.max(1)),
            ),
            contract: if r.contract_hours.enabled && r.contract_hours.severity == Severity::Hard {
                Mode::Hard
            } else {
                Mode::Off
            },
            contract_soft: if r.contract_hours.enabled {
                r.contract_hours.weight
            } else {
                0.0
            },
            contract_params: r.contract_hours.clone(),
            sunday_rule: (
                Mode::of(r.sunday_work.meta()),
                r.sunday_work.counts == SundayCounts::Weekend,
                r.sunday_work.window as usize,
                r.sunday_work.max_in_window as usize,
                r.sunday_work.averaged,
            ),
            nights: (
                Mode::of(r.consecutive_nights.meta()),
                r.consecutive_nights.max_nights as usize,
            ),
            competence_cover: Mode::of(r.competence_cover.meta()),
            cover: (r.cover.enabled, r.cover.under_weight, r.cover.over_weight),
            wishes_on: r.wishes.enabled,
            fairness: if r.fairness.enabled {
                [
                    r.fairness.nights_weight,
                    r.fairness.weekends_weight,
                    r.fairness.long_weight,
                ]
            } else {
                [0.0; 3]
            },
            weekend_pattern: (
                r.weekend_pattern.enabled,
                r.weekend_pattern.weight,
                r.weekend_pattern.every_nth as usize,
                r.weekend_pattern.split_weight,
            ),
            isolated: (r.isolated_days_off.enabled, r.isolated_days_off.weight),
            order: Vec::new(),
        };
        let sw = &r.sunday_work;
        let ch = &r.contract_hours;
        for d in 0..days {
            for (s, def) in unit.shifts.iter().enumerate() {
                let i = d * shifts + s;
                let (st, en) = (
                    d as i64 * DAY + def.start_minute(),
                    d as i64 * DAY + def.end_minute(),
                );
                m.start[i] = st;
                m.end[i] = en;
                for k in 0..weeks {
                    let saturday = (k * 7 + 5) as i64 * DAY;
                    let sunday_period = (
                        saturday + (sw.saturday_from * 60.0).round() as i64,
                        saturday + DAY + (sw.sunday_until * 60.0).round() as i64,
                    );
                    let o = overlap((st, en), sunday_period);
                    if o > 0 && k < 64 {
                        m.sunday[i] = k as i8;
                        m.sunday_minutes[i] += o;
                    }
                    if overlap((st, en), (saturday, saturday + 2 * DAY)) > 0 && k < 64 {
                        m.weekend[i] = k as i8;
                    }
                }
                for j in d as i64 - 1..=d as i64 + 1 {
                    let from = j * DAY + (ch.night_from * 60.0).round() as i64;
                    let mut until = j * DAY + (ch.night_until * 60.0).round() as i64;
                    if until <= from {
                        until += DAY;
                    }
                    m.night_minutes[i] += overlap((st, en), (from, until));
                }
                let demand = unit.demand_on(d, s);
                m.demand[i] = [
                    demand.nurses,
                    demand.nurses + demand.health_workers,
                    demand.total(),
                ];
            }
        }
        for (e, staff) in unit.employees.iter().enumerate() {
            for date in &staff.unavailable {
                if let Some(d) = unit.day_index(*date) {
                    m.unavailable[e * days + d] = true;
                }
            }
            let weight = r.wishes.weight;
            m.wishes.push(
                staff
                    .wishes
                    .iter()
                    .filter_map(|w| {
                        let day = unit.day_index(w.date)?;
                        let shift = match &w.shift {
                            Some(code) => Some(unit.shift_index(code)? as u8),
                            None => None,
                        };
                        Some(Wished {
                            day,
                            shift,
                            on: w.kind == WishKind::On,
                            cost: weight * f64::from(w.weight),
                        })
                    })
                    .collect(),
            );
        }
        for pin in &options.pins {
            if pin.employee < employees && pin.day < days {
                let cell = pin.employee * days + pin.day;
                m.pinned[cell] = true;
                m.pins.push((cell, pin.shift.map_or(OFF, |s| s as u8)));
            }
        }
        if let Some((rota, weight)) = reference.keep {
            m.keep = Some((m.grid_of(rota), weight));
        }
        // Construction order: nights first (the most constrained), then long, day, evening.
        let mut order: Vec<usize> = (0..shifts).collect();
        order.sort_by_key(|&s| match unit.shifts[s].kind {
            ShiftKind::Night => 0,
            ShiftKind::Long => 1,
            ShiftKind::Day => 2,
            ShiftKind::Evening => 3,
        });
        m.order = order;
        m
    }

    fn grid_of(&self, rota: &Rota) -> Vec<u8> {
        let mut grid = vec![OFF; self.employees * self.days];
        for e in 0..self.employees.min(rota.employees()) {
            for d in 0..self.days.min(rota.days()) {
                if let Some(s) = rota.get(e, d) {
                    grid[e * self.days + d] = s as u8;
                }
            }
        }
        grid
    }

    fn to_rota(&self, grid: &[u8]) -> Rota {
        let mut rota = Rota::empty(self.employees, self.days);
        for e in 0..self.employees {
            for d in 0..self.days {
                let v = grid[e * self.days + d];
                if v != OFF {
                    rota.set(e, d, Some(v as usize));
                }
            }
        }
        rota
    }

    /// Cost of one employee's line, plus its fairness counts.
    fn line(&self, e: usize, line: &[u8], scratch: &mut Vec<(i64, i64)>) -> LineVal {
        let mut cost = Cost::default();
        let days = self.days;
        scratch.clear();
        let mut week_minutes = [0i64; 64];
        let mut sundays = 0u64;
        let mut weekends = 0u64;
        let (mut sunday_min, mut night_min, mut worked) = (0i64, 0i64, 0i64);
        let (mut nights, mut longs) = (0u32, 0u32);
        let mut run = 0usize;
        let mut prev_end: Option<i64> = None;
        for d in 0..days {
            let v = line[d];
            if v == OFF {
                if run > self.nights.1 {
                    self.nights.0.add(&mut cost, (run - self.nights.1) as f64);
                }
                run = 0;
                continue;
            }
            let s = v as usize;
            let i = d * self.shifts + s;
            let (st, en) = (self.start[i], self.end[i]);
            if self.unavailable[e * days + d] {
                self.availability.add(&mut cost, 1.0);
            }
            if self.too_long[s] > 0.0 {
                self.shift_length.add(&mut cost, self.too_long[s]);
            }
            if let Some(pe) = prev_end {
                let rest = st - pe;
                if rest < self.daily_rest.1 {
                    self.daily_rest
                        .0
                        .add(&mut cost, (self.daily_rest.1 - rest) as f64 / 60.0);
                }
            }
            prev_end = Some(en);
            scratch.push((st, en));
            worked += self.work[s];
            week_minutes[(d / 7).min(63)] += self.work[s];
            if self.sunday[i] >= 0 {
                sundays |= 1 << self.sunday[i];
            }
            if self.weekend[i] >= 0 {
                weekends |= 1 << self.weekend[i];
            }
            sunday_min += self.sunday_minutes[i];
            night_min += self.night_minutes[i];
            if self.night[s] {
                nights += 1;
                run += 1;
            } else {
                if run > self.nights.1 {
                    self.nights.0.add(&mut cost, (run - self.nights.1) as f64);
                }
                run = 0;
            }
            if self.long[s] {
                longs += 1;
            }
        }
        if run > self.nights.1 {
            self.nights.0.add(&mut cost, (run - self.nights.1) as f64);
        }

        // Weekly rest inside each 7-day period.
        if self.weekly_rest.0.on() {
            let mut first = 0usize;
            for week in 0..self.weeks {
                let (p0, p1) = ((week * 7) as i64 * DAY, (week * 7 + 7) as i64 * DAY);
                while first < scratch.len() && scratch[first].1 <= p0 {
                    first += 1;
                }
                let mut cursor = p0;
                let mut longest = 0;
                for &(st, en) in &scratch[first..] {
                    if st >= p1 {
                        break;
                    }
                    longest = longest.max(st.min(p1) - cursor);
                    cursor = cursor.max(en);
                }
                longest = longest.max(p1 - cursor.min(p1));
                if longest < self.weekly_rest.1 {
                    self.weekly_rest
                        .0
                        .add(&mut cost, (self.weekly_rest.1 - longest) as f64 / 60.0);
                }
            }
        }

        // Weekly hours.
        let (mode, cap, max_average, span) = self.weekly_hours;
        if mode.on() {
            for w in 0..self.weeks.min(64) {
                if week_minutes[w] > cap {
                    mode.add(&mut cost, (week_minutes[w] - cap) as f64 / 60.0);
                }
            }
            for first in 0..=self.weeks.min(64).saturating_sub(span) {
                let sum: i64 = week_minutes[first..first + span].iter().sum();
                let average = sum as f64 / 60.0 / span as f64;
                if average > max_average + 1e-9 {
                    mode.add(&mut cost, average - max_average);
                }
            }
        }

        // Sunday rule.
        let (mode, by_weekend, window, max_in, averaged) = self.sunday_rule;
        if mode.on() {
            let counted = if by_weekend { weekends } else { sundays };
            if averaged {
                let worked = counted.count_ones() as usize;
                let allowed = max_in * self.weeks / window;
                if worked > allowed {
                    mode.add(&mut cost, (worked - allowed) as f64);
                }
            } else if window <= self.weeks {
                let mask = (1u64 << window) - 1;
                for first in 0..=self.weeks - window {
                    let worked = ((counted >> first) & mask).count_ones() as usize;
                    if worked > max_in {
                        mode.add(&mut cost, (worked - max_in) as f64);
                    }
                }
            }
        }

        // Contracted hours.
        let ch = &self.contract_params;
        if ch.enabled {
            let weeks = self.weeks as f64;
            let qualifies =
                sundays.count_ones() as f64 + 1e-9 >= ch.qualifying_sunday_share * weeks;
            let rota_week = if qualifies {
                let extra = (sunday_min as f64 * ch.sunday_extra_minutes / 60.0
                    + night_min as f64 * ch.night_extra_minutes / 60.0)
                    / 60.0;
                (ch.full_week_hours - extra / (weeks * self.fte[e]))
                    .clamp(ch.min_week_hours, ch.max_week_hours)
            } else {
                ch.max_week_hours
            };
            let target = self.pct[e] * rota_week * weeks;
            let deviation = ((worked + self.credited[e]) as f64 / 60.0 - target).abs();
            cost.soft += self.contract_soft * deviation;
            if deviation > ch.tolerance_hours + 1e-9 {
                self.contract.add(&mut cost, deviation - ch.tolerance_hours);
            }
        }

        // Wishes.
        if self.wishes_on {
            for w in &self.wishes[e] {
                let v = line[w.day];
                let works = match w.shift {
                    Some(s) => v == s,
                    None => v != OFF,
                };
                if works != w.on {
                    cost.soft += w.cost;
                }
            }
        }

        // Weekend pattern.
        let (on, weight, nth, split) = self.weekend_pattern;
        if on {
            for k in 0..self.weeks.min(64) {
                if weekends & (1 << k) != 0 {
                    for k2 in k + 1..(k + nth).min(self.weeks) {
                        if weekends & (1 << k2) != 0 {
                            cost.soft += weight;
                        }
                    }
                }
                if (line[k * 7 + 5] == OFF) != (line[k * 7 + 6] == OFF) {
                    cost.soft += split;
                }
            }
        }

        // Isolated days off.
        if self.isolated.0 {
            for d in 1..days.saturating_sub(1) {
                if line[d] == OFF && line[d - 1] != OFF && line[d + 1] != OFF {
                    cost.soft += self.isolated.1;
                }
            }
        }

        // Changes against the reference rota (re-planning).
        if let Some((keep, weight)) = &self.keep {
            let reference = &keep[e * days..(e + 1) * days];
            let changed = line.iter().zip(reference).filter(|(a, b)| a != b).count();
            cost.soft += weight * changed as f64;
        }

        LineVal {
            cost,
            counts: [
                f64::from(nights),
                weekends.count_ones() as f64,
                f64::from(longs),
            ],
        }
    }

    /// Cost of one (day, shift) cover cell given its counts (nurses, qualified, total).
    fn cell(&self, i: usize, count: [u32; 3]) -> Cost {
        let mut cost = Cost::default();
        let demand = self.demand[i];
        if self.competence_cover.on() {
            for k in 0..2 {
                if count[k] < demand[k] {
                    let missing = f64::from(demand[k] - count[k]);
                    match self.competence_cover {
                        Mode::Hard => cost.hard += missing,
                        mode => mode.add(&mut cost, missing),
                    }
                }
            }
        }
        if self.cover.0 {
            if count[2] < demand[2] {
                cost.soft += self.cover.1 * f64::from(demand[2] - count[2]);
            } else {
                cost.soft += self.cover.2 * f64::from(count[2] - demand[2]);
            }
        }
        cost
    }

    fn contribution(&self, e: usize) -> [u32; 3] {
        match self.competence[e] {
            Competence::Nurse => [1, 1, 1],
            Competence::HealthWorker => [0, 1, 1],
            Competence::Assistant => [0, 0, 1],
        }
    }

    fn fairness_cost(&self, sums: &[(f64, f64); 3], total_fte: f64) -> f64 {
        (0..3)
            .map(|k| self.fairness[k] * (sums[k].1 - sums[k].0 * sums[k].0 / total_fte))
            .sum()
    }
}

fn overlap(a: (i64, i64), b: (i64, i64)) -> i64 {
    (a.1.min(b.1) - a.0.max(b.0)).max(0)
}

struct State {
    grid: Vec<u8>,
    lines: Vec<LineVal>,
    counts: Vec<[u32; 3]>,
    cells: Vec<Cost>,
    sums: [(f64, f64); 3],
    total_fte: f64,
    hard: f64,
    soft: f64,
    scratch: Vec<(i64, i64)>,
    undo_grid: Vec<(usize, u8)>,
    undo_lines: Vec<(usize, LineVal)>,
    undo_cells: Vec<(usize, Cost)>,
}

impl State {
    fn new(model: &Model, reference: &Reference<'_>) -> State {
        let mut grid = match reference.start {
            Some(rota) => model.grid_of(rota),
            None => vec![OFF; model.employees * model.days],
        };
        for &(cell, v) in &model.pins {
            grid[cell] = v;
        }
        let mut state = State {
            grid,
            lines: vec![LineVal::default(); model.employees],
            counts: vec![[0; 3]; model.days * model.shifts],
            cells: vec![Cost::default(); model.days * model.shifts],
            sums: [(0.0, 0.0); 3],
            total_fte: model.fte.iter().sum::<f64>().max(1e-9),
            hard: 0.0,
            soft: 0.0,
            scratch: Vec::with_capacity(model.days),
            undo_grid: Vec::new(),
            undo_lines: Vec::new(),
            undo_cells: Vec::new(),
        };
        state.recompute(model);
        state
    }

    fn rank(&self) -> (f64, f64) {
        (self.hard, self.soft)
    }

    fn recompute(&mut self, model: &Model) {
        let days = model.days;
        self.counts.iter_mut().for_each(|c| *c = [0; 3]);
        for e in 0..model.employees {
            for d in 0..days {
                let v = self.grid[e * days + d];
                if v != OFF {
                    let add = model.contribution(e);
                    let c = &mut self.counts[d * model.shifts + v as usize];
                    for k in 0..3 {
                        c[k] += add[k];
                    }
                }
            }
        }
        let (mut hard, mut soft) = (0.0, 0.0);
        self.sums = [(0.0, 0.0); 3];
        for e in 0..model.employees {
            let val = model.line(e, &self.grid[e * days..(e + 1) * days], &mut self.scratch);
            self.lines[e] = val;
            hard += val.cost.hard;
            soft += val.cost.soft;
            for k in 0..3 {
                self.sums[k].0 += val.counts[k];
                self.sums[k].1 += val.counts[k] * val.counts[k] / model.fte[e];
            }
        }
        for i in 0..self.cells.len() {
            let c = model.cell(i, self.counts[i]);
            self.cells[i] = c;
            hard += c.hard;
            soft += c.soft;
        }
        soft += model.fairness_cost(&self.sums, self.total_fte);
        self.hard = hard;
        self.soft = soft;
    }

    /// Applies `changes` (employee, day, value), re-scores what they touch and
    /// keeps them if `accept(delta of the penalised total)` says so.
    fn attempt(
        &mut self,
        model: &Model,
        changes: &[(usize, usize, u8)],
        accept: impl FnOnce(f64) -> bool,
    ) -> bool {
        let days = model.days;
        self.undo_grid.clear();
        self.undo_lines.clear();
        self.undo_cells.clear();
        let old_fair = model.fairness_cost(&self.sums, self.total_fte);
        let (old_hard, old_soft) = (self.hard, self.soft);
        for &(e, d, v) in changes {
            let cell = e * days + d;
            let old = self.grid[cell];
            if old == v || model.pinned[cell] {
                continue;
            }
            self.undo_grid.push((cell, old));
            self.grid[cell] = v;
            let add = model.contribution(e);
            if old != OFF {
                let i = d * model.shifts + old as usize;
                self.touch_cell(i);
                for k in 0..3 {
                    self.counts[i][k] -= add[k];
                }
            }
            if v != OFF {
                let i = d * model.shifts + v as usize;
                self.touch_cell(i);
                for k in 0..3 {
                    self.counts[i][k] += add[k];
                }
            }
            if !self.undo_lines.iter().any(|&(x, _)| x == e) {
                self.undo_lines.push((e, self.lines[e]));
            }
        }
        if self.undo_grid.is_empty() {
            return false;
        }
        let (mut hard, mut soft) = (self.hard, self.soft - old_fair);
        for j in 0..self.undo_lines.len() {
            let (e, old) = self.undo_lines[j];
            let new = model.line(e, &self.grid[e * days..(e + 1) * days], &mut self.scratch);
            hard += new.cost.hard - old.cost.hard;
            soft += new.cost.soft - old.cost.soft;
            for k in 0..3 {
                self.sums[k].0 += new.counts[k] - old.counts[k];
                self.sums[k].1 +=
                    (new.counts[k] * new.counts[k] - old.counts[k] * old.counts[k]) / model.fte[e];
            }
            self.lines[e] = new;
        }
        for j in 0..self.undo_cells.len() {
            let (i, old) = self.undo_cells[j];
            let new = model.cell(i, self.counts[i]);
            hard += new.hard - old.hard;
            soft += new.soft - old.soft;
            self.cells[i] = new;
        }
        soft += model.fairness_cost(&self.sums, self.total_fte);
        let delta = HARD_WEIGHT * (hard - old_hard) + (soft - old_soft);
        if accept(delta) {
            self.hard = hard;
            self.soft = soft;
            return true;
        }
        // Revert.
        for j in (0..self.undo_grid.len()).rev() {
            let (cell, old) = self.undo_grid[j];
            let (e, d) = (cell / days, cell % days);
            let now = self.grid[cell];
            let add = model.contribution(e);
            if now != OFF {
                let i = d * model.shifts + now as usize;
                for k in 0..3 {
                    self.counts[i][k] -= add[k];
                }
            }
            if old != OFF {
                let i = d * model.shifts + old as usize;
                for k in 0..3 {
                    self.counts[i][k] += add[k];
                }
            }
            self.grid[cell] = old;
        }
        for j in 0..self.undo_lines.len() {
            let (e, old) = self.undo_lines[j];
            let new = self.lines[e];
            for k in 0..3 {
                self.sums[k].0 -= new.counts[k] - old.counts[k];
                self.sums[k].1 -=
                    (new.counts[k] * new.counts[k] - old.counts[k] * old.counts[k]) / model.fte[e];
            }
            self.lines[e] = old;
        }
        for j in 0..self.undo_cells.len() {
            let (i, old) = self.undo_cells[j];
            self.cells[i] = old;
        }
        false
    }

    fn touch_cell(&mut self, i: usize) {
        if !self.undo_cells.iter().any(|&(x, _)| x == i) {
            self.undo_cells.push((i, self.cells[i]));
        }
    }

    /// Greedy construction: day by day, shift by shift (nights first), fill
    /// the nurse, qualified and remaining slots with the cheapest employee.
    fn construct(&mut self, model: &Model, rng: &mut ChaCha8Rng) {
        let days = model.days;
        let mut employees: Vec<usize> = (0..model.employees).collect();
        for d in 0..days {
            for &s in &model.order {
                let i = d * model.shifts + s;
                for level in 0..3 {
                    loop {
                        if self.counts[i][level] >= model.demand[i][level] {
                            break;
                        }
                        employees.shuffle(rng);
                        let mut best: Option<(f64, usize)> = None;
                        for &e in &employees {
                            let cell = e * days + d;
                            if self.grid[cell] != OFF
                                || model.pinned[cell]
                                || model.contribution(e)[level] == 0
                            {
                                continue;
                            }
                            let mut delta = 0.0;
                            self.attempt(model, &[(e, d, s as u8)], |x| {
                                delta = x;
                                false
                            });
                            if best.is_none_or(|(b, _)| delta < b) {
                                best = Some((delta, e));
                            }
                        }
                        match best {
                            Some((_, e)) => {
                                self.attempt(model, &[(e, d, s as u8)], |_| true);
                            }
                            None => break,
                        }
                    }
                }
            }
        }
    }

    fn random_move(&mut self, model: &Model, rng: &mut ChaCha8Rng, temperature: f64) {
        let days = model.days;
        let accept = |delta: f64, rng: &mut ChaCha8Rng| {
            delta <= 0.0 || rng.gen::<f64>() < (-delta / temperature).exp()
        };
        let roll: f64 = rng.gen();
        let mut changes: [(usize, usize, u8); 14] = [(0, 0, 0); 14];
        let n;
        if roll < 0.35 {
            // Change one cell.
            let e = rng.gen_range(0..model.employees);
            let d = rng.gen_range(0..days);
            let pick = rng.gen_range(0..=model.shifts);
            let v = if pick == model.shifts {
                OFF
            } else {
                pick as u8
            };
            changes[0] = (e, d, v);
            n = 1;
        } else if roll < 0.85 {
            // Swap one day between two employees.
            let d = rng.gen_range(0..days);
            let e1 = rng.gen_range(0..model.employees);
            let e2 = rng.gen_range(0..model.employees);
            let (a, b) = (self.grid[e1 * days + d], self.grid[e2 * days + d]);
            if e1 == e2 || a == b {
                return;
            }
            changes[0] = (e1, d, b);
            changes[1] = (e2, d, a);
            n = 2;
        } else {
            // Swap a block of 2–7 days between two employees.
            let len = rng.gen_range(2..=7).min(days);
            let d0 = rng.gen_range(0..=days - len);
            let e1 = rng.gen_range(0..model.employees);
            let e2 = rng.gen_range(0..model.employees);
            if e1 == e2 {
                return;
            }
            for k in 0..len {
                let d = d0 + k;
                if model.pinned[e1 * days + d] || model.pinned[e2 * days + d] {
                    return;
                }
                changes[2 * k] = (e1, d, self.grid[e2 * days + d]);
                changes[2 * k + 1] = (e2, d, self.grid[e1 * days + d]);
            }
            n = 2 * len;
        }
        if changes[..n]
            .iter()
            .any(|&(e, d, _)| model.pinned[e * days + d])
        {
            return;
        }
        self.attempt(model, &changes[..n], |delta| accept(delta, rng));
    }
}
