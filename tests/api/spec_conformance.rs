//! The GraphQL specification to the letter where client caches and generated types rely
//! on it: a field that errors is `null` (or nulls its nearest nullable parent), keys come
//! in the order of the query, validation refuses what the specification says is invalid,
//! and every refusal, whatever the HTTP method or body size, reads as a GraphQL error.

use entity::enums::StaffRoleKind;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ALLOW, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::common::ordered::Ordered;
use crate::common::{TestApp, gid, spawn_app};
use crate::http_limits::{assert_refused, errors, post_query};
use crate::practice_world::{Spec, practice_world};

/// An alliance with a member school, and its headteacher signed in.
async fn headteacher_in_an_alliance(app: &TestApp) -> (String, i32) {
    let alliance = app.alliance("Severn Alliance").await;
    let school = app.school("Ashby Primary").await;
    app.member(alliance, school).await;
    let head = app.person("head@ashby.example", false).await;
    app.staff(head, school, StaffRoleKind::Headteacher).await;
    (app.sign_in("head@ashby.example").await, alliance)
}

/// A nullable field whose resolver fails is `null`, its error reported with its path,
/// and the fields beside it are answered; alone, it is still `{"a": null}`, not
/// `data: null`.
#[tokio::test]
async fn a_nullable_field_that_fails_is_null_beside_its_siblings() {
    let app = spawn_app().await;
    let body = app
        .gql(
            None,
            r#"{ a: node(id: "garbage") { id } b: __typename }"#,
            json!({}),
        )
        .await;
    assert_eq!(body["data"], json!({ "a": null, "b": "Query" }), "{body:#}");
    assert_eq!(body["errors"][0]["path"], json!(["a"]));
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");

    let body = app
        .gql(None, r#"{ a: node(id: "garbage") { id } }"#, json!({}))
        .await;
    assert_eq!(body["data"], json!({ "a": null }), "{body:#}");
    assert_eq!(errors(&body).len(), 1);
}

/// An error in a non-null field nulls its parent, and so on up to the nearest nullable
/// one, or `data` itself; each error is reported once.
#[tokio::test]
async fn a_non_null_field_that_fails_nulls_its_nearest_nullable_parent() {
    let app = spawn_app().await;
    // `schools` is non-null, so anonymous `data` is null altogether.
    let body = app
        .gql(
            None,
            "{ __typename schools(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(body["data"].is_null(), "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_eq!(body["errors"][0]["path"], json!(["schools"]));

    // A page of 1,000 memberships is refused; the non-null connection nulls its alliance,
    // which `node` may be.
    let (token, alliance) = headteacher_in_an_alliance(&app).await;
    let query = "query($id: ID!) { node(id: $id) { ... on Alliance { name memberships(first: 1000) { totalCount } } } other: __typename }";
    let body = app
        .gql(
            Some(&token),
            query,
            json!({ "id": gid("Alliance", alliance) }),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "node": null, "other": "Query" }),
        "{body:#}"
    );
    assert_eq!(errors(&body).len(), 1, "{body:#}");
    assert_eq!(body["errors"][0]["path"], json!(["node", "memberships"]));
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

/// The keys of `data`, and of every object in it, follow the query, every time: neither
/// the order in which fields finish nor the alphabet. Errors come first when there are
/// any, as the specification suggests.
#[tokio::test]
async fn keys_come_in_the_order_of_the_query() {
    let app = spawn_app().await;
    let (token, alliance) = headteacher_in_an_alliance(&app).await;
    let query = "query($id: ID!) {
        schools(first: 1) { totalCount nodes { name id } }
        alliances(first: 2) { totalCount }
        node(id: $id) { ... on Alliance { name id kind } }
        viewer { person { email displayName } }
    }";
    for _ in 0..5 {
        let text = app
            .gql_text(
                Some(&token),
                query,
                json!({ "id": gid("Alliance", alliance) }),
            )
            .await;
        let data = Ordered::parse(&text);
        let data = data.get("data");
        assert_eq!(
            data.keys(),
            ["schools", "alliances", "node", "viewer"],
            "{text}"
        );
        assert_eq!(data.get("schools").keys(), ["totalCount", "nodes"]);
        assert_eq!(data.get("node").keys(), ["name", "id", "kind"]);
        assert_eq!(
            data.get("viewer").get("person").keys(),
            ["email", "displayName"]
        );
    }
    let text = app
        .gql_text(
            None,
            r#"{ zeta: __typename alpha: node(id: "x") { id } }"#,
            json!({}),
        )
        .await;
    let body = Ordered::parse(&text);
    assert_eq!(body.keys(), ["errors", "data"], "{text}");
    assert_eq!(body.get("data").keys(), ["zeta", "alpha"], "{text}");
}

/// `nodes` answers `null` for each id the caller may not see and the objects it may, in
/// order, without an error: for anonymous callers, public practice is seen and nothing
/// else.
#[tokio::test]
async fn nodes_answers_null_for_each_id_the_caller_may_not_see() {
    let world = practice_world().await;
    let public = world
        .write(
            &world.head,
            world.schools[0],
            Spec::new("Retrieval starters"),
        )
        .await;
    let school = gid("School", world.schools[0]);
    let body = world
        .app
        .gql(
            None,
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [public, school, "garbage"] }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(
        body["data"]["nodes"],
        json!([{ "id": public }, null, null]),
        "{body:#}"
    );
}

/// Directives on `__typename` are validated as on every other field, and so are its
/// arguments: unknown and repeated directives are refused before anything runs.
#[tokio::test]
async fn directives_on_typename_are_validated() {
    let app = spawn_app().await;
    for query in [
        "{ __typename @evil }",
        "{ __typename @skip(if: false) @skip(if: false) }",
        "{ __typename @include }",
        "{ __typename(x: 1) }",
        "{ node(id: \"x\") { __typename @evil } }",
    ] {
        let (status, body) = post_query(&app, None, query).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_refused(&body, "BAD_USER_INPUT");
        assert!(body.get("data").is_none(), "{query}: {body:#}");
    }
    let (_, body) = post_query(
        &app,
        None,
        "{ __typename @skip(if: false) a: __typename @include(if: false) }",
    )
    .await;
    assert_eq!(body["data"], json!({ "__typename": "Query" }), "{body:#}");
}

/// An enum value written as a string is refused, in arguments, inputs and lists, and
/// nothing is created; the same value written as a name works, and as a variable (JSON
/// has no enums) too.
#[tokio::test]
async fn enum_values_written_as_strings_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let (token, _) = headteacher_in_an_alliance(&app).await;
    let create = |kind: &str| {
        format!(
            r#"mutation {{ createAlliance(input: {{ name: "Wye Cluster", kind: {kind} }}) {{ alliance {{ name kind }} userErrors {{ code }} }} }}"#
        )
    };
    let (_, body) = post_query(&app, Some(&token), &create("\"LOCAL_CLUSTER\"")).await;
    assert_refused(&body, "BAD_USER_INPUT");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("LOCAL_CLUSTER"), "{message}");
    let count = "{ alliances(first: 10) { totalCount } }";
    let before = app.ok(Some(&token), count, json!({})).await;
    assert_eq!(before["alliances"]["totalCount"], 1, "nothing was created");

    let body = app
        .ok(Some(&token), &create("LOCAL_CLUSTER"), json!({}))
        .await;
    assert_eq!(body["createAlliance"]["alliance"]["kind"], "LOCAL_CLUSTER");
    let body = app
        .ok(
            Some(&token),
            "mutation($k: AllianceKind!) { createAlliance(input: { name: \"Usk Cluster\", kind: $k }) { alliance { kind } } }",
            json!({ "k": "OTHER" }),
        )
        .await;
    assert_eq!(body["createAlliance"]["alliance"]["kind"], "OTHER");
    let (_, body) = post_query(
        &app,
        Some(&token),
        r#"{ schools(first: 1, filter: { phases: ["PRIMARY"] }) { totalCount } }"#,
    )
    .await;
    assert_refused(&body, "BAD_USER_INPUT");
}

/// A date or time that does not exist (30 February), written inline or sent as a
/// variable, is `BAD_USER_INPUT` naming the argument, not an internal error; so is an
/// argument whose variable was never sent.
#[tokio::test]
async fn a_date_or_time_that_does_not_exist_is_bad_user_input_naming_the_argument() {
    let app = spawn_app().await;
    let (token, alliance) = headteacher_in_an_alliance(&app).await;
    let alliance = gid("Alliance", alliance);
    let inline = format!(
        r#"{{ allianceCommunityReport(allianceId: "{alliance}", from: "2026-02-30") {{ __typename }} }}"#
    );
    let as_variable = "query($a: ID!, $from: NaiveDate) { allianceCommunityReport(allianceId: $a, from: $from) { __typename } }";
    let meeting = r#"mutation { scheduleCommunityMeeting(input: { communityId: "x", title: "Termly", startsAt: "2026-02-30T16:00:00Z", endsAt: "yesterday" }) { userErrors { code } } }"#;
    let answers = [
        (app.gql(Some(&token), &inline, json!({})).await, "from"),
        (
            app.gql(
                Some(&token),
                as_variable,
                json!({ "a": alliance, "from": "2026-02-30" }),
            )
            .await,
            "from",
        ),
        (app.gql(Some(&token), meeting, json!({})).await, "input"),
    ];
    for (body, argument) in answers {
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body:#}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("argument \"{argument}\"")),
            "{message}"
        );
    }
}

/// `PUT`, `DELETE` and `PATCH` get 405 naming the methods `/graphql` takes, and a body
/// over the limit 413: each with a GraphQL error and its code when the client takes
/// JSON, plain text otherwise.
#[tokio::test]
async fn other_methods_and_oversized_bodies_get_a_graphql_error() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.url);
    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let response = app
            .client
            .request(method.clone(), &url)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
        assert_eq!(response.headers()[ALLOW], "GET, POST, OPTIONS");
        assert!(
            response.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body: Value = response.json().await.unwrap();
        assert_refused(&body, "METHOD_NOT_ALLOWED");
    }
    let response = app
        .client
        .delete(&url)
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );

    let big = format!(
        r#"{{"query":"{{ __typename }}","pad":"{}"}}"#,
        "x".repeat(1024 * 1024)
    );
    let response = app
        .client
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, "application/graphql-response+json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/graphql-response+json")
    );
    let body: Value = response.json().await.unwrap();
    assert_refused(&body, "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1048576")
    );
}
