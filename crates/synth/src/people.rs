//! Persons and households of one municipality, before identity numbers are allocated.
//!
//! The order of work follows how families come about, so relations are consistent by construction:
//! children are grouped into sibling sets, each set gets a mother of a plausible age (and, by the
//! published shares, a father at home, a separated father elsewhere, or a step-parent); young adults
//! stay with their parents by age; the remaining adults pair up into couples or live alone or share;
//! immigrant background is then assigned per household.

use crate::params::{self, MAX_AGE};
use chrono::{Duration, NaiveDate};
use identity::Sex;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use registers::{Background, PersonStatus, RelationKind};

/// A person before their identity number exists; indexes are local to the municipality.
#[derive(Clone, Copy, Debug)]
pub struct LocalPerson {
    pub birth: NaiveDate,
    pub sex: Sex,
    pub background: Background,
    pub status: PersonStatus,
    pub status_date: Option<NaiveDate>,
    /// Dwelling index, `NO_DWELLING` for the dead and emigrated.
    pub dwelling: u32,
}

pub const NO_DWELLING: u32 = u32::MAX;

/// What kind of household a dwelling holds (used by the income and statistics stages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DwellingKind {
    Family,
    AdultChildren,
    Couple,
    Alone,
    Shared,
}

#[derive(Clone, Debug)]
pub struct LocalDwelling {
    pub kind: DwellingKind,
    pub members: Vec<u32>,
    pub moved_in: NaiveDate,
}

#[derive(Clone, Copy, Debug)]
pub struct LocalRelation {
    pub person: u32,
    pub related: u32,
    pub kind: RelationKind,
    pub from: NaiveDate,
}

#[derive(Default)]
pub struct LocalPopulation {
    pub persons: Vec<LocalPerson>,
    pub dwellings: Vec<LocalDwelling>,
    pub relations: Vec<LocalRelation>,
}

pub fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).expect("constant date")
}

/// Age in whole years on the reference date (1 January 2024), as the registers count it.
pub fn age_of(birth: NaiveDate) -> u32 {
    registers::age_on(birth, reference_date())
}

/// A birth date uniformly among those that make someone `age` on 1 January 2024: from
/// 2 January of year 2023 − age to 1 January of the next year.
fn random_birth(rng: &mut ChaCha8Rng, age: usize) -> NaiveDate {
    let year = 2023 - age as i32;
    let start = NaiveDate::from_ymd_opt(year, 1, 2).expect("valid year");
    let days = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    };
    start + Duration::days(rng.gen_range(0..days))
}

/// Buckets of not-yet-placed persons by sex and age, each shuffled, for fast "someone about this
/// age" draws.
struct Pools {
    buckets: [Vec<Vec<u32>>; 2],
}

impl Pools {
    fn take_near(&mut self, sex: Sex, age: i64, tolerance: i64, placed: &[bool]) -> Option<u32> {
        let s = sex_index(sex);
        for d in 0..=tolerance {
            for a in [age - d, age + d] {
                if a < 0 || a > MAX_AGE as i64 {
                    continue;
                }
                let bucket = &mut self.buckets[s][a as usize];
                while let Some(i) = bucket.pop() {
                    if !placed[i as usize] {
                        return Some(i);
                    }
                }
                if d == 0 {
                    break;
                }
            }
        }
        None
    }
}

fn sex_index(sex: Sex) -> usize {
    match sex {
        Sex::Male => 0,
        Sex::Female => 1,
    }
}

fn pick(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Generates the residents of a municipality with `counts[sex][age]` persons, and forms households.
pub fn generate(rng: &mut ChaCha8Rng, counts: &[[u64; MAX_AGE + 1]; 2]) -> LocalPopulation {
    let mut pop = LocalPopulation::default();
    for (s, by_age) in counts.iter().enumerate() {
        let sex = if s == 0 { Sex::Male } else { Sex::Female };
        for (age, &n) in by_age.iter().enumerate() {
            for _ in 0..n {
                pop.persons.push(LocalPerson {
                    birth: random_birth(rng, age),
                    sex,
                    background: Background::Majority,
                    status: PersonStatus::Resident,
                    status_date: None,
                    dwelling: NO_DWELLING,
                });
            }
        }
    }
    let n = pop.persons.len();
    let mut placed = vec![false; n];
    let mut pools = Pools {
        buckets: [vec![Vec::new(); MAX_AGE + 1], vec![Vec::new(); MAX_AGE + 1]],
    };
    let mut children_by_age: Vec<Vec<u32>> = vec![Vec::new(); 18];
    for (i, p) in pop.persons.iter().enumerate() {
        let age = age_of(p.birth) as usize;
        if age < 18 {
            children_by_age[age].push(i as u32);
        } else {
            pools.buckets[sex_index(p.sex)][age].push(i as u32);
        }
    }
    for b in pools.buckets.iter_mut().flatten() {
        b.shuffle(rng);
    }
    for b in children_by_age.iter_mut() {
        b.shuffle(rng);
    }

    let mut separated: Vec<u32> = Vec::new();
    let mut families_by_mother_age: Vec<Vec<u32>> = vec![Vec::new(); MAX_AGE + 1];
    form_families(
        rng,
        &mut pop,
        &mut placed,
        &mut pools,
        &mut children_by_age,
        &mut separated,
        &mut families_by_mother_age,
    );
    place_adult_children(
        rng,
        &mut pop,
        &mut placed,
        &mut pools,
        &families_by_mother_age,
    );
    place_remaining_adults(rng, &mut pop, &mut placed, &mut pools, separated);
    assign_background(rng, &mut pop);
    pop
}

fn new_dwelling(
    pop: &mut LocalPopulation,
    kind: DwellingKind,
    members: Vec<u32>,
    moved_in: NaiveDate,
) -> u32 {
    let d = pop.dwellings.len() as u32;
    for &m in &members {
        pop.persons[m as usize].dwelling = d;
    }
    pop.dwellings.push(LocalDwelling {
        kind,
        members,
        moved_in,
    });
    d
}

fn add_member(pop: &mut LocalPopulation, dwelling: u32, person: u32) {
    pop.persons[person as usize].dwelling = dwelling;
    pop.dwellings[dwelling as usize].members.push(person);
}

fn couple(pop: &mut LocalPopulation, a: u32, b: u32, kind: RelationKind, from: NaiveDate) {
    pop.relations.push(LocalRelation {
        person: a,
        related: b,
        kind,
        from,
    });
    pop.relations.push(LocalRelation {
        person: b,
        related: a,
        kind,
        from,
    });
}

fn parent(pop: &mut LocalPopulation, child: u32, parent: u32) {
    let kind = match pop.persons[parent as usize].sex {
        Sex::Female => RelationKind::Mother,
        Sex::Male => RelationKind::Father,
    };
    let from = pop.persons[child as usize].birth;
    pop.relations.push(LocalRelation {
        person: child,
        related: parent,
        kind,
        from,
    });
}

fn years_before(date: NaiveDate, rng: &mut ChaCha8Rng, max_years: i64) -> NaiveDate {
    (date - Duration::days(rng.gen_range(0..=max_years * 365)))
        .max(NaiveDate::from_ymd_opt(1950, 1, 1).expect("constant date"))
}

#[allow(clippy::too_many_arguments)]
fn form_families(
    rng: &mut ChaCha8Rng,
    pop: &mut LocalPopulation,
    placed: &mut [bool],
    pools: &mut Pools,
    children_by_age: &mut [Vec<u32>],
    separated: &mut Vec<u32>,
    families_by_mother_age: &mut [Vec<u32>],
) {
    let mother_age_at_first = Normal::<f64>::new(29.0, 4.8).expect("valid normal");
    let partner_gap = Normal::<f64>::new(2.5, 3.5).expect("valid normal");
    let mut order: Vec<u32> = children_by_age.iter().flatten().copied().collect();
    order.shuffle(rng);
    let mut child_placed = vec![false; pop.persons.len()];
    for &seed in &order {
        if child_placed[seed as usize] {
            continue;
        }
        child_placed[seed as usize] = true;
        let mut siblings = vec![seed];
        let size = pick(rng, &params::CHILDREN_PER_FAMILY) + 1;
        let mut age = age_of(pop.persons[seed as usize].birth) as i64;
        while siblings.len() < size {
            let twins = rng.gen_bool(0.017);
            let gap = if twins {
                0
            } else {
                [1, 2, 2, 3, 3, 4, 5, 6][rng.gen_range(0..8)]
            };
            let target = if age - gap >= 0 && (rng.gen_bool(0.5) || age + gap > 17) {
                age - gap
            } else {
                age + gap
            };
            if !(0..18).contains(&target) {
                break;
            }
            let bucket = &mut children_by_age[target as usize];
            let mut found = None;
            while let Some(c) = bucket.pop() {
                if !child_placed[c as usize] {
                    found = Some(c);
                    break;
                }
            }
            let Some(c) = found else { break };
            child_placed[c as usize] = true;
            if twins {
                let b = pop.persons[*siblings.last().expect("non-empty") as usize].birth;
                pop.persons[c as usize].birth = b;
            }
            siblings.push(c);
            age = target;
        }
        let oldest = siblings
            .iter()
            .map(|&c| age_of(pop.persons[c as usize].birth) as i64)
            .max()
            .unwrap_or(0);
        let youngest = siblings
            .iter()
            .map(|&c| age_of(pop.persons[c as usize].birth) as i64)
            .min()
            .unwrap_or(0);
        let at_first = mother_age_at_first.sample(rng).clamp(18.0, 44.0) as i64;
        let mother_age = (oldest + at_first).min(youngest + 47);
        let mother = pools
            .take_near(Sex::Female, mother_age, 4, placed)
            .or_else(|| pools.take_near(Sex::Female, mother_age, 20, placed));
        let father_age = mother_age + partner_gap.sample(rng).round() as i64;
        let father = pools
            .take_near(Sex::Male, father_age, 4, placed)
            .or_else(|| pools.take_near(Sex::Male, father_age, 20, placed));
        for p in [mother, father].into_iter().flatten() {
            placed[p as usize] = true;
        }
        for &c in &siblings {
            placed[c as usize] = true;
            if let Some(m) = mother {
                parent(pop, c, m);
            }
            if let Some(f) = father {
                parent(pop, c, f);
            }
        }
        let oldest_birth = siblings
            .iter()
            .map(|&c| pop.persons[c as usize].birth)
            .min()
            .unwrap_or_else(reference_date);
        let moved_in = years_before(reference_date(), rng, (youngest + 1).min(8));
        let arrangement = pick(rng, &params::CHILD_LIVES_WITH);
        let mut members: Vec<u32> = Vec::with_capacity(siblings.len() + 2);
        match (arrangement, mother, father) {
            (0, Some(m), Some(f)) => {
                let cohabiting =
                    rng.gen_bool(params::cohabiting_share_by_child_age(youngest as u32));
                let kind = if cohabiting {
                    RelationKind::Cohabitant
                } else {
                    RelationKind::Spouse
                };
                couple(pop, m, f, kind, years_before(oldest_birth, rng, 5));
                members.extend([m, f]);
            }
            (2, Some(m), Some(f)) => {
                // One parent and a step-parent; the other parent lives elsewhere.
                let (home, away) = if rng.gen_bool(0.88) { (m, f) } else { (f, m) };
                separated.push(away);
                let home_person = pop.persons[home as usize];
                let step_sex = match home_person.sex {
                    Sex::Female => Sex::Male,
                    Sex::Male => Sex::Female,
                };
                let step_age =
                    age_of(home_person.birth) as i64 + partner_gap.sample(rng).round() as i64;
                members.push(home);
                if let Some(step) = pools.take_near(step_sex, step_age, 6, placed) {
                    placed[step as usize] = true;
                    let kind = if rng.gen_bool(0.5) {
                        RelationKind::Cohabitant
                    } else {
                        RelationKind::Spouse
                    };
                    couple(
                        pop,
                        home,
                        step,
                        kind,
                        years_before(reference_date(), rng, 5),
                    );
                    members.push(step);
                }
            }
            (_, Some(m), Some(f)) => {
                let (home, away) = if rng.gen_bool(0.83) { (m, f) } else { (f, m) };
                separated.push(away);
                members.push(home);
            }
            (_, Some(p), None) | (_, None, Some(p)) => members.push(p),
            (_, None, None) => {}
        }
        members.extend(siblings.iter().copied());
        let d = new_dwelling(pop, DwellingKind::Family, members, moved_in);
        if let Some(m) = mother {
            if pop.persons[m as usize].dwelling == d {
                families_by_mother_age[age_of(pop.persons[m as usize].birth) as usize].push(d);
            }
        }
    }
}

fn place_adult_children(
    rng: &mut ChaCha8Rng,
    pop: &mut LocalPopulation,
    placed: &mut [bool],
    pools: &mut Pools,
    families_by_mother_age: &[Vec<u32>],
) {
    let gap = Normal::<f64>::new(30.0, 5.0).expect("valid normal");
    let partner_gap = Normal::<f64>::new(2.5, 3.5).expect("valid normal");
    let young: Vec<u32> = (0..pop.persons.len() as u32)
        .filter(|&i| {
            let age = age_of(pop.persons[i as usize].birth);
            (18..30).contains(&age) && !placed[i as usize]
        })
        .collect();
    for c in young {
        let age = age_of(pop.persons[c as usize].birth);
        if !rng.gen_bool(params::lives_with_parents(age)) {
            continue;
        }
        placed[c as usize] = true;
        let mother_age = (age as f64 + gap.sample(rng)).round() as i64;
        // Join a family with a mother of that age about half the time (siblings at home), or form
        // a one-family household with adult children.
        let joined = if rng.gen_bool(0.45) {
            let mut found = None;
            for d in 0..3i64 {
                let a = (mother_age + d).clamp(0, MAX_AGE as i64) as usize;
                if let Some(&dw) = families_by_mother_age[a].choose(rng) {
                    found = Some(dw);
                    break;
                }
            }
            found
        } else {
            None
        };
        if let Some(dw) = joined {
            let adults: Vec<u32> = pop.dwellings[dw as usize]
                .members
                .iter()
                .copied()
                .filter(|&m| age_of(pop.persons[m as usize].birth) >= 36)
                .collect();
            for a in adults {
                parent(pop, c, a);
            }
            add_member(pop, dw, c);
            continue;
        }
        let Some(m) = pools.take_near(Sex::Female, mother_age, 5, placed) else {
            placed[c as usize] = false;
            continue;
        };
        placed[m as usize] = true;
        parent(pop, c, m);
        let mut members = vec![m];
        if rng.gen_bool(0.72) {
            let fa = mother_age + partner_gap.sample(rng).round() as i64;
            if let Some(f) = pools.take_near(Sex::Male, fa, 5, placed) {
                placed[f as usize] = true;
                parent(pop, c, f);
                let from = years_before(pop.persons[c as usize].birth, rng, 5);
                couple(pop, m, f, RelationKind::Spouse, from);
                members.push(f);
            }
        }
        members.push(c);
        let moved_in = years_before(reference_date(), rng, 15);
        new_dwelling(pop, DwellingKind::AdultChildren, members, moved_in);
    }
}

fn place_remaining_adults(
    rng: &mut ChaCha8Rng,
    pop: &mut LocalPopulation,
    placed: &mut [bool],
    pools: &mut Pools,
    separated: Vec<u32>,
) {
    let partner_gap = Normal::<f64>::new(2.5, 3.5).expect("valid normal");
    for s in &separated {
        placed[*s as usize] = false;
    }
    let mut women: Vec<u32> = (0..pop.persons.len() as u32)
        .filter(|&i| {
            let p = &pop.persons[i as usize];
            !placed[i as usize] && p.sex == Sex::Female && age_of(p.birth) >= 18
        })
        .collect();
    women.shuffle(rng);
    // Separated fathers go back into the pools so they can find new partners.
    for &s in &separated {
        let p = pop.persons[s as usize];
        if p.sex == Sex::Male {
            pools.buckets[0][age_of(p.birth) as usize].push(s);
        }
    }
    for w in women {
        if placed[w as usize] {
            continue;
        }
        let age = age_of(pop.persons[w as usize].birth);
        if !rng.gen_bool(params::couple_probability(age)) {
            continue;
        }
        let man_age = age as i64 + partner_gap.sample(rng).round() as i64;
        let Some(m) = pools.take_near(Sex::Male, man_age, 5, placed) else {
            continue;
        };
        placed[w as usize] = true;
        placed[m as usize] = true;
        let married_share = match age {
            0..=34 => 0.3,
            35..=50 => 0.55,
            _ => 0.8,
        };
        let kind = if rng.gen_bool(married_share) {
            RelationKind::Spouse
        } else {
            RelationKind::Cohabitant
        };
        let from = years_before(reference_date(), rng, (age as i64 - 20).clamp(1, 40));
        couple(pop, w, m, kind, from);
        let moved_in = years_before(reference_date(), rng, 10);
        new_dwelling(pop, DwellingKind::Couple, vec![w, m], moved_in);
    }
    let mut rest: Vec<u32> = (0..pop.persons.len() as u32)
        .filter(|&i| !placed[i as usize] && pop.persons[i as usize].dwelling == NO_DWELLING)
        .collect();
    rest.shuffle(rng);
    let mut sharing: Vec<u32> = Vec::new();
    for p in rest {
        placed[p as usize] = true;
        let age = age_of(pop.persons[p as usize].birth);
        let moved_in = years_before(reference_date(), rng, 10);
        let share_probability = match age {
            18..=34 => 0.45,
            35..=59 => 0.10,
            _ => 0.0,
        };
        if rng.gen_bool(share_probability) {
            sharing.push(p);
            if sharing.len() == 4 || (sharing.len() >= 2 && rng.gen_bool(0.55)) {
                new_dwelling(
                    pop,
                    DwellingKind::Shared,
                    std::mem::take(&mut sharing),
                    moved_in,
                );
            }
        } else {
            new_dwelling(pop, DwellingKind::Alone, vec![p], moved_in);
        }
    }
    if !sharing.is_empty() {
        let kind = if sharing.len() == 1 {
            DwellingKind::Alone
        } else {
            DwellingKind::Shared
        };
        new_dwelling(pop, kind, sharing, reference_date());
    }
}

fn assign_background(rng: &mut ChaCha8Rng, pop: &mut LocalPopulation) {
    for d in 0..pop.dwellings.len() {
        let kind = pop.dwellings[d].kind;
        let members = pop.dwellings[d].members.clone();
        let oldest = members
            .iter()
            .map(|&m| age_of(pop.persons[m as usize].birth))
            .max()
            .unwrap_or(0);
        let p = match kind {
            DwellingKind::Family | DwellingKind::AdultChildren => params::IMMIGRANT_FAMILY_SHARE,
            _ => params::immigrant_household_probability(oldest),
        };
        let immigrant = rng.gen_bool(p);
        for m in members {
            let person = &mut pop.persons[m as usize];
            let age = age_of(person.birth);
            person.background = if immigrant {
                let parents_here =
                    matches!(kind, DwellingKind::Family | DwellingKind::AdultChildren);
                if parents_here && age < 30 && rng.gen_bool(if age < 18 { 0.62 } else { 0.4 }) {
                    Background::NorwegianBornToImmigrants
                } else {
                    Background::Immigrant
                }
            } else if (18..40).contains(&age) && rng.gen_bool(0.02) {
                Background::NorwegianBornToImmigrants
            } else {
                Background::Majority
            };
        }
    }
}

/// Persons who died or emigrated during 2023: register records with a status, no dwelling.
pub fn departed(
    rng: &mut ChaCha8Rng,
    counts: &[[u64; MAX_AGE + 1]; 2],
    share: f64,
) -> Vec<LocalPerson> {
    let mut out = Vec::new();
    let year_2023 = NaiveDate::from_ymd_opt(2023, 1, 1).expect("constant date");
    for (s, by_age) in counts.iter().enumerate() {
        let sex = if s == 0 { Sex::Male } else { Sex::Female };
        for (age, &n) in by_age.iter().enumerate() {
            let group = (age / 5).min(params::DEATH_RATES_PER_100K.len() - 1);
            let (m, w) = params::DEATH_RATES_PER_100K[group];
            let rate = if s == 0 { m } else { w } as f64 / 100_000.0;
            let deaths = poisson_like(rng, n as f64 * rate);
            for _ in 0..deaths {
                let date = year_2023 + Duration::days(rng.gen_range(0..365));
                out.push(LocalPerson {
                    birth: random_birth(rng, age + 1).min(date),
                    sex,
                    background: Background::Majority,
                    status: PersonStatus::Dead,
                    status_date: Some(date),
                    dwelling: NO_DWELLING,
                });
            }
            // Emigration concentrates on ages 20-45 (SSB: mostly labour migrants returning).
            let weight = match age {
                0..=17 => 0.25,
                18..=19 => 0.5,
                20..=45 => 1.6,
                46..=66 => 0.5,
                _ => 0.12,
            };
            let emigrants = poisson_like(rng, n as f64 * share * weight);
            for _ in 0..emigrants {
                let date = year_2023 + Duration::days(rng.gen_range(0..365));
                out.push(LocalPerson {
                    birth: random_birth(rng, age + 1).min(date),
                    sex,
                    background: if rng.gen_bool(0.75) {
                        Background::Immigrant
                    } else {
                        Background::Majority
                    },
                    status: PersonStatus::Emigrated,
                    status_date: Some(date),
                    dwelling: NO_DWELLING,
                });
            }
        }
    }
    out
}

/// A whole number with mean `mean`: the integer part plus a Bernoulli draw for the fraction
/// (variance well below Poisson, which keeps small municipalities close to their expected counts).
fn poisson_like(rng: &mut ChaCha8Rng, mean: f64) -> u64 {
    let whole = mean.floor();
    whole as u64 + u64::from(rng.gen_bool((mean - whole).clamp(0.0, 1.0)))
}
