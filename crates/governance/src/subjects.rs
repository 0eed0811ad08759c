//! Categories of data subjects a service may read about.
//!
//! Data minimisation is about *whom* as much as *what*: a kindergarten-fee service needs the
//! enrolled children and the adults of their fee households, not the other five million people
//! in the population register. A manifest names its category (the "categories of data subjects"
//! of the GDPR art. 30 record), and the access layer delivers nobody outside it — in a batch the
//! others are left out, and a look-up of a named person outside it is refused.

use identity::NationalId;
use registers::{Registers, RelationKind};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Whose data a service may read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectCategory {
    /// Anyone in the registers (population-wide services and the person's own insight).
    #[default]
    Everyone,
    /// Children with a kindergarten place, their parents, and the parents' spouses or
    /// cohabitants: everyone whose data can enter a fee household (forskrift om
    /// foreldrebetaling i barnehager § 3 counts the income of the parents and their partners).
    EnrolledChildrenAndFamilies,
    /// People with an employment in the employer register (staff of the units being planned).
    Employees,
}

impl SubjectCategory {
    /// The members of the category in `registers`, or `None` for [`SubjectCategory::Everyone`].
    pub fn members(self, registers: &Registers) -> Option<HashSet<NationalId>> {
        match self {
            SubjectCategory::Everyone => None,
            SubjectCategory::Employees => {
                Some(registers.employments.iter().map(|e| e.person).collect())
            }
            SubjectCategory::EnrolledChildrenAndFamilies => {
                let children: HashSet<NationalId> =
                    registers.enrolments.iter().map(|e| e.child).collect();
                let parents: HashSet<NationalId> = registers
                    .relations
                    .iter()
                    .filter(|r| {
                        children.contains(&r.person)
                            && matches!(r.kind, RelationKind::Mother | RelationKind::Father)
                    })
                    .map(|r| r.related)
                    .collect();
                let partners: Vec<NationalId> = registers
                    .relations
                    .iter()
                    .filter(|r| {
                        parents.contains(&r.person)
                            && matches!(r.kind, RelationKind::Spouse | RelationKind::Cohabitant)
                    })
                    .map(|r| r.related)
                    .collect();
                let mut all = children;
                all.extend(parents);
                all.extend(partners);
                Some(all)
            }
        }
    }

    /// In bokmål, for the catalogue and the register of processing.
    pub fn description_nb(self) -> &'static str {
        match self {
            SubjectCategory::Everyone => "alle i registrene",
            SubjectCategory::EnrolledChildrenAndFamilies => {
                "barn med barnehageplass, foreldrene deres og foreldrenes ektefeller eller samboere"
            }
            SubjectCategory::Employees => "personer med arbeidsforhold i Aa-registeret",
        }
    }
}
