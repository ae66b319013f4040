//! An identity provider's signing keys (its JWKS), fetched over HTTPS and kept for a
//! while. A token naming a key not yet known fetches the set again (providers rotate
//! their keys), at most once per `min_refetch`, so that tokens with made-up key ids cannot
//! make Trellis hammer the provider.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse};
use serde::Deserialize;

/// The largest key set read: providers publish a few keys, a few kilobytes.
const MAX_JWKS_BYTES: usize = 256 * 1024;
/// How long a fetch may take before it counts as failed.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Why no key was found for a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// The provider's set has no such key (the token was not signed by the provider).
    Unknown,
    /// The set could not be fetched, and none is held.
    Unavailable,
}

#[derive(Default)]
struct Held {
    keys: HashMap<String, Arc<DecodingKey>>,
    fetched_at: Option<Instant>,
    attempted_at: Option<Instant>,
}

pub struct KeySet {
    url: url::Url,
    client: reqwest::Client,
    ttl: Duration,
    min_refetch: Duration,
    /// Held across a fetch, so that requests arriving meanwhile wait for its result
    /// instead of fetching too.
    held: tokio::sync::Mutex<Held>,
}

impl KeySet {
    pub fn new(url: url::Url, ttl: Duration, min_refetch: Duration) -> Self {
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            // A redirect could lead from HTTPS to an address the setting did not name.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client with rustls");
        Self {
            url,
            client,
            ttl,
            min_refetch,
            held: Default::default(),
        }
    }

    /// The RSA signing key `kid`. Keys past their time are still used while the provider
    /// cannot be reached: a provider's outage should not sign everyone out.
    pub async fn key(&self, kid: &str) -> Result<Arc<DecodingKey>, KeyError> {
        let mut held = self.held.lock().await;
        let fresh = held.fetched_at.is_some_and(|at| at.elapsed() < self.ttl);
        if fresh && let Some(key) = held.keys.get(kid) {
            return Ok(key.clone());
        }
        let may_fetch = held
            .attempted_at
            .is_none_or(|at| at.elapsed() >= self.min_refetch);
        if may_fetch {
            held.attempted_at = Some(Instant::now());
            match self.fetch().await {
                Ok(keys) => {
                    held.keys = keys;
                    held.fetched_at = Some(Instant::now());
                }
                Err(error) => {
                    tracing::warn!(url = %self.url, %error, "could not fetch an identity provider's keys");
                }
            }
        }
        match held.keys.get(kid) {
            Some(key) => Ok(key.clone()),
            None if held.fetched_at.is_none() => Err(KeyError::Unavailable),
            None => Err(KeyError::Unknown),
        }
    }

    async fn fetch(&self) -> anyhow::Result<HashMap<String, Arc<DecodingKey>>> {
        let mut response = self
            .client
            .get(self.url.clone())
            .send()
            .await?
            .error_for_status()?;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                anyhow::bail!("the key set is larger than {MAX_JWKS_BYTES} bytes");
            }
            body.extend_from_slice(&chunk);
        }
        Ok(signing_keys(&body)?)
    }
}

/// A key set as published: each key read on its own, so that one key of a kind this
/// crate does not know does not hide the others.
#[derive(Deserialize)]
struct Published {
    keys: Vec<serde_json::Value>,
}

/// The RS256 signing keys of a published set, by key id. Keys of other kinds (HMAC
/// secrets, elliptic curves, encryption keys) and keys without an id are left out: ID
/// tokens are accepted only as RS256.
fn signing_keys(body: &[u8]) -> serde_json::Result<HashMap<String, Arc<DecodingKey>>> {
    let published: Published = serde_json::from_slice(body)?;
    Ok(published
        .keys
        .into_iter()
        .filter_map(|key| serde_json::from_value::<Jwk>(key).ok())
        .filter(|jwk| matches!(jwk.algorithm, AlgorithmParameters::RSA(_)))
        .filter(|jwk| {
            jwk.common
                .key_algorithm
                .is_none_or(|alg| alg == KeyAlgorithm::RS256)
        })
        .filter(|jwk| {
            jwk.common
                .public_key_use
                .as_ref()
                .is_none_or(|usage| *usage == PublicKeyUse::Signature)
        })
        .filter_map(|jwk| {
            let kid = jwk.common.key_id.clone()?;
            let key = DecodingKey::from_jwk(&jwk).ok()?;
            Some((kid, Arc::new(key)))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rsa_signing_keys_with_an_id_are_kept() {
        let body = serde_json::json!({ "keys": [
            { "kty": "RSA", "kid": "rsa", "use": "sig", "alg": "RS256", "n": "sXch", "e": "AQAB" },
            { "kty": "RSA", "kid": "bare", "n": "sXch", "e": "AQAB" },
            { "kty": "RSA", "kid": "enc", "use": "enc", "n": "sXch", "e": "AQAB" },
            { "kty": "RSA", "kid": "ps", "alg": "PS256", "n": "sXch", "e": "AQAB" },
            { "kty": "RSA", "n": "sXch", "e": "AQAB" },
            { "kty": "oct", "kid": "secret", "k": "c2VjcmV0" },
            { "kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA" },
            { "kty": "something new", "kid": "new" }
        ]});
        let keys = signing_keys(body.to_string().as_bytes()).unwrap();
        let mut kids: Vec<&str> = keys.keys().map(String::as_str).collect();
        kids.sort_unstable();
        assert_eq!(kids, ["bare", "rsa"]);
    }
}
