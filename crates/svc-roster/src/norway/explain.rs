//! Why a rota scores as it does: the checker's findings grouped per rule and
//! per employee, and a fairness summary (nights, weekends and long shifts per
//! full-time equivalent, with their spread).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::evaluate::{check, EmployeeFigures, Report};
use super::model::{Rota, Unit};
use super::rules::{RuleId, RuleSet, Severity};

/// Spread of a per-FTE figure over the employees.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spread {
    /// Lowest per-FTE value.
    pub min: f64,
    /// Highest per-FTE value.
    pub max: f64,
    /// Unit mean per FTE (total count / total FTE).
    pub mean: f64,
    /// FTE-weighted standard deviation around `mean`.
    pub std_dev: f64,
}

/// Fairness of the strain: per-FTE counts and their spread.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FairnessSummary {
    /// Night shifts per FTE.
    pub nights: Spread,
    /// Worked weekends per FTE.
    pub weekends: Spread,
    /// Long shifts per FTE.
    pub long_shifts: Spread,
}

/// One rule's share of the score.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleExplanation {
    /// The rule.
    pub rule: RuleId,
    /// Its severity in the rule set.
    pub severity: Severity,
    /// Whether it is checked.
    pub enabled: bool,
    /// Its legal or agreement source.
    pub reference: String,
    /// Hard violations found.
    pub hard_violations: usize,
    /// Soft cost items found.
    pub soft_items: usize,
    /// Soft cost.
    pub soft_cost: f64,
}

/// One employee's share of the score.
#[derive(Debug, Clone, PartialEq)]
pub struct EmployeeExplanation {
    /// Employee index.
    pub employee: usize,
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Position percentage.
    pub position_pct: f64,
    /// Hours, target and counts from the checker.
    pub figures: EmployeeFigures,
    /// Hard violations concerning the employee.
    pub hard_violations: usize,
    /// Soft cost attributed to the employee.
    pub soft_cost: f64,
    /// Soft cost per rule.
    pub soft_per_rule: BTreeMap<RuleId, f64>,
}

/// The full explanation of a rota.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// Whether no hard rule is broken.
    pub legal: bool,
    /// Soft score total.
    pub soft_total: f64,
    /// Per rule, in rule-file order.
    pub rules: Vec<RuleExplanation>,
    /// Per employee.
    pub employees: Vec<EmployeeExplanation>,
    /// Fairness summary.
    pub fairness: FairnessSummary,
    /// The underlying report (every violation and cost item).
    pub report: Report,
}

/// Explains `rota` under `rules`.
pub fn explain(unit: &Unit, rules: &RuleSet, rota: &Rota) -> Explanation {
    let report = check(unit, rules, rota);
    let rule_rows = RuleId::ALL
        .iter()
        .map(|&rule| {
            let meta = rules.rules.meta(rule);
            RuleExplanation {
                rule,
                severity: meta.severity,
                enabled: meta.enabled,
                reference: meta.reference.to_string(),
                hard_violations: report.count(rule),
                soft_items: report.penalties.iter().filter(|p| p.rule == rule).count(),
                soft_cost: report.soft.per_rule.get(&rule).copied().unwrap_or(0.0),
            }
        })
        .collect();
    let employees = unit
        .employees
        .iter()
        .enumerate()
        .map(|(e, staff)| {
            let mut soft_per_rule = BTreeMap::new();
            for p in report.penalties.iter().filter(|p| p.employee == Some(e)) {
                *soft_per_rule.entry(p.rule).or_insert(0.0) += p.cost;
            }
            EmployeeExplanation {
                employee: e,
                id: staff.id.clone(),
                name: staff.name.clone(),
                position_pct: staff.position_pct,
                figures: report.employees[e].clone(),
                hard_violations: report
                    .violations
                    .iter()
                    .filter(|v| v.employee == Some(e))
                    .count(),
                soft_cost: report.soft.per_employee[e],
                soft_per_rule,
            }
        })
        .collect();
    let ftes: Vec<f64> = unit.employees.iter().map(|s| s.fte()).collect();
    let spread = |count: fn(&EmployeeFigures) -> u32| {
        let counts: Vec<f64> = report
            .employees
            .iter()
            .map(|f| f64::from(count(f)))
            .collect();
        spread_of(&counts, &ftes)
    };
    let fairness = FairnessSummary {
        nights: spread(|f| f.nights),
        weekends: spread(|f| f.weekends),
        long_shifts: spread(|f| f.long_shifts),
    };
    Explanation {
        legal: report.is_legal(),
        soft_total: report.soft.total,
        rules: rule_rows,
        employees,
        fairness,
        report,
    }
}

fn spread_of(counts: &[f64], ftes: &[f64]) -> Spread {
    if counts.is_empty() {
        return Spread::default();
    }
    let total_fte: f64 = ftes.iter().sum();
    let mean = counts.iter().sum::<f64>() / total_fte;
    let per_fte: Vec<f64> = counts.iter().zip(ftes).map(|(c, f)| c / f).collect();
    let variance = per_fte
        .iter()
        .zip(ftes)
        .map(|(x, f)| f * (x - mean).powi(2))
        .sum::<f64>()
        / total_fte;
    Spread {
        min: per_fte.iter().copied().fold(f64::INFINITY, f64::min),
        max: per_fte.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        mean,
        std_dev: variance.sqrt(),
    }
}

impl Explanation {
    /// A plain-text summary: verdict, per rule, fairness, per employee, then every hard violation.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let verdict = if self.legal { "legal" } else { "NOT legal" };
        let _ = writeln!(
            out,
            "Rota is {verdict}: {} hard violations, soft score {:.1}",
            self.report.violations.len(),
            self.soft_total
        );
        let _ = writeln!(out, "\nPer rule:");
        for r in self.rules.iter().filter(|r| r.enabled) {
            let _ = writeln!(
                out,
                "  {:<20} {:<4} rule: {:>3} violations, cost {:>8.1} ({} items)  [{}]",
                r.rule.key(),
                match r.severity {
                    Severity::Hard => "hard",
                    Severity::Soft => "soft",
                },
                r.hard_violations,
                r.soft_cost,
                r.soft_items,
                r.reference
            );
        }
        let f = &self.fairness;
        let _ = writeln!(out, "\nFairness per FTE (mean, sd, min–max):");
        for (what, s) in [
            ("nights", f.nights),
            ("weekends", f.weekends),
            ("long shifts", f.long_shifts),
        ] {
            let _ = writeln!(
                out,
                "  {what:<12} {:.2} ± {:.2}  ({:.2}–{:.2})",
                s.mean, s.std_dev, s.min, s.max
            );
        }
        let _ = writeln!(out, "\nPer employee:");
        for e in &self.employees {
            let x = &e.figures;
            let _ = writeln!(
                out,
                "  {} {:<22} {:>3.0}%  {:>6.1} h / {:>6.1} h (week {:.2} h)  nights {:>2} weekends {} long {}  hard {} soft {:.1}",
                e.id,
                e.name,
                e.position_pct,
                x.hours,
                x.target_hours,
                x.rota_week_hours,
                x.nights,
                x.weekends,
                x.long_shifts,
                e.hard_violations,
                e.soft_cost
            );
        }
        if !self.report.violations.is_empty() {
            let _ = writeln!(out, "\nHard violations:");
            for v in &self.report.violations {
                let _ = writeln!(out, "  [{}] {} ({})", v.rule, v.message, v.reference);
            }
        }
        out
    }
}
