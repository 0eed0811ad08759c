//! Parquet files: one column per documented column, Snappy-compressed, written and read in Arrow
//! record batches of [`BATCH_ROWS`] rows.
//!
//! Written types: `Utf8` for identity numbers, organisation numbers, kommunenummer, codes and text;
//! `Int64` for integers and amounts; `Date32` for dates. Reading also accepts other integer widths,
//! floating point numbers (whole values only), `LargeUtf8`, `Utf8View` and dictionary-encoded
//! strings, `Date64`, and ISO dates or integers written as text.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, Date32Array, Date32Builder, Float64Array, Int64Array, Int64Builder,
    StringArray, StringBuilder,
};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field as ArrowField, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use registers::ColumnInfo;

use super::tables::{write_rows, Collector, Sink};
use super::validate::{date32, from_date32, raw_line, Field};
use super::{check_header, ExchangeError, ReadOutcome, RejectedRow};

/// Rows per Arrow record batch, written and read.
pub(crate) const BATCH_ROWS: usize = 64 * 1024;

/// The Arrow type a documented column is written as.
fn arrow_type(kind: &str) -> DataType {
    match kind {
        "int" | "nok" => DataType::Int64,
        "date" => DataType::Date32,
        _ => DataType::Utf8,
    }
}

/// The Arrow schema of a table, nullable as documented.
fn schema(columns: &[ColumnInfo]) -> SchemaRef {
    Arc::new(Schema::new(
        columns
            .iter()
            .map(|c| ArrowField::new(c.name, arrow_type(c.kind), c.nullable))
            .collect::<Vec<_>>(),
    ))
}

/// Writes every row of `rows`; returns the number of data rows.
pub(crate) fn write(
    rows: &crate::rows::TableRows,
    columns: &[ColumnInfo],
    path: &Path,
) -> Result<u64, ExchangeError> {
    let file = File::create(path).map_err(|source| ExchangeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let schema = schema(columns);
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("mulighetsrom store (table {})", rows.table()))
        .build();
    let writer =
        ArrowWriter::try_new(file, schema.clone(), Some(properties)).map_err(|source| {
            ExchangeError::Parquet {
                path: path.to_path_buf(),
                source,
            }
        })?;
    let builders = columns
        .iter()
        .map(|c| match arrow_type(c.kind) {
            DataType::Int64 => Builder::Int(Int64Builder::with_capacity(BATCH_ROWS)),
            DataType::Date32 => Builder::Date(Date32Builder::with_capacity(BATCH_ROWS)),
            _ => Builder::Text(StringBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * 12)),
        })
        .collect();
    let mut sink = ParquetSink {
        writer,
        schema,
        builders,
        column: 0,
        rows: 0,
        path,
    };
    let written = write_rows(rows, &mut sink)?;
    sink.flush()?;
    sink.writer
        .close()
        .map_err(|source| ExchangeError::Parquet {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(written)
}

enum Builder {
    Text(StringBuilder),
    Int(Int64Builder),
    Date(Date32Builder),
}

struct ParquetSink<'p> {
    writer: ArrowWriter<File>,
    schema: SchemaRef,
    builders: Vec<Builder>,
    /// The next column of the current row.
    column: usize,
    /// Rows in the current batch.
    rows: usize,
    path: &'p Path,
}

impl ParquetSink<'_> {
    fn next(&mut self) -> &mut Builder {
        let builder = &mut self.builders[self.column];
        self.column += 1;
        builder
    }

    fn flush(&mut self) -> Result<(), ExchangeError> {
        if self.rows == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(|builder| -> ArrayRef {
                match builder {
                    Builder::Text(b) => Arc::new(b.finish()),
                    Builder::Int(b) => Arc::new(b.finish()),
                    Builder::Date(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        self.rows = 0;
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(|source| {
            ExchangeError::Arrow {
                path: self.path.to_path_buf(),
                source,
            }
        })?;
        self.writer
            .write(&batch)
            .map_err(|source| ExchangeError::Parquet {
                path: self.path.to_path_buf(),
                source,
            })
    }
}

impl Sink for ParquetSink<'_> {
    fn text(&mut self, value: &str) {
        match self.next() {
            Builder::Text(b) => b.append_value(value),
            _ => unreachable!("text cell in a non-text column"),
        }
    }

    fn int(&mut self, value: i64) {
        self.opt_int(Some(value));
    }

    fn opt_int(&mut self, value: Option<i64>) {
        match self.next() {
            Builder::Int(b) => b.append_option(value),
            _ => unreachable!("integer cell in a non-integer column"),
        }
    }

    fn date(&mut self, value: NaiveDate) {
        self.opt_date(Some(value));
    }

    fn opt_date(&mut self, value: Option<NaiveDate>) {
        match self.next() {
            Builder::Date(b) => b.append_option(value.map(date32)),
            _ => unreachable!("date cell in a non-date column"),
        }
    }

    fn end_row(&mut self) -> Result<(), ExchangeError> {
        debug_assert_eq!(self.column, self.builders.len(), "row has every column");
        self.column = 0;
        self.rows += 1;
        if self.rows == BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }
}

/// How a column of the file is read.
#[derive(Clone, Copy)]
enum Plan {
    /// Strings, parsed as text.
    Text,
    /// Integers as `Int64`.
    Int,
    /// Floating point as `Float64`.
    Float,
    /// Dates as `Date32`.
    Date,
    /// A column of nulls only.
    Null,
}

impl Plan {
    /// The type the column is cast to before reading, if not already.
    fn target(self) -> Option<DataType> {
        match self {
            Plan::Text => Some(DataType::Utf8),
            Plan::Int => Some(DataType::Int64),
            Plan::Float => Some(DataType::Float64),
            Plan::Date => Some(DataType::Date32),
            Plan::Null => None,
        }
    }
}

/// How a column of `found` type is read for a documented column of `kind`, or `None` when the
/// type cannot hold the values.
fn plan(kind: &str, found: &DataType) -> Option<Plan> {
    let is_string = match found {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, value) => {
            matches!(**value, DataType::Utf8 | DataType::LargeUtf8)
        }
        _ => false,
    };
    if is_string {
        return Some(Plan::Text);
    }
    if *found == DataType::Null {
        return Some(Plan::Null);
    }
    match kind {
        "int" | "nok" if found.is_integer() => Some(Plan::Int),
        "int" | "nok" if found.is_floating() => Some(Plan::Float),
        "date" if matches!(found, DataType::Date32 | DataType::Date64) => Some(Plan::Date),
        _ => None,
    }
}

/// One column of a batch, ready to read cell by cell.
enum View<'a> {
    Text(&'a StringArray),
    Int(&'a Int64Array),
    Float(&'a Float64Array),
    Date(&'a Date32Array),
    Null,
}

impl<'a> View<'a> {
    fn new(plan: Plan, array: &'a ArrayRef) -> View<'a> {
        let any = array.as_any();
        let expect = "cast to the planned type";
        match plan {
            Plan::Text => View::Text(any.downcast_ref().expect(expect)),
            Plan::Int => View::Int(any.downcast_ref().expect(expect)),
            Plan::Float => View::Float(any.downcast_ref().expect(expect)),
            Plan::Date => View::Date(any.downcast_ref().expect(expect)),
            Plan::Null => View::Null,
        }
    }

    fn get(&self, row: usize) -> Field<'a> {
        match self {
            View::Null => Field::Empty,
            View::Text(a) if a.is_valid(row) => Field::text(a.value(row)),
            View::Int(a) if a.is_valid(row) => Field::Int(a.value(row)),
            View::Float(a) if a.is_valid(row) => Field::Float(a.value(row)),
            View::Date(a) if a.is_valid(row) => {
                let days = a.value(row);
                from_date32(days).map_or(Field::Int(i64::from(days)), Field::Date)
            }
            _ => Field::Empty,
        }
    }
}

/// Reads and validates every row of a Parquet file of `table`.
pub(crate) fn read(
    path: &Path,
    table: &str,
    columns: &'static [ColumnInfo],
    mut collector: Collector<'_>,
) -> Result<ReadOutcome, ExchangeError> {
    let parquet_error = |source| ExchangeError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(|source| ExchangeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_error)?;
    let file_schema = builder.schema().clone();
    let names: Vec<String> = file_schema
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    check_header(path, table, columns, &names)?;
    let plans = columns
        .iter()
        .zip(file_schema.fields())
        .map(|(column, field)| {
            plan(column.kind, field.data_type()).ok_or_else(|| ExchangeError::ColumnType {
                path: path.to_path_buf(),
                column: column.name.to_string(),
                kind: column.kind.to_string(),
                found: field.data_type().to_string(),
            })
        })
        .collect::<Result<Vec<Plan>, _>>()?;
    let reader = builder
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(parquet_error)?;

    let arrow_error = |source| ExchangeError::Arrow {
        path: path.to_path_buf(),
        source,
    };
    let mut rejected = Vec::new();
    let mut rows_read = 0u64;
    for batch in reader {
        let batch = batch.map_err(arrow_error)?;
        let arrays = batch
            .columns()
            .iter()
            .zip(&plans)
            .map(|(array, plan)| match plan.target() {
                Some(target) if *array.data_type() != target => cast(array, &target),
                _ => Ok(array.clone()),
            })
            .collect::<Result<Vec<ArrayRef>, _>>()
            .map_err(arrow_error)?;
        let views: Vec<View<'_>> = plans
            .iter()
            .zip(&arrays)
            .map(|(plan, array)| View::new(*plan, array))
            .collect();
        let mut fields = Vec::with_capacity(columns.len());
        for row in 0..batch.num_rows() {
            rows_read += 1;
            let line = rows_read + 1;
            fields.clear();
            fields.extend(views.iter().map(|view| view.get(row)));
            if let Err(reason) = collector.push(&fields, line) {
                let raw = raw_line(fields.iter().map(|field| field.to_raw()));
                rejected.push(RejectedRow { line, reason, raw });
            }
        }
    }
    Ok(ReadOutcome {
        rows: collector.finish(),
        rejected,
        rows_read,
    })
}
