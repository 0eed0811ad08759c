//! Generated registers are internally consistent, deterministic and use synthetic identities only.

use identity::SyntheticMarker;
use registers::{Households, PersonStatus, Registers};
use std::collections::{HashMap, HashSet};
use synth::{generate, Area, GenerateOptions};

fn county(number: &str, seed: u64) -> Registers {
    let municipalities = registers::Municipalities::embedded_2026();
    generate(
        &municipalities,
        &Area::County(number.parse().unwrap()),
        &GenerateOptions { seed },
        &|_, _| {},
    )
    .unwrap()
}

#[test]
fn identity_numbers_are_unique_synthetic_and_match_the_register_fields() {
    let r = county("15", 5);
    let mut seen = HashSet::new();
    for p in &r.persons {
        assert!(seen.insert(p.id), "duplicate id {}", p.id);
        assert_eq!(
            p.id.synthetic(),
            SyntheticMarker::Tenor,
            "{} is not a month+80 number",
            p.id
        );
        if let Some(birth) = p.id.encoded_birth_date() {
            assert_eq!(birth, p.birth_date, "{}", p.id);
        }
        if let Some(sex) = p.id.encoded_sex() {
            assert_eq!(sex, p.sex, "{}", p.id);
        }
    }
    let orgs: HashSet<_> = r.organisations.iter().map(|o| o.orgnr).collect();
    assert_eq!(orgs.len(), r.organisations.len());
    assert!(r
        .organisations
        .iter()
        .all(|o| o.orgnr.to_string().starts_with('3')));
}

#[test]
fn every_reference_points_at_something_that_exists() {
    let r = county("15", 5);
    let persons: HashMap<_, _> = r.persons.iter().map(|p| (p.id, p)).collect();
    let orgs: HashSet<_> = r.organisations.iter().map(|o| o.orgnr).collect();
    let addresses: HashSet<_> = r.addresses.iter().map(|a| a.id).collect();
    for rel in &r.relations {
        assert!(persons.contains_key(&rel.person) && persons.contains_key(&rel.related));
    }
    let mut residents_with_address = HashSet::new();
    for res in &r.residences {
        assert!(addresses.contains(&res.address));
        assert!(res.valid_from >= persons[&res.person].birth_date);
        residents_with_address.insert(res.person);
    }
    for p in &r.persons {
        assert_eq!(
            p.status == PersonStatus::Resident,
            residents_with_address.contains(&p.id)
        );
        assert_eq!(p.status == PersonStatus::Resident, p.status_date.is_none());
    }
    for e in &r.employments {
        assert!(orgs.contains(&e.employer) && persons.contains_key(&e.person));
        assert!((1..=100).contains(&e.position_pct));
    }
    for e in &r.enrolments {
        assert!(orgs.contains(&e.kindergarten));
        let age = registers::age_on(persons[&e.child].birth_date, r.reference_date);
        assert!(age <= 5, "enrolled child aged {age}");
        assert!(e.from <= e.to.unwrap());
    }
    for s in &r.screening {
        let p = persons[&s.person];
        assert_eq!(p.sex, identity::Sex::Female);
        assert!((50..=69).contains(&registers::age_on(p.birth_date, r.reference_date)));
    }
}

#[test]
fn monthly_income_adds_up_to_the_yearly_assessment() {
    let r = county("15", 5);
    let yearly: HashMap<_, _> = r
        .tax_assessments
        .iter()
        .filter(|t| t.income_year == 2023)
        .map(|t| (t.person, t.personinntekt))
        .collect();
    let mut equal = 0;
    for m in r.monthly_income.iter().filter(|m| m.year == 2023) {
        let total = m.total();
        let assessed = yearly[&m.person];
        // Business income is assessed but not reported through a-ordningen.
        assert!(
            total <= assessed,
            "{}: months {total} > assessed {assessed}",
            m.person
        );
        if total == assessed {
            equal += 1;
        }
        assert!(m.months.iter().all(|&v| v >= 0));
    }
    assert!(
        equal as f64 > 0.9 * r.monthly_income.len() as f64,
        "{equal}"
    );
    // Job losses, parental leave and seasonal work show up as months far below the median month.
    let uneven = r
        .monthly_income
        .iter()
        .filter(|m| {
            let mut sorted = m.months;
            sorted.sort_unstable();
            sorted[0] * 10 < sorted[6] * 7
        })
        .count();
    assert!(
        uneven > r.monthly_income.len() / 50,
        "only {uneven} uneven years"
    );
}

#[test]
fn households_cover_every_resident_once() {
    let r = county("15", 5);
    let h = Households::derive(&r, r.reference_date);
    let residents = r
        .persons
        .iter()
        .filter(|p| p.status == PersonStatus::Resident)
        .count();
    let members: usize = h.dwellings.iter().map(|d| d.members.len()).sum();
    assert_eq!(members, residents);
    let in_families: usize = h
        .families
        .iter()
        .map(|f| f.adults.len() + f.children.len())
        .sum();
    assert_eq!(in_families, residents);
    assert!(h.families.iter().all(|f| f.adults.len() <= 2));
    let births: HashMap<_, _> = r.persons.iter().map(|p| (p.id, p.birth_date)).collect();
    // Separated parents exist: children with a registered parent living at another address.
    let address_of: HashMap<_, _> = h
        .dwellings
        .iter()
        .flat_map(|d| d.members.iter().map(move |m| (*m, d.address)))
        .collect();
    let apart = r
        .relations
        .iter()
        .filter(|rel| {
            matches!(
                rel.kind,
                registers::RelationKind::Father | registers::RelationKind::Mother
            )
        })
        .filter(|rel| {
            let child_age = registers::age_on(births[&rel.person], r.reference_date);
            child_age < 18 && address_of.get(&rel.person) != address_of.get(&rel.related)
        })
        .count();
    assert!(
        apart > 1000,
        "only {apart} parent relations across addresses"
    );
    // Twins: two children of one family unit with the same birth date.
    let twins = {
        let mut same_birth: HashMap<_, usize> = HashMap::new();
        for f in &h.families {
            for c in &f.children {
                *same_birth.entry((f.address, births[c])).or_default() += 1;
            }
        }
        same_birth.values().filter(|&&n| n >= 2).count()
    };
    assert!(twins > 0, "no twins generated");
}

#[test]
fn the_same_seed_gives_the_same_registers_and_another_seed_does_not() {
    let municipalities = registers::Municipalities::embedded_2026();
    let area = Area::Municipality("1820".parse().unwrap());
    let run = |seed| {
        generate(
            &municipalities,
            &area,
            &GenerateOptions { seed },
            &|_, _| {},
        )
        .unwrap()
    };
    let (a, b, c) = (run(1), run(1), run(2));
    assert_eq!(a.persons, b.persons);
    assert_eq!(a.monthly_income, b.monthly_income);
    assert_eq!(a.enrolments, b.enrolments);
    assert_ne!(a.persons, c.persons);
}
