//! What is recorded as having happened cannot be dated in the future: a meeting's notes
//! and attendance are recorded once it has started; a meeting recorded as held does not
//! move to the future; enquiry evidence is not observed on a day to come.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::community_world::{Community, community_world};
use crate::world::{mutate, mutate_ok, user_error_codes};

const MEETING: &str = "... on CommunityMeeting { startsAt notesMarkdown version
    attendance { totalCount } }";

async fn meeting(app: &TestApp, token: &str, id: &Value) -> Value {
    let data = app
        .ok(
            Some(token),
            &format!("query($id: ID!) {{ node(id: $id) {{ {MEETING} }} }}"),
            json!({ "id": id }),
        )
        .await;
    data["node"].clone()
}

/// Schedules a meeting of `community` starting `from_now`, an hour long; its id.
async fn schedule(world: &Community, community: &Value, from_now: Duration) -> Value {
    let starts = Utc::now() + from_now;
    let scheduled = mutate_ok(
        &world.app,
        &world.lead.token,
        "scheduleCommunityMeeting",
        "meeting { id }",
        json!({ "communityId": community, "title": "Session", "startsAt": starts,
                "endsAt": starts + Duration::hours(1) }),
    )
    .await;
    scheduled["meeting"]["id"].clone()
}

/// A meeting two days ahead cannot be recorded (`INVALID_STATE`, nothing changes); once
/// it has started it can. A meeting recorded as held cannot move to the future; one not
/// recorded can.
#[tokio::test]
async fn a_meeting_is_recorded_once_it_has_started() {
    let world = community_world().await;
    let app = &world.app;
    let lead = &world.lead.token;
    let community = world
        .create("Questioning Circle", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let member = &world.teachers[0];
    world.add(&community, member).await;
    let record = json!({ "notesMarkdown": "We tried wait time.", "attendeeIds": [member.gid()] });

    let ahead = schedule(&world, &community, Duration::days(2)).await;
    let before = meeting(app, lead, &ahead).await;
    for input in [
        json!({ "attendeeIds": [member.gid()] }),
        json!({ "notesMarkdown": "Notes before it happened" }),
    ] {
        let mut input = input;
        input["meetingId"] = ahead.clone();
        let payload = mutate(app, lead, "recordCommunityMeeting", "meeting { id }", input).await;
        assert_eq!(user_error_codes(&payload), ["INVALID_STATE"], "{payload:#}");
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["input", "meetingId"])
        );
    }
    assert_eq!(meeting(app, lead, &ahead).await, before);

    let started = schedule(&world, &community, -Duration::minutes(5)).await;
    let mut input = record.clone();
    input["meetingId"] = started.clone();
    let recorded = mutate_ok(
        app,
        lead,
        "recordCommunityMeeting",
        "meeting { notesMarkdown attendance { totalCount } }",
        input,
    )
    .await;
    assert_eq!(recorded["meeting"]["attendance"]["totalCount"], 1);

    // Held, it stays in the past; the meeting two days ahead may still move.
    let later = Utc::now() + Duration::days(3);
    let held_before = meeting(app, lead, &started).await;
    let moved = mutate(
        app,
        lead,
        "updateCommunityMeeting",
        "meeting { id }",
        json!({ "meetingId": started, "expectedVersion": held_before["version"],
                "startsAt": later, "endsAt": later + Duration::hours(1) }),
    )
    .await;
    assert_eq!(user_error_codes(&moved), ["INVALID_STATE"], "{moved:#}");
    assert_eq!(
        moved["userErrors"][0]["field"],
        json!(["input", "startsAt"])
    );
    assert_eq!(meeting(app, lead, &started).await, held_before);
    mutate_ok(
        app,
        lead,
        "updateCommunityMeeting",
        "meeting { id }",
        json!({ "meetingId": ahead, "expectedVersion": before["version"],
                "startsAt": later, "endsAt": later + Duration::hours(1) }),
    )
    .await;
}

/// Evidence is observed today or before: a day after tomorrow is `INVALID` on
/// `observedOn` and adds nothing.
#[tokio::test]
async fn evidence_is_not_observed_in_the_future() {
    let world = community_world().await;
    let app = &world.app;
    let community = world
        .create("Questioning Circle", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let started = mutate_ok(
        app,
        &world.lead.token,
        "startEnquiry",
        "enquiry { id }",
        json!({ "communityId": community, "question": "Does wait time deepen reasoning?" }),
    )
    .await;
    let enquiry = started["enquiry"]["id"].clone();
    let evidence = |day: chrono::NaiveDate| json!({ "enquiryId": enquiry, "note": "Answers doubled in length", "observedOn": day });
    let today = Utc::now().date_naive();
    let future = mutate(
        app,
        &world.lead.token,
        "addEnquiryEvidence",
        "evidence { id }",
        evidence(today + Duration::days(2)),
    )
    .await;
    assert_eq!(user_error_codes(&future), ["INVALID"], "{future:#}");
    assert_eq!(
        future["userErrors"][0]["field"],
        json!(["input", "observedOn"])
    );
    let count = "query($id: ID!) { node(id: $id) { ... on Enquiry { evidence { totalCount } } } }";
    let none = app
        .ok(Some(&world.lead.token), count, json!({ "id": enquiry }))
        .await;
    assert_eq!(none["node"]["evidence"]["totalCount"], 0);

    for day in [today, today - Duration::days(3)] {
        mutate_ok(
            app,
            &world.lead.token,
            "addEnquiryEvidence",
            "evidence { id }",
            evidence(day),
        )
        .await;
    }
    let two = app
        .ok(Some(&world.lead.token), count, json!({ "id": enquiry }))
        .await;
    assert_eq!(two["node"]["evidence"]["totalCount"], 2);
}
