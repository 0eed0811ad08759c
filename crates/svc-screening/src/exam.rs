//! One round's exams: who attends, the latent truth of each exam, its AI score, and the random
//! numbers its readers will use.
//!
//! Why the random numbers are drawn here and not while reading: every workflow is applied to the
//! same exams with the same draws (common random numbers). A reader who would flag an exam under
//! double reading flags it under triage too, so the differences between workflows are the
//! workflows', not noise, and a workflow that reads less can only miss what double reading found.

use crate::calibration::Calibration;
use crate::population::{History, Population};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The latent truth of an exam.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// No cancer surfaces before the next round.
    Normal,
    /// A cancer visible at this screen.
    ScreenDetectable,
    /// A cancer not (or barely) visible now that surfaces before the next round.
    IntervalType,
}

/// Indices into [`Exam::draws`].
pub(crate) const FLAG: usize = 0; // readers 1, 2 and the reviewer: 0, 1, 2
pub(crate) const SCORE: usize = 3; // their scores given a flag: 3, 4, 5
pub(crate) const CONSENSUS: usize = 6;
pub(crate) const WORKUP: usize = 7;

/// One screening exam.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Exam {
    /// Index of the woman in the population.
    pub woman: usize,
    pub class: Class,
    /// The vendor score 1–10.
    pub score: u8,
    /// A continuous score in (score − 1, score], so a selection rate can be met exactly.
    pub position: f64,
    /// Uniform numbers for the reading steps (see the index constants).
    pub draws: [f64; 8],
}

/// Draws a round: attendance of each woman, then the exams of those who attend.
pub(crate) fn draw_round(
    population: &Population,
    calibration: &Calibration,
    rng: &mut ChaCha8Rng,
) -> Vec<Exam> {
    let band = |age: u8| (age.saturating_sub(50) / 5).min(3) as usize;
    // Normalise the age curve over the invited women, so the average prevalence per screen is the
    // calibrated one whatever the local age structure.
    let mean_incidence = population
        .women
        .iter()
        .map(|w| calibration.age_incidence_per_100k[band(w.age)])
        .sum::<f64>()
        / population.women.len().max(1) as f64;
    let mut exams = Vec::with_capacity(population.women.len());
    for (index, woman) in population.women.iter().enumerate() {
        let attend = match woman.history {
            History::Attended => calibration.attend_after_attended,
            History::Missed => calibration.attend_after_missed,
            History::FirstInvitation => calibration.participation,
        };
        if !rng.gen_bool(attend) {
            continue;
        }
        let factor = calibration.age_incidence_per_100k[band(woman.age)] / mean_incidence;
        let p_visible = calibration.screen_detectable_per_1000 / 1000.0 * factor;
        let p_interval = calibration.interval_type_per_1000 / 1000.0 * factor;
        let u: f64 = rng.gen();
        let (class, scores, concentration) = if u < p_visible {
            (
                Class::ScreenDetectable,
                &calibration.ai_score_screen_detectable,
                calibration.within_score_concentration[0],
            )
        } else if u < p_visible + p_interval {
            (
                Class::IntervalType,
                &calibration.ai_score_interval_type,
                calibration.within_score_concentration[1],
            )
        } else {
            (Class::Normal, &calibration.ai_score_normal, 1.0)
        };
        let score = pick(scores, rng.gen()) as u8 + 1;
        // 1 − U lies in (0, 1], and so does its power, keeping the position inside
        // (score − 1, score].
        let within = (1.0 - rng.gen::<f64>()).powf(1.0 / concentration);
        let position = f64::from(score - 1) + within;
        let mut draws = [0.0; 8];
        for d in &mut draws {
            *d = rng.gen();
        }
        exams.push(Exam {
            woman: index,
            class,
            score,
            position,
            draws,
        });
    }
    exams
}

/// The index a uniform number falls on in a discrete distribution (the last one for rounding).
pub(crate) fn pick(shares: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    for (i, s) in shares.iter().enumerate() {
        acc += s;
        if u < acc {
            return i;
        }
    }
    shares.len() - 1
}
