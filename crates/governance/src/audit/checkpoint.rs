//! Signed checkpoints in the C2SP `tlog-checkpoint` format.
//!
//! A checkpoint is a signed note (C2SP `signed-note`): the text `origin\nsize\nbase64(root)\n`,
//! a blank line, and one signature line `— <key name> base64(key id ‖ signature)`. The key id of
//! an Ed25519 key is the first four bytes of `SHA-256(key name ‖ "\n" ‖ 0x01 ‖ public key)`.
//! Why this format: witnesses and monitors of transparency logs already read it, so a third party
//! can co-sign our checkpoints and detect a split view (different logs shown to different people)
//! without any code of ours.

use super::merkle::Hash;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// A checkpoint: the log's origin, size and root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line (a schema-less URL naming the log).
    pub origin: String,
    /// Number of entries.
    pub size: u64,
    /// Merkle tree hash of those entries.
    pub root: Hash,
}

/// Why a checkpoint note was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The note does not have the checkpoint's shape.
    #[error("malformed checkpoint: {0}")]
    Malformed(&'static str),
    /// No signature line by the expected key.
    #[error("no signature by key {0:?}")]
    NoSignature(String),
    /// The signature does not verify.
    #[error("the signature by {0:?} does not verify")]
    BadSignature(String),
}

impl Checkpoint {
    /// The note body that is signed.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        )
    }

    /// The signed note.
    pub fn sign(&self, key_name: &str, key: &SigningKey) -> String {
        let body = self.body();
        let signature = key.sign(body.as_bytes());
        let mut blob = key_id(key_name, &key.verifying_key()).to_vec();
        blob.extend_from_slice(&signature.to_bytes());
        format!("{body}\n\u{2014} {key_name} {}\n", B64.encode(blob))
    }

    /// Parses a signed note and checks the signature of `key_name` with `key`.
    pub fn verify(
        note: &str,
        key_name: &str,
        key: &VerifyingKey,
    ) -> Result<Checkpoint, CheckpointError> {
        let (body, signatures) = note.split_once("\n\n").ok_or(CheckpointError::Malformed(
            "no blank line before the signatures",
        ))?;
        let body = format!("{body}\n");
        let mut lines = body.lines();
        let origin = lines
            .next()
            .filter(|l| !l.is_empty())
            .ok_or(CheckpointError::Malformed("no origin line"))?;
        let size = lines
            .next()
            .and_then(|l| l.parse::<u64>().ok())
            .ok_or(CheckpointError::Malformed("the size line is not a number"))?;
        let root: Hash = lines
            .next()
            .and_then(|l| B64.decode(l).ok())
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::Malformed(
                "the root line is not 32 bytes of base64",
            ))?;
        let want_id = key_id(key_name, key);
        let mut found = false;
        for line in signatures.lines() {
            let Some(rest) = line.strip_prefix("\u{2014} ") else {
                return Err(CheckpointError::Malformed(
                    "a signature line does not start with '— '",
                ));
            };
            let Some((name, sig)) = rest.split_once(' ') else {
                return Err(CheckpointError::Malformed(
                    "a signature line has no signature",
                ));
            };
            if name != key_name {
                continue;
            }
            let blob = B64
                .decode(sig)
                .map_err(|_| CheckpointError::Malformed("a signature is not base64"))?;
            if blob.len() != 4 + 64 || blob[..4] != want_id {
                continue;
            }
            found = true;
            let signature = Signature::from_slice(&blob[4..])
                .map_err(|_| CheckpointError::BadSignature(key_name.to_owned()))?;
            key.verify(body.as_bytes(), &signature)
                .map_err(|_| CheckpointError::BadSignature(key_name.to_owned()))?;
        }
        if !found {
            return Err(CheckpointError::NoSignature(key_name.to_owned()));
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
        })
    }
}

/// The C2SP key id of an Ed25519 key.
pub fn key_id(key_name: &str, key: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(key_name.as_bytes());
    h.update(b"\n");
    h.update([0x01]);
    h.update(key.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// The public key in the C2SP verifier-key form `name+keyid+base64(0x01 ‖ key)`.
pub fn verifier_key(key_name: &str, key: &VerifyingKey) -> String {
    let mut blob = vec![0x01];
    blob.extend_from_slice(key.as_bytes());
    let id = key_id(key_name, key);
    format!(
        "{key_name}+{:02x}{:02x}{:02x}{:02x}+{}",
        id[0],
        id[1],
        id[2],
        id[3],
        B64.encode(blob)
    )
}

/// Parses a verifier key `name+keyid+base64(0x01 ‖ key)`.
pub fn parse_verifier_key(text: &str) -> Option<(String, VerifyingKey)> {
    // Key names may not contain '+' (C2SP signed-note); base64 may, so split from the left.
    let mut parts = text.trim().splitn(3, '+');
    let name = parts.next()?;
    let _id = parts.next()?;
    let key = parts.next()?;
    let blob = B64.decode(key).ok()?;
    if blob.len() != 33 || blob[0] != 0x01 {
        return None;
    }
    let bytes: [u8; 32] = blob[1..].try_into().ok()?;
    let vk = VerifyingKey::from_bytes(&bytes).ok()?;
    Some((name.to_owned(), vk))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_checkpoint_verifies_and_any_change_is_caught() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let cp = Checkpoint {
            origin: "mulighetsrom.local/audit/test".into(),
            size: 42,
            root: [9; 32],
        };
        let note = cp.sign("mulighetsrom.local/audit/test", &key);
        assert!(note.starts_with("mulighetsrom.local/audit/test\n42\n"));
        let back = Checkpoint::verify(&note, "mulighetsrom.local/audit/test", &key.verifying_key())
            .unwrap();
        assert_eq!(back, cp);
        let tampered = note.replace("\n42\n", "\n43\n");
        assert_eq!(
            Checkpoint::verify(
                &tampered,
                "mulighetsrom.local/audit/test",
                &key.verifying_key()
            ),
            Err(CheckpointError::BadSignature(
                "mulighetsrom.local/audit/test".into()
            ))
        );
        let other = SigningKey::from_bytes(&[8; 32]);
        assert!(Checkpoint::verify(
            &note,
            "mulighetsrom.local/audit/test",
            &other.verifying_key()
        )
        .is_err());
        let vkey = verifier_key("mulighetsrom.local/audit/test", &key.verifying_key());
        let (name, parsed) = parse_verifier_key(&vkey).unwrap();
        assert_eq!(name, "mulighetsrom.local/audit/test");
        assert_eq!(parsed, key.verifying_key());
    }
}
