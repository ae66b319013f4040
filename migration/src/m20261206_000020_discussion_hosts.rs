//! Discussion posts name their host by kind and id (`host_kind`, `host_id`) instead of
//! one nullable foreign key per host (`community_id`, `practice_id`), so that a domain
//! that hosts discussion next (events, coaching) adds a kind, not a column.
//!
//! Every post keeps its id (global ids of threads and replies are unchanged) and gets the
//! host its old column named. The old columns, their check that exactly one is set and
//! their indexes go; one index on (`host_kind`, `host_id`, `activity_key`) serves a
//! host's thread list, a practice's comment count and the communities' activity view.
//! The host is no longer a foreign key (it may name one of several tables); hosts are
//! never deleted (communities close, practice is withdrawn or taken down).
//!
//! PostgreSQL alters the table in place. SQLite cannot drop a column that a foreign key
//! or check names, so there the table is rebuilt, filled and renamed, as
//! `m20261123_000004_practice` did.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum DiscussionPost {
    Table,
    Id,
    HostKind,
    HostId,
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

/// The rebuilt table on SQLite, renamed to `discussion_post` once filled.
#[derive(DeriveIden, Clone, Copy)]
enum DiscussionPostNew {
    Table,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

/// The host kind a post's old columns name, as SQL over those columns.
const HOST_KIND: &str = "CASE WHEN community_id IS NOT NULL THEN 'COMMUNITY' ELSE 'PRACTICE' END";
const HOST_ID: &str = "COALESCE(community_id, practice_id)";

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

/// `discussion_post` as rebuilt on SQLite: as before, with the host as kind and id.
fn discussion_table(name: impl IntoIden + Copy + 'static) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(pk_auto(DiscussionPost::Id))
        .col(string_len(DiscussionPost::HostKind, 40))
        .col(integer(DiscussionPost::HostId))
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

/// A host's threads by activity, a host's posts (counts), and a thread's replies.
fn host_index() -> IndexCreateStatement {
    Index::create()
        .name("ix_discussion_post_host")
        .table(DiscussionPost::Table)
        .col(DiscussionPost::HostKind)
        .col(DiscussionPost::HostId)
        .col(DiscussionPost::ActivityKey)
        .to_owned()
}

fn thread_index() -> IndexCreateStatement {
    Index::create()
        .name("ix_discussion_post_thread")
        .table(DiscussionPost::Table)
        .col(DiscussionPost::ThreadId)
        .to_owned()
}

async fn up_postgres(conn: &impl ConnectionTrait) -> Result<(), DbErr> {
    conn.execute_unprepared(&format!(
        "ALTER TABLE discussion_post ADD COLUMN host_kind varchar(40) NULL;
         ALTER TABLE discussion_post ADD COLUMN host_id integer NULL;
         UPDATE discussion_post SET host_kind = {HOST_KIND}, host_id = {HOST_ID};
         ALTER TABLE discussion_post ALTER COLUMN host_kind SET NOT NULL;
         ALTER TABLE discussion_post ALTER COLUMN host_id SET NOT NULL;
         ALTER TABLE discussion_post DROP CONSTRAINT discussion_post_one_host;
         DROP INDEX ix_discussion_post_community;
         DROP INDEX ix_discussion_post_practice;
         ALTER TABLE discussion_post DROP COLUMN community_id;
         ALTER TABLE discussion_post DROP COLUMN practice_id;"
    ))
    .await?;
    conn.execute_unprepared(&DbBackend::Postgres.build(&host_index()).sql)
        .await?;
    Ok(())
}

async fn up_sqlite(conn: &impl ConnectionTrait) -> Result<(), DbErr> {
    // One batch on one connection: another pooled connection could still hold the old
    // schema and refuse the new table's indexes as existing.
    let backend = DbBackend::Sqlite;
    let batch = [
        // Dropping the old table deletes its rows first, which SQLite refuses while its
        // replies name their threads; the copy keeps every reference, and checks are
        // back on as soon as the old table is gone (as SQLite's guide to altering a
        // table says).
        "PRAGMA foreign_keys = OFF".into(),
        backend
            .build(&discussion_table(DiscussionPostNew::Table))
            .sql,
        format!(
            "INSERT INTO discussion_post_new (id, host_kind, host_id, thread_id, author_id,
                 author_school_id, title, body_markdown, pinned, hidden_reason, hidden_by_id,
                 deleted_at, activity_key, version, created_at, updated_at)
             SELECT id, {HOST_KIND}, {HOST_ID}, thread_id, author_id, author_school_id,
                 title, body_markdown, pinned, hidden_reason, hidden_by_id, deleted_at,
                 activity_key, version, created_at, updated_at
             FROM discussion_post"
        ),
        "DROP TABLE discussion_post".into(),
        "ALTER TABLE discussion_post_new RENAME TO discussion_post".into(),
        "PRAGMA foreign_keys = ON".into(),
        backend.build(&thread_index()).sql,
        backend.build(&host_index()).sql,
    ];
    conn.execute_unprepared(&batch.join(";\n")).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        match conn.get_database_backend() {
            DbBackend::Postgres => up_postgres(conn).await,
            _ => up_sqlite(conn).await,
        }
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // A post of a host kind added later would have no column to go back to.
        Err(DbErr::Migration(
            "the discussion hosts migration cannot be reverted".into(),
        ))
    }
}
