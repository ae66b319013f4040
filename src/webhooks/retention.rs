//! Pruning the outbox: the periodic job that removes the events older than the retention
//! period (`--webhook-retention-days`) whose deliveries are all finished, delivered or
//! failed for good, with their deliveries and the attempts of those (the delivery log).
//! An event not yet fanned out, or with a delivery still pending (due, being attempted or
//! waiting for a retry), is kept however old.
//!
//! Each batch is read and locked, then deleted by one conditional `DELETE` of events; the
//! foreign keys remove their deliveries and attempts in the same statement (`ON DELETE
//! CASCADE`). Every instance runs the job: on PostgreSQL each skips the events another
//! holds, so two never take the same batch; SQLite runs one writer at a time.

use chrono::Utc;
use entity::enums::WebhookDeliveryStatus;
use entity::{webhook_delivery, webhook_event};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::worker::claiming;
use crate::cluster::jobs::each_period;
use crate::config::WebhookConfig;
use crate::db::begin_write;
use crate::graphql::loaders::one_of;

/// Most events removed by one statement.
const BATCH: u64 = 500;
/// Most batches of one round: what is left over waits for the next round.
const BATCHES_PER_ROUND: usize = 20;

/// Removes one batch of the events created before `before` whose deliveries are all
/// finished; returns how many events.
///
/// The batch is read and locked first, skipping events another transaction holds (on
/// PostgreSQL, a redelivery locks its event before it queues the delivery again), then
/// deleted in a statement of its own, which checks again that no delivery is pending: a
/// redelivery that committed in between keeps its event.
async fn prune_batch(db: &DatabaseConnection, before: chrono::DateTime<Utc>) -> Result<u64, DbErr> {
    let txn = begin_write(db).await?;
    let batch: Vec<i32> = claiming(
        webhook_event::Entity::find()
            .select_only()
            .column(webhook_event::Column::Id)
            .filter(webhook_event::Column::CreatedAt.lt(before))
            .filter(webhook_event::Column::FannedOutAt.is_not_null())
            .filter(Expr::exists(pending_delivery()).not())
            .limit(BATCH),
        db.get_database_backend(),
    )
    .into_tuple()
    .all(&txn)
    .await?;
    if batch.is_empty() {
        txn.commit().await?;
        return Ok(0);
    }
    let removed = webhook_event::Entity::delete_many()
        .filter(one_of(
            db.get_database_backend(),
            webhook_event::Column::Id,
            batch,
        ))
        .filter(Expr::exists(pending_delivery()).not())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(removed.rows_affected)
}

/// A delivery of the event in hand (the outer query's `webhook_event`) still pending.
fn pending_delivery() -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(webhook_delivery::Entity)
        .and_where(
            Expr::col((webhook_delivery::Entity, webhook_delivery::Column::EventId))
                .equals((webhook_event::Entity, webhook_event::Column::Id)),
        )
        .and_where(webhook_delivery::Column::Status.eq(WebhookDeliveryStatus::Pending))
        .to_owned()
}

/// One round: removes, in at most [`BATCHES_PER_ROUND`] statements, the events older than
/// `retention` whose deliveries are all finished. Returns how many events it removed.
pub async fn prune(db: &DatabaseConnection, retention: chrono::Duration) -> Result<u64, DbErr> {
    let before = Utc::now() - retention;
    let mut removed = 0;
    for _ in 0..BATCHES_PER_ROUND {
        let batch = prune_batch(db, before).await?;
        removed += batch;
        if batch < BATCH {
            break;
        }
    }
    // Counts only: an event's payload never reaches the log.
    tracing::debug!(
        events = removed,
        "removed webhook events past their retention, with their deliveries and attempts"
    );
    Ok(removed)
}

/// Starts the job on the current Tokio runtime.
pub fn start(db: DatabaseConnection, config: &WebhookConfig) {
    let retention = config.retention();
    each_period(
        config.prune_every(),
        "pruning the webhook outbox",
        move || {
            let db = db.clone();
            async move { prune(&db, retention).await }
        },
    );
}
