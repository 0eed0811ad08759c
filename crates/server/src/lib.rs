//! The data-sharing API (axum): the way other organisations and citizens reach register data.
//!
//! * `POST /token`: Maskinporten-style JWT-bearer grant (RFC 7523) for registered clients
//!   ([`clients`], [`tokens`]); replayed `jti`s are refused from a cache in `DATA/api.sqlite`.
//! * `GET /registers/{register}/personer/{id}?part=…`: look-ups minimised by `part`, judged by the
//!   access layer under the service of the token's scope.
//! * `POST/DELETE /consent`: consent for consent-based services (a stand-in for Altinn).
//! * `POST /citizen/login` (a local test login standing in for ID-porten) and
//!   `GET /citizen/innsyn` ([`insight`]).
//! * `GET /openapi.json` ([`openapi`]), `GET /health`.
//! * The web application's pages ([`web`]): `GET /` (the spectrum map), `GET /register`.
//!
//! **Invariant:** every handler reads register data only through
//! [`governance::SharedAccess`], and every refusal — a bad token included — is logged before
//! the response is sent.

pub mod clients;
pub mod jwt;
pub mod openapi;
pub mod rows;
pub mod tokens;
pub mod web;

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, MethodRouter};
use axum::{Form, Json, Router};
use clients::{scope_of_service, service_of_scope, Clients};
use governance::audit::merkle::hex;
use governance::keys::{KeyError, KeyRing};
use governance::{AccessError, Delivery, Manifests, ReadRequest, Scope, SharedAccess};
use identity::NationalId;
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use tokens::{ReplayCache, TokenError, TokenKeys};

/// What can stop the server from starting.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The access layer (store, log, consent store) could not be opened.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The client registry is wrong.
    #[error(transparent)]
    Clients(#[from] clients::ClientError),
    /// A key could not be read.
    #[error(transparent)]
    Keys(#[from] KeyError),
    /// The replay cache could not be opened.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// Network or runtime.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// How to open the API on a data directory.
#[derive(Clone, Debug)]
pub struct Config {
    /// The data directory (store, audit log, consents, keys).
    pub data: PathBuf,
    /// The issuer URL: the `aud` client assertions must name and the `iss` of issued tokens.
    pub issuer: String,
    /// A client registry file; the built-in `governance/clients.toml` when `None`.
    pub clients: Option<PathBuf>,
}

/// Everything a request needs, shared by all workers.
pub struct App {
    access: SharedAccess,
    clients: Clients,
    keys: TokenKeys,
    replay: ReplayCache,
    issuer: String,
    data: std::path::PathBuf,
}

impl App {
    /// Opens the access layer (loading and indexing the registers), the clients and the keys.
    pub fn open(config: &Config, manifests: Manifests) -> Result<App, ServerError> {
        let keyring = KeyRing::open(&config.data.join("keys"))?;
        let clients = Clients::load(config.clients.as_deref(), &manifests, &keyring)?;
        Ok(App {
            access: SharedAccess::open(&config.data, manifests)?,
            clients,
            keys: TokenKeys::open(&keyring)?,
            replay: ReplayCache::open(&config.data)?,
            issuer: config.issuer.clone(),
            data: config.data.clone(),
        })
    }

    /// The access layer.
    pub fn access(&self) -> &SharedAccess {
        &self.access
    }

    /// The registered clients (tests add their own).
    pub fn clients_mut(&mut self) -> &mut Clients {
        &mut self.clients
    }

    /// The registered clients.
    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    /// The issuer URL.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
}

type AppState = Arc<App>;

/// The router and the routes it was built with (the same list the OpenAPI document shows).
pub fn router_with_routes(app: AppState) -> (Router, Vec<(&'static str, &'static str)>) {
    let mut router = Router::new();
    let mut served = Vec::new();
    let mut add = |method: &'static str, path: &'static str, mr: MethodRouter<AppState>| {
        served.push((method, path));
        router = std::mem::take(&mut router).route(path, mr);
    };
    add("post", "/token", post(token));
    add(
        "get",
        "/registers/{register}/personer/{id}",
        get(register_lookup),
    );
    add("post", "/citizen/login", post(citizen_login));
    add("get", "/citizen/innsyn", get(citizen_innsyn));
    add("post", "/consent", post(give_consent));
    add("delete", "/consent", delete(withdraw_consent));
    add("get", "/openapi.json", get(openapi_document));
    add("get", "/health", get(health));
    (router.with_state(app), served)
}

/// The API router with the web application's public pages ([`web`]).
pub fn router(app: AppState) -> Router {
    router_with_routes(app.clone())
        .0
        .merge(web::router(app, false))
}

/// [`router`] with the staff pages (caseworker, auditor), which have no login of their own:
/// only for a server on a loopback address (the CLI refuses anything else).
pub fn router_with_staff_pages(app: AppState) -> Router {
    router_with_routes(app.clone())
        .0
        .merge(web::router(app, true))
}

/// A hello-world router on the same stack: the ceiling the benchmark compares look-ups with.
pub fn hello_router() -> Router {
    Router::new().route("/hello", get(|| async { "Hello, World!" }))
}

/// Serves `router` on `listener` with a multi-threaded runtime of `workers` threads until
/// Ctrl-C.
pub fn serve(
    listener: std::net::TcpListener,
    router: Router,
    workers: usize,
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })?;
    Ok(())
}

fn error(status: StatusCode, code: &str, description: impl std::fmt::Display) -> Response {
    (
        status,
        Json(json!({"error": code, "error_description": description.to_string()})),
    )
        .into_response()
}

fn bearer(headers: &HeaderMap) -> Result<&str, TokenError> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| TokenError::InvalidToken("no Authorization: Bearer token".into()))
}

/// Judges and logs a read; resolves once the log is durable.
async fn read(app: &App, request: &ReadRequest) -> Result<Delivery, AccessError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.access.read_then(request, move |r| {
        let _ = tx.send(r);
    });
    rx.await
        .unwrap_or_else(|_| Err(AccessError::LogUnavailable("the writer stopped".into())))
}

/// Logs a refusal decided here (bad token, another person's data) and resolves once durable;
/// `Err` if it could not be logged.
async fn refuse(app: &App, request: &ReadRequest, reason: String) -> Result<(), AccessError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.access.refuse_then(request, reason, move |r| {
        let _ = tx.send(r);
    });
    match rx.await {
        Ok(Err(AccessError::Refused(_))) => Ok(()),
        Ok(Err(e)) => Err(e),
        Ok(Ok(_)) => Ok(()),
        Err(_) => Err(AccessError::LogUnavailable("the writer stopped".into())),
    }
}

/// Logs a refusal and answers with `status`, or 503 if the refusal could not be logged.
async fn refused(
    app: &App,
    request: &ReadRequest,
    status: StatusCode,
    code: &str,
    reason: String,
) -> Response {
    match refuse(app, request, reason.clone()).await {
        Ok(()) => error(status, code, reason),
        Err(e) => access_error(&e),
    }
}

fn access_error(e: &AccessError) -> Response {
    match e {
        AccessError::UnknownService { .. }
        | AccessError::WrongPurpose { .. }
        | AccessError::ElementNotDeclared { .. }
        | AccessError::NoConsent { .. }
        | AccessError::Refused(_) => error(StatusCode::FORBIDDEN, "access_denied", e),
        AccessError::Log(_) | AccessError::LogUnavailable(_) => {
            error(StatusCode::SERVICE_UNAVAILABLE, "log_unavailable", e)
        }
        _ => {
            tracing::error!("access layer: {e}");
            error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", e)
        }
    }
}

fn api_request(service: &str, elements: Vec<String>, scope: Scope) -> ReadRequest {
    ReadRequest {
        service: service.to_owned(),
        purpose: String::new(),
        elements,
        scope,
        channel: "api".into(),
    }
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    assertion: Option<String>,
}

async fn token(State(app): State<AppState>, Form(form): Form<TokenForm>) -> Response {
    let log_as = api_request("token", Vec::new(), Scope::Subjects(Vec::new()));
    if form.grant_type.as_deref() != Some(tokens::JWT_BEARER) {
        let reason = format!(
            "unsupported grant_type {:?}; expected {}",
            form.grant_type.unwrap_or_default(),
            tokens::JWT_BEARER
        );
        return refused(
            &app,
            &log_as,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            reason,
        )
        .await;
    }
    let assertion = form.assertion.unwrap_or_default();
    let now = app.access.now();
    match tokens::check_assertion(
        &assertion,
        &app.clients,
        app.access.manifests(),
        &app.issuer,
        &app.replay,
        now,
    ) {
        Ok((client, scopes)) => {
            let token = tokens::issue_access(&app.keys, &app.issuer, client, &scopes, now);
            Json(json!({
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": tokens::ACCESS_TOKEN_LIFETIME,
                "scope": scopes.join(" "),
            }))
            .into_response()
        }
        Err(e @ TokenError::Storage(_)) => {
            tracing::error!("{e}");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                e,
            )
        }
        Err(e) => {
            let code = match e {
                TokenError::InvalidScope(_) => "invalid_scope",
                _ => "invalid_grant",
            };
            refused(&app, &log_as, StatusCode::BAD_REQUEST, code, e.to_string()).await
        }
    }
}

/// The default `part` of each register (`None`: the caller must name one).
fn default_part(register: &str) -> Option<Option<&'static str>> {
    match register {
        "folkeregisteret" => Some(Some("person-basis")),
        "inntekt" => Some(Some("skatteoppgjoer")),
        "barnehage" => Some(Some("opptak")),
        "aa-registeret" => Some(Some("arbeidsforhold")),
        "helse" => Some(None),
        _ => None,
    }
}

#[derive(Deserialize)]
struct LookupQuery {
    part: Option<String>,
    tjeneste: Option<String>,
}

async fn register_lookup(
    State(app): State<AppState>,
    UrlPath((register, id)): UrlPath<(String, String)>,
    Query(q): Query<LookupQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(default) = default_part(&register) else {
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no register {register:?}; known: folkeregisteret, inntekt, barnehage, aa-registeret, helse"),
        );
    };
    let person = match NationalId::parse(&id) {
        Ok(p) => p,
        Err(e) => return error(StatusCode::BAD_REQUEST, "invalid_request", e),
    };
    let parts: Vec<String> = match (&q.part, default) {
        (Some(p), _) => p
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| format!("{register}.{p}"))
            .collect(),
        (None, Some(d)) => vec![format!("{register}.{d}")],
        (None, None) => Vec::new(),
    };
    let mut request = api_request("api", parts, Scope::Subjects(vec![person]));
    let now = app.access.now();
    let claims = match bearer(&headers)
        .and_then(|t| tokens::verify_access(&app.keys, t, &app.issuer, now))
    {
        Ok(c) => c,
        Err(e) => {
            return refused(
                &app,
                &request,
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                e.to_string(),
            )
            .await
        }
    };
    let manifests = app.access.manifests();
    let services: Vec<&str> = claims
        .scope
        .split_whitespace()
        .filter_map(|s| service_of_scope(manifests, s))
        .collect();
    request.service = format!("api:{}", claims.client_id);
    let service = match &q.tjeneste {
        Some(t) => match services.iter().find(|s| s.eq_ignore_ascii_case(t)) {
            Some(s) => *s,
            None => {
                let reason = format!(
                    "the token of {} has no scope {} for service {t}",
                    claims.client_id,
                    scope_of_service(t)
                );
                return refused(
                    &app,
                    &request,
                    StatusCode::FORBIDDEN,
                    "insufficient_scope",
                    reason,
                )
                .await;
            }
        },
        None if services.len() == 1 => services[0],
        None => {
            let reason = format!(
                "the token has {} service scopes; name the service with ?tjeneste=",
                services.len()
            );
            return refused(
                &app,
                &request,
                StatusCode::BAD_REQUEST,
                "invalid_request",
                reason,
            )
            .await;
        }
    };
    let Some(manifest) = manifests.get(service) else {
        return error(StatusCode::FORBIDDEN, "access_denied", "unknown service");
    };
    request.service = manifest.id.clone();
    request.purpose = manifest.purpose.id.clone();
    if request.elements.is_empty() {
        return refused(
            &app,
            &request,
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("name the data with ?part= (register {register} has no default part)"),
        )
        .await;
    }
    if manifest.requires_consent() {
        let token = headers
            .get("consent-token")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                TokenError::InvalidToken(
                    "no Consent-Token header for a consent-based service".into(),
                )
            })
            .and_then(|t| tokens::verify_consent(&app.keys, t, &app.issuer, now));
        let problem = match token {
            Err(e) => Some(e.to_string()),
            Ok(c) if c.pid != person.expose() => {
                Some("the consent token is for another person".to_owned())
            }
            Ok(c) if c.service != manifest.id || c.purpose != manifest.purpose.id => Some(format!(
                "the consent token is for {} ({})",
                c.service, c.purpose
            )),
            Ok(_) => None,
        };
        if let Some(reason) = problem {
            return refused(
                &app,
                &request,
                StatusCode::FORBIDDEN,
                "consent_required",
                reason,
            )
            .await;
        }
        // The token only shows that consent was given; the access layer asks the consent store
        // on this very read, so a withdrawal counts even while the token is unexpired.
    }
    match read(&app, &request).await {
        Ok(d) if d.subjects == 0 => error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "no person with this number (logged as event {})",
                hex(&d.event)
            ),
        ),
        Ok(d) => Json(json!({
            "person": person.expose(),
            "service": d.manifest.id,
            "purpose": d.manifest.purpose.id,
            "consumer": claims.consumer,
            "elements": request.elements,
            "event": hex(&d.event),
            "data": rows::registers_json(&d.registers),
        }))
        .into_response(),
        Err(e) => access_error(&e),
    }
}

#[derive(Deserialize)]
struct LoginBody {
    pid: String,
}

async fn citizen_login(
    State(app): State<AppState>,
    body: Result<Json<LoginBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected a JSON body {\"pid\": \"…\"}",
        );
    };
    let pid = match NationalId::parse(body.pid.trim()) {
        Ok(p) => p,
        Err(e) => return error(StatusCode::BAD_REQUEST, "invalid_request", e),
    };
    let token = tokens::issue_citizen(&app.keys, &app.issuer, &pid.expose(), app.access.now());
    Json(json!({
        "id_token": token,
        "token_type": "Bearer",
        "expires_in": tokens::CITIZEN_TOKEN_LIFETIME,
        "acr": tokens::ACR,
        "warning": "LOCAL TEST LOGIN standing in for ID-porten: it authenticates nobody; never expose it with real data",
    }))
    .into_response()
}

fn citizen(app: &App, headers: &HeaderMap) -> Result<NationalId, TokenError> {
    let c = tokens::verify_citizen(&app.keys, bearer(headers)?, &app.issuer, app.access.now())?;
    NationalId::parse(&c.pid).map_err(|e| TokenError::InvalidToken(format!("pid: {e}")))
}

#[derive(Deserialize)]
struct InnsynQuery {
    person: Option<String>,
}

async fn citizen_innsyn(
    State(app): State<AppState>,
    Query(q): Query<InnsynQuery>,
    headers: HeaderMap,
) -> Response {
    let manifests = app.access.manifests();
    let Some(manifest) = manifests.get("INNSYN") else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "no INNSYN manifest",
        );
    };
    let named = q.person.as_deref().map(NationalId::parse);
    let scope_of = |p: Option<NationalId>| Scope::Subjects(p.into_iter().collect());
    let mut request = ReadRequest::everything_declared(manifest, scope_of(None), "api");
    let pid = match citizen(&app, &headers) {
        Ok(p) => p,
        Err(e) => {
            request.scope = scope_of(named.and_then(Result::ok));
            return refused(
                &app,
                &request,
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                e.to_string(),
            )
            .await;
        }
    };
    match named {
        Some(Ok(other)) if other != pid => {
            request.scope = scope_of(Some(other));
            return refused(
                &app,
                &request,
                StatusCode::FORBIDDEN,
                "access_denied",
                "a citizen token gives insight into the citizen's own data only".into(),
            )
            .await;
        }
        Some(Err(e)) => return error(StatusCode::BAD_REQUEST, "invalid_request", e),
        _ => {}
    }
    request.scope = scope_of(Some(pid));
    match insight_report(&app, &request, pid).await {
        Ok(report) => Json(report).into_response(),
        Err(response) => *response,
    }
}

/// The insight report of `pid` (GDPR art. 15): the read under INNSYN (`request`, logged like any
/// other), the person's decisions from the decision store, and every access from the log with
/// proofs — what `GET /citizen/innsyn` returns as JSON and Min side renders as HTML.
async fn insight_report(
    app: &App,
    request: &ReadRequest,
    pid: NationalId,
) -> Result<governance::insight::InsightReport, Box<Response>> {
    let delivery = read(app, request)
        .await
        .map_err(|e| Box::new(access_error(&e)))?;
    let server_error =
        |e: String| Box::new(error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", e));
    let decisions = store::DecisionStore::open(&app.data)
        .and_then(|ds| ds.decisions_about(&pid))
        .map_err(|e| server_error(e.to_string()))?
        .iter()
        .map(store::StoredDecision::to_insight_json)
        .collect();
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.access.with_log_then(move |log| {
        let _ = tx.send(governance::insight::report(
            log,
            pid,
            &delivery.registers,
            decisions,
        ));
    });
    match rx.await {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(e)) => Err(server_error(e.to_string())),
        Err(_) => Err(Box::new(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "log_unavailable",
            "the audit-log writer stopped",
        ))),
    }
}

#[derive(Deserialize)]
struct ConsentBody {
    service: String,
    #[serde(default)]
    days: Option<i64>,
}

async fn give_consent(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<ConsentBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let pid = match citizen(&app, &headers) {
        Ok(p) => p,
        Err(e) => return error(StatusCode::UNAUTHORIZED, "invalid_token", e),
    };
    let Ok(Json(body)) = body else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected a JSON body {\"service\": \"S5\", \"days\": 365}",
        );
    };
    let Some(m) = app
        .access
        .manifests()
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(&body.service))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "unknown service",
        );
    };
    if !m.requires_consent() {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("{} does not read on consent", m.id),
        );
    }
    let days = body.days.unwrap_or(365).clamp(1, 3650);
    let now = app.access.now();
    let expires = now + chrono::Duration::days(days);
    let id = match app
        .access
        .consents()
        .give(&pid, &m.id, &m.purpose.id, now, expires)
    {
        Ok(id) => id,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", e),
    };
    let token = tokens::issue_consent(
        &app.keys,
        &tokens::ConsentClaims {
            iss: app.issuer.clone(),
            token_use: "consent".into(),
            pid: pid.expose(),
            service: m.id.clone(),
            purpose: m.purpose.id.clone(),
            consent_id: id,
            iat: now.timestamp(),
            exp: expires.timestamp(),
        },
    );
    Json(json!({
        "consent_token": token,
        "consent_id": id,
        "service": m.id,
        "purpose": m.purpose.id,
        "expires_at": expires.to_rfc3339(),
    }))
    .into_response()
}

#[derive(Deserialize)]
struct WithdrawQuery {
    service: String,
}

async fn withdraw_consent(
    State(app): State<AppState>,
    Query(q): Query<WithdrawQuery>,
    headers: HeaderMap,
) -> Response {
    let pid = match citizen(&app, &headers) {
        Ok(p) => p,
        Err(e) => return error(StatusCode::UNAUTHORIZED, "invalid_token", e),
    };
    let Some(m) = app
        .access
        .manifests()
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(&q.service))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "unknown service",
        );
    };
    let now = app.access.now();
    match app
        .access
        .consents()
        .withdraw(&pid, &m.id, &m.purpose.id, now)
    {
        Ok(n) => {
            Json(json!({"withdrawn": n, "service": m.id, "at": now.to_rfc3339()})).into_response()
        }
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", e),
    }
}

async fn openapi_document(State(app): State<AppState>) -> Json<Value> {
    Json(openapi::document(openapi::ROUTES, &app.issuer))
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}
