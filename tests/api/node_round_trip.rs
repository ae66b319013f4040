//! Every type that implements `Node` in the served schema can be fetched by its id: an id
//! read from the demo data comes back from `node(id:)` and `nodes(ids:)` as the same
//! object, with its own `__typename`. A new `Node` type fails here until the demo holds
//! one and a query below reaches it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::common::spawn_app;

/// Reaches at least one object of every `Node` type in the demo data; each object that
/// implements `Node` is selected with `...node`.
const FINDERS: &[&str] = &[
    "{ alliances(first: 5) { nodes { ...node
        memberships(first: 3) { nodes { ...node } }
        partnerships(first: 3) { nodes { ...node schools(first: 3) { nodes { ...node } } } }
        roles(first: 3) { nodes { ...node } }
        pendingInvitations(first: 3) { nodes { ...node } }
        themes { ...node } } } }",
    "{ people(first: 5) { nodes { ...node staffRoles { ...node } } }
       schools(first: 5) { nodes { ...node pendingInvitations(first: 3) { nodes { ...node } }
         releaseLimits { ...node } } } }",
    "{ communities(first: 5) { nodes { ...node
        memberships(first: 3) { nodes { ...node } }
        meetings(first: 3) { nodes { ...node } }
        threads(first: 3) { nodes { ...node replies(first: 3) { nodes { ...node } } } }
        enquiries(first: 3) { nodes { ...node evidence(first: 3) { nodes { ...node } } } } } }
       themes { ...node } }",
    "{ practices(first: 10) { nodes { ...node endorsements(first: 3) { nodes { ...node } } } }
       supportArrangements(first: 5) { nodes { ...node request { ...node } offer { ...node } } }
       serviceAccounts(first: 3) { nodes { ...node } } }",
    "{ webhookEndpoints(first: 5) { nodes { ...node } } }",
    "{ calendarFeeds(first: 5) { nodes { ...node } } }",
    "{ viewer { notifications(first: 3) { nodes { ...node } } } }",
    "{ events(first: 10) { nodes { ...node bookings(first: 3) { nodes { ...node } } } } }",
];

/// Observations and reflections belong to their owner: not even the platform admin sees
/// them. These finders run as the owner (Kingsmead's teacher), who round-trips them.
const OWNER_FINDERS: &[&str] = &[
    "{ viewer { observations(first: 3) { nodes { ...node } } reflections(first: 3) { nodes { ...node } } } }",
];
const OWNER: &str = "teacher@kingsmead.example";
/// Reached as a coach in the demo (Kingsmead's maths lead): a coaching relationship's
/// cycles, sessions and action steps are seen by its coach and coachee only, never by a
/// platform admin; her invitations to lead (received and sent) are listed to her.
const COACH_FINDERS: &[&str] = &[
    "{ viewer { leadershipInvitations(first: 3) { nodes { ...node } } } }",
    "{ coachingRelationships(first: 3) { nodes { ...node cycles { ...node } sessions { ...node }
        actionSteps { ...node technique { ...node } } } }
       expertiseProfile { entries { ...node } }
       techniques(first: 3) { nodes { ...node } } }",
];
const COACH: &str = "middle-leader@kingsmead.example";

const NODE: &str = "fragment node on Node { __typename id }";

/// The first id seen of each type, among the objects anywhere in `value` that carry a
/// `__typename` and an `id`.
fn collect_ids(value: &Value, found: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(fields) => {
            if let (Some(Value::String(kind)), Some(Value::String(id))) =
                (fields.get("__typename"), fields.get("id"))
            {
                found.entry(kind.clone()).or_insert_with(|| id.clone());
            }
            fields.values().for_each(|field| collect_ids(field, found));
        }
        Value::Array(items) => items.iter().for_each(|item| collect_ids(item, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_node_type_round_trips_through_node_and_nodes() {
    let app = spawn_app().await;
    trellis::seed::demo::load(&app.db).await.unwrap();
    let sign_in = |email: &'static str| {
        let app = &app;
        async move {
            app.ok(
                None,
                "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } } }",
                json!({ "e": email, "p": trellis::seed::demo::DEMO_PASSWORD }),
            )
            .await["signIn"]["session"]["accessToken"]
                .as_str()
                .expect("a demo account signs in")
                .to_owned()
        }
    };
    let admin = sign_in("admin@trellis.example").await;
    let coach = sign_in(COACH).await;
    let token = Some(admin.as_str());

    let schema = app
        .ok(
            token,
            "{ __type(name: \"Node\") { possibleTypes { name } } }",
            json!({}),
        )
        .await;
    let node_types: BTreeSet<String> = schema["__type"]["possibleTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(node_types.len() > 20, "{node_types:?}");

    let mut ids = BTreeMap::new();
    for finder in FINDERS {
        let data = app.ok(token, &format!("{finder} {NODE}"), json!({})).await;
        collect_ids(&data, &mut ids);
    }
    let owner = sign_in(OWNER).await;
    let mut owned = BTreeMap::new();
    for finder in OWNER_FINDERS {
        let data = app
            .ok(Some(&owner), &format!("{finder} {NODE}"), json!({}))
            .await;
        collect_ids(&data, &mut owned);
    }
    let one = format!("query($id: ID!) {{ node(id: $id) {{ ...node }} }} {NODE}");
    for (kind, id) in &owned {
        let found = app.ok(Some(&owner), &one, json!({ "id": id })).await;
        assert_eq!(
            found["node"],
            json!({ "__typename": kind, "id": id }),
            "{kind}"
        );
        let many = format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ...node }} }} {NODE}");
        let found = app.ok(Some(&owner), &many, json!({ "ids": [id] })).await;
        assert_eq!(
            found["nodes"],
            json!([{ "__typename": kind, "id": id }]),
            "{kind}"
        );
    }
    let mut coach_ids = BTreeMap::new();
    for finder in COACH_FINDERS {
        let data = app
            .ok(Some(&coach), &format!("{finder} {NODE}"), json!({}))
            .await;
        collect_ids(&data, &mut coach_ids);
    }
    coach_ids.retain(|kind, _| !ids.contains_key(kind));
    let mut covered: BTreeSet<String> = ids.keys().chain(owned.keys()).cloned().collect();
    covered.extend(coach_ids.keys().cloned());
    assert_eq!(
        covered, node_types,
        "each Node type in the schema needs an object in the demo data that a finder reaches"
    );

    let one = format!("query($id: ID!) {{ node(id: $id) {{ ...node }} }} {NODE}");
    for (kind, id) in &coach_ids {
        let found = app.ok(Some(&coach), &one, json!({ "id": id })).await;
        assert_eq!(
            found["node"],
            json!({ "__typename": kind, "id": id }),
            "{kind}, as the coach"
        );
    }
    for (kind, id) in &ids {
        let found = app.ok(token, &one, json!({ "id": id })).await;
        assert_eq!(
            found["node"],
            json!({ "__typename": kind, "id": id }),
            "{kind}"
        );
    }

    let many = format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ...node }} }} {NODE}");
    let expected: Vec<Value> = ids
        .iter()
        .map(|(kind, id)| json!({ "__typename": kind, "id": id }))
        .collect();
    let ids: Vec<&String> = ids.values().collect();
    let found = app.ok(token, &many, json!({ "ids": ids })).await;
    assert_eq!(found["nodes"], json!(expected));
}
