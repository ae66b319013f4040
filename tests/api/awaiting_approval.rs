//! `viewer.awaitingMyApproval`: what waits for the viewer's decision, across practice in
//! review, requests to join communities and alliances' invitations, newest first; seen
//! only by those who may decide, and gone once decided. Its statements do not grow with
//! the number of rows.

use crate::common::{TestApp, gid};
use crate::community_world::{Community, Person, community_world, community_world_with};
use crate::world::{error_code, mutate_ok, set_membership_status};
use entity::enums::{AllianceRoleKind, MembershipStatus, StaffRoleKind};
use serde_json::{Value, json};

const AWAITING: &str = "query($first: Int, $after: String, $last: Int, $before: String) {
  viewer { awaitingMyApproval(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { kind needed since subject { __typename
      ... on Practice { id title status school { name } }
      ... on CommunityMembership { id status person { displayName } community { name } }
      ... on AllianceMembership { id status alliance { name } school { name } } } } } } } }";

/// The viewer's list, as `(kind, subject id)`, and its total.
async fn awaiting(app: &TestApp, token: &str) -> (Vec<(String, String)>, i64) {
    let data = app.ok(Some(token), AWAITING, json!({})).await;
    let list = &data["viewer"]["awaitingMyApproval"];
    (items(list), list["totalCount"].as_i64().unwrap())
}

fn items(list: &Value) -> Vec<(String, String)> {
    list["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            let node = &edge["node"];
            (
                node["kind"].as_str().unwrap().to_owned(),
                node["subject"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A practice at `school`, written by `author` and submitted for review; its id.
async fn practice_in_review(
    world: &Community,
    author: &Person,
    school: i32,
    title: &str,
) -> String {
    let created = mutate_ok(
        &world.app,
        &author.token,
        "createPractice",
        "practice { id }",
        json!({ "schoolId": gid("School", school), "kind": "CASE_STUDY", "title": title,
                "summary": "What we did", "bodyMarkdown": "How it went.",
                "audience": { "visibility": "ALLIANCE", "allianceId": gid("Alliance", world.alliance) } }),
    )
    .await;
    let id = created["practice"]["id"].as_str().unwrap().to_owned();
    mutate_ok(
        &world.app,
        &author.token,
        "submitPracticeForReview",
        "practice { status }",
        json!({ "practiceId": id }),
    )
    .await;
    id
}

/// `person` asks to join `community`; the membership's id.
async fn request_to_join(world: &Community, person: &Person, community: &Value) -> String {
    let asked = mutate_ok(
        &world.app,
        &person.token,
        "requestToJoinCommunity",
        "membership { id status }",
        json!({ "communityId": community }),
    )
    .await;
    asked["membership"]["id"].as_str().unwrap().to_owned()
}

/// The head of the first school has a practice in review and an invitation of the school
/// into another alliance; the CPD lead and the community's facilitator have a request to
/// join. Each sees what they decide, newest first, with what is needed and since when;
/// everyone else sees nothing; each item goes once decided.
#[tokio::test]
async fn each_decider_sees_what_awaits_them_newest_first() {
    let world = community_world().await;
    let app = &world.app;
    let head = &world.heads[0];
    let community = world
        .create("Questioning Circle", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    // A teacher of the second school facilitates the community.
    let facilitator = &world.teachers[1];
    let facilitation = world.add(&community, facilitator).await;
    mutate_ok(
        app,
        &world.lead.token,
        "makeCommunityFacilitator",
        "membership { role }",
        json!({ "membershipId": facilitation }),
    )
    .await;

    let before = chrono::Utc::now();
    let practice =
        practice_in_review(&world, &world.teachers[0], world.schools[0], "Exit tickets").await;
    let request = request_to_join(&world, &world.teachers[2], &community).await;
    let birch = app.alliance("Birch Alliance").await;
    let invitation = app.member(birch, world.schools[0]).await;
    set_membership_status(app, invitation, MembershipStatus::Invited).await;
    let invitation = gid("AllianceMembership", invitation);

    let data = app.ok(Some(&head.token), AWAITING, json!({})).await;
    let list = &data["viewer"]["awaitingMyApproval"];
    assert_eq!(list["totalCount"], 2, "{list:#}");
    assert_eq!(
        items(list),
        [
            ("ALLIANCE_INVITATION".to_owned(), invitation.clone()),
            ("PRACTICE_REVIEW".to_owned(), practice.clone()),
        ]
    );
    let first = &list["edges"][0]["node"];
    assert_eq!(first["subject"]["__typename"], "AllianceMembership");
    assert_eq!(first["subject"]["alliance"]["name"], "Birch Alliance");
    assert_eq!(first["subject"]["status"], "INVITED");
    assert!(
        first["needed"]
            .as_str()
            .unwrap()
            .contains("Accept or decline")
    );
    let review = &list["edges"][1]["node"];
    assert_eq!(review["subject"]["title"], "Exit tickets");
    assert_eq!(review["subject"]["status"], "IN_REVIEW");
    assert_eq!(review["subject"]["school"]["name"], "Ashby Primary");
    let since: chrono::DateTime<chrono::Utc> = review["since"].as_str().unwrap().parse().unwrap();
    assert!(
        since >= before - chrono::Duration::seconds(1),
        "{since} {before}"
    );

    let join = [("COMMUNITY_JOIN_REQUEST".to_owned(), request.clone())];
    for decider in [&world.lead, facilitator] {
        let data = app.ok(Some(&decider.token), AWAITING, json!({})).await;
        let list = &data["viewer"]["awaitingMyApproval"];
        assert_eq!(items(list), join, "{list:#}");
        let node = &list["edges"][0]["node"];
        assert_eq!(
            node["subject"]["person"]["displayName"],
            "cat cedar.example"
        );
        assert_eq!(node["subject"]["community"]["name"], "Questioning Circle");
        assert_eq!(node["subject"]["status"], "REQUESTED");
    }
    // The author, a colleague, other heads, the one asking, someone of another alliance:
    // nothing awaits them.
    for other in [
        &world.teachers[0],
        &world.colleague,
        &world.heads[1],
        &world.heads[2],
        &world.teachers[2],
        &world.outsider,
    ] {
        assert_eq!(awaiting(app, &other.token).await, (vec![], 0));
    }

    // Decided, each is gone.
    mutate_ok(
        app,
        &head.token,
        "approvePractice",
        "practice { status }",
        json!({ "practiceId": practice }),
    )
    .await;
    mutate_ok(
        app,
        &head.token,
        "declineAllianceInvitation",
        "membership { status }",
        json!({ "membershipId": invitation }),
    )
    .await;
    mutate_ok(
        app,
        &facilitator.token,
        "approveCommunityMembership",
        "membership { status }",
        json!({ "membershipId": request }),
    )
    .await;
    for decider in [head, &world.lead, facilitator] {
        assert_eq!(awaiting(app, &decider.token).await, (vec![], 0));
    }
}

/// The list pages by cursor both ways, newest first, and a cursor it did not issue is
/// `BAD_USER_INPUT`. Signing in is needed.
#[tokio::test]
async fn the_list_pages_both_ways() {
    let world = community_world().await;
    let app = &world.app;
    let head = &world.heads[0];
    let mut expected = Vec::new();
    for title in ["One", "Two", "Three", "Four", "Five"] {
        let id = practice_in_review(&world, &world.teachers[0], world.schools[0], title).await;
        expected.insert(0, ("PRACTICE_REVIEW".to_owned(), id));
    }
    assert_eq!(awaiting(app, &head.token).await, (expected.clone(), 5));

    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .ok(
                Some(&head.token),
                AWAITING,
                json!({ "first": 2, "after": after }),
            )
            .await;
        let list = &data["viewer"]["awaitingMyApproval"];
        seen.extend(items(list));
        assert_eq!(list["totalCount"], 5);
        if list["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = list["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, expected);

    let data = app
        .ok(Some(&head.token), AWAITING, json!({ "last": 2 }))
        .await;
    let list = &data["viewer"]["awaitingMyApproval"];
    assert_eq!(items(list), expected[3..]);
    assert_eq!(list["pageInfo"]["hasPreviousPage"], true);
    let before = list["pageInfo"]["startCursor"].clone();
    let data = app
        .ok(
            Some(&head.token),
            AWAITING,
            json!({ "last": 2, "before": before }),
        )
        .await;
    assert_eq!(items(&data["viewer"]["awaitingMyApproval"]), expected[1..3]);

    let bad = app
        .gql(
            Some(&head.token),
            AWAITING,
            json!({ "first": 2, "after": "bm90IGEgY3Vyc29y" }),
        )
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{bad:#}");
    let anonymous = app.gql(None, AWAITING, json!({})).await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous:#}"
    );
}

/// A person who leads a school and runs a community sees both kinds in one list; an
/// alliance admin sees the requests of every community of the alliance, a facilitator
/// only those of theirs.
#[tokio::test]
async fn one_list_gathers_every_kind_a_person_decides() {
    let world = community_world().await;
    let app = &world.app;
    let head = &world.heads[1];
    // The second school's head is also an admin of the alliance.
    app.alliance_role(head.id, world.alliance, AllianceRoleKind::Admin)
        .await;
    let head_token = app.sign_in("head@brook.example").await;
    let first = world
        .create("First Circle", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let second = world
        .create("Second Circle", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let asked_first = request_to_join(&world, &world.teachers[0], &first).await;
    let review =
        practice_in_review(&world, &world.teachers[1], world.schools[1], "Wait time").await;
    let asked_second = request_to_join(&world, &world.teachers[2], &second).await;

    let (list, total) = awaiting(app, &head_token).await;
    assert_eq!(total, 3);
    assert_eq!(
        list,
        [
            ("COMMUNITY_JOIN_REQUEST".to_owned(), asked_second.clone()),
            ("PRACTICE_REVIEW".to_owned(), review),
            ("COMMUNITY_JOIN_REQUEST".to_owned(), asked_first.clone()),
        ]
    );
    // The CPD lead created (and so facilitates) both.
    let (list, _) = awaiting(app, &world.lead.token).await;
    assert_eq!(list.len(), 2);
}

/// A head who also facilitates a community, with `n` items of each kind awaiting them;
/// the statements the full list query runs for them.
async fn statements_for(n: usize) -> u64 {
    // A DataLoader gathers keys for 50 ms, so that each batch holds all of one level even
    // on a busy machine.
    let world = community_world_with(&["--loader-delay-us", "50000"]).await;
    let app = &world.app;
    let head = &world.heads[0];
    let community = world
        .create("Questioning Circle", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let facilitation = world.add(&community, head).await;
    mutate_ok(
        app,
        &world.lead.token,
        "makeCommunityFacilitator",
        "membership { role }",
        json!({ "membershipId": facilitation }),
    )
    .await;
    for k in 0..n {
        practice_in_review(
            &world,
            &world.teachers[0],
            world.schools[0],
            &format!("Item {k}"),
        )
        .await;
        let email = format!("asker{k}@brook.example");
        let id = app.person(&email, false).await;
        app.staff(id, world.schools[1], StaffRoleKind::Teacher)
            .await;
        let asker = Person {
            id,
            token: app.sign_in(&email).await,
        };
        request_to_join(&world, &asker, &community).await;
        let alliance = app.alliance(&format!("Alliance {k}")).await;
        let invited = app.member(alliance, world.schools[0]).await;
        set_membership_status(app, invited, MembershipStatus::Invited).await;
    }
    let (statements, data) = app
        .query_statements(Some(&head.token), AWAITING, json!({}))
        .await;
    let list = &data["viewer"]["awaitingMyApproval"];
    assert_eq!(list["totalCount"], 3 * n);
    assert_eq!(list["edges"].as_array().unwrap().len(), 3 * n);
    for edge in list["edges"].as_array().unwrap() {
        let subject = &edge["node"]["subject"];
        let named = [
            &subject["school"]["name"],
            &subject["person"]["displayName"],
            &subject["alliance"]["name"],
        ];
        assert!(named.iter().any(|name| name.is_string()), "{subject}");
    }
    statements
}

/// The list and what its items show cost the same statements for one item of each kind
/// as for five of each: no statement per item.
#[tokio::test]
async fn the_list_runs_as_many_statements_for_five_times_the_items() {
    let one = statements_for(1).await;
    let five = statements_for(5).await;
    assert_eq!(
        one, five,
        "one of each: {one} statements; five of each: {five}"
    );
}
