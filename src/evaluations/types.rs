//! The GraphQL types of an evaluation and a follow-up, as their author reads them.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{community, event_evaluation, event_follow_up};

use crate::communities::Community;
use crate::graphql::context::load_visible;
use crate::people::{Person, person_of};
use crate::practice::{Practice, visible_practice};
use crate::themes::{Theme, themes_of};

crate::wraps! {
    /// What a person who attended an event plans to change in their practice.
    EventEvaluation(event_evaluation::Model),
    /// Weeks after an event, what actually changed in a person's practice.
    EventFollowUp(event_follow_up::Model),
}

/// What a person who attended an event plans to change in their practice: seen by its
/// author, and by the event's hosts when shared in full.
#[Object]
impl EventEvaluation {
    /// The booking it evaluates (an `EventBooking` id).
    async fn booking_id(&self) -> ID {
        crate::graphql::ids::NodeKind::EventBooking.id(self.0.booking_id)
    }
    /// Its author; `null` when the caller may not see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.person_id)).await
    }
    /// What will change in their practice.
    async fn planned_change(&self) -> &str {
        &self.0.planned_change
    }
    /// Themes of the change, among those the caller sees.
    async fn themes(&self, ctx: &Context<'_>) -> Result<Vec<Theme>> {
        themes_of(ctx, &self.0.theme_keys).await
    }
    /// Whether its author shares the text in full with the event's hosts (otherwise it is
    /// only counted).
    async fn shared_in_full(&self) -> bool {
        self.0.shared_in_full
    }
    /// The version to pass as `expectedVersion` when editing it.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was first written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last edited.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Weeks after an event, what actually changed in a person's practice: due on `dueOn`,
/// written by the person who attended. Seen by its author, and by the event's hosts when
/// shared in full.
#[Object]
impl EventFollowUp {
    /// The booking it follows up (an `EventBooking` id).
    async fn booking_id(&self) -> ID {
        crate::graphql::ids::NodeKind::EventBooking.id(self.0.booking_id)
    }
    /// Its author; `null` when the caller may not see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.person_id)).await
    }
    /// When it is due: the event's end plus its follow-up weeks.
    async fn due_on(&self) -> NaiveDate {
        self.0.due_on
    }
    /// When its author was reminded it was due; `null` before.
    async fn reminded_at(&self) -> Option<DateTime<Utc>> {
        self.0.reminded_at
    }
    /// What changed in their practice; `null` until written.
    async fn what_changed(&self) -> Option<&str> {
        self.0.what_changed.as_deref()
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
    /// Whether its author shares it in full with the event's hosts.
    async fn shared_in_full(&self) -> bool {
        self.0.shared_in_full
    }
    /// When it was written; `null` while it waits.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
    /// The version to pass as `expectedVersion` when editing it.
    async fn version(&self) -> i32 {
        self.0.version
    }
}
