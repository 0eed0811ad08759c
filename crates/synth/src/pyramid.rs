//! Single-year ages from the 10-year band pyramid.
//!
//! SSB's published pyramid (table 07459 as collected) is in 10-year bands. Ages 0–9 are shaped by
//! the births of 2014–2023; other bands by linear interpolation of the density between band
//! centres, rescaled so each band keeps its published total exactly.

use crate::params::{AGE_BANDS_2024, BIRTHS_2014_2023, MAX_AGE};

/// National population by single age (0..=MAX_AGE) for men (index 0) and women (index 1).
pub fn single_age_counts() -> [[f64; MAX_AGE + 1]; 2] {
    let mut out = [[0.0; MAX_AGE + 1]; 2];
    for (sex, counts) in out.iter_mut().enumerate() {
        let band_total = |b: usize| -> f64 {
            let (_, m, w) = AGE_BANDS_2024[b];
            if sex == 0 {
                m as f64
            } else {
                w as f64
            }
        };
        let width = |b: usize| {
            if b == AGE_BANDS_2024.len() - 1 {
                6.0
            } else {
                10.0
            }
        };
        let density = |b: usize| band_total(b) / width(b);
        let centre = |b: usize| AGE_BANDS_2024[b].0 as f64 + (width(b) - 1.0) / 2.0;
        for (b, &(start, _, _)) in AGE_BANDS_2024.iter().enumerate() {
            let start = start as usize;
            let end = (start + width(b) as usize).min(MAX_AGE + 1);
            let mut weights: Vec<f64> = (start..end)
                .map(|age| {
                    if b == 0 {
                        // Age a on 1 Jan 2024 was born in 2023 - a.
                        BIRTHS_2014_2023[9 - age] as f64
                    } else if b == AGE_BANDS_2024.len() - 1 {
                        0.6_f64.powi((age - start) as i32)
                    } else {
                        let x = age as f64;
                        let (lo, hi) = if x < centre(b) {
                            (b - 1, b)
                        } else {
                            (b, b + 1)
                        };
                        let hi = hi.min(AGE_BANDS_2024.len() - 1);
                        if lo == hi {
                            density(b)
                        } else {
                            let t = (x - centre(lo)) / (centre(hi) - centre(lo));
                            (density(lo) + t * (density(hi) - density(lo))).max(1.0)
                        }
                    }
                })
                .collect();
            let sum: f64 = weights.iter().sum();
            for w in &mut weights {
                *w *= band_total(b) / sum;
            }
            counts[start..end].copy_from_slice(&weights);
        }
    }
    out
}

/// Splits `total` persons over the cells in proportion to `weights` with largest-remainder
/// rounding, so the parts always add up to `total`.
pub fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * total as f64).collect();
    let mut out: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let assigned: u64 = out.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().take((total - assigned) as usize) {
        out[i] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_ages_keep_band_totals() {
        let counts = single_age_counts();
        for (b, &(start, m, w)) in AGE_BANDS_2024.iter().enumerate() {
            let end = if b == AGE_BANDS_2024.len() - 1 {
                MAX_AGE + 1
            } else {
                start as usize + 10
            };
            let men: f64 = counts[0][start as usize..end].iter().sum();
            let women: f64 = counts[1][start as usize..end].iter().sum();
            assert!((men - m as f64).abs() < 1e-6, "band {start}");
            assert!((women - w as f64).abs() < 1e-6, "band {start}");
        }
        // Ages 1-5 come out near SSB's 281 462 (checked precisely in the calibration tests).
        let ages_1_5: f64 = (1..=5).map(|a| counts[0][a] + counts[1][a]).sum();
        assert!(
            (ages_1_5 - 281_462.0).abs() / 281_462.0 < 0.01,
            "{ages_1_5}"
        );
    }

    #[test]
    fn apportion_adds_up() {
        let parts = apportion(10, &[1.0, 1.0, 1.0]);
        assert_eq!(parts.iter().sum::<u64>(), 10);
        assert_eq!(parts, vec![4, 3, 3]);
        assert_eq!(apportion(5, &[0.0, 0.0]), vec![0, 0]);
    }
}
