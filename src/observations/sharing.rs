//! The one sharing mechanism of observations and reflections: the owner (the observed
//! teacher, or the reflection's author) shares a record with a named person of the
//! platform, withdraws a share at any time (it ends at once), and chooses what goes into
//! their portfolio and their performance-review selection.
//!
//! A share made to someone who works, when it is made, at a school where the owner works
//! is held *through* that school (the first such school): it ends when the owner's role
//! there ends, so an old school loses what it saw through the role. A share to anyone
//! else holds until withdrawn.

use async_graphql::{Context, ID, InputObject, Union};
use chrono::Utc;
use entity::enums::{PersonStatus, RecordPurpose};
use entity::{alliance_role, observation, person, record_share, reflection};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    SqlErr,
};
use trellis_macros::mutations;

use super::{
    Observation, RecordKind, RecordRef, current_schools, visible_observation, visible_reflection,
};
use crate::audit::AuditEntry;
use crate::auth::policy::Access;
use crate::db::{begin_write, lock_row};
use crate::errors::{MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode};
use crate::graphql::versioned::{Change, set_given};
use crate::notifications::Notices;
use crate::reflections::Reflection;

/// Most people one record is shared with at once.
pub const SHARES_MAX: usize = 50;

/// An observation or a reflection.
#[derive(Union)]
pub enum SharedRecord {
    Observation(Observation),
    Reflection(Reflection),
}

/// Shares one of the caller's records with a named person.
#[derive(InputObject)]
pub struct ShareRecordInput {
    /// An observation of the caller's teaching, or a reflection of theirs (an
    /// `Observation` or `Reflection` id).
    pub record_id: ID,
    /// Whom to share it with (a `Person` id): an active person of the platform who shares
    /// a school or an active alliance with the caller.
    pub person_id: ID,
}

/// Withdraws a share of one of the caller's records.
#[derive(InputObject)]
pub struct WithdrawRecordShareInput {
    /// The record (an `Observation` or `Reflection` id).
    pub record_id: ID,
    /// Whom it was shared with (a `Person` id).
    pub person_id: ID,
}

/// What the caller chooses to include, for one of their records. Fields left out stay
/// as they are.
#[derive(InputObject)]
pub struct SelectRecordInput {
    /// The record (an `Observation` of the caller's teaching or a `Reflection` of theirs).
    pub record_id: ID,
    /// Include it in the caller's portfolio (`viewer.portfolio`).
    pub in_portfolio: Option<bool>,
    /// Include it in the selection the caller prepares for a performance-management
    /// conversation (`viewer.performanceReviewSelection`).
    pub in_review_selection: Option<bool>,
}

crate::payload!(
    ShareRecordPayload,
    WithdrawRecordSharePayload,
    SelectRecordPayload {
        record: SharedRecord
    }
);

#[derive(Default)]
pub struct SharingMutation;

mutations! {
    impl SharingMutation {
        /// Shares one of the caller's records (an observation of their teaching, or a
        /// reflection) with a named person of the platform. Only the owner may; someone
        /// outside the platform, or whom the caller does not reach, is `NOT_ON_PLATFORM`.
        /// Sharing again with the same person changes nothing, even when two requests
        /// share at once: there is one open share. The person is told.
        fn share_record { share(ctx, input).await }

        /// Withdraws a share of one of the caller's records: the person stops seeing it at
        /// once. Only the owner may.
        fn withdraw_record_share { withdraw(ctx, input).await }

        /// Chooses whether one of the caller's records goes into their portfolio and into
        /// their performance-review selection. Only the owner may.
        fn select_record { select(ctx, input).await }
    }
}

/// One of the caller's own records, named by `recordId`: someone else's record they see
/// is `INVALID_STATE` (only the owner shares), one they do not see `NOT_FOUND`.
async fn own_record(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
) -> MutationResult<(RecordRef, SharedRecord)> {
    let not_found = || UserError::not_found("recordId");
    let (record, owner, shown) = match decode(id) {
        Some((NodeKind::Observation, key)) => {
            let row = visible_observation(conn, access, key)
                .await?
                .ok_or_else(not_found)?;
            let owner = access.owns_observation(&row);
            (
                RecordRef::of_observation(&row),
                owner,
                SharedRecord::Observation(Observation(row)),
            )
        }
        Some((NodeKind::Reflection, key)) => {
            let row = visible_reflection(conn, access, key)
                .await?
                .ok_or_else(not_found)?;
            let owner = access.owns_reflection(&row);
            (
                RecordRef::of_reflection(&row),
                owner,
                SharedRecord::Reflection(Reflection(row)),
            )
        }
        _ => return Err(not_found().into()),
    };
    if !owner {
        return Err(UserError::invalid_state(
            "recordId",
            "only its owner (the observed teacher, or the reflection's author) shares it",
        )
        .into());
    }
    Ok((record, shown))
}

/// The person named by `personId`, active and reachable by the caller; otherwise
/// `NOT_ON_PLATFORM`.
async fn recipient(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
) -> MutationResult<(person::Model, Vec<i32>)> {
    let outside = || {
        UserError::new(
            "personId",
            UserErrorCode::NotOnPlatform,
            "share only with people of the platform who share a school or an alliance with you",
        )
    };
    let key = match decode(id) {
        Some((NodeKind::Person, key)) => key,
        _ => return Err(outside().into()),
    };
    if key == access.person_id {
        return Err(UserError::invalid("personId", "the record is already yours").into());
    }
    let person = person::Entity::find_by_id(key)
        .one(conn)
        .await?
        .filter(|row| row.status == PersonStatus::Active)
        .ok_or_else(outside)?;
    let schools = current_schools(conn, person.id).await?;
    let reached = schools.iter().any(|s| access.network_schools.contains(s))
        || alliance_role::Entity::find()
            .filter(alliance_role::Column::PersonId.eq(person.id))
            .filter(alliance_role::Column::EndsOn.is_null())
            .filter(
                alliance_role::Column::AllianceId.is_in(access.active_alliances.iter().copied()),
            )
            .count(conn)
            .await?
            > 0;
    if !reached {
        return Err(outside().into());
    }
    Ok((person, schools))
}

fn share_entry<'a>(
    access: &Access,
    action: &'a str,
    record: &RecordRef,
    with: i32,
) -> AuditEntry<'a> {
    let kind = match record.kind {
        RecordKind::Observation => NodeKind::Observation,
        RecordKind::Reflection => NodeKind::Reflection,
    };
    AuditEntry::by_caller(access, action, kind.id(record.key)).details(serde_json::json!({
        "person": NodeKind::Person.id(with).to_string(),
        "purpose": record.purpose,
    }))
}

/// The shares of `record` to `person` that have not been withdrawn.
fn open_shares(record: &RecordRef, person: i32) -> sea_orm::Select<record_share::Entity> {
    record_share::Entity::find()
        .filter(record.share_column().eq(record.key))
        .filter(record_share::Column::PersonId.eq(person))
        .filter(record_share::Column::WithdrawnAt.is_null())
}

async fn share(ctx: &Context<'_>, input: ShareRecordInput) -> MutationResult<SharedRecord> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (record, shown) = own_record(&txn, &access, &input.record_id).await?;
    let (person, their_schools) = recipient(&txn, &access, &input.person_id).await?;
    // Shares to different people at once would each count the record's shares without
    // the others' and pass `SHARES_MAX` together: on the record's row locked, they count
    // one after the other.
    match record.kind {
        RecordKind::Observation => {
            lock_row::<observation::Entity>(&txn, observation::Column::Id, record.key).await?
        }
        RecordKind::Reflection => {
            lock_row::<reflection::Entity>(&txn, reflection::Column::Id, record.key).await?
        }
    }
    let existing = open_shares(&record, person.id).all(&txn).await?;
    let through = access
        .school_roles
        .keys()
        .copied()
        .filter(|school| their_schools.contains(school))
        .min();
    // A share that no longer holds (its school role ended) is withdrawn and made anew.
    let holding = existing
        .iter()
        .any(|row| row.through_school_id.is_none_or(|s| access.works_at(s)));
    if holding {
        return Ok(shown);
    }
    let active = record_share::Entity::find()
        .filter(record.share_column().eq(record.key))
        .filter(record_share::Column::WithdrawnAt.is_null())
        .all(&txn)
        .await?;
    if active.len() >= SHARES_MAX {
        return Err(UserError::invalid(
            "personId",
            format!("share with at most {SHARES_MAX} people"),
        )
        .into());
    }
    let now = Utc::now();
    if !existing.is_empty() {
        record_share::Entity::update_many()
            .col_expr(record_share::Column::WithdrawnAt, Expr::value(now))
            .filter(record_share::Column::Id.is_in(existing.iter().map(|row| row.id)))
            .exec(&txn)
            .await?;
    }
    let (observation_id, reflection_id) = match record.kind {
        RecordKind::Observation => (Some(record.key), None),
        RecordKind::Reflection => (None, Some(record.key)),
    };
    let inserted = record_share::ActiveModel {
        observation_id: Set(observation_id),
        reflection_id: Set(reflection_id),
        owner_id: Set(access.person_id),
        person_id: Set(person.id),
        through_school_id: Set(through),
        shared_at: Set(now),
        withdrawn_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    if let Err(error) = inserted {
        // A request at the same time shared it with them first (on PostgreSQL both read
        // no open share; the unique index on open shares lets one in): as when sharing
        // again, nothing changes.
        if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            txn.rollback().await?;
            return Ok(shown);
        }
        return Err(error.into());
    }
    share_entry(&access, "record.shared", &record, person.id)
        .record(&txn)
        .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices.record_shared(&record, person.id);
    notices.commit(txn).await?;
    Ok(shown)
}

async fn withdraw(
    ctx: &Context<'_>,
    input: WithdrawRecordShareInput,
) -> MutationResult<SharedRecord> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (record, shown) = own_record(&txn, &access, &input.record_id).await?;
    let person = match decode(&input.person_id) {
        Some((NodeKind::Person, key)) => key,
        _ => return Err(UserError::not_found("personId").into()),
    };
    let existing = open_shares(&record, person).all(&txn).await?;
    if existing.is_empty() {
        return Err(
            UserError::invalid_state("personId", "the record is not shared with them").into(),
        );
    }
    record_share::Entity::update_many()
        .col_expr(record_share::Column::WithdrawnAt, Expr::value(Utc::now()))
        .filter(record_share::Column::Id.is_in(existing.iter().map(|row| row.id)))
        .exec(&txn)
        .await?;
    share_entry(&access, "record.share_withdrawn", &record, person)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(shown)
}

async fn select(ctx: &Context<'_>, input: SelectRecordInput) -> MutationResult<SharedRecord> {
    let access = access(ctx).await?;
    if input.in_portfolio.is_none() && input.in_review_selection.is_none() {
        return Err(UserError::invalid(
            "inPortfolio",
            "say what to change: inPortfolio, inReviewSelection or both",
        )
        .into());
    }
    let txn = begin_write(db(ctx)).await?;
    let (record, _) = own_record(&txn, &access, &input.record_id).await?;
    let now = Utc::now();
    let developmental = |purpose: RecordPurpose| -> Result<(), UserError> {
        if purpose == RecordPurpose::Developmental && input.in_review_selection == Some(true) {
            return Err(UserError::invalid(
                "inReviewSelection",
                "a developmental record never goes into the performance-review selection",
            ));
        }
        Ok(())
    };
    // Both kinds keep the same columns in their own tables, so no one function takes both.
    macro_rules! select_in {
        ($table:ident, $kind:ident) => {{
            let current = $table::Entity::find_by_id(record.key)
                .one(&txn)
                .await?
                .ok_or_else(|| UserError::not_found("recordId"))?;
            developmental(current.purpose)?;
            let mut change = Change::edit(&current, now);
            set_given(&mut change.in_portfolio, input.in_portfolio);
            set_given(&mut change.in_review_selection, input.in_review_selection);
            SharedRecord::$kind($kind(change.save_as_read(&txn).await?))
        }};
    }
    let shown = match record.kind {
        RecordKind::Observation => select_in!(observation, Observation),
        RecordKind::Reflection => select_in!(reflection, Reflection),
    };
    AuditEntry::by_caller(
        &access,
        "record.selected",
        match record.kind {
            RecordKind::Observation => NodeKind::Observation.id(record.key),
            RecordKind::Reflection => NodeKind::Reflection.id(record.key),
        },
    )
    .details(serde_json::json!({
        "inPortfolio": input.in_portfolio,
        "inReviewSelection": input.in_review_selection,
    }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(shown)
}
