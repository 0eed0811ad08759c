//! The web application's pages, rendered on the server: plain HTML and SVG, no scripts, so they
//! work with a keyboard and a screen reader and need no front-end build.
//!
//! * `GET /`: the spectrum map — the services S1–S7 placed from rule-based to behavioural, each
//!   with its data elements, legal basis, automation level, AI Act class, latest figures, the
//!   number of people affected and a link to its algorithm-register entry.
//! * `GET /register`: the algorithm register (`oversight::register`).
//! * `GET /tilsyn`: the auditor's page — the latest signed checkpoint and its key, the refused
//!   reads, and `POST /tilsyn/verifiser`, which recomputes the whole log (on its own connection,
//!   so the API's writer is not held up).
//! * `GET /saksbehandler`: the caseworker's overview of the kindergarten-fee decisions (S1) by
//!   municipality and month, cases for manual handling first; `GET /saksbehandler/sak/{id}` one
//!   decision with its explanation tree, the law it cites and the data it used — opening a case
//!   reads its persons' register data through the access layer under S1, so the visit is logged
//!   and shows in each person's insight report.
//! * `GET /turnus`: the rota planner — the largest nursing home of a municipality, its staff read
//!   under S3 through the access layer, planned under arbeidsmiljøloven ch. 10, shown as the rota
//!   grid with the score per rule and per employee.
//! * `GET /min-side`: the citizen's own page after a local test login standing in for ID-porten
//!   (`POST /min-side/login`, clearly marked): their data in every register, the decisions about
//!   them with reasons, and every access to their data with its proof — never anyone else's.
//!
//! Both are generated on every request from the manifests and the recorded measurements
//! (`DATA/measurements/`), never written by hand, and take `?lang=en` for English (bokmål by
//! default).

use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use governance::manifest::{AiActClass, Automation, Kind, Status};
use governance::{Manifest, Measurement, MeasurementStore};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The pages' routes (merged into the API router): the spectrum map, the algorithm register, the
/// citizen's Min side (which has its own login), and — with `staff` — the caseworker's cases and
/// the auditor's page. Those have no login of their own yet (a deployment puts them behind the
/// organisation's identity provider), so the server offers them only when asked to and only on a
/// loopback address (`serve --staff-pages`); otherwise their addresses explain how to turn them on.
pub fn router(app: AppState, staff: bool) -> Router {
    let router = Router::new()
        .route("/", get(spectrum))
        .route("/register", get(register))
        .route("/min-side", get(min_side))
        .route("/min-side/login", axum::routing::post(min_side_login))
        .route("/min-side/logout", axum::routing::post(min_side_logout));
    let router = if staff {
        router
            .route("/saksbehandler", get(caseworker))
            .route("/saksbehandler/sak/{id}", get(case_page))
            .route("/tilsyn", get(auditor))
            .route("/tilsyn/verifiser", axum::routing::post(auditor_verify))
            .route("/turnus", get(planner).post(planner_run))
    } else {
        router
            .route("/saksbehandler", get(staff_pages_off))
            .route("/saksbehandler/sak/{id}", get(staff_pages_off))
            .route("/tilsyn", get(staff_pages_off))
            .route("/turnus", get(staff_pages_off))
    };
    router.with_state(app)
}

async fn staff_pages_off(Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    (
        StatusCode::NOT_FOUND,
        Html(page(
            lang,
            t(lang, "Ikke slått på", "Not turned on"),
            "/",
            t(
                lang,
                "<h1>Sidene for saksbehandlere og tilsyn er ikke slått på</h1><p>De har ingen egen innlogging ennå. Start serveren med <code>mulighetsrom serve --staff-pages</code> på en lokal adresse (127.0.0.1), eller bruk <code>mulighetsrom demo</code>.</p>",
                "<h1>The caseworker and oversight pages are not turned on</h1><p>They have no login of their own yet. Start the server with <code>mulighetsrom serve --staff-pages</code> on a local address (127.0.0.1), or use <code>mulighetsrom demo</code>.</p>"
            ),
        )),
    )
        .into_response()
}

/// The page language.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Nb,
    En,
}

#[derive(Deserialize)]
struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

impl Lang {
    /// The query string that keeps a link in this language (`?lang=en`, or nothing for bokmål).
    fn query(self) -> &'static str {
        match self {
            Lang::Nb => "",
            Lang::En => "?lang=en",
        }
    }
}

impl LangQuery {
    fn lang(&self) -> Lang {
        match self.lang.as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Nb,
        }
    }
}

/// Bokmål or English.
fn t(lang: Lang, nb: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nb => nb,
        Lang::En => en,
    }
}

/// A problem the person must see, announced to screen readers.
fn alert(problem: Option<&str>) -> String {
    problem
        .map(|p| format!("<p role=\"alert\" class=\"missing\">{}</p>\n", esc(p)))
        .unwrap_or_default()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The recorded measurements, or the error page that says why they cannot be read.
fn measurements(app: &AppState) -> Result<BTreeMap<String, Measurement>, Box<Response>> {
    MeasurementStore::open(&app.data).all_latest().map_err(|e| {
        Box::new(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(format!("<p>{}</p>", esc(&e.to_string()))),
            )
                .into_response(),
        )
    })
}

/// The page frame: language, navigation, a skip link.
fn page(lang: Lang, title: &str, path: &str, body: &str) -> String {
    let (other, other_label) = match lang {
        Lang::Nb => (format!("{path}?lang=en"), "English"),
        Lang::En => (path.to_string(), "Norsk (bokmål)"),
    };
    let q = lang.query();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} — Mulighetsrom</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">{skip}</a>\n\
         <header><nav aria-label=\"{nav}\"><a href=\"/{q}\">{map}</a> · <a href=\"/register{q}\">{reg}</a> · <a href=\"/saksbehandler{q}\">{case}</a> · <a href=\"/turnus{q}\">{rota}</a> · <a href=\"/min-side{q}\">{mine}</a> · <a href=\"/tilsyn{q}\">{audit}</a> · \
         <a href=\"/openapi.json\">API (OpenAPI 3.1)</a> · <a href=\"{other}\" lang=\"{other_code}\">{other_label}</a></nav></header>\n\
         <main id=\"main\">\n{body}</main>\n\
         <footer><p>{foot}</p></footer>\n</body>\n</html>\n",
        code = if lang == Lang::En { "en" } else { "nb" },
        other_code = if lang == Lang::En { "nb" } else { "en" },
        title = esc(title),
        skip = t(lang, "Hopp til innholdet", "Skip to content"),
        nav = t(lang, "Hovedmeny", "Main menu"),
        map = t(lang, "Spekteret", "The spectrum"),
        reg = t(lang, "Algoritmeregisteret", "Algorithm register"),
        mine = t(lang, "Min side", "My page"),
        case = t(lang, "Saksbehandler", "Caseworker"),
        rota = t(lang, "Turnus", "Rota"),
        audit = t(lang, "Tilsyn", "Oversight"),
        foot = t(
            lang,
            "Syntetiske data: alle personer er generert, med syntetiske fødselsnumre (måned + 80).",
            "Synthetic data: every person is generated, with synthetic identity numbers (month + 80)."
        ),
    )
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#111;line-height:1.45}\
header,main,footer{max-width:72rem;margin:auto;padding:.5rem 1rem}\
a{color:#0b4f8a}a:focus{outline:3px solid #f5a623;outline-offset:2px}\
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}\
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1rem}\
article{border:1px solid #888;border-radius:6px;padding:.75rem}\
article h3{margin-top:0}.kind{font-size:.9rem;color:#333}.unverified{color:#8a1c1c}\
.missing{color:#8a1c1c}.ok{color:#1b5e20}dl{margin:.25rem 0}dt{font-weight:bold}dd{margin:0 0 .4rem 0}\
table{border-collapse:collapse}th,td{border:1px solid #888;padding:.3rem;text-align:left;vertical-align:top}\
th{background:#e8eef5}pre{background:#f4f4f4;padding:.5rem;overflow-x:auto}";

fn kind_label(lang: Lang, kind: Kind) -> &'static str {
    match kind {
        Kind::Rules => t(lang, "regler", "rules"),
        Kind::RulesMoreData => t(lang, "regler og mer data", "rules and more data"),
        Kind::Optimisation => t(lang, "optimering", "optimisation"),
        Kind::Prediction => t(lang, "prediksjon", "prediction"),
        Kind::Behavioural => t(lang, "atferd", "behavioural"),
    }
}

fn automation_label(lang: Lang, a: Automation) -> &'static str {
    match a {
        Automation::FullyAutomated => t(lang, "helautomatisert vedtak", "fully automated decision"),
        Automation::DecisionSupport => t(
            lang,
            "beslutningsstøtte (et menneske avgjør)",
            "decision support (a person decides)",
        ),
        Automation::HumanDecides => t(lang, "et menneske avgjør", "a person decides"),
    }
}

fn ai_act_label(lang: Lang, c: AiActClass) -> &'static str {
    match c {
        AiActClass::NotAiSystem => t(lang, "ikke et KI-system", "not an AI system"),
        AiActClass::MinimalRisk => t(lang, "minimal risiko", "minimal risk"),
        AiActClass::LimitedRisk => t(lang, "begrenset risiko", "limited risk"),
        AiActClass::HighRisk => t(lang, "høy risiko", "high risk"),
    }
}

fn colour(kind: Kind) -> &'static str {
    match kind {
        Kind::Rules | Kind::RulesMoreData => "#1b6ca8",
        Kind::Optimisation => "#2e7d32",
        Kind::Prediction => "#b3261e",
        Kind::Behavioural => "#6a1b9a",
    }
}

/// The spectrum as an SVG axis with one marker per service, each a link to its card.
fn spectrum_svg(lang: Lang, services: &[&Manifest]) -> String {
    let (w, h) = (900.0, 150.0);
    let x = |place: u8| 60.0 + (f64::from(place) - 1.0) * (w - 120.0) / 6.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-labelledby=\"sp-t sp-d\" font-family=\"sans-serif\" font-size=\"13\">\n\
         <title id=\"sp-t\">{}</title>\n<desc id=\"sp-d\">{}</desc>\n\
         <line x1=\"40\" y1=\"70\" x2=\"{}\" y2=\"70\" stroke=\"#333\" stroke-width=\"2\"/>\n\
         <text x=\"40\" y=\"110\">{}</text><text x=\"{}\" y=\"110\" text-anchor=\"end\">{}</text>\n",
        t(lang, "Spekteret av datadrevne offentlige tjenester", "The data-driven public services spectrum"),
        t(
            lang,
            "Tjenestene S1–S7 fra regelstyrt automatisering til venstre til prediksjon og atferdspåvirkning til høyre.",
            "The services S1–S7 from rule-based automation on the left to prediction and behavioural intervention on the right."
        ),
        w - 40.0,
        t(lang, "← regelstyrt", "← rule-based"),
        w - 40.0,
        t(lang, "prediksjon og atferd →", "prediction and behaviour →"),
    );
    for m in services {
        let Some(place) = m.spectrum else { continue };
        let cx = x(place);
        let name = match lang {
            Lang::Nb => &m.name_nb,
            Lang::En => &m.name_en,
        };
        let _ = writeln!(
            s,
            "<a href=\"#{id}\"><circle cx=\"{cx:.0}\" cy=\"70\" r=\"18\" fill=\"{}\"><title>{id}: {}</title></circle>\
             <text x=\"{cx:.0}\" y=\"75\" text-anchor=\"middle\" fill=\"#fff\" font-weight=\"bold\">{id}</text></a>\
             <text x=\"{cx:.0}\" y=\"35\" text-anchor=\"middle\">{}</text>",
            colour(m.kind),
            esc(name),
            kind_label(lang, m.kind),
            id = esc(&m.id),
        );
    }
    s.push_str("</svg>\n");
    s
}

fn figure_line(lang: Lang, f: &governance::Figure) -> String {
    let label = match lang {
        Lang::Nb => &f.label_nb,
        Lang::En => &f.label_en,
    };
    let v = if f.value.fract() == 0.0 || f.value.abs() >= 100.0 {
        format!("{:.0}", f.value)
    } else if f.value.abs() >= 1.0 {
        format!("{:.2}", f.value)
    } else {
        format!("{:.3}", f.value)
    };
    let ci = f
        .ci95
        .map(|(l, h)| format!(" (95 % CI {l:.3}–{h:.3})"))
        .unwrap_or_default();
    format!("{}: {v} {}{ci}", label, f.unit)
}

async fn spectrum(State(app): State<AppState>, Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    let measured = match measurements(&app) {
        Ok(m) => m,
        Err(r) => return *r,
    };
    let manifests = app.access().manifests();
    let mut services: Vec<&Manifest> = manifests.iter().filter(|m| m.spectrum.is_some()).collect();
    services.sort_by_key(|m| m.spectrum);
    let mut body = format!(
        "<h1>{}</h1>\n<p>{}</p>\n{}",
        t(lang, "Mulighetsrommet", "The room of possibilities"),
        t(
            lang,
            "De samme nasjonale registrene driver tjenester fra enkel regelstyrt automatisering til prediksjon og atferdspåvirkning. Hver tjeneste viser hva den bruker av data, på hvilket rettsgrunnlag, hvor mye den avgjør selv, og hva den siste kjøringen målte.",
            "The same national registers power services from plain rule-based automation to prediction and behavioural nudges. Each service shows the data it uses, its legal basis, how much it decides on its own, and what its latest run measured."
        ),
        spectrum_svg(lang, &services)
    );
    let _ = writeln!(
        body,
        "<h2>{}</h2>\n<div class=\"cards\">",
        t(lang, "Tjenestene", "The services")
    );
    let how = oversight::register::how_to_measure();
    for m in &services {
        let name = match lang {
            Lang::Nb => &m.name_nb,
            Lang::En => &m.name_en,
        };
        let purpose = match lang {
            Lang::Nb => &m.purpose.description_nb,
            Lang::En => &m.purpose.description_en,
        };
        let _ = writeln!(
            body,
            "<article id=\"{id}\" aria-labelledby=\"h-{id}\">\n<h3 id=\"h-{id}\">{id} {}</h3>\n<p class=\"kind\">{} · {}</p>\n<p>{}</p>\n<dl>",
            esc(name),
            kind_label(lang, m.kind),
            automation_label(lang, m.automation),
            esc(purpose),
            id = esc(&m.id)
        );
        let _ = writeln!(
            body,
            "<dt>{}</dt><dd>{}</dd>",
            t(lang, "Dataelementer", "Data elements"),
            esc(&m.elements.join(", "))
        );
        let bases: Vec<String> = m
            .legal_basis
            .iter()
            .map(|b| {
                format!(
                    "<a href=\"{}\">{}</a>{}",
                    esc(&b.url),
                    esc(&b.title),
                    if b.status == Status::Unverified {
                        format!(
                            " <span class=\"unverified\">({})</span>",
                            t(lang, "ikke verifisert", "unverified")
                        )
                    } else {
                        String::new()
                    }
                )
            })
            .collect();
        let _ = writeln!(
            body,
            "<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>",
            t(lang, "Rettsgrunnlag", "Legal basis"),
            bases.join("; "),
            t(lang, "KI-forordningen", "EU AI Act"),
            ai_act_label(lang, m.ai_act)
        );
        let mine: Vec<&Measurement> = oversight::register::measurements_of(&measured, &m.id)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        let people = mine.iter().filter_map(|v| v.people_affected).max();
        if let Some(n) = people {
            let _ = writeln!(
                body,
                "<dt>{}</dt><dd>{n}</dd>",
                t(
                    lang,
                    "Personer berørt i siste kjøring",
                    "People affected in the latest run"
                )
            );
        }
        let _ = writeln!(
            body,
            "<dt>{}</dt><dd>",
            t(lang, "Siste målinger", "Latest figures")
        );
        if mine.is_empty() {
            let cmds = how.get(&m.id).map(|c| c.join("; ")).unwrap_or_default();
            let _ = write!(
                body,
                "<span class=\"missing\">{} <code>{}</code></span>",
                t(lang, "Ikke målt ennå; kjør", "Not measured yet; run"),
                esc(&cmds)
            );
        } else {
            body.push_str("<ul>");
            for v in &mine {
                for f in v.figures.iter().take(3) {
                    let _ = write!(body, "<li>{}</li>", esc(&figure_line(lang, f)));
                }
            }
            let latest = mine.iter().map(|v| v.measured_at).max();
            body.push_str("</ul>");
            if let Some(at) = latest {
                let _ = write!(
                    body,
                    "<small>{} {}</small>",
                    t(lang, "målt", "measured"),
                    at.format("%Y-%m-%d %H:%M UTC")
                );
            }
        }
        let q = lang.query();
        let _ = writeln!(
            body,
            "</dd>\n</dl>\n<p><a href=\"/register{q}#{id}\">{}</a></p>\n</article>",
            t(
                lang,
                "Oppføringen i algoritmeregisteret",
                "Its algorithm-register entry"
            ),
            id = esc(&m.id)
        );
    }
    body.push_str("</div>\n");
    Html(page(lang, t(lang, "Spekteret", "The spectrum"), "/", &body)).into_response()
}

/// The cookie that carries the citizen token of the local test login.
const CITIZEN_COOKIE: &str = "mulighetsrom_citizen";

/// The citizen token in the request's cookie, if any.
fn citizen_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == CITIZEN_COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The body of a whole rendered document, with its style kept (to embed it in the page frame).
fn embed(full: &str) -> String {
    let inner = full
        .split_once("<body>\n")
        .and_then(|(_, rest)| rest.rsplit_once("</body>"))
        .map_or(full, |(b, _)| b);
    let style = full
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map_or("", |(s, _)| s);
    format!("<style>{style}</style>\n{inner}")
}

fn login_form(lang: Lang, problem: Option<&str>) -> String {
    format!(
        "<h1>{}</h1>\n<p class=\"unverified\"><strong>{}</strong></p>\n{}\
         <form method=\"post\" action=\"/min-side/login{}\">\n<label for=\"pid\">{}</label><br>\n\
         <input id=\"pid\" name=\"pid\" inputmode=\"numeric\" autocomplete=\"off\" required pattern=\"[0-9]{{11}}\" size=\"14\">\n\
         <button type=\"submit\">{}</button>\n</form>\n",
        t(lang, "Min side", "My page"),
        t(
            lang,
            "LOKAL TESTINNLOGGING i stedet for ID-porten: den autentiserer ingen. Bruk bare syntetiske data.",
            "LOCAL TEST LOGIN standing in for ID-porten: it authenticates nobody. Synthetic data only."
        ),
        alert(problem),
        lang.query(),
        t(lang, "Fødselsnummer (11 sifre)", "National identity number (11 digits)"),
        t(lang, "Logg inn", "Log in"),
    )
}

async fn min_side(
    State(app): State<AppState>,
    Query(q): Query<LangQuery>,
    headers: axum::http::HeaderMap,
) -> Response {
    let lang = q.lang();
    let title = t(lang, "Min side", "My page");
    let Some(token) = citizen_cookie(&headers) else {
        return Html(page(lang, title, "/min-side", &login_form(lang, None))).into_response();
    };
    let pid =
        match crate::tokens::verify_citizen(&app.keys, &token, &app.issuer, app.access().now())
            .map_err(|e| e.to_string())
            .and_then(|c| identity::NationalId::parse(&c.pid).map_err(|e| e.to_string()))
        {
            Ok(pid) => pid,
            Err(e) => {
                let problem = format!(
                    "{} ({e})",
                    t(
                        lang,
                        "Innloggingen er ikke gyldig lenger",
                        "The login is no longer valid"
                    )
                );
                return Html(page(
                    lang,
                    title,
                    "/min-side",
                    &login_form(lang, Some(&problem)),
                ))
                .into_response();
            }
        };
    let Some(manifest) = app
        .access()
        .manifests()
        .get(governance::insight::INSIGHT_SERVICE)
    else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no INNSYN manifest").into_response();
    };
    // Only the logged-in person: the scope is the token's pid, never a parameter.
    let request = governance::ReadRequest::everything_declared(
        manifest,
        governance::Scope::Subjects(vec![pid]),
        "web",
    );
    let report = match crate::insight_report(&app, &request, pid).await {
        Ok(r) => r,
        Err(response) => return *response,
    };
    let html = governance::insight::to_html(
        &report,
        if lang == Lang::En {
            governance::insight::Lang::En
        } else {
            governance::insight::Lang::Nb
        },
    );
    let body = format!(
        "<form method=\"post\" action=\"/min-side/logout\"><button type=\"submit\">{}</button></form>\n{}",
        t(lang, "Logg ut", "Log out"),
        embed(&html)
    );
    Html(page(lang, title, "/min-side", &body)).into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    pid: String,
}

async fn min_side_login(
    State(app): State<AppState>,
    Query(q): Query<LangQuery>,
    axum::Form(form): axum::Form<LoginForm>,
) -> Response {
    let lang = q.lang();
    let pid = match identity::NationalId::parse(form.pid.trim()) {
        Ok(p) => p,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Html(page(
                    lang,
                    t(lang, "Min side", "My page"),
                    "/min-side",
                    &login_form(lang, Some(&e.to_string())),
                )),
            )
                .into_response()
        }
    };
    let token =
        crate::tokens::issue_citizen(&app.keys, &app.issuer, &pid.expose(), app.access().now());
    let target = format!("/min-side{}", lang.query());
    (
        StatusCode::SEE_OTHER,
        [
            (
                axum::http::header::SET_COOKIE,
                format!(
                    "{CITIZEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
                    crate::tokens::CITIZEN_TOKEN_LIFETIME
                ),
            ),
            (axum::http::header::LOCATION, target),
        ],
    )
        .into_response()
}

async fn min_side_logout() -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (
                axum::http::header::SET_COOKIE,
                format!("{CITIZEN_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
            ),
            (axum::http::header::LOCATION, "/min-side".to_string()),
        ],
    )
        .into_response()
}

async fn register(State(app): State<AppState>, Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    let measured = match measurements(&app) {
        Ok(m) => m,
        Err(r) => return *r,
    };
    let register = oversight::register::build_now(
        app.access().manifests(),
        &measured,
        Some(app.access().data_version()),
    );
    let body = embed(&oversight::register::to_html(&register));
    Html(page(
        lang,
        t(lang, "Algoritmeregisteret", "Algorithm register"),
        "/register",
        &body,
    ))
    .into_response()
}

/// What the auditor's page shows from the log.
struct LogView {
    size: u64,
    checkpoint: Option<String>,
    verifier_key: String,
    denied: Vec<governance::audit::StoredEntry>,
    verified: Option<governance::audit::VerifyReport>,
}

/// Reads the log on its own connection (a blocking task), optionally verifying all of it.
async fn log_view(app: &AppState, verify: bool) -> Result<LogView, String> {
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || -> Result<LogView, String> {
        let log = governance::access::open_audit_log(&data).map_err(|e| e.to_string())?;
        let verified = if verify {
            let key = log.verifying_key();
            Some(
                governance::audit::verify(&log, log.origin(), &key, |_| {})
                    .map_err(|e| e.to_string())?,
            )
        } else {
            None
        };
        Ok(LogView {
            size: log.size(),
            checkpoint: log.latest_checkpoint().map_err(|e| e.to_string())?,
            verifier_key: governance::audit::checkpoint::verifier_key(
                log.origin(),
                &log.verifying_key(),
            ),
            denied: log
                .events(governance::audit::Outcome::Denied, 50)
                .map_err(|e| e.to_string())?,
            verified,
        })
    })
    .await
    .map_err(|e| e.to_string())?
}

fn auditor_page(lang: Lang, view: &LogView) -> String {
    let q = lang.query();
    let mut b = format!(
        "<h1>{}</h1>\n<p>{}</p>\n<h2>{}</h2>\n<p>{} {}</p>\n<pre>{}</pre>\n<p>{} <code>{}</code></p>\n",
        t(lang, "Tilsyn", "Oversight"),
        t(
            lang,
            "Alle lesinger av registerdata, tillatte og avviste, står i en manipulasjonssikker logg (RFC 9162 Merkle-tre) med signerte kontrollpunkter. Her kan du se det siste kontrollpunktet, de avviste forsøkene, og regne hele loggen på nytt.",
            "Every read of register data, allowed or refused, is in a tamper-evident log (an RFC 9162 Merkle tree) with signed checkpoints. Here you see the latest checkpoint and the refused attempts, and can recompute the whole log."
        ),
        t(lang, "Siste signerte kontrollpunkt", "Latest signed checkpoint"),
        t(lang, "Oppføringer i loggen:", "Entries in the log:"),
        view.size,
        esc(view.checkpoint.as_deref().unwrap_or("—")),
        t(lang, "Offentlig nøkkel:", "Public key:"),
        esc(&view.verifier_key),
    );
    let _ = writeln!(
        b,
        "<form method=\"post\" action=\"/tilsyn/verifiser{q}\"><button type=\"submit\">{}</button></form>",
        t(lang, "Verifiser hele loggen", "Verify the whole log")
    );
    if let Some(r) = &view.verified {
        let _ = write!(
            b,
            "<section aria-live=\"polite\"><h2>{}</h2>\n<p><strong class=\"{}\">{}</strong></p>\n<dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd><code>{}</code></dd></dl>\n",
            t(lang, "Resultat av verifiseringen", "Result of the verification"),
            if r.ok() { "ok" } else { "missing" },
            if r.ok() {
                t(
                    lang,
                    "OK: hver oppføring, trehash, kontrollpunkt og indeks stemmer",
                    "OK: every entry, tree hash, checkpoint and index entry matches"
                )
            } else {
                t(lang, "FEIL: loggen stemmer ikke", "FAILED: the log does not verify")
            },
            t(lang, "Oppføringer regnet om", "Entries recomputed"),
            r.entries,
            t(lang, "Kontrollpunkter sjekket", "Checkpoints checked"),
            r.checkpoints,
            t(lang, "Rot (regnet om)", "Root (recomputed)"),
            esc(&r.root)
        );
        if !r.problems.is_empty() {
            b.push_str("<ul>");
            for p in &r.problems {
                let _ = write!(b, "<li>{}</li>", esc(p));
            }
            b.push_str("</ul>");
        }
        b.push_str("</section>\n");
    }
    let _ = writeln!(
        b,
        "<h2>{}</h2>",
        t(
            lang,
            "Avviste forsøk (de siste 50)",
            "Refused attempts (latest 50)"
        )
    );
    if view.denied.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", t(lang, "Ingen.", "None."));
    } else {
        let _ = writeln!(
            b,
            "<table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            t(lang, "Tid", "Time"),
            t(lang, "Tjeneste", "Service"),
            t(lang, "Kanal", "Channel"),
            t(lang, "Dataelementer", "Data elements"),
            t(lang, "Grunn", "Reason"),
        );
        for e in &view.denied {
            if let governance::audit::EntryBody::Access(a) = &e.entry.body {
                let _ = writeln!(
                    b,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    e.index,
                    esc(&e.entry.time),
                    esc(&a.service),
                    esc(&a.channel),
                    esc(&a.elements.join(", ")),
                    esc(a.reason.as_deref().unwrap_or(""))
                );
            }
        }
        b.push_str("</tbody></table>\n");
    }
    let _ = write!(
        b,
        "<h2>{}</h2>\n<p><a href=\"/register{q}\">{}</a></p>\n",
        t(lang, "Algoritmeregisteret", "The algorithm register"),
        t(
            lang,
            "Alle tjenestene med rettsgrunnlag, målinger, konsekvensvurdering og modellkort",
            "Every service with legal basis, figures, impact assessment and model card"
        )
    );
    b
}

async fn auditor(State(app): State<AppState>, Query(q): Query<LangQuery>) -> Response {
    auditor_response(app, q.lang(), false).await
}

async fn auditor_verify(State(app): State<AppState>, Query(q): Query<LangQuery>) -> Response {
    auditor_response(app, q.lang(), true).await
}

async fn auditor_response(app: AppState, lang: Lang, verify: bool) -> Response {
    match log_view(&app, verify).await {
        Ok(view) => Html(page(
            lang,
            t(lang, "Tilsyn", "Oversight"),
            "/tilsyn",
            &auditor_page(lang, &view),
        ))
        .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Html(page(
                lang,
                t(lang, "Tilsyn", "Oversight"),
                "/tilsyn",
                &format!("<p role=\"alert\">{}</p>", esc(&e)),
            )),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
struct CaseQuery {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    kommune: Option<String>,
    #[serde(default)]
    periode: Option<String>,
}

fn status_label(lang: Lang, s: store::DecisionStatus) -> &'static str {
    use store::DecisionStatus as D;
    match s {
        D::Decided => t(lang, "vedtatt", "decided"),
        D::DecidedWithWarnings => t(lang, "vedtatt med merknader", "decided with warnings"),
        D::ManualHandling => t(lang, "manuell behandling", "manual handling"),
        D::Ended => t(lang, "avsluttet", "ended"),
    }
}

fn store_error(e: impl std::fmt::Display) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(format!("<p role=\"alert\">{}</p>", esc(&e.to_string()))),
    )
        .into_response()
}

/// The S1 decisions of one municipality and month; the choice of both from what is stored.
async fn caseworker(State(app): State<AppState>, Query(q): Query<CaseQuery>) -> Response {
    let lang = LangQuery {
        lang: q.lang.clone(),
    }
    .lang();
    let ql = lang.query().replace('?', "&");
    let data = app.data.clone();
    let (kommune, periode) = (q.kommune.clone(), q.periode.clone());
    let loaded = tokio::task::spawn_blocking(move || -> Result<_, store::DecisionStoreError> {
        let ds = store::DecisionStore::open(&data)?;
        let overview = ds.overview("S1")?;
        let area = kommune.or_else(|| overview.first().map(|o| o.0.clone()));
        let period = periode.or_else(|| overview.first().map(|o| o.1.clone()));
        let cases = match (&area, &period) {
            (Some(a), Some(p)) => ds.case_list("S1", a, p, 200)?,
            _ => Vec::new(),
        };
        Ok((overview, area, period, cases))
    })
    .await;
    let (overview, area, period, cases) = match loaded {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return store_error(e),
        Err(e) => return store_error(e),
    };
    let mut b = format!(
        "<h1>{}</h1>\n<p>{}</p>\n",
        t(lang, "Saksbehandler: redusert foreldrebetaling (S1)", "Caseworker: reduced kindergarten fees (S1)"),
        t(
            lang,
            "Vedtakene per kommune og måned, saker til manuell behandling først. Å åpne en sak leser familiens registeropplysninger under S1 sitt formål; lesingen logges og vises i hver persons innsynsrapport.",
            "The decisions per municipality and month, cases for manual handling first. Opening a case reads the family's register data under S1's purpose; the read is logged and shows in each person's insight report."
        )
    );
    if overview.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"missing\">{} <code>mulighetsrom kindergarten decide</code></p>",
            t(
                lang,
                "Ingen vedtak er lagret ennå; kjør",
                "No decisions are stored yet; run"
            )
        );
        return Html(page(
            lang,
            t(lang, "Saksbehandler", "Caseworker"),
            "/saksbehandler",
            &b,
        ))
        .into_response();
    }
    // Totals per area and period, as a table of links.
    let mut totals: BTreeMap<(String, String), BTreeMap<store::DecisionStatus, u64>> =
        BTreeMap::new();
    for (a, p, st, n) in &overview {
        *totals
            .entry((p.clone(), a.clone()))
            .or_default()
            .entry(*st)
            .or_default() += n;
    }
    let _ = writeln!(
        b,
        "<table><caption>{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        t(lang, "Saker per kommune og måned", "Cases per municipality and month"),
        t(lang, "Måned", "Month"),
        t(lang, "Kommune", "Municipality"),
        t(lang, "Saker", "Cases"),
        t(lang, "Manuell behandling", "Manual handling")
    );
    for ((p, a), by_status) in totals.iter().rev() {
        let all: u64 = by_status.values().sum();
        let manual = by_status
            .get(&store::DecisionStatus::ManualHandling)
            .copied()
            .unwrap_or(0);
        let _ = writeln!(
            b,
            "<tr><td>{p}</td><td><a href=\"/saksbehandler?kommune={a}&periode={p}{ql}\">{a}</a></td><td>{all}</td><td>{manual}</td></tr>",
            p = esc(p),
            a = esc(a)
        );
    }
    b.push_str("</tbody></table>\n");
    if let (Some(a), Some(p)) = (&area, &period) {
        let _ = writeln!(
            b,
            "<h2>{} {} — {}</h2>\n<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            t(lang, "Kommune", "Municipality"),
            esc(a),
            esc(p),
            t(lang, "Sak", "Case"),
            t(lang, "Status", "Status"),
            t(lang, "Kr per måned", "NOK a month"),
            t(lang, "Versjon", "Version"),
            t(lang, "Vedtatt", "Decided at")
        );
        for d in &cases {
            let _ = writeln!(
                b,
                "<tr><td><a href=\"/saksbehandler/sak/{}{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                d.id,
                lang.query(),
                esc(&d.case_key),
                status_label(lang, d.status),
                d.amount.map_or("–".to_string(), |v| v.to_string()),
                d.version,
                esc(&d.decided_at)
            );
        }
        b.push_str("</tbody></table>\n");
    }
    Html(page(
        lang,
        t(lang, "Saksbehandler", "Caseworker"),
        "/saksbehandler",
        &b,
    ))
    .into_response()
}

/// One node of a decision's explanation tree as nested lists: what the rule found, the law it
/// cites, the parameters and the data it used.
fn explanation_html(node: &serde_json::Value, depth: usize, out: &mut String) {
    if depth > 12 {
        return;
    }
    let text = |k: &str| node.get(k).and_then(|v| v.as_str()).unwrap_or("");
    let children: Vec<&serde_json::Value> = node
        .get("children")
        .and_then(|v| v.as_array())
        .map(|c| {
            c.iter()
                .map(|child| child.get("explanation").unwrap_or(child))
                .collect()
        })
        .unwrap_or_default();
    // A node that only groups (no finding of its own) is not a step: show its children.
    if text("summary").is_empty() && text("legal_reference").is_empty() {
        for c in children {
            explanation_html(c, depth + 1, out);
        }
        return;
    }
    out.push_str("<li>");
    let summary = text("summary");
    if !summary.is_empty() {
        let _ = write!(out, "<strong>{}</strong>", esc(summary));
    }
    let law = text("legal_reference");
    if !law.is_empty() {
        let _ = write!(out, "<br><small>{}</small>", esc(law));
    }
    if let Some(params) = node.get("parameters_used").and_then(|v| v.as_array()) {
        for p in params {
            let _ = write!(
                out,
                "<br><small><code>{}</code> = {} ({} {})</small>",
                esc(p.get("path").and_then(|v| v.as_str()).unwrap_or("")),
                esc(&p.get("value").map(|v| v.to_string()).unwrap_or_default()),
                esc(p.get("from").and_then(|v| v.as_str()).unwrap_or("")),
                esc(p.get("status").and_then(|v| v.as_str()).unwrap_or(""))
            );
        }
    }
    if let Some(inputs) = node.get("inputs").and_then(|v| v.as_array()) {
        for i in inputs {
            let _ = write!(
                out,
                "<br><small>{} = {}</small>",
                esc(i.get("name").and_then(|v| v.as_str()).unwrap_or("")),
                esc(&i.get("value").map(|v| v.to_string()).unwrap_or_default())
            );
        }
    }
    if !children.is_empty() {
        out.push_str("<ul>");
        for c in children {
            explanation_html(c, depth + 1, out);
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>");
}

async fn case_page(
    State(app): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = q.lang();
    let data = app.data.clone();
    let found = tokio::task::spawn_blocking(move || {
        store::DecisionStore::open(&data).and_then(|ds| ds.decision(id))
    })
    .await;
    let decision = match found {
        Ok(Ok(Some(d))) => d,
        Ok(Ok(None)) => {
            return (
                StatusCode::NOT_FOUND,
                Html(page(
                    lang,
                    t(lang, "Saksbehandler", "Caseworker"),
                    "/saksbehandler",
                    &format!(
                        "<p role=\"alert\">{} {id}</p>",
                        t(lang, "Ingen sak med nummer", "No case number")
                    ),
                )),
            )
                .into_response()
        }
        Ok(Err(e)) => return store_error(e),
        Err(e) => return store_error(e),
    };
    // Opening the case reads its persons' data under the decision's own service: logged.
    let manifests = app.access().manifests();
    let Some(manifest) = manifests.get(&decision.service) else {
        return store_error(format!("no manifest for {}", decision.service));
    };
    let request = governance::ReadRequest::everything_declared(
        manifest,
        governance::Scope::Subjects(decision.subjects.clone()),
        "web-saksbehandler",
    );
    let delivery = match crate::read(&app, &request).await {
        Ok(d) => d,
        Err(e) => return crate::access_error(&e),
    };
    let mut b = format!(
        "<h1>{} {}</h1>\n<dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} — {}</dd><dt>{}</dt><dd><code>{}</code> / <code>{}</code></dd></dl>\n",
        t(lang, "Sak", "Case"),
        esc(&decision.case_key),
        t(lang, "Status", "Status"),
        status_label(lang, decision.status),
        t(lang, "Kommune og måned", "Municipality and month"),
        esc(&decision.area),
        esc(&decision.period),
        t(lang, "Sum per måned", "Total a month"),
        decision.amount.map_or("–".to_string(), |v| format!("{v} kr")),
        t(lang, "Versjon og tidspunkt", "Version and time"),
        decision.version,
        esc(&decision.decided_at),
        t(lang, "Regelversjon / dataversjon", "Rules version / data version"),
        esc(&decision.rules_version[..decision.rules_version.len().min(16)]),
        esc(&decision.data_version),
    );
    let _ = writeln!(
        b,
        "<h2>{}</h2>\n<ul>",
        t(
            lang,
            "Personene saken gjelder",
            "The persons the case concerns"
        )
    );
    for p in delivery
        .registers
        .persons
        .iter()
        .filter(|p| decision.subjects.contains(&p.id))
    {
        let _ = writeln!(
            b,
            "<li>{} — {} {}</li>",
            esc(&p.id.expose()),
            t(lang, "født", "born"),
            p.birth_date
        );
    }
    b.push_str("</ul>\n");
    let _ = writeln!(
        b,
        "<h2>{}</h2>\n<ul class=\"tree\">",
        t(
            lang,
            "Begrunnelse (forklaringstreet)",
            "Reasons (the explanation tree)"
        )
    );
    explanation_html(&decision.explanation, 0, &mut b);
    b.push_str("</ul>\n");
    let _ = writeln!(
        b,
        "<details><summary>{}</summary><pre>{}</pre></details>",
        t(
            lang,
            "Opplysningene vedtaket bygger på",
            "The data the decision used"
        ),
        esc(&serde_json::to_string_pretty(&decision.inputs).unwrap_or_default())
    );
    Html(page(lang, t(lang, "Sak", "Case"), "/saksbehandler", &b)).into_response()
}

#[derive(Deserialize)]
struct PlanForm {
    kommune: String,
    #[serde(default)]
    sekunder: Option<f64>,
}

fn planner_form(lang: Lang, kommune: &str, seconds: f64, problem: Option<&str>) -> String {
    let q = lang.query();
    format!(
        "<h1>{}</h1>\n<p>{}</p>\n{}<form method=\"post\" action=\"/turnus{q}\">\n\
         <label for=\"kommune\">{}</label> <input id=\"kommune\" name=\"kommune\" value=\"{}\" inputmode=\"numeric\" pattern=\"[0-9]{{4}}\" required size=\"6\">\n\
         <label for=\"sekunder\">{}</label> <input id=\"sekunder\" name=\"sekunder\" type=\"number\" min=\"1\" max=\"60\" value=\"{seconds}\">\n\
         <button type=\"submit\">{}</button>\n</form>\n",
        t(lang, "Turnusplanlegger (S3)", "Rota planner (S3)"),
        t(
            lang,
            "Planlegger en 6-ukers turnus for det største sykehjemmet i kommunen, med de ansatte fra Aa-registeret (lest under S3 sitt formål, logget). Harde regler fra arbeidsmiljøloven kapittel 10 brytes aldri i en lovlig turnus; ønsker og rettferdig fordeling telles i poengsummen.",
            "Plans a 6-week rota for the municipality's largest nursing home with its staff from the employer register (read under S3's purpose, logged). A legal rota breaks no hard rule of the Working Environment Act ch. 10; wishes and a fair share count in the score."
        ),
        alert(problem),
        t(lang, "Kommunenummer", "Municipality number"),
        esc(kommune),
        t(lang, "Sekunder å lete", "Seconds to search"),
        t(lang, "Planlegg (tar så mange sekunder)", "Plan (takes that many seconds)"),
    )
}

async fn planner(State(_app): State<AppState>, Query(q): Query<LangQuery>) -> Response {
    let lang = q.lang();
    Html(page(
        lang,
        t(lang, "Turnus", "Rota"),
        "/turnus",
        &planner_form(lang, "", 10.0, None),
    ))
    .into_response()
}

async fn planner_run(
    State(app): State<AppState>,
    Query(q): Query<LangQuery>,
    axum::Form(form): axum::Form<PlanForm>,
) -> Response {
    let lang = q.lang();
    let seconds = form.sekunder.unwrap_or(10.0).clamp(1.0, 60.0);
    let fail = |status: StatusCode, problem: String| {
        (
            status,
            Html(page(
                lang,
                t(lang, "Turnus", "Rota"),
                "/turnus",
                &planner_form(lang, &form.kommune, seconds, Some(&problem)),
            )),
        )
            .into_response()
    };
    let municipality: registers::MunicipalityNumber = match form.kommune.trim().parse() {
        Ok(m) => m,
        Err(e) => {
            return fail(
                StatusCode::BAD_REQUEST,
                format!("{}: {e}", form.kommune.trim()),
            )
        }
    };
    let Some(manifest) = app.access().manifests().get("S3") else {
        return fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "no manifest for S3".into(),
        );
    };
    let request = governance::ReadRequest::everything_declared(
        manifest,
        governance::Scope::EmployeesIn(municipality),
        "web-turnus",
    );
    let delivery = match crate::read(&app, &request).await {
        Ok(d) => d,
        Err(e) => return fail(StatusCode::FORBIDDEN, e.to_string()),
    };
    let unit = match svc_roster::norway::unit_from_registers(&delivery.registers, municipality, 7) {
        Ok(u) => u,
        Err(e) => return fail(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    };
    let planned = tokio::task::spawn_blocking(move || {
        let rules = svc_roster::norway::RuleSet::default_aml();
        let options = svc_roster::norway::PlanOptions {
            time_limit: std::time::Duration::from_secs_f64(seconds),
            seed: 7,
            ..svc_roster::norway::PlanOptions::default()
        };
        let result = svc_roster::norway::plan(&unit, &rules, &options);
        let explanation = svc_roster::norway::explain(&unit, &rules, &result.rota);
        let grid = svc_roster::norway::render_html(&unit, &rules, &result.rota);
        (
            unit.name.clone(),
            result.report.is_legal(),
            explanation.to_text(),
            grid,
        )
    })
    .await;
    let (name, legal, text, grid) = match planned {
        Ok(v) => v,
        Err(e) => return fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let body = format!(
        "{}<h2>{}</h2>\n<p><strong class=\"{}\">{}</strong></p>\n<h3>{}</h3>\n<pre>{}</pre>\n{}",
        planner_form(lang, &form.kommune, seconds, None),
        esc(&name),
        if legal { "ok" } else { "missing" },
        if legal {
            t(
                lang,
                "Lovlig turnus: ingen harde regler er brutt",
                "Legal rota: no hard rule is broken",
            )
        } else {
            t(
                lang,
                "IKKE lovlig ennå: gi planleggeren mer tid",
                "NOT legal yet: give the planner more time",
            )
        },
        t(
            lang,
            "Poeng per regel og per ansatt",
            "Score per rule and per employee"
        ),
        esc(&text),
        embed(&grid)
    );
    Html(page(lang, t(lang, "Turnus", "Rota"), "/turnus", &body)).into_response()
}
