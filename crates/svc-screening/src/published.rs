//! Published figures the simulation is compared with: the programme's own ranges (which the
//! baseline must reproduce) and the simulated AI scenarios of Larsen et al. (context only).
//!
//! Why the trial figures are not tests: they come from other populations, other software
//! versions and other reader pools; a model that matched them all to the decimal would be
//! over-fitted. They are shown beside ours so a reader can judge the distance.

use crate::workflow::{Threshold, Workflow};

/// A published range for a figure of today's double reading in Norway.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Target {
    /// The metric's key (see [`crate::Metric::key`]).
    pub key: &'static str,
    /// The published point value.
    pub value: f64,
    /// The lowest value we accept as reproducing it.
    pub low: f64,
    /// The highest value we accept.
    pub high: f64,
    /// The source.
    pub source: &'static str,
}

/// The Norwegian double-reading figures the baseline must reproduce (accepted ranges).
pub const NORWEGIAN_TARGETS: [Target; 6] = [
    Target {
        key: "recall_pct",
        value: 3.2,
        low: 3.0,
        high: 3.6,
        source: "3–4 % (25-year report); 3.2 % (Larsen et al., Radiology 2022)",
    },
    Target {
        key: "detection_per_1000",
        value: 6.1,
        low: 5.0,
        high: 6.5,
        source: "5–6 per 1000, 5.7 lifetime (kreftregisteret.no); 6.1 (Larsen 2022)",
    },
    Target {
        key: "interval_per_1000",
        value: 1.7,
        low: 1.5,
        high: 2.2,
        source: "1.7 per 1000 (Larsen 2022); ≈ 22 % of the programme's cancers (25-year report)",
    },
    Target {
        key: "detected_score10_pct",
        value: 86.8,
        low: 83.0,
        high: 90.0,
        source: "Larsen 2022: score 10 holds 86.8 % of screen-detected cancers",
    },
    Target {
        key: "interval_score10_pct",
        value: 44.9,
        low: 38.0,
        high: 52.0,
        source: "Larsen 2022: score 10 holds 44.9 % of interval cancers",
    },
    Target {
        key: "discordant_pct",
        value: 23.0,
        low: 15.0,
        high: 30.0,
        source:
            "Martiniussen et al., Eur Radiol 2022: 23.0 % of screen-detected cancers discordant",
    },
];

/// One of Larsen et al.'s simulated AI + reader combinations on Norwegian data.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PublishedScenario {
    /// What the scenario does, in English.
    pub name: &'static str,
    /// The same workflow in this model.
    pub workflow: Workflow,
    /// Published recall, %.
    pub recall_pct: f64,
    /// Published screen-detected cancers per 1000.
    pub detection_per_1000: f64,
    /// Published reduction of reads, % (when the paper gives it).
    pub reads_saved_pct: Option<f64>,
}

/// The source of [`larsen_2022_scenarios`].
pub const LARSEN_2022_SOURCE: &str =
    "Larsen et al., Eur Radiol 2022;32:8238 (122,969 exams, 2009–18; reference recall 3.2 %, 6.1/1000)";

/// Three of Larsen et al.'s eleven scenarios, with the workflow that models each.
pub fn larsen_2022_scenarios() -> Vec<PublishedScenario> {
    vec![
        PublishedScenario {
            name: "scores 1–5 negative, 6–10 double read",
            workflow: Workflow::RuleOut {
                read_from: Threshold::Score(6),
            },
            recall_pct: 2.6,
            detection_per_1000: 6.0,
            reads_saved_pct: Some(50.0),
        },
        PublishedScenario {
            name: "scores 1–9 negative, 10 double read",
            workflow: Workflow::RuleOut {
                read_from: Threshold::Score(10),
            },
            recall_pct: 1.2,
            detection_per_1000: 5.3,
            reads_saved_pct: Some(90.0),
        },
        PublishedScenario {
            name: "scores 1–7 single read, 8–10 double read",
            workflow: Workflow::Triage {
                double_from: Threshold::Score(8),
            },
            recall_pct: 2.9,
            detection_per_1000: 6.1,
            reads_saved_pct: None,
        },
    ]
}
