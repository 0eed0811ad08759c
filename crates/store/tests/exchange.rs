//! CSV and Parquet exchange: every table round-trips through both formats, bad rows are rejected
//! one by one with their line and a reason naming the column, and structural problems are errors
//! naming the file.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use registers::{MonthlyIncome, Municipalities, Registers};
use store::{
    read_table, write_quarantine, write_table, ExchangeError, Format, ReadOutcome, RejectedRow,
    TableRows, TABLES,
};

/// Etne (4611), about 4 000 persons: small, yet every table has rows.
fn etne() -> Registers {
    synth::generate(
        &Municipalities::embedded_2026(),
        &synth::Area::Municipality("4611".parse().unwrap()),
        &synth::GenerateOptions { seed: 7 },
        &|_, _| {},
    )
    .unwrap()
}

fn read(path: &Path, table: &str) -> ReadOutcome {
    read_table(path, table, &Municipalities::embedded_2026())
        .unwrap_or_else(|e| panic!("reading {table}: {e}"))
}

/// The rejected rows as (line, reason), for compact assertions.
fn rejections(outcome: &ReadOutcome) -> Vec<(u64, &str)> {
    outcome
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect()
}

#[test]
fn every_table_round_trips_through_csv_and_parquet() {
    let registers = etne();
    let dir = tempfile::tempdir().unwrap();
    for table in TABLES {
        let rows = TableRows::from_registers(&registers, table).unwrap();
        assert!(!rows.is_empty(), "{table} should have rows to round-trip");
        let file_rows = if table == "monthly_income" {
            rows.len() * 12
        } else {
            rows.len()
        } as u64;
        for extension in ["csv", "parquet"] {
            let path = dir.path().join(format!("{table}.{extension}"));
            assert_eq!(write_table(&rows, &path).unwrap(), file_rows, "{table}");
            let outcome = read_table(&path, table, &registers.municipalities).unwrap();
            assert_eq!(outcome.rejected, vec![], "{table}.{extension}");
            assert_eq!(outcome.rows_read, file_rows, "{table}.{extension}");
            assert!(outcome.rows == rows, "{table}.{extension} differs");
        }
    }
}

#[test]
fn csv_files_have_the_documented_header_and_cell_encoding() {
    let registers = etne();
    let dir = tempfile::tempdir().unwrap();
    let mut persons = registers.persons.clone();
    persons.truncate(1);
    let person = persons[0];
    let path = dir.path().join("persons.csv");
    write_table(&TableRows::Persons(persons), &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let expected_row = format!(
        "{},{},{},{},{},{}",
        person.id.expose(),
        person.birth_date,
        if person.sex == identity::Sex::Female {
            "kvinne"
        } else {
            "mann"
        },
        person.status.code(),
        person.status_date.map_or(String::new(), |d| d.to_string()),
        person.background.code()
    );
    assert_eq!(
        text,
        format!("person_id,birth_date,sex,status,status_date,background\n{expected_row}\n")
    );

    let income = MonthlyIncome {
        person: person.id,
        year: 2024,
        months: [100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -5],
    };
    let path = dir.path().join("monthly_income.csv");
    assert_eq!(
        write_table(&TableRows::MonthlyIncome(vec![income]), &path).unwrap(),
        12
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let id = person.id.expose();
    assert_eq!(lines.len(), 13);
    assert_eq!(lines[0], "person_id,year,month,amount");
    assert_eq!(lines[1], format!("{id},2024,1,100"));
    assert_eq!(lines[2], format!("{id},2024,2,0"));
    assert_eq!(lines[12], format!("{id},2024,12,-5"));

    let oslo = registers::Address {
        id: registers::AddressId(7),
        municipality: "0301".parse().unwrap(),
        street: "Karl Johans gate, \"sentrum\"".to_string(),
        house_number: 1,
        postcode: "0154".to_string(),
    };
    let path = dir.path().join("addresses.csv");
    write_table(&TableRows::Addresses(vec![oslo.clone()]), &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "address_id,kommunenummer,street,house_number,postcode\n\
         7,0301,\"Karl Johans gate, \"\"sentrum\"\"\",1,0154\n"
    );
    assert_eq!(
        read(&path, "addresses").rows,
        TableRows::Addresses(vec![oslo])
    );
}

#[test]
fn bad_persons_rows_are_rejected_with_line_and_column() {
    let registers = etne();
    let ids: Vec<String> = registers.persons[..3]
        .iter()
        .map(|p| p.id.expose())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persons.csv");
    let text = format!(
        "person_id,birth_date,sex,status,status_date,background\n\
         31129956715,1999-12-31,mann,bosatt,,majority\n\
         31129956716,1999-12-31,mann,bosatt,,majority\n\
         {a},1999-12-32,kvinne,bosatt,,majority\n\
         {b},1999-12-30,kvinne,bosatt,,martian\n\
         31129956715,1999-12-31,mann,doed,2020-01-01,majority\n\
         {c},,kvinne,bosatt,,majority\n\
         {c},1980-05-05,kvinne,bosatt\n\
         {c},1980-05-05,kvinne,utflyttet,2001-02-03,immigrant\n",
        a = ids[0],
        b = ids[1],
        c = ids[2],
    );
    std::fs::write(&path, text).unwrap();
    let outcome = read(&path, "persons");
    assert_eq!(
        rejections(&outcome),
        vec![
            (3, "column person_id: check digit 2 should be 5, found 6"),
            (
                4,
                "column birth_date: '1999-12-32' is not a valid date: there is no day 32 in 1999-12"
            ),
            (
                5,
                "column background: unknown code 'martian' (known: majority | immigrant | norwegian_born_to_immigrants)"
            ),
            (6, "column person_id: duplicate key, first seen on line 2"),
            (7, "column birth_date: required value is empty"),
            (8, "expected 6 columns, found 4"),
        ]
    );
    assert_eq!(outcome.rows_read, 8);
    assert_eq!(
        outcome.rejected[0].raw,
        "31129956716,1999-12-31,mann,bosatt,,majority"
    );
    let TableRows::Persons(persons) = &outcome.rows else {
        panic!("persons expected");
    };
    assert_eq!(persons.len(), 2);
    assert_eq!(persons[0].id.expose(), "31129956715");
    assert_eq!(persons[1].id.expose(), ids[2]);
    assert_eq!(persons[1].status, registers::PersonStatus::Emigrated);

    let quarantine = dir.path().join("rejected.csv");
    write_quarantine(&outcome.rejected, &quarantine).unwrap();
    let mut reader = csv::Reader::from_path(&quarantine).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        &csv::StringRecord::from(vec!["line", "reason", "raw"])
    );
    let back: Vec<RejectedRow> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            RejectedRow {
                line: r[0].parse().unwrap(),
                reason: r[1].to_string(),
                raw: r[2].to_string(),
            }
        })
        .collect();
    assert_eq!(back, outcome.rejected);
}

#[test]
fn bad_organisations_are_rejected_and_line_numbers_count_file_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("organisations.csv");
    // The first record spans two lines (a quoted line break), so the next one is on line 4.
    std::fs::write(
        &path,
        "orgnr,name,kind,kommunenummer\n\
         974761076,\"Skatteetaten\nOslo\",virksomhet,0301\n\
         983887457,Nowhere AS,virksomhet,9999\n\
         889640782,Bakeriet,bakeri,0301\n\
         974761077,Feil AS,virksomhet,0301\n\
         983887457,,virksomhet,4601\n\
         974761076,Again,kommune,0301\n",
    )
    .unwrap();
    let outcome = read(&path, "organisations");
    assert_eq!(
        rejections(&outcome),
        vec![
            (
                4,
                "column kommunenummer: unknown municipality 9999 (not in KLASS 131 as loaded)"
            ),
            (
                5,
                "column kind: unknown code 'bakeri' (known: kommune | sykehjem | hjemmetjeneste | barnehage | sykehus | virksomhet)"
            ),
            (6, "column orgnr: check digit should be 6, found 7"),
            (7, "column name: required value is empty"),
            (8, "column orgnr: duplicate key, first seen on line 2"),
        ]
    );
    let TableRows::Organisations(organisations) = &outcome.rows else {
        panic!("organisations expected");
    };
    assert_eq!(organisations.len(), 1);
    assert_eq!(organisations[0].name, "Skatteetaten\nOslo");
}

#[test]
fn monthly_income_is_grouped_and_bad_months_are_rejected() {
    let registers = etne();
    let id = registers.persons[0].id.expose();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("monthly_income.csv");
    std::fs::write(
        &path,
        format!(
            "person_id,year,month,amount\n\
             {id},2024,1,1000\n\
             {id},2024,2,1000.50\n\
             {id},2024,13,5\n\
             {id},2024,1,7\n\
             {id},2023,12,300\n\
             {id},1850,1,1\n\
             {id},2024,3,30\n"
        ),
    )
    .unwrap();
    let outcome = read(&path, "monthly_income");
    assert_eq!(
        rejections(&outcome),
        vec![
            (
                3,
                "column amount: '1000.50' is not a whole number of NOK (amounts have no decimals)"
            ),
            (4, "column month: 13 is outside 1..=12"),
            (
                5,
                "columns person_id, year, month: duplicate key, month 1 of 2024 for this person is on an earlier line"
            ),
            (7, "column year: 1850 is outside 1900..=2100"),
        ]
    );
    let person = registers.persons[0].id;
    let mut months_2024 = [0; 12];
    months_2024[0] = 1000;
    months_2024[2] = 30;
    let mut months_2023 = [0; 12];
    months_2023[11] = 300;
    assert_eq!(
        outcome.rows,
        TableRows::MonthlyIncome(vec![
            MonthlyIncome {
                person,
                year: 2024,
                months: months_2024
            },
            MonthlyIncome {
                person,
                year: 2023,
                months: months_2023
            },
        ])
    );
}

#[test]
fn ranges_and_codes_of_employments_and_enrolments_are_checked() {
    let registers = etne();
    let id = registers.persons[0].id.expose();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("employments.csv");
    std::fs::write(
        &path,
        format!(
            "person_id,employer_orgnr,position_pct,competence,from_date,to_date\n\
             {id},974761076,100,sykepleier,2020-01-01,\n\
             {id},974761076,0,sykepleier,2020-01-01,\n\
             {id},974761076,50,kokk,2020-01-01,2021-02-30\n\
             {id},974761076,50,annet,2020-01-01,2021-02-28\n"
        ),
    )
    .unwrap();
    let outcome = read(&path, "employments");
    assert_eq!(
        rejections(&outcome),
        vec![
            (3, "column position_pct: 0 is outside 1..=100"),
            (
                4,
                "column competence: unknown code 'kokk' (known: sykepleier | helsefagarbeider | assistent | barnehagelaerer | annet)"
            ),
        ]
    );
    assert_eq!(outcome.rows.len(), 2);

    let path = dir.path().join("enrolments.csv");
    std::fs::write(
        &path,
        format!(
            "child_id,kindergarten_orgnr,kommunenummer,weekly_hours,from_date,to_date\n\
             {id},974761076,301,41,2024-08-01,\n\
             {id},974761076,0301,81,2024-08-01,\n\
             {id},974761076,0301,41,2024-08-01,\n"
        ),
    )
    .unwrap();
    let outcome = read(&path, "enrolments");
    assert_eq!(
        rejections(&outcome),
        vec![
            (
                2,
                "column kommunenummer: municipality number '301' is not four digits (write Oslo as 0301)"
            ),
            (3, "column weekly_hours: 81 is outside 1..=80"),
        ]
    );
}

#[test]
fn parquet_rows_are_validated_like_csv_rows() {
    let registers = etne();
    let id = registers.persons[0].id.expose();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("monthly_income.parquet");
    // A file from another tool: amounts as floating point, years as text.
    let schema = Arc::new(Schema::new(vec![
        Field::new("person_id", DataType::Utf8, false),
        Field::new("year", DataType::Utf8, false),
        Field::new("month", DataType::Int64, true),
        Field::new("amount", DataType::Float64, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![
            id.as_str(),
            "31129956716",
            id.as_str(),
            id.as_str(),
        ])),
        Arc::new(StringArray::from(vec!["2024", "2024", "2024", "2024"])),
        Arc::new(Int64Array::from(vec![Some(1), Some(1), None, Some(2)])),
        Arc::new(Float64Array::from(vec![
            Some(10.0),
            Some(1.0),
            Some(1.0),
            Some(2.5),
        ])),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let file = std::fs::File::create(&path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();

    let outcome = read(&path, "monthly_income");
    assert_eq!(
        rejections(&outcome),
        vec![
            (3, "column person_id: check digit 2 should be 5, found 6"),
            (4, "column month: required value is empty"),
            (
                5,
                "column amount: 2.5 is not a whole number of NOK (amounts have no decimals)"
            ),
        ]
    );
    assert_eq!(outcome.rejected[0].raw, "31129956716,2024,1,1");
    let mut months = [0; 12];
    months[0] = 10;
    assert_eq!(
        outcome.rows,
        TableRows::MonthlyIncome(vec![MonthlyIncome {
            person: registers.persons[0].id,
            year: 2024,
            months
        }])
    );
}

#[test]
fn a_wrong_header_is_an_error_naming_the_file_and_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persons.csv");
    std::fs::write(
        &path,
        "person_id,birth_date,gender,status,status_date,background\n",
    )
    .unwrap();
    let error = read_table(&path, "persons", &Municipalities::embedded_2026()).unwrap_err();
    assert!(matches!(error, ExchangeError::Header { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(message.contains("missing column sex"), "{message}");
    assert!(message.contains("unexpected column gender"), "{message}");

    std::fs::write(&path, "").unwrap();
    let error = read_table(&path, "persons", &Municipalities::embedded_2026()).unwrap_err();
    assert!(
        error.to_string().contains(
            "missing columns person_id, birth_date, sex, status, status_date, background"
        ),
        "{error}"
    );

    // A relations file read as persons names the table it holds, in either format.
    let registers = etne();
    let relations = TableRows::Relations(registers.relations[..3].to_vec());
    for extension in ["csv", "parquet"] {
        let path = dir.path().join(format!("relations.{extension}"));
        write_table(&relations, &path).unwrap();
        let error = read_table(&path, "persons", &registers.municipalities).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}: the file holds table relations, not persons",
                path.display()
            )
        );
    }
}

#[test]
fn structural_problems_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let municipalities = Municipalities::embedded_2026();

    let path = dir.path().join("persons.xlsx");
    let error = write_table(&TableRows::Persons(Vec::new()), &path).unwrap_err();
    assert!(
        matches!(error, ExchangeError::UnsupportedExtension { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{}: unsupported file extension '.xlsx' (use .csv or .parquet)",
            path.display()
        )
    );
    assert!(read_table(&path, "persons", &municipalities).is_err());
    assert!(Format::from_path(Path::new("persons")).is_err());
    assert_eq!(
        Format::from_path(Path::new("a/persons.CSV")).unwrap(),
        Format::Csv
    );
    assert_eq!(
        Format::from_path(Path::new("persons.parquet")).unwrap(),
        Format::Parquet
    );

    let missing = dir.path().join("missing.csv");
    let error = read_table(&missing, "persons", &municipalities).unwrap_err();
    assert!(matches!(error, ExchangeError::Io { .. }), "{error:?}");
    assert!(
        error.to_string().contains(&missing.display().to_string()),
        "{error}"
    );

    let not_parquet = dir.path().join("persons.parquet");
    std::fs::write(&not_parquet, "person_id\n").unwrap();
    let error = read_table(&not_parquet, "persons", &municipalities).unwrap_err();
    assert!(matches!(error, ExchangeError::Parquet { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains(&not_parquet.display().to_string()),
        "{error}"
    );

    let error = read_table(&missing, "people", &municipalities).unwrap_err();
    assert!(matches!(error, ExchangeError::UnknownTable(_)), "{error:?}");
}
