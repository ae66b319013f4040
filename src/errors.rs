//! The API's one error type, and the typed `userErrors` of mutation payloads.
//!
//! Top-level errors always carry `extensions.code`. Internal errors are logged whole, inside
//! the request's span (which carries the request id), and reach the client only as
//! "internal error" plus that request id.

use async_graphql::{Enum, ErrorExtensions, SimpleObject};
use sea_orm::DbErr;

/// Codes of top-level errors (API.md).
pub mod code {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const CONFLICT: &str = "CONFLICT";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
    /// An automatic persisted query's hash the server does not hold: the client sends the
    /// query's text with it (Apollo's and urql's code and message).
    pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    pub const TIMEOUT: &str = "TIMEOUT";
    pub const UNAVAILABLE: &str = "UNAVAILABLE";
    pub const INTERNAL: &str = "INTERNAL";
    /// A delta sync from this `updatedSince` cannot be answered: take a full copy again.
    pub const RESYNC_REQUIRED: &str = "RESYNC_REQUIRED";

    /// The code a client is told, for a code an error was given; `None` for a code this
    /// API does not use, which is then treated as if none was given.
    pub fn known(code: &str) -> Option<&'static str> {
        [
            UNAUTHENTICATED,
            FORBIDDEN,
            NOT_FOUND,
            BAD_USER_INPUT,
            CONFLICT,
            RATE_LIMITED,
            QUERY_TOO_COMPLEX,
            PERSISTED_QUERY_NOT_FOUND,
            METHOD_NOT_ALLOWED,
            TIMEOUT,
            UNAVAILABLE,
            INTERNAL,
            RESYNC_REQUIRED,
        ]
        .into_iter()
        .find(|known| *known == code)
    }
}

/// A top-level error with a code, for a request refused before it runs.
pub fn refusal(code: &str, message: String) -> async_graphql::ServerError {
    let mut error = async_graphql::ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// Deliberately not `Display`: async-graphql converts any `Display` error into a
/// top-level error without a code, so this type converts only through the `From` below.
#[derive(Debug)]
pub enum ApiError {
    Unauthenticated,
    NotFound,
    Forbidden(&'static str),
    BadUserInput(String),
    RateLimited {
        retry_after_secs: u64,
    },
    /// The database cannot be reached now (down, restarting, every connection busy): the
    /// same request may succeed when sent again.
    Unavailable,
    /// Another service this request needs (such as an identity provider) cannot be
    /// reached now; the same request may succeed when sent again.
    DependencyUnavailable(&'static str),
    /// A delta from the client's `updatedSince` cannot be answered (see `sync`).
    ResyncRequired(&'static str),
    Internal(anyhow::Error),
}

/// How long a client is told to wait before sending again a request that found the
/// database unavailable: about as long as a database restart or failover takes.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// What the client reads. Internal errors say nothing of their cause.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated => "sign in to do this".into(),
            Self::NotFound => "not found".into(),
            Self::Forbidden(reason) => (*reason).into(),
            Self::BadUserInput(reason) => reason.clone(),
            Self::RateLimited { retry_after_secs } => {
                format!("too many attempts; try again in {retry_after_secs} seconds")
            }
            Self::Unavailable => format!(
                "the database is unavailable; try again in {UNAVAILABLE_RETRY_AFTER_SECS} seconds"
            ),
            Self::DependencyUnavailable(what) => {
                format!(
                    "{what} is unavailable; try again in {UNAVAILABLE_RETRY_AFTER_SECS} seconds"
                )
            }
            Self::ResyncRequired(reason) => (*reason).into(),
            Self::Internal(_) => "internal error".into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => code::UNAUTHENTICATED,
            Self::NotFound => code::NOT_FOUND,
            Self::Forbidden(_) => code::FORBIDDEN,
            Self::BadUserInput(_) => code::BAD_USER_INPUT,
            Self::RateLimited { .. } => code::RATE_LIMITED,
            Self::Unavailable | Self::DependencyUnavailable(_) => code::UNAVAILABLE,
            Self::ResyncRequired(_) => code::RESYNC_REQUIRED,
            Self::Internal(_) => code::INTERNAL,
        }
    }

    /// Seconds after which the same request may succeed, for errors that say so.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            Self::Unavailable | Self::DependencyUnavailable(_) => {
                Some(UNAVAILABLE_RETRY_AFTER_SECS)
            }
            _ => None,
        }
    }

    #[track_caller]
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        let error = error.into();
        let location = std::panic::Location::caller();
        tracing::error!(error = ?error, %location, "internal error");
        Self::Internal(error)
    }
}

/// A database error is `Unavailable` when the database could not be reached (see
/// [`crate::db::is_unreachable`]), and internal otherwise.
impl From<DbErr> for ApiError {
    #[track_caller]
    fn from(error: DbErr) -> Self {
        if crate::db::is_unreachable(&error) {
            tracing::warn!(%error, "database unavailable");
            Self::Unavailable
        } else {
            Self::internal(error)
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        let code = error.code();
        let retry_after = error.retry_after_secs();
        async_graphql::Error::new(error.message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(seconds) = retry_after {
                ext.set("retryAfter", seconds);
            }
        })
    }
}

/// Gives a database error that reached a response as it was (a resolver's `?` on a
/// `DbErr` rather than through `ApiError`) the code it would have had through `ApiError`
/// when the database was unreachable. Other errors without a code are left for the HTTP
/// layer, which masks them as internal.
pub fn code_unreachable_database(error: &mut async_graphql::ServerError) {
    let coded = error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some());
    if !coded
        && error
            .source::<DbErr>()
            .is_some_and(crate::db::is_unreachable)
    {
        tracing::warn!(message = %error.message, "database unavailable");
        let unavailable = async_graphql::Error::from(ApiError::Unavailable);
        error.message = unavailable.message;
        error.extensions = unavailable.extensions;
    }
}

/// What kind of problem a `UserError` reports, for clients to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum UserErrorCode {
    /// The value is malformed, out of range or too long.
    Invalid,
    /// No such object, or not one the caller may see.
    NotFound,
    /// The value must be unique and is already used.
    Taken,
    /// The object is not in a state that allows this.
    InvalidState,
    /// Someone else changed the object first; reload and try again.
    Conflict,
    /// The email or password is wrong, or the token is not valid.
    InvalidCredentials,
    /// The password is too short, too long or too common.
    WeakPassword,
    /// Sharing beyond the school needs a school leader's approval first.
    NeedsApproval,
    /// The text seems to identify a pupil (a unique pupil number or a date of birth).
    IdentifiesPupil,
    /// The text states a grade or an overall judgement (such as "Grade 2" or Ofsted's
    /// "requires improvement"): observations are developmental and record none.
    GradesNotRecorded,
    /// The person named is not someone of the platform the caller can reach.
    NotOnPlatform,
    /// The identity provider's token is not valid here: not signed by the provider, not
    /// issued to this service or for this sign-in, expired, or already used. Sign in with
    /// the provider again.
    IdentityTokenInvalid,
    /// The token is valid, but signs no one in here: no school registered the account's
    /// organisation, or no staff member there is known by that account or its verified
    /// email.
    IdentityNotAccepted,
}

/// A problem the user can fix, reported in a mutation payload. Nothing was changed.
#[derive(Debug, Clone, SimpleObject)]
pub struct UserError {
    /// Path to the input field at fault, such as `["input", "urn"]`; empty when no one field is.
    pub field: Vec<String>,
    /// What kind of problem it is, for the client to act on.
    pub code: UserErrorCode,
    /// The problem in plain English, such as "must be at most 200 characters"; fit to show
    /// the user, but its wording may change: branch on `code`.
    pub message: String,
}

impl UserError {
    pub fn new(field: &str, code: UserErrorCode, message: impl Into<String>) -> Self {
        let field = if field.is_empty() {
            Vec::new()
        } else {
            std::iter::once("input")
                .chain(field.split('.'))
                .map(str::to_owned)
                .collect()
        };
        Self {
            field,
            code,
            message: message.into(),
        }
    }

    pub fn not_found(field: &str) -> Self {
        Self::new(field, UserErrorCode::NotFound, "no such object")
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(field, UserErrorCode::Invalid, message)
    }

    pub fn invalid_state(field: &str, message: impl Into<String>) -> Self {
        Self::new(field, UserErrorCode::InvalidState, message)
    }

    /// A step the object's status does not allow: "the `what` is `status`, so this cannot
    /// be done", the status as its name in lower case.
    pub fn wrong_state(field: &str, what: &str, status: impl std::fmt::Debug) -> Self {
        Self::invalid_state(
            field,
            format!(
                "the {what} is {}, so this cannot be done",
                format!("{status:?}").to_lowercase()
            ),
        )
    }

    pub fn conflict() -> Self {
        Self::new(
            "expectedVersion",
            UserErrorCode::Conflict,
            "someone else changed this first; reload it and try again",
        )
    }
}

/// Why a mutation did not happen: something the user can fix (reported in the payload's
/// `userErrors`), or a top-level error (not signed in, not allowed, internal).
#[derive(Debug)]
pub enum MutationError {
    User(Vec<UserError>),
    Api(ApiError),
}

pub type MutationResult<T> = Result<T, MutationError>;

impl From<UserError> for MutationError {
    fn from(error: UserError) -> Self {
        Self::User(vec![error])
    }
}

impl From<ApiError> for MutationError {
    fn from(error: ApiError) -> Self {
        Self::Api(error)
    }
}

impl From<DbErr> for MutationError {
    #[track_caller]
    fn from(error: DbErr) -> Self {
        Self::Api(ApiError::from(error))
    }
}

/// Turns a unique-key violation into a `Taken` user error on `field`; other database
/// errors convert as any other does.
pub fn on_unique(
    field: &'static str,
    message: &'static str,
) -> impl FnOnce(DbErr) -> MutationError {
    move |error| match error.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            UserError::new(field, UserErrorCode::Taken, message).into()
        }
        _ => MutationError::from(error),
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{Pos, ServerError};
    use sea_orm::ConnAcquireErr;

    use super::*;

    /// A database error as a resolver's `?` would leave it: no code, the `DbErr` kept as
    /// its source.
    fn uncoded(error: DbErr) -> ServerError {
        async_graphql::Error::from(error).into_server_error(Pos::default())
    }

    fn code_of(error: &ServerError) -> Option<String> {
        let value = error.extensions.as_ref()?.get("code")?;
        Some(value.to_string().trim_matches('"').to_owned())
    }

    #[test]
    fn an_unreachable_database_gets_its_code_however_the_error_came() {
        let mut error = uncoded(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        code_unreachable_database(&mut error);
        assert_eq!(code_of(&error).as_deref(), Some(code::UNAVAILABLE));
        assert!(error.message.contains("try again"), "{}", error.message);

        let mut error = uncoded(DbErr::Custom("a statement failed".into()));
        code_unreachable_database(&mut error);
        assert_eq!(code_of(&error), None, "left for the HTTP layer to mask");
    }

    #[test]
    fn an_unreachable_database_is_unavailable_through_api_error() {
        let error = ApiError::from(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert_eq!(error.code(), code::UNAVAILABLE);
        assert_eq!(error.retry_after_secs(), Some(UNAVAILABLE_RETRY_AFTER_SECS));
        let error = MutationError::from(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert!(matches!(error, MutationError::Api(ApiError::Unavailable)));
        let error = ApiError::from(DbErr::Custom("a statement failed".into()));
        assert_eq!(error.code(), code::INTERNAL);
    }
}
