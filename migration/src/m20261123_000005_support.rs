//! Needs, offers and brokering: support requests of schools, offers of support by staff
//! and schools, and the support arrangements a CPD lead brokers between them, each with
//! its history of status changes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum School {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Alliance {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SupportRequest {
    Table,
    Id,
    AllianceId,
    SchoolId,
    Title,
    DescriptionMarkdown,
    ThemeKeys,
    Phases,
    Urgency,
    HalfDaysRequested,
    Status,
    CreatedById,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SupportOffer {
    Table,
    Id,
    AllianceId,
    PersonId,
    SchoolId,
    Title,
    DescriptionMarkdown,
    ThemeKeys,
    Phases,
    HalfDaysPerTerm,
    HalfDaysCommitted,
    Status,
    CreatedById,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SupportArrangement {
    Table,
    Id,
    AllianceId,
    RequestId,
    OfferId,
    SupportedSchoolId,
    SupportingPersonId,
    SupportingSchoolId,
    Focus,
    HalfDaysPlanned,
    Status,
    ClosingNote,
    BrokeredById,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SupportRequestChange {
    Table,
    Id,
    RequestId,
    FromStatus,
    ToStatus,
    Note,
    ChangedById,
    ChangedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SupportOfferChange {
    Table,
    Id,
    OfferId,
    FromStatus,
    ToStatus,
    Note,
    ChangedById,
    ChangedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SupportArrangementChange {
    Table,
    Id,
    ArrangementId,
    FromStatus,
    ToStatus,
    Note,
    ChangedById,
    ChangedAt,
}

fn fk(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    columns: Vec<DynIden>,
) -> IndexCreateStatement {
    let mut statement = Index::create().name(name).table(table).to_owned();
    for column in columns {
        statement.col(column);
    }
    statement
}

/// A status-history table: `from` is null for the row written when the subject was created.
fn history(
    table: impl IntoIden + Clone + 'static,
    id: impl IntoIden + 'static,
    subject: impl IntoIden + Clone + 'static,
    subject_table: (impl IntoIden + 'static, impl IntoIden + 'static),
    columns: [DynIden; 5],
) -> TableCreateStatement {
    let [from, to, note, by, at] = columns;
    Table::create()
        .table(table.clone())
        .col(pk_auto(id))
        .col(integer(subject.clone()))
        .col(string_len_null(from, 40))
        .col(string_len(to, 40))
        .col(text_null(note))
        .col(integer(by.clone()))
        .col(timestamp_with_time_zone(at))
        .foreign_key(&mut fk((table.clone(), subject), subject_table))
        .foreign_key(&mut fk((table, by), (Person::Table, Person::Id)))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SupportRequest::Table)
                    .col(pk_auto(SupportRequest::Id))
                    .col(integer(SupportRequest::AllianceId))
                    .col(integer(SupportRequest::SchoolId))
                    .col(string_len(SupportRequest::Title, 200))
                    .col(text(SupportRequest::DescriptionMarkdown))
                    .col(string_len(SupportRequest::ThemeKeys, 1000))
                    .col(json(SupportRequest::Phases))
                    .col(string_len(SupportRequest::Urgency, 40))
                    .col(integer(SupportRequest::HalfDaysRequested))
                    .col(string_len(SupportRequest::Status, 40))
                    .col(integer(SupportRequest::CreatedById))
                    .col(integer(SupportRequest::Version).default(1))
                    .col(timestamp_with_time_zone(SupportRequest::CreatedAt))
                    .col(timestamp_with_time_zone(SupportRequest::UpdatedAt))
                    .foreign_key(&mut fk(
                        (SupportRequest::Table, SupportRequest::AllianceId),
                        (Alliance::Table, Alliance::Id),
                    ))
                    .foreign_key(&mut fk(
                        (SupportRequest::Table, SupportRequest::SchoolId),
                        (School::Table, School::Id),
                    ))
                    .foreign_key(&mut fk(
                        (SupportRequest::Table, SupportRequest::CreatedById),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SupportOffer::Table)
                    .col(pk_auto(SupportOffer::Id))
                    .col(integer(SupportOffer::AllianceId))
                    .col(integer_null(SupportOffer::PersonId))
                    .col(integer_null(SupportOffer::SchoolId))
                    .col(string_len(SupportOffer::Title, 200))
                    .col(text(SupportOffer::DescriptionMarkdown))
                    .col(string_len(SupportOffer::ThemeKeys, 1000))
                    .col(json(SupportOffer::Phases))
                    .col(integer(SupportOffer::HalfDaysPerTerm))
                    .col(integer(SupportOffer::HalfDaysCommitted).default(0))
                    .col(string_len(SupportOffer::Status, 40))
                    .col(integer(SupportOffer::CreatedById))
                    .col(integer(SupportOffer::Version).default(1))
                    .col(timestamp_with_time_zone(SupportOffer::CreatedAt))
                    .col(timestamp_with_time_zone(SupportOffer::UpdatedAt))
                    .foreign_key(&mut fk(
                        (SupportOffer::Table, SupportOffer::AllianceId),
                        (Alliance::Table, Alliance::Id),
                    ))
                    .foreign_key(&mut fk(
                        (SupportOffer::Table, SupportOffer::PersonId),
                        (Person::Table, Person::Id),
                    ))
                    .foreign_key(&mut fk(
                        (SupportOffer::Table, SupportOffer::SchoolId),
                        (School::Table, School::Id),
                    ))
                    .foreign_key(&mut fk(
                        (SupportOffer::Table, SupportOffer::CreatedById),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SupportArrangement::Table)
                    .col(pk_auto(SupportArrangement::Id))
                    .col(integer(SupportArrangement::AllianceId))
                    .col(integer(SupportArrangement::RequestId))
                    .col(integer_null(SupportArrangement::OfferId))
                    .col(integer(SupportArrangement::SupportedSchoolId))
                    .col(integer_null(SupportArrangement::SupportingPersonId))
                    .col(integer_null(SupportArrangement::SupportingSchoolId))
                    .col(text(SupportArrangement::Focus))
                    .col(integer(SupportArrangement::HalfDaysPlanned))
                    .col(string_len(SupportArrangement::Status, 40))
                    .col(text_null(SupportArrangement::ClosingNote))
                    .col(integer(SupportArrangement::BrokeredById))
                    .col(integer(SupportArrangement::Version).default(1))
                    .col(timestamp_with_time_zone(SupportArrangement::CreatedAt))
                    .col(timestamp_with_time_zone(SupportArrangement::UpdatedAt))
                    .foreign_key(&mut fk(
                        (SupportArrangement::Table, SupportArrangement::AllianceId),
                        (Alliance::Table, Alliance::Id),
                    ))
                    .foreign_key(&mut fk(
                        (SupportArrangement::Table, SupportArrangement::RequestId),
                        (SupportRequest::Table, SupportRequest::Id),
                    ))
                    .foreign_key(&mut fk(
                        (SupportArrangement::Table, SupportArrangement::OfferId),
                        (SupportOffer::Table, SupportOffer::Id),
                    ))
                    .foreign_key(&mut fk(
                        (
                            SupportArrangement::Table,
                            SupportArrangement::SupportedSchoolId,
                        ),
                        (School::Table, School::Id),
                    ))
                    .foreign_key(&mut fk(
                        (
                            SupportArrangement::Table,
                            SupportArrangement::SupportingPersonId,
                        ),
                        (Person::Table, Person::Id),
                    ))
                    .foreign_key(&mut fk(
                        (
                            SupportArrangement::Table,
                            SupportArrangement::SupportingSchoolId,
                        ),
                        (School::Table, School::Id),
                    ))
                    .foreign_key(&mut fk(
                        (SupportArrangement::Table, SupportArrangement::BrokeredById),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(history(
                SupportRequestChange::Table,
                SupportRequestChange::Id,
                SupportRequestChange::RequestId,
                (SupportRequest::Table, SupportRequest::Id),
                [
                    SupportRequestChange::FromStatus.into_iden(),
                    SupportRequestChange::ToStatus.into_iden(),
                    SupportRequestChange::Note.into_iden(),
                    SupportRequestChange::ChangedById.into_iden(),
                    SupportRequestChange::ChangedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(history(
                SupportOfferChange::Table,
                SupportOfferChange::Id,
                SupportOfferChange::OfferId,
                (SupportOffer::Table, SupportOffer::Id),
                [
                    SupportOfferChange::FromStatus.into_iden(),
                    SupportOfferChange::ToStatus.into_iden(),
                    SupportOfferChange::Note.into_iden(),
                    SupportOfferChange::ChangedById.into_iden(),
                    SupportOfferChange::ChangedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(history(
                SupportArrangementChange::Table,
                SupportArrangementChange::Id,
                SupportArrangementChange::ArrangementId,
                (SupportArrangement::Table, SupportArrangement::Id),
                [
                    SupportArrangementChange::FromStatus.into_iden(),
                    SupportArrangementChange::ToStatus.into_iden(),
                    SupportArrangementChange::Note.into_iden(),
                    SupportArrangementChange::ChangedById.into_iden(),
                    SupportArrangementChange::ChangedAt.into_iden(),
                ],
            ))
            .await?;

        let indexes = [
            index(
                "ix_support_request_alliance",
                SupportRequest::Table,
                vec![
                    SupportRequest::AllianceId.into_iden(),
                    SupportRequest::Status.into_iden(),
                ],
            ),
            index(
                "ix_support_request_school",
                SupportRequest::Table,
                vec![SupportRequest::SchoolId.into_iden()],
            ),
            index(
                "ix_support_offer_alliance",
                SupportOffer::Table,
                vec![
                    SupportOffer::AllianceId.into_iden(),
                    SupportOffer::Status.into_iden(),
                ],
            ),
            index(
                "ix_support_offer_person",
                SupportOffer::Table,
                vec![SupportOffer::PersonId.into_iden()],
            ),
            index(
                "ix_support_offer_school",
                SupportOffer::Table,
                vec![SupportOffer::SchoolId.into_iden()],
            ),
            index(
                "ix_support_arrangement_request",
                SupportArrangement::Table,
                vec![SupportArrangement::RequestId.into_iden()],
            ),
            index(
                "ix_support_arrangement_offer",
                SupportArrangement::Table,
                vec![SupportArrangement::OfferId.into_iden()],
            ),
            index(
                "ix_support_arrangement_alliance",
                SupportArrangement::Table,
                vec![SupportArrangement::AllianceId.into_iden()],
            ),
            index(
                "ix_support_request_change_request",
                SupportRequestChange::Table,
                vec![SupportRequestChange::RequestId.into_iden()],
            ),
            index(
                "ix_support_offer_change_offer",
                SupportOfferChange::Table,
                vec![SupportOfferChange::OfferId.into_iden()],
            ),
            index(
                "ix_support_arrangement_change_arrangement",
                SupportArrangementChange::Table,
                vec![SupportArrangementChange::ArrangementId.into_iden()],
            ),
        ];
        for statement in indexes {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SupportArrangementChange::Table.into_iden(),
            SupportOfferChange::Table.into_iden(),
            SupportRequestChange::Table.into_iden(),
            SupportArrangement::Table.into_iden(),
            SupportOffer::Table.into_iden(),
            SupportRequest::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
