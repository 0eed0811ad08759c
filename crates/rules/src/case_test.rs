//! YAML case tests of the law, in the manner of OpenFisca's YAML tests.
//!
//! A case file (`law/tests/<domain>/*.yaml`) is a list of cases:
//!
//! ```yaml
//! - name: Three siblings full-time at makspris 2 000 pay 3 400 together
//!   source: vl.no 2023-09-05 (NTB)
//!   date: 2024-09-01
//!   parameters:                 # optional overrides, valid for all dates
//!     kindergarten.income_cap.limit_rounding: down
//!   input: { … }                # handed to the service as JSON (date added unless given)
//!   output: { … }               # expected: every key given must match; others are ignored
//!   # or, instead of output:
//!   error: [kindergarten.makspris.general, general.yaml]   # fragments the error must contain
//! ```
//!
//! [`check_cases`] runs all cases through one service function and reports every failure with
//! its file, line and name, so one `cargo test` shows all broken cases at once.

use crate::parameters::{
    line_of, parse_mapping, syntax_error, yaml_to_value, LoadError, Parameters,
};
use crate::value::Value;
use chrono::NaiveDate;
use std::fmt;
use std::path::Path;

/// One case of a case file.
#[derive(Clone, Debug, PartialEq)]
pub struct LawCase {
    /// The case in plain language.
    pub name: String,
    /// Where the worked example comes from.
    pub source: String,
    /// The decision date.
    pub date: NaiveDate,
    /// Parameter overrides (path, value) valid for all dates.
    pub parameters: Vec<(String, Value)>,
    /// The input, as JSON.
    pub input: serde_json::Value,
    /// The expected output (a subset of the actual output), when the case should succeed.
    pub output: Option<serde_json::Value>,
    /// Fragments the error message must contain, when the case should fail.
    pub error: Vec<String>,
    /// File and line of the case, for failure reports.
    pub location: String,
}

/// Loads every `*.yaml` file directly in `dir`, in file-name order.
pub fn load_cases(dir: &Path) -> Result<Vec<LawCase>, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|source| LoadError::Io {
            path: file.clone(),
            source,
        })?;
        cases.extend(parse_cases(&text, &file.display().to_string())?);
    }
    Ok(cases)
}

/// Parses the text of one case file; `origin` names it in errors.
pub fn parse_cases(text: &str, origin: &str) -> Result<Vec<LawCase>, LoadError> {
    let value: serde_norway::Value =
        serde_norway::from_str(text).map_err(|e| syntax_error(&e, origin))?;
    let items = match value {
        serde_norway::Value::Sequence(items) => items,
        _ => {
            // Give the same error as for parameter files when the top is a mapping.
            parse_mapping(text, origin)?;
            return Err(LoadError::Invalid {
                file: origin.to_string(),
                line: Some(1),
                key: "(top)".into(),
                message: "a case file is a list of cases (each starting with '- name:')".into(),
            });
        }
    };
    let case_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- "))
        .map(|(i, _)| i + 1)
        .collect();
    let mut cases = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let line = case_lines.get(index).copied();
        let invalid = |key: &str, message: String| LoadError::Invalid {
            file: origin.to_string(),
            line: line.map(|l| {
                let below: String = text.lines().skip(l - 1).collect::<Vec<_>>().join("\n");
                line_of(&below, &[key]).map_or(l, |k| l + k - 1)
            }),
            key: format!("[{index}].{key}"),
            message,
        };
        let map = item
            .as_mapping()
            .ok_or_else(|| invalid("name", "each case must be a mapping".into()))?;
        for key in map.keys() {
            let name = key.as_str().unwrap_or("");
            if ![
                "name",
                "source",
                "date",
                "parameters",
                "input",
                "output",
                "error",
                "note",
            ]
            .contains(&name)
            {
                return Err(invalid(
                    name,
                    "unknown key (allowed: name, source, date, parameters, input, output, error, note)"
                        .into(),
                ));
            }
        }
        let text_of = |key: &str| -> Result<String, LoadError> {
            map.get(key)
                .and_then(|v| v.as_str())
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
                .ok_or_else(|| invalid(key, "required, as a non-empty text".into()))
        };
        let name = text_of("name")?;
        let source = text_of("source")?;
        let date_text = text_of("date")?;
        let date = crate::value::parse_iso_date(&date_text)
            .ok_or_else(|| invalid("date", format!("'{date_text}' is not an ISO date")))?;
        let mut parameters = Vec::new();
        if let Some(overrides) = map.get("parameters") {
            let overrides = overrides.as_mapping().ok_or_else(|| {
                invalid("parameters", "must map parameter paths to values".into())
            })?;
            for (path, value) in overrides {
                let path = path
                    .as_str()
                    .ok_or_else(|| invalid("parameters", "paths must be texts".into()))?;
                let value = yaml_to_value(value)
                    .map_err(|m| invalid("parameters", m))?
                    .ok_or_else(|| invalid("parameters", format!("{path}: null is not allowed")))?;
                parameters.push((path.to_string(), value));
            }
        }
        let to_json = |key: &str, v: &serde_norway::Value| {
            serde_json::to_value(v)
                .map_err(|e| invalid(key, format!("not representable as JSON: {e}")))
        };
        let input = match map.get("input") {
            Some(v) => to_json("input", v)?,
            None => return Err(invalid("input", "required".into())),
        };
        let output = map
            .get("output")
            .map(|v| to_json("output", v))
            .transpose()?;
        let error = match map.get("error") {
            None => Vec::new(),
            Some(serde_norway::Value::String(s)) => vec![s.clone()],
            Some(serde_norway::Value::Sequence(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| invalid("error", "fragments must be texts".into()))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(invalid("error", "a text or a list of texts".into())),
        };
        if output.is_some() != error.is_empty() {
            return Err(invalid(
                "output",
                "give exactly one of output (expected result) or error (expected failure)".into(),
            ));
        }
        cases.push(LawCase {
            name,
            source,
            date,
            parameters,
            input,
            output,
            error,
            location: format!("{origin}:{}", line.unwrap_or(0)),
        });
    }
    Ok(cases)
}

/// One failed case.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseFailure {
    /// File and line.
    pub location: String,
    /// The case's name.
    pub name: String,
    /// What differed.
    pub reason: String,
}

/// The result of running a set of cases.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseReport {
    /// How many cases passed.
    pub passed: usize,
    /// Every failure.
    pub failures: Vec<CaseFailure>,
}

impl CaseReport {
    /// Whether every case passed.
    pub fn all_passed(&self) -> bool {
        self.failures.is_empty()
    }
}

impl fmt::Display for CaseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for failure in &self.failures {
            writeln!(
                f,
                "{}: {}: {}",
                failure.location, failure.name, failure.reason
            )?;
        }
        write!(f, "{} passed, {} failed", self.passed, self.failures.len())
    }
}

/// Runs every case: applies its parameter overrides to a copy of `parameters`, calls `run`, and
/// compares the result with the expected output (or the error with the expected fragments).
pub fn check_cases<F>(cases: &[LawCase], parameters: &Parameters, run: F) -> CaseReport
where
    F: Fn(&LawCase, &Parameters) -> Result<serde_json::Value, String>,
{
    let mut report = CaseReport::default();
    for case in cases {
        let fail = |reason: String| CaseFailure {
            location: case.location.clone(),
            name: case.name.clone(),
            reason,
        };
        let mut params = parameters.clone();
        let mut override_error = None;
        for (path, value) in &case.parameters {
            if let Err(e) = params.set_always(path, value.clone(), &case.location) {
                override_error = Some(format!("parameter override {path}: {e}"));
            }
        }
        if let Some(reason) = override_error {
            report.failures.push(fail(reason));
            continue;
        }
        let failure = match (run(case, &params), &case.output) {
            (Ok(actual), Some(expected)) => mismatch(expected, &actual, "").map(|m| {
                let mut shown = actual.to_string();
                if shown.len() > 1500 {
                    let mut cut = 1500;
                    while !shown.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    shown.truncate(cut);
                    shown.push_str(" …");
                }
                format!("{m}\n  actual output: {shown}")
            }),
            (Ok(actual), None) => Some(format!(
                "expected an error containing {:?}, got output {actual}",
                case.error
            )),
            (Err(message), None) => {
                let missing: Vec<&String> = case
                    .error
                    .iter()
                    .filter(|f| !message.contains(f.as_str()))
                    .collect();
                (!missing.is_empty())
                    .then(|| format!("error '{message}' does not contain {missing:?}"))
            }
            (Err(message), Some(_)) => Some(format!("expected output, got error: {message}")),
        };
        match failure {
            Some(reason) => report.failures.push(fail(reason)),
            None => report.passed += 1,
        }
    }
    report
}

/// Where `actual` differs from `expected`, treating `expected` as a subset: objects need only the
/// expected keys, arrays must have the same length and match element by element.
pub fn mismatch(
    expected: &serde_json::Value,
    actual: &serde_json::Value,
    at: &str,
) -> Option<String> {
    use serde_json::Value as J;
    match (expected, actual) {
        (J::Object(e), J::Object(a)) => e.iter().find_map(|(key, ev)| match a.get(key) {
            Some(av) => mismatch(ev, av, &format!("{at}.{key}")),
            None => Some(format!("{at}.{key}: missing in output (expected {ev})")),
        }),
        (J::Array(e), J::Array(a)) => {
            if e.len() != a.len() {
                return Some(format!(
                    "{at}: expected {} elements, found {}",
                    e.len(),
                    a.len()
                ));
            }
            e.iter()
                .zip(a)
                .enumerate()
                .find_map(|(i, (ev, av))| mismatch(ev, av, &format!("{at}[{i}]")))
        }
        (J::Number(e), J::Number(a)) if e.as_f64() == a.as_f64() => None,
        (e, a) if e == a => None,
        (e, a) => Some(format!(
            "{}: expected {e}, found {a}",
            if at.is_empty() { "." } else { at }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CASES: &str = "\
- name: Doubling works
  source: arithmetic
  date: 2024-09-01
  input: {x: 2}
  output: {y: 4}
- name: Negative input is refused
  source: arithmetic
  date: 2024-09-01
  input: {x: -1}
  error: [negative, x]
";

    #[test]
    fn cases_run_and_report() {
        let cases = parse_cases(CASES, "t.yaml").unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[1].location, "t.yaml:6");
        let run = |case: &LawCase, _: &Parameters| {
            let x = case.input["x"].as_i64().unwrap();
            if x < 0 {
                Err(format!("x is negative: {x}"))
            } else {
                Ok(json!({"y": x * 2, "other": true}))
            }
        };
        let report = check_cases(&cases, &Parameters::new(), run);
        assert!(report.all_passed(), "{report}");
        assert_eq!(report.to_string(), "2 passed, 0 failed");
        let wrong = |_: &LawCase, _: &Parameters| Ok(json!({"y": 5}));
        let report = check_cases(&cases, &Parameters::new(), wrong);
        assert_eq!(report.failures.len(), 2);
        assert!(report.failures[0]
            .reason
            .starts_with(".y: expected 4, found 5"));
    }

    #[test]
    fn subset_comparison_names_the_path() {
        let expected = json!({"children": [{"id": "a", "fee": 1}]});
        let actual = json!({"children": [{"id": "a", "fee": 2, "x": 0}]});
        assert_eq!(
            mismatch(&expected, &actual, "").unwrap(),
            ".children[0].fee: expected 1, found 2"
        );
    }

    #[test]
    fn malformed_cases_name_file_line_and_key() {
        let bad = CASES.replace(
            "  source: arithmetic\n  date: 2024-09-01\n  input: {x: -1}",
            "  source: arithmetic\n  date: 2024-9-1\n  input: {x: -1}",
        );
        let err = parse_cases(&bad, "t.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.yaml:8: [1].date: '2024-9-1' is not an ISO date"
        );
    }
}
