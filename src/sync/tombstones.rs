//! Tombstones: what was deleted or left an audience, written in the change's own
//! transaction, and which of them a caller is shown.
//!
//! Each change site calls one helper below, before it writes the change, so that the
//! audiences are those that saw the object just before it left.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, Utc};
use entity::enums::{PracticeStatus, PracticeVisibility};
use entity::{
    community, partnership_school, person, practice, practice_ancestor, sync_tombstone,
    sync_tombstone_audience,
};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::RETENTION_DAYS;
use crate::auth::policy::Access;
use crate::auth::policy::practice::practice_condition;
use crate::graphql::ids::NodeKind;

/// Who saw an object: a caller reaches the audience when the policy would show them
/// what it shows that audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Everyone, signed in or not.
    Public,
    /// Staff of a school (practice shared with the school).
    School(i32),
    /// Those who see the staff of a school: its colleagues, and the people of the
    /// alliances it is active in (people).
    Network(i32),
    /// Those who see an alliance (its role holders, as people).
    Alliance(i32),
    /// Those taking part actively in an alliance (practice and communities shared with it).
    ActiveAlliance(i32),
    /// Staff of a partnership's schools.
    Partnership(i32),
    /// The leaders of a school, who approve its practice.
    SchoolLeaders(i32),
}

impl Audience {
    fn scope(self) -> (&'static str, i32) {
        match self {
            Self::Public => ("public", 0),
            Self::School(id) => ("school", id),
            Self::Network(id) => ("network", id),
            Self::Alliance(id) => ("alliance", id),
            Self::ActiveAlliance(id) => ("alliance_active", id),
            Self::Partnership(id) => ("partnership", id),
            Self::SchoolLeaders(id) => ("school_leaders", id),
        }
    }
}

/// Records that the object `kind`/`id` left `audiences` (all of which saw it) now, and
/// prunes tombstones past their retention. Nothing when no audience saw it.
pub async fn record(
    conn: &impl ConnectionTrait,
    kind: NodeKind,
    id: i32,
    audiences: &[Audience],
) -> Result<(), DbErr> {
    if audiences.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    // Their audience rows go with them (ON DELETE CASCADE).
    sync_tombstone::Entity::delete_many()
        .filter(sync_tombstone::Column::RemovedAt.lt(now - Duration::days(RETENTION_DAYS)))
        .exec(conn)
        .await?;
    let tombstone = sync_tombstone::Entity::insert(sync_tombstone::ActiveModel {
        kind: Set(kind.name().to_owned()),
        object_id: Set(id),
        removed_at: Set(now),
        ..Default::default()
    })
    .exec(conn)
    .await?
    .last_insert_id;
    let unique: HashSet<Audience> = audiences.iter().copied().collect();
    sync_tombstone_audience::Entity::insert_many(unique.into_iter().map(|audience| {
        let (scope, scope_id) = audience.scope();
        sync_tombstone_audience::ActiveModel {
            tombstone_id: Set(tombstone),
            scope: Set(scope.to_owned()),
            scope_id: Set(scope_id),
            ..Default::default()
        }
    }))
    .exec(conn)
    .await?;
    Ok(())
}

/// A person stops working at a school: those who saw them through it may lose them.
pub async fn person_leaves_school(
    conn: &impl ConnectionTrait,
    person_id: i32,
    school_id: i32,
) -> Result<(), DbErr> {
    record(
        conn,
        NodeKind::Person,
        person_id,
        &[Audience::Network(school_id)],
    )
    .await
}

/// A person's role in an alliance ends: those who saw them through it may lose them.
pub async fn person_leaves_alliance(
    conn: &impl ConnectionTrait,
    person_id: i32,
    alliance_id: i32,
) -> Result<(), DbErr> {
    record(
        conn,
        NodeKind::Person,
        person_id,
        &[Audience::Alliance(alliance_id)],
    )
    .await
}

/// A community shown to its whole alliance becomes members-only.
pub async fn community_leaves_alliance(
    conn: &impl ConnectionTrait,
    community: &community::Model,
) -> Result<(), DbErr> {
    record(
        conn,
        NodeKind::Community,
        community.id,
        &[Audience::ActiveAlliance(community.alliance_id)],
    )
    .await
}

/// The audience a practice is shared with while live (published or archived, not taken
/// down); `None` when only its authors and approvers read it.
fn practice_audience(row: &practice::Model) -> Option<Audience> {
    let live = matches!(
        row.status,
        PracticeStatus::Published | PracticeStatus::Archived
    ) && row.taken_down_at.is_none();
    if !live {
        return None;
    }
    match row.visibility {
        PracticeVisibility::Public => Some(Audience::Public),
        PracticeVisibility::Alliance => row.alliance_id.map(Audience::ActiveAlliance),
        PracticeVisibility::Partnership => row.partnership_id.map(Audience::Partnership),
        PracticeVisibility::School => Some(Audience::School(row.school_id)),
        PracticeVisibility::Private => None,
    }
}

/// A practice is about to leave its audience (taken down, withdrawn to draft): a
/// tombstone for it and for each of its adaptations, which are read only where it is.
/// An adaptation's audiences are its own and those of everything it descends from, as
/// the policy reads it. Three statements, whatever the size of the family.
pub async fn practice_leaves(conn: &impl ConnectionTrait, practice_id: i32) -> Result<(), DbErr> {
    let mut family: Vec<i32> = practice_ancestor::Entity::find()
        .filter(practice_ancestor::Column::AncestorId.eq(practice_id))
        .order_by_asc(practice_ancestor::Column::PracticeId)
        .all(conn)
        .await?
        .into_iter()
        .map(|row| row.practice_id)
        .collect();
    family.push(practice_id);
    let mut ancestors: HashMap<i32, Vec<i32>> = HashMap::new();
    for row in practice_ancestor::Entity::find()
        .filter(practice_ancestor::Column::PracticeId.is_in(family.clone()))
        .all(conn)
        .await?
    {
        ancestors
            .entry(row.practice_id)
            .or_default()
            .push(row.ancestor_id);
    }
    let wanted: HashSet<i32> = family
        .iter()
        .copied()
        .chain(ancestors.values().flatten().copied())
        .collect();
    let rows: HashMap<i32, practice::Model> = practice::Entity::find()
        .filter(practice::Column::Id.is_in(wanted))
        .all(conn)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    for id in family {
        let lineage = std::iter::once(id).chain(ancestors.get(&id).into_iter().flatten().copied());
        // Read by an audience only while every one of the lineage is.
        let audiences: Option<Vec<Audience>> = lineage
            .map(|id| rows.get(&id).and_then(practice_audience))
            .collect();
        if let Some(audiences) = audiences {
            record(conn, NodeKind::Practice, id, &audiences).await?;
        }
    }
    Ok(())
}

/// A practice goes back to draft: its school's leaders, who read it since it left draft,
/// no longer do. Not for an adaptation, which they read only by its origin's rules too.
pub async fn practice_leaves_approvers(
    conn: &impl ConnectionTrait,
    row: &practice::Model,
) -> Result<(), DbErr> {
    if row.status == PracticeStatus::Draft || row.adapted_from_id.is_some() {
        return Ok(());
    }
    record(
        conn,
        NodeKind::Practice,
        row.id,
        &[Audience::SchoolLeaders(row.school_id)],
    )
    .await
}

/// The audiences `reader` (`None` when not signed in) reaches now, on the table
/// `sync_tombstone_audience`.
fn reached(reader: Option<&Access>) -> Condition {
    use sync_tombstone_audience::Column::{Scope, ScopeId};
    let scope =
        |name: &str, ids: Vec<i32>| Condition::all().add(Scope.eq(name)).add(ScopeId.is_in(ids));
    let public = Condition::all().add(Scope.eq("public"));
    let Some(access) = reader else {
        return public;
    };
    if access.platform_admin {
        return Condition::all();
    }
    let partnerships = Query::select()
        .column(partnership_school::Column::PartnershipId)
        .from(partnership_school::Entity)
        .and_where(partnership_school::Column::SchoolId.is_in(access.own_schools()))
        .and_where(partnership_school::Column::LeftOn.is_null())
        .to_owned();
    Condition::any()
        .add(public)
        .add(scope("school", access.own_schools()))
        .add(scope("school_leaders", access.led_schools()))
        .add(scope(
            "network",
            access.network_schools.iter().copied().collect(),
        ))
        .add(scope(
            "alliance",
            access.alliances.iter().copied().collect(),
        ))
        .add(scope(
            "alliance_active",
            access.active_alliances.iter().copied().collect(),
        ))
        .add(
            Condition::all()
                .add(Scope.eq("partnership"))
                .add(ScopeId.in_subquery(partnerships)),
        )
}

/// The tombstones `reader` is shown: of objects that every audience of which they reach
/// now, and that they no longer see.
pub fn shown_condition(reader: Option<&Access>) -> Condition {
    let unreached = Query::select()
        .expr(Expr::val(1))
        .from(sync_tombstone_audience::Entity)
        .and_where(
            Expr::col((
                sync_tombstone_audience::Entity,
                sync_tombstone_audience::Column::TombstoneId,
            ))
            .equals((sync_tombstone::Entity, sync_tombstone::Column::Id)),
        )
        .cond_where(reached(reader).not())
        .to_owned();
    let seen = |kind: NodeKind, ids: sea_orm::sea_query::SelectStatement| {
        Condition::all()
            .add(sync_tombstone::Column::Kind.eq(kind.name()))
            .add(sync_tombstone::Column::ObjectId.in_subquery(ids))
    };
    let seen_practice = Query::select()
        .column(practice::Column::Id)
        .from(practice::Entity)
        .cond_where(practice_condition(reader))
        .to_owned();
    let mut still_seen = Condition::any().add(seen(NodeKind::Practice, seen_practice));
    if let Some(access) = reader {
        let seen_people = Query::select()
            .column(person::Column::Id)
            .from(person::Entity)
            .cond_where(access.person_condition())
            .to_owned();
        let seen_communities = Query::select()
            .column(community::Column::Id)
            .from(community::Entity)
            .cond_where(access.community_condition())
            .to_owned();
        still_seen = still_seen
            .add(seen(NodeKind::Person, seen_people))
            .add(seen(NodeKind::Community, seen_communities));
    }
    Condition::all()
        .add(Expr::exists(unreached).not())
        .add(still_seen.not())
}
