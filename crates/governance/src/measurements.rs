//! The latest measured figures of each service, as the running system measured them.
//!
//! Why this exists: the algorithm register, the model cards and the spectrum map must show what
//! a service actually does (its accuracy, fairness, reach) and must never be typed by hand beside
//! the code. So every command that runs or evaluates a service records a [`Measurement`] here,
//! and the documents are generated from the latest one. Each record says which command produced
//! it, from which register version and when, so a reader can reproduce it.
//!
//! Layout in the data directory: `measurements/<SERVICE>.json` holds the latest measurement of a
//! service (replaced atomically by write-then-rename, so a crash leaves the previous one), and
//! `measurements/<SERVICE>.history.jsonl` keeps every measurement ever recorded, one per line.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Directory of the measurements in the data directory.
pub const MEASUREMENTS_DIR: &str = "measurements";

/// What can go wrong with the measurement store.
#[derive(Debug, thiserror::Error)]
pub enum MeasurementError {
    /// A file could not be read or written.
    #[error("measurement store {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A stored measurement is not valid JSON of the expected shape.
    #[error("measurement file {path} is malformed: {source}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// The service id cannot name a file (only letters, digits, `-` and `_`).
    #[error("service id {0:?} is not a valid service id (letters, digits, - and _ only)")]
    BadServiceId(String),
}

/// One measured figure, e.g. the cross-validated AUC with its interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Stable key, e.g. `auc`, `recall_per_1000`.
    pub key: String,
    /// What it is, in bokmål.
    pub label_nb: String,
    /// What it is, in English.
    pub label_en: String,
    /// The value.
    pub value: f64,
    /// Unit, e.g. `%`, `per 1000`, `NOK`, `` (dimensionless).
    pub unit: String,
    /// A 95 % confidence interval, when the figure has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci95: Option<(f64, f64)>,
}

impl Figure {
    /// A figure without interval.
    pub fn new(key: &str, label_nb: &str, label_en: &str, value: f64, unit: &str) -> Figure {
        Figure {
            key: key.to_string(),
            label_nb: label_nb.to_string(),
            label_en: label_en.to_string(),
            value,
            unit: unit.to_string(),
            ci95: None,
        }
    }

    /// The same figure with a 95 % confidence interval.
    pub fn with_ci(mut self, low: f64, high: f64) -> Figure {
        self.ci95 = Some((low, high));
        self
    }
}

/// The model behind a measurement, for the model card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    /// Model name.
    pub name: String,
    /// Family and format, e.g. `logistic regression (mulighetsrom.logistic.v1)`.
    pub kind: String,
    /// Input features in order.
    pub features: Vec<String>,
    /// What it was trained on.
    pub training_data: String,
    /// What it was evaluated on, and how.
    pub evaluation: String,
}

/// A service's figures from one run or evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Service id as in its manifest (`S1` … `S7`).
    pub service: String,
    /// When it was measured.
    pub measured_at: DateTime<Utc>,
    /// The command that measured it, as a user would type it.
    pub source: String,
    /// The version of the stored registers the run read, when it read registers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_version: Option<String>,
    /// Number of people the run concerned (decisions, invitations, recipients…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people_affected: Option<u64>,
    /// The figures.
    pub figures: Vec<Figure>,
    /// The model evaluated, when the measurement is of a model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelSummary>,
}

impl Measurement {
    /// A measurement taken now.
    pub fn now(service: &str, source: &str) -> Measurement {
        Measurement {
            service: service.to_string(),
            measured_at: Utc::now(),
            source: source.to_string(),
            data_version: None,
            people_affected: None,
            figures: Vec::new(),
            model: None,
        }
    }

    /// Adds a figure.
    pub fn figure(mut self, figure: Figure) -> Measurement {
        self.figures.push(figure);
        self
    }

    /// The figure with this key, if recorded.
    pub fn get(&self, key: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.key == key)
    }
}

/// The measurements of a data directory.
#[derive(Clone, Debug)]
pub struct MeasurementStore {
    dir: PathBuf,
}

impl MeasurementStore {
    /// The store in `data_dir/measurements` (created on the first record).
    pub fn open(data_dir: &Path) -> MeasurementStore {
        MeasurementStore {
            dir: data_dir.join(MEASUREMENTS_DIR),
        }
    }

    /// Records a measurement as the service's latest and appends it to its history.
    pub fn record(&self, measurement: &Measurement) -> Result<(), MeasurementError> {
        check_id(&measurement.service)?;
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| MeasurementError::Io { path, source }
        };
        fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let json =
            serde_json::to_string(measurement).map_err(|source| MeasurementError::Malformed {
                path: self.latest_path(&measurement.service),
                source,
            })?;
        let history = self
            .dir
            .join(format!("{}.history.jsonl", measurement.service));
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&history)
            .map_err(io(&history))?;
        writeln!(file, "{json}").map_err(io(&history))?;
        let latest = self.latest_path(&measurement.service);
        let tmp = latest.with_extension("json.tmp");
        fs::write(&tmp, &json).map_err(io(&tmp))?;
        fs::rename(&tmp, &latest).map_err(io(&latest))?;
        Ok(())
    }

    /// The latest measurement of a service, if any was recorded.
    pub fn latest(&self, service: &str) -> Result<Option<Measurement>, MeasurementError> {
        check_id(service)?;
        let path = self.latest_path(service);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(MeasurementError::Io { path, source }),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|source| MeasurementError::Malformed { path, source })
    }

    /// The latest measurement of every service that has one, by service id.
    pub fn all_latest(&self) -> Result<BTreeMap<String, Measurement>, MeasurementError> {
        let mut out = BTreeMap::new();
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(source) => {
                return Err(MeasurementError::Io {
                    path: self.dir.clone(),
                    source,
                })
            }
        };
        for entry in entries {
            let entry = entry.map_err(|source| MeasurementError::Io {
                path: self.dir.clone(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(service) = name.strip_suffix(".json") else {
                continue;
            };
            if check_id(service).is_err() {
                continue;
            }
            if let Some(m) = self.latest(service)? {
                out.insert(service.to_string(), m);
            }
        }
        Ok(out)
    }

    fn latest_path(&self, service: &str) -> PathBuf {
        self.dir.join(format!("{service}.json"))
    }
}

fn check_id(service: &str) -> Result<(), MeasurementError> {
    let ok = !service.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(MeasurementError::BadServiceId(service.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_record_wins_and_history_keeps_all() {
        let dir = tempfile::tempdir().unwrap();
        let store = MeasurementStore::open(dir.path());
        assert_eq!(store.latest("S7").unwrap(), None);
        let first = Measurement::now("S7", "mulighetsrom oversight audit S7")
            .figure(Figure::new("auc", "AUC", "AUC", 0.71, "").with_ci(0.69, 0.73));
        store.record(&first).unwrap();
        let mut second = first.clone();
        second.figures[0].value = 0.72;
        store.record(&second).unwrap();
        assert_eq!(store.latest("S7").unwrap(), Some(second.clone()));
        let history =
            std::fs::read_to_string(dir.path().join("measurements/S7.history.jsonl")).unwrap();
        assert_eq!(history.lines().count(), 2);
        let all = store.all_latest().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all["S7"].get("auc").unwrap().value, 0.72);
    }

    #[test]
    fn a_service_id_that_is_a_path_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = MeasurementStore::open(dir.path());
        let bad = Measurement::now("../S7", "x");
        assert!(matches!(
            store.record(&bad),
            Err(MeasurementError::BadServiceId(_))
        ));
    }

    #[test]
    fn a_malformed_file_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(MEASUREMENTS_DIR)).unwrap();
        std::fs::write(dir.path().join("measurements/S4.json"), "{not json").unwrap();
        let err = MeasurementStore::open(dir.path())
            .latest("S4")
            .unwrap_err()
            .to_string();
        assert!(err.contains("S4.json"), "{err}");
    }
}
