//! GraphQL over HTTP: POST for everything, GET for queries only, GraphiQL for browsers.
//! Follows the GraphQL-over-HTTP specification: `application/graphql-response+json` when
//! the client accepts it (with 4xx for requests that could not run), else
//! `application/json` with 200.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use async_graphql::dataloader::DataLoader;
use async_graphql::http::GraphiQLSource;
use async_graphql::{BatchRequest, BatchResponse, Request, Response};
use futures_util::future::{self, Either};
use futures_util::stream::{FuturesOrdered, StreamExt};
use serde_json::{Value, json};
use tracing_actix_web::RequestId;

use super::AppState;
use crate::auth::{Caller, authenticate};
use crate::graphql::companion::Brought;
use crate::graphql::errors::{ApiError, code};
use crate::graphql::limits;
use crate::graphql::loaders::SqlLoader;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// The response media type the client asked for.
#[derive(Clone, Copy, PartialEq)]
enum Media {
    GraphqlResponse,
    Json,
}

fn media(req: &HttpRequest) -> Media {
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

fn respond(media: Media, status: StatusCode, body: &Value) -> HttpResponse {
    respond_bytes(media, status, body.to_string().into_bytes())
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
fn refuse(media: Media, status: StatusCode, code: &str, message: &str) -> HttpResponse {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    respond(media, status, &body)
}

pub async fn post(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> HttpResponse {
    let media = media(&req);
    // Only JSON bodies: a form, multipart or text/plain POST is one a browser could send
    // cross-site without a CORS preflight (CSRF).
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return refuse(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::BAD_USER_INPUT,
            "send GraphQL requests as application/json",
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(error) => {
            return refuse(
                media,
                StatusCode::BAD_REQUEST,
                code::BAD_USER_INPUT,
                &format!("the body is not a GraphQL request: {error}"),
            );
        }
    };
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
    execute(&req, &state, media, batch, false).await
}

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let media = media(&req);
    if wants_html && !req.query_string().contains("query=") {
        let page = GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Trellis GraphiQL")
            .finish();
        return HttpResponse::Ok()
            .content_type(ContentType::html())
            .body(page);
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
    execute(&req, &state, media, BatchRequest::Single(request), true).await
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
type Checked = Result<Request, Response>;

/// Supplies persisted queries and checks each request's shape, once per request, before
/// anything runs. Returns the requests and whether any of them writes.
async fn check_all(
    state: &AppState,
    requests: Vec<Request>,
    read_only: bool,
) -> (Vec<Checked>, bool) {
    let mut writes = false;
    let mut checked = Vec::with_capacity(requests.len());
    for request in requests {
        let outcome = match state.persisted_queries.apply(request).await {
            Ok(mut request) => match limits::check(&state.limits, &mut request, read_only) {
                Ok(writing) => {
                    writes |= writing;
                    Ok(request)
                }
                Err(error) => Err(Response::from_errors(vec![error])),
            },
            Err(error) => Err(Response::from_errors(vec![error])),
        };
        checked.push(outcome);
    }
    (checked, writes)
}

async fn execute(
    req: &HttpRequest,
    state: &AppState,
    media: Media,
    batch: BatchRequest,
    read_only: bool,
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
    // The socket's peer, not a client-sent forwarding header that anyone could forge to
    // escape the per-address sign-in limit.
    let ip = req
        .peer_addr()
        .map_or_else(|| "unknown".to_owned(), |addr| addr.ip().to_string());
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
    let timeout = state.limits.request_timeout();
    let finished = tokio::time::timeout(timeout, answers.collect::<Vec<_>>()).await;
    if writes {
        // Even one stopped by the timeout may have committed.
        state.callers.forget_all();
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
    render(state, media, response, &request_id)
}

/// The answer to a request that found the database unreachable before anything ran.
fn unavailable(media: Media) -> HttpResponse {
    let error = ApiError::Unavailable;
    let seconds = error.retry_after_secs().unwrap_or_default();
    let body = json!({ "errors": [{
        "message": error.message(),
        "extensions": { "code": error.code(), "retryAfter": seconds },
    }] });
    let mut response = respond(media, StatusCode::SERVICE_UNAVAILABLE, &body);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    response
}

/// Gives every error a code (masking anything unexpected as internal), and chooses the
/// status: 405 for a mutation by GET, 429 when rate limited, 503 when the database was
/// unavailable and nothing could be answered, and with
/// `application/graphql-response+json`, 400 for a request that could not run. Rate
/// limited and unavailable answers say when to try again (`Retry-After`).
fn render(
    state: &AppState,
    media: Media,
    response: BatchResponse,
    request_id: &str,
) -> HttpResponse {
    // The common case, a single answer without errors, goes straight to bytes.
    if let BatchResponse::Single(response) = &response
        && response.errors.is_empty()
        && let Ok(body) = serde_json::to_vec(response)
    {
        return respond_bytes(media, StatusCode::OK, body);
    }
    let mut status = StatusCode::OK;
    let mut retry_after = None;
    // Whether every answer found the database unavailable and answered nothing.
    let mut all_unavailable = true;
    let mut note = |mut response: Response| -> Value {
        let request_error = response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
            && response.errors.iter().all(|error| error.path.is_empty());
        response
            .errors
            .iter_mut()
            .for_each(crate::graphql::errors::code_unreachable_database);
        let answered_nothing = match &response.data {
            async_graphql::Value::Object(fields) => fields
                .values()
                .all(|value| *value == async_graphql::Value::Null),
            data => *data == async_graphql::Value::Null,
        };
        let mut unavailable = false;
        let mut body = serde_json::to_value(&response).unwrap_or_else(|_| json!({}));
        if let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) {
            for error in errors {
                let code = classify(error, request_id);
                state
                    .metrics
                    .graphql_errors
                    .with_label_values(&[code.as_str()])
                    .inc();
                match code.as_str() {
                    code::METHOD_NOT_ALLOWED => status = StatusCode::METHOD_NOT_ALLOWED,
                    code::RATE_LIMITED => {
                        status = StatusCode::TOO_MANY_REQUESTS;
                        retry_after = error["extensions"]["retryAfter"].as_u64();
                    }
                    code::UNAVAILABLE => {
                        unavailable = true;
                        retry_after = retry_after.or(error["extensions"]["retryAfter"].as_u64());
                    }
                    _ => {}
                }
            }
        }
        all_unavailable &= unavailable && answered_nothing;
        if request_error {
            if let Some(object) = body.as_object_mut() {
                object.remove("data");
            }
            if media == Media::GraphqlResponse && status == StatusCode::OK {
                status = StatusCode::BAD_REQUEST;
            }
        }
        body
    };
    let body = match response {
        BatchResponse::Single(response) => note(response),
        BatchResponse::Batch(responses) => Value::Array(responses.into_iter().map(note).collect()),
    };
    if all_unavailable && status == StatusCode::OK {
        status = StatusCode::SERVICE_UNAVAILABLE;
    }
    let mut http = respond(media, status, &body);
    if status == StatusCode::METHOD_NOT_ALLOWED {
        http.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    }
    if let Some(seconds) = retry_after
        && let Ok(value) = header::HeaderValue::from_str(&seconds.to_string())
    {
        http.headers_mut().insert(header::RETRY_AFTER, value);
    }
    http
}

/// The error's code, setting one where it has none. Errors from resolvers without a code
/// are unexpected: their message may hold internals, so it is replaced.
fn classify(error: &mut Value, request_id: &str) -> String {
    if let Some(code) = error["extensions"]["code"].as_str() {
        let code = code.to_owned();
        if code == code::INTERNAL {
            error["message"] = json!(format!("internal error (request id {request_id})"));
            error["extensions"]["requestId"] = json!(request_id);
        }
        return code;
    }
    let message = error["message"].as_str().unwrap_or_default();
    // async-graphql coerces a field's arguments as it runs the field, so an argument whose
    // variable is missing or of the wrong type fails there, with the field's path; it is
    // the client's mistake, and its message names the variable or the argument.
    let bad_argument = message.starts_with("Invalid value for argument")
        || (message.starts_with("Variable ") && message.ends_with(" is not defined."));
    let from_resolver = error.get("path").is_some() && !bad_argument;
    let code = if from_resolver {
        tracing::error!(message = %error["message"], "resolver error without a code");
        error["message"] = json!(format!("internal error (request id {request_id})"));
        error["extensions"] = json!({ "requestId": request_id });
        code::INTERNAL
    } else {
        if message.contains("too complex") || message.contains("nested too deep") {
            code::QUERY_TOO_COMPLEX
        } else {
            code::BAD_USER_INPUT
        }
    };
    if !error["extensions"].is_object() {
        error["extensions"] = json!({});
    }
    error["extensions"]["code"] = json!(code);
    code.to_owned()
}
