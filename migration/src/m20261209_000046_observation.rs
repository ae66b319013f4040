//! Developmental observation, reflection and the portfolio (issue 24, lane 24b).
//! - `observation`: a classroom visit recorded by an observer: the teacher, the day, the
//!   focus agreed beforehand, what went well, questions for dialogue, agreed next steps,
//!   and the teacher's own response (written by the teacher only). Its `purpose`
//!   (`DEVELOPMENTAL` or `APPRAISAL`) is fixed when it is made. No column holds a grade,
//!   by design. `school_id` is the teacher's school when it was recorded (for counts of
//!   activity, never content). The teacher chooses whether it goes into their portfolio
//!   (`in_portfolio`) and into a performance-review selection (`in_review_selection`).
//! - `reflection`: a person's own journal entry, dated, in Markdown, with themes and
//!   optional links to an event, a practice or an enquiry; the same purpose and choices.
//! - `record_share`: the one sharing mechanism of both: the owner (the observed teacher,
//!   or the reflection's author) shares a record with a named person; withdrawing sets
//!   `withdrawn_at` and the row stays as history. `through_school_id` is set when the
//!   recipient was a colleague of the owner at that school when it was shared: the share
//!   holds only while the owner still works there.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Observation {
    Table,
    Id,
    ObserverId,
    TeacherId,
    SchoolId,
    ObservedOn,
    Purpose,
    Focus,
    WentWell,
    QuestionsForDialogue,
    AgreedNextSteps,
    TeacherResponse,
    ThemeKeys,
    InPortfolio,
    InReviewSelection,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Reflection {
    Table,
    Id,
    PersonId,
    SchoolId,
    WrittenOn,
    Purpose,
    Title,
    BodyMarkdown,
    ThemeKeys,
    EventId,
    PracticeId,
    EnquiryId,
    InPortfolio,
    InReviewSelection,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RecordShare {
    Table,
    Id,
    ObservationId,
    ReflectionId,
    OwnerId,
    PersonId,
    ThroughSchoolId,
    SharedAt,
    WithdrawnAt,
}

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

fn observation() -> TableCreateStatement {
    Table::create()
        .table(Observation::Table)
        .col(pk_auto(Observation::Id))
        .col(integer(Observation::ObserverId))
        .col(integer(Observation::TeacherId))
        .col(integer_null(Observation::SchoolId))
        .col(date(Observation::ObservedOn))
        .col(string_len(Observation::Purpose, 40))
        .col(string_len(Observation::Focus, 500))
        .col(text(Observation::WentWell))
        .col(text(Observation::QuestionsForDialogue))
        .col(text(Observation::AgreedNextSteps))
        .col(text_null(Observation::TeacherResponse))
        // Theme ids as `,3,14,`.
        .col(string_len(Observation::ThemeKeys, 400))
        .col(boolean(Observation::InPortfolio).default(false))
        .col(boolean(Observation::InReviewSelection).default(false))
        .col(integer(Observation::Version).default(1))
        .col(timestamp_with_time_zone(Observation::CreatedAt))
        .col(timestamp_with_time_zone(Observation::UpdatedAt))
        .foreign_key(&mut fk(
            (Observation::Table, Observation::ObserverId),
            (Person::Table, Person::Id),
        ))
        .foreign_key(&mut fk(
            (Observation::Table, Observation::TeacherId),
            (Person::Table, Person::Id),
        ))
        .foreign_key(&mut fk(
            (Observation::Table, Observation::SchoolId),
            (School::Table, School::Id),
        ))
        .to_owned()
}

fn reflection() -> TableCreateStatement {
    Table::create()
        .table(Reflection::Table)
        .col(pk_auto(Reflection::Id))
        .col(integer(Reflection::PersonId))
        .col(integer_null(Reflection::SchoolId))
        .col(date(Reflection::WrittenOn))
        .col(string_len(Reflection::Purpose, 40))
        .col(string_len(Reflection::Title, 200))
        .col(text(Reflection::BodyMarkdown))
        .col(string_len(Reflection::ThemeKeys, 400))
        // Links (the coaching cycle's link is added with the coaching domain).
        .col(integer_null(Reflection::EventId))
        .col(integer_null(Reflection::PracticeId))
        .col(integer_null(Reflection::EnquiryId))
        .col(boolean(Reflection::InPortfolio).default(false))
        .col(boolean(Reflection::InReviewSelection).default(false))
        .col(integer(Reflection::Version).default(1))
        .col(timestamp_with_time_zone(Reflection::CreatedAt))
        .col(timestamp_with_time_zone(Reflection::UpdatedAt))
        .foreign_key(&mut fk(
            (Reflection::Table, Reflection::PersonId),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

fn record_share() -> TableCreateStatement {
    Table::create()
        .table(RecordShare::Table)
        .col(pk_auto(RecordShare::Id))
        .col(integer_null(RecordShare::ObservationId))
        .col(integer_null(RecordShare::ReflectionId))
        .col(integer(RecordShare::OwnerId))
        .col(integer(RecordShare::PersonId))
        .col(integer_null(RecordShare::ThroughSchoolId))
        .col(timestamp_with_time_zone(RecordShare::SharedAt))
        .col(timestamp_with_time_zone_null(RecordShare::WithdrawnAt))
        .foreign_key(&mut fk(
            (RecordShare::Table, RecordShare::ObservationId),
            (Observation::Table, Observation::Id),
        ))
        .foreign_key(&mut fk(
            (RecordShare::Table, RecordShare::ReflectionId),
            (Reflection::Table, Reflection::Id),
        ))
        .foreign_key(&mut fk(
            (RecordShare::Table, RecordShare::PersonId),
            (Person::Table, Person::Id),
        ))
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [observation(), reflection(), record_share()] {
            manager.create_table(table).await?;
        }
        let indexes = [
            (
                "ix_observation_teacher",
                Observation::Table.into_iden(),
                vec![
                    Observation::TeacherId.into_iden(),
                    Observation::Id.into_iden(),
                ],
            ),
            (
                "ix_observation_observer",
                Observation::Table.into_iden(),
                vec![
                    Observation::ObserverId.into_iden(),
                    Observation::Id.into_iden(),
                ],
            ),
            (
                "ix_observation_school_day",
                Observation::Table.into_iden(),
                vec![
                    Observation::SchoolId.into_iden(),
                    Observation::ObservedOn.into_iden(),
                ],
            ),
            (
                "ix_reflection_person",
                Reflection::Table.into_iden(),
                vec![Reflection::PersonId.into_iden(), Reflection::Id.into_iden()],
            ),
            (
                "ix_record_share_person",
                RecordShare::Table.into_iden(),
                vec![
                    RecordShare::PersonId.into_iden(),
                    RecordShare::WithdrawnAt.into_iden(),
                ],
            ),
            (
                "ix_record_share_observation",
                RecordShare::Table.into_iden(),
                vec![RecordShare::ObservationId.into_iden()],
            ),
            (
                "ix_record_share_reflection",
                RecordShare::Table.into_iden(),
                vec![RecordShare::ReflectionId.into_iden()],
            ),
        ];
        for (name, table, columns) in indexes {
            manager.create_index(index(name, table, columns)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RecordShare::Table.into_iden(),
            Reflection::Table.into_iden(),
            Observation::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
