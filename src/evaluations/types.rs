//! The GraphQL types of an evaluation and a follow-up, as their author reads them.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{community, event_evaluation, event_follow_up};
use trellis_macros::fields;

use crate::communities::Community;
use crate::graphql::context::load_visible;
use crate::people::Person;
use crate::practice::{Practice, visible_practice};
use crate::themes::Theme;

crate::wraps! {
    /// What a person who attended an event plans to change in their practice.
    EventEvaluation(event_evaluation::Model),
    /// Weeks after an event, what actually changed in a person's practice.
    EventFollowUp(event_follow_up::Model),
}

/// What a person who attended an event plans to change in their practice: seen by its
/// author, and by the event's hosts when shared in full.
#[fields(
    /// Its author; `null` when the caller may not see them.
    person: Person = person(person_id),
    /// What will change in their practice.
    planned_change: &str,
    /// Themes of the change, among those the caller sees.
    themes: Vec<Theme> = themes(theme_keys),
    /// Whether its author shares the text in full with the event's hosts (otherwise it is
    /// only counted).
    shared_in_full: bool,
    /// The version to pass as `expectedVersion` when editing it.
    version: i32,
    /// When it was first written.
    created_at: DateTime<Utc>,
    /// When it was last edited.
    updated_at: DateTime<Utc>,
)]
#[Object]
impl EventEvaluation {
    /// The booking it evaluates (an `EventBooking` id).
    async fn booking_id(&self) -> ID {
        crate::graphql::ids::NodeKind::EventBooking.id(self.0.booking_id)
    }
}

/// Weeks after an event, what actually changed in a person's practice: due on `dueOn`,
/// written by the person who attended. Seen by its author, and by the event's hosts when
/// shared in full.
#[fields(
    /// Its author; `null` when the caller may not see them.
    person: Person = person(person_id),
    /// When it is due: the event's end plus its follow-up weeks.
    due_on: NaiveDate,
    /// When its author was reminded it was due; `null` before.
    reminded_at: Option<DateTime<Utc>>,
    /// What changed in their practice; `null` until written.
    what_changed: Option<&str>,
    /// Whether its author shares it in full with the event's hosts.
    shared_in_full: bool,
    /// When it was written; `null` while it waits.
    submitted_at: Option<DateTime<Utc>>,
    /// The version to pass as `expectedVersion` when editing it.
    version: i32,
)]
#[Object]
impl EventFollowUp {
    /// The booking it follows up (an `EventBooking` id).
    async fn booking_id(&self) -> ID {
        crate::graphql::ids::NodeKind::EventBooking.id(self.0.booking_id)
    }
    /// A practice its author published or adapted from it; `null` when none is linked or
    /// the caller may not see it.
    async fn practice(&self, ctx: &Context<'_>) -> Result<Option<Practice>> {
        match self.0.practice_id {
            Some(id) => Ok(visible_practice(ctx, id).await?),
            None => Ok(None),
        }
    }
    /// A community its author joined; `null` when none is linked or the caller may not
    /// see it.
    async fn community(&self, ctx: &Context<'_>) -> Result<Option<Community>> {
        match self.0.community_id {
            Some(id) => Ok(load_visible::<community::Entity>(ctx, id, |access, row| {
                access.sees_community(row)
            })
            .await?
            .map(Community)),
            None => Ok(None),
        }
    }
}
