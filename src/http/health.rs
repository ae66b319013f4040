//! Liveness and readiness.

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use super::AppState;

/// How long readiness waits for the database before answering that it is not ready: far
/// less than a request waits for a connection (`TRELLIS_DB_ACQUIRE_TIMEOUT_MS`), so that
/// a load balancer polling readiness learns of an outage within a second.
const READINESS_WAIT: Duration = Duration::from_millis(800);

/// The process is up.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Ready: the database answers and every migration is applied. `detail` says which of
/// those failed, and what this instance shares with the others: where the rate limits
/// are counted (per instance while Redis is down) and whether it hears the others'
/// changes. Neither of those makes it unready: it serves without them.
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let check = async {
        state.db.ping().await?;
        crate::db::pending_migrations(&state.db).await
    };
    let (ready, database, migrations) = match tokio::time::timeout(READINESS_WAIT, check).await {
        Ok(Ok(0)) => (true, "ok", "applied".to_owned()),
        Ok(Ok(pending)) => (
            false,
            "ok",
            format!("{pending} pending: run `trellis migrate`"),
        ),
        Ok(Err(_)) | Err(_) => (false, "unreachable", "unknown".to_owned()),
    };
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "detail": {
            "database": database,
            "migrations": migrations,
            "rateLimits": state.rate_limits.describe(),
            "otherInstances": state.cluster.fanout.status().describe(),
        },
    });
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
