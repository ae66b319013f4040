//! `POST /oauth/token`: the OAuth 2.0 client-credentials grant (RFC 6749, 4.4) for
//! service accounts. The client authenticates with HTTP Basic (its id and secret each
//! form-urlencoded, 2.3.1) or with `client_id` and `client_secret` in the body, never both;
//! an optional `scope` asks for fewer scopes than the account holds. Answers and errors
//! are JSON as sections 5.1 and 5.2 lay them out, never cached. Requests count against
//! their client address's allowance of anonymous requests (429 with `Retry-After`).

use std::borrow::Cow;
use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use entity::service_account;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use secrecy::SecretString;
use serde_json::json;

use super::AppState;
use crate::auth::Principal;
use crate::auth::scopes::Scopes;
use crate::auth::tokens::ServiceAccountSubject;
use crate::service_accounts::held_scopes;
use crate::service_accounts::secrets::matches;

/// Longest body taken: a token request is a few short parameters.
const MAX_BODY_BYTES: usize = 4096;
const FORM: &str = "application/x-www-form-urlencoded";
const GRANT_TYPE: &str = "client_credentials";

/// An error response of section 5.2.
struct OAuthError {
    error: &'static str,
    description: &'static str,
}

const fn error(error: &'static str, description: &'static str) -> OAuthError {
    OAuthError { error, description }
}

const BAD_CLIENT: OAuthError = error(
    "invalid_client",
    "client authentication failed: unknown or revoked client, or wrong secret",
);

impl OAuthError {
    fn respond(self) -> HttpResponse {
        let invalid_client = self.error == BAD_CLIENT.error;
        let status = if invalid_client {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        let mut response = no_store(HttpResponse::build(status));
        if invalid_client {
            // A 401 names the scheme to authenticate with (RFC 9110, 11.6.1), which section
            // 5.2 requires where the client used Basic.
            response.insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="trellis""#));
        }
        response.json(json!({ "error": self.error, "error_description": self.description }))
    }
}

fn no_store(mut builder: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    builder
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    builder
}

/// The client's id and secret, however it sent them.
struct Credentials {
    client_id: String,
    secret: SecretString,
}

/// Decodes one form-urlencoded component (`+` is a space).
fn form_decoded(part: &str) -> Option<String> {
    percent_encoding::percent_decode_str(&part.replace('+', " "))
        .decode_utf8()
        .ok()
        .map(Cow::into_owned)
}

/// Reads HTTP Basic credentials (RFC 7617), their parts form-urlencoded (RFC 6749, 2.3.1).
fn basic(value: &str) -> Result<Credentials, OAuthError> {
    let (scheme, encoded) = value.split_once(' ').ok_or(BAD_CLIENT)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(BAD_CLIENT);
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| BAD_CLIENT)?;
    let text = String::from_utf8(decoded).map_err(|_| BAD_CLIENT)?;
    let (id, secret) = text.split_once(':').ok_or(BAD_CLIENT)?;
    Ok(Credentials {
        client_id: form_decoded(id).ok_or(BAD_CLIENT)?,
        secret: form_decoded(secret).ok_or(BAD_CLIENT)?.into(),
    })
}

/// The body's parameters; each may be given once only (section 3.2).
fn parameters(req: &HttpRequest, body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    if !super::media_type(req.headers()).eq_ignore_ascii_case(FORM) {
        return Err(error(
            "invalid_request",
            "send the parameters as application/x-www-form-urlencoded",
        ));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(error("invalid_request", "the request body is too large"));
    }
    let mut parameters = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        if parameters
            .insert(name.into_owned(), value.into_owned())
            .is_some()
        {
            return Err(error(
                "invalid_request",
                "a parameter is given more than once",
            ));
        }
    }
    Ok(parameters)
}

/// The client's credentials: by Basic or by the body's fields, not both.
fn credentials(
    req: &HttpRequest,
    parameters: &mut HashMap<String, String>,
) -> Result<Credentials, OAuthError> {
    let form_id = parameters.remove("client_id");
    let form_secret = parameters.remove("client_secret");
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().map_err(|_| BAD_CLIENT));
    match (authorization, form_id, form_secret) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(error(
            "invalid_request",
            "authenticate the client one way only: HTTP Basic or client_id and client_secret",
        )),
        (Some(header), None, None) => basic(header?),
        (None, Some(client_id), Some(secret)) => Ok(Credentials {
            client_id,
            secret: secret.into(),
        }),
        (None, Some(_), None) | (None, None, Some(_)) => Err(error(
            "invalid_request",
            "give both client_id and client_secret",
        )),
        (None, None, None) => Err(BAD_CLIENT),
    }
}

/// The account the credentials are good for: a client id that is not revoked, with its
/// current secret or, within its grace period, the previous one.
async fn authenticated(
    state: &AppState,
    credentials: &Credentials,
) -> Result<Option<service_account::Model>, sea_orm::DbErr> {
    let Some(account) = service_account::Entity::find()
        .filter(service_account::Column::ClientId.eq(credentials.client_id.as_str()))
        .filter(service_account::Column::RevokedAt.is_null())
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let current = matches(&credentials.secret, &account.secret_hash);
    let previous = account
        .previous_secret_hash
        .as_deref()
        .zip(account.previous_secret_expires_at)
        .is_some_and(|(hash, until)| until > Utc::now() && matches(&credentials.secret, hash));
    Ok((current || previous).then_some(account))
}

/// The scopes asked for: all the account holds when none are named; `invalid_scope` for
/// a malformed list or one naming a scope not held.
fn granted(asked: Option<&str>, held: Scopes) -> Result<Scopes, OAuthError> {
    let Some(asked) = asked else {
        return Ok(held);
    };
    Scopes::from_oauth(asked)
        .filter(|scopes| !scopes.is_empty() && scopes.is_subset_of(held))
        .ok_or(error(
            "invalid_scope",
            "the scope is malformed, or names a scope the service account does not hold",
        ))
}

pub async fn token(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> HttpResponse {
    // Token requests come without a token: they count against their client address's
    // allowance, as anonymous requests to `/graphql` do.
    let ip = state.trusted_proxies.client_ip(&req);
    if let Err(refused) = state
        .request_limiter
        .request(&Principal::Anonymous, &ip)
        .await
    {
        return no_store(HttpResponse::TooManyRequests())
            .insert_header((header::RETRY_AFTER, refused.retry_after_secs))
            .json(json!({
                "error": "temporarily_unavailable",
                "error_description": format!(
                    "too many requests from this address; try again in {} seconds",
                    refused.retry_after_secs
                ),
            }));
    }
    match issue(&req, &body, &state).await {
        Ok(response) => response,
        Err(Refusal::OAuth(error)) => error.respond(),
        Err(Refusal::Database(db_error)) => {
            let unavailable = crate::db::is_unreachable(&db_error);
            if !unavailable {
                tracing::error!(error = ?db_error, "token request failed");
            }
            let status = if unavailable {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            no_store(HttpResponse::build(status)).json(json!({
                "error": if unavailable { "temporarily_unavailable" } else { "server_error" },
                "error_description": "the token could not be issued now; try again",
            }))
        }
    }
}

enum Refusal {
    OAuth(OAuthError),
    Database(sea_orm::DbErr),
}

impl From<OAuthError> for Refusal {
    fn from(error: OAuthError) -> Self {
        Self::OAuth(error)
    }
}

async fn issue(req: &HttpRequest, body: &[u8], state: &AppState) -> Result<HttpResponse, Refusal> {
    let mut parameters = parameters(req, body)?;
    match parameters.get("grant_type").map(String::as_str) {
        None => {
            return Err(error("invalid_request", "grant_type is missing").into());
        }
        Some(GRANT_TYPE) => {}
        Some(_) => {
            return Err(error(
                "unsupported_grant_type",
                "only the client_credentials grant is supported",
            )
            .into());
        }
    }
    let credentials = credentials(req, &mut parameters)?;
    let Some(account) = authenticated(state, &credentials)
        .await
        .map_err(Refusal::Database)?
    else {
        // Nothing the client sent is logged: a client that swapped its id and secret
        // would otherwise put the secret in the log.
        tracing::warn!("service account authentication failed");
        return Err(BAD_CLIENT.into());
    };
    let scopes = granted(
        parameters.get("scope").map(String::as_str),
        held_scopes(&account),
    )?;
    let (access_token, expires_in) =
        state
            .services
            .keys
            .issue_service_account(ServiceAccountSubject {
                service_account_id: account.id,
                scopes,
            });
    tracing::info!(service_account = account.id, scope = %scopes.to_oauth(), "service account token issued");
    Ok(no_store(HttpResponse::Ok()).json(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": expires_in,
        "scope": scopes.to_oauth(),
    })))
}

/// Any other method on `/oauth/token`.
pub async fn other_method() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "POST"))
        .json(json!({ "error": "invalid_request", "error_description": "send token requests by POST" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        let encoded = STANDARD.encode("my%20client:p%3Ass+word");
        let credentials = basic(&format!("Basic {encoded}")).ok().unwrap();
        assert_eq!(credentials.client_id, "my client");
        use secrecy::ExposeSecret;
        assert_eq!(credentials.secret.expose_secret(), "p:ss word");
        assert!(basic("Bearer abc").is_err());
        assert!(basic("Basic !!!").is_err());
        assert!(basic(&format!("Basic {}", STANDARD.encode("no-colon"))).is_err());
    }

    #[test]
    fn scope_narrows_only() {
        let held = Scopes::from_oauth("schools:read people:read").unwrap();
        assert_eq!(granted(None, held).ok(), Some(held));
        assert_eq!(
            granted(Some("people:read"), held).ok(),
            Scopes::from_oauth("people:read")
        );
        assert!(granted(Some("people:write"), held).is_err());
        assert!(granted(Some("nonsense"), held).is_err());
        assert!(granted(Some(""), held).is_err());
    }
}
