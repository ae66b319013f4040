//! Service accounts: integrations (an MIS, an HR system, a data warehouse) bound to one
//! alliance or one school, which exchange a client id and secret for short-lived access
//! tokens at `POST /oauth/token` (`http::oauth`) and call the API with their scopes.
//! Who manages them and what they reach: `auth::policy::service_accounts`.

mod mutations;
mod node;
pub mod secrets;

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::service_account;
use sea_orm::{EntityTrait, QueryFilter};
use secrecy::{ExposeSecret, SecretString};
use trellis_macros::{connections, fields};

use crate::alliances::{Alliance, visible_alliance};
use crate::auth::scopes::{Scope, Scopes};
use crate::graphql::context::{access, db};
use crate::graphql::ids::NodeKind;
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};
use crate::people::Person;
use crate::schools::School;
pub use mutations::ServiceAccountMutation;

crate::wraps! {
    /// An integration's account.
    ServiceAccount(service_account::Model),
}

/// An integration's account (an MIS, an HR system, a data warehouse), bound to one
/// alliance or one school. It gets access tokens from `POST /oauth/token` with its client
/// id and secret (the OAuth 2.0 client-credentials grant) and reads only its tenant, as
/// far as its scopes allow. Seen only by those who manage it: the alliance's admins and CPD
/// leads, or the school's leaders. Its secret is shown once, when created or rotated, and
/// never again.
#[fields(
    /// The service account's global id.
    id = NodeKind::ServiceAccount,
    /// What the integration is, such as "Arbor MIS sync".
    name: &str,
    /// The OAuth client id (public): sent with the secret to `/oauth/token`.
    client_id: &str,
    /// The school it is bound to; `null` when bound to an alliance.
    school: School = school(school_id),
    /// The person who answers for it; what it changes is recorded as theirs, made through
    /// it.
    owner: Person = person(owner_id),
    /// When it was created.
    created_at: DateTime<Utc>,
    /// When its secret was last rotated; `null` if never.
    secret_rotated_at: Option<DateTime<Utc>>,
    /// When it was revoked: from then on it gets no tokens, and its tokens stop working.
    /// `null` while it is active.
    revoked_at: Option<DateTime<Utc>>,
)]
#[Object]
impl ServiceAccount {
    /// What the account may do. A token may be asked for fewer.
    async fn scopes(&self) -> Vec<Scope> {
        held_scopes(&self.0).iter().collect()
    }
    /// The alliance it is bound to; `null` when bound to a school.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Option<Alliance>> {
        match self.0.alliance_id {
            Some(id) => Ok(visible_alliance(ctx, id).await?),
            None => Ok(None),
        }
    }
    /// Until when the secret before the last rotation still works; `null` when it no
    /// longer does (or there was none).
    async fn previous_secret_expires_at(&self) -> Option<DateTime<Utc>> {
        self.0
            .previous_secret_expires_at
            .filter(|expires| *expires > Utc::now())
    }
}

/// The scopes an account holds, as stored.
pub fn held_scopes(account: &service_account::Model) -> Scopes {
    Scopes::from_oauth(&account.scopes).unwrap_or_default()
}

/// A service account with its client secret: given once, when the account is created or
/// its secret rotated. Store the secret safely: it cannot be read again.
#[derive(SimpleObject)]
pub struct ServiceAccountCredentials {
    /// The account.
    pub service_account: ServiceAccount,
    /// The OAuth client id (public).
    pub client_id: String,
    /// The OAuth client secret. Shown this once; Trellis keeps only a hash of it.
    pub client_secret: String,
}

impl ServiceAccountCredentials {
    /// The credentials of `account` with its new `secret`, in the clear.
    fn new(account: service_account::Model, secret: &SecretString) -> Self {
        Self {
            client_id: account.client_id.clone(),
            client_secret: secret.expose_secret().to_owned(),
            service_account: ServiceAccount(account),
        }
    }
}

#[derive(Default)]
pub struct ServiceAccountQuery;

#[connections]
#[Object]
impl ServiceAccountQuery {
    /// Service accounts the caller manages (of alliances they administer and schools
    /// they lead), revoked ones included, oldest first.
    async fn service_accounts(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<ServiceAccount>> {
        let access = access(ctx).await?;
        let select = service_account::Entity::find().filter(access.service_account_condition());
        Ok(oldest_first_page(db(ctx), select, &args).await?)
    }
}
