//! Exact re-optimisation of one employee's whole line against everybody else
//! (the "pricing problem" of column generation, used here as a local-search move).
//!
//! With the other employees fixed, the objective splits per day: assigning
//! shift `s` on day `d` costs its request penalty plus the marginal change of
//! the cover penalty of that cell. The sequence constraints (days off,
//! cannot-follow, min/max consecutive shifts, min consecutive days off with
//! the horizon-edge exemptions) are enforced exactly by a shortest path over
//! states `(last value, run length, run started at day 0)`. The resource
//! constraints (total minutes window, max weekends, max shifts per type) are
//! handled by Lagrangian prices adjusted over a few rounds; every candidate is
//! then priced exactly, so an imperfect price only costs quality, never
//! correctness.

use super::model::Model;
use super::state::State;

const INF: f64 = f64::INFINITY;

/// Reusable buffers for the line DP.
#[derive(Debug, Default)]
pub(crate) struct LineDp {
    /// Per (day, value) exact marginal cost (requests + cover) given the others.
    base: Vec<f64>,
    cur: Vec<f64>,
    next: Vec<f64>,
    /// Predecessor state per (day, state).
    back: Vec<u32>,
    candidate: Vec<u8>,
    scratch: Vec<i32>,
}

/// Geometry of the state space for one employee.
struct Layout {
    max_run: usize,
    off_cap: usize,
    work_states: usize,
}

impl Layout {
    #[inline]
    fn work(&self, v: usize, run: usize, exempt: bool) -> usize {
        ((v - 1) * self.max_run + (run - 1)) * 2 + usize::from(exempt)
    }
    #[inline]
    fn off(&self, run: usize) -> usize {
        self.work_states + run - 1
    }
    fn len(&self) -> usize {
        self.work_states + self.off_cap
    }
    /// `(value, run, exempt)` of a state index (value 0 = off).
    #[inline]
    fn decode(&self, state: usize) -> (usize, usize, bool) {
        if state >= self.work_states {
            (0, state - self.work_states + 1, false)
        } else {
            let exempt = state % 2 == 1;
            let rest = state / 2;
            (rest / self.max_run + 1, rest % self.max_run + 1, exempt)
        }
    }
}

/// Lagrangian prices on the resource constraints.
#[derive(Debug, Clone, Default)]
struct Prices {
    per_minute: f64,
    per_weekend: f64,
    per_value: Vec<f64>,
}

impl LineDp {
    /// Finds a better line for employee `e` and returns it with the exact
    /// change in the state's total, or `None` if nothing better than the
    /// current line (strictly lower total, or equal when `allow_equal`) was found.
    pub(crate) fn improve(
        &mut self,
        model: &Model,
        state: &State,
        e: usize,
        rounds: usize,
        allow_equal: bool,
    ) -> Option<(Vec<u8>, i64)> {
        let values = model.values;
        let c = &model.contracts[e];
        let current = state.line(model, e);
        self.scratch.resize(values, 0);
        self.prepare(model, state, e);
        let exact_cover = |line: &[u8]| -> i64 {
            line.iter()
                .enumerate()
                .filter(|(_, &v)| v > 0)
                .map(|(d, &v)| {
                    let cell = d * model.shifts + v as usize - 1;
                    let others = state.count[cell] - i32::from(current[d] == v);
                    model.cover_add(cell, others)
                })
                .sum()
        };
        let current_value =
            state.line_soft[e] + state.penalty(state.line_viol[e]) + exact_cover(current);

        let mut prices = Prices {
            per_value: vec![0.0; values],
            ..Prices::default()
        };
        let avg_minutes =
            (1..values).map(|v| model.minutes[v] as f64).sum::<f64>() / (values - 1).max(1) as f64;
        let mut best: Option<(Vec<u8>, i64)> = None;
        for round in 0..rounds {
            if !self.shortest_line(model, e, &prices) {
                return None;
            }
            let candidate = std::mem::take(&mut self.candidate);
            let (soft, hard) = model.line_cost(e, &candidate, &mut self.scratch);
            let value = soft + state.penalty(hard) + exact_cover(&candidate);
            if best.as_ref().is_none_or(|(_, b)| value < *b) {
                best = Some((candidate.clone(), value));
            }
            if hard == 0 {
                self.candidate = candidate;
                break;
            }
            // Subgradient step on each violated resource, shrinking over rounds.
            let step = 40.0 * 0.75f64.powi(round as i32);
            let minutes: i64 = candidate.iter().map(|&v| model.minutes[v as usize]).sum();
            if minutes > c.max_minutes {
                prices.per_minute +=
                    step * ((minutes - c.max_minutes) as f64 / avg_minutes).max(0.5) / avg_minutes;
            } else if minutes < c.min_minutes {
                prices.per_minute -=
                    step * ((c.min_minutes - minutes) as f64 / avg_minutes).max(0.5) / avg_minutes;
            }
            let mut counts = vec![0i32; values];
            for &v in &candidate {
                counts[v as usize] += 1;
            }
            for v in 1..values {
                if counts[v] > c.max_shifts[v] {
                    prices.per_value[v] += step * f64::from(counts[v] - c.max_shifts[v]);
                }
            }
            let weekends = count_weekends(&candidate);
            if weekends > c.max_weekends {
                prices.per_weekend += step * f64::from(weekends - c.max_weekends);
            }
            self.candidate = candidate;
        }
        let (line, value) = best?;
        let delta = value - current_value;
        (delta < 0 || (allow_equal && delta == 0 && line != current)).then_some((line, delta))
    }

    /// Fills `self.base` with the exact marginal cost of each (day, value) for
    /// employee `e` given everybody else's current lines.
    fn prepare(&mut self, model: &Model, state: &State, e: usize) {
        let h = model.horizon;
        let values = model.values;
        let c = &model.contracts[e];
        let current = state.line(model, e);
        self.base.clear();
        self.base.resize(h * values, 0.0);
        let pref = &model.pref[e * h * values..(e + 1) * h * values];
        for d in 0..h {
            for v in 0..values {
                let mut cost = pref[d * values + v] as f64;
                if v > 0 {
                    if model.day_off[e * h + d] || c.max_shifts[v] == 0 {
                        cost = INF;
                    } else {
                        let cell = d * model.shifts + v - 1;
                        let others = state.count[cell] - i32::from(current[d] as usize == v);
                        cost += model.cover_add(cell, others) as f64;
                    }
                }
                self.base[d * values + v] = cost;
            }
        }
    }

    /// Shortest path with the given prices; writes `self.candidate`. False if no line satisfies the sequence rules.
    ///
    /// When the instance is small enough, total minutes (in units of the gcd
    /// of shift lengths) and worked weekends are tracked in the state, which
    /// makes those two limits exact; otherwise they are left to the prices.
    fn shortest_line(&mut self, model: &Model, e: usize, prices: &Prices) -> bool {
        let h = model.horizon;
        let values = model.values;
        let c = &model.contracts[e];
        let layout = Layout {
            max_run: c.max_consecutive.max(1),
            off_cap: c.min_off.max(1),
            work_states: (values - 1) * c.max_consecutive.max(1) * 2,
        };
        let bases = layout.len();
        let (unit, levels, weekend_levels) = match model.minute_unit {
            Some(unit) => {
                let levels = (c.max_minutes / unit).max(0) as usize + 1;
                let weekends = (c.max_weekends.max(0) as usize).min(h / 7 + 1) + 1;
                let ops = bases * levels * weekends * values * h;
                if ops <= EXACT_OPS_LIMIT {
                    (unit, levels, weekends)
                } else {
                    (1, 1, 1)
                }
            }
            None => (1, 1, 1),
        };
        let exact = levels > 1;
        let n = bases * levels * weekend_levels;
        let index = |base: usize, m: usize, w: usize| (base * levels + m) * weekend_levels + w;
        self.cur.clear();
        self.cur.resize(n, INF);
        self.next.clear();
        self.next.resize(n, INF);
        self.back.clear();
        self.back.resize(h * n, u32::MAX);
        let steps: Vec<usize> = (0..values)
            .map(|v| {
                if exact {
                    (model.minutes[v] / unit) as usize
                } else {
                    0
                }
            })
            .collect();
        let priced = |d: usize, v: usize, from_off: bool| -> (f64, usize) {
            let mut cost = self.base[d * values + v];
            let mut weekend = 0;
            if v > 0 {
                cost += prices.per_value[v];
                if !exact {
                    cost += prices.per_minute * model.minutes[v] as f64;
                }
                let dow = d % 7;
                if dow == 5 || (dow == 6 && (from_off || d == 0)) {
                    weekend = 1;
                    if !exact {
                        cost += prices.per_weekend;
                    }
                }
            }
            (cost, weekend)
        };
        // Day 0: runs starting here are exempt from minimum lengths.
        self.cur[index(layout.off(layout.off_cap), 0, 0)] = priced(0, 0, true).0;
        if c.max_consecutive > 0 {
            for v in 1..values {
                let (cost, weekend) = priced(0, v, true);
                if steps[v] < levels && (!exact || weekend < weekend_levels) {
                    let w = if exact { weekend } else { 0 };
                    self.cur[index(layout.work(v, 1, true), steps[v], w)] = cost;
                }
            }
        }
        let mut from_off = vec![(0.0, 0); values];
        let mut from_work = vec![(0.0, 0); values];
        for d in 1..h {
            for v in 0..values {
                from_off[v] = priced(d, v, true);
                from_work[v] = priced(d, v, false);
            }
            self.next.iter_mut().for_each(|x| *x = INF);
            let back = &mut self.back[d * n..(d + 1) * n];
            for base in 0..bases {
                let (v, run, exempt) = layout.decode(base);
                for m in 0..levels {
                    for w in 0..weekend_levels {
                        let s = index(base, m, w);
                        let here = self.cur[s];
                        if here == INF {
                            continue;
                        }
                        let mut relax =
                            |target_base: usize, (cost, weekend): (f64, usize), step: usize| {
                                if cost == INF {
                                    return;
                                }
                                let (m2, w2) = if exact {
                                    (m + step, w + weekend)
                                } else {
                                    (0, 0)
                                };
                                if m2 >= levels || w2 >= weekend_levels {
                                    return;
                                }
                                let t = index(target_base, m2, w2);
                                let total = here + cost;
                                if total < self.next[t] {
                                    self.next[t] = total;
                                    back[t] = s as u32;
                                }
                            };
                        if v == 0 {
                            relax(layout.off((run + 1).min(layout.off_cap)), from_off[0], 0);
                            if run >= c.min_off && c.max_consecutive > 0 {
                                for x in 1..values {
                                    relax(layout.work(x, 1, false), from_off[x], steps[x]);
                                }
                            }
                        } else {
                            if exempt || run >= c.min_consecutive {
                                relax(layout.off(1), from_work[0], 0);
                            }
                            if run < c.max_consecutive {
                                let forbid = &model.forbid[v * values..(v + 1) * values];
                                for x in 1..values {
                                    if !forbid[x] {
                                        relax(
                                            layout.work(x, run + 1, exempt),
                                            from_work[x],
                                            steps[x],
                                        );
                                    }
                                }
                            }
                        }
                    }
                }
            }
            std::mem::swap(&mut self.cur, &mut self.next);
        }
        // Every state may end the horizon (edge exemption); exact mode also needs the minimum minutes.
        let min_level = if exact {
            ((c.min_minutes + unit - 1) / unit).max(0) as usize
        } else {
            0
        };
        let mut best: Option<(usize, f64)> = None;
        for base in 0..bases {
            for m in min_level..levels {
                for w in 0..weekend_levels {
                    let s = index(base, m, w);
                    if self.cur[s] < best.map_or(INF, |b| b.1) {
                        best = Some((s, self.cur[s]));
                    }
                }
            }
        }
        let Some((mut state, _)) = best else {
            return false;
        };
        self.candidate.clear();
        self.candidate.resize(h, 0);
        for d in (0..h).rev() {
            let (v, _, _) = layout.decode(state / (levels * weekend_levels));
            self.candidate[d] = v as u8;
            if d > 0 {
                state = self.back[d * n + state] as usize;
            }
        }
        true
    }
}

/// Above this many state transitions per line the minutes and weekend
/// dimensions are dropped from the DP and priced instead (instances 19–24).
const EXACT_OPS_LIMIT: usize = 30_000_000;

/// Weekends with a Saturday or Sunday shift (day 0 is a Monday).
pub(crate) fn count_weekends(line: &[u8]) -> i32 {
    let mut count = 0;
    let mut d = 5;
    while d < line.len() {
        if line[d] > 0 || line.get(d + 1).is_some_and(|&v| v > 0) {
            count += 1;
        }
        d += 7;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::load_instance;

    /// On Instance2 (14 days, 2 shifts) the DP's line must match the best
    /// feasible line found by enumerating all 3^14 lines for one employee.
    #[test]
    fn dp_matches_brute_force_on_instance2() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/instances/Instance2.txt");
        let instance = load_instance(path).expect("Instance2 parses");
        let model = Model::new(&instance);
        let h = model.horizon;
        // Everybody off except employee 1 on a few days, so cover marginals vary.
        let mut x = vec![0u8; model.employees * h];
        for d in [0, 1, 2, 7, 8] {
            x[h + d] = 1;
        }
        let state = State::new(&model, x);
        let mut scratch = vec![0; model.values];
        for e in [0usize, 3, 5] {
            let mut best = i64::MAX;
            let mut line = vec![0u8; h];
            for code in 0..3usize.pow(h as u32) {
                let mut c = code;
                for slot in line.iter_mut() {
                    *slot = (c % 3) as u8;
                    c /= 3;
                }
                let (soft, viol) = model.line_cost(e, &line, &mut scratch);
                if viol != 0 {
                    continue;
                }
                let cover: i64 = (0..h)
                    .filter(|&d| line[d] > 0)
                    .map(|d| {
                        let cell = d * model.shifts + line[d] as usize - 1;
                        model.cover_add(
                            cell,
                            state.count[cell] - i32::from(state.x[e * h + d] == line[d]),
                        )
                    })
                    .sum();
                best = best.min(soft + cover);
            }
            let mut dp = LineDp::default();
            dp.prepare(&model, &state, e);
            assert!(dp.shortest_line(
                &model,
                e,
                &Prices {
                    per_value: vec![0.0; model.values],
                    ..Prices::default()
                }
            ));
            let (soft, viol) = model.line_cost(e, &dp.candidate, &mut scratch);
            let cover: i64 = (0..h)
                .filter(|&d| dp.candidate[d] > 0)
                .map(|d| {
                    let cell = d * model.shifts + dp.candidate[d] as usize - 1;
                    model.cover_add(
                        cell,
                        state.count[cell] - i32::from(state.x[e * h + d] == dp.candidate[d]),
                    )
                })
                .sum();
            assert_eq!(
                viol, 0,
                "employee {e}: DP line {:?} is infeasible",
                dp.candidate
            );
            assert_eq!(soft + cover, best, "employee {e}");
        }
    }
}
