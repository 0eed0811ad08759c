//! The route table and the OpenAPI 3.1 document built from it.
//!
//! Why a table and not annotations: the router is built from the same table (see
//! [`crate::router`]), so the document cannot list a route the server does not serve or miss one
//! it does; a test checks both directions.

use serde_json::{json, Map, Value};

/// One route of the API.
#[derive(Clone, Copy, Debug)]
pub struct RouteSpec {
    /// HTTP method, lower case.
    pub method: &'static str,
    /// Path in OpenAPI (and axum 0.8) syntax.
    pub path: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Longer description.
    pub description: &'static str,
    /// Security scheme (`client`, `citizen`) or `""` for none.
    pub security: &'static str,
    /// Parameters: (name, in, required, description).
    pub params: &'static [(&'static str, &'static str, bool, &'static str)],
    /// Request body media type and a short schema description, if any.
    pub body: Option<(&'static str, &'static str)>,
    /// Responses: (status, description).
    pub responses: &'static [(u16, &'static str)],
}

/// Every route the server serves.
pub const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: "post",
        path: "/token",
        summary: "Access token by JWT-bearer grant (RFC 7523, Maskinporten-style)",
        description: "A registered client sends an assertion signed with its Ed25519 key (alg EdDSA): aud = this server's issuer, iss = client_id, iat within ±10 s, exp − iat ≤ 120 s, a jti never used before, scope = space-separated `mulighetsrom:sN` scopes the client is registered for. Unknown claims are refused. Returns a 120-second access token.",
        security: "",
        params: &[],
        body: Some(("application/x-www-form-urlencoded", "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT")),
        responses: &[(200, "access token"), (400, "invalid_grant (invalid assertion) or invalid_scope")],
    },
    RouteSpec {
        method: "get",
        path: "/registers/{register}/personer/{id}",
        summary: "Look up one person in a register, minimised by `part`",
        description: "Registers: folkeregisteret (parts person-basis, innvandringsbakgrunn, familierelasjon, bostedsadresse; default person-basis), inntekt (skatteoppgjoer, a-ordningen), barnehage (opptak), aa-registeret (arbeidsforhold), helse (mammografi, kreftdiagnoser, levevaner; part required). The read goes through the access layer under the service of the token's scope: a part the service's manifest does not declare is refused (403) and logged. Consent-based services also need a Consent-Token header. Returns the delivered rows only, in the export's columns.",
        security: "client",
        params: &[
            ("register", "path", true, "folkeregisteret, inntekt, barnehage, aa-registeret or helse"),
            ("id", "path", true, "identity number (11 digits)"),
            ("part", "query", false, "comma-separated data parts"),
            ("tjeneste", "query", false, "service id (S1 …) when the token has several service scopes"),
            ("Consent-Token", "header", false, "consent token for consent-based services (from POST /consent)"),
        ],
        body: None,
        responses: &[(200, "the delivered rows"), (400, "bad identity number or missing part"), (401, "no valid access token"), (403, "refused by the access layer (undeclared part, no consent)"), (404, "unknown register or person")],
    },
    RouteSpec {
        method: "post",
        path: "/citizen/login",
        summary: "LOCAL TEST LOGIN standing in for ID-porten",
        description: "Returns an OIDC-shaped citizen token with the `pid` claim and acr idporten-loa-substantial for the synthetic person named in the body. Test deployments only: it authenticates nobody.",
        security: "",
        params: &[],
        body: Some(("application/json", "{\"pid\": \"11-digit synthetic identity number\"}")),
        responses: &[(200, "citizen token"), (400, "not an identity number")],
    },
    RouteSpec {
        method: "get",
        path: "/citizen/innsyn",
        summary: "The citizen's own insight report (GDPR art. 15)",
        description: "The same report as `mulighetsrom innsyn` (governance::insight): data held about the logged-in person in each register (read through the access layer under the INNSYN manifest), the decisions about them with explanations, decision receipts, and every access to their data from the audit log with date, controller, purpose, legal basis, elements and outcome, each with an inclusion proof against the latest signed checkpoint. Only the token's own `pid`: naming another person is refused and logged.",
        security: "citizen",
        params: &[("person", "query", false, "must equal the token's pid if given")],
        body: None,
        responses: &[(200, "insight report"), (401, "no valid citizen token"), (403, "another person's data")],
    },
    RouteSpec {
        method: "post",
        path: "/consent",
        summary: "Give consent to a consent-based service (stand-in for Altinn)",
        description: "Records a consent for the logged-in citizen and returns a consent token (JWT) for the service's clients to present. The access layer's consent store stays the source of truth: a withdrawal takes effect on the next read even while the token is unexpired.",
        security: "citizen",
        params: &[],
        body: Some(("application/json", "{\"service\": \"S5\", \"days\": 365}")),
        responses: &[(200, "consent token"), (400, "the service is not consent-based"), (401, "no valid citizen token")],
    },
    RouteSpec {
        method: "delete",
        path: "/consent",
        summary: "Withdraw consent",
        description: "Withdraws every open consent of the logged-in citizen for the service, effective immediately.",
        security: "citizen",
        params: &[("service", "query", true, "service id, e.g. S5")],
        body: None,
        responses: &[(200, "number of consents withdrawn"), (401, "no valid citizen token")],
    },
    RouteSpec {
        method: "get",
        path: "/openapi.json",
        summary: "This document",
        description: "OpenAPI 3.1, generated from the server's route table.",
        security: "",
        params: &[],
        body: None,
        responses: &[(200, "OpenAPI 3.1 document")],
    },
    RouteSpec {
        method: "get",
        path: "/health",
        summary: "Liveness",
        description: "Always 200 while the server runs.",
        security: "",
        params: &[],
        body: None,
        responses: &[(200, "ok")],
    },
];

/// The OpenAPI 3.1 document for the routes, with `issuer` as the server URL.
pub fn document(routes: &[RouteSpec], issuer: &str) -> Value {
    let mut paths = Map::new();
    for r in routes {
        let mut op = Map::new();
        op.insert("summary".into(), r.summary.into());
        op.insert("description".into(), r.description.into());
        op.insert(
            "operationId".into(),
            format!("{}{}", r.method, r.path.replace(['/', '{', '}', '.'], "_")).into(),
        );
        if !r.security.is_empty() {
            op.insert("security".into(), json!([{ r.security: [] }]));
        }
        if !r.params.is_empty() {
            let params: Vec<Value> = r
                .params
                .iter()
                .map(|(name, place, required, d)| {
                    json!({"name": name, "in": place, "required": required,
                           "description": d, "schema": {"type": "string"}})
                })
                .collect();
            op.insert("parameters".into(), params.into());
        }
        if let Some((media, d)) = r.body {
            op.insert(
                "requestBody".into(),
                json!({"required": true, "description": d,
                       "content": { media: {"schema": {"type": if media.ends_with("json") { "object" } else { "string" }}}}}),
            );
        }
        let mut responses = Map::new();
        for (code, d) in r.responses {
            responses.insert(
                code.to_string(),
                json!({"description": d, "content": {"application/json": {"schema": {}}}}),
            );
        }
        op.insert("responses".into(), responses.into());
        let entry = paths
            .entry(r.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(r.method.to_owned(), Value::Object(op));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Mulighetsrom data-sharing API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Register look-ups for registered organisations (Maskinporten-style JWT-bearer grant), consent, and citizen insight. Every register read goes through the access layer and the audit log. Synthetic data only.",
        },
        "servers": [{"url": issuer}],
        "paths": paths,
        "components": {"securitySchemes": {
            "client": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                       "description": "access token from POST /token"},
            "citizen": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                        "description": "citizen token from POST /citizen/login (stand-in for ID-porten)"},
        }},
    })
}
