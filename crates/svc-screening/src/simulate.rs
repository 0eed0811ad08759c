//! Replicate rounds of the programme under each workflow.

use crate::calibration::Calibration;
use crate::exam::{self, Class};
use crate::metrics::{Counts, Estimate, Metric};
use crate::population::Population;
use crate::reading::{self, Plan};
use crate::workflow::{Workflow, WorkflowKind};
use crate::SimulationError;
use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// How many rounds to simulate and from which seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SimulationOptions {
    /// Independent replicate rounds (≥ 1; ≥ 2 for an interval).
    pub replicates: usize,
    /// The seed: the same seed, population, workflows and calibration give the same result.
    pub seed: u64,
}

impl Default for SimulationOptions {
    fn default() -> Self {
        SimulationOptions {
            replicates: 20,
            seed: 2026,
        }
    }
}

/// One workflow's results over the replicates.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct WorkflowResult {
    /// The workflow and its thresholds.
    pub workflow: Workflow,
    /// The counts of each replicate, in replicate order.
    pub replicates: Vec<Counts>,
}

impl WorkflowResult {
    /// A figure's mean and 95 % interval over the replicates.
    pub fn estimate(&self, metric: Metric) -> Estimate {
        let values: Vec<f64> = self.replicates.iter().map(|c| metric.of(c)).collect();
        Estimate::of(&values)
    }

    /// The mean difference of a figure from another workflow's (this minus that), paired by
    /// replicate, with the 95 % confidence interval of that mean (mean ± 1.96 SD / √R).
    ///
    /// Why a different interval than [`WorkflowResult::estimate`]: both workflows read the same
    /// exams in each replicate, so the round-to-round variation cancels in the difference and
    /// what is left is the workflows' own effect; its interval narrows with more replicates, as a
    /// confidence interval for the model's expected difference should. Panics if the two results
    /// come from different simulations (different replicate counts).
    pub fn difference(&self, other: &WorkflowResult, metric: Metric) -> Estimate {
        assert_eq!(self.replicates.len(), other.replicates.len());
        let diffs: Vec<f64> = self
            .replicates
            .iter()
            .zip(&other.replicates)
            .map(|(a, b)| metric.of(a) - metric.of(b))
            .collect();
        let n = diffs.len().max(1) as f64;
        let mean = diffs.iter().sum::<f64>() / n;
        let se = if diffs.len() < 2 {
            0.0
        } else {
            (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt()
        };
        Estimate {
            mean,
            low: mean - 1.96 * se,
            high: mean + 1.96 * se,
        }
    }

    /// The counts summed over replicates.
    pub fn total(&self) -> Counts {
        self.replicates
            .iter()
            .fold(Counts::default(), |a, c| Counts {
                screens: a.screens + c.screens,
                reads: a.reads + c.reads,
                consensus: a.consensus + c.consensus,
                recalls: a.recalls + c.recalls,
                detected: a.detected + c.detected,
                interval: a.interval + c.interval,
                detected_score10: a.detected_score10 + c.detected_score10,
                interval_score10: a.interval_score10 + c.interval_score10,
                detected_discordant: a.detected_discordant + c.detected_discordant,
            })
    }
}

/// The outcome of a simulation.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Simulation {
    /// The reference date of the registers the population came from.
    pub reference_date: NaiveDate,
    /// Women invited per round.
    pub invited: usize,
    /// Women of the age group left out after a breast-cancer diagnosis.
    pub excluded_after_diagnosis: usize,
    /// The options it ran with.
    pub options: SimulationOptions,
    /// One result per workflow, in the order asked for.
    pub results: Vec<WorkflowResult>,
}

impl Simulation {
    /// The result of the first workflow of this kind, if it was simulated.
    pub fn result(&self, kind: WorkflowKind) -> Option<&WorkflowResult> {
        self.results.iter().find(|r| r.workflow.kind() == kind)
    }
}

/// Simulates `options.replicates` rounds of the programme for the population and applies every
/// workflow to the same exams of each round. `progress` is called with the number of finished
/// replicates.
pub fn simulate(
    population: &Population,
    workflows: &[Workflow],
    calibration: &Calibration,
    options: SimulationOptions,
    progress: &dyn Fn(usize),
) -> Result<Simulation, SimulationError> {
    if options.replicates == 0 {
        return Err(SimulationError::NoReplicates);
    }
    if population.women.is_empty() {
        return Err(SimulationError::EmptyPopulation);
    }
    calibration.validate()?;
    for w in workflows {
        w.validate()?;
    }
    let mut results: Vec<WorkflowResult> = workflows
        .iter()
        .map(|&workflow| WorkflowResult {
            workflow,
            replicates: Vec::with_capacity(options.replicates),
        })
        .collect();
    for replicate in 0..options.replicates {
        let exams = round(population, calibration, options.seed, replicate as u64);
        for result in &mut results {
            let plan = Plan::resolve(result.workflow, &exams);
            let mut counts = Counts {
                screens: exams.len() as u64,
                ..Counts::default()
            };
            for e in &exams {
                let r = reading::read(e, &plan, calibration);
                counts.reads += u64::from(r.reads);
                counts.consensus += u64::from(r.consensus);
                counts.recalls += u64::from(r.recalled);
                counts.detected += u64::from(r.detected);
                counts.interval += u64::from(r.interval);
                let ten = u64::from(e.score == 10);
                counts.detected_score10 += u64::from(r.detected) * ten;
                counts.interval_score10 += u64::from(r.interval) * ten;
                counts.detected_discordant += u64::from(r.detected && r.discordant);
                debug_assert!(!(r.detected && e.class == Class::Normal));
            }
            result.replicates.push(counts);
        }
        progress(replicate + 1);
    }
    Ok(Simulation {
        reference_date: population.reference_date,
        invited: population.invited(),
        excluded_after_diagnosis: population.excluded_after_diagnosis,
        options,
        results,
    })
}

/// The exams of replicate `replicate` of `seed`. One stream per replicate: replicates are
/// independent, replicate r is the same whatever the number asked for, and `exam_outcomes`
/// reads exactly the exams `simulate` counted.
fn round(
    population: &Population,
    calibration: &Calibration,
    seed: u64,
    replicate: u64,
) -> Vec<exam::Exam> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(replicate);
    exam::draw_round(population, calibration, &mut rng)
}

/// One exam's outcome under a workflow, for a fairness audit by group.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExamOutcome {
    /// Index of the woman in the population.
    pub woman: usize,
    /// She has a cancer that is visible now or surfaces before the next round.
    pub cancer: bool,
    /// Recalled for assessment.
    pub recalled: bool,
    /// Screen-detected.
    pub detected: bool,
    /// The AI's continuous score position in (0, 10].
    pub ai_position: f64,
}

/// The exams of one round (replicate `replicate` of `seed`, the same exams `simulate` reads)
/// and what came of each under `workflow`.
pub fn exam_outcomes(
    population: &Population,
    workflow: Workflow,
    calibration: &Calibration,
    seed: u64,
    replicate: u64,
) -> Result<Vec<ExamOutcome>, SimulationError> {
    if population.women.is_empty() {
        return Err(SimulationError::EmptyPopulation);
    }
    calibration.validate()?;
    workflow.validate()?;
    let exams = round(population, calibration, seed, replicate);
    let plan = Plan::resolve(workflow, &exams);
    Ok(exams
        .iter()
        .map(|e| {
            let r = reading::read(e, &plan, calibration);
            ExamOutcome {
                woman: e.woman,
                cancer: e.class != Class::Normal,
                recalled: r.recalled,
                detected: r.detected,
                ai_position: e.position,
            }
        })
        .collect())
}
