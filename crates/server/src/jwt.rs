//! Compact JWS (RFC 7515) for the two algorithms the API uses: EdDSA (Ed25519) for client
//! assertions and HS256 for the tokens the server issues itself.
//!
//! Why not a JWT crate: the API needs exactly two fixed algorithms, and writing the check by hand
//! makes the algorithm a parameter of the *verifier*, never of the token, so `alg: none` and
//! algorithm-confusion tricks cannot arise; it also keeps the build free of a second crypto stack.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

/// Why a token was not accepted (the message is safe to show to the caller).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Not three base64url parts.
    #[error("not a compact JWT (header.payload.signature)")]
    Malformed,
    /// The header names another algorithm than the verifier requires.
    #[error("algorithm {found:?} is not accepted here; expected {expected}")]
    Algorithm {
        /// Found in the header.
        found: String,
        /// Required.
        expected: &'static str,
    },
    /// The signature does not verify.
    #[error("signature does not verify")]
    Signature,
}

/// Base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding.
pub fn unb64(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

fn encode(alg: &str, claims: &impl Serialize) -> String {
    let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
    // Claims are plain structs of strings and numbers; serialising cannot fail.
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    format!("{}.{}", b64(header.as_bytes()), b64(&payload))
}

/// The parts of a compact token: signing input, decoded payload, decoded signature.
pub struct Parts<'a> {
    /// `header.payload` as sent (what was signed).
    pub signing_input: &'a str,
    /// The header's `alg`.
    pub alg: String,
    /// The decoded payload (JSON).
    pub payload: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

/// Splits and decodes a compact token without checking anything else.
pub fn parts(token: &str) -> Result<Parts<'_>, JwtError> {
    let mut it = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(JwtError::Malformed);
    };
    let header = unb64(h).ok_or(JwtError::Malformed)?;
    #[derive(serde::Deserialize)]
    struct Header {
        alg: String,
    }
    let header: Header = serde_json::from_slice(&header).map_err(|_| JwtError::Malformed)?;
    Ok(Parts {
        signing_input: &token[..h.len() + 1 + p.len()],
        alg: header.alg,
        payload: unb64(p).ok_or(JwtError::Malformed)?,
        signature: unb64(s).ok_or(JwtError::Malformed)?,
    })
}

/// Signs claims with HMAC-SHA256.
pub fn sign_hs256(key: &[u8; 32], claims: &impl Serialize) -> String {
    let input = encode("HS256", claims);
    let sig = hmac(key, input.as_bytes()).finalize().into_bytes();
    format!("{input}.{}", b64(&sig))
}

fn hmac(key: &[u8; 32], data: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac
}

/// Verifies an HS256 token; returns its payload.
pub fn verify_hs256(key: &[u8; 32], token: &str) -> Result<Vec<u8>, JwtError> {
    let p = parts(token)?;
    if p.alg != "HS256" {
        return Err(JwtError::Algorithm {
            found: p.alg,
            expected: "HS256",
        });
    }
    hmac(key, p.signing_input.as_bytes())
        .verify_slice(&p.signature)
        .map_err(|_| JwtError::Signature)?;
    Ok(p.payload)
}

/// Signs claims with Ed25519 (`alg: EdDSA`, RFC 8037).
pub fn sign_eddsa(key: &SigningKey, claims: &impl Serialize) -> String {
    let input = encode("EdDSA", claims);
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&sig.to_bytes()))
}

/// Verifies the Ed25519 signature of already split parts.
pub fn verify_eddsa(key: &VerifyingKey, p: &Parts<'_>) -> Result<(), JwtError> {
    if p.alg != "EdDSA" {
        return Err(JwtError::Algorithm {
            found: p.alg.clone(),
            expected: "EdDSA",
        });
    }
    let sig = Signature::from_slice(&p.signature).map_err(|_| JwtError::Signature)?;
    key.verify_strict(p.signing_input.as_bytes(), &sig)
        .map_err(|_| JwtError::Signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_tampering_is_caught() {
        let key = [7u8; 32];
        let t = sign_hs256(&key, &serde_json::json!({"a": 1}));
        assert_eq!(verify_hs256(&key, &t).unwrap(), br#"{"a":1}"#);
        assert_eq!(verify_hs256(&[8u8; 32], &t), Err(JwtError::Signature));
        let sk = SigningKey::from_bytes(&[9u8; 32]);
        let e = sign_eddsa(&sk, &serde_json::json!({"b": 2}));
        assert!(verify_eddsa(&sk.verifying_key(), &parts(&e).unwrap()).is_ok());
        // An EdDSA token is not an HS256 token, whatever its signature.
        assert!(matches!(
            verify_hs256(&key, &e),
            Err(JwtError::Algorithm { .. })
        ));
        let mut forged = e.clone();
        forged.replace_range(forged.len() - 4.., "AAAA");
        assert!(verify_eddsa(&sk.verifying_key(), &parts(&forged).unwrap()).is_err());
        assert_eq!(parts("a.b").err(), Some(JwtError::Malformed));
    }
}
