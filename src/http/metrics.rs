//! Prometheus metrics: HTTP requests and latencies (by actix-web-prom), GraphQL errors by
//! code, SQL statements, and the database pool.

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{IntCounter, IntCounterVec, IntGauge, Opts, Registry};
use sea_orm::DatabaseConnection;

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    pub sql_statements: IntCounter,
    pub graphql_errors: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let sql_statements = IntCounter::new(
            "trellis_sql_statements_total",
            "SQL statements sent to the database",
        )
        .expect("valid metric");
        let graphql_errors = IntCounterVec::new(
            Opts::new(
                "trellis_graphql_errors_total",
                "GraphQL errors returned, by code",
            ),
            &["code"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(sql_statements.clone()))
            .expect("registered once");
        registry
            .register(Box::new(graphql_errors.clone()))
            .expect("registered once");
        Self {
            registry,
            sql_statements,
            graphql_errors,
        }
    }

    pub fn watch_pool(&self, db: DatabaseConnection) {
        self.registry
            .register(Box::new(PoolCollector::new(db)))
            .expect("registered once");
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads the pool's size at scrape time.
struct PoolCollector {
    db: DatabaseConnection,
    size: IntGauge,
    idle: IntGauge,
}

impl PoolCollector {
    fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            size: IntGauge::new("trellis_db_pool_connections", "Open database connections")
                .expect("valid metric"),
            idle: IntGauge::new(
                "trellis_db_pool_idle_connections",
                "Idle database connections",
            )
            .expect("valid metric"),
        }
    }

    fn read(&self) -> (u32, usize) {
        match self.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        }
    }
}

impl Collector for PoolCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.size
            .desc()
            .into_iter()
            .chain(self.idle.desc())
            .collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let (size, idle) = self.read();
        self.size.set(i64::from(size));
        self.idle.set(idle as i64);
        self.size
            .collect()
            .into_iter()
            .chain(self.idle.collect())
            .collect()
    }
}
