//! Developmental observation: an observer (a coach, a peer, a leader: anyone of the
//! platform who shares a school or an active alliance with the teacher) records a
//! classroom visit; the teacher owns the record. It holds the focus agreed beforehand,
//! what went well, questions for dialogue, agreed next steps and the teacher's own
//! response, and never a grade (`grades`: text that states one is refused with
//! `GRADES_NOT_RECORDED`; the types have no field for one).
//!
//! The purpose wall: each record says whether it is `DEVELOPMENTAL` or for `APPRAISAL`,
//! fixed when it is made (no mutation changes it). Developmental records are seen only by
//! the observer, the teacher and the people the teacher shares them with: never in the
//! appraisal view (`appraisalObservations`), in counts (`observationActivity`, which
//! counts activity, never content, and never gives a count under five) or in anything made
//! for someone else.
//!
//! `sharing` is the one sharing mechanism of observations and reflections
//! (`shareRecord`, `withdrawRecordShare`, `selectRecord`). Who may: `auth/policy/observations.rs`.

pub mod activity;
pub mod grades;
mod mutations;
mod node;
pub mod notices;
pub mod queries;
pub mod sharing;
pub mod types;

pub use types::{Observation, RecordShare};

use entity::enums::RecordPurpose;
use entity::{observation, record_share, reflection, staff_role};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use crate::auth::policy::{Access, RecordFacts};
use crate::errors::{UserError, UserErrorCode};

/// Longest focus of an observation.
pub const FOCUS_MAX: usize = 500;
/// Longest text of each part of an observation (what went well, questions, next steps,
/// the teacher's response).
pub const TEXT_MAX: usize = 10_000;

/// A user error when `text` (of input `field`) states a grade.
pub fn no_grade(field: &str, text: &str) -> Result<(), UserError> {
    match grades::states_a_grade(text) {
        Some(words) => Err(UserError::new(
            field,
            UserErrorCode::GradesNotRecorded,
            format!(
                "observations record no grades or overall judgements (\"{words}\"): describe what you saw and what to try next"
            ),
        )),
        None => Ok(()),
    }
}

/// An observation or a reflection: what the shared rules need of either.
#[derive(Clone, Copy, Debug)]
pub struct RecordRef {
    pub kind: RecordKind,
    pub key: i32,
    pub owner_id: i32,
    pub purpose: RecordPurpose,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Observation,
    Reflection,
}

impl RecordRef {
    pub fn of_observation(row: &observation::Model) -> Self {
        Self {
            kind: RecordKind::Observation,
            key: row.id,
            owner_id: row.teacher_id,
            purpose: row.purpose,
        }
    }

    pub fn of_reflection(row: &reflection::Model) -> Self {
        Self {
            kind: RecordKind::Reflection,
            key: row.id,
            owner_id: row.person_id,
            purpose: row.purpose,
        }
    }

    /// The `record_share` column naming records of this kind.
    pub fn share_column(&self) -> record_share::Column {
        match self.kind {
            RecordKind::Observation => record_share::Column::ObservationId,
            RecordKind::Reflection => record_share::Column::ReflectionId,
        }
    }
}

/// The schools `person_id` works at now, in order.
pub async fn current_schools(
    conn: &impl ConnectionTrait,
    person_id: i32,
) -> Result<Vec<i32>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::SchoolId)
        .filter(staff_role::Column::PersonId.eq(person_id))
        .filter(staff_role::Column::EndsOn.is_null())
        .order_by_asc(staff_role::Column::SchoolId)
        .into_tuple::<i32>()
        .all(conn)
        .await
}

/// What the rules need to know of one record for the caller: whether a share to them
/// holds. One statement at most; none for the owner.
pub async fn facts(
    conn: &impl ConnectionTrait,
    access: &Access,
    record: &RecordRef,
) -> Result<RecordFacts, DbErr> {
    if access.service_account.is_some() || record.owner_id == access.person_id {
        return Ok(RecordFacts::default());
    }
    let shared_with_caller = record_share::Entity::find()
        .filter(record.share_column().eq(record.key))
        .filter(access.holding_shares_to_caller())
        .count(conn)
        .await?
        > 0;
    Ok(RecordFacts { shared_with_caller })
}

/// The observation `key` if the caller sees it.
pub async fn visible_observation(
    conn: &impl ConnectionTrait,
    access: &Access,
    key: i32,
) -> Result<Option<observation::Model>, DbErr> {
    let Some(row) = observation::Entity::find_by_id(key).one(conn).await? else {
        return Ok(None);
    };
    let facts = facts(conn, access, &RecordRef::of_observation(&row)).await?;
    Ok(access.sees_observation(&row, facts).then_some(row))
}

/// The reflection `key` if the caller sees it.
pub async fn visible_reflection(
    conn: &impl ConnectionTrait,
    access: &Access,
    key: i32,
) -> Result<Option<reflection::Model>, DbErr> {
    let Some(row) = reflection::Entity::find_by_id(key).one(conn).await? else {
        return Ok(None);
    };
    let facts = facts(conn, access, &RecordRef::of_reflection(&row)).await?;
    Ok(access.sees_reflection(&row, facts).then_some(row))
}

// The domain's queries and mutations, merged into the schema's `Query` and `Mutation`.
#[derive(async_graphql::MergedObject, Default)]
pub struct ObservationsQueries(queries::ObservationQuery);

#[derive(async_graphql::MergedObject, Default)]
pub struct ObservationsMutations(mutations::ObservationMutation, sharing::SharingMutation);
