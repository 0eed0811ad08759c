//! CSV and Parquet import and export of register tables, with row-level validation.
//!
//! A file holds one table. Its columns are exactly those documented in [`registers::REGISTERS`]
//! for the table, in the documented order: a header line in CSV, the schema in Parquet.
//!
//! Cell encoding (the same in both formats unless noted):
//!
//! - identity numbers as 11-digit text ([`identity::NationalId::expose`]), organisation numbers as
//!   9-digit text, kommunenummer as 4-digit text (`0301`);
//! - codes as the registers' `code()` strings, sex as `kvinne` / `mann`, cancer site as `bryst`;
//! - dates as ISO `yyyy-mm-dd` text in CSV and as `Date32` in Parquet (Parquet files whose dates
//!   are ISO text are read too);
//! - integers and amounts (whole NOK) as decimal text in CSV and as `Int64` in Parquet (other
//!   integer widths are read too; floating point amounts are read and rejected unless whole);
//! - an empty cell (CSV) or a null (Parquet) is a missing value, allowed only in the columns the
//!   schema marks nullable.
//!
//! `monthly_income` is written long: one row per person, year and month (12 rows per record), and
//! grouped back into one [`registers::MonthlyIncome`] per person and year when read, a missing
//! month counting as 0.
//!
//! Reading never stops at a bad row: every row is validated and a bad one becomes a
//! [`RejectedRow`] naming the line, the column and what is wrong. Only structural problems (the
//! file cannot be opened, its header or schema is not the table's, it is not Parquet) are an
//! [`ExchangeError`], and every such error names the file.

mod csv;
mod parquet;
mod records;
mod tables;
mod validate;

use std::path::{Path, PathBuf};

use crate::rows::TableRows;
pub use records::{table_records, Record};
use registers::{ColumnInfo, Municipalities, RegisterInfo, REGISTERS};

/// The file formats tables are exchanged in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated text with a header line (RFC 4180 quoting), UTF-8.
    Csv,
    /// Apache Parquet, Snappy-compressed, one column per documented column.
    Parquet,
}

impl Format {
    /// The format named by the file extension: `.csv` or `.parquet` (case-insensitive).
    pub fn from_path(path: &Path) -> Result<Format, ExchangeError> {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("parquet") => Ok(Format::Parquet),
            _ => Err(ExchangeError::UnsupportedExtension {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// The result of reading one table file: the valid rows and the rejected ones.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadOutcome {
    /// The rows that passed validation, in file order (monthly income: in order of the first row
    /// of each person and year).
    pub rows: TableRows,
    /// The rows that did not, in file order.
    pub rejected: Vec<RejectedRow>,
    /// Data rows read from the file, valid or not (monthly income: long rows, one per month).
    pub rows_read: u64,
}

/// A row that failed validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedRow {
    /// Where the row is: the 1-based line in a CSV file, counting the header (the first data row
    /// is line 2); in a Parquet file the 1-based row number plus one, so a row has the same
    /// number as in the CSV export of the same rows.
    pub line: u64,
    /// What is wrong, naming the column, e.g.
    /// `column person_id: check digit 2 should be 5, found 6`.
    pub reason: String,
    /// The row as CSV text.
    pub raw: String,
}

/// A structural problem with a table file; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// The file could not be opened, created, read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The extension is neither `.csv` nor `.parquet`.
    #[error("{}: unsupported file extension {} (use .csv or .parquet)", path.display(), describe_extension(path))]
    UnsupportedExtension {
        /// The file.
        path: PathBuf,
    },
    /// The table name is not one of [`crate::TABLES`].
    #[error("unknown table '{name}' (known tables: {known})", name = .0, known = known_tables())]
    UnknownTable(String),
    /// The header (CSV) or schema (Parquet) does not have the table's columns in order.
    #[error("{}: columns do not match table {table}: {}", path.display(), describe_header(expected, found))]
    Header {
        /// The file.
        path: PathBuf,
        /// The table asked for.
        table: String,
        /// The documented columns, in order.
        expected: Vec<String>,
        /// The columns found in the file, in order.
        found: Vec<String>,
    },
    /// The file holds another table than the one asked for.
    #[error("{}: the file holds table {found}, not {expected}", path.display())]
    WrongTable {
        /// The file.
        path: PathBuf,
        /// The table asked for.
        expected: String,
        /// The table the file's columns belong to.
        found: String,
    },
    /// A Parquet column has a type that cannot hold the documented values.
    #[error("{}: column {column} has type {found}, which cannot hold {kind} values", path.display())]
    ColumnType {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// The documented logical type (`id`, `date`, `int`, …).
        kind: String,
        /// The Arrow type found.
        found: String,
    },
    /// The CSV file could not be read or written (other than a bad row).
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: ::csv::Error,
    },
    /// The Parquet file could not be read or written.
    #[error("{}: {source}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: ::parquet::errors::ParquetError,
    },
    /// Arrow could not build or convert a batch of the Parquet file.
    #[error("{}: {source}", path.display())]
    Arrow {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: arrow::error::ArrowError,
    },
}

/// Writes one table to `path` in the format named by its extension and returns the number of
/// data rows written (monthly income: 12 per record).
///
/// The file holds the columns of [`registers::REGISTERS`] for the table, in order, with a header
/// (CSV) or schema (Parquet). Identity numbers are 11-digit text, organisation numbers 9-digit
/// text, kommunenummer 4-digit text, codes as `code()`, sex as `kvinne` / `mann`; dates are ISO
/// text in CSV and `Date32` in Parquet, integers and whole-NOK amounts `Int64` in Parquet; a
/// missing value is an empty cell or a null.
pub fn write_table(rows: &TableRows, path: &Path) -> Result<u64, ExchangeError> {
    let format = Format::from_path(path)?;
    let columns = columns_of(rows.table())?;
    let written = match format {
        Format::Csv => csv::write(rows, columns, path)?,
        Format::Parquet => parquet::write(rows, columns, path)?,
    };
    tracing::debug!(table = rows.table(), rows = written, path = %path.display(), "table written");
    Ok(written)
}

/// Reads one table file and validates every row.
///
/// Rows are checked column by column: identity and organisation numbers parse (check digits
/// included), dates are real ISO dates, codes are known, kommunenummer is in `municipalities`,
/// integers are whole numbers within range (position_pct 1–100, weekly_hours 1–80, month 1–12,
/// years 1900–2100, others within their type), required cells are not empty, and no key appears
/// twice in the file (persons: person_id; monthly_income: person_id, year and month;
/// tax_assessments: person_id and income_year; addresses: address_id; organisations: orgnr; the
/// first occurrence is kept). A bad row is returned as a [`RejectedRow`] and reading goes on.
///
/// Errors are structural: the file is missing or unreadable, the extension is unknown, the table
/// name is unknown, the header or schema does not match the table (or matches another table).
pub fn read_table(
    path: &Path,
    table: &str,
    municipalities: &Municipalities,
) -> Result<ReadOutcome, ExchangeError> {
    let format = Format::from_path(path)?;
    let columns = columns_of(table)?;
    let collector = tables::Collector::new(table, columns, municipalities)?;
    let outcome = match format {
        Format::Csv => csv::read(path, table, columns, collector)?,
        Format::Parquet => parquet::read(path, table, columns, collector)?,
    };
    tracing::debug!(
        table,
        rows_read = outcome.rows_read,
        rejected = outcome.rejected.len(),
        path = %path.display(),
        "table read"
    );
    Ok(outcome)
}

/// Writes rejected rows to a quarantine CSV file with the columns `line,reason,raw`.
pub fn write_quarantine(rejected: &[RejectedRow], path: &Path) -> Result<(), ExchangeError> {
    let csv_error = |source| ExchangeError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut writer = ::csv::Writer::from_path(path).map_err(csv_error)?;
    writer
        .write_record(["line", "reason", "raw"])
        .map_err(csv_error)?;
    for row in rejected {
        writer
            .write_record([row.line.to_string().as_str(), &row.reason, &row.raw])
            .map_err(csv_error)?;
    }
    writer.flush().map_err(|source| ExchangeError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The documented columns of a table.
fn columns_of(table: &str) -> Result<&'static [ColumnInfo], ExchangeError> {
    RegisterInfo::of_table(table)
        .map(|(_, info)| info.columns)
        .ok_or_else(|| ExchangeError::UnknownTable(table.to_string()))
}

/// Checks the column names found in a file against the table's; names another table when the
/// names are exactly that table's.
fn check_header(
    path: &Path,
    table: &str,
    columns: &[ColumnInfo],
    found: &[String],
) -> Result<(), ExchangeError> {
    if found.len() == columns.len() && found.iter().zip(columns).all(|(f, c)| f == c.name) {
        return Ok(());
    }
    let other = REGISTERS.iter().flat_map(|r| r.tables.iter()).find(|t| {
        t.name != table
            && t.columns.len() == found.len()
            && t.columns.iter().zip(found).all(|(c, f)| c.name == f)
    });
    if let Some(other) = other {
        return Err(ExchangeError::WrongTable {
            path: path.to_path_buf(),
            expected: table.to_string(),
            found: other.name.to_string(),
        });
    }
    Err(ExchangeError::Header {
        path: path.to_path_buf(),
        table: table.to_string(),
        expected: columns.iter().map(|c| c.name.to_string()).collect(),
        found: found.to_vec(),
    })
}

fn describe_extension(path: &Path) -> String {
    match path.extension() {
        Some(extension) => format!("'.{}'", extension.to_string_lossy()),
        None => "(none)".to_string(),
    }
}

fn known_tables() -> String {
    crate::rows::TABLES.join(", ")
}

/// Says which columns are missing, which are unexpected, or that the order is wrong.
fn describe_header(expected: &[String], found: &[String]) -> String {
    let missing: Vec<&str> = expected
        .iter()
        .filter(|e| !found.contains(e))
        .map(String::as_str)
        .collect();
    let unexpected: Vec<&str> = found
        .iter()
        .filter(|f| !expected.contains(f))
        .map(String::as_str)
        .collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!(
            "missing column{} {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        ));
    }
    if !unexpected.is_empty() {
        parts.push(format!(
            "unexpected column{} {}",
            if unexpected.len() == 1 { "" } else { "s" },
            unexpected.join(", ")
        ));
    }
    if parts.is_empty() {
        parts.push("columns are in the wrong order or repeated".to_string());
    }
    format!(
        "{} (expected {}; found {})",
        parts.join("; "),
        expected.join(","),
        if found.is_empty() {
            "no columns".to_string()
        } else {
            found.join(",")
        }
    )
}

/// One cell of a table row, typed, as the exchange formats write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// An empty cell (an optional value that is absent).
    Empty,
    /// Text or a code (identity numbers, organisation and municipality numbers are text with
    /// their leading zeros).
    Text(String),
    /// A whole number.
    Int(i64),
    /// A date.
    Date(chrono::NaiveDate),
}

/// The rows of a table as cells in the documented column order (the columns are
/// `RegisterInfo::of_table(rows.table())`), encoded exactly as the CSV and Parquet files are,
/// so an API response uses the same codes and columns as an export.
pub fn cells(rows: &TableRows) -> Vec<Vec<Cell>> {
    struct Cells {
        rows: Vec<Vec<Cell>>,
        row: Vec<Cell>,
    }
    impl tables::Sink for Cells {
        fn text(&mut self, value: &str) {
            self.row.push(Cell::Text(value.to_owned()));
        }
        fn int(&mut self, value: i64) {
            self.row.push(Cell::Int(value));
        }
        fn opt_int(&mut self, value: Option<i64>) {
            self.row.push(value.map_or(Cell::Empty, Cell::Int));
        }
        fn date(&mut self, value: chrono::NaiveDate) {
            self.row.push(Cell::Date(value));
        }
        fn opt_date(&mut self, value: Option<chrono::NaiveDate>) {
            self.row.push(value.map_or(Cell::Empty, Cell::Date));
        }
        fn end_row(&mut self) -> Result<(), ExchangeError> {
            self.rows.push(std::mem::take(&mut self.row));
            Ok(())
        }
    }
    let mut sink = Cells {
        rows: Vec::with_capacity(rows.len()),
        row: Vec::new(),
    };
    // The in-memory sink never fails.
    let _ = tables::write_rows(rows, &mut sink);
    sink.rows
}
