//! Distributed leadership on the demo data: a leader invites, the person invited accepts
//! and marks it done, and it shows in their leadership record and portfolio (and its
//! exports); declined and withdrawn invitations stay out of it; who may invite; who sees
//! an invitation through `node`.

use entity::{coaching_relationship, community, community_meeting, event};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::common::{TestApp, gid};
use crate::observations_scenario::person_key;
use crate::observations_visibility::Demo;
use crate::world::{error_code, mutate, mutate_ok, mutate_raw, user_error_codes};

pub const HEAD: &str = "headteacher@kingsmead.example";
pub const TEACHER: &str = "teacher@kingsmead.example";
pub const CPD_LEAD: &str = "cpd.lead@severnvalley.example";
pub const FACILITATOR: &str = "middle-leader@kingsmead.example";
pub const OTHER_TEACHER: &str = "teacher@staidans.example";

pub const INVITATION: &str = "invitation { id kind what message status completedOn \
     person { id } invitedBy { id } alliance { name } \
     subject { __typename ... on Event { title } ... on CommunityMeeting { title } \
     ... on CoachingRelationship { focus } } }";

/// The demo event titled `title`, as a global id.
pub async fn event_id(app: &TestApp, title: &str) -> String {
    let row = event::Entity::find()
        .filter(event::Column::Title.eq(title))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the demo event {title}"));
    gid("Event", row.id)
}

/// The meeting `title` of the demo community `name`, as a global id.
pub async fn meeting_id(app: &TestApp, name: &str, title: &str) -> String {
    let community = community::Entity::find()
        .filter(community::Column::Name.eq(name))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let row = community_meeting::Entity::find()
        .filter(community_meeting::Column::CommunityId.eq(community.id))
        .filter(community_meeting::Column::Title.eq(title))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    gid("CommunityMeeting", row.id)
}

/// The demo coaching relationship whose coach is `coach`, as a global id.
pub async fn relationship_id(app: &TestApp, coach: &str) -> String {
    let coach = person_key(app, coach).await;
    let row = coaching_relationship::Entity::find()
        .filter(coaching_relationship::Column::CoachId.eq(coach))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    gid("CoachingRelationship", row.id)
}

/// An invitation to `kind` the subject `subject`, in Severn Valley, for `email`.
pub async fn invitation(app: &TestApp, email: &str, kind: &str, subject: &str) -> Value {
    json!({
        "allianceId": gid("Alliance", 1),
        "personId": gid("Person", person_key(app, email).await),
        "kind": kind,
        "subjectId": subject,
        "what": "Lead the session on hinge questions",
        "message": "You would do this brilliantly.",
    })
}

/// Answers `invitationId` with `mutation` as `token`; the payload.
pub async fn answer(app: &TestApp, token: &str, mutation: &str, id: &Value) -> Value {
    mutate(
        app,
        token,
        mutation,
        INVITATION,
        json!({ "invitationId": id }),
    )
    .await
}

const RECORD: &str = "{ viewer { leadershipRecord(first: 20) { totalCount nodes { id what status } } \
     portfolio { leadership { title detail from until } json markdown } } }";

/// What of the record and the portfolio mention `what`: the record's ids, the portfolio's
/// entries, and whether the JSON and Markdown exports name it.
async fn record_of(app: &TestApp, token: &str, what: &str) -> (Vec<Value>, Vec<Value>, bool, bool) {
    let data = app.ok(Some(token), RECORD, json!({})).await;
    let viewer = &data["viewer"];
    let record = viewer["leadershipRecord"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|node| node["what"] == what)
        .cloned()
        .collect();
    let entries = viewer["portfolio"]["leadership"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["title"] == what)
        .cloned()
        .collect();
    let in_json = viewer["portfolio"]["json"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|entry| entry["section"] == "LEADERSHIP" && entry["title"] == what);
    let markdown = viewer["portfolio"]["markdown"].as_str().unwrap();
    let in_markdown = markdown.contains("## Leadership") && markdown.contains(what);
    (record, entries, in_json, in_markdown)
}

#[tokio::test]
async fn accepted_leadership_joins_the_record_and_the_portfolio() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let head = demo.token(HEAD).await;
    let teacher = demo.token(TEACHER).await;
    let what = "Lead the session on hinge questions";
    let visit = event_id(app, "Visit: maths mastery in Year 2").await;

    // The headteacher invites one of her staff to lead part of a visit her school hosts.
    let input = invitation(app, TEACHER, "LEAD_EVENT", &visit).await;
    let payload = mutate_ok(app, &head, "inviteToLead", INVITATION, input).await;
    let invited = &payload["invitation"];
    assert_eq!(invited["status"], "PENDING");
    assert_eq!(invited["kind"], "LEAD_EVENT");
    assert_eq!(
        invited["subject"],
        json!({ "__typename": "Event", "title": "Visit: maths mastery in Year 2" })
    );
    assert_eq!(
        invited["alliance"]["name"],
        "Severn Valley Teaching School Alliance"
    );
    let id = invited["id"].clone();

    // The teacher is told, and finds it among the invitations she received, with the
    // message; nothing is in her record yet.
    let mail = app.mail().await;
    assert!(
        mail.iter()
            .any(|m| m.to == TEACHER && m.subject == format!("You are invited to lead: {what}")),
        "the teacher is told: {:?}",
        mail.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>()
    );
    let received = app
        .ok(
            Some(&teacher),
            "{ viewer { leadershipInvitations(first: 20, filter: { direction: RECEIVED, statuses: [PENDING] }) { nodes { id message viewerIsInvitee } } } }",
            json!({}),
        )
        .await;
    let nodes = received["viewer"]["leadershipInvitations"]["nodes"]
        .as_array()
        .unwrap();
    let found = nodes
        .iter()
        .find(|node| node["id"] == id)
        .expect("received");
    assert_eq!(found["message"], "You would do this brilliantly.");
    assert_eq!(found["viewerIsInvitee"], true);
    let (record, entries, _, _) = record_of(app, &teacher, what).await;
    assert!(record.is_empty() && entries.is_empty());

    // She accepts: the headteacher is told, and it is in her record and portfolio, both
    // exports included.
    let accepted = answer(app, &teacher, "acceptLeadershipInvitation", &id).await;
    assert_eq!(accepted["userErrors"], json!([]));
    assert_eq!(accepted["invitation"]["status"], "ACCEPTED");
    let mail = app.mail().await;
    assert!(
        mail.iter().any(|m| m.to == HEAD
            && m.subject == format!("Your invitation to lead was accepted: {what}")),
        "the headteacher is told: {:?}",
        mail.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>()
    );
    let (record, entries, in_json, in_markdown) = record_of(app, &teacher, what).await;
    assert_eq!(record.len(), 1);
    assert_eq!(record[0]["status"], "ACCEPTED");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["detail"], "lead event");
    assert!(entries[0]["from"].is_string() && entries[0]["until"].is_null());
    assert!(in_json && in_markdown);

    // She marks it done: still in the record, now with the day it ended.
    let done = answer(app, &teacher, "completeLeadership", &id).await;
    assert_eq!(done["invitation"]["status"], "COMPLETED");
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(done["invitation"]["completedOn"], today.as_str());
    let (record, entries, _, _) = record_of(app, &teacher, what).await;
    assert_eq!(record[0]["status"], "COMPLETED");
    assert_eq!(entries[0]["until"], today.as_str());

    // What is done is not answered again.
    let again = answer(app, &teacher, "acceptLeadershipInvitation", &id).await;
    assert_eq!(user_error_codes(&again), ["INVALID_STATE"]);

    // Each step is in the alliance's audit log, which its CPD lead reads; the message
    // never is.
    let lead = demo.token(CPD_LEAD).await;
    let log = app
        .ok(
            Some(&lead),
            "{ auditEvents(first: 100) { nodes { action subjectId details } } }",
            json!({}),
        )
        .await;
    let entries: Vec<&Value> = log["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["subjectId"] == id)
        .collect();
    let actions: Vec<&str> = entries
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    for action in [
        "leadership.invited",
        "leadership.accepted",
        "leadership.completed",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(
        !log.to_string().contains("brilliantly"),
        "no message in the log"
    );
}

#[tokio::test]
async fn declined_and_withdrawn_invitations_stay_out_of_the_record() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let lead = demo.token(CPD_LEAD).await;
    let teacher = demo.token(OTHER_TEACHER).await;
    let visit = event_id(app, "Visit: maths mastery in Year 2").await;
    let input = invitation(app, OTHER_TEACHER, "LEAD_EVENT", &visit).await;

    // The alliance's CPD lead invites a St Aidan's teacher, who declines.
    let first = mutate_ok(app, &lead, "inviteToLead", INVITATION, input.clone()).await;
    let declined = answer(
        app,
        &teacher,
        "declineLeadershipInvitation",
        &first["invitation"]["id"],
    )
    .await;
    assert_eq!(declined["invitation"]["status"], "DECLINED");
    let mail = app.mail().await;
    assert!(
        mail.iter()
            .any(|m| m.to == CPD_LEAD && m.subject.contains("was declined"))
    );

    // Invited again (a declined invitation is not open), then withdrawn by the CPD lead:
    // the teacher can no longer accept it.
    let second = mutate_ok(app, &lead, "inviteToLead", INVITATION, input).await;
    let id = second["invitation"]["id"].clone();
    let refused = answer(app, &teacher, "withdrawLeadershipInvitation", &id).await;
    assert_eq!(
        user_error_codes(&refused),
        ["NOT_FOUND"],
        "only the inviter withdraws"
    );
    let withdrawn = answer(app, &lead, "withdrawLeadershipInvitation", &id).await;
    assert_eq!(withdrawn["invitation"]["status"], "WITHDRAWN");
    let late = answer(app, &teacher, "acceptLeadershipInvitation", &id).await;
    assert_eq!(user_error_codes(&late), ["INVALID_STATE"]);
    assert!(late["invitation"].is_null());

    // Neither is in her record; both are in the lists, received and sent.
    let (record, entries, in_json, _) =
        record_of(app, &teacher, "Lead the session on hinge questions").await;
    assert!(record.is_empty() && entries.is_empty() && !in_json);
    let statuses = |data: &Value| -> Vec<Value> {
        data["viewer"]["leadershipInvitations"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|node| node["what"] == "Lead the session on hinge questions")
            .map(|node| node["status"].clone())
            .collect()
    };
    let list = "query($d: LeadershipInvitationDirection) { viewer { leadershipInvitations(first: 50, filter: { direction: $d }) { nodes { what status } } } }";
    let received = app
        .ok(Some(&teacher), list, json!({ "d": "RECEIVED" }))
        .await;
    assert_eq!(statuses(&received), [json!("DECLINED"), json!("WITHDRAWN")]);
    let sent = app.ok(Some(&lead), list, json!({ "d": "SENT" })).await;
    assert_eq!(statuses(&sent), [json!("DECLINED"), json!("WITHDRAWN")]);
    let received_by_lead = app.ok(Some(&lead), list, json!({ "d": "RECEIVED" })).await;
    assert!(statuses(&received_by_lead).is_empty());
}

#[tokio::test]
async fn leaders_invite_and_others_may_not() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let visit = event_id(app, "Visit: maths mastery in Year 2").await;
    let course = event_id(app, "Questioning for deeper thinking").await;
    let second = meeting_id(app, "KS2 Questioning Network", "Second session").await;
    let refused = |body: &Value| error_code(body) == Some("FORBIDDEN");

    // A school's leader, for their own staff, to lead their school's event: yes; for
    // another school's staff: no; to lead the alliance's course, which they do not
    // edit: no.
    let head = demo.token(HEAD).await;
    let own = invitation(app, TEACHER, "LEAD_EVENT", &visit).await;
    mutate_ok(app, &head, "inviteToLead", INVITATION, own).await;
    let other = invitation(app, OTHER_TEACHER, "LEAD_EVENT", &visit).await;
    let not_theirs = invitation(app, TEACHER, "LEAD_EVENT", &course).await;
    let body = mutate_raw(app, &head, "inviteToLead", INVITATION, not_theirs).await;
    assert!(refused(&body), "{body:#}");
    let body = mutate_raw(app, &head, "inviteToLead", INVITATION, other.clone()).await;
    assert!(refused(&body), "{body:#}");

    // The alliance's CPD lead, for anyone of the alliance.
    let lead = demo.token(CPD_LEAD).await;
    mutate_ok(app, &lead, "inviteToLead", INVITATION, other.clone()).await;

    // A community's facilitator, for a member, to facilitate one of its meetings; not to
    // lead an event.
    let facilitator = demo.token(FACILITATOR).await;
    let meeting = invitation(app, OTHER_TEACHER, "FACILITATE_COMMUNITY_MEETING", &second).await;
    let payload = mutate_ok(app, &facilitator, "inviteToLead", INVITATION, meeting).await;
    assert_eq!(
        payload["invitation"]["subject"],
        json!({ "__typename": "CommunityMeeting", "title": "Second session" })
    );
    let event = invitation(app, "teacher@hollybrook.example", "LEAD_EVENT", &visit).await;
    let body = mutate_raw(app, &facilitator, "inviteToLead", INVITATION, event).await;
    assert!(refused(&body), "{body:#}");

    // Nor a meeting of another community (one for its members only, which they do not
    // even see).
    let circle = meeting_id(app, "Early Career Coaching Circle", "Second session").await;
    let input = invitation(
        app,
        "teacher@severnvale.example",
        "FACILITATE_COMMUNITY_MEETING",
        &circle,
    )
    .await;
    let payload = mutate(app, &facilitator, "inviteToLead", INVITATION, input).await;
    assert_eq!(user_error_codes(&payload), ["NOT_FOUND"], "{payload:#}");

    // An ordinary teacher invites no one.
    let teacher = demo.token(TEACHER).await;
    let body = mutate_raw(app, &teacher, "inviteToLead", INVITATION, other).await;
    assert!(refused(&body), "{body:#}");

    // A coaching invitation names the relationship its invitee coaches.
    let coaching = relationship_id(app, FACILITATOR).await;
    let input = invitation(app, FACILITATOR, "COACH", &coaching).await;
    let payload = mutate(app, &lead, "inviteToLead", INVITATION, input).await;
    // The demo already has this one accepted: open, so not again.
    assert_eq!(user_error_codes(&payload), ["TAKEN"]);
}

#[tokio::test]
async fn an_invitation_is_seen_by_its_parties_and_the_alliance_cpd_lead_only() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let head = demo.token(HEAD).await;
    let visit = event_id(app, "Visit: maths mastery in Year 2").await;
    let input = invitation(app, TEACHER, "LEAD_EVENT", &visit).await;
    let payload = mutate_ok(app, &head, "inviteToLead", INVITATION, input).await;
    let id = payload["invitation"]["id"].clone();
    let node = "query($id: ID!) { node(id: $id) { ... on LeadershipInvitation { what message } } }";
    for (email, sees, reads_message) in [
        (TEACHER, true, true),
        (HEAD, true, true),
        (CPD_LEAD, true, false),
        ("admin@trellis.example", true, false),
        ("middle-leader@kingsmead.example", false, false),
        (OTHER_TEACHER, false, false),
        ("teacher@riverside.example", false, false),
        ("cpd.lead@riverside-trust.example", false, false),
    ] {
        let token = demo.token(email).await;
        let body = app.gql(Some(&token), node, json!({ "id": id })).await;
        if sees {
            assert_eq!(
                body["data"]["node"]["what"], "Lead the session on hinge questions",
                "{email}"
            );
            assert_eq!(
                body["data"]["node"]["message"].is_string(),
                reads_message,
                "{email}"
            );
        } else {
            assert!(body["data"]["node"].is_null(), "{email}: {body:#}");
            assert_eq!(error_code(&body), Some("NOT_FOUND"), "{email}");
        }
    }
}
