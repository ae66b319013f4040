//! Bad input to community mutations gets a user error and changes nothing: joining twice,
//! a meeting that ends before it starts, replying in a closed community, removing or
//! losing the last facilitator, unknown and foreign ids, over-long text.

use crate::common::gid;
use crate::community_world::community_world;
use crate::world::{mutate_ok, user_error_codes};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

fn codes_and_field(payload: &Value) -> (Vec<String>, Value) {
    (
        user_error_codes(payload),
        payload["userErrors"][0]["field"].clone(),
    )
}

#[tokio::test]
async fn bad_input_is_a_user_error_and_changes_nothing() {
    let w = community_world().await;
    let app = &w.app;
    let [amy, ben, _] = &w.teachers;
    let community = w
        .create("Reading for pleasure", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let amy_membership = w.add(&community, amy).await;

    // Joining twice, and inviting someone already a member.
    let twice = w
        .payload(
            &amy.token,
            "requestToJoinCommunity",
            "membership { id }",
            json!({ "communityId": community }),
        )
        .await;
    assert_eq!(user_error_codes(&twice), ["TAKEN"]);
    let twice = w
        .payload(
            &w.lead.token,
            "inviteToCommunity",
            "membership { id }",
            json!({ "communityId": community, "personId": amy.gid() }),
        )
        .await;
    assert_eq!(
        codes_and_field(&twice),
        (vec!["TAKEN".to_owned()], json!(["input", "personId"]))
    );
    // Someone from another alliance cannot be invited.
    let foreign = w
        .payload(
            &w.lead.token,
            "inviteToCommunity",
            "membership { id }",
            json!({ "communityId": community, "personId": w.outsider.gid() }),
        )
        .await;
    assert_eq!(user_error_codes(&foreign), ["INVALID_STATE"]);

    // A meeting that ends before it starts; a bad link.
    let start = Utc::now() + Duration::days(2);
    let backwards = w.payload(&w.lead.token, "scheduleCommunityMeeting", "meeting { id }",
        json!({ "communityId": community, "title": "Backwards", "startsAt": start, "endsAt": start - Duration::hours(1) })).await;
    assert_eq!(
        codes_and_field(&backwards),
        (vec!["INVALID".to_owned()], json!(["input", "endsAt"]))
    );
    let link = w.payload(&w.lead.token, "scheduleCommunityMeeting", "meeting { id }",
        json!({ "communityId": community, "title": "Link", "startsAt": start, "endsAt": start + Duration::hours(1), "onlineUrl": "javascript:alert(1)" })).await;
    assert_eq!(user_error_codes(&link), ["INVALID"]);

    // Over-long and blank text.
    let long = "x".repeat(201);
    let named = w.payload(&w.lead.token, "createCommunity", "community { id }",
        json!({ "allianceId": gid("Alliance", w.alliance), "name": long, "kind": "COLLABORATION_NETWORK" })).await;
    assert_eq!(
        codes_and_field(&named),
        (vec!["INVALID".to_owned()], json!(["input", "name"]))
    );
    let body = w.payload(&amy.token, "startDiscussionThread", "thread { id }",
        json!({ "communityId": community, "title": "Long", "bodyMarkdown": "x".repeat(20_001) })).await;
    assert_eq!(user_error_codes(&body), ["INVALID"]);
    let blank = w
        .payload(
            &amy.token,
            "startDiscussionThread",
            "thread { id }",
            json!({ "communityId": community, "title": "  ", "bodyMarkdown": "Hi" }),
        )
        .await;
    assert_eq!(user_error_codes(&blank), ["INVALID"]);
    let asked = mutate_ok(
        app,
        &ben.token,
        "requestToJoinCommunity",
        "membership { id }",
        json!({ "communityId": community }),
    )
    .await;
    let no_reason = w
        .payload(
            &w.lead.token,
            "declineCommunityMembership",
            "membership { id }",
            json!({ "membershipId": asked["membership"]["id"], "reason": " " }),
        )
        .await;
    assert_eq!(
        codes_and_field(&no_reason),
        (vec!["INVALID".to_owned()], json!(["input", "reason"]))
    );

    // Unknown, malformed and foreign ids.
    for id in [
        json!("nonsense"),
        json!(gid("Community", 9999)),
        json!(gid("School", w.schools[0])),
    ] {
        let unknown = w
            .payload(
                &amy.token,
                "startDiscussionThread",
                "thread { id }",
                json!({ "communityId": id, "title": "T", "bodyMarkdown": "B" }),
            )
            .await;
        assert_eq!(user_error_codes(&unknown), ["NOT_FOUND"], "{id}");
    }
    let unknown_theme = w.payload(&w.lead.token, "createCommunity", "community { id }",
        json!({ "allianceId": gid("Alliance", w.alliance), "name": "Themed", "kind": "COLLABORATION_NETWORK", "themeIds": [gid("Theme", 9999)] })).await;
    assert_eq!(
        codes_and_field(&unknown_theme),
        (vec!["NOT_FOUND".to_owned()], json!(["input", "themeIds"]))
    );
    let stranger = w
        .payload(
            &w.lead.token,
            "recordCommunityMeeting",
            "meeting { id }",
            json!({ "meetingId": gid("CommunityMeeting", 9999), "notesMarkdown": "?" }),
        )
        .await;
    assert_eq!(user_error_codes(&stranger), ["NOT_FOUND"]);

    // The last facilitator can neither be removed nor leave.
    let lead_membership = w
        .app
        .ok(
            Some(&w.lead.token),
            "query($id: ID!) { node(id: $id) { ... on Community { viewerMembership { id } } } }",
            json!({ "id": community }),
        )
        .await["node"]["viewerMembership"]["id"]
        .clone();
    let remove = w
        .payload(
            &w.lead.token,
            "removeCommunityMember",
            "membership { id }",
            json!({ "membershipId": lead_membership }),
        )
        .await;
    assert_eq!(user_error_codes(&remove), ["INVALID_STATE"]);
    let leave = w
        .payload(
            &w.lead.token,
            "leaveCommunity",
            "membership { id }",
            json!({ "communityId": community }),
        )
        .await;
    assert_eq!(user_error_codes(&leave), ["INVALID_STATE"]);
    // With a second facilitator, the first may leave.
    mutate_ok(
        app,
        &w.lead.token,
        "makeCommunityFacilitator",
        "membership { role }",
        json!({ "membershipId": amy_membership }),
    )
    .await;
    let promote_again = w
        .payload(
            &w.lead.token,
            "makeCommunityFacilitator",
            "membership { role }",
            json!({ "membershipId": amy_membership }),
        )
        .await;
    assert_eq!(user_error_codes(&promote_again), ["INVALID_STATE"]);
    mutate_ok(
        app,
        &w.lead.token,
        "leaveCommunity",
        "membership { status }",
        json!({ "communityId": community }),
    )
    .await;
    let last = w
        .payload(
            &amy.token,
            "leaveCommunity",
            "membership { id }",
            json!({ "communityId": community }),
        )
        .await;
    assert_eq!(user_error_codes(&last), ["INVALID_STATE"]);

    // A thread, then the community closes: no replies, no threads, no joining.
    let thread = w.thread(&community, amy, "Before closing").await;
    mutate_ok(
        app,
        &w.lead.token,
        "closeCommunity",
        "community { status }",
        json!({ "communityId": community }),
    )
    .await;
    let reply = w
        .payload(
            &amy.token,
            "replyToDiscussionThread",
            "reply { id }",
            json!({ "threadId": thread, "bodyMarkdown": "late" }),
        )
        .await;
    assert_eq!(user_error_codes(&reply), ["INVALID_STATE"]);
    let join = w
        .payload(
            &w.colleague.token,
            "requestToJoinCommunity",
            "membership { id }",
            json!({ "communityId": community }),
        )
        .await;
    assert_eq!(user_error_codes(&join), ["INVALID_STATE"]);
    let reopen = w
        .payload(
            &w.lead.token,
            "activateCommunity",
            "community { id }",
            json!({ "communityId": community }),
        )
        .await;
    assert_eq!(user_error_codes(&reopen), ["INVALID_STATE"]);

    // Nothing of the refused changes happened.
    let state = app.ok(Some(&w.lead.token), "query($id: ID!) { node(id: $id) { ... on Community { status
        memberships(filter: { statuses: [ACTIVE, REQUESTED, INVITED, LEFT, DECLINED] }) { totalCount }
        threads { totalCount edges { node { replies { totalCount } } } }
        meetings(filter: { includeCancelled: true }) { totalCount } } } }", json!({ "id": community })).await;
    assert_eq!(state["node"]["status"], "CLOSED");
    assert_eq!(
        state["node"]["memberships"]["totalCount"], 3,
        "lead (left), amy, ben (requested)"
    );
    assert_eq!(state["node"]["threads"]["totalCount"], 1);
    assert_eq!(
        state["node"]["threads"]["edges"][0]["node"]["replies"]["totalCount"],
        0
    );
    assert_eq!(state["node"]["meetings"]["totalCount"], 0);
    let communities = app
        .ok(
            Some(&w.lead.token),
            "{ communities { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(communities["communities"]["totalCount"], 1);
}
