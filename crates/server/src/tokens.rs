//! The tokens of the API: client assertions checked as Maskinporten checks them (JWT-bearer grant,
//! RFC 7523), and the access, citizen and consent tokens the server issues.
//!
//! Each issued kind is signed with its own key (`DATA/keys/token-api-*.key`) and carries its
//! kind in `token_use`, so a citizen token can never be used as an access token or the reverse.

use crate::clients::{service_of_scope, Client, Clients};
use crate::jwt::{self, JwtError};
use chrono::{DateTime, Utc};
use governance::keys::{KeyError, KeyRing};
use governance::Manifests;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The grant type of RFC 7523.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// Longest assertion lifetime Maskinporten accepts (`exp − iat`), seconds.
pub const MAX_ASSERTION_LIFETIME: i64 = 120;
/// Allowed clock difference for `iat`, seconds.
pub const CLOCK_SKEW: i64 = 10;
/// Lifetime of an access token, seconds (Maskinporten's default is 120).
pub const ACCESS_TOKEN_LIFETIME: i64 = 120;
/// Lifetime of a citizen token, seconds.
pub const CITIZEN_TOKEN_LIFETIME: i64 = 3600;
/// The `acr` of the stand-in login (ID-porten's substantial level).
pub const ACR: &str = "idporten-loa-substantial";
/// File of the API's own state (the replay cache) in the data directory.
pub const API_FILE: &str = "api.sqlite";

/// The claims of a client assertion. Unknown claims are refused, as Maskinporten does.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssertionClaims {
    /// The server's issuer URL.
    pub aud: String,
    /// The client id.
    pub iss: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires (Unix seconds); at most 120 s after `iat`.
    pub exp: i64,
    /// Unique id; a second use is refused.
    pub jti: String,
    /// Space-separated scopes.
    pub scope: String,
}

/// The claims of an access token.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessClaims {
    /// The server.
    pub iss: String,
    /// Always `access`.
    pub token_use: String,
    /// The client.
    pub client_id: String,
    /// The consumer's organisation number.
    pub consumer: String,
    /// Granted scopes, space-separated.
    pub scope: String,
    /// Issued at.
    pub iat: i64,
    /// Expires.
    pub exp: i64,
}

/// The claims of a citizen token (OIDC-shaped, standing in for an ID-porten ID token).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitizenClaims {
    /// The server.
    pub iss: String,
    /// Always `citizen`.
    pub token_use: String,
    /// The person's identity number.
    pub pid: String,
    /// Authentication level.
    pub acr: String,
    /// How the person logged in (`TESTID`: the local test login).
    pub amr: Vec<String>,
    /// Issued at.
    pub iat: i64,
    /// Expires.
    pub exp: i64,
}

/// The claims of a consent token (standing in for an Altinn consent token).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentClaims {
    /// The server.
    pub iss: String,
    /// Always `consent`.
    pub token_use: String,
    /// The person who consented.
    pub pid: String,
    /// Service.
    pub service: String,
    /// Purpose.
    pub purpose: String,
    /// The consent record.
    pub consent_id: i64,
    /// Issued at.
    pub iat: i64,
    /// Expires (the consent's expiry).
    pub exp: i64,
}

/// Why an assertion or token was refused. The text is what the caller sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The assertion is not acceptable (400 `invalid_grant`, "invalid assertion").
    #[error("invalid assertion: {0}")]
    InvalidAssertion(String),
    /// A scope the client may not have (400 `invalid_scope`).
    #[error("scope {0:?} is not allowed for this client")]
    InvalidScope(String),
    /// An issued token that is not valid (401).
    #[error("invalid token: {0}")]
    InvalidToken(String),
    /// The replay cache failed.
    #[error("replay cache: {0}")]
    Storage(String),
}

impl From<JwtError> for TokenError {
    fn from(e: JwtError) -> Self {
        TokenError::InvalidToken(e.to_string())
    }
}

/// The keys the server signs its tokens with.
#[derive(Clone)]
pub struct TokenKeys {
    access: [u8; 32],
    citizen: [u8; 32],
    consent: [u8; 32],
}

impl TokenKeys {
    /// Reads (creating on first use) the token keys of a deployment.
    pub fn open(keys: &KeyRing) -> Result<TokenKeys, KeyError> {
        Ok(TokenKeys {
            access: keys.token_key("api-access")?,
            citizen: keys.token_key("api-citizen")?,
            consent: keys.token_key("api-consent")?,
        })
    }
}

/// The `jti`s already used, persisted so a restart does not reopen the replay window.
pub struct ReplayCache {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl ReplayCache {
    /// Opens (creating) the cache in `DATA/api.sqlite`.
    pub fn open(data: &Path) -> Result<ReplayCache, TokenError> {
        let path = data.join(API_FILE);
        let err = |e: rusqlite::Error| TokenError::Storage(format!("{}: {e}", path.display()));
        let conn = Connection::open(&path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS used_jti(
                client_id TEXT NOT NULL,
                jti TEXT NOT NULL,
                exp INTEGER NOT NULL,
                PRIMARY KEY(client_id, jti)
            ) WITHOUT ROWID;",
        )
        .map_err(err)?;
        Ok(ReplayCache {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// Records a `jti`; `false` if it was seen before. Entries past their expiry (plus the
    /// clock skew) are pruned: an assertion that old is refused for its `exp` anyway.
    pub fn first_use(
        &self,
        client_id: &str,
        jti: &str,
        exp: i64,
        now: i64,
    ) -> Result<bool, TokenError> {
        let err = |e: rusqlite::Error| TokenError::Storage(format!("{}: {e}", self.path.display()));
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        conn.execute(
            "DELETE FROM used_jti WHERE exp < ?1",
            [now - CLOCK_SKEW - 1],
        )
        .map_err(err)?;
        let inserted = conn
            .execute(
                "INSERT OR IGNORE INTO used_jti(client_id, jti, exp) VALUES (?1, ?2, ?3)",
                params![client_id, jti, exp],
            )
            .map_err(err)?;
        Ok(inserted == 1)
    }
}

/// Checks a client assertion; returns the client and the granted scopes.
///
/// The order follows Maskinporten: the shape and claims first (unknown claims refused), then the
/// client and its signature, then audience, times, replay, and scopes last.
pub fn check_assertion<'c>(
    assertion: &str,
    clients: &'c Clients,
    manifests: &Manifests,
    issuer: &str,
    replay: &ReplayCache,
    now: DateTime<Utc>,
) -> Result<(&'c Client, Vec<String>), TokenError> {
    let bad = |m: String| TokenError::InvalidAssertion(m);
    let parts = jwt::parts(assertion).map_err(|e| bad(e.to_string()))?;
    let claims: AssertionClaims =
        serde_json::from_slice(&parts.payload).map_err(|e| bad(format!("claims: {e}")))?;
    let client = clients
        .get(&claims.iss)
        .ok_or_else(|| bad(format!("unknown client {:?} (iss)", claims.iss)))?;
    jwt::verify_eddsa(&client.key, &parts).map_err(|e| bad(e.to_string()))?;
    if claims.aud != issuer {
        return Err(bad(format!(
            "aud {:?} is not this server's issuer {issuer:?}",
            claims.aud
        )));
    }
    let now = now.timestamp();
    if (claims.iat - now).abs() > CLOCK_SKEW {
        return Err(bad(format!(
            "iat is {} s from the server's clock; at most {CLOCK_SKEW} s is accepted",
            claims.iat - now
        )));
    }
    if claims.exp - claims.iat > MAX_ASSERTION_LIFETIME {
        return Err(bad(format!(
            "exp − iat is {} s; at most {MAX_ASSERTION_LIFETIME} s is accepted",
            claims.exp - claims.iat
        )));
    }
    if claims.exp <= now {
        return Err(bad("the assertion has expired (exp)".into()));
    }
    if claims.jti.trim().is_empty() {
        return Err(bad("jti is empty".into()));
    }
    let scopes: Vec<String> = claims.scope.split_whitespace().map(str::to_owned).collect();
    if scopes.is_empty() {
        return Err(TokenError::InvalidScope(String::new()));
    }
    for s in &scopes {
        if !client.scopes.contains(s) || service_of_scope(manifests, s).is_none() {
            return Err(TokenError::InvalidScope(s.clone()));
        }
    }
    // Last, so a refused assertion does not use up its jti.
    if !replay.first_use(&client.client_id, &claims.jti, claims.exp, now)? {
        return Err(bad(format!(
            "jti {:?} was already used: a grant cannot be reused",
            claims.jti
        )));
    }
    Ok((client, scopes))
}

/// Issues an access token.
pub fn issue_access(
    keys: &TokenKeys,
    issuer: &str,
    client: &Client,
    scopes: &[String],
    now: DateTime<Utc>,
) -> String {
    let iat = now.timestamp();
    jwt::sign_hs256(
        &keys.access,
        &AccessClaims {
            iss: issuer.to_owned(),
            token_use: "access".into(),
            client_id: client.client_id.clone(),
            consumer: client.orgnr.clone(),
            scope: scopes.join(" "),
            iat,
            exp: iat + ACCESS_TOKEN_LIFETIME,
        },
    )
}

fn verify<T: for<'de> Deserialize<'de>>(
    key: &[u8; 32],
    token: &str,
    kind: &str,
    issuer: &str,
    now: DateTime<Utc>,
    times: impl Fn(&T) -> (&str, &str, i64, i64),
) -> Result<T, TokenError> {
    let payload = jwt::verify_hs256(key, token)?;
    let claims: T = serde_json::from_slice(&payload)
        .map_err(|e| TokenError::InvalidToken(format!("claims: {e}")))?;
    let (iss, token_use, iat, exp) = times(&claims);
    if token_use != kind {
        return Err(TokenError::InvalidToken(format!(
            "a {token_use} token is not a {kind} token"
        )));
    }
    if iss != issuer {
        return Err(TokenError::InvalidToken(format!(
            "issued by {iss:?}, not {issuer:?}"
        )));
    }
    let now = now.timestamp();
    if exp <= now {
        return Err(TokenError::InvalidToken("expired".into()));
    }
    if iat > now + CLOCK_SKEW {
        return Err(TokenError::InvalidToken("issued in the future".into()));
    }
    Ok(claims)
}

/// Verifies an access token.
pub fn verify_access(
    keys: &TokenKeys,
    token: &str,
    issuer: &str,
    now: DateTime<Utc>,
) -> Result<AccessClaims, TokenError> {
    verify(
        &keys.access,
        token,
        "access",
        issuer,
        now,
        |c: &AccessClaims| (&c.iss, &c.token_use, c.iat, c.exp),
    )
}

/// Issues a citizen token for the local test login.
pub fn issue_citizen(keys: &TokenKeys, issuer: &str, pid: &str, now: DateTime<Utc>) -> String {
    let iat = now.timestamp();
    jwt::sign_hs256(
        &keys.citizen,
        &CitizenClaims {
            iss: issuer.to_owned(),
            token_use: "citizen".into(),
            pid: pid.to_owned(),
            acr: ACR.into(),
            amr: vec!["TESTID".into()],
            iat,
            exp: iat + CITIZEN_TOKEN_LIFETIME,
        },
    )
}

/// Verifies a citizen token.
pub fn verify_citizen(
    keys: &TokenKeys,
    token: &str,
    issuer: &str,
    now: DateTime<Utc>,
) -> Result<CitizenClaims, TokenError> {
    verify(
        &keys.citizen,
        token,
        "citizen",
        issuer,
        now,
        |c: &CitizenClaims| (&c.iss, &c.token_use, c.iat, c.exp),
    )
}

/// Issues a consent token.
pub fn issue_consent(keys: &TokenKeys, claims: &ConsentClaims) -> String {
    jwt::sign_hs256(&keys.consent, claims)
}

/// Verifies a consent token.
pub fn verify_consent(
    keys: &TokenKeys,
    token: &str,
    issuer: &str,
    now: DateTime<Utc>,
) -> Result<ConsentClaims, TokenError> {
    verify(
        &keys.consent,
        token,
        "consent",
        issuer,
        now,
        |c: &ConsentClaims| (&c.iss, &c.token_use, c.iat, c.exp),
    )
}

/// A fresh assertion for a client whose key lies in `DATA/keys/` (the demo clients): what a
/// client's own software would send. Used by `mulighetsrom serve --assertion` and the benchmark.
pub fn demo_assertion(
    keys: &KeyRing,
    client_id: &str,
    issuer: &str,
    scope: &str,
    now: DateTime<Utc>,
) -> Result<String, KeyError> {
    let key = keys.ed25519_key(&crate::clients::demo_key_name(client_id))?;
    let mut jti = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut jti);
    let iat = now.timestamp();
    Ok(jwt::sign_eddsa(
        &key,
        &AssertionClaims {
            aud: issuer.to_owned(),
            iss: client_id.to_owned(),
            iat,
            exp: iat + MAX_ASSERTION_LIFETIME,
            jti: jwt::b64(&jti),
            scope: scope.to_owned(),
        },
    ))
}
