//! Prometheus metrics: HTTP requests and latencies (by actix-web-prom), GraphQL errors by
//! code, SQL statements, the database pool, the process and the build; and `/metrics`,
//! which serves them.

use std::net::TcpListener;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{App, HttpResponse, HttpServer, get, web};
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{Encoder as _, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};
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
        registry
            .register(Box::new(build_info()))
            .expect("registered once");
        // CPU time, memory, open files and start time, read from /proc at scrape time.
        #[cfg(target_os = "linux")]
        registry
            .register(Box::new(
                prometheus::process_collector::ProcessCollector::for_self(),
            ))
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

/// `trellis_build_info{version="..."} 1`: which release is running, by the Prometheus
/// convention of an info metric whose labels carry the facts.
fn build_info() -> IntGauge {
    let gauge = IntGauge::with_opts(
        Opts::new(
            "trellis_build_info",
            "The running Trellis release; always 1",
        )
        .const_label("version", env!("CARGO_PKG_VERSION")),
    )
    .expect("valid metric");
    gauge.set(1);
    gauge
}

/// Answers a request whose method HTTP does not define (RFC 9110's eight, and PATCH) with
/// 501 Not Implemented, as RFC 9110 (15.6.2) asks, before the request metrics see it: their
/// `method` label would otherwise take any made-up method as a new value, without bound.
pub async fn known_methods_only(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let known = matches!(
        req.method().as_str(),
        "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "CONNECT" | "OPTIONS" | "TRACE" | "PATCH"
    );
    if known {
        Ok(next.call(req).await?.map_into_left_body())
    } else {
        Ok(req
            .into_response(HttpResponse::NotImplemented().finish())
            .map_into_right_body())
    }
}

/// The metrics in Prometheus's text format.
#[get("/metrics")]
pub async fn scrape(registry: web::Data<Registry>) -> HttpResponse {
    let encoder = TextEncoder::new();
    let mut text = Vec::new();
    match encoder.encode(&registry.gather(), &mut text) {
        Ok(()) => HttpResponse::Ok()
            .content_type(encoder.format_type())
            .body(text),
        Err(error) => {
            tracing::error!(%error, "could not encode the metrics");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// Serves `/metrics` alone on `listener` (`--metrics-bind`), apart from the API: one worker
/// is plenty for a scrape every few seconds.
pub fn serve(registry: Registry, listener: TcpListener) -> std::io::Result<Server> {
    let registry = web::Data::new(registry);
    Ok(
        HttpServer::new(move || App::new().app_data(registry.clone()).service(scrape))
            .workers(1)
            .listen(listener)?
            .run(),
    )
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
