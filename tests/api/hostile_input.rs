//! Requests made to take the server down: nesting deep enough to overflow a stack, and
//! fragments that multiply into millions of selections. Each is refused before it can
//! cost more than a small, fixed amount, at its limit and one step past it, and the
//! server goes on answering.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app, spawn_app_with};
use crate::http_limits::{assert_refused, errors, post, post_query};

/// `open` × `depth`, then `leaf`, then `close` × `depth`.
fn nested(depth: usize, open: &str, leaf: &str, close: &str) -> String {
    format!("{}{leaf}{}", open.repeat(depth), close.repeat(depth))
}

/// The server still answers a plain query.
async fn assert_alive(app: &TestApp) {
    let (status, body) = post_query(app, None, "{ __typename }").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["__typename"], "Query", "{body:#}");
}

/// An answer that ran past the nesting check: refused for some other reason, or answered.
fn assert_not_refused_for_nesting(body: &Value) {
    for error in errors(body) {
        assert!(
            !error["message"].as_str().unwrap().contains("nests"),
            "refused at the limit: {body:#}"
        );
    }
}

/// Brackets of every kind count towards the limit of 32: the document's own `{` and
/// `(` make two, so a value 30 deep is at the limit and 31 past it. Past it the request
/// is `QUERY_TOO_COMPLEX` before anything parses it; 1,500 deep (which overflowed a
/// worker's stack and aborted the process) likewise.
#[tokio::test]
async fn nesting_is_refused_before_anything_parses_it() {
    let app = spawn_app().await;
    let shapes = [
        ("input objects", "{a: ", "1", "}"),
        ("lists", "[", "1", "]"),
        ("mixed", "[{a: ", "1", "}]"),
    ];
    for (what, open, leaf, close) in shapes {
        let per_level = if what == "mixed" { 2 } else { 1 };
        let at_limit = nested(30 / per_level, open, leaf, close);
        let query = format!("{{ node(id: {at_limit}) {{ id }} }}");
        let (_, body) = post_query(&app, None, &query).await;
        assert_not_refused_for_nesting(&body);
        assert!(!errors(&body).is_empty(), "{what}: {body:#}");

        for depth in [30 / per_level + 1, 1_500] {
            let past = nested(depth, open, leaf, close);
            let query = format!("{{ node(id: {past}) {{ id }} }}");
            let (_, body) = post_query(&app, None, &query).await;
            assert_refused(&body, "QUERY_TOO_COMPLEX");
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("more than 32 deep"),
                "{what}: {body:#}"
            );
        }
    }
    // Selection sets and list types count the same way.
    let selections = format!("{{ {} }}", nested(1_500, "a { ", "b", " }"));
    let (_, body) = post_query(&app, None, &selections).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");
    let list_type = format!(
        "query($v: {}) {{ __typename }}",
        nested(1_500, "[", "Int", "]")
    );
    let (_, body) = post_query(&app, None, &list_type).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");
    // A brace inside a string is text, not nesting.
    let in_string = format!("{{ node(id: \"{}\") {{ id }} }}", "{".repeat(1_500));
    let (_, body) = post_query(&app, None, &in_string).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{body:#}"
    );
    assert_alive(&app).await;
}

/// Variables are values too: lists and objects 32 deep pass the check (and are then
/// refused as not an `ID`), 33 deep are refused naming the variable.
#[tokio::test]
async fn nesting_of_variables_is_bounded() {
    let app = spawn_app().await;
    let query = "query($v: ID!) { node(id: $v) { id } }";
    let deep = |depth: usize| {
        let mut value = json!(1);
        for _ in 0..depth {
            value = json!([value]);
        }
        value
    };
    let (_, body) = post(
        &app,
        None,
        &json!({ "query": query, "variables": { "v": deep(32) } }),
    )
    .await;
    assert_not_refused_for_nesting(&body);
    assert!(!errors(&body).is_empty(), "{body:#}");
    let (_, body) = post(
        &app,
        None,
        &json!({ "query": query, "variables": { "v": deep(33) } }),
    )
    .await;
    assert_refused(&body, "BAD_USER_INPUT");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("`v`") && message.contains("more than 32 deep"),
        "{message}"
    );
    assert_alive(&app).await;
}

/// The same check applies to queries sent by GET and to persisted queries.
#[tokio::test]
async fn nesting_is_refused_by_get_and_as_a_persisted_query() {
    use sha2::{Digest, Sha256};
    let app = spawn_app().await;
    let query = format!(
        "{{ node(id: {}) {{ id }} }}",
        nested(1_500, "{a: ", "1", "}")
    );
    let response = app
        .client
        .get(format!("{}/graphql", app.url))
        .query(&[("query", &query)])
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_refused(&body, "QUERY_TOO_COMPLEX");
    let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
    let persisted = json!({
        "query": query,
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } }
    });
    let (_, body) = post(&app, None, &persisted).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");
    assert_alive(&app).await;
}

/// `{ ...F0 }` where each of `links` fragments spreads the next twice and the last
/// selects `__typename`, with `extra` more `__typename`s at the top: it makes
/// 3 × 2^links − 1 + extra selections once expanded.
fn doubling_chain(links: usize, extra: usize) -> String {
    let mut query = format!("{{ ...F0 {} }}", "__typename ".repeat(extra));
    for i in 0..links {
        query += &format!(" fragment F{i} on Query {{ ...F{n} ...F{n} }}", n = i + 1);
    }
    query + &format!(" fragment F{links} on Query {{ __typename }}")
}

/// A chain of fragments each spreading the next twice multiplies with every link: 25
/// links in 1 KB of text made 2^24 spreads and 15 s of CPU. The expanded size is counted
/// before validation: at the limit the query runs, one selection past it is refused with
/// `QUERY_TOO_COMPLEX`, and a 25-link chain is refused as fast, several at once, while the
/// server goes on answering.
#[tokio::test]
async fn fragment_chains_are_refused_before_they_multiply() {
    // 3 × 2^10 − 1 = 3,071 selections.
    let app = spawn_app_with(&["--max-selections", "3071"]).await;
    let (_, body) = post_query(&app, None, &doubling_chain(10, 0)).await;
    assert_eq!(body["data"]["__typename"], "Query", "{body:#}");
    let (_, body) = post_query(&app, None, &doubling_chain(10, 1)).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("more than 3071 selections"),
        "{body:#}"
    );

    // The default limit, 5,000: ten links (3,071) run, eleven (6,143) do not.
    let app = spawn_app().await;
    let (_, body) = post_query(&app, None, &doubling_chain(10, 0)).await;
    assert_eq!(body["data"]["__typename"], "Query", "{body:#}");
    let attacks = (0..8).map(|i| {
        let links = if i % 2 == 0 { 11 } else { 25 };
        let query = doubling_chain(links, 0);
        let app = &app;
        async move { post_query(app, None, &query).await }
    });
    for (_, body) in join_all(attacks).await {
        assert_refused(&body, "QUERY_TOO_COMPLEX");
    }
    assert_alive(&app).await;
}
