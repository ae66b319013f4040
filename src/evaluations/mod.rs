//! Evaluations of events and their impact follow-ups.
//!
//! After attending, the person says what will change in their practice (an evaluation:
//! not whether they enjoyed it); weeks later (the event's `follow_up_weeks`) a follow-up
//! asks what did change, optionally linking a practice they authored or adapted and a
//! community they joined. Each is shared in full only when its author says so; the
//! event's hosts see counts and themes of everything, and the texts of what was shared.
//!
//! - `on_attended` (called by the events domain when it records attendance) creates the
//!   follow-up row, due on the event's end + `follow_up_weeks`, and queues the
//!   "evaluation due" notice, sent once the attendance's transaction commits.
//! - `reminders`: the periodic job that sends "follow-up due" once per follow-up.
//! - `impact`: `eventImpact(eventId)` for hosts.
//!
//! Who may: `auth/policy/evaluations.rs`.

pub mod impact;
pub mod reminders;
mod submit;
mod types;

use crate::graphql::versioned::InsertFirst;
use chrono::{Duration, Utc};
use entity::{event, event_booking, event_follow_up};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

pub use impact::EventImpact;
pub use submit::{EvaluationMutation as EvaluationMutations, EvaluationQuery as EvaluationQueries};
pub use types::{EventEvaluation, EventFollowUp};

use crate::notifications::Notices;

/// Longest evaluation text (what will change).
pub const PLANNED_CHANGE_MAX: usize = 2_000;
/// Longest follow-up text (what changed).
pub const WHAT_CHANGED_MAX: usize = 5_000;

/// Attendance was recorded for `booking` (now `ATTENDED`): creates its follow-up, due
/// `event.follow_up_weeks` after the event ends, unless it has one (recording twice does
/// nothing more), and queues the "evaluation due" notice in `notices`, which the caller
/// sends by committing its transaction through `Notices::commit`.
pub async fn on_attended(
    txn: &impl ConnectionTrait,
    notices: &mut Notices,
    booking: &event_booking::Model,
    event: &event::Model,
) -> Result<(), DbErr> {
    let exists = event_follow_up::Entity::find()
        .filter(event_follow_up::Column::BookingId.eq(booking.id))
        .one(txn)
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    let due_on =
        (event.ends_at + Duration::weeks(i64::from(event.follow_up_weeks.max(0)))).date_naive();
    let now = Utc::now();
    event_follow_up::ActiveModel {
        booking_id: Set(booking.id),
        event_id: Set(event.id),
        person_id: Set(booking.person_id),
        due_on: Set(due_on),
        reminded_at: Set(None),
        what_changed: Set(None),
        practice_id: Set(None),
        community_id: Set(None),
        shared_in_full: Set(false),
        submitted_at: Set(None),
        ..Default::default()
    }
    .insert_first(txn, now)
    .await?;
    notices.evaluation_due(booking.person_id, event, due_on);
    Ok(())
}
