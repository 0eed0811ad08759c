//! The catalogue of data elements a service can ask for.
//!
//! Why packages and not single columns: Folkeregisteret delivers data in named packages (the
//! `part` parameter: `person-basis`, `relasjon-utvidet`, …) so that a legal basis can be written
//! against a stable, documented set of fields. The elements here follow that idea for every
//! register of the platform; each names exactly the tables and columns it delivers (columns as
//! documented in [`registers::REGISTERS`]). A manifest lists the elements its purpose needs, and
//! the access layer delivers nothing else.

use registers::RegisterId;

/// One data element: a named, documented package of register columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Element {
    /// Stable name, `register.package`.
    pub name: &'static str,
    /// The register it comes from.
    pub register: RegisterId,
    /// `table.column` pairs delivered.
    pub columns: &'static [(&'static str, &'static str)],
    /// What it is, in bokmål.
    pub description_nb: &'static str,
    /// What it is, in English.
    pub description_en: &'static str,
    /// Special category (GDPR art. 9: health) or otherwise sensitive.
    pub sensitive: bool,
}

/// Every element the platform can deliver.
pub static ELEMENTS: &[Element] = &[
    Element {
        name: "folkeregisteret.person-basis",
        register: RegisterId::Population,
        columns: &[
            ("persons", "person_id"),
            ("persons", "birth_date"),
            ("persons", "sex"),
            ("persons", "status"),
            ("persons", "status_date"),
        ],
        description_nb: "identifikasjonsnummer, fødselsdato, kjønn og status (bosatt, død, utflyttet)",
        description_en: "identity number, birth date, sex and status (resident, dead, emigrated)",
        sensitive: false,
    },
    Element {
        name: "folkeregisteret.innvandringsbakgrunn",
        register: RegisterId::Population,
        columns: &[("persons", "background")],
        description_nb: "innvandringsbakgrunn (SSBs kategorier)",
        description_en: "immigrant background (Statistics Norway's categories)",
        sensitive: true,
    },
    Element {
        name: "folkeregisteret.familierelasjon",
        register: RegisterId::Population,
        columns: &[
            ("relations", "person_id"),
            ("relations", "related_id"),
            ("relations", "kind"),
            ("relations", "valid_from"),
        ],
        description_nb: "familierelasjoner: mor, far, ektefelle, samboer",
        description_en: "family relations: mother, father, spouse, cohabitant",
        sensitive: false,
    },
    Element {
        name: "folkeregisteret.bostedsadresse",
        register: RegisterId::Population,
        columns: &[
            ("addresses", "address_id"),
            ("addresses", "kommunenummer"),
            ("addresses", "street"),
            ("addresses", "house_number"),
            ("addresses", "postcode"),
            ("residences", "person_id"),
            ("residences", "address_id"),
            ("residences", "kommunenummer"),
            ("residences", "valid_from"),
        ],
        description_nb: "bostedsadresse med historikk",
        description_en: "residential address with history",
        sensitive: false,
    },
    Element {
        name: "inntekt.skatteoppgjoer",
        register: RegisterId::Income,
        columns: &[
            ("tax_assessments", "person_id"),
            ("tax_assessments", "income_year"),
            ("tax_assessments", "personinntekt"),
            ("tax_assessments", "kapitalinntekt"),
        ],
        description_nb: "personinntekt og kapitalinntekt fra skatteoppgjøret",
        description_en: "personal and capital income from the tax assessment",
        sensitive: false,
    },
    Element {
        name: "inntekt.a-ordningen",
        register: RegisterId::Income,
        columns: &[
            ("monthly_income", "person_id"),
            ("monthly_income", "year"),
            ("monthly_income", "month"),
            ("monthly_income", "amount"),
        ],
        description_nb: "månedlig inntekt rapportert i a-ordningen",
        description_en: "monthly income reported in a-ordningen",
        sensitive: false,
    },
    Element {
        name: "barnehage.opptak",
        register: RegisterId::Kindergarten,
        columns: &[
            ("enrolments", "child_id"),
            ("enrolments", "kindergarten_orgnr"),
            ("enrolments", "kommunenummer"),
            ("enrolments", "weekly_hours"),
            ("enrolments", "from_date"),
            ("enrolments", "to_date"),
        ],
        description_nb: "barnehageplass: barnehage, oppholdstid og periode",
        description_en: "kindergarten place: kindergarten, weekly hours and period",
        sensitive: false,
    },
    Element {
        name: "enhetsregisteret.enheter",
        register: RegisterId::Employer,
        columns: &[
            ("organisations", "orgnr"),
            ("organisations", "name"),
            ("organisations", "kind"),
            ("organisations", "kommunenummer"),
        ],
        description_nb: "virksomheter (underenheter) med navn, type og kommune",
        description_en: "organisations (sub-units) with name, kind and municipality",
        sensitive: false,
    },
    Element {
        name: "aa-registeret.arbeidsforhold",
        register: RegisterId::Employer,
        columns: &[
            ("employments", "person_id"),
            ("employments", "employer_orgnr"),
            ("employments", "position_pct"),
            ("employments", "competence"),
            ("employments", "from_date"),
            ("employments", "to_date"),
        ],
        description_nb: "arbeidsforhold: arbeidsgiver, stillingsprosent, kompetanse og periode",
        description_en: "employment: employer, position percentage, competence and period",
        sensitive: false,
    },
    Element {
        name: "helse.mammografi",
        register: RegisterId::Health,
        columns: &[
            ("screening", "person_id"),
            ("screening", "invited_for"),
            ("screening", "attended_on"),
            ("screening", "result"),
        ],
        description_nb: "invitasjoner, oppmøte og resultat i Mammografiprogrammet",
        description_en: "invitations, attendance and results in BreastScreen Norway",
        sensitive: true,
    },
    Element {
        name: "helse.kreftdiagnoser",
        register: RegisterId::Health,
        columns: &[
            ("cancer", "person_id"),
            ("cancer", "diagnosed_on"),
            ("cancer", "site"),
            ("cancer", "detection"),
        ],
        description_nb: "kreftdiagnoser fra Kreftregisteret",
        description_en: "cancer diagnoses from the Cancer Registry",
        sensitive: true,
    },
    Element {
        name: "helse.levevaner",
        register: RegisterId::Health,
        columns: &[
            ("lifestyle", "person_id"),
            ("lifestyle", "answered_on"),
            ("lifestyle", "smoking"),
            ("lifestyle", "alcohol_units_per_week"),
            ("lifestyle", "bmi_tenths"),
            ("lifestyle", "activity_minutes_per_week"),
            ("lifestyle", "age_at_menarche"),
            ("lifestyle", "live_births"),
            ("lifestyle", "age_at_first_birth"),
            ("lifestyle", "relatives_with_breast_cancer"),
        ],
        description_nb: "svar i levevaneundersøkelsen (røyk, alkohol, KMI, aktivitet, reproduktiv historie, familiehistorie)",
        description_en: "lifestyle survey answers (smoking, alcohol, BMI, activity, reproductive and family history)",
        sensitive: true,
    },
];

/// Finds an element by name.
pub fn element(name: &str) -> Option<&'static Element> {
    ELEMENTS.iter().find(|e| e.name == name)
}

/// The names of every element, for error messages.
pub fn names() -> Vec<&'static str> {
    ELEMENTS.iter().map(|e| e.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use registers::{RegisterInfo, REGISTERS};

    #[test]
    fn every_element_names_documented_columns_and_every_column_is_covered_once() {
        let mut covered = Vec::new();
        for e in ELEMENTS {
            for (table, column) in e.columns {
                let (register, info) = RegisterInfo::of_table(table)
                    .unwrap_or_else(|| panic!("{}: unknown table {table}", e.name));
                assert_eq!(register.id, e.register, "{}", e.name);
                assert!(
                    info.columns.iter().any(|c| c.name == *column),
                    "{}: {table}.{column} is not documented",
                    e.name
                );
                // The id column of persons is repeated as the key of other packages only.
                covered.push((*table, *column));
            }
        }
        for r in REGISTERS {
            for t in r.tables {
                for c in t.columns {
                    assert!(
                        covered.contains(&(t.name, c.name)),
                        "{}.{} is in no element",
                        t.name,
                        c.name
                    );
                }
            }
        }
    }
}
