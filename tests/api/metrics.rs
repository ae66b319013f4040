//! `/metrics` as Prometheus scrapes it, read with a parser of Prometheus's text format.

use prometheus_parse::{Sample, Scrape, Value};
use serde_json::json;

use crate::common::process::ServerProcess;
use crate::common::spawn_app;

async fn scrape(client: &reqwest::Client, base: &str) -> Scrape {
    let response = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).expect("Prometheus text format")
}

fn samples<'a>(scrape: &'a Scrape, metric: &'a str) -> impl Iterator<Item = &'a Sample> {
    scrape.samples.iter().filter(move |s| s.metric == metric)
}

/// Requests to paths that no route serves count under one label value, so scanners and
/// typos cannot grow the number of series.
#[tokio::test]
async fn unknown_paths_add_no_series() {
    let app = spawn_app().await;
    let get = |path: String| app.client.get(format!("{}{path}", app.url)).send();
    assert_eq!(get("/first-unknown".into()).await.unwrap().status(), 404);
    let before = scrape(&app.client, &app.url).await.samples.len();
    for _ in 0..5 {
        let path = format!("/{}/{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        assert_eq!(get(path).await.unwrap().status(), 404);
    }
    let after = scrape(&app.client, &app.url).await;
    assert_eq!(after.samples.len(), before, "series were added");
    let unmatched: Vec<&Sample> = samples(&after, "trellis_http_requests_total")
        .filter(|s| s.labels.get("endpoint") == Some("unmatched"))
        .collect();
    assert_eq!(unmatched.len(), 1, "{unmatched:?}");
    assert!(matches!(unmatched[0].value, Value::Counter(n) if n == 6.0));
}

/// A method HTTP does not define is answered 501 Not Implemented and adds no series: the
/// `method` label keeps to HTTP's methods.
#[tokio::test]
async fn made_up_methods_are_not_implemented_and_add_no_series() {
    let app = spawn_app().await;
    let before = scrape(&app.client, &app.url).await.samples.len();
    for _ in 0..5 {
        let method = format!("M{}", uuid::Uuid::new_v4().simple()).to_uppercase();
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = app
            .client
            .request(method, format!("{}/graphql", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 501);
    }
    let after = scrape(&app.client, &app.url).await.samples.len();
    assert_eq!(after, before, "series were added");
}

/// Durations in seconds as a histogram by route, counters ending in `_total`, the
/// process's own metrics and which release runs.
#[tokio::test]
async fn metrics_follow_prometheus_conventions() {
    let app = spawn_app().await;
    app.ok(None, "{ __typename }", json!({})).await;
    let scraped = scrape(&app.client, &app.url).await;

    let durations: Vec<&Sample> = samples(&scraped, "trellis_http_request_duration_seconds")
        .filter(|s| s.labels.get("endpoint") == Some("/graphql"))
        .collect();
    assert_eq!(durations.len(), 1, "{:?}", scraped.samples);
    assert_eq!(durations[0].labels.get("method"), Some("POST"));
    assert_eq!(durations[0].labels.get("status"), Some("200"));
    let Value::Histogram(buckets) = &durations[0].value else {
        panic!("a histogram: {:?}", durations[0]);
    };
    let infinite = buckets.iter().find(|b| b.less_than == f64::INFINITY);
    assert_eq!(infinite.map(|b| b.count), Some(1.0), "{buckets:?}");

    for sample in &scraped.samples {
        if let Value::Counter(_) = sample.value {
            assert!(sample.metric.ends_with("_total"), "{}", sample.metric);
        }
    }
    for process in [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
        "process_start_time_seconds",
    ] {
        assert_eq!(samples(&scraped, process).count(), 1, "{process}");
    }
    let build: Vec<&Sample> = samples(&scraped, "trellis_build_info").collect();
    assert_eq!(build.len(), 1);
    assert_eq!(
        build[0].labels.get("version"),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert!(matches!(build[0].value, Value::Gauge(v) if v == 1.0));
}

/// With `--metrics-bind`, `/metrics` is served on that address only.
#[tokio::test]
async fn metrics_bind_serves_metrics_on_its_own_address_only() {
    let server = ServerProcess::serve(&["--metrics-bind", "127.0.0.1:0"], &[]).await;
    let client = reqwest::Client::new();
    let metrics_url = server.metrics_url.clone().expect("a metrics address");
    assert_ne!(metrics_url, server.url);
    let main = client
        .get(format!("{}/metrics", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(main.status(), 404);
    let apart = client
        .get(format!("{metrics_url}/graphql"))
        .send()
        .await
        .unwrap();
    assert_eq!(apart.status(), 404, "the metrics address serves no API");
    let answered = client
        .post(format!("{}/graphql", server.url))
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    let scraped = scrape(&client, &metrics_url).await;
    // The API's requests are counted there.
    assert!(
        samples(&scraped, "trellis_http_requests_total")
            .any(|s| s.labels.get("endpoint") == Some("/graphql")),
        "{:?}",
        scraped.samples
    );
    assert_eq!(samples(&scraped, "trellis_build_info").count(), 1);
    server.stop().await;
}
