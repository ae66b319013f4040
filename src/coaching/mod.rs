//! Coaching: brokerage from the strengths and needs audit (`suggestions`), coaching
//! relationships with their life cycle, cycles, dated sessions and agreed action steps with
//! check-back dates (`relationships`), their focus and cadence as agreed (`details`), the
//! reminder job for overdue check-backs (`reminders`), and the shared library of techniques
//! (`techniques`). Who sees what: `auth/policy/coaching.rs`. Expertise profiles are
//! `expertise/`.

mod details;
mod node;
pub mod notices;
pub mod queries;
pub mod relationships;
pub mod reminders;
pub mod suggestions;
pub mod techniques;
pub mod types;

pub use types::{
    CoachingActionStep, CoachingCycle, CoachingRelationship, CoachingSession, CoachingSuggestion,
    Technique,
};

use async_graphql::ID;
use entity::enums::CoachingStatus;
use entity::{coaching_cycle, coaching_relationship};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};

use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed};
use crate::errors::{MutationResult, UserError};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::LifeCycle;

/// Longest focus of a relationship or cycle.
pub const FOCUS_MAX: usize = 500;
/// Longest cadence ("fortnightly, Tuesday mornings").
pub const CADENCE_MAX: usize = 200;
/// Longest session notes or cycle outcome.
pub const NOTES_MAX: usize = 10_000;
/// Longest action step.
pub const STEP_MAX: usize = 1_000;
/// Most release days one session may cost.
pub const SESSION_DAYS_MAX: f64 = 5.0;

/// Statuses in which a relationship takes up its coach's capacity.
pub const UNDER_WAY: [CoachingStatus; 2] = [CoachingStatus::Proposed, CoachingStatus::Active];

/// The relationship named by input `field`, if the caller sees it; otherwise `NOT_FOUND`.
pub async fn visible_relationship(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<coaching_relationship::Model> {
    relationship_by_key(conn, access, relationship_key(id, field)?, field).await
}

/// The key of the relationship named by input `field`; `NOT_FOUND` when it names none.
pub fn relationship_key(id: &ID, field: &str) -> Result<i32, UserError> {
    decode_as(id, NodeKind::CoachingRelationship).ok_or_else(|| UserError::not_found(field))
}

/// The relationship named by input `relationshipId` that the caller takes part in:
/// `NOT_FOUND` when they do not see it, `FORBIDDEN` (saying `why`) when they see it
/// without taking part (those who broker it).
pub async fn participant_relationship(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    why: &'static str,
) -> MutationResult<coaching_relationship::Model> {
    let relationship = visible_relationship(conn, access, id, "relationshipId").await?;
    allowed(access.takes_part_in_coaching(&relationship), why)?;
    Ok(relationship)
}

/// `INVALID_STATE` on input `field`: the relationship is not in a status that allows it.
pub fn wrong_status_on(field: &str, status: CoachingStatus) -> UserError {
    UserError::wrong_state(field, "relationship", status)
}

/// The relationship `key`, if the caller sees it; otherwise `NOT_FOUND` on `field`.
pub async fn relationship_by_key(
    conn: &impl ConnectionTrait,
    access: &Access,
    key: i32,
    field: &str,
) -> MutationResult<coaching_relationship::Model> {
    relationship_if(conn, key, field, |row| {
        access.sees_coaching_relationship(row)
    })
    .await
}

/// The relationship's content (cycles, sessions, steps) named through `field`: only its
/// coach and coachee reach it; for anyone else it does not exist.
pub async fn own_relationship(
    conn: &impl ConnectionTrait,
    access: &Access,
    key: i32,
    field: &str,
) -> MutationResult<coaching_relationship::Model> {
    relationship_if(conn, key, field, |row| access.reads_coaching_content(row)).await
}

/// The relationship `key` if `reaches` says the caller reaches it; otherwise `NOT_FOUND`
/// on `field`, as though it did not exist.
async fn relationship_if(
    conn: &impl ConnectionTrait,
    key: i32,
    field: &str,
    reaches: impl FnOnce(&coaching_relationship::Model) -> bool,
) -> MutationResult<coaching_relationship::Model> {
    coaching_relationship::Entity::find_by_id(key)
        .one(conn)
        .await?
        .filter(reaches)
        .ok_or_else(|| UserError::not_found(field).into())
}

/// The cycle named by input `field` with its relationship, if the caller takes part in
/// the relationship (only they reach a cycle); otherwise `NOT_FOUND`.
pub async fn own_cycle(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<(coaching_cycle::Model, coaching_relationship::Model)> {
    let key = decode_as(id, NodeKind::CoachingCycle).ok_or_else(|| UserError::not_found(field))?;
    let cycle = coaching_cycle::Entity::find_by_id(key)
        .one(conn)
        .await?
        .ok_or_else(|| UserError::not_found(field))?;
    let relationship = own_relationship(conn, access, cycle.relationship_id, field).await?;
    Ok((cycle, relationship))
}

/// What the audit log says of a relationship: who, in which alliance, its status; never
/// its content.
pub fn relationship_audit<'a>(
    by: i32,
    action: &'a str,
    row: &coaching_relationship::Model,
) -> AuditEntry<'a> {
    AuditEntry::by(by, action, NodeKind::CoachingRelationship.id(row.id))
        .alliance(Some(row.alliance_id))
        .details(serde_json::json!({
            "coach": NodeKind::Person.id(row.coach_id).to_string(),
            "coachee": NodeKind::Person.id(row.coachee_id).to_string(),
            "purpose": row.purpose,
            "status": row.status,
        }))
}

/// A relationship's life cycle: proposed → active → paused → active … → ended. Each step's
/// history is its audit entry (`coaching.proposed`, `coaching.started`...), without the
/// reason given for the step.
impl LifeCycle for coaching_relationship::Entity {
    type Status = CoachingStatus;

    fn status(row: &coaching_relationship::Model) -> CoachingStatus {
        row.status
    }

    fn set_status(change: &mut coaching_relationship::ActiveModel, status: CoachingStatus) {
        change.status = Set(status);
    }

    async fn keep_history(
        conn: &impl ConnectionTrait,
        row: &coaching_relationship::Model,
        from: Option<CoachingStatus>,
        by: i32,
        // The reason given for a pause or an end is between the coach and the coachee: the
        // audit log, which the alliance's CPD leads read, never holds it.
        _reason: Option<String>,
    ) -> Result<(), DbErr> {
        let action = match row.status {
            CoachingStatus::Proposed => "coaching.proposed",
            CoachingStatus::Active => "coaching.started",
            CoachingStatus::Paused => "coaching.paused",
            CoachingStatus::Ended => "coaching.ended",
        };
        AuditEntry::by(by, action, NodeKind::CoachingRelationship.id(row.id))
            .alliance(Some(row.alliance_id))
            .details(serde_json::json!({
                "from": from,
                "status": row.status,
            }))
            .record(conn)
            .await
    }
}

// The domain's queries and mutations, merged into the schema's `Query` and `Mutation`.
#[derive(async_graphql::MergedObject, Default)]
pub struct CoachingQueries(
    queries::CoachingQuery,
    suggestions::SuggestionQuery,
    techniques::TechniqueQuery,
);

#[derive(async_graphql::MergedObject, Default)]
pub struct CoachingMutations(
    suggestions::SuggestionMutation,
    relationships::RelationshipMutation,
    details::DetailsMutation,
    techniques::TechniqueMutation,
);
