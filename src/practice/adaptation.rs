//! Adapting practice: anyone who reads a published practice may adapt it for their own
//! context. The adaptation is a new practice (a draft of the adapter's) linked to its
//! origin, saying what was changed for which school, phase and subject, and later what
//! happened. The lineage walks the whole family tree.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use trellis_macros::mutations;

use async_graphql::{Context, ID, InputObject, Result, SimpleObject};
use chrono::Utc;
use entity::enums::{KeyStage, PracticeAction, PracticeStatus, SchoolPhase, Subject};
use entity::{practice, school};
use sea_orm::sea_query::{Expr, Query, UnionType};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect, Set, Statement,
};

use super::authoring::{
    NOTE_MAX, PracticeAudienceInput, SUMMARY_MAX, TITLE_MAX, add_author, checked_audience,
    new_draft, own_school,
};
use super::keys::enum_keys;
use super::lifecycle::record;
use super::{Practice, readable_practice, reader_condition};
use crate::auth::policy::practice::audience_within;
use crate::db::begin_write;
use crate::errors::{ApiResult, MutationResult, UserError};
use crate::graphql::context::{access, db, load_many};
use crate::graphql::versioned::InsertFirst;
use crate::payload;
use crate::schools::School;
use crate::validation;

/// The most branches a lineage lists; a family larger than this is cut (deepest last).
const LINEAGE_MAX: usize = 500;

/// The published practice to adapt, the school adapting it and what changes for its
/// context. The adaptation starts from the origin's text, links and themes.
#[derive(InputObject)]
pub struct AdaptPracticeInput {
    /// The practice to adapt: a published one the caller reads.
    pub practice_id: ID,
    /// The school adapting it: one the caller works at.
    pub school_id: ID,
    /// What was changed, for which context.
    pub changes: String,
    /// Default: the origin's title.
    pub title: Option<String>,
    /// Default: the origin's summary.
    pub summary: Option<String>,
    /// The context it is adapted for; default: the origin's.
    pub phases: Option<Vec<SchoolPhase>>,
    /// The subjects it is adapted for; default: the origin's.
    pub subjects: Option<Vec<Subject>>,
    /// The key stages it is adapted for; default: the origin's.
    pub key_stages: Option<Vec<KeyStage>>,
    /// Who reads it once published: no wider than the origin. Default: `SCHOOL`.
    pub audience: Option<PracticeAudienceInput>,
}

payload!(AdaptPracticePayload { practice: Practice });

#[derive(Default)]
pub struct AdaptationMutation;

mutations! {
    impl AdaptationMutation {
        /// Adapts a published practice for another context: a new draft of the caller's,
        /// starting from the origin's text and linked to it. Archived practice is not
        /// adapted.
        fn adapt_practice { adapt(ctx, input).await }
    }
}

async fn adapt(ctx: &Context<'_>, input: AdaptPracticeInput) -> MutationResult<Practice> {
    let access = access(ctx).await?;
    let changes = validation::required("changes", &input.changes, NOTE_MAX)?;
    let title = validation::optional("title", input.title.as_deref(), TITLE_MAX)?;
    let summary = validation::optional("summary", input.summary.as_deref(), SUMMARY_MAX)?;
    let audience = input.audience.unwrap_or_default();
    let txn = begin_write(db(ctx)).await?;
    let origin = readable_practice(&txn, &access, &input.practice_id, "practiceId").await?;
    match origin.status {
        PracticeStatus::Published if origin.taken_down_at.is_none() => {}
        PracticeStatus::Archived => {
            return Err(
                UserError::invalid_state("practiceId", "archived practice is not adapted").into(),
            );
        }
        _ => {
            return Err(UserError::invalid_state(
                "practiceId",
                "only published practice is adapted",
            )
            .into());
        }
    }
    let school_id = own_school(&txn, &access, &input.school_id, "schoolId").await?;
    let shared_with = checked_audience(&txn, school_id, &audience).await?;
    let now = Utc::now();
    let created = practice::ActiveModel {
        kind: Set(origin.kind),
        title: Set(title.unwrap_or_else(|| origin.title.clone())),
        summary: Set(summary.unwrap_or_else(|| origin.summary.clone())),
        body_markdown: Set(origin.body_markdown.clone()),
        evidence_of_impact: Set(None),
        links: Set(origin.links.clone()),
        // Alliance themes only travel within their alliance.
        theme_keys: Set(origin.theme_keys.clone()),
        phase_keys: Set(input
            .phases
            .map_or(origin.phase_keys.clone(), |p| enum_keys(&p))),
        subject_keys: Set(input
            .subjects
            .map_or(origin.subject_keys.clone(), |s| enum_keys(&s))),
        key_stage_keys: Set(input
            .key_stages
            .map_or(origin.key_stage_keys.clone(), |k| enum_keys(&k))),
        adapted_from_id: Set(Some(origin.id)),
        adaptation_changes: Set(Some(changes)),
        ..new_draft(&access, school_id, &audience, shared_with)
    }
    .insert_first(&txn, now)
    .await?;
    link_to_ancestors(&txn, created.id, origin.id).await?;
    check_within_origin(&txn, &created, "audience.visibility").await?;
    add_author(&txn, created.id, access.person_id, Some(school_id), true).await?;
    record(&txn, &access, &created, PracticeAction::Created, None, None).await?;
    txn.commit().await?;
    Ok(Practice(created))
}

/// Records the ancestors of a new adaptation of `origin`: the origin and its own ancestors.
pub async fn link_to_ancestors(
    conn: &impl ConnectionTrait,
    practice_id: i32,
    origin_id: i32,
) -> Result<(), DbErr> {
    use entity::practice_ancestor::{Column, Entity};
    let rows = Query::select()
        .expr(Expr::val(practice_id))
        .column(Column::AncestorId)
        .from(Entity)
        .and_where(Column::PracticeId.eq(origin_id))
        .union(
            UnionType::All,
            Query::select()
                .expr(Expr::val(practice_id))
                .expr(Expr::val(origin_id))
                .to_owned(),
        )
        .to_owned();
    let insert = Query::insert()
        .into_table(Entity)
        .columns([Column::PracticeId, Column::AncestorId])
        .select_from(rows)
        .map_err(|error| DbErr::Custom(error.to_string()))?
        .to_owned();
    conn.execute(&insert).await?;
    Ok(())
}

/// Records the ancestors of every adaptation written in bulk (the seed command), walking
/// up `adapted_from_id` in one statement.
pub async fn link_all_ancestors(conn: &impl ConnectionTrait) -> Result<(), DbErr> {
    conn.execute_unprepared(
        "INSERT INTO practice_ancestor (practice_id, ancestor_id)
         WITH RECURSIVE chain (practice_id, ancestor_id) AS (
             SELECT id, adapted_from_id FROM practice WHERE adapted_from_id IS NOT NULL
             UNION ALL
             SELECT chain.practice_id, origin.adapted_from_id
             FROM chain JOIN practice origin ON origin.id = chain.ancestor_id
             WHERE origin.adapted_from_id IS NOT NULL
         )
         SELECT practice_id, ancestor_id FROM chain",
    )
    .await?;
    Ok(())
}

/// Refuses an adaptation whose audience is wider than its origin's (`INVALID` on
/// `field`): it carries the origin's text, and would not be read beyond the origin's
/// readers anyway. Checked whenever its audience is chosen or it is about to be shared:
/// adapting, editing, submitting, approving, publishing and restoring.
pub async fn check_within_origin(
    conn: &impl ConnectionTrait,
    practice: &practice::Model,
    field: &str,
) -> MutationResult<()> {
    let Some(origin_id) = practice.adapted_from_id else {
        return Ok(());
    };
    let Some(origin) = practice::Entity::find_by_id(origin_id).one(conn).await? else {
        return Ok(());
    };
    if audience_within(practice, &origin) {
        return Ok(());
    }
    Err(UserError::invalid(
        field,
        format!(
            "an adaptation carries its origin's text, so it is not shared more widely than the \
             practice it adapts ({}): choose that audience or a narrower one",
            origin.visibility.to_value()
        ),
    )
    .into())
}

/// A practice's family tree, depth first from its first origin.
#[derive(SimpleObject)]
pub struct PracticeLineage {
    /// Every branch, depth first: the first origin, then each adaptation after the
    /// practice it adapts (oldest first).
    pub branches: Vec<PracticeLineageBranch>,
}

/// One practice in a family tree. A branch the caller may not see shows only that it
/// exists: `practice`, `school` and `outcome` are `null`.
#[derive(SimpleObject)]
pub struct PracticeLineageBranch {
    /// The practice at this branch; `null` when the caller may not see it.
    pub practice: Option<Practice>,
    /// 0 for the first origin, 1 for its adaptations, and so on.
    pub depth: i32,
    /// The branch this adapts, as an index into `branches`; `null` for the first origin.
    pub parent_index: Option<i32>,
    /// The school the practice comes from; `null` when the caller may not see the practice.
    pub school: Option<School>,
    /// Of an adaptation: what happened when it was tried; `null` when not yet said, for the
    /// first origin, or when the caller may not see the practice.
    pub outcome: Option<String>,
    /// Whether this is the practice the lineage was asked of.
    pub is_current: bool,
}

#[derive(FromQueryResult)]
struct Member {
    id: i32,
    adapted_from_id: Option<i32>,
}

/// The whole family of `id`: up to its first origin, then down to every adaptation. One
/// statement, whatever the family's size (bounded by `LINEAGE_MAX`).
async fn family(conn: &impl ConnectionTrait, id: i32) -> Result<Vec<Member>, DbErr> {
    let backend = conn.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let sql = format!(
        r#"WITH RECURSIVE
            up(id, adapted_from_id, steps) AS (
                SELECT id, adapted_from_id, 0 FROM practice WHERE id = {placeholder}
                UNION ALL
                SELECT p.id, p.adapted_from_id, up.steps + 1
                FROM practice p JOIN up ON p.id = up.adapted_from_id
                WHERE up.steps < 100
            ),
            down(id, adapted_from_id, steps) AS (
                SELECT id, adapted_from_id, 0 FROM up WHERE adapted_from_id IS NULL
                UNION ALL
                SELECT p.id, p.adapted_from_id, down.steps + 1
                FROM practice p JOIN down ON p.adapted_from_id = down.id
                WHERE down.steps < 100
            )
        SELECT id, adapted_from_id FROM down ORDER BY steps, id LIMIT {}"#,
        LINEAGE_MAX
    );
    Member::find_by_statement(Statement::from_sql_and_values(backend, sql, [id.into()]))
        .all(conn)
        .await
}

pub async fn lineage_of(
    ctx: &Context<'_>,
    current: &practice::Model,
) -> ApiResult<PracticeLineage> {
    let conn = db(ctx);
    let members = family(conn, current.id).await?;
    let ids: Vec<i32> = members.iter().map(|m| m.id).collect();
    let visible: HashMap<i32, practice::Model> = practice::Entity::find()
        .filter(practice::Column::Id.is_in(ids.clone()))
        .filter(reader_condition(ctx).await?)
        .all(conn)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    // Hidden branches show as placeholders only when shared (someone reads them) or when
    // a visible branch hangs below them; others' drafts do not appear at all.
    let shared: BTreeSet<i32> = practice::Entity::find()
        .select_only()
        .column(practice::Column::Id)
        .filter(practice::Column::Id.is_in(ids))
        .filter(
            practice::Column::Status.is_in([PracticeStatus::Published, PracticeStatus::Archived]),
        )
        .filter(practice::Column::TakenDownAt.is_null())
        .into_tuple::<i32>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut children: BTreeMap<Option<i32>, Vec<i32>> = BTreeMap::new();
    for member in &members {
        children
            .entry(member.adapted_from_id)
            .or_default()
            .push(member.id);
    }
    let root = members
        .iter()
        .find(|m| m.adapted_from_id.is_none())
        .map(|m| m.id);
    let mut branches = Vec::new();
    if let Some(root) = root {
        let family = Family {
            children: &children,
            visible: &visible,
            shared: &shared,
            current: current.id,
        };
        family.walk(root, 0, None, &mut branches);
    }
    let school_ids: Vec<i32> = visible.values().map(|row| row.school_id).collect();
    let schools: HashMap<i32, school::Model> = load_many::<school::Entity>(ctx, &school_ids)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let lineage = branches
        .into_iter()
        .map(|(id, depth, parent_index)| {
            let row = visible.get(&id).cloned();
            PracticeLineageBranch {
                school: row
                    .as_ref()
                    .and_then(|r| schools.get(&r.school_id).cloned())
                    .map(School),
                outcome: row.as_ref().and_then(|r| r.outcome.clone()),
                practice: row.map(Practice),
                depth,
                parent_index,
                is_current: id == current.id,
            }
        })
        .collect();
    Ok(PracticeLineage { branches: lineage })
}

/// A practice's family as its lineage lists it: who adapted what, which branches the
/// caller reads, which are shared (read by someone), and the practice asked about.
struct Family<'a> {
    children: &'a BTreeMap<Option<i32>, Vec<i32>>,
    visible: &'a HashMap<i32, practice::Model>,
    shared: &'a BTreeSet<i32>,
    current: i32,
}

impl Family<'_> {
    /// Whether a branch (or one below it) is to be listed.
    fn listed(&self, id: i32) -> bool {
        self.visible.contains_key(&id)
            || self.shared.contains(&id)
            || self.below(id).any(|child| self.listed(child))
    }

    fn below(&self, id: i32) -> impl Iterator<Item = i32> + '_ {
        self.children.get(&Some(id)).into_iter().flatten().copied()
    }

    /// Lists `id` and the branches below it, depth first, as (id, depth, parent's index).
    fn walk(
        &self,
        id: i32,
        depth: i32,
        parent_index: Option<i32>,
        out: &mut Vec<(i32, i32, Option<i32>)>,
    ) {
        if !self.listed(id) && id != self.current {
            return;
        }
        let index = i32::try_from(out.len()).unwrap_or(i32::MAX);
        out.push((id, depth, parent_index));
        for child in self.below(id) {
            self.walk(child, depth + 1, Some(index), out);
        }
    }
}
