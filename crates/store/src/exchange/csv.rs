//! CSV files: a header line with the documented column names, then one line per row.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use chrono::NaiveDate;
use registers::ColumnInfo;

use super::tables::{write_rows, Collector, Sink};
use super::validate::{format_date, format_int, raw_line, Field};
use super::{check_header, ExchangeError, ReadOutcome, RejectedRow};

/// More columns than any table has.
const MAX_COLUMNS: usize = 16;

/// Writes every row of `rows` with a header line; returns the number of data rows.
pub(crate) fn write(
    rows: &crate::rows::TableRows,
    columns: &[ColumnInfo],
    path: &Path,
) -> Result<u64, ExchangeError> {
    let file = File::create(path).map_err(|source| ExchangeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut writer = ::csv::WriterBuilder::new()
        .buffer_capacity(1 << 20)
        .from_writer(BufWriter::with_capacity(1 << 16, file));
    let csv_error = |source| ExchangeError::Csv {
        path: path.to_path_buf(),
        source,
    };
    writer
        .write_record(columns.iter().map(|c| c.name))
        .map_err(csv_error)?;
    let mut sink = CsvSink {
        writer,
        error: None,
        path,
    };
    let written = write_rows(rows, &mut sink)?;
    sink.writer.flush().map_err(|source| ExchangeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(written)
}

struct CsvSink<'p> {
    writer: ::csv::Writer<BufWriter<File>>,
    /// The first write error, reported at the end of the row.
    error: Option<::csv::Error>,
    path: &'p Path,
}

impl CsvSink<'_> {
    fn field(&mut self, bytes: &[u8]) {
        if let Err(error) = self.writer.write_field(bytes) {
            self.error.get_or_insert(error);
        }
    }
}

impl Sink for CsvSink<'_> {
    fn text(&mut self, value: &str) {
        self.field(value.as_bytes());
    }

    fn int(&mut self, value: i64) {
        let mut buffer = [0; 20];
        self.field(format_int(value, &mut buffer).as_bytes());
    }

    fn opt_int(&mut self, value: Option<i64>) {
        match value {
            Some(value) => self.int(value),
            None => self.field(b""),
        }
    }

    fn date(&mut self, value: NaiveDate) {
        let mut buffer = [0; 10];
        self.field(format_date(value, &mut buffer).as_bytes());
    }

    fn opt_date(&mut self, value: Option<NaiveDate>) {
        match value {
            Some(value) => self.date(value),
            None => self.field(b""),
        }
    }

    fn end_row(&mut self) -> Result<(), ExchangeError> {
        if let Err(error) = self.writer.write_record(None::<&[u8]>) {
            self.error.get_or_insert(error);
        }
        match self.error.take() {
            None => Ok(()),
            Some(source) => Err(ExchangeError::Csv {
                path: self.path.to_path_buf(),
                source,
            }),
        }
    }
}

/// Reads and validates every row of a CSV file of `table`.
pub(crate) fn read(
    path: &Path,
    table: &str,
    columns: &'static [ColumnInfo],
    mut collector: Collector<'_>,
) -> Result<ReadOutcome, ExchangeError> {
    let file = File::open(path).map_err(|source| ExchangeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let csv_error = |source| ExchangeError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(file);
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(csv_error)?
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let name = String::from_utf8_lossy(name);
            let name = if i == 0 {
                name.trim_start_matches('\u{feff}')
            } else {
                &name
            };
            name.trim().to_string()
        })
        .collect();
    check_header(path, table, columns, &header)?;

    let mut record = ::csv::ByteRecord::new();
    let mut rejected = Vec::new();
    let mut rows_read = 0u64;
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        rows_read += 1;
        let line = record.position().map_or(rows_read + 1, |p| p.line());
        // Cells beyond the documented ones are only counted, for the message.
        let mut fields = [Field::Empty; MAX_COLUMNS];
        let mut verdict = Ok(());
        for (i, cell) in record.iter().enumerate().take(MAX_COLUMNS) {
            match std::str::from_utf8(cell) {
                Ok(text) => fields[i] = Field::text(text),
                Err(_) => {
                    let name = columns.get(i).map_or("(extra)", |c| c.name);
                    verdict = Err(format!("column {name}: not valid UTF-8"));
                    break;
                }
            }
        }
        if verdict.is_ok() {
            verdict = if record.len() == columns.len() {
                collector.push(&fields[..columns.len()], line)
            } else {
                Err(format!(
                    "expected {} columns, found {}",
                    columns.len(),
                    record.len()
                ))
            };
        }
        if let Err(reason) = verdict {
            let raw = raw_line(
                record
                    .iter()
                    .map(|cell| String::from_utf8_lossy(cell).into_owned()),
            );
            rejected.push(RejectedRow { line, reason, raw });
        }
    }
    Ok(ReadOutcome {
        rows: collector.finish(),
        rejected,
        rows_read,
    })
}
