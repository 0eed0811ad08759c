//! The independent checker: every rule of a [`RuleSet`] applied to a rota.
//!
//! Written for obviousness, not speed, and sharing no code with the solver:
//! every plan is re-checked here before it is returned. Times are absolute
//! minutes from 00:00 on the unit's first day; shifts that pass midnight end
//! on the next day. The rota horizon is open: time before the first day and
//! after the last day counts as free.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::model::{Competence, Rota, ShiftKind, Unit, WishKind};
use super::rules::{RuleId, RuleMeta, RuleSet, Severity, SundayCounts};

const DAY: i64 = 1440;

/// One broken rule (hard) or one cost item (soft), with where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The rule.
    pub rule: RuleId,
    /// Hard (makes the rota illegal) or soft (costs).
    pub severity: Severity,
    /// Employee index, or `None` for unit-level findings (cover).
    pub employee: Option<usize>,
    /// First date concerned.
    pub from: NaiveDate,
    /// Last date concerned.
    pub to: NaiveDate,
    /// Shift code concerned, if one.
    pub shift: Option<String>,
    /// Size of the breach in the rule's unit (hours, shifts, people, …).
    pub amount: f64,
    /// Soft cost (0 for hard violations).
    pub cost: f64,
    /// Legal or agreement source of the rule.
    pub reference: String,
    /// Readable explanation.
    pub message: String,
}

/// Soft score broken down per rule and per employee.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SoftScore {
    /// Sum of all soft costs.
    pub total: f64,
    /// Cost per rule.
    pub per_rule: BTreeMap<RuleId, f64>,
    /// Cost per employee (index as in the unit).
    pub per_employee: Vec<f64>,
    /// Cost not attributable to one employee (cover).
    pub unit_level: f64,
}

/// Per-employee figures the rules are based on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmployeeFigures {
    /// Rostered working hours plus credited hours.
    pub hours: f64,
    /// Contracted hours over the rota.
    pub target_hours: f64,
    /// The employee's rota week (35.5 h, 33.6 h, or between).
    pub rota_week_hours: f64,
    /// Shifts worked.
    pub shifts: u32,
    /// Night shifts.
    pub nights: u32,
    /// Weekends with work (Saturday 00:00 to Monday 00:00).
    pub weekends: u32,
    /// Long shifts.
    pub long_shifts: u32,
    /// Sundays with Sunday work (§ 10-10 period).
    pub sundays: u32,
}

/// Result of [`check`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// Hard violations; empty means the rota is legal under the rule set.
    pub violations: Vec<Violation>,
    /// Soft cost items.
    pub penalties: Vec<Violation>,
    /// Soft score breakdown.
    pub soft: SoftScore,
    /// Figures per employee.
    pub employees: Vec<EmployeeFigures>,
}

impl Report {
    /// Whether no hard rule is broken.
    pub fn is_legal(&self) -> bool {
        self.violations.is_empty()
    }

    /// Number of hard violations of `rule`.
    pub fn count(&self, rule: RuleId) -> usize {
        self.violations.iter().filter(|v| v.rule == rule).count()
    }
}

#[derive(Debug, Clone, Copy)]
struct Worked {
    day: usize,
    shift: usize,
    start: i64,
    end: i64,
    work: i64,
}

struct Checker<'a> {
    unit: &'a Unit,
    rules: &'a RuleSet,
    report: Report,
}

/// Checks `rota` against every enabled rule of `rules`.
pub fn check(unit: &Unit, rules: &RuleSet, rota: &Rota) -> Report {
    let mut checker = Checker {
        unit,
        rules,
        report: Report {
            soft: SoftScore {
                per_employee: vec![0.0; unit.employees.len()],
                ..SoftScore::default()
            },
            employees: vec![EmployeeFigures::default(); unit.employees.len()],
            ..Report::default()
        },
    };
    if unit.days() == 0 {
        return checker.report;
    }
    let lines: Vec<Vec<Worked>> = (0..unit.employees.len())
        .map(|e| worked_shifts(unit, rota, e))
        .collect();
    for (e, line) in lines.iter().enumerate() {
        checker.employee(e, rota, line);
    }
    checker.cover(&lines);
    checker.fairness();
    checker.report
}

fn worked_shifts(unit: &Unit, rota: &Rota, employee: usize) -> Vec<Worked> {
    let mut worked = Vec::new();
    for day in 0..unit.days().min(rota.days()) {
        for shift in rota.shifts_on(employee, day) {
            // Shift indexes outside the unit cannot come from the solver; skip them.
            let Some(def) = unit.shifts.get(shift) else {
                continue;
            };
            let base = day as i64 * DAY;
            worked.push(Worked {
                day,
                shift,
                start: base + def.start_minute(),
                end: base + def.end_minute(),
                work: def.work_minutes(),
            });
        }
    }
    worked.sort_by_key(|w| (w.start, w.end));
    worked
}

fn overlap(a: (i64, i64), b: (i64, i64)) -> i64 {
    (a.1.min(b.1) - a.0.max(b.0)).max(0)
}

fn hours(minutes: i64) -> f64 {
    minutes as f64 / 60.0
}

impl Checker<'_> {
    fn meta(&self, rule: RuleId) -> RuleMeta<'_> {
        self.rules.rules.meta(rule)
    }

    fn name(&self, e: usize) -> String {
        let s = &self.unit.employees[e];
        format!("{} {}", s.id, s.name)
    }

    /// Records a breach of `rule`; hard or soft according to the rule's severity.
    #[allow(clippy::too_many_arguments)]
    fn breach(
        &mut self,
        rule: RuleId,
        employee: Option<usize>,
        from: usize,
        to: usize,
        shift: Option<usize>,
        amount: f64,
        message: String,
    ) {
        let meta = self.meta(rule);
        let cost = match meta.severity {
            Severity::Hard => 0.0,
            Severity::Soft => meta.weight * amount,
        };
        self.push(
            rule,
            meta.severity,
            employee,
            from,
            to,
            shift,
            amount,
            cost,
            message,
        );
    }

    /// Records a soft cost item of `rule`.
    #[allow(clippy::too_many_arguments)]
    fn penalty(
        &mut self,
        rule: RuleId,
        employee: Option<usize>,
        from: usize,
        to: usize,
        shift: Option<usize>,
        amount: f64,
        cost: f64,
        message: String,
    ) {
        if cost != 0.0 {
            self.push(
                rule,
                Severity::Soft,
                employee,
                from,
                to,
                shift,
                amount,
                cost,
                message,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        rule: RuleId,
        severity: Severity,
        employee: Option<usize>,
        from: usize,
        to: usize,
        shift: Option<usize>,
        amount: f64,
        cost: f64,
        message: String,
    ) {
        let violation = Violation {
            rule,
            severity,
            employee,
            from: self.unit.date(from),
            to: self.unit.date(to),
            shift: shift.map(|s| self.unit.shifts[s].code.clone()),
            amount,
            cost,
            reference: self.meta(rule).reference.to_string(),
            message,
        };
        match severity {
            Severity::Hard => self.report.violations.push(violation),
            Severity::Soft => {
                let soft = &mut self.report.soft;
                soft.total += cost;
                *soft.per_rule.entry(rule).or_insert(0.0) += cost;
                match employee {
                    Some(e) => soft.per_employee[e] += cost,
                    None => soft.unit_level += cost,
                }
                self.report.penalties.push(violation);
            }
        }
    }

    fn code(&self, shift: usize) -> &str {
        &self.unit.shifts[shift].code
    }

    fn employee(&mut self, e: usize, rota: &Rota, line: &[Worked]) {
        let unit = self.unit;
        let rules = &self.rules.rules;
        let name = self.name(e);
        let staff = &unit.employees[e];
        let days = unit.days();

        // One shift per day.
        if rules.one_shift_per_day.enabled {
            for day in 0..days {
                let count = rota.shifts_on(e, day).len();
                if count > 1 {
                    self.breach(
                        RuleId::OneShiftPerDay,
                        Some(e),
                        day,
                        day,
                        None,
                        (count - 1) as f64,
                        format!("{name}: {count} shifts on {}", unit.date(day)),
                    );
                }
            }
        }

        // Availability.
        if rules.availability.enabled {
            for w in line {
                if staff.unavailable.contains(&unit.date(w.day)) {
                    self.breach(
                        RuleId::Availability,
                        Some(e),
                        w.day,
                        w.day,
                        Some(w.shift),
                        1.0,
                        format!(
                            "{name}: works {} on {}, registered as unavailable",
                            self.code(w.shift),
                            unit.date(w.day)
                        ),
                    );
                }
            }
        }

        // Daily rest, § 10-8 (1): rest between consecutive shifts.
        if rules.daily_rest.enabled {
            let min = (rules.daily_rest.min_hours * 60.0).round() as i64;
            for pair in line.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let rest = b.start - a.end;
                if rest < min {
                    self.breach(
                        RuleId::DailyRest,
                        Some(e),
                        a.day,
                        b.day,
                        Some(b.shift),
                        hours(min - rest),
                        format!(
                            "{name}: {:.2} h rest between {} on {} and {} on {} (minimum {:.1} h)",
                            hours(rest),
                            self.code(a.shift),
                            unit.date(a.day),
                            self.code(b.shift),
                            unit.date(b.day),
                            rules.daily_rest.min_hours
                        ),
                    );
                }
            }
        }

        // Weekly rest, § 10-8 (2): the longest free stretch inside each 7-day period.
        if rules.weekly_rest.enabled {
            let min = (rules.weekly_rest.min_hours * 60.0).round() as i64;
            for week in 0..unit.weeks {
                let (p0, p1) = ((week * 7) as i64 * DAY, (week * 7 + 7) as i64 * DAY);
                let mut cursor = p0;
                let mut longest = 0;
                for w in line.iter().filter(|w| w.end > p0 && w.start < p1) {
                    longest = longest.max(w.start.min(p1) - cursor);
                    cursor = cursor.max(w.end);
                }
                longest = longest.max(p1 - cursor.min(p1));
                if longest < min {
                    self.breach(
                        RuleId::WeeklyRest,
                        Some(e),
                        week * 7,
                        week * 7 + 6,
                        None,
                        hours(min - longest),
                        format!(
                            "{name}: longest continuous rest in the week from {} is {:.2} h (minimum {:.1} h)",
                            unit.date(week * 7),
                            hours(longest),
                            rules.weekly_rest.min_hours
                        ),
                    );
                }
            }
        }

        // Shift length, § 10-5.
        if rules.shift_length.enabled {
            let max = (rules.shift_length.max_hours * 60.0).round() as i64;
            for w in line {
                if w.work > max {
                    self.breach(
                        RuleId::ShiftLength,
                        Some(e),
                        w.day,
                        w.day,
                        Some(w.shift),
                        hours(w.work - max),
                        format!(
                            "{name}: {} on {} is {:.2} h of work (maximum {:.1} h)",
                            self.code(w.shift),
                            unit.date(w.day),
                            hours(w.work),
                            rules.shift_length.max_hours
                        ),
                    );
                }
            }
        }

        // Weekly hours, § 10-5: a cap per calendar week and a rolling average.
        let mut week_minutes = vec![0i64; unit.weeks];
        for w in line {
            week_minutes[w.day / 7] += w.work;
        }
        if rules.weekly_hours.enabled {
            let p = &rules.weekly_hours;
            let cap = (p.max_week_hours * 60.0).round() as i64;
            for (week, &minutes) in week_minutes.iter().enumerate() {
                if minutes > cap {
                    self.breach(
                        RuleId::WeeklyHours,
                        Some(e),
                        week * 7,
                        week * 7 + 6,
                        None,
                        hours(minutes - cap),
                        format!(
                            "{name}: {:.2} h in the week from {} (maximum {:.1} h)",
                            hours(minutes),
                            unit.date(week * 7),
                            p.max_week_hours
                        ),
                    );
                }
            }
            let span = (p.averaging_weeks as usize).clamp(1, unit.weeks.max(1));
            for first in 0..=unit.weeks.saturating_sub(span) {
                let sum: i64 = week_minutes[first..first + span].iter().sum();
                let average = hours(sum) / span as f64;
                if average > p.max_average_hours + 1e-9 {
                    self.breach(
                        RuleId::WeeklyHours,
                        Some(e),
                        first * 7,
                        (first + span) * 7 - 1,
                        None,
                        average - p.max_average_hours,
                        format!(
                            "{name}: {average:.2} h per week on average over {span} weeks (maximum {:.1} h)",
                            p.max_average_hours
                        ),
                    );
                }
            }
        }

        // Sunday work per § 10-10: shifts overlapping Saturday 18:00 – Sunday 22:00.
        let sw = &rules.sunday_work;
        let sunday_periods: Vec<(i64, i64)> = (0..unit.weeks)
            .map(|k| {
                let saturday = (k * 7 + 5) as i64 * DAY;
                (
                    saturday + (sw.saturday_from * 60.0).round() as i64,
                    saturday + DAY + (sw.sunday_until * 60.0).round() as i64,
                )
            })
            .collect();
        let weekend_periods: Vec<(i64, i64)> = (0..unit.weeks)
            .map(|k| ((k * 7 + 5) as i64 * DAY, (k * 7 + 7) as i64 * DAY))
            .collect();
        let worked_in =
            |period: (i64, i64)| line.iter().any(|w| overlap((w.start, w.end), period) > 0);
        let sundays: Vec<bool> = sunday_periods.iter().map(|&p| worked_in(p)).collect();
        let weekends: Vec<bool> = weekend_periods.iter().map(|&p| worked_in(p)).collect();

        if sw.enabled {
            let counted = match sw.counts {
                SundayCounts::Sunday => &sundays,
                SundayCounts::Weekend => &weekends,
            };
            let what = match sw.counts {
                SundayCounts::Sunday => "Sundays",
                SundayCounts::Weekend => "weekends",
            };
            let window = sw.window as usize;
            if sw.averaged {
                let worked = counted.iter().filter(|&&x| x).count();
                let allowed = (sw.max_in_window as usize * unit.weeks) / window;
                if worked > allowed {
                    self.breach(
                        RuleId::SundayWork,
                        Some(e),
                        6,
                        unit.weeks * 7 - 1,
                        None,
                        (worked - allowed) as f64,
                        format!(
                            "{name}: works {worked} of {} {what} (at most {allowed}: {} in {window} on average)",
                            unit.weeks, sw.max_in_window
                        ),
                    );
                }
            } else if window <= unit.weeks {
                for first in 0..=unit.weeks - window {
                    let worked = counted[first..first + window]
                        .iter()
                        .filter(|&&x| x)
                        .count();
                    if worked > sw.max_in_window as usize {
                        self.breach(
                            RuleId::SundayWork,
                            Some(e),
                            first * 7 + 5,
                            (first + window - 1) * 7 + 6,
                            None,
                            (worked - sw.max_in_window as usize) as f64,
                            format!(
                                "{name}: works {worked} {what} in the {window} {what} from {} (at most {})",
                                unit.date(first * 7 + 6),
                                sw.max_in_window
                            ),
                        );
                    }
                }
            }
        }

        // Consecutive nights.
        let night_day: Vec<bool> = (0..days)
            .map(|d| {
                rota.shifts_on(e, d)
                    .iter()
                    .any(|&s| unit.shifts.get(s).is_some_and(|def| def.counts_as_night))
            })
            .collect();
        if rules.consecutive_nights.enabled {
            let max = rules.consecutive_nights.max_nights as usize;
            let mut d = 0;
            while d < days {
                if night_day[d] {
                    let start = d;
                    while d < days && night_day[d] {
                        d += 1;
                    }
                    let run = d - start;
                    if run > max {
                        self.breach(
                            RuleId::ConsecutiveNights,
                            Some(e),
                            start,
                            d - 1,
                            None,
                            (run - max) as f64,
                            format!(
                                "{name}: {run} nights in a row from {} (maximum {max})",
                                unit.date(start)
                            ),
                        );
                    }
                } else {
                    d += 1;
                }
            }
        }

        // Contracted hours with the agreement's rota week.
        let ch = &rules.contract_hours;
        let sunday_minutes: i64 = line
            .iter()
            .map(|w| {
                sunday_periods
                    .iter()
                    .map(|&p| overlap((w.start, w.end), p))
                    .sum::<i64>()
            })
            .sum();
        let night_minutes: i64 = line
            .iter()
            .map(|w| {
                let first = w.day as i64 - 1;
                (first..=first + 2)
                    .map(|j| {
                        let from = j * DAY + (ch.night_from * 60.0).round() as i64;
                        let mut until = j * DAY + (ch.night_until * 60.0).round() as i64;
                        if until <= from {
                            until += DAY;
                        }
                        overlap((w.start, w.end), (from, until))
                    })
                    .sum::<i64>()
            })
            .sum();
        let sundays_worked = sundays.iter().filter(|&&x| x).count();
        let qualifies =
            sundays_worked as f64 + 1e-9 >= ch.qualifying_sunday_share * unit.weeks as f64;
        let weeks = unit.weeks as f64;
        let rota_week = if qualifies {
            let extra_hours = (sunday_minutes as f64 * ch.sunday_extra_minutes / 60.0
                + night_minutes as f64 * ch.night_extra_minutes / 60.0)
                / 60.0;
            (ch.full_week_hours - extra_hours / (weeks * staff.fte()))
                .clamp(ch.min_week_hours, ch.max_week_hours)
        } else {
            ch.max_week_hours
        };
        let worked_minutes: i64 = line.iter().map(|w| w.work).sum::<i64>() + staff.credited_minutes;
        let target = staff.position_pct / 100.0 * rota_week * weeks;
        let actual = hours(worked_minutes);
        let deviation = actual - target;
        if ch.enabled {
            let last = days - 1;
            let message = format!(
                "{name}: {actual:.2} h rostered against {target:.2} h contracted ({:.0} % of a {rota_week:.2} h rota week × {} weeks)",
                staff.position_pct, unit.weeks
            );
            if ch.severity == Severity::Hard && deviation.abs() > ch.tolerance_hours + 1e-9 {
                self.push(
                    RuleId::ContractHours,
                    Severity::Hard,
                    Some(e),
                    0,
                    last,
                    None,
                    deviation.abs() - ch.tolerance_hours,
                    0.0,
                    format!("{message}; deviation beyond ±{:.1} h", ch.tolerance_hours),
                );
            }
            self.penalty(
                RuleId::ContractHours,
                Some(e),
                0,
                last,
                None,
                deviation.abs(),
                ch.weight * deviation.abs(),
                message,
            );
        }

        // Wishes.
        if rules.wishes.enabled {
            let weight = rules.wishes.weight;
            for wish in &staff.wishes {
                let Some(day) = unit.day_index(wish.date) else {
                    continue;
                };
                let wanted = match &wish.shift {
                    Some(code) => match unit.shift_index(code) {
                        Some(s) => Some(s),
                        None => continue,
                    },
                    None => None,
                };
                let on_day = rota.shifts_on(e, day);
                let works_wanted = match wanted {
                    Some(s) => on_day.contains(&s),
                    None => !on_day.is_empty(),
                };
                let unmet = match wish.kind {
                    WishKind::On => !works_wanted,
                    WishKind::Off => works_wanted,
                };
                if unmet {
                    let what = match (wish.kind, &wish.shift) {
                        (WishKind::On, Some(c)) => format!("to work {c}"),
                        (WishKind::On, None) => "to work".to_string(),
                        (WishKind::Off, Some(c)) => format!("not to work {c}"),
                        (WishKind::Off, None) => "a day off".to_string(),
                    };
                    self.penalty(
                        RuleId::Wishes,
                        Some(e),
                        day,
                        day,
                        wanted,
                        f64::from(wish.weight),
                        weight * f64::from(wish.weight),
                        format!("{name}: wish {what} on {} not met", wish.date),
                    );
                }
            }
        }

        // Weekend pattern: worked weekends closer than every_nth, split weekends.
        let wp = &rules.weekend_pattern;
        if wp.enabled {
            let nth = wp.every_nth as usize;
            for k in 0..unit.weeks {
                for k2 in k + 1..(k + nth).min(unit.weeks) {
                    if weekends[k] && weekends[k2] {
                        self.penalty(
                            RuleId::WeekendPattern,
                            Some(e),
                            k * 7 + 5,
                            k2 * 7 + 6,
                            None,
                            1.0,
                            wp.weight,
                            format!(
                                "{name}: works the weekends of {} and {} (preferred every {nth}. weekend)",
                                unit.date(k * 7 + 5),
                                unit.date(k2 * 7 + 5)
                            ),
                        );
                    }
                }
                let saturday = !rota.shifts_on(e, k * 7 + 5).is_empty();
                let sunday = !rota.shifts_on(e, k * 7 + 6).is_empty();
                if saturday != sunday {
                    self.penalty(
                        RuleId::WeekendPattern,
                        Some(e),
                        k * 7 + 5,
                        k * 7 + 6,
                        None,
                        1.0,
                        wp.split_weight,
                        format!(
                            "{name}: split weekend {} (only one of Saturday and Sunday)",
                            unit.date(k * 7 + 5)
                        ),
                    );
                }
            }
        }

        // Isolated days off.
        if rules.isolated_days_off.enabled {
            for d in 1..days.saturating_sub(1) {
                let works = |d: usize| !rota.shifts_on(e, d).is_empty();
                if !works(d) && works(d - 1) && works(d + 1) {
                    self.penalty(
                        RuleId::IsolatedDaysOff,
                        Some(e),
                        d,
                        d,
                        None,
                        1.0,
                        rules.isolated_days_off.weight,
                        format!("{name}: single day off on {}", unit.date(d)),
                    );
                }
            }
        }

        self.report.employees[e] = EmployeeFigures {
            hours: actual,
            target_hours: target,
            rota_week_hours: rota_week,
            shifts: line.len() as u32,
            nights: line
                .iter()
                .filter(|w| unit.shifts[w.shift].counts_as_night)
                .count() as u32,
            weekends: weekends.iter().filter(|&&x| x).count() as u32,
            long_shifts: line
                .iter()
                .filter(|w| unit.shifts[w.shift].kind == ShiftKind::Long)
                .count() as u32,
            sundays: sundays_worked as u32,
        };
    }

    fn cover(&mut self, lines: &[Vec<Worked>]) {
        let unit = self.unit;
        let rules = &self.rules.rules;
        for day in 0..unit.days() {
            for shift in 0..unit.shifts.len() {
                let demand = unit.demand_on(day, shift);
                let mut nurses = 0u32;
                let mut qualified = 0u32;
                let mut total = 0u32;
                for (e, line) in lines.iter().enumerate() {
                    let works = line.iter().any(|w| w.day == day && w.shift == shift);
                    if works {
                        total += 1;
                        match unit.employees[e].competence {
                            Competence::Nurse => {
                                nurses += 1;
                                qualified += 1;
                            }
                            Competence::HealthWorker => qualified += 1,
                            Competence::Assistant => {}
                        }
                    }
                }
                let code = &unit.shifts[shift].code;
                let date = unit.date(day);
                if rules.competence_cover.enabled {
                    if nurses < demand.nurses {
                        self.breach(
                            RuleId::CompetenceCover,
                            None,
                            day,
                            day,
                            Some(shift),
                            f64::from(demand.nurses - nurses),
                            format!(
                                "{code} on {date}: {nurses} nurses (minimum {})",
                                demand.nurses
                            ),
                        );
                    }
                    let needed = demand.nurses + demand.health_workers;
                    if qualified < needed {
                        self.breach(
                            RuleId::CompetenceCover,
                            None,
                            day,
                            day,
                            Some(shift),
                            f64::from(needed - qualified),
                            format!(
                                "{code} on {date}: {qualified} nurses and health workers (minimum {needed})"
                            ),
                        );
                    }
                }
                if rules.cover.enabled {
                    let wanted = demand.total();
                    if total < wanted {
                        let missing = f64::from(wanted - total);
                        self.penalty(
                            RuleId::Cover,
                            None,
                            day,
                            day,
                            Some(shift),
                            missing,
                            rules.cover.under_weight * missing,
                            format!("{code} on {date}: {total} staff, {wanted} wanted"),
                        );
                    } else if total > wanted {
                        let extra = f64::from(total - wanted);
                        self.penalty(
                            RuleId::Cover,
                            None,
                            day,
                            day,
                            Some(shift),
                            extra,
                            rules.cover.over_weight * extra,
                            format!("{code} on {date}: {total} staff, {wanted} wanted"),
                        );
                    }
                }
            }
        }
    }

    fn fairness(&mut self) {
        let fairness = self.rules.rules.fairness.clone();
        if !fairness.enabled || self.unit.employees.is_empty() {
            return;
        }
        let ftes: Vec<f64> = self.unit.employees.iter().map(|s| s.fte()).collect();
        let total_fte: f64 = ftes.iter().sum();
        type Count = fn(&EmployeeFigures) -> u32;
        let kinds: [(&str, f64, Count); 3] = [
            ("nights", fairness.nights_weight, |f| f.nights),
            ("weekends", fairness.weekends_weight, |f| f.weekends),
            ("long shifts", fairness.long_weight, |f| f.long_shifts),
        ];
        let last = self.unit.days() - 1;
        for (what, weight, count) in kinds {
            let counts: Vec<f64> = self
                .report
                .employees
                .iter()
                .map(|f| f64::from(count(f)))
                .collect();
            let mean = counts.iter().sum::<f64>() / total_fte;
            for e in 0..counts.len() {
                let per_fte = counts[e] / ftes[e];
                let cost = weight * ftes[e] * (per_fte - mean).powi(2);
                if cost > 1e-9 {
                    let name = self.name(e);
                    self.penalty(
                        RuleId::Fairness,
                        Some(e),
                        0,
                        last,
                        None,
                        per_fte - mean,
                        cost,
                        format!(
                            "{name}: {:.0} {what} = {per_fte:.2} per FTE (unit mean {mean:.2})",
                            counts[e]
                        ),
                    );
                }
            }
        }
    }
}
