//! A coaching relationship's life (start, pause, resume, end) and what its coach and
//! coachee record in it: cycles, dated sessions with notes, agreed action steps with
//! check-back dates.

use async_graphql::{Context, ID, InputObject};
use chrono::{NaiveDate, Utc};
use entity::enums::CoachingStatus;
use entity::{
    coaching_action_step, coaching_cycle, coaching_relationship, coaching_session, technique,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use trellis_macros::mutations;

use super::{
    CoachingActionStep, CoachingCycle, CoachingRelationship, CoachingSession, FOCUS_MAX, NOTES_MAX,
    SESSION_DAYS_MAX, STEP_MAX, own_cycle, own_relationship, participant_relationship,
    relationship_audit, relationship_key, wrong_status_on,
};
use crate::auth::policy::Access;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst};
use crate::validation;

/// The inputs of a relationship's life-cycle steps: the relationship and why.
macro_rules! step_inputs {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(InputObject)]
        pub struct $name {
            /// The relationship: its coach or coachee may.
            pub relationship_id: ID,
            /// Why (optional, at most 500 characters). Between the coach and the coachee:
            /// the audit log (read by the alliance's CPD leads) never records it.
            pub reason: Option<String>,
        }
    )+};
}

step_inputs! {
    /// Starting a proposed relationship.
    StartCoachingRelationshipInput,
    /// Pausing an active relationship.
    PauseCoachingRelationshipInput,
    /// Resuming a paused relationship.
    ResumeCoachingRelationshipInput,
    /// Ending a relationship.
    EndCoachingRelationshipInput,
}

/// Starting a cycle.
#[derive(InputObject)]
pub struct StartCoachingCycleInput {
    /// The relationship, active.
    pub relationship_id: ID,
    /// What the cycle works on (1 to 500 characters).
    pub focus: String,
}

/// Closing a cycle with its outcome.
#[derive(InputObject)]
pub struct CloseCoachingCycleInput {
    /// The cycle, open.
    pub cycle_id: ID,
    /// What came of it (1 to 10,000 characters).
    pub outcome: String,
}

/// A session held.
#[derive(InputObject)]
pub struct RecordCoachingSessionInput {
    /// The relationship, active.
    pub relationship_id: ID,
    /// The cycle it belongs to, if any (of the same relationship).
    pub cycle_id: Option<ID>,
    /// The day it was held (not in the future).
    pub held_on: NaiveDate,
    /// What was discussed and agreed (at most 10,000 characters).
    #[graphql(default)]
    pub notes: String,
    /// Whether the coach was out of their school for it. Default: false.
    #[graphql(default)]
    pub out_of_school: bool,
    /// Release time it cost the coach, in days: 0.5 to 5 in half days when out of school
    /// (default half a day); 0 in school.
    pub release_days: Option<f64>,
}

/// An agreed action step.
#[derive(InputObject)]
pub struct AgreeCoachingActionStepInput {
    /// The relationship, active.
    pub relationship_id: ID,
    /// The cycle it belongs to, if any (of the same relationship).
    pub cycle_id: Option<ID>,
    /// What will be done (1 to 1,000 characters).
    pub description: String,
    /// A technique it puts into practice.
    pub technique_id: Option<ID>,
    /// When to check back on it: today or later.
    pub check_back_on: NaiveDate,
}

/// Marking an action step done.
#[derive(InputObject)]
pub struct CompleteCoachingActionStepInput {
    /// The step, not done yet.
    pub action_step_id: ID,
}

crate::payload!(
    StartCoachingRelationshipPayload,
    PauseCoachingRelationshipPayload,
    ResumeCoachingRelationshipPayload,
    EndCoachingRelationshipPayload {
        relationship: CoachingRelationship
    }
);
crate::payload!(
    StartCoachingCyclePayload,
    CloseCoachingCyclePayload {
        cycle: CoachingCycle
    }
);
crate::payload!(RecordCoachingSessionPayload {
    session: CoachingSession
});
crate::payload!(
    AgreeCoachingActionStepPayload,
    CompleteCoachingActionStepPayload {
        action_step: CoachingActionStep
    }
);

#[derive(Default)]
pub struct RelationshipMutation;

mutations! {
    impl RelationshipMutation {
        /// Starts a proposed relationship: `PROPOSED` → `ACTIVE`. Its coach or coachee may.
        fn start_coaching_relationship {
            step(ctx, input.relationship_id, input.reason, CoachingStatus::Active, &[CoachingStatus::Proposed]).await
        }

        /// Pauses an active relationship: `ACTIVE` → `PAUSED`. Its coach or coachee may.
        fn pause_coaching_relationship {
            step(ctx, input.relationship_id, input.reason, CoachingStatus::Paused, &[CoachingStatus::Active]).await
        }

        /// Resumes a paused relationship: `PAUSED` → `ACTIVE`. Its coach or coachee may.
        fn resume_coaching_relationship {
            step(ctx, input.relationship_id, input.reason, CoachingStatus::Active, &[CoachingStatus::Paused]).await
        }

        /// Ends a relationship that has not ended; its history stays. Its coach or coachee
        /// may.
        fn end_coaching_relationship {
            step(
                ctx,
                input.relationship_id,
                input.reason,
                CoachingStatus::Ended,
                &[CoachingStatus::Proposed, CoachingStatus::Active, CoachingStatus::Paused],
            )
            .await
        }

        /// Starts a cycle in an active relationship. Its coach or coachee may.
        fn start_coaching_cycle { start_cycle(ctx, input).await }

        /// Closes an open cycle of an active relationship with its outcome. Its coach or coachee
        /// may.
        fn close_coaching_cycle { close_cycle(ctx, input).await }

        /// Records a session held, with its notes (seen by the coach and coachee only). A
        /// session out of school costs the coach release days, counted in the release
        /// ledger. Its coach or coachee may.
        fn record_coaching_session { record_session(ctx, input).await }

        /// Records an agreed action step with its check-back date (today or later),
        /// optionally pointing to a technique. Its coach or coachee may.
        fn agree_coaching_action_step { agree_step(ctx, input).await }

        /// Marks an action step done, in an active relationship. Its coach or coachee may.
        fn complete_coaching_action_step { complete_step(ctx, input).await }
    }
}

fn wrong_status(status: CoachingStatus) -> UserError {
    wrong_status_on("relationshipId", status)
}

async fn step(
    ctx: &Context<'_>,
    relationship_id: ID,
    reason: Option<String>,
    to: CoachingStatus,
    from: &[CoachingStatus],
) -> MutationResult<CoachingRelationship> {
    let access = access(ctx).await?;
    let reason = validation::optional("reason", reason.as_deref(), 500)?;
    let txn = begin_write(db(ctx)).await?;
    let current = participant_relationship(
        &txn,
        &access,
        &relationship_id,
        "only the coach and the coachee move a relationship through its life",
    )
    .await?;
    if !from.contains(&current.status) {
        return Err(wrong_status(current.status).into());
    }
    let row = Change::step(&current, to, Utc::now())
        .save_step(&txn, access.person_id, reason)
        .await?;
    txn.commit().await?;
    Ok(CoachingRelationship(row))
}

/// An active relationship the caller takes part in, named by input `field`.
async fn active_own(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<coaching_relationship::Model> {
    let row = own_relationship(conn, access, relationship_key(id, field)?, field).await?;
    if row.status != CoachingStatus::Active {
        return Err(wrong_status(row.status).into());
    }
    Ok(row)
}

/// A cycle of `relationship`, named by input `field`.
async fn cycle_of(
    conn: &impl ConnectionTrait,
    relationship: i32,
    id: Option<&ID>,
    field: &str,
) -> MutationResult<Option<i32>> {
    let Some(id) = id else { return Ok(None) };
    let key = decode_as(id, NodeKind::CoachingCycle).ok_or_else(|| UserError::not_found(field))?;
    coaching_cycle::Entity::find_by_id(key)
        .one(conn)
        .await?
        .filter(|cycle| cycle.relationship_id == relationship)
        .ok_or_else(|| UserError::not_found(field))?;
    Ok(Some(key))
}

async fn start_cycle(
    ctx: &Context<'_>,
    input: StartCoachingCycleInput,
) -> MutationResult<CoachingCycle> {
    let access = access(ctx).await?;
    let focus = validation::required("focus", &input.focus, FOCUS_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let relationship = active_own(&txn, &access, &input.relationship_id, "relationshipId").await?;
    let now = Utc::now();
    let row = coaching_cycle::ActiveModel {
        relationship_id: Set(relationship.id),
        focus: Set(focus),
        outcome: Set(None),
        started_on: Set(now.date_naive()),
        ended_on: Set(None),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    relationship_audit(access.person_id, "coaching.cycle_started", &relationship)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(CoachingCycle(row))
}

async fn close_cycle(
    ctx: &Context<'_>,
    input: CloseCoachingCycleInput,
) -> MutationResult<CoachingCycle> {
    let access = access(ctx).await?;
    let outcome = validation::required("outcome", &input.outcome, NOTES_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let (cycle, relationship) = own_cycle(&txn, &access, &input.cycle_id, "cycleId").await?;
    if relationship.status != CoachingStatus::Active {
        return Err(wrong_status_on("cycleId", relationship.status).into());
    }
    if cycle.ended_on.is_some() {
        return Err(UserError::invalid_state("cycleId", "the cycle is closed").into());
    }
    let now = Utc::now();
    let mut change = Change::edit(&cycle, now);
    change.outcome = Set(Some(outcome));
    change.ended_on = Set(Some(now.date_naive()));
    let row = change.save_as_read(&txn).await?;
    relationship_audit(access.person_id, "coaching.cycle_closed", &relationship)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(CoachingCycle(row))
}

/// Release days of a session as half days: 0 in school; out of school 0.5 to 5 in half
/// days (half a day when not given).
fn session_half_days(out_of_school: bool, days: Option<f64>) -> Result<i32, UserError> {
    let field = "releaseDays";
    if !out_of_school {
        return match days {
            None => Ok(0),
            Some(0.0) => Ok(0),
            Some(_) => Err(UserError::invalid(
                field,
                "a session in school costs no release time",
            )),
        };
    }
    let days = days.unwrap_or(0.5);
    if !(0.5..=SESSION_DAYS_MAX).contains(&days) || (days * 2.0).fract() != 0.0 {
        return Err(UserError::invalid(
            field,
            format!("must be from 0.5 to {SESSION_DAYS_MAX} days, in half days"),
        ));
    }
    Ok((days * 2.0) as i32)
}

async fn record_session(
    ctx: &Context<'_>,
    input: RecordCoachingSessionInput,
) -> MutationResult<CoachingSession> {
    let access = access(ctx).await?;
    let notes = validation::optional("notes", Some(&input.notes), NOTES_MAX)?.unwrap_or_default();
    let half_days = session_half_days(input.out_of_school, input.release_days)?;
    let now = Utc::now();
    if input.held_on > now.date_naive() {
        return Err(UserError::invalid("heldOn", "must not be in the future").into());
    }
    let txn = begin_write(db(ctx)).await?;
    let relationship = active_own(&txn, &access, &input.relationship_id, "relationshipId").await?;
    let cycle = cycle_of(&txn, relationship.id, input.cycle_id.as_ref(), "cycleId").await?;
    let row = coaching_session::ActiveModel {
        relationship_id: Set(relationship.id),
        cycle_id: Set(cycle),
        held_on: Set(input.held_on),
        notes: Set(notes),
        out_of_school: Set(input.out_of_school),
        half_days: Set(half_days),
        recorded_by_id: Set(access.person_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    relationship_audit(access.person_id, "coaching.session_recorded", &relationship)
        .school(relationship.coach_school_id)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(CoachingSession(row))
}

async fn agree_step(
    ctx: &Context<'_>,
    input: AgreeCoachingActionStepInput,
) -> MutationResult<CoachingActionStep> {
    let access = access(ctx).await?;
    let description = validation::required("description", &input.description, STEP_MAX)?;
    let now = Utc::now();
    if input.check_back_on < now.date_naive() {
        return Err(UserError::invalid("checkBackOn", "must be today or later").into());
    }
    let txn = begin_write(db(ctx)).await?;
    let relationship = active_own(&txn, &access, &input.relationship_id, "relationshipId").await?;
    let cycle = cycle_of(&txn, relationship.id, input.cycle_id.as_ref(), "cycleId").await?;
    let technique = match &input.technique_id {
        Some(id) => {
            let key = decode_as(id, NodeKind::Technique)
                .ok_or_else(|| UserError::not_found("techniqueId"))?;
            technique::Entity::find_by_id(key)
                .one(&txn)
                .await?
                .filter(|row| access.sees_technique(row))
                .filter(|row| {
                    row.alliance_id
                        .is_none_or(|a| a == relationship.alliance_id)
                })
                .ok_or_else(|| UserError::not_found("techniqueId"))?;
            Some(key)
        }
        None => None,
    };
    let row = coaching_action_step::ActiveModel {
        relationship_id: Set(relationship.id),
        cycle_id: Set(cycle),
        description: Set(description),
        technique_id: Set(technique),
        check_back_on: Set(input.check_back_on),
        done_at: Set(None),
        reminded_at: Set(None),
        created_by_id: Set(access.person_id),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    relationship_audit(
        access.person_id,
        "coaching.action_step_agreed",
        &relationship,
    )
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(CoachingActionStep(row))
}

async fn complete_step(
    ctx: &Context<'_>,
    input: CompleteCoachingActionStepInput,
) -> MutationResult<CoachingActionStep> {
    let access = access(ctx).await?;
    let field = "actionStepId";
    let key = decode_as(&input.action_step_id, NodeKind::CoachingActionStep)
        .ok_or_else(|| UserError::not_found(field))?;
    let txn = begin_write(db(ctx)).await?;
    let current = coaching_action_step::Entity::find_by_id(key)
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::not_found(field))?;
    let relationship = own_relationship(&txn, &access, current.relationship_id, field).await?;
    if relationship.status != CoachingStatus::Active {
        return Err(wrong_status_on(field, relationship.status).into());
    }
    if current.done_at.is_some() {
        return Err(UserError::invalid_state(field, "the step is done already").into());
    }
    let now = Utc::now();
    let mut change = Change::edit(&current, now);
    change.done_at = Set(Some(now));
    let row = change.save_as_read(&txn).await?;
    relationship_audit(access.person_id, "coaching.action_step_done", &relationship)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(CoachingActionStep(row))
}
