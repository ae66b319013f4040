//! The identity providers' accounts linked to a person: seen and removed by that person.

use async_graphql::{Context, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::IdentityProviderKind;
use entity::person_identity;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use trellis_macros::mutations;

use crate::audit::AuditEntry;
use crate::db::begin_write;
use crate::errors::{ApiResult, MutationResult, UserError};
use crate::graphql::context::{db, signed_in};
use crate::graphql::ids::NodeKind;
use crate::payload;
use crate::validation;

/// An account at an identity provider (Microsoft Entra ID, Google) that signs in the
/// person it is linked to. Linked on its first sign-in by the person's email; found by
/// its issuer and subject afterwards. Seen only by the person.
#[derive(SimpleObject)]
pub struct LinkedIdentity {
    /// The provider of the account.
    pub provider: IdentityProviderKind,
    /// The issuer of the account's tokens (for Entra ID, it names the tenant); with
    /// `subject`, it names the account in `unlinkIdentity`.
    pub issuer: String,
    /// The account's id at the issuer (Entra ID's `oid`, Google's `sub`).
    pub subject: String,
    /// The Entra tenant id or Google Workspace domain the account belongs to.
    pub tenant: String,
    /// The email the provider gave for the account at its last sign-in, if any.
    pub email: Option<String>,
    /// When the account was linked (its first sign-in).
    pub linked_at: DateTime<Utc>,
    /// When the account last signed in.
    pub last_signed_in_at: DateTime<Utc>,
}

impl From<person_identity::Model> for LinkedIdentity {
    fn from(link: person_identity::Model) -> Self {
        Self {
            provider: link.provider,
            issuer: link.issuer,
            subject: link.subject,
            tenant: link.tenant,
            email: link.email,
            linked_at: link.created_at,
            last_signed_in_at: link.last_signed_in_at,
        }
    }
}

/// A person's linked accounts, oldest first: one statement (only the viewer's are read).
pub async fn of_person(db: &DatabaseConnection, person_id: i32) -> ApiResult<Vec<LinkedIdentity>> {
    Ok(person_identity::Entity::find()
        .filter(person_identity::Column::PersonId.eq(person_id))
        .order_by_asc(person_identity::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(LinkedIdentity::from)
        .collect())
}

/// Which of the signed-in person's linked accounts to remove.
#[derive(InputObject)]
pub struct UnlinkIdentityInput {
    /// The account's `issuer`, as `linkedIdentities` gives it (at most 255 characters).
    pub issuer: String,
    /// The account's `subject`, as `linkedIdentities` gives it (at most 255 characters).
    pub subject: String,
}

payload!(UnlinkIdentityPayload {
    identity: LinkedIdentity
});

#[derive(Default)]
pub struct LinkMutation;

mutations! {
    impl LinkMutation {
        /// Removes one of the signed-in person's linked accounts: it no longer signs them
        /// in. Sessions already started stay until they end. A later sign-in with the same
        /// account links it again by email, under the same rules as the first.
        fn unlink_identity { unlink(ctx, input).await }
    }
}

async fn unlink(ctx: &Context<'_>, input: UnlinkIdentityInput) -> MutationResult<LinkedIdentity> {
    let me = signed_in(ctx)?.person_id;
    let issuer = validation::required("issuer", &input.issuer, 255)?;
    let subject = validation::required("subject", &input.subject, 255)?;
    let txn = begin_write(db(ctx)).await?;
    let link = person_identity::Entity::find()
        .filter(person_identity::Column::PersonId.eq(me))
        .filter(person_identity::Column::Issuer.eq(issuer))
        .filter(person_identity::Column::Subject.eq(subject))
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::not_found("subject"))?;
    person_identity::Entity::delete_by_id(link.id)
        .exec(&txn)
        .await?;
    AuditEntry::by(me, "person.identity_unlinked", NodeKind::Person.id(me))
        .details(serde_json::json!({
            "provider": link.provider,
            "tenant": link.tenant,
        }))
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(link.into())
}
