//! The good-practice exchange: practice items with their authors, revisions, history and
//! endorsements; adaptations link a practice to its origin. Community discussion posts may
//! now belong to a practice instead (its comment threads).

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
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
enum Partnership {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Community {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Practice {
    Table,
    Id,
    Kind,
    Title,
    Summary,
    BodyMarkdown,
    EvidenceOfImpact,
    Links,
    ThemeKeys,
    PhaseKeys,
    SubjectKeys,
    KeyStageKeys,
    SchoolId,
    AllianceId,
    PartnershipId,
    Visibility,
    Status,
    AdaptedFromId,
    AdaptationChanges,
    Outcome,
    CreatedById,
    ApprovedById,
    ApprovedAt,
    ReviewComment,
    PublishedAt,
    ArchivedAt,
    TakenDownAt,
    TakenDownById,
    TakenDownReason,
    EndorsementCount,
    AdaptationCount,
    CommentCount,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PracticeAuthor {
    Table,
    Id,
    PracticeId,
    PersonId,
    SchoolId,
    IsLead,
    AddedAt,
}

#[derive(DeriveIden)]
enum PracticeRevision {
    Table,
    Id,
    PracticeId,
    Version,
    Title,
    Summary,
    BodyMarkdown,
    EvidenceOfImpact,
    EditedById,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PracticeEvent {
    Table,
    Id,
    PracticeId,
    ActorId,
    Action,
    FromStatus,
    ToStatus,
    Visibility,
    Comment,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PracticeEndorsement {
    Table,
    Id,
    PracticeId,
    PersonId,
    SchoolId,
    Note,
    Outcome,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DiscussionPost {
    Table,
    Id,
    CommunityId,
    PracticeId,
    ThreadId,
    AuthorId,
    AuthorSchoolId,
    Title,
    BodyMarkdown,
    Pinned,
    HiddenReason,
    HiddenById,
    DeletedAt,
    ActivityKey,
    Version,
    CreatedAt,
    UpdatedAt,
}

/// The rebuilt discussion table, renamed to `discussion_post` once filled.
#[derive(DeriveIden, Clone, Copy)]
enum DiscussionPostNew {
    Table,
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

fn practice_table() -> TableCreateStatement {
    Table::create()
        .table(Practice::Table)
        .col(pk_auto(Practice::Id))
        .col(string_len(Practice::Kind, 40))
        .col(string_len(Practice::Title, 200))
        .col(text(Practice::Summary))
        .col(text(Practice::BodyMarkdown))
        .col(text_null(Practice::EvidenceOfImpact))
        .col(json(Practice::Links))
        .col(text(Practice::ThemeKeys))
        .col(text(Practice::PhaseKeys))
        .col(text(Practice::SubjectKeys))
        .col(text(Practice::KeyStageKeys))
        .col(integer(Practice::SchoolId))
        .col(integer_null(Practice::AllianceId))
        .col(integer_null(Practice::PartnershipId))
        .col(string_len(Practice::Visibility, 40))
        .col(string_len(Practice::Status, 40))
        .col(integer_null(Practice::AdaptedFromId))
        .col(text_null(Practice::AdaptationChanges))
        .col(text_null(Practice::Outcome))
        .col(integer(Practice::CreatedById))
        .col(integer_null(Practice::ApprovedById))
        .col(timestamp_with_time_zone_null(Practice::ApprovedAt))
        .col(text_null(Practice::ReviewComment))
        .col(timestamp_with_time_zone_null(Practice::PublishedAt))
        .col(timestamp_with_time_zone_null(Practice::ArchivedAt))
        .col(timestamp_with_time_zone_null(Practice::TakenDownAt))
        .col(integer_null(Practice::TakenDownById))
        .col(text_null(Practice::TakenDownReason))
        .col(integer(Practice::EndorsementCount).default(0))
        .col(integer(Practice::AdaptationCount).default(0))
        .col(integer(Practice::CommentCount).default(0))
        .col(integer(Practice::Version).default(1))
        .col(timestamp_with_time_zone(Practice::CreatedAt))
        .col(timestamp_with_time_zone(Practice::UpdatedAt))
        .foreign_key(&mut fk(
            (Practice::Table, Practice::SchoolId),
            (School::Table, School::Id),
        ))
        .foreign_key(&mut fk(
            (Practice::Table, Practice::AllianceId),
            (Alliance::Table, Alliance::Id),
        ))
        .foreign_key(&mut fk(
            (Practice::Table, Practice::PartnershipId),
            (Partnership::Table, Partnership::Id),
        ))
        .foreign_key(&mut fk(
            (Practice::Table, Practice::AdaptedFromId),
            (Practice::Table, Practice::Id),
        ))
        .foreign_key(&mut fk(
            (Practice::Table, Practice::CreatedById),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

fn author_table() -> TableCreateStatement {
    Table::create()
        .table(PracticeAuthor::Table)
        .col(pk_auto(PracticeAuthor::Id))
        .col(integer(PracticeAuthor::PracticeId))
        .col(integer(PracticeAuthor::PersonId))
        .col(integer_null(PracticeAuthor::SchoolId))
        .col(boolean(PracticeAuthor::IsLead).default(false))
        .col(timestamp_with_time_zone(PracticeAuthor::AddedAt))
        .foreign_key(&mut fk(
            (PracticeAuthor::Table, PracticeAuthor::PracticeId),
            (Practice::Table, Practice::Id),
        ))
        .foreign_key(&mut fk(
            (PracticeAuthor::Table, PracticeAuthor::PersonId),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

fn revision_table() -> TableCreateStatement {
    Table::create()
        .table(PracticeRevision::Table)
        .col(pk_auto(PracticeRevision::Id))
        .col(integer(PracticeRevision::PracticeId))
        .col(integer(PracticeRevision::Version))
        .col(string_len(PracticeRevision::Title, 200))
        .col(text(PracticeRevision::Summary))
        .col(text(PracticeRevision::BodyMarkdown))
        .col(text_null(PracticeRevision::EvidenceOfImpact))
        .col(integer(PracticeRevision::EditedById))
        .col(timestamp_with_time_zone(PracticeRevision::CreatedAt))
        .foreign_key(&mut fk(
            (PracticeRevision::Table, PracticeRevision::PracticeId),
            (Practice::Table, Practice::Id),
        ))
        .to_owned()
}

fn event_table() -> TableCreateStatement {
    Table::create()
        .table(PracticeEvent::Table)
        .col(pk_auto(PracticeEvent::Id))
        .col(integer(PracticeEvent::PracticeId))
        .col(integer(PracticeEvent::ActorId))
        .col(string_len(PracticeEvent::Action, 40))
        .col(string_len_null(PracticeEvent::FromStatus, 40))
        .col(string_len_null(PracticeEvent::ToStatus, 40))
        .col(string_len_null(PracticeEvent::Visibility, 40))
        .col(text_null(PracticeEvent::Comment))
        .col(timestamp_with_time_zone(PracticeEvent::CreatedAt))
        .foreign_key(&mut fk(
            (PracticeEvent::Table, PracticeEvent::PracticeId),
            (Practice::Table, Practice::Id),
        ))
        .to_owned()
}

fn endorsement_table() -> TableCreateStatement {
    Table::create()
        .table(PracticeEndorsement::Table)
        .col(pk_auto(PracticeEndorsement::Id))
        .col(integer(PracticeEndorsement::PracticeId))
        .col(integer(PracticeEndorsement::PersonId))
        .col(integer(PracticeEndorsement::SchoolId))
        .col(text(PracticeEndorsement::Note))
        .col(string_len(PracticeEndorsement::Outcome, 40))
        .col(integer(PracticeEndorsement::Version).default(1))
        .col(timestamp_with_time_zone(PracticeEndorsement::CreatedAt))
        .col(timestamp_with_time_zone(PracticeEndorsement::UpdatedAt))
        .foreign_key(&mut fk(
            (PracticeEndorsement::Table, PracticeEndorsement::PracticeId),
            (Practice::Table, Practice::Id),
        ))
        .foreign_key(&mut fk(
            (PracticeEndorsement::Table, PracticeEndorsement::PersonId),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

/// `discussion_post` as rebuilt: `community_id` optional, and `practice_id` for a
/// practice's comment threads; exactly one of the two is set.
fn discussion_table(name: impl IntoIden + Copy + 'static) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(pk_auto(DiscussionPost::Id))
        .col(integer_null(DiscussionPost::CommunityId))
        .col(integer_null(DiscussionPost::PracticeId))
        .col(integer_null(DiscussionPost::ThreadId))
        .col(integer(DiscussionPost::AuthorId))
        .col(integer_null(DiscussionPost::AuthorSchoolId))
        .col(string_len_null(DiscussionPost::Title, 200))
        .col(text(DiscussionPost::BodyMarkdown))
        .col(boolean(DiscussionPost::Pinned).default(false))
        .col(text_null(DiscussionPost::HiddenReason))
        .col(integer_null(DiscussionPost::HiddenById))
        .col(timestamp_with_time_zone_null(DiscussionPost::DeletedAt))
        .col(string_len(DiscussionPost::ActivityKey, 40))
        .col(integer(DiscussionPost::Version).default(1))
        .col(timestamp_with_time_zone(DiscussionPost::CreatedAt))
        .col(timestamp_with_time_zone(DiscussionPost::UpdatedAt))
        .check(
            Expr::col(DiscussionPost::CommunityId)
                .is_null()
                .ne(Expr::col(DiscussionPost::PracticeId).is_null()),
        )
        .foreign_key(&mut fk(
            (name, DiscussionPost::CommunityId),
            (Community::Table, Community::Id),
        ))
        .foreign_key(&mut fk(
            (name, DiscussionPost::PracticeId),
            (Practice::Table, Practice::Id),
        ))
        .foreign_key(&mut fk(
            (name, DiscussionPost::ThreadId),
            (name, DiscussionPost::Id),
        ))
        .foreign_key(&mut fk(
            (name, DiscussionPost::AuthorId),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

/// Lets discussion posts belong to a practice. PostgreSQL alters the table in place;
/// SQLite cannot drop a `NOT NULL`, so the table is rebuilt and renamed (its self
/// reference names the new table, which the rename carries over).
async fn open_discussion_to_practice(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_unprepared(
            "ALTER TABLE discussion_post ALTER COLUMN community_id DROP NOT NULL;
             ALTER TABLE discussion_post ADD COLUMN practice_id integer NULL
                 REFERENCES practice (id) ON DELETE RESTRICT;
             ALTER TABLE discussion_post ADD CONSTRAINT discussion_post_one_host
                 CHECK ((community_id IS NULL) <> (practice_id IS NULL));",
        )
        .await?;
        let [.., practice_index] = discussion_indexes();
        manager.create_index(practice_index).await?;
    } else {
        // One batch on one connection: another pooled connection could still hold the
        // old schema and refuse the new table's indexes as existing.
        let backend = conn.get_database_backend();
        let mut batch = vec![
            backend
                .build(&discussion_table(DiscussionPostNew::Table))
                .sql,
        ];
        batch.push(
            "INSERT INTO discussion_post_new (id, community_id, practice_id, thread_id,
                 author_id, author_school_id, title, body_markdown, pinned, hidden_reason,
                 hidden_by_id, deleted_at, activity_key, version, created_at, updated_at)
             SELECT id, community_id, NULL, thread_id, author_id, author_school_id, title,
                 body_markdown, pinned, hidden_reason, hidden_by_id, deleted_at,
                 activity_key, version, created_at, updated_at
             FROM discussion_post"
                .into(),
        );
        batch.push("DROP TABLE discussion_post".into());
        batch.push("ALTER TABLE discussion_post_new RENAME TO discussion_post".into());
        for statement in discussion_indexes() {
            batch.push(backend.build(&statement).sql);
        }
        conn.execute_unprepared(&batch.join(";\n")).await?;
    }
    Ok(())
}

/// The indexes of the rebuilt table: the two it had, and one for a practice's comments.
fn discussion_indexes() -> [IndexCreateStatement; 3] {
    [
        index(
            "ix_discussion_post_community",
            DiscussionPost::Table,
            vec![
                DiscussionPost::CommunityId.into_iden(),
                DiscussionPost::ActivityKey.into_iden(),
            ],
        ),
        index(
            "ix_discussion_post_thread",
            DiscussionPost::Table,
            vec![DiscussionPost::ThreadId.into_iden()],
        ),
        index(
            "ix_discussion_post_practice",
            DiscussionPost::Table,
            vec![
                DiscussionPost::PracticeId.into_iden(),
                DiscussionPost::ActivityKey.into_iden(),
            ],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            practice_table(),
            author_table(),
            revision_table(),
            event_table(),
            endorsement_table(),
        ] {
            manager.create_table(table).await?;
        }
        let indexes = [
            index(
                "ix_practice_school",
                Practice::Table,
                vec![Practice::SchoolId.into_iden()],
            ),
            index(
                "ix_practice_alliance",
                Practice::Table,
                vec![Practice::AllianceId.into_iden()],
            ),
            index(
                "ix_practice_adapted_from",
                Practice::Table,
                vec![Practice::AdaptedFromId.into_iden()],
            ),
            index(
                "ix_practice_published",
                Practice::Table,
                vec![Practice::PublishedAt.into_iden(), Practice::Id.into_iden()],
            ),
            index(
                "ux_practice_author",
                PracticeAuthor::Table,
                vec![
                    PracticeAuthor::PracticeId.into_iden(),
                    PracticeAuthor::PersonId.into_iden(),
                ],
            )
            .unique()
            .to_owned(),
            index(
                "ix_practice_author_person",
                PracticeAuthor::Table,
                vec![PracticeAuthor::PersonId.into_iden()],
            ),
            index(
                "ix_practice_revision_practice",
                PracticeRevision::Table,
                vec![PracticeRevision::PracticeId.into_iden()],
            ),
            index(
                "ix_practice_event_practice",
                PracticeEvent::Table,
                vec![PracticeEvent::PracticeId.into_iden()],
            ),
            index(
                "ux_practice_endorsement",
                PracticeEndorsement::Table,
                vec![
                    PracticeEndorsement::PracticeId.into_iden(),
                    PracticeEndorsement::PersonId.into_iden(),
                ],
            )
            .unique()
            .to_owned(),
        ];
        for statement in indexes {
            manager.create_index(statement).await?;
        }
        open_discussion_to_practice(manager).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Comments on practice would have nowhere to go: this migration is one-way.
        Err(DbErr::Migration(
            "the practice migration cannot be reverted".into(),
        ))
    }
}
