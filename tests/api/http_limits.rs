//! GraphQL over HTTP and the limits on what one request may ask for: each limit lets a
//! request at the limit through and refuses one just past it, with a code a client can
//! act on.

use crate::common::{TestApp, spawn_app, spawn_app_with};
use entity::enums::StaffRoleKind;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ACCEPT_ENCODING, ALLOW, CONTENT_ENCODING, CONTENT_TYPE};
use serde_json::{Value, json};

/// graphql-js's `getIntrospectionQuery()`: what GraphiQL and code generators send.
const INTROSPECTION_QUERY: &str = r"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives {
      name
      description
      locations
      args { ...InputValue }
    }
  }
}

fragment FullType on __Type {
  kind
  name
  description
  fields(includeDeprecated: true) {
    name
    description
    args { ...InputValue }
    type { ...TypeRef }
    isDeprecated
    deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes { ...TypeRef }
}

fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
}

fragment TypeRef on __Type {
  kind
  name
  ofType {
    kind
    name
    ofType {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
";

/// The codes a top-level error may carry (API.md, plus the HTTP ones).
const CODES: [&str; 10] = [
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "CONFLICT",
    "RATE_LIMITED",
    "QUERY_TOO_COMPLEX",
    "METHOD_NOT_ALLOWED",
    "TIMEOUT",
    "INTERNAL",
];

fn graphql_url(app: &TestApp) -> String {
    format!("{}/graphql", app.url)
}

/// POSTs a JSON body (a request or a batch) as `token`; returns status and body.
pub(crate) async fn post(app: &TestApp, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
    let mut request = app.client.post(graphql_url(app)).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

/// POSTs a query; returns status and body.
pub(crate) async fn post_query(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
) -> (StatusCode, Value) {
    post(app, token, &json!({ "query": query })).await
}

/// The top-level errors of a response (or of every response of a batch).
pub(crate) fn errors(body: &Value) -> Vec<&Value> {
    match body {
        Value::Array(responses) => responses.iter().flat_map(errors).collect(),
        _ => body["errors"]
            .as_array()
            .map(|e| e.iter().collect())
            .unwrap_or_default(),
    }
}

/// Asserts that a response has exactly one kind of error, `code`, and no data.
pub(crate) fn assert_refused(body: &Value, code: &str) {
    let found = errors(body);
    assert!(!found.is_empty(), "expected {code}: {body:#}");
    for error in found {
        assert_eq!(error["extensions"]["code"], code, "{body:#}");
    }
    assert!(body.get("data").is_none_or(Value::is_null), "{body:#}");
}

/// Asserts that every error carries a known `extensions.code` and says nothing of SQL.
pub(crate) fn assert_every_error_has_a_code(body: &Value) {
    for error in errors(body) {
        let code = error["extensions"]["code"].as_str();
        assert!(
            code.is_some_and(|code| CODES.contains(&code)),
            "no known code: {error:#}"
        );
        let message = error["message"].as_str().unwrap_or_default().to_lowercase();
        for word in ["select ", "insert ", "sqlx", "sqlite", "postgres"] {
            assert!(!message.contains(word), "internals in {error:#}");
        }
    }
}

/// A school with a teacher signed in; returns the teacher's access token.
async fn signed_in_teacher(app: &TestApp) -> String {
    let school = app.school("Oak Primary").await;
    let teacher = app.person("tom@oak.example", false).await;
    app.staff(teacher, school, StaffRoleKind::Teacher).await;
    app.sign_in("tom@oak.example").await
}

/// A query exactly `depth` fields deep: schools → nodes → (staff → nodes → school)… with
/// pages of one, so that only depth matters.
fn query_of_depth(depth: usize) -> String {
    assert!(depth >= 3);
    let cycle = ["staff(first: 1)", "nodes", "school"];
    let mut fields = vec!["schools(first: 1)", "nodes"];
    fields.extend(cycle.iter().cycle().take(depth - 1 - fields.len()));
    let leaf = if fields.last().unwrap().ends_with(')') {
        "totalCount"
    } else {
        "id"
    };
    let mut query = String::new();
    for field in &fields {
        query.push_str(&format!("{field} {{ "));
    }
    query.push_str(leaf);
    query.push_str(&" }".repeat(fields.len()));
    format!("{{ {query} }}")
}

/// `count` copies of `field`, space-separated.
fn repeated(count: usize, field: impl Fn(usize) -> String) -> String {
    (1..=count).map(field).collect::<Vec<_>>().join(" ")
}

/// A query 12 deep runs; one 13 deep is refused with `QUERY_TOO_COMPLEX` before it runs.
#[tokio::test]
async fn depth_limit_is_12() {
    let app = spawn_app().await;
    let token = signed_in_teacher(&app).await;

    let (status, body) = post_query(&app, Some(&token), &query_of_depth(12)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("errors").is_none(), "{body:#}");
    let school = &body["data"]["schools"]["nodes"][0];
    let deepest = &school["staff"]["nodes"][0]["school"]["staff"]["nodes"][0]["school"]["staff"]["nodes"]
        [0]["school"]["id"];
    assert!(
        deepest.is_string(),
        "the query reached the bottom: {body:#}"
    );

    let (_, body) = post_query(&app, Some(&token), &query_of_depth(13)).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");
}

/// Fragments do not hide depth: spreads are expanded when measuring (inline fragments
/// under `node(id:)` add no depth of their own).
#[tokio::test]
async fn depth_counts_through_fragments() {
    let app = spawn_app().await;
    let token = signed_in_teacher(&app).await;
    // node 1, staff 2, nodes 3, school 4, then in F: staff 5, nodes 6, school 7,
    // staff 8, nodes 9, school 10, staff 11, and `tail` from 12.
    let query = |tail: &str| {
        format!(
            "query($id: ID!) {{ node(id: $id) {{ ... on School {{ staff(first: 1) {{ nodes {{ school {{ ...F }} }} }} }} }} }}
             fragment F on School {{ staff(first: 1) {{ nodes {{ school {{ staff(first: 1) {{ nodes {{ school {{ staff(first: 1) {{ {tail} }} }} }} }} }} }} }} }}"
        )
    };
    let variables = json!({ "id": crate::common::gid("School", 1) });

    let (_, body) = post(
        &app,
        Some(&token),
        &json!({ "query": query("totalCount"), "variables": variables }),
    )
    .await;
    assert!(body.get("errors").is_none(), "depth 12: {body:#}");
    assert!(
        body["data"]["node"]["staff"]["nodes"][0]["school"]["staff"].is_object(),
        "{body:#}"
    );

    let (_, body) = post(
        &app,
        Some(&token),
        &json!({ "query": query("nodes { id }"), "variables": variables }),
    )
    .await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");
}

/// 15 aliases pass; 16 are refused.
#[tokio::test]
async fn alias_limit_is_15() {
    let app = spawn_app().await;
    let token = signed_in_teacher(&app).await;
    let query = |n| {
        format!(
            "{{ viewer {{ {} }} }}",
            repeated(n, |i| format!("a{i}: isPlatformAdmin"))
        )
    };

    let (_, body) = post_query(&app, Some(&token), &query(15)).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(body["data"]["viewer"]["a15"], false);

    let (_, body) = post_query(&app, Some(&token), &query(16)).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");
}

/// 50 directives pass; 51 are refused.
#[tokio::test]
async fn directive_limit_is_50() {
    let app = spawn_app().await;
    let query = |n| {
        format!(
            "{{ {} }}",
            repeated(n, |_| "__typename @include(if: true)".into())
        )
    };

    let (_, body) = post_query(&app, None, &query(50)).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(body["data"]["__typename"], "Query");

    let (_, body) = post_query(&app, None, &query(51)).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");
}

/// A connection costs its page size times what each node asks for: a query costing
/// 5000 runs, one costing 5001 is refused, and so is a page of 100 schools each with a
/// page of 100 staff.
#[tokio::test]
async fn complexity_limit_is_5000() {
    let app = spawn_app().await;
    let token = signed_in_teacher(&app).await;

    // schools: 100 × (nodes 1 + staff (47 × 1 + 1)) + 1 = 4901; alliances: 49 × 2 + 1 = 99.
    let at_limit = "{ schools(first: 100) { nodes { staff(first: 47) { totalCount } } }
                      alliances(first: 49) { nodes { id } } }";
    let (_, body) = post_query(&app, Some(&token), at_limit).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(
        body["data"]["schools"]["nodes"][0]["staff"]["totalCount"],
        1
    );
    // It is exactly at the limit: a server allowing 4999 refuses it.
    let stricter = spawn_app_with(&["--max-complexity", "4999"]).await;
    let token_there = signed_in_teacher(&stricter).await;
    let (_, body) = post_query(&stricter, Some(&token_there), at_limit).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");

    // 100 × (1 + 48 + 1) + 1 = 5001.
    let over = "{ schools(first: 100) { nodes { staff(first: 48) { totalCount } } } }";
    let (_, body) = post_query(&app, Some(&token), over).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");

    let huge = "{ schools(first: 100) { edges { node { staff(first: 100) { edges { node { id person { email } } } } } } } }";
    let (_, body) = post_query(&app, Some(&token), huge).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");

    let small = "{ schools(first: 10) { totalCount edges { cursor node { id name staff(first: 5) { nodes { role } } } } } }";
    let (_, body) = post_query(&app, Some(&token), small).await;
    assert!(body.get("errors").is_none(), "{body:#}");
}

/// A required variable left out, or given a value of the wrong type, is the client's
/// mistake: BAD_USER_INPUT naming the argument, never an internal error.
#[tokio::test]
async fn a_missing_or_mistyped_variable_is_bad_user_input() {
    let app = spawn_app().await;
    let query = "query($id: ID!) { node(id: $id) { id } }";
    for variables in [
        json!({}),
        json!({ "id": null }),
        json!({ "id": { "school": 1 } }),
    ] {
        let (_, body) = post(
            &app,
            None,
            &json!({ "query": query, "variables": variables }),
        )
        .await;
        let error = &body["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "BAD_USER_INPUT",
            "{variables}: {body:#}"
        );
        let message = error["message"].as_str().unwrap_or_default();
        // async-graphql's words: `Variable id is not defined.` or `Invalid value for
        // argument "id", ...` ("Invalid" alone would contain "id").
        assert!(
            message.contains("Variable id ") || message.contains("argument \"id\""),
            "{variables}: {message}"
        );
        assert!(body["data"]["node"].is_null(), "{body:#}");
    }
    // Given, it is looked up as usual.
    let (_, body) = post(
        &app,
        None,
        &json!({ "query": query, "variables": { "id": "bm9wZQ" } }),
    )
    .await;
    assert_ne!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body:#}"
    );
}

/// A batch of 10 operations runs, each answered in order; a batch of 11 (or an empty
/// one) is refused whole with HTTP 400.
#[tokio::test]
async fn batch_limit_is_10() {
    let app = spawn_app().await;
    let batch = |n: usize| -> Value {
        (0..n)
            .map(|i| json!({ "query": format!("{{ n{i}: __typename }}") }))
            .collect()
    };

    let (status, body) = post(&app, None, &batch(10)).await;
    assert_eq!(status, StatusCode::OK);
    let answers = body.as_array().expect("an array of responses");
    assert_eq!(answers.len(), 10);
    for (i, answer) in answers.iter().enumerate() {
        assert_eq!(answer["data"][format!("n{i}")], "Query");
    }

    for size in [11, 0] {
        let (status, body) = post(&app, None, &batch(size)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "batch of {size}");
        assert_refused(&body, "BAD_USER_INPUT");
    }
}

/// A JSON body of `size` bytes: a tiny query padded with an unused variable.
fn body_of_size(size: usize) -> String {
    let frame =
        |pad: &str| format!(r#"{{"query":"{{ __typename }}","variables":{{"pad":"{pad}"}}}}"#);
    let body = frame(&"x".repeat(size - frame("").len()));
    assert_eq!(body.len(), size);
    body
}

/// A body of exactly 1 MiB is read and run; one byte more gets HTTP 413 before parsing.
#[tokio::test]
async fn body_limit_is_one_mebibyte() {
    let app = spawn_app().await;
    let send = |body: String| {
        app.client
            .post(graphql_url(&app))
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
    };

    let response = send(body_of_size(1024 * 1024)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["__typename"], "Query", "{body:#}");

    let response = send(body_of_size(1024 * 1024 + 1)).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// A request that runs past the time limit is cut off with `TIMEOUT` and HTTP 503.
#[tokio::test]
async fn slow_requests_time_out() {
    let app = spawn_app_with(&["--request-timeout-ms", "1"]).await;
    app.person("ada@example.org", false).await;
    // Checking a password with argon2 takes far longer than 1 ms.
    let (status, body) = post(
        &app,
        None,
        &json!({
            "query": "mutation { signIn(input: {email: \"ada@example.org\", password: \"a-long-test-password-42\"}) { session { accessToken } } }"
        }),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body:#}");
    assert_refused(&body, "TIMEOUT");
}

/// POSTs a browser may send cross-site without a preflight (text, forms, multipart), and
/// bodies without a content type, are refused with HTTP 415.
#[tokio::test]
async fn only_json_posts_are_accepted() {
    let app = spawn_app().await;
    let json_body = r#"{"query":"{ __typename }"}"#;
    for content_type in [
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=----trellis"),
        None,
    ] {
        let mut request = app.client.post(graphql_url(&app)).body(json_body);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        let body: Value = response.json().await.unwrap();
        assert_every_error_has_a_code(&body);
        assert!(body.get("data").is_none_or(Value::is_null));
    }

    let response = app
        .client
        .post(graphql_url(&app))
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .body(json_body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// GET runs queries (for caching) but not mutations: a mutation by GET gets HTTP 405
/// with `Allow: POST`, and nothing happens.
#[tokio::test]
async fn get_runs_queries_but_not_mutations() {
    let app = spawn_app().await;
    app.person("ada@example.org", false).await;
    let get = |query: &str| {
        app.client
            .get(graphql_url(&app))
            .query(&[("query", query)])
            .send()
    };

    let response = get("{ __typename }").await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["__typename"], "Query");

    let sign_in = "mutation { signIn(input: {email: \"ada@example.org\", password: \"a-long-test-password-42\"}) { session { accessToken } } }";
    let response = get(sign_in).await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[ALLOW], "POST");
    let body: Value = response.json().await.unwrap();
    assert_refused(&body, "METHOD_NOT_ALLOWED");

    // Naming the mutation of a document that also holds a query does not get it run.
    let document = format!(
        "query Q {{ __typename }} {}",
        sign_in.replacen("mutation", "mutation M", 1)
    );
    let response = app
        .client
        .get(graphql_url(&app))
        .query(&[("query", document.as_str()), ("operationName", "M")])
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert!(body["data"]["signIn"].is_null(), "{body:#}");
    assert_every_error_has_a_code(&body);
}

/// GET takes the standard `operationName` parameter: it picks the query to run from a
/// document of several, and naming a mutation gets 405.
#[tokio::test]
async fn get_honours_operation_name() {
    let app = spawn_app().await;
    let get = |query: &str, operation: &str| {
        app.client
            .get(graphql_url(&app))
            .query(&[("query", query), ("operationName", operation)])
            .send()
    };
    let response = get("query A { a: __typename } query B { b: __typename }", "B")
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["b"], "Query", "{body:#}");

    let response = get(
        "query A { __typename } mutation M { signOut { signedOut } }",
        "M",
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

/// The standard introspection query of GraphiQL and code generators runs under the
/// default limits, however deep its `ofType` chain.
#[tokio::test]
async fn standard_introspection_query_passes() {
    let app = spawn_app().await;
    let (status, body) = post(
        &app,
        None,
        &json!({ "query": INTROSPECTION_QUERY, "operationName": "IntrospectionQuery" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("errors").is_none(), "{:#}", body["errors"]);
    let schema = &body["data"]["__schema"];
    assert_eq!(schema["queryType"]["name"], "Query");
    assert_eq!(schema["mutationType"]["name"], "Mutation");
    let types: Vec<&str> = schema["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for expected in [
        "Alliance",
        "School",
        "Person",
        "Session",
        "UserError",
        "Node",
    ] {
        assert!(
            types.contains(&expected),
            "{expected} missing from {types:?}"
        );
    }
}

/// Introspection is exempt from the depth limit only as far as the standard query needs:
/// a tiny query that nests `possibleTypes { interfaces { possibleTypes ... } } }` grows
/// its answer ninefold per level (4 levels: 400 KB; 6 levels: 32 MB and 24 s of CPU,
/// past the request timeout, for one anonymous request), so it is refused up front.
#[tokio::test]
async fn introspection_cannot_fan_out() {
    let app = spawn_app().await;
    let levels = 4;
    let query = format!(
        "{{ __type(name: \"Node\") {{ {} name {} }} }}",
        "possibleTypes { name interfaces { ".repeat(levels),
        " } }".repeat(levels)
    );
    let (_, body) = post_query(&app, None, &query).await;
    assert_refused(&body, "QUERY_TOO_COMPLEX");
}

/// With introspection switched off, `__schema` and `__type` reveal nothing (any error
/// carries a code), while `__typename` still works.
#[tokio::test]
async fn introspection_can_be_switched_off() {
    let app = spawn_app_with(&["--introspection", "false"]).await;
    for query in [
        "{ __schema { queryType { name } } }",
        "{ __type(name: \"Query\") { name } }",
        INTROSPECTION_QUERY,
    ] {
        let (_, body) = post_query(&app, None, query).await;
        assert_every_error_has_a_code(&body);
        assert!(
            body["data"]["__schema"].is_null() && body["data"]["__type"].is_null(),
            "{body:#}"
        );
    }
    let (_, body) = post_query(&app, None, "{ __typename }").await;
    assert_eq!(body["data"]["__typename"], "Query");
}

/// With `Accept: application/graphql-response+json`, a request that cannot run gets
/// HTTP 400 in that media type; with `application/json` it gets 200.
#[tokio::test]
async fn graphql_response_media_type_uses_status_codes() {
    let app = spawn_app().await;
    let send = |accept: &'static str, query: &'static str| {
        app.client
            .post(graphql_url(&app))
            .header(ACCEPT, accept)
            .json(&json!({ "query": query }))
            .send()
    };

    for invalid in [
        "{ noSuchField }",
        "{ viewer {",
        "query { __typename } query { __typename }",
    ] {
        let response = send("application/graphql-response+json", invalid)
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{invalid}");
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("application/graphql-response+json"),
            "{content_type}"
        );
        let body: Value = response.json().await.unwrap();
        assert_refused(&body, "BAD_USER_INPUT");

        let response = send("application/json", invalid).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{invalid}");
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        let body: Value = response.json().await.unwrap();
        assert_refused(&body, "BAD_USER_INPUT");
    }

    let response = send(
        "application/graphql-response+json, application/json;q=0.9",
        "{ __typename }",
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/graphql-response+json"),
        "{content_type}"
    );
}

/// Every error, whatever produced it (parser, validation, limits, policy, resolvers,
/// pagination), carries a known `extensions.code`, and none shows SQL.
#[tokio::test]
async fn every_error_carries_a_code() {
    let app = spawn_app().await;
    let token = signed_in_teacher(&app).await;
    let requests = [
        json!({ "query": "{ viewer {" }),
        json!({ "query": "{ noSuchField }" }),
        json!({ "query": "query($n: Int!) { schools(first: $n) { totalCount } }" }),
        json!({ "query": "query($n: Int!) { schools(first: $n) { totalCount } }", "variables": { "n": "many" } }),
        json!({ "query": "query A { __typename } query B { __typename }", "operationName": "C" }),
        json!({ "query": "{ schools(first: -1) { totalCount } }" }),
        json!({ "query": "{ schools(first: 101) { totalCount } }" }),
        json!({ "query": "{ schools(after: \"garbage\") { totalCount } }" }),
        json!({ "query": "{ schools(first: 1, last: 1) { totalCount } }" }),
        json!({ "query": "{ node(id: \"nope\") { id } }" }),
        json!({ "query": "{ node(id: \"U2Nob29sOjk5OTk\") { id } }" }),
        json!({ "query": "mutation { inviteStaffMember(input: {schoolId: \"U2Nob29sOjE\", email: \"x@example.org\", givenName: \"X\", familyName: \"Y\", role: TEACHER}) { userErrors { code } } }" }),
        json!({ "query": query_of_depth(20) }),
        json!([{ "query": "{ viewer {" }, { "query": "{ __typename }" }]),
        json!({ "nothing": "here" }),
        json!("not a request"),
    ];
    for request in &requests {
        let (_, body) = post(&app, Some(&token), request).await;
        assert!(
            !errors(&body).is_empty(),
            "{request}: expected errors, got {body:#}"
        );
        assert_every_error_has_a_code(&body);
    }
    let (_, body) = post_query(&app, None, "{ viewer { person { id } } }").await;
    assert_every_error_has_a_code(&body);
    let (_, body) = post_query(&app, Some("garbage"), "{ __typename }").await;
    assert_every_error_has_a_code(&body);
}

/// Every response from `/graphql` carries an `x-request-id`, errors included, and each
/// request gets its own.
#[tokio::test]
async fn responses_carry_a_request_id() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    let requests = [
        app.client
            .post(graphql_url(&app))
            .json(&json!({ "query": "{ __typename }" })),
        app.client
            .post(graphql_url(&app))
            .bearer_auth("bad")
            .json(&json!({ "query": "{ __typename }" })),
        app.client
            .post(graphql_url(&app))
            .header(CONTENT_TYPE, "text/plain")
            .body("{}"),
        app.client
            .get(graphql_url(&app))
            .query(&[("query", "{ __typename }")]),
        app.client
            .get(graphql_url(&app))
            .header(ACCEPT, "text/html"),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        let id = response
            .headers()
            .get("x-request-id")
            .unwrap_or_else(|| panic!("no x-request-id on a {} response", response.status()))
            .to_str()
            .unwrap()
            .to_owned();
        assert!(!id.is_empty());
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "request ids repeat: {ids:?}");
}

/// Responses are gzip-compressed when the client accepts gzip, and plain otherwise.
#[tokio::test]
async fn responses_are_compressed_when_accepted() {
    let app = spawn_app().await;
    let send = |encoding: Option<&'static str>| {
        let mut request = app
            .client
            .post(graphql_url(&app))
            .json(&json!({ "query": INTROSPECTION_QUERY }));
        if let Some(encoding) = encoding {
            request = request.header(ACCEPT_ENCODING, encoding);
        }
        request.send()
    };

    let response = send(Some("gzip")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get(CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
    let compressed = response.bytes().await.unwrap();
    assert_eq!(&compressed[..2], &[0x1f, 0x8b], "gzip magic bytes");

    let response = send(None).await.unwrap();
    assert!(response.headers().get(CONTENT_ENCODING).is_none());
    let plain = response.bytes().await.unwrap();
    assert!(
        compressed.len() * 3 < plain.len(),
        "{} vs {} bytes",
        compressed.len(),
        plain.len()
    );
}

/// Automatic persisted queries over HTTP: a hash the server does not know is
/// `PersistedQueryNotFound` with the code `PERSISTED_QUERY_NOT_FOUND`, as Apollo Client and
/// urql expect before they send the text; sent with its text, the query runs and is kept, so that the hash
/// alone runs it afterwards; a query sent as plain text is kept the same way; a text longer
/// than 8 KiB runs but is not kept, so what anyone can make the server hold stays bounded.
#[tokio::test]
async fn persisted_queries_are_kept_by_hash_up_to_8_kib_of_text() {
    use sha2::{Digest, Sha256};
    let app = spawn_app().await;
    let hash = |text: &str| format!("{:x}", Sha256::digest(text.as_bytes()));
    let send = |text: &str, hash: Option<String>| {
        let mut body = json!({ "query": text });
        if let Some(hash) = hash {
            body["extensions"] = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
        }
        let request = app.client.post(format!("{}/graphql", app.url)).json(&body);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let not_found = |body: &Value| {
        body["errors"][0]["message"] == "PersistedQueryNotFound"
            && body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    };

    let text = "{ __typename }";
    assert!(not_found(&send("", Some(hash(text))).await));
    let registered = send(text, Some(hash(text))).await;
    assert_eq!(registered["data"]["__typename"], "Query", "{registered}");
    let by_hash = send("", Some(hash(text))).await;
    assert_eq!(by_hash["data"]["__typename"], "Query", "{by_hash}");

    let plain = "{ alias: __typename }";
    send(plain, None).await;
    let by_hash = send("", Some(hash(plain))).await;
    assert_eq!(by_hash["data"]["alias"], "Query", "{by_hash}");

    let long = format!("{{ __typename }}{}", " ".repeat(8 * 1024));
    let ran = send(&long, Some(hash(&long))).await;
    assert_eq!(ran["data"]["__typename"], "Query", "{ran}");
    assert!(not_found(&send("", Some(hash(&long))).await));
    let mismatched = send(text, Some(hash(plain))).await;
    assert!(mismatched["errors"][0]["message"].is_string());
    assert!(mismatched.get("data").is_none() || mismatched["data"].is_null());
}

/// Sign-in, where rate limits apply, tells the client what is left of the tighter limit
/// (per email address and per client address) in the `RateLimit-*` headers.
#[tokio::test]
async fn sign_in_answers_with_what_is_left_of_its_rate_limit() {
    let app = spawn_app().await;
    let attempt = || {
        app.client
            .post(format!("{}/graphql", app.url))
            .json(&json!({ "query": r#"mutation { signIn(input: {email: "nobody@school.example", password: "wrong"}) { userErrors { code } } }"# }))
            .send()
    };
    let first = attempt().await.unwrap();
    let header = |response: &reqwest::Response, name: &str| -> u64 {
        response.headers()[name].to_str().unwrap().parse().unwrap()
    };
    assert_eq!(
        header(&first, "ratelimit-limit"),
        5,
        "five a minute per email address"
    );
    assert_eq!(header(&first, "ratelimit-remaining"), 4);
    assert!((1..=60).contains(&header(&first, "ratelimit-reset")));
    let second = attempt().await.unwrap();
    assert_eq!(header(&second, "ratelimit-remaining"), 3);
}

/// A client that asks for it (`"extensions": {"cost": true}`) is told what its request
/// cost and the most one may cost, as Shopify's `extensions.cost` does.
#[tokio::test]
async fn a_request_that_asks_is_told_its_cost() {
    let app = spawn_app().await;
    let ask = |extensions: Value| {
        let request = app
            .client
            .post(format!("{}/graphql", app.url))
            .json(&json!({
                "query": "{ schools(first: 10) { nodes { name } } }",
                "extensions": extensions,
            }));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let told = ask(json!({ "cost": true })).await;
    let cost = &told["extensions"]["cost"];
    assert!(
        cost["requestedQueryCost"].as_u64().unwrap() >= 10,
        "{told:#}"
    );
    assert_eq!(cost["maximumAvailable"], 5000);
    let not_asked = ask(json!({})).await;
    assert!(not_asked.get("extensions").is_none(), "{not_asked:#}");
}
