//! The periodic job that tells a coach and coachee once that an agreed action step's
//! check-back date has passed. A round's overdue steps are claimed by one conditional
//! `UPDATE ... SET reminded_at = now WHERE id IN (...) AND reminded_at IS NULL`, and those
//! whose `reminded_at` is then this round's instant are this round's: several instances (or
//! a restart mid-round) never remind twice. Steps of relationships that are not active are
//! left alone.

use std::time::Duration;

use chrono::{NaiveDate, SubsecRound, Utc};
use entity::enums::CoachingStatus;
use entity::{coaching_action_step, coaching_relationship};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use crate::cluster::jobs::each_period;
use crate::notifications::{Notices, Notifier};

/// How often the job looks for overdue check-backs.
pub const EVERY: Duration = Duration::from_secs(15 * 60);
/// Most steps claimed in one round.
const BATCH: u64 = 200;

/// Claims the steps not done whose check-back date is before `today`, of active
/// relationships, that wait for a reminder: those this call claimed, and no other.
pub async fn claim_overdue(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<Vec<coaching_action_step::Model>, DbErr> {
    use coaching_action_step::Column;
    let active = Query::select()
        .column(coaching_relationship::Column::Id)
        .from(coaching_relationship::Entity)
        .and_where(coaching_relationship::Column::Status.eq(CoachingStatus::Active))
        .to_owned();
    let waiting = coaching_action_step::Entity::find()
        .filter(Column::CheckBackOn.lt(today))
        .filter(Column::DoneAt.is_null())
        .filter(Column::RemindedAt.is_null())
        .filter(Column::RelationshipId.in_subquery(active))
        .order_by_asc(Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    // This round's instant, to the microsecond both databases keep.
    let now = Utc::now().trunc_subsecs(6);
    let ids: Vec<i32> = waiting.iter().map(|row| row.id).collect();
    let updated = coaching_action_step::Entity::update_many()
        .col_expr(Column::RemindedAt, Expr::value(now))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::RemindedAt.is_null())
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(Vec::new());
    }
    if usize::try_from(updated.rows_affected).is_ok_and(|n| n == waiting.len()) {
        return Ok(waiting);
    }
    // Another instance claimed some of them meanwhile: ours are those stamped now.
    coaching_action_step::Entity::find()
        .filter(Column::Id.is_in(ids))
        .filter(Column::RemindedAt.eq(now))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// One round: claims what is overdue today and tells both people. Returns how many steps
/// were reminded.
pub async fn remind_overdue(
    db: &DatabaseConnection,
    notifier: Notifier,
    public_url: String,
) -> Result<usize, DbErr> {
    let claimed = claim_overdue(db, Utc::now().date_naive()).await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let relationships = coaching_relationship::Entity::find()
        .filter(
            coaching_relationship::Column::Id.is_in(claimed.iter().map(|row| row.relationship_id)),
        )
        .all(db)
        .await?;
    let mut notices = Notices::background(notifier, public_url);
    for step in &claimed {
        if let Some(row) = relationships.iter().find(|r| r.id == step.relationship_id) {
            notices.check_back_overdue(row, step);
        }
    }
    notices.commit(db.begin().await?).await?;
    Ok(claimed.len())
}

/// Starts the job on the current Tokio runtime.
pub fn start(db: DatabaseConnection, notifier: Notifier, public_url: String) {
    each_period(EVERY, "check-back reminders", move || {
        let (db, notifier, public_url) = (db.clone(), notifier.clone(), public_url.clone());
        async move { remind_overdue(&db, notifier, public_url).await }
    });
}
