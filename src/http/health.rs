//! Liveness and readiness.

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use super::AppState;

/// The process is up.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The database answers and every migration is applied.
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ready = match state.db.ping().await {
        Ok(()) => crate::db::is_migrated(&state.db).await.unwrap_or(false),
        Err(_) => false,
    };
    if ready {
        HttpResponse::Ok().json(json!({ "status": "ready" }))
    } else {
        HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable" }))
    }
}
