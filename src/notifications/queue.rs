//! Notifications committed and not yet delivered (`notification_queue`): what makes a
//! notification as durable as the change it tells of.
//!
//! A mutation adds its notifications to the queue in its own transaction ([`add`]), so
//! they commit or roll back with the change. Once it has committed, this instance's sender
//! delivers them at once; a row is removed in the same transaction that keeps it in the
//! inbox ([`deliver`]), so a notification reaches the inbox once however many instances try.
//! Rows left behind (the process stopped between commit and sending, or the recipient
//! check failed) are taken up by the next retry round of any instance ([`left_behind`]).

use chrono::{DateTime, Utc};
use entity::{notification, notification_queue};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::{Notification, inbox};
use crate::db::begin_write;
use crate::graphql::loaders::one_of;

/// Most rows one retry round takes up.
const ROUND: u64 = 500;

/// A notification as it waits in the queue.
pub(super) struct Queued {
    pub(super) id: i32,
    pub(super) notification: Notification,
}

/// Adds `notifications` to the queue in the change's transaction: one statement (none when
/// there are none). Their queue ids, for the sender.
pub(super) async fn add(
    txn: &impl ConnectionTrait,
    notifications: &[Notification],
) -> Result<Vec<i32>, DbErr> {
    let now = Utc::now();
    let rows = notifications
        .iter()
        .map(|told| notification_queue::ActiveModel {
            person_id: Set(told.recipient),
            kind: Set(told.kind),
            subject: Set(told.subject.clone()),
            body: Set(told.text.clone()),
            about: Set(told.about.to_string()),
            mentions: Set(serde_json::json!(told.mentions)),
            created_at: Set(now),
            ..Default::default()
        });
    notification_queue::Entity::insert_many(rows)
        .exec_with_returning_keys(txn)
        .await
}

/// The queued notifications among `ids` (those another instance has not delivered yet),
/// oldest first: one statement.
pub(super) async fn read(db: &DatabaseConnection, ids: &[i32]) -> Result<Vec<Queued>, DbErr> {
    let rows = notification_queue::Entity::find()
        .filter(one_of(
            db.get_database_backend(),
            notification_queue::Column::Id,
            ids.iter().copied(),
        ))
        .order_by_asc(notification_queue::Column::Id)
        .all(db)
        .await?;
    rows.into_iter().map(Queued::try_from).collect()
}

/// The rows queued before `before` (whose instance did not deliver them), oldest first, at
/// most one round's worth.
pub(super) async fn left_behind(
    db: &DatabaseConnection,
    before: DateTime<Utc>,
) -> Result<Vec<i32>, DbErr> {
    notification_queue::Entity::find()
        .select_only()
        .column(notification_queue::Column::Id)
        .filter(notification_queue::Column::CreatedAt.lt(before))
        .order_by_asc(notification_queue::Column::Id)
        .limit(ROUND)
        .into_tuple()
        .all(db)
        .await
}

/// Takes one notification out of the queue and keeps it in its recipient's inbox, in one
/// transaction; `None` when another instance took it first (and tells the recipient).
pub(super) async fn deliver(
    db: &DatabaseConnection,
    queued: &Queued,
) -> Result<Option<notification::Model>, DbErr> {
    let txn = begin_write(db).await?;
    let taken = notification_queue::Entity::delete_by_id(queued.id)
        .exec(&txn)
        .await?
        .rows_affected;
    if taken == 0 {
        return Ok(None);
    }
    let kept = inbox::keep(&txn, &queued.notification).await?;
    txn.commit().await?;
    Ok(Some(kept))
}

/// Takes the notifications `ids` out of the queue untold: their recipients may not be told.
pub(super) async fn drop_untold(db: &DatabaseConnection, ids: Vec<i32>) -> Result<(), DbErr> {
    if !ids.is_empty() {
        notification_queue::Entity::delete_many()
            .filter(one_of(
                db.get_database_backend(),
                notification_queue::Column::Id,
                ids,
            ))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Removes the rows queued before `before`: notifications whose delivery has failed for so
/// long that telling them now would mislead. How many.
pub(super) async fn give_up(db: &DatabaseConnection, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let removed = notification_queue::Entity::delete_many()
        .filter(notification_queue::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(removed.rows_affected)
}

impl TryFrom<notification_queue::Model> for Queued {
    type Error = DbErr;

    /// Fails rather than lose a mention: the recipient check must see every id the text
    /// names.
    fn try_from(row: notification_queue::Model) -> Result<Self, DbErr> {
        let mentions: Vec<String> = serde_json::from_value(row.mentions)
            .map_err(|error| DbErr::Json(format!("notification_queue.mentions: {error}")))?;
        Ok(Self {
            id: row.id,
            notification: Notification {
                recipient: row.person_id,
                kind: row.kind,
                subject: row.subject,
                text: row.body,
                about: row.about.into(),
                mentions: mentions.into_iter().map(Into::into).collect(),
            },
        })
    }
}
