//! Households derived from registered addresses and family relations.
//!
//! Two notions are needed, and both are derived the way their users derive them:
//!
//! * a **dwelling household** ([`Household`]) is everyone registered at the same address, which is
//!   how Statistics Norway counts private households (register-based household statistics);
//! * a **family unit** ([`FamilyUnit`]) is what a municipality treats as the household for
//!   kindergarten fees: the child's parent(s) it lives with and that parent's spouse or cohabitant at
//!   the same address, with their children under 18 (forskrift om foreldrebetaling i barnehager
//!   § 3 and § 5 speak of «husholdningens samlede skattepliktige person- og kapitalinntekt»; Udir's
//!   guidance counts the parents and their spouses or cohabitants living with the child).
//!   Adults without partner or minor children at the address are units of their own.
//!
//! A child registered at an address where neither parent lives forms a unit without adults: the
//! services must send such cases to manual handling rather than guess whose income counts.

use crate::population::{AddressId, PersonStatus, RelationKind};
use crate::{age_on, MunicipalityNumber, Registers};
use chrono::NaiveDate;
use identity::NationalId;
use std::collections::HashMap;

/// Everyone registered at one address on the derivation date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Household {
    /// The dwelling.
    pub address: AddressId,
    /// Its municipality.
    pub municipality: MunicipalityNumber,
    /// Residents, adults first (oldest first), then children.
    pub members: Vec<NationalId>,
}

/// A fee household: adult(s) and their minor children living at the same address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyUnit {
    /// The dwelling.
    pub address: AddressId,
    /// Its municipality.
    pub municipality: MunicipalityNumber,
    /// One or two adults (a couple); empty when a child lives with neither parent.
    pub adults: Vec<NationalId>,
    /// Children under 18 of either adult living at the address.
    pub children: Vec<NationalId>,
}

/// Dwelling households and family units derived for one date.
#[derive(Clone, Debug, Default)]
pub struct Households {
    /// Every dwelling household.
    pub dwellings: Vec<Household>,
    /// Every family unit.
    pub families: Vec<FamilyUnit>,
    family_of: HashMap<NationalId, u32>,
}

impl Households {
    /// Derives households of all persons resident on `on`.
    pub fn derive(registers: &Registers, on: NaiveDate) -> Households {
        let mut alive: HashMap<NationalId, NaiveDate> =
            HashMap::with_capacity(registers.persons.len());
        for p in &registers.persons {
            let resident = match p.status {
                PersonStatus::Resident => true,
                _ => p.status_date.is_some_and(|d| d > on),
            };
            if resident && p.birth_date <= on {
                alive.insert(p.id, p.birth_date);
            }
        }

        let current = registers.residences_on(on);
        let mut partner: HashMap<NationalId, NationalId> = HashMap::new();
        let mut parents: HashMap<NationalId, [Option<NationalId>; 2]> = HashMap::new();
        for rel in &registers.relations {
            if rel.valid_from > on {
                continue;
            }
            match rel.kind {
                RelationKind::Spouse | RelationKind::Cohabitant => {
                    partner.insert(rel.person, rel.related);
                }
                RelationKind::Mother => {
                    parents.entry(rel.person).or_default()[0] = Some(rel.related)
                }
                RelationKind::Father => {
                    parents.entry(rel.person).or_default()[1] = Some(rel.related)
                }
            }
        }

        let mut by_address: Vec<(AddressId, MunicipalityNumber, NationalId)> = current
            .iter()
            .filter(|(id, _)| alive.contains_key(id))
            .map(|(id, r)| (r.address, r.municipality, *id))
            .collect();
        by_address.sort_unstable_by_key(|(a, _, id)| (*a, *id));

        let mut out = Households::default();
        let mut start = 0;
        while start < by_address.len() {
            let address = by_address[start].0;
            let municipality = by_address[start].1;
            let mut end = start;
            while end < by_address.len() && by_address[end].0 == address {
                end += 1;
            }
            let mut members: Vec<NationalId> = by_address[start..end].iter().map(|t| t.2).collect();
            members.sort_by_key(|id| (alive[id], *id));
            let (adults, children): (Vec<_>, Vec<_>) =
                members.iter().partition(|id| age_on(alive[id], on) >= 18);
            out.dwellings.push(Household {
                address,
                municipality,
                members: adults.iter().chain(children.iter()).copied().collect(),
            });
            split_into_families(
                &adults,
                &children,
                &partner,
                &parents,
                address,
                municipality,
                &mut out,
            );
            start = end;
        }
        out
    }

    /// The family unit a resident belongs to.
    pub fn family_of(&self, person: NationalId) -> Option<&FamilyUnit> {
        self.family_of
            .get(&person)
            .map(|&i| &self.families[i as usize])
    }
}

fn split_into_families(
    adults: &[NationalId],
    children: &[NationalId],
    partner: &HashMap<NationalId, NationalId>,
    parents: &HashMap<NationalId, [Option<NationalId>; 2]>,
    address: AddressId,
    municipality: MunicipalityNumber,
    out: &mut Households,
) {
    let first = out.families.len();
    let mut unit_of_adult: HashMap<NationalId, usize> = HashMap::new();
    for &adult in adults {
        if unit_of_adult.contains_key(&adult) {
            continue;
        }
        let mut unit_adults = vec![adult];
        if let Some(&p) = partner.get(&adult) {
            if adults.contains(&p) && !unit_of_adult.contains_key(&p) {
                unit_adults.push(p);
            }
        }
        let index = out.families.len();
        for &a in &unit_adults {
            unit_of_adult.insert(a, index);
        }
        out.families.push(FamilyUnit {
            address,
            municipality,
            adults: unit_adults,
            children: Vec::new(),
        });
    }
    let mut orphan_unit: Option<usize> = None;
    for &child in children {
        let unit = parents
            .get(&child)
            .and_then(|ps| ps.iter().flatten().find_map(|p| unit_of_adult.get(p)))
            .copied();
        let index = match unit {
            Some(i) => i,
            None => *orphan_unit.get_or_insert_with(|| {
                out.families.push(FamilyUnit {
                    address,
                    municipality,
                    adults: Vec::new(),
                    children: Vec::new(),
                });
                out.families.len() - 1
            }),
        };
        out.families[index].children.push(child);
    }
    for (i, unit) in out.families.iter().enumerate().skip(first) {
        for id in unit.adults.iter().chain(unit.children.iter()) {
            out.family_of.insert(*id, i as u32);
        }
    }
}
