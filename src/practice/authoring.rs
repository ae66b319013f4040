//! Writing practice: create a draft, edit it (with a version check; a published practice
//! keeps each text as a revision), and manage co-authors, who may come from any school.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Result};
use chrono::Utc;
use entity::enums::{
    KeyStage, MembershipStatus, PartnershipStatus, PracticeAction, PracticeKind, PracticeStatus,
    PracticeVisibility, SchoolPhase, Subject,
};
use entity::{
    alliance_membership, partnership, person, practice, practice_author, school, staff_role,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use trellis_macros::mutations;

use super::keys::enum_keys;
use super::lifecycle::{keep_revision, record, require_author};
use super::safeguarding::check_shareable;
use super::types::PracticeLink;
use super::{Practice, readable_practice};
use crate::alliances::partnerships::current_place;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError, on_unique};
use crate::graphql::context::{access, db, services};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::scalars::Url;
use crate::graphql::versioned::{Change, InsertFirst};
use crate::payload;
use crate::realtime::Signal;
use crate::themes::theme_keys;
use crate::validation;

pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 1_000;
pub const BODY_MAX: usize = 50_000;
pub const EVIDENCE_MAX: usize = 10_000;
pub const NOTE_MAX: usize = 5_000;
const LINKS_MAX: usize = 20;
const CO_AUTHORS_MAX: usize = 20;

/// A link from a practice to a resource elsewhere.
#[derive(InputObject, Clone)]
pub struct PracticeLinkInput {
    /// What the link leads to, as readers see it; at most 200 characters.
    pub title: String,
    /// An `https` link.
    pub url: Url,
}

/// Who reads a practice once published: for `PARTNERSHIP`, the partnership (of an
/// alliance); for `ALLIANCE`, the alliance (one the school is an active member of); for
/// `PUBLIC`, optionally the alliance it is shared from.
#[derive(InputObject, Clone)]
pub struct PracticeAudienceInput {
    /// Who reads it once published.
    pub visibility: PracticeVisibility,
    /// The alliance: required for `ALLIANCE`; for `PUBLIC`, optionally the alliance it is
    /// shared from; ignored otherwise.
    pub alliance_id: Option<ID>,
    /// The partnership, one the school takes part in: required for `PARTNERSHIP`, ignored
    /// otherwise.
    pub partnership_id: Option<ID>,
}

impl Default for PracticeAudienceInput {
    /// The audience of a new practice when the client names none: its school.
    fn default() -> Self {
        Self {
            visibility: PracticeVisibility::School,
            alliance_id: None,
            partnership_id: None,
        }
    }
}

/// A new practice, started as a draft that only its authors see.
#[derive(InputObject)]
pub struct CreatePracticeInput {
    /// The school it comes from: one the caller works at.
    pub school_id: ID,
    /// What sort of practice it is.
    pub kind: PracticeKind,
    /// The title; at most 200 characters.
    pub title: String,
    /// A short account for lists and search results; at most 1,000 characters.
    pub summary: String,
    /// The full account, in Markdown; at most 50,000 characters.
    pub body_markdown: String,
    /// What changed for pupils or staff, and how the school knows; at most 10,000
    /// characters.
    pub evidence_of_impact: Option<String>,
    /// Links to resources elsewhere; at most 20.
    #[graphql(default)]
    pub links: Vec<PracticeLinkInput>,
    /// Its themes, at most 20: from the shared taxonomy, or the alliance's own when
    /// shared with an alliance.
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
    /// The school phases it suits.
    #[graphql(default)]
    pub phases: Vec<SchoolPhase>,
    /// The subjects it concerns.
    #[graphql(default)]
    pub subjects: Vec<Subject>,
    /// The key stages it suits.
    #[graphql(default)]
    pub key_stages: Vec<KeyStage>,
    /// Co-authors, from any school the caller sees; at most 20.
    #[graphql(default)]
    pub co_author_ids: Vec<ID>,
    /// Default: `SCHOOL`.
    pub audience: Option<PracticeAudienceInput>,
}

/// Changes to a practice; absent fields stay as they are, `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdatePracticeInput {
    /// The practice to edit: one the caller is an author of, not archived.
    pub practice_id: ID,
    /// The `version` the change was made from (see `Practice.version`).
    pub expected_version: i32,
    /// What sort of practice it is.
    pub kind: Option<PracticeKind>,
    /// The title; at most 200 characters.
    pub title: Option<String>,
    /// A short account for lists and search results; at most 1,000 characters.
    pub summary: Option<String>,
    /// The full account, in Markdown; at most 50,000 characters.
    pub body_markdown: Option<String>,
    /// What changed for pupils or staff, and how the school knows; at most 10,000
    /// characters. `null` clears it.
    pub evidence_of_impact: MaybeUndefined<String>,
    /// Replaces all its links; at most 20.
    pub links: Option<Vec<PracticeLinkInput>>,
    /// Replaces its themes (at most 20, as in `createPractice`).
    pub theme_ids: Option<Vec<ID>>,
    /// Replaces the school phases it suits.
    pub phases: Option<Vec<SchoolPhase>>,
    /// Replaces the subjects it concerns.
    pub subjects: Option<Vec<Subject>>,
    /// Replaces the key stages it suits.
    pub key_stages: Option<Vec<KeyStage>>,
    /// Only while a draft: withdraw a published practice to change who reads it.
    pub audience: Option<PracticeAudienceInput>,
    /// Of an adaptation: what was changed, for which context.
    pub adaptation_changes: Option<String>,
    /// Of an adaptation: what happened when it was tried.
    pub outcome: MaybeUndefined<String>,
}

/// A person to add as a co-author of a practice.
#[derive(InputObject)]
pub struct AddPracticeCoAuthorInput {
    /// The practice: one the caller is an author of.
    pub practice_id: ID,
    /// The new co-author: a person the caller sees, from any school.
    pub person_id: ID,
}

/// A co-author to remove from a practice.
#[derive(InputObject)]
pub struct RemovePracticeCoAuthorInput {
    /// The practice.
    pub practice_id: ID,
    /// The co-author to remove (never the lead author); the caller themself, or anyone
    /// when the caller is an author.
    pub person_id: ID,
}

payload!(CreatePracticePayload { practice: Practice });
payload!(UpdatePracticePayload { practice: Practice });
payload!(AddPracticeCoAuthorPayload { practice: Practice });
payload!(RemovePracticeCoAuthorPayload { practice: Practice });

#[derive(Default)]
pub struct PracticeAuthoringMutation;

mutations! {
    impl PracticeAuthoringMutation {
        /// Starts a practice as a draft that only its authors see. Staff of the school may.
        fn create_practice { create(ctx, input).await }

        /// Edits a practice; `CONFLICT` if it changed since `expectedVersion`. Its authors
        /// may, until it is archived. A published practice keeps each text as a revision, and
        /// shared beyond the school is refused `IDENTIFIES_PUPIL` text.
        fn update_practice { update(ctx, input).await }

        /// Adds a co-author (from any school the caller sees). Its authors may.
        fn add_practice_co_author { add_co_author(ctx, input.practice_id, input.person_id).await }

        /// Removes a co-author (never the lead author). Its authors may; a co-author may
        /// remove themself.
        fn remove_practice_co_author {
            remove_co_author(ctx, input.practice_id, input.person_id).await
        }
    }
}

/// The fields every practice has, checked.
pub struct PracticeText {
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
}

impl PracticeText {
    pub fn checked(title: &str, summary: &str, body: &str) -> Result<Self, UserError> {
        Ok(Self {
            title: validation::required("title", title, TITLE_MAX)?,
            summary: validation::required("summary", summary, SUMMARY_MAX)?,
            body_markdown: validation::required("bodyMarkdown", body, BODY_MAX)?,
        })
    }
}

pub fn checked_links(
    links: &[PracticeLinkInput],
    allow_http: bool,
) -> Result<serde_json::Value, UserError> {
    if links.len() > LINKS_MAX {
        return Err(UserError::invalid(
            "links",
            format!("at most {LINKS_MAX} links"),
        ));
    }
    let mut checked = Vec::new();
    for (index, link) in links.iter().enumerate() {
        let title = validation::required(&format!("links.{index}.title"), &link.title, TITLE_MAX)?;
        let url = validation::link(&format!("links.{index}.url"), &link.url, allow_http)?;
        checked.push(PracticeLink {
            title,
            url: Url(url),
        });
    }
    Ok(serde_json::to_value(checked).unwrap_or_default())
}

/// The school input `field` names, if the caller works there (leaders and platform
/// admins count too).
pub async fn own_school(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<i32> {
    let key = decode_as(id, NodeKind::School).ok_or_else(|| UserError::not_found(field))?;
    let exists = school::Entity::find_by_id(key).one(conn).await?.is_some();
    if !exists {
        return Err(UserError::not_found(field).into());
    }
    allowed(
        access.shares_practice_of(key),
        "only staff of the school share its practice",
    )?;
    Ok(key)
}

/// A new practice's row before what it says: a draft by the caller, of their school
/// `school_id`, for `audience` with the `(alliance, partnership)` `checked_audience`
/// returned for it; not yet endorsed, adapted or discussed, and no adaptation.
pub fn new_draft(
    access: &Access,
    school_id: i32,
    audience: &PracticeAudienceInput,
    (alliance_id, partnership_id): (Option<i32>, Option<i32>),
) -> practice::ActiveModel {
    practice::ActiveModel {
        school_id: Set(school_id),
        alliance_id: Set(alliance_id),
        partnership_id: Set(partnership_id),
        visibility: Set(audience.visibility),
        status: Set(PracticeStatus::Draft),
        adapted_from_id: Set(None),
        adaptation_changes: Set(None),
        outcome: Set(None),
        created_by_id: Set(access.person_id),
        endorsement_count: Set(0),
        adaptation_count: Set(0),
        comment_count: Set(0),
        ..Default::default()
    }
}

/// Checks an audience for a school's practice: returns `(alliance, partnership)`.
pub async fn checked_audience(
    conn: &impl ConnectionTrait,
    school_id: i32,
    audience: &PracticeAudienceInput,
) -> MutationResult<(Option<i32>, Option<i32>)> {
    match audience.visibility {
        PracticeVisibility::Private | PracticeVisibility::School => Ok((None, None)),
        PracticeVisibility::Partnership => {
            let not_found = || UserError::not_found("audience.partnershipId");
            let id = audience.partnership_id.as_ref().ok_or_else(|| {
                UserError::invalid(
                    "audience.partnershipId",
                    "name the partnership to share with",
                )
            })?;
            let key = decode_as(id, NodeKind::Partnership).ok_or_else(not_found)?;
            let found = partnership::Entity::find_by_id(key)
                .one(conn)
                .await?
                .ok_or_else(not_found)?;
            let takes_part = current_place(conn, key, school_id).await?.is_some();
            if !takes_part || found.status != PartnershipStatus::Active {
                return Err(UserError::invalid(
                    "audience.partnershipId",
                    "the school does not take part in this partnership",
                )
                .into());
            }
            Ok((Some(found.alliance_id), Some(key)))
        }
        PracticeVisibility::Alliance | PracticeVisibility::Public => {
            let Some(id) = &audience.alliance_id else {
                if audience.visibility == PracticeVisibility::Alliance {
                    return Err(UserError::invalid(
                        "audience.allianceId",
                        "name the alliance to share with",
                    )
                    .into());
                }
                return Ok((None, None));
            };
            let key = decode_as(id, NodeKind::Alliance)
                .ok_or_else(|| UserError::not_found("audience.allianceId"))?;
            let member = alliance_membership::Entity::find()
                .filter(alliance_membership::Column::AllianceId.eq(key))
                .filter(alliance_membership::Column::SchoolId.eq(school_id))
                .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
                .one(conn)
                .await?
                .is_some();
            if !member {
                return Err(UserError::invalid(
                    "audience.allianceId",
                    "the school is not an active member of this alliance",
                )
                .into());
            }
            Ok((Some(key), None))
        }
    }
}

/// The people input `field` names, each one the caller sees and active.
async fn visible_people(
    conn: &impl ConnectionTrait,
    access: &Access,
    ids: &[ID],
    field: &str,
) -> MutationResult<Vec<i32>> {
    if ids.len() > CO_AUTHORS_MAX {
        return Err(
            UserError::invalid(field, format!("at most {CO_AUTHORS_MAX} co-authors")).into(),
        );
    }
    let mut keys = Vec::new();
    for id in ids {
        let key = decode_as(id, NodeKind::Person).ok_or_else(|| UserError::not_found(field))?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let found = person::Entity::find()
        .filter(person::Column::Id.is_in(keys.clone()))
        .filter(access.person_condition())
        .all(conn)
        .await?;
    if found.len() != keys.len() {
        return Err(UserError::not_found(field).into());
    }
    Ok(keys)
}

/// The school a person writes from: the first they work at now.
async fn writing_school(
    conn: &impl ConnectionTrait,
    person_id: i32,
) -> Result<Option<i32>, sea_orm::DbErr> {
    Ok(staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.eq(person_id))
        .filter(staff_role::Column::EndsOn.is_null())
        .order_by_asc(staff_role::Column::SchoolId)
        .one(conn)
        .await?
        .map(|role| role.school_id))
}

/// Adds an author to a practice; `TAKEN` if they already are one.
pub async fn add_author(
    txn: &DatabaseTransaction,
    practice_id: i32,
    person_id: i32,
    school_id: Option<i32>,
    is_lead: bool,
) -> MutationResult<()> {
    let school_id = match school_id {
        Some(school) => Some(school),
        None => writing_school(txn, person_id).await?,
    };
    practice_author::ActiveModel {
        practice_id: Set(practice_id),
        person_id: Set(person_id),
        school_id: Set(school_id),
        is_lead: Set(is_lead),
        added_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(on_unique("personId", "already an author"))?;
    Ok(())
}

async fn create(ctx: &Context<'_>, input: CreatePracticeInput) -> MutationResult<Practice> {
    let access = access(ctx).await?;
    let text = PracticeText::checked(&input.title, &input.summary, &input.body_markdown)?;
    let evidence = validation::optional(
        "evidenceOfImpact",
        input.evidence_of_impact.as_deref(),
        EVIDENCE_MAX,
    )?;
    let links = checked_links(&input.links, services(ctx).allow_http_links)?;
    let audience = input.audience.unwrap_or_default();
    let txn = begin_write(db(ctx)).await?;
    let school_id = own_school(&txn, &access, &input.school_id, "schoolId").await?;
    let shared_with = checked_audience(&txn, school_id, &audience).await?;
    let themes = theme_keys(
        &txn,
        "themeIds",
        &input.theme_ids,
        shared_with.0.unwrap_or(0),
    )
    .await?;
    let co_authors = visible_people(&txn, &access, &input.co_author_ids, "coAuthorIds").await?;
    let now = Utc::now();
    let created = practice::ActiveModel {
        kind: Set(input.kind),
        title: Set(text.title),
        summary: Set(text.summary),
        body_markdown: Set(text.body_markdown),
        evidence_of_impact: Set(evidence),
        links: Set(links),
        theme_keys: Set(themes),
        phase_keys: Set(enum_keys(&input.phases)),
        subject_keys: Set(enum_keys(&input.subjects)),
        key_stage_keys: Set(enum_keys(&input.key_stages)),
        ..new_draft(&access, school_id, &audience, shared_with)
    }
    .insert_first(&txn, now)
    .await?;
    add_author(&txn, created.id, access.person_id, Some(school_id), true).await?;
    for person in co_authors.into_iter().filter(|p| *p != access.person_id) {
        add_author(&txn, created.id, person, None, false).await?;
    }
    record(&txn, &access, &created, PracticeAction::Created, None, None).await?;
    txn.commit().await?;
    Ok(Practice(created))
}

async fn update(ctx: &Context<'_>, input: UpdatePracticeInput) -> MutationResult<Practice> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let found = readable_practice(&txn, &access, &input.practice_id, "practiceId").await?;
    require_author(&txn, &access, &found).await?;
    if found.status == PracticeStatus::Archived {
        return Err(
            UserError::invalid_state("practiceId", "an archived practice is not edited").into(),
        );
    }
    let mut change = Change::edit(&found, Utc::now());
    if let Some(kind) = input.kind {
        change.kind = Set(kind);
    }
    if let Some(title) = &input.title {
        change.title = Set(validation::required("title", title, TITLE_MAX)?);
    }
    if let Some(summary) = &input.summary {
        change.summary = Set(validation::required("summary", summary, SUMMARY_MAX)?);
    }
    if let Some(body) = &input.body_markdown {
        change.body_markdown = Set(validation::required("bodyMarkdown", body, BODY_MAX)?);
    }
    match &input.evidence_of_impact {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => change.evidence_of_impact = Set(None),
        MaybeUndefined::Value(text) => {
            change.evidence_of_impact = Set(validation::optional(
                "evidenceOfImpact",
                Some(text),
                EVIDENCE_MAX,
            )?)
        }
    }
    if let Some(links) = &input.links {
        change.links = Set(checked_links(links, services(ctx).allow_http_links)?);
    }
    if let Some(phases) = &input.phases {
        change.phase_keys = Set(enum_keys(phases));
    }
    if let Some(subjects) = &input.subjects {
        change.subject_keys = Set(enum_keys(subjects));
    }
    if let Some(stages) = &input.key_stages {
        change.key_stage_keys = Set(enum_keys(stages));
    }
    let mut alliance_id = found.alliance_id;
    if let Some(audience) = &input.audience {
        if found.status != PracticeStatus::Draft {
            return Err(UserError::invalid_state(
                "audience",
                "who reads it changes only in draft: withdraw it first",
            )
            .into());
        }
        let (alliance, partnership) = checked_audience(&txn, found.school_id, audience).await?;
        alliance_id = alliance;
        change.visibility = Set(audience.visibility);
        change.alliance_id = Set(alliance);
        change.partnership_id = Set(partnership);
    }
    if let Some(themes) = &input.theme_ids {
        change.theme_keys =
            Set(theme_keys(&txn, "themeIds", themes, alliance_id.unwrap_or(0)).await?);
    }
    if let Some(changes) = &input.adaptation_changes {
        if found.adapted_from_id.is_none() {
            return Err(
                UserError::invalid("adaptationChanges", "only an adaptation has changes").into(),
            );
        }
        change.adaptation_changes = Set(Some(validation::required(
            "adaptationChanges",
            changes,
            NOTE_MAX,
        )?));
    }
    match &input.outcome {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => change.outcome = Set(None),
        MaybeUndefined::Value(text) => {
            change.outcome = Set(validation::optional("outcome", Some(text), NOTE_MAX)?)
        }
    }
    let preview = apply_preview(&found, &change);
    let shared = matches!(
        found.status,
        PracticeStatus::InReview | PracticeStatus::Published
    );
    if shared && preview.visibility.beyond_school() {
        check_shareable(&preview)?;
    }
    super::adaptation::check_within_origin(&txn, &preview, "audience.visibility").await?;
    let updated = change.save(&txn, input.expected_version).await?;
    if updated.status == PracticeStatus::Published {
        keep_revision(&txn, &access, &updated).await?;
    }
    record(
        &txn,
        &access,
        &updated,
        PracticeAction::Edited,
        Some(found.status),
        None,
    )
    .await?;
    txn.commit().await?;
    services(ctx).bus.publish(Signal::Practice {
        practice: updated.id,
    });
    Ok(Practice(updated))
}

/// The practice as `change` would leave it, for checks before writing.
fn apply_preview(found: &practice::Model, change: &practice::ActiveModel) -> practice::Model {
    let mut preview = found.clone();
    if let sea_orm::ActiveValue::Set(value) = &change.title {
        preview.title = value.clone();
    }
    if let sea_orm::ActiveValue::Set(value) = &change.summary {
        preview.summary = value.clone();
    }
    if let sea_orm::ActiveValue::Set(value) = &change.body_markdown {
        preview.body_markdown = value.clone();
    }
    if let sea_orm::ActiveValue::Set(value) = &change.evidence_of_impact {
        preview.evidence_of_impact = value.clone();
    }
    if let sea_orm::ActiveValue::Set(value) = &change.adaptation_changes {
        preview.adaptation_changes = value.clone();
    }
    if let sea_orm::ActiveValue::Set(value) = &change.outcome {
        preview.outcome = value.clone();
    }
    if let sea_orm::ActiveValue::Set(value) = &change.visibility {
        preview.visibility = *value;
    }
    if let sea_orm::ActiveValue::Set(value) = &change.alliance_id {
        preview.alliance_id = *value;
    }
    if let sea_orm::ActiveValue::Set(value) = &change.partnership_id {
        preview.partnership_id = *value;
    }
    preview
}

async fn add_co_author(
    ctx: &Context<'_>,
    practice_id: ID,
    person_id: ID,
) -> MutationResult<Practice> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let found = readable_practice(&txn, &access, &practice_id, "practiceId").await?;
    require_author(&txn, &access, &found).await?;
    let people =
        visible_people(&txn, &access, std::slice::from_ref(&person_id), "personId").await?;
    add_author(&txn, found.id, people[0], None, false).await?;
    txn.commit().await?;
    Ok(Practice(found))
}

async fn remove_co_author(
    ctx: &Context<'_>,
    practice_id: ID,
    person_id: ID,
) -> MutationResult<Practice> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let found = readable_practice(&txn, &access, &practice_id, "practiceId").await?;
    let person =
        decode_as(&person_id, NodeKind::Person).ok_or_else(|| UserError::not_found("personId"))?;
    if person != access.person_id {
        require_author(&txn, &access, &found).await?;
    }
    let author = practice_author::Entity::find()
        .filter(practice_author::Column::PracticeId.eq(found.id))
        .filter(practice_author::Column::PersonId.eq(person))
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::not_found("personId"))?;
    if author.is_lead {
        return Err(UserError::invalid_state("personId", "the lead author stays").into());
    }
    practice_author::Entity::delete_by_id(author.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Practice(found))
}
