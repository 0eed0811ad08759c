//! The rule set as data: which rules apply, with what limits, and where each
//! comes from in law or agreement.
//!
//! A rule file (TOML) has statutory defaults under `[rules.<key>]` and named
//! agreement variants under `[variants.<name>.rules.<key>]` that override
//! single parameters. Variants are merged in order onto the defaults and the
//! result is checked strictly: an unknown rule or parameter is an error, so a
//! planner's typo never silently disables a limit. The shipped file is
//! `crates/svc-roster/rules/aml-2026.toml`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The shipped rule file, embedded so that [`RuleSet::default_aml`] needs no IO.
pub const DEFAULT_RULES_TOML: &str = include_str!("../../rules/aml-2026.toml");

/// Whether breaking a rule makes a rota illegal or only costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A violation makes the rota illegal.
    #[default]
    Hard,
    /// A violation costs `weight` per unit.
    Soft,
}

/// Identifies a rule; the string form is the key in the rule file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    /// At most one shift per day.
    OneShiftPerDay,
    /// No shift on unavailable dates.
    Availability,
    /// Rest between shifts, § 10-8 (1).
    DailyRest,
    /// Weekly continuous rest, § 10-8 (2).
    WeeklyRest,
    /// Maximum working time of a shift, § 10-5.
    ShiftLength,
    /// Weekly cap and average, § 10-5.
    WeeklyHours,
    /// Contracted hours from position % and the rota week.
    ContractHours,
    /// Sunday work, § 10-8 (4).
    SundayWork,
    /// Minimum nurses / qualified staff per shift.
    CompetenceCover,
    /// Maximum night shifts in a row.
    ConsecutiveNights,
    /// Under- and over-cover.
    Cover,
    /// Shift on/off wishes.
    Wishes,
    /// Fair spread of nights, weekends and long shifts per FTE.
    Fairness,
    /// Every-third-weekend pattern and split weekends.
    WeekendPattern,
    /// Single days off between working days.
    IsolatedDaysOff,
}

impl RuleId {
    /// Every rule, in report order.
    pub const ALL: [RuleId; 15] = [
        RuleId::OneShiftPerDay,
        RuleId::Availability,
        RuleId::DailyRest,
        RuleId::WeeklyRest,
        RuleId::ShiftLength,
        RuleId::WeeklyHours,
        RuleId::ContractHours,
        RuleId::SundayWork,
        RuleId::CompetenceCover,
        RuleId::ConsecutiveNights,
        RuleId::Cover,
        RuleId::Wishes,
        RuleId::Fairness,
        RuleId::WeekendPattern,
        RuleId::IsolatedDaysOff,
    ];

    /// Key of the rule in the rule file.
    pub fn key(self) -> &'static str {
        match self {
            RuleId::OneShiftPerDay => "one_shift_per_day",
            RuleId::Availability => "availability",
            RuleId::DailyRest => "daily_rest",
            RuleId::WeeklyRest => "weekly_rest",
            RuleId::ShiftLength => "shift_length",
            RuleId::WeeklyHours => "weekly_hours",
            RuleId::ContractHours => "contract_hours",
            RuleId::SundayWork => "sunday_work",
            RuleId::CompetenceCover => "competence_cover",
            RuleId::ConsecutiveNights => "consecutive_nights",
            RuleId::Cover => "cover",
            RuleId::Wishes => "wishes",
            RuleId::Fairness => "fairness",
            RuleId::WeekendPattern => "weekend_pattern",
            RuleId::IsolatedDaysOff => "isolated_days_off",
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The parts every rule has, whatever its parameters.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta<'a> {
    /// Whether the rule is checked.
    pub enabled: bool,
    /// Hard or soft.
    pub severity: Severity,
    /// Cost per unit when soft.
    pub weight: f64,
    /// Legal or agreement source.
    pub reference: &'a str,
}

macro_rules! rule_struct {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Whether the rule is checked at all.
            pub enabled: bool,
            /// Hard rules make a rota illegal; soft rules only cost.
            #[serde(default)]
            pub severity: Severity,
            /// Cost per unit of violation when soft (per rule, see its description).
            #[serde(default = "default_weight")]
            pub weight: f64,
            /// Legal or agreement source, cited in every violation.
            pub reference: String,
            /// Official address of the source.
            #[serde(default)]
            pub url: Option<String>,
            /// Plain-language description for planners.
            #[serde(default)]
            pub description: String,
            $($(#[$fm])* pub $field: $ty,)*
        }

        impl $name {
            /// The common parts of the rule.
            pub fn meta(&self) -> RuleMeta<'_> {
                RuleMeta {
                    enabled: self.enabled,
                    severity: self.severity,
                    weight: self.weight,
                    reference: &self.reference,
                }
            }
        }
    };
}

fn default_weight() -> f64 {
    1.0
}

rule_struct!(
    /// At most one shift per day.
    Basic {}
);
rule_struct!(
    /// Minimum rest between shifts.
    DailyRest {
        /// Minimum continuous rest between two shifts, in hours.
        min_hours: f64,
    }
);
rule_struct!(
    /// Minimum continuous rest in each 7-day period.
    WeeklyRest {
        /// Minimum continuous rest, in hours.
        min_hours: f64,
    }
);
rule_struct!(
    /// Maximum working time of one shift.
    ShiftLength {
        /// Maximum working time, in hours.
        max_hours: f64,
    }
);
rule_struct!(
    /// Weekly cap and averaged maximum.
    WeeklyHours {
        /// Cap for any calendar week, in hours.
        max_week_hours: f64,
        /// Maximum average per week over the averaging period.
        max_average_hours: f64,
        /// Averaging period in weeks (the rota length when shorter).
        averaging_weeks: u32,
    }
);
rule_struct!(
    /// Contracted hours from position % and the agreement's rota week.
    ContractHours {
        /// Week before the rota reduction (37.5 h).
        full_week_hours: f64,
        /// Upper bound of the reduced rota week (35.5 h).
        max_week_hours: f64,
        /// Lower bound of the reduced rota week (33.6 h).
        min_week_hours: f64,
        /// Extra minutes credited per Sunday hour (10).
        sunday_extra_minutes: f64,
        /// Extra minutes credited per night hour (15).
        night_extra_minutes: f64,
        /// Start of the agreement's night period, hours after midnight.
        night_from: f64,
        /// End of the agreement's night period, hours after midnight.
        night_until: f64,
        /// Share of Sundays worked that qualifies for the reduction (1/3).
        qualifying_sunday_share: f64,
        /// Allowed deviation over the whole rota, in hours.
        tolerance_hours: f64,
    }
);
rule_struct!(
    /// Sunday (or weekend) work limit.
    SundayWork {
        /// What counts: Sunday work per § 10-10, or any weekend work.
        counts: SundayCounts,
        /// Start of Sunday work on Saturday, hours after midnight (18.0).
        saturday_from: f64,
        /// End of Sunday work on Sunday, hours after midnight (22.0).
        sunday_until: f64,
        /// Number of consecutive Sundays in a window.
        window: u32,
        /// Maximum worked Sundays in a window.
        max_in_window: u32,
        /// Apply the limit as a share over the whole rota instead of per window.
        averaged: bool,
    }
);
rule_struct!(
    /// Maximum night shifts in a row.
    ConsecutiveNights {
        /// Maximum consecutive nights.
        max_nights: u32,
    }
);
rule_struct!(
    /// Under- and over-cover costs.
    Cover {
        /// Cost per missing person.
        under_weight: f64,
        /// Cost per extra person.
        over_weight: f64,
    }
);
rule_struct!(
    /// Fairness weights.
    Fairness {
        /// Weight of the spread of nights per FTE.
        nights_weight: f64,
        /// Weight of the spread of worked weekends per FTE.
        weekends_weight: f64,
        /// Weight of the spread of long shifts per FTE.
        long_weight: f64,
    }
);
rule_struct!(
    /// Preferred weekend pattern.
    WeekendPattern {
        /// Preferred distance between worked weekends (3).
        every_nth: u32,
        /// Cost of a split weekend.
        split_weight: f64,
    }
);

/// What the Sunday rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SundayCounts {
    /// Shifts overlapping the § 10-10 Sunday period.
    Sunday,
    /// Shifts overlapping Saturday 00:00 to Monday 00:00.
    Weekend,
}

/// All rules with their parameters.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// At most one shift a day.
    pub one_shift_per_day: Basic,
    /// No work when unavailable.
    pub availability: Basic,
    /// Daily rest.
    pub daily_rest: DailyRest,
    /// Weekly rest.
    pub weekly_rest: WeeklyRest,
    /// Shift length.
    pub shift_length: ShiftLength,
    /// Weekly hours.
    pub weekly_hours: WeeklyHours,
    /// Contracted hours.
    pub contract_hours: ContractHours,
    /// Sunday rule.
    pub sunday_work: SundayWork,
    /// Competence cover.
    pub competence_cover: Basic,
    /// Night series.
    pub consecutive_nights: ConsecutiveNights,
    /// Cover costs.
    pub cover: Cover,
    /// Wishes.
    pub wishes: Basic,
    /// Fairness.
    pub fairness: Fairness,
    /// Weekend pattern.
    pub weekend_pattern: WeekendPattern,
    /// Isolated days off.
    pub isolated_days_off: Basic,
}

impl Rules {
    /// The common parts of rule `id`.
    pub fn meta(&self, id: RuleId) -> RuleMeta<'_> {
        match id {
            RuleId::OneShiftPerDay => self.one_shift_per_day.meta(),
            RuleId::Availability => self.availability.meta(),
            RuleId::DailyRest => self.daily_rest.meta(),
            RuleId::WeeklyRest => self.weekly_rest.meta(),
            RuleId::ShiftLength => self.shift_length.meta(),
            RuleId::WeeklyHours => self.weekly_hours.meta(),
            RuleId::ContractHours => self.contract_hours.meta(),
            RuleId::SundayWork => self.sunday_work.meta(),
            RuleId::CompetenceCover => self.competence_cover.meta(),
            RuleId::ConsecutiveNights => self.consecutive_nights.meta(),
            RuleId::Cover => self.cover.meta(),
            RuleId::Wishes => self.wishes.meta(),
            RuleId::Fairness => self.fairness.meta(),
            RuleId::WeekendPattern => self.weekend_pattern.meta(),
            RuleId::IsolatedDaysOff => self.isolated_days_off.meta(),
        }
    }
}

/// A loaded rule set: the rules plus where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    /// Name of the rule file.
    pub name: String,
    /// Date from which the file applies, as written in the file.
    pub valid_from: Option<String>,
    /// Variants applied on top of the statutory defaults, in order.
    pub variants: Vec<String>,
    /// The merged rules.
    pub rules: Rules,
}

/// Why a rule file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RuleSetError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not match the rule schema.
    #[error("rule file: {0}")]
    Toml(#[from] toml::de::Error),
    /// A variant named on load or in `default_variants` does not exist.
    #[error("unknown variant {name:?} (the file has: {available})")]
    UnknownVariant {
        /// The missing name.
        name: String,
        /// Variants in the file.
        available: String,
    },
    /// A variant overrides a rule the file does not define.
    #[error("variant {variant:?} overrides unknown rule {rule:?}")]
    UnknownRule {
        /// The variant.
        variant: String,
        /// The rule key.
        rule: String,
    },
    /// A parameter is out of range.
    #[error("rule {rule}: {message}")]
    Invalid {
        /// The rule.
        rule: RuleId,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    name: String,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    default_variants: Vec<String>,
    rules: toml::Table,
    #[serde(default)]
    variants: BTreeMap<String, VariantFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantFile {
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    #[serde(default)]
    #[allow(dead_code)]
    reference: String,
    #[serde(default)]
    rules: toml::Table,
}

/// Name of the pseudo-variant meaning "statutory defaults only".
pub const STATUTORY: &str = "statutory";

impl RuleSet {
    /// The shipped rule file with its default variants (the KS agreement for a 24/7 care unit).
    pub fn default_aml() -> RuleSet {
        RuleSet::from_toml_default(DEFAULT_RULES_TOML).expect("the shipped rule file is valid")
    }

    /// The shipped rule file with statutory defaults only.
    pub fn statutory() -> RuleSet {
        RuleSet::from_toml(DEFAULT_RULES_TOML, &[STATUTORY])
            .expect("the shipped rule file is valid")
    }

    /// Loads a rule file with the variants it names as default.
    pub fn load(path: impl AsRef<Path>) -> Result<RuleSet, RuleSetError> {
        let text = read(path.as_ref())?;
        RuleSet::from_toml_default(&text)
    }

    /// Loads a rule file with the given variants (`["statutory"]` for none).
    pub fn load_variants(
        path: impl AsRef<Path>,
        variants: &[&str],
    ) -> Result<RuleSet, RuleSetError> {
        let text = read(path.as_ref())?;
        RuleSet::from_toml(&text, variants)
    }

    /// Parses rule-file text with the variants it names as default.
    pub fn from_toml_default(text: &str) -> Result<RuleSet, RuleSetError> {
        let file: RuleFile = toml::from_str(text)?;
        let variants = file.default_variants.clone();
        build(file, &variants)
    }

    /// Parses rule-file text with the given variants applied in order.
    pub fn from_toml(text: &str, variants: &[&str]) -> Result<RuleSet, RuleSetError> {
        let file: RuleFile = toml::from_str(text)?;
        let variants: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
        build(file, &variants)
    }
}

fn read(path: &Path) -> Result<String, RuleSetError> {
    std::fs::read_to_string(path).map_err(|source| RuleSetError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn build(file: RuleFile, variants: &[String]) -> Result<RuleSet, RuleSetError> {
    let mut merged = file.rules;
    let mut applied = Vec::new();
    for name in variants.iter().filter(|n| n.as_str() != STATUTORY) {
        let variant = file
            .variants
            .get(name)
            .ok_or_else(|| RuleSetError::UnknownVariant {
                name: name.clone(),
                available: file.variants.keys().cloned().collect::<Vec<_>>().join(", "),
            })?;
        for (rule, overrides) in &variant.rules {
            let target = merged
                .get_mut(rule)
                .and_then(toml::Value::as_table_mut)
                .ok_or_else(|| RuleSetError::UnknownRule {
                    variant: name.clone(),
                    rule: rule.clone(),
                })?;
            if let Some(overrides) = overrides.as_table() {
                for (key, value) in overrides {
                    target.insert(key.clone(), value.clone());
                }
            }
        }
        applied.push(name.clone());
    }
    let rules: Rules = toml::Value::Table(merged).try_into()?;
    validate(&rules)?;
    Ok(RuleSet {
        name: file.name,
        valid_from: file.valid_from,
        variants: applied,
        rules,
    })
}

fn validate(rules: &Rules) -> Result<(), RuleSetError> {
    let invalid = |rule, message: &str| {
        Err(RuleSetError::Invalid {
            rule,
            message: message.to_string(),
        })
    };
    if rules.daily_rest.min_hours < 0.0 || rules.daily_rest.min_hours > 24.0 {
        return invalid(RuleId::DailyRest, "min_hours must be within 0..=24");
    }
    if rules.weekly_rest.min_hours < 0.0 || rules.weekly_rest.min_hours > 168.0 {
        return invalid(RuleId::WeeklyRest, "min_hours must be within 0..=168");
    }
    let c = &rules.contract_hours;
    if c.min_week_hours > c.max_week_hours || c.tolerance_hours < 0.0 {
        return invalid(
            RuleId::ContractHours,
            "min_week_hours must not exceed max_week_hours and tolerance_hours must be >= 0",
        );
    }
    if rules.sunday_work.window == 0 {
        return invalid(RuleId::SundayWork, "window must be at least 1");
    }
    if rules.weekend_pattern.every_nth == 0 {
        return invalid(RuleId::WeekendPattern, "every_nth must be at least 1");
    }
    Ok(())
}
