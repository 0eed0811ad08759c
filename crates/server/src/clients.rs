//! Registered API clients (`governance/clients.toml`): who may ask for tokens, with which key and
//! for which scopes.

use crate::jwt;
use ed25519_dalek::VerifyingKey;
use governance::keys::KeyRing;
use governance::Manifests;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The client file shipped with the platform (embedded so the binary works from any directory).
pub const BUILTIN_CLIENTS: &str = include_str!("../../../governance/clients.toml");

/// The prefix of the API's scopes: `mulighetsrom:s1` names service S1.
pub const SCOPE_PREFIX: &str = "mulighetsrom:";

/// Why the client registry could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Not valid TOML for the registry.
    #[error("clients file {source_name}: {message}")]
    Syntax {
        /// File name.
        source_name: String,
        /// Parser message (names line and field).
        message: String,
    },
    /// A client entry is wrong.
    #[error("clients file {source_name}: client {client_id:?}: {problem}")]
    Invalid {
        /// File name.
        source_name: String,
        /// The client.
        client_id: String,
        /// What is wrong.
        problem: String,
    },
    /// A demo key could not be created or read.
    #[error(transparent)]
    Keys(#[from] governance::keys::KeyError),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    client: Vec<ClientEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientEntry {
    client_id: String,
    orgnr: String,
    name: String,
    scopes: Vec<String>,
    #[serde(default)]
    public_key: Option<String>,
    #[serde(default)]
    demo_key: bool,
}

/// One registered client.
#[derive(Clone, Debug)]
pub struct Client {
    /// The client id (`iss` of its assertions).
    pub client_id: String,
    /// The organisation number of the consumer.
    pub orgnr: String,
    /// Name.
    pub name: String,
    /// Scopes it may be granted.
    pub scopes: Vec<String>,
    /// The key its assertions must be signed with.
    pub key: VerifyingKey,
    /// Whether the key pair was generated in the data directory (demo clients).
    pub demo: bool,
}

/// Every registered client, by id.
#[derive(Clone, Debug, Default)]
pub struct Clients {
    by_id: BTreeMap<String, Client>,
}

/// The service id a scope names (`mulighetsrom:s5` → `S5`), if it names a known manifest.
pub fn service_of_scope<'m>(manifests: &'m Manifests, scope: &str) -> Option<&'m str> {
    let id = scope.strip_prefix(SCOPE_PREFIX)?;
    manifests
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(id))
        .map(|m| m.id.as_str())
}

/// The scope of a service (`S5` → `mulighetsrom:s5`).
pub fn scope_of_service(service: &str) -> String {
    format!("{SCOPE_PREFIX}{}", service.to_ascii_lowercase())
}

impl Clients {
    /// Parses a registry; demo keys are created under `keys` on first use.
    pub fn parse(
        source_name: &str,
        text: &str,
        manifests: &Manifests,
        keys: &KeyRing,
    ) -> Result<Clients, ClientError> {
        let file: File = toml::from_str(text).map_err(|e| ClientError::Syntax {
            source_name: source_name.to_owned(),
            message: e.to_string(),
        })?;
        let mut by_id = BTreeMap::new();
        for c in file.client {
            let invalid = |problem: String| ClientError::Invalid {
                source_name: source_name.to_owned(),
                client_id: c.client_id.clone(),
                problem,
            };
            identity::OrgNumber::parse(&c.orgnr)
                .map_err(|e| invalid(format!("orgnr {}: {e}", c.orgnr)))?;
            for s in &c.scopes {
                if service_of_scope(manifests, s).is_none() {
                    return Err(invalid(format!(
                        "scope {s:?} names no service manifest (expected {SCOPE_PREFIX}s1 …)"
                    )));
                }
            }
            let key = match (&c.public_key, c.demo_key) {
                (Some(k), false) => {
                    let bytes = jwt::unb64(k)
                        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                        .ok_or_else(|| invalid("public_key is not 32 bytes of base64url".into()))?;
                    VerifyingKey::from_bytes(&bytes)
                        .map_err(|e| invalid(format!("public_key: {e}")))?
                }
                (None, true) => keys
                    .ed25519_key(&demo_key_name(&c.client_id))?
                    .verifying_key(),
                _ => {
                    return Err(invalid(
                        "give exactly one of public_key and demo_key = true".into(),
                    ))
                }
            };
            let client = Client {
                client_id: c.client_id.clone(),
                orgnr: c.orgnr,
                name: c.name,
                scopes: c.scopes,
                key,
                demo: c.demo_key,
            };
            by_id.insert(c.client_id, client);
        }
        Ok(Clients { by_id })
    }

    /// Loads a registry file, or the built-in one when `path` is `None`.
    pub fn load(
        path: Option<&Path>,
        manifests: &Manifests,
        keys: &KeyRing,
    ) -> Result<Clients, ClientError> {
        match path {
            None => Clients::parse("governance/clients.toml", BUILTIN_CLIENTS, manifests, keys),
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| ClientError::Syntax {
                    source_name: p.display().to_string(),
                    message: e.to_string(),
                })?;
                Clients::parse(&p.display().to_string(), &text, manifests, keys)
            }
        }
    }

    /// Adds or replaces a client (tests register their own keys this way).
    pub fn insert(&mut self, client: Client) {
        self.by_id.insert(client.client_id.clone(), client);
    }

    /// A client by id.
    pub fn get(&self, client_id: &str) -> Option<&Client> {
        self.by_id.get(client_id)
    }

    /// Every client.
    pub fn iter(&self) -> impl Iterator<Item = &Client> {
        self.by_id.values()
    }
}

/// The key name of a demo client's key pair in `DATA/keys/` (`client-<id>.ed25519`).
pub fn demo_key_name(client_id: &str) -> String {
    format!("client-{}", client_id.to_ascii_lowercase())
}
