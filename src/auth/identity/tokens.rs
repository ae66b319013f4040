//! Checking an ID token from Microsoft Entra ID or Google: signed RS256 by a key of the
//! provider's published set, issued by the provider to us (`iss`, `aud`), valid now
//! (`exp`, `nbf`, `iat`), for this sign-in (`nonce`). What it says of the account
//! (tenant, subject, email) is returned for the sign-in to decide on; nothing here reads
//! the database.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::enums::IdentityProviderKind;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

use super::keys::{KeyError, KeySet};
use crate::config::IdentityProvidersConfig;

/// Clock skew allowed between the provider and us, in seconds.
const LEEWAY_SECS: u64 = 60;
/// The longest lifetime (`exp` - `iat`) an ID token may claim. Entra's and Google's last
/// an hour; one claiming more was not issued by them for a sign-in.
const MAX_LIFETIME_SECS: i64 = 24 * 3600;

const ENTRA_ISSUER_PREFIX: &str = "https://login.microsoftonline.com/";
const ENTRA_ISSUER_SUFFIX: &str = "/v2.0";
/// Google's issuer, as stored; Google's tokens may also name it without the scheme.
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";
const GOOGLE_ISSUERS: [&str; 2] = [GOOGLE_ISSUER, "accounts.google.com"];

/// What a valid ID token says of the account that signed in.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedIdentity {
    pub provider: IdentityProviderKind,
    /// The issuer, as stored: for Entra it names the tenant.
    pub issuer: String,
    /// The account's stable id: Entra's `oid` (the same for every application of the
    /// tenant), Google's `sub`.
    pub subject: String,
    /// The Entra tenant id (lower case) or the Google hosted domain (lower case); `None`
    /// for a Google account outside any Workspace (gmail.com), which no school registers.
    pub tenant: Option<String>,
    /// The account's email, lower case, if the token gives one.
    pub email: Option<String>,
    /// Whether the provider vouches for the email (see `email_verified`).
    pub email_verified: bool,
    pub expires_at: DateTime<Utc>,
}

/// Why a token was refused. The client is told only which kind of problem it is; the
/// reason goes to the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The provider is not set up on this server.
    Disabled,
    /// Expired, or not valid yet.
    OutOfTime,
    /// Not a token of the provider for us: its shape, algorithm, key, signature, issuer,
    /// audience or claims (the reason, for the log).
    Invalid(&'static str),
    /// Issued for another sign-in.
    NonceMismatch,
    /// The provider's keys could not be fetched.
    KeysUnavailable,
}

/// One provider's settings and keys.
struct Provider {
    client_id: String,
    keys: KeySet,
}

/// The identity providers set up on this server.
pub struct IdentityProviders {
    entra: Option<Provider>,
    google: Option<Provider>,
}

/// The claims read from an ID token (`exp`, `nbf` and `aud` are checked by
/// `jsonwebtoken`).
#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    iat: i64,
    exp: i64,
    nonce: Option<String>,
    tid: Option<String>,
    oid: Option<String>,
    hd: Option<String>,
    email: Option<String>,
    email_verified: Option<serde_json::Value>,
    xms_edov: Option<serde_json::Value>,
}

/// A claim that is `true`: Google has sent booleans as strings in the past.
fn is_true(claim: Option<&serde_json::Value>) -> bool {
    match claim {
        Some(serde_json::Value::Bool(value)) => *value,
        Some(serde_json::Value::String(value)) => value.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

impl IdentityProviders {
    pub fn new(config: &IdentityProvidersConfig) -> Self {
        let ttl = Duration::from_secs(config.jwks_cache_secs);
        let min_refetch = Duration::from_secs(config.jwks_min_refetch_secs);
        let provider = |client_id: &Option<String>, url: &url::Url| {
            client_id
                .as_ref()
                .filter(|id| !id.trim().is_empty())
                .map(|id| Provider {
                    client_id: id.trim().to_owned(),
                    keys: KeySet::new(url.clone(), ttl, min_refetch),
                })
        };
        Self {
            entra: provider(&config.entra_client_id, &config.entra_jwks_url),
            google: provider(&config.google_client_id, &config.google_jwks_url),
        }
    }

    fn provider(&self, kind: IdentityProviderKind) -> Option<&Provider> {
        match kind {
            IdentityProviderKind::EntraId => self.entra.as_ref(),
            IdentityProviderKind::Google => self.google.as_ref(),
        }
    }

    /// Checks `token` as an ID token of `kind` issued for the sign-in that sent `nonce`.
    pub async fn verify(
        &self,
        kind: IdentityProviderKind,
        token: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, Refusal> {
        let provider = self.provider(kind).ok_or(Refusal::Disabled)?;
        // The header is read before any key is looked up: a token that is not RS256
        // (`none`, HS256 "signed" with a public key) never reaches a key.
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| Refusal::Invalid("unreadable"))?;
        if header.alg != Algorithm::RS256 {
            return Err(Refusal::Invalid("algorithm"));
        }
        let kid = header.kid.ok_or(Refusal::Invalid("no key id"))?;
        let key = provider.keys.key(&kid).await.map_err(|error| match error {
            KeyError::Unknown => Refusal::Invalid("unknown key"),
            KeyError::Unavailable => Refusal::KeysUnavailable,
        })?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        validation.set_audience(&[&provider.client_id]);
        if kind == IdentityProviderKind::Google {
            validation.set_issuer(&GOOGLE_ISSUERS);
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => Refusal::OutOfTime,
                ErrorKind::InvalidSignature => Refusal::Invalid("signature"),
                ErrorKind::InvalidIssuer => Refusal::Invalid("issuer"),
                ErrorKind::InvalidAudience => Refusal::Invalid("audience"),
                ErrorKind::InvalidAlgorithm => Refusal::Invalid("algorithm"),
                _ => Refusal::Invalid("claims"),
            })?
            .claims;
        let now = Utc::now().timestamp();
        let leeway = LEEWAY_SECS as i64;
        if claims.iat > now + leeway {
            return Err(Refusal::OutOfTime);
        }
        if claims.iat > claims.exp || claims.exp - claims.iat > MAX_LIFETIME_SECS {
            return Err(Refusal::Invalid("lifetime"));
        }
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(Refusal::NonceMismatch);
        }
        let expires_at = DateTime::from_timestamp(claims.exp, 0).unwrap_or_default();
        match kind {
            IdentityProviderKind::EntraId => entra(claims, expires_at),
            IdentityProviderKind::Google => google(claims, expires_at),
        }
    }
}

/// An Entra ID token: its issuer names its tenant, and the account is its `oid`. Entra's
/// `email` claim is whatever the tenant's admins typed; it is trusted only with
/// `xms_edov: true` (the email's domain is verified as the tenant's: an optional claim
/// the application registration must ask for).
fn entra(claims: Claims, expires_at: DateTime<Utc>) -> Result<VerifiedIdentity, Refusal> {
    let tenant = claims
        .tid
        .as_deref()
        .and_then(|tid| uuid::Uuid::parse_str(tid).ok())
        .ok_or(Refusal::Invalid("tenant"))?
        .hyphenated()
        .to_string();
    let issuer = format!("{ENTRA_ISSUER_PREFIX}{tenant}{ENTRA_ISSUER_SUFFIX}");
    if !claims.iss.eq_ignore_ascii_case(&issuer) {
        return Err(Refusal::Invalid("issuer"));
    }
    let subject = claims
        .oid
        .filter(|oid| !oid.is_empty() && oid.len() <= 255)
        .ok_or(Refusal::Invalid("no object id"))?;
    let email = claims.email.map(|email| email.trim().to_lowercase());
    Ok(VerifiedIdentity {
        provider: IdentityProviderKind::EntraId,
        issuer,
        subject,
        tenant: Some(tenant),
        email_verified: email.is_some() && is_true(claims.xms_edov.as_ref()),
        email,
        expires_at,
    })
}

/// A Google ID token: the account is its `sub`; a Workspace account names its domain in
/// `hd`; Google says whether it verified the email (`email_verified`).
fn google(claims: Claims, expires_at: DateTime<Utc>) -> Result<VerifiedIdentity, Refusal> {
    if claims.sub.is_empty() || claims.sub.len() > 255 {
        return Err(Refusal::Invalid("subject"));
    }
    let email = claims.email.map(|email| email.trim().to_lowercase());
    Ok(VerifiedIdentity {
        provider: IdentityProviderKind::Google,
        issuer: GOOGLE_ISSUER.to_owned(),
        subject: claims.sub,
        tenant: claims.hd.map(|hd| hd.trim().to_lowercase()),
        email_verified: email.is_some() && is_true(claims.email_verified.as_ref()),
        email,
        expires_at,
    })
}
