//! The notifications inbox (issue 23): every notification a person is told is also kept
//! here, read or unread, and each person chooses per type whether it is also emailed.
//! - `notification`: one row per notification and recipient: its type, when, a short
//!   text, the global id of what it is about, and when it was read (`NULL` while unread).
//!   Read ones are removed after `--notification-retention-days`.
//! - `notification_preference`: a person's choice for one type; no row means the default
//!   (email on).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notification {
    Table,
    Id,
    PersonId,
    Kind,
    Text,
    SubjectId,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum NotificationPreference {
    Table,
    Id,
    PersonId,
    Kind,
    Email,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notification::Table)
                    .col(pk_auto(Notification::Id))
                    .col(integer(Notification::PersonId))
                    .col(string_len(Notification::Kind, 40))
                    .col(string_len(Notification::Text, 500))
                    .col(string_len(Notification::SubjectId, 100))
                    .col(timestamp_with_time_zone(Notification::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notification::ReadAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Notification::Table, Notification::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A person's inbox, newest first, and its unread part.
        manager
            .create_index(
                Index::create()
                    .name("ix_notification_person")
                    .table(Notification::Table)
                    .col(Notification::PersonId)
                    .col(Notification::Id)
                    .to_owned(),
            )
            .await?;
        // The retention sweep: read notifications by when they were read.
        manager
            .create_index(
                Index::create()
                    .name("ix_notification_read_at")
                    .table(Notification::Table)
                    .col(Notification::ReadAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationPreference::Table)
                    .col(pk_auto(NotificationPreference::Id))
                    .col(integer(NotificationPreference::PersonId))
                    .col(string_len(NotificationPreference::Kind, 40))
                    .col(boolean(NotificationPreference::Email))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                NotificationPreference::Table,
                                NotificationPreference::PersonId,
                            )
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_notification_preference")
                    .table(NotificationPreference::Table)
                    .col(NotificationPreference::PersonId)
                    .col(NotificationPreference::Kind)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(NotificationPreference::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Notification::Table).to_owned())
            .await
    }
}
