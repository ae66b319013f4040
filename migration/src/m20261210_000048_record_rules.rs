//! Rules the database keeps for records (issue 24, lane port).
//! - `reflection.coaching_cycle_id`: a reflection's optional link to a coaching cycle (its
//!   author takes part in the cycle's relationship), with an index for the cycle's side.
//! - `record_share`: each share is of exactly one record (an observation or a reflection),
//!   and a record has at most one open share (not withdrawn) to the same person, so that
//!   two requests sharing at once cannot both add one.
//!
//! Both rules held in the code already; the database now refuses what breaks them. Before
//! any change, on both databases, a share naming no record or two stops the migration
//! with a message (PostgreSQL's `CHECK` would refuse such rows, SQLite's triggers would
//! let them stay: the same check makes both fail the same way). Open shares made twice
//! (two requests at once) keep the oldest: the others are withdrawn when they were made,
//! on both databases. That withdrawal is not in the audit log (no person did it, and the
//! log records people's actions); `withdrawn_at = shared_at` marks those rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

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

/// Shares that name no record or two, which the rule below refuses.
const BROKEN_SHARES: &str = "SELECT COUNT(*) AS broken FROM record_share \
     WHERE (observation_id IS NULL) = (reflection_id IS NULL)";

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

/// Stops the migration, changing nothing, while a share names no record or two.
async fn refuse_broken_shares(conn: &impl ConnectionTrait) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    let broken: i64 = conn
        .query_one_raw(Statement::from_string(backend, BROKEN_SHARES))
        .await?
        .map_or(Ok(0), |row| row.try_get("", "broken"))?;
    if broken > 0 {
        return Err(DbErr::Migration(format!(
            "record_share: {broken} shares name no record or two; each must name exactly \
             one of observation_id and reflection_id before this migration runs"
        )));
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        refuse_broken_shares(conn).await?;
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

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        let postgres = conn.get_database_backend() == DbBackend::Postgres;
        let rule: &[&str] = if postgres {
            &["ALTER TABLE record_share DROP CONSTRAINT record_share_one_record"]
        } else {
            &[
                "DROP TRIGGER record_share_one_record_insert",
                "DROP TRIGGER record_share_one_record_update",
            ]
        };
        let indexes = [
            "DROP INDEX ux_record_share_open_observation",
            "DROP INDEX ux_record_share_open_reflection",
            "DROP INDEX ix_reflection_coaching_cycle",
        ];
        for statement in rule.iter().chain(&indexes) {
            conn.execute_unprepared(statement).await?;
        }
        // SQLite drops no column that a foreign key is on (`coaching_cycle_id` references
        // `coaching_cycle`) without rebuilding the table (see `ONE_RECORD_SQLITE`): there
        // the column stays, unread by the code before this migration, and running `up`
        // again fails on it. The shares withdrawn as duplicates stay withdrawn.
        if postgres {
            conn.execute_unprepared("ALTER TABLE reflection DROP COLUMN coaching_cycle_id")
                .await?;
        }
        Ok(())
    }
}
