//! What resolvers reach through the GraphQL context: shared services, and per request the
//! caller and the DataLoader.

use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use sea_orm::DatabaseConnection;

use crate::auth::identity::IdentityProviders;
use crate::auth::policy::Access;
use crate::auth::rate_limit::SignInLimiter;
use crate::auth::tokens::TokenKeys;
use crate::auth::{Caller, Principal, SignedIn};
use crate::errors::{ApiError, ApiResult};
use crate::graphql::ids::NodeType;
use crate::graphql::loaders::{ById, Loadable, SqlLoader, loader_error, owned};
use crate::notifications::Notifier;

/// Services shared by all requests (schema data).
pub struct Services {
    pub db: DatabaseConnection,
    /// Practice search's pool (see `db::Planning`); the main pool on SQLite.
    pub search_db: DatabaseConnection,
    pub keys: TokenKeys,
    /// Sends email after a mutation commits, off the request path.
    pub notifier: Notifier,
    pub sign_in_limiter: SignInLimiter,
    /// The identity providers staff may sign in with, and their keys.
    pub identity_providers: IdentityProviders,
    pub public_url: String,
    /// Whether links may be `http` as well as `https` (`--allow-http-links`).
    pub allow_http_links: bool,
    /// How far before a sync read its watermark is (`--sync-margin-secs`).
    pub sync_margin: chrono::Duration,
    /// Most rows an uploaded import file may hold (`--max-import-rows`).
    pub max_import_rows: u64,
    /// Whether webhook endpoints may be `http://127.0.0.1` or `http://localhost`
    /// (`--webhook-allow-http-localhost`).
    pub webhook_allow_http_localhost: bool,
    /// Tells subscriptions what changed, once it has committed (`realtime`).
    pub bus: crate::realtime::Bus,
}

pub type Loader = Arc<DataLoader<SqlLoader>>;

pub fn services<'a>(ctx: &Context<'a>) -> &'a Services {
    ctx.data_unchecked::<Arc<Services>>()
}

pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    &services(ctx).db
}

pub fn search_db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    &services(ctx).search_db
}

pub fn caller<'a>(ctx: &Context<'a>) -> &'a Caller {
    ctx.data_unchecked::<Caller>()
}

pub fn signed_in<'a>(ctx: &Context<'a>) -> ApiResult<&'a SignedIn> {
    caller(ctx).signed_in()
}

/// The signed-in caller's access scope; `Unauthenticated` for anonymous callers.
pub async fn access(ctx: &Context<'_>) -> ApiResult<Arc<Access>> {
    caller(ctx).access(db(ctx)).await
}

/// The caller's access scope, or `None` when not signed in: for what anonymous callers
/// may also read (public practice and what it reaches).
pub async fn reader(ctx: &Context<'_>) -> ApiResult<Option<Arc<Access>>> {
    if caller(ctx).is_anonymous() {
        return Ok(None);
    }
    access(ctx).await.map(Some)
}

/// Refuses `mutation` (its Rust name) to a service account that may not call it
/// (`auth::policy::service_accounts`), before it reads its input; people pass.
pub async fn admit_mutation(ctx: &Context<'_>, mutation: &str) -> ApiResult<()> {
    match caller(ctx).principal {
        Principal::ServiceAccount(_) => access(ctx).await?.admits_mutation(mutation),
        _ => Ok(()),
    }
}

pub fn loader(ctx: &Context<'_>) -> Loader {
    ctx.data_unchecked::<Loader>().clone()
}

/// Loads one row by id through the request's DataLoader, unless a page brought it.
pub async fn load<E: Loadable>(ctx: &Context<'_>, id: i32) -> ApiResult<Option<E::Model>> {
    let loader = loader(ctx);
    if let Some(row) = loader.loader().brought.get::<E>(id) {
        return Ok(Some(row));
    }
    loader
        .load_one(ById::<E>::new(id))
        .await
        .map(|row| row.map(owned))
        .map_err(loader_error)
}

/// Loads one row by id, as `load` does, if the signed-in caller sees it by `sees` (a rule
/// of the policy); `Unauthenticated` for anonymous callers, before anything is read.
pub async fn load_visible<E: Loadable>(
    ctx: &Context<'_>,
    id: i32,
    sees: impl FnOnce(&Access, &E::Model) -> bool + Send,
) -> ApiResult<Option<E::Model>> {
    let access = access(ctx).await?;
    Ok(load::<E>(ctx, id).await?.filter(|row| sees(&access, row)))
}

/// Loads one row by id if the caller sees `P`, the object it is seen with (a staff role
/// with its person); `Unauthenticated` for anonymous callers, before anything is read.
pub async fn load_seen_with<E: Loadable, P: NodeType>(
    ctx: &Context<'_>,
    id: i32,
    parent: impl FnOnce(&E::Model) -> i32 + Send,
) -> ApiResult<Option<E::Model>> {
    access(ctx).await?;
    let Some(row) = load::<E>(ctx, id).await? else {
        return Ok(None);
    };
    Ok(P::visible(ctx, parent(&row)).await?.map(|_| row))
}

/// Loads a row that must exist (a foreign key's target).
pub async fn load_required<E: Loadable>(ctx: &Context<'_>, id: i32) -> ApiResult<E::Model> {
    load::<E>(ctx, id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("dangling reference to {id}")))
}

/// Loads rows by id in one batch, in the order of `ids` (missing ones left out).
pub async fn load_many<E: Loadable>(ctx: &Context<'_>, ids: &[i32]) -> ApiResult<Vec<E::Model>> {
    let mut found = loader(ctx)
        .load_many(ids.iter().map(|id| ById::<E>::new(*id)))
        .await
        .map_err(loader_error)?;
    Ok(ids
        .iter()
        .filter_map(|id| found.remove(&ById::new(*id)))
        .map(owned)
        .collect())
}
