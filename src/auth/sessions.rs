//! Sign-in sessions: a family of rotating refresh tokens, and the access tokens issued
//! from them.

use chrono::{DateTime, Utc};
use entity::enums::PersonStatus;
use entity::{person, refresh_session};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set,
};

use super::tokens::{self, TokenKeys, TokenSubject};
use crate::config::REFRESH_FAMILY_TTL;
use crate::db::begin_write;

/// Credentials handed to a client that signed in or refreshed.
pub struct Issued {
    pub person_id: i32,
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_token_expires_at: DateTime<Utc>,
}

async fn issue(
    conn: &impl ConnectionTrait,
    keys: &TokenKeys,
    person_id: i32,
    family_id: String,
    expires_at: DateTime<Utc>,
) -> Result<Issued, DbErr> {
    let refresh_token = tokens::new_secret_token();
    refresh_session::ActiveModel {
        person_id: Set(person_id),
        family_id: Set(family_id.clone()),
        token_hash: Set(tokens::digest(&refresh_token)),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let (access_token, exp) = keys.issue(&TokenSubject {
        person_id,
        session_family: family_id,
    });
    Ok(Issued {
        person_id,
        access_token,
        access_token_expires_at: DateTime::from_timestamp(exp, 0).unwrap_or_default(),
        refresh_token,
        refresh_token_expires_at: expires_at,
    })
}

/// Starts a new sign-in for a person whose credentials were checked.
pub async fn start(
    conn: &impl ConnectionTrait,
    keys: &TokenKeys,
    person_id: i32,
) -> Result<Issued, DbErr> {
    let family = uuid::Uuid::new_v4().simple().to_string();
    let expires_at = Utc::now() + REFRESH_FAMILY_TTL;
    issue(conn, keys, person_id, family, expires_at).await
}

/// Exchanges a refresh token for new credentials, replacing it. `None` when the token is
/// unknown, expired, revoked, or already used; a used token is a sign that it was stolen,
/// so its whole family (every token of that sign-in) is revoked.
pub async fn refresh(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    refresh_token: &str,
) -> Result<Option<Issued>, DbErr> {
    let txn = begin_write(db).await?;
    let Some(session) = refresh_session::Entity::find()
        .filter(refresh_session::Column::TokenHash.eq(tokens::digest(refresh_token)))
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    if session.revoked_at.is_some() || session.expires_at <= now {
        return Ok(None);
    }
    if session.replaced_at.is_some() {
        tracing::warn!(
            person_id = session.person_id,
            "a used refresh token was presented again; ending that sign-in"
        );
        revoke_family(&txn, &session.family_id).await?;
        txn.commit().await?;
        return Ok(None);
    }
    let active = person::Entity::find_by_id(session.person_id)
        .filter(person::Column::Status.eq(PersonStatus::Active))
        .one(&txn)
        .await?
        .is_some();
    if !active {
        return Ok(None);
    }
    let replaced = refresh_session::Entity::update_many()
        .col_expr(refresh_session::Column::ReplacedAt, Expr::value(now))
        .filter(refresh_session::Column::Id.eq(session.id))
        .filter(refresh_session::Column::ReplacedAt.is_null())
        .exec(&txn)
        .await?;
    if replaced.rows_affected != 1 {
        return Ok(None);
    }
    let issued = issue(
        &txn,
        keys,
        session.person_id,
        session.family_id,
        session.expires_at,
    )
    .await?;
    txn.commit().await?;
    Ok(Some(issued))
}

/// Ends the sign-in a refresh token belongs to. Returns whether there was one.
pub async fn end_by_token(db: &DatabaseConnection, refresh_token: &str) -> Result<bool, DbErr> {
    let Some(session) = refresh_session::Entity::find()
        .filter(refresh_session::Column::TokenHash.eq(tokens::digest(refresh_token)))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    revoke_family(db, &session.family_id).await?;
    Ok(true)
}

pub async fn revoke_family(conn: &impl ConnectionTrait, family_id: &str) -> Result<(), DbErr> {
    refresh_session::Entity::update_many()
        .col_expr(refresh_session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_session::Column::FamilyId.eq(family_id))
        .filter(refresh_session::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every sign-in of a person: their access tokens stop working at once, and their
/// refresh tokens can no longer be used.
pub async fn end_all(conn: &impl ConnectionTrait, person_id: i32) -> Result<(), DbErr> {
    refresh_session::Entity::update_many()
        .col_expr(refresh_session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_session::Column::PersonId.eq(person_id))
        .filter(refresh_session::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
