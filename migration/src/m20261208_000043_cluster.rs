//! More than one instance on one database (issue 23).
//! - `rate_limit_cell`: the shared state of the rate limits when the database is
//!   PostgreSQL and no Redis is configured: one row per limited key (a hash of it, never
//!   the email or address itself), holding the GCRA's "theoretical arrival time" in
//!   microseconds. UNLOGGED on PostgreSQL: counters need no crash safety, and an unlogged
//!   table writes no WAL, which every request's check would otherwise do.
//! - `cluster_job`: when each scheduled job last ran, so that of several instances only
//!   one runs it per interval (`cluster::jobs`).
//! - `cluster_deployment`: one random id, made here, naming this database's deployment
//!   among others that share a Redis: the rate limits' keys there begin with it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES: &str = "
CREATE UNLOGGED TABLE rate_limit_cell (
    key TEXT PRIMARY KEY,
    tat_us BIGINT NOT NULL,
    allowed BOOLEAN NOT NULL
);
CREATE INDEX ix_rate_limit_cell_tat ON rate_limit_cell (tat_us);
CREATE TABLE cluster_job (
    name TEXT PRIMARY KEY,
    last_run_ms BIGINT NOT NULL
);
CREATE TABLE cluster_deployment (id TEXT NOT NULL);
INSERT INTO cluster_deployment (id) VALUES (md5(random()::text || clock_timestamp()::text));
";

const SQLITE: &str = "
CREATE TABLE rate_limit_cell (
    key TEXT PRIMARY KEY NOT NULL,
    tat_us BIGINT NOT NULL,
    allowed BOOLEAN NOT NULL
);
CREATE INDEX ix_rate_limit_cell_tat ON rate_limit_cell (tat_us);
CREATE TABLE cluster_job (
    name TEXT PRIMARY KEY NOT NULL,
    last_run_ms BIGINT NOT NULL
);
CREATE TABLE cluster_deployment (id TEXT NOT NULL);
INSERT INTO cluster_deployment (id) VALUES (lower(hex(randomblob(16))));
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
        manager
            .get_connection()
            .execute_unprepared(
                "DROP TABLE cluster_deployment; DROP TABLE cluster_job; DROP TABLE rate_limit_cell;",
            )
            .await?;
        Ok(())
    }
}
