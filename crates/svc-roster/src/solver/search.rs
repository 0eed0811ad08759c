//! One search thread: simulated annealing over cheap moves (cell change,
//! block assignment, block swap between two employees), interleaved with
//! exact line re-optimisation (see `dp`) and a ruin-and-recreate move that
//! clears a few employees and rebuilds their lines one by one with the DP.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::dp::LineDp;
use super::model::Model;
use super::state::State;

/// Search state of one thread; everything in it is deterministic given its seed.
pub(crate) struct Worker {
    pub rng: ChaCha8Rng,
    pub state: State,
    pub best: State,
    dp: LineDp,
    scratch: Vec<i32>,
    line_buf: Vec<u8>,
    /// Position in the annealing cycle, in rounds.
    cycle_round: u64,
    /// Rounds since `best` last improved.
    pub stale_rounds: u64,
}

/// Knobs for a round; fixed per solve so the search is reproducible.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoundPlan {
    pub moves: usize,
    pub dp_moves: usize,
    pub ruin_moves: usize,
    pub cycle_rounds: u64,
    pub t_start: f64,
    pub t_end: f64,
    pub weight_min: i64,
    pub weight_max: i64,
}

impl Worker {
    pub(crate) fn new(model: &Model, rng: ChaCha8Rng, initial: State) -> Self {
        Self {
            rng,
            best: initial.clone(),
            state: initial,
            dp: LineDp::default(),
            scratch: vec![0; model.values],
            line_buf: Vec::new(),
            cycle_round: 0,
            stale_rounds: 0,
        }
    }

    /// Adopts `other` as both current and best state, and restarts the annealing cycle.
    pub(crate) fn adopt(&mut self, other: &State) {
        self.state.copy_from(other);
        self.best.copy_from(other);
        self.cycle_round = 0;
        self.stale_rounds = 0;
    }

    /// Greedy construction: every line in turn gets its best response by DP.
    pub(crate) fn construct(&mut self, model: &Model, passes: usize) {
        for _ in 0..passes {
            let mut order: Vec<usize> = (0..model.employees).collect();
            shuffle(&mut order, &mut self.rng);
            for &e in &order {
                self.dp_move(model, e, false);
            }
        }
        self.note_best();
    }

    /// Runs one round of the plan; returns true if the worker's best improved.
    pub(crate) fn round(&mut self, model: &Model, plan: &RoundPlan) -> bool {
        let before = self.best.rank();
        let progress = self.cycle_round as f64 / plan.cycle_rounds.max(1) as f64;
        let temperature = plan.t_start * (plan.t_end / plan.t_start).powf(progress.min(1.0));
        let chunks = (plan.dp_moves + plan.ruin_moves).max(1);
        let per_chunk = plan.moves / chunks;
        for chunk in 0..chunks {
            for _ in 0..per_chunk {
                self.local_move(model, temperature);
            }
            self.note_best();
            self.adapt_weight(plan);
            if chunk < plan.dp_moves {
                let e = self.rng.gen_range(0..model.employees);
                self.dp_move(model, e, true);
            } else {
                self.ruin_move(model);
            }
            self.note_best();
        }
        self.cycle_round += 1;
        if self.cycle_round >= plan.cycle_rounds {
            // Restart the cycle from the best roster this thread has seen.
            self.cycle_round = 0;
            self.state.copy_from(&self.best);
        }
        let improved = self.best.rank() < before;
        self.stale_rounds = if improved { 0 } else { self.stale_rounds + 1 };
        improved
    }

    /// Strategic oscillation: raise the price of violations while the
    /// current roster is infeasible, lower it while feasible, so the search
    /// can cross infeasible regions without settling in them.
    fn adapt_weight(&mut self, plan: &RoundPlan) {
        let w = self.state.weight;
        self.state.weight = if self.state.feasible() {
            (w * 9 / 10).max(plan.weight_min)
        } else {
            (w * 13 / 10 + 1).min(plan.weight_max)
        };
    }

    fn note_best(&mut self) {
        if self.state.rank() < self.best.rank() {
            self.best.copy_from(&self.state);
        }
    }

    #[inline]
    fn accept(&mut self, delta: i64, temperature: f64) -> bool {
        delta <= 0 || self.rng.gen::<f64>() < (-(delta as f64) / temperature).exp()
    }

    /// One cheap move under the annealing rule.
    fn local_move(&mut self, model: &Model, temperature: f64) {
        let h = model.horizon;
        let roll: u32 = self.rng.gen_range(0..100);
        if roll < 45 {
            // Swap a block of days between two employees: cover is unchanged.
            let e1 = self.rng.gen_range(0..model.employees);
            let e2 = self.rng.gen_range(0..model.employees);
            if e1 == e2 {
                return;
            }
            let len = self.rng.gen_range(1..=h.min(7));
            let d0 = self.rng.gen_range(0..=h - len);
            let (a, b) = (e1 * h + d0, e2 * h + d0);
            if self.state.x[a..a + len] == self.state.x[b..b + len] {
                return;
            }
            for k in 0..len {
                self.state.x.swap(a + k, b + k);
            }
            let delta = self.state.refresh_line(model, e1, &mut self.scratch)
                + self.state.refresh_line(model, e2, &mut self.scratch);
            if !self.accept(delta, temperature) {
                for k in 0..len {
                    self.state.x.swap(a + k, b + k);
                }
                self.state.refresh_line(model, e1, &mut self.scratch);
                self.state.refresh_line(model, e2, &mut self.scratch);
            }
        } else {
            // Assign one value to a block of 1..=3 days of one employee.
            let e = self.rng.gen_range(0..model.employees);
            let len = if roll < 75 {
                1
            } else {
                self.rng.gen_range(2..=h.min(4))
            };
            let d0 = self.rng.gen_range(0..=h - len);
            let v = if self.rng.gen_bool(0.3) {
                0
            } else {
                self.rng.gen_range(1..model.values) as u8
            };
            let base = e * h + d0;
            if self.state.x[base..base + len].iter().all(|&x| x == v) {
                return;
            }
            self.line_buf.clear();
            self.line_buf
                .extend_from_slice(&self.state.x[base..base + len]);
            let cover_before = self.state.cover_total;
            for k in 0..len {
                self.state.set_cell(model, e, d0 + k, v);
            }
            let delta = self.state.cover_total - cover_before
                + self.state.refresh_line(model, e, &mut self.scratch);
            if !self.accept(delta, temperature) {
                for k in 0..len {
                    let old = self.line_buf[k];
                    self.state.set_cell(model, e, d0 + k, old);
                }
                self.state.refresh_line(model, e, &mut self.scratch);
            }
        }
    }

    /// Replaces `e`'s line by its DP best response if that is no worse.
    fn dp_move(&mut self, model: &Model, e: usize, allow_equal: bool) -> bool {
        match self.dp.improve(model, &self.state, e, 8, allow_equal) {
            Some((line, _)) => {
                self.write_line(model, e, &line);
                true
            }
            None => false,
        }
    }

    fn write_line(&mut self, model: &Model, e: usize, line: &[u8]) {
        for (d, &v) in line.iter().enumerate() {
            self.state.set_cell(model, e, d, v);
        }
        self.state.refresh_line(model, e, &mut self.scratch);
    }

    /// Clears 2..=4 employees, rebuilds them one after another with the DP,
    /// and keeps the result only if the total did not get worse.
    fn ruin_move(&mut self, model: &Model) {
        let h = model.horizon;
        let k = self.rng.gen_range(2..=4usize).min(model.employees);
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        while chosen.len() < k {
            let e = self.rng.gen_range(0..model.employees);
            if !chosen.contains(&e) {
                chosen.push(e);
            }
        }
        let before = self.state.total();
        let saved: Vec<Vec<u8>> = chosen
            .iter()
            .map(|&e| self.state.x[e * h..(e + 1) * h].to_vec())
            .collect();
        let off = vec![0u8; h];
        for &e in &chosen {
            self.write_line(model, e, &off);
        }
        for _ in 0..2 {
            for &e in &chosen {
                if let Some((line, _)) = self.dp.improve(model, &self.state, e, 8, false) {
                    self.write_line(model, e, &line);
                }
            }
        }
        if self.state.total() > before {
            for (i, &e) in chosen.iter().enumerate() {
                self.write_line(model, e, &saved[i]);
            }
        }
    }
}

/// Fisher–Yates shuffle driven by the worker's own generator.
fn shuffle<T>(items: &mut [T], rng: &mut ChaCha8Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.gen_range(0..=i);
        items.swap(i, j);
    }
}
