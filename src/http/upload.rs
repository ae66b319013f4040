//! GraphQL requests that carry files: the GraphQL multipart request specification
//! (`operations`, `map`, then the files), as `apollo-upload-client` sends it. The files go
//! to temporary files as they arrive, never wholly into memory; the whole body is bounded
//! by `--max-upload-bytes`.
//!
//! A browser may send a multipart form cross-site without asking first (CSRF), so only a
//! request carrying a header a form cannot set (`Apollo-Require-Preflight` or
//! `X-Apollo-Operation-Name`, as Apollo's clients send) comes here; any other multipart
//! POST is refused like every POST that is not JSON.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::dev::RequestHead;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::MultipartOptions;
use futures_util::{StreamExt as _, TryStreamExt as _};

use super::graphql::{media, refuse, run_batch, unreadable_body};
use super::{AppState, media_type};
use crate::errors::code;

/// The headers that make a browser ask before sending (a CORS preflight).
const PREFLIGHT_HEADERS: [&str; 2] = ["apollo-require-preflight", "x-apollo-operation-name"];

/// Whether a POST is a multipart upload that a browser could not have sent unasked.
pub fn is_upload(head: &RequestHead) -> bool {
    media_type(&head.headers).eq_ignore_ascii_case("multipart/form-data")
        && PREFLIGHT_HEADERS.iter().any(|name| {
            head.headers
                .get(*name)
                .is_some_and(|value| !value.is_empty())
        })
}

pub async fn post(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let media = media(&req);
    let limit = state.limits.max_upload_bytes;
    let too_large = || {
        refuse(
            media,
            StatusCode::PAYLOAD_TOO_LARGE,
            code::BAD_USER_INPUT,
            &format!("the upload is over the limit of {limit} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return too_large();
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    // The request's body is read on this worker's thread (actix's payload is not `Send`)
    // and handed on as it arrives, counted whatever the length said, stopped past the
    // limit.
    let over = Arc::new(AtomicBool::new(false));
    let tripped = over.clone();
    let (chunks, received) = tokio::sync::mpsc::channel::<std::io::Result<web::Bytes>>(8);
    let mut payload = payload;
    actix_web::rt::spawn(async move {
        let mut read = 0;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(std::io::Error::other).and_then(|chunk| {
                read += chunk.len();
                if read > limit {
                    tripped.store(true, Ordering::Relaxed);
                    Err(std::io::Error::other("the upload is too large"))
                } else {
                    Ok(chunk)
                }
            });
            let stop = chunk.is_err();
            if chunks.send(chunk).await.is_err() || stop {
                break;
            }
        }
    });
    let body = Box::pin(futures_util::stream::unfold(
        received,
        |mut received| async move { received.recv().await.map(|chunk| (chunk, received)) },
    ))
    .into_async_read();
    let options = MultipartOptions::default()
        .max_file_size(limit)
        .max_num_files(1);
    let batch = async_graphql::http::receive_batch_body(content_type, body, options).await;
    if over.load(Ordering::Relaxed) {
        return too_large();
    }
    let batch = match batch {
        Ok(batch) => batch,
        Err(error) => return unreadable_body(media, "GraphQL multipart request", error),
    };
    let timeout = state.limits.upload_timeout();
    run_batch(&req, &state, media, batch, timeout).await
}
