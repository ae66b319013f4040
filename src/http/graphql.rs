//! GraphQL over HTTP: POST for everything, GET for queries only, GraphiQL for browsers.
//! Follows the GraphQL-over-HTTP specification: `application/graphql-response+json` when
//! the client accepts it (with 4xx for requests that could not run), else
//! `application/json` with 200.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use async_graphql::dataloader::DataLoader;
use async_graphql::{BatchRequest, BatchResponse, Request, Response, ServerError};
use futures_util::future::{self, Either};
use futures_util::stream::{FuturesOrdered, StreamExt};
use tracing_actix_web::RequestId;

use super::{AppState, media_type};
use crate::auth::rate_limit::{Allowance, Refused};
use crate::auth::{Caller, authenticate};
use crate::errors::{ApiError, code};
use crate::graphql::companion::Brought;
use crate::graphql::loaders::SqlLoader;
use crate::request::{arguments, limits, renamed};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// The response media type the client asked for.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Media {
    GraphqlResponse,
    Json,
}

pub(super) fn media(req: &HttpRequest) -> Media {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if accept.contains("application/graphql-response+json") {
        Media::GraphqlResponse
    } else {
        Media::Json
    }
}

fn respond_bytes(media: Media, status: StatusCode, body: Vec<u8>) -> HttpResponse {
    let content_type = match media {
        Media::GraphqlResponse => GRAPHQL_RESPONSE,
        Media::Json => JSON,
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, content_type))
        .body(body)
}

/// A response for a request that never reached execution.
pub(super) fn refuse(media: Media, status: StatusCode, code: &str, message: &str) -> HttpResponse {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    let response = Response::from_errors(vec![error]);
    let body = serde_json::to_vec(&Answer::of(&response, true)).unwrap_or_default();
    respond_bytes(media, status, body)
}

/// The answer to a body that is not the `what` the endpoint reads (400,
/// `BAD_USER_INPUT`), with what the parser said.
pub(super) fn unreadable_body(
    media: Media,
    what: &str,
    error: impl std::fmt::Display,
) -> HttpResponse {
    refuse(
        media,
        StatusCode::BAD_REQUEST,
        code::BAD_USER_INPUT,
        &format!("the body is not a {what}: {error}"),
    )
}

/// Whether the client takes a JSON body: it says nothing, or accepts a JSON type.
fn accepts_json(req: &HttpRequest) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
    else {
        return true;
    };
    accept.split(',').any(|range| {
        let essence = range.split(';').next().unwrap_or("").trim();
        matches!(
            essence.to_ascii_lowercase().as_str(),
            "*/*" | "application/*" | "application/json" | "application/graphql-response+json"
        )
    })
}

/// Refuses an HTTP request that is not a GraphQL request at all: a GraphQL-shaped error
/// when the client takes JSON, plain text otherwise.
fn refuse_http(req: &HttpRequest, status: StatusCode, code: &str, message: &str) -> HttpResponse {
    if accepts_json(req) {
        refuse(media(req), status, code, message)
    } else {
        HttpResponse::build(status)
            .content_type(ContentType::plaintext())
            .body(message.to_owned())
    }
}

/// The methods `/graphql` takes.
const ALLOW: &str = "GET, POST, OPTIONS";

/// Any other method on `/graphql`: 405, naming the methods it takes.
pub async fn other_method(req: HttpRequest) -> HttpResponse {
    let mut response = refuse_http(
        &req,
        StatusCode::METHOD_NOT_ALLOWED,
        code::METHOD_NOT_ALLOWED,
        "send GraphQL requests by POST, or queries by GET",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static(ALLOW));
    response
}

/// `OPTIONS /graphql` that is not a CORS preflight (those the CORS middleware answers):
/// the methods it takes, with no body (RFC 9110, 9.3.7).
pub async fn options() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((header::ALLOW, ALLOW))
        .finish()
}

/// A body past the limit, which actix refuses before the handler runs (from its
/// `Content-Length`, or while reading), said the way every other refusal is.
pub fn body_too_large<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, _) = res.into_parts();
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map_or(0, |state| state.limits.max_body_bytes);
    let response = refuse_http(
        &req,
        StatusCode::PAYLOAD_TOO_LARGE,
        code::BAD_USER_INPUT,
        &format!("the request body is over the limit of {limit} bytes"),
    );
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

pub async fn post(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> HttpResponse {
    let media = media(&req);
    // Only JSON bodies: a form, multipart or text/plain POST is one a browser could send
    // cross-site without a CORS preflight (CSRF).
    if !media_type(req.headers()).eq_ignore_ascii_case("application/json") {
        return refuse(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::BAD_USER_INPUT,
            "send GraphQL requests as application/json",
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(error) => return unreadable_body(media, "GraphQL request", error),
    };
    run_batch(&req, &state, media, batch, state.limits.request_timeout()).await
}

/// Runs a batch that a POST carried (as JSON, or in a multipart upload's `operations`),
/// once it names its operations and is not too large.
pub(super) async fn run_batch(
    req: &HttpRequest,
    state: &AppState,
    media: Media,
    batch: BatchRequest,
    timeout: std::time::Duration,
) -> HttpResponse {
    if !batch.iter().all(has_query) {
        return refuse(
            media,
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            "pass the operation in `query` (or a persisted query's hash)",
        );
    }
    let size = match &batch {
        BatchRequest::Single(_) => 1,
        BatchRequest::Batch(requests) => requests.len(),
    };
    if size == 0 || size > state.limits.max_batch {
        return refuse(
            media,
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            &format!(
                "send between 1 and {} operations in a batch",
                state.limits.max_batch
            ),
        );
    }
    execute(req, state, media, batch, false, timeout).await
}

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let media = media(&req);
    if wants_html && !req.query_string().contains("query=") {
        return state.graphiql.response();
    }
    let mut request: Request = match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(request) => request,
        Err(error) => {
            return refuse(
                media,
                StatusCode::BAD_REQUEST,
                code::BAD_USER_INPUT,
                &format!("the query string is not a GraphQL request: {error}"),
            );
        }
    };
    // async-graphql 7.2 reads `operation_name`; the GraphQL-over-HTTP name is
    // `operationName`.
    if request.operation_name.is_none() {
        request.operation_name = web::Query::<OperationName>::from_query(req.query_string())
            .ok()
            .and_then(|params| params.into_inner().operation_name);
    }
    if !has_query(&request) {
        return refuse(
            media,
            StatusCode::BAD_REQUEST,
            code::BAD_USER_INPUT,
            "pass the operation in `query` (or a persisted query's hash)",
        );
    }
    let timeout = state.limits.request_timeout();
    execute(
        &req,
        &state,
        media,
        BatchRequest::Single(request),
        true,
        timeout,
    )
    .await
}

#[derive(serde::Deserialize)]
struct OperationName {
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
}

/// Whether a request names an operation: its text, or a persisted query's hash.
fn has_query(request: &Request) -> bool {
    !request.query.trim().is_empty() || request.extensions.contains_key("persistedQuery")
}

/// A request that passed the checks made before execution, or the answer refusing it.
pub(super) type Checked = Result<Request, Response>;

/// Supplies persisted queries and checks each request's shape, once per request, before
/// anything runs. Returns the requests and whether any of them writes.
pub(super) async fn check_all(
    state: &AppState,
    requests: Vec<Request>,
    read_only: bool,
) -> (Vec<Checked>, bool) {
    let mut writes = false;
    let mut checked = Vec::with_capacity(requests.len());
    for request in requests {
        if let Err(error) = limits::check_text(&state.limits, &request) {
            checked.push(Err(Response::from_errors(vec![error])));
            continue;
        }
        let outcome = match state.persisted_queries.apply(request).await {
            Ok(mut request) => {
                renamed::rename_old_types(&mut request);
                match limits::check(&state.limits, &mut request, read_only)
                    .and_then(|writing| strict_check(state, &mut request).map(|()| writing))
                    .and_then(|writing| arguments::check(&mut request).map(|()| writing))
                {
                    Ok(writing) => {
                        writes |= writing;
                        Ok(request)
                    }
                    Err(error) => Err(Response::from_errors(vec![error])),
                }
            }
            Err(error) => Err(Response::from_errors(vec![error])),
        };
        checked.push(outcome);
    }
    (checked, writes)
}

/// The validation async-graphql leaves out (`graphql::strict`), on a document that
/// parsed; one that did not is left for async-graphql to refuse.
fn strict_check(state: &AppState, request: &mut Request) -> async_graphql::ServerResult<()> {
    match request.parsed_query() {
        Ok(document) => state.types.check(document),
        Err(_) => Ok(()),
    }
}

async fn execute(
    req: &HttpRequest,
    state: &AppState,
    media: Media,
    batch: BatchRequest,
    read_only: bool,
    timeout: std::time::Duration,
) -> HttpResponse {
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(ToString::to_string)
        .unwrap_or_default();
    let (single, requests) = match batch {
        BatchRequest::Single(request) => (true, vec![request]),
        BatchRequest::Batch(requests) => (false, requests),
    };
    let (requests, writes) = check_all(state, requests, read_only).await;
    // Reads may reuse the caller's session check and access scope from a moment ago;
    // writes check afresh, and afterwards make everyone's be checked afresh.
    let memo = if writes { None } else { state.callers.memo() };
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let principal = match authenticate(
        &state.db,
        &state.services.keys,
        authorization,
        memo.as_ref(),
    )
    .await
    {
        Ok(principal) => principal,
        Err(ApiError::Unauthenticated) => {
            state
                .metrics
                .graphql_errors
                .with_label_values(&[code::UNAUTHENTICATED])
                .inc();
            let mut response = refuse(
                media,
                StatusCode::UNAUTHORIZED,
                code::UNAUTHENTICATED,
                "the access token is not valid; refresh it or sign in again",
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static(r#"Bearer error="invalid_token""#),
            );
            return response;
        }
        Err(ApiError::Unavailable) => {
            state
                .metrics
                .graphql_errors
                .with_label_values(&[code::UNAVAILABLE])
                .inc();
            return unavailable(media);
        }
        Err(_) => {
            return refuse(
                media,
                StatusCode::INTERNAL_SERVER_ERROR,
                code::INTERNAL,
                &format!("internal error (request id {request_id})"),
            );
        }
    };
    // The socket's peer, or what a trusted proxy says: never a forwarding header anyone
    // could forge to escape the per-address limits (`http::client_ip`).
    let ip = state.trusted_proxies.client_ip(req);
    let allowance = match state.request_limiter.request(&principal, &ip).await {
        Ok(allowance) => allowance,
        Err(refused) => {
            state
                .metrics
                .graphql_errors
                .with_label_values(&[code::RATE_LIMITED])
                .inc();
            return rate_limited(media, refused);
        }
    };
    let loader_delay = std::time::Duration::from_micros(state.limits.loader_delay_us);
    let run = |checked: Checked| {
        let request = match checked {
            Ok(request) => request,
            Err(refused) => return Either::Left(future::ready(refused)),
        };
        let loader = Arc::new(
            DataLoader::new(
                SqlLoader {
                    db: state.db.clone(),
                    brought: Brought::new(!writes),
                },
                // Not in the request's span: entering it on every poll of every batch cost
                // 4% of the nested list's instructions (BENCHMARKS.md), and batches log
                // nothing; what a resolver logs of their errors carries the request's id.
                tokio::spawn,
            )
            .delay(loader_delay),
        );
        let request = request
            .data(Caller::remembering(
                principal.clone(),
                ip.clone(),
                memo.clone(),
            ))
            .data(loader);
        Either::Right(state.schema.execute(request))
    };
    let answers: FuturesOrdered<_> = requests.into_iter().map(run).collect();
    let finished = tokio::time::timeout(timeout, answers.collect::<Vec<_>>()).await;
    if writes {
        // Even one stopped by the timeout may have committed.
        state.forget_callers();
    }
    let Ok(mut responses) = finished else {
        tracing::warn!(?timeout, "request timed out");
        return refuse(
            media,
            StatusCode::SERVICE_UNAVAILABLE,
            code::TIMEOUT,
            &format!(
                "the request ran past {} ms and was stopped",
                timeout.as_millis()
            ),
        );
    };
    let response = if single {
        BatchResponse::Single(responses.pop().unwrap_or_default())
    } else {
        BatchResponse::Batch(responses)
    };
    let mut response = render(state, media, response, &request_id);
    if let Some(allowance) = allowance {
        // A resolver's own limit (sign-in's) is the one that tells.
        for (name, value) in allowance_headers(allowance) {
            if !response.headers().contains_key(&name) {
                response.headers_mut().insert(name, value);
            }
        }
    }
    response
}

/// The `RateLimit-*` headers of an allowance, as sign-in sends them.
fn allowance_headers(allowance: Allowance) -> [(header::HeaderName, header::HeaderValue); 3] {
    [
        (
            header::HeaderName::from_static("ratelimit-limit"),
            header::HeaderValue::from(allowance.limit),
        ),
        (
            header::HeaderName::from_static("ratelimit-remaining"),
            header::HeaderValue::from(allowance.remaining),
        ),
        (
            header::HeaderName::from_static("ratelimit-reset"),
            header::HeaderValue::from(allowance.reset_secs),
        ),
    ]
}

/// The answer to a request refused by the per-principal limit, before it ran: 429 with
/// `Retry-After`, and nothing left of the limit.
fn rate_limited(media: Media, refused: Refused) -> HttpResponse {
    let coded = async_graphql::Error::from(ApiError::RateLimited {
        retry_after_secs: refused.retry_after_secs,
    });
    let mut error = ServerError::new(
        format!(
            "too many requests; try again in {} seconds",
            refused.retry_after_secs
        ),
        None,
    );
    error.extensions = coded.extensions;
    let body = serde_json::to_vec(&Answer::of(&Response::from_errors(vec![error]), true))
        .unwrap_or_default();
    let mut response = respond_bytes(media, StatusCode::TOO_MANY_REQUESTS, body);
    let headers = response.headers_mut();
    headers.insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(refused.retry_after_secs),
    );
    for (name, value) in allowance_headers(Allowance {
        limit: refused.limit,
        remaining: 0,
        reset_secs: refused.retry_after_secs,
    }) {
        headers.insert(name, value);
    }
    response
}

/// One answer as the GraphQL specification lays it out: `errors` first when there are
/// any, `data` unless the request could not run at all, then `extensions`. Serialized
/// straight from async-graphql's values, so that keys keep the order of the query.
#[derive(serde::Serialize)]
struct Answer<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
}

impl<'a> Answer<'a> {
    fn of(response: &'a Response, request_error: bool) -> Self {
        Self {
            errors: &response.errors,
            data: (!request_error).then_some(&response.data),
            extensions: &response.extensions,
        }
    }
}

/// The answer to a request that found the database unreachable before anything ran.
fn unavailable(media: Media) -> HttpResponse {
    let seconds = ApiError::Unavailable.retry_after_secs().unwrap_or_default();
    let coded = async_graphql::Error::from(ApiError::Unavailable);
    let mut error = ServerError::new(coded.message, None);
    error.extensions = coded.extensions;
    let body = serde_json::to_vec(&Answer::of(&Response::from_errors(vec![error]), true))
        .unwrap_or_default();
    let mut response = respond_bytes(media, StatusCode::SERVICE_UNAVAILABLE, body);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    response
}

/// How the HTTP response must say what the errors of its answers were.
#[derive(Default)]
struct Verdict {
    status: Option<StatusCode>,
    retry_after: Option<u64>,
    /// Whether every answer so far found the database unavailable and answered nothing.
    all_unavailable: bool,
}

impl Verdict {
    /// Takes in one error's code, and the `retryAfter` it carries.
    fn note(&mut self, code: &str, error: &ServerError) -> bool {
        let retry_after = || {
            error
                .extensions
                .as_ref()
                .and_then(|extensions| extensions.get("retryAfter"))
                .and_then(|seconds| match seconds {
                    async_graphql::Value::Number(number) => number.as_u64(),
                    _ => None,
                })
        };
        match code {
            code::METHOD_NOT_ALLOWED => self.status = Some(StatusCode::METHOD_NOT_ALLOWED),
            code::RATE_LIMITED => {
                self.status = Some(StatusCode::TOO_MANY_REQUESTS);
                self.retry_after = retry_after();
            }
            code::UNAVAILABLE => {
                self.retry_after = self.retry_after.or_else(retry_after);
                return true;
            }
            _ => {}
        }
        false
    }
}

/// Gives every error a code (masking anything unexpected as internal), and chooses the
/// status: 405 for a mutation by GET, 429 when rate limited, 503 when the database could
/// not be reached and nothing was answered, and with `application/graphql-response+json`,
/// 400 for a request that could not run.
fn render(
    state: &AppState,
    media: Media,
    response: BatchResponse,
    request_id: &str,
) -> HttpResponse {
    let mut verdict = Verdict {
        all_unavailable: true,
        ..Verdict::default()
    };
    let mut note = |response: &mut Response| -> bool {
        let request_error = response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
            && response.errors.iter().all(|error| error.path.is_empty());
        let answered_nothing = match &response.data {
            async_graphql::Value::Object(fields) => fields
                .values()
                .all(|value| *value == async_graphql::Value::Null),
            data => *data == async_graphql::Value::Null,
        };
        let mut unavailable = false;
        for error in &mut response.errors {
            crate::errors::code_unreachable_database(error);
            let code = classify(error, request_id);
            state
                .metrics
                .graphql_errors
                .with_label_values(&[code])
                .inc();
            unavailable |= verdict.note(code, error);
        }
        verdict.all_unavailable &= unavailable && answered_nothing;
        if request_error && media == Media::GraphqlResponse && verdict.status.is_none() {
            verdict.status = Some(StatusCode::BAD_REQUEST);
        }
        request_error
    };
    let headers = resolver_headers(&response);
    let body = match response {
        BatchResponse::Single(mut response) => {
            let request_error = note(&mut response);
            serde_json::to_vec(&Answer::of(&response, request_error))
        }
        BatchResponse::Batch(mut responses) => {
            let request_errors: Vec<bool> = responses.iter_mut().map(&mut note).collect();
            let answers: Vec<Answer> = responses
                .iter()
                .zip(request_errors)
                .map(|(response, request_error)| Answer::of(response, request_error))
                .collect();
            serde_json::to_vec(&answers)
        }
    };
    let Ok(body) = body else {
        tracing::error!("an answer could not be serialized");
        return refuse(
            media,
            StatusCode::INTERNAL_SERVER_ERROR,
            code::INTERNAL,
            &format!("internal error (request id {request_id})"),
        );
    };
    let status = match verdict.status {
        Some(status) => status,
        None if verdict.all_unavailable => StatusCode::SERVICE_UNAVAILABLE,
        None => StatusCode::OK,
    };
    let mut http = respond_bytes(media, status, body);
    for (name, value) in headers {
        http.headers_mut().insert(name, value);
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        http.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    }
    if let Some(seconds) = verdict.retry_after {
        http.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    http
}

/// The headers resolvers set (`RateLimit-*` of sign-in), for the HTTP response.
fn resolver_headers(response: &BatchResponse) -> Vec<(header::HeaderName, header::HeaderValue)> {
    let responses = match response {
        BatchResponse::Single(response) => std::slice::from_ref(response),
        BatchResponse::Batch(responses) => responses.as_slice(),
    };
    responses
        .iter()
        .flat_map(|response| response.http_headers.iter())
        .filter_map(|(name, value)| {
            Some((
                header::HeaderName::from_bytes(name.as_str().as_bytes()).ok()?,
                header::HeaderValue::from_bytes(value.as_bytes()).ok()?,
            ))
        })
        .collect()
}

/// The error's code, by the kind it was given where it was made. Errors Trellis makes
/// carry their code (`ApiError`, the limits), and so do async-graphql's errors about
/// argument values (patched in, vendor/async-graphql/TRELLIS.md). Of the rest, an error
/// without a path is async-graphql refusing the request before it ran (syntax,
/// validation): the client's mistake. One with a path came from a resolver that did not
/// say what went wrong: unexpected, so its message, which may hold internals, is logged
/// and replaced.
pub(super) fn classify(error: &mut ServerError, request_id: &str) -> &'static str {
    let given = error
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get("code"))
        .and_then(|code| match code {
            async_graphql::Value::String(code) => code::known(code),
            _ => None,
        });
    let code = match given {
        Some(code) => code,
        None if error.path.is_empty() => code::BAD_USER_INPUT,
        None => {
            tracing::error!(message = %error.message, "resolver error without a code");
            code::INTERNAL
        }
    };
    if code == code::INTERNAL {
        error.message = format!("internal error (request id {request_id})");
        error.extensions = None;
    }
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code);
    if code == code::INTERNAL {
        extensions.set("requestId", request_id);
    }
    code
}
