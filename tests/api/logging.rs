//! The server's log as an operator collects it: from the real binary's stderr, which is
//! not a terminal here.

use serde_json::{Value, json};

use crate::common::process::ServerProcess;

/// A sign-in with a wrong password: its resolver logs "failed sign-in". Returns the
/// request id the server answered with.
async fn fail_a_sign_in(server: &ServerProcess) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", server.url))
        .json(&json!({
            "query": "mutation { signIn(input: {email: \"nobody@example.org\", password: \"not-the-password-at-all\"}) { session { accessToken } } }"
        }))
        .send()
        .await
        .expect("the server answers");
    let id = response
        .headers()
        .get("x-request-id")
        .expect("an x-request-id header")
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert!(body["data"]["signIn"]["session"].is_null(), "{body:#}");
    id
}

fn assert_no_colour_codes(log: &str) {
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escape codes in a log that is not a terminal:\n{log}"
    );
}

/// Not on a terminal, `auto` (the default) writes JSON lines: every line parses, and the
/// lines written while a request was served name its id in their `spans`.
#[tokio::test]
async fn log_is_json_lines_carrying_the_request_id_when_not_on_a_terminal() {
    let server = ServerProcess::serve(&[], &[]).await;
    let id = fail_a_sign_in(&server).await;
    let log = server.stop().await;
    assert_no_colour_codes(&log);
    let lines: Vec<Value> = log
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("a log line that is not JSON ({error}): {line}"))
        })
        .collect();
    assert!(
        lines.iter().any(|line| line["level"] == "INFO"),
        "startup lines are logged as JSON too:\n{log}"
    );
    let request_ids = |line: &Value| -> Vec<String> {
        line["spans"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|span| span["request_id"].as_str().map(str::to_owned))
            .collect()
    };
    let failed: Vec<&Value> = lines
        .iter()
        .filter(|line| line["message"] == "failed sign-in")
        .collect();
    assert_eq!(failed.len(), 1, "{log}");
    assert_eq!(failed[0]["level"], "WARN");
    assert_eq!(request_ids(failed[0]), vec![id.clone()], "{log}");
    // Only one request was sent: no line names another.
    for line in &lines {
        for other in request_ids(line) {
            assert_eq!(other, id, "{line}");
        }
    }
}

/// `TRELLIS_LOG_FORMAT=text` off a terminal: plain text, without colour codes, each line
/// of a request naming its span's fields.
#[tokio::test]
async fn text_log_names_the_request_id_without_colour_codes_off_a_terminal() {
    let server = ServerProcess::serve(&[], &[("TRELLIS_LOG_FORMAT", "text")]).await;
    let id = fail_a_sign_in(&server).await;
    let log = server.stop().await;
    assert_no_colour_codes(&log);
    assert!(
        log.lines().all(|line| !line.starts_with('{')),
        "text, not JSON:\n{log}"
    );
    let failed: Vec<&str> = log
        .lines()
        .filter(|line| line.ends_with("failed sign-in"))
        .collect();
    assert_eq!(failed.len(), 1, "{log}");
    assert!(failed[0].contains(" WARN "), "{log}");
    assert!(
        failed[0].contains(&format!("request_id={id}")),
        "the line names the request id {id}: {}",
        failed[0]
    );
}

/// `--log-format json` wins over the environment.
#[tokio::test]
async fn log_format_flag_wins_over_the_environment() {
    let server =
        ServerProcess::serve(&["--log-format", "json"], &[("TRELLIS_LOG_FORMAT", "text")]).await;
    let log = server.stop().await;
    assert!(!log.is_empty());
    for line in log.lines() {
        assert!(
            serde_json::from_str::<Value>(line).is_ok(),
            "a log line that is not JSON: {line}"
        );
    }
}
