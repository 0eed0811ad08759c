//! The classifier interface and a documented logistic regression.
//!
//! Why logistic regression: it is the model family the issue compares against scikit-learn, its
//! coefficients are readable (log odds ratios per standard deviation of a feature), and its
//! scores are probabilities that can be checked for calibration.
//!
//! **Solver: Newton–Raphson (equivalently IRLS) with a Cholesky solve and a backtracking line
//! search.** The objective is strictly convex (L2 penalty λ > 0), the number of features is small
//! (tens), so forming and factoring the (p+1)×(p+1) Hessian costs less than one pass over the data,
//! and Newton converges quadratically to the exact optimum in ~10 iterations, to gradient norms
//! near machine precision. L-BFGS (scikit-learn's default) would need more passes for a less
//! precise optimum. The line search only guards the first steps from the zero start.
//!
//! **Objective** (scikit-learn's `LogisticRegression(C)` with `λ = 1/C`, intercept not penalised):
//! `Σ_i log(1 + exp(−s_i·f(x_i))) + (λ/2)·‖w‖²`, `f(x) = b + w·z(x)`, where `z` standardises each
//! feature with the training mean and population standard deviation (ddof 0, as scikit-learn's
//! `StandardScaler`).
//!
//! **Stored format** (`format = "mulighetsrom.logistic.v1"`, JSON): feature names, the
//! standardisation (means, scales), coefficients on the standardised scale, intercept, and
//! training metadata (rows, events, λ, solver, iterations, final gradient norm, data set). The
//! score of a raw feature vector `x` is `1 / (1 + exp(−(b + Σ_j w_j·(x_j − mean_j)/scale_j)))`.
//! Anyone can re-implement it from this paragraph.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a model says about itself: enough to publish it in an algorithm register.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// Model name.
    pub name: String,
    /// Family and format, e.g. `logistic regression (mulighetsrom.logistic.v1)` or `onnx`.
    pub kind: String,
    /// Input features in order.
    pub features: Vec<String>,
    /// What the score means.
    pub output: String,
    /// Training summary, if the model was trained here.
    pub training: Option<Training>,
}

/// A classifier that turns a feature vector into a probability.
pub trait RiskModel {
    /// Probability of the positive class for one person's features, in the order of
    /// [`ModelCard::features`]. The caller checks the length with [`RiskModel::check`].
    fn score(&self, features: &[f64]) -> f64;
    /// The model card.
    fn describe(&self) -> ModelCard;
    /// Checks a feature vector's length before scoring.
    fn check(&self, features: &[f64]) -> Result<(), ModelError> {
        let expected = self.describe().features.len();
        if features.len() == expected {
            Ok(())
        } else {
            Err(ModelError::Features {
                expected,
                got: features.len(),
            })
        }
    }
}

/// Model errors.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Wrong number of features.
    #[error("the model takes {expected} features, got {got}")]
    Features {
        /// Expected.
        expected: usize,
        /// Given.
        got: usize,
    },
    /// Training data that cannot be fitted.
    #[error("cannot train: {0}")]
    Data(String),
    /// A model file that cannot be read.
    #[error("reading model file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// A model file that is not a valid model.
    #[error("model file {path} is not a valid {format} model: {reason}")]
    Format {
        /// The file.
        path: String,
        /// Expected format.
        format: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// A dense row-major matrix of features.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Values, row after row.
    pub data: Vec<f64>,
}

impl Matrix {
    /// A matrix from row-major data; `None` if the length does not match.
    pub fn new(rows: usize, cols: usize, data: Vec<f64>) -> Option<Matrix> {
        (data.len() == rows * cols).then_some(Matrix { rows, cols, data })
    }
    /// One row.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }
    /// The rows at the given indices.
    pub fn select(&self, idx: &[usize]) -> Matrix {
        let mut data = Vec::with_capacity(idx.len() * self.cols);
        for &i in idx {
            data.extend_from_slice(self.row(i));
        }
        Matrix {
            rows: idx.len(),
            cols: self.cols,
            data,
        }
    }
}

/// Training metadata stored with a model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Training {
    /// Data set the model was trained on.
    pub dataset: String,
    /// Rows.
    pub rows: usize,
    /// Positive outcomes.
    pub events: usize,
    /// L2 penalty λ (= 1/C in scikit-learn).
    pub l2_lambda: f64,
    /// Solver.
    pub solver: String,
    /// Newton iterations.
    pub iterations: usize,
    /// Max-norm of the gradient of the objective at the solution.
    pub gradient_norm: f64,
}

/// The format tag of the stored logistic model.
pub const LOGISTIC_FORMAT: &str = "mulighetsrom.logistic.v1";

/// A fitted logistic regression in its portable form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogisticModel {
    /// Always [`LOGISTIC_FORMAT`].
    pub format: String,
    /// Model name.
    pub name: String,
    /// What the positive class is.
    pub outcome: String,
    /// Feature names in order.
    pub features: Vec<String>,
    /// Training means of the features.
    pub means: Vec<f64>,
    /// Training standard deviations (population, ddof 0); 1 for a constant feature.
    pub scales: Vec<f64>,
    /// Coefficients on the standardised scale.
    pub coefficients: Vec<f64>,
    /// Intercept.
    pub intercept: f64,
    /// How it was trained.
    pub training: Training,
}

/// Options for [`LogisticModel::fit`].
#[derive(Clone, Debug)]
pub struct FitOptions {
    /// L2 penalty λ on the standardised coefficients (λ = 1/C; scikit-learn's default C = 1).
    pub l2_lambda: f64,
    /// Stop when the max-norm of the gradient falls below this.
    pub tolerance: f64,
    /// Iteration cap.
    pub max_iterations: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            l2_lambda: 1.0,
            tolerance: 1e-9,
            max_iterations: 100,
        }
    }
}

fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// `log(1 + exp(t))` without overflow.
fn softplus(t: f64) -> f64 {
    if t > 0.0 {
        t + (-t).exp().ln_1p()
    } else {
        t.exp().ln_1p()
    }
}

/// Dot product with eight independent lanes: lane `k` sums the products at positions `≡ k`
/// (mod 8), then the lanes are added pairwise. The order of additions is fixed by this
/// definition, not by the instruction set, so SSE2 and AVX2 builds give bit-identical sums, and
/// the compiler can keep the lanes in vector registers without reassociating anything.
#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    const LANES: usize = 8;
    let n = a.len().min(b.len());
    let full = n / LANES * LANES;
    let mut acc = [0.0f64; LANES];
    for (x, y) in a[..full]
        .chunks_exact(LANES)
        .zip(b[..full].chunks_exact(LANES))
    {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    let mut t = ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
    for (x, y) in a[full..n].iter().zip(&b[full..n]) {
        t += x * y;
    }
    t
}

/// The penalised Newton system's matrix without the penalty: `H = Zᵀ diag(w) Z` for the
/// column-major design `cols` (`q` columns of `n` rows), written in full (both triangles).
/// The hot loop of fitting: `q(q+1)/2` dot products per Newton step.
#[inline(always)]
fn weighted_gram_generic(
    cols: &[f64],
    n: usize,
    q: usize,
    w: &[f64],
    wz: &mut [f64],
    h: &mut [f64],
) {
    let col = |j: usize| &cols[j * n..(j + 1) * n];
    for a in 0..q {
        for ((o, wi), z) in wz.iter_mut().zip(w).zip(col(a)) {
            *o = wi * z;
        }
        // Four columns at a time: `wz` is loaded once for four products (the loop is bound by
        // loads otherwise). Each sum is formed exactly as `dot` forms it.
        let mut b = 0;
        while b + 4 <= a + 1 {
            let v = dot4(wz, [col(b), col(b + 1), col(b + 2), col(b + 3)]);
            for (k, v) in v.into_iter().enumerate() {
                h[a * q + b + k] = v;
                h[(b + k) * q + a] = v;
            }
            b += 4;
        }
        for b in b..=a {
            let v = dot(wz, col(b));
            h[a * q + b] = v;
            h[b * q + a] = v;
        }
    }
}

/// Four dot products of `a` with `b[0..4]`, each summed in exactly `dot`'s order.
#[inline(always)]
fn dot4(a: &[f64], b: [&[f64]; 4]) -> [f64; 4] {
    const LANES: usize = 8;
    let n = a.len();
    let full = n / LANES * LANES;
    let mut acc = [[0.0f64; LANES]; 4];
    let mut i = 0;
    while i < full {
        let x = &a[i..i + LANES];
        for (j, bj) in b.iter().enumerate() {
            let y = &bj[i..i + LANES];
            for k in 0..LANES {
                acc[j][k] += x[k] * y[k];
            }
        }
        i += LANES;
    }
    let mut out = [0.0; 4];
    for j in 0..4 {
        let l = &acc[j];
        let mut t = ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
        for (x, y) in a[full..n].iter().zip(&b[j][full..n]) {
            t += x * y;
        }
        out[j] = t;
    }
    out
}

/// The same computation with AVX2 intrinsics (4 doubles per instruction, eight lanes in two
/// registers per column, four columns at a time); chosen at run time, so the binary still runs
/// on any x86-64. Every sum is formed in the order [`dot`] defines (no FMA), so the result is
/// bit-identical to the portable code.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn weighted_gram_avx2(
    cols: &[f64],
    n: usize,
    q: usize,
    w: &[f64],
    wz: &mut [f64],
    h: &mut [f64],
) {
    use std::arch::x86_64::*;
    assert!(cols.len() >= q * n && w.len() >= n && wz.len() >= n && h.len() >= q * q);
    let full = n / 8 * 8;
    // Horizontal sum of lanes 0–3 (`lo`) and 4–7 (`hi`) in `dot`'s order.
    let finish = |lo: __m256d, hi: __m256d| -> f64 {
        let mut s = [0.0f64; 4];
        // SAFETY: `s` has room for four doubles; unaligned store.
        unsafe { _mm256_storeu_pd(s.as_mut_ptr(), _mm256_add_pd(lo, hi)) };
        (s[0] + s[2]) + (s[1] + s[3])
    };
    for a in 0..q {
        let ca = &cols[a * n..(a + 1) * n];
        for ((o, wi), z) in wz.iter_mut().zip(w).zip(ca) {
            *o = wi * z;
        }
        let mut b = 0;
        while b <= a {
            let width = (a + 1 - b).min(4);
            let mut lo = [_mm256_setzero_pd(); 4];
            let mut hi = [_mm256_setzero_pd(); 4];
            let mut i = 0;
            while i < full {
                // SAFETY: i + 8 <= full <= n, and every column slice has n elements.
                unsafe {
                    let x0 = _mm256_loadu_pd(wz.as_ptr().add(i));
                    let x1 = _mm256_loadu_pd(wz.as_ptr().add(i + 4));
                    for j in 0..width {
                        let y = cols.as_ptr().add((b + j) * n + i);
                        lo[j] = _mm256_add_pd(lo[j], _mm256_mul_pd(x0, _mm256_loadu_pd(y)));
                        hi[j] = _mm256_add_pd(hi[j], _mm256_mul_pd(x1, _mm256_loadu_pd(y.add(4))));
                    }
                }
                i += 8;
            }
            for j in 0..width {
                let cb = &cols[(b + j) * n..(b + j + 1) * n];
                let mut t = finish(lo[j], hi[j]);
                for (x, y) in wz[full..n].iter().zip(&cb[full..n]) {
                    t += x * y;
                }
                h[a * q + b + j] = t;
                h[(b + j) * q + a] = t;
            }
            b += width;
        }
    }
}

fn weighted_gram(cols: &[f64], n: usize, q: usize, w: &[f64], wz: &mut [f64], h: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above); the function has no other
        // precondition.
        return unsafe { weighted_gram_avx2(cols, n, q, w, wz, h) };
    }
    weighted_gram_generic(cols, n, q, w, wz, h)
}

/// Solves `A x = b` for symmetric positive definite `A` (n×n, row-major) by Cholesky.
fn cholesky_solve(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * y[k];
        }
        y[i] = s / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= l[k * n + i] * x[k];
        }
        x[i] = s / l[i * n + i];
    }
    Some(x)
}

impl LogisticModel {
    /// Fits the model (see the module docs for objective and solver).
    pub fn fit(
        name: &str,
        outcome: &str,
        features: &[String],
        x: &Matrix,
        y: &[bool],
        dataset: &str,
        options: &FitOptions,
    ) -> Result<LogisticModel, ModelError> {
        let (n, p) = (x.rows, x.cols);
        if y.len() != n || features.len() != p {
            return Err(ModelError::Data(format!(
                "{n} rows, {} outcomes, {p} columns, {} feature names",
                y.len(),
                features.len()
            )));
        }
        let events = y.iter().filter(|&&v| v).count();
        if events == 0 || events == n {
            return Err(ModelError::Data(format!(
                "{events} events in {n} rows: both outcomes are needed"
            )));
        }
        if x.data.iter().any(|v| !v.is_finite()) {
            return Err(ModelError::Data("a feature value is not finite".into()));
        }
        let mut means = vec![0.0; p];
        for i in 0..n {
            for (m, v) in means.iter_mut().zip(x.row(i)) {
                *m += v;
            }
        }
        means.iter_mut().for_each(|m| *m /= n as f64);
        let mut scales = vec![0.0; p];
        for i in 0..n {
            for ((s, v), m) in scales.iter_mut().zip(x.row(i)).zip(&means) {
                *s += (v - m) * (v - m);
            }
        }
        for s in scales.iter_mut() {
            *s = (*s / n as f64).sqrt();
            if *s == 0.0 {
                *s = 1.0; // scikit-learn's StandardScaler leaves a constant feature unscaled
            }
        }
        // Column-major standardised design, intercept column first: every inner loop below is
        // then a contiguous dot product or axpy over the rows, which the compiler vectorises.
        let q = p + 1;
        let mut cols = vec![0.0; q * n];
        cols[..n].fill(1.0);
        for i in 0..n {
            let row = x.row(i);
            for j in 0..p {
                cols[(j + 1) * n + i] = (row[j] - means[j]) / scales[j];
            }
        }
        let col = |j: usize| &cols[j * n..(j + 1) * n];
        let lambda = options.l2_lambda;
        let predictor = |beta: &[f64], eta: &mut [f64]| {
            eta.fill(beta[0]);
            for (j, b) in beta.iter().enumerate().skip(1) {
                for (e, z) in eta.iter_mut().zip(col(j)) {
                    *e += b * z;
                }
            }
        };
        let objective = |eta: &[f64], beta: &[f64]| -> f64 {
            eta.iter()
                .zip(y)
                .map(|(&t, &yy)| if yy { softplus(-t) } else { softplus(t) })
                .sum::<f64>()
                + 0.5 * lambda * beta[1..].iter().map(|b| b * b).sum::<f64>()
        };
        let mut beta = vec![0.0; q];
        let mut eta = vec![0.0; n];
        let mut trial_eta = vec![0.0; n];
        predictor(&beta, &mut eta);
        let mut f = objective(&eta, &beta);
        let (mut r, mut w, mut wz) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        let mut iterations = 0;
        let mut gnorm = f64::INFINITY;
        while iterations < options.max_iterations {
            for i in 0..n {
                let mu = sigmoid(eta[i]);
                r[i] = mu - if y[i] { 1.0 } else { 0.0 };
                w[i] = mu * (1.0 - mu);
            }
            let mut g: Vec<f64> = (0..q).map(|a| dot(&r, col(a))).collect();
            for a in 1..q {
                g[a] += lambda * beta[a];
            }
            // Converged? Checked before the Hessian, which is the expensive part.
            gnorm = g.iter().fold(0.0, |m, v| m.max(v.abs()));
            if gnorm < options.tolerance {
                break;
            }
            let mut h = vec![0.0; q * q];
            weighted_gram(&cols, n, q, &w, &mut wz, &mut h);
            for a in 1..q {
                h[a * q + a] += lambda;
            }
            let step = cholesky_solve(&h, &g, q).ok_or_else(|| {
                ModelError::Data("the Hessian is not positive definite (use λ > 0)".into())
            })?;
            let mut t = 1.0;
            loop {
                let trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b - t * s).collect();
                predictor(&trial, &mut trial_eta);
                let ft = objective(&trial_eta, &trial);
                if ft <= f || t < 1e-10 {
                    beta = trial;
                    f = ft;
                    std::mem::swap(&mut eta, &mut trial_eta);
                    break;
                }
                t *= 0.5;
            }
            iterations += 1;
        }
        Ok(LogisticModel {
            format: LOGISTIC_FORMAT.to_owned(),
            name: name.to_owned(),
            outcome: outcome.to_owned(),
            features: features.to_vec(),
            means,
            scales,
            coefficients: beta[1..].to_vec(),
            intercept: beta[0],
            training: Training {
                dataset: dataset.to_owned(),
                rows: n,
                events,
                l2_lambda: lambda,
                solver: "Newton-Raphson (IRLS), Cholesky, backtracking line search".to_owned(),
                iterations,
                gradient_norm: gnorm,
            },
        })
    }

    /// Standard errors of the raw-scale coefficients `(intercept, per-feature)` from the inverse
    /// of the penalised Hessian at the solution (the observed information), evaluated on the
    /// data the model was fitted to. Used to judge recovered coefficients by sample size.
    pub fn standard_errors(&self, x: &Matrix) -> Option<(f64, Vec<f64>)> {
        let (n, p) = (x.rows, x.cols);
        if p != self.features.len() {
            return None;
        }
        // Hessian on the raw scale with the intercept as column 0: Σ w·u·uᵀ with u = (1, x).
        let q = p + 1;
        let mut h = vec![0.0; q * q];
        let mut u = vec![0.0; q];
        for i in 0..n {
            let row = x.row(i);
            u[0] = 1.0;
            u[1..].copy_from_slice(row);
            let mu = sigmoid(self.logit(row));
            let w = mu * (1.0 - mu);
            for a in 0..q {
                let wa = w * u[a];
                for (hb, ub) in h[a * q..a * q + a + 1].iter_mut().zip(&u[..=a]) {
                    *hb += wa * ub;
                }
            }
        }
        // The penalty λ/2·Σ(c_j)² with c_j = w_j·scale_j adds λ·scale_j² on the raw diagonal.
        for j in 0..p {
            h[(j + 1) * q + j + 1] += self.training.l2_lambda * self.scales[j] * self.scales[j];
        }
        for a in 0..q {
            for b in 0..a {
                h[b * q + a] = h[a * q + b];
            }
        }
        let mut se = Vec::with_capacity(q);
        for j in 0..q {
            let mut e = vec![0.0; q];
            e[j] = 1.0;
            let col = cholesky_solve(&h, &e, q)?;
            se.push(col[j].max(0.0).sqrt());
        }
        Some((se[0], se[1..].to_vec()))
    }

    /// Coefficients on the raw feature scale: `(intercept, per-feature)`. For a 0/1 feature the
    /// raw coefficient is its log odds ratio.
    pub fn raw_coefficients(&self) -> (f64, Vec<f64>) {
        let w: Vec<f64> = self
            .coefficients
            .iter()
            .zip(&self.scales)
            .map(|(c, s)| c / s)
            .collect();
        let b = self.intercept - w.iter().zip(&self.means).map(|(w, m)| w * m).sum::<f64>();
        (b, w)
    }

    /// The linear predictor (log odds).
    pub fn logit(&self, features: &[f64]) -> f64 {
        self.intercept
            + features
                .iter()
                .zip(&self.means)
                .zip(&self.scales)
                .zip(&self.coefficients)
                .map(|(((x, m), s), c)| c * (x - m) / s)
                .sum::<f64>()
    }

    /// Each feature's contribution to the log odds relative to the training mean, largest first.
    pub fn contributions(&self, features: &[f64]) -> Vec<(String, f64)> {
        let mut v: Vec<(String, f64)> = self
            .features
            .iter()
            .zip(features)
            .zip(&self.means)
            .zip(&self.scales)
            .zip(&self.coefficients)
            .map(|((((n, x), m), s), c)| (n.clone(), c * (x - m) / s))
            .collect();
        v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        v
    }

    /// The JSON text of the portable format.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model serialises")
    }

    /// Reads and validates a model from JSON text; `origin` names the source in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<LogisticModel, ModelError> {
        let bad = |reason: String| ModelError::Format {
            path: origin.to_owned(),
            format: LOGISTIC_FORMAT,
            reason,
        };
        let m: LogisticModel = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if m.format != LOGISTIC_FORMAT {
            return Err(bad(format!("format is {:?}", m.format)));
        }
        let p = m.features.len();
        if m.means.len() != p || m.scales.len() != p || m.coefficients.len() != p {
            return Err(bad(format!(
                "{p} features but {} means, {} scales, {} coefficients",
                m.means.len(),
                m.scales.len(),
                m.coefficients.len()
            )));
        }
        if m.scales.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(bad("a scale is not a positive number".into()));
        }
        Ok(m)
    }

    /// Reads a model file.
    pub fn load(path: &Path) -> Result<LogisticModel, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Io {
            path: path.display().to_string(),
            source,
        })?;
        LogisticModel::from_json(&text, &path.display().to_string())
    }
}

impl RiskModel for LogisticModel {
    fn score(&self, features: &[f64]) -> f64 {
        sigmoid(self.logit(features))
    }

    fn describe(&self) -> ModelCard {
        ModelCard {
            name: self.name.clone(),
            kind: format!("logistic regression ({LOGISTIC_FORMAT})"),
            features: self.features.clone(),
            output: format!("probability of {}", self.outcome),
            training: Some(self.training.clone()),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_vector_kernel_gives_bit_identical_hessians() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for (n, q) in [(513, 31), (7, 3), (64, 9), (1000, 5)] {
            let cols: Vec<f64> = (0..n * q).map(|_| rng.gen_range(-3.0..3.0)).collect();
            let w: Vec<f64> = (0..n).map(|_| rng.gen_range(0.0..0.25)).collect();
            let (mut wz, mut h1, mut h2) = (vec![0.0; n], vec![0.0; q * q], vec![0.0; q * q]);
            weighted_gram_generic(&cols, n, q, &w, &mut wz, &mut h1);
            weighted_gram(&cols, n, q, &w, &mut wz, &mut h2);
            assert_eq!(h1, h2, "n = {n}, q = {q}");
            // And both are the Gram matrix.
            let direct: f64 = (0..n).map(|i| w[i] * cols[i] * cols[(q - 1) * n + i]).sum();
            assert!((h1[q - 1] - direct).abs() < 1e-9 * direct.abs().max(1.0));
        }
    }
    use super::*;

    fn toy() -> (Matrix, Vec<bool>, Vec<String>) {
        // y = 1 mostly when x0 is large; x1 is noise; not separable.
        let xs = [
            (0.0, 1.0, false),
            (1.0, 0.0, false),
            (2.0, 1.0, true),
            (3.0, 0.0, false),
            (4.0, 1.0, true),
            (5.0, 0.0, true),
            (1.5, 0.5, false),
            (3.5, 0.5, true),
        ];
        let data = xs.iter().flat_map(|r| [r.0, r.1]).collect();
        (
            Matrix::new(xs.len(), 2, data).unwrap(),
            xs.iter().map(|r| r.2).collect(),
            vec!["x0".into(), "x1".into()],
        )
    }

    #[test]
    fn newton_reaches_the_optimum() {
        let (x, y, f) = toy();
        let m = LogisticModel::fit("t", "y", &f, &x, &y, "toy", &FitOptions::default()).unwrap();
        assert!(m.training.gradient_norm < 1e-9);
        assert!(m.training.iterations < 20);
        assert!(m.coefficients[0] > 0.0);
        // Without penalty and with a tiny one the fit barely differs on this non-separable set.
        let weak = FitOptions {
            l2_lambda: 1e-8,
            ..Default::default()
        };
        let u = LogisticModel::fit("t", "y", &f, &x, &y, "toy", &weak).unwrap();
        assert!(u.coefficients[0] > m.coefficients[0]); // the penalty shrinks
    }

    #[test]
    fn gradient_is_zero_at_the_solution_by_finite_differences() {
        let (x, y, f) = toy();
        let m = LogisticModel::fit("t", "y", &f, &x, &y, "toy", &FitOptions::default()).unwrap();
        // The penalised objective on the standardised scale, perturbed coefficient by coefficient.
        let obj = |m: &LogisticModel| -> f64 {
            (0..x.rows)
                .map(|i| {
                    let t = m.logit(x.row(i));
                    if y[i] {
                        softplus(-t)
                    } else {
                        softplus(t)
                    }
                })
                .sum::<f64>()
                + 0.5 * m.coefficients.iter().map(|c| c * c).sum::<f64>()
        };
        let f0 = obj(&m);
        for j in 0..2 {
            for d in [1e-4, -1e-4] {
                let mut p = m.clone();
                p.coefficients[j] += d;
                assert!(obj(&p) >= f0);
            }
        }
    }

    #[test]
    fn json_round_trip_and_raw_coefficients() {
        let (x, y, f) = toy();
        let m = LogisticModel::fit("t", "y", &f, &x, &y, "toy", &FitOptions::default()).unwrap();
        let back = LogisticModel::from_json(&m.to_json(), "mem").unwrap();
        // serde_json writes the shortest representation that round-trips; its default parser
        // may be off by one unit in the last place, which changes scores by ~1e-16.
        assert_eq!(back.features, m.features);
        for (a, b) in back.coefficients.iter().zip(&m.coefficients) {
            assert!((a - b).abs() <= 2.0 * f64::EPSILON * a.abs());
        }
        assert!((back.score(x.row(0)) - m.score(x.row(0))).abs() < 1e-15);
        let (b, w) = m.raw_coefficients();
        let row = x.row(3);
        let direct = b + w[0] * row[0] + w[1] * row[1];
        assert!((direct - m.logit(row)).abs() < 1e-12);
        assert!(m.check(&[1.0]).is_err());
        let bad = m.to_json().replace(LOGISTIC_FORMAT, "other");
        assert!(LogisticModel::from_json(&bad, "mem").is_err());
    }

    #[test]
    fn refuses_one_class() {
        let (x, _, f) = toy();
        let y = vec![false; x.rows];
        assert!(LogisticModel::fit("t", "y", &f, &x, &y, "toy", &FitOptions::default()).is_err());
    }
}
