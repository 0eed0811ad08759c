//! Register rows as the API returns them: JSON objects keyed by the documented column names.
//! (The citizen's insight report is `governance::insight`, shared with the CLI.)

use registers::{RegisterInfo, Registers};
use serde_json::{Map, Value};
use store::{Cell, TableRows, TABLES};

/// The tables of `registers` that hold rows, as JSON objects keyed by the documented column
/// names (the same columns and codes as an export).
pub fn registers_json(registers: &Registers) -> Map<String, Value> {
    let mut out = Map::new();
    for table in TABLES {
        let Some(rows) = TableRows::from_registers(registers, table) else {
            continue;
        };
        if rows.is_empty() {
            continue;
        }
        let Some((_, info)) = RegisterInfo::of_table(table) else {
            continue;
        };
        let list: Vec<Value> = store::cells(&rows)
            .into_iter()
            .map(|row| {
                let mut obj = Map::new();
                for (col, cell) in info.columns.iter().zip(row) {
                    let v = match cell {
                        Cell::Empty => Value::Null,
                        Cell::Text(s) => Value::String(s),
                        Cell::Int(i) => Value::from(i),
                        Cell::Date(d) => Value::String(d.format("%Y-%m-%d").to_string()),
                    };
                    obj.insert(col.name.to_owned(), v);
                }
                Value::Object(obj)
            })
            .collect();
        out.insert(table.to_owned(), Value::Array(list));
    }
    out
}
