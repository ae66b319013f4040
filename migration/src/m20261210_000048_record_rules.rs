//! Rules the database keeps for records (issue 24, lane port).
//! - `reflection.coaching_cycle_id`: a reflection's optional link to a coaching cycle (its
//!   author takes part in the cycle's relationship), with an index for the cycle's side.
//! - `record_share`: each share is of exactly one record (an observation or a reflection),
//!   and a record has at most one open share (not withdrawn) to the same person, so that
//!   two requests sharing at once cannot both add one.
//!
//! Both rules held in the code already; the database now refuses what breaks them. Open
//! shares made twice before this migration (two requests at once) keep the oldest: the
//! others are withdrawn when the newer was made, as withdrawing would have done.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reflection {
    Table,
    CoachingCycleId,
}

/// Added with its foreign key in one statement, which both databases take as written
/// (SQLite accepts `REFERENCES` on an added column whose default is `NULL`).
const CYCLE_LINK: &str = "ALTER TABLE reflection ADD COLUMN coaching_cycle_id integer NULL \
     REFERENCES coaching_cycle (id) ON DELETE RESTRICT";

/// Duplicate open shares (a record to one person) before the unique index: all but the
/// oldest are withdrawn, at the time they were made.
const WITHDRAW_DUPLICATES: &str = "UPDATE record_share SET withdrawn_at = shared_at \
     WHERE withdrawn_at IS NULL AND id NOT IN (SELECT MIN(id) FROM record_share \
     WHERE withdrawn_at IS NULL GROUP BY observation_id, reflection_id, person_id)";

/// At most one open share of a record to a person: partial unique indexes, in the SQL both
/// databases share (sea-query's index statement has no `WHERE`).
const OPEN_SHARES: [&str; 2] = [
    "CREATE UNIQUE INDEX ux_record_share_open_observation ON record_share \
     (observation_id, person_id) WHERE withdrawn_at IS NULL AND observation_id IS NOT NULL",
    "CREATE UNIQUE INDEX ux_record_share_open_reflection ON record_share \
     (reflection_id, person_id) WHERE withdrawn_at IS NULL AND reflection_id IS NOT NULL",
];

/// PostgreSQL adds the check to the table.
const ONE_RECORD_POSTGRES: &str = "ALTER TABLE record_share ADD CONSTRAINT record_share_one_record \
     CHECK ((observation_id IS NULL) <> (reflection_id IS NULL))";

/// SQLite cannot add a `CHECK` to an existing table. Rebuilding it (new table, copy, drop,
/// rename, indexes again) would repeat the whole table's definition here, to be kept in
/// step with the first migration's by hand; two triggers keep the same rule on every
/// insert and update, and leave the table as it was made.
const ONE_RECORD_SQLITE: [&str; 2] = [
    "CREATE TRIGGER record_share_one_record_insert BEFORE INSERT ON record_share \
     WHEN (NEW.observation_id IS NULL) = (NEW.reflection_id IS NULL) \
     BEGIN SELECT RAISE(ABORT, 'record_share: exactly one of observation_id and reflection_id'); END",
    "CREATE TRIGGER record_share_one_record_update BEFORE UPDATE ON record_share \
     WHEN (NEW.observation_id IS NULL) = (NEW.reflection_id IS NULL) \
     BEGIN SELECT RAISE(ABORT, 'record_share: exactly one of observation_id and reflection_id'); END",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        conn.execute_unprepared(CYCLE_LINK).await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_reflection_coaching_cycle")
                    .table(Reflection::Table)
                    .col(Reflection::CoachingCycleId)
                    .to_owned(),
            )
            .await?;
        conn.execute_unprepared(WITHDRAW_DUPLICATES).await?;
        for statement in OPEN_SHARES {
            conn.execute_unprepared(statement).await?;
        }
        match conn.get_database_backend() {
            DbBackend::Postgres => {
                conn.execute_unprepared(ONE_RECORD_POSTGRES).await?;
            }
            _ => {
                for statement in ONE_RECORD_SQLITE {
                    conn.execute_unprepared(statement).await?;
                }
            }
        }
        Ok(())
    }
}
