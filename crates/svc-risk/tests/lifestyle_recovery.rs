//! The lifestyle model recovers the documented generating process of the synthetic cohort.
//!
//! Four large counties (Oslo, Akershus, Vestland, Trøndelag: ≈ 2.5 million persons, ≈ 400 000
//! women 25–79 who answered the survey) are generated and the model trained on them. Tolerance by
//! sample size: every recovered log relative risk must lie within 4 standard errors (from the
//! observed information) of the documented value — with a fixed seed the test is deterministic,
//! and 4 SE would be exceeded by chance with probability 6·10⁻⁵ per coefficient. The strongest
//! effects (affected relatives) must also be significantly positive, and the standard errors
//! small enough that the check means something.

use svc_risk::lifestyle::{self, DOCUMENTED_LOG_RR};
use svc_risk::model::Matrix;
use synth::{generate, Area, GenerateOptions};

#[test]
fn recovers_the_documented_log_relative_risks() {
    let municipalities = registers::Municipalities::embedded_2026();
    let mut x = Matrix {
        rows: 0,
        cols: lifestyle::feature_names().len(),
        data: Vec::new(),
    };
    let mut y = Vec::new();
    for (county, seed) in [("03", 11u64), ("32", 12), ("46", 13), ("50", 14)] {
        let area = Area::County(county.parse().unwrap());
        let regs = generate(
            &municipalities,
            &area,
            &GenerateOptions { seed },
            &|_, _| {},
        )
        .unwrap();
        let c = lifestyle::cohort(&regs);
        x.rows += c.x.rows;
        x.data.extend(c.x.data);
        y.extend(c.y);
    }
    let cohort = lifestyle::Cohort {
        persons: Vec::new(),
        ages: Vec::new(),
        x,
        y,
    };
    let events = cohort.y.iter().filter(|&&v| v).count();
    let model = lifestyle::train(&cohort, "synthetic counties 03, 32, 46, 50").unwrap();
    let (_, beta) = model.raw_coefficients();
    let (_, se) = model.standard_errors(&cohort.x).unwrap();
    let mut report = format!("{} women, {} events\n", cohort.x.rows, events);
    let mut failures = Vec::new();
    for (j, (name, truth)) in DOCUMENTED_LOG_RR.iter().enumerate() {
        let z = (beta[j] - truth) / se[j];
        report += &format!(
            "{name:<36} documented {truth:+.3} recovered {:+.3} (SE {:.3}, z {z:+.2})\n",
            beta[j], se[j]
        );
        if z.abs() > 4.0 {
            failures.push(name);
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "outside 4 SE: {failures:?}\n{report}");
    // The strongest effects (affected relatives) are found with the right sign, ≥ 3 SE above 0.
    for j in [7, 8] {
        assert!(
            beta[j] / se[j] > 3.0,
            "{}\n{report}",
            DOCUMENTED_LOG_RR[j].0
        );
    }
    // The sample is large enough for the check to bite on the main effects.
    assert!(se[7] < 0.12 && se[8] < 0.25, "{report}");
}
