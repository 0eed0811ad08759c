//! The rota as CSV (one row per employee, one column per date) and as a
//! standalone, accessible HTML page with an inline SVG grid.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::{Datelike, Weekday};

use super::evaluate::check;
use super::model::{Rota, ShiftKind, Unit};
use super::rules::RuleSet;

/// CSV with columns `employee_id,name,competence,position_pct` and one column
/// per date (ISO format) holding the shift code (empty when off; several
/// shifts on one day are joined with `+`).
pub fn render_csv(unit: &Unit, rota: &Rota) -> String {
    let mut out = String::from("employee_id,name,competence,position_pct");
    for d in 0..unit.days() {
        let _ = write!(out, ",{}", unit.date(d));
    }
    out.push('\n');
    for (e, staff) in unit.employees.iter().enumerate() {
        let _ = write!(
            out,
            "{},{},{},{}",
            csv_field(&staff.id),
            csv_field(&staff.name),
            csv_field(staff.competence.label()),
            staff.position_pct
        );
        for d in 0..unit.days() {
            out.push(',');
            out.push_str(&csv_field(&cell_text(unit, rota, e, d)));
        }
        out.push('\n');
    }
    out
}

fn cell_text(unit: &Unit, rota: &Rota, e: usize, d: usize) -> String {
    rota.shifts_on(e, d)
        .iter()
        .map(|&s| unit.shifts.get(s).map_or("?", |def| def.code.as_str()))
        .collect::<Vec<_>>()
        .join("+")
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn colours(kind: ShiftKind) -> (&'static str, &'static str) {
    match kind {
        ShiftKind::Day => ("#ffe08a", "#1a1a1a"),
        ShiftKind::Evening => ("#9ec5fe", "#1a1a1a"),
        ShiftKind::Night => ("#2f2c7a", "#ffffff"),
        ShiftKind::Long => ("#f4a261", "#1a1a1a"),
    }
}

fn kind_name(kind: ShiftKind) -> &'static str {
    match kind {
        ShiftKind::Day => "day",
        ShiftKind::Evening => "evening",
        ShiftKind::Night => "night",
        ShiftKind::Long => "long day",
    }
}

fn weekday_letter(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "M",
        Weekday::Tue => "T",
        Weekday::Wed => "W",
        Weekday::Thu => "T",
        Weekday::Fri => "F",
        Weekday::Sat => "S",
        Weekday::Sun => "S",
    }
}

/// A standalone HTML page: title, summary, the rota as an SVG grid
/// (employees × days, shift codes coloured, weekends shaded, cells with hard
/// violations outlined in red and marked "!"), a legend, the list of
/// violations and the whole rota as a table (the text alternative).
pub fn render_html(unit: &Unit, rules: &RuleSet, rota: &Rota) -> String {
    let report = check(unit, rules, rota);
    let days = unit.days();
    let (name_w, cell_w, cell_h, head_h) = (210usize, 26usize, 22usize, 40usize);
    let legend_h = 30usize;
    let width = name_w + days * cell_w + 10;
    let height = head_h + unit.employees.len() * cell_h + legend_h + 20;
    let first = unit.date(0);
    let last = unit.date(days.saturating_sub(1));

    let mut marked: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut marked_days: BTreeSet<usize> = BTreeSet::new();
    for v in &report.violations {
        let (Some(from), Some(to)) = (unit.day_index(v.from), unit.day_index(v.to)) else {
            continue;
        };
        match v.employee {
            Some(e) => {
                for d in from..=to {
                    if !rota.shifts_on(e, d).is_empty() || from == to {
                        marked.insert((e, d));
                    }
                }
            }
            None => {
                marked_days.extend(from..=to);
            }
        }
    }

    let title = format!("Rota for {} from {first} to {last}", unit.name);
    let verdict = if report.is_legal() {
        "no hard-rule violations".to_string()
    } else {
        format!("{} hard-rule violations", report.violations.len())
    };
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>\n\
         body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; }}\n\
         .scroll {{ overflow-x: auto; }}\n\
         table {{ border-collapse: collapse; font-size: 0.8rem; }}\n\
         th, td {{ border: 1px solid #bbb; padding: 2px 4px; text-align: center; }}\n\
         th[scope=row] {{ text-align: left; white-space: nowrap; }}\n\
         .swatch {{ display: inline-block; width: 1.2em; height: 1.2em; vertical-align: middle; border: 1px solid #555; margin-right: 0.3em; }}\n\
         .violation {{ color: #b00020; }}\n\
         </style>\n</head>\n<body>\n<main>\n<h1>{t}</h1>\n\
         <p>Rule set: {rs}{variants}. Verdict: <strong>{verdict}</strong>; soft score {soft:.1}.</p>\n",
        t = esc(&title),
        rs = esc(&rules.name),
        variants = if rules.variants.is_empty() {
            String::from(" (statutory defaults)")
        } else {
            format!(" (variants: {})", esc(&rules.variants.join(", ")))
        },
        soft = report.soft.total,
    );

    // The SVG grid.
    let _ = write!(
        html,
        "<figure>\n<div class=\"scroll\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
         aria-labelledby=\"rota-title rota-desc\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"system-ui, sans-serif\" font-size=\"11\">\n\
         <title id=\"rota-title\">{t}</title>\n\
         <desc id=\"rota-desc\">Grid of {n} employees by {days} days. Each cell shows the shift code; \
         colours: {legend}. Weekends are shaded grey. Cells outlined in red with an exclamation mark \
         break a hard rule. The same rota follows as a table below.</desc>\n",
        t = esc(&title),
        n = unit.employees.len(),
        legend = unit
            .shifts
            .iter()
            .map(|s| format!("{} {}", esc(&s.code), kind_name(s.kind)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let grid_h = unit.employees.len() * cell_h;
    for d in 0..days {
        let x = name_w + d * cell_w;
        let date = unit.date(d);
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        if weekend {
            let _ = writeln!(
                html,
                "<rect class=\"weekend\" x=\"{x}\" y=\"0\" width=\"{cell_w}\" height=\"{}\" fill=\"#e6e6e6\"/>",
                head_h + grid_h
            );
        }
        let colour = if marked_days.contains(&d) {
            "#b00020"
        } else {
            "#1a1a1a"
        };
        let _ = writeln!(
            html,
            "<text x=\"{}\" y=\"16\" text-anchor=\"middle\" fill=\"{colour}\">{}</text>\
             <text x=\"{}\" y=\"32\" text-anchor=\"middle\" fill=\"{colour}\">{}{}</text>",
            x + cell_w / 2,
            weekday_letter(date.weekday()),
            x + cell_w / 2,
            date.day(),
            if marked_days.contains(&d) { "!" } else { "" }
        );
        if d % 7 == 0 {
            let _ = writeln!(
                html,
                "<line x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{}\" stroke=\"#555\" stroke-width=\"1.5\"/>",
                head_h + grid_h
            );
        }
    }
    for (e, staff) in unit.employees.iter().enumerate() {
        let y = head_h + e * cell_h;
        let _ = writeln!(
            html,
            "<text x=\"4\" y=\"{}\">{} {} ({:.0} %)</text>",
            y + cell_h - 7,
            esc(&staff.id),
            esc(&staff.name),
            staff.position_pct
        );
        let _ = writeln!(
            html,
            "<line x1=\"0\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#ccc\"/>",
            name_w + days * cell_w
        );
        for d in 0..days {
            let x = name_w + d * cell_w;
            let shifts = rota.shifts_on(e, d);
            let violation = marked.contains(&(e, d));
            if let Some(def) = shifts.first().and_then(|&s| unit.shifts.get(s)) {
                let (fill, text) = colours(def.kind);
                let label = cell_text(unit, rota, e, d);
                let _ = writeln!(
                    html,
                    "<g><title>{} {}, {}: {} {}–{}{}</title>\
                     <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>\
                     <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{text}\">{}</text></g>",
                    esc(&staff.id),
                    esc(&staff.name),
                    unit.date(d),
                    esc(&label),
                    def.start.format("%H:%M"),
                    def.end.format("%H:%M"),
                    if violation {
                        " (breaks a hard rule)"
                    } else {
                        ""
                    },
                    x + 1,
                    y + 1,
                    cell_w - 2,
                    cell_h - 2,
                    x + cell_w / 2,
                    y + cell_h - 7,
                    esc(&label),
                );
            }
            if violation {
                let _ = writeln!(
                    html,
                    "<rect class=\"violation\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" \
                     stroke=\"#b00020\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" fill=\"#b00020\" \
                     font-weight=\"bold\" font-size=\"10\">!</text>",
                    x + 1,
                    y + 1,
                    cell_w - 2,
                    cell_h - 2,
                    x + cell_w - 6,
                    y + 10
                );
            }
        }
    }
    // Legend inside the SVG.
    let mut lx = 4;
    let ly = head_h + grid_h + 12;
    for def in &unit.shifts {
        let (fill, _) = colours(def.kind);
        let _ = writeln!(
            html,
            "<rect x=\"{lx}\" y=\"{ly}\" width=\"14\" height=\"14\" fill=\"{fill}\" stroke=\"#555\"/>\
             <text x=\"{}\" y=\"{}\">{} {} {}–{}</text>",
            lx + 18,
            ly + 11,
            esc(&def.code),
            kind_name(def.kind),
            def.start.format("%H:%M"),
            def.end.format("%H:%M")
        );
        lx += 170;
    }
    let _ = writeln!(
        html,
        "<rect x=\"{lx}\" y=\"{ly}\" width=\"14\" height=\"14\" fill=\"none\" stroke=\"#b00020\" stroke-width=\"2\"/>\
         <text x=\"{}\" y=\"{}\">hard-rule violation</text>",
        lx + 18,
        ly + 11
    );
    html.push_str("</svg>\n</div>\n");
    let _ = writeln!(
        html,
        "<figcaption>Rota grid: rows are employees, columns are days; weekends shaded; \
         red outlines mark hard-rule violations.</figcaption>\n</figure>"
    );

    // Legend as HTML.
    html.push_str("<h2 id=\"legend\">Legend</h2>\n<ul aria-labelledby=\"legend\">\n");
    for def in &unit.shifts {
        let (fill, _) = colours(def.kind);
        let _ = writeln!(
            html,
            "<li><span class=\"swatch\" style=\"background:{fill}\" aria-hidden=\"true\"></span>\
             <strong>{}</strong>: {} shift {}–{} ({:.1} h of work)</li>",
            esc(&def.code),
            kind_name(def.kind),
            def.start.format("%H:%M"),
            def.end.format("%H:%M"),
            def.work_minutes() as f64 / 60.0
        );
    }
    html.push_str(
        "<li><span class=\"swatch\" style=\"background:#e6e6e6\" aria-hidden=\"true\"></span>weekend</li>\n\
         <li><span class=\"swatch\" style=\"border:2px solid #b00020\" aria-hidden=\"true\"></span>\
         hard-rule violation (also listed below)</li>\n</ul>\n",
    );

    // Violations.
    html.push_str("<h2 id=\"violations\">Hard-rule violations</h2>\n");
    if report.violations.is_empty() {
        html.push_str("<p>None.</p>\n");
    } else {
        html.push_str("<ul class=\"violation\">\n");
        for v in &report.violations {
            let _ = writeln!(
                html,
                "<li>[{}] {} <em>({})</em></li>",
                v.rule,
                esc(&v.message),
                esc(&v.reference)
            );
        }
        html.push_str("</ul>\n");
    }

    // Text alternative: the rota as a table.
    let _ = write!(
        html,
        "<h2 id=\"table\">Rota as a table</h2>\n<div class=\"scroll\">\n<table>\n\
         <caption>{} (empty cell = day off)</caption>\n<thead>\n<tr><th scope=\"col\">Employee</th>",
        esc(&title)
    );
    for d in 0..days {
        let date = unit.date(d);
        let _ = write!(
            html,
            "<th scope=\"col\"><abbr title=\"{}\">{} {}</abbr></th>",
            date.format("%A %Y-%m-%d"),
            weekday_letter(date.weekday()),
            date.day()
        );
    }
    html.push_str("</tr>\n</thead>\n<tbody>\n");
    for (e, staff) in unit.employees.iter().enumerate() {
        let _ = write!(
            html,
            "<tr><th scope=\"row\">{} {} ({:.0} %, {})</th>",
            esc(&staff.id),
            esc(&staff.name),
            staff.position_pct,
            staff.competence.label()
        );
        for d in 0..days {
            let text = cell_text(unit, rota, e, d);
            if marked.contains(&(e, d)) {
                let _ = write!(html, "<td class=\"violation\">{}!</td>", esc(&text));
            } else {
                let _ = write!(html, "<td>{}</td>", esc(&text));
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n</div>\n</main>\n</body>\n</html>\n");
    html
}
