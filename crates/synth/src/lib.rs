//! Synthetic Norway: a deterministic generator of every national register, calibrated to published
//! figures, from one municipality to the whole country.
//!
//! [`generate`] builds [`registers::Registers`] for an [`Area`] (a municipality, a county or all of
//! Norway) from a seed. Each municipality is generated independently from its own random stream
//! (seed × municipality number), in parallel on all cores, so a municipality looks the same whether
//! it is generated alone or as part of the country. Identity numbers are then allocated in one
//! sequential pass as synthetic fødselsnummer (birth month + 80, the Tenor test convention), so they
//! can never collide with a real person and are unique across the whole run.
//!
//! [`Calibration`] holds the published targets (`calibration/norway_2024.toml`) and [`measure`]
//! computes the same statistics from generated (or imported) registers, so `stats` and the tests
//! compare like with like.
//!
//! **Must not depend on:** storage, the terminal or any network; the generator is pure computation.
//!
//! ```
//! use synth::{generate, Area, GenerateOptions};
//! let municipalities = registers::Municipalities::embedded_2026();
//! let utsira = Area::Municipality("1151".parse().unwrap());
//! let regs = generate(&municipalities, &utsira, &GenerateOptions { seed: 7 }, &|_, _| {}).unwrap();
//! assert!((200..240).contains(&regs.persons.iter().filter(|p| p.status == registers::PersonStatus::Resident).count()));
//! ```

mod calibration;
mod economy;
mod health;
mod kindergarten;
mod params;
mod people;
mod pyramid;

pub use calibration::{
    approximate_tax_2023, measure, population_share, Calibration, CalibrationError, Comparison,
    Measurement, Target, TargetKind,
};

use chrono::NaiveDate;
use identity::{NationalId, OrgNumber, SyntheticAllocator};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use registers::{
    Address, AddressId, CancerDiagnosis, CancerSite, CountyNumber, Employment, Enrolment,
    LifestyleSurvey, MonthlyIncome, Municipalities, Municipality, MunicipalityNumber, Organisation,
    Person, Registers, Relation, RelationKind, Residence, ScreeningRecord, TaxAssessment,
};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Area {
    /// One municipality.
    Municipality(MunicipalityNumber),
    /// Every municipality of a county.
    County(CountyNumber),
    /// All 357 municipalities.
    Norway,
}

impl Area {
    /// The municipalities of the area, or an error naming what is unknown.
    pub fn municipalities<'a>(
        &self,
        all: &'a Municipalities,
    ) -> Result<Vec<&'a Municipality>, GenerateError> {
        let list: Vec<&Municipality> = match self {
            Area::Municipality(m) => {
                vec![all.get(*m).ok_or(GenerateError::UnknownMunicipality(*m))?]
            }
            Area::County(c) => all.in_county(*c).collect(),
            Area::Norway => all.iter().collect(),
        };
        if list.is_empty() {
            if let Area::County(c) = self {
                return Err(GenerateError::UnknownCounty(*c));
            }
        }
        Ok(list)
    }
}

/// Options of a generation run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenerateOptions {
    /// The seed: the same seed and area give the same registers, bit for bit.
    pub seed: u64,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The municipality is not in the classification.
    #[error("unknown municipality {0}; `mulighetsrom municipalities` lists the valid numbers")]
    UnknownMunicipality(MunicipalityNumber),
    /// No municipality has that county number.
    #[error("unknown county {0}; the 2024 counties are 03, 11, 15, 18, 31, 32, 33, 34, 39, 40, 42, 46, 50, 55, 56")]
    UnknownCounty(CountyNumber),
    /// Identity numbers ran out for a birth date (cannot happen below ~900 persons per date).
    #[error("could not allocate an identity number: {0}")]
    Identity(String),
    /// Organisation numbers ran out.
    #[error("organisation numbers exhausted")]
    OrgNumbers,
}

/// The reference date of generated registers: 1 January 2024, the base date for which SSB's
/// population, household and immigrant figures are all available.
pub fn reference_date() -> NaiveDate {
    people::reference_date()
}

struct LocalMunicipality<'a> {
    municipality: &'a Municipality,
    pop: people::LocalPopulation,
    economy: economy::LocalEconomy,
    places: Vec<kindergarten::LocalPlace>,
    health: health::LocalHealth,
}

fn municipality_rng(seed: u64, number: MunicipalityNumber) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ (number.as_u16() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn generate_municipality<'a>(
    m: &'a Municipality,
    seed: u64,
    national: &[[f64; params::MAX_AGE + 1]; 2],
) -> LocalMunicipality<'a> {
    let mut rng = municipality_rng(seed, m.number);
    let cells: Vec<f64> = national.iter().flatten().copied().collect();
    let flat = pyramid::apportion(m.population_2024 as u64, &cells);
    let mut counts = [[0u64; params::MAX_AGE + 1]; 2];
    for (i, n) in flat.into_iter().enumerate() {
        counts[i / (params::MAX_AGE + 1)][i % (params::MAX_AGE + 1)] = n;
    }
    let mut pop = people::generate(&mut rng, &counts);
    let emigration_share = {
        let weighted: f64 = counts
            .iter()
            .flat_map(|c| c.iter().enumerate())
            .map(|(age, &n)| {
                n as f64
                    * match age {
                        0..=17 => 0.25,
                        18..=19 => 0.5,
                        20..=45 => 1.6,
                        46..=66 => 0.5,
                        _ => 0.12,
                    }
            })
            .sum();
        params::EMIGRATIONS_2023 / params::POPULATION_2024 * m.population_2024 as f64
            / weighted.max(1.0)
    };
    pop.persons
        .extend(people::departed(&mut rng, &counts, emigration_share));

    let mut children_of_mother = vec![0u8; pop.persons.len()];
    let mut births_2023 = Vec::new();
    for r in &pop.relations {
        if matches!(r.kind, RelationKind::Mother | RelationKind::Father) {
            if r.kind == RelationKind::Mother {
                let c = &mut children_of_mother[r.related as usize];
                *c = c.saturating_add(1);
            }
            if chrono::Datelike::year(&pop.persons[r.person as usize].birth) == 2023 {
                births_2023.push(r.related);
            }
        }
    }
    let mut orgs = Vec::new();
    let (places, kindergartens) = kindergarten::generate(&mut rng, &pop, &m.name, &mut orgs);
    let economy = economy::generate(
        &mut rng,
        &pop,
        &m.name,
        orgs,
        &kindergartens,
        places.len(),
        &births_2023,
    );
    let oslo = m.number.as_u16() == 301;
    let health = health::generate(&mut rng, &pop, &children_of_mother, oslo);
    LocalMunicipality {
        municipality: m,
        pop,
        economy,
        places,
        health,
    }
}

/// Generates the registers of `area` deterministically from `options.seed`.
///
/// `progress(done, total)` is called as municipalities finish (from worker threads).
pub fn generate(
    municipalities: &Municipalities,
    area: &Area,
    options: &GenerateOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Registers, GenerateError> {
    let selected = area.municipalities(municipalities)?;
    let national = pyramid::single_age_counts();
    let total = selected.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let locals: Vec<LocalMunicipality> = selected
        .par_iter()
        .map(|m| {
            let local = generate_municipality(m, options.seed, &national);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, total);
            local
        })
        .collect();

    // Identity numbers: one sequential pass, so uniqueness holds across the whole run.
    let mut allocator = SyntheticAllocator::new();
    let mut ids: Vec<Vec<NationalId>> = Vec::with_capacity(locals.len());
    for local in &locals {
        let mut v = Vec::with_capacity(local.pop.persons.len());
        for p in &local.pop.persons {
            v.push(
                allocator
                    .allocate(p.birth, p.sex)
                    .map_err(|e| GenerateError::Identity(e.to_string()))?,
            );
        }
        ids.push(v);
    }
    // Organisation numbers: synthetic numbers start with 3 (Enhetsregisteret's numbers start with
    // 8 or 9), so they cannot collide with a real organisation.
    let mut next_org = 30_000_000u32;
    let mut org_numbers: Vec<Vec<OrgNumber>> = Vec::with_capacity(locals.len());
    for local in &locals {
        let mut v = Vec::with_capacity(local.economy.orgs.len());
        for _ in &local.economy.orgs {
            loop {
                if next_org >= 40_000_000 {
                    return Err(GenerateError::OrgNumbers);
                }
                let candidate = OrgNumber::with_check_digit(next_org);
                next_org += 1;
                if let Some(o) = candidate {
                    v.push(o);
                    break;
                }
            }
        }
        org_numbers.push(v);
    }
    let mut address_offsets = Vec::with_capacity(locals.len());
    let mut next_address = 1u32;
    for local in &locals {
        address_offsets.push(next_address);
        next_address += local.pop.dwellings.len() as u32;
    }

    // Assemble per municipality, consuming the local data as we go so the country is never held
    // twice in memory.
    let mut parts: Vec<Registers> = locals
        .into_par_iter()
        .zip(ids.into_par_iter())
        .zip(org_numbers.into_par_iter())
        .zip(address_offsets.into_par_iter())
        .map(|(((local, ids), orgs), offset)| assemble(&local, &ids, &orgs, offset, municipalities))
        .collect();
    let mut out = Registers::empty(reference_date(), municipalities.clone());
    // One table at a time: each part's table is freed as soon as it has been moved over.
    macro_rules! concat {
        ($($field:ident),*) => {
            $(
                out.$field = Vec::with_capacity(parts.iter().map(|p| p.$field.len()).sum());
                for p in parts.iter_mut() {
                    out.$field.append(&mut p.$field);
                    p.$field = Vec::new();
                }
            )*
        };
    }
    concat!(
        persons,
        relations,
        addresses,
        residences,
        tax_assessments,
        monthly_income,
        enrolments,
        organisations,
        employments,
        screening,
        cancer,
        lifestyle
    );
    Ok(out)
}

const STREETS: [&str; 16] = [
    "Storgata",
    "Kirkeveien",
    "Skolegata",
    "Fjordveien",
    "Bjørkeveien",
    "Granlia",
    "Solbakken",
    "Havnegata",
    "Prestegårdsveien",
    "Furuveien",
    "Elvegata",
    "Stasjonsveien",
    "Lyngveien",
    "Fossveien",
    "Torget",
    "Myrveien",
];

fn assemble(
    local: &LocalMunicipality,
    ids: &[NationalId],
    orgs: &[OrgNumber],
    address_offset: u32,
    municipalities: &Municipalities,
) -> Registers {
    let number = local.municipality.number;
    let mut out = Registers::empty(reference_date(), municipalities.clone());
    let pop = &local.pop;
    out.persons = pop
        .persons
        .iter()
        .zip(ids)
        .map(|(p, &id)| Person {
            id,
            birth_date: p.birth,
            sex: p.sex,
            status: p.status,
            status_date: p.status_date,
            background: p.background,
        })
        .collect();
    out.relations = pop
        .relations
        .iter()
        .map(|r| Relation {
            person: ids[r.person as usize],
            related: ids[r.related as usize],
            kind: r.kind,
            valid_from: r.from,
        })
        .collect();
    for (d, dwelling) in pop.dwellings.iter().enumerate() {
        let id = AddressId(address_offset + d as u32);
        out.addresses.push(Address {
            id,
            municipality: number,
            street: STREETS[(id.0 as usize * 7 + d / 40) % STREETS.len()].to_string(),
            house_number: (d % 120 + 1) as u16,
            postcode: format!(
                "{:04}",
                (number.as_u16() as u32 * 3 + (d as u32 / 500)) % 10_000
            ),
        });
        for &m in &dwelling.members {
            let birth = pop.persons[m as usize].birth;
            out.residences.push(Residence {
                person: ids[m as usize],
                address: id,
                municipality: number,
                valid_from: dwelling.moved_in.max(birth),
            });
        }
    }
    let economy = &local.economy;
    out.organisations = economy
        .orgs
        .iter()
        .zip(orgs)
        .map(|(o, &orgnr)| Organisation {
            orgnr,
            name: o.name.clone(),
            kind: o.kind,
            municipality: number,
        })
        .collect();
    out.employments = economy
        .jobs
        .iter()
        .map(|j| Employment {
            person: ids[j.person as usize],
            employer: orgs[j.org as usize],
            position_pct: j.position_pct,
            competence: j.competence,
            from: j.from,
            to: None,
        })
        .collect();
    for inc in &economy.incomes {
        let person = ids[inc.person as usize];
        // Skatteetaten assesses every adult; a child without income or capital gets no
        // assessment at all (about a third of the country's assessment rows otherwise).
        let minor = people::age_of(pop.persons[inc.person as usize].birth) < 18;
        for (income_year, personinntekt, kapitalinntekt) in [
            (2022, inc.personinntekt_2022, inc.kapitalinntekt_2022),
            (2023, inc.personinntekt_2023, inc.kapitalinntekt_2023),
        ] {
            if minor && personinntekt == 0 && kapitalinntekt == 0 {
                continue;
            }
            out.tax_assessments.push(TaxAssessment {
                person,
                income_year,
                personinntekt,
                kapitalinntekt,
            });
        }
        if let Some(months) = inc.months_2023 {
            out.monthly_income.push(MonthlyIncome {
                person,
                year: 2023,
                months,
            });
        }
    }
    out.enrolments = local
        .places
        .iter()
        .map(|p| Enrolment {
            child: ids[p.child as usize],
            kindergarten: orgs[p.kindergarten as usize],
            municipality: number,
            weekly_hours: p.weekly_hours,
            from: p.from,
            to: Some(p.to),
        })
        .collect();
    let health = &local.health;
    out.screening = health
        .screening
        .iter()
        .map(|s| ScreeningRecord {
            person: ids[s.person as usize],
            invited_for: s.invited_for,
            attended_on: s.attended_on,
            result: s.result,
        })
        .collect();
    out.cancer = health
        .cancer
        .iter()
        .map(|c| CancerDiagnosis {
            person: ids[c.person as usize],
            diagnosed_on: c.diagnosed_on,
            site: CancerSite::Breast,
            detection: c.detection,
        })
        .collect();
    out.lifestyle = health
        .lifestyle
        .iter()
        .map(|l| LifestyleSurvey {
            person: ids[l.person as usize],
            answered_on: l.answered_on,
            smoking: l.smoking,
            alcohol_units_per_week: l.alcohol,
            bmi_tenths: l.bmi_tenths,
            activity_minutes_per_week: l.activity,
            age_at_menarche: l.menarche,
            live_births: l.births,
            age_at_first_birth: l.first_birth,
            first_degree_relatives_with_breast_cancer: l.relatives,
        })
        .collect();
    out
}
