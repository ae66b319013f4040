//! Reflections: a person's own journal of practice. Dated entries in Markdown (stored as
//! written; clients render them, as for practice bodies), themes, and optional links to
//! an event, a practice, an enquiry or a coaching cycle. Private unless their author
//! shares them with named people, through the same sharing as observations
//! (`observations::sharing`). Each states its purpose (`DEVELOPMENTAL` or `APPRAISAL`),
//! fixed when it is written.
//!
//! A coaching cycle is linked only by one who takes part in its relationship (coach or
//! coachee: only they read a cycle), and `coachingCycle` shows it only to them: a reader
//! the reflection is shared with sees `null` there.
//!
//! Who may: `auth/policy/observations.rs` (one policy for both kinds of record).

mod node;

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{CoachingPurpose, RecordPurpose};
use entity::{enquiry, event, record_share, reflection};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use trellis_macros::{connections, mutations};

use crate::audit::AuditEntry;
use crate::auth::policy::Access;
use crate::coaching::{CoachingCycle, own_cycle};
use crate::communities::Enquiry;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::events::Event;
use crate::graphql::context::{access, db, load_visible};
use crate::graphql::ids::{NodeKind, NodeType, decode_as};
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};
use crate::graphql::versioned::{Change, InsertFirst, set_given};
use crate::observations::types::holding_shares;
use crate::observations::{RecordShare, current_schools, visible_reflection};
use crate::payload;
use crate::people::{Person, person_of};
use crate::practice::{Practice, readable_practice, visible_practice};
use crate::themes::{Theme, theme_keys, themes_of};
use crate::validation;

/// Longest title of a reflection.
pub const TITLE_MAX: usize = 200;
/// Longest Markdown body.
pub const BODY_MAX: usize = 20_000;

crate::wraps! {
    /// An entry of a person's own journal of practice.
    Reflection(reflection::Model),
}

/// An entry of a person's own journal of practice: private to its author unless they
/// share it with named people (and, for an `APPRAISAL` one only, seen by the leaders of
/// the school they wrote it at while they work there).
#[Object]
impl Reflection {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeKind::Reflection.id(self.0.id)
    }
    /// Its author, who owns it; `null` when the caller may not see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.person_id)).await
    }
    /// The day it is about.
    async fn written_on(&self) -> NaiveDate {
        self.0.written_on
    }
    /// What it is for, fixed when it was written.
    async fn purpose(&self) -> RecordPurpose {
        self.0.purpose
    }
    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The entry, in Markdown (not rendered).
    async fn body_markdown(&self) -> &str {
        &self.0.body_markdown
    }
    /// Its themes, among those the caller sees.
    async fn themes(&self, ctx: &Context<'_>) -> Result<Vec<Theme>> {
        themes_of(ctx, &self.0.theme_keys).await
    }
    /// The event it reflects on; `null` when none is linked or the caller may not see it.
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        match self.0.event_id {
            Some(id) => {
                Ok(
                    load_visible::<event::Entity>(ctx, id, |access, row| access.sees_event(row))
                        .await?
                        .map(Event),
                )
            }
            None => Ok(None),
        }
    }
    /// The practice it reflects on; `null` when none is linked or the caller may not
    /// read it.
    async fn practice(&self, ctx: &Context<'_>) -> Result<Option<Practice>> {
        match self.0.practice_id {
            Some(id) => Ok(visible_practice(ctx, id).await?),
            None => Ok(None),
        }
    }
    /// The enquiry it belongs to; `null` when none is linked or the caller may not read
    /// it.
    async fn enquiry(&self, ctx: &Context<'_>) -> Result<Option<Enquiry>> {
        match self.0.enquiry_id {
            Some(id) => {
                // Batched with the request's other reflections' enquiries.
                let condition = access(ctx).await?.enquiry_condition();
                match crate::graphql::readable::readable_row::<enquiry::Entity>(
                    ctx,
                    id,
                    enquiry::Column::Id,
                    condition,
                )
                .await
                {
                    Ok(row) => Ok(Some(Enquiry(row))),
                    Err(crate::errors::ApiError::NotFound) => Ok(None),
                    Err(error) => Err(error.into()),
                }
            }
            None => Ok(None),
        }
    }
    /// The coaching cycle it reflects on; `null` when none is linked or the caller does not
    /// take part in the cycle's relationship (only its coach and coachee read a cycle).
    async fn coaching_cycle(&self, ctx: &Context<'_>) -> Result<Option<CoachingCycle>> {
        match self.0.coaching_cycle_id {
            // Through the cycle's node check: batched with the request's other cycles.
            Some(id) => Ok(CoachingCycle::visible(ctx, id).await?),
            None => Ok(None),
        }
    }
    /// Whether its author put it in their portfolio; `null` to anyone else.
    async fn in_portfolio(&self, ctx: &Context<'_>) -> Result<Option<bool>> {
        let owner = access(ctx).await?.owns_reflection(&self.0);
        Ok(owner.then_some(self.0.in_portfolio))
    }
    /// Whether its author chose it for their performance-review selection; `null` to
    /// anyone else.
    async fn in_review_selection(&self, ctx: &Context<'_>) -> Result<Option<bool>> {
        let owner = access(ctx).await?.owns_reflection(&self.0);
        Ok(owner.then_some(self.0.in_review_selection))
    }
    /// The people its author shares it with now; empty to anyone but the author.
    async fn shares(&self, ctx: &Context<'_>) -> Result<Vec<RecordShare>> {
        holding_shares(
            ctx,
            self.0.person_id,
            self.0.id,
            record_share::Column::ReflectionId,
        )
        .await
    }
    /// The version to pass as `expectedVersion` when editing it.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A new entry of the caller's journal.
#[derive(InputObject)]
pub struct WriteReflectionInput {
    /// The day it is about (not in the future).
    pub written_on: NaiveDate,
    /// What it is for; fixed once written.
    pub purpose: RecordPurpose,
    /// Its title (required; at most 200 characters).
    pub title: String,
    /// The entry, in Markdown (required; at most 20,000 characters).
    pub body_markdown: String,
    /// Themes (of the shared taxonomy; at most 20).
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
    /// An event it reflects on, that the caller sees.
    pub event_id: Option<ID>,
    /// A practice it reflects on, that the caller reads.
    pub practice_id: Option<ID>,
    /// An enquiry it belongs to, that the caller reads.
    pub enquiry_id: Option<ID>,
    /// A coaching cycle it reflects on, of a relationship the caller is the coach or the
    /// coachee of.
    pub coaching_cycle_id: Option<ID>,
}

/// A change to one of the caller's reflections. Fields left out stay as they are; the
/// purpose never changes.
#[derive(InputObject)]
pub struct EditReflectionInput {
    /// The reflection (a `Reflection` id) of the caller's.
    pub reflection_id: ID,
    /// The `version` the change was made from.
    pub expected_version: i32,
    /// Its title (at most 200 characters).
    pub title: Option<String>,
    /// The entry, in Markdown (at most 20,000 characters).
    pub body_markdown: Option<String>,
    /// Themes (replacing the old ones).
    pub theme_ids: Option<Vec<ID>>,
}

payload!(WriteReflectionPayload {
    reflection: Reflection
});
payload!(EditReflectionPayload {
    reflection: Reflection
});

#[derive(Default)]
pub struct ReflectionMutation;

mutations! {
    impl ReflectionMutation {
        /// Writes an entry of the caller's own journal: private to them until they share
        /// it (`shareRecord`).
        fn write_reflection { write(ctx, input).await }

        /// Edits one of the caller's reflections. Only its author may; the purpose never
        /// changes.
        fn edit_reflection { edit(ctx, input).await }
    }
}

fn entry<'a>(access: &Access, action: &'a str, row: &reflection::Model) -> AuditEntry<'a> {
    AuditEntry::by_caller(access, action, NodeKind::Reflection.id(row.id))
        .details(serde_json::json!({ "purpose": row.purpose, "version": row.version }))
}

async fn linked_event(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Option<&ID>,
) -> MutationResult<Option<i32>> {
    let Some(id) = id else { return Ok(None) };
    let key = decode_as(id, NodeKind::Event).ok_or_else(|| UserError::not_found("eventId"))?;
    Ok(Some(
        crate::events::event_by_key(conn, access, key, "eventId")
            .await?
            .id,
    ))
}

async fn linked_enquiry(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Option<&ID>,
) -> MutationResult<Option<i32>> {
    let Some(id) = id else { return Ok(None) };
    let not_found = || UserError::not_found("enquiryId");
    let key = decode_as(id, NodeKind::Enquiry).ok_or_else(not_found)?;
    let row = enquiry::Entity::find_by_id(key)
        .filter(access.enquiry_condition())
        .one(conn)
        .await?
        .ok_or_else(not_found)?;
    Ok(Some(row.id))
}

/// The coaching cycle a new reflection links: of a relationship the caller takes part in,
/// made for the reflection's purpose. An `APPRAISAL` reflection reaches the review
/// selection, so it never carries developmental coaching there.
async fn linked_cycle(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Option<&ID>,
    purpose: RecordPurpose,
) -> MutationResult<Option<i32>> {
    let Some(id) = id else { return Ok(None) };
    let (cycle, relationship) = own_cycle(conn, access, id, "coachingCycleId").await?;
    let same_purpose = matches!(
        (relationship.purpose, purpose),
        (CoachingPurpose::Developmental, RecordPurpose::Developmental)
            | (CoachingPurpose::Appraisal, RecordPurpose::Appraisal)
    );
    if !same_purpose {
        return Err(UserError::invalid(
            "coachingCycleId",
            "the cycle's coaching has another purpose than the reflection",
        )
        .into());
    }
    Ok(Some(cycle.id))
}

async fn write(ctx: &Context<'_>, input: WriteReflectionInput) -> MutationResult<Reflection> {
    let access = access(ctx).await?;
    let written_on = validation::happened_on("writtenOn", input.written_on)?;
    let title = validation::required("title", &input.title, TITLE_MAX)?;
    let body = validation::required("bodyMarkdown", &input.body_markdown, BODY_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let themes = theme_keys(&txn, "themeIds", &input.theme_ids, 0).await?;
    let event_id = linked_event(&txn, &access, input.event_id.as_ref()).await?;
    let practice_id = match &input.practice_id {
        Some(id) => Some(readable_practice(&txn, &access, id, "practiceId").await?.id),
        None => None,
    };
    let enquiry_id = linked_enquiry(&txn, &access, input.enquiry_id.as_ref()).await?;
    let coaching_cycle_id = linked_cycle(
        &txn,
        &access,
        input.coaching_cycle_id.as_ref(),
        input.purpose,
    )
    .await?;
    let school = current_schools(&txn, access.person_id)
        .await?
        .first()
        .copied();
    let now = Utc::now();
    let row = reflection::ActiveModel {
        person_id: Set(access.person_id),
        school_id: Set(school),
        written_on: Set(written_on),
        purpose: Set(input.purpose),
        title: Set(title),
        body_markdown: Set(body),
        theme_keys: Set(themes),
        event_id: Set(event_id),
        practice_id: Set(practice_id),
        enquiry_id: Set(enquiry_id),
        coaching_cycle_id: Set(coaching_cycle_id),
        in_portfolio: Set(false),
        in_review_selection: Set(false),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    entry(&access, "reflection.written", &row)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(Reflection(row))
}

async fn edit(ctx: &Context<'_>, input: EditReflectionInput) -> MutationResult<Reflection> {
    let access = access(ctx).await?;
    let title = input
        .title
        .as_deref()
        .map(|v| validation::required("title", v, TITLE_MAX))
        .transpose()?;
    let body = input
        .body_markdown
        .as_deref()
        .map(|v| validation::required("bodyMarkdown", v, BODY_MAX))
        .transpose()?;
    let txn = begin_write(db(ctx)).await?;
    let not_found = || UserError::not_found("reflectionId");
    let key = decode_as(&input.reflection_id, NodeKind::Reflection).ok_or_else(not_found)?;
    let current = visible_reflection(&txn, &access, key)
        .await?
        .ok_or_else(not_found)?;
    if !access.owns_reflection(&current) {
        return Err(
            UserError::invalid_state("reflectionId", "only its author edits a reflection").into(),
        );
    }
    let themes = match &input.theme_ids {
        Some(ids) => Some(theme_keys(&txn, "themeIds", ids, 0).await?),
        None => None,
    };
    let mut change = Change::edit(&current, Utc::now());
    set_given(&mut change.title, title);
    set_given(&mut change.body_markdown, body);
    set_given(&mut change.theme_keys, themes);
    let row = change.save(&txn, input.expected_version).await?;
    entry(&access, "reflection.edited", &row)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(Reflection(row))
}

/// The reflections the viewer sees, oldest first: their own, and those shared with them
/// (and, for school leaders, `APPRAISAL` ones of their school); with `own`, theirs only.
pub async fn viewer_reflections(
    ctx: &Context<'_>,
    args: PageArgs,
    own: bool,
) -> Result<Page<Reflection>> {
    let access = access(ctx).await?;
    let mut condition = Condition::all().add(access.reflection_condition());
    if own {
        condition = condition.add(reflection::Column::PersonId.eq(access.person_id));
    }
    let select = reflection::Entity::find().filter(condition);
    Ok(oldest_first_page(db(ctx), select, &args).await?)
}

#[derive(Default)]
pub struct ReflectionQuery;

#[connections]
#[Object]
impl ReflectionQuery {
    /// Reflections the caller sees, oldest first: their own, and those shared with them.
    /// Also `viewer.reflections`.
    async fn reflections(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(default, desc = "Only the caller's own.")] own: bool,
    ) -> Result<Page<Reflection>> {
        viewer_reflections(ctx, args, own).await
    }
}

#[derive(async_graphql::MergedObject, Default)]
pub struct ReflectionsQueries(ReflectionQuery);

#[derive(async_graphql::MergedObject, Default)]
pub struct ReflectionsMutations(ReflectionMutation);
