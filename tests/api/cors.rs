//! Browsers' cross-origin requests (CORS): the pages of the origins `--cors-origins`
//! lists (and, in demo mode, local pages) may call the API and read its answers; other
//! pages' browsers get no `Access-Control-Allow-Origin` and keep the answer from them.

use reqwest::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ALLOW, CONTENT_TYPE, HeaderMap,
    ORIGIN, VARY,
};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app, spawn_app_with};

const APP: &str = "https://app.example.org";
const ELSEWHERE: &str = "https://elsewhere.example.org";

/// What a browser asks before a page's `fetch` POSTs JSON with a token to `/graphql`.
async fn preflight(app: &TestApp, origin: &str, headers: &str) -> Response {
    app.client
        .request(Method::OPTIONS, format!("{}/graphql", app.url))
        .header(ORIGIN, origin)
        .header(ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(ACCESS_CONTROL_REQUEST_HEADERS, headers)
        .send()
        .await
        .unwrap()
}

/// The page's request itself.
async fn query_from(app: &TestApp, origin: &str) -> Response {
    app.client
        .post(format!("{}/graphql", app.url))
        .header(ORIGIN, origin)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap()
}

fn header(headers: &HeaderMap, name: impl reqwest::header::AsHeaderName) -> &str {
    headers
        .get(name)
        .map_or("", |value| value.to_str().unwrap())
}

/// The comma-separated names of a header, in lower case.
fn names(headers: &HeaderMap, name: impl reqwest::header::AsHeaderName) -> Vec<String> {
    header(headers, name)
        .split(',')
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect()
}

#[tokio::test]
async fn cors_preflight_from_a_listed_origin_allows_what_graphql_clients_send() {
    let app = spawn_app_with(&["--cors-origins", &format!("{ELSEWHERE},{APP}")]).await;
    let response = preflight(
        &app,
        APP,
        "content-type,authorization,apollo-require-preflight,x-apollo-operation-name",
    )
    .await;
    assert!(response.status().is_success(), "{}", response.status());
    let headers = response.headers();
    assert_eq!(header(headers, ACCESS_CONTROL_ALLOW_ORIGIN), APP);
    let methods = names(headers, ACCESS_CONTROL_ALLOW_METHODS);
    for method in ["get", "post", "options"] {
        assert!(methods.contains(&method.to_owned()), "{methods:?}");
    }
    let allowed = names(headers, ACCESS_CONTROL_ALLOW_HEADERS);
    for name in [
        "accept",
        "authorization",
        "content-type",
        "apollo-require-preflight",
        "x-apollo-operation-name",
    ] {
        assert!(allowed.contains(&name.to_owned()), "{name}: {allowed:?}");
    }
    assert_eq!(header(headers, ACCESS_CONTROL_MAX_AGE), "600");
    assert!(names(headers, VARY).contains(&"origin".to_owned()));
    // Nor does a page send cookies along unless the server is told it may.
    assert!(headers.get(ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
}

#[tokio::test]
async fn cors_listed_origin_reads_the_answer_and_its_request_id() {
    let app = spawn_app_with(&["--cors-origins", APP]).await;
    let response = query_from(&app, APP).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(header(&headers, ACCESS_CONTROL_ALLOW_ORIGIN), APP);
    let exposed = names(&headers, ACCESS_CONTROL_EXPOSE_HEADERS);
    assert!(exposed.contains(&"x-request-id".to_owned()), "{exposed:?}");
    assert!(exposed.contains(&"retry-after".to_owned()), "{exposed:?}");
    assert!(headers.get(ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
    assert!(!header(&headers, "x-request-id").is_empty());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["__typename"], "Query", "{body:#}");
}

#[tokio::test]
async fn cors_other_origins_are_not_allowed() {
    let app = spawn_app_with(&["--cors-origins", APP]).await;
    for origin in [
        ELSEWHERE,
        "https://app.example.org.elsewhere.example",
        "http://app.example.org",
        "https://app.example.org:8443",
        "http://localhost:5173",
    ] {
        let response = preflight(&app, origin, "content-type").await;
        assert!(!response.status().is_success(), "{origin}");
        assert!(
            response
                .headers()
                .get(ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_none(),
            "{origin}"
        );
        // The request runs (a same-origin page's would too), but the browser keeps the
        // answer from the page: nothing allows it to read it.
        let response = query_from(&app, origin).await;
        assert_eq!(response.status(), StatusCode::OK, "{origin}");
        assert!(
            response
                .headers()
                .get(ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_none(),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn cors_allows_no_origin_by_default() {
    let app = spawn_app().await;
    for origin in [APP, "http://localhost:5173", "http://127.0.0.1:3000"] {
        let response = preflight(&app, origin, "content-type").await;
        assert!(!response.status().is_success(), "{origin}");
        assert!(
            response
                .headers()
                .get(ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_none()
        );
        let response = query_from(&app, origin).await;
        assert!(
            response
                .headers()
                .get(ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_none()
        );
    }
}

#[tokio::test]
async fn cors_demo_mode_allows_local_pages_on_any_port() {
    let app = spawn_app_with(&["--demo"]).await;
    for origin in [
        "http://localhost:5173",
        "http://127.0.0.1:3000",
        "http://localhost",
    ] {
        let response = preflight(&app, origin, "content-type,authorization").await;
        assert!(response.status().is_success(), "{origin}");
        assert_eq!(
            header(response.headers(), ACCESS_CONTROL_ALLOW_ORIGIN),
            origin
        );
        let response = query_from(&app, origin).await;
        assert_eq!(
            header(response.headers(), ACCESS_CONTROL_ALLOW_ORIGIN),
            origin
        );
    }
    for origin in [
        APP,
        "https://localhost:5173",
        "http://localhost.example.org",
    ] {
        let response = query_from(&app, origin).await;
        assert!(
            response
                .headers()
                .get(ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_none(),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn cors_credentials_are_allowed_only_when_configured() {
    let app = spawn_app_with(&["--cors-origins", APP, "--cors-allow-credentials"]).await;
    let response = preflight(&app, APP, "content-type").await;
    assert!(response.status().is_success());
    assert_eq!(
        header(response.headers(), ACCESS_CONTROL_ALLOW_CREDENTIALS),
        "true"
    );
    let response = query_from(&app, APP).await;
    assert_eq!(header(response.headers(), ACCESS_CONTROL_ALLOW_ORIGIN), APP);
    assert_eq!(
        header(response.headers(), ACCESS_CONTROL_ALLOW_CREDENTIALS),
        "true"
    );
    // An origin that is not listed is still not allowed.
    let response = query_from(&app, ELSEWHERE).await;
    assert!(
        response
            .headers()
            .get(ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
}

#[tokio::test]
async fn cors_preflight_refuses_headers_and_methods_clients_do_not_need() {
    let app = spawn_app_with(&["--cors-origins", APP]).await;
    let response = preflight(&app, APP, "content-type,x-forwarded-for").await;
    assert!(!response.status().is_success());
    let response = app
        .client
        .request(Method::OPTIONS, format!("{}/graphql", app.url))
        .header(ORIGIN, APP)
        .header(ACCESS_CONTROL_REQUEST_METHOD, "DELETE")
        .send()
        .await
        .unwrap();
    assert!(!response.status().is_success());
}

/// An `OPTIONS` request that is not a preflight learns the methods `/graphql` takes.
#[tokio::test]
async fn options_without_a_preflight_names_the_methods() {
    let app = spawn_app().await;
    let response = app
        .client
        .request(Method::OPTIONS, format!("{}/graphql", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(response.headers(), ALLOW), "GET, POST, OPTIONS");
    assert!(response.headers().get(CONTENT_TYPE).is_none());
    assert!(response.bytes().await.unwrap().is_empty());
}
