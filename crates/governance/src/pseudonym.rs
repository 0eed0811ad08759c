//! Keyed pseudonyms of identity numbers.
//!
//! Why HMAC and not a hash: there are only a few hundred valid fødselsnummer per birth date, so an
//! unkeyed hash of one can be reversed by trying them all in seconds. `HMAC-SHA256(key, id)` with a
//! secret key per *pseudonymisation domain* (EDPB Guidelines 01/2025; one key per purpose or
//! recipient) cannot be reversed without the key, and pseudonyms from two domains cannot be linked
//! to each other. Pseudonymised data remain personal data; they are what the audit log's leaves
//! hold so that the log itself never contains an identity number.

use crate::audit::merkle::{hex, Hash};
use hmac::{Hmac, Mac};
use identity::NationalId;
use sha2::Sha256;

/// A keyed pseudonym: 32 bytes of HMAC-SHA256.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pseudonym(pub Hash);

impl Pseudonym {
    /// Lower-case hex, as written in log entries.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// The first eight bytes as a signed integer: the key of the per-subject index.
    pub fn index_key(&self) -> i64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.0[..8]);
        i64::from_be_bytes(b)
    }
}

impl std::fmt::Debug for Pseudonym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pseudonym({}…)", &self.to_hex()[..12])
    }
}

/// Computes pseudonyms for one domain.
#[derive(Clone)]
pub struct Pseudonymiser {
    domain: String,
    mac: Hmac<Sha256>,
}

impl Pseudonymiser {
    /// A pseudonymiser for `domain` with its secret key.
    pub fn new(domain: &str, key: &[u8; 32]) -> Pseudonymiser {
        Pseudonymiser {
            domain: domain.to_owned(),
            // HMAC accepts keys of any length; 32 bytes cannot fail.
            mac: <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length"),
        }
    }

    /// The domain name.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The pseudonym of an identity number.
    pub fn of(&self, id: &NationalId) -> Pseudonym {
        let mut mac = self.mac.clone();
        mac.update(id.expose().as_bytes());
        Pseudonym(mac.finalize().into_bytes().into())
    }
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pseudonymiser")
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_keyed_and_unlinkable_across_domains() {
        let id = NationalId::parse("31129956715").unwrap();
        let audit = Pseudonymiser::new("audit", &[1; 32]);
        let stats = Pseudonymiser::new("statistikk", &[2; 32]);
        assert_eq!(audit.of(&id), audit.of(&id));
        assert_ne!(audit.of(&id), stats.of(&id));
        // RFC 4231-style check that this is HMAC, not a bare hash: a different key changes it.
        assert_ne!(audit.of(&id), Pseudonymiser::new("audit", &[3; 32]).of(&id));
        assert!(!audit.of(&id).to_hex().contains("31129956715"));
    }

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        // Key "Jefe", data "what do ya want for nothing?" (RFC 4231 § 4.3).
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
