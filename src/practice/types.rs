//! The GraphQL types of practice: items, their authors, links, revisions, history and
//! endorsements.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::{
    DiscussionHostKind, EndorsementOutcome, KeyStage, PracticeAction, PracticeKind, PracticeStatus,
    PracticeVisibility, SchoolPhase, Subject,
};
use entity::{
    alliance, partnership, practice, practice_author, practice_endorsement, practice_event,
    practice_revision, school,
};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use trellis_macros::{connections, fields};

use super::adaptation::{PracticeLineage, lineage_of};
use super::keys::enum_values;
use super::{reader, reader_condition, visible_practice};
use crate::alliances::{Alliance, Partnership};
use crate::discussion::{DiscussionThread, host_threads};
use crate::graphql::context::{load, load_required};
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, all_children, child_count, child_page, child_rows};
use crate::graphql::pagination::{Page, PageArgs};
use crate::graphql::scalars::Url;
use crate::people::Person;
use crate::people::person_of;
use crate::schools::School;
use crate::themes::Theme;

crate::wraps! {
    /// A piece of practice a school shares: what was done, in which context, with what
    /// impact. An adaptation is a practice adapted from another for a new context.
    Practice(practice::Model),
    /// "We tried this here": staff of another school saying how it went.
    PracticeEndorsement(practice_endorsement::Model),
    /// An author of a practice.
    PracticeAuthor(practice_author::Model),
    /// The text of a published practice as an edit left it.
    PracticeRevision(practice_revision::Model),
    /// A step in a practice's life: submitted, approved, sent back, published, reported...
    PracticeEvent(practice_event::Model),
}

/// A link from a practice to a resource elsewhere.
#[derive(SimpleObject, serde::Serialize, serde::Deserialize, Clone)]
pub struct PracticeLink {
    /// What the link leads to.
    pub title: String,
    /// Where it leads: an `https` address (or `http` where the server allows it).
    pub url: Url,
}

impl Practice {
    /// Whether the caller is an author or an approver: they see its review, history and
    /// take-down.
    async fn caller_answers_for(&self, ctx: &Context<'_>) -> Result<bool> {
        let Some(access) = reader(ctx).await? else {
            return Ok(false);
        };
        if access.approves_practice_of(self.0.school_id) {
            return Ok(true);
        }
        Ok(authors_of(ctx, self.0.id)
            .await?
            .iter()
            .any(|author| author.person_id == access.person_id))
    }
}

/// Whether a person is an author of a practice (batched with the request's other author
/// look-ups).
pub async fn is_author_of(ctx: &Context<'_>, practice_id: i32, person_id: i32) -> Result<bool> {
    Ok(authors_of(ctx, practice_id)
        .await?
        .iter()
        .any(|author| author.person_id == person_id))
}

async fn authors_of(ctx: &Context<'_>, practice_id: i32) -> Result<Vec<practice_author::Model>> {
    Ok(all_children::<practice_author::Entity, _>(
        ctx,
        practice_id,
        practice_author::Column::PracticeId,
    )
    .await?)
}

#[fields(
    /// The practice's global id.
    id = NodeKind::Practice,
    /// What sort of practice it is.
    kind: PracticeKind,
    /// The practice's title.
    title: &str,
    /// A short account, for lists and search results.
    summary: &str,
    /// The full account, in Markdown (not rendered).
    body_markdown: &str,
    /// What changed for pupils or staff, and how the school knows.
    evidence_of_impact: Option<&str>,
    /// The themes it is tagged with that the caller sees (an alliance's own theme shows
    /// only to those who see that alliance).
    themes: Vec<Theme> = themes(theme_keys),
    /// Who reads it once published.
    visibility: PracticeVisibility,
    /// Where it is in its life: draft, in review, published or archived.
    status: PracticeStatus,
    /// Of an adaptation: what was changed, for which context.
    adaptation_changes: Option<&str>,
    /// Of an adaptation: what happened when it was tried.
    outcome: Option<&str>,
    /// Staff of other schools who tried it.
    endorsement_count: i32,
    /// Comments and replies not deleted.
    comment_count: i32,
    /// Why it was reported.
    taken_down_reason: Option<&str>,
    /// When it was last published; `null` until it first is.
    published_at: Option<DateTime<Utc>>,
    /// When a school leader last approved sharing it beyond the school, by approving it in
    /// review or by publishing it beyond the school themself; `null` until one has.
    approved_at: Option<DateTime<Utc>>,
    /// When it was archived; `null` unless it is archived.
    archived_at: Option<DateTime<Utc>>,
    /// Increases with every edit; pass it back as `expectedVersion`.
    version: i32,
    /// When it was started as a draft.
    created_at: DateTime<Utc>,
    /// When it last changed: an edit or a step of its life.
    updated_at: DateTime<Utc>,
)]
#[connections]
#[Object]
/// A piece of practice a school shares (a case study, vignette, resource, lesson study,
/// enquiry finding or tool): what was done, in which context, with what impact. An
/// adaptation is a practice adapted from another for a new context.
impl Practice {
    /// Links to resources elsewhere, in the order its authors gave them.
    async fn links(&self) -> Vec<PracticeLink> {
        serde_json::from_value(self.0.links.clone()).unwrap_or_default()
    }
    /// The school phases it suits; empty when its authors named none.
    async fn phases(&self) -> Vec<SchoolPhase> {
        enum_values(&self.0.phase_keys)
    }
    /// The subjects it concerns; empty when its authors named none.
    async fn subjects(&self) -> Vec<Subject> {
        enum_values(&self.0.subject_keys)
    }
    /// The key stages it suits; empty when its authors named none.
    async fn key_stages(&self) -> Vec<KeyStage> {
        enum_values(&self.0.key_stage_keys)
    }
    /// The school the practice comes from.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            load_required::<school::Entity>(ctx, self.0.school_id).await?,
        ))
    }
    /// The alliance it is shared with, if the caller sees that alliance.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Option<Alliance>> {
        let (Some(id), Some(access)) = (self.0.alliance_id, reader(ctx).await?) else {
            return Ok(None);
        };
        if !access.sees_alliance(id) {
            return Ok(None);
        }
        Ok(load::<alliance::Entity>(ctx, id).await?.map(Alliance))
    }
    /// The partnership it is shared with, if the caller sees its alliance.
    async fn partnership(&self, ctx: &Context<'_>) -> Result<Option<Partnership>> {
        let (Some(id), Some(access)) = (self.0.partnership_id, reader(ctx).await?) else {
            return Ok(None);
        };
        Ok(load::<partnership::Entity>(ctx, id)
            .await?
            .filter(|row| access.sees_alliance(row.alliance_id))
            .map(Partnership))
    }
    /// The lead author first, then co-authors in the order they were added.
    async fn authors(&self, ctx: &Context<'_>) -> Result<Vec<PracticeAuthor>> {
        let mut authors = authors_of(ctx, self.0.id).await?;
        authors.sort_by_key(|author| (!author.is_lead, author.id));
        Ok(authors.into_iter().map(PracticeAuthor).collect())
    }
    /// Whether this practice was adapted from another.
    async fn is_adaptation(&self) -> bool {
        self.0.adapted_from_id.is_some()
    }
    /// The practice this was adapted from; `null` when it is not an adaptation, or when
    /// the caller may not see its origin (`isAdaptation` still says it has one).
    async fn adapted_from(&self, ctx: &Context<'_>) -> Result<Option<Practice>> {
        match self.0.adapted_from_id {
            Some(id) => Ok(visible_practice(ctx, id).await?),
            None => Ok(None),
        }
    }
    /// Adaptations of this practice that the caller may see, oldest first.
    async fn adaptations(&self, ctx: &Context<'_>, args: PageArgs) -> Result<Page<Practice>> {
        let list = ChildList::<practice::Entity>::new(
            self.0.id,
            practice::Column::AdaptedFromId,
            reader_condition(ctx).await?,
        );
        Ok(child_page(ctx, list, &args).await?)
    }
    /// The whole family tree this practice belongs to: its first origin and every
    /// adaptation, each with its school and outcome. Branches the caller may not see show
    /// only that they exist.
    async fn lineage(&self, ctx: &Context<'_>) -> Result<PracticeLineage> {
        Ok(lineage_of(ctx, &self.0).await?)
    }
    /// Published adaptations of this practice that the caller may see (one statement for
    /// a whole list).
    async fn adaptation_count(&self, ctx: &Context<'_>) -> Result<i32> {
        if self.0.adaptation_count == 0 {
            return Ok(0);
        }
        // The reader's condition is an `any` for those signed in: `add` to it would
        // widen it, so both go inside an `all`.
        let condition = Condition::all()
            .add(reader_condition(ctx).await?)
            .add(
                practice::Column::Status
                    .is_in([PracticeStatus::Published, PracticeStatus::Archived]),
            )
            .add(practice::Column::TakenDownAt.is_null());
        let list = ChildList::<practice::Entity>::new(
            self.0.id,
            practice::Column::AdaptedFromId,
            condition,
        );
        Ok(i32::try_from(child_count(ctx, list).await?).unwrap_or(i32::MAX))
    }
    /// Endorsements, oldest first.
    async fn endorsements(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<PracticeEndorsement>> {
        let list = ChildList::<practice_endorsement::Entity>::new(
            self.0.id,
            practice_endorsement::Column::PracticeId,
            Condition::all(),
        );
        Ok(child_page(ctx, list, &args).await?)
    }
    /// The caller's own endorsement, if they made one.
    async fn viewer_endorsement(&self, ctx: &Context<'_>) -> Result<Option<PracticeEndorsement>> {
        let Some(access) = reader(ctx).await? else {
            return Ok(None);
        };
        let list = ChildList::<practice_endorsement::Entity>::new(
            self.0.id,
            practice_endorsement::Column::PracticeId,
            Condition::all().add(practice_endorsement::Column::PersonId.eq(access.person_id)),
        );
        Ok(child_rows(ctx, list)
            .await?
            .into_iter()
            .next()
            .map(PracticeEndorsement))
    }
    /// Comment threads, pinned first, then by latest activity. Signed-in readers only.
    async fn comment_threads(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<DiscussionThread>> {
        let kind = DiscussionHostKind::Practice;
        Ok(host_threads(ctx, kind, self.0.id, &args).await?)
    }
    /// Earlier texts of a published practice, newest first. Only its authors and
    /// approvers read them (others get an empty list): an earlier text may hold what a
    /// safeguarding report had removed before the item was restored.
    async fn revisions(&self, ctx: &Context<'_>) -> Result<Vec<PracticeRevision>> {
        if !self.caller_answers_for(ctx).await? {
            return Ok(Vec::new());
        }
        let list = ChildList::<practice_revision::Entity>::new(
            self.0.id,
            practice_revision::Column::PracticeId,
            Condition::all(),
        );
        let mut rows = child_rows(ctx, list).await?;
        rows.reverse();
        Ok(rows.into_iter().map(PracticeRevision).collect())
    }
    /// Its life so far (submitted, approved, sent back, reported...), oldest first. Only
    /// its authors and approvers read it; others get an empty list.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<PracticeEvent>> {
        if !self.caller_answers_for(ctx).await? {
            return Ok(Vec::new());
        }
        Ok(all_children::<practice_event::Entity, _>(
            ctx,
            self.0.id,
            practice_event::Column::PracticeId,
        )
        .await?)
    }
    /// The approver's comment when they last sent it back (authors and approvers only).
    async fn review_comment(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(if self.caller_answers_for(ctx).await? {
            self.0.review_comment.as_deref()
        } else {
            None
        })
    }
    /// Whether it was reported as identifying a pupil and is hidden pending review. Only
    /// its authors and approvers can read it meanwhile.
    async fn is_taken_down(&self) -> bool {
        self.0.taken_down_at.is_some()
    }
    /// Whether the caller may edit it (an author).
    async fn viewer_is_author(&self, ctx: &Context<'_>) -> Result<bool> {
        let Some(access) = reader(ctx).await? else {
            return Ok(false);
        };
        Ok(authors_of(ctx, self.0.id)
            .await?
            .iter()
            .any(|author| author.person_id == access.person_id))
    }
    /// Whether the caller approves its sharing beyond the school.
    async fn viewer_can_approve(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(reader(ctx)
            .await?
            .is_some_and(|access| access.approves_practice_of(self.0.school_id)))
    }
}

#[fields(
    /// The school they wrote from.
    school: School = school(school_id),
    /// The author who first wrote it (others are co-authors).
    is_lead: bool,
)]
#[Object]
/// An author of a practice: its lead author, who started it, or a co-author from any
/// school.
impl PracticeAuthor {
    /// The author, if the caller may see them (never when not signed in).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        if reader(ctx).await?.is_none() {
            return Ok(None);
        }
        person_of(ctx, Some(self.0.person_id)).await
    }
}

#[fields(
    /// The endorsement's global id.
    id = NodeKind::PracticeEndorsement,
    /// What they did and saw.
    note: &str,
    /// How it went.
    outcome: EndorsementOutcome,
    /// Increases with every edit; pass it back as `expectedVersion`.
    version: i32,
    /// When it was made.
    created_at: DateTime<Utc>,
    /// When it was last edited.
    updated_at: DateTime<Utc>,
)]
#[Object]
/// "We tried this here": a person from another school saying how a practice went there.
impl PracticeEndorsement {
    /// The practice endorsed; `null` when the caller may no longer read it.
    async fn practice(&self, ctx: &Context<'_>) -> Result<Option<Practice>> {
        Ok(visible_practice(ctx, self.0.practice_id).await?)
    }
    /// Who endorsed it, if the caller may see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        if reader(ctx).await?.is_none() {
            return Ok(None);
        }
        person_of(ctx, Some(self.0.person_id)).await
    }
    /// Where it was tried.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            load_required::<school::Entity>(ctx, self.0.school_id).await?,
        ))
    }
}

#[fields(
    /// The practice's version this text was.
    version: i32,
    /// The title at that version.
    title: &str,
    /// The summary at that version.
    summary: &str,
    /// The body at that version, in Markdown.
    body_markdown: &str,
    /// The evidence of impact at that version; `null` when there was none.
    evidence_of_impact: Option<&str>,
    /// When this text was kept.
    created_at: DateTime<Utc>,
)]
#[Object]
/// The text of a published practice as an edit, or its publication, left it.
impl PracticeRevision {
    /// Who made the edit, if the caller may see them.
    async fn edited_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        if reader(ctx).await?.is_none() {
            return Ok(None);
        }
        person_of(ctx, Some(self.0.edited_by_id)).await
    }
}

#[fields(
    /// What was done.
    action: PracticeAction,
    /// Its status before the step; `null` for `CREATED`.
    from_status: Option<PracticeStatus>,
    /// Its status after the step.
    to_status: Option<PracticeStatus>,
    /// The visibility asked for or granted, where the step concerns it.
    visibility: Option<PracticeVisibility>,
    /// The comment given with the step (an approver's reason for sending it back, a
    /// report's reason); `null` when none was.
    comment: Option<&str>,
    /// Who took the step, if the caller may see them.
    actor: Person = person(actor_id),
    /// When the step was taken.
    created_at: DateTime<Utc>,
)]
#[Object]
/// A step in a practice's life: created, edited, submitted, approved, sent back,
/// published, withdrawn, archived, reported or restored.
impl PracticeEvent {}
