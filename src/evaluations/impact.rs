//! `eventImpact(eventId)`: what came of an event, for its hosts. Counts and themes cover
//! every evaluation and follow-up; texts only those their authors shared in full. Three
//! statements (the event, its evaluations, its follow-ups and attended count) whatever
//! the number of people.

use std::collections::BTreeMap;

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entity::enums::BookingStatus;
use entity::{event, event_booking, event_evaluation, event_follow_up};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::{EventEvaluation, EventFollowUp};
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::themes::{Theme, theme_ids, themes_of};

/// What came of an event, in aggregate, for its hosts.
pub struct EventImpact {
    attended: u64,
    evaluations: Vec<event_evaluation::Model>,
    follow_ups: Vec<event_follow_up::Model>,
}

/// A theme of change and how many evaluations named it.
#[derive(SimpleObject)]
pub struct ThemeOfChange {
    /// The theme.
    pub theme: Theme,
    /// How many evaluations of the event named it.
    pub count: i32,
}

/// What came of an event: how many attended, said what will change, and later what did;
/// the themes of change; and the texts of those who shared them in full (the others are
/// only counted). Seen by the event's hosts.
#[Object]
impl EventImpact {
    /// People whose attendance was recorded.
    async fn attended(&self) -> i32 {
        self.attended as i32
    }
    /// People who wrote an evaluation (what will change).
    async fn evaluated(&self) -> i32 {
        self.evaluations.len() as i32
    }
    /// People who wrote their follow-up (what changed).
    async fn followed_up(&self) -> i32 {
        self.follow_ups
            .iter()
            .filter(|row| row.submitted_at.is_some())
            .count() as i32
    }
    /// Follow-ups that link a practice their author published or adapted.
    async fn linked_practices(&self) -> i32 {
        self.follow_ups
            .iter()
            .filter(|row| row.submitted_at.is_some() && row.practice_id.is_some())
            .count() as i32
    }
    /// Follow-ups that link a community their author joined.
    async fn linked_communities(&self) -> i32 {
        self.follow_ups
            .iter()
            .filter(|row| row.submitted_at.is_some() && row.community_id.is_some())
            .count() as i32
    }
    /// Themes the evaluations named, most named first, with how many named each (themes
    /// the caller may not see are left out).
    async fn themes_of_change(&self, ctx: &Context<'_>) -> Result<Vec<ThemeOfChange>> {
        let mut counts: BTreeMap<i32, i32> = BTreeMap::new();
        for evaluation in &self.evaluations {
            for theme in theme_ids(&evaluation.theme_keys) {
                *counts.entry(theme).or_default() += 1;
            }
        }
        if counts.is_empty() {
            return Ok(Vec::new());
        }
        let keys = format!(
            ",{},",
            counts
                .keys()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        );
        let mut themes: Vec<ThemeOfChange> = themes_of(ctx, &keys)
            .await?
            .into_iter()
            .map(|theme| ThemeOfChange {
                count: counts.get(&theme.0.id).copied().unwrap_or(0),
                theme,
            })
            .collect();
        themes.sort_by(|a, b| b.count.cmp(&a.count).then(a.theme.0.id.cmp(&b.theme.0.id)));
        Ok(themes)
    }
    /// Evaluations their authors shared in full, oldest first.
    async fn shared_evaluations(&self) -> Vec<EventEvaluation> {
        self.evaluations
            .iter()
            .filter(|row| row.shared_in_full)
            .cloned()
            .map(EventEvaluation)
            .collect()
    }
    /// Follow-ups written and shared in full by their authors, oldest first.
    async fn shared_follow_ups(&self) -> Vec<EventFollowUp> {
        self.follow_ups
            .iter()
            .filter(|row| row.shared_in_full && row.submitted_at.is_some())
            .cloned()
            .map(EventFollowUp)
            .collect()
    }
}

/// The impact of the event named by `id`, if the caller is one of its hosts; otherwise
/// `NOT_FOUND`.
pub async fn event_impact(ctx: &Context<'_>, id: &ID) -> ApiResult<EventImpact> {
    let access = access(ctx).await?;
    let key = decode_as(id, NodeKind::Event).ok_or(ApiError::NotFound)?;
    let event = event::Entity::find_by_id(key)
        .one(db(ctx))
        .await?
        .filter(|event| access.sees_event_impact(event))
        .ok_or(ApiError::NotFound)?;
    impact_of(ctx, &event).await
}

/// The impact of an event the caller was checked to host (for `Event.impact`).
pub async fn impact_of(ctx: &Context<'_>, event: &event::Model) -> ApiResult<EventImpact> {
    let attended = event_booking::Entity::find()
        .filter(event_booking::Column::EventId.eq(event.id))
        .filter(event_booking::Column::Status.eq(BookingStatus::Attended))
        .count(db(ctx))
        .await?;
    let evaluations = event_evaluation::Entity::find()
        .filter(event_evaluation::Column::EventId.eq(event.id))
        .order_by_asc(event_evaluation::Column::Id)
        .all(db(ctx))
        .await?;
    let follow_ups = event_follow_up::Entity::find()
        .filter(event_follow_up::Column::EventId.eq(event.id))
        .order_by_asc(event_follow_up::Column::Id)
        .all(db(ctx))
        .await?;
    Ok(EventImpact {
        attended,
        evaluations,
        follow_ups,
    })
}
