//! Rows as text records, for reports that show a person their own data (citizen insight) in
//! exactly the columns and formats of the file exchange.

use chrono::NaiveDate;

use super::tables::{write_rows, Sink};
use super::validate::{format_date, format_int};
use super::ExchangeError;
use crate::rows::TableRows;

/// One row: one cell per documented column, `None` for an empty cell.
pub type Record = Vec<Option<String>>;

/// Every row of `rows` as text records in the documented column order (monthly income: one
/// record per month, as in the exchange files).
pub fn table_records(rows: &TableRows) -> Result<Vec<Record>, ExchangeError> {
    let mut sink = RecordSink::default();
    write_rows(rows, &mut sink)?;
    Ok(sink.records)
}

#[derive(Default)]
struct RecordSink {
    records: Vec<Record>,
    current: Record,
}

impl Sink for RecordSink {
    fn text(&mut self, value: &str) {
        self.current.push(Some(value.to_owned()));
    }

    fn int(&mut self, value: i64) {
        let mut buffer = [0; 20];
        self.current
            .push(Some(format_int(value, &mut buffer).to_owned()));
    }

    fn opt_int(&mut self, value: Option<i64>) {
        match value {
            Some(v) => self.int(v),
            None => self.current.push(None),
        }
    }

    fn date(&mut self, value: NaiveDate) {
        let mut buffer = [0; 10];
        self.current
            .push(Some(format_date(value, &mut buffer).to_owned()));
    }

    fn opt_date(&mut self, value: Option<NaiveDate>) {
        match value {
            Some(v) => self.date(v),
            None => self.current.push(None),
        }
    }

    fn end_row(&mut self) -> Result<(), ExchangeError> {
        self.records.push(std::mem::take(&mut self.current));
        Ok(())
    }
}
