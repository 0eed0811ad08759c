//! Dated legal parameters loaded from YAML files laid out like the law.
//!
//! A parameter file `law/parameters/kindergarten/makspris/general.yaml` is the parameter
//! `kindergarten.makspris.general`. Each file has a `description`, a `unit`, a `reference` (the
//! official text: URL or ELI and paragraph), optionally `choices` (the allowed values of a
//! documented method choice) and `documentation`, and `values` keyed by ISO from-date. Every
//! dated value carries its `source` and a `status` (`verified` or `unverified`); `value: null`
//! records a repeal or a period for which no value is known, never a silent carry-forward.
//!
//! A value applies from its date until the next one. Asking for a date before the first value is
//! an error that names the parameter and the file to extend: the engine never guesses.

use crate::value::{Decimal, Rounding, Value};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How far a value is confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Confirmed by the cited public source.
    Verified,
    /// Not confirmed from public sources: must be shown as such wherever it is used.
    Unverified,
    /// Set by a reform file or a test, not by law.
    Override,
}

impl Status {
    /// The spelling used in files and explanations.
    pub fn code(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Unverified => "unverified",
            Status::Override => "override",
        }
    }
}

/// One dated value of a parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct DatedValue {
    /// First day the value applies.
    pub from: NaiveDate,
    /// The value; `None` is an explicit null (repealed, or no value known from this date).
    pub value: Option<Value>,
    /// Where the value comes from (regulation §, Stortingsvedtak, URL).
    pub source: String,
    /// Whether the source confirms it.
    pub status: Status,
    /// Optional remark (e.g. which municipalities confirm it, or why it is null).
    pub note: Option<String>,
}

/// A parameter: its documentation and its dated values, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Dotted path (`kindergarten.makspris.general`).
    pub path: String,
    /// The file it was loaded from (or the origin name given to [`Parameters::add_yaml`]).
    pub file: String,
    /// What the parameter is.
    pub description: String,
    /// Its unit (`currency:NOK/month`, `/1`, `hours/week`, `choice`, …).
    pub unit: String,
    /// The legal text it comes from.
    pub reference: String,
    /// For method choices: the allowed values.
    pub choices: Vec<String>,
    /// Longer documentation, e.g. what each choice means and why the default was chosen.
    pub documentation: Option<String>,
    /// Dated values, oldest first.
    pub values: Vec<DatedValue>,
}

impl Parameter {
    /// The dated value in force on `date`, if any value starts on or before it.
    pub fn value_on(&self, date: NaiveDate) -> Option<&DatedValue> {
        let index = self.values.partition_point(|v| v.from <= date);
        index.checked_sub(1).map(|i| &self.values[i])
    }
}

/// Which parameter value a rule used: recorded in every explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParameterUse {
    /// Dotted parameter path.
    pub path: String,
    /// The from-date of the value used.
    pub from: NaiveDate,
    /// Its status.
    pub status: Status,
    /// The value itself.
    pub value: Value,
}

/// A typed parameter value together with the record of its use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved<T> {
    /// The value.
    pub value: T,
    /// What was used, for the explanation.
    pub used: ParameterUse,
}

/// Why a parameter file could not be loaded. `Display` starts with `file:line:` where known.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// The file is not valid YAML.
    #[error("{file}:{line}:{column}: not valid YAML: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The YAML is valid but a key is missing or wrong.
    #[error("{file}:{}: {key}: {message}", line.map_or("?".to_string(), |l| l.to_string()))]
    Invalid {
        /// The file.
        file: String,
        /// 1-based line of the key, where it could be found.
        line: Option<usize>,
        /// The key path inside the file (`values.2024-08-01.status`).
        key: String,
        /// What is wrong.
        message: String,
    },
    /// Two files define the same parameter path.
    #[error("parameter {path} is defined twice: in {first} and {second}")]
    Duplicate {
        /// The parameter path.
        path: String,
        /// The first file.
        first: String,
        /// The second file.
        second: String,
    },
}

/// Why a parameter has no usable value on a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParameterError {
    /// No such parameter.
    #[error("unknown parameter {path} (no file law/parameters/{})", path.replace('.', "/") + ".yaml")]
    Unknown {
        /// The path asked for.
        path: String,
    },
    /// The date lies before the first value.
    #[error("parameter {path} has no value on {date}: its first value starts {first}; extend {file} with a value from {date} or earlier")]
    BeforeFirstValue {
        /// The parameter.
        path: String,
        /// The date asked for.
        date: NaiveDate,
        /// The first from-date in the file.
        first: NaiveDate,
        /// The file to extend.
        file: String,
    },
    /// The value in force is an explicit null.
    #[error("parameter {path} has no value on {date}: it is null from {since} in {file}{}", note.as_ref().map_or(String::new(), |n| format!(" ({n})")))]
    NoValue {
        /// The parameter.
        path: String,
        /// The date asked for.
        date: NaiveDate,
        /// From-date of the null.
        since: NaiveDate,
        /// The file.
        file: String,
        /// The file's note on the null.
        note: Option<String>,
    },
    /// The value has another type than the rule needs.
    #[error("parameter {path} (value from {from} in {file}) is {found}, expected {expected}")]
    WrongType {
        /// The parameter.
        path: String,
        /// From-date of the value.
        from: NaiveDate,
        /// The file.
        file: String,
        /// What the rule needs.
        expected: &'static str,
        /// What the file holds.
        found: String,
    },
}

impl ParameterError {
    /// The parameter path the error is about.
    pub fn path(&self) -> &str {
        match self {
            ParameterError::Unknown { path }
            | ParameterError::BeforeFirstValue { path, .. }
            | ParameterError::NoValue { path, .. }
            | ParameterError::WrongType { path, .. } => path,
        }
    }
}

/// All loaded parameters, by dotted path.
#[derive(Clone, Debug, Default)]
pub struct Parameters {
    by_path: BTreeMap<String, Parameter>,
}

impl Parameters {
    /// No parameters.
    pub fn new() -> Parameters {
        Parameters::default()
    }

    /// Loads every `*.yaml` file under `root` (recursively); the path of a file relative to `root`
    /// is the parameter's name. `index.yaml` files describe their folder and hold no values.
    pub fn load_dir(root: &Path) -> Result<Parameters, LoadError> {
        let mut files = Vec::new();
        collect_yaml_files(root, &mut files)?;
        files.sort();
        let mut parameters = Parameters::new();
        for file in files {
            let relative = file.strip_prefix(root).unwrap_or(&file);
            let mut components: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let last = components.pop().unwrap_or_default();
            let stem = last
                .strip_suffix(".yaml")
                .or_else(|| last.strip_suffix(".yml"))
                .unwrap_or(&last)
                .to_string();
            let text = std::fs::read_to_string(&file).map_err(|source| LoadError::Io {
                path: file.clone(),
                source,
            })?;
            let origin = file.display().to_string();
            if stem == "index" {
                parse_mapping(&text, &origin)?;
                continue;
            }
            components.push(stem);
            parameters.add_yaml(&components.join("."), &text, &origin)?;
        }
        Ok(parameters)
    }

    /// Adds one parameter from the text of its file; `origin` names the file in errors.
    pub fn add_yaml(&mut self, path: &str, text: &str, origin: &str) -> Result<(), LoadError> {
        let parameter = parse_parameter(path, text, origin)?;
        if let Some(existing) = self.by_path.get(path) {
            return Err(LoadError::Duplicate {
                path: path.to_string(),
                first: existing.file.clone(),
                second: origin.to_string(),
            });
        }
        self.by_path.insert(path.to_string(), parameter);
        Ok(())
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    /// Whether none are loaded.
    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// All parameters, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = &Parameter> {
        self.by_path.values()
    }

    /// One parameter with its documentation and history.
    pub fn parameter(&self, path: &str) -> Result<&Parameter, ParameterError> {
        self.by_path
            .get(path)
            .ok_or_else(|| ParameterError::Unknown {
                path: path.to_string(),
            })
    }

    /// The value of `path` on `date`.
    ///
    /// Refuses a date before the first value ([`ParameterError::BeforeFirstValue`], naming the
    /// parameter and the file to extend) and a date covered by an explicit null
    /// ([`ParameterError::NoValue`]).
    pub fn get(&self, path: &str, date: NaiveDate) -> Result<Value, ParameterError> {
        self.lookup(path, date).map(|r| r.value)
    }

    /// The value of `path` on `date` with the record of its use.
    pub fn lookup(&self, path: &str, date: NaiveDate) -> Result<Resolved<Value>, ParameterError> {
        let parameter = self.parameter(path)?;
        let dated = parameter
            .value_on(date)
            .ok_or_else(|| ParameterError::BeforeFirstValue {
                path: path.to_string(),
                date,
                first: parameter.values[0].from,
                file: parameter.file.clone(),
            })?;
        let value = dated.value.clone().ok_or_else(|| ParameterError::NoValue {
            path: path.to_string(),
            date,
            since: dated.from,
            file: parameter.file.clone(),
            note: dated.note.clone(),
        })?;
        Ok(Resolved {
            used: ParameterUse {
                path: path.to_string(),
                from: dated.from,
                status: dated.status,
                value: value.clone(),
            },
            value,
        })
    }

    /// Like [`Parameters::lookup`], but a date before the first value gives `Ok(None)`: for rules
    /// whose legal basis says that something else applies until the parameter is introduced
    /// (the caller must document that rule).
    pub fn introduced(
        &self,
        path: &str,
        date: NaiveDate,
    ) -> Result<Option<Resolved<Value>>, ParameterError> {
        match self.lookup(path, date) {
            Ok(resolved) => Ok(Some(resolved)),
            Err(ParameterError::BeforeFirstValue { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// A whole-number parameter (NOK, hours, counts).
    pub fn integer(&self, path: &str, date: NaiveDate) -> Result<Resolved<i64>, ParameterError> {
        let resolved = self.lookup(path, date)?;
        match resolved.value {
            Value::Integer(v) => Ok(Resolved {
                value: v,
                used: resolved.used,
            }),
            other => Err(self.wrong_type(path, &resolved.used, "an integer", &other)),
        }
    }

    /// A decimal parameter (rates); whole numbers are accepted.
    pub fn decimal(
        &self,
        path: &str,
        date: NaiveDate,
    ) -> Result<Resolved<Decimal>, ParameterError> {
        let resolved = self.lookup(path, date)?;
        match resolved.value {
            Value::Decimal(v) => Ok(Resolved {
                value: v,
                used: resolved.used,
            }),
            Value::Integer(v) => Ok(Resolved {
                value: Decimal::from_integer(v),
                used: resolved.used,
            }),
            other => Err(self.wrong_type(path, &resolved.used, "a decimal", &other)),
        }
    }

    /// A text parameter (a documented method choice).
    pub fn text(&self, path: &str, date: NaiveDate) -> Result<Resolved<String>, ParameterError> {
        let resolved = self.lookup(path, date)?;
        match resolved.value {
            Value::Text(v) => Ok(Resolved {
                value: v,
                used: resolved.used,
            }),
            other => Err(self.wrong_type(path, &resolved.used, "a text", &other)),
        }
    }

    /// A rounding rule (`nearest`, `down` or `up`).
    pub fn rounding(
        &self,
        path: &str,
        date: NaiveDate,
    ) -> Result<Resolved<Rounding>, ParameterError> {
        let resolved = self.text(path, date)?;
        match Rounding::from_code(&resolved.value) {
            Some(rounding) => Ok(Resolved {
                value: rounding,
                used: resolved.used,
            }),
            None => Err(self.wrong_type(
                path,
                &resolved.used,
                "a rounding rule (nearest, down or up)",
                &Value::Text(resolved.value.clone()),
            )),
        }
    }

    /// Sets `path` to `value` from `from` on, dropping later values (a reform or a test
    /// override). `None` records an explicit null. The value is marked [`Status::Override`].
    pub fn set_from(
        &mut self,
        path: &str,
        from: NaiveDate,
        value: Option<Value>,
        source: &str,
    ) -> Result<(), ParameterError> {
        let parameter = self
            .by_path
            .get_mut(path)
            .ok_or_else(|| ParameterError::Unknown {
                path: path.to_string(),
            })?;
        if let Some(v) = &value {
            check_choice(parameter, v).map_err(|message| ParameterError::WrongType {
                path: path.to_string(),
                from,
                file: source.to_string(),
                expected: "one of the documented choices",
                found: message,
            })?;
        }
        parameter.values.retain(|v| v.from < from);
        parameter.values.push(DatedValue {
            from,
            value,
            source: source.to_string(),
            status: Status::Override,
            note: None,
        });
        Ok(())
    }

    /// Replaces the whole history of `path` by one value valid for all dates (for tests).
    pub fn set_always(
        &mut self,
        path: &str,
        value: Value,
        source: &str,
    ) -> Result<(), ParameterError> {
        self.set_from(path, NaiveDate::MIN, Some(value), source)
    }

    fn wrong_type(
        &self,
        path: &str,
        used: &ParameterUse,
        expected: &'static str,
        found: &Value,
    ) -> ParameterError {
        ParameterError::WrongType {
            path: path.to_string(),
            from: used.from,
            file: self
                .by_path
                .get(path)
                .map_or_else(String::new, |p| p.file.clone()),
            expected,
            found: format!("{} {found}", found.kind()),
        }
    }
}

fn check_choice(parameter: &Parameter, value: &Value) -> Result<(), String> {
    if parameter.choices.is_empty() {
        return Ok(());
    }
    match value {
        Value::Text(t) if parameter.choices.iter().any(|c| c == t) => Ok(()),
        other => Err(format!(
            "'{other}' (allowed: {})",
            parameter.choices.join(", ")
        )),
    }
}

fn collect_yaml_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        if path.is_dir() {
            collect_yaml_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

type Mapping = serde_norway::Mapping;

/// Parses YAML text into a mapping, with line and column on syntax errors.
pub(crate) fn parse_mapping(text: &str, origin: &str) -> Result<Mapping, LoadError> {
    let value: serde_norway::Value =
        serde_norway::from_str(text).map_err(|e| syntax_error(&e, origin))?;
    match value {
        serde_norway::Value::Mapping(m) => Ok(m),
        _ => Err(LoadError::Invalid {
            file: origin.to_string(),
            line: Some(1),
            key: "(top)".to_string(),
            message: "expected a mapping of keys (description, unit, reference, values)".into(),
        }),
    }
}

pub(crate) fn syntax_error(error: &serde_norway::Error, origin: &str) -> LoadError {
    let (line, column) = error.location().map_or((0, 0), |l| (l.line(), l.column()));
    LoadError::Syntax {
        file: origin.to_string(),
        line,
        column,
        message: error.to_string(),
    }
}

/// The 1-based line of a key path in the text: the first line starting with the first key, then
/// the first line below it (and indented deeper) starting with the next key, and so on. When a
/// deeper key is absent (a missing key), the line of its parent is given.
pub(crate) fn line_of(text: &str, keys: &[&str]) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let indent_of = |line: &str| line.len() - line.trim_start().len();
    let mut start = 0;
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    for key in keys {
        let mut hit = None;
        for (i, line) in lines.iter().enumerate().skip(start) {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let indent = indent_of(line);
            if parent_indent.is_some_and(|p| indent <= p) {
                break;
            }
            let t = line.trim_start().trim_start_matches("- ");
            if t.starts_with(&format!("{key}:"))
                || t.starts_with(&format!("'{key}':"))
                || t.starts_with(&format!("\"{key}\":"))
            {
                hit = Some((i, indent));
                break;
            }
        }
        match hit {
            Some((i, indent)) => {
                found = Some(i + 1);
                start = i + 1;
                parent_indent = Some(indent);
            }
            None => return found,
        }
    }
    found
}

/// Converts a YAML scalar to a [`Value`]; `Ok(None)` for null.
pub(crate) fn yaml_to_value(value: &serde_norway::Value) -> Result<Option<Value>, String> {
    use serde_norway::Value as Y;
    match value {
        Y::Null => Ok(None),
        Y::Bool(b) => Ok(Some(Value::Bool(*b))),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(Value::Integer(i)))
            } else {
                let decimal: Decimal = n.to_string().parse().map_err(|e| format!("{e}"))?;
                Ok(Some(Value::Decimal(decimal)))
            }
        }
        Y::String(s) => Ok(Some(Value::Text(s.clone()))),
        Y::Sequence(_) | Y::Mapping(_) | Y::Tagged(_) => {
            Err("expected a single value (number, text, true/false or null)".to_string())
        }
    }
}

fn at<'a>(date: &'a str, sub: &'a str) -> [&'a str; 3] {
    ["values", date, sub]
}

fn parse_parameter(path: &str, text: &str, origin: &str) -> Result<Parameter, LoadError> {
    let mapping = parse_mapping(text, origin)?;
    let invalid = |keys: &[&str], message: String| LoadError::Invalid {
        file: origin.to_string(),
        line: line_of(text, keys),
        key: keys.join("."),
        message,
    };
    const KEYS: [&str; 7] = [
        "description",
        "unit",
        "reference",
        "choices",
        "documentation",
        "values",
        "note",
    ];
    for key in mapping.keys() {
        let name = key.as_str().unwrap_or("");
        if !KEYS.contains(&name) {
            return Err(invalid(
                &[name],
                format!("unknown key (allowed: {})", KEYS.join(", ")),
            ));
        }
    }
    let text_field = |key: &str| -> Result<String, LoadError> {
        match mapping.get(key) {
            Some(serde_norway::Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(_) => Err(invalid(&[key], "must be a non-empty text".into())),
            None => Err(LoadError::Invalid {
                file: origin.to_string(),
                line: None,
                key: key.to_string(),
                message:
                    "missing (every parameter file needs description, unit, reference and values)"
                        .into(),
            }),
        }
    };
    let description = text_field("description")?;
    let unit = text_field("unit")?;
    let reference = text_field("reference")?;
    let documentation = match mapping.get("documentation") {
        None => None,
        Some(serde_norway::Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(invalid(&["documentation"], "must be a text".into())),
    };
    let choices = match mapping.get("choices") {
        None => Vec::new(),
        Some(serde_norway::Value::Sequence(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid(&["choices"], "every choice must be a text".into()))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid(&["choices"], "must be a list of texts".into())),
    };
    let values_yaml =
        match mapping.get("values") {
            Some(serde_norway::Value::Mapping(m)) if !m.is_empty() => m,
            Some(_) => {
                return Err(invalid(
                    &["values"],
                    "must be a non-empty mapping keyed by ISO from-date".into(),
                ))
            }
            None => return Err(LoadError::Invalid {
                file: origin.to_string(),
                line: None,
                key: "values".into(),
                message:
                    "missing (every parameter file needs description, unit, reference and values)"
                        .into(),
            }),
        };
    let mut parameter = Parameter {
        path: path.to_string(),
        file: origin.to_string(),
        description,
        unit,
        reference,
        choices,
        documentation,
        values: Vec::new(),
    };
    for (key, entry) in values_yaml {
        let date_text = key.as_str().map(str::to_string).unwrap_or_else(|| {
            serde_norway::to_string(key)
                .unwrap_or_default()
                .trim()
                .to_string()
        });
        let from = crate::value::parse_iso_date(&date_text).ok_or_else(|| {
            invalid(
                &["values", &date_text],
                format!("'{date_text}' is not an ISO date (YYYY-MM-DD)"),
            )
        })?;
        let entry = match entry {
            serde_norway::Value::Mapping(m) => m,
            _ => {
                return Err(invalid(
                    &["values", &date_text],
                    "must be a mapping with value, source and status".into(),
                ))
            }
        };
        for sub in entry.keys() {
            let name = sub.as_str().unwrap_or("");
            if !["value", "source", "status", "note", "reference"].contains(&name) {
                return Err(invalid(
                    &at(&date_text, name),
                    "unknown key (allowed: value, source, status, note, reference)".into(),
                ));
            }
        }
        let value_yaml = entry.get("value").ok_or_else(|| {
            invalid(
                &["values", &date_text],
                "missing 'value' (write 'value: null' for a repeal)".into(),
            )
        })?;
        let value = yaml_to_value(value_yaml).map_err(|m| invalid(&at(&date_text, "value"), m))?;
        if let Some(v) = &value {
            check_choice(&parameter, v).map_err(|m| {
                invalid(
                    &at(&date_text, "value"),
                    format!("{m} is not one of the documented choices"),
                )
            })?;
        }
        let source = match entry.get("source") {
            Some(serde_norway::Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => {
                return Err(invalid(
                    &at(&date_text, "source"),
                    "every value needs a source (regulation §, Stortingsvedtak or URL)".into(),
                ))
            }
        };
        let status = match entry.get("status").and_then(|s| s.as_str()) {
            Some("verified") => Status::Verified,
            Some("unverified") => Status::Unverified,
            Some(other) => {
                return Err(invalid(
                    &at(&date_text, "status"),
                    format!("status must be verified or unverified, found '{other}'"),
                ))
            }
            None => {
                return Err(invalid(
                    &at(&date_text, "status"),
                    "every value needs a status: verified or unverified".into(),
                ))
            }
        };
        let note = match (entry.get("note"), entry.get("reference")) {
            (None, None) => None,
            (note, reference) => {
                let parts: Vec<String> = [note, reference]
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                Some(parts.join("; "))
            }
        };
        parameter.values.push(DatedValue {
            from,
            value,
            source,
            status,
            note,
        });
    }
    parameter.values.sort_by_key(|v| v.from);
    for pair in parameter.values.windows(2) {
        if pair[0].from == pair[1].from {
            return Err(invalid(
                &["values", &pair[0].from.to_string()],
                "two values from the same date".into(),
            ));
        }
    }
    Ok(parameter)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAKSPRIS: &str = "\
description: Makspris
unit: currency:NOK/month
reference: FOR-2005-12-16-1478 § 1
values:
  2023-01-01:
    value: 3000
    source: regjeringen.no id2930586
    status: verified
  2024-08-01:
    value: 2000
    source: NTB
    status: verified
  2026-08-01:
    value: null
    source: test repeal
    status: unverified
    note: repealed in this test
";

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn params() -> Parameters {
        let mut p = Parameters::new();
        p.add_yaml(
            "kindergarten.makspris.general",
            MAKSPRIS,
            "law/parameters/kindergarten/makspris/general.yaml",
        )
        .unwrap();
        p
    }

    #[test]
    fn values_apply_from_their_date_until_the_next() {
        let p = params();
        let path = "kindergarten.makspris.general";
        assert_eq!(p.get(path, d(2023, 1, 1)).unwrap(), Value::Integer(3000));
        assert_eq!(p.get(path, d(2024, 7, 31)).unwrap(), Value::Integer(3000));
        assert_eq!(p.get(path, d(2024, 8, 1)).unwrap(), Value::Integer(2000));
        let used = p.integer(path, d(2025, 1, 1)).unwrap().used;
        assert_eq!(used.from, d(2024, 8, 1));
        assert_eq!(used.status, Status::Verified);
    }

    #[test]
    fn a_date_before_any_value_names_parameter_and_file() {
        let err = params()
            .get("kindergarten.makspris.general", d(2022, 12, 31))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "parameter kindergarten.makspris.general has no value on 2022-12-31: its first value \
             starts 2023-01-01; extend law/parameters/kindergarten/makspris/general.yaml with a \
             value from 2022-12-31 or earlier"
        );
    }

    #[test]
    fn a_repeal_is_an_explicit_null() {
        let err = params()
            .get("kindergarten.makspris.general", d(2026, 9, 1))
            .unwrap_err();
        assert!(matches!(err, ParameterError::NoValue { .. }));
        assert!(err.to_string().contains("null from 2026-08-01"), "{err}");
        assert!(err.to_string().contains("repealed in this test"), "{err}");
    }

    #[test]
    fn unknown_parameters_name_the_file_to_write() {
        let err = params()
            .get("kindergarten.nope", d(2024, 1, 1))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown parameter kindergarten.nope (no file law/parameters/kindergarten/nope.yaml)"
        );
    }

    #[test]
    fn load_errors_name_file_line_and_key() {
        let bad = MAKSPRIS.replace("status: verified\n  2024", "status: maybe\n  2024");
        let err = Parameters::new().add_yaml("x", &bad, "f.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.yaml:8: values.2023-01-01.status: status must be verified or unverified, found 'maybe'"
        );
        let missing_source = MAKSPRIS.replace("    source: NTB\n", "");
        let err = Parameters::new()
            .add_yaml("x", &missing_source, "f.yaml")
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f.yaml:9: values.2024-08-01.source: every value needs a source"),
            "{err}"
        );
        let err = Parameters::new()
            .add_yaml("x", "description: [\n", "f.yaml")
            .unwrap_err();
        assert!(
            err.to_string().starts_with("f.yaml:2:1: not valid YAML"),
            "{err}"
        );
        let no_values = "description: a\nunit: b\nreference: c\n";
        let err = Parameters::new()
            .add_yaml("x", no_values, "f.yaml")
            .unwrap_err();
        assert!(err.to_string().contains("values: missing"), "{err}");
        let bad_date = MAKSPRIS.replace("2024-08-01:", "2024-13-01:");
        let err = Parameters::new()
            .add_yaml("x", &bad_date, "f.yaml")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.yaml:9: values.2024-13-01: '2024-13-01' is not an ISO date (YYYY-MM-DD)"
        );
    }

    #[test]
    fn choices_are_enforced_and_overrides_are_marked() {
        let text = "description: d\nunit: choice\nreference: r\nchoices: [nearest, down]\nvalues:\n  2020-01-01:\n    value: nearest\n    source: s\n    status: unverified\n";
        let mut p = Parameters::new();
        p.add_yaml("r", text, "r.yaml").unwrap();
        assert_eq!(
            p.rounding("r", d(2021, 1, 1)).unwrap().value,
            Rounding::Nearest
        );
        assert!(p.set_always("r", Value::from("sideways"), "test").is_err());
        p.set_always("r", Value::from("down"), "test").unwrap();
        let r = p.rounding("r", d(1900, 1, 1)).unwrap();
        assert_eq!(r.value, Rounding::Down);
        assert_eq!(r.used.status, Status::Override);
        let bad = text.replace("value: nearest", "value: sideways");
        let err = Parameters::new().add_yaml("r", &bad, "r.yaml").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("r.yaml:7: values.2020-01-01.value"),
            "{err}"
        );
    }

    #[test]
    fn reform_values_replace_the_future() {
        let mut p = params();
        p.set_from(
            "kindergarten.makspris.general",
            d(2025, 1, 1),
            Some(Value::Integer(1500)),
            "reform",
        )
        .unwrap();
        assert_eq!(
            p.get("kindergarten.makspris.general", d(2024, 9, 1))
                .unwrap(),
            Value::Integer(2000)
        );
        assert_eq!(
            p.get("kindergarten.makspris.general", d(2027, 1, 1))
                .unwrap(),
            Value::Integer(1500)
        );
    }
}
