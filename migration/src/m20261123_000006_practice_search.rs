//! Full-text search over practice (title, summary, body), kept in step with every edit by
//! the database itself.
//!
//! - SQLite: `practice_fts`, an FTS5 external-content table over `practice` (tokenizer
//!   `porter unicode61`), with triggers on insert, delete and text updates, rebuilt once
//!   here for the rows that already exist. A later migration that rebuilds `practice`
//!   (SQLite's way of altering a column) must recreate the triggers.
//! - PostgreSQL: `practice.search_vector`, a stored generated `tsvector` ('english'
//!   configuration; title weighted A, summary B, body C) with a GIN index.
//!
//! Both: indexes for ordering by endorsements and adaptations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One batch on one connection: another pooled connection could still hold the old
/// schema (see the practice migration).
const SQLITE: &str = "
CREATE VIRTUAL TABLE practice_fts USING fts5(
    title, summary, body_markdown,
    content='practice', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER practice_fts_insert AFTER INSERT ON practice BEGIN
    INSERT INTO practice_fts (rowid, title, summary, body_markdown)
    VALUES (new.id, new.title, new.summary, new.body_markdown);
END;
CREATE TRIGGER practice_fts_delete AFTER DELETE ON practice BEGIN
    INSERT INTO practice_fts (practice_fts, rowid, title, summary, body_markdown)
    VALUES ('delete', old.id, old.title, old.summary, old.body_markdown);
END;
CREATE TRIGGER practice_fts_update AFTER UPDATE OF title, summary, body_markdown ON practice
BEGIN
    INSERT INTO practice_fts (practice_fts, rowid, title, summary, body_markdown)
    VALUES ('delete', old.id, old.title, old.summary, old.body_markdown);
    INSERT INTO practice_fts (rowid, title, summary, body_markdown)
    VALUES (new.id, new.title, new.summary, new.body_markdown);
END;
INSERT INTO practice_fts (practice_fts) VALUES ('rebuild');
CREATE INDEX ix_practice_endorsements ON practice (endorsement_count, id);
CREATE INDEX ix_practice_adaptations ON practice (adaptation_count, id);
";

const POSTGRES: &str = "
ALTER TABLE practice ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B') ||
    setweight(to_tsvector('english'::regconfig, coalesce(body_markdown, '')), 'C')
) STORED;
CREATE INDEX ix_practice_search ON practice USING GIN (search_vector);
CREATE INDEX ix_practice_endorsements ON practice (endorsement_count, id);
CREATE INDEX ix_practice_adaptations ON practice (adaptation_count, id);
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        match conn.get_database_backend() {
            DbBackend::Postgres => conn.execute_unprepared(POSTGRES).await?,
            _ => conn.execute_unprepared(SQLITE).await?,
        };
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        match conn.get_database_backend() {
            DbBackend::Postgres => {
                conn.execute_unprepared(
                    "DROP INDEX ix_practice_adaptations;
                     DROP INDEX ix_practice_endorsements;
                     ALTER TABLE practice DROP COLUMN search_vector;",
                )
                .await?
            }
            _ => {
                conn.execute_unprepared(
                    "DROP INDEX ix_practice_adaptations;
                     DROP INDEX ix_practice_endorsements;
                     DROP TRIGGER practice_fts_update;
                     DROP TRIGGER practice_fts_delete;
                     DROP TRIGGER practice_fts_insert;
                     DROP TABLE practice_fts;",
                )
                .await?
            }
        };
        Ok(())
    }
}
