//! Per-table encoding of records into cells, and decoding of validated cells into records.
//!
//! Both formats share this: a writer is a [`Sink`] that receives the cells of one row at a time,
//! and a reader hands the cells of each row to a [`Collector`], which validates them, checks the
//! table's key for duplicates and gathers the records.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;
use identity::{NationalId, OrgNumber};
use registers::{
    Address, AddressId, Background, CancerDiagnosis, CancerSite, ColumnInfo, Competence, Detection,
    Employment, Enrolment, LifestyleSurvey, MonthlyIncome, Municipalities, MunicipalityNumber,
    OrgKind, Organisation, Person, PersonStatus, Relation, RelationKind, Residence,
    ScreeningRecord, ScreeningResult, Smoking, TaxAssessment,
};

use super::validate::{format_padded, sex_code, Field, Row};
use super::ExchangeError;
use crate::rows::TableRows;

/// Receives the cells of rows, column by column, in the documented order.
pub(crate) trait Sink {
    /// Free text or a code.
    fn text(&mut self, value: &str);
    /// A whole number.
    fn int(&mut self, value: i64);
    /// A whole number or an empty cell.
    fn opt_int(&mut self, value: Option<i64>);
    /// A date.
    fn date(&mut self, value: NaiveDate);
    /// A date or an empty cell.
    fn opt_date(&mut self, value: Option<NaiveDate>);
    /// Ends the row.
    fn end_row(&mut self) -> Result<(), ExchangeError>;

    /// An identity number as 11 digits.
    fn id(&mut self, id: NationalId) {
        let mut buffer = [0; 20];
        self.text(format_padded(id.as_u64(), 11, &mut buffer));
    }
    /// An organisation number as 9 digits.
    fn orgnr(&mut self, orgnr: OrgNumber) {
        let mut buffer = [0; 20];
        self.text(format_padded(u64::from(orgnr.as_u32()), 9, &mut buffer));
    }
    /// A kommunenummer as 4 digits.
    fn kommune(&mut self, number: MunicipalityNumber) {
        let mut buffer = [0; 20];
        self.text(format_padded(u64::from(number.as_u16()), 4, &mut buffer));
    }
}

/// Sends every row of `rows` to `sink`; returns the number of rows (monthly income: 12 per
/// record).
pub(crate) fn write_rows<S: Sink>(rows: &TableRows, sink: &mut S) -> Result<u64, ExchangeError> {
    match rows {
        TableRows::Persons(v) => each(v, sink, |p, s| {
            s.id(p.id);
            s.date(p.birth_date);
            s.text(sex_code(p.sex));
            s.text(p.status.code());
            s.opt_date(p.status_date);
            s.text(p.background.code());
        }),
        TableRows::Relations(v) => each(v, sink, |r, s| {
            s.id(r.person);
            s.id(r.related);
            s.text(r.kind.code());
            s.date(r.valid_from);
        }),
        TableRows::Addresses(v) => each(v, sink, |a, s| {
            s.int(i64::from(a.id.0));
            s.kommune(a.municipality);
            s.text(&a.street);
            s.int(i64::from(a.house_number));
            s.text(&a.postcode);
        }),
        TableRows::Residences(v) => each(v, sink, |r, s| {
            s.id(r.person);
            s.int(i64::from(r.address.0));
            s.kommune(r.municipality);
            s.date(r.valid_from);
        }),
        TableRows::TaxAssessments(v) => each(v, sink, |t, s| {
            s.id(t.person);
            s.int(i64::from(t.income_year));
            s.int(t.personinntekt);
            s.int(t.kapitalinntekt);
        }),
        TableRows::MonthlyIncome(v) => {
            for record in v {
                for (month, amount) in (1..).zip(record.months) {
                    sink.id(record.person);
                    sink.int(i64::from(record.year));
                    sink.int(month);
                    sink.int(amount);
                    sink.end_row()?;
                }
            }
            Ok(v.len() as u64 * 12)
        }
        TableRows::Organisations(v) => each(v, sink, |o, s| {
            s.orgnr(o.orgnr);
            s.text(&o.name);
            s.text(o.kind.code());
            s.kommune(o.municipality);
        }),
        TableRows::Employments(v) => each(v, sink, |e, s| {
            s.id(e.person);
            s.orgnr(e.employer);
            s.int(i64::from(e.position_pct));
            s.text(e.competence.code());
            s.date(e.from);
            s.opt_date(e.to);
        }),
        TableRows::Enrolments(v) => each(v, sink, |e, s| {
            s.id(e.child);
            s.orgnr(e.kindergarten);
            s.kommune(e.municipality);
            s.int(i64::from(e.weekly_hours));
            s.date(e.from);
            s.opt_date(e.to);
        }),
        TableRows::Screening(v) => each(v, sink, |r, s| {
            s.id(r.person);
            s.date(r.invited_for);
            s.opt_date(r.attended_on);
            s.text(r.result.code());
        }),
        TableRows::Cancer(v) => each(v, sink, |c, s| {
            s.id(c.person);
            s.date(c.diagnosed_on);
            s.text(cancer_site_code(c.site));
            s.text(c.detection.code());
        }),
        TableRows::Lifestyle(v) => each(v, sink, |l, s| {
            s.id(l.person);
            s.date(l.answered_on);
            s.text(l.smoking.code());
            s.int(i64::from(l.alcohol_units_per_week));
            s.int(i64::from(l.bmi_tenths));
            s.int(i64::from(l.activity_minutes_per_week));
            s.opt_int(l.age_at_menarche.map(i64::from));
            s.opt_int(l.live_births.map(i64::from));
            s.opt_int(l.age_at_first_birth.map(i64::from));
            s.int(i64::from(l.first_degree_relatives_with_breast_cancer));
        }),
    }
}

fn each<T, S: Sink>(
    records: &[T],
    sink: &mut S,
    encode: impl Fn(&T, &mut S),
) -> Result<u64, ExchangeError> {
    for record in records {
        encode(record, sink);
        sink.end_row()?;
    }
    Ok(records.len() as u64)
}

/// The export code of a cancer site (the registers crate has no code for it).
fn cancer_site_code(site: CancerSite) -> &'static str {
    match site {
        CancerSite::Breast => "bryst",
    }
}

fn cancer_site_from_code(code: &str) -> Option<CancerSite> {
    (code == "bryst").then_some(CancerSite::Breast)
}

/// A fast hasher for the integer keys of the duplicate checks (the Fx hash of rustc).
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.add(u64::from(byte));
        }
    }
    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }
    fn write_u16(&mut self, value: u16) {
        self.add(u64::from(value));
    }
    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }
    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }
    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// First line of each key seen, for the tables that have a key.
struct Keys<K>(FastMap<K, u64>);

impl<K: std::hash::Hash + Eq> Keys<K> {
    fn new() -> Self {
        Keys(FastMap::default())
    }

    fn claim(&mut self, key: K, line: u64, columns: &str) -> Result<(), String> {
        match self.0.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => Err(format!(
                "{columns}: duplicate key, first seen on line {}",
                first.get()
            )),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(line);
                Ok(())
            }
        }
    }
}

/// Monthly income being grouped from long rows.
struct MonthlyGroups {
    records: Vec<MonthlyIncome>,
    /// Which months each record has seen (bit 0 = January).
    seen: Vec<u16>,
    index: FastMap<(NationalId, u16), u32>,
    /// The last group, since files are usually sorted by person and year.
    last: Option<((NationalId, u16), u32)>,
}

enum Acc {
    Persons(Vec<Person>, Keys<NationalId>),
    Relations(Vec<Relation>),
    Addresses(Vec<Address>, Keys<u32>),
    Residences(Vec<Residence>),
    TaxAssessments(Vec<TaxAssessment>, Keys<(NationalId, u16)>),
    MonthlyIncome(MonthlyGroups),
    Organisations(Vec<Organisation>, Keys<OrgNumber>),
    Employments(Vec<Employment>),
    Enrolments(Vec<Enrolment>),
    Screening(Vec<ScreeningRecord>),
    Cancer(Vec<CancerDiagnosis>),
    Lifestyle(Vec<LifestyleSurvey>),
}

/// Validates rows of one table and gathers the valid records.
pub(crate) struct Collector<'m> {
    columns: &'static [ColumnInfo],
    municipalities: &'m Municipalities,
    acc: Acc,
}

impl<'m> Collector<'m> {
    /// A collector for `table`, whose documented columns are `columns`.
    pub(crate) fn new(
        table: &str,
        columns: &'static [ColumnInfo],
        municipalities: &'m Municipalities,
    ) -> Result<Self, ExchangeError> {
        let acc = match table {
            "persons" => Acc::Persons(Vec::new(), Keys::new()),
            "relations" => Acc::Relations(Vec::new()),
            "addresses" => Acc::Addresses(Vec::new(), Keys::new()),
            "residences" => Acc::Residences(Vec::new()),
            "tax_assessments" => Acc::TaxAssessments(Vec::new(), Keys::new()),
            "monthly_income" => Acc::MonthlyIncome(MonthlyGroups {
                records: Vec::new(),
                seen: Vec::new(),
                index: FastMap::default(),
                last: None,
            }),
            "organisations" => Acc::Organisations(Vec::new(), Keys::new()),
            "employments" => Acc::Employments(Vec::new()),
            "enrolments" => Acc::Enrolments(Vec::new()),
            "screening" => Acc::Screening(Vec::new()),
            "cancer" => Acc::Cancer(Vec::new()),
            "lifestyle" => Acc::Lifestyle(Vec::new()),
            other => return Err(ExchangeError::UnknownTable(other.to_string())),
        };
        Ok(Collector {
            columns,
            municipalities,
            acc,
        })
    }

    /// Validates one row found at `line`; keeps it, or says what is wrong.
    pub(crate) fn push(&mut self, fields: &[Field<'_>], line: u64) -> Result<(), String> {
        if fields.len() != self.columns.len() {
            return Err(format!(
                "expected {} columns, found {}",
                self.columns.len(),
                fields.len()
            ));
        }
        let row = Row {
            fields,
            columns: self.columns,
            municipalities: self.municipalities,
        };
        match &mut self.acc {
            Acc::Persons(rows, keys) => {
                let person = Person {
                    id: row.id(0)?,
                    birth_date: row.date(1)?,
                    sex: row.sex(2)?,
                    status: row.code(3, PersonStatus::from_code, "bosatt | doed | utflyttet")?,
                    status_date: row.opt_date(4)?,
                    background: row.code(
                        5,
                        Background::from_code,
                        "majority | immigrant | norwegian_born_to_immigrants",
                    )?,
                };
                keys.claim(person.id, line, "column person_id")?;
                rows.push(person);
            }
            Acc::Relations(rows) => rows.push(Relation {
                person: row.id(0)?,
                related: row.id(1)?,
                kind: row.code(
                    2,
                    RelationKind::from_code,
                    "mor | far | ektefelle | samboer",
                )?,
                valid_from: row.date(3)?,
            }),
            Acc::Addresses(rows, keys) => {
                let address = Address {
                    id: AddressId(row.int_as(0, 0, i64::from(u32::MAX))?),
                    municipality: row.kommune(1)?,
                    street: row.text(2)?,
                    house_number: row.int_as(3, 0, i64::from(u16::MAX))?,
                    postcode: row.text(4)?,
                };
                if address.postcode.len() != 4
                    || !address.postcode.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(format!(
                        "column postcode: '{}' is not four digits",
                        address.postcode
                    ));
                }
                keys.claim(address.id.0, line, "column address_id")?;
                rows.push(address);
            }
            Acc::Residences(rows) => rows.push(Residence {
                person: row.id(0)?,
                address: AddressId(row.int_as(1, 0, i64::from(u32::MAX))?),
                municipality: row.kommune(2)?,
                valid_from: row.date(3)?,
            }),
            Acc::TaxAssessments(rows, keys) => {
                let assessment = TaxAssessment {
                    person: row.id(0)?,
                    income_year: row.year(1)?,
                    personinntekt: row.nok(2)?,
                    kapitalinntekt: row.nok(3)?,
                };
                keys.claim(
                    (assessment.person, assessment.income_year),
                    line,
                    "columns person_id, income_year",
                )?;
                rows.push(assessment);
            }
            Acc::MonthlyIncome(groups) => {
                let person = row.id(0)?;
                let year = row.year(1)?;
                let month: usize = row.int_as(2, 1, 12)?;
                let amount = row.nok(3)?;
                groups.add(person, year, month, amount)?;
            }
            Acc::Organisations(rows, keys) => {
                let organisation = Organisation {
                    orgnr: row.orgnr(0)?,
                    name: row.text(1)?,
                    kind: row.code(
                        2,
                        OrgKind::from_code,
                        "kommune | sykehjem | hjemmetjeneste | barnehage | sykehus | virksomhet",
                    )?,
                    municipality: row.kommune(3)?,
                };
                keys.claim(organisation.orgnr, line, "column orgnr")?;
                rows.push(organisation);
            }
            Acc::Employments(rows) => rows.push(Employment {
                person: row.id(0)?,
                employer: row.orgnr(1)?,
                position_pct: row.int_as(2, 1, 100)?,
                competence: row.code(
                    3,
                    Competence::from_code,
                    "sykepleier | helsefagarbeider | assistent | barnehagelaerer | annet",
                )?,
                from: row.date(4)?,
                to: row.opt_date(5)?,
            }),
            Acc::Enrolments(rows) => rows.push(Enrolment {
                child: row.id(0)?,
                kindergarten: row.orgnr(1)?,
                municipality: row.kommune(2)?,
                weekly_hours: row.int_as(3, 1, 80)?,
                from: row.date(4)?,
                to: row.opt_date(5)?,
            }),
            Acc::Screening(rows) => rows.push(ScreeningRecord {
                person: row.id(0)?,
                invited_for: row.date(1)?,
                attended_on: row.opt_date(2)?,
                result: row.code(
                    3,
                    ScreeningResult::from_code,
                    "ikke_moett | negativ | etterundersoekt_uten_kreft | screeningoppdaget_kreft",
                )?,
            }),
            Acc::Cancer(rows) => rows.push(CancerDiagnosis {
                person: row.id(0)?,
                diagnosed_on: row.date(1)?,
                site: row.code(2, cancer_site_from_code, "bryst")?,
                detection: row.code(3, Detection::from_code, "screening | intervall | klinisk")?,
            }),
            Acc::Lifestyle(rows) => {
                let small = i64::from(u8::MAX);
                let medium = i64::from(u16::MAX);
                rows.push(LifestyleSurvey {
                    person: row.id(0)?,
                    answered_on: row.date(1)?,
                    smoking: row.code(2, Smoking::from_code, "aldri | tidligere | daglig")?,
                    alcohol_units_per_week: row.int_as(3, 0, small)?,
                    bmi_tenths: row.int_as(4, 0, medium)?,
                    activity_minutes_per_week: row.int_as(5, 0, medium)?,
                    age_at_menarche: row.opt_int_as(6, 0, small)?,
                    live_births: row.opt_int_as(7, 0, small)?,
                    age_at_first_birth: row.opt_int_as(8, 0, small)?,
                    first_degree_relatives_with_breast_cancer: row.int_as(9, 0, small)?,
                });
            }
        }
        Ok(())
    }

    /// The valid records.
    pub(crate) fn finish(self) -> TableRows {
        match self.acc {
            Acc::Persons(rows, _) => TableRows::Persons(rows),
            Acc::Relations(rows) => TableRows::Relations(rows),
            Acc::Addresses(rows, _) => TableRows::Addresses(rows),
            Acc::Residences(rows) => TableRows::Residences(rows),
            Acc::TaxAssessments(rows, _) => TableRows::TaxAssessments(rows),
            Acc::MonthlyIncome(groups) => TableRows::MonthlyIncome(groups.records),
            Acc::Organisations(rows, _) => TableRows::Organisations(rows),
            Acc::Employments(rows) => TableRows::Employments(rows),
            Acc::Enrolments(rows) => TableRows::Enrolments(rows),
            Acc::Screening(rows) => TableRows::Screening(rows),
            Acc::Cancer(rows) => TableRows::Cancer(rows),
            Acc::Lifestyle(rows) => TableRows::Lifestyle(rows),
        }
    }
}

impl MonthlyGroups {
    /// Adds one month's amount to the person's record for the year.
    fn add(
        &mut self,
        person: NationalId,
        year: u16,
        month: usize,
        amount: i64,
    ) -> Result<(), String> {
        let key = (person, year);
        let index = match self.last {
            Some((last_key, index)) if last_key == key => index,
            _ => {
                let next = self.records.len() as u32;
                let index = *self.index.entry(key).or_insert(next);
                if index == next {
                    self.records.push(MonthlyIncome {
                        person,
                        year,
                        months: [0; 12],
                    });
                    self.seen.push(0);
                }
                self.last = Some((key, index));
                index
            }
        } as usize;
        let bit = 1u16 << (month - 1);
        if self.seen[index] & bit != 0 {
            return Err(format!(
                "columns person_id, year, month: duplicate key, month {month} of {year} for this person is on an earlier line"
            ));
        }
        self.seen[index] |= bit;
        self.records[index].months[month - 1] = amount;
        Ok(())
    }
}
