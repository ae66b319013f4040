//! The organisations a school registers for single sign-on: Entra tenants and Google
//! Workspace domains whose accounts its staff sign in with.

use async_graphql::{Context, ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::IdentityProviderKind;
use entity::{school, school_identity_provider};
use sea_orm::sea_query::Condition;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use trellis_macros::mutations;

use crate::audit::AuditEntry;
use crate::auth::identity::normalise_tenant;
use crate::auth::policy::allowed;
use crate::db::begin_write;
use crate::errors::{ApiResult, MutationResult, UserError, on_unique};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::nested::{ChildList, child_rows};
use crate::payload;
use crate::schools::School;

/// An organisation whose accounts a school's staff sign in with: a Microsoft Entra ID
/// tenant or a Google Workspace domain. Several schools may register the same one (a
/// trust's tenant); an account signs in only people who already work at a school that
/// registered its organisation.
#[derive(SimpleObject)]
pub struct SchoolIdentityProvider {
    /// The provider.
    pub provider: IdentityProviderKind,
    /// The Entra tenant id (a GUID, lower case) or the Google Workspace domain (lower
    /// case).
    pub tenant: String,
    /// When the school registered it.
    pub registered_at: DateTime<Utc>,
}

impl From<school_identity_provider::Model> for SchoolIdentityProvider {
    fn from(row: school_identity_provider::Model) -> Self {
        Self {
            provider: row.provider,
            tenant: row.tenant,
            registered_at: row.created_at,
        }
    }
}

/// A school's registered organisations, oldest first, to those who manage the school;
/// empty for everyone else. Loaded with every other school's of the same list.
pub async fn of_school(
    ctx: &Context<'_>,
    school_id: i32,
) -> ApiResult<Vec<SchoolIdentityProvider>> {
    if !access(ctx).await?.manages_sign_in_of(school_id) {
        return Ok(Vec::new());
    }
    let list = ChildList::<school_identity_provider::Entity>::new(
        school_id,
        school_identity_provider::Column::SchoolId,
        Condition::all(),
    );
    Ok(child_rows(ctx, list)
        .await?
        .into_iter()
        .map(SchoolIdentityProvider::from)
        .collect())
}

/// An organisation to register for a school's sign-in.
#[derive(InputObject)]
pub struct RegisterSchoolIdentityProviderInput {
    /// The school whose staff will sign in with the organisation's accounts.
    pub school_id: ID,
    /// The provider.
    pub provider: IdentityProviderKind,
    /// For `ENTRA_ID`, the tenant id (a GUID, as the Entra admin centre shows it under
    /// "Tenant ID"); for `GOOGLE`, the Workspace's primary domain (such as
    /// `oakfield.sch.uk`).
    pub tenant: String,
}

/// An organisation to remove from a school's sign-in.
#[derive(InputObject)]
pub struct RemoveSchoolIdentityProviderInput {
    /// The school that registered the organisation.
    pub school_id: ID,
    /// The provider.
    pub provider: IdentityProviderKind,
    /// The Entra tenant id or Google Workspace domain, as registered (in any case).
    pub tenant: String,
}

payload!(RegisterSchoolIdentityProviderPayload { school: School });
payload!(RemoveSchoolIdentityProviderPayload { school: School });

#[derive(Default)]
pub struct RegistrationMutation;

mutations! {
    impl RegistrationMutation {
        /// Lets the school's staff sign in with accounts of an organisation: an Entra ID
        /// tenant or a Google Workspace domain. Only people who already have a current staff
        /// role at the school are ever signed in through it. The school's leaders and the
        /// admins and CPD leads of alliances it is an active member of may.
        fn register_school_identity_provider { register(ctx, input).await }

        /// Stops the school's staff signing in with an organisation's accounts (sessions
        /// already started stay until they end). Those who may register it may.
        fn remove_school_identity_provider { remove(ctx, input).await }
    }
}

/// A change to the organisations of a school's sign-in, in its transaction: the school,
/// which the caller must manage, and the organisation with its tenant in the stored
/// spelling. Registering and removing begin and end alike.
struct SignInChange {
    actor: i32,
    txn: DatabaseTransaction,
    school: school::Model,
    provider: IdentityProviderKind,
    tenant: String,
}

impl SignInChange {
    /// The change for the school named by `id` (`Forbidden` unless the caller manages its
    /// sign-in) and the organisation `tenant` of `provider`.
    async fn begin(
        ctx: &Context<'_>,
        id: &ID,
        provider: IdentityProviderKind,
        tenant: &str,
    ) -> MutationResult<Self> {
        let access = access(ctx).await?;
        let txn = begin_write(db(ctx)).await?;
        let not_found = || UserError::not_found("schoolId");
        let school_id = decode_as(id, NodeKind::School).ok_or_else(not_found)?;
        let school = school::Entity::find_by_id(school_id)
            .one(&txn)
            .await?
            .ok_or_else(not_found)?;
        allowed(
            access.manages_sign_in_of(school.id),
            "only the school's leaders and its alliances' admins manage its sign-in",
        )?;
        let tenant = normalise_tenant(provider, tenant).ok_or_else(|| {
            UserError::invalid(
                "tenant",
                match provider {
                    IdentityProviderKind::EntraId => "must be an Entra tenant id (a GUID)",
                    IdentityProviderKind::Google => {
                        "must be a Google Workspace domain, such as oakfield.sch.uk"
                    }
                },
            )
        })?;
        Ok(Self {
            actor: access.person_id,
            txn,
            school,
            provider,
            tenant,
        })
    }

    /// Records the change in the audit log as `action`, commits it, and answers with the
    /// school.
    async fn commit(self, action: &str) -> MutationResult<School> {
        AuditEntry::by(self.actor, action, NodeKind::School.id(self.school.id))
            .school(Some(self.school.id))
            .details(serde_json::json!({ "provider": self.provider, "tenant": self.tenant }))
            .record(&self.txn)
            .await?;
        self.txn.commit().await?;
        Ok(School(self.school))
    }
}

async fn register(
    ctx: &Context<'_>,
    input: RegisterSchoolIdentityProviderInput,
) -> MutationResult<School> {
    let change = SignInChange::begin(ctx, &input.school_id, input.provider, &input.tenant).await?;
    school_identity_provider::ActiveModel {
        school_id: Set(change.school.id),
        provider: Set(change.provider),
        tenant: Set(change.tenant.clone()),
        registered_by_id: Set(change.actor),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&change.txn)
    .await
    .map_err(on_unique(
        "tenant",
        "the school has already registered this organisation",
    ))?;
    change.commit("school.identity_provider_registered").await
}

async fn remove(
    ctx: &Context<'_>,
    input: RemoveSchoolIdentityProviderInput,
) -> MutationResult<School> {
    let change = SignInChange::begin(ctx, &input.school_id, input.provider, &input.tenant).await?;
    let removed = school_identity_provider::Entity::delete_many()
        .filter(school_identity_provider::Column::SchoolId.eq(change.school.id))
        .filter(school_identity_provider::Column::Provider.eq(change.provider))
        .filter(school_identity_provider::Column::Tenant.eq(change.tenant.as_str()))
        .exec(&change.txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(UserError::not_found("tenant").into());
    }
    change.commit("school.identity_provider_removed").await
}
