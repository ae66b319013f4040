//! `signInWithIdentityProvider`: an ID token from Entra ID or Google, exchanged for the
//! same session `signIn` gives.
//!
//! The front end runs the provider's sign-in itself (MSAL, Google Identity Services, a
//! mobile SDK), with a nonce it generated, and sends the ID token and that nonce. Which
//! person the token signs in:
//! - an account already linked (by issuer and subject) signs in its person, whatever
//!   email it now has;
//! - otherwise the account is linked, once, to the person with its email, if the
//!   provider vouches for the email (see `auth::identity`) and the person has no other
//!   account of that issuer;
//! - either way, only an active person with a current staff role at a school that
//!   registered the account's organisation (`auth::policy::identity`). No one is ever
//!   created here.
//!
//! Each token signs in once: its nonce is remembered until it expires.

use std::ops::RangeInclusive;

use async_graphql::{Context, InputObject};
use chrono::Utc;
use entity::enums::{IdentityProviderKind, PersonStatus};
use entity::{identity_nonce, person, person_identity, school_identity_provider, staff_role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use serde::Deserialize;
use trellis_macros::mutations;

use crate::audit::AuditEntry;
use crate::auth::identity::{Refusal, VerifiedIdentity};
use crate::auth::policy::identity::signs_in_through;
use crate::auth::{sessions, tokens};
use crate::db::begin_write;
use crate::errors::{ApiError, MutationError, MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{db, services};
use crate::graphql::ids::NodeKind;
use crate::payload;
use crate::people::sessions::{Session, count_sign_in_attempt};

/// ID tokens are a kilobyte or two; this leaves room for large claims.
const MAX_ID_TOKEN_CHARS: usize = 16 * 1024;
/// A nonce must be long enough not to be guessed, and short enough to store cheaply.
const NONCE_CHARS: RangeInclusive<usize> = 16..=256;

/// An ID token from an identity provider, to sign in with.
#[derive(InputObject)]
pub struct SignInWithIdentityProviderInput {
    /// The provider that issued the token.
    pub provider: IdentityProviderKind,
    /// The ID token (a JWT) the provider gave the front end at the end of its sign-in
    /// (OpenID Connect), as received; at most 16,384 characters. Entra ID tokens must be
    /// v2.0 tokens with the `oid` claim; both providers' must carry `nonce`.
    pub id_token: String,
    /// The nonce the front end generated for this sign-in and passed to the provider (16
    /// to 256 characters, random, used once): the token must carry the same.
    pub nonce: String,
}

payload!(SignInWithIdentityProviderPayload { session: Session });

#[derive(Default)]
pub struct IdentitySignInMutation;

mutations! {
    impl IdentitySignInMutation {
        /// Signs in with an ID token from Microsoft Entra ID or Google, for the same
        /// credentials `signIn` gives. The token must be signed by the provider, issued to
        /// this service for this sign-in (`nonce`), valid now, and of an organisation (Entra
        /// tenant, Google Workspace domain) that a school of the person registered. The
        /// first sign-in links the account to the person with its verified email; later ones
        /// find the person by the account alone. Nothing here creates a person. A bad token
        /// is `IDENTITY_TOKEN_INVALID`; a valid one that signs no one in is
        /// `IDENTITY_NOT_ACCEPTED`, saying no more. Attempts are limited per account and per
        /// client address, as `signIn`'s are.
        fn sign_in_with_identity_provider { sign_in(ctx, input).await }
    }
}

fn token_invalid(message: &str) -> MutationError {
    UserError::new("idToken", UserErrorCode::IdentityTokenInvalid, message).into()
}

/// One answer for every valid token that signs no one in, so that it cannot tell whether
/// an email is known; the reason goes to the log.
fn not_accepted(reason: &'static str) -> MutationError {
    tracing::warn!(reason, "identity provider sign-in not accepted");
    UserError::new(
        "idToken",
        UserErrorCode::IdentityNotAccepted,
        "this account cannot sign in here: ask your school to register your organisation, \
         or to invite you with the email of this account",
    )
    .into()
}

fn refused(refusal: Refusal) -> MutationError {
    tracing::warn!(?refusal, "identity provider token refused");
    match refusal {
        Refusal::Disabled => {
            UserError::invalid("provider", "sign-in with this provider is not set up here").into()
        }
        Refusal::OutOfTime => token_invalid(
            "the token has expired or is not valid yet; sign in with the provider again",
        ),
        Refusal::Invalid(_) => token_invalid("the token is not valid for this service"),
        Refusal::NonceMismatch => {
            token_invalid("the token was issued for another sign-in (its nonce differs)")
        }
        Refusal::KeysUnavailable => ApiError::DependencyUnavailable("the identity provider").into(),
    }
}

/// The account a token claims to be, before it is checked: only to count attempts per
/// account, as `signIn` counts them per email. A forged claim only spends the forger's
/// own allowance; the limit per client address holds whatever the token says.
fn claimed_account(provider: IdentityProviderKind, token: &str) -> String {
    #[derive(Deserialize)]
    struct Claimed {
        sub: String,
    }
    let sub = jsonwebtoken::dangerous::insecure_decode::<Claimed>(token)
        .map(|data| data.claims.sub)
        .unwrap_or_default();
    format!("{provider:?}:{}", tokens::digest(&sub))
}

async fn sign_in(
    ctx: &Context<'_>,
    input: SignInWithIdentityProviderInput,
) -> MutationResult<Session> {
    if input.id_token.is_empty() || input.id_token.len() > MAX_ID_TOKEN_CHARS {
        return Err(UserError::invalid(
            "idToken",
            format!("must be 1 to {MAX_ID_TOKEN_CHARS} characters"),
        )
        .into());
    }
    if !NONCE_CHARS.contains(&input.nonce.chars().count()) {
        return Err(UserError::invalid(
            "nonce",
            format!(
                "must be {} to {} characters",
                NONCE_CHARS.start(),
                NONCE_CHARS.end()
            ),
        )
        .into());
    }
    count_sign_in_attempt(ctx, &claimed_account(input.provider, &input.id_token)).await?;
    let services = services(ctx);
    let identity = services
        .identity_providers
        .verify(input.provider, &input.id_token, &input.nonce)
        .await
        .map_err(refused)?;
    let txn = begin_write(db(ctx)).await?;
    spend_nonce(&txn, &identity, &input.nonce).await?;
    let person_id = person_signed_in(&txn, &identity).await?;
    let issued = sessions::start(&txn, &services.keys, person_id).await?;
    txn.commit().await?;
    tracing::info!(
        person_id,
        provider = ?identity.provider,
        "signed in with an identity provider"
    );
    Session::from_issued(ctx, issued).await
}

/// Remembers the token's nonce until the token expires; a nonce already remembered means
/// the token (or another for the same sign-in) was used before.
async fn spend_nonce(
    txn: &DatabaseTransaction,
    identity: &VerifiedIdentity,
    nonce: &str,
) -> MutationResult<()> {
    let now = Utc::now();
    identity_nonce::Entity::delete_many()
        .filter(identity_nonce::Column::ExpiresAt.lt(now))
        .exec(txn)
        .await?;
    let spent = identity_nonce::ActiveModel {
        digest: Set(tokens::digest(&format!("{}\n{nonce}", identity.issuer))),
        expires_at: Set(identity.expires_at),
        ..Default::default()
    }
    .insert(txn)
    .await;
    match spent {
        Ok(_) => Ok(()),
        Err(error) => match error.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                tracing::warn!(refusal = "replayed", "identity provider token refused");
                Err(token_invalid(
                    "the token was already used; sign in with the provider again",
                ))
            }
            _ => Err(error.into()),
        },
    }
}

/// The person `identity` signs in, linking the account on its first sign-in.
async fn person_signed_in(
    txn: &DatabaseTransaction,
    identity: &VerifiedIdentity,
) -> MutationResult<i32> {
    let tenant = identity
        .tenant
        .as_deref()
        .ok_or_else(|| not_accepted("no organisation"))?;
    let registered = school_identity_provider::Entity::find()
        .filter(school_identity_provider::Column::Provider.eq(identity.provider))
        .filter(school_identity_provider::Column::Tenant.eq(tenant))
        .count(txn)
        .await?;
    if registered == 0 {
        return Err(not_accepted("organisation not registered"));
    }
    let linked = person_identity::Entity::find()
        .filter(person_identity::Column::Issuer.eq(&identity.issuer))
        .filter(person_identity::Column::Subject.eq(&identity.subject))
        .one(txn)
        .await?;
    let person = match &linked {
        Some(link) => person::Entity::find_by_id(link.person_id).one(txn).await?,
        None => first_link_candidate(txn, identity).await?,
    }
    .ok_or_else(|| not_accepted("no such person"))?;
    if person.status != PersonStatus::Active {
        return Err(not_accepted("person disabled"));
    }
    let works_there = staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.eq(person.id))
        .filter(signs_in_through(identity.provider, tenant))
        .count(txn)
        .await?;
    if works_there == 0 {
        return Err(not_accepted(
            "no current staff role at a registering school",
        ));
    }
    let now = Utc::now();
    match linked {
        Some(link) => {
            person_identity::Entity::update_many()
                .col_expr(person_identity::Column::LastSignedInAt, Expr::value(now))
                .col_expr(
                    person_identity::Column::Email,
                    Expr::value(identity.email.clone()),
                )
                .filter(person_identity::Column::Id.eq(link.id))
                .exec(txn)
                .await?;
        }
        None => {
            person_identity::ActiveModel {
                person_id: Set(person.id),
                provider: Set(identity.provider),
                issuer: Set(identity.issuer.clone()),
                subject: Set(identity.subject.clone()),
                tenant: Set(tenant.to_owned()),
                email: Set(identity.email.clone()),
                created_at: Set(now),
                last_signed_in_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(|error| match error.sql_err() {
                // The same account, or another of this issuer, linked by a sign-in that
                // ran at the same moment.
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                    not_accepted("linked concurrently")
                }
                _ => error.into(),
            })?;
            AuditEntry::by(
                person.id,
                "person.identity_linked",
                NodeKind::Person.id(person.id),
            )
            .details(serde_json::json!({
                "provider": identity.provider,
                "tenant": tenant,
            }))
            .record(txn)
            .await?;
        }
    }
    Ok(person.id)
}

/// The person an account not yet linked may be linked to: the one with its email, when the
/// provider vouches for the email and the person has no account of this issuer yet (a
/// known email with another subject is refused: links are by subject after the first).
async fn first_link_candidate(
    txn: &DatabaseTransaction,
    identity: &VerifiedIdentity,
) -> MutationResult<Option<person::Model>> {
    let email = match (&identity.email, identity.email_verified) {
        (Some(email), true) => email,
        _ => return Err(not_accepted("email not verified")),
    };
    let Some(person) = person::Entity::find()
        .filter(person::Column::Email.eq(email.as_str()))
        .one(txn)
        .await?
    else {
        return Ok(None);
    };
    let other_account = person_identity::Entity::find()
        .filter(person_identity::Column::PersonId.eq(person.id))
        .filter(person_identity::Column::Issuer.eq(&identity.issuer))
        .count(txn)
        .await?;
    if other_account > 0 {
        return Err(not_accepted("another account of this issuer is linked"));
    }
    Ok(Some(person))
}
