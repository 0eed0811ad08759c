//! The decision letter (vedtak) of one household as a standalone HTML page, in bokmål or
//! English (the same structure in both).
//!
//! A decided household gets a *vedtak*: to whom (the adults by masked identity number), the
//! amounts per child (the price at makspris, each reduction and the monthly fee), the grounds
//! (forvaltningsloven §§ 24–25: every rule of the explanation tree as a sentence with its legal
//! reference, and the register data used with its provenance), the warnings, that the decision
//! was made automatically from register data and the right to ask for manual review (GDPR
//! Art. 22), the right to see the case documents (forvaltningsloven § 18) and how to appeal
//! (forvaltningsloven §§ 28–29, forskrift om foreldrebetaling i barnehager § 5). A household
//! that needs manual handling gets a different letter: «saken behandles manuelt», the reasons,
//! and no amounts.
//!
//! The letter reads no clock: its date is the date decided. Every text inserted is HTML-escaped,
//! and any run of 11 digits (a full identity number) is masked as `DDMMYY*****` before it is.

use crate::family::FamilyDecision;
use crate::fee::{in_kjernetid_cohort, ChildFee, HouseholdFee};
use crate::zones::PriceZone;
use chrono::{Datelike, NaiveDate};
use registers::NationalId;
use rules::{Explanation, Finding, Outcome, Period, Provenance, Severity, Value};
use std::fmt::Write as _;
use std::str::FromStr;

/// The language of a letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Norwegian bokmål (the default).
    Nb,
    /// English, on request.
    En,
}

impl Lang {
    /// The BCP 47 code for the `lang` attribute (`nb`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }
}

/// Parses `nb` (also `no`, `bokmål`) or `en`.
impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "nb" | "no" | "bokmål" | "bokmal" => Ok(Lang::Nb),
            "en" | "english" => Ok(Lang::En),
            other => Err(format!("'{other}' is not a letter language (nb | en)")),
        }
    }
}

/// The decision letter of a household for `month` (its first day), from the municipality
/// `municipality_name`, as a standalone HTML page. The recipients are the adults whose tax
/// assessments the decision read (masked); where the income is unknown the letter is addressed
/// to the parents of the children. Use [`render_letter_to`] to name the adults explicitly.
pub fn render_letter(
    decision: &FamilyDecision,
    municipality_name: &str,
    month: NaiveDate,
    lang: Lang,
) -> String {
    let recipients = recipients_from_provenance(&decision.decision.explanation);
    render(decision, &recipients, municipality_name, month, lang)
}

/// [`render_letter`] addressed to the household's `adults` (shown masked).
pub fn render_letter_to(
    decision: &FamilyDecision,
    adults: &[NationalId],
    municipality_name: &str,
    month: NaiveDate,
    lang: Lang,
) -> String {
    let recipients: Vec<String> = adults.iter().map(|a| a.to_string()).collect();
    render(decision, &recipients, municipality_name, month, lang)
}

/// Text in both languages.
struct T {
    nb: &'static str,
    en: &'static str,
}

const fn t(nb: &'static str, en: &'static str) -> T {
    T { nb, en }
}

impl T {
    fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Nb => self.nb,
            Lang::En => self.en,
        }
    }
}

const TITLE: T = t(
    "Vedtak om redusert foreldrebetaling i barnehage",
    "Decision on reduced parental fees in kindergarten",
);
const TITLE_MANUAL: T = t(
    "Redusert foreldrebetaling i barnehage: saken behandles manuelt",
    "Reduced parental fees in kindergarten: your case is handled manually",
);
const REGULATION_NB: &str = "forskrift om foreldrebetaling i barnehager (FOR-2005-12-16-1478)";
const REGULATION_EN: &str =
    "the Regulation on parental fees in kindergartens (forskrift om foreldrebetaling i barnehager, FOR-2005-12-16-1478)";

const CSS: &str = "\
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 1rem; line-height: 1.5; color: #1a1a1a; background: #ffffff; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
header { border-bottom: 2px solid #1a1a1a; margin-bottom: 1.5rem; padding-bottom: 0.5rem; }
.sender { font-weight: 600; margin: 0; }
.meta { margin: 0.25rem 0; }
h1 { font-size: 1.5rem; margin: 1rem 0 0.5rem; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 0.5rem; border-bottom: 1px solid #595959; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.25rem; }
table { border-collapse: collapse; width: 100%; margin: 0.75rem 0; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
th, td { border: 1px solid #595959; padding: 0.3rem 0.5rem; vertical-align: top; }
thead th { background: #e8e8e8; text-align: left; }
td.amount, th.amount { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tfoot th, tfoot td { font-weight: 700; background: #f2f2f2; }
.ref { color: #3d3d3d; font-size: 0.9rem; }
code { font-family: ui-monospace, 'Cascadia Mono', Consolas, monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
.note { border-left: 4px solid #8a4b00; background: #fff6e5; padding: 0.5rem 0.75rem; }
.status { border-left: 4px solid #1a4d8f; background: #eef3fa; padding: 0.5rem 0.75rem; }
@page { size: A4; margin: 2cm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  h2, h3 { break-after: avoid; }
  table, .note, .status, li { break-inside: avoid; }
  thead th, tfoot th, tfoot td, .note, .status { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";

fn render(
    family: &FamilyDecision,
    recipients: &[String],
    municipality_name: &str,
    month: NaiveDate,
    lang: Lang,
) -> String {
    let decision = &family.decision;
    let fee = &decision.result;
    let manual = !decision.outcome.is_decided();
    let title = if manual { &TITLE_MANUAL } else { &TITLE }.get(lang);
    let mut html = String::with_capacity(16_384);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} – {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        lang.code(),
        esc(title),
        esc(municipality_name)
    );

    // Header: sender, date, subject, recipients.
    let (date_label, month_label, to_label) = match lang {
        Lang::Nb => ("Dato", "Gjelder", "Til"),
        Lang::En => ("Date", "Period", "To"),
    };
    let _ = write!(
        html,
        "<header>\n<p class=\"sender\">{}</p>\n<p class=\"meta\">{date_label}: {}</p>\n\
         <p class=\"meta\">{month_label}: {}</p>\n<p class=\"meta\">{to_label}: {}</p>\n</header>\n\
         <main>\n<h1>{}</h1>\n",
        esc(municipality_name),
        esc(&long_date(fee.date, lang)),
        esc(&month_name(month, lang)),
        esc(&to_whom(recipients, family, lang)),
        esc(title)
    );

    if manual {
        manual_body(&mut html, family, municipality_name, lang);
    } else {
        decided_body(&mut html, family, municipality_name, month, lang);
    }
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

fn decided_body(
    html: &mut String,
    family: &FamilyDecision,
    municipality_name: &str,
    month: NaiveDate,
    lang: Lang,
) {
    let decision = &family.decision;
    let fee = &decision.result;
    let total = fee.total_monthly_fee.unwrap_or(0);

    // The decision itself.
    let _ = write!(
        html,
        "<section aria-labelledby=\"decision\">\n<h2 id=\"decision\">{}</h2>\n<p>{}</p>\n",
        match lang {
            Lang::Nb => "Vedtak",
            Lang::En => "Decision",
        },
        esc(&match lang {
            Lang::Nb => format!(
                "{municipality_name} har fastsatt foreldrebetalingen for {} i barnehage fra {}. \
                 Samlet foreldrebetaling er {} per måned.",
                children_phrase(fee.children.len(), lang),
                long_date(month, lang),
                kr(total)
            ),
            Lang::En => format!(
                "{municipality_name} has set the parental fee for {} in kindergarten from {}. \
                 The total parental fee is {} a month.",
                children_phrase(fee.children.len(), lang),
                long_date(month, lang),
                kr(total)
            ),
        })
    );
    amounts_table(html, fee, lang);
    html.push_str(&match lang {
        Lang::Nb => format!("<p>Vedtaket er gjort etter {REGULATION_NB} §§ 1, 2 og 3.</p>\n"),
        Lang::En => format!("<p>The decision is made under {REGULATION_EN} §§ 1, 2 and 3.</p>\n"),
    });
    html.push_str("</section>\n");

    status_section(html, &decision.outcome, lang);
    grounds_section(html, fee, lang);
    data_section(html, &decision.explanation, fee, lang);
    unverified_note(html, fee, lang);
    automated_section(html, &decision.explanation, fee, lang);
    documents_section(html, municipality_name, lang);
    appeal_section(html, municipality_name, lang);
}

fn manual_body(html: &mut String, family: &FamilyDecision, municipality_name: &str, lang: Lang) {
    let decision = &family.decision;
    let fee = &decision.result;
    let _ = write!(
        html,
        "<section aria-labelledby=\"manual\" class=\"status\">\n<h2 id=\"manual\">{}</h2>\n<p>{}</p>\n",
        match lang {
            Lang::Nb => "Saken behandles manuelt",
            Lang::En => "Your case is handled manually",
        },
        esc(&match lang {
            Lang::Nb => format!(
                "{municipality_name} kunne ikke fastsette foreldrebetalingen for {} automatisk \
                 ut fra registeropplysningene. Saken behandles derfor manuelt av en \
                 saksbehandler. Dette brevet er ikke et vedtak; du får et vedtak med \
                 opplysning om klageadgang når saken er behandlet.",
                children_phrase(fee.children.len(), lang)
            ),
            Lang::En => format!(
                "{municipality_name} could not set the parental fee for {} automatically from \
                 the register data. A caseworker will therefore handle your case manually. This \
                 letter is not a decision; you will receive a decision, with information on how \
                 to appeal, once the case has been handled.",
                children_phrase(fee.children.len(), lang)
            ),
        })
    );
    let _ = write!(
        html,
        "<h3>{}</h3>\n<ul>\n",
        match lang {
            Lang::Nb => "Hvorfor saken behandles manuelt",
            Lang::En => "Why your case is handled manually",
        }
    );
    for finding in decision.outcome.findings() {
        if finding.severity == Severity::ManualHandling {
            finding_item(html, finding, lang);
        }
    }
    html.push_str("</ul>\n");
    let warnings: Vec<&Finding> = decision
        .outcome
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    if !warnings.is_empty() {
        let _ = write!(
            html,
            "<h3>{}</h3>\n<ul>\n",
            match lang {
                Lang::Nb => "Andre forhold saksbehandleren vil se på",
                Lang::En => "Other matters the caseworker will look at",
            }
        );
        for finding in warnings {
            finding_item(html, finding, lang);
        }
        html.push_str("</ul>\n");
    }
    html.push_str(&format!(
        "<p>{}</p>\n</section>\n",
        esc(&match lang {
            Lang::Nb => format!(
                "Hvis du har opplysninger som kan ha betydning for saken, for eksempel om \
                 husstandens inntekt, kan du sende dem til {municipality_name}."
            ),
            Lang::En => format!(
                "If you have information that may matter for the case, for example about the \
                 household's income, you can send it to {municipality_name}."
            ),
        })
    ));
    let _ = write!(
        html,
        "<section aria-labelledby=\"children\">\n<h2 id=\"children\">{}</h2>\n<ul>\n",
        match lang {
            Lang::Nb => "Barna saken gjelder",
            Lang::En => "The children concerned",
        }
    );
    for child in &fee.children {
        let _ = writeln!(html, "<li>{}</li>", esc(&child_label(child, lang)));
    }
    html.push_str("</ul>\n</section>\n");
    data_section(html, &decision.explanation, fee, lang);
    documents_section(html, municipality_name, lang);
}

/// The amounts table: one row per child, a total row.
fn amounts_table(html: &mut String, fee: &HouseholdFee, lang: Lang) {
    let (caption, headers) = match lang {
        Lang::Nb => (
            "Foreldrebetaling per måned",
            [
                "Barn",
                "Pris etter makspris",
                "Reduksjon etter inntekt (6 %)",
                "Gratis kjernetid",
                "Søskenmoderasjon",
                "Foreldrebetaling per måned",
            ],
        ),
        Lang::En => (
            "Parental fee per month",
            [
                "Child",
                "Price at the maximum fee",
                "Income-based reduction (6 %)",
                "Free core hours",
                "Sibling discount",
                "Parental fee per month",
            ],
        ),
    };
    let _ = write!(
        html,
        "<table>\n<caption>{}</caption>\n<thead>\n<tr>",
        esc(caption)
    );
    for (i, header) in headers.iter().enumerate() {
        let class = if i == 0 { "" } else { " class=\"amount\"" };
        let _ = write!(html, "<th scope=\"col\"{class}>{}</th>", esc(header));
    }
    html.push_str("</tr>\n</thead>\n<tbody>\n");
    for child in &fee.children {
        let amounts = ChildLine::of(child);
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{}</th><td class=\"amount\">{}</td><td class=\"amount\">{}</td>\
             <td class=\"amount\">{}</td><td class=\"amount\">{}</td><td class=\"amount\">{}</td></tr>",
            esc(&child_label(child, lang)),
            esc(&kr(amounts.full_price)),
            esc(&reduction(amounts.income_reduction)),
            esc(&reduction(amounts.kjernetid)),
            esc(&reduction(amounts.sibling)),
            esc(&kr(amounts.fee)),
        );
    }
    let _ = write!(
        html,
        "</tbody>\n<tfoot>\n<tr><th scope=\"row\" colspan=\"5\">{}</th><td class=\"amount\">{}</td></tr>\n</tfoot>\n</table>\n",
        match lang {
            Lang::Nb => "Sum per måned",
            Lang::En => "Total per month",
        },
        esc(&kr(fee.total_monthly_fee.unwrap_or(0)))
    );
}

/// One child's amounts as the letter shows them: the price at makspris minus the three
/// reductions equals the fee.
struct ChildLine {
    full_price: i64,
    income_reduction: i64,
    kjernetid: i64,
    sibling: i64,
    fee: i64,
}

impl ChildLine {
    fn of(child: &ChildFee) -> ChildLine {
        let fee = child.monthly_fee.unwrap_or(0);
        let full_price = child.full_price.unwrap_or(fee);
        let explanation = &child.explanation;
        let place_price = explanation
            .find("kindergarten.part_time")
            .and_then(|n| integer(&n.result))
            .unwrap_or(full_price);
        let kjernetid = explanation
            .find("kindergarten.kjernetid")
            .and_then(|n| input_integer(n, "kjernetid_deduction"))
            .unwrap_or(0);
        let sibling = explanation
            .find("kindergarten.sibling_discount")
            .and_then(|n| integer(&n.result))
            .unwrap_or(place_price - kjernetid - fee);
        ChildLine {
            full_price,
            income_reduction: full_price - place_price,
            kjernetid,
            sibling,
            fee,
        }
    }
}

fn status_section(html: &mut String, outcome: &Outcome, lang: Lang) {
    let _ = write!(
        html,
        "<section aria-labelledby=\"status\" class=\"status\">\n<h2 id=\"status\">{}</h2>\n",
        match lang {
            Lang::Nb => "Status",
            Lang::En => "Status",
        }
    );
    match outcome {
        Outcome::Decided => {
            let _ = writeln!(
                html,
                "<p>{}</p>",
                match lang {
                    Lang::Nb => "Vedtaket er fattet. Registeropplysningene var fullstendige og uten motstrid.",
                    Lang::En => "The decision is made. The register data were complete and consistent.",
                }
            );
        }
        Outcome::DecidedWithWarnings(findings) | Outcome::ManualHandling(findings) => {
            let _ = write!(
                html,
                "<p>{}</p>\n<ul>\n",
                match lang {
                    Lang::Nb => "Vedtaket er fattet, men med disse merknadene. Kontroller dem, og ta kontakt hvis noe er feil:",
                    Lang::En => "The decision is made, with these remarks. Please check them, and contact us if anything is wrong:",
                }
            );
            for finding in findings {
                finding_item(html, finding, lang);
            }
            html.push_str("</ul>\n");
        }
    }
    html.push_str("</section>\n");
}

fn finding_item(html: &mut String, finding: &Finding, lang: Lang) {
    let _ = writeln!(
        html,
        "<li>{} <span class=\"ref\">({}: <code>{}</code> {})</span></li>",
        esc(finding_text(&finding.code, lang)),
        match lang {
            Lang::Nb => "teknisk",
            Lang::En => "technical",
        },
        esc(&finding.code),
        esc(&finding.message)
    );
}

/// A sentence for the finding codes the rules produce; the technical message follows it.
fn finding_text(code: &str, lang: Lang) -> &'static str {
    let text = match code {
        "income_unknown" => t(
            "Husstandens inntekt er ukjent: det finnes ikke skatteoppgjør for alle voksne i husstanden for inntektsåret som skal brukes.",
            "The household income is unknown: there is no tax assessment for every adult of the household for the income year to be used.",
        ),
        "no_adult_in_household" => t(
            "Barna bor ikke sammen med noen av foreldrene på adressen, så det må vurderes hvem sin inntekt som skal telle.",
            "The children live with neither parent at the address, so whose income counts must be assessed.",
        ),
        "price_zone_unknown" => t(
            "Det er ikke avklart hvilken prissone kommunen tilhører, og prisene i sonene er ulike.",
            "It is not settled which price zone the municipality belongs to, and the zone prices differ.",
        ),
        "makspris_unknown" => t(
            "Maksimalprisen for prissonen er ikke kjent for denne datoen.",
            "The maximum fee of the price zone is not known for this date.",
        ),
        "kjernetid_limit_unknown" => t(
            "Inntektsgrensen for gratis kjernetid er ikke kjent for barnehageåret.",
            "The income limit for free core hours is not known for the kindergarten year.",
        ),
        "birth_date_unknown" => t(
            "Et barn med barnehageplass finnes ikke i Folkeregisteret.",
            "A child with a kindergarten place is not in the population register.",
        ),
        "zero_hours" => t(
            "Et barn er registrert med en plass på 0 timer i uken.",
            "A child is registered with a place of 0 hours a week.",
        ),
        "older_income_year" => t(
            "Det er brukt et eldre inntektsår fordi det nyeste skatteoppgjøret ikke finnes for alle voksne i husstanden.",
            "An older income year is used because the latest tax assessment is not available for every adult of the household.",
        ),
        "several_places" => t(
            "Et barn er registrert med flere barnehageplasser; den siste er brukt.",
            "A child is registered with several kindergarten places; the latest is used.",
        ),
        "kindergarten_in_other_municipality" => t(
            "Et barn går i barnehage i en annen kommune enn bostedskommunen; prissonen til bostedskommunen er brukt.",
            "A child attends a kindergarten in another municipality than the one of residence; the price zone of the municipality of residence is used.",
        ),
        "unverified_parameter" => t(
            "En sats som er brukt, er ikke bekreftet fra offentlige kilder.",
            "A rate used is not confirmed from public sources.",
        ),
        "price_zone_assumed_general" => t(
            "Prissonen til kommunen er ukjent, og den generelle maksimalprisen er lagt til grunn. Hvis kommunen hører til en sone med lavere pris, er betalingen for høy.",
            "The price zone of the municipality is unknown and the general maximum fee is assumed. If the municipality is in a zone with a lower price, the fee is too high.",
        ),
        "income_not_positive" => t(
            "Husstandens inntekt er null eller negativ, og betalingen er satt til 0.",
            "The household income is zero or negative, and the fee is set to 0.",
        ),
        _ => t("Merknad fra regelverket:", "Remark from the rules:"),
    };
    text.get(lang)
}

/// The grounds: one paragraph per rule of the household, then per child.
fn grounds_section(html: &mut String, fee: &HouseholdFee, lang: Lang) {
    let _ = write!(
        html,
        "<section aria-labelledby=\"grounds\">\n<h2 id=\"grounds\">{}</h2>\n<p>{}</p>\n",
        match lang {
            Lang::Nb => "Begrunnelse",
            Lang::En => "Grounds",
        },
        match lang {
            Lang::Nb => "Reglene er brukt i den rekkefølgen forskriften fastsetter (forvaltningsloven §§ 24 og 25).",
            Lang::En => "The rules are applied in the order the regulation lays down (Public Administration Act (forvaltningsloven) §§ 24 and 25).",
        }
    );
    let Some(first) = fee.children.first() else {
        html.push_str("</section>\n");
        return;
    };
    let _ = writeln!(
        html,
        "<h3>{}</h3>",
        match lang {
            Lang::Nb => "Husstanden",
            Lang::En => "The household",
        }
    );
    for rule in ["kindergarten.makspris", "kindergarten.income_cap"] {
        if let Some(node) = first.explanation.find(rule) {
            rule_paragraph(html, node, fee, lang);
        }
    }
    for child in &fee.children {
        let _ = writeln!(html, "<h3>{}</h3>", esc(&child_label(child, lang)));
        for rule in [
            "kindergarten.part_time",
            "kindergarten.kjernetid",
            "kindergarten.sibling_discount",
        ] {
            if let Some(node) = child.explanation.find(rule) {
                rule_paragraph(html, node, fee, lang);
            }
        }
        rule_paragraph(html, &child.explanation, fee, lang);
    }
    html.push_str("</section>\n");
}

fn rule_paragraph(html: &mut String, node: &Explanation, fee: &HouseholdFee, lang: Lang) {
    let sentence = rule_sentence(node, fee, lang);
    let _ = writeln!(
        html,
        "<p>{} <span class=\"ref\">({}: {})</span></p>",
        esc(&sentence),
        match lang {
            Lang::Nb => "Hjemmel",
            Lang::En => "Legal basis",
        },
        esc(&node.legal_reference)
    );
}

/// A readable sentence for a rule node, from its result, inputs and parameters; the engine's
/// own summary for rules the letter does not know.
fn rule_sentence(node: &Explanation, fee: &HouseholdFee, lang: Lang) -> String {
    let nb = lang == Lang::Nb;
    match node.rule.as_str() {
        "kindergarten.makspris" => {
            let zone = zone_name(fee.price_zone, lang);
            match integer(&node.result) {
                Some(0) => {
                    if nb {
                        format!("Maksimalprisen: i {zone} er barnehageplassen gratis.")
                    } else {
                        format!("Maximum fee: in {zone} the kindergarten place is free.")
                    }
                }
                Some(m) => {
                    if nb {
                        format!(
                        "Maksimalprisen (makspris) for en heltidsplass i {zone} er {} per måned.",
                        kr(m)
                    )
                    } else {
                        format!(
                        "The maximum fee (makspris) for a full-time place in {zone} is {} a month.",
                        kr(m)
                    )
                    }
                }
                None => node.summary.clone(),
            }
        }
        "kindergarten.income_cap" => {
            let income = input_integer(node, "household_income");
            let year = node
                .inputs
                .iter()
                .find(|i| i.name == "household_income")
                .and_then(|i| {
                    i.provenance.iter().find_map(|p| match p.period {
                        Some(Period::IncomeYear(y)) => Some(y),
                        _ => None,
                    })
                });
            let makspris = input_integer(node, "makspris");
            let limit = fee.income_limit;
            let rate = parameter_text(node, "kindergarten.income_cap.rate")
                .map(|r| percent(&r))
                .unwrap_or_else(|| "6 %".into());
            let payments = parameter_text(node, "kindergarten.income_cap.payments_per_year")
                .unwrap_or_else(|| "11".into());
            let reduced = integer(&node.result);
            let year_text = year.map_or(String::new(), |y| {
                if nb {
                    format!(" for inntektsåret {y}")
                } else {
                    format!(" for income year {y}")
                }
            });
            match (income, makspris, limit, reduced) {
                (_, Some(0), _, _) => {
                    if nb {
                        "Inntektsregelen: plassen er gratis, så inntekten har ingen betydning."
                            .into()
                    } else {
                        "Income rule: the place is free, so the income does not matter.".into()
                    }
                }
                (Some(income), Some(m), Some(limit), Some(r)) if r == m => {
                    if nb {
                        format!(
                        "Husstandens samlede personinntekt og kapitalinntekt{year_text} er {}. \
                         Betalingen for første barn skal ikke være høyere enn {rate} av inntekten \
                         fordelt på {payments} måneder. Inntekten er lik eller høyere enn grensen \
                         på {}, så maksimalprisen gjelder.",
                        kr(income),
                        kr(limit)
                    )
                    } else {
                        format!(
                            "The household's total personal and capital income{year_text} is {}. \
                         The fee for the first child may not exceed {rate} of the income spread \
                         over {payments} months. The income is at or above the limit of {}, so the \
                         maximum fee applies.",
                            kr(income),
                            kr(limit)
                        )
                    }
                }
                (Some(income), Some(_), Some(limit), Some(r)) => {
                    if nb {
                        format!(
                        "Husstandens samlede personinntekt og kapitalinntekt{year_text} er {}, \
                         lavere enn grensen på {}. Betalingen for en heltidsplass er derfor \
                         redusert til {rate} av inntekten fordelt på {payments} måneder: {} per måned.",
                        kr(income),
                        kr(limit),
                        kr(r)
                    )
                    } else {
                        format!(
                            "The household's total personal and capital income{year_text} is {}, \
                         below the limit of {}. The fee for a full-time place is therefore reduced \
                         to {rate} of the income spread over {payments} months: {} a month.",
                            kr(income),
                            kr(limit),
                            kr(r)
                        )
                    }
                }
                _ => node.summary.clone(),
            }
        }
        "kindergarten.part_time" => {
            let hours = input_integer(node, "weekly_hours").unwrap_or(0);
            let full_time =
                parameter_text(node, "kindergarten.full_time_hours").unwrap_or_else(|| "41".into());
            let full: i64 = full_time.parse().unwrap_or(41);
            match integer(&node.result) {
                Some(price) if hours >= full => {
                    if nb {
                        format!(
                        "Avtalt oppholdstid er {hours} timer i uken, en heltidsplass ({full} timer eller mer). Prisen for plassen er {}.",
                        kr(price)
                    )
                    } else {
                        format!(
                        "The agreed time is {hours} hours a week, a full-time place ({full} hours or more). The price of the place is {}.",
                        kr(price)
                    )
                    }
                }
                Some(price) => {
                    if nb {
                        format!(
                        "Avtalt oppholdstid er {hours} timer i uken, en deltidsplass. Prisen er forholdsmessig: {hours}/{full} av heltidsprisen, {}.",
                        kr(price)
                    )
                    } else {
                        format!(
                        "The agreed time is {hours} hours a week, a part-time place. The price is pro rata: {hours}/{full} of the full-time price, {}.",
                        kr(price)
                    )
                    }
                }
                None => node.summary.clone(),
            }
        }
        "kindergarten.kjernetid" => {
            let birth = node
                .inputs
                .iter()
                .find_map(|i| match (&i.name[..], &i.value) {
                    ("birth_date", Value::Date(d)) => Some(*d),
                    _ => None,
                });
            let year = rules::barnehage_year(fee.date);
            let youngest = parameter_int(node, "kindergarten.kjernetid.youngest_cohort_age");
            let oldest = parameter_int(node, "kindergarten.kjernetid.oldest_cohort_age");
            let free_hours = parameter_int(node, "kindergarten.kjernetid.free_hours").unwrap_or(20);
            let limit = parameter_int(node, "kindergarten.kjernetid.income_limit")
                .or(fee.kjernetid_income_limit);
            let deduction = input_integer(node, "kjernetid_deduction").unwrap_or(0);
            let in_cohort = match (birth, youngest, oldest) {
                (Some(b), Some(y), Some(o)) => Some(in_kjernetid_cohort(b, year, y, o)),
                _ => None,
            };
            let by = birth.map_or(0, |b| b.year());
            match (integer(&node.result), in_cohort) {
                (Some(free), _) if free > 0 => {
                    if nb {
                        format!(
                        "Barnet er født i {by} og hører til årskullene med rett til gratis kjernetid i barnehageåret {year}/{}, og husstandens inntekt er lavere enn grensen på {}. Barnet får {free} gratis timer i uken, verdt {} per måned.",
                        year + 1,
                        limit.map_or_else(|| "?".into(), kr),
                        kr(deduction)
                    )
                    } else {
                        format!(
                        "The child was born in {by} and belongs to the cohorts entitled to free core hours in kindergarten year {year}/{}, and the household income is below the limit of {}. The child gets {free} free hours a week, worth {} a month.",
                        year + 1,
                        limit.map_or_else(|| "?".into(), kr),
                        kr(deduction)
                    )
                    }
                }
                (Some(_), Some(false)) => {
                    if nb {
                        format!(
                        "Barnet er født i {by} og hører ikke til årskullene med rett til {free_hours} timer gratis kjernetid i barnehageåret {year}/{}.",
                        year + 1
                    )
                    } else {
                        format!(
                        "The child was born in {by} and does not belong to the cohorts entitled to {free_hours} free core hours in kindergarten year {year}/{}.",
                        year + 1
                    )
                    }
                }
                (Some(_), _) if fee.makspris == Some(0) => {
                    if nb {
                        "Gratis kjernetid: plassen er gratis uansett.".into()
                    } else {
                        "Free core hours: the place is free in any case.".into()
                    }
                }
                (Some(_), _) => {
                    if nb {
                        format!(
                        "Barnet hører til årskullene for gratis kjernetid, men husstandens inntekt er ikke lavere enn grensen på {}, så barnet får ikke gratis timer.",
                        limit.map_or_else(|| "?".into(), kr)
                    )
                    } else {
                        format!(
                        "The child belongs to the cohorts for free core hours, but the household income is not below the limit of {}, so the child gets no free hours.",
                        limit.map_or_else(|| "?".into(), kr)
                    )
                    }
                }
                (None, _) => node.summary.clone(),
            }
        }
        "kindergarten.sibling_discount" => {
            let rank = input_integer(node, "rank").unwrap_or(1);
            let attending = input_integer(node, "children_attending").unwrap_or(1);
            let discount = node
                .parameters_used
                .iter()
                .find(|p| p.path.starts_with("kindergarten.sibling.discount_"))
                .map(|p| percent(&p.value.to_string()));
            match (rank, discount, integer(&node.result)) {
                (1, _, _) => {
                    if nb {
                        format!("Søskenmoderasjon: barnet regnes som første barn av {attending} i barnehage og får ikke søskenmoderasjon.")
                    } else {
                        format!("Sibling discount: the child counts as the first of {attending} in kindergarten and gets no sibling discount.")
                    }
                }
                (rank, Some(d), Some(amount)) => {
                    if nb {
                        format!(
                        "Søskenmoderasjon: barnet er barn nummer {rank} av {attending} i barnehage og får {d} moderasjon, {} per måned.",
                        kr(amount)
                    )
                    } else {
                        format!(
                        "Sibling discount: the child is number {rank} of {attending} in kindergarten and gets a {d} discount, {} a month.",
                        kr(amount)
                    )
                    }
                }
                _ => node.summary.clone(),
            }
        }
        "kindergarten.child_fee" => match integer(&node.result) {
            Some(f) => {
                if nb {
                    format!("Foreldrebetalingen for barnet er {} per måned.", kr(f))
                } else {
                    format!("The parental fee for the child is {} a month.", kr(f))
                }
            }
            None => node.summary.clone(),
        },
        _ => node.summary.clone(),
    }
}

/// The data used: every register record of the explanation tree, with its period.
fn data_section(html: &mut String, explanation: &Explanation, fee: &HouseholdFee, lang: Lang) {
    let mut records: Vec<&Provenance> = Vec::new();
    collect_provenance(explanation, &mut records);
    for child in &fee.children {
        collect_provenance(&child.explanation, &mut records);
    }
    let _ = write!(
        html,
        "<section aria-labelledby=\"data\">\n<h2 id=\"data\">{}</h2>\n<p>{}</p>\n<table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        match lang {
            Lang::Nb => "Opplysninger som er brukt",
            Lang::En => "Data used",
        },
        match lang {
            Lang::Nb => "Opplysningene er hentet fra disse registrene. Gi beskjed hvis noe er feil.",
            Lang::En => "The data were taken from these registers. Let us know if anything is wrong.",
        },
        match lang {
            Lang::Nb => "Registeropplysninger med kilde",
            Lang::En => "Register data with their source",
        },
        match lang {
            Lang::Nb => "Register",
            Lang::En => "Register",
        },
        match lang {
            Lang::Nb => "Opplysning (post)",
            Lang::En => "Record",
        },
        match lang {
            Lang::Nb => "Gjelder",
            Lang::En => "Period",
        },
    );
    for p in records {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(&register_name(&p.register, lang)),
            esc(&p.record),
            esc(&p
                .period
                .as_ref()
                .map_or_else(String::new, |p| period_text(p, lang)))
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

fn collect_provenance<'a>(node: &'a Explanation, out: &mut Vec<&'a Provenance>) {
    for input in &node.inputs {
        for p in &input.provenance {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    for child in &node.children {
        collect_provenance(child, out);
    }
}

fn unverified_note(html: &mut String, fee: &HouseholdFee, lang: Lang) {
    let refs_unverified = fee
        .children
        .iter()
        .any(|c| tree_mentions_unverified(&c.explanation));
    if fee.unverified_parameters.is_empty() && !refs_unverified {
        return;
    }
    let _ = write!(
        html,
        "<aside class=\"note\" aria-labelledby=\"unverified\">\n<h2 id=\"unverified\">{}</h2>\n",
        match lang {
            Lang::Nb => "Merknad om usikre opplysninger i regelverket",
            Lang::En => "Note on unconfirmed legal data",
        }
    );
    if !fee.unverified_parameters.is_empty() {
        let _ = write!(
            html,
            "<p>{}</p>\n<ul>\n",
            match lang {
                Lang::Nb => "Disse satsene er brukt, men er ikke bekreftet fra offentlige kilder:",
                Lang::En => "These values were used but are not confirmed from public sources:",
            }
        );
        for p in &fee.unverified_parameters {
            let _ = writeln!(html, "<li><code>{}</code></li>", esc(p));
        }
        html.push_str("</ul>\n");
    }
    if refs_unverified {
        let _ = writeln!(
            html,
            "<p>{}</p>",
            match lang {
                Lang::Nb => "Henvisningene til underpunkter i forskriften § 3 er ikke kontrollert mot Lovdatas konsoliderte tekst.",
                Lang::En => "The references to sub-paragraphs of § 3 of the regulation are not checked against Lovdata's consolidated text.",
            }
        );
    }
    html.push_str("</aside>\n");
}

fn tree_mentions_unverified(node: &Explanation) -> bool {
    node.legal_reference.contains("unverified")
        || node.children.iter().any(tree_mentions_unverified)
}

fn automated_section(html: &mut String, explanation: &Explanation, fee: &HouseholdFee, lang: Lang) {
    let mut records: Vec<&Provenance> = Vec::new();
    collect_provenance(explanation, &mut records);
    for child in &fee.children {
        collect_provenance(&child.explanation, &mut records);
    }
    let mut registers: Vec<String> = Vec::new();
    for p in records {
        let name = register_name(&p.register, lang);
        if !registers.contains(&name) {
            registers.push(name);
        }
    }
    let _ = write!(
        html,
        "<section aria-labelledby=\"automated\">\n<h2 id=\"automated\">{}</h2>\n<p>{}</p>\n<p>{}</p>\n</section>\n",
        match lang {
            Lang::Nb => "Automatisk vedtak",
            Lang::En => "Automated decision",
        },
        esc(&match lang {
            Lang::Nb => format!(
                "Vedtaket er fattet automatisk, uten at du har søkt, på grunnlag av opplysninger fra offentlige registre: {}. Opplysningene er vist over.",
                registers.join(", ")
            ),
            Lang::En => format!(
                "The decision was made automatically, without an application from you, on the basis of data from public registers: {}. The data are shown above.",
                registers.join(", ")
            ),
        }),
        match lang {
            Lang::Nb => "Du har rett til å be om at en saksbehandler vurderer saken manuelt, og til å uttale deg (personvernforordningen artikkel 22). Kontakt kommunen hvis du ønsker det. Dette kommer i tillegg til klageretten.",
            Lang::En => "You have the right to ask for a caseworker to review the case manually, and to express your view (GDPR Article 22). Contact the municipality if you wish. This is in addition to the right to appeal.",
        }
    );
}

fn documents_section(html: &mut String, municipality_name: &str, lang: Lang) {
    let _ = write!(
        html,
        "<section aria-labelledby=\"documents\">\n<h2 id=\"documents\">{}</h2>\n<p>{}</p>\n</section>\n",
        match lang {
            Lang::Nb => "Rett til å se dokumentene i saken",
            Lang::En => "Right to see the case documents",
        },
        esc(&match lang {
            Lang::Nb => format!(
                "Du har rett til å se dokumentene i saken din, jf. forvaltningsloven § 18. Ta kontakt med {municipality_name} hvis du vil se dem."
            ),
            Lang::En => format!(
                "You have the right to see the documents of your case, under the Public Administration Act (forvaltningsloven) § 18. Contact {municipality_name} if you want to see them."
            ),
        })
    );
}

fn appeal_section(html: &mut String, municipality_name: &str, lang: Lang) {
    let (heading, paragraphs) = match lang {
        Lang::Nb => (
            "Du kan klage",
            [
                "Du kan klage på vedtaket. Klagefristen er tre uker fra du mottok dette brevet (forvaltningsloven §§ 28 og 29).".to_string(),
                format!(
                    "Send klagen til {municipality_name}. Skriv hvilket vedtak du klager på, hva du ønsker endret, og hvorfor."
                ),
                format!(
                    "Kommunen vurderer saken på nytt. Hvis kommunen ikke gir deg medhold, sender den klagen til statsforvalteren, som avgjør den ({REGULATION_NB} § 5)."
                ),
            ],
        ),
        Lang::En => (
            "How to appeal",
            [
                "You can appeal (klage) against the decision. The deadline is three weeks from the day you received this letter (Public Administration Act (forvaltningsloven) §§ 28 and 29).".to_string(),
                format!(
                    "Send the appeal to {municipality_name}. State which decision you appeal against, what you want changed, and why."
                ),
                format!(
                    "The municipality reviews the case again. If it does not uphold your appeal, it forwards the appeal to the County Governor (statsforvalteren), who decides it ({REGULATION_EN} § 5)."
                ),
            ],
        ),
    };
    let _ = writeln!(
        html,
        "<section aria-labelledby=\"appeal\">\n<h2 id=\"appeal\">{heading}</h2>"
    );
    for p in paragraphs {
        let _ = writeln!(html, "<p>{}</p>", esc(&p));
    }
    html.push_str("</section>\n");
}

// ----- helpers -----

/// The recipients from the income provenance (`tax_assessments person=…`), masked.
fn recipients_from_provenance(explanation: &Explanation) -> Vec<String> {
    let mut out = Vec::new();
    let mut records = Vec::new();
    collect_provenance(explanation, &mut records);
    for p in records {
        if p.register != "income" {
            continue;
        }
        if let Some(rest) = p.record.split("person=").nth(1) {
            let id: String = rest.split_whitespace().next().unwrap_or("").to_string();
            let id = mask_identity_numbers(&id);
            if !id.is_empty() && !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

fn to_whom(recipients: &[String], family: &FamilyDecision, lang: Lang) -> String {
    if recipients.is_empty() {
        let children: Vec<String> = family
            .decision
            .result
            .children
            .iter()
            .map(|c| c.id.clone())
            .collect();
        return match lang {
            Lang::Nb => format!(
                "Foreldrene til barn med fødselsnummer {}",
                children.join(", ")
            ),
            Lang::En => format!(
                "The parents of the child(ren) with national identity number {}",
                children.join(", ")
            ),
        };
    }
    match lang {
        Lang::Nb => format!("Foresatte med fødselsnummer {}", recipients.join(" og ")),
        Lang::En => format!(
            "The parents with national identity number {}",
            recipients.join(" and ")
        ),
    }
}

fn child_label(child: &ChildFee, lang: Lang) -> String {
    let birth = child
        .explanation
        .inputs
        .iter()
        .find_map(|i| match (&i.name[..], &i.value) {
            ("birth_date", Value::Date(d)) => Some(*d),
            _ => None,
        });
    let hours = child
        .explanation
        .inputs
        .iter()
        .find(|i| i.name == "weekly_hours")
        .and_then(|i| integer(&i.value));
    let mut label = match lang {
        Lang::Nb => format!("Barn {}", child.id),
        Lang::En => format!("Child {}", child.id),
    };
    if let Some(b) = birth {
        let _ = match lang {
            Lang::Nb => write!(label, ", født {}", long_date(b, lang)),
            Lang::En => write!(label, ", born {}", long_date(b, lang)),
        };
    }
    if let Some(h) = hours {
        let _ = match lang {
            Lang::Nb => write!(label, ", {h} timer i uken"),
            Lang::En => write!(label, ", {h} hours a week"),
        };
    }
    label
}

fn children_phrase(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Nb, 1) => "ett barn".into(),
        (Lang::Nb, n) => format!("{n} barn"),
        (Lang::En, 1) => "one child".into(),
        (Lang::En, n) => format!("{n} children"),
    }
}

fn zone_name(zone: Option<PriceZone>, lang: Lang) -> &'static str {
    match (zone, lang) {
        (Some(PriceZone::General), Lang::Nb) => "den generelle prissonen",
        (Some(PriceZone::General), Lang::En) => "the general price zone",
        (Some(PriceZone::Sentralitet56), Lang::Nb) => {
            "prissonen for kommuner i sentralitetsklasse 5 og 6"
        }
        (Some(PriceZone::Sentralitet56), Lang::En) => {
            "the price zone of municipalities in centrality classes 5 and 6"
        }
        (Some(PriceZone::Tiltakssonen), Lang::Nb) => "tiltakssonen for Finnmark og Nord-Troms",
        (Some(PriceZone::Tiltakssonen), Lang::En) => {
            "the action zone for Finnmark and northern Troms (tiltakssonen)"
        }
        (None, Lang::Nb) => "en ukjent prissone",
        (None, Lang::En) => "an unknown price zone",
    }
}

fn register_name(register: &str, lang: Lang) -> String {
    let name = match register {
        "population" => t("Folkeregisteret", "the National Population Register"),
        "kindergarten" => t(
            "barnehageregisteret (plass og avtalt oppholdstid)",
            "the kindergarten register (place and agreed hours)",
        ),
        "income" => t(
            "skatteoppgjøret (personinntekt og kapitalinntekt)",
            "the tax assessment (personal and capital income)",
        ),
        "zones" => t(
            "prissonelisten for makspris",
            "the price zone list of the maximum fee",
        ),
        "case_file" => t("opplysninger du har gitt", "information you gave"),
        other => return other.to_string(),
    };
    name.get(lang).to_string()
}

fn period_text(period: &Period, lang: Lang) -> String {
    match (period, lang) {
        (Period::IncomeYear(y), Lang::Nb) => format!("inntektsåret {y}"),
        (Period::IncomeYear(y), Lang::En) => format!("income year {y}"),
        (Period::Month { year, month }, _) => NaiveDate::from_ymd_opt(*year, *month, 1)
            .map_or_else(|| format!("{year}-{month:02}"), |d| month_name(d, lang)),
        (Period::BarnehageYear(y), Lang::Nb) => format!("barnehageåret {y}/{}", y + 1),
        (Period::BarnehageYear(y), Lang::En) => format!("kindergarten year {y}/{}", y + 1),
        (Period::Day(d), Lang::Nb) => format!("per {}", long_date(*d, lang)),
        (Period::Day(d), Lang::En) => format!("as of {}", long_date(*d, lang)),
    }
}

const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_word(date: NaiveDate, lang: Lang) -> &'static str {
    let i = date.month0() as usize;
    match lang {
        Lang::Nb => MONTHS_NB[i],
        Lang::En => MONTHS_EN[i],
    }
}

/// `1. september 2024` / `1 September 2024`.
fn long_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Nb => format!("{}. {} {}", date.day(), month_word(date, lang), date.year()),
        Lang::En => format!("{} {} {}", date.day(), month_word(date, lang), date.year()),
    }
}

/// `september 2024` / `September 2024`.
fn month_name(date: NaiveDate, lang: Lang) -> String {
    format!("{} {}", month_word(date, lang), date.year())
}

/// Whole NOK with a space as thousands separator: `1 234 kr`.
fn kr(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let sign = if amount < 0 { "−" } else { "" };
    format!("{sign}{grouped} kr")
}

/// A reduction as a negative amount (`−300 kr`), or `0 kr`.
fn reduction(amount: i64) -> String {
    if amount == 0 {
        kr(0)
    } else {
        kr(-amount)
    }
}

/// `0.06` → `6 %`, `0.3` → `30 %`.
fn percent(decimal: &str) -> String {
    let Some((whole, fraction)) = decimal.split_once('.') else {
        return match decimal.parse::<i64>() {
            Ok(v) => format!("{} %", v * 100),
            Err(_) => decimal.to_string(),
        };
    };
    let mut digits = format!("{whole}{fraction:0<2}");
    // Move the decimal point two places right.
    let point = whole.len() + 2;
    let (int_part, frac_part) = digits.split_at_mut(point);
    let int_part = int_part.trim_start_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let frac_part = frac_part.trim_end_matches('0');
    if frac_part.is_empty() {
        format!("{int_part} %")
    } else {
        format!("{int_part},{frac_part} %")
    }
}

fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(v) => Some(*v),
        _ => None,
    }
}

fn input_integer(node: &Explanation, name: &str) -> Option<i64> {
    node.inputs
        .iter()
        .find(|i| i.name == name)
        .and_then(|i| integer(&i.value))
}

fn parameter_text(node: &Explanation, path: &str) -> Option<String> {
    node.parameters_used
        .iter()
        .find(|p| p.path == path)
        .map(|p| p.value.to_string())
}

fn parameter_int(node: &Explanation, path: &str) -> Option<i64> {
    node.parameters_used
        .iter()
        .find(|p| p.path == path)
        .and_then(|p| integer(&p.value))
}

/// Masks every run of exactly 11 digits (a full identity number) as its first six digits and
/// `*****`.
fn mask_identity_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let run = &chars[start..i];
            if run.len() == 11 {
                out.extend(&run[..6]);
                out.push_str("*****");
            } else {
                out.extend(run);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// HTML-escapes `text` (after masking full identity numbers).
fn esc(text: &str) -> String {
    let masked = mask_identity_numbers(text);
    let mut out = String::with_capacity(masked.len());
    for c in masked.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_amounts_percentages_and_masks() {
        assert_eq!(kr(0), "0 kr");
        assert_eq!(kr(999), "999 kr");
        assert_eq!(kr(1234), "1 234 kr");
        assert_eq!(kr(1_234_567), "1 234 567 kr");
        assert_eq!(kr(-300), "−300 kr");
        assert_eq!(percent("0.06"), "6 %");
        assert_eq!(percent("0.3"), "30 %");
        assert_eq!(percent("0.5"), "50 %");
        assert_eq!(percent("0.125"), "12,5 %");
        assert_eq!(percent("1"), "100 %");
        assert_eq!(
            mask_identity_numbers("id 01019012345, 2024, 123456789012"),
            "id 010190*****, 2024, 123456789012"
        );
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }
}
