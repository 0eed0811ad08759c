//! One search thread: simulated annealing over cheap moves (cell change,
//! block assignment, block swap between two employees; re-costed on the
//! runs around the change only), interleaved with exact line
//! re-optimisation (see `dp`), a ruin-and-recreate move that clears a few
//! employees and rebuilds their lines one by one with the DP, and a window
//! LNS that re-solves a few employees on a window of days together from
//! window-DP columns (see `window`).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::dp::LineDp;
use super::model::Model;
use super::state::State;
use super::window::WindowDp;

/// Search state of one thread; everything in it is deterministic given its seed.
pub(crate) struct Worker {
    pub rng: ChaCha8Rng,
    pub state: State,
    pub best: State,
    dp: LineDp,
    wdp: WindowDp,
    scratch: Vec<i32>,
    line_buf: Vec<u8>,
    line_buf2: Vec<u8>,
    day_buf: Vec<usize>,
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
    /// Window large-neighbourhood moves per round (see `window_lns`).
    pub lns_moves: usize,
    /// Window lengths, in days, drawn uniformly from this range.
    pub lns_len: (usize, usize),
    /// Most employees re-solved together in one window move.
    pub lns_employees: usize,
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
            wdp: WindowDp::default(),
            scratch: vec![0; model.values],
            line_buf: Vec::new(),
            line_buf2: Vec::new(),
            day_buf: Vec::new(),
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
        let chunks = (plan.dp_moves + plan.ruin_moves + plan.lns_moves).max(1);
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
            } else if chunk < plan.dp_moves + plan.ruin_moves {
                self.ruin_move(model);
            } else {
                self.window_lns(model, plan);
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
            // Never move work onto a fixed day off or a forbidden shift type.
            for k in 0..len {
                if !model.may_work(e1, d0 + k, self.state.x[b + k])
                    || !model.may_work(e2, d0 + k, self.state.x[a + k])
                {
                    return;
                }
            }
            // Old values of e1 are the new ones of e2 and vice versa.
            self.line_buf.clear();
            self.line_buf.extend_from_slice(&self.state.x[a..a + len]);
            self.line_buf2.clear();
            self.line_buf2.extend_from_slice(&self.state.x[b..b + len]);
            for k in 0..len {
                self.state.x.swap(a + k, b + k);
            }
            let delta = self
                .state
                .refresh_range(model, e1, d0, d0 + len, &self.line_buf)
                + self
                    .state
                    .refresh_range(model, e2, d0, d0 + len, &self.line_buf2);
            if !self.accept(delta, temperature) {
                for k in 0..len {
                    self.state.x.swap(a + k, b + k);
                }
                self.state
                    .refresh_range(model, e1, d0, d0 + len, &self.line_buf2);
                self.state
                    .refresh_range(model, e2, d0, d0 + len, &self.line_buf);
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
            if self.state.x[base..base + len].iter().all(|&x| x == v)
                || (0..len).any(|k| !model.may_work(e, d0 + k, v))
            {
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
                + self
                    .state
                    .refresh_range(model, e, d0, d0 + len, &self.line_buf);
            if !self.accept(delta, temperature) {
                for k in 0..len {
                    let old = self.line_buf[k];
                    self.state.set_cell(model, e, d0 + k, old);
                }
                self.line_buf2.clear();
                self.line_buf2.resize(len, v);
                self.state
                    .refresh_range(model, e, d0, d0 + len, &self.line_buf2);
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

impl Worker {
    /// Large-neighbourhood move on a window of days: picks `[a, b)` (around
    /// a located violation when the roster is infeasible) and 1..=k
    /// employees, and re-solves their windows together (`column_lns`).
    pub(crate) fn window_lns(&mut self, model: &Model, plan: &RoundPlan) {
        let h = model.horizon;
        let (lo, hi) = plan.lns_len;
        let len = self.rng.gen_range(lo.min(h)..=hi.min(h));
        let mut a = self.rng.gen_range(0..=h - len);
        let k = self
            .rng
            .gen_range(1..=plan.lns_employees.max(1))
            .min(model.employees);
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        if !self.state.feasible() && self.rng.gen_bool(0.5) {
            // Start from a line that breaks a hard rule, on a window around the break.
            let start = self.rng.gen_range(0..model.employees);
            if let Some(e) = (0..model.employees)
                .map(|i| (start + i) % model.employees)
                .find(|&e| self.state.line_viol[e] > 0)
            {
                chosen.push(e);
                let mut found = std::mem::take(&mut self.day_buf);
                model.violation_days(e, self.state.line(model, e), &mut found);
                if !found.is_empty() {
                    let d = found[self.rng.gen_range(0..found.len())];
                    let back = self.rng.gen_range(0..len);
                    a = d.saturating_sub(back).min(h - len);
                }
                self.day_buf = found;
            }
        }
        let b = a + len;
        while chosen.len() < k {
            let e = self.rng.gen_range(0..model.employees);
            if !chosen.contains(&e) {
                chosen.push(e);
            }
        }
        self.column_lns(model, &chosen, a, b);
    }

    /// Writes `window` into days `[a, b)` of `e` and re-costs the line.
    fn write_window(&mut self, model: &Model, e: usize, a: usize, window: &[u8]) {
        let h = model.horizon;
        let b = a + window.len();
        let mut old = std::mem::take(&mut self.line_buf);
        old.clear();
        old.extend_from_slice(&self.state.x[e * h + a..e * h + b]);
        for (i, &v) in window.iter().enumerate() {
            self.state.set_cell(model, e, a + i, v);
        }
        self.state.refresh_range(model, e, a, b, &old);
        self.line_buf = old;
    }

    /// Column-based window LNS: for each chosen employee, collect candidate
    /// windows (the current one; best responses in random order starting
    /// from the current roster; best responses after clearing all chosen
    /// windows, two passes), then pick the best combination by exhaustive
    /// search, priced exactly. Finds coordinated exchanges (A takes B's
    /// cell while B takes C's) that sequential best responses miss, and
    /// never makes the total worse.
    fn column_lns(&mut self, model: &Model, chosen: &[usize], a: usize, b: usize) {
        let h = model.horizon;
        let k = chosen.len();
        let mut columns: Vec<Vec<Vec<u8>>> = chosen
            .iter()
            .map(|&e| vec![self.state.x[e * h + a..e * h + b].to_vec()])
            .collect();
        let mut order: Vec<usize> = (0..k).collect();
        let add = |columns: &mut Vec<Vec<Vec<u8>>>, i: usize, w: &[u8]| {
            if !columns[i].iter().any(|c| c[..] == w[..]) {
                columns[i].push(w.to_vec());
            }
        };
        // From the current roster: one pass of best responses.
        shuffle(&mut order, &mut self.rng);
        for &i in &order {
            let e = chosen[i];
            if let Some((w, _)) = self.wdp.best(model, &self.state, e, a, b) {
                add(&mut columns, i, &w);
                self.write_window(model, e, a, &w);
            }
        }
        // From cleared windows: two passes of best responses.
        let zero = vec![0u8; b - a];
        for &e in chosen {
            self.write_window(model, e, a, &zero);
        }
        for _ in 0..2 {
            shuffle(&mut order, &mut self.rng);
            for &i in &order {
                let e = chosen[i];
                if let Some((w, _)) = self.wdp.best(model, &self.state, e, a, b) {
                    add(&mut columns, i, &w);
                    self.write_window(model, e, a, &w);
                }
            }
        }
        // Keep the search small: drop the latest columns while too many combinations.
        while columns.iter().map(Vec::len).product::<usize>() > 1_000 {
            let longest = (0..k).max_by_key(|&i| columns[i].len()).unwrap_or(0);
            columns[longest].pop();
        }
        // Exhaustive search, one employee's window changed per step.
        for i in 0..k {
            let w = columns[i][0].clone();
            self.write_window(model, chosen[i], a, &w);
        }
        let mut best = (self.state.total(), vec![0usize; k]);
        let mut pick = vec![0usize; k];
        self.combine(model, chosen, a, &columns, 0, &mut pick, &mut best);
        for i in 0..k {
            let w = columns[i][best.1[i]].clone();
            self.write_window(model, chosen[i], a, &w);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn combine(
        &mut self,
        model: &Model,
        chosen: &[usize],
        a: usize,
        columns: &[Vec<Vec<u8>>],
        i: usize,
        pick: &mut Vec<usize>,
        best: &mut (i64, Vec<usize>),
    ) {
        if i == chosen.len() {
            let total = self.state.total();
            if total < best.0 {
                *best = (total, pick.clone());
            }
            return;
        }
        for c in 0..columns[i].len() {
            if c > 0 {
                self.write_window(model, chosen[i], a, &columns[i][c]);
            }
            pick[i] = c;
            self.combine(model, chosen, a, columns, i + 1, pick, best);
        }
        if columns[i].len() > 1 {
            self.write_window(model, chosen[i], a, &columns[i][0]);
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
