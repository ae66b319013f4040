//! Access tokens (short-lived JWTs) and opaque secret tokens (refresh, invitation).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::scopes::Scopes;
use crate::config::{ACCESS_TOKEN_TTL, SERVICE_ACCOUNT_TOKEN_TTL};

const ISSUER: &str = "trellis";
const AUDIENCE: &str = "trellis-api";
/// The one algorithm accepted; a token naming any other is refused.
const ALGORITHM: Algorithm = Algorithm::HS256;
/// Value of the `typ` claim of access tokens, so that no other token passes as one.
const ACCESS_TYPE: &str = "access";
/// Value of the `typ` claim of service accounts' access tokens. Their `sub` also differs
/// (`service-account:<id>`, never a number), so neither kind passes as the other.
const SERVICE_ACCOUNT_TYPE: &str = "service_account";
const SERVICE_ACCOUNT_SUBJECT: &str = "service-account:";

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// Person id.
    pub sub: String,
    /// Sign-in (refresh token family) the token belongs to, so signing out ends it.
    pub sid: String,
    pub typ: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// The claims of a service account's access token.
#[derive(Debug, Serialize, Deserialize)]
struct ServiceAccountClaims {
    iss: String,
    aud: String,
    /// `service-account:<id>`.
    sub: String,
    /// The scopes granted to this token, OAuth names separated by spaces.
    scope: String,
    typ: String,
    iat: i64,
    nbf: i64,
    exp: i64,
}

/// Who a service account's access token speaks for, and the scopes it was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceAccountSubject {
    pub service_account_id: i32,
    pub scopes: Scopes,
}

/// Signs and checks access tokens with one secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

/// Who an access token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSubject {
    pub person_id: i32,
    pub session_family: String,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Issues an access token; returns it with its expiry time (seconds since the epoch).
    pub fn issue(&self, subject: &TokenSubject) -> (String, i64) {
        let now = Utc::now().timestamp();
        let exp = now + ACCESS_TOKEN_TTL.as_secs() as i64;
        let claims = AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: subject.person_id.to_string(),
            sid: subject.session_family.clone(),
            typ: ACCESS_TYPE.into(),
            iat: now,
            nbf: now,
            exp,
        };
        let token = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)
            .expect("HMAC signing cannot fail");
        (token, exp)
    }

    /// Checks signature, algorithm, issuer, audience, times and type.
    pub fn verify(&self, token: &str) -> Option<TokenSubject> {
        let data =
            jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation).ok()?;
        let claims = data.claims;
        if claims.typ != ACCESS_TYPE {
            return None;
        }
        Some(TokenSubject {
            person_id: claims.sub.parse().ok()?,
            session_family: claims.sid,
        })
    }
}

impl TokenKeys {
    /// Issues a service account's access token; returns it with its lifetime in seconds.
    pub fn issue_service_account(&self, subject: ServiceAccountSubject) -> (String, u64) {
        let now = Utc::now().timestamp();
        let ttl = SERVICE_ACCOUNT_TOKEN_TTL.as_secs();
        let claims = ServiceAccountClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: format!("{SERVICE_ACCOUNT_SUBJECT}{}", subject.service_account_id),
            scope: subject.scopes.to_oauth(),
            typ: SERVICE_ACCOUNT_TYPE.into(),
            iat: now,
            nbf: now,
            exp: now + ttl as i64,
        };
        let token = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)
            .expect("HMAC signing cannot fail");
        (token, ttl)
    }

    /// Checks a service account's access token as `verify` checks a person's.
    pub fn verify_service_account(&self, token: &str) -> Option<ServiceAccountSubject> {
        let data =
            jsonwebtoken::decode::<ServiceAccountClaims>(token, &self.decoding, &self.validation)
                .ok()?;
        let claims = data.claims;
        if claims.typ != SERVICE_ACCOUNT_TYPE {
            return None;
        }
        Some(ServiceAccountSubject {
            service_account_id: claims
                .sub
                .strip_prefix(SERVICE_ACCOUNT_SUBJECT)?
                .parse()
                .ok()?,
            scopes: Scopes::from_oauth(&claims.scope)?,
        })
    }
}

/// A new unguessable token (256 random bits), for refresh and invitation tokens.
pub fn new_secret_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a secret token: its SHA-256, hex. A leaked table reveals no token.
pub fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> TokenSubject {
        TokenSubject {
            person_id: 7,
            session_family: "family".into(),
        }
    }

    #[test]
    fn round_trips() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let (token, _) = keys.issue(&subject());
        assert_eq!(keys.verify(&token), Some(subject()));
    }

    #[test]
    fn refuses_other_secret_type_and_algorithm() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let other = TokenKeys::new(b"another secret of thirty-two bytes!");
        let (token, _) = other.issue(&subject());
        assert_eq!(keys.verify(&token), None);

        let now = Utc::now().timestamp();
        let mut claims = AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: "7".into(),
            sid: "family".into(),
            typ: "refresh".into(),
            iat: now,
            nbf: now,
            exp: now + 60,
        };
        let secret = EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef");
        let wrong_type = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &secret).unwrap();
        assert_eq!(keys.verify(&wrong_type), None);

        claims.typ = ACCESS_TYPE.into();
        let wrong_alg =
            jsonwebtoken::encode(&Header::new(Algorithm::HS512), &claims, &secret).unwrap();
        assert_eq!(keys.verify(&wrong_alg), None);

        claims.nbf = now + 3600;
        let not_yet = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &secret).unwrap();
        assert_eq!(keys.verify(&not_yet), None);

        claims.nbf = now - 7200;
        claims.exp = now - 3600;
        let expired = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &secret).unwrap();
        assert_eq!(keys.verify(&expired), None);
    }

    #[test]
    fn service_account_and_person_tokens_are_never_confused() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let service = ServiceAccountSubject {
            service_account_id: 7,
            scopes: Scopes::from_oauth("people:read").unwrap(),
        };
        let (token, ttl) = keys.issue_service_account(service);
        assert_eq!(ttl, SERVICE_ACCOUNT_TOKEN_TTL.as_secs());
        assert_eq!(keys.verify_service_account(&token), Some(service));
        assert_eq!(keys.verify(&token), None);
        let (person, _) = keys.issue(&subject());
        assert_eq!(keys.verify_service_account(&person), None);
    }

    #[test]
    fn digests_are_stable_hex() {
        assert_eq!(digest("abc").len(), 64);
        assert_eq!(digest("abc"), digest("abc"));
        assert_ne!(new_secret_token(), new_secret_token());
    }
}
