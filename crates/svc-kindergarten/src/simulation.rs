//! Reform simulation: a reform file overrides legal parameters from a date; the same population
//! is decided under the baseline and the reform (amounts-only path, [`fee_amounts`]) and compared:
//! totals, per municipality and by household-income decile, as tables (CSV, JSON) and SVG charts.
//!
//! A reform file (YAML, see `law/reforms/`):
//!
//! ```yaml
//! name: Lower makspris, higher kjernetid limit, 40 % sibling discount
//! description: An illustrative reform, not a proposal.
//! changes:
//!   - parameter: kindergarten.makspris.general
//!     from: 2024-08-01
//!     value: 1500          # a new value (number, text, or null for "no value")
//!   - parameter: kindergarten.kjernetid.income_limit
//!     from: 2024-08-01
//!     scale: 1.1           # or: the value in force on `from` times this factor
//! ```
//!
//! Each change is applied with `Parameters::set_from` (later values of the parameter are dropped
//! and the new value is marked `override` in every explanation). A scaled integer is rounded to
//! the nearest whole number.
//!
//! **Definitions.** Amounts are monthly, whole NOK, for the children decided under *both* rule
//! sets (a family that needs manual handling under either is counted apart). *Parent payments* are
//! the fees. *Public cost* is what the public purse covers relative to each place's price at the
//! **baseline** makspris of its zone (makspris × hours share): the full price minus the fee. The
//! reference price is the same before and after, so a makspris cut shows as public cost, and
//! Δ public cost = −Δ parent payments. A family's *gain* is its payments before minus after.

use crate::batch::{fee_amounts, status, BatchOptions, FeeColumns, NONE};
use crate::fee::FeeRules;
use chrono::NaiveDate;
use registers::{Municipalities, MunicipalityNumber};
use rules::{Decimal, Parameters, Rounding, Value};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One parameter change of a reform.
#[derive(Clone, Debug, PartialEq)]
pub struct ReformChange {
    /// Dotted parameter path.
    pub parameter: String,
    /// First day of the new value.
    pub from: NaiveDate,
    /// What the change does.
    pub kind: ChangeKind,
}

/// A new value or a scaling of the value in force.
#[derive(Clone, Debug, PartialEq)]
pub enum ChangeKind {
    /// A new value (`None` = explicit null).
    Set(Option<Value>),
    /// The value in force on `from` times this factor.
    Scale(Decimal),
}

/// A reform: named parameter changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Reform {
    /// Short name.
    pub name: String,
    /// What it is.
    pub description: String,
    /// The changes, applied in order.
    pub changes: Vec<ReformChange>,
}

/// Why a reform file cannot be read or applied.
#[derive(Debug, thiserror::Error)]
pub enum ReformError {
    /// Not valid YAML, or a key is missing or wrong.
    #[error("{origin}: {message}")]
    Invalid {
        /// The file.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// A parameter cannot be changed as asked.
    #[error("{origin}: change {index} ({parameter}): {source}")]
    Parameter {
        /// The file.
        origin: String,
        /// 1-based index of the change.
        index: usize,
        /// The parameter.
        parameter: String,
        /// The engine's error.
        source: Box<rules::ParameterError>,
    },
}

fn yaml_value(value: &serde_norway::Value) -> Result<Option<Value>, String> {
    use serde_norway::Value as Y;
    match value {
        Y::Null => Ok(None),
        Y::Bool(b) => Ok(Some(Value::Bool(*b))),
        Y::Number(n) => match n.as_i64() {
            Some(i) => Ok(Some(Value::Integer(i))),
            None => n
                .to_string()
                .parse::<Decimal>()
                .map(|d| Some(Value::Decimal(d)))
                .map_err(|e| e.to_string()),
        },
        Y::String(s) => Ok(Some(Value::Text(s.clone()))),
        _ => Err("expected a single value (number, text, true/false or null)".into()),
    }
}

impl Reform {
    /// Parses a reform file; `origin` names it in errors.
    pub fn from_yaml(text: &str, origin: &str) -> Result<Reform, ReformError> {
        let invalid = |message: String| ReformError::Invalid {
            origin: origin.to_string(),
            message,
        };
        let yaml: serde_norway::Value =
            serde_norway::from_str(text).map_err(|e| invalid(format!("not valid YAML: {e}")))?;
        let text_of = |key: &str| {
            yaml.get(key)
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .ok_or_else(|| invalid(format!("{key}: required text")))
        };
        let name = text_of("name")?;
        let description = text_of("description")?;
        let items = yaml
            .get("changes")
            .and_then(|c| c.as_sequence())
            .filter(|c| !c.is_empty())
            .ok_or_else(|| invalid("changes: required non-empty list".into()))?;
        let mut changes = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = |m: &str| invalid(format!("changes[{}]: {m}", i + 1));
            let parameter = item
                .get("parameter")
                .and_then(|v| v.as_str())
                .ok_or_else(|| at("parameter: required dotted path"))?
                .to_string();
            let from_text = item
                .get("from")
                .and_then(|v| v.as_str())
                .ok_or_else(|| at("from: required ISO date"))?;
            let from = rules::parse_iso_date(from_text)
                .ok_or_else(|| at(&format!("from: '{from_text}' is not an ISO date")))?;
            let kind = match (item.get("value"), item.get("scale")) {
                (Some(v), None) => ChangeKind::Set(yaml_value(v).map_err(|m| at(&m))?),
                (None, Some(s)) => match yaml_value(s).map_err(|m| at(&m))? {
                    Some(Value::Decimal(d)) => ChangeKind::Scale(d),
                    Some(Value::Integer(n)) => ChangeKind::Scale(Decimal::from_integer(n)),
                    _ => return Err(at("scale: must be a number")),
                },
                _ => return Err(at("exactly one of value or scale is required")),
            };
            changes.push(ReformChange {
                parameter,
                from,
                kind,
            });
        }
        Ok(Reform {
            name,
            description,
            changes,
        })
    }

    /// The baseline parameters with the reform's changes applied.
    pub fn apply(&self, baseline: &Parameters, origin: &str) -> Result<Parameters, ReformError> {
        let mut out = baseline.clone();
        for (i, change) in self.changes.iter().enumerate() {
            let wrap = |source| ReformError::Parameter {
                origin: origin.to_string(),
                index: i + 1,
                parameter: change.parameter.clone(),
                source: Box::new(source),
            };
            let value = match &change.kind {
                ChangeKind::Set(v) => v.clone(),
                ChangeKind::Scale(factor) => {
                    let current = out.get(&change.parameter, change.from).map_err(wrap)?;
                    Some(
                        scale(&current, *factor).ok_or_else(|| ReformError::Invalid {
                            origin: origin.to_string(),
                            message: format!(
                                "changes[{}]: {} is {current}, which cannot be scaled",
                                i + 1,
                                change.parameter
                            ),
                        })?,
                    )
                }
            };
            out.set_from(
                &change.parameter,
                change.from,
                value,
                &format!("reform «{}» ({origin})", self.name),
            )
            .map_err(wrap)?;
        }
        Ok(out)
    }
}

/// `value × factor`: integers rounded to the nearest whole number, decimals exact.
fn scale(value: &Value, factor: Decimal) -> Option<Value> {
    match value {
        Value::Integer(v) => Some(Value::Integer(Rounding::Nearest.divide(
            *v as i128 * factor.mantissa() as i128,
            factor.denominator() as i128,
        ))),
        Value::Decimal(d) => {
            let text = format!(
                "{}",
                d.mantissa() as f64 * factor.mantissa() as f64
                    / (d.denominator() as f64 * factor.denominator() as f64)
            );
            text.parse().ok().map(Value::Decimal)
        }
        _ => None,
    }
}

/// Totals before and after.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SimulationTotals {
    /// Families with an enrolled child.
    pub families: usize,
    /// Children with a place.
    pub children: usize,
    /// Families decided under both rule sets (the comparison base).
    pub families_compared: usize,
    /// Children of those families.
    pub children_compared: usize,
    /// Families needing manual handling under the baseline.
    pub manual_before: usize,
    /// Families needing manual handling under the reform.
    pub manual_after: usize,
    /// Monthly parent payments, baseline (NOK).
    pub parent_payments_before: i64,
    /// Monthly parent payments, reform (NOK).
    pub parent_payments_after: i64,
    /// Monthly public cost (baseline full price − fee), baseline.
    pub public_cost_before: i64,
    /// Monthly public cost, reform.
    pub public_cost_after: i64,
    /// Families whose monthly total changes.
    pub families_affected: usize,
    /// Families paying less.
    pub winners: usize,
    /// Families paying more.
    pub losers: usize,
    /// Payments per year (`kindergarten.income_cap.payments_per_year`), to annualise.
    pub payments_per_year: i64,
}

/// One municipality's row.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MunicipalityRow {
    /// Number.
    pub municipality: String,
    /// Name.
    pub name: String,
    /// Families compared.
    pub families: usize,
    /// Children compared.
    pub children: usize,
    /// Monthly parent payments, baseline.
    pub parent_payments_before: i64,
    /// Monthly parent payments, reform.
    pub parent_payments_after: i64,
    /// Monthly public cost, baseline.
    pub public_cost_before: i64,
    /// Monthly public cost, reform.
    pub public_cost_after: i64,
    /// Families paying less.
    pub winners: usize,
    /// Families paying more.
    pub losers: usize,
    /// Families needing manual handling under either rule set (not compared).
    pub manual: usize,
}

/// One household-income decile.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DecileRow {
    /// 1 (lowest income) to 10.
    pub decile: usize,
    /// Families in it.
    pub families: usize,
    /// Lowest household income in it.
    pub income_min: i64,
    /// Highest household income in it.
    pub income_max: i64,
    /// Monthly parent payments, baseline.
    pub parent_payments_before: i64,
    /// Monthly parent payments, reform.
    pub parent_payments_after: i64,
    /// Mean monthly gain per family (payments before − after), NOK, one decimal.
    pub mean_gain: f64,
    /// Share of families paying less.
    pub share_winners: f64,
    /// Share of families paying more.
    pub share_losers: f64,
}

/// The result of [`simulate`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SimulationReport {
    /// The reform's name.
    pub reform: String,
    /// The reform's description.
    pub description: String,
    /// The date decided (first day of the month).
    pub date: String,
    /// Whether unknown price zones were assumed general (with a warning on each decision).
    pub assume_general_where_unknown: bool,
    /// Totals.
    pub totals: SimulationTotals,
    /// Per municipality, by number.
    pub municipalities: Vec<MunicipalityRow>,
    /// By household-income decile of the families compared.
    pub deciles: Vec<DecileRow>,
}

/// Decides `population` under `baseline` and `reform` (resolved for the same date) and compares.
pub fn simulate(
    baseline: &FeeRules,
    reform: &FeeRules,
    population: &FeeColumns,
    municipalities: &Municipalities,
    options: &BatchOptions,
) -> SimulationReport {
    let before = fee_amounts(baseline, population, options);
    let after = fee_amounts(reform, population, options);
    let mut totals = SimulationTotals {
        families: population.families(),
        children: population.children(),
        payments_per_year: baseline.payments.value,
        ..SimulationTotals::default()
    };
    let mut per: BTreeMap<MunicipalityNumber, MunicipalityRow> = BTreeMap::new();
    // (income, before, after) of each compared family with a known income.
    let mut compared: Vec<(i64, i64, i64)> = Vec::new();
    for f in 0..population.families() {
        let m = population.municipality[f];
        let row = per.entry(m).or_insert_with(|| MunicipalityRow {
            municipality: m.to_string(),
            name: municipalities
                .get(m)
                .map_or_else(String::new, |x| x.name.clone()),
            ..MunicipalityRow::default()
        });
        let (b, a) = (before.status[f], after.status[f]);
        totals.manual_before += usize::from(b == status::MANUAL);
        totals.manual_after += usize::from(a == status::MANUAL);
        if b == status::MANUAL || a == status::MANUAL {
            row.manual += 1;
            continue;
        }
        let kids = population.children_of(f);
        let (pay_before, pay_after) = (before.total[f], after.total[f]);
        let reference: i64 = kids
            .clone()
            .map(|c| before.full_price[c])
            .filter(|&p| p != NONE)
            .sum();
        totals.families_compared += 1;
        totals.children_compared += kids.len();
        totals.parent_payments_before += pay_before;
        totals.parent_payments_after += pay_after;
        totals.public_cost_before += reference - pay_before;
        totals.public_cost_after += reference - pay_after;
        row.families += 1;
        row.children += kids.len();
        row.parent_payments_before += pay_before;
        row.parent_payments_after += pay_after;
        row.public_cost_before += reference - pay_before;
        row.public_cost_after += reference - pay_after;
        if pay_after != pay_before {
            totals.families_affected += 1;
        }
        if pay_after < pay_before {
            totals.winners += 1;
            row.winners += 1;
        } else if pay_after > pay_before {
            totals.losers += 1;
            row.losers += 1;
        }
        if population.income[f] != NONE {
            compared.push((population.income[f], pay_before, pay_after));
        }
    }
    SimulationReport {
        reform: String::new(),
        description: String::new(),
        date: baseline.date().to_string(),
        assume_general_where_unknown: options.assume_general_where_unknown,
        totals,
        municipalities: per
            .into_values()
            .filter(|r| r.families + r.manual > 0)
            .collect(),
        deciles: deciles(compared),
    }
}

/// Ten groups of (almost) equal size by household income, lowest first.
fn deciles(mut families: Vec<(i64, i64, i64)>) -> Vec<DecileRow> {
    families.sort_unstable();
    let n = families.len();
    (0..10)
        .filter_map(|d| {
            let group = &families[n * d / 10..n * (d + 1) / 10];
            if group.is_empty() {
                return None;
            }
            let gains: Vec<i64> = group.iter().map(|(_, b, a)| b - a).collect();
            let count = group.len() as f64;
            let round1 = |x: f64| (x * 10.0).round() / 10.0;
            let round3 = |x: f64| (x * 1000.0).round() / 1000.0;
            Some(DecileRow {
                decile: d + 1,
                families: group.len(),
                income_min: group[0].0,
                income_max: group[group.len() - 1].0,
                parent_payments_before: group.iter().map(|g| g.1).sum(),
                parent_payments_after: group.iter().map(|g| g.2).sum(),
                mean_gain: round1(gains.iter().sum::<i64>() as f64 / count),
                share_winners: round3(gains.iter().filter(|&&g| g > 0).count() as f64 / count),
                share_losers: round3(gains.iter().filter(|&&g| g < 0).count() as f64 / count),
            })
        })
        .collect()
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

impl SimulationReport {
    /// The totals as CSV (`measure,before,after,change`).
    pub fn totals_csv(&self) -> String {
        let t = &self.totals;
        let mut out = String::from("measure,before,after,change\n");
        let mut row = |name: &str, b: i64, a: i64| {
            let _ = writeln!(out, "{name},{b},{a},{}", a - b);
        };
        row(
            "parent_payments_monthly_nok",
            t.parent_payments_before,
            t.parent_payments_after,
        );
        row(
            "public_cost_monthly_nok",
            t.public_cost_before,
            t.public_cost_after,
        );
        let y = t.payments_per_year;
        row(
            "parent_payments_yearly_nok",
            t.parent_payments_before * y,
            t.parent_payments_after * y,
        );
        row(
            "public_cost_yearly_nok",
            t.public_cost_before * y,
            t.public_cost_after * y,
        );
        row(
            "manual_handling_families",
            t.manual_before as i64,
            t.manual_after as i64,
        );
        let _ = writeln!(
            out,
            "families,{},{},0\nfamilies_compared,{},{},0\nfamilies_affected,,{},\nwinners,,{},\nlosers,,{},",
            t.families, t.families, t.families_compared, t.families_compared,
            t.families_affected, t.winners, t.losers
        );
        out
    }

    /// The municipality table as CSV.
    pub fn municipalities_csv(&self) -> String {
        let mut out = String::from(
            "municipality,name,families,children,parent_payments_before,parent_payments_after,\
             public_cost_before,public_cost_after,winners,losers,manual_handling\n",
        );
        for r in &self.municipalities {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{}",
                r.municipality,
                csv_field(&r.name),
                r.families,
                r.children,
                r.parent_payments_before,
                r.parent_payments_after,
                r.public_cost_before,
                r.public_cost_after,
                r.winners,
                r.losers,
                r.manual
            );
        }
        out
    }

    /// The decile table as CSV.
    pub fn deciles_csv(&self) -> String {
        let mut out = String::from(
            "decile,families,income_min,income_max,parent_payments_before,parent_payments_after,\
             mean_gain,share_winners,share_losers\n",
        );
        for r in &self.deciles {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{:.1},{:.3},{:.3}",
                r.decile,
                r.families,
                r.income_min,
                r.income_max,
                r.parent_payments_before,
                r.parent_payments_after,
                r.mean_gain,
                r.share_winners,
                r.share_losers
            );
        }
        out
    }

    /// Bar chart of the mean monthly gain per family by income decile.
    pub fn deciles_svg(&self) -> String {
        let bars: Vec<(String, f64)> = self
            .deciles
            .iter()
            .map(|d| (format!("D{}", d.decile), d.mean_gain))
            .collect();
        vertical_bars(
            "Mean monthly gain per family by household-income decile",
            &format!("{} ({})", self.reform, self.date),
            &format!(
                "Mean change in monthly parent payments (before minus after, NOK) per family, by \
                 decile of household income, for {} families decided under both rule sets on {}. \
                 Reform: {}",
                self.totals.families_compared, self.date, self.reform
            ),
            "household-income decile (D1 lowest)",
            "mean gain per family, NOK/month",
            &bars,
        )
    }

    /// Horizontal bar chart of the municipalities with the largest change in monthly parent
    /// payments (reduction = gain to parents), at most `top`.
    pub fn municipalities_svg(&self, top: usize) -> String {
        let mut rows: Vec<&MunicipalityRow> = self.municipalities.iter().collect();
        rows.sort_by_key(|r| {
            (
                -(r.parent_payments_before - r.parent_payments_after).abs(),
                r.municipality.clone(),
            )
        });
        let bars: Vec<(String, f64)> = rows
            .iter()
            .filter(|r| r.parent_payments_before != r.parent_payments_after)
            .take(top)
            .map(|r| {
                (
                    format!("{} {}", r.municipality, r.name),
                    (r.parent_payments_before - r.parent_payments_after) as f64,
                )
            })
            .collect();
        horizontal_bars(
            "Municipalities with the largest change in parent payments",
            &format!("{} ({})", self.reform, self.date),
            &format!(
                "Total monthly gain to parents (parent payments before minus after, NOK) in the {} \
                 municipalities with the largest change, on {}.",
                bars.len(),
                self.date
            ),
            "gain to parents, NOK/month",
            &bars,
        )
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 || value.abs() >= 100.0 {
        let n = value.round() as i64;
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        if n < 0 {
            format!("−{out}")
        } else {
            out
        }
    } else {
        format!("{value:.1}")
    }
}

/// The value range of an axis that includes 0.
fn axis_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    (lo, hi)
}

fn svg_open(width: u32, height: u32, title: &str, subtitle: &str, desc: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"title desc\" \
         font-family=\"sans-serif\" font-size=\"12\">\n<title id=\"title\">{}</title>\n\
         <desc id=\"desc\">{}</desc>\n<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{}</text>\n\
         <text x=\"{}\" y=\"40\" text-anchor=\"middle\" fill=\"#444\">{}</text>\n",
        escape(&format!("{title} — {subtitle}")),
        escape(desc),
        width / 2,
        escape(title),
        width / 2,
        escape(subtitle)
    )
}

/// A vertical bar chart with value labels, a zero line and axis labels.
fn vertical_bars(
    title: &str,
    subtitle: &str,
    desc: &str,
    x_label: &str,
    y_label: &str,
    bars: &[(String, f64)],
) -> String {
    let (width, height) = (760u32, 460u32);
    let (left, right, top, bottom) = (80.0, 20.0, 75.0, 60.0);
    let plot_w = width as f64 - left - right;
    let plot_h = height as f64 - top - bottom;
    let (lo, hi) = axis_range(bars.iter().map(|b| b.1));
    let y = |v: f64| top + (hi - v) / (hi - lo) * plot_h;
    let mut out = svg_open(width, height, title, subtitle, desc);
    let slot = plot_w / bars.len().max(1) as f64;
    for (i, (label, value)) in bars.iter().enumerate() {
        let x = left + i as f64 * slot + slot * 0.15;
        let (y0, y1) = (y(0.0), y(*value));
        let (top_y, h) = (y0.min(y1), (y0 - y1).abs());
        let _ = writeln!(
            out,
            "<rect x=\"{x:.1}\" y=\"{top_y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{}: {}</title></rect>",
            slot * 0.7,
            if *value >= 0.0 { "#2b6cb0" } else { "#c53030" },
            escape(label),
            format_number(*value)
        );
        let label_y = if *value >= 0.0 { y1 - 4.0 } else { y1 + 14.0 };
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{label_y:.1}\" text-anchor=\"middle\">{}</text>",
            x + slot * 0.35,
            format_number(*value)
        );
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x + slot * 0.35,
            top + plot_h + 18.0,
            escape(label)
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"black\"/>\n\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{:.1}\" stroke=\"black\"/>",
        y(0.0),
        left + plot_w,
        y(0.0),
        top + plot_h
    );
    for (v, anchor) in [(hi, "hi"), (lo, "lo")] {
        if anchor == "lo" && lo == 0.0 {
            continue;
        }
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y(v) + 4.0,
            format_number(v)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">0</text>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n\
         <text x=\"18\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {:.1})\">{}</text>\n</svg>",
        left - 6.0,
        y(0.0) + 4.0,
        left + plot_w / 2.0,
        height as f64 - 15.0,
        escape(x_label),
        top + plot_h / 2.0,
        top + plot_h / 2.0,
        escape(y_label)
    );
    out
}

/// A horizontal bar chart (one row per label) with value labels and an axis label.
fn horizontal_bars(
    title: &str,
    subtitle: &str,
    desc: &str,
    x_label: &str,
    bars: &[(String, f64)],
) -> String {
    let row_h = 24.0;
    let (left, right, top, bottom) = (320.0, 110.0, 60.0, 50.0);
    let width = 960u32;
    let height = (top + bottom + row_h * bars.len().max(1) as f64) as u32;
    let plot_w = width as f64 - left - right;
    let (lo, hi) = axis_range(bars.iter().map(|b| b.1));
    let x = |v: f64| left + (v - lo) / (hi - lo) * plot_w;
    let mut out = svg_open(width, height, title, subtitle, desc);
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let (x0, x1) = (x(0.0), x(*value));
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {}</title></rect>\n\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            left - 8.0,
            y + row_h * 0.65,
            escape(label),
            x0.min(x1),
            y + row_h * 0.15,
            (x1 - x0).abs(),
            row_h * 0.7,
            if *value >= 0.0 { "#2b6cb0" } else { "#c53030" },
            escape(label),
            format_number(*value),
            x0.max(x1) + 4.0,
            y + row_h * 0.65,
            format_number(*value)
        );
    }
    let bottom_y = top + row_h * bars.len() as f64;
    let _ = writeln!(
        out,
        "<line x1=\"{:.1}\" y1=\"{top}\" x2=\"{:.1}\" y2=\"{bottom_y:.1}\" stroke=\"black\"/>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">0</text>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n</svg>",
        x(0.0),
        x(0.0),
        x(0.0),
        bottom_y + 16.0,
        left + plot_w / 2.0,
        height as f64 - 12.0,
        escape(x_label)
    );
    out
}
