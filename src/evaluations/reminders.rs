//! The periodic job that tells each person once that their impact follow-up is due.
//!
//! Started with the server; every `EVERY` it claims the follow-ups due by today that were
//! neither written nor reminded, each by one conditional `UPDATE ... SET reminded_at = now
//! WHERE id = ? AND reminded_at IS NULL`: only the instance whose update changed the row
//! sends the email, so several instances (or a restart mid-round) never remind twice.

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use entity::{event, event_follow_up};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use crate::cluster::jobs::each_period;
use crate::notifications::{Notices, Notifier};

/// How often the job looks for follow-ups due.
pub const EVERY: Duration = Duration::from_secs(15 * 60);
/// Most follow-ups claimed in one round.
const BATCH: u64 = 200;

/// Claims the follow-ups due on or before `today` that wait for a reminder: those this
/// call claimed, and no other, are returned.
pub async fn claim_due(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<Vec<event_follow_up::Model>, DbErr> {
    use event_follow_up::Column;
    let waiting = event_follow_up::Entity::find()
        .filter(Column::DueOn.lte(today))
        .filter(Column::RemindedAt.is_null())
        .filter(Column::SubmittedAt.is_null())
        .order_by_asc(Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let now = Utc::now();
    let mut claimed = Vec::new();
    for row in waiting {
        let updated = event_follow_up::Entity::update_many()
            .col_expr(Column::RemindedAt, Expr::value(now))
            .filter(Column::Id.eq(row.id))
            .filter(Column::RemindedAt.is_null())
            .exec(db)
            .await?;
        if updated.rows_affected == 1 {
            claimed.push(row);
        }
    }
    Ok(claimed)
}

/// One round: claims what is due today and tells each person. Returns how many were told.
pub async fn remind_due(
    db: &DatabaseConnection,
    notifier: Notifier,
    public_url: String,
) -> Result<usize, DbErr> {
    let claimed = claim_due(db, Utc::now().date_naive()).await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let events = event::Entity::find()
        .filter(event::Column::Id.is_in(claimed.iter().map(|row| row.event_id)))
        .all(db)
        .await?;
    let mut notices = Notices::background(notifier, public_url);
    for row in &claimed {
        if let Some(event) = events.iter().find(|event| event.id == row.event_id) {
            notices.follow_up_due(row.person_id, event);
        }
    }
    notices.commit(db.begin().await?).await?;
    Ok(claimed.len())
}

/// Starts the job on the current Tokio runtime.
pub fn start(db: DatabaseConnection, notifier: Notifier, public_url: String) {
    each_period(EVERY, "follow-up reminders", move || {
        let (db, notifier, public_url) = (db.clone(), notifier.clone(), public_url.clone());
        async move { remind_due(&db, notifier, public_url).await }
    });
}
