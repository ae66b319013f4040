//! The life of an invitation to lead once made: made twice at once it is made once;
//! answered and withdrawn at once, every change applied is counted and audited once;
//! accepting what can no longer be led is refused; the invitee steps back from what they
//! accepted and the inviter withdraws it, and the invitee is told; an inviter who has left
//! acts on it no more; the alliance lists its invitations to its coordinators.

use chrono::{Days, Utc};
use entity::{audit_event, leadership_invitation, staff_role};
use futures_util::future::join_all;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::common::{TestApp, gid};
use crate::leadership::{
    CPD_LEAD, FACILITATOR, HEAD, INVITATION, TEACHER, answer, event_id, invitation, meeting_id,
};
use crate::leadership_bad_input::seen;
use crate::observations_scenario::person_key;
use crate::observations_visibility::Demo;
use crate::world::{error_code, key_of, mutate, mutate_ok, mutate_raw, user_error_codes};

const INBOX: &str = "{ viewer { notifications(first: 50) { nodes { type } } } }";

/// The kinds of notice in the inbox of `token`.
async fn notice_types(app: &TestApp, token: &str) -> Vec<String> {
    // Notices reach the inbox after the change commits: wait for those queued so far.
    app.notifier.settled().await;
    let inbox = app.ok(Some(token), INBOX, json!({})).await;
    inbox["viewer"]["notifications"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|notice| notice["type"].as_str().unwrap().to_owned())
        .collect()
}

/// The id of the invitation titled `what` that `token` received.
async fn received(app: &TestApp, token: &str, what: &str) -> Value {
    let data = app
        .ok(
            Some(token),
            "{ viewer { leadershipInvitations(first: 50, filter: { direction: RECEIVED }) { nodes { id what } } } }",
            json!({}),
        )
        .await;
    data["viewer"]["leadershipInvitations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["what"] == what)
        .unwrap_or_else(|| panic!("{what} received: {data:#}"))["id"]
        .clone()
}

/// The status of the invitation `id`, as `token` sees it through `node`.
async fn status(app: &TestApp, token: &str, id: &Value) -> Value {
    let data = app
        .ok(
            Some(token),
            "query($id: ID!) { node(id: $id) { ... on LeadershipInvitation { status version } } }",
            json!({ "id": id }),
        )
        .await;
    data["node"].clone()
}

/// The codes of each payload's user errors, and how many payloads have none.
fn applied(payloads: &[Value], allowed: &[&str]) -> usize {
    for payload in payloads {
        let codes = user_error_codes(payload);
        assert!(
            codes.is_empty() || (codes.len() == 1 && allowed.contains(&codes[0].as_str())),
            "{payload:#}"
        );
    }
    payloads
        .iter()
        .filter(|payload| payload["userErrors"] == json!([]))
        .count()
}

#[tokio::test]
async fn invitations_made_at_once_are_made_once() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let head = demo.token(HEAD).await;
    let lead = demo.token(CPD_LEAD).await;
    let visit = event_id(app, "Visit: maths mastery in Year 2").await;
    let input = invitation(app, TEACHER, "LEAD_EVENT", &visit).await;
    let teacher_key = person_key(app, TEACHER).await;
    let rows = || {
        leadership_invitation::Entity::find()
            .filter(leadership_invitation::Column::PersonId.eq(teacher_key))
            .filter(leadership_invitation::Column::SubjectId.eq(key_of(&json!(visit))))
            .count(&app.db)
    };

    // The headteacher and the CPD lead invite the teacher to the same thing at once,
    // several times each: one invitation is made, the others are told it is taken.
    let payloads = join_all((0..8).map(|n| {
        let token = if n % 2 == 0 { &head } else { &lead };
        mutate(
            app,
            token,
            "inviteToLead",
            "invitation { id }",
            input.clone(),
        )
    }))
    .await;
    assert_eq!(applied(&payloads, &["TAKEN"]), 1, "{payloads:#?}");
    assert_eq!(rows().await.unwrap(), 1);
    let id = payloads
        .iter()
        .find(|payload| payload["userErrors"] == json!([]))
        .unwrap()["invitation"]["id"]
        .clone();

    // The teacher accepts while the headteacher withdraws: whatever is applied moves the
    // version on once and is audited once.
    let teacher = demo.token(TEACHER).await;
    let steps = join_all((0..8).map(|n| {
        let (token, mutation) = if n % 2 == 0 {
            (&teacher, "acceptLeadershipInvitation")
        } else {
            (&head, "withdrawLeadershipInvitation")
        };
        mutate(
            app,
            token,
            mutation,
            "invitation { status }",
            json!({ "invitationId": id }),
        )
    }))
    .await;
    let changes = applied(&steps, &["CONFLICT", "INVALID_STATE", "NOT_FOUND"]);
    assert!((1..=2).contains(&changes), "{steps:#?}");
    let now = status(app, &teacher, &id).await;
    assert_eq!(now["version"], 1 + changes as i64, "{now:#}");
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Subject.eq(id.as_str().unwrap()))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 1 + changes as u64, "invited, then each change");
}

#[tokio::test]
async fn accepting_what_can_no_longer_be_led_is_refused() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let teacher = demo.token(TEACHER).await;
    let facilitator = demo.token(FACILITATOR).await;

    // The demo's facilitator invited the teacher to facilitate the second session; it
    // reached her inbox as an invitation.
    let id = received(app, &teacher, "Facilitate the second session on wait time").await;
    let input = invitation(
        app,
        "teacher@staidans.example",
        "FACILITATE_COMMUNITY_MEETING",
        &meeting_id(app, "KS2 Questioning Network", "Second session").await,
    )
    .await;
    mutate_ok(app, &facilitator, "inviteToLead", INVITATION, input).await;
    let staidans = demo.token("teacher@staidans.example").await;
    assert!(
        notice_types(app, &staidans)
            .await
            .contains(&"LEADERSHIP_INVITED".to_owned())
    );

    // The meeting is cancelled: she can no longer accept, and it still waits.
    let meeting = meeting_id(app, "KS2 Questioning Network", "Second session").await;
    mutate_ok(
        app,
        &facilitator,
        "cancelCommunityMeeting",
        "__typename",
        json!({ "meetingId": meeting }),
    )
    .await;
    let before = seen(app).await;
    let payload = answer(app, &teacher, "acceptLeadershipInvitation", &id).await;
    assert_eq!(user_error_codes(&payload), ["INVALID_STATE"], "{payload:#}");
    assert_eq!(status(app, &teacher, &id).await["status"], "PENDING");
    assert_eq!(seen(app).await, before, "nothing changed");

    // She declines it instead.
    let declined = answer(app, &teacher, "declineLeadershipInvitation", &id).await;
    assert_eq!(declined["invitation"]["status"], "DECLINED");
}

#[tokio::test]
async fn accepted_leadership_is_stepped_back_from_or_withdrawn() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let record = "{ viewer { leadershipRecord(first: 20) { nodes { what } } } }";
    let whats = |data: &Value| -> Vec<Value> {
        data["viewer"]["leadershipRecord"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|node| node["what"].clone())
            .collect()
    };

    // Priya steps back from hosting the visit she accepted: it leaves her record, and her
    // headteacher is told.
    let priya = demo.token("priya.shah@kingsmead.example").await;
    let hosting = "Host the Year 2 maths mastery visit";
    let id = received(app, &priya, hosting).await;
    let payload = answer(app, &priya, "declineLeadershipInvitation", &id).await;
    assert_eq!(payload["invitation"]["status"], "DECLINED");
    let data = app.ok(Some(&priya), record, json!({})).await;
    assert!(!whats(&data).contains(&json!(hosting)), "{data:#}");
    let mail = app.mail().await;
    assert!(
        mail.iter()
            .any(|m| m.to == HEAD && m.subject.contains("was declined"))
    );

    // The CPD lead withdraws the coaching the maths lead accepted: it leaves his record,
    // and he is told.
    let lead = demo.token(CPD_LEAD).await;
    let facilitator = demo.token(FACILITATOR).await;
    let coaching = "Coach a St Aidan's teacher in assessment for learning";
    let id = received(app, &facilitator, coaching).await;
    let refused = answer(app, &facilitator, "withdrawLeadershipInvitation", &id).await;
    assert_eq!(
        user_error_codes(&refused),
        ["NOT_FOUND"],
        "only the inviter"
    );
    let payload = answer(app, &lead, "withdrawLeadershipInvitation", &id).await;
    assert_eq!(payload["invitation"]["status"], "WITHDRAWN");
    let data = app.ok(Some(&facilitator), record, json!({})).await;
    assert!(!whats(&data).contains(&json!(coaching)), "{data:#}");
    let mail = app.mail().await;
    assert!(
        mail.iter()
            .any(|m| m.to == "middle-leader@kingsmead.example"
                && m.subject == format!("An invitation to lead was withdrawn: {coaching}"))
    );
    assert!(
        notice_types(app, &facilitator)
            .await
            .contains(&"LEADERSHIP_WITHDRAWN".to_owned()),
        "the withdrawal reaches his inbox too"
    );
}

#[tokio::test]
async fn the_alliance_lists_its_invitations_to_its_coordinators() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let query = "query($a: ID!, $s: [LeadershipStatus!]) { node(id: $a) { ... on Alliance {
        leadershipInvitations(first: 50, statuses: $s) { totalCount nodes { what status } } } } }";
    let count = |data: &Value| data["node"]["leadershipInvitations"]["totalCount"].clone();
    let severn_valley = gid("Alliance", 1);

    // The CPD lead sees all five of Severn Valley's, and narrows them by status.
    let lead = demo.token(CPD_LEAD).await;
    let all = app
        .ok(Some(&lead), query, json!({ "a": severn_valley }))
        .await;
    assert_eq!(count(&all), 5, "{all:#}");
    let accepted = app
        .ok(
            Some(&lead),
            query,
            json!({ "a": severn_valley, "s": ["ACCEPTED"] }),
        )
        .await;
    assert_eq!(count(&accepted), 2, "{accepted:#}");

    // A teacher sees only the one she received.
    let teacher = demo.token(TEACHER).await;
    let own = app
        .ok(Some(&teacher), query, json!({ "a": severn_valley }))
        .await;
    assert_eq!(count(&own), 1, "{own:#}");
}

/// An inviter acts on an invitation only while they could still make it: a headteacher who
/// has left the school neither withdraws nor marks done the visit they invited a teacher
/// to host, and it stays hers as it was.
#[tokio::test]
async fn an_inviter_who_has_left_no_longer_withdraws_or_completes() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let priya = demo.token("priya.shah@kingsmead.example").await;
    let id = received(app, &priya, "Host the Year 2 maths mastery visit").await;
    let yesterday = Utc::now().date_naive() - Days::new(1);
    staff_role::Entity::update_many()
        .col_expr(staff_role::Column::EndsOn, Expr::value(yesterday))
        .filter(staff_role::Column::PersonId.eq(person_key(app, HEAD).await))
        .exec(&app.db)
        .await
        .unwrap();
    // Signed in after leaving (a sign-in is a write: no access read before it is reused).
    let head = demo.token(HEAD).await;
    for mutation in ["withdrawLeadershipInvitation", "completeLeadership"] {
        let body = mutate_raw(
            app,
            &head,
            mutation,
            "invitation { status }",
            json!({ "invitationId": id }),
        )
        .await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{mutation}: {body:#}");
    }
    let now = status(app, &priya, &id).await;
    assert_eq!(now["status"], "ACCEPTED", "{now:#}");
    assert_eq!(now["version"], 1, "{now:#}");
}
