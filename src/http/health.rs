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

/// The database answers and every migration is applied.
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let check = async {
        state.db.ping().await?;
        crate::db::is_migrated(&state.db).await
    };
    let ready = matches!(
        tokio::time::timeout(READINESS_WAIT, check).await,
        Ok(Ok(true))
    );
    if ready {
        HttpResponse::Ok().json(json!({ "status": "ready" }))
    } else {
        HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable" }))
    }
}
