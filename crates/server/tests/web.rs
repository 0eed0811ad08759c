//! The web application's pages: generated from manifests and recorded measurements, in bokmål
//! with English, and accessible without scripts.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use governance::{Figure, Manifests, Measurement, MeasurementStore};
use http_body_util::BodyExt;
use registers::Municipalities;
use server::{App, Config};
use std::sync::Arc;
use store::{RegisterStore, SqliteStore};
use tower::ServiceExt;

/// A server on a generated municipality: the data directory (kept alive), its registers, and
/// the app.
fn app_on(municipality: &str) -> (tempfile::TempDir, registers::Registers, Arc<App>) {
    let dir = tempfile::tempdir().unwrap();
    let registers = synth::generate(
        &Municipalities::embedded_2026(),
        &synth::Area::Municipality(municipality.parse().unwrap()),
        &synth::GenerateOptions { seed: 7 },
        &|_, _| {},
    )
    .unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();
    store
        .replace_all(&registers, &Default::default(), &|_, _| {})
        .unwrap();
    let config = Config {
        data: dir.path().to_owned(),
        issuer: "http://127.0.0.1/".into(),
        clients: None,
    };
    let app = Arc::new(App::open(&config, Manifests::builtin()).unwrap());
    (dir, registers, app)
}

async fn page(router: &axum::Router, uri: &str) -> (StatusCode, String) {
    let res = router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn the_spectrum_map_shows_every_service_with_its_latest_figures() {
    let (dir, _, app) = app_on("1103");
    let version = app.access().data_version().to_string();
    let mut m = Measurement::now("S6", "mulighetsrom risk followup").figure(Figure::new(
        "share_moderate",
        "Andel med moderat forhøyet risiko",
        "Share at moderate risk",
        5.11,
        "%",
    ));
    m.people_affected = Some(29_703);
    m.data_version = Some(version);
    MeasurementStore::open(dir.path()).record(&m).unwrap();
    let router = server::router(app);

    // Without --staff-pages the caseworker and auditor pages do not exist.
    assert_eq!(page(&router, "/tilsyn").await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        page(&router, "/saksbehandler").await.0,
        StatusCode::NOT_FOUND
    );
    let (status, nb) = page(&router, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        nb.starts_with("<!DOCTYPE html>\n<html lang=\"nb\">"),
        "{nb}"
    );
    for id in ["S1", "S2", "S3", "S4", "S5", "S6", "S7"] {
        assert!(nb.contains(&format!("<article id=\"{id}\"")), "{id}");
        assert!(nb.contains(&format!("href=\"/register#{id}\"")), "{id}");
    }
    // S6's recorded figure and reach; S1 has none yet and names the command that measures it.
    assert!(
        nb.contains("Andel med moderat forhøyet risiko: 5.11 %"),
        "{nb}"
    );
    assert!(nb.contains("<dd>29703</dd>"));
    assert!(nb.contains("Ikke målt ennå; kjør <code>mulighetsrom kindergarten decide</code>"));
    // The map itself is an accessible SVG, every service a link to its card.
    assert!(nb.contains("role=\"img\" aria-labelledby=\"sp-t sp-d\""));
    assert!(nb.contains("<a href=\"#S4\"><circle"));
    assert!(nb.contains("class=\"skip\" href=\"#main\""));

    let (_, en) = page(&router, "/?lang=en").await;
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(en.contains("Share at moderate risk: 5.11 %"));
    assert!(en.contains("Not measured yet; run"));

    let (status, reg) = page(&router, "/register").await;
    assert_eq!(status, StatusCode::OK);
    assert!(reg.contains("Algoritmeregister (NL)"));
    assert!(reg.contains("FRIA (AI Act art. 27)"));
    assert!(reg.contains("id=\"S7\""));
}

async fn send(
    router: &axum::Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

/// Min side: the local test login (marked as such) sets a cookie; the page then shows the
/// person's own data, decisions and accesses, and nobody else's; a forged cookie gets the login
/// form back, and the visit itself is logged as an INNSYN access.
#[tokio::test]
async fn min_side_shows_only_the_logged_in_citizens_own_report() {
    let (_dir, registers, app) = app_on("4611");
    let me = registers.persons[0].id;
    let other = registers.persons[1].id;
    let router = server::router(app);

    let (status, form) = page(&router, "/min-side").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("LOKAL TESTINNLOGGING"), "{form}");
    assert!(form.contains("<label for=\"pid\">"));

    let bad = Request::post("/min-side/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("pid=12345678901"))
        .unwrap();
    let (status, _, body) = send(&router, bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("role=\"alert\""), "{body}");

    let login = Request::post("/min-side/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("pid={}", me.expose())))
        .unwrap();
    let (status, headers, _) = send(&router, login).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().unwrap().to_owned();

    let mine = Request::get("/min-side")
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&router, mine).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&me.expose()), "my own number is shown");
    assert!(!body.contains(&other.expose()), "nobody else's");
    assert!(
        body.contains("INNSYN"),
        "the visit itself appears as an access: {body}"
    );

    let forged = Request::get("/min-side")
        .header("cookie", format!("{cookie}x"))
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&router, forged).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("role=\"alert\"") && body.contains("<form"),
        "{body}"
    );
    assert!(!body.contains(&me.expose()));
}

/// The auditor's page: the signed checkpoint, the refused attempts, and a verification of the
/// whole log that runs beside the API.
#[tokio::test]
async fn the_auditor_sees_checkpoints_refusals_and_verifies_the_log() {
    let (_dir, registers, app) = app_on("4611");
    let someone = registers.persons[3].id;
    let router = server::router_with_staff_pages(app);
    // A look-up without a token: refused, and logged before the answer.
    let uri = format!(
        "/registers/folkeregisteret/personer/{}?part=person-basis",
        someone.expose()
    );
    let (status, _) = page(&router, &uri).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = page(&router, "/tilsyn").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("mulighetsrom.local/audit"),
        "the checkpoint note: {body}"
    );
    assert!(body.contains("<td>api</td>"), "the refused look-up: {body}");
    assert!(
        !body.contains(&someone.expose()),
        "the log holds pseudonyms only"
    );

    let verify = Request::post("/tilsyn/verifiser")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&router, verify).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("OK: hver oppføring"), "{body}");
}

/// The caseworker's pages: the overview lists the stored S1 cases (manual handling first), and
/// opening one shows its explanation tree with the law it cites — and is logged as an S1 read
/// of the family's data, visible in the person's own report.
#[tokio::test]
async fn a_caseworker_opens_a_decision_and_its_explanation_and_the_read_is_logged() {
    let (dir, registers, app) = app_on("4611");
    let child = registers.enrolments[0].child;
    let mut decisions = store::DecisionStore::open(dir.path()).unwrap();
    let header = store::BatchHeader {
        service: "S1".into(),
        period: "2024-03".into(),
        area: Some("4611".into()),
        rules: store::RulesVersion::new("test", Default::default()),
        data_version: app.access().data_version().to_string(),
        decided_at: "2024-03-01T00:00:00Z".into(),
    };
    let explanation = serde_json::json!({
        "summary": "Total 1 700 NOK a month.",
        "legal_reference": "forskrift om foreldrebetaling i barnehager § 3",
        "children": [{"explanation": {
            "summary": "Income limit = makspris 3000 × 11 / 0.06 = 550000 NOK.",
            "legal_reference": "forskrift om foreldrebetaling i barnehager § 3 (6 %)",
            "parameters_used": [{"path": "kindergarten.income_cap.rate", "value": "0.06", "from": "2015-05-01", "status": "verified"}],
            "children": []
        }}]
    });
    decisions
        .record_batch(
            header,
            [store::NewDecision {
                case_key: "fam-test".into(),
                area: "4611".into(),
                status: store::DecisionStatus::ManualHandling,
                amount: Some(1700),
                result: serde_json::json!({"total_monthly_fee": 1700}),
                explanation: explanation.to_string(),
                inputs: serde_json::json!({"household_income": 311000}),
                subjects: vec![child],
            }],
        )
        .unwrap();
    let id = decisions
        .latest("S1", "fam-test", "2024-03")
        .unwrap()
        .unwrap()
        .id;
    drop(decisions);
    let router = server::router_with_staff_pages(app);

    let (status, list) = page(&router, "/saksbehandler").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains(&format!("href=\"/saksbehandler/sak/{id}\">fam-test</a>")),
        "{list}"
    );
    assert!(list.contains("manuell behandling"));

    let (status, case) = page(&router, &format!("/saksbehandler/sak/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert!(case.contains("Income limit = makspris 3000"), "{case}");
    assert!(case.contains("forskrift om foreldrebetaling i barnehager § 3 (6 %)"));
    assert!(case.contains("<code>kindergarten.income_cap.rate</code>"));
    assert!(case.contains(&child.expose()));
    let (status, _) = page(&router, "/saksbehandler/sak/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The child's own report shows the caseworker's read.
    let login = Request::post("/min-side/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("pid={}", child.expose())))
        .unwrap();
    let (_, headers, _) = send(&router, login).await;
    let cookie = headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let mine = Request::get("/min-side")
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    let (_, _, body) = send(&router, mine).await;
    assert!(body.contains("web-saksbehandler"), "{body}");
}

/// The rota planner: a municipality's nursing home from the employer register (an S3 read),
/// planned and shown as a grid with the score per rule; a bad municipality number is named.
#[tokio::test]
async fn the_planner_plans_a_rota_for_a_nursing_home_from_the_registers() {
    let (_dir, _, app) = app_on("1103");
    let router = server::router_with_staff_pages(app);
    let (status, form) = page(&router, "/turnus").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("<label for=\"kommune\">"));

    let post = |body: &str| {
        Request::post("/turnus")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let (status, _, body) = send(&router, post("kommune=11x3&sekunder=1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("role=\"alert\"") && body.contains("11x3"),
        "{body}"
    );

    let (status, _, body) = send(&router, post("kommune=1103&sekunder=2")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("turnus") || body.contains("rota"));
    assert!(body.contains("Poeng per regel og per ansatt"), "{body}");
    assert!(
        body.contains("Lovlig turnus") || body.contains("IKKE lovlig ennå"),
        "{body}"
    );
    assert!(body.contains("<table"), "the rota grid");
}
