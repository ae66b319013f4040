//! Webhooks: endpoints that service accounts register, the outbox of events that domain
//! changes write in their own transaction, one delivery per event and endpoint, and the
//! log of every attempt to deliver it.
//!
//! An event is written once, whoever will receive it (`webhook_event`); the delivery worker
//! later fans it out to the endpoints that may receive it (`fanned_out_at`), one
//! `webhook_delivery` each, and claims due deliveries (`next_attempt_at`, `locked_until`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookEndpoint {
    Table,
    Id,
    ServiceAccountId,
    AllianceId,
    SchoolId,
    Url,
    Description,
    SigningSecret,
    EventTypes,
    Enabled,
    DisabledAt,
    DisabledReason,
    FailingSince,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookEvent {
    Table,
    Id,
    PublicId,
    EventType,
    Subject,
    AllianceId,
    SchoolId,
    ThroughSchool,
    Data,
    CreatedAt,
    FannedOutAt,
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    Id,
    EventId,
    EndpointId,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastResponseCode,
    DeliveredAt,
    QueuedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempt {
    Table,
    Id,
    DeliveryId,
    EndpointId,
    EventPublicId,
    EventType,
    Attempt,
    AttemptedAt,
    DurationMs,
    ResponseCode,
    Succeeded,
    Error,
}

#[derive(DeriveIden)]
enum ServiceAccount {
    Table,
    Id,
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

fn fk(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    cols: Vec<impl IntoIden + 'static>,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoint::Table)
                    .col(pk_auto(WebhookEndpoint::Id))
                    .col(integer(WebhookEndpoint::ServiceAccountId))
                    // Exactly one of the two: the tenant the endpoint belongs to.
                    .col(integer_null(WebhookEndpoint::AllianceId))
                    .col(integer_null(WebhookEndpoint::SchoolId))
                    .col(string_len(WebhookEndpoint::Url, 2000))
                    .col(string_len_null(WebhookEndpoint::Description, 200))
                    // Kept as given: it signs every delivery, so it must be recoverable.
                    .col(string_len(WebhookEndpoint::SigningSecret, 100))
                    .col(json(WebhookEndpoint::EventTypes))
                    .col(boolean(WebhookEndpoint::Enabled).default(true))
                    .col(timestamp_with_time_zone_null(WebhookEndpoint::DisabledAt))
                    .col(string_len_null(WebhookEndpoint::DisabledReason, 200))
                    .col(timestamp_with_time_zone_null(WebhookEndpoint::FailingSince))
                    .col(integer(WebhookEndpoint::Version).default(1))
                    .col(timestamp_with_time_zone(WebhookEndpoint::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookEndpoint::UpdatedAt))
                    .foreign_key(&mut fk(
                        (WebhookEndpoint::Table, WebhookEndpoint::ServiceAccountId),
                        (ServiceAccount::Table, ServiceAccount::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (WebhookEndpoint::Table, WebhookEndpoint::AllianceId),
                        (Alliance::Table, Alliance::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (WebhookEndpoint::Table, WebhookEndpoint::SchoolId),
                        (School::Table, School::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .check(
                        Expr::col(WebhookEndpoint::AllianceId)
                            .is_null()
                            .ne(Expr::col(WebhookEndpoint::SchoolId).is_null()),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_webhook_endpoint_school",
                vec![WebhookEndpoint::SchoolId],
            ),
            (
                "ix_webhook_endpoint_alliance",
                vec![WebhookEndpoint::AllianceId],
            ),
            (
                "ix_webhook_endpoint_service_account",
                vec![WebhookEndpoint::ServiceAccountId],
            ),
        ] {
            manager
                .create_index(index(name, WebhookEndpoint::Table, cols))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(WebhookEvent::Table)
                    .col(pk_auto(WebhookEvent::Id))
                    .col(string_len_uniq(WebhookEvent::PublicId, 40))
                    .col(string_len(WebhookEvent::EventType, 40))
                    .col(string_len(WebhookEvent::Subject, 100))
                    // The tenants the event concerns; kept without foreign keys, as history.
                    .col(integer_null(WebhookEvent::AllianceId))
                    .col(integer_null(WebhookEvent::SchoolId))
                    // Whether alliances the school is an active member of take part (their
                    // admins manage its staff), beyond `alliance_id`.
                    .col(boolean(WebhookEvent::ThroughSchool).default(false))
                    .col(json(WebhookEvent::Data))
                    .col(timestamp_with_time_zone(WebhookEvent::CreatedAt))
                    .col(timestamp_with_time_zone_null(WebhookEvent::FannedOutAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_webhook_event_fanned_out",
                WebhookEvent::Table,
                vec![WebhookEvent::FannedOutAt, WebhookEvent::Id],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WebhookDelivery::Table)
                    .col(pk_auto(WebhookDelivery::Id))
                    .col(integer(WebhookDelivery::EventId))
                    .col(integer(WebhookDelivery::EndpointId))
                    .col(string_len(WebhookDelivery::Status, 40))
                    .col(integer(WebhookDelivery::Attempts).default(0))
                    .col(timestamp_with_time_zone_null(
                        WebhookDelivery::NextAttemptAt,
                    ))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::LockedUntil))
                    .col(integer_null(WebhookDelivery::LastResponseCode))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::DeliveredAt))
                    // When it was last queued (made, or redelivered by hand): retries
                    // run for a while from then.
                    .col(timestamp_with_time_zone(WebhookDelivery::QueuedAt))
                    .col(timestamp_with_time_zone(WebhookDelivery::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookDelivery::UpdatedAt))
                    .foreign_key(&mut fk(
                        (WebhookDelivery::Table, WebhookDelivery::EventId),
                        (WebhookEvent::Table, WebhookEvent::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (WebhookDelivery::Table, WebhookDelivery::EndpointId),
                        (WebhookEndpoint::Table, WebhookEndpoint::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_webhook_delivery_event_endpoint",
                    WebhookDelivery::Table,
                    vec![WebhookDelivery::EventId, WebhookDelivery::EndpointId],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_webhook_delivery_due",
                WebhookDelivery::Table,
                vec![WebhookDelivery::Status, WebhookDelivery::NextAttemptAt],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_webhook_delivery_endpoint",
                WebhookDelivery::Table,
                vec![WebhookDelivery::EndpointId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempt::Table)
                    .col(pk_auto(WebhookAttempt::Id))
                    .col(integer(WebhookAttempt::DeliveryId))
                    .col(integer(WebhookAttempt::EndpointId))
                    // The event's, repeated so that the log reads without a join.
                    .col(string_len(WebhookAttempt::EventPublicId, 40))
                    .col(string_len(WebhookAttempt::EventType, 40))
                    .col(integer(WebhookAttempt::Attempt))
                    .col(timestamp_with_time_zone(WebhookAttempt::AttemptedAt))
                    .col(integer(WebhookAttempt::DurationMs))
                    .col(integer_null(WebhookAttempt::ResponseCode))
                    .col(boolean(WebhookAttempt::Succeeded))
                    .col(string_len_null(WebhookAttempt::Error, 200))
                    .foreign_key(&mut fk(
                        (WebhookAttempt::Table, WebhookAttempt::DeliveryId),
                        (WebhookDelivery::Table, WebhookDelivery::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (WebhookAttempt::Table, WebhookAttempt::EndpointId),
                        (WebhookEndpoint::Table, WebhookEndpoint::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_webhook_attempt_endpoint",
                WebhookAttempt::Table,
                vec![WebhookAttempt::EndpointId, WebhookAttempt::Id],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookAttempt::Table.into_iden(),
            WebhookDelivery::Table.into_iden(),
            WebhookEvent::Table.into_iden(),
            WebhookEndpoint::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
