//! The actix-web application: routes, middleware, and the state they share.

pub mod client_ip;
pub mod cors;
pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod metrics;
pub mod oauth;
pub mod upload;
pub mod websocket;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{Compress, ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpMessage, HttpServer, guard, web};
use actix_web_prom::{ActixMetricsConfiguration, PrometheusMetricsBuilder};
use sea_orm::DatabaseConnection;
use tracing_actix_web::{RequestId, TracingLogger};

use crate::auth::cache::CallerCache;
use crate::auth::rate_limit::RequestLimiter;
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
    /// Delivers webhooks in the background; stopped when the server stops.
    pub webhooks: crate::webhooks::Worker,
    pub limits: Limits,
    pub metrics: Metrics,
    pub persisted_queries: PersistedQueries,
    /// Requests per principal (`--rate-limit-per-minute`).
    pub request_limiter: RequestLimiter,
    /// Callers' sessions and access scopes, reused by reads for a moment.
    pub callers: Arc<CallerCache>,
    /// What this instance shares with the others (`cluster`).
    pub cluster: crate::cluster::Cluster,
    /// Where the rate limits are counted.
    pub rate_limits: crate::auth::rate_limit::Store,
    /// Whose `X-Forwarded-For` is believed (`--trusted-proxies`).
    pub trusted_proxies: client_ip::TrustedProxies,
    /// The schema's types, for the validation async-graphql leaves out.
    pub types: Arc<Types>,
    /// Which other origins' pages may call the API.
    pub cors: cors::CorsPolicy,
    /// What a browser opening the endpoint gets.
    pub graphiql: graphiql::Page,
    /// Subscriptions' limits and checks (`--ws-*`).
    pub realtime: crate::config::RealtimeConfig,
    /// Open WebSocket connections per caller.
    pub ws_connections: Arc<websocket::Connections>,
}

impl AppState {
    /// After a request that wrote: every caller's remembered session and access may be
    /// out of date, here and on the other instances (which hear it within milliseconds,
    /// or forget by themselves when their cache's time to live runs out).
    pub fn forget_callers(&self) {
        self.callers.forget_all();
        self.cluster
            .fanout
            .publish_soon(crate::cluster::channels::CALLERS, String::new());
    }
}

/// The media type a request's `Content-Type` names, without its parameters (`charset`,
/// `boundary`): what the POST endpoints check their bodies' kind by. Empty when none.
pub(crate) fn media_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
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

/// Starts serving the API on `listener`, and `/metrics` on `metrics_listener` when given
/// (`--metrics-bind`), on `listener` otherwise. The schema is built once, outside the
/// per-worker closure. The future ends when both servers have stopped.
pub fn serve(
    state: AppState,
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
) -> std::io::Result<impl Future<Output = std::io::Result<()>> + Send + 'static> {
    let registry = state.metrics.registry.clone();
    let metrics_here = metrics_listener.is_none();
    let prometheus = PrometheusMetricsBuilder::new("trellis")
        .registry(registry.clone())
        .metrics_configuration(
            ActixMetricsConfiguration::default()
                .http_requests_duration_seconds_name("http_request_duration_seconds"),
        )
        // Every path no route serves counts under one label value: otherwise each
        // scanner's guess would add series, without bound.
        .mask_unmatched_patterns("unmatched")
        .exclude("/metrics")
        .build()
        .map_err(|error| std::io::Error::other(error.to_string()))?;
    let max_body = state.limits.max_body_bytes;
    let state = web::Data::new(state);
    let scraped = web::Data::new(registry.clone());
    let api = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(scraped.clone())
            .app_data(web::PayloadConfig::new(max_body))
            .wrap(Compress::default())
            .wrap(state.cors.middleware())
            .wrap(prometheus.clone())
            .wrap(from_fn(metrics::known_methods_only))
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
                    .route(
                        web::post()
                            .guard(guard::fn_guard(|ctx| upload::is_upload(ctx.head())))
                            .to(upload::post),
                    )
                    .route(web::post().to(graphql::post))
                    .route(
                        web::get()
                            .guard(guard::fn_guard(websocket::is_upgrade))
                            .to(websocket::serve),
                    )
                    .route(web::get().to(graphql::get))
                    .route(web::method(Method::OPTIONS).to(graphql::options))
                    .default_service(web::to(graphql::other_method)),
            )
            .service(
                web::resource("/calendar/{file}")
                    .route(web::get().to(crate::calendar::serve::feed))
                    .route(web::head().to(crate::calendar::serve::feed)),
            )
            .service(
                web::resource("/oauth/token")
                    .route(web::post().to(oauth::token))
                    .default_service(web::to(oauth::other_method)),
            )
            .configure(|routes| {
                if metrics_here {
                    routes.service(metrics::scrape);
                }
            })
    })
    .listen(listener)?
    .run();
    let metrics_apart = metrics_listener
        .map(|metrics_listener| metrics::serve(registry, metrics_listener))
        .transpose()?;
    Ok(async move {
        match metrics_apart {
            Some(metrics) => futures_util::try_join!(api, metrics).map(|_| ()),
            None => api.await,
        }
    })
}
