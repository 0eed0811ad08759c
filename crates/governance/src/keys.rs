//! The secret keys of one deployment: the log's signing key and the pseudonymisation keys.
//!
//! Why keys live in files beside the data and not in code: a checkpoint signature or a pseudonym
//! is only worth something if the key is secret to the deployment. On first use each key is drawn
//! from the operating system's random source and written with owner-only permissions under
//! `DATA/keys/`; a real deployment points `keys` at a directory mounted from its secret store
//! (see the deployment notes) and backs it up separately from the data.

use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use rand::RngCore;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What can go wrong with the key directory.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A key file could not be read or written.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A key file does not hold 32 bytes.
    #[error("key file {path} is damaged: expected 32 bytes, found {len}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Its length.
        len: usize,
    },
    /// A pseudonymisation domain name is not a plain lower-case word.
    #[error("pseudonymisation domain {0:?} must be lower-case letters, digits and '-'")]
    BadDomain(String),
}

/// The key directory of a deployment.
#[derive(Clone, Debug)]
pub struct KeyRing {
    dir: PathBuf,
}

impl KeyRing {
    /// Opens (creating if needed) the key directory.
    pub fn open(dir: &Path) -> Result<KeyRing, KeyError> {
        fs::create_dir_all(dir).map_err(|source| KeyError::Io {
            path: dir.to_owned(),
            source,
        })?;
        Ok(KeyRing {
            dir: dir.to_owned(),
        })
    }

    /// The key directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The Ed25519 key that signs audit-log checkpoints.
    pub fn signing_key(&self) -> Result<SigningKey, KeyError> {
        let bytes = self.secret("audit-signing.ed25519")?;
        Ok(SigningKey::from_bytes(&bytes))
    }

    /// The HMAC key of one pseudonymisation domain (one per purpose or recipient).
    pub fn pseudonym_key(&self, domain: &str) -> Result<[u8; 32], KeyError> {
        let ok = !domain.is_empty()
            && domain
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return Err(KeyError::BadDomain(domain.to_owned()));
        }
        self.secret(&format!("pseudonym-{domain}.key"))
    }

    /// The HMAC key that signs one kind of token the API issues (`api-access`, `api-citizen`,
    /// `api-consent`): one key per kind, so a token of one kind can never pass as another.
    pub fn token_key(&self, kind: &str) -> Result<[u8; 32], KeyError> {
        let ok = !kind.is_empty()
            && kind
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return Err(KeyError::BadDomain(kind.to_owned()));
        }
        self.secret(&format!("token-{kind}.key"))
    }

    /// A named Ed25519 key of this deployment (e.g. the demo API client's key), created on first
    /// use like every other key.
    pub fn ed25519_key(&self, name: &str) -> Result<SigningKey, KeyError> {
        let ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return Err(KeyError::BadDomain(name.to_owned()));
        }
        Ok(SigningKey::from_bytes(
            &self.secret(&format!("{name}.ed25519"))?,
        ))
    }

    fn secret(&self, name: &str) -> Result<[u8; 32], KeyError> {
        let path = self.dir.join(name);
        let io = |source| KeyError::Io {
            path: path.clone(),
            source,
        };
        match fs::read(&path) {
            Ok(bytes) => <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::Damaged {
                path: path.clone(),
                len: bytes.len(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                OsRng.fill_bytes(&mut key);
                // Write to a temporary file and link it into place: linking fails if the key
                // already exists, so when two processes start at once the one that loses
                // re-reads the winner's key instead of using a key nobody stored.
                let tmp = self.dir.join(format!(".{name}.{}", std::process::id()));
                let mut options = fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                let mut file = options.open(&tmp).map_err(io)?;
                file.write_all(&key).map_err(io)?;
                file.sync_all().map_err(io)?;
                drop(file);
                let linked = fs::hard_link(&tmp, &path);
                let _ = fs::remove_file(&tmp);
                match linked {
                    Ok(()) => Ok(key),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => self.secret(name),
                    Err(e) => Err(io(e)),
                }
            }
            Err(e) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::open(dir.path()).unwrap();
        let a = ring.pseudonym_key("audit").unwrap();
        let b = ring.pseudonym_key("audit").unwrap();
        let c = ring.pseudonym_key("statistikk").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            ring.signing_key().unwrap().to_bytes(),
            ring.signing_key().unwrap().to_bytes()
        );
        assert!(matches!(
            ring.pseudonym_key("../etc"),
            Err(KeyError::BadDomain(_))
        ));
    }

    #[test]
    fn a_damaged_key_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("pseudonym-audit.key"), b"short").unwrap();
        let ring = KeyRing::open(dir.path()).unwrap();
        let err = ring.pseudonym_key("audit").unwrap_err().to_string();
        assert!(err.contains("expected 32 bytes, found 5"), "{err}");
    }
}
