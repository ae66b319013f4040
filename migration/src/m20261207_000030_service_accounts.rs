//! Service accounts (issue 21): integrations bound to one alliance or one school, with
//! scopes, that exchange a client id and secret for short-lived tokens at `/oauth/token`.
//!
//! - `service_account`: the secret is never stored, only its SHA-256 (a random 256-bit
//!   secret needs no slow hash). After a rotation the previous secret's hash is kept with
//!   the end of its grace period. Revoked accounts stay, as history.
//! - `audit_event.service_account_id`: the service account an entry's change was made
//!   through (its owner is the entry's actor).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceAccount {
    Table,
    Id,
    Name,
    AllianceId,
    SchoolId,
    OwnerId,
    CreatedById,
    ClientId,
    SecretHash,
    PreviousSecretHash,
    PreviousSecretExpiresAt,
    Scopes,
    CreatedAt,
    SecretRotatedAt,
    RevokedAt,
    RevokedById,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    ServiceAccountId,
}

#[derive(DeriveIden)]
enum Alliance {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum School {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

fn fk(
    column: ServiceAccount,
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(ServiceAccount::Table, column)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

const INDEXES: [(&str, ServiceAccount); 2] = [
    ("ix_service_account_alliance", ServiceAccount::AllianceId),
    ("ix_service_account_school", ServiceAccount::SchoolId),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ServiceAccount::Table)
                    .col(pk_auto(ServiceAccount::Id))
                    .col(string_len(ServiceAccount::Name, 100))
                    .col(integer_null(ServiceAccount::AllianceId))
                    .col(integer_null(ServiceAccount::SchoolId))
                    .col(integer(ServiceAccount::OwnerId))
                    .col(integer(ServiceAccount::CreatedById))
                    .col(string_len_uniq(ServiceAccount::ClientId, 64))
                    .col(string_len(ServiceAccount::SecretHash, 64))
                    .col(string_len_null(ServiceAccount::PreviousSecretHash, 64))
                    .col(timestamp_with_time_zone_null(
                        ServiceAccount::PreviousSecretExpiresAt,
                    ))
                    .col(string_len(ServiceAccount::Scopes, 400))
                    .col(timestamp_with_time_zone(ServiceAccount::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        ServiceAccount::SecretRotatedAt,
                    ))
                    .col(timestamp_with_time_zone_null(ServiceAccount::RevokedAt))
                    .col(integer_null(ServiceAccount::RevokedById))
                    .foreign_key(&mut fk(
                        ServiceAccount::AllianceId,
                        (Alliance::Table, Alliance::Id),
                    ))
                    .foreign_key(&mut fk(
                        ServiceAccount::SchoolId,
                        (School::Table, School::Id),
                    ))
                    .foreign_key(&mut fk(
                        ServiceAccount::OwnerId,
                        (Person::Table, Person::Id),
                    ))
                    .foreign_key(&mut fk(
                        ServiceAccount::CreatedById,
                        (Person::Table, Person::Id),
                    ))
                    .foreign_key(&mut fk(
                        ServiceAccount::RevokedById,
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ServiceAccount::Table)
                        .col(column)
                        .col(ServiceAccount::Id)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvent::Table)
                    .add_column(integer_null(AuditEvent::ServiceAccountId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvent::Table)
                    .drop_column(AuditEvent::ServiceAccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ServiceAccount::Table).to_owned())
            .await
    }
}
