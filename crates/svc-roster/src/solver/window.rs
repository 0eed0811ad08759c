//! Exact re-optimisation of a window of days `[a, b)` of one employee's line,
//! with every other cell of the roster fixed.
//!
//! This is the workhorse for long horizons: a full-line DP on a 364-day
//! instance must drop the minutes and weekend dimensions (they are priced),
//! so its lines are often infeasible; a window of a few weeks is small enough
//! to carry them exactly. Given the fixed days outside the window:
//! - the sequence rules (days off, cannot-follow, min/max consecutive shifts,
//!   min consecutive days off, horizon-edge exemptions) are enforced exactly,
//!   starting from the run state the prefix leaves and running through the
//!   fixed suffix until its first change of work/off status, after which
//!   nothing depends on the window any more;
//! - the total-minutes window and the weekend limit become exact budgets for
//!   the window (levels in the DP state, tracked only when they can bind);
//! - per-type limits are a budget too; values with no budget left are
//!   forbidden, and a remaining excess is priced and the DP repeated.
//!
//! The cost of each free (day, value) is the request penalty plus the exact
//! marginal cover change given everybody else, so the window returned is the
//! best response of that employee on those days. Every candidate is re-costed
//! exactly by `Model::line_cost` before it is accepted.

use super::model::Model;
use super::state::State;

const INF: f64 = f64::INFINITY;

/// Reusable buffers for the window DP.
#[derive(Debug, Default)]
pub(crate) struct WindowDp {
    /// Per (day - a, value) cost for days in `[a, end)`.
    cost: Vec<f64>,
    cur: Vec<f64>,
    next: Vec<f64>,
    back: Vec<u32>,
    line: Vec<u8>,
    candidate: Vec<u8>,
    scratch: Vec<i32>,
    allowed: Vec<usize>,
}

/// How many state transitions a window DP may take before its window is
/// shrunk by the caller's choice; used to bound the cost of a move.
pub(crate) const WINDOW_OPS_LIMIT: usize = 40_000_000;

impl WindowDp {
    /// Best window for days `[a, b)` of employee `e` given everything else,
    /// and the exact change of the state's total if it replaced the current window. `None`
    /// if the fixed days leave no line satisfying the sequence rules.
    pub(crate) fn best(
        &mut self,
        model: &Model,
        state: &State,
        e: usize,
        a: usize,
        b: usize,
    ) -> Option<(Vec<u8>, i64)> {
        let h = model.horizon;
        let values = model.values;
        let c = &model.contracts[e];
        debug_assert!(a < b && b <= h);
        self.line.clear();
        self.line.extend_from_slice(state.line(model, e));
        self.scratch.resize(values, 0);
        // The DP runs through the fixed suffix up to and including the first
        // day whose work/off status differs from day b's.
        let end = if b >= h {
            h
        } else {
            let s0 = self.line[b] > 0;
            let mut t = b;
            while t < h && (self.line[t] > 0) == s0 {
                t += 1;
            }
            (t + 1).min(h)
        };
        // Budgets left by the fixed days.
        let mut minutes_out = 0i64;
        let mut type_out = vec![0i32; values];
        for d in (0..a).chain(b..h) {
            let v = self.line[d] as usize;
            minutes_out += model.minutes[v];
            type_out[v] += 1;
        }
        let mut weekends_out = 0i32;
        for d in (0..a).chain(end..h) {
            if weekend_contribution(&self.line, d) {
                weekends_out += 1;
            }
        }
        // When the fixed days already break a limit, the window takes as
        // little (or as much) as it can: the budgets are clamped, not refused.
        let hi = (c.max_minutes - minutes_out).max(0);
        let lo = c.min_minutes - minutes_out;
        let weekend_budget = (c.max_weekends - weekends_out).max(0);
        let unit = model.minute_unit.unwrap_or(1).max(1);
        let max_step = (1..values)
            .map(|v| model.minutes[v] / unit)
            .max()
            .unwrap_or(0);
        let width = b - a;
        let max_window = width as i64 * max_step;
        // Track minutes only if a limit can bind inside the window.
        let track_minutes = lo > 0 || hi / unit < max_window;
        let (levels, lo_level) = if track_minutes {
            let top = (hi / unit).min(max_window);
            let lo_level = if lo > 0 { (lo + unit - 1) / unit } else { 0 }.min(top);
            (top as usize + 1, lo_level as usize)
        } else {
            (1, 0)
        };
        let weekend_days = (a..end).filter(|d| d % 7 >= 5).count();
        let weekends_in_range = weekend_days.div_ceil(2) + 1;
        let track_weekends = (weekend_budget as usize) < weekends_in_range;
        let wlevels = if track_weekends {
            weekend_budget as usize + 1
        } else {
            1
        };
        // Free values for this employee in the window.
        self.allowed.clear();
        for v in 1..values {
            if c.max_shifts[v] - type_out[v] > 0 {
                self.allowed.push(v);
            }
        }
        let max_run = c.max_consecutive.max(1);
        let off_cap = c.min_off.max(1);
        let work_states = (values - 1) * max_run * 2;
        let bases = work_states + off_cap;
        let n = bases * levels * wlevels;
        if n * (end - a) * (self.allowed.len() + 1) > WINDOW_OPS_LIMIT {
            return None;
        }
        // Marginal costs of the free days; fixed days allow only their value.
        let len = end - a;
        self.cost.clear();
        self.cost.resize(len * values, INF);
        let pref = &model.pref[e * h * values..(e + 1) * h * values];
        for d in a..end {
            let row = (d - a) * values;
            if d >= b {
                self.cost[row + self.line[d] as usize] = 0.0;
                continue;
            }
            self.cost[row] = pref[d * values] as f64;
            if model.day_off[e * h + d] {
                continue;
            }
            for &v in &self.allowed {
                let cell = d * model.shifts + v - 1;
                let others = state.count[cell] - i32::from(self.line[d] as usize == v);
                self.cost[row + v] =
                    pref[d * values + v] as f64 + model.cover_add(cell, others) as f64;
            }
        }
        let current = state.line_soft[e]
            + state.penalty(state.line_viol[e])
            + self.window_cover(model, state, e, a, b, &self.line[a..b]);
        let mut prices = vec![0.0f64; values];
        let mut best: Option<(Vec<u8>, i64)> = None;
        // First without the minute and weekend levels: if that optimum fits
        // the budgets it is also the optimum with them, at a fraction of the
        // cost (the levels multiply the states by up to a few hundred).
        let mut relaxed = track_minutes || track_weekends;
        for round in 0..5 {
            let geometry = Geometry {
                a,
                b,
                end,
                unit,
                levels: if relaxed { 1 } else { levels },
                lo_level: if relaxed { 0 } else { lo_level },
                wlevels: if relaxed { 1 } else { wlevels },
                max_run,
                off_cap,
                work_states,
                track_minutes: track_minutes && !relaxed,
                track_weekends: track_weekends && !relaxed,
            };
            let found = self.shortest(model, e, &geometry, &prices);
            if relaxed {
                relaxed = false;
                if !found || !self.fits(model, a, b, end, lo, hi, weekend_budget) {
                    continue;
                }
            } else if !found {
                break;
            }
            // Exact value of the candidate line.
            let mut line = std::mem::take(&mut self.line);
            let saved: Vec<u8> = line[a..b].to_vec();
            line[a..b].copy_from_slice(&self.candidate);
            let (soft, viol) = model.line_cost(e, &line, &mut self.scratch);
            line[a..b].copy_from_slice(&saved);
            self.line = line;
            let value = soft
                + state.penalty(viol)
                + self.window_cover(model, state, e, a, b, &self.candidate);
            if best.as_ref().is_none_or(|(_, v)| value < *v) {
                best = Some((self.candidate.clone(), value));
            }
            // Per-type excess is the only limit left to prices.
            let mut excess = false;
            let mut counts = type_out.clone();
            for &v in &self.candidate {
                counts[v as usize] += 1;
            }
            for v in 1..values {
                if counts[v] > c.max_shifts[v] {
                    prices[v] += 30.0 * f64::from(counts[v] - c.max_shifts[v]) * (round + 1) as f64;
                    excess = true;
                }
            }
            if !excess {
                break;
            }
        }
        let (window, value) = best?;
        Some((window, value - current))
    }

    /// True if `self.candidate` on `[a, b)` keeps the window's minutes in
    /// `[lo, hi]` (`lo <= 0`: no minimum) and its weekends over `[a, end)`
    /// within `weekend_budget`.
    #[allow(clippy::too_many_arguments)]
    fn fits(
        &self,
        model: &Model,
        a: usize,
        b: usize,
        end: usize,
        lo: i64,
        hi: i64,
        weekend_budget: i32,
    ) -> bool {
        let minutes: i64 = self
            .candidate
            .iter()
            .map(|&v| model.minutes[v as usize])
            .sum();
        if minutes > hi || (lo > 0 && minutes < lo) {
            return false;
        }
        let value = |d: usize| {
            if (a..b).contains(&d) {
                self.candidate[d - a]
            } else {
                self.line[d]
            }
        };
        let mut weekends = 0;
        for d in a..end {
            let opens = match d % 7 {
                5 => value(d) > 0,
                6 => value(d) > 0 && (d == 0 || value(d - 1) == 0),
                _ => false,
            };
            weekends += i32::from(opens);
        }
        weekends <= weekend_budget
    }

    /// Cover marginal of employee `e` working `window` on days `[a, b)`.
    fn window_cover(
        &self,
        model: &Model,
        state: &State,
        e: usize,
        a: usize,
        b: usize,
        window: &[u8],
    ) -> i64 {
        let h = model.horizon;
        let mut total = 0;
        for d in a..b {
            let v = window[d - a];
            if v > 0 {
                let cell = d * model.shifts + v as usize - 1;
                let others = state.count[cell] - i32::from(state.x[e * h + d] == v);
                total += model.cover_add(cell, others);
            }
        }
        total
    }

    /// Shortest path over `[a, end)`; writes `self.candidate` (days `[a, b)`).
    fn shortest(&mut self, model: &Model, e: usize, g: &Geometry, prices: &[f64]) -> bool {
        let values = model.values;
        let c = &model.contracts[e];
        let (levels, wlevels) = (g.levels, g.wlevels);
        let bases = g.work_states + g.off_cap;
        let n = bases * levels * wlevels;
        let len = g.end - g.a;
        let work = |v: usize, run: usize, exempt: bool| {
            ((v - 1) * g.max_run + run - 1) * 2 + usize::from(exempt)
        };
        let off = |run: usize| g.work_states + run - 1;
        let index = |base: usize, m: usize, w: usize| (base * levels + m) * wlevels + w;
        self.cur.clear();
        self.cur.resize(n, INF);
        self.next.clear();
        self.next.resize(n, INF);
        self.back.clear();
        self.back.resize(len * n, u32::MAX);
        let steps: Vec<usize> = (0..values)
            .map(|v| {
                if g.track_minutes {
                    (model.minutes[v] / g.unit) as usize
                } else {
                    0
                }
            })
            .collect();
        let max_step = (1..values)
            .filter(|&v| self.cost.iter().skip(v).step_by(values).any(|&x| x < INF))
            .map(|v| steps[v])
            .max()
            .unwrap_or(0);
        // Values reachable on a day: off plus the allowed ones (fixed days: their value).
        let mut start_day = g.a;
        if g.a == 0 {
            // Day 0: runs starting here are exempt from minimum lengths.
            let row = 0;
            if self.cost[row] < INF {
                self.cur[index(off(g.off_cap), 0, 0)] = self.cost[row];
            }
            if c.max_consecutive > 0 {
                for v in 1..values {
                    let cost = self.cost[row + v];
                    if cost == INF {
                        continue;
                    }
                    let m = if 0 < g.b { steps[v] } else { 0 };
                    if m < levels {
                        self.cur[index(work(v, 1, true), m, 0)] = cost + prices[v];
                    }
                }
            }
            start_day = 1;
        } else {
            // Run state left by the fixed prefix.
            let prev = self.line[g.a - 1];
            let working = prev > 0;
            let mut run = 0;
            let mut d = g.a;
            while d > 0 && (self.line[d - 1] > 0) == working {
                run += 1;
                d -= 1;
            }
            let exempt = d == 0;
            let base = if working {
                work(prev as usize, run.min(g.max_run), exempt)
            } else if exempt {
                off(g.off_cap)
            } else {
                off(run.min(g.off_cap))
            };
            self.cur[index(base, 0, 0)] = 0.0;
        }
        for d in start_day..g.end {
            let row = (d - g.a) * values;
            let free = d < g.b;
            let dow = d % 7;
            // Minutes the remaining free days can still add: states that
            // cannot reach the minimum any more are dropped.
            let reach = max_step * g.b.saturating_sub(d + 1);
            self.next.iter_mut().for_each(|x| *x = INF);
            let back = &mut self.back[(d - g.a) * n..(d - g.a + 1) * n];
            let cost = &self.cost[row..row + values];
            for base in 0..bases {
                let (v, run, exempt) = if base >= g.work_states {
                    (0, base - g.work_states + 1, false)
                } else {
                    let rest = base / 2;
                    (rest / g.max_run + 1, rest % g.max_run + 1, base % 2 == 1)
                };
                for m in 0..levels {
                    for w in 0..wlevels {
                        let s = index(base, m, w);
                        let here = self.cur[s];
                        if here == INF {
                            continue;
                        }
                        let mut relax = |target: usize, x: usize, from_off: bool| {
                            let cx = cost[x];
                            if cx == INF {
                                return;
                            }
                            let mut total = here + cx;
                            let mut m2 = m;
                            let mut w2 = w;
                            if x > 0 {
                                total += prices[x];
                                if free {
                                    m2 += steps[x];
                                }
                                if g.track_weekends && (dow == 5 || (dow == 6 && from_off)) {
                                    w2 += 1;
                                }
                            }
                            if m2 >= levels || w2 >= wlevels || m2 + reach < g.lo_level {
                                return;
                            }
                            let t = index(target, m2, w2);
                            if total < self.next[t] {
                                self.next[t] = total;
                                back[t] = s as u32;
                            }
                        };
                        if v == 0 {
                            relax(off((run + 1).min(g.off_cap)), 0, true);
                            if run >= c.min_off && c.max_consecutive > 0 {
                                for x in 1..values {
                                    relax(work(x, 1, false), x, true);
                                }
                            }
                        } else {
                            if exempt || run >= c.min_consecutive {
                                relax(off(1), 0, false);
                            }
                            if run < c.max_consecutive {
                                let forbid = &model.forbid[v * values..(v + 1) * values];
                                for x in 1..values {
                                    if !forbid[x] {
                                        relax(work(x, run + 1, exempt), x, false);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            std::mem::swap(&mut self.cur, &mut self.next);
        }
        let mut best: Option<(usize, f64)> = None;
        for base in 0..bases {
            for m in g.lo_level..levels {
                for w in 0..wlevels {
                    let s = index(base, m, w);
                    if self.cur[s] < best.map_or(INF, |x| x.1) {
                        best = Some((s, self.cur[s]));
                    }
                }
            }
        }
        let Some((mut s, _)) = best else {
            return false;
        };
        self.candidate.clear();
        self.candidate.resize(g.b - g.a, 0);
        for d in (g.a..g.end).rev() {
            let base = s / (levels * wlevels);
            let v = if base >= g.work_states {
                0
            } else {
                (base / 2) / g.max_run + 1
            };
            if d < g.b {
                self.candidate[d - g.a] = v as u8;
            }
            if d >= start_day {
                s = self.back[(d - g.a) * n + s] as usize;
            }
        }
        true
    }
}

/// Fixed parameters of one window DP.
struct Geometry {
    a: usize,
    b: usize,
    end: usize,
    unit: i64,
    levels: usize,
    lo_level: usize,
    wlevels: usize,
    max_run: usize,
    off_cap: usize,
    work_states: usize,
    track_minutes: bool,
    track_weekends: bool,
}

/// True if day `d` opens a worked weekend in `line`: a worked Saturday, or a
/// worked Sunday after a Saturday off. Summed over the days this is the
/// number of worked weekends.
#[inline]
pub(crate) fn weekend_contribution(line: &[u8], d: usize) -> bool {
    match d % 7 {
        5 => line[d] > 0,
        6 => line[d] > 0 && (d == 0 || line[d - 1] == 0),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::load_instance;

    /// On Instance2 (14 days, 2 shifts), clearing any window of the best
    /// feasible line (found by enumerating all 3^14 lines) and re-solving it
    /// must give back a line of the same value: the window DP is exact for
    /// the sequence rules, total minutes and weekends given the fixed days.
    #[test]
    fn window_dp_recovers_the_best_line_on_instance2() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/instances/Instance2.txt");
        let instance = load_instance(path).expect("Instance2 parses");
        let model = Model::new(&instance);
        let h = model.horizon;
        let mut x = vec![0u8; model.employees * h];
        for d in [0, 1, 2, 7, 8] {
            x[h + d] = 1;
        }
        let state = State::new(&model, x.clone());
        let mut scratch = vec![0; model.values];
        let cover = |line: &[u8]| -> i64 {
            (0..h)
                .filter(|&d| line[d] > 0)
                .map(|d| {
                    let cell = d * model.shifts + line[d] as usize - 1;
                    model.cover_add(cell, state.count[cell])
                })
                .sum()
        };
        let mut dp = WindowDp::default();
        for e in [0usize, 3, 5] {
            let mut best = (i64::MAX, vec![0u8; h]);
            let mut line = vec![0u8; h];
            for code in 0..3usize.pow(h as u32) {
                let mut c = code;
                for slot in line.iter_mut() {
                    *slot = (c % 3) as u8;
                    c /= 3;
                }
                let (soft, viol) = model.line_cost(e, &line, &mut scratch);
                if viol == 0 && soft + cover(&line) < best.0 {
                    best = (soft + cover(&line), line.clone());
                }
            }
            for (a, b) in [(0, 14), (0, 5), (4, 11), (9, 14), (6, 8)] {
                let mut trial = best.1.clone();
                trial[a..b].iter_mut().for_each(|v| *v = 0);
                if trial == best.1 {
                    continue;
                }
                let mut y = x.clone();
                y[e * h..(e + 1) * h].copy_from_slice(&trial);
                let st = State::new(&model, y);
                let current = st.line_soft[e] + st.penalty(st.line_viol[e]) + cover(&trial);
                let (window, delta) = dp
                    .best(&model, &st, e, a, b)
                    .unwrap_or_else(|| panic!("employee {e} window {a}..{b}: no line"));
                assert_eq!(current + delta, best.0, "employee {e} window {a}..{b}");
                trial[a..b].copy_from_slice(&window);
                assert_eq!(model.line_cost(e, &trial, &mut scratch).1, 0);
            }
        }
    }
}
