//! Ending roles and disabling accounts. Ending a person's last role, or disabling them,
//! ends all their sign-ins at once.

use async_graphql::{Context, ID, InputObject};
use chrono::{NaiveDate, Utc};
use entity::enums::{AllianceRoleKind, PersonStatus};
use entity::{alliance_role, person, staff_role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
};
use trellis_macros::mutations;

use super::{AllianceRole, Person, StaffRole};
use crate::audit::AuditEntry;
use crate::auth::policy::allowed;
use crate::auth::sessions;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, caller, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::Change;
use crate::payload;
use crate::validation;

/// A staff role to end, and when.
#[derive(InputObject)]
pub struct EndStaffRoleInput {
    /// The staff role to end.
    pub staff_role_id: ID,
    /// Defaults to today.
    pub ends_on: Option<NaiveDate>,
}

/// An alliance role to end, and when.
#[derive(InputObject)]
pub struct EndAllianceRoleInput {
    /// The alliance role to end.
    pub alliance_role_id: ID,
    /// Defaults to today.
    pub ends_on: Option<NaiveDate>,
}

/// The person to disable.
#[derive(InputObject)]
pub struct DisablePersonInput {
    /// The person to disable; not the caller.
    pub person_id: ID,
}

/// The person to enable again.
#[derive(InputObject)]
pub struct EnablePersonInput {
    /// The disabled person to let sign in again.
    pub person_id: ID,
}

payload!(EndStaffRolePayload {
    staff_role: StaffRole
});
payload!(EndAllianceRolePayload {
    alliance_role: AllianceRole
});
payload!(DisablePersonPayload { person: Person });
payload!(EnablePersonPayload { person: Person });

#[derive(Default)]
pub struct AccountMutation;

mutations! {
    impl AccountMutation {
        /// Ends a person's role at a school; the record stays as history. The school's leaders
        /// and its alliances' admins may.
        fn end_staff_role { end_staff_role(ctx, input).await }

        /// Ends a person's role in an alliance; the record stays as history. The alliance's
        /// admins and CPD leads may; the alliance keeps at least one of them.
        fn end_alliance_role { end_alliance_role(ctx, input).await }

        /// Stops a person signing in, and ends their sign-ins. Those who administer the person
        /// may, but not for themselves.
        fn disable_person { set_status(ctx, &input.person_id, PersonStatus::Disabled).await }

        /// Lets a disabled person sign in again.
        fn enable_person { set_status(ctx, &input.person_id, PersonStatus::Active).await }
    }
}

/// Ends every sign-in of a person who holds no current role any more.
async fn end_sessions_if_roleless(txn: &DatabaseTransaction, person_id: i32) -> MutationResult<()> {
    let staff = staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.eq(person_id))
        .filter(staff_role::Column::EndsOn.is_null())
        .count(txn)
        .await?;
    let alliance = alliance_role::Entity::find()
        .filter(alliance_role::Column::PersonId.eq(person_id))
        .filter(alliance_role::Column::EndsOn.is_null())
        .count(txn)
        .await?;
    if staff + alliance == 0 {
        sessions::end_all(txn, person_id).await?;
    }
    Ok(())
}

async fn end_staff_role(ctx: &Context<'_>, input: EndStaffRoleInput) -> MutationResult<StaffRole> {
    let access = access(ctx).await?;
    let not_found = || UserError::not_found("staffRoleId");
    let id = decode_as(&input.staff_role_id, NodeKind::StaffRole).ok_or_else(not_found)?;
    let txn = begin_write(db(ctx)).await?;
    let role = staff_role::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|role| access.finds_staff_role(role))
        .ok_or_else(not_found)?;
    allowed(
        access.manages_school(role.school_id),
        "only the school's leaders and its alliances' admins end staff roles",
    )?;
    if role.ends_on.is_some() {
        return Err(UserError::invalid_state("staffRoleId", "this role has already ended").into());
    }
    let ends_on = validation::end_date("endsOn", input.ends_on, role.starts_on)?;
    let role = super::staff_roles::end(&txn, role, ends_on).await?;
    end_sessions_if_roleless(&txn, role.person_id).await?;
    AuditEntry::by_caller(&access, "staff_role.ended", NodeKind::StaffRole.id(role.id))
        .school(Some(role.school_id))
        .details(serde_json::json!({ "person": NodeKind::Person.id(role.person_id).to_string() }))
        .record(&txn)
        .await?;
    txn.commit().await?;
    caller(ctx).forget_access();
    Ok(StaffRole(role))
}

async fn end_alliance_role(
    ctx: &Context<'_>,
    input: EndAllianceRoleInput,
) -> MutationResult<AllianceRole> {
    let access = access(ctx).await?;
    let not_found = || UserError::not_found("allianceRoleId");
    let id = decode_as(&input.alliance_role_id, NodeKind::AllianceRole).ok_or_else(not_found)?;
    let txn = begin_write(db(ctx)).await?;
    let role = alliance_role::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|role| access.sees_alliance(role.alliance_id))
        .ok_or_else(not_found)?;
    allowed(
        access.administers_alliance(role.alliance_id),
        "only the alliance's admins and CPD leads end its roles",
    )?;
    if role.ends_on.is_some() {
        return Err(
            UserError::invalid_state("allianceRoleId", "this role has already ended").into(),
        );
    }
    if role.role.administers() {
        let administrators = alliance_role::Entity::find()
            .filter(alliance_role::Column::AllianceId.eq(role.alliance_id))
            .filter(alliance_role::Column::EndsOn.is_null())
            .filter(
                alliance_role::Column::Role
                    .is_in([AllianceRoleKind::Admin, AllianceRoleKind::CpdLead]),
            )
            .count(&txn)
            .await?;
        if administrators <= 1 {
            return Err(UserError::invalid_state(
                "allianceRoleId",
                "an alliance keeps at least one admin or CPD lead; appoint another first",
            )
            .into());
        }
    }
    let ends_on = validation::end_date("endsOn", input.ends_on, role.starts_on)?;
    let mut change: alliance_role::ActiveModel = role.into();
    change.ends_on = Set(Some(ends_on));
    let role = change.update(&txn).await?;
    end_sessions_if_roleless(&txn, role.person_id).await?;
    AuditEntry::by(
        access.person_id,
        "alliance_role.ended",
        NodeKind::AllianceRole.id(role.id),
    )
    .alliance(Some(role.alliance_id))
    .details(serde_json::json!({ "person": NodeKind::Person.id(role.person_id).to_string() }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    caller(ctx).forget_access();
    Ok(AllianceRole(role))
}

async fn set_status(ctx: &Context<'_>, id: &ID, status: PersonStatus) -> MutationResult<Person> {
    let access = access(ctx).await?;
    let not_found = || UserError::not_found("personId");
    let id = decode_as(id, NodeKind::Person).ok_or_else(not_found)?;
    let txn = begin_write(db(ctx)).await?;
    let person = person::Entity::find_by_id(id)
        .filter(access.person_condition())
        .one(&txn)
        .await?
        .ok_or_else(not_found)?;
    let schools: Vec<i32> = staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::SchoolId)
        .filter(staff_role::Column::PersonId.eq(id))
        .filter(staff_role::Column::EndsOn.is_null())
        .into_tuple()
        .all(&txn)
        .await?;
    let alliances: Vec<i32> = alliance_role::Entity::find()
        .select_only()
        .column(alliance_role::Column::AllianceId)
        .filter(alliance_role::Column::PersonId.eq(id))
        .filter(alliance_role::Column::EndsOn.is_null())
        .into_tuple()
        .all(&txn)
        .await?;
    allowed(
        access.sets_account_status_of(id, &schools, &alliances),
        "only those who administer the person (leaders of their school, admins of their alliance) may do this, and not for themselves",
    )?;
    if person.status == status {
        return Ok(Person(person));
    }
    let mut change = Change::edit(&person, Utc::now());
    change.status = Set(status);
    let person = change.save_as_read(&txn).await?;
    if status == PersonStatus::Disabled {
        sessions::end_all(&txn, id).await?;
    }
    AuditEntry::by(
        access.person_id,
        if status == PersonStatus::Disabled {
            "person.disabled"
        } else {
            "person.enabled"
        },
        NodeKind::Person.id(id),
    )
    .details(serde_json::json!({}))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(Person(person))
}
