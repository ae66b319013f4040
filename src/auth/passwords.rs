//! Password hashing (argon2id with OWASP's parameters) and the password rules.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::LazyLock;

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

fn hasher() -> Argon2<'static> {
    // OWASP: m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash to verify against when the email is unknown, so that a wrong email costs the
/// same time as a wrong password and timing does not reveal which accounts exist.
static DECOY_HASH: LazyLock<String> = LazyLock::new(|| hash("not a real password, only a decoy"));

/// Hashes with a fresh random salt; CPU-heavy, so callers run it off the async runtime.
pub fn hash(password: &str) -> String {
    hasher()
        .hash_password(password.as_bytes())
        .expect("argon2 hashing of a bounded password succeeds")
        .to_string()
}

/// Checks a password against a stored hash, or against the decoy when there is none.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let stored = stored.unwrap_or(DECOY_HASH.as_str());
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && stored != DECOY_HASH.as_str()
}

/// Why a new password is refused, in words for the person choosing it.
pub fn weakness(password: &str, user_inputs: &[&str]) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!("use at least {MIN_LENGTH} characters"));
    }
    if length > MAX_LENGTH {
        return Some(format!("use at most {MAX_LENGTH} characters"));
    }
    // zxcvbn scores 0 and 1 for passwords found in lists of common passwords, names and
    // words, or guessable from the person's own email and name.
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    (u8::from(estimate.score()) < 2)
        .then(|| "this password is too common or too easy to guess; try a longer phrase".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let first = hash("correct horse battery staple");
        let second = hash("correct horse battery staple");
        assert_ne!(first, second);
        assert!(first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery staple", Some(&first)));
        assert!(!verify("wrong horse battery staple", Some(&first)));
        assert!(!verify("anything", None));
    }

    #[test]
    fn refuses_short_long_and_common_passwords() {
        assert!(weakness("short", &[]).is_some());
        assert!(weakness(&"x".repeat(129), &[]).is_some());
        assert!(weakness("password1", &[]).is_some());
        assert!(weakness("qwertyuiop", &[]).is_some());
        assert!(weakness("janedoejanedoe", &["jane@school.example", "jane", "doe"]).is_some());
        assert!(weakness("mossy-lantern-orbit-42", &[]).is_none());
    }
}
