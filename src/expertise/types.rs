//! The GraphQL types of expertise profiles.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::enums::ExpertiseKind;
use entity::{coaching_availability, expertise_entry, theme};
use trellis_macros::fields;

use crate::graphql::context::{access, load};
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::all_children;
use crate::people::{Person, person_of};
use crate::schools::{School, school_of};
use crate::themes::Theme;

crate::wraps! {
    /// One entry of a person's expertise profile.
    ExpertiseEntry(expertise_entry::Model),
}

/// The theme `id`, if the caller sees it.
pub async fn theme_of(ctx: &Context<'_>, id: Option<i32>) -> Result<Option<Theme>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let access = access(ctx).await?;
    Ok(load::<theme::Entity>(ctx, id)
        .await?
        .filter(|row| access.sees_theme(row.alliance_id))
        .map(Theme))
}

/// A strength or a development need of one person in one theme, with a short note of
/// evidence: declared by the person, and confirmed or not by one of their school's leaders.
#[fields(
    /// The entry's global id.
    id = NodeKind::ExpertiseEntry,
    /// Whose profile it belongs to.
    person: Person = person(person_id),
    /// A strength or a development need.
    kind: ExpertiseKind,
    /// The note of evidence, such as "Led the school's move to hinge questions in KS2".
    evidence: &str,
    /// The leader who confirmed it.
    confirmed_by: Person = person(confirmed_by_id),
    /// When it was confirmed.
    confirmed_at: Option<DateTime<Utc>>,
    /// The version to pass as `expectedVersion` when changing it.
    version: i32,
    /// When it was last changed.
    updated_at: DateTime<Utc>,
)]
#[Object]
impl ExpertiseEntry {
    /// The theme it is about (`null` if the caller may not see an alliance's own theme).
    async fn theme(&self, ctx: &Context<'_>) -> Result<Option<Theme>> {
        theme_of(ctx, Some(self.0.theme_id)).await
    }
    /// Whether one of the person's school leaders confirmed it (changing the entry
    /// withdraws the confirmation).
    async fn confirmed(&self) -> bool {
        self.0.confirmed_at.is_some()
    }
}

pub struct ExpertiseProfile {
    pub person_id: i32,
    pub availability: Option<coaching_availability::Model>,
}

#[Object]
/// A person's expertise profile: their strengths and needs, and whether they offer to
/// coach. Seen by the person and by the leaders of a school they work at now.
impl ExpertiseProfile {
    /// Whose profile it is.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.person_id)).await
    }
    /// Its entries, strengths first, then by theme.
    async fn entries(&self, ctx: &Context<'_>) -> Result<Vec<ExpertiseEntry>> {
        let mut entries: Vec<ExpertiseEntry> = all_children::<expertise_entry::Entity, _>(
            ctx,
            self.person_id,
            expertise_entry::Column::PersonId,
        )
        .await?;
        entries.sort_by_key(|entry| (entry.0.kind != ExpertiseKind::Strength, entry.0.theme_id));
        Ok(entries)
    }
    /// Whether the person chose to be visible as a potential coach (named in the
    /// alliance-wide view and suggested as a coach).
    async fn visible_as_coach(&self) -> bool {
        self.availability
            .as_ref()
            .is_some_and(|row| row.visible_as_coach)
    }
    /// How many coaching sessions a term the person can give (0: none).
    async fn sessions_per_term(&self) -> i32 {
        self.availability
            .as_ref()
            .map_or(0, |row| row.sessions_per_term)
    }
}

pub struct AllianceExpertiseCell {
    pub theme_id: i32,
    pub school_id: i32,
    pub kind: ExpertiseKind,
    pub people: i64,
    pub coaches: Vec<i32>,
}

#[Object]
/// One cell of an alliance's strengths and needs audit: how many people of one member
/// school declared a strength (or a need) in one theme; never a count under five.
impl AllianceExpertiseCell {
    /// The theme.
    async fn theme(&self, ctx: &Context<'_>) -> Result<Option<Theme>> {
        theme_of(ctx, Some(self.theme_id)).await
    }
    /// The school.
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, Some(self.school_id)).await
    }
    /// Strengths or needs.
    async fn kind(&self) -> ExpertiseKind {
        self.kind
    }
    /// How many people: `null` when fewer than five, so that no one is singled out (see
    /// `fewerThanFive`).
    async fn count(&self) -> Option<i32> {
        (self.people >= super::SMALLEST_COUNT)
            .then(|| i32::try_from(self.people).unwrap_or(i32::MAX))
    }
    /// Whether fewer than five people (but at least one) are counted here.
    async fn fewer_than_five(&self) -> bool {
        self.people < super::SMALLEST_COUNT
    }
    /// For strengths, those who chose to be visible as potential coaches; empty for needs.
    async fn visible_coaches(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        let people = futures_util::future::try_join_all(
            self.coaches.iter().map(|id| person_of(ctx, Some(*id))),
        )
        .await?;
        Ok(people.into_iter().flatten().collect())
    }
}
