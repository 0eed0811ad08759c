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
            let (soft, hard) = model.line_cost(e, &self.x[e * h..(e + 1) * h], &mut scratch);
            self.line_soft[e] = soft;
            self.line_viol[e] = hard;
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
    pub(crate) fn refresh_line(&mut self, model: &Model, e: usize, scratch: &mut [i32]) -> i64 {
        let h = model.horizon;
        let before = self.total();
        let (soft, viol) = model.line_cost(e, &self.x[e * h..(e + 1) * h], scratch);
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
    }
}
