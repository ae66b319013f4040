//! Indexes for pruning the webhook outbox (`webhooks::retention`):
//! - `webhook_event (created_at)`: each round looks for the events older than the
//!   retention period, which without it means reading the whole outbox every round;
//! - `webhook_attempt (delivery_id)`: removing an event removes its deliveries, and
//!   their attempts by `ON DELETE CASCADE`, which looks the attempts up by delivery:
//!   without it, each delivery removed would read the whole attempt log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookEvent {
    Table,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempt {
    Table,
    DeliveryId,
}

const EVENT_CREATED: &str = "ix_webhook_event_created";
const ATTEMPT_DELIVERY: &str = "ix_webhook_attempt_delivery";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(EVENT_CREATED)
                    .table(WebhookEvent::Table)
                    .col(WebhookEvent::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(ATTEMPT_DELIVERY)
                    .table(WebhookAttempt::Table)
                    .col(WebhookAttempt::DeliveryId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(ATTEMPT_DELIVERY)
                    .table(WebhookAttempt::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(EVENT_CREATED)
                    .table(WebhookEvent::Table)
                    .to_owned(),
            )
            .await
    }
}
