//! The register as one accessible HTML page (bokmål headings with English, semantic tables
//! and definition lists, no scripts).

use super::{figure_lines, AlgorithmRegister, RegisterEntry};
use std::fmt::Write as _;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn dl(out: &mut String, rows: &[(&str, String)]) {
    out.push_str("<dl>\n");
    for (k, v) in rows {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    }
    out.push_str("</dl>\n");
}

fn list(out: &mut String, items: &[String]) {
    out.push_str("<ul>\n");
    for i in items {
        let _ = writeln!(out, "<li>{}</li>", esc(i));
    }
    out.push_str("</ul>\n");
}

/// Renders the register.
pub fn to_html(r: &AlgorithmRegister) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Algoritmeregister — Mulighetsrom</title>\n<style>\n\
         body{font-family:sans-serif;max-width:72rem;margin:auto;padding:1rem;color:#111;line-height:1.45}\n\
         table{border-collapse:collapse;width:100%}th,td{border:1px solid #666;padding:.35rem;text-align:left;vertical-align:top}\n\
         th{background:#e8eef5}dt{font-weight:bold;margin-top:.5rem}dd{margin-left:1rem}\n\
         .stale{color:#8a4b00}.missing{color:#8a1c1c}section{border-top:2px solid #1b4f72;margin-top:2rem}\n\
         a{color:#0b4f8a}\n</style>\n</head>\n<body>\n",
    );
    let _ = writeln!(
        s,
        "<h1>Algoritmeregister <span lang=\"en\">/ Algorithm register</span></h1>\n\
         <p>Generert / generated {} fra tjenestenes manifester og siste målinger / from the services' manifests and latest measurements. \
         Felt etter / fields after: {}.</p>",
        r.generated_at.format("%Y-%m-%d %H:%M UTC"),
        esc(&r.standards.join("; "))
    );
    s.push_str(
        "<table>\n<caption>Tjenestene på spekteret / the services on the spectrum</caption>\n<thead><tr>\
         <th scope=\"col\">Tjeneste / service</th><th scope=\"col\">Plass / place</th>\
         <th scope=\"col\">Kategori / category</th><th scope=\"col\">Personer / people</th>\
         <th scope=\"col\">Siste målinger / latest figures</th></tr></thead>\n<tbody>\n",
    );
    for e in &r.entries {
        let people = e
            .measurements
            .iter()
            .filter_map(|m| m.measurement.people_affected)
            .max()
            .map_or("–".to_string(), |n| n.to_string());
        let figures: Vec<String> = e
            .measurements
            .iter()
            .flat_map(|m| figure_lines(&m.measurement).into_iter().take(3))
            .collect();
        let figures = if figures.is_empty() {
            format!(
                "<span class=\"missing\">ingen måling / not measured: {}</span>",
                esc(&e.missing_measurements.join("; "))
            )
        } else {
            esc(&figures.join("; "))
        };
        let _ = writeln!(
            s,
            "<tr><th scope=\"row\"><a href=\"#{id}\">{id} {}</a><br><span lang=\"en\">{}</span></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&e.name_nb),
            esc(&e.name_en),
            e.spectrum,
            esc(&e.algoritmeregister.publication_category),
            people,
            figures,
            id = esc(&e.id)
        );
    }
    s.push_str("</tbody>\n</table>\n");
    for e in &r.entries {
        section(&mut s, e);
    }
    s.push_str("</body>\n</html>\n");
    s
}

fn section(s: &mut String, e: &RegisterEntry) {
    let _ = writeln!(
        s,
        "<section id=\"{}\" aria-labelledby=\"h-{0}\">\n<h2 id=\"h-{0}\">{0} — {} <span lang=\"en\">/ {}</span></h2>",
        esc(&e.id),
        esc(&e.name_nb),
        esc(&e.name_en)
    );
    s.push_str("<h3>Målinger / measurements</h3>\n");
    if e.measurements.is_empty() {
        s.push_str("<p class=\"missing\">Ingen måling registrert / no measurement recorded.</p>\n");
    }
    for m in &e.measurements {
        let _ = writeln!(
            s,
            "<p>{} — <code>{}</code>, {}{}{}</p>",
            esc(&m.id),
            esc(&m.measurement.source),
            m.measurement.measured_at.format("%Y-%m-%d %H:%M UTC"),
            m.measurement
                .data_version
                .as_ref()
                .map(|d| format!(", data {}", esc(d)))
                .unwrap_or_default(),
            if m.stale {
                " <strong class=\"stale\">(eldre data / older data than the store holds now)</strong>"
            } else {
                ""
            }
        );
        list(s, &figure_lines(&m.measurement));
    }
    if !e.missing_measurements.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"missing\">Mangler / missing — kjør / run: {}</p>",
            esc(&e.missing_measurements.join("; "))
        );
    }
    let a = &e.algoritmeregister;
    s.push_str("<h3>Algoritmeregister (NL)</h3>\n");
    dl(
        s,
        &[
            ("Naam / name", a.name.clone()),
            (
                "Korte omschrijving / short description",
                a.description_short.clone(),
            ),
            ("Organisatie / organisation", a.organization.clone()),
            ("Thema / theme", a.theme.clone()),
            ("Status", a.status.clone()),
            ("Contact", a.contact_email.clone()),
            (
                "Publicatiecategorie / publication category",
                a.publication_category.clone(),
            ),
            (
                "Doel en impact / goal and impact",
                a.goal_and_impact.clone(),
            ),
            ("Afwegingen / considerations", a.considerations.clone()),
            (
                "Menselijke tussenkomst / human intervention",
                a.human_intervention.clone(),
            ),
            ("Risicobeheer / risk management", a.risk_management.clone()),
            (
                "Verwerkingsregister / processing register",
                a.processing_register.clone(),
            ),
            (
                "Technische werking / technical operation",
                a.technical_operation.clone(),
            ),
            ("Leverancier / supplier", a.supplier.clone()),
            ("Broncode / source code", a.source_code_link.clone()),
            ("Taal / language", a.lang.clone()),
        ],
    );
    s.push_str("<h4>Wettelijke basis / legal basis</h4>\n<ul>\n");
    for b in &a.legal_basis {
        let _ = writeln!(
            s,
            "<li><a href=\"{}\">{}</a> — GDPR {}{}</li>",
            esc(&b.link),
            esc(&b.title),
            esc(&b.gdpr),
            if b.verified {
                ""
            } else {
                " <strong>(ikke verifisert / unverified)</strong>"
            }
        );
    }
    s.push_str("</ul>\n<h4>Bronnen / data sources</h4>\n");
    list(s, &a.source_data);
    s.push_str("<h4>Impact assessments</h4>\n");
    list(s, &a.impact_assessments);
    let t = &e.atrs;
    s.push_str("<h3>ATRS (UK), tier 1–2</h3>\n");
    dl(
        s,
        &[
            ("Name", t.name.clone()),
            ("Description", t.description.clone()),
            ("Contact", t.contact.clone()),
            (
                "Owner and responsibility",
                t.owner_and_responsibility.clone(),
            ),
            (
                "Description and rationale",
                t.description_and_rationale.clone(),
            ),
            ("Decision-making process", t.decision_making_process.clone()),
            ("Tool specification", t.tool_specification.clone()),
            ("Data", t.data.clone()),
            (
                "Risks, mitigations and impact assessments",
                t.risks_mitigations_and_impact_assessments.clone(),
            ),
        ],
    );
    if let Some(f) = &e.fria {
        s.push_str(
            "<h3>Konsekvensvurdering for grunnleggende rettigheter / FRIA (AI Act art. 27)</h3>\n",
        );
        let _ = writeln!(s, "<p><em>{}</em></p>", esc(&f.status));
        dl(
            s,
            &[
                ("(a) Prosess / process", f.process.clone()),
                (
                    "(b) Periode og hyppighet / period and frequency",
                    f.period_and_frequency.clone(),
                ),
                (
                    "(c) Berørte grupper / affected groups",
                    f.affected_groups.clone(),
                ),
            ],
        );
        s.push_str("<h4>(d) Særlige risikoer / specific risks</h4>\n");
        list(s, &f.specific_risks);
        s.push_str("<h4>(e) Menneskelig tilsyn / human oversight</h4>\n");
        list(s, &f.oversight_measures);
        s.push_str("<h4>(f) Tiltak og klage / response and complaints</h4>\n");
        list(s, &f.response);
    }
    if let Some(c) = &e.model_card {
        s.push_str("<h3>Modellkort / model card</h3>\n");
        dl(
            s,
            &[
                ("Model details", c.model_details.clone()),
                ("Intended use", c.intended_use.clone()),
                ("Out of scope", c.out_of_scope.clone()),
                ("Evaluation data", c.evaluation_data.clone()),
                ("Training data", c.training_data.clone()),
                ("Ethical considerations", c.ethical_considerations.clone()),
                ("Caveats", c.caveats.clone()),
            ],
        );
        s.push_str("<h4>Features</h4>\n");
        list(s, &c.features);
        s.push_str("<h4>Metrics</h4>\n");
        list(s, &c.metrics);
        if !c.factors.is_empty() {
            s.push_str("<h4>Factors (groups audited)</h4>\n");
            list(s, &c.factors);
        }
    }
    s.push_str("</section>\n");
}
