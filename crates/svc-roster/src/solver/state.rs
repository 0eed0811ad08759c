//! A roster under search with cached costs, so a move is priced by
//! re-costing only the employee lines it touches plus the cover cells it
//! changes (delta evaluation).

use super::model::{Model, VIOLATION_UNIT};

/// Roster plus cached per-line and cover costs.
#[derive(Debug, Clone)]
pub(crate) struct State {
    /// `x[e * horizon + d]`: 0 off, `v` = shift `v - 1`.
    pub x: Vec<u8>,
    /// `count[d * shifts + s]`: employees on shift `s` on day `d`.
    pub count: Vec<i32>,
    pub line_soft: Vec<i64>,
    /// Violation measure per line (see `Model::line_cost`).
    pub line_viol: Vec<i64>,
    pub cover_total: i64,
    pub soft_total: i64,
    pub viol_total: i64,
    /// Price of one `VIOLATION_UNIT`; adapted by the search (strategic oscillation).
    pub weight: i64,
    /// Per-line aggregates for windowed re-costing (`refresh_range`): local
    /// violation units, minutes, worked weekends, and counts per value
    /// (`counts[e * values + v]`).
    local: Vec<i64>,
    minutes: Vec<i64>,
    weekends: Vec<i32>,
    counts: Vec<i32>,
    seg: Vec<i32>,
    old_line: Vec<u8>,
}

impl State {
    pub(crate) fn new(model: &Model, x: Vec<u8>) -> Self {
        let mut state = Self {
            x,
            count: vec![0; model.horizon * model.shifts],
            line_soft: vec![0; model.employees],
            line_viol: vec![0; model.employees],
            cover_total: 0,
            soft_total: 0,
            viol_total: 0,
            weight: 1000,
            local: vec![0; model.employees],
            minutes: vec![0; model.employees],
            weekends: vec![0; model.employees],
            counts: vec![0; model.employees * model.values],
            seg: vec![0; model.values],
            old_line: vec![0; model.horizon],
        };
        state.recompute(model);
        state
    }

    /// Rebuilds every cache from `x`.
    pub(crate) fn recompute(&mut self, model: &Model) {
        let h = model.horizon;
        self.count.iter_mut().for_each(|c| *c = 0);
        for e in 0..model.employees {
            for d in 0..h {
                let v = self.x[e * h + d];
                if v > 0 {
                    self.count[d * model.shifts + v as usize - 1] += 1;
                }
            }
        }
        self.cover_total = (0..self.count.len())
            .map(|cell| model.cover_cost(cell, self.count[cell]))
            .sum();
        let mut scratch = vec![0; model.values];
        for e in 0..model.employees {
            self.line_soft[e] = 0;
            self.line_viol[e] = 0;
            self.refresh_line(model, e, &mut scratch);
        }
        self.soft_total = self.line_soft.iter().sum();
        self.viol_total = self.line_viol.iter().sum();
    }

    /// Penalised objective: requests + cover + priced hard violations.
    pub(crate) fn total(&self) -> i64 {
        self.soft_total + self.cover_total + self.penalty(self.viol_total)
    }

    /// Price of a violation measure at the current weight.
    #[inline]
    pub(crate) fn penalty(&self, viol: i64) -> i64 {
        viol * self.weight / VIOLATION_UNIT
    }

    /// True if no hard constraint is broken.
    pub(crate) fn feasible(&self) -> bool {
        self.viol_total == 0
    }

    /// Order used to pick best rosters: any feasible roster beats any
    /// infeasible one, then lower penalised total wins.
    pub(crate) fn rank(&self) -> (bool, i64) {
        if self.feasible() {
            (false, self.objective())
        } else {
            (
                true,
                self.soft_total + self.cover_total + self.viol_total * 10,
            )
        }
    }

    /// Benchmark objective, meaningful when `hard_total == 0`.
    pub(crate) fn objective(&self) -> i64 {
        self.soft_total + self.cover_total
    }

    pub(crate) fn line(&self, model: &Model, e: usize) -> &[u8] {
        &self.x[e * model.horizon..(e + 1) * model.horizon]
    }

    /// Sets cell (e, d) to `v`, updating counts and the cover cost (not the line cost).
    #[inline]
    pub(crate) fn set_cell(&mut self, model: &Model, e: usize, d: usize, v: u8) {
        let idx = e * model.horizon + d;
        let old = self.x[idx];
        if old == v {
            return;
        }
        if old > 0 {
            let cell = d * model.shifts + old as usize - 1;
            self.count[cell] -= 1;
            self.cover_total -= model.cover_add(cell, self.count[cell]);
        }
        if v > 0 {
            let cell = d * model.shifts + v as usize - 1;
            self.cover_total += model.cover_add(cell, self.count[cell]);
            self.count[cell] += 1;
        }
        self.x[idx] = v;
    }

    /// Re-costs employee `e`'s line after its cells changed; returns the change in total.
    #[inline]
    pub(crate) fn refresh_line(&mut self, model: &Model, e: usize, _scratch: &mut [i32]) -> i64 {
        let h = model.horizon;
        let values = model.values;
        let before = self.total();
        let counts = &mut self.counts[e * values..(e + 1) * values];
        counts.iter_mut().for_each(|c| *c = 0);
        let (soft, local, minutes, weekends) =
            model.segment_cost(e, &self.x[e * h..(e + 1) * h], 0, h, counts);
        self.local[e] = local;
        self.minutes[e] = minutes;
        self.weekends[e] = weekends;
        let viol = model.violation_of(e, local, minutes, weekends, counts);
        self.soft_total += soft - self.line_soft[e];
        self.viol_total += viol - self.line_viol[e];
        self.line_soft[e] = soft;
        self.line_viol[e] = viol;
        self.total() - before
    }

    /// Re-costs employee `e`'s line after days `[d0, d1)` changed from `old`
    /// (already written to `x`), looking only at the runs around the change;
    /// returns the change in total. Equivalent to `refresh_line`.
    pub(crate) fn refresh_range(
        &mut self,
        model: &Model,
        e: usize,
        d0: usize,
        d1: usize,
        old: &[u8],
    ) -> i64 {
        let h = model.horizon;
        let values = model.values;
        let before = self.total();
        let line = &self.x[e * h..(e + 1) * h];
        // Extend to whole runs: days outside [d0, d1) are the same in both versions.
        let mut lo = d0;
        if lo > 0 {
            let s = line[lo - 1] > 0;
            lo -= 1;
            while lo > 0 && (line[lo - 1] > 0) == s {
                lo -= 1;
            }
        }
        let mut hi = d1;
        if hi < h {
            let s = line[hi] > 0;
            while hi < h && (line[hi] > 0) == s {
                hi += 1;
            }
        }
        self.seg.iter_mut().for_each(|c| *c = 0);
        let (soft_new, local_new, min_new, wk_new) =
            model.segment_cost(e, line, lo, hi, &mut self.seg);
        let counts = &mut self.counts[e * values..(e + 1) * values];
        for v in 0..values {
            counts[v] += self.seg[v];
        }
        self.old_line.clear();
        self.old_line.extend_from_slice(line);
        self.old_line[d0..d1].copy_from_slice(old);
        self.seg.iter_mut().for_each(|c| *c = 0);
        let (soft_old, local_old, min_old, wk_old) =
            model.segment_cost(e, &self.old_line, lo, hi, &mut self.seg);
        for v in 0..values {
            counts[v] -= self.seg[v];
        }
        self.local[e] += local_new - local_old;
        self.minutes[e] += min_new - min_old;
        self.weekends[e] += wk_new - wk_old;
        let soft = self.line_soft[e] + soft_new - soft_old;
        let viol = model.violation_of(e, self.local[e], self.minutes[e], self.weekends[e], counts);
        self.soft_total += soft - self.line_soft[e];
        self.viol_total += viol - self.line_viol[e];
        self.line_soft[e] = soft;
        self.line_viol[e] = viol;
        self.total() - before
    }

    /// Copies another state (same model) into this one without reallocating.
    pub(crate) fn copy_from(&mut self, other: &State) {
        self.x.copy_from_slice(&other.x);
        self.count.copy_from_slice(&other.count);
        self.line_soft.copy_from_slice(&other.line_soft);
        self.line_viol.copy_from_slice(&other.line_viol);
        self.cover_total = other.cover_total;
        self.soft_total = other.soft_total;
        self.viol_total = other.viol_total;
        self.weight = other.weight;
        self.local.copy_from_slice(&other.local);
        self.minutes.copy_from_slice(&other.minutes);
        self.weekends.copy_from_slice(&other.weekends);
        self.counts.copy_from_slice(&other.counts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::load_instance;
    use rand::{Rng, SeedableRng};

    /// Windowed re-costing must agree with re-costing from scratch, on a
    /// random walk of block changes (Instance3: 3 shift types, cannot-follow rules).
    #[test]
    fn refresh_range_matches_full_recompute() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/instances/Instance3.txt");
        let instance = load_instance(path).expect("Instance3 parses");
        let model = Model::new(&instance);
        let h = model.horizon;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let x: Vec<u8> = (0..model.employees * h)
            .map(|_| rng.gen_range(0..model.values) as u8)
            .collect();
        let mut state = State::new(&model, x);
        for _ in 0..3000 {
            let e = rng.gen_range(0..model.employees);
            let len = rng.gen_range(1..=5);
            let d0 = rng.gen_range(0..=h - len);
            let old: Vec<u8> = state.x[e * h + d0..e * h + d0 + len].to_vec();
            for d in d0..d0 + len {
                let v = rng.gen_range(0..model.values) as u8;
                state.set_cell(&model, e, d, v);
            }
            state.refresh_range(&model, e, d0, d0 + len, &old);
            let fresh = State::new(&model, state.x.clone());
            assert_eq!(state.line_soft, fresh.line_soft);
            assert_eq!(state.line_viol, fresh.line_viol);
            assert_eq!(state.total(), fresh.total());
            let mut scratch = vec![0; model.values];
            assert_eq!(
                model.line_cost(e, state.line(&model, e), &mut scratch),
                (state.line_soft[e], state.line_viol[e])
            );
        }
    }
}
