//! A school's limits on its staff's days out of school per term: a default for everyone,
//! a limit for a role, or for one person (which wins over the role's, which wins over
//! the default: see `days_out::limit_at`). Set and removed by the school's leaders; each
//! limit is versioned, so two leaders editing one limit at once cannot overwrite each
//! other silently.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::Utc;
use entity::enums::StaffRoleKind;
use entity::{release_limit, school};
use sea_orm::{ColumnTrait, EntityTrait, ModelTrait, QueryFilter, Set};
use trellis_macros::{fields, mutations};

use super::days;
use crate::audit::AuditEntry;
use crate::auth::policy::allowed;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db, load_required};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst};
use crate::payload;
use crate::people::{Person, staff_member_now};
use crate::schools::School;

crate::wraps! {
    /// A school's limit on days out of school per term.
    ReleaseLimit(release_limit::Model),
}

/// A school's limit on days out of school per term, for everyone (its default), for a
/// role, or for one person. Seen by the school's leaders and staff.
#[fields(
    /// The limit's global id.
    id = NodeKind::ReleaseLimit,
    /// The role it applies to; `null` for a person's limit or the school's default.
    role: Option<StaffRoleKind>,
    /// The person it applies to; `null` for a role's limit or the school's default (or a
    /// person the caller may not see).
    person: Person = person(person_id),
    /// The version to pass as `expectedVersion` when changing or removing it.
    version: i32,
    /// When it was last set.
    updated_at: chrono::DateTime<Utc>,
)]
#[Object]
impl ReleaseLimit {
    /// The school that sets it.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            load_required::<school::Entity>(ctx, self.0.school_id).await?,
        ))
    }
    /// Most days out of school per term, in steps of half a day.
    async fn days_per_term(&self) -> f64 {
        days(self.0.half_days_per_term)
    }
}

/// Sets a school's limit on days out per term, for everyone (neither `role` nor
/// `personId`), a role, or a person. Setting one that exists changes it.
#[derive(InputObject)]
pub struct SetReleaseLimitInput {
    /// The school (the caller must lead it).
    pub school_id: ID,
    /// A limit for everyone in this role at the school.
    pub role: Option<StaffRoleKind>,
    /// A limit for this member of the school's staff (not with `role`).
    pub person_id: Option<ID>,
    /// Most days out per term, from 0 to 100 in steps of half a day.
    pub days_per_term: f64,
    /// When the limit already exists: the `version` the change was made from (required
    /// then, so that two leaders cannot overwrite each other).
    pub expected_version: Option<i32>,
}

/// Removes one of a school's limits on days out.
#[derive(InputObject)]
pub struct RemoveReleaseLimitInput {
    /// The limit to remove.
    pub release_limit_id: ID,
    /// The `version` it was removed from.
    pub expected_version: i32,
}

payload!(SetReleaseLimitPayload {
    release_limit: ReleaseLimit
});
payload!(RemoveReleaseLimitPayload {
    removed_release_limit_id: ID
});

#[derive(Default)]
pub struct ReleaseLimitMutation;

mutations! {
    impl ReleaseLimitMutation {
        /// Sets (or changes) a school's limit on days out of school per term, for everyone,
        /// a role or a person. The school's leaders may. Approvers then see a warning when a
        /// booking would take someone past it; bookings are not refused.
        fn set_release_limit { set(ctx, input).await }

        /// Removes a school's limit: a person's or a role's falls back to the next one that
        /// applies (role, then default); without any, there is no limit. The school's
        /// leaders may.
        fn remove_release_limit { remove(ctx, input).await }
    }
}

/// Days per term as stored half days: from 0 to 100 in steps of half a day.
fn limit_half_days(days: f64) -> Result<i32, UserError> {
    if !(0.0..=crate::support::MAX_DAYS).contains(&days) {
        return Err(UserError::invalid(
            "daysPerTerm",
            "must be from 0 to 100 days",
        ));
    }
    let half = days * 2.0;
    if half.fract() != 0.0 {
        return Err(UserError::invalid(
            "daysPerTerm",
            "must be in steps of half a day",
        ));
    }
    Ok(half as i32)
}

async fn record(
    conn: &impl sea_orm::ConnectionTrait,
    actor: i32,
    action: &str,
    limit: &release_limit::Model,
) -> Result<(), sea_orm::DbErr> {
    AuditEntry::by(actor, action, NodeKind::ReleaseLimit.id(limit.id))
        .school(Some(limit.school_id))
        .details(serde_json::json!({
            "role": limit.role,
            "personId": limit.person_id.map(|person| NodeKind::Person.id(person)),
            "daysPerTerm": days(limit.half_days_per_term),
        }))
        .record(conn)
        .await
}

async fn set(ctx: &Context<'_>, input: SetReleaseLimitInput) -> MutationResult<ReleaseLimit> {
    let access = access(ctx).await?;
    let school_id = decode_as(&input.school_id, NodeKind::School)
        .ok_or_else(|| UserError::not_found("schoolId"))?;
    allowed(
        access.may_set_release_limit(school_id),
        "only the school's leaders set its release limits",
    )?;
    let half_days = limit_half_days(input.days_per_term)?;
    if input.role.is_some() && input.person_id.is_some() {
        return Err(UserError::invalid("personId", "give a role or a person, not both").into());
    }
    let txn = begin_write(db(ctx)).await?;
    let person_id = match &input.person_id {
        Some(id) => Some(staff_member_now(&txn, "personId", id, school_id).await?),
        None => None,
    };
    let mut existing =
        release_limit::Entity::find().filter(release_limit::Column::SchoolId.eq(school_id));
    existing = match (input.role, person_id) {
        (Some(role), _) => existing.filter(release_limit::Column::Role.eq(role)),
        (None, Some(person)) => existing.filter(release_limit::Column::PersonId.eq(person)),
        (None, None) => existing
            .filter(release_limit::Column::Role.is_null())
            .filter(release_limit::Column::PersonId.is_null()),
    };
    let now = Utc::now();
    let limit = match existing.one(&txn).await? {
        Some(current) => {
            let Some(expected) = input.expected_version else {
                return Err(UserError::invalid(
                    "expectedVersion",
                    "the limit exists: give the version you are changing",
                )
                .into());
            };
            let mut change = Change::edit(&current, now);
            change.half_days_per_term = Set(half_days);
            change.set_by_id = Set(access.person_id);
            change.save(&txn, expected).await?
        }
        None => {
            release_limit::ActiveModel {
                school_id: Set(school_id),
                role: Set(input.role),
                person_id: Set(person_id),
                half_days_per_term: Set(half_days),
                set_by_id: Set(access.person_id),
                ..Default::default()
            }
            .insert_first(&txn, now)
            .await?
        }
    };
    record(&txn, access.person_id, "release_limit.set", &limit).await?;
    txn.commit().await?;
    Ok(ReleaseLimit(limit))
}

async fn remove(ctx: &Context<'_>, input: RemoveReleaseLimitInput) -> MutationResult<ID> {
    let access = access(ctx).await?;
    let key = decode_as(&input.release_limit_id, NodeKind::ReleaseLimit)
        .ok_or_else(|| UserError::not_found("releaseLimitId"))?;
    let txn = begin_write(db(ctx)).await?;
    let current = release_limit::Entity::find_by_id(key)
        .one(&txn)
        .await?
        .filter(|limit| access.sees_release_limits(limit.school_id))
        .ok_or_else(|| UserError::not_found("releaseLimitId"))?;
    allowed(
        access.may_set_release_limit(current.school_id),
        "only the school's leaders remove its release limits",
    )?;
    if current.version != input.expected_version {
        return Err(UserError::conflict().into());
    }
    record(&txn, access.person_id, "release_limit.removed", &current).await?;
    current.delete(&txn).await?;
    txn.commit().await?;
    Ok(input.release_limit_id)
}
