//! Cross-origin requests from browsers (CORS): which other origins' pages may call the
//! API, and what they may send and read.

use actix_cors::Cors;
use actix_web::http::Method;
use actix_web::http::header::HeaderValue;

use crate::config::CorsConfig;

/// The request headers GraphQL clients send: the body's type, the access token, the
/// answer's type, and the two Apollo Client sends (`apollo-require-preflight` to force a
/// preflight, the operation's name). Persisted queries travel in the body or the query
/// string, and the server makes each request's id itself, so no other header is read.
const ALLOWED_HEADERS: [&str; 5] = [
    "accept",
    "authorization",
    "content-type",
    "apollo-require-preflight",
    "x-apollo-operation-name",
];

/// The response headers a page may read beyond those every page may: the request id that
/// internal errors name, and how long to wait when rate limited or when the database is
/// unavailable.
const EXPOSED_HEADERS: [&str; 5] = [
    "x-request-id",
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
];

/// How long, in seconds, a browser may reuse a preflight's answer.
const PREFLIGHT_MAX_AGE_SECS: usize = 600;

/// Which origins may call, from the configuration.
#[derive(Debug, Clone)]
pub struct CorsPolicy {
    origins: Vec<String>,
    /// Demo mode: any `http://localhost:*` or `http://127.0.0.1:*` page, for front ends
    /// under development.
    local_pages: bool,
    allow_credentials: bool,
}

impl CorsPolicy {
    pub fn new(config: &CorsConfig, demo: bool) -> Self {
        Self {
            origins: config.origins.0.clone(),
            local_pages: demo,
            allow_credentials: config.allow_credentials,
        }
    }

    /// The middleware, built for each worker. A request from an origin not allowed still
    /// runs, answered without `Access-Control-Allow-Origin`, so that its page cannot read
    /// the answer; refusing it would also refuse same-origin requests, which browsers send
    /// with an `Origin` too (GraphiQL's). What a page could send cross-site without a
    /// preflight, the endpoint refuses (`graphql::post`). A preflight from an origin not
    /// allowed is refused (400).
    pub fn middleware(&self) -> Cors {
        let mut cors = Cors::default()
            .allowed_methods([Method::GET, Method::POST, Method::OPTIONS])
            .allowed_headers(ALLOWED_HEADERS)
            .expose_headers(EXPOSED_HEADERS)
            .max_age(PREFLIGHT_MAX_AGE_SECS)
            .block_on_origin_mismatch(false);
        for origin in &self.origins {
            cors = cors.allowed_origin(origin);
        }
        if self.local_pages {
            cors = cors.allowed_origin_fn(|origin, _| is_local_page(origin));
        }
        if self.allow_credentials {
            cors = cors.supports_credentials();
        }
        cors
    }
}

/// Whether an `Origin` is a page served by plain HTTP from this machine's loopback
/// names, on any port: exactly `http://localhost[:port]` or `http://127.0.0.1[:port]`.
fn is_local_page(origin: &HeaderValue) -> bool {
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    url.scheme() == "http"
        && matches!(url.host_str(), Some("localhost" | "127.0.0.1"))
        && url.origin().ascii_serialization() == origin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_pages_are_loopback_http_origins_on_any_port() {
        for origin in [
            "http://localhost:5173",
            "http://127.0.0.1:8080",
            "http://localhost",
        ] {
            assert!(is_local_page(&HeaderValue::from_static(origin)), "{origin}");
        }
        for origin in [
            "https://localhost:5173",
            "http://localhost.evil.example:5173",
            "http://127.0.0.1.nip.io",
            "http://127.0.0.2:8080",
            "http://localhost:5173/",
            "http://user@localhost:5173",
            "null",
        ] {
            assert!(
                !is_local_page(&HeaderValue::from_static(origin)),
                "{origin}"
            );
        }
    }
}
