//! Bad invitations to lead get a user error with its code and change nothing: inviting
//! oneself, someone outside the platform or the alliance, a subject of another alliance or
//! of the wrong type, one that does not suit the invitee, a second open invitation, a
//! title too long; answering someone else's invitation, and accepting a withdrawn one.

use entity::{audit_event, leadership_invitation};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::common::{TestApp, gid};
use crate::leadership::{
    CPD_LEAD, FACILITATOR, HEAD, INVITATION, OTHER_TEACHER, TEACHER, answer, event_id, invitation,
    meeting_id, relationship_id,
};
use crate::observations_scenario::person_key;
use crate::observations_visibility::Demo;
use crate::world::{mutate, mutate_ok, user_error_codes};

/// How many invitations to lead and audit entries there are, whoever made them.
pub async fn seen(app: &TestApp) -> (u64, u64) {
    let invitations = leadership_invitation::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    let audited = audit_event::Entity::find().count(&app.db).await.unwrap();
    (invitations, audited)
}

#[tokio::test]
async fn bad_invitations_get_user_errors_and_change_nothing() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let lead = demo.token(CPD_LEAD).await;
    let head = demo.token(HEAD).await;
    let teacher = demo.token(TEACHER).await;
    let visit = event_id(app, "Visit: maths mastery in Year 2").await;
    let good = invitation(app, TEACHER, "LEAD_EVENT", &visit).await;
    let before = seen(app).await;
    let refused = |payload: &Value, code: &str, field: &str| {
        assert_eq!(user_error_codes(payload), [code], "{payload:#}");
        assert_eq!(payload["userErrors"][0]["field"], json!(["input", field]));
        assert!(payload["invitation"].is_null());
    };

    // Oneself.
    let mut input = good.clone();
    input["personId"] = json!(gid("Person", person_key(app, HEAD).await));
    let payload = mutate(app, &head, "inviteToLead", INVITATION, input).await;
    refused(&payload, "INVALID", "personId");

    // No such person, an id of another kind, and a person of another alliance only.
    for person in [
        gid("Person", 9999),
        gid("School", 1),
        gid("Person", person_key(app, "teacher@riverside.example").await),
    ] {
        let mut input = good.clone();
        input["personId"] = json!(person);
        let payload = mutate(app, &lead, "inviteToLead", INVITATION, input).await;
        refused(&payload, "NOT_ON_PLATFORM", "personId");
    }

    // A subject of another alliance: Ashcroft is in both, so its head sees Riverside's
    // network meeting, but the invitation is made in Severn Valley.
    let ashcroft_head = demo.token("headteacher@ashcroft.example").await;
    let riverside_event = event_id(app, "Riverside subject leads' network").await;
    let input = invitation(
        app,
        "teacher@ashcroft.example",
        "LEAD_EVENT",
        &riverside_event,
    )
    .await;
    let payload = mutate(app, &ashcroft_head, "inviteToLead", INVITATION, input).await;
    refused(&payload, "INVALID", "subjectId");

    // A subject of another type than the kind says, none, and one the inviter cannot see
    // (Riverside's, from Kingsmead).
    for subject in [
        gid("CommunityMeeting", 1),
        gid("Event", 9999),
        riverside_event.clone(),
    ] {
        let mut input = good.clone();
        input["subjectId"] = json!(subject);
        let payload = mutate(app, &head, "inviteToLead", INVITATION, input).await;
        refused(&payload, "NOT_FOUND", "subjectId");
    }

    // A relationship the inviter cannot see (Riverside's, from Kingsmead).
    let riverside_coaching = relationship_id(app, "middle-leader@millbrook.example").await;
    let input = invitation(app, TEACHER, "COACH", &riverside_coaching).await;
    let payload = mutate(app, &head, "inviteToLead", INVITATION, input).await;
    refused(&payload, "NOT_FOUND", "subjectId");

    // An event no longer to be led: cancelled, held; a meeting already held.
    for title in [
        "Summer research conference",
        "SENCO network: adaptive teaching",
    ] {
        let event = event_id(app, title).await;
        let input = invitation(app, TEACHER, "LEAD_EVENT", &event).await;
        let payload = mutate(app, &lead, "inviteToLead", INVITATION, input).await;
        refused(&payload, "INVALID_STATE", "subjectId");
    }
    let opening = meeting_id(app, "KS2 Questioning Network", "Opening session").await;
    let input = invitation(app, TEACHER, "FACILITATE_COMMUNITY_MEETING", &opening).await;
    let payload = mutate(app, &lead, "inviteToLead", INVITATION, input).await;
    refused(&payload, "INVALID_STATE", "subjectId");

    // An event the invitee cannot see: a draft only its editors see.
    let draft = event_id(app, "Lesson study: reading fluency (draft)").await;
    let input = invitation(app, TEACHER, "LEAD_EVENT", &draft).await;
    let payload = mutate(app, &lead, "inviteToLead", INVITATION, input).await;
    refused(&payload, "INVALID", "subjectId");

    // A subject that does not suit the invitee: a relationship someone else coaches, a
    // meeting of a community they are not a member of.
    let coaching = relationship_id(app, FACILITATOR).await;
    let input = invitation(app, TEACHER, "COACH", &coaching).await;
    let payload = mutate(app, &lead, "inviteToLead", INVITATION, input).await;
    refused(&payload, "INVALID", "subjectId");
    let meeting = meeting_id(app, "KS2 Questioning Network", "Second session").await;
    let input = invitation(
        app,
        "teacher@severnvale.example",
        "FACILITATE_COMMUNITY_MEETING",
        &meeting,
    )
    .await;
    let payload = mutate(app, &lead, "inviteToLead", INVITATION, input).await;
    refused(&payload, "INVALID", "subjectId");

    // A title empty or too long, a message too long.
    for (field, value) in [
        ("what", json!("")),
        ("what", json!("x".repeat(201))),
        ("message", json!("x".repeat(2001))),
    ] {
        let mut input = good.clone();
        input[field] = value;
        let payload = mutate(app, &head, "inviteToLead", INVITATION, input).await;
        refused(&payload, "INVALID", field);
    }
    assert_eq!(seen(app).await, before, "nothing was made");

    // A second open invitation for the same person, kind and subject, by anyone.
    let first = mutate_ok(app, &head, "inviteToLead", INVITATION, good.clone()).await;
    let after_one = seen(app).await;
    let payload = mutate(app, &lead, "inviteToLead", INVITATION, good.clone()).await;
    refused(&payload, "TAKEN", "personId");
    assert_eq!(seen(app).await, after_one);

    // Answering someone else's invitation: the CPD lead sees it, but does not answer for
    // the teacher; another teacher does not see it at all.
    let id = first["invitation"]["id"].clone();
    let other = demo.token(OTHER_TEACHER).await;
    for token in [&lead, &other, &head] {
        let payload = answer(app, token, "acceptLeadershipInvitation", &id).await;
        refused(&payload, "NOT_FOUND", "invitationId");
    }
    let payload = answer(app, &teacher, "completeLeadership", &id).await;
    refused(&payload, "INVALID_STATE", "invitationId");

    // Accepting a withdrawn invitation.
    answer(app, &head, "withdrawLeadershipInvitation", &id).await;
    let after_withdrawal = seen(app).await;
    let payload = answer(app, &teacher, "acceptLeadershipInvitation", &id).await;
    refused(&payload, "INVALID_STATE", "invitationId");
    let payload = answer(app, &head, "withdrawLeadershipInvitation", &id).await;
    refused(&payload, "INVALID_STATE", "invitationId");
    assert_eq!(seen(app).await, after_withdrawal);
    let node = app
        .ok(
            Some(&teacher),
            "query($id: ID!) { node(id: $id) { ... on LeadershipInvitation { status } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(node["node"]["status"], "WITHDRAWN");
}

#[tokio::test]
async fn service_accounts_neither_invite_nor_see_invitations() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let token = demo.service_token().await;
    let visit = event_id(app, "Visit: maths mastery in Year 2").await;
    let input = invitation(app, TEACHER, "LEAD_EVENT", &visit).await;
    let body = crate::world::mutate_raw(app, &token, "inviteToLead", INVITATION, input).await;
    assert_eq!(
        crate::world::error_code(&body),
        Some("FORBIDDEN"),
        "{body:#}"
    );
    let data = app
        .ok(
            Some(&token),
            "{ viewer { leadershipInvitations(first: 5) { totalCount } leadershipRecord(first: 5) { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["viewer"]["leadershipInvitations"]["totalCount"], 0);
    assert_eq!(data["viewer"]["leadershipRecord"]["totalCount"], 0);
}
