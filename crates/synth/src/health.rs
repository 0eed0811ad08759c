//! Health registers: lifestyle survey, BreastScreen Norway invitations and breast-cancer diagnoses.
//!
//! # Generating process (the "truth" a risk model trained on this cohort should recover)
//!
//! Every woman aged 25+ has a latent lifestyle; survey respondents (≈ 50 % of women and 40 % of
//! men aged 16–79, 70 % of that among immigrants) report theirs. A woman's yearly breast-cancer risk
//! is `base(age) × RR / 1.25`, with `base` the age-specific incidence below (per 100 000, shaped like
//! the Cancer Registry's age curve, scaled to FHI's 139.6 per 100 000 women in 2024) and
//!
//! ```text
//! ln RR = 0.18·[daily smoker] + 0.007·(alcohol units/week)
//!       + 0.25·[BMI ≥ 30 and age ≥ 50] − 0.15·[≥ 150 activity minutes/week]
//!       + 0.26·[no births] + 0.18·[first birth at 30+] + 0.14·[menarche < 12]
//!       + 0.59·[one first-degree relative] + 1.06·[two or more]
//! ```
//!
//! (coefficients of the size reported in the epidemiological literature; this is the synthetic
//! cohort's definition, not a claim about real women). Women 50–69 are invited once in the
//! 2022–2023 round and attend with probability 75.5 % (66 % in Oslo). Among attenders a prevalent
//! cancer is present with two years' worth of risk (lead time); 78 % of those are screen-detected,
//! the rest surface as interval cancers; non-cancer screens are recalled with probability 2.65 %,
//! giving ≈ 3.2 % recall and ≈ 5.7 screen-detected cancers per 1000 screens. Women not screened get
//! clinical diagnoses at their yearly risk. Only diagnoses up to the reference date are recorded.

use crate::people::{LocalPopulation, NO_DWELLING};
use chrono::{Datelike, Duration, NaiveDate};
use identity::Sex;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};
use registers::{Background, Detection, ScreeningResult, Smoking};

#[derive(Clone, Copy, Debug)]
pub struct LocalLifestyle {
    pub person: u32,
    pub answered_on: NaiveDate,
    pub smoking: Smoking,
    pub alcohol: u8,
    pub bmi_tenths: u16,
    pub activity: u16,
    pub menarche: Option<u8>,
    pub births: Option<u8>,
    pub first_birth: Option<u8>,
    pub relatives: u8,
}

#[derive(Clone, Copy, Debug)]
pub struct LocalScreening {
    pub person: u32,
    pub invited_for: NaiveDate,
    pub attended_on: Option<NaiveDate>,
    pub result: ScreeningResult,
}

#[derive(Clone, Copy, Debug)]
pub struct LocalCancer {
    pub person: u32,
    pub diagnosed_on: NaiveDate,
    pub detection: Detection,
}

pub struct LocalHealth {
    pub lifestyle: Vec<LocalLifestyle>,
    pub screening: Vec<LocalScreening>,
    pub cancer: Vec<LocalCancer>,
}

/// Breast-cancer incidence per 100 000 women by 5-year age group from 25 (25–29, …, 85+).
const BASE_RATE: [f64; 13] = [
    6.0, 20.0, 50.0, 115.0, 200.0, 260.0, 270.0, 300.0, 360.0, 350.0, 320.0, 290.0, 280.0,
];
const RR_NORMALISER: f64 = 1.25;

fn base_rate(age: u32) -> f64 {
    if age < 25 {
        return 0.0;
    }
    BASE_RATE[((age - 25) / 5).min(12) as usize] / 100_000.0
}

/// Relative risk of the synthetic cohort's generating process (see the module documentation).
pub fn relative_risk(l: &LocalLifestyle, age: u32) -> f64 {
    let mut x = 0.0;
    if l.smoking == Smoking::Daily {
        x += 0.18;
    }
    x += 0.007 * l.alcohol as f64;
    if l.bmi_tenths >= 300 && age >= 50 {
        x += 0.25;
    }
    if l.activity >= 150 {
        x -= 0.15;
    }
    if l.births == Some(0) {
        x += 0.26;
    }
    if l.first_birth.is_some_and(|a| a >= 30) {
        x += 0.18;
    }
    if l.menarche.is_some_and(|a| a < 12) {
        x += 0.14;
    }
    x += match l.relatives {
        0 => 0.0,
        1 => 0.59,
        _ => 1.06,
    };
    x.exp()
}

fn date_in(rng: &mut ChaCha8Rng, from: NaiveDate, days: i64) -> NaiveDate {
    from + Duration::days(rng.gen_range(0..days.max(1)))
}

pub fn generate(
    rng: &mut ChaCha8Rng,
    pop: &LocalPopulation,
    children_of_mother: &[u8],
    oslo: bool,
) -> LocalHealth {
    let reference = NaiveDate::from_ymd_opt(2024, 1, 1).expect("constant date");
    let y2022 = NaiveDate::from_ymd_opt(2022, 1, 1).expect("constant date");
    let y2023 = NaiveDate::from_ymd_opt(2023, 1, 1).expect("constant date");
    let alcohol = LogNormal::<f64>::new((4.0f64).ln(), 0.8).expect("valid lognormal");
    let activity = LogNormal::<f64>::new((250.0f64).ln(), 0.8).expect("valid lognormal");
    let menarche = Normal::<f64>::new(13.0, 1.3).expect("valid normal");
    let mut out = LocalHealth {
        lifestyle: Vec::new(),
        screening: Vec::new(),
        cancer: Vec::new(),
    };
    for (i, p) in pop.persons.iter().enumerate() {
        if p.dwelling == NO_DWELLING {
            continue;
        }
        let age = crate::people::age_of(p.birth);
        if age < 16 {
            continue;
        }
        let female = p.sex == Sex::Female;
        let mut respond = if female { 0.5 } else { 0.4 };
        if p.background == Background::Immigrant {
            respond *= 0.7;
        }
        let responds = age < 80 && rng.gen_bool(respond);
        // Women 25+ need a latent lifestyle for their cancer risk even if they did not answer.
        let needs_lifestyle = responds || (female && age >= 25);
        if !needs_lifestyle {
            continue;
        }
        let daily = match age {
            16..=24 => 0.02,
            25..=34 => 0.05,
            35..=44 => 0.07,
            45..=54 => 0.10,
            55..=64 => 0.13,
            65..=79 => 0.11,
            _ => 0.06,
        };
        let former = match age {
            16..=34 => 0.1,
            35..=64 => 0.3,
            _ => 0.4,
        };
        let r: f64 = rng.gen();
        let smoking = if r < daily {
            Smoking::Daily
        } else if r < daily + former {
            Smoking::Former
        } else {
            Smoking::Never
        };
        let alcohol_units = if rng.gen_bool(0.25) {
            0
        } else {
            alcohol.sample(rng).min(60.0) as u8
        };
        let mean_bmi = match age {
            16..=29 => 24.0,
            30..=39 => 25.8,
            40..=49 => 26.6,
            50..=69 => 27.0,
            _ => 26.3,
        } + if female { 0.0 } else { 0.6 };
        let bmi = Normal::<f64>::new(mean_bmi, 4.3)
            .expect("valid normal")
            .sample(rng)
            .clamp(15.0, 60.0);
        let (menarche_age, births, first_birth) = if female {
            let m = menarche.sample(rng).round().clamp(9.0, 17.0) as u8;
            let registered = children_of_mother[i];
            let births = if age >= 45 {
                let drawn = [0u8, 1, 2, 2, 2, 3, 3, 4][rng.gen_range(0..8)];
                drawn.max(registered)
            } else {
                registered
            };
            let first = if births > 0 {
                let mean = if p.birth.year() > 1970 { 28.5 } else { 25.5 };
                let a = Normal::<f64>::new(mean, 4.5)
                    .expect("valid normal")
                    .sample(rng);
                Some(a.round().clamp(16.0, (age as f64).min(45.0)) as u8)
            } else {
                None
            };
            (Some(m), Some(births), first)
        } else {
            (None, None, None)
        };
        let relatives = match rng.gen_range(0..100) {
            0..=87 => 0,
            88..=98 => 1,
            _ => 2,
        };
        let life = LocalLifestyle {
            person: i as u32,
            answered_on: date_in(rng, y2022, 730),
            smoking,
            alcohol: alcohol_units,
            bmi_tenths: (bmi * 10.0).round() as u16,
            activity: activity.sample(rng).min(3000.0) as u16,
            menarche: menarche_age,
            births,
            first_birth,
            relatives,
        };
        if responds {
            out.lifestyle.push(life);
        }
        if !female || age < 25 {
            continue;
        }
        let yearly = base_rate(age) * relative_risk(&life, age) / RR_NORMALISER;
        if (50..=69).contains(&age) {
            let invited_for = date_in(rng, y2022, 720);
            let attends = rng.gen_bool(if oslo { 0.66 } else { 0.755 });
            if attends {
                let has_cancer = rng.gen_bool((yearly * 2.4).min(1.0));
                let (result, cancer) = if has_cancer {
                    if rng.gen_bool(0.78) {
                        (
                            ScreeningResult::ScreenDetectedCancer,
                            Some((invited_for + Duration::days(21), Detection::Screening)),
                        )
                    } else {
                        let d = invited_for + Duration::days(rng.gen_range(30..700));
                        (ScreeningResult::Negative, Some((d, Detection::Interval)))
                    }
                } else if rng.gen_bool(0.0265) {
                    (ScreeningResult::RecallNoCancer, None)
                } else {
                    (ScreeningResult::Negative, None)
                };
                out.screening.push(LocalScreening {
                    person: i as u32,
                    invited_for,
                    attended_on: Some(invited_for),
                    result,
                });
                if let Some((date, detection)) = cancer {
                    if date < reference {
                        out.cancer.push(LocalCancer {
                            person: i as u32,
                            diagnosed_on: date,
                            detection,
                        });
                    }
                }
                continue;
            }
            out.screening.push(LocalScreening {
                person: i as u32,
                invited_for,
                attended_on: None,
                result: ScreeningResult::NotAttended,
            });
        }
        if rng.gen_bool(yearly.min(1.0)) {
            out.cancer.push(LocalCancer {
                person: i as u32,
                diagnosed_on: date_in(rng, y2023, 365),
                detection: Detection::Clinical,
            });
        }
    }
    out
}
