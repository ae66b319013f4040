//! Text holding a control character (NUL above all, which PostgreSQL cannot store where
//! SQLite would) is refused alike on both databases: in a mutation's input as an `INVALID`
//! user error on the field, in a query's arguments as `BAD_USER_INPUT` naming the argument;
//! never `INTERNAL`, and nothing is stored. Tabs and line breaks (CRLF too) are text.
//! Every search has a maximum length, refused with `BAD_USER_INPUT` past it.

use std::collections::HashMap;

use base64::Engine;
use entity::{alliance, audit_event, discussion_post, invitation, practice, refresh_session};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::common::gid;
use crate::community_world::{Community, community_world};
use crate::input_schema::{Target, not_refused, trial};
use crate::world::{error_code, mutate, mutate_ok};

const NUL: &str = "a\u{0}b";

#[tokio::test]
async fn every_text_in_every_mutation_input_refuses_control_characters() {
    let trial = trial().await;
    let before = audit_event::Entity::find()
        .count(&trial.app.db)
        .await
        .unwrap();
    let tried = trial.each_mutation(Target::Text, &|_| json!(NUL)).await;
    let failures = not_refused(&tried, |tried| tried.invalid("control character (U+0000)"));
    assert!(failures.is_empty(), "not refused:\n{}", failures.join("\n"));
    // Names, titles, bodies, links, labels, ids, credentials: every kind is among them.
    for case in [
        "createAlliance name",
        "createPractice bodyMarkdown",
        "createPractice links.0.url",
        "createPractice audience.allianceId",
        "inviteStaffMember subjects.0",
        "scheduleCommunityMeeting onlineUrl",
        "signIn email",
        "acceptInvitation token",
        "signOut refreshToken",
    ] {
        assert!(tried.iter().any(|t| t.case == case), "{case} was not tried");
    }
    assert!(tried.len() > 150, "only {} texts tried", tried.len());
    let after = audit_event::Entity::find()
        .count(&trial.app.db)
        .await
        .unwrap();
    assert_eq!(after, before);
}

#[tokio::test]
async fn every_text_in_every_query_argument_refuses_control_characters() {
    let trial = trial().await;
    let tried = trial.each_query(Target::Text, &|_| json!(NUL)).await;
    let failures = not_refused(&tried, |tried| {
        tried.bad_user_input("holds a control character (U+0000)")
    });
    assert!(failures.is_empty(), "not refused:\n{}", failures.join("\n"));
    // after/before of every list, ids, searches and filters, the URN looked up.
    assert!(tried.len() > 60, "only {} texts tried", tried.len());
}

/// Rows of what the mutations below would write.
async fn rows(w: &Community) -> [u64; 5] {
    let db = &w.app.db;
    [
        alliance::Entity::find().count(db).await.unwrap(),
        practice::Entity::find().count(db).await.unwrap(),
        discussion_post::Entity::find().count(db).await.unwrap(),
        invitation::Entity::find().count(db).await.unwrap(),
        refresh_session::Entity::find().count(db).await.unwrap(),
    ]
}

#[tokio::test]
async fn nul_in_names_titles_bodies_links_and_labels_is_refused_and_nothing_stored() {
    let w = community_world().await;
    let head = &w.heads[0].token;
    let community = w
        .create("Questioning", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let practice = |field: &str, value: Value| {
        let mut input = json!({ "schoolId": gid("School", w.schools[0]), "kind": "CASE_STUDY",
            "title": "Hinge questions", "summary": "One question, four answers.",
            "bodyMarkdown": "Every lesson.", "links": [{ "title": "Bank", "url": "https://example.org/q" }] });
        input[field] = value;
        input
    };
    let cases = [
        (
            "createAlliance",
            json!({ "name": "Oak\u{0} Alliance", "kind": "TEACHING_SCHOOL_ALLIANCE" }),
            vec!["name"],
        ),
        (
            "createPractice",
            practice("title", json!(NUL)),
            vec!["title"],
        ),
        (
            "createPractice",
            practice("bodyMarkdown", json!("First line\n\u{0}")),
            vec!["bodyMarkdown"],
        ),
        (
            "createPractice",
            practice(
                "links",
                json!([{ "title": "Bank", "url": "https://example.org/\u{0}" }]),
            ),
            vec!["links", "0", "url"],
        ),
        (
            "createPractice",
            practice("summary", json!("A lone\rcarriage return")),
            vec!["summary"],
        ),
        (
            "startDiscussionThread",
            json!({ "communityId": community, "title": "Wait time", "bodyMarkdown": "\u{1b}[31m red" }),
            vec!["bodyMarkdown"],
        ),
        (
            "inviteStaffMember",
            json!({ "schoolId": gid("School", w.schools[0]), "email": "new@ashby.example",
                    "givenName": "New", "familyName": "Teacher", "role": "TEACHER",
                    "subjects": ["Maths", "Sci\u{0}ence"] }),
            vec!["subjects", "1"],
        ),
        (
            "signIn",
            json!({ "email": "head@ashby.example\u{0}", "password": crate::common::PASSWORD }),
            vec!["email"],
        ),
    ];
    let before = rows(&w).await;
    for (mutation, input, field) in cases {
        let payload = mutate(&w.app, head, mutation, "", input).await;
        let expected: Vec<&str> = std::iter::once("input").chain(field).collect();
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(expected),
            "{mutation}: {payload:#}"
        );
        assert_eq!(payload["userErrors"][0]["code"], "INVALID", "{payload:#}");
        assert!(
            payload["userErrors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("control character"),
            "{payload:#}"
        );
    }
    assert_eq!(rows(&w).await, before, "nothing is stored");

    // Tabs, line feeds and Windows line breaks are text, kept as given.
    let body = "Line one\r\nLine two\n\tindented";
    let created = mutate_ok(
        &w.app,
        head,
        "createPractice",
        "practice { bodyMarkdown }",
        practice("bodyMarkdown", json!(body)),
    )
    .await;
    assert_eq!(created["practice"]["bodyMarkdown"], body);
}

#[tokio::test]
async fn nul_in_query_text_is_bad_user_input_naming_the_argument() {
    let w = community_world().await;
    let token = &w.lead.token;
    let nul_cursor =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"id":1,"key":"a\u0000"}"#);
    // (query, its variables, what the error names)
    let cases = [
        (
            "query($s: String) { people(filter: {search: $s}) { totalCount } }",
            "argument `filter.search` of `people`",
        ),
        (
            "query($s: String) { schools(filter: {search: $s}) { totalCount } }",
            "argument `filter.search` of `schools`",
        ),
        (
            "query($s: String) { schools(filter: {localAuthority: $s}) { totalCount } }",
            "argument `filter.localAuthority` of `schools`",
        ),
        (
            "query($s: String) { alliances(filter: {search: $s}) { totalCount } }",
            "argument `filter.search` of `alliances`",
        ),
        (
            "query($s: String) { communities(filter: {search: $s}) { totalCount } }",
            "argument `filter.search` of `communities`",
        ),
        (
            "query($s: String) { practices(query: $s) { totalCount } }",
            "argument `query` of `practices`",
        ),
        (
            "query($s: String) { auditEvents(filter: {actionPrefix: $s}) { totalCount } }",
            "argument `filter.actionPrefix` of `auditEvents`",
        ),
        (
            "query($s: ID) { auditEvents(filter: {subjectId: $s}) { totalCount } }",
            "argument `filter.subjectId` of `auditEvents`",
        ),
        (
            "query($s: String!) { schoolByUrn(urn: $s) { id } }",
            "argument `urn` of `schoolByUrn`",
        ),
        (
            "query($s: ID!) { node(id: $s) { id } }",
            "argument `id` of `node`",
        ),
        (
            "query($s: ID!) { nodes(ids: [\"x\", $s]) { id } }",
            "argument `ids[1]` of `nodes`",
        ),
        (
            "query($s: ID) { schools(filter: {allianceId: $s}) { totalCount } }",
            "argument `filter.allianceId` of `schools`",
        ),
        (
            "query($s: String) { schools(first: 1, after: $s) { totalCount } }",
            "argument `after` of `schools`",
        ),
        (
            "query($s: String) { alliances { nodes { memberships(before: $s) { totalCount } } } }",
            "argument `before` of `memberships`",
        ),
    ];
    for (query, names) in cases {
        let body = w.app.gql(Some(token), query, json!({ "s": NUL })).await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{query}: {body:#}"
        );
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(names), "{query}: {message}");
        assert!(message.contains("U+0000"), "{message}");
        assert!(
            body.get("data").is_none() || body["data"].is_null(),
            "{body:#}"
        );
    }
    // Written in the document rather than passed as a variable, and in a mutation's
    // selection: the same.
    let written = w
        .app
        .gql(
            Some(token),
            r#"{ people(filter: {search: "a\u0000b"}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&written), Some("BAD_USER_INPUT"), "{written:#}");
    // A cursor whose key holds NUL is not one this server wrote.
    let body = w
        .app
        .gql(
            Some(token),
            "query($c: String) { schools(first: 1, after: $c) { totalCount } }",
            json!({ "c": nul_cursor }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("invalid cursor")
    );
}

/// Every search and text filter of every list, with the variable `$s` and the name of the
/// argument, and the input field that documents it.
const SEARCHES: [(&str, &str, &str); 7] = [
    (
        "query($s: String) { people(filter: {search: $s}) { totalCount } }",
        "filter.search",
        "PersonFilter.search",
    ),
    (
        "query($s: String) { schools(filter: {search: $s}) { totalCount } }",
        "filter.search",
        "SchoolFilter.search",
    ),
    (
        "query($s: String) { schools(filter: {localAuthority: $s}) { totalCount } }",
        "filter.localAuthority",
        "SchoolFilter.localAuthority",
    ),
    (
        "query($s: String) { alliances(filter: {search: $s}) { totalCount } }",
        "filter.search",
        "AllianceFilter.search",
    ),
    (
        "query($s: String) { communities(filter: {search: $s}) { totalCount } }",
        "filter.search",
        "CommunityFilter.search",
    ),
    (
        "query($s: String) { auditEvents(filter: {actionPrefix: $s}) { totalCount } }",
        "filter.actionPrefix",
        "AuditEventFilter.actionPrefix",
    ),
    (
        "query($s: String) { practices(query: $s) { totalCount } }",
        "query",
        "Query.practices",
    ),
];

#[tokio::test]
async fn every_search_has_a_documented_maximum_of_200_characters() {
    let w = community_world().await;
    let token = &w.lead.token;
    for (query, argument, _) in SEARCHES {
        let at_most = w
            .app
            .gql(Some(token), query, json!({ "s": "é".repeat(200) }))
            .await;
        assert!(at_most.get("errors").is_none(), "{query}: {at_most:#}");
        for length in [201, 60_000] {
            let body = w
                .app
                .gql(Some(token), query, json!({ "s": "%".repeat(length) }))
                .await;
            assert_eq!(
                error_code(&body),
                Some("BAD_USER_INPUT"),
                "{query}: {body:#}"
            );
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert_eq!(
                message,
                format!("{argument} must be at most 200 characters"),
                "{query}"
            );
        }
    }

    // The limit is in the schema's descriptions.
    let schema = w
        .app
        .ok(
            None,
            "{ __schema { types { name inputFields { name description } }
               queryType { fields { name description } } } }",
            json!({}),
        )
        .await;
    let mut described = HashMap::new();
    for ty in schema["__schema"]["types"].as_array().unwrap() {
        for field in ty["inputFields"].as_array().into_iter().flatten() {
            described.insert(
                format!(
                    "{}.{}",
                    ty["name"].as_str().unwrap(),
                    field["name"].as_str().unwrap()
                ),
                field["description"].as_str().unwrap_or_default().to_owned(),
            );
        }
    }
    // `practices` says it of `query` in its own description.
    for field in schema["__schema"]["queryType"]["fields"]
        .as_array()
        .unwrap()
    {
        described.insert(
            format!("Query.{}", field["name"].as_str().unwrap()),
            field["description"].as_str().unwrap_or_default().to_owned(),
        );
    }
    for (_, _, documented_at) in SEARCHES {
        assert!(
            described[documented_at].contains("at most 200 characters"),
            "{documented_at}: {:?}",
            described[documented_at]
        );
    }
}
