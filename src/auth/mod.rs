//! Who is calling, and what they may do.

pub mod cache;
pub mod passwords;
pub mod policy;
pub mod rate_limit;
pub mod scopes;
pub mod sessions;
pub mod tokens;

use std::sync::{Arc, Mutex};

use entity::enums::PersonStatus;
use entity::{person, refresh_session, service_account};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::errors::{ApiError, ApiResult};
use cache::Memo;
use policy::{Access, ServiceAccountPrincipal, Tenant};
use tokens::{ServiceAccountSubject, TokenKeys, TokenSubject};

/// The caller of one request.
#[derive(Debug, Clone)]
pub enum Principal {
    Anonymous,
    Person(SignedIn),
    /// An integration, with a token from `/oauth/token`.
    ServiceAccount(ServiceAccountPrincipal),
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
    /// For a read request: the cache of callers' access scopes.
    memo: Option<Memo>,
}

impl Caller {
    pub fn new(principal: Principal, ip: String) -> Self {
        Self::remembering(principal, ip, None)
    }

    /// A caller whose access scope may come from, and is kept in, the cache (read
    /// requests only; see `cache`).
    pub fn remembering(principal: Principal, ip: String, memo: Option<Memo>) -> Self {
        Self {
            principal,
            ip,
            access: Mutex::new(None),
            memo,
        }
    }

    /// The signed-in person; `Unauthenticated` for anonymous callers, `Forbidden` for a
    /// service account (which is no person).
    pub fn signed_in(&self) -> ApiResult<&SignedIn> {
        match &self.principal {
            Principal::Person(person) => Ok(person),
            Principal::ServiceAccount(_) => Err(ApiError::Forbidden(
                "only people may do this, not service accounts",
            )),
            Principal::Anonymous => Err(ApiError::Unauthenticated),
        }
    }

    pub fn is_anonymous(&self) -> bool {
        matches!(self.principal, Principal::Anonymous)
    }

    /// The caller's access scope (a person's or a service account's), loaded once per
    /// request (or again after `forget_access`).
    pub async fn access(&self, db: &DatabaseConnection) -> ApiResult<Arc<Access>> {
        if let Some(access) = self.access.lock().expect("access lock").clone() {
            return Ok(access);
        }
        let person = match &self.principal {
            Principal::Anonymous => return Err(ApiError::Unauthenticated),
            Principal::Person(person) => person,
            Principal::ServiceAccount(account) => {
                let access = Arc::new(Access::of_service_account(db, account).await?);
                *self.access.lock().expect("access lock") = Some(access.clone());
                return Ok(access);
            }
        };
        let key = (person.person_id, person.session_family.clone());
        let access = match self.memo.as_ref().and_then(|memo| memo.access(&key)) {
            Some(access) => access,
            None => {
                // Boxed: every field that checks the policy holds this future, and loading
                // inline would make each of them over a kilobyte (moved and allocated per
                // field) for a path taken once per request at most.
                let access = Arc::new(Box::pin(Access::load(db, person)).await?);
                if let Some(memo) = &self.memo {
                    memo.store_access(person, access.clone());
                }
                access
            }
        };
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
/// the sign-in the token belongs to has not been revoked (or, for a service account's
/// token, that the account has not been revoked). A token that is not valid now (expired,
/// forged, signed out, person disabled, account revoked) is `Unauthenticated`, never
/// anonymous. With a memo (a read request), a sign-in checked a moment ago is not checked
/// again.
pub async fn authenticate(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    authorization: Option<&str>,
    memo: Option<&Memo>,
) -> ApiResult<Principal> {
    let Some(header) = authorization else {
        return Ok(Principal::Anonymous);
    };
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .ok_or(ApiError::Unauthenticated)?
        .trim();
    let Some(TokenSubject {
        person_id,
        session_family,
    }) = keys.verify(token)
    else {
        let subject = keys
            .verify_service_account(token)
            .ok_or(ApiError::Unauthenticated)?;
        return authenticate_service_account(db, subject).await;
    };
    let key = (person_id, session_family.clone());
    if let Some(signed_in) = memo.and_then(|memo| memo.signed_in(&key)) {
        return Ok(Principal::Person(signed_in));
    }
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
    let signed_in = SignedIn {
        person_id: person.id,
        is_platform_admin: person.is_platform_admin,
        session_family,
    };
    if let Some(memo) = memo {
        memo.store_signed_in(key, signed_in.clone());
    }
    Ok(Principal::Person(signed_in))
}

/// A service account's token is good while the account is not revoked: checked on every
/// request, so that revoking stops the tokens already issued at once. The token's scopes
/// count only within those the account holds.
async fn authenticate_service_account(
    db: &DatabaseConnection,
    subject: ServiceAccountSubject,
) -> ApiResult<Principal> {
    let account = service_account::Entity::find_by_id(subject.service_account_id)
        .filter(service_account::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let held = scopes::Scopes::from_oauth(&account.scopes).unwrap_or_default();
    Ok(Principal::ServiceAccount(ServiceAccountPrincipal {
        id: account.id,
        owner_id: account.owner_id,
        scopes: subject.scopes.intersection(held),
        tenant: Tenant::of(&account).ok_or(ApiError::Unauthenticated)?,
    }))
}
