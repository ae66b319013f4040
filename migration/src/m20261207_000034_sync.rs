//! Delta sync (issue 21): what a client keeping a local copy needs beyond `updated_at`.
//! - `sync_tombstone`: an object that was deleted or left an audience (a practice taken
//!   down or withdrawn, a community made members-only, a person whose role ended), with
//!   when; `sync_tombstone_audience` the audiences it was seen by just before (a caller is
//!   shown the tombstone only when they reach every one of them).
//! - `sync_reach`: a digest of each caller's (person's or service account's) reach (roles, alliances, schools, memberships)
//!   as last observed by a sync read, and when it last changed, so that a delta never
//!   answers across a change of what its caller may see.
//! - indexes on `(updated_at, id)` of the synced lists, the order of a delta.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SyncTombstone {
    Table,
    Id,
    Kind,
    ObjectId,
    RemovedAt,
}

#[derive(DeriveIden)]
enum SyncTombstoneAudience {
    Table,
    Id,
    TombstoneId,
    Scope,
    ScopeId,
}

#[derive(DeriveIden)]
enum SyncReach {
    Table,
    Principal,
    Digest,
    ChangedAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum School {
    Table,
    Id,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Community {
    Table,
    Id,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Practice {
    Table,
    Id,
    UpdatedAt,
}

fn change_order_index(
    name: &str,
    table: impl Iden + 'static,
    updated: impl Iden + 'static,
    id: impl Iden + 'static,
) -> IndexCreateStatement {
    Index::create()
        .name(name)
        .table(table)
        .col(updated)
        .col(id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SyncTombstone::Table)
                    .col(pk_auto(SyncTombstone::Id))
                    .col(string_len(SyncTombstone::Kind, 40))
                    .col(integer(SyncTombstone::ObjectId))
                    .col(timestamp_with_time_zone(SyncTombstone::RemovedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(change_order_index(
                "ix_sync_tombstone_removed",
                SyncTombstone::Table,
                SyncTombstone::RemovedAt,
                SyncTombstone::Id,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SyncTombstoneAudience::Table)
                    .col(pk_auto(SyncTombstoneAudience::Id))
                    .col(integer(SyncTombstoneAudience::TombstoneId))
                    .col(string_len(SyncTombstoneAudience::Scope, 20))
                    .col(integer(SyncTombstoneAudience::ScopeId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                SyncTombstoneAudience::Table,
                                SyncTombstoneAudience::TombstoneId,
                            )
                            .to(SyncTombstone::Table, SyncTombstone::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sync_tombstone_audience")
                    .table(SyncTombstoneAudience::Table)
                    .col(SyncTombstoneAudience::TombstoneId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SyncReach::Table)
                    .col(string_len(SyncReach::Principal, 60).primary_key())
                    .col(string_len(SyncReach::Digest, 64))
                    .col(timestamp_with_time_zone(SyncReach::ChangedAt))
                    .to_owned(),
            )
            .await?;
        for index in [
            change_order_index(
                "ix_school_changes",
                School::Table,
                School::UpdatedAt,
                School::Id,
            ),
            change_order_index(
                "ix_person_changes",
                Person::Table,
                Person::UpdatedAt,
                Person::Id,
            ),
            change_order_index(
                "ix_community_changes",
                Community::Table,
                Community::UpdatedAt,
                Community::Id,
            ),
            change_order_index(
                "ix_practice_changes",
                Practice::Table,
                Practice::UpdatedAt,
                Practice::Id,
            ),
        ] {
            manager.create_index(index).await?;
        }
        Ok(())
    }
}
