//! Imports from other systems: what Get Information About Schools says of a school beyond
//! what `school` held (its trust, when it closed, when GIAS last changed its record), and
//! the identifiers other systems know our schools, people and staff roles by, so that a
//! second import updates what the first created rather than duplicating it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum School {
    Table,
    TrustName,
    ClosedOn,
    GiasLastChangedOn,
}

#[derive(DeriveIden)]
enum ExternalLink {
    Table,
    Id,
    Source,
    Kind,
    ExternalId,
    LocalId,
    LastModified,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite adds no more at once.
        for column in [
            string_len_null(School::TrustName, 200),
            date_null(School::ClosedOn),
            date_null(School::GiasLastChangedOn),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(School::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ExternalLink::Table)
                    .col(pk_auto(ExternalLink::Id))
                    // The other system, as its export names itself (OneRoster's
                    // `source.systemCode`, or what the importer said).
                    .col(string_len(ExternalLink::Source, 100))
                    // What is linked: `ORG` (a school), `USER` (a person), `ROLE` (a staff role).
                    .col(string_len(ExternalLink::Kind, 20))
                    // The other system's key (OneRoster's `sourcedId`).
                    .col(string_len(ExternalLink::ExternalId, 255))
                    .col(integer(ExternalLink::LocalId))
                    // The other system's `dateLastModified` of what was imported last.
                    .col(timestamp_with_time_zone_null(ExternalLink::LastModified))
                    .col(timestamp_with_time_zone(ExternalLink::CreatedAt))
                    .col(timestamp_with_time_zone(ExternalLink::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("external_link_key")
                    .table(ExternalLink::Table)
                    .col(ExternalLink::Source)
                    .col(ExternalLink::Kind)
                    .col(ExternalLink::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("external_link_local")
                    .table(ExternalLink::Table)
                    .col(ExternalLink::Kind)
                    .col(ExternalLink::LocalId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ExternalLink::Table).to_owned())
            .await?;
        for column in [
            School::TrustName,
            School::ClosedOn,
            School::GiasLastChangedOn,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(School::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
