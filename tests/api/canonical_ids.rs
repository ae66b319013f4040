//! Each object has exactly one global id and each position one cursor: another spelling of
//! the same key (`School:01`, `School:+1`) names no object, as an unknown id does not
//! (`NOT_FOUND`, no match), and another spelling of a cursor is `BAD_USER_INPUT`, wherever
//! ids and cursors are read. The same bytes in padded standard base64, as `graphql-relay`'s
//! `toGlobalId` writes ids, are the same id.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::common::gid;
use crate::community_world::community_world;
use crate::world::{error_code, mutate, mutate_ok};

/// Other spellings of the id of `kind` `key`.
fn other_spellings(kind: &str, key: i32) -> Vec<String> {
    let mut spellings: Vec<String> = [
        format!("{kind}:0{key}"),
        format!("{kind}:+{key}"),
        format!("{kind}: {key}"),
        format!("{kind}:{key} "),
        format!("{kind}:{key}\n"),
    ]
    .iter()
    .map(|text| URL_SAFE_NO_PAD.encode(text))
    .collect();
    // Padding the length does not need.
    spellings.push(format!(
        "{}===",
        URL_SAFE_NO_PAD.encode(format!("{kind}:{key}"))
    ));
    spellings
}

/// The id as `graphql-relay`'s `toGlobalId(kind, key)` writes it.
fn relay_global_id(kind: &str, key: i32) -> String {
    STANDARD.encode(format!("{kind}:{key}"))
}

#[tokio::test]
async fn an_id_written_by_graphql_relay_names_the_same_object() {
    let w = community_world().await;
    let token = &w.lead.token;
    let node = "query($id: ID!) { node(id: $id) { id ... on School { name } } }";
    let mut padded = 0;
    for school in w.schools.iter().copied() {
        let relay = relay_global_id("School", school);
        padded += usize::from(relay.ends_with('='));
        let found = w.app.ok(Some(token), node, json!({ "id": relay })).await;
        assert_eq!(found["node"]["id"], gid("School", school), "{relay}");
    }
    assert!(padded > 0, "some of the ids tried are padded");
}

#[tokio::test]
async fn only_the_canonical_id_names_an_object() {
    let w = community_world().await;
    let token = &w.lead.token;
    let school = w.schools[0];
    let alliance = w.alliance;
    assert_eq!(
        gid("School", school),
        URL_SAFE_NO_PAD.encode(format!("School:{school}"))
    );

    let node = "query($id: ID!) { node(id: $id) { id } }";
    let found = w
        .app
        .ok(Some(token), node, json!({ "id": gid("School", school) }))
        .await;
    assert_eq!(found["node"]["id"], gid("School", school));
    let members = "query($a: ID) { schools(filter: {allianceId: $a}) { totalCount } }";
    let all = w
        .app
        .ok(
            Some(token),
            members,
            json!({ "a": gid("Alliance", alliance) }),
        )
        .await;
    assert_eq!(all["schools"]["totalCount"], 3);

    for id in other_spellings("School", school) {
        let body = w.app.gql(Some(token), node, json!({ "id": id })).await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{id}: {body:#}");
        let many = w
            .app
            .ok(
                Some(token),
                "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                json!({ "ids": [id] }),
            )
            .await;
        assert_eq!(many["nodes"], json!([null]), "{id}");
    }
    for id in other_spellings("Alliance", alliance) {
        // In a filter: matches nothing.
        let none = w.app.ok(Some(token), members, json!({ "a": id })).await;
        assert_eq!(none["schools"]["totalCount"], 0, "{id}");
        // In a mutation's input: `NOT_FOUND` on the field, and nothing changes.
        let payload = mutate(
            &w.app,
            token,
            "updateAlliance",
            "alliance { name }",
            json!({ "allianceId": id, "expectedVersion": 1, "name": "Renamed" }),
        )
        .await;
        assert_eq!(
            payload["userErrors"][0]["code"], "NOT_FOUND",
            "{id}: {payload:#}"
        );
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["input", "allianceId"])
        );
    }
    let unchanged = w
        .app
        .ok(
            Some(token),
            node.replace("{ id }", "{ ... on Alliance { name } }")
                .as_str(),
            json!({ "id": gid("Alliance", alliance) }),
        )
        .await;
    assert_eq!(unchanged["node"]["name"], "Severn Alliance");
}

/// The cursor's JSON, re-encoded as given.
fn cursor_of(json: &str) -> String {
    URL_SAFE_NO_PAD.encode(json)
}

fn decoded(cursor: &Value) -> String {
    String::from_utf8(URL_SAFE_NO_PAD.decode(cursor.as_str().unwrap()).unwrap()).unwrap()
}

#[tokio::test]
async fn only_the_cursors_the_server_wrote_are_read() {
    let w = community_world().await;
    let token = &w.lead.token;
    let page = "query($after: String) { schools(first: 1, after: $after) { nodes { name } pageInfo { endCursor } } }";
    let first = w.app.ok(Some(token), page, json!({})).await;
    let cursor = first["schools"]["pageInfo"]["endCursor"].clone();
    let written = decoded(&cursor);
    let next = w
        .app
        .ok(Some(token), page, json!({ "after": cursor }))
        .await;
    assert_eq!(next["schools"]["nodes"][0]["name"], "Brook Academy");

    let value: Value = serde_json::from_str(&written).unwrap();
    let mut others = vec![
        // The same JSON, spaced out, or with its keys the other way round.
        cursor_of(&written.replace(':', ": ").replace(',', ", ")),
        cursor_of(&format!(
            r#"{{"key":{},"id":{}}}"#,
            value["key"], value["id"]
        )),
        // Base64 with padding (when its length needs any).
        URL_SAFE.encode(&written),
        // A key written with an escape.
        cursor_of(&written.replace("Ashby", "\\u0041shby")),
    ];
    others.retain(|other| other != cursor.as_str().unwrap());
    assert!(others.len() >= 3, "the key is Ashby's name: {written}");
    for other in others {
        let body = w
            .app
            .gql(Some(token), page, json!({ "after": other }))
            .await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{other}: {body:#}"
        );
    }

    // Practice search's orderings write their sort key into the cursor: a count as `e0`,
    // a time in RFC 3339 with `Z`.
    let head = &w.heads[0].token;
    let practice = w
        .draft_practice(json!({ "audience": { "visibility": "ALLIANCE", "allianceId": gid("Alliance", w.alliance) } }))
        .await;
    mutate_ok(
        &w.app,
        head,
        "publishPractice",
        "practice { id }",
        json!({ "practiceId": practice }),
    )
    .await;
    let search = "query($o: PracticeOrderField!, $after: String) {
        practices(first: 1, after: $after, orderBy: {field: $o}) { totalCount pageInfo { endCursor } } }";
    for (order, respell) in [
        ("MOST_ENDORSED", ("\"e0\"", "\"e+0\"")),
        ("MOST_ADAPTED", ("\"a0\"", "\"a00\"")),
        ("NEWEST", ("Z\"", "+00:00\"")),
    ] {
        let page = w.app.ok(Some(token), search, json!({ "o": order })).await;
        let cursor = page["practices"]["pageInfo"]["endCursor"].clone();
        let fine = w
            .app
            .gql(Some(token), search, json!({ "o": order, "after": cursor }))
            .await;
        assert!(fine.get("errors").is_none(), "{order}: {fine:#}");
        let written = decoded(&cursor);
        assert!(written.contains(respell.0), "{order}: {written}");
        let other = cursor_of(&written.replace(respell.0, respell.1));
        let body = w
            .app
            .gql(Some(token), search, json!({ "o": order, "after": other }))
            .await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{order}: {body:#}"
        );
    }
}
