//! The API's security rules, one test per rule, run against the router in-process: forged,
//! expired, wrong-audience, replayed and over-long assertions, scopes the client does not have
//! and unknown claims are refused; forged and expired access tokens are refused; an undeclared
//! `part` is denied; a citizen cannot reach another person; consent withdrawal is effective on
//! the next request; and every denied attempt is in the audit log — in the person's own entries
//! where a person is named.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use ed25519_dalek::SigningKey;
use governance::audit::{EntryBody, Outcome};
use governance::keys::KeyRing;
use governance::Manifests;
use http_body_util::BodyExt;
use identity::NationalId;
use registers::Municipalities;
use serde_json::{json, Value};
use server::clients::Client;
use server::tokens::AssertionClaims;
use server::{jwt, App, Config};
use std::sync::Arc;
use store::{RegisterStore, SqliteStore};
use tower::ServiceExt;

const ISSUER: &str = "http://mulighetsrom.test/";

struct Api {
    _dir: tempfile::TempDir,
    app: Arc<App>,
    router: Router,
    kommune: SigningKey,
    helse: SigningKey,
    registers: registers::Registers,
}

/// Etne (4611) in a fresh data directory, with two test clients whose keys the tests hold.
fn api() -> Api {
    let dir = tempfile::tempdir().unwrap();
    let registers = synth::generate(
        &Municipalities::embedded_2026(),
        &synth::Area::Municipality("4611".parse().unwrap()),
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
        issuer: ISSUER.into(),
        clients: None,
    };
    let mut app = App::open(&config, Manifests::builtin()).unwrap();
    let kommune = SigningKey::from_bytes(&[1u8; 32]);
    let helse = SigningKey::from_bytes(&[2u8; 32]);
    for (id, orgnr, key, scopes) in [
        (
            "test-kommune",
            "310000000",
            &kommune,
            vec!["mulighetsrom:s1"],
        ),
        ("test-helse", "310000019", &helse, vec!["mulighetsrom:s5"]),
    ] {
        app.clients_mut().insert(Client {
            client_id: id.into(),
            orgnr: orgnr.into(),
            name: id.into(),
            scopes: scopes.into_iter().map(String::from).collect(),
            key: key.verifying_key(),
            demo: false,
        });
    }
    let app = Arc::new(app);
    let router = server::router(app.clone());
    Api {
        _dir: dir,
        app,
        router,
        kommune,
        helse,
        registers,
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(client: &str, scope: &str) -> AssertionClaims {
    let t = now();
    AssertionClaims {
        aud: ISSUER.into(),
        iss: client.into(),
        iat: t,
        exp: t + 60,
        jti: format!("{client}-{}", rand_jti()),
        scope: scope.into(),
    }
}

fn rand_jti() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed) ^ (now() as u64) << 20
}

async fn call(router: &Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, v)
}

async fn token_call(api: &Api, assertion: &str) -> (StatusCode, Value) {
    let body = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={assertion}"
    );
    call(
        &api.router,
        Request::post("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn access_token(api: &Api, key: &SigningKey, client: &str, scope: &str) -> String {
    let (s, v) = token_call(api, &jwt::sign_eddsa(key, &claims(client, scope))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["access_token"].as_str().unwrap().to_owned()
}

async fn get(api: &Api, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut b = Request::get(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    call(&api.router, b.body(Body::empty()).unwrap()).await
}

/// Reasons of every denied access event in the log.
fn denied_reasons(api: &Api) -> Vec<String> {
    api.app
        .access()
        .with_log(|log| {
            (0..log.size())
                .filter_map(|i| match log.entry(i).unwrap().entry.body {
                    EntryBody::Access(a) if a.outcome == Outcome::Denied => a.reason,
                    _ => None,
                })
                .collect()
        })
        .unwrap()
}

/// Reasons of the denied events in one person's own entries.
fn denied_about(api: &Api, id: NationalId) -> Vec<String> {
    let p = api.app.access().pseudonym(&id);
    api.app
        .access()
        .with_log(move |log| {
            let mut out = Vec::new();
            for e in log.entries_about(&p).unwrap() {
                if let EntryBody::Subject {
                    outcome: Outcome::Denied,
                    event,
                    ..
                } = &e.entry.body
                {
                    let h = governance::audit::merkle::parse_hex(event).unwrap();
                    if let EntryBody::Access(a) = log.event(&h).unwrap().unwrap().entry.body {
                        out.push(a.reason.unwrap_or_default());
                    }
                }
            }
            out
        })
        .unwrap()
}

async fn assert_assertion_refused(api: &Api, assertion: &str, expect: &str) {
    let (s, v) = token_call(api, assertion).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let d = v["error_description"].as_str().unwrap();
    assert!(d.contains(expect), "{d}");
    let reasons = denied_reasons(api);
    assert!(
        reasons.iter().any(|r| r.contains(expect)),
        "not logged: {reasons:?}"
    );
}

fn person(api: &Api, n: usize) -> NationalId {
    api.registers.persons[n].id
}

#[tokio::test]
async fn a_forged_assertion_signature_is_refused_and_logged() {
    let api = api();
    let forger = SigningKey::from_bytes(&[9u8; 32]);
    let a = jwt::sign_eddsa(&forger, &claims("test-kommune", "mulighetsrom:s1"));
    assert_assertion_refused(&api, &a, "signature does not verify").await;
}

#[tokio::test]
async fn an_expired_assertion_is_refused_and_logged() {
    let api = api();
    let mut c = claims("test-kommune", "mulighetsrom:s1");
    c.iat = now() - 5;
    c.exp = now() - 1;
    assert_assertion_refused(&api, &jwt::sign_eddsa(&api.kommune, &c), "expired").await;
}

#[tokio::test]
async fn a_wrong_audience_is_refused_and_logged() {
    let api = api();
    let mut c = claims("test-kommune", "mulighetsrom:s1");
    c.aud = "https://maskinporten.no/".into();
    assert_assertion_refused(&api, &jwt::sign_eddsa(&api.kommune, &c), "aud").await;
}

#[tokio::test]
async fn a_replayed_jti_is_refused_and_logged() {
    let api = api();
    let a = jwt::sign_eddsa(&api.kommune, &claims("test-kommune", "mulighetsrom:s1"));
    let (s, _) = token_call(&api, &a).await;
    assert_eq!(s, StatusCode::OK);
    assert_assertion_refused(&api, &a, "already used").await;
}

#[tokio::test]
async fn an_assertion_living_longer_than_120_seconds_is_refused() {
    let api = api();
    let mut c = claims("test-kommune", "mulighetsrom:s1");
    c.exp = c.iat + 121;
    assert_assertion_refused(&api, &jwt::sign_eddsa(&api.kommune, &c), "exp − iat").await;
}

#[tokio::test]
async fn a_scope_the_client_is_not_registered_for_is_refused() {
    let api = api();
    let c = claims("test-kommune", "mulighetsrom:s1 mulighetsrom:s4");
    let (s, v) = token_call(&api, &jwt::sign_eddsa(&api.kommune, &c)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"], "invalid_scope");
    assert!(denied_reasons(&api)
        .iter()
        .any(|r| r.contains("mulighetsrom:s4")));
}

#[tokio::test]
async fn unknown_claims_are_refused_as_an_invalid_assertion() {
    let api = api();
    let mut c = serde_json::to_value(claims("test-kommune", "mulighetsrom:s1")).unwrap();
    c["consumer_org"] = json!("999999999");
    assert_assertion_refused(
        &api,
        &jwt::sign_eddsa(&api.kommune, &c),
        "invalid assertion",
    )
    .await;
}

#[tokio::test]
async fn forged_and_expired_access_tokens_are_refused_and_logged_for_the_person() {
    let api = api();
    let id = person(&api, 10);
    let uri = format!("/registers/folkeregisteret/personer/{}", id.expose());
    // Signed with a key that is not the server's.
    let forged = jwt::sign_hs256(
        &[3u8; 32],
        &json!({"iss": ISSUER, "token_use": "access", "client_id": "test-kommune",
                "consumer": "310000000", "scope": "mulighetsrom:s1",
                "iat": now(), "exp": now() + 60}),
    );
    let (s, _) = get(
        &api,
        &uri,
        &[("authorization", &format!("Bearer {forged}"))],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Signed with the server's own key, but expired.
    let key = KeyRing::open(&api._dir.path().join("keys"))
        .unwrap()
        .token_key("api-access")
        .unwrap();
    let expired = jwt::sign_hs256(
        &key,
        &json!({"iss": ISSUER, "token_use": "access", "client_id": "test-kommune",
                "consumer": "310000000", "scope": "mulighetsrom:s1",
                "iat": now() - 300, "exp": now() - 180}),
    );
    let (s, v) = get(
        &api,
        &uri,
        &[("authorization", &format!("Bearer {expired}"))],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    // No token at all.
    let (s, _) = get(&api, &uri, &[]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let mine = denied_about(&api, id);
    assert_eq!(mine.len(), 3, "{mine:?}");
    assert!(mine[0].contains("signature"), "{mine:?}");
    assert!(mine[1].contains("expired"), "{mine:?}");
}

#[tokio::test]
async fn an_undeclared_part_is_denied_with_the_access_layers_reason_and_logged() {
    let api = api();
    let t = access_token(&api, &api.kommune, "test-kommune", "mulighetsrom:s1").await;
    let auth = format!("Bearer {t}");
    let id = person(&api, 20);
    // Declared parts are delivered, and nothing else.
    let (s, v) = get(
        &api,
        &format!(
            "/registers/folkeregisteret/personer/{}?part=person-basis,bostedsadresse",
            id.expose()
        ),
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let data = v["data"].as_object().unwrap();
    let mut tables: Vec<&str> = data.keys().map(String::as_str).collect();
    tables.sort();
    assert_eq!(tables, ["addresses", "persons", "residences"], "{v}");
    assert_eq!(data["persons"][0]["background"], "ikke_utlevert");
    // S1 does not declare lifestyle data.
    let (s, v) = get(
        &api,
        &format!("/registers/helse/personer/{}?part=levevaner", id.expose()),
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let d = v["error_description"].as_str().unwrap();
    assert!(
        d.contains("\"helse.levevaner\" is not declared for service S1"),
        "{d}"
    );
    assert!(d.contains("s1-foreldrebetaling.toml"), "{d}");
    let mine = denied_about(&api, id);
    assert_eq!(mine.len(), 1);
    assert!(mine[0].contains("helse.levevaner"));
    // An unknown person is 404, and the attempt is still logged.
    let before = api.app.access().with_log(|l| l.size()).unwrap();
    let (s, _) = get(
        &api,
        "/registers/folkeregisteret/personer/31129956715",
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(api.app.access().with_log(|l| l.size()).unwrap(), before + 1);
}

#[tokio::test]
async fn a_citizen_cannot_reach_another_persons_data() {
    let api = api();
    let (me, other) = (person(&api, 30), person(&api, 31));
    let (s, v) = call(
        &api.router,
        Request::post("/citizen/login")
            .header("content-type", "application/json")
            .body(Body::from(json!({"pid": me.expose()}).to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["acr"], "idporten-loa-substantial");
    let auth = format!("Bearer {}", v["id_token"].as_str().unwrap());
    // Someone looks me up, so my report has an access to show.
    let t = access_token(&api, &api.kommune, "test-kommune", "mulighetsrom:s1").await;
    let (s, _) = get(
        &api,
        &format!("/registers/folkeregisteret/personer/{}", me.expose()),
        &[("authorization", &format!("Bearer {t}"))],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // Another person's insight: refused, and logged in that person's entries.
    let (s, _) = get(
        &api,
        &format!("/citizen/innsyn?person={}", other.expose()),
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let theirs = denied_about(&api, other);
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert!(theirs[0].contains("own data only"));
    // A citizen token is not an access token for the register endpoints.
    let (s, _) = get(
        &api,
        &format!("/registers/folkeregisteret/personer/{}", other.expose()),
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(denied_about(&api, other).len(), 2);
    // My own report: my data, and the look-up by S1 with a proof.
    let (s, v) = get(&api, "/citizen/innsyn", &[("authorization", &auth)]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["person"], me.expose());
    let persons = v["registers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["tables"].as_array().unwrap())
        .find(|t| t["table"] == "persons")
        .expect("the population register's rows");
    assert_eq!(persons["rows"][0][0], me.expose());
    let accesses = v["accesses"].as_array().unwrap();
    let s1 = accesses
        .iter()
        .find(|a| a["service"] == "S1")
        .expect("the S1 look-up is shown");
    assert_eq!(s1["purpose"], "redusert-foreldrebetaling");
    assert_eq!(s1["outcome"], "allowed");
    assert!(s1["legal_basis"].as_str().unwrap().contains("lovdata.no"));
    assert!(s1["proof"]["checkpoint"]
        .as_str()
        .unwrap()
        .contains("mulighetsrom.local/audit"));
    // Nothing about the other person leaks into my report.
    assert!(!v.to_string().contains(&other.expose()));
}

#[tokio::test]
async fn consent_withdrawal_is_effective_on_the_next_request() {
    let api = api();
    let id = api.registers.lifestyle[0].person;
    let (_, v) = call(
        &api.router,
        Request::post("/citizen/login")
            .header("content-type", "application/json")
            .body(Body::from(json!({"pid": id.expose()}).to_string()))
            .unwrap(),
    )
    .await;
    let citizen = format!("Bearer {}", v["id_token"].as_str().unwrap());
    let t = access_token(&api, &api.helse, "test-helse", "mulighetsrom:s5").await;
    let client = format!("Bearer {t}");
    let uri = format!("/registers/helse/personer/{}?part=levevaner", id.expose());
    // Without a consent token: refused.
    let (s, _) = get(&api, &uri, &[("authorization", &client)]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Consent given: the token lets the read through.
    let (s, v) = call(
        &api.router,
        Request::post("/consent")
            .header("authorization", &citizen)
            .header("content-type", "application/json")
            .body(Body::from(json!({"service": "S5", "days": 30}).to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let consent = v["consent_token"].as_str().unwrap().to_owned();
    let with = [
        ("authorization", client.as_str()),
        ("consent-token", consent.as_str()),
    ];
    let (s, v) = get(&api, &uri, &with).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["lifestyle"].as_array().unwrap().len(), 1);
    // Withdrawn: the same, still unexpired token no longer works.
    let (s, _) = call(
        &api.router,
        Request::delete("/consent?service=S5")
            .header("authorization", &citizen)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = get(&api, &uri, &with).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(v["error_description"]
        .as_str()
        .unwrap()
        .contains("no valid consent"));
    let mine = denied_about(&api, id);
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(mine[1].contains("no valid consent"));
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_the_router_serves() {
    let api = api();
    let (_, served) = server::router_with_routes(api.app.clone());
    let (s, doc) = get(&api, "/openapi.json", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    let mut served: Vec<(String, String)> = served
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    documented.sort();
    served.sort();
    assert_eq!(documented, served);
    let (s, v) = get(&api, "/health", &[]).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("ok")));
}
