//! The files of `mulighetsrom screening simulate`: the readable report, its JSON twin, the chart
//! and S4's measurement. Formatting only; the simulation itself is `svc_screening`'s.

use crate::output::{table, thousands};
use std::fmt::Write as _;
use svc_screening::published::{PublishedScenario, LARSEN_2022_SOURCE, NORWEGIAN_TARGETS};
use svc_screening::{Calibration, Estimate, Metric, Simulation, WorkflowResult};

/// The figures of the main table, in column order.
const COLUMNS: [Metric; 7] = [
    Metric::DetectionPer1000,
    Metric::RecallPct,
    Metric::IntervalPer1000,
    Metric::FalsePositivePct,
    Metric::PpvPct,
    Metric::ConsensusPct,
    Metric::ReadsSavedPct,
];

/// How the intervals are computed, for the report and the JSON.
const INTERVAL_METHOD: &str = "95 % interval = mean ± 1.96 SD between replicate rounds (attendance, cancers, AI scores and readers redrawn for the same invited women): the variation one round of this population could show; workflows read the same exams in each replicate (common random numbers)";

/// A finished simulation and what the report needs besides it.
pub struct Report<'a> {
    /// The simulation; its first `main_count` results are the workflows asked for (double
    /// reading first), the rest Larsen et al.'s scenarios.
    pub simulation: &'a Simulation,
    /// Number of workflows asked for.
    pub main_count: usize,
    /// Larsen et al.'s scenarios, in the order of the results after `main_count`.
    pub scenarios: &'a [PublishedScenario],
    /// The calibration used.
    pub calibration: &'a Calibration,
    /// The version of the stored registers read.
    pub data_version: &'a str,
}

fn fmt(e: Estimate) -> String {
    format!("{:.2} ({:.2}–{:.2})", e.mean, e.low, e.high)
}

fn name(r: &WorkflowResult) -> String {
    format!(
        "{} / {}",
        r.workflow.kind().name_nb(),
        r.workflow.kind().name_en()
    )
}

impl Report<'_> {
    fn main(&self) -> &[WorkflowResult] {
        &self.simulation.results[..self.main_count]
    }

    fn baseline(&self) -> &WorkflowResult {
        &self.simulation.results[0]
    }

    /// The workflow whose figures become S4's measurement (an index into the results): the one
    /// asked for, or with `--workflow all` the AI workflow saving the most reads among those not
    /// shown worse than double reading (paired over replicates: the 95 % interval of the
    /// detection difference reaches 0 or above, that of the interval-cancer difference 0 or
    /// below); the most detecting one if none qualifies.
    pub fn measured_workflow(&self) -> usize {
        if self.main_count <= 2 {
            return self.main_count - 1;
        }
        let results = &self.simulation.results;
        let base = self.baseline();
        let mean = |i: usize, m: Metric| results[i].estimate(m).mean;
        let ai = 1..self.main_count;
        ai.clone()
            .filter(|&i| {
                results[i].difference(base, Metric::DetectionPer1000).high >= 0.0
                    && results[i].difference(base, Metric::IntervalPer1000).low <= 0.0
            })
            .max_by(|&a, &b| {
                mean(a, Metric::ReadsSavedPct).total_cmp(&mean(b, Metric::ReadsSavedPct))
            })
            .or_else(|| {
                ai.max_by(|&a, &b| {
                    mean(a, Metric::DetectionPer1000).total_cmp(&mean(b, Metric::DetectionPer1000))
                })
            })
            .unwrap_or(0)
    }

    /// S4's measurement: the main figures of the chosen workflow with intervals, and the
    /// double reading's for comparison.
    pub fn measurement(&self, chosen: usize, source: &str) -> governance::Measurement {
        let r = &self.simulation.results[chosen];
        let what = format!(
            "{}, {}",
            r.workflow.kind().name_en(),
            r.workflow.describe_thresholds()
        );
        let mut m = governance::Measurement::now("S4", source);
        m.data_version = Some(self.data_version.to_string());
        m.people_affected = Some(self.simulation.invited as u64);
        for metric in [
            Metric::DetectionPer1000,
            Metric::RecallPct,
            Metric::IntervalPer1000,
            Metric::ReadsSavedPct,
            Metric::FalsePositivePct,
            Metric::PpvPct,
        ] {
            let e = r.estimate(metric);
            m = m.figure(
                governance::Figure::new(
                    metric.key(),
                    &format!("{} ({what})", metric.label_nb()),
                    &format!("{} ({what})", metric.label_en()),
                    e.mean,
                    metric.unit(),
                )
                .with_ci(e.low, e.high),
            );
        }
        for metric in [
            Metric::DetectionPer1000,
            Metric::RecallPct,
            Metric::IntervalPer1000,
        ] {
            let e = self.baseline().estimate(metric);
            m = m.figure(
                governance::Figure::new(
                    &format!("baseline_{}", metric.key()),
                    &format!("{} (dobbeltlesing)", metric.label_nb()),
                    &format!("{} (double reading)", metric.label_en()),
                    e.mean,
                    metric.unit(),
                )
                .with_ci(e.low, e.high),
            );
        }
        m
    }

    /// The readable report: results, calibration check, Larsen et al.'s scenarios, parameters.
    pub fn text(&self, chosen: usize) -> String {
        let sim = self.simulation;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Mammografiprogrammet med KI-støtte (S4): simulering / AI-supported breast-cancer screening: simulation\n\
             Registre per / registers as of {} (data version {}): {} kvinner 50–69 invitert / women invited; \
             {} utelatt etter brystkreftdiagnose / left out after a breast-cancer diagnosis\n\
             {} replikater / replicates, seed {}; gjennomsnittlig {} screeninger per runde / screens per round\n\
             {INTERVAL_METHOD}\n",
            sim.reference_date,
            self.data_version,
            thousands(sim.invited as i64),
            thousands(sim.excluded_after_diagnosis as i64),
            sim.options.replicates,
            sim.options.seed,
            thousands(
                (self.baseline().total().screens as f64 / sim.options.replicates as f64).round()
                    as i64
            ),
        );
        let mut rows = vec![vec![
            "Arbeidsflyt / workflow".to_string(),
            "Terskel / threshold".to_string(),
            "Kreft/1000 (CDR)".to_string(),
            "Etterunders. % (recall)".to_string(),
            "Intervallkreft/1000".to_string(),
            "Falskt pos. %".to_string(),
            "PPV %".to_string(),
            "Konsensus %".to_string(),
            "Spart lesing % (reads saved)".to_string(),
        ]];
        for r in self.main() {
            let mut row = vec![name(r), r.workflow.describe_thresholds()];
            row.extend(COLUMNS.iter().map(|&m| fmt(r.estimate(m))));
            rows.push(row);
        }
        s.push_str(&table(&rows));
        let _ = writeln!(
            s,
            "\nForskjell fra dobbeltlesing / difference from double reading (paired by replicate; 95 % CI of the mean difference)"
        );
        let mut rows = vec![vec![
            "Arbeidsflyt / workflow".to_string(),
            "Δ kreft/1000 (CDR)".to_string(),
            "Δ etterunders. % (recall)".to_string(),
            "Δ intervallkreft/1000".to_string(),
        ]];
        for r in &self.main()[1..] {
            let d = |m| {
                let e = r.difference(self.baseline(), m);
                format!("{:+.2} ({:+.2} to {:+.2})", e.mean, e.low, e.high)
            };
            rows.push(vec![
                name(r),
                d(Metric::DetectionPer1000),
                d(Metric::RecallPct),
                d(Metric::IntervalPer1000),
            ]);
        }
        s.push_str(&table(&rows));
        let c = &self.simulation.results[chosen];
        let _ = writeln!(
            s,
            "\nMålt arbeidsflyt / measured workflow (recorded for the algorithm register): {} ({})",
            name(c),
            c.workflow.describe_thresholds()
        );

        let _ = writeln!(
            s,
            "\nKalibrering: dobbeltlesing mot publiserte tall / calibration: double reading against published figures"
        );
        let mut rows = vec![vec![
            "Figure".to_string(),
            "Ours (95 % interval)".to_string(),
            "Published".to_string(),
            "Accepted".to_string(),
            "Source".to_string(),
        ]];
        for t in NORWEGIAN_TARGETS {
            if let Some(m) = Metric::ALL.into_iter().find(|m| m.key() == t.key) {
                rows.push(vec![
                    format!("{} / {}", m.label_nb(), m.label_en()),
                    fmt(self.baseline().estimate(m)),
                    format!("{}", t.value),
                    format!("{}–{}", t.low, t.high),
                    t.source.to_string(),
                ]);
            }
        }
        s.push_str(&table(&rows));

        let _ = writeln!(
            s,
            "\nPublisert kontekst (ikke tester) / published context (not tests): {LARSEN_2022_SOURCE}"
        );
        let mut rows = vec![vec![
            "Scenario".to_string(),
            "Recall % ours".to_string(),
            "published".to_string(),
            "CDR/1000 ours".to_string(),
            "published".to_string(),
            "Reads saved % ours".to_string(),
            "published".to_string(),
        ]];
        rows.push(vec![
            "reference: independent double reading".to_string(),
            fmt(self.baseline().estimate(Metric::RecallPct)),
            "3.2".to_string(),
            fmt(self.baseline().estimate(Metric::DetectionPer1000)),
            "6.1".to_string(),
            "0".to_string(),
            "0".to_string(),
        ]);
        for (scenario, r) in self
            .scenarios
            .iter()
            .zip(&self.simulation.results[self.main_count..])
        {
            rows.push(vec![
                scenario.name.to_string(),
                fmt(r.estimate(Metric::RecallPct)),
                format!("{}", scenario.recall_pct),
                fmt(r.estimate(Metric::DetectionPer1000)),
                format!("{}", scenario.detection_per_1000),
                fmt(r.estimate(Metric::ReadsSavedPct)),
                scenario
                    .reads_saved_pct
                    .map_or_else(|| "–".to_string(), |v| format!("{v}")),
            ]);
        }
        s.push_str(&table(&rows));
        let _ = writeln!(
            s,
            "Other trials (other populations; see the domain notes): MASAI CDR 6.1 vs 5.1/1000, 44.3 % less reading \
             (Lancet Oncol 2023); PRAIM CDR 6.7 vs 5.7/1000 (Nat Med 2025); Denmark recall 3.09 → 2.46 % (Radiology 2024)."
        );

        let _ = writeln!(s, "\nParametre og kilder / parameters and sources");
        let mut rows = vec![vec![
            "Parameter".to_string(),
            "Value".to_string(),
            "Status".to_string(),
            "Source".to_string(),
        ]];
        for p in self.calibration.provenance() {
            rows.push(vec![
                p.key.to_string(),
                p.value,
                p.status.label().to_string(),
                p.source.to_string(),
            ]);
        }
        s.push_str(&table(&rows));
        let _ = writeln!(
            s,
            "\nModellen / the model: each exam has a latent truth (cancer visible now, cancer surfacing in the interval, none), \
             an AI score 1–10 drawn by class, and two independent readers scoring 1–5; a score ≥ 2 sends it to consensus, \
             which decides recall. A missed visible cancer surfaces as an interval cancer. Synthetic data; the figures are \
             the model's, for comparing workflows on one population. Unverified: AIMS Norway results (none published)."
        );
        s
    }

    /// The report as JSON.
    pub fn json(&self, chosen: usize) -> serde_json::Value {
        let result_json = |r: &WorkflowResult| {
            let figures: serde_json::Map<String, serde_json::Value> = Metric::ALL
                .into_iter()
                .map(|m| {
                    let e = r.estimate(m);
                    (
                        m.key().to_string(),
                        serde_json::json!({"mean": e.mean, "low": e.low, "high": e.high, "unit": m.unit()}),
                    )
                })
                .collect();
            let base = &self.simulation.results[0];
            let differences: serde_json::Map<String, serde_json::Value> = [
                Metric::DetectionPer1000,
                Metric::RecallPct,
                Metric::IntervalPer1000,
            ]
            .into_iter()
            .map(|m| {
                let e = r.difference(base, m);
                (
                    m.key().to_string(),
                    serde_json::json!({"mean": e.mean, "low": e.low, "high": e.high}),
                )
            })
            .collect();
            serde_json::json!({
                "workflow": r.workflow.kind().code(),
                "difference_from_double_reading": differences,
                "name_nb": r.workflow.kind().name_nb(),
                "name_en": r.workflow.kind().name_en(),
                "parameters": r.workflow,
                "thresholds": r.workflow.describe_thresholds(),
                "figures": figures,
                "replicates": r.replicates,
            })
        };
        let sim = self.simulation;
        serde_json::json!({
            "service": "S4",
            "reference_date": sim.reference_date.to_string(),
            "data_version": self.data_version,
            "invited": sim.invited,
            "excluded_after_diagnosis": sim.excluded_after_diagnosis,
            "replicates": sim.options.replicates,
            "seed": sim.options.seed,
            "interval_method": INTERVAL_METHOD,
            "measured_workflow": sim.results[chosen].workflow.kind().code(),
            "workflows": self.main().iter().map(result_json).collect::<Vec<_>>(),
            "published_targets": NORWEGIAN_TARGETS,
            "published_scenarios": {
                "source": LARSEN_2022_SOURCE,
                "scenarios": self.scenarios.iter().zip(&sim.results[self.main_count..]).map(|(s, r)| {
                    serde_json::json!({"published": s, "ours": result_json(r)})
                }).collect::<Vec<_>>(),
            },
            "calibration": self.calibration,
            "calibration_sources": self.calibration.provenance(),
        })
    }

    /// Detection per 1000 screens against reads saved, one point per workflow with 95 %
    /// whiskers both ways, the double reading's detection as a dashed line; plain SVG with a
    /// title and description for screen readers.
    pub fn chart_svg(&self) -> String {
        let (w, h, pad) = (520.0, 340.0, 56.0);
        let points: Vec<(String, Estimate, Estimate)> = self
            .main()
            .iter()
            .map(|r| {
                (
                    r.workflow.kind().name_en().to_string(),
                    r.estimate(Metric::ReadsSavedPct),
                    r.estimate(Metric::DetectionPer1000),
                )
            })
            .collect();
        let y_low = points
            .iter()
            .map(|p| p.2.low)
            .fold(f64::INFINITY, f64::min)
            .floor()
            .max(0.0);
        let y_high = points
            .iter()
            .map(|p| p.2.high)
            .fold(0.0, f64::max)
            .ceil()
            .max(y_low + 1.0);
        let x_of = |v: f64| pad + v.clamp(0.0, 100.0) / 100.0 * w;
        let y_of = |v: f64| pad + (1.0 - (v - y_low) / (y_high - y_low)) * h;
        let base = self.baseline().estimate(Metric::DetectionPer1000);
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"sans-serif\" font-size=\"12\">\n\
             <title id=\"t\">Screen-detected cancers per 1000 against radiologist reads saved, by workflow</title>\n\
             <desc id=\"d\">One point per reading workflow with 95 % whiskers over {} replicate rounds; the dashed line is independent double reading at {:.2} per 1000. {}</desc>\n",
            w + 2.0 * pad + 150.0,
            h + 2.0 * pad,
            self.simulation.options.replicates,
            base.mean,
            points
                .iter()
                .map(|(n, x, y)| format!("{n}: {:.2} per 1000, {:.1} % reads saved.", y.mean, x.mean))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let _ = writeln!(
            s,
            "<rect x=\"{pad}\" y=\"{pad}\" width=\"{w}\" height=\"{h}\" fill=\"none\" stroke=\"#444\"/>"
        );
        let _ = writeln!(
            s,
            "<text x=\"{pad}\" y=\"{}\">Kreft per 1000 mot spart lesing / detection per 1000 vs reads saved</text>",
            pad - 14.0
        );
        for tick in 0..=5 {
            let v = tick as f64 * 20.0;
            let _ = writeln!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{y1}\" x2=\"{x:.1}\" y2=\"{y2}\" stroke=\"#444\"/><text x=\"{x:.1}\" y=\"{ty}\" text-anchor=\"middle\">{v}</text>",
                x = x_of(v),
                y1 = pad + h,
                y2 = pad + h + 5.0,
                ty = pad + h + 18.0
            );
        }
        let steps = ((y_high - y_low).round() as usize).clamp(1, 10);
        for tick in 0..=steps {
            let v = y_low + (y_high - y_low) * tick as f64 / steps as f64;
            let _ = writeln!(
                s,
                "<line x1=\"{x1}\" y1=\"{y:.1}\" x2=\"{pad}\" y2=\"{y:.1}\" stroke=\"#444\"/><text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{v:.1}</text>",
                x1 = pad - 5.0,
                y = y_of(v),
                tx = pad - 8.0,
                ty = y_of(v) + 4.0
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">spart lesing / reads saved (%)</text>\n\
             <text x=\"16\" y=\"{ym}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {ym})\">kreft per 1000 / detection per 1000</text>",
            pad + w / 2.0,
            pad + h + 38.0,
            ym = pad + h / 2.0,
        );
        let _ = writeln!(
            s,
            "<line x1=\"{pad}\" y1=\"{y:.1}\" x2=\"{x2}\" y2=\"{y:.1}\" stroke=\"#888\" stroke-dasharray=\"5 4\"/>",
            y = y_of(base.mean),
            x2 = pad + w
        );
        let colours = [
            "#222222", "#1f5fa8", "#a8321f", "#2e7d32", "#8e44ad", "#c77c02",
        ];
        for (i, (label, x, y)) in points.iter().enumerate() {
            let colour = colours[i % colours.len()];
            let (cx, cy) = (x_of(x.mean), y_of(y.mean));
            let _ = writeln!(
                s,
                "<g stroke=\"{colour}\" fill=\"{colour}\" stroke-width=\"2\"><title>{label}: {:.2} ({:.2}–{:.2}) per 1000, {:.1} % reads saved</title>\n\
                 <line x1=\"{cx:.1}\" y1=\"{:.1}\" x2=\"{cx:.1}\" y2=\"{:.1}\"/>\n\
                 <line x1=\"{:.1}\" y1=\"{cy:.1}\" x2=\"{:.1}\" y2=\"{cy:.1}\"/>\n\
                 <circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4\"/></g>",
                y.mean,
                y.low,
                y.high,
                x.mean,
                y_of(y.low),
                y_of(y.high),
                x_of(x.low),
                x_of(x.high),
            );
            let ly = pad + 14.0 + 18.0 * i as f64;
            let lx = pad + w + 16.0;
            let _ = writeln!(
                s,
                "<circle cx=\"{lx}\" cy=\"{:.1}\" r=\"4\" fill=\"{colour}\"/><text x=\"{}\" y=\"{ly:.1}\">{label}</text>",
                ly - 4.0,
                lx + 10.0
            );
        }
        s.push_str("</svg>\n");
        s
    }
}
