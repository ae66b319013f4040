//! Relay connections: page sizes and their limits, walking a list both ways with keyset
//! cursors, ordering, refused requests, nested connections and `totalCount`.

use crate::common::{TestApp, gid, spawn_app};
use crate::world::error_code;
use serde_json::{Value, json};

/// 25 names: distinct first letters (so every collation sorts them alike) and one name
/// used twice, so that ties on the name are broken by creation order.
const NAMES: [&str; 25] = [
    "Ash Grove Primary",
    "Birch Hill School",
    "Cedar Park Academy",
    "Dale View Primary",
    "Elm Tree Infants",
    "Fern Bank Juniors",
    "Glen Road School",
    "Hazel Grove Primary",
    "Hazel Grove Primary",
    "Ivy Lane Academy",
    "Juniper Primary",
    "Kestrel Academy",
    "Larch Wood School",
    "Maple Leaf Primary",
    "Nettle Bank School",
    "Oak Field Academy",
    "Poplar Primary",
    "Quarry Hill School",
    "Rowan Academy",
    "Spruce Primary",
    "Thorn Park School",
    "Upton Academy",
    "Vale Primary",
    "Willow Academy",
    "Yew Tree School",
];

/// A school as listed: its global id and name.
type Listed = (String, String);

struct Fixture {
    app: TestApp,
    token: String,
    /// In creation order.
    created: Vec<Listed>,
}

impl Fixture {
    /// The schools sorted by name, ties in creation order.
    fn by_name(&self) -> Vec<Listed> {
        let mut sorted = self.created.clone();
        sorted.sort_by(|a, b| a.1.cmp(&b.1)); // stable: ties keep creation order
        sorted
    }
}

/// 25 schools created in a shuffled order (so creation order is not name order), and a
/// signed-in caller with no roles: schools are public to anyone signed in.
async fn twenty_five_schools() -> Fixture {
    let app = spawn_app().await;
    let mut created = Vec::new();
    for n in 0..NAMES.len() {
        let name = NAMES[(n * 7) % NAMES.len()];
        let id = app.school(name).await;
        created.push((gid("School", id), name.to_owned()));
    }
    app.person("reader@example.org", false).await;
    let token = app.sign_in("reader@example.org").await;
    Fixture {
        app,
        token,
        created,
    }
}

const SCHOOLS: &str = "query($first: Int, $after: String, $last: Int, $before: String, $orderBy: NameOrder, $filter: SchoolFilter) {
    schools(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id name } } } }";

fn listed(connection: &Value) -> Vec<Listed> {
    connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| {
            (
                edge["node"]["id"].as_str().unwrap().to_owned(),
                edge["node"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn schools(fixture: &Fixture, variables: Value) -> Value {
    fixture
        .app
        .ok(Some(&fixture.token), SCHOOLS, variables)
        .await["schools"]
        .clone()
}

/// Walks forward `size` at a time; the pages, each checked for cursors and page info.
async fn walk_forward(fixture: &Fixture, size: usize, order: Value) -> Vec<Vec<Listed>> {
    let mut pages = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = schools(
            fixture,
            json!({ "first": size, "after": after, "orderBy": order }),
        )
        .await;
        assert_eq!(page["totalCount"], 25);
        let info = &page["pageInfo"];
        assert_eq!(info["hasPreviousPage"], !pages.is_empty(), "{info}");
        let edges = page["edges"].as_array().unwrap();
        assert_eq!(info["startCursor"], edges[0]["cursor"]);
        assert_eq!(info["endCursor"], edges[edges.len() - 1]["cursor"]);
        pages.push(listed(&page));
        if info["hasNextPage"] == false {
            return pages;
        }
        assert_eq!(edges.len(), size, "only the last page may be short");
        after = info["endCursor"].clone();
        assert!(pages.len() <= 25, "the walk does not end");
    }
}

/// Walks backward from the end `size` at a time; the pages, last page first.
async fn walk_backward(fixture: &Fixture, size: usize, order: Value) -> Vec<Vec<Listed>> {
    let mut pages = Vec::new();
    let mut before = Value::Null;
    loop {
        let page = schools(
            fixture,
            json!({ "last": size, "before": before, "orderBy": order }),
        )
        .await;
        assert_eq!(page["totalCount"], 25);
        let info = &page["pageInfo"];
        assert_eq!(info["hasNextPage"], !pages.is_empty(), "{info}");
        pages.push(listed(&page));
        if info["hasPreviousPage"] == false {
            return pages;
        }
        assert_eq!(
            page["edges"].as_array().unwrap().len(),
            size,
            "only the first page may be short"
        );
        before = info["startCursor"].clone();
        assert!(pages.len() <= 25, "the walk does not end");
    }
}

/// Without `first` or `last`, a page holds 20 schools, alphabetically, and says more follow.
#[tokio::test]
async fn the_first_page_holds_twenty_schools_and_says_more_follow() {
    let fixture = twenty_five_schools().await;
    let page = schools(&fixture, json!({})).await;
    assert_eq!(page["totalCount"], 25);
    assert_eq!(listed(&page), fixture.by_name()[..20].to_vec());
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], false);
}

/// A page's nodes answer every way of selecting fields as GraphQL specifies: aliases,
/// `__typename`, named and inline fragments (on the type, on an interface it implements,
/// without a type), and one key selected twice, whose selections merge. (Page nodes
/// resolve through `graphql::eager`, which falls back to async-graphql's general path for
/// the merge.)
#[tokio::test]
async fn page_nodes_answer_aliases_fragments_and_merged_selections() {
    let fixture = twenty_five_schools().await;
    let query = "query {
        schools(first: 2) { nodes {
            kind: __typename
            label: name
            ...Named
            ... on Node { id }
            ... { phase }
        } }
        merged: schools(first: 1) { nodes { n: name n: name id } }
    }
    fragment Named on School { name }";
    let data = fixture.app.ok(Some(&fixture.token), query, json!({})).await;
    let expected: Vec<Value> = fixture.by_name()[..2]
        .iter()
        .map(|(id, name)| {
            json!({ "kind": "School", "label": name, "name": name, "id": id, "phase": "PRIMARY" })
        })
        .collect();
    assert_eq!(data["schools"]["nodes"], json!(expected));
    let (id, name) = &fixture.by_name()[0];
    assert_eq!(data["merged"]["nodes"], json!([{ "n": name, "id": id }]));
}

/// Pages of more than 100, negative sizes, `first` with `last`, and cursors the server did
/// not issue are refused as bad input; 100 itself is fine.
#[tokio::test]
async fn malformed_page_requests_are_refused() {
    let fixture = twenty_five_schools().await;
    let cursor = schools(&fixture, json!({ "first": 1 })).await["pageInfo"]["endCursor"].clone();
    let refused = [
        json!({ "first": 101 }),
        json!({ "last": 101 }),
        json!({ "first": -1 }),
        json!({ "first": 2, "last": 2 }),
        json!({ "first": 2, "after": "not-a-cursor" }),
        json!({ "last": 2, "before": "bm90IGpzb24" }),
        json!({ "first": 2, "after": format!("{}x", cursor.as_str().unwrap()) }),
    ];
    for variables in refused {
        let body = fixture
            .app
            .gql(Some(&fixture.token), SCHOOLS, variables.clone())
            .await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{variables}: {body:#}"
        );
        assert_eq!(body["data"], Value::Null, "{variables}");
    }
    let hundred = schools(&fixture, json!({ "first": 100 })).await;
    assert_eq!(hundred["edges"].as_array().unwrap().len(), 25);
    assert_eq!(hundred["pageInfo"]["hasNextPage"], false);
}

/// `first`/`after` visits every school exactly once, in name order (ties in creation
/// order), whatever the page size.
#[tokio::test]
async fn walking_forward_visits_every_school_once_in_name_order() {
    let fixture = twenty_five_schools().await;
    for size in [7, 1, 25] {
        let pages = walk_forward(&fixture, size, Value::Null).await;
        assert_eq!(pages.len(), 25_usize.div_ceil(size), "size {size}");
        assert_eq!(pages.concat(), fixture.by_name(), "size {size}");
    }
}

/// `last`/`before` walks from the end to the start; each page is still in ascending order.
#[tokio::test]
async fn walking_backward_returns_each_page_in_ascending_order() {
    let fixture = twenty_five_schools().await;
    let expected = fixture.by_name();
    let pages = walk_backward(&fixture, 7, Value::Null).await;
    assert_eq!(pages.len(), 4);
    assert_eq!(
        pages[0],
        expected[18..].to_vec(),
        "the last seven, ascending"
    );
    assert_eq!(
        pages[3],
        expected[..4].to_vec(),
        "the first four, ascending"
    );
    let together: Vec<Listed> = pages.into_iter().rev().flatten().collect();
    assert_eq!(together, expected);
}

/// A cursor taken while walking forward also walks back: `before` the third page's start
/// gives the second page.
#[tokio::test]
async fn a_cursor_works_in_both_directions() {
    let fixture = twenty_five_schools().await;
    let pages = walk_forward(&fixture, 5, Value::Null).await;
    let third = schools(&fixture, json!({ "first": 5, "after": schools(&fixture, json!({ "first": 10 })).await["pageInfo"]["endCursor"] })).await;
    assert_eq!(listed(&third), pages[2]);
    let second = schools(
        &fixture,
        json!({ "last": 5, "before": third["pageInfo"]["startCursor"] }),
    )
    .await;
    assert_eq!(listed(&second), pages[1]);
    assert_eq!(second["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(second["pageInfo"]["hasNextPage"], true);
}

/// `orderBy` sorts by name descending, or by creation either way; walks in both directions
/// agree with it.
#[tokio::test]
async fn schools_can_be_ordered_by_name_descending_or_by_creation() {
    let fixture = twenty_five_schools().await;
    // Ties on the name come in creation order ascending, reversed when descending.
    let mut name_desc = fixture.by_name();
    name_desc.reverse();
    let mut created_desc = fixture.created.clone();
    created_desc.reverse();
    let orders = [
        (json!({ "field": "NAME", "direction": "DESC" }), name_desc),
        (json!({ "field": "CREATED_AT" }), fixture.created.clone()),
        (
            json!({ "field": "CREATED_AT", "direction": "DESC" }),
            created_desc,
        ),
    ];
    for (order, expected) in orders {
        let forward = walk_forward(&fixture, 6, order.clone()).await;
        assert_eq!(forward.concat(), expected, "forward, {order}");
        let backward: Vec<Listed> = walk_backward(&fixture, 6, order.clone())
            .await
            .into_iter()
            .rev()
            .flatten()
            .collect();
        assert_eq!(backward, expected, "backward, {order}");
    }
}

/// `totalCount` counts the whole filtered list, not the page.
#[tokio::test]
async fn total_count_counts_the_filtered_list() {
    let fixture = twenty_five_schools().await;
    let page = schools(
        &fixture,
        json!({ "first": 1, "filter": { "search": "hazel" } }),
    )
    .await;
    assert_eq!(page["totalCount"], 2);
    assert_eq!(page["edges"].as_array().unwrap().len(), 1);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let primaries = schools(
        &fixture,
        json!({ "first": 3, "filter": { "search": "primary" } }),
    )
    .await;
    let expected = NAMES.iter().filter(|name| name.contains("Primary")).count();
    assert_eq!(primaries["totalCount"], expected);
}

const MEMBERSHIPS: &str = "query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: MembershipFilter) {
    node(id: $id) { ... on Alliance {
        memberships(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
            totalCount
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { status school { name } } } } } } }";

fn school_names(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["school"]["name"].as_str().unwrap().to_owned())
        .collect()
}

/// An alliance's memberships page forward and backward two at a time, in the order the
/// schools were invited, with the right `totalCount` and page info on every page.
#[tokio::test]
async fn an_alliances_memberships_page_in_both_directions() {
    let app = spawn_app().await;
    let alliance = app.alliance("Harbour Alliance").await;
    let names = [
        "Zeta School",
        "Alpha School",
        "Mid School",
        "Beta School",
        "Omega School",
    ];
    for name in names {
        let school = app.school(name).await;
        app.member(alliance, school).await;
    }
    let lead = app.person("lead@harbour.example", false).await;
    app.alliance_role(lead, alliance, entity::enums::AllianceRoleKind::CpdLead)
        .await;
    let token = app.sign_in("lead@harbour.example").await;
    let id = gid("Alliance", alliance);
    let page = |variables: Value| {
        let app = &app;
        let token = &token;
        let id = id.clone();
        async move {
            let mut variables = variables;
            variables["id"] = json!(id);
            app.ok(Some(token), MEMBERSHIPS, variables).await["node"]["memberships"].clone()
        }
    };

    let first = page(json!({ "first": 2 })).await;
    let second = page(json!({ "first": 2, "after": first["pageInfo"]["endCursor"] })).await;
    let third = page(json!({ "first": 2, "after": second["pageInfo"]["endCursor"] })).await;
    assert_eq!(school_names(&first), ["Zeta School", "Alpha School"]);
    assert_eq!(school_names(&second), ["Mid School", "Beta School"]);
    assert_eq!(school_names(&third), ["Omega School"]);
    for (page, previous, next) in [
        (&first, false, true),
        (&second, true, true),
        (&third, true, false),
    ] {
        assert_eq!(page["totalCount"], 5);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], previous, "{page}");
        assert_eq!(page["pageInfo"]["hasNextPage"], next, "{page}");
    }

    let last = page(json!({ "last": 2 })).await;
    let before_last = page(json!({ "last": 2, "before": last["pageInfo"]["startCursor"] })).await;
    let start = page(json!({ "last": 2, "before": before_last["pageInfo"]["startCursor"] })).await;
    assert_eq!(school_names(&last), ["Beta School", "Omega School"]);
    assert_eq!(school_names(&before_last), ["Alpha School", "Mid School"]);
    assert_eq!(school_names(&start), ["Zeta School"]);
    for (page, previous, next) in [
        (&last, true, false),
        (&before_last, true, true),
        (&start, false, true),
    ] {
        assert_eq!(page["totalCount"], 5);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], previous, "{page}");
        assert_eq!(page["pageInfo"]["hasNextPage"], next, "{page}");
    }

    // A cursor from one direction works in the other.
    let back = page(json!({ "last": 2, "before": third["pageInfo"]["startCursor"] })).await;
    assert_eq!(school_names(&back), ["Mid School", "Beta School"]);

    // Filters narrow the count as well as the page; limits apply to nested pages too.
    let active = page(json!({ "first": 1, "filter": { "statuses": ["ACTIVE"] } })).await;
    assert_eq!(active["totalCount"], 5);
    let left = page(json!({ "first": 1, "filter": { "statuses": ["LEFT"] } })).await;
    assert_eq!(left["totalCount"], 0);
    assert_eq!(left["edges"], json!([]));
    assert_eq!(left["pageInfo"]["hasNextPage"], false);
    for variables in [
        json!({ "first": 101 }),
        json!({ "first": 1, "last": 1 }),
        json!({ "first": 1, "after": "garbage" }),
    ] {
        let mut variables = variables;
        variables["id"] = json!(id);
        let body = app.gql(Some(&token), MEMBERSHIPS, variables.clone()).await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{variables}: {body:#}"
        );
    }
}

/// In a list of alliances, each alliance's nested page and `totalCount` are its own.
#[tokio::test]
async fn nested_pages_and_counts_are_per_parent() {
    let app = spawn_app().await;
    app.person("admin@platform.example", true).await;
    let mut expected = Vec::new();
    for (alliance_name, members) in [
        ("Alpha Alliance", 5),
        ("Beta Alliance", 1),
        ("Gamma Alliance", 0),
        ("Delta Alliance", 3),
    ] {
        let alliance = app.alliance(alliance_name).await;
        let mut names = Vec::new();
        for n in 0..members {
            let name = format!("{alliance_name} school {n}");
            let school = app.school(&name).await;
            app.member(alliance, school).await;
            names.push(name);
        }
        names.truncate(2);
        expected.push(json!({ "name": alliance_name, "memberships": { "totalCount": members,
            "pageInfo": { "hasNextPage": members > 2 },
            "nodes": names.iter().map(|name| json!({ "school": { "name": name } })).collect::<Vec<_>>() } }));
    }
    expected.sort_by_key(|alliance| alliance["name"].as_str().unwrap().to_owned());
    let token = app.sign_in("admin@platform.example").await;
    let data = app
        .ok(
            Some(&token),
            "{ alliances { totalCount nodes { name memberships(first: 2) { totalCount pageInfo { hasNextPage } nodes { school { name } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["alliances"]["totalCount"], 4);
    assert_eq!(data["alliances"]["nodes"], json!(expected));
}
