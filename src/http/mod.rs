//! The actix-web application: routes, middleware, and the state they share.

pub mod cors;
pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod metrics;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{Compress, ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpMessage, HttpServer, web};
use actix_web_prom::PrometheusMetricsBuilder;
use sea_orm::DatabaseConnection;
use tracing_actix_web::{RequestId, TracingLogger};

use crate::auth::cache::CallerCache;
use crate::config::Limits;
use crate::graphql::context::Services;
use crate::request::persisted::PersistedQueries;
use crate::request::strict::Types;
use crate::schema::TrellisSchema;
use metrics::Metrics;

/// What every handler shares.
pub struct AppState {
    pub schema: TrellisSchema,
    pub services: Arc<Services>,
    pub db: DatabaseConnection,
    pub limits: Limits,
    pub metrics: Metrics,
    pub persisted_queries: PersistedQueries,
    /// Callers' sessions and access scopes, reused by reads for a moment.
    pub callers: Arc<CallerCache>,
    /// The schema's types, for the validation async-graphql leaves out.
    pub types: Arc<Types>,
    /// Which other origins' pages may call the API.
    pub cors: cors::CorsPolicy,
    /// What a browser opening the endpoint gets.
    pub graphiql: graphiql::Page,
}

/// Gives every response the request's id, which errors and logs also carry.
async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().copied();
    let mut res = next.call(req).await?;
    if let Some(id) = id
        && let Ok(value) = HeaderValue::from_str(&id.to_string())
    {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}

/// Starts serving on `listener`. The schema is built once, outside the per-worker closure.
pub fn serve(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let prometheus = PrometheusMetricsBuilder::new("trellis")
        .registry(state.metrics.registry.clone())
        .endpoint("/metrics")
        .exclude("/metrics")
        .build()
        .map_err(|error| std::io::Error::other(error.to_string()))?;
    let max_body = state.limits.max_body_bytes;
    let state = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(max_body))
            .wrap(Compress::default())
            .wrap(state.cors.middleware())
            .wrap(prometheus.clone())
            .wrap(from_fn(request_id_header))
            .wrap(TracingLogger::default())
            .service(health::healthz)
            .service(health::readyz)
            .service(graphiql::assets_route())
            .service(
                web::resource("/graphql")
                    .wrap(
                        ErrorHandlers::new()
                            .handler(StatusCode::PAYLOAD_TOO_LARGE, graphql::body_too_large),
                    )
                    .route(web::post().to(graphql::post))
                    .route(web::get().to(graphql::get))
                    .route(web::method(Method::OPTIONS).to(graphql::options))
                    .default_service(web::to(graphql::other_method)),
            )
    })
    .listen(listener)?
    .run();
    Ok(server)
}
