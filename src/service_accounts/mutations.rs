//! Creating, rotating and revoking service accounts. The alliance's admins and CPD leads
//! manage those of an alliance, the school's leaders those of a school.

use async_graphql::{Context, ID, InputObject};
use chrono::{Duration, Utc};
use entity::enums::{AllianceRoleKind, StaffRoleKind};
use entity::{alliance, alliance_role, school, service_account, staff_role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use trellis_macros::mutations;

use super::secrets::{new_client_id, new_secret};
use super::{ServiceAccount, ServiceAccountCredentials, held_scopes};
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, Tenant, allowed};
use crate::auth::scopes::{Scope, Scopes};
use crate::config::MAX_SECRET_GRACE;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::payload;
use crate::validation;

/// A new service account, bound to one alliance or one school: give exactly one of
/// `allianceId` and `schoolId`.
#[derive(InputObject)]
pub struct CreateServiceAccountInput {
    /// The alliance it is bound to.
    pub alliance_id: Option<ID>,
    /// The school it is bound to.
    pub school_id: Option<ID>,
    /// What the integration is (at most 100 characters), such as "Arbor MIS sync".
    pub name: String,
    /// What it may do: at least one scope.
    pub scopes: Vec<Scope>,
    /// Who answers for it: someone who manages the tenant's service accounts (an admin or
    /// CPD lead of the alliance, a leader of the school). The caller when not given.
    pub owner_id: Option<ID>,
}

/// A new secret for a service account.
#[derive(InputObject)]
pub struct RotateServiceAccountSecretInput {
    /// The service account.
    pub service_account_id: ID,
    /// How long the current secret keeps working, in seconds, so that the integration can
    /// switch to the new one: 0 (the default) stops it at once, at most 604800 (7 days).
    pub grace_period_seconds: Option<i32>,
}

/// A service account to revoke.
#[derive(InputObject)]
pub struct RevokeServiceAccountInput {
    /// The service account.
    pub service_account_id: ID,
}

payload!(CreateServiceAccountPayload {
    credentials: ServiceAccountCredentials
});
payload!(RotateServiceAccountSecretPayload {
    credentials: ServiceAccountCredentials
});
payload!(RevokeServiceAccountPayload {
    service_account: ServiceAccount
});

#[derive(Default)]
pub struct ServiceAccountMutation;

mutations! {
    impl ServiceAccountMutation {
        /// Creates a service account and gives its client secret, this once. An alliance's
        /// admins and CPD leads may create one bound to the alliance, a school's leaders
        /// one bound to the school.
        fn create_service_account { create(ctx, input).await }

        /// Gives a service account a new secret, shown this once. The old secret keeps
        /// working for the grace period asked (at most 7 days), then stops. Tokens already
        /// issued run their course. Those who manage the account may.
        fn rotate_service_account_secret { rotate(ctx, input).await }

        /// Revokes a service account: it gets no more tokens, and the tokens it has stop
        /// working at once. It stays listed, as history. Those who manage it may.
        fn revoke_service_account { revoke(ctx, input).await }
    }
}

/// The tenant the input names, checked.
fn tenant(input: &CreateServiceAccountInput) -> MutationResult<Tenant> {
    let key = |id: &ID, kind, field| decode_as(id, kind).ok_or_else(|| UserError::not_found(field));
    match (&input.alliance_id, &input.school_id) {
        (Some(alliance), None) => Ok(Tenant::Alliance(key(
            alliance,
            NodeKind::Alliance,
            "allianceId",
        )?)),
        (None, Some(school)) => Ok(Tenant::School(key(school, NodeKind::School, "schoolId")?)),
        _ => Err(
            UserError::invalid("allianceId", "give exactly one of allianceId and schoolId").into(),
        ),
    }
}

/// Whether the tenant exists (a school or alliance the caller could not see reads as
/// missing).
async fn tenant_exists(txn: &DatabaseTransaction, tenant: Tenant) -> Result<bool, sea_orm::DbErr> {
    Ok(match tenant {
        Tenant::Alliance(id) => alliance::Entity::find_by_id(id).count(txn).await? > 0,
        Tenant::School(id) => school::Entity::find_by_id(id).count(txn).await? > 0,
    })
}

/// Whether `person` may own an account of `tenant`: they manage its service accounts
/// through a current role.
async fn may_own(
    txn: &DatabaseTransaction,
    tenant: Tenant,
    person: i32,
) -> Result<bool, sea_orm::DbErr> {
    Ok(match tenant {
        Tenant::Alliance(id) => {
            alliance_role::Entity::find()
                .filter(alliance_role::Column::PersonId.eq(person))
                .filter(alliance_role::Column::AllianceId.eq(id))
                .filter(alliance_role::Column::EndsOn.is_null())
                .filter(
                    alliance_role::Column::Role
                        .is_in([AllianceRoleKind::Admin, AllianceRoleKind::CpdLead]),
                )
                .count(txn)
                .await?
                > 0
        }
        Tenant::School(id) => {
            staff_role::Entity::find()
                .filter(staff_role::Column::PersonId.eq(person))
                .filter(staff_role::Column::SchoolId.eq(id))
                .filter(staff_role::Column::EndsOn.is_null())
                .filter(staff_role::Column::Role.is_in(StaffRoleKind::LEADERS))
                .count(txn)
                .await?
                > 0
        }
    })
}

fn audit(
    access: &Access,
    action: &'static str,
    account: &service_account::Model,
) -> AuditEntry<'static> {
    AuditEntry::by_caller(access, action, NodeKind::ServiceAccount.id(account.id))
        .alliance(account.alliance_id)
        .school(account.school_id)
}

async fn create(
    ctx: &Context<'_>,
    input: CreateServiceAccountInput,
) -> MutationResult<ServiceAccountCredentials> {
    let access = access(ctx).await?;
    let tenant = tenant(&input)?;
    let txn = begin_write(db(ctx)).await?;
    if !tenant_exists(&txn, tenant).await? {
        let field = match tenant {
            Tenant::Alliance(_) => "allianceId",
            Tenant::School(_) => "schoolId",
        };
        return Err(UserError::not_found(field).into());
    }
    allowed(
        access.manages_service_accounts_of(tenant),
        "only an alliance's admins and CPD leads, or a school's leaders, create its service accounts",
    )?;
    let name = validation::required("name", &input.name, 100)?;
    let scopes: Scopes = input.scopes.iter().copied().collect();
    if scopes.is_empty() {
        return Err(UserError::invalid("scopes", "give at least one scope").into());
    }
    let owner = match &input.owner_id {
        None => access.person_id,
        Some(id) => {
            let owner =
                decode_as(id, NodeKind::Person).ok_or_else(|| UserError::not_found("ownerId"))?;
            if owner != access.person_id && !may_own(&txn, tenant, owner).await? {
                return Err(UserError::invalid(
                    "ownerId",
                    "the owner must be someone who manages this tenant's service accounts",
                )
                .into());
            }
            owner
        }
    };
    let (secret, hash) = new_secret();
    let (alliance_id, school_id) = match tenant {
        Tenant::Alliance(id) => (Some(id), None),
        Tenant::School(id) => (None, Some(id)),
    };
    let account = service_account::ActiveModel {
        name: Set(name),
        alliance_id: Set(alliance_id),
        school_id: Set(school_id),
        owner_id: Set(owner),
        created_by_id: Set(access.person_id),
        client_id: Set(new_client_id()),
        secret_hash: Set(hash),
        scopes: Set(scopes.to_oauth()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit(&access, "service_account.created", &account)
        .details(serde_json::json!({
            "name": account.name,
            "scopes": account.scopes,
            "ownerId": NodeKind::Person.id(owner).to_string(),
        }))
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(ServiceAccountCredentials::new(account, &secret))
}

/// The account the input names, if the caller manages it.
async fn managed(
    txn: &DatabaseTransaction,
    access: &Access,
    id: &ID,
) -> MutationResult<service_account::Model> {
    let key = decode_as(id, NodeKind::ServiceAccount)
        .ok_or_else(|| UserError::not_found("serviceAccountId"))?;
    service_account::Entity::find_by_id(key)
        .one(txn)
        .await?
        .filter(|account| access.manages_service_account(account))
        .ok_or_else(|| UserError::not_found("serviceAccountId").into())
}

fn not_revoked(account: &service_account::Model) -> MutationResult<()> {
    if account.revoked_at.is_some() {
        return Err(
            UserError::invalid_state("serviceAccountId", "the service account is revoked").into(),
        );
    }
    Ok(())
}

async fn rotate(
    ctx: &Context<'_>,
    input: RotateServiceAccountSecretInput,
) -> MutationResult<ServiceAccountCredentials> {
    let access = access(ctx).await?;
    let max = MAX_SECRET_GRACE.as_secs() as i32;
    let grace_seconds = input.grace_period_seconds.unwrap_or(0);
    if !(0..=max).contains(&grace_seconds) {
        return Err(UserError::invalid(
            "gracePeriodSeconds",
            format!("must be from 0 to {max} seconds (7 days)"),
        )
        .into());
    }
    let txn = begin_write(db(ctx)).await?;
    let account = managed(&txn, &access, &input.service_account_id).await?;
    not_revoked(&account)?;
    let now = Utc::now();
    let grace = Duration::seconds(grace_seconds.into());
    let (secret, hash) = new_secret();
    let mut change: service_account::ActiveModel = account.clone().into();
    change.previous_secret_hash =
        Set((grace > Duration::zero()).then(|| account.secret_hash.clone()));
    change.previous_secret_expires_at = Set((grace > Duration::zero()).then(|| now + grace));
    change.secret_hash = Set(hash);
    change.secret_rotated_at = Set(Some(now));
    let account = change.update(&txn).await?;
    audit(&access, "service_account.secret_rotated", &account)
        .details(serde_json::json!({ "gracePeriodSeconds": grace_seconds }))
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(ServiceAccountCredentials::new(account, &secret))
}

async fn revoke(
    ctx: &Context<'_>,
    input: RevokeServiceAccountInput,
) -> MutationResult<ServiceAccount> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let account = managed(&txn, &access, &input.service_account_id).await?;
    not_revoked(&account)?;
    let mut change: service_account::ActiveModel = account.into();
    change.revoked_at = Set(Some(Utc::now()));
    change.revoked_by_id = Set(Some(access.person_id));
    change.previous_secret_hash = Set(None);
    change.previous_secret_expires_at = Set(None);
    let account = change.update(&txn).await?;
    audit(&access, "service_account.revoked", &account)
        .details(serde_json::json!({ "scopes": held_scopes(&account).to_oauth() }))
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(ServiceAccount(account))
}
