//! Writing (and editing) an evaluation and a follow-up, and reading one's own.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::Utc;
use entity::enums::CommunityMembershipStatus;
use entity::{
    community_member, event, event_booking, event_evaluation, event_follow_up, practice_author,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use trellis_macros::mutations;

use super::{EventEvaluation, EventFollowUp, PLANNED_CHANGE_MAX, WHAT_CHANGED_MAX};
use crate::auth::policy::Access;
use crate::db::begin_write;
use crate::errors::{ApiError, MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst};
use crate::payload;
use crate::themes::theme_keys;
use crate::validation;

/// What will change in the caller's practice after an event they attended. Writing it
/// again edits it.
#[derive(InputObject)]
pub struct SubmitEventEvaluationInput {
    /// The caller's own booking, once their attendance is recorded (`ATTENDED`).
    pub booking_id: ID,
    /// What will change in their practice (required; at most 2,000 characters): not
    /// whether they enjoyed the day.
    pub planned_change: String,
    /// Themes of the change (of the shared taxonomy or the event's alliance; at most 20).
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
    /// Share the text in full with the event's hosts; otherwise it is only counted.
    #[graphql(default)]
    pub share_in_full: bool,
    /// When editing: the `version` the change was made from.
    pub expected_version: Option<i32>,
}

/// What actually changed in the caller's practice, weeks after an event they attended.
/// Writing it again edits it.
#[derive(InputObject)]
pub struct SubmitEventFollowUpInput {
    /// The caller's own booking, once their attendance is recorded (`ATTENDED`).
    pub booking_id: ID,
    /// What changed (required; at most 5,000 characters).
    pub what_changed: String,
    /// A practice the caller authored (or adapted) that came of it.
    pub practice_id: Option<ID>,
    /// A community the caller is a member of that they joined because of it.
    pub community_id: Option<ID>,
    /// Share it in full with the event's hosts; otherwise it is only counted.
    #[graphql(default)]
    pub share_in_full: bool,
    /// When editing: the `version` the change was made from.
    pub expected_version: Option<i32>,
}

payload!(SubmitEventEvaluationPayload {
    evaluation: EventEvaluation
});
payload!(SubmitEventFollowUpPayload {
    follow_up: EventFollowUp
});

#[derive(Default)]
pub struct EvaluationMutation;

mutations! {
    impl EvaluationMutation {
        /// Writes or edits the caller's evaluation of an event they attended: what will
        /// change in their practice. Only the person who attended may, once attendance is
        /// recorded.
        fn submit_event_evaluation { evaluate(ctx, input).await }

        /// Writes or edits the caller's impact follow-up of an event they attended: what
        /// changed, optionally a practice they authored and a community they joined. Only
        /// the person who attended may, once attendance is recorded.
        fn submit_event_follow_up { follow_up(ctx, input).await }
    }
}

/// The caller's own attended booking named by `bookingId`, with its event. Someone else's
/// booking is `NOT_FOUND`, as if it did not exist.
async fn own_attended_booking(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
) -> MutationResult<(event_booking::Model, event::Model)> {
    let not_found = || UserError::not_found("bookingId");
    let key = decode_as(id, NodeKind::EventBooking).ok_or_else(not_found)?;
    let booking = event_booking::Entity::find_by_id(key)
        .one(conn)
        .await?
        .filter(|booking| booking.person_id == access.person_id && access.service_account.is_none())
        .ok_or_else(not_found)?;
    if !access.may_evaluate(&booking) {
        return Err(UserError::invalid_state(
            "bookingId",
            "the event can be evaluated once your attendance is recorded",
        )
        .into());
    }
    let event = event::Entity::find_by_id(booking.event_id)
        .one(conn)
        .await?
        .ok_or_else(not_found)?;
    Ok((booking, event))
}

async fn evaluate(
    ctx: &Context<'_>,
    input: SubmitEventEvaluationInput,
) -> MutationResult<EventEvaluation> {
    let access = access(ctx).await?;
    let planned_change =
        validation::required("plannedChange", &input.planned_change, PLANNED_CHANGE_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let (booking, event) = own_attended_booking(&txn, &access, &input.booking_id).await?;
    let themes = theme_keys(&txn, "themeIds", &input.theme_ids, event.alliance_id).await?;
    let now = Utc::now();
    let existing = event_evaluation::Entity::find()
        .filter(event_evaluation::Column::BookingId.eq(booking.id))
        .one(&txn)
        .await?;
    let evaluation = match existing {
        Some(current) => {
            let mut change = Change::edit(&current, now);
            change.planned_change = Set(planned_change);
            change.theme_keys = Set(themes);
            change.shared_in_full = Set(input.share_in_full);
            match input.expected_version {
                Some(expected) => change.save(&txn, expected).await?,
                None => change.save_as_read(&txn).await?,
            }
        }
        None => {
            event_evaluation::ActiveModel {
                booking_id: Set(booking.id),
                event_id: Set(event.id),
                person_id: Set(booking.person_id),
                planned_change: Set(planned_change),
                theme_keys: Set(themes),
                shared_in_full: Set(input.share_in_full),
                ..Default::default()
            }
            .insert_first(&txn, now)
            .await?
        }
    };
    txn.commit().await?;
    Ok(EventEvaluation(evaluation))
}

async fn follow_up(
    ctx: &Context<'_>,
    input: SubmitEventFollowUpInput,
) -> MutationResult<EventFollowUp> {
    let access = access(ctx).await?;
    let what_changed = validation::required("whatChanged", &input.what_changed, WHAT_CHANGED_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let (booking, event) = own_attended_booking(&txn, &access, &input.booking_id).await?;
    let practice_id = match &input.practice_id {
        Some(id) => {
            let key = decode_as(id, NodeKind::Practice)
                .ok_or_else(|| UserError::not_found("practiceId"))?;
            let authored = practice_author::Entity::find()
                .filter(practice_author::Column::PracticeId.eq(key))
                .filter(practice_author::Column::PersonId.eq(access.person_id))
                .one(&txn)
                .await?
                .is_some();
            if !authored {
                return Err(UserError::invalid(
                    "practiceId",
                    "link a practice you authored or adapted",
                )
                .into());
            }
            Some(key)
        }
        None => None,
    };
    let community_id = match &input.community_id {
        Some(id) => {
            let key = decode_as(id, NodeKind::Community)
                .ok_or_else(|| UserError::not_found("communityId"))?;
            let member = community_member::Entity::find()
                .filter(community_member::Column::CommunityId.eq(key))
                .filter(community_member::Column::PersonId.eq(access.person_id))
                .filter(community_member::Column::Status.eq(CommunityMembershipStatus::Active))
                .one(&txn)
                .await?
                .is_some();
            if !member {
                return Err(UserError::invalid(
                    "communityId",
                    "link a community you are a member of",
                )
                .into());
            }
            Some(key)
        }
        None => None,
    };
    let now = Utc::now();
    let existing = event_follow_up::Entity::find()
        .filter(event_follow_up::Column::BookingId.eq(booking.id))
        .one(&txn)
        .await?;
    let saved = match existing {
        Some(current) => {
            let mut change = Change::edit(&current, now);
            change.what_changed = Set(Some(what_changed));
            change.practice_id = Set(practice_id);
            change.community_id = Set(community_id);
            change.shared_in_full = Set(input.share_in_full);
            change.submitted_at = Set(Some(current.submitted_at.unwrap_or(now)));
            match input.expected_version {
                Some(expected) => change.save(&txn, expected).await?,
                None => change.save_as_read(&txn).await?,
            }
        }
        // Attendance recorded before follow-ups existed: the row is made now.
        None => {
            event_follow_up::ActiveModel {
                booking_id: Set(booking.id),
                event_id: Set(event.id),
                person_id: Set(booking.person_id),
                due_on: Set((event.ends_at
                    + chrono::Duration::weeks(i64::from(event.follow_up_weeks.max(0))))
                .date_naive()),
                reminded_at: Set(None),
                what_changed: Set(Some(what_changed)),
                practice_id: Set(practice_id),
                community_id: Set(community_id),
                shared_in_full: Set(input.share_in_full),
                submitted_at: Set(Some(now)),
                ..Default::default()
            }
            .insert_first(&txn, now)
            .await?
        }
    };
    txn.commit().await?;
    Ok(EventFollowUp(saved))
}

/// The caller's own booking's key, or `NOT_FOUND`.
async fn own_booking(ctx: &Context<'_>, id: &ID) -> Result<event_booking::Model, ApiError> {
    let access = access(ctx).await?;
    let key = decode_as(id, NodeKind::EventBooking).ok_or(ApiError::NotFound)?;
    event_booking::Entity::find_by_id(key)
        .one(db(ctx))
        .await?
        .filter(|booking| access.sees_own_evaluation(booking.person_id))
        .ok_or(ApiError::NotFound)
}

/// The row of `E` kept for one of the caller's own bookings (`booking_column` names the
/// booking), if there is one yet; `NOT_FOUND` for someone else's booking.
async fn of_own_booking<E: EntityTrait>(
    ctx: &Context<'_>,
    id: &ID,
    booking_column: E::Column,
) -> Result<Option<E::Model>> {
    let booking = own_booking(ctx, id).await?;
    Ok(E::find()
        .filter(booking_column.eq(booking.id))
        .one(db(ctx))
        .await?)
}

#[derive(Default)]
pub struct EvaluationQuery;

#[Object]
impl EvaluationQuery {
    /// The caller's evaluation of one of their bookings; `null` until written. `NOT_FOUND`
    /// for someone else's booking.
    async fn event_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The caller's booking (an `EventBooking` id).")] booking_id: ID,
    ) -> Result<Option<EventEvaluation>> {
        let row = of_own_booking::<event_evaluation::Entity>(
            ctx,
            &booking_id,
            event_evaluation::Column::BookingId,
        );
        Ok(row.await?.map(EventEvaluation))
    }

    /// The caller's impact follow-up of one of their bookings; `null` before attendance
    /// is recorded. `NOT_FOUND` for someone else's booking.
    async fn event_follow_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The caller's booking (an `EventBooking` id).")] booking_id: ID,
    ) -> Result<Option<EventFollowUp>> {
        let row = of_own_booking::<event_follow_up::Entity>(
            ctx,
            &booking_id,
            event_follow_up::Column::BookingId,
        );
        Ok(row.await?.map(EventFollowUp))
    }

    /// What came of an event: how many attended, evaluated and followed up, the themes of
    /// change, and the texts their authors shared in full. For the event's hosts (the
    /// host school's leaders, the alliance's admins and CPD leads); `NOT_FOUND` for others.
    async fn event_impact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event (an `Event` id).")] event_id: ID,
    ) -> Result<Option<super::EventImpact>> {
        Ok(Some(super::impact::event_impact(ctx, &event_id).await?))
    }
}
