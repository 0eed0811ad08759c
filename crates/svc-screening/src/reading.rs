//! How each workflow reads one exam: who reads it, whether it goes to consensus, and what comes
//! of it (recall, a screen-detected cancer, or a cancer that surfaces in the interval).

use crate::calibration::{Band, Calibration};
use crate::exam::{Class, Exam, CONSENSUS, FLAG, SCORE, WORKUP};
use crate::workflow::{Threshold, Workflow};

/// A workflow with its thresholds resolved for one round.
pub(crate) struct Plan {
    pub workflow: Workflow,
    cuts: [Cut; 2],
}

/// A resolved threshold: a vendor score cut-off, or the lowest continuous score the selection
/// rate takes in this round.
#[derive(Clone, Copy)]
enum Cut {
    Score(u8),
    Position(f64),
    Nothing,
}

impl Plan {
    /// Resolves score cut-offs and selection rates against this round's exams.
    pub fn resolve(workflow: Workflow, exams: &[Exam]) -> Plan {
        let mut cuts = [Cut::Nothing; 2];
        for (cut, threshold) in cuts.iter_mut().zip(workflow.thresholds()) {
            *cut = cut_for(threshold, exams);
        }
        Plan { workflow, cuts }
    }

    /// Whether the exam is above threshold `which` (0 the main one, 1 the safety net).
    fn high(&self, exam: &Exam, which: usize) -> bool {
        match self.cuts[which] {
            Cut::Score(n) => exam.score >= n,
            Cut::Position(p) => exam.position >= p,
            Cut::Nothing => false,
        }
    }
}

fn cut_for(threshold: Threshold, exams: &[Exam]) -> Cut {
    match threshold {
        Threshold::Score(n) => Cut::Score(n),
        Threshold::Rate(rate) => {
            if exams.is_empty() {
                return Cut::Nothing;
            }
            let k = ((rate * exams.len() as f64).round() as usize).clamp(1, exams.len());
            let mut positions: Vec<f64> = exams.iter().map(|e| e.position).collect();
            let (_, kth, _) = positions.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
            Cut::Position(*kth)
        }
    }
}

/// What happened to one exam.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Reading {
    /// Radiologist screen reads (0, 1 or 2; consensus and reviews are not counted as reads).
    pub reads: u8,
    /// Discussed at a consensus meeting.
    pub consensus: bool,
    /// Recalled for assessment.
    pub recalled: bool,
    /// A cancer was found at assessment (screen-detected).
    pub detected: bool,
    /// A cancer surfaced before the next round (interval cancer).
    pub interval: bool,
    /// Double-read and exactly one reader flagged it.
    pub discordant: bool,
}

/// Reads one exam under a plan.
pub(crate) fn read(exam: &Exam, plan: &Plan, calibration: &Calibration) -> Reading {
    let flag = |reader: usize, factor: f64| flag(exam, calibration, reader, factor);
    // A reviewer prompted by the AI (safety net, an AI flag at consensus) sees the score.
    let review = || {
        let factor = if exam.score == 10 {
            calibration.cad_factor_score10
        } else {
            1.0
        };
        flag(2, factor)
    };
    let double = |factor: f64| {
        let (a, b) = (flag(0, factor), flag(1, factor));
        (2, a.max(b), a.is_some() != b.is_some())
    };
    let single = || (1, flag(0, 1.0), false);
    // (reads, highest reader score at consensus, discordant, an AI prompt sent it to consensus)
    let (reads, highest, discordant, prompted) = match plan.workflow {
        Workflow::DoubleReading => with_prompt(double(1.0), false),
        Workflow::Triage { .. } => with_prompt(
            if plan.high(exam, 0) {
                double(1.0)
            } else {
                single()
            },
            false,
        ),
        Workflow::ReplaceReader { .. } => {
            let reader = flag(1, 1.0);
            let ai = plan.high(exam, 0);
            match reader {
                Some(s) => (1, Some(s), false, false),
                None => (1, if ai { review() } else { None }, false, ai),
            }
        }
        Workflow::DecisionReferral { .. } => {
            let (reads, highest, discordant) = if plan.high(exam, 0) {
                double(1.0)
            } else {
                single()
            };
            if highest.is_none() && plan.high(exam, 1) {
                (reads, review(), discordant, true)
            } else {
                (reads, highest, discordant, false)
            }
        }
        Workflow::RuleOut { .. } => {
            if plan.high(exam, 0) {
                with_prompt(double(1.0), false)
            } else {
                (0, None, false, false)
            }
        }
        Workflow::ConcurrentCad { .. } => {
            let factor = if !plan.high(exam, 0) {
                calibration.cad_factor_unmarked
            } else if exam.score == 10 {
                calibration.cad_factor_score10
            } else {
                1.0
            };
            with_prompt(double(factor), false)
        }
    };
    let consensus = highest.is_some() || prompted;
    let recalled = highest.is_some_and(|s| {
        exam.draws[CONSENSUS] < calibration.consensus_recall_by_score[usize::from(s) - 2]
    });
    let detected = recalled
        && match exam.class {
            Class::Normal => false,
            Class::ScreenDetectable => true,
            Class::IntervalType => {
                exam.draws[WORKUP]
                    < calibration.interval_type_found_at_workup[Band::of(exam.score) as usize]
            }
        };
    Reading {
        reads,
        consensus,
        recalled,
        detected,
        interval: exam.class != Class::Normal && !detected,
        discordant,
    }
}

fn with_prompt(
    (reads, highest, discordant): (u8, Option<u8>, bool),
    prompted: bool,
) -> (u8, Option<u8>, bool, bool) {
    (reads, highest, discordant, prompted)
}

/// Whether a reader scores the exam ≥ 2 and, if so, the score 2–5. `factor` scales the flag
/// probability (a reader who sees the AI score), capped at 0.99.
fn flag(exam: &Exam, calibration: &Calibration, reader: usize, factor: f64) -> Option<u8> {
    let p = (calibration.reader_flag(exam.class)[Band::of(exam.score) as usize] * factor).min(0.99);
    if exam.draws[FLAG + reader] >= p {
        return None;
    }
    let scores = match exam.class {
        Class::ScreenDetectable => &calibration.flagged_score_cancer,
        Class::Normal | Class::IntervalType => &calibration.flagged_score_normal,
    };
    Some(crate::exam::pick(scores, exam.draws[SCORE + reader]) as u8 + 2)
}
