//! Starting and ending staff roles: the one place that does either, whoever asks (an
//! accepted invitation, a leader ending a role, an import from an MIS), so that what must
//! follow a start or an end happens every time: sessions of the roleless end, delta sync
//! learns of it, and other systems are told (a webhook event, in the same transaction).

use chrono::NaiveDate;
use entity::enums::{SchoolPhase, StaffRoleKind, WebhookEventType};
use entity::{alliance_role, staff_role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};

use crate::auth::sessions;
use crate::sync;
use crate::webhooks::{Event, emit};

/// A staff role to start.
pub struct NewStaffRole {
    pub person_id: i32,
    pub school_id: i32,
    pub role: StaffRoleKind,
    pub job_title: Option<String>,
    pub subjects: Vec<String>,
    pub phases: Vec<SchoolPhase>,
    pub starts_on: NaiveDate,
}

/// Starts a staff role, in the caller's transaction.
pub async fn start_staff_role(
    txn: &DatabaseTransaction,
    new: NewStaffRole,
) -> Result<staff_role::Model, DbErr> {
    let role = staff_role::ActiveModel {
        person_id: Set(new.person_id),
        school_id: Set(new.school_id),
        role: Set(new.role),
        job_title: Set(new.job_title),
        subjects: Set(serde_json::json!(new.subjects)),
        phases: Set(serde_json::json!(new.phases)),
        starts_on: Set(new.starts_on),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    // Seen at a new place, by some for the first time (delta sync).
    sync::person_changed(txn, role.person_id).await?;
    emit(
        txn,
        Event::staff_role(WebhookEventType::StaffRoleStarted, &role),
    )
    .await?;
    Ok(role)
}

/// Ends a current staff role on `ends_on`; the row stays as history. A person left with
/// no current role, at a school or in an alliance, is signed out everywhere (API.md).
pub async fn end_staff_role(
    txn: &DatabaseTransaction,
    role: staff_role::Model,
    ends_on: NaiveDate,
) -> Result<staff_role::Model, DbErr> {
    let mut change: staff_role::ActiveModel = role.into();
    change.ends_on = Set(Some(ends_on));
    let role = change.update(txn).await?;
    end_shares_through_school(txn, role.person_id, role.school_id).await?;
    end_sessions_if_roleless(txn, role.person_id).await?;
    sync::tombstones::person_leaves_school(txn, role.person_id, role.school_id).await?;
    sync::person_changed(txn, role.person_id).await?;
    emit(
        txn,
        Event::staff_role(WebhookEventType::StaffRoleEnded, &role),
    )
    .await?;
    Ok(role)
}

/// When a person's last current role at a school ends, the shares of their records they
/// made through that school are withdrawn, for good: a later role there does not bring
/// them back.
async fn end_shares_through_school(
    txn: &DatabaseTransaction,
    person_id: i32,
    school_id: i32,
) -> Result<(), DbErr> {
    let still_there = staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.eq(person_id))
        .filter(staff_role::Column::SchoolId.eq(school_id))
        .filter(staff_role::Column::EndsOn.is_null())
        .count(txn)
        .await?;
    if still_there == 0 {
        entity::record_share::Entity::update_many()
            .col_expr(
                entity::record_share::Column::WithdrawnAt,
                sea_orm::sea_query::Expr::value(chrono::Utc::now()),
            )
            .filter(entity::record_share::Column::OwnerId.eq(person_id))
            .filter(entity::record_share::Column::ThroughSchoolId.eq(school_id))
            .filter(entity::record_share::Column::WithdrawnAt.is_null())
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Ends every sign-in of a person who holds no current role any more.
pub async fn end_sessions_if_roleless(
    txn: &DatabaseTransaction,
    person_id: i32,
) -> Result<(), DbErr> {
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
