//! Notifications waiting to be sent (`notifications::queue`). A mutation writes its
//! notifications here in its own transaction, so that what commits is never lost: the
//! sender delivers them (to the inbox, and by email) and removes each row in the
//! transaction that keeps it in the inbox. Rows left behind by an instance that stopped
//! before sending are delivered by the next retry round of any instance.
//! - `created_at` is indexed: a retry round looks for the rows older than its period.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NotificationQueue {
    Table,
    Id,
    PersonId,
    Kind,
    Subject,
    Body,
    About,
    Mentions,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

const QUEUED_AT: &str = "ix_notification_queue_created";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(NotificationQueue::Table)
                    .col(pk_auto(NotificationQueue::Id))
                    .col(integer(NotificationQueue::PersonId))
                    .col(string_len(NotificationQueue::Kind, 40))
                    .col(text(NotificationQueue::Subject))
                    .col(text(NotificationQueue::Body))
                    .col(string_len(NotificationQueue::About, 100))
                    .col(json(NotificationQueue::Mentions))
                    .col(timestamp_with_time_zone(NotificationQueue::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(NotificationQueue::Table, NotificationQueue::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(QUEUED_AT)
                    .table(NotificationQueue::Table)
                    .col(NotificationQueue::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NotificationQueue::Table).to_owned())
            .await
    }
}
