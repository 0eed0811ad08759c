//! The Gail model (NCI Breast Cancer Risk Assessment Tool, BCRAT).
//!
//! Reimplemented from the published numbers, not from code: coefficients β0–β5, the attributable
//! risk, the SEER 1983–87 incidence (λ1) and NCHS competing mortality (λ2) for white women, and
//! the test vector, as collected in the project's domain notes
//! (`shared/domain/screening-and-prevention.md` §3.1). Their source there is the Python port in
//! actuary/premeno-backend (`premeno/risk_api/gail*.py`), derived from NCI's `BCRA` R package
//! (GPL ≥ 2); the model is Gail et al., JNCI 1989;81:1879, with the BCRAT recalibration of
//! Costantino et al., JNCI 1999;91:1541. No reference code was copied.
//!
//! The relative risk is `exp(lp)` with
//! `lp = NB·β0 + AM·β1 + AF·β2 + NR·β3 + AF·NR·β5 + ln(hyperplasia multiplier)` below age 50 and
//! `lp + NB·β4` from 50. The absolute risk over `[age, age + years)` is the probability of a
//! breast-cancer diagnosis before death from other causes, with piecewise-constant hazards by
//! 5-year age band: for each yearly step `j` of length `Δt` (fractional at the ends)
//! `λj = λ1·(1−AR)·RR + λ2` and `Pj = ((1−AR)·RR·λ1/λj)·e^(−Σ earlier λ·Δt)·(1 − e^(−λj·Δt))`;
//! the risk is `Σ Pj`.
//!
//! Only the white/other group has hazard tables in the domain notes, so only it has absolute
//! risks here; the other groups' relative risks are computed, and an absolute risk for them is
//! refused with an error rather than computed from the wrong rates.

use serde::{Deserialize, Serialize};

/// Ethnic group whose coefficients the model uses (the categories of BCRAT).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// White or other/unknown (the original Gail model, recalibrated to SEER 1983–87).
    #[default]
    White,
    /// African-American (CARE study coefficients).
    Black,
    /// Hispanic, US-born.
    HispanicUsBorn,
    /// Asian-American (AABCS coefficients).
    Asian,
}

/// β0 … β5 for one group (domain notes §3.1, table "Coefficients β0–β5").
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coefficients {
    /// Number of biopsies.
    pub b0_biopsies: f64,
    /// Age at menarche.
    pub b1_menarche: f64,
    /// Age at first live birth.
    pub b2_first_birth: f64,
    /// First-degree relatives with breast cancer.
    pub b3_relatives: f64,
    /// Biopsies × [age ≥ 50].
    pub b4_biopsies_50: f64,
    /// First birth × relatives interaction.
    pub b5_first_birth_relatives: f64,
}

impl Group {
    /// The group's coefficients (domain notes §3.1).
    pub fn coefficients(self) -> Coefficients {
        let c = |b0, b1, b2, b3, b4, b5| Coefficients {
            b0_biopsies: b0,
            b1_menarche: b1,
            b2_first_birth: b2,
            b3_relatives: b3,
            b4_biopsies_50: b4,
            b5_first_birth_relatives: b5,
        };
        match self {
            Group::White => c(
                0.5292641686,
                0.0940103059,
                0.2186262218,
                0.9583027845,
                -0.2880424830,
                -0.1908113865,
            ),
            Group::Black => c(
                0.1822121131,
                0.2672530336,
                0.0,
                0.4757242578,
                -0.1119411682,
                0.0,
            ),
            Group::HispanicUsBorn => c(0.0970783641, 0.0, 0.2318368334, 0.166685441, 0.0, 0.0),
            Group::Asian => c(
                0.5526361226,
                0.0749925759,
                0.2763826829,
                0.7918563372,
                0.0,
                0.0,
            ),
        }
    }
}

/// 1 − attributable risk for white women (domain notes §3.1).
pub const ONE_MINUS_AR_WHITE: f64 = 0.5788413;

/// λ1: SEER white 1983–87 breast-cancer incidence per year, 5-year bands 20–24 … 85–89.
pub const LAMBDA1_WHITE: [f64; 14] = [
    1.0e-5, 7.6e-5, 2.66e-4, 6.61e-4, 1.265e-3, 1.866e-3, 2.211e-3, 2.721e-3, 3.348e-3, 3.923e-3,
    4.178e-3, 4.439e-3, 4.421e-3, 4.109e-3,
];

/// λ2: NCHS competing (non-breast-cancer) mortality per year, same bands.
pub const LAMBDA2_WHITE: [f64; 14] = [
    4.93e-4, 5.31e-4, 6.25e-4, 8.25e-4, 1.307e-3, 2.181e-3, 3.655e-3, 5.852e-3, 9.439e-3,
    1.5028e-2, 2.3839e-2, 3.8832e-2, 6.6828e-2, 1.44908e-1,
];

/// Youngest age the model is defined for (the rate tables start at 20; BCRAT accepts 35+ for
/// clinical use, but the arithmetic is defined from 20).
pub const MIN_AGE: f64 = 20.0;
/// End of the rate tables; lifetime risk is the risk to this age.
pub const MAX_AGE: f64 = 90.0;

/// Atypical hyperplasia in any biopsy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hyperplasia {
    /// No biopsy had atypical hyperplasia.
    No,
    /// At least one biopsy had atypical hyperplasia.
    Yes,
    /// Not known (or never biopsied).
    Unknown,
}

fn unknown() -> Hyperplasia {
    Hyperplasia::Unknown
}

/// A woman's answers, as the BCRAT questionnaire asks them. As JSON (`risk score --case`):
/// `{"age": 45.2, "age_at_menarche": 11, "age_at_first_birth": 22, "biopsies": 1,
/// "hyperplasia": "unknown", "relatives": 1, "group": "white"}`; `age_at_menarche` and
/// `age_at_first_birth` may be `null` (unknown; no live births), `hyperplasia` is `no`, `yes` or
/// `unknown` (default), `group` is `white` (default), `black`, `hispanic_us_born` or `asian`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GailInput {
    /// Current age in years (may be fractional).
    pub age: f64,
    /// Age at first menstrual period; `None` when unknown (coded as the reference category).
    pub age_at_menarche: Option<u32>,
    /// Age at first live birth; `None` for a woman with no live births.
    pub age_at_first_birth: Option<u32>,
    /// Number of breast biopsies.
    pub biopsies: u32,
    /// Atypical hyperplasia in a biopsy (default: unknown).
    #[serde(default = "unknown")]
    pub hyperplasia: Hyperplasia,
    /// Number of first-degree relatives (mother, sisters, daughters) with breast cancer.
    pub relatives: u32,
    /// Group (default: white/other, the only group with absolute-risk tables here).
    #[serde(default)]
    pub group: Group,
}

/// The categorical codes the model multiplies by its coefficients.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Categories {
    /// NB: biopsies 0 / 1 / ≥ 2 → 0 / 1 / 2.
    pub nb: u32,
    /// AM: menarche ≥ 14 (or unknown) → 0; 12–13 → 1; < 12 → 2.
    pub am: u32,
    /// AF: first birth < 20 → 0; 20–24 → 1; 25–29 or nulliparous → 2; ≥ 30 → 3.
    pub af: u32,
    /// NR: relatives 0 / 1 / ≥ 2 → 0 / 1 / 2.
    pub nr: u32,
    /// Hyperplasia multiplier: 1.00 without biopsy; after a biopsy 0.93 (no atypia), 1.82
    /// (atypical hyperplasia), 1.00 (unknown).
    pub multiplier: f64,
}

/// Why a Gail computation was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GailError {
    /// Age outside the rate tables.
    #[error("age {age} is outside the model's range {MIN_AGE}–{MAX_AGE}")]
    Age {
        /// The age given.
        age: f64,
    },
    /// Projection beyond the tables or of non-positive length.
    #[error(
        "projection from age {from} for {years} years ends outside {MIN_AGE}–{MAX_AGE} or is empty"
    )]
    Projection {
        /// Start age.
        from: f64,
        /// Years.
        years: f64,
    },
    /// First birth before menarche or after the current age.
    #[error("age at first birth {first_birth} is not between menarche and the current age {age}")]
    FirstBirth {
        /// Given.
        first_birth: u32,
        /// Current age.
        age: f64,
    },
    /// No hazard tables for the group.
    #[error("absolute risk needs the {group:?} group's incidence and mortality tables, which the project does not have (only white/other); its relative risk is available")]
    NoRates {
        /// The group.
        group: Group,
    },
}

impl GailInput {
    /// The categorical codes (domain notes §3.1, "Categories").
    pub fn categories(&self) -> Categories {
        let nb = self.biopsies.min(2);
        let am = match self.age_at_menarche {
            Some(a) if a < 12 => 2,
            Some(12..=13) => 1,
            _ => 0,
        };
        let af = match self.age_at_first_birth {
            Some(a) if a < 20 => 0,
            Some(20..=24) => 1,
            Some(25..=29) | None => 2,
            Some(_) => 3,
        };
        let nr = self.relatives.min(2);
        let multiplier = if nb == 0 {
            1.0
        } else {
            match self.hyperplasia {
                Hyperplasia::No => 0.93,
                Hyperplasia::Yes => 1.82,
                Hyperplasia::Unknown => 1.0,
            }
        };
        Categories {
            nb,
            am,
            af,
            nr,
            multiplier,
        }
    }

    fn validate(&self) -> Result<(), GailError> {
        if !(MIN_AGE..MAX_AGE).contains(&self.age) {
            return Err(GailError::Age { age: self.age });
        }
        if let Some(fb) = self.age_at_first_birth {
            let too_early = self.age_at_menarche.is_some_and(|m| fb < m);
            if too_early || fb as f64 > self.age {
                return Err(GailError::FirstBirth {
                    first_birth: fb,
                    age: self.age,
                });
            }
        }
        Ok(())
    }

    /// The terms of the linear predictor below 50 and the extra biopsy term from 50, so an
    /// explanation can show each factor's contribution.
    pub fn terms(&self) -> Vec<(&'static str, f64)> {
        let c = self.categories();
        let b = self.group.coefficients();
        vec![
            ("biopsies", c.nb as f64 * b.b0_biopsies),
            ("age at menarche", c.am as f64 * b.b1_menarche),
            ("age at first birth", c.af as f64 * b.b2_first_birth),
            ("first-degree relatives", c.nr as f64 * b.b3_relatives),
            (
                "first birth × relatives",
                (c.af * c.nr) as f64 * b.b5_first_birth_relatives,
            ),
            ("atypical hyperplasia", c.multiplier.ln()),
        ]
    }

    /// Relative risks `(below 50, from 50)`.
    pub fn relative_risks(&self) -> (f64, f64) {
        let c = self.categories();
        let b = self.group.coefficients();
        let lp1: f64 = self.terms().iter().map(|t| t.1).sum();
        let lp2 = lp1 + c.nb as f64 * b.b4_biopsies_50;
        (lp1.exp(), lp2.exp())
    }

    /// Absolute risk of invasive breast cancer over the next `years` years.
    pub fn absolute_risk(&self, years: f64) -> Result<f64, GailError> {
        self.validate()?;
        if self.group != Group::White {
            return Err(GailError::NoRates { group: self.group });
        }
        let end = self.age + years;
        if years <= 0.0 || end > MAX_AGE + 1e-9 {
            return Err(GailError::Projection {
                from: self.age,
                years,
            });
        }
        let (rr1, rr2) = self.relative_risks();
        let mut cumulative = 0.0_f64; // Σ λ·Δt over earlier steps
        let mut risk = 0.0;
        let mut t = self.age;
        while t < end - 1e-12 {
            let next = (t.floor() + 1.0).min(end);
            let dt = next - t;
            let band = (((t - MIN_AGE) / 5.0).floor() as usize).min(LAMBDA1_WHITE.len() - 1);
            let rr = if t < 50.0 { rr1 } else { rr2 };
            let h1 = LAMBDA1_WHITE[band] * ONE_MINUS_AR_WHITE * rr;
            let lambda = h1 + LAMBDA2_WHITE[band];
            risk += (h1 / lambda) * (-cumulative).exp() * (1.0 - (-lambda * dt).exp());
            cumulative += lambda * dt;
            t = next;
        }
        Ok(risk)
    }

    /// Five-year and lifetime (to 90) risk.
    pub fn summary(&self) -> Result<GailResult, GailError> {
        let (rr_under_50, rr_from_50) = self.relative_risks();
        let five = self.absolute_risk(5.0_f64.min(MAX_AGE - self.age))?;
        let lifetime = self.absolute_risk(MAX_AGE - self.age)?;
        // The average woman of the same age and group: all categories at their reference level.
        let average = GailInput {
            age_at_menarche: None,
            age_at_first_birth: Some(19),
            biopsies: 0,
            hyperplasia: Hyperplasia::Unknown,
            relatives: 0,
            ..*self
        };
        Ok(GailResult {
            categories: self.categories(),
            rr_under_50,
            rr_from_50,
            five_year: five,
            lifetime,
            five_year_reference: average.absolute_risk(5.0_f64.min(MAX_AGE - self.age))?,
            lifetime_reference: average.absolute_risk(MAX_AGE - self.age)?,
            terms: self
                .terms()
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v))
                .collect(),
        })
    }
}

/// A Gail result with what it is made of.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GailResult {
    /// The codes.
    pub categories: Categories,
    /// Relative risk below 50.
    pub rr_under_50: f64,
    /// Relative risk from 50.
    pub rr_from_50: f64,
    /// Five-year absolute risk.
    pub five_year: f64,
    /// Risk to age 90.
    pub lifetime: f64,
    /// Five-year risk of a woman of the same age with every factor at its lowest-risk level
    /// (menarche ≥ 14, first birth < 20, no biopsy, no affected relative).
    pub five_year_reference: f64,
    /// Lifetime risk of that woman.
    pub lifetime_reference: f64,
    /// Each factor's term in the log relative risk (below 50).
    pub terms: Vec<(String, f64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published test vector (domain notes §3.1): white, 45.2 years, one biopsy, menarche
    /// < 12, first birth 20–24, one affected relative, multiplier 1.0.
    fn vector() -> GailInput {
        GailInput {
            age: 45.2,
            age_at_menarche: Some(11),
            age_at_first_birth: Some(22),
            biopsies: 1,
            hyperplasia: Hyperplasia::Unknown,
            relatives: 1,
            group: Group::White,
        }
    }

    #[test]
    fn test_vector_categories() {
        let c = vector().categories();
        assert_eq!((c.nb, c.am, c.af, c.nr, c.multiplier), (1, 2, 1, 1, 1.0));
    }

    #[test]
    fn test_vector_relative_risks() {
        let (rr1, rr2) = vector().relative_risks();
        // Published to 11 decimals.
        assert!((rr1 - 5.49260367150).abs() < 5e-11, "{rr1:.11}");
        assert!((rr2 - 4.11796832691).abs() < 5e-11, "{rr2:.11}");
    }

    #[test]
    fn test_vector_absolute_risk() {
        let r = vector().absolute_risk(8.1).unwrap();
        // Published to 9 decimals.
        assert!((r - 0.044412945).abs() < 5e-10, "{r:.12}");
    }

    #[test]
    fn yearly_steps_equal_whole_bands() {
        // With hazards constant within a 5-year band, splitting into yearly steps must give the
        // same risk as one step per band (the products telescope); computed here per band.
        let v = vector();
        let (rr1, rr2) = v.relative_risks();
        let cuts: [f64; 3] = [45.2, 50.0, 53.3];
        let (mut cum, mut risk) = (0.0_f64, 0.0);
        for w in cuts.windows(2) {
            let band = ((w[0] - 20.0) / 5.0).floor() as usize;
            let rr = if w[0] < 50.0 { rr1 } else { rr2 };
            let h1 = LAMBDA1_WHITE[band] * ONE_MINUS_AR_WHITE * rr;
            let l = h1 + LAMBDA2_WHITE[band];
            risk += h1 / l * (-cum).exp() * (1.0 - (-l * (w[1] - w[0])).exp());
            cum += l * (w[1] - w[0]);
        }
        assert!((v.absolute_risk(8.1).unwrap() - risk).abs() < 1e-14);
    }

    #[test]
    fn more_risk_factors_more_risk() {
        let base = GailInput {
            relatives: 0,
            biopsies: 0,
            ..vector()
        };
        let r0 = base.absolute_risk(5.0).unwrap();
        let r1 = vector().absolute_risk(5.0).unwrap();
        let r2 = GailInput {
            relatives: 2,
            ..vector()
        }
        .absolute_risk(5.0)
        .unwrap();
        assert!(r0 < r1 && r1 < r2);
    }

    #[test]
    fn refusals() {
        let v = vector();
        assert_eq!(
            GailInput { age: 15.0, ..v }.absolute_risk(5.0),
            Err(GailError::Age { age: 15.0 })
        );
        assert!(matches!(
            v.absolute_risk(60.0),
            Err(GailError::Projection { .. })
        ));
        assert_eq!(
            GailInput {
                group: Group::Asian,
                ..v
            }
            .absolute_risk(5.0),
            Err(GailError::NoRates {
                group: Group::Asian
            })
        );
        assert!(matches!(
            GailInput {
                age_at_first_birth: Some(9),
                ..v
            }
            .absolute_risk(5.0),
            Err(GailError::FirstBirth { .. })
        ));
    }

    #[test]
    fn nulliparous_is_the_25_29_category_and_hyperplasia_needs_a_biopsy() {
        let c = GailInput {
            age_at_first_birth: None,
            biopsies: 0,
            hyperplasia: Hyperplasia::Yes,
            ..vector()
        }
        .categories();
        assert_eq!((c.af, c.multiplier), (2, 1.0));
        let c = GailInput {
            biopsies: 3,
            hyperplasia: Hyperplasia::Yes,
            ..vector()
        }
        .categories();
        assert_eq!((c.nb, c.multiplier), (2, 1.82));
    }
}
