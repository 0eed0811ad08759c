//! The documented schema of every register: owning agency, tables and columns.
//!
//! This is the one description of the registers' shape. Storage creates exactly these columns
//! (a test in the `store` crate checks it), exports write them as headers, and later the data
//! catalogue and citizen insight name the same data elements.

/// The registers the platform knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegisterId {
    /// Folkeregisteret.
    Population,
    /// Skatteetaten's tax assessment and a-ordningen income.
    Income,
    /// The kindergarten register.
    Kindergarten,
    /// Enhetsregisteret and the Aa-register.
    Employer,
    /// BreastScreen Norway, the Cancer Registry and the lifestyle survey.
    Health,
}

/// A public agency that owns a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Agency {
    /// Norwegian name.
    pub name: &'static str,
    /// Organisation number in Enhetsregisteret.
    pub orgnr: &'static str,
}

/// One column of a register table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnInfo {
    /// Column name, as stored and exported.
    pub name: &'static str,
    /// Logical type: `id` (11-digit national id), `orgnr`, `kommunenr`, `date`, `int`, `nok`,
    /// `text`, `code` (a closed list of codes documented in the description).
    pub kind: &'static str,
    /// Whether the column may be empty.
    pub nullable: bool,
    /// What the column means.
    pub description: &'static str,
}

/// One table of a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableInfo {
    /// Table name, as stored and exported.
    pub name: &'static str,
    /// What one row is.
    pub description: &'static str,
    /// Columns in storage order.
    pub columns: &'static [ColumnInfo],
}

/// One register with its owner and tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegisterInfo {
    /// Which register.
    pub id: RegisterId,
    /// Norwegian name.
    pub name_nb: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Owning agency (controller).
    pub owner: Agency,
    /// Tables.
    pub tables: &'static [TableInfo],
}

impl RegisterInfo {
    /// Finds the register holding a table.
    pub fn of_table(table: &str) -> Option<(&'static RegisterInfo, &'static TableInfo)> {
        REGISTERS
            .iter()
            .find_map(|r| r.tables.iter().find(|t| t.name == table).map(|t| (r, t)))
    }
}

const fn col(
    name: &'static str,
    kind: &'static str,
    nullable: bool,
    description: &'static str,
) -> ColumnInfo {
    ColumnInfo {
        name,
        kind,
        nullable,
        description,
    }
}

/// Skatteetaten (the Norwegian Tax Administration) owns Folkeregisteret and the income data.
const SKATTEETATEN: Agency = Agency {
    name: "Skatteetaten",
    orgnr: "974761076",
};

/// Every register, its owner and its documented tables.
pub static REGISTERS: &[RegisterInfo] = &[
    RegisterInfo {
        id: RegisterId::Population,
        name_nb: "Folkeregisteret",
        name_en: "National Population Register",
        owner: SKATTEETATEN,
        tables: &[
            TableInfo {
                name: "persons",
                description: "one row per person ever registered",
                columns: &[
                    col("person_id", "id", false, "fødselsnummer or D-number"),
                    col("birth_date", "date", false, "registered birth date"),
                    col("sex", "code", false, "kvinne | mann (registered legal sex)"),
                    col("status", "code", false, "bosatt | doed | utflyttet"),
                    col("status_date", "date", true, "date of death or emigration"),
                    col("background", "code", false, "majority | immigrant | norwegian_born_to_immigrants (SSB categories)"),
                ],
            },
            TableInfo {
                name: "relations",
                description: "family relations: related is the mor/far/ektefelle/samboer of person",
                columns: &[
                    col("person_id", "id", false, "the person the relation belongs to"),
                    col("related_id", "id", false, "the related person"),
                    col("kind", "code", false, "mor | far | ektefelle | samboer"),
                    col("valid_from", "date", false, "birth, marriage or start of cohabitation"),
                ],
            },
            TableInfo {
                name: "addresses",
                description: "dwelling addresses (vegadresse)",
                columns: &[
                    col("address_id", "int", false, "address identity"),
                    col("kommunenummer", "kommunenr", false, "municipality of the address"),
                    col("street", "text", false, "street name"),
                    col("house_number", "int", false, "house number"),
                    col("postcode", "text", false, "four-digit postcode"),
                ],
            },
            TableInfo {
                name: "residences",
                description: "residence history (bostedsadresse): person lives at address from a date",
                columns: &[
                    col("person_id", "id", false, "the resident"),
                    col("address_id", "int", false, "the dwelling"),
                    col("kommunenummer", "kommunenr", false, "municipality on valid_from"),
                    col("valid_from", "date", false, "moving date (flyttedato)"),
                ],
            },
        ],
    },
    RegisterInfo {
        id: RegisterId::Income,
        name_nb: "Skatteoppgjør og a-ordningen",
        name_en: "Tax assessment and a-ordningen income",
        owner: SKATTEETATEN,
        tables: &[
            TableInfo {
                name: "tax_assessments",
                description: "one row per person and income year",
                columns: &[
                    col("person_id", "id", false, "the taxpayer"),
                    col("income_year", "int", false, "income year assessed"),
                    col("personinntekt", "nok", false, "personinntekt, skatteloven § 12-2, whole NOK"),
                    col("kapitalinntekt", "nok", false, "skattepliktig kapitalinntekt, whole NOK"),
                ],
            },
            TableInfo {
                name: "monthly_income",
                description: "a-ordningen income per person and month (sum over payers); exports write one row per month",
                columns: &[
                    col("person_id", "id", false, "the income receiver"),
                    col("year", "int", false, "calendar year"),
                    col("month", "int", false, "month 1-12"),
                    col("amount", "nok", false, "reported income in the month, whole NOK"),
                ],
            },
        ],
    },
    RegisterInfo {
        id: RegisterId::Kindergarten,
        name_nb: "Barnehageregisteret (kommunens opptak og BASIL)",
        name_en: "Kindergarten enrolment register",
        owner: Agency {
            name: "Utdanningsdirektoratet",
            orgnr: "970018131",
        },
        tables: &[TableInfo {
            name: "enrolments",
            description: "a child's place in a kindergarten",
            columns: &[
                col("child_id", "id", false, "the child"),
                col("kindergarten_orgnr", "orgnr", false, "the kindergarten"),
                col("kommunenummer", "kommunenr", false, "municipality of the kindergarten"),
                col("weekly_hours", "int", false, "agreed hours a week (41+ is full time)"),
                col("from_date", "date", false, "first day of the place"),
                col("to_date", "date", true, "last day of the place"),
            ],
        }],
    },
    RegisterInfo {
        id: RegisterId::Employer,
        name_nb: "Enhetsregisteret og Aa-registeret",
        name_en: "Central Coordinating Register for Legal Entities and the Employer and Employee Register",
        owner: Agency {
            name: "Brønnøysundregistrene",
            orgnr: "974760673",
        },
        tables: &[
            TableInfo {
                name: "organisations",
                description: "registered organisations (underenheter)",
                columns: &[
                    col("orgnr", "orgnr", false, "organisasjonsnummer"),
                    col("name", "text", false, "name"),
                    col("kind", "code", false, "kommune | sykehjem | hjemmetjeneste | barnehage | sykehus | virksomhet"),
                    col("kommunenummer", "kommunenr", false, "municipality of the business address"),
                ],
            },
            TableInfo {
                name: "employments",
                description: "employment relationships (arbeidsforhold)",
                columns: &[
                    col("person_id", "id", false, "the employee"),
                    col("employer_orgnr", "orgnr", false, "the employer"),
                    col("position_pct", "int", false, "stillingsprosent 1-100"),
                    col("competence", "code", false, "sykepleier | helsefagarbeider | assistent | barnehagelaerer | annet"),
                    col("from_date", "date", false, "start"),
                    col("to_date", "date", true, "end"),
                ],
            },
        ],
    },
    RegisterInfo {
        id: RegisterId::Health,
        name_nb: "Mammografiprogrammet, Kreftregisteret og levevaneundersøkelsen",
        name_en: "BreastScreen Norway, Cancer Registry and lifestyle survey",
        owner: Agency {
            name: "Folkehelseinstituttet",
            orgnr: "983744516",
        },
        tables: &[
            TableInfo {
                name: "screening",
                description: "one row per screening invitation",
                columns: &[
                    col("person_id", "id", false, "the invited woman"),
                    col("invited_for", "date", false, "appointment date in the invitation"),
                    col("attended_on", "date", true, "date attended"),
                    col("result", "code", false, "ikke_moett | negativ | etterundersoekt_uten_kreft | screeningoppdaget_kreft"),
                ],
            },
            TableInfo {
                name: "cancer",
                description: "cancer diagnoses",
                columns: &[
                    col("person_id", "id", false, "the patient"),
                    col("diagnosed_on", "date", false, "date of diagnosis"),
                    col("site", "code", false, "bryst"),
                    col("detection", "code", false, "screening | intervall | klinisk"),
                ],
            },
            TableInfo {
                name: "lifestyle",
                description: "lifestyle survey answers",
                columns: &[
                    col("person_id", "id", false, "the respondent"),
                    col("answered_on", "date", false, "date answered"),
                    col("smoking", "code", false, "aldri | tidligere | daglig"),
                    col("alcohol_units_per_week", "int", false, "alcohol units a week"),
                    col("bmi_tenths", "int", false, "body-mass index × 10"),
                    col("activity_minutes_per_week", "int", false, "moderate/vigorous activity, minutes a week"),
                    col("age_at_menarche", "int", true, "women: age at first period"),
                    col("live_births", "int", true, "women: number of live births"),
                    col("age_at_first_birth", "int", true, "women: age at first live birth"),
                    col("relatives_with_breast_cancer", "int", false, "first-degree relatives with breast cancer"),
                ],
            },
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_name_is_unique_and_found() {
        let mut names: Vec<_> = REGISTERS
            .iter()
            .flat_map(|r| r.tables.iter().map(|t| t.name))
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
        let (register, table) = RegisterInfo::of_table("enrolments").unwrap();
        assert_eq!(register.id, RegisterId::Kindergarten);
        assert_eq!(table.columns[0].name, "child_id");
    }

    #[test]
    fn owners_have_valid_organisation_numbers() {
        for r in REGISTERS {
            identity::OrgNumber::parse(r.owner.orgnr)
                .unwrap_or_else(|e| panic!("{}: {e}", r.name_nb));
        }
    }
}
