//! Client ids and secrets. A secret is 256 random bits: SHA-256 of it is all that is
//! stored (a slow password hash adds nothing against a secret nobody could guess), and a
//! presented secret is compared with the stored hashes in constant time.

use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::auth::tokens::{digest, new_secret_token};

/// Prefixes that make the kind of a leaked value recognisable to secret scanners, as
/// GitHub's and Stripe's are.
const CLIENT_ID_PREFIX: &str = "trellis_sa_";
const SECRET_PREFIX: &str = "trellis_secret_";

pub fn new_client_id() -> String {
    format!("{CLIENT_ID_PREFIX}{}", &new_secret_token()[..22])
}

/// A new secret, and the hash that is stored of it.
pub fn new_secret() -> (SecretString, String) {
    let secret = format!("{SECRET_PREFIX}{}", new_secret_token());
    let hash = digest(&secret);
    (secret.into(), hash)
}

/// Whether `presented` is the secret whose hash is `stored`, in time that does not
/// depend on where they differ.
pub fn matches(presented: &SecretString, stored: &str) -> bool {
    let hash = digest(presented.expose_secret());
    hash.as_bytes().ct_eq(stored.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_matches_its_hash_only() {
        let (secret, hash) = new_secret();
        let (other, _) = new_secret();
        assert!(matches(&secret, &hash));
        assert!(!matches(&other, &hash));
        assert!(secret.expose_secret().starts_with(SECRET_PREFIX));
        assert!(secret.expose_secret().len() > 50);
        assert_ne!(new_client_id(), new_client_id());
    }
}
