//! Work and income: employers, employments, monthly a-ordningen income and yearly assessments.
//!
//! Generating process (documented so services and tests can rely on it):
//! 1. Employment by age and sex (rates tuned to SSB's 2 863 317 employed aged 15–74, Q4 2024).
//! 2. Health and care staff first: nursing homes and home care sized to SSB's 160 779 care FTE in
//!    2024 (≈ 29 per 1000 inhabitants), kindergarten staff to ≈ 0.37 per enrolled child
//!    (97 457 employees / 266 014 children, SSB 2024); position percentages for rota staff with
//!    ≈ 30 % full-time (KS: 28 % of turnus staff full-time). Everyone else works in a business.
//! 3. A full-time annual wage drawn lognormally around SSB's 2024 median monthly earnings
//!    (53 490 NOK, *unverified* third-party citation of table 11418) by occupation, age and sex, with
//!    a Pareto tail above 1.5 M NOK; multiplied by the position percentage.
//! 4. Monthly income for 2023: one twelfth a month, holiday pay (feriepenger, 12 % of the previous
//!    year's pay) in June and a reduced July; events: job loss (dagpenger 62.4 % of pay up to 6 G),
//!    parental leave after a 2023 birth (NAV foreldrepenger up to 6 G), seasonal work (a few months
//!    only). Benefits and pensions are reported through a-ordningen too.
//! 5. Personinntekt 2023 = the sum of the twelve months + business income (not in a-ordningen);
//!    personinntekt 2022 = the 2023 level deflated by wage growth (5.2 %) with individual noise.
//! 6. Kapitalinntekt: interest for most, a heavy tail for a few.

use crate::people::{LocalPopulation, NO_DWELLING};
use chrono::{Datelike, NaiveDate};
use identity::Sex;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal, Pareto};
use registers::{Competence, OrgKind};

/// 6 G as used for NAV benefits in 2023 (G = 118 620 from 1 May 2023; *unverified* recall).
const SIX_G: i64 = 6 * 118_620;

#[derive(Clone, Debug)]
pub struct LocalOrg {
    pub kind: OrgKind,
    pub name: String,
}

#[derive(Clone, Copy, Debug)]
pub struct LocalJob {
    pub person: u32,
    pub org: u32,
    pub position_pct: u8,
    pub competence: Competence,
    pub from: NaiveDate,
}

#[derive(Clone, Copy, Debug)]
pub struct LocalIncome {
    pub person: u32,
    pub personinntekt_2022: i64,
    pub personinntekt_2023: i64,
    pub kapitalinntekt_2022: i64,
    pub kapitalinntekt_2023: i64,
    /// a-ordningen 2023, `None` when nothing was reported all year.
    pub months_2023: Option<[i64; 12]>,
}

pub struct LocalEconomy {
    pub orgs: Vec<LocalOrg>,
    pub jobs: Vec<LocalJob>,
    pub incomes: Vec<LocalIncome>,
}

fn age(birth: NaiveDate) -> u32 {
    crate::people::age_of(birth)
}

fn employment_rate(age: u32, sex: Sex) -> f64 {
    let base: f64 = match age {
        15..=17 => 0.32,
        18..=19 => 0.55,
        20..=24 => 0.68,
        25..=29 => 0.79,
        30..=54 => 0.84,
        55..=61 => 0.78,
        62..=66 => 0.55,
        67..=69 => 0.24,
        70..=74 => 0.10,
        _ => 0.0,
    };
    match sex {
        Sex::Male => (base * 1.03).min(0.95),
        Sex::Female => base * 0.97,
    }
}

/// Generates employers, jobs and incomes for one municipality. `enrolled_children` sizes the
/// kindergarten staff; kindergartens themselves are created by the kindergarten stage and passed
/// in as `kindergartens` (their indexes in `orgs`).
pub fn generate(
    rng: &mut ChaCha8Rng,
    pop: &LocalPopulation,
    municipality_name: &str,
    mut orgs: Vec<LocalOrg>,
    kindergartens: &[u32],
    enrolled_children: usize,
    births_2023: &[u32],
) -> LocalEconomy {
    let residents: Vec<u32> = (0..pop.persons.len() as u32)
        .filter(|&i| pop.persons[i as usize].dwelling != NO_DWELLING)
        .collect();
    let population = residents.len();
    orgs.push(LocalOrg {
        kind: OrgKind::Municipality,
        name: format!("{municipality_name} kommune"),
    });
    let municipality_org = (orgs.len() - 1) as u32;
    let care_fte = population as f64 * 28.97 / 1000.0;
    let nursing_homes = ((care_fte * 0.5 / 45.0).round() as usize).max(1);
    let mut nursing = Vec::new();
    for k in 0..nursing_homes {
        orgs.push(LocalOrg {
            kind: OrgKind::NursingHome,
            name: format!("{municipality_name} sykehjem {}", k + 1),
        });
        nursing.push((orgs.len() - 1) as u32);
    }
    orgs.push(LocalOrg {
        kind: OrgKind::HomeCare,
        name: format!("{municipality_name} hjemmetjeneste"),
    });
    let home_care = (orgs.len() - 1) as u32;
    let businesses = (population / 40).max(1);
    let first_business = orgs.len() as u32;
    for k in 0..businesses {
        orgs.push(LocalOrg {
            kind: OrgKind::Business,
            name: format!("{municipality_name} virksomhet {}", k + 1),
        });
    }

    // Who works. People living alone are less often employed than people in couples (SSB
    // labour-force statistics by household type; factors *unverified*, tuned to the household
    // income medians).
    let mut has_partner = vec![false; pop.persons.len()];
    for r in &pop.relations {
        if r.kind.is_partner() {
            has_partner[r.person as usize] = true;
        }
    }
    let mut employed: Vec<u32> = residents
        .iter()
        .copied()
        .filter(|&i| {
            let p = &pop.persons[i as usize];
            let alone = pop.dwellings[p.dwelling as usize].members.len() == 1;
            let factor = if has_partner[i as usize] {
                1.06
            } else if alone {
                0.74
            } else {
                1.0
            };
            rng.gen_bool((employment_rate(age(p.birth), p.sex) * factor).min(0.97))
        })
        .collect();
    // Care and kindergarten staff are drawn from employed adults 20-66, mostly women (SSB: 82.9 %).
    let mut candidates: Vec<u32> = employed
        .iter()
        .copied()
        .filter(|&i| (20..67).contains(&age(pop.persons[i as usize].birth)))
        .collect();
    use rand::seq::SliceRandom;
    candidates.shuffle(rng);
    let (mut women, mut men): (Vec<u32>, Vec<u32>) = candidates
        .into_iter()
        .partition(|&i| pop.persons[i as usize].sex == Sex::Female);
    let mut jobs: Vec<LocalJob> = Vec::new();
    let mut has_job = vec![false; pop.persons.len()];
    let start_date = |rng: &mut ChaCha8Rng, birth: NaiveDate| {
        let earliest = birth
            .with_year(birth.year() + 20)
            .unwrap_or(birth)
            .max(NaiveDate::from_ymd_opt(1990, 1, 1).expect("constant date"));
        let latest = NaiveDate::from_ymd_opt(2023, 12, 1).expect("constant date");
        let span = (latest - earliest).num_days().max(1);
        earliest + chrono::Duration::days(rng.gen_range(0..span))
    };
    let mut hire = |rng: &mut ChaCha8Rng,
                    org: u32,
                    competence: Competence,
                    rota: bool,
                    women: &mut Vec<u32>,
                    men: &mut Vec<u32>,
                    has_job: &mut Vec<bool>|
     -> f64 {
        let pool = if rng.gen_bool(0.85) || men.is_empty() {
            women
        } else {
            men
        };
        let Some(person) = pool.pop() else { return 0.0 };
        has_job[person as usize] = true;
        let pct: u8 = if rota {
            [
                100, 100, 100, 90, 80, 80, 75, 75, 70, 60, 60, 50, 50, 40, 30,
            ][rng.gen_range(0..15)]
        } else if rng.gen_bool(0.75) {
            100
        } else {
            [80, 60, 50][rng.gen_range(0..3)]
        };
        jobs.push(LocalJob {
            person,
            org,
            position_pct: pct,
            competence,
            from: start_date(rng, pop.persons[person as usize].birth),
        });
        pct as f64 / 100.0
    };
    // Care services: half nursing homes, half home care; nurses 35 %, health workers 45 %.
    let mut fte = 0.0;
    while fte < care_fte {
        let competence = match rng.gen_range(0..100) {
            0..=34 => Competence::Nurse,
            35..=79 => Competence::HealthWorker,
            _ => Competence::Assistant,
        };
        let org = if rng.gen_bool(0.5) {
            nursing[rng.gen_range(0..nursing.len())]
        } else {
            home_care
        };
        let got = hire(
            rng,
            org,
            competence,
            true,
            &mut women,
            &mut men,
            &mut has_job,
        );
        if got == 0.0 {
            break;
        }
        fte += got;
    }
    if !kindergartens.is_empty() {
        let staff = (enrolled_children as f64 * 0.37).round() as usize;
        for k in 0..staff {
            let competence = if k % 5 < 2 {
                Competence::KindergartenTeacher
            } else {
                Competence::Assistant
            };
            let org = kindergartens[rng.gen_range(0..kindergartens.len())];
            if hire(
                rng,
                org,
                competence,
                false,
                &mut women,
                &mut men,
                &mut has_job,
            ) == 0.0
            {
                break;
            }
        }
    }
    // Everyone else employed works in a business (a few for the municipality administration).
    employed.retain(|&i| !has_job[i as usize]);
    for person in employed {
        let org = if rng.gen_bool(0.06) {
            municipality_org
        } else {
            first_business + rng.gen_range(0..businesses as u32)
        };
        let p = &pop.persons[person as usize];
        let part_time = match p.sex {
            Sex::Female => 0.28,
            Sex::Male => 0.12,
        };
        let pct = if age(p.birth) < 20 {
            [20, 30, 40, 50][rng.gen_range(0..4)]
        } else if rng.gen_bool(part_time) {
            [40, 50, 60, 70, 80][rng.gen_range(0..5)]
        } else {
            100
        };
        jobs.push(LocalJob {
            person,
            org,
            position_pct: pct,
            competence: Competence::Other,
            from: start_date(rng, p.birth),
        });
        has_job[person as usize] = true;
    }

    let incomes = incomes(rng, pop, &residents, &jobs, births_2023, &has_partner);
    LocalEconomy {
        orgs,
        jobs,
        incomes,
    }
}

fn wage_level(competence: Competence) -> f64 {
    // Full-time annual pay, NOK, 2023 level (SSB earnings by occupation 2024 deflated ~5 %:
    // professionals 66 850/month, sales and service 43 190/month; nurses sit between).
    match competence {
        Competence::Nurse => 640_000.0,
        Competence::HealthWorker => 540_000.0,
        Competence::Assistant => 480_000.0,
        Competence::KindergartenTeacher => 590_000.0,
        Competence::Other => 690_000.0,
    }
}

fn age_profile(age: u32) -> f64 {
    match age {
        0..=19 => 0.55,
        20..=24 => 0.75,
        25..=29 => 0.88,
        30..=34 => 0.97,
        35..=44 => 1.06,
        45..=54 => 1.10,
        55..=66 => 1.06,
        _ => 0.95,
    }
}

fn incomes(
    rng: &mut ChaCha8Rng,
    pop: &LocalPopulation,
    residents: &[u32],
    jobs: &[LocalJob],
    births_2023: &[u32],
    has_partner: &[bool],
) -> Vec<LocalIncome> {
    let mut job_of: Vec<Option<&LocalJob>> = vec![None; pop.persons.len()];
    for j in jobs {
        job_of[j.person as usize] = Some(j);
    }
    let mut new_parent = vec![false; pop.persons.len()];
    for &p in births_2023 {
        new_parent[p as usize] = true;
    }
    let wage_noise = LogNormal::<f64>::new(0.0, 0.2).expect("valid lognormal");
    let tail = Pareto::<f64>::new(1_500_000.0, 2.2).expect("valid pareto");
    let pension = LogNormal::<f64>::new((345_000.0f64).ln(), 0.30).expect("valid lognormal");
    let disability = LogNormal::<f64>::new((290_000.0f64).ln(), 0.2).expect("valid lognormal");
    let student = LogNormal::<f64>::new((105_000.0f64).ln(), 0.5).expect("valid lognormal");
    let interest = LogNormal::<f64>::new((4_000.0f64).ln(), 1.3).expect("valid lognormal");
    let capital_tail = Pareto::<f64>::new(60_000.0, 1.4).expect("valid pareto");
    let growth = Normal::<f64>::new(1.0 / 1.052, 0.06).expect("valid normal");
    let mut out = Vec::with_capacity(residents.len());
    for &i in residents {
        let p = &pop.persons[i as usize];
        let a = age(p.birth);
        let mut months = [0i64; 12];
        let mut business = 0i64;
        let pay_shape = |annual: f64, months: &mut [i64; 12], rng: &mut ChaCha8Rng| {
            let monthly = annual / 12.0;
            let mut m = [monthly; 12];
            // Holiday pay in June, reduced pay in July (ferieloven § 10; 12 % of last year's pay
            // approximated by this year's).
            m[5] += annual * 0.12 - monthly * 0.5;
            m[6] -= monthly * 0.5;
            let job_loss = rng.gen_bool(0.03);
            let seasonal = a < 30 && rng.gen_bool(0.04);
            if seasonal {
                let start = rng.gen_range(0..9);
                for (k, v) in m.iter_mut().enumerate() {
                    if k < start || k >= start + 4 {
                        *v = 0.0;
                    } else {
                        *v = monthly * 2.5;
                    }
                }
            } else if job_loss {
                let from = rng.gen_range(1..12);
                let benefit = (annual.min(SIX_G as f64) * 0.624) / 12.0;
                for v in m.iter_mut().skip(from) {
                    *v = benefit;
                }
            }
            for (k, v) in m.iter().enumerate() {
                months[k] += v.max(0.0).round() as i64;
            }
        };
        if let Some(job) = job_of[i as usize] {
            let base = wage_level(job.competence) * age_profile(a) * wage_noise.sample(rng);
            let sex = match p.sex {
                Sex::Male => 1.07,
                Sex::Female => 0.95,
            };
            // People living alone earn less than people in couples at the same age (selection into
            // partnership; factor *unverified*, tuned to SSB's median for living alone 30–44).
            let alone = pop.dwellings[p.dwelling as usize].members.len() == 1;
            let mut annual = base * sex * if alone { 0.86 } else { 1.0 };
            if job.competence == Competence::Other && rng.gen_bool(0.015) {
                annual = tail.sample(rng);
            }
            annual *= job.position_pct as f64 / 100.0;
            if job.competence == Competence::Other && rng.gen_bool(0.06) {
                // Self-employed: business income, not reported through a-ordningen.
                business = annual.round() as i64;
            } else {
                pay_shape(annual, &mut months, rng);
            }
            if new_parent[i as usize] {
                // Parental benefit replaces pay for part of the year (capped at 6 G).
                let leave_months = if p.sex == Sex::Female { 8 } else { 3 };
                let start = rng.gen_range(0..(12 - leave_months + 1));
                let benefit = annual.min(SIX_G as f64) / 12.0;
                for v in months.iter_mut().skip(start).take(leave_months) {
                    *v = benefit.round() as i64;
                }
            }
        } else if a >= 67 {
            let annual = pension.sample(rng);
            for v in months.iter_mut() {
                *v = (annual / 12.0).round() as i64;
            }
        } else if (18..67).contains(&a) {
            let r: f64 = rng.gen();
            let annual = if a < 30 && r < 0.5 {
                student.sample(rng)
            } else if r < 0.55 {
                // Disability benefit (uføretrygd).
                disability.sample(rng)
            } else if r < 0.82 || !has_partner[i as usize] {
                // Work assessment allowance or social assistance at a lower level.
                disability.sample(rng) * 0.7
            } else {
                // Provided for by a partner.
                0.0
            };
            for v in months.iter_mut() {
                *v = (annual / 12.0).round() as i64;
            }
        } else if a >= 13 && rng.gen_bool(0.3) {
            // Summer jobs for teenagers.
            months[6] = rng.gen_range(5_000..30_000);
        }
        let total: i64 = months.iter().sum::<i64>() + business;
        let capital = |rng: &mut ChaCha8Rng| -> i64 {
            if a < 18 {
                return if rng.gen_bool(0.2) {
                    interest.sample(rng) as i64 / 10
                } else {
                    0
                };
            }
            let r: f64 = rng.gen();
            if r < 0.25 {
                0
            } else if r < 0.96 {
                interest.sample(rng) as i64
            } else {
                capital_tail.sample(rng).min(50_000_000.0) as i64
            }
        };
        let k2023 = capital(rng);
        let k2022 = capital(rng);
        let pi_2022 = if total == 0 {
            0
        } else {
            (total as f64 * growth.sample(rng).clamp(0.5, 1.5)).round() as i64
        };
        out.push(LocalIncome {
            person: i,
            personinntekt_2022: pi_2022,
            personinntekt_2023: total,
            kapitalinntekt_2022: k2022,
            kapitalinntekt_2023: k2023,
            months_2023: if months.iter().any(|&v| v != 0) {
                Some(months)
            } else {
                None
            },
        });
    }
    out
}
