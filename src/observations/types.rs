//! The GraphQL types of an observation and of a share (of an observation or a reflection).

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::RecordPurpose;
use entity::{observation, record_share};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use crate::graphql::context::access;
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, child_rows};
use crate::people::{Person, person_of};
use crate::schools::School;
use crate::schools::types::school_of;
use crate::themes::{Theme, themes_of};

crate::wraps! {
    /// A developmental (or appraisal) classroom visit, owned by the observed teacher.
    Observation(observation::Model),
    /// An observation or a reflection shared by its owner with a named person.
    RecordShare(record_share::Model),
}

/// The shares of a record that hold, for its owner (`column` names the record's kind):
/// not withdrawn, and (for one made to a colleague) the owner still works at that school.
pub async fn holding_shares(
    ctx: &Context<'_>,
    owner_id: i32,
    key: i32,
    column: record_share::Column,
) -> Result<Vec<RecordShare>> {
    let access = access(ctx).await?;
    if access.person_id != owner_id || access.service_account.is_some() {
        return Ok(Vec::new());
    }
    let condition = Condition::all()
        .add(record_share::Column::WithdrawnAt.is_null())
        .add(
            Condition::any()
                .add(record_share::Column::ThroughSchoolId.is_null())
                .add(
                    record_share::Column::ThroughSchoolId
                        .is_in(access.school_roles.keys().copied().collect::<Vec<_>>()),
                ),
        );
    let rows = child_rows(
        ctx,
        ChildList::<record_share::Entity>::new(key, column, condition),
    )
    .await?;
    Ok(rows.into_iter().map(RecordShare).collect())
}

/// A classroom visit: what was agreed beforehand, what went well, questions for dialogue,
/// agreed next steps and the teacher's own response. It holds no grade, by design. Seen
/// only by the observer, the teacher and the people the teacher shares it with (and, for
/// an `APPRAISAL` record only, by the leaders of the teacher's school while the teacher
/// works there).
#[Object]
impl Observation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeKind::Observation.id(self.0.id)
    }
    /// Who observed; `null` when the caller may not see them.
    async fn observer(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.observer_id)).await
    }
    /// The observed teacher, who owns the record; `null` when the caller may not see them.
    async fn teacher(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.teacher_id)).await
    }
    /// The teacher's school when it was recorded.
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, self.0.school_id).await
    }
    /// The day of the visit.
    async fn observed_on(&self) -> NaiveDate {
        self.0.observed_on
    }
    /// What it is for, fixed when it was recorded.
    async fn purpose(&self) -> RecordPurpose {
        self.0.purpose
    }
    /// The focus the teacher and the observer agreed beforehand.
    async fn focus(&self) -> &str {
        &self.0.focus
    }
    /// What went well.
    async fn went_well(&self) -> &str {
        &self.0.went_well
    }
    /// Questions for the dialogue after the visit.
    async fn questions_for_dialogue(&self) -> &str {
        &self.0.questions_for_dialogue
    }
    /// The next steps the two agreed.
    async fn agreed_next_steps(&self) -> &str {
        &self.0.agreed_next_steps
    }
    /// The teacher's own response; `null` until they write one (only they may).
    async fn teacher_response(&self) -> Option<&str> {
        self.0.teacher_response.as_deref()
    }
    /// Themes of the focus, among those the caller sees.
    async fn themes(&self, ctx: &Context<'_>) -> Result<Vec<Theme>> {
        themes_of(ctx, &self.0.theme_keys).await
    }
    /// Whether the caller is the observed teacher (who owns it).
    async fn viewer_is_teacher(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(access(ctx).await?.owns_observation(&self.0))
    }
    /// Whether the caller observed.
    async fn viewer_is_observer(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(access(ctx).await?.edits_observation(&self.0))
    }
    /// Whether the teacher put it in their portfolio; `null` to anyone but the teacher.
    async fn in_portfolio(&self, ctx: &Context<'_>) -> Result<Option<bool>> {
        let owner = access(ctx).await?.owns_observation(&self.0);
        Ok(owner.then_some(self.0.in_portfolio))
    }
    /// Whether the teacher chose it for their performance-review selection; `null` to
    /// anyone but the teacher.
    async fn in_review_selection(&self, ctx: &Context<'_>) -> Result<Option<bool>> {
        let owner = access(ctx).await?.owns_observation(&self.0);
        Ok(owner.then_some(self.0.in_review_selection))
    }
    /// The people the teacher shares it with now; empty to anyone but the teacher.
    async fn shares(&self, ctx: &Context<'_>) -> Result<Vec<RecordShare>> {
        holding_shares(
            ctx,
            self.0.teacher_id,
            self.0.id,
            record_share::Column::ObservationId,
        )
        .await
    }
    /// The version to pass as `expectedVersion` when editing it.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A record shared with a named person, as its owner sees it.
#[Object]
impl RecordShare {
    /// Whom it is shared with; `null` when the caller may no longer see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.person_id)).await
    }
    /// When it was shared.
    async fn shared_at(&self) -> DateTime<Utc> {
        self.0.shared_at
    }
    /// The school through which the recipient was the owner's colleague when it was
    /// shared: the share ends when the owner's role there ends. `null` for a share that
    /// holds until withdrawn.
    async fn ends_on_leaving(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, self.0.through_school_id).await
    }
}
