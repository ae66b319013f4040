//! Connecting to SQLite or PostgreSQL, migrating, and beginning write transactions.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use prometheus::IntCounter;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// How PostgreSQL plans a pool's prepared statements (sqlx prepares every statement once
/// per connection and reuses it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Planning {
    /// PostgreSQL's default: after five runs a statement keeps one plan made without its
    /// parameters' values, when that plan looks no costlier. Lists by id and nested pages
    /// plan the same for any ids, and planning them afresh with hundreds of ids cost more
    /// than running them (a quarter of PostgreSQL's time on the nested list).
    Reused,
    /// Every run planned with its parameters' values: a text search's plan depends on
    /// whether its word is rare or in half the rows, and the reused plan cannot tell (a
    /// common word's search went from 24 to 150 ms).
    EachRun,
}

/// Opens the pool. SQLite runs in WAL mode with a busy timeout so that readers never block
/// the writer and a briefly busy database waits rather than fails.
pub async fn connect(
    url: &str,
    max_connections: u32,
    planning: Planning,
    statements: IntCounter,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        })
        .map_sqlx_postgres_opts(move |opts| match planning {
            Planning::Reused => opts,
            Planning::EachRun => opts.options([("plan_cache_mode", "force_custom_plan")]),
        });
    let mut db = Database::connect(options).await?;
    // Counted for `/metrics`, where tests also read it to hold a query's statements to
    // a bound.
    db.set_metric_callback(move |_| statements.inc());
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Whether every migration has been applied (for `/readyz`).
pub async fn is_migrated(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.is_empty())
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails with
/// SQLITE_BUSY when another writer got there first, instead of waiting its turn.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let sqlite_transaction_mode = (db.get_database_backend() == DbBackend::Sqlite)
        .then_some(SqliteTransactionMode::Immediate);
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode,
        ..Default::default()
    })
    .await
}
