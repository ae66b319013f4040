//! Connecting to SQLite or PostgreSQL, migrating, beginning write transactions, and
//! telling an unreachable database from a failed statement.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use prometheus::IntCounter;
use sea_orm::sea_query::LockType;
use sea_orm::sqlx::postgres::PgDatabaseError;
use sea_orm::sqlx::sqlite::{SqliteError, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect, RuntimeErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait, sqlx,
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
/// the writer and a briefly busy database waits rather than fails. A statement waits at
/// most `acquire_timeout` for a connection: while the database is down, sqlx keeps trying
/// to connect until then.
pub async fn connect(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
    planning: Planning,
    statements: IntCounter,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(acquire_timeout)
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

/// The advisory lock migrating instances take on PostgreSQL (any number, the same for
/// every instance): "trellis" in ASCII.
const MIGRATION_LOCK: i64 = 0x0074_7265_6c6c_6973;

/// Applies pending migrations. On PostgreSQL, under an advisory lock: when several
/// instances start at once, one migrates while the others wait for it, then find nothing
/// left to do. `db` must be a pool of one connection (the lock is the session's).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Migrator::up(db, None).await;
    }
    let lock = |function: &str| {
        sea_orm::Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT {function}($1)"),
            [MIGRATION_LOCK.into()],
        )
    };
    db.execute_raw(lock("pg_advisory_lock")).await?;
    let migrated = Migrator::up(db, None).await;
    let unlocked = db.execute_raw(lock("pg_advisory_unlock")).await;
    migrated.and(unlocked.map(|_| ()))
}

/// How many migrations this server knows that the database lacks (for `/readyz`).
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<usize, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.len())
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

/// Locks the row of `E` whose `id_column` is `id` until the transaction ends, for a
/// transaction that is about to recompute something stored on that row (or decided by
/// it) from other rows: a count, or whether any child is still live.
///
/// On PostgreSQL every statement reads what was committed when it began, and an `UPDATE`
/// that waits for another transaction's lock still computes from what it read before. Two
/// writers that each change a child and then recompute would each miss the other's child.
/// Locked first, in a statement of its own, the recomputation in the next statement sees
/// every writer that locked the row before (they have committed), and any writer still to
/// commit recomputes after it. `NO KEY UPDATE` does not wait for transactions that only
/// reference the row (adding a child). SQLite runs one writer at a time
/// ([`begin_write`]): nothing to lock.
pub async fn lock_row<E: EntityTrait>(
    txn: &impl ConnectionTrait,
    id_column: E::Column,
    id: i32,
) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        E::find()
            .select_only()
            .column(id_column)
            .filter(id_column.eq(id))
            .lock(LockType::NoKeyUpdate)
            .into_tuple::<i32>()
            .one(txn)
            .await?;
    }
    Ok(())
}

/// Whether `error` says that the database cannot be reached now, rather than that the
/// statement failed: no connection could be had in time (the server is down, restarting or
/// refusing connections, or every connection stayed busy), or the connection broke under
/// the statement (reset, closed, the server shutting down). The same request may succeed
/// when it is sent again.
pub fn is_unreachable(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(error))
        | DbErr::Exec(RuntimeErr::SqlxError(error))
        | DbErr::Query(RuntimeErr::SqlxError(error)) => match error.as_ref() {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed => true,
            sqlx::Error::Database(error) => match error.code() {
                Some(code) if error.try_downcast_ref::<PgDatabaseError>().is_some() => {
                    postgres_unreachable(&code)
                }
                Some(code) if error.try_downcast_ref::<SqliteError>().is_some() => {
                    sqlite_busy(&code)
                }
                _ => false,
            },
            _ => false,
        },
        _ => false,
    }
}

/// PostgreSQL's SQLSTATEs for a connection that failed or was ended by the server: class
/// 08 (connection exception), 57P01-57P03 and 57P05 (administrator or crash shutdown, the
/// server starting up or shutting down, an idle session ended), and 53300 (too many
/// connections).
fn postgres_unreachable(sqlstate: &str) -> bool {
    sqlstate.starts_with("08")
        || matches!(sqlstate, "57P01" | "57P02" | "57P03" | "57P05" | "53300")
}

/// SQLite's SQLITE_BUSY (5, and its extended codes such as 261 and 517): another
/// connection held the lock past the busy timeout.
fn sqlite_busy(code: &str) -> bool {
    code.parse::<u32>().is_ok_and(|code| code & 0xff == 5)
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnAcquireErr, ConnectionTrait};

    use super::*;

    #[test]
    fn postgres_connection_failures_and_shutdowns_are_unreachable() {
        for sqlstate in [
            "08000", "08003", "08006", "57P01", "57P02", "57P03", "53300",
        ] {
            assert!(postgres_unreachable(sqlstate), "{sqlstate}");
        }
        // A duplicate key, a syntax error, a cancelled statement, a serialisation failure.
        for sqlstate in ["23505", "42601", "57014", "40001"] {
            assert!(!postgres_unreachable(sqlstate), "{sqlstate}");
        }
    }

    #[test]
    fn a_pool_that_gives_no_connection_is_unreachable() {
        assert!(is_unreachable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
    }

    #[tokio::test]
    async fn a_server_that_refuses_connections_is_unreachable() {
        // Port 9 (discard) has no PostgreSQL server on the test machines.
        let error = connect(
            "postgres://postgres@127.0.0.1:9/none",
            1,
            Duration::from_millis(200),
            Planning::Reused,
            IntCounter::new("statements", "statements").unwrap(),
        )
        .await
        .expect_err("nothing listens there");
        assert!(is_unreachable(&error), "{error:?}");
    }

    /// Two SQLite connections to one file, the second of which does not wait for a lock.
    async fn sqlite_pair(dir: &tempfile::TempDir) -> (DatabaseConnection, DatabaseConnection) {
        let url = format!("sqlite://{}/busy.db?mode=rwc", dir.path().display());
        let open = |wait: Duration| {
            let mut options = ConnectOptions::new(url.clone());
            options
                .max_connections(1)
                .sqlx_logging(false)
                .map_sqlx_sqlite_opts(move |opts| opts.busy_timeout(wait));
            Database::connect(options)
        };
        let first = open(Duration::from_secs(10)).await.unwrap();
        let second = open(Duration::ZERO).await.unwrap();
        (first, second)
    }

    #[tokio::test]
    async fn a_sqlite_database_locked_past_the_busy_timeout_is_unreachable() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = sqlite_pair(&dir).await;
        first
            .execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            .await
            .unwrap();
        let writing = begin_write(&first).await.unwrap();
        writing
            .execute_unprepared("INSERT INTO t VALUES (1)")
            .await
            .unwrap();
        let error = second
            .execute_unprepared("INSERT INTO t VALUES (2)")
            .await
            .expect_err("the first connection holds the write lock");
        assert!(is_unreachable(&error), "{error:?}");
        writing.rollback().await.unwrap();
    }

    #[tokio::test]
    async fn a_statement_that_fails_is_not_unreachable() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = sqlite_pair(&dir).await;
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            .await
            .unwrap();
        db.execute_unprepared("INSERT INTO t VALUES (1)")
            .await
            .unwrap();
        for statement in [
            "INSERT INTO t VALUES (1)",
            "SELEC 1",
            "SELECT nothing FROM t",
        ] {
            let error = db.execute_unprepared(statement).await.expect_err(statement);
            assert!(!is_unreachable(&error), "{statement}: {error:?}");
        }
    }
}
