//! The GraphQL types of an observation and of a share (of an observation or a reflection).

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::RecordPurpose;
use entity::{observation, record_share};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use trellis_macros::fields;

use crate::graphql::context::access;
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, child_rows};
use crate::people::Person;
use crate::schools::School;
use crate::themes::Theme;

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
#[fields(
    /// Opaque global id.
    id = NodeKind::Observation,
    /// Who observed; `null` when the caller may not see them.
    observer: Person = person(observer_id),
    /// The observed teacher, who owns the record; `null` when the caller may not see them.
    teacher: Person = person(teacher_id),
    /// The teacher's school when it was recorded.
    school: School = school(school_id),
    /// The day of the visit.
    observed_on: NaiveDate,
    /// What it is for, fixed when it was recorded.
    purpose: RecordPurpose,
    /// The focus the teacher and the observer agreed beforehand.
    focus: &str,
    /// What went well.
    went_well: &str,
    /// Questions for the dialogue after the visit.
    questions_for_dialogue: &str,
    /// The next steps the two agreed.
    agreed_next_steps: &str,
    /// The teacher's own response; `null` until they write one (only they may).
    teacher_response: Option<&str>,
    /// Themes of the focus, among those the caller sees.
    themes: Vec<Theme> = themes(theme_keys),
    /// The version to pass as `expectedVersion` when editing it.
    version: i32,
    /// When it was recorded.
    created_at: DateTime<Utc>,
    /// When it was last changed.
    updated_at: DateTime<Utc>,
)]
#[Object]
impl Observation {
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
}

/// A record shared with a named person, as its owner sees it.
#[fields(
    /// Whom it is shared with; `null` when the caller may no longer see them.
    person: Person = person(person_id),
    /// When it was shared.
    shared_at: DateTime<Utc>,
    /// The school through which the recipient was the owner's colleague when it was
    /// shared: the share ends when the owner's role there ends. `null` for a share that
    /// holds until withdrawn.
    ends_on_leaving: School = school(through_school_id),
)]
#[Object]
impl RecordShare {}
