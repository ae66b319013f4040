//! Who sees release time and who may set limits: the alliance's CPD lead every school's
//! totals but no one's days; a school's leaders their school and its staff; staff their
//! own days; another school's head, another alliance's lead and anonymous callers nothing.

use entity::enums::BookingStatus;
use serde_json::{Value, json};

use crate::common::{gid, spawn_app};
use crate::release_world::{World, at, booking, event};

const LEDGER: &str = "query($id: ID!) { node(id: $id) { ... on Alliance {
    releaseLedger(first: 10, period: {academicYear: 2025, term: AUTUMN}) { totalCount nodes { school { name } daysGiven } }
    releaseFairness(period: {academicYear: 2025}) { schools } } } }";
const DAYS_OUT: &str =
    "query($id: ID!) { node(id: $id) { ... on Person { daysOutThisTerm { days } } } }";
const CHECK: &str = "query($id: ID!) { releaseCheck(bookingId: $id) { bookingDays } }";
const SET: &str = "mutation($input: SetReleaseLimitInput!) { setReleaseLimit(input: $input) { releaseLimit { id } userErrors { code } } }";

#[tokio::test]
async fn each_caller_sees_only_the_release_time_the_policy_gives_them() {
    let app = spawn_app().await;
    let world = World::new(&app).await;
    world.autumn_2025(&app).await;
    let conference = event(
        &app,
        world.alliance,
        None,
        None,
        2,
        at("2025-11-20"),
        world.lead,
    )
    .await;
    let awaiting = booking(
        &app,
        &conference,
        world.ash_teacher,
        world.ash,
        BookingStatus::AwaitingApproval,
    )
    .await;

    let lead = app.sign_in("lead@severn.example").await;
    let oak_head = app.sign_in("head@oak.example").await;
    let ash_head = app.sign_in("head@ash.example").await;
    let ash_teacher = app.sign_in("teacher@ash.example").await;
    let birch_head = app.sign_in("head@birch.example").await;
    let other_lead = app.sign_in("lead@wye.example").await;
    let alliance = json!({ "id": gid("Alliance", world.alliance) });

    // The ledger: every school for the CPD lead, their own for a head, none for staff.
    let names = |data: &Value| -> Vec<String> {
        data["node"]["releaseLedger"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["school"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let seen = app.ok(Some(&lead), LEDGER, alliance.clone()).await;
    assert_eq!(names(&seen), ["Oak Primary", "Ash Primary", "Elm Academy"]);
    assert_eq!(seen["node"]["releaseLedger"]["totalCount"], 3);
    assert_eq!(seen["node"]["releaseFairness"]["schools"], 3);
    let seen = app.ok(Some(&oak_head), LEDGER, alliance.clone()).await;
    assert_eq!(names(&seen), ["Oak Primary"]);
    assert_eq!(seen["node"]["releaseLedger"]["totalCount"], 1);
    assert_eq!(seen["node"]["releaseFairness"], Value::Null);
    let seen = app.ok(Some(&ash_teacher), LEDGER, alliance.clone()).await;
    assert!(names(&seen).is_empty());
    assert_eq!(seen["node"]["releaseFairness"], Value::Null);
    // Another alliance's lead and a school outside do not see the alliance at all.
    for token in [&other_lead, &birch_head] {
        let body = app.gql(Some(token), LEDGER, alliance.clone()).await;
        assert_eq!(body["data"]["node"], Value::Null, "{body}");
        assert!(!body.to_string().contains("Oak Primary"));
    }
    let anonymous = app.gql(None, LEDGER, alliance.clone()).await;
    assert!(anonymous["data"]["node"].is_null(), "{anonymous}");

    // A school's line from the school: its leaders and the alliance's lead.
    const SCHOOL: &str =
        "query($id: ID!) { node(id: $id) { ... on School { releaseLedger { daysGiven } } } }";
    let oak = json!({ "id": gid("School", world.oak) });
    for (token, lines) in [
        (&oak_head, 1),
        (&lead, 1),
        (&ash_head, 0),
        (&ash_teacher, 0),
        (&other_lead, 0),
    ] {
        let seen = app.ok(Some(token), SCHOOL, oak.clone()).await;
        assert_eq!(
            seen["node"]["releaseLedger"].as_array().unwrap().len(),
            lines
        );
    }

    // A person's days out: themself and their school's leaders.
    let person = json!({ "id": gid("Person", world.ash_teacher) });
    for (token, sees) in [
        (&ash_teacher, true),
        (&ash_head, true),
        (&oak_head, false),
        (&lead, false),
    ] {
        let seen = app.ok(Some(token), DAYS_OUT, person.clone()).await;
        assert_eq!(!seen["node"]["daysOutThisTerm"].is_null(), sees, "{seen}");
    }

    // The release check of a booking: the person and the leaders who approve it.
    let check = json!({ "id": gid("EventBooking", awaiting.id) });
    for (token, sees) in [
        (&ash_head, true),
        (&ash_teacher, true),
        (&oak_head, false),
        (&lead, false),
        (&birch_head, false),
    ] {
        let body = app.gql(Some(token), CHECK, check.clone()).await;
        if sees {
            assert_eq!(body["data"]["releaseCheck"]["bookingDays"], 1.0, "{body}");
        } else {
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "NOT_FOUND",
                "{body}"
            );
        }
    }

    // Limits: only the school's leaders set them.
    let input = json!({ "input": { "schoolId": gid("School", world.ash), "daysPerTerm": 4 } });
    for token in [&ash_teacher, &oak_head, &lead] {
        let body = app.gql(Some(token), SET, input.clone()).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
    }
    let body = app.gql(None, SET, input.clone()).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body}"
    );
    let set = app.ok(Some(&ash_head), SET, input).await;
    let limit = set["setReleaseLimit"]["releaseLimit"]["id"].clone();
    assert!(limit.is_string());

    // A limit by id: its school's leaders and staff.
    const NODE: &str = "query($id: ID!) { node(id: $id) { ... on ReleaseLimit { daysPerTerm } } }";
    for (token, sees) in [
        (&ash_head, true),
        (&ash_teacher, true),
        (&oak_head, false),
        (&lead, false),
    ] {
        let body = app.gql(Some(token), NODE, json!({ "id": limit })).await;
        assert_eq!(!body["data"]["node"].is_null(), sees, "{body}");
    }
}
