//! Who is calling, and what they may do.

pub mod passwords;
pub mod policy;
pub mod rate_limit;
pub mod sessions;
pub mod tokens;

use std::sync::{Arc, Mutex};

use entity::enums::PersonStatus;
use entity::{person, refresh_session};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::graphql::errors::{ApiError, ApiResult};
use policy::Access;
use tokens::{TokenKeys, TokenSubject};

/// The caller of one request.
#[derive(Debug, Clone)]
pub enum Principal {
    Anonymous,
    Person(SignedIn),
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub person_id: i32,
    pub is_platform_admin: bool,
    pub session_family: String,
}

/// What a request knows about its caller; the access scope loads on first use.
pub struct Caller {
    pub principal: Principal,
    /// Client address, for rate limits of anonymous actions such as signing in.
    pub ip: String,
    access: Mutex<Option<Arc<Access>>>,
}

impl Caller {
    pub fn new(principal: Principal, ip: String) -> Self {
        Self {
            principal,
            ip,
            access: Mutex::new(None),
        }
    }

    pub fn signed_in(&self) -> ApiResult<&SignedIn> {
        match &self.principal {
            Principal::Person(person) => Ok(person),
            Principal::Anonymous => Err(ApiError::Unauthenticated),
        }
    }

    /// The signed-in caller's access scope, loaded once per request (or again after
    /// `forget_access`).
    pub async fn access(&self, db: &DatabaseConnection) -> ApiResult<Arc<Access>> {
        let person = self.signed_in()?;
        if let Some(access) = self.access.lock().expect("access lock").clone() {
            return Ok(access);
        }
        let access = Arc::new(Access::load(db, person).await?);
        *self.access.lock().expect("access lock") = Some(access.clone());
        Ok(access)
    }

    /// Drops the loaded scope after a mutation changed the caller's own roles, so that the
    /// rest of the request (its payload) sees them as they now are.
    pub fn forget_access(&self) {
        *self.access.lock().expect("access lock") = None;
    }
}

/// Resolves the caller from an `Authorization` header value (or a WebSocket
/// `connection_init` payload): one statement checks that the person is active and that
/// the sign-in the token belongs to has not been revoked. A token that is not valid now
/// (expired, forged, signed out, person disabled) is `Unauthenticated`, never anonymous.
pub async fn authenticate(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    authorization: Option<&str>,
) -> ApiResult<Principal> {
    let Some(header) = authorization else {
        return Ok(Principal::Anonymous);
    };
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .ok_or(ApiError::Unauthenticated)?
        .trim();
    let TokenSubject {
        person_id,
        session_family,
    } = keys.verify(token).ok_or(ApiError::Unauthenticated)?;
    let live_session = Query::select()
        .expr(Expr::val(1))
        .from(refresh_session::Entity)
        .and_where(refresh_session::Column::FamilyId.eq(session_family.clone()))
        .and_where(refresh_session::Column::PersonId.eq(person_id))
        .and_where(refresh_session::Column::RevokedAt.is_null())
        .to_owned();
    let person = person::Entity::find_by_id(person_id)
        .filter(person::Column::Status.eq(PersonStatus::Active))
        .filter(Expr::exists(live_session))
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(Principal::Person(SignedIn {
        person_id: person.id,
        is_platform_admin: person.is_platform_admin,
        session_family,
    }))
}
