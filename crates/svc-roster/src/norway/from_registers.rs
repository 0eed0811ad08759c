//! A rota unit from the employer register: the largest nursing home of a municipality.

use super::{Staff, Unit};
use chrono::Datelike;
use registers::{Competence, MunicipalityNumber, OrgKind, Registers};

/// Why no unit could be built from the registers.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UnitError {
    /// The municipality has no nursing home in the employer register.
    #[error("no nursing home in municipality {municipality} in the employer register")]
    NoNursingHome {
        /// The municipality.
        municipality: MunicipalityNumber,
    },
    /// Too few care staff to plan a rota.
    #[error("{home} has only {staff} care staff in the register; too few to plan")]
    TooFewStaff {
        /// The home.
        home: String,
        /// Its care staff.
        staff: usize,
    },
    /// The start date cannot be represented.
    #[error("the rota's start date is out of range")]
    DateOverflow,
}

/// Builds a rota unit from the employer register: the largest nursing home of the municipality,
/// its nurses, health workers and assistants with their position percentages. Shifts and the
/// demand pattern are those of the example home, scaled to the staff's full-time equivalents, and
/// the rota starts on the first Monday after the registers' reference date.
///
/// Kept apart from the model: the rota model itself knows nothing of the registers; this module
/// maps the registers (as the access layer delivers them under S3) onto it.
pub fn unit_from_registers(
    registers: &Registers,
    municipality: MunicipalityNumber,
    seed: u64,
) -> Result<Unit, UnitError> {
    let homes: Vec<_> = registers
        .organisations
        .iter()
        .filter(|o| o.kind == OrgKind::NursingHome && o.municipality == municipality)
        .collect();
    let staff_of = |orgnr| {
        registers
            .employments
            .iter()
            .filter(move |e| e.employer == orgnr && e.to.is_none())
            .filter(|e| {
                matches!(
                    e.competence,
                    Competence::Nurse | Competence::HealthWorker | Competence::Assistant
                )
            })
    };
    let home = homes
        .iter()
        .max_by_key(|o| (staff_of(o.orgnr).count(), std::cmp::Reverse(o.orgnr)))
        .ok_or(UnitError::NoNursingHome { municipality })?;
    let employees: Vec<Staff> = staff_of(home.orgnr)
        .enumerate()
        .map(|(i, e)| Staff {
            id: format!("E{:03}", i + 1),
            // Names are not in the registers; the masked identity number identifies the person.
            name: e.person.to_string(),
            position_pct: f64::from(e.position_pct),
            competence: match e.competence {
                Competence::Nurse => super::Competence::Nurse,
                Competence::HealthWorker => super::Competence::HealthWorker,
                _ => super::Competence::Assistant,
            },
            unavailable: Vec::new(),
            wishes: Vec::new(),
            credited_minutes: 0,
        })
        .collect();
    if employees.len() < 4 {
        return Err(UnitError::TooFewStaff {
            home: home.name.clone(),
            staff: employees.len(),
        });
    }
    // Demand: the example home's pattern for a staff count whose FTE matches this home's.
    let fte: f64 = employees.iter().map(|s| s.position_pct / 100.0).sum();
    let reference = Unit::example_nursing_home(40, seed);
    let reference_fte: f64 = reference
        .employees
        .iter()
        .map(|s| s.position_pct / 100.0)
        .sum();
    let equivalent_staff = ((40.0 * fte / reference_fte).round() as usize).max(4);
    let template = Unit::example_nursing_home(equivalent_staff, seed);
    let mut start = registers.reference_date;
    while start.weekday() != chrono::Weekday::Mon {
        start = start.succ_opt().ok_or(UnitError::DateOverflow)?;
    }
    Ok(Unit {
        name: format!("{} ({}, orgnr {})", home.name, municipality, home.orgnr),
        start_date: start,
        weeks: template.weeks,
        shifts: template.shifts,
        demand: template.demand,
        employees,
    })
}
