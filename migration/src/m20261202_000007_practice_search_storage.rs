//! PostgreSQL: keep practice's search vector inside its row and everything long outside.
//!
//! Matching a search word against rows the GIN index does not answer alone (a common word,
//! where PostgreSQL prefers a scan, or a newest-first scan that tests each row) reads each
//! row's `search_vector`. Left to the defaults it was moved to the TOAST table with the
//! body, so every test fetched and decompressed it from there: 4 to 5 times slower than
//! reading it in place, and the wide rows (300 MB of heap for 100,000 items) no longer fit
//! in shared buffers. With `STORAGE MAIN` the vector stays in the row (compressed), and a
//! `toast_tuple_target` of 128 bytes moves the body, summary and links out instead: on
//! 100,000 items counting 1,000 matches of a common word went from 35 to 6 ms and the
//! newest 1,000 matches ranked from 105 to 15 ms (BENCHMARKS.md, practice search).
//!
//! Both settings apply to rows as they are written; `VACUUM FULL practice` rewrites the
//! rows of an existing database. SQLite keeps its FTS5 index in a table of its own: no
//! change.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        if conn.get_database_backend() == DbBackend::Postgres {
            conn.execute_unprepared(
                "ALTER TABLE practice ALTER COLUMN search_vector SET STORAGE MAIN;
                 ALTER TABLE practice SET (toast_tuple_target = 128);",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        if conn.get_database_backend() == DbBackend::Postgres {
            conn.execute_unprepared(
                "ALTER TABLE practice ALTER COLUMN search_vector SET STORAGE EXTENDED;
                 ALTER TABLE practice RESET (toast_tuple_target);",
            )
            .await?;
        }
        Ok(())
    }
}
