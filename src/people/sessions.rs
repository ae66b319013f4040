//! Signing in and out, and refreshing a sign-in.

use async_graphql::{Context, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::PersonStatus;
use entity::person;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::mutations;

use super::Person;
use crate::auth::passwords;
use crate::auth::sessions::{self, Issued};
use crate::errors::{ApiError, MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{caller, db, load_required, services};
use crate::payload;

/// Credentials of a sign-in. Send the access token as `Authorization: Bearer <token>`;
/// before it expires, exchange the refresh token for new credentials with
/// `refreshSession`. Each refresh token works once.
#[derive(SimpleObject)]
pub struct Session {
    /// A short-lived token (a JWT) to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// When the access token stops working; refresh the session before then.
    pub access_token_expires_at: DateTime<Utc>,
    /// An opaque token that `refreshSession` exchanges, once, for new credentials. Keep it
    /// secret, as a password.
    pub refresh_token: String,
    /// The sign-in ends then, however often it is refreshed.
    pub refresh_token_expires_at: DateTime<Utc>,
    /// The person signed in.
    pub person: Person,
}

impl Session {
    pub async fn from_issued(ctx: &Context<'_>, issued: Issued) -> MutationResult<Self> {
        let person = load_required::<person::Entity>(ctx, issued.person_id).await?;
        Ok(Self {
            access_token: issued.access_token,
            access_token_expires_at: issued.access_token_expires_at,
            refresh_token: issued.refresh_token,
            refresh_token_expires_at: issued.refresh_token_expires_at,
            person: Person(person),
        })
    }
}

/// Credentials to sign in with.
#[derive(InputObject)]
pub struct SignInInput {
    /// The person's email, in any case.
    pub email: String,
    /// The person's password.
    pub password: String,
}

/// A refresh token to exchange for new credentials.
#[derive(InputObject)]
pub struct RefreshSessionInput {
    /// The `refreshToken` of the session being refreshed; it works once.
    pub refresh_token: String,
}

/// Which sign-in to end.
#[derive(InputObject, Default)]
pub struct SignOutInput {
    /// The sign-in to end; without it, the sign-in of the access token sent.
    pub refresh_token: Option<String>,
}

payload!(SignInPayload { session: Session });
payload!(RefreshSessionPayload { session: Session });
payload!(SignOutPayload { signed_out: bool });

fn invalid_credentials() -> UserError {
    UserError::new(
        "",
        UserErrorCode::InvalidCredentials,
        "the email or password is not right",
    )
}

#[derive(Default)]
pub struct SessionMutation;

mutations! {
    impl SessionMutation {
        /// Signs in with email and password. A wrong email and a wrong password get the same
        /// answer; repeated attempts are limited per email and per client address.
        fn sign_in { sign_in(ctx, input).await }

        /// Exchanges a refresh token for new credentials. A refresh token that was already
        /// used ends its whole sign-in, since it may have been stolen.
        fn refresh_session { refresh(ctx, input).await }

        /// Ends a sign-in: its access and refresh tokens stop working.
        fn sign_out(Option<SignOutInput>) { sign_out(ctx, input.unwrap_or_default()).await }
    }
}

/// Counts an attempt to sign in as `account` (an email, or an identity provider's account)
/// against the limits per account and per client address, and tells the client what is
/// left (the `RateLimit` headers); refused with `RATE_LIMITED` once either is spent.
pub async fn count_sign_in_attempt(ctx: &Context<'_>, account: &str) -> Result<(), ApiError> {
    let allowance = services(ctx)
        .sign_in_limiter
        .attempt(account, &caller(ctx).ip)
        .await?;
    ctx.insert_http_header("ratelimit-limit", allowance.limit.to_string());
    ctx.insert_http_header("ratelimit-remaining", allowance.remaining.to_string());
    ctx.insert_http_header("ratelimit-reset", allowance.reset_secs.to_string());
    Ok(())
}

async fn sign_in(ctx: &Context<'_>, input: SignInInput) -> MutationResult<Session> {
    let services = services(ctx);
    let email = input.email.trim().to_lowercase();
    count_sign_in_attempt(ctx, &email).await?;
    let found = person::Entity::find()
        .filter(person::Column::Email.eq(email.as_str()))
        .one(db(ctx))
        .await?;
    let stored = found.as_ref().and_then(|p| p.password_hash.clone());
    let password = input.password;
    let matches =
        tokio::task::spawn_blocking(move || passwords::verify(&password, stored.as_deref()))
            .await
            .map_err(ApiError::internal)?;
    let person = found
        .filter(|p| matches && p.status == PersonStatus::Active)
        .ok_or_else(|| {
            tracing::warn!("failed sign-in");
            invalid_credentials()
        })?;
    let issued = sessions::start(db(ctx), &services.keys, person.id).await?;
    Session::from_issued(ctx, issued).await
}

async fn refresh(ctx: &Context<'_>, input: RefreshSessionInput) -> MutationResult<Session> {
    let issued = sessions::refresh(db(ctx), &services(ctx).keys, &input.refresh_token)
        .await?
        .ok_or_else(|| {
            UserError::new(
                "refreshToken",
                UserErrorCode::InvalidCredentials,
                "the refresh token is not valid; sign in again",
            )
        })?;
    Session::from_issued(ctx, issued).await
}

async fn sign_out(ctx: &Context<'_>, input: SignOutInput) -> MutationResult<bool> {
    if let Some(token) = input.refresh_token {
        return Ok(sessions::end_by_token(db(ctx), &token).await?);
    }
    let caller = caller(ctx).signed_in()?;
    sessions::revoke_family(db(ctx), &caller.session_family).await?;
    Ok(true)
}
