//! The GraphQL types of coaching: relationships, their cycles, sessions and action steps,
//! techniques, and brokerage suggestions.

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{CoachingPurpose, CoachingStatus, SchoolPhase};
use entity::{
    coaching_action_step, coaching_cycle, coaching_relationship, coaching_session, technique,
};

use crate::alliances::{Alliance, visible_alliance};
use crate::expertise::types::theme_of;
use crate::graphql::context::{access, load};
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::all_children;
use crate::people::{Person, person_of};
use crate::schools::{School, school_of};
use crate::support::phases_of;
use crate::themes::{Theme, themes_of};

crate::wraps! {
    /// A coaching relationship between a coach and a coachee.
    CoachingRelationship(coaching_relationship::Model),
    /// A cycle within a coaching relationship.
    CoachingCycle(coaching_cycle::Model),
    /// A dated coaching session.
    CoachingSession(coaching_session::Model),
    /// An agreed action step with a check-back date.
    CoachingActionStep(coaching_action_step::Model),
    /// A named strategy broken into steps.
    Technique(technique::Model),
}

/// Whether a step not done is past its check-back date.
pub fn is_overdue(step: &coaching_action_step::Model, today: NaiveDate) -> bool {
    step.done_at.is_none() && step.check_back_on < today
}

#[Object]
/// A coaching relationship: a coach and a coachee of one alliance working on a focus, for a
/// purpose fixed when it was made. Its coach and coachee see everything in it; the
/// alliance's CPD leads see that it exists and its status, never its notes.
impl CoachingRelationship {
    /// The relationship's global id.
    pub async fn id(&self) -> ID {
        NodeKind::CoachingRelationship.id(self.0.id)
    }
    /// The alliance it was brokered in.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Option<Alliance>> {
        Ok(visible_alliance(ctx, self.0.alliance_id).await?)
    }
    /// The coach.
    async fn coach(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.coach_id)).await
    }
    /// The person coached.
    async fn coachee(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.coachee_id)).await
    }
    /// The school the coach worked at when it was made.
    async fn coach_school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, self.0.coach_school_id).await
    }
    /// The school the coachee worked at when it was made.
    async fn coachee_school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, self.0.coachee_school_id).await
    }
    /// The theme it is about, if any.
    async fn theme(&self, ctx: &Context<'_>) -> Result<Option<Theme>> {
        theme_of(ctx, self.0.theme_id).await
    }
    /// What it works on, such as "Hinge questions in Year 5 maths".
    async fn focus(&self) -> &str {
        &self.0.focus
    }
    /// Developmental or appraisal, fixed when it was made.
    async fn purpose(&self) -> CoachingPurpose {
        self.0.purpose
    }
    /// Where it is in its life.
    async fn status(&self) -> CoachingStatus {
        self.0.status
    }
    /// How often they meet, as agreed ("fortnightly"), if said.
    async fn cadence(&self) -> Option<&str> {
        self.0.cadence.as_deref()
    }
    /// The CPD lead who brokered it, if one did.
    async fn brokered_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, self.0.brokered_by_id).await
    }
    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The version to pass as `expectedVersion` when changing it.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Its cycles, oldest first: for the coach and the coachee only (`null` for others).
    async fn cycles(&self, ctx: &Context<'_>) -> Result<Option<Vec<CoachingCycle>>> {
        if !access(ctx).await?.reads_coaching_content(&self.0) {
            return Ok(None);
        }
        let mut rows: Vec<CoachingCycle> = all_children::<coaching_cycle::Entity, _>(
            ctx,
            self.0.id,
            coaching_cycle::Column::RelationshipId,
        )
        .await?;
        rows.sort_by_key(|row| row.0.id);
        Ok(Some(rows))
    }
    /// Its sessions, by date: for the coach and the coachee only (`null` for others).
    async fn sessions(&self, ctx: &Context<'_>) -> Result<Option<Vec<CoachingSession>>> {
        if !access(ctx).await?.reads_coaching_content(&self.0) {
            return Ok(None);
        }
        let mut rows: Vec<CoachingSession> = all_children::<coaching_session::Entity, _>(
            ctx,
            self.0.id,
            coaching_session::Column::RelationshipId,
        )
        .await?;
        rows.sort_by_key(|row| (row.0.held_on, row.0.id));
        Ok(Some(rows))
    }
    /// Its agreed action steps, by check-back date: for the coach and the coachee only
    /// (`null` for others).
    async fn action_steps(&self, ctx: &Context<'_>) -> Result<Option<Vec<CoachingActionStep>>> {
        if !access(ctx).await?.reads_coaching_content(&self.0) {
            return Ok(None);
        }
        let mut rows: Vec<CoachingActionStep> = all_children::<coaching_action_step::Entity, _>(
            ctx,
            self.0.id,
            coaching_action_step::Column::RelationshipId,
        )
        .await?;
        rows.sort_by_key(|row| (row.0.check_back_on, row.0.id));
        Ok(Some(rows))
    }
}

#[Object]
/// A cycle within a coaching relationship: a focus and, once closed, its outcome.
impl CoachingCycle {
    /// The cycle's global id.
    pub async fn id(&self) -> ID {
        NodeKind::CoachingCycle.id(self.0.id)
    }
    /// What the cycle works on.
    async fn focus(&self) -> &str {
        &self.0.focus
    }
    /// What came of it, written when it closed.
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }
    /// When it started.
    async fn started_on(&self) -> NaiveDate {
        self.0.started_on
    }
    /// When it closed, if it has.
    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.ended_on
    }
    /// The version to pass as `expectedVersion` when closing it.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

#[Object]
/// A dated coaching session with its notes. One held out of school costs the coach release
/// time, counted in the release ledger.
impl CoachingSession {
    /// The session's global id.
    pub async fn id(&self) -> ID {
        NodeKind::CoachingSession.id(self.0.id)
    }
    /// The day it was held.
    async fn held_on(&self) -> NaiveDate {
        self.0.held_on
    }
    /// What was discussed and agreed (plain text).
    async fn notes(&self) -> &str {
        &self.0.notes
    }
    /// Whether the coach was out of their own school for it.
    async fn out_of_school(&self) -> bool {
        self.0.out_of_school
    }
    /// Release time it cost the coach, in days (0 in school).
    async fn release_days(&self) -> f64 {
        crate::support::days(self.0.half_days)
    }
    /// Who recorded it.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.recorded_by_id)).await
    }
}

#[Object]
/// A next step the coach and coachee agreed, with a date to check back on it.
impl CoachingActionStep {
    /// The step's global id.
    pub async fn id(&self) -> ID {
        NodeKind::CoachingActionStep.id(self.0.id)
    }
    /// What will be done.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The technique it puts into practice, if any.
    async fn technique(&self, ctx: &Context<'_>) -> Result<Option<Technique>> {
        let Some(id) = self.0.technique_id else {
            return Ok(None);
        };
        let access = access(ctx).await?;
        Ok(load::<technique::Entity>(ctx, id)
            .await?
            .filter(|row| access.sees_technique(row))
            .map(Technique))
    }
    /// The day to check back on it.
    async fn check_back_on(&self) -> NaiveDate {
        self.0.check_back_on
    }
    /// Whether it was marked done.
    async fn done(&self) -> bool {
        self.0.done_at.is_some()
    }
    /// When it was marked done.
    async fn done_at(&self) -> Option<DateTime<Utc>> {
        self.0.done_at
    }
    /// Whether it is not done and its check-back date has passed.
    async fn overdue(&self) -> bool {
        is_overdue(&self.0, Utc::now().date_naive())
    }
    /// The version to pass as `expectedVersion` when changing it.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

#[Object]
/// A named teaching or coaching strategy broken into a few steps, tagged by theme and
/// phase: from the shared library, or an alliance's own.
impl Technique {
    /// The technique's global id.
    pub async fn id(&self) -> ID {
        NodeKind::Technique.id(self.0.id)
    }
    /// Its name, such as "Hinge questions".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What it is, in a sentence or two.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// Its steps, in order.
    async fn steps(&self) -> Vec<String> {
        serde_json::from_value(self.0.steps.clone()).unwrap_or_default()
    }
    /// The themes it is tagged with that the caller sees.
    async fn themes(&self, ctx: &Context<'_>) -> Result<Vec<Theme>> {
        themes_of(ctx, &self.0.theme_keys).await
    }
    /// The school phases it suits; empty: any.
    async fn phases(&self) -> Vec<SchoolPhase> {
        phases_of(&self.0.phases)
    }
    /// The alliance that added it; `null` for the shared library.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Option<Alliance>> {
        match self.0.alliance_id {
            Some(id) => Ok(visible_alliance(ctx, id).await?),
            None => Ok(None),
        }
    }
}

/// Why a pair is suggested.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CoachingSuggestionReason {
    /// The coach declared a strength in the theme the coachee declared a need in.
    StrengthMeetsNeed,
    /// One of the coach's school leaders confirmed the strength.
    ConfirmedStrength,
    /// Coach and coachee work at different schools (preferred: it spreads practice).
    DifferentSchools,
    /// They work at the same school.
    SameSchool,
    /// The coach is a Specialist Leader of Education for this area.
    SpecialistLeaderOfEducation,
    /// The coach has room for another coachee this term.
    HasCapacity,
    /// The coach's days out of school this term are within their school's limit.
    WithinReleaseLimit,
}

pub struct CoachingSuggestion {
    pub alliance_id: i32,
    pub theme_id: i32,
    pub coach_id: i32,
    pub coachee_id: i32,
    pub coach_school_id: i32,
    pub coachee_school_id: i32,
    pub strength_confirmed: bool,
    pub score: i32,
    pub reasons: Vec<CoachingSuggestionReason>,
    pub capacity_left: i32,
}

#[Object]
/// A suggested coaching pair: a coach's strength meeting a coachee's need in one theme,
/// with the reasons it ranks where it does. Confirm it with `confirmCoachingSuggestion`.
impl CoachingSuggestion {
    /// The suggested coach: someone who chose to be visible as a potential coach.
    async fn coach(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.coach_id)).await
    }
    /// The person who would be coached.
    async fn coachee(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.coachee_id)).await
    }
    /// The coach's school (a member of the alliance).
    async fn coach_school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, Some(self.coach_school_id)).await
    }
    /// The coachee's school (a member of the alliance).
    async fn coachee_school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, Some(self.coachee_school_id)).await
    }
    /// The theme the strength meets the need in.
    async fn theme(&self, ctx: &Context<'_>) -> Result<Option<Theme>> {
        theme_of(ctx, Some(self.theme_id)).await
    }
    /// Whether one of the coach's school leaders confirmed the strength. The entries
    /// themselves (their evidence) stay with the people and their school leaders.
    async fn strength_confirmed(&self) -> bool {
        self.strength_confirmed
    }
    /// The rank's score: higher is a better match.
    async fn score(&self) -> i32 {
        self.score
    }
    /// Why the pair is suggested, as codes.
    async fn reasons(&self) -> &[CoachingSuggestionReason] {
        &self.reasons
    }
    /// Why the pair is suggested, in words.
    async fn explanation(&self) -> String {
        let words: Vec<&str> = self
            .reasons
            .iter()
            .map(|reason| match reason {
                CoachingSuggestionReason::StrengthMeetsNeed => "a strength meets a need",
                CoachingSuggestionReason::ConfirmedStrength => {
                    "the strength is confirmed by a school leader"
                }
                CoachingSuggestionReason::DifferentSchools => "they work at different schools",
                CoachingSuggestionReason::SameSchool => "they work at the same school",
                CoachingSuggestionReason::SpecialistLeaderOfEducation => {
                    "the coach is a Specialist Leader of Education in this area"
                }
                CoachingSuggestionReason::HasCapacity => "the coach has capacity this term",
                CoachingSuggestionReason::WithinReleaseLimit => {
                    "the coach is within their school's release limit"
                }
            })
            .collect();
        let mut text = words.join("; ");
        if let Some(first) = text.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        text.push('.');
        text
    }
    /// Coachees the coach can still take on this term (sessions a term less relationships
    /// under way).
    async fn capacity_left(&self) -> i32 {
        self.capacity_left
    }
    /// The alliance.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Option<Alliance>> {
        Ok(visible_alliance(ctx, self.alliance_id).await?)
    }
}
