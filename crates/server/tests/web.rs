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
    let dir = tempfile::tempdir().unwrap();
    let registers = synth::generate(
        &Municipalities::embedded_2026(),
        &synth::Area::Municipality("1103".parse().unwrap()),
        &synth::GenerateOptions { seed: 7 },
        &|_, _| {},
    )
    .unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();
    store
        .replace_all(&registers, &Default::default(), &|_, _| {})
        .unwrap();
    let version = store.data_version().unwrap();
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
    let config = Config {
        data: dir.path().to_owned(),
        issuer: "http://127.0.0.1/".into(),
        clients: None,
    };
    let app = Arc::new(App::open(&config, Manifests::builtin()).unwrap());
    let router = server::router(app);

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
