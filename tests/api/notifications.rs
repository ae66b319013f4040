//! Notifications (issue 18, item 20): who is emailed when practice is submitted, sent back
//! or approved, when someone asks to join a community and is answered, when a meeting is
//! scheduled, changed or cancelled, and when support is brokered. Each goes to exactly the
//! right people with a link to what it is about; never to the actor, nor to a disabled
//! person, nor for a mutation that failed; and a mail server that refuses or hangs never
//! fails or holds up the mutation.

use chrono::{Duration, Utc};
use entity::enums::{AllianceRoleKind, PersonStatus, StaffRoleKind};
use entity::person;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use trellis::mail::{Email, Outage};

use crate::common::{TestApp, gid, spawn_app_with};
use crate::world::{error_code, mutate, mutate_ok, mutate_raw, user_error_codes};

const PUBLIC_URL: &str = "https://trellis.example";

struct Member {
    id: i32,
    email: &'static str,
    token: String,
}

/// The Severn alliance with Ashby and Brook as members. At Ashby: the headteacher Hana
/// (also a CPD lead of the alliance), the senior leader Sam, the school CPD lead Cora and
/// the teachers Amy and Col. At Brook: the headteacher Bea and the teacher Ben.
struct World {
    app: TestApp,
    alliance: i32,
    ashby: i32,
    hana: Member,
    sam: Member,
    cora: Member,
    amy: Member,
    col: Member,
    bea: Member,
    ben: Member,
}

async fn member(app: &TestApp, email: &'static str, school: i32, role: StaffRoleKind) -> Member {
    let id = app.person(email, false).await;
    app.staff(id, school, role).await;
    Member {
        id,
        email,
        token: app.sign_in(email).await,
    }
}

async fn world() -> World {
    world_with(&[]).await
}

async fn world_with(flags: &[&str]) -> World {
    let app = spawn_app_with(&[&["--public-url", PUBLIC_URL], flags].concat()).await;
    let alliance = app.alliance("Severn Alliance").await;
    let ashby = app.school("Ashby Primary").await;
    let brook = app.school("Brook Academy").await;
    app.member(alliance, ashby).await;
    app.member(alliance, brook).await;
    let hana = member(
        &app,
        "hana@ashby.example",
        ashby,
        StaffRoleKind::Headteacher,
    )
    .await;
    app.alliance_role(hana.id, alliance, AllianceRoleKind::CpdLead)
        .await;
    let sam = member(
        &app,
        "sam@ashby.example",
        ashby,
        StaffRoleKind::SeniorLeader,
    )
    .await;
    let cora = member(
        &app,
        "cora@ashby.example",
        ashby,
        StaffRoleKind::SchoolCpdLead,
    )
    .await;
    let amy = member(&app, "amy@ashby.example", ashby, StaffRoleKind::Teacher).await;
    let col = member(&app, "col@ashby.example", ashby, StaffRoleKind::Teacher).await;
    let bea = member(&app, "bea@brook.example", brook, StaffRoleKind::Headteacher).await;
    let ben = member(&app, "ben@brook.example", brook, StaffRoleKind::Teacher).await;
    World {
        app,
        alliance,
        ashby,
        hana,
        sam,
        cora,
        amy,
        col,
        bea,
        ben,
    }
}

impl World {
    /// The emails sent since the last call (all of them the first time).
    async fn new_mail(&self, seen: &mut usize) -> Vec<Email> {
        let all = self.app.mail().await;
        let new = all[*seen..].to_vec();
        *seen = all.len();
        new
    }

    /// Amy's draft, shared with the alliance once approved; the global id.
    async fn draft(&self, title: &str, co_authors: &[&Member]) -> Value {
        let co_authors: Vec<String> = co_authors.iter().map(|m| gid("Person", m.id)).collect();
        mutate_ok(
            &self.app,
            &self.amy.token,
            "createPractice",
            "practice { id }",
            json!({
                "schoolId": gid("School", self.ashby), "kind": "CASE_STUDY", "title": title,
                "summary": "Checking understanding.", "bodyMarkdown": "One question, four answers.",
                "coAuthorIds": co_authors,
                "audience": { "visibility": "ALLIANCE", "allianceId": gid("Alliance", self.alliance) },
            }),
        )
        .await["practice"]["id"]
            .clone()
    }

    async fn submit(&self, practice: &Value) -> Value {
        mutate_ok(
            &self.app,
            &self.amy.token,
            "submitPracticeForReview",
            "practice { status }",
            json!({ "practiceId": practice }),
        )
        .await["practice"]["status"]
            .clone()
    }

    /// A community Hana starts (as a CPD lead of the alliance): its first facilitator.
    async fn community(&self, name: &str) -> Value {
        mutate_ok(
            &self.app,
            &self.hana.token,
            "createCommunity",
            "community { id }",
            json!({ "allianceId": gid("Alliance", self.alliance), "name": name,
                    "kind": "COLLABORATION_NETWORK" }),
        )
        .await["community"]["id"]
            .clone()
    }

    /// A meeting in a week, scheduled by Hana; the payload's meeting.
    async fn schedule(&self, community: &Value, title: &str) -> Value {
        let starts = Utc::now() + Duration::days(7);
        mutate_ok(
            &self.app,
            &self.hana.token,
            "scheduleCommunityMeeting",
            "meeting { id version }",
            json!({ "communityId": community, "title": title,
                    "startsAt": starts, "endsAt": starts + Duration::hours(1),
                    "place": "Ashby library" }),
        )
        .await["meeting"]
            .clone()
    }

    fn by_email(&self, email: &str) -> &Member {
        [
            &self.hana, &self.sam, &self.cora, &self.amy, &self.col, &self.bea, &self.ben,
        ]
        .into_iter()
        .find(|member| member.email == email)
        .unwrap_or_else(|| panic!("no member {email}"))
    }

    /// Checks that each recipient of `mail` also has it in their inbox, newest and
    /// unread: its type, its subject line as the text, and what it is about.
    async fn in_inboxes(&self, mail: &[Email], kind: &str, about: &Value) {
        assert!(!mail.is_empty());
        for email in mail {
            let member = self.by_email(&email.to);
            let inbox = self
                .app
                .ok(
                    Some(&member.token),
                    "{ viewer { unreadCount notifications(first: 1) { edges { node { type text subjectId read } } } } }",
                    json!({}),
                )
                .await;
            let newest = &inbox["viewer"]["notifications"]["edges"][0]["node"];
            assert_eq!(newest["type"], kind, "{}: {inbox:#}", email.to);
            assert_eq!(newest["text"], email.subject.as_str(), "{}", email.to);
            assert_eq!(&newest["subjectId"], about, "{}", email.to);
            assert_eq!(newest["read"], false);
            assert!(inbox["viewer"]["unreadCount"].as_u64().unwrap() >= 1);
        }
    }

    async fn disable(&self, who: &Member) {
        let mut row: person::ActiveModel = person::Entity::find_by_id(who.id)
            .one(&self.app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
        row.status = Set(PersonStatus::Disabled);
        row.update(&self.app.db).await.unwrap();
    }
}

/// The recipients of `mail`, sorted, after checking each email's subject and link.
fn recipients(mail: &[Email], subject: &str, link: &str) -> Vec<String> {
    let mut to: Vec<String> = mail
        .iter()
        .map(|email| {
            assert!(email.subject.contains(subject), "{subject:?} in {email:#?}");
            assert!(
                email.body.contains(link),
                "the link {link} in {:?}",
                email.body
            );
            email.to.clone()
        })
        .collect();
    to.sort();
    to
}

fn emails(members: &[&Member]) -> Vec<String> {
    let mut to: Vec<String> = members.iter().map(|m| m.email.to_owned()).collect();
    to.sort();
    to
}

fn link(path: &str, id: &Value) -> String {
    format!("{PUBLIC_URL}/{path}/{}", id.as_str().expect("a global id"))
}

#[tokio::test]
async fn practice_review_tells_approvers_then_authors() {
    let w = world().await;
    let mut seen = 0;
    // Cora, an approver, is disabled: she is never emailed.
    w.disable(&w.cora).await;
    let practice = w.draft("Hinge questions in Year 5", &[&w.sam]).await;
    let practice_link = link("practice", &practice);
    assert_eq!(w.new_mail(&mut seen).await.len(), 0, "a draft tells nobody");

    // Submitted: the school's approvers, not the author who submitted it.
    w.submit(&practice).await;
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(
            &mail,
            "Practice to review: Hinge questions in Year 5",
            &practice_link
        ),
        emails(&[&w.hana, &w.sam])
    );
    w.in_inboxes(&mail, "PRACTICE_SUBMITTED", &practice).await;

    // A step that fails tells nobody: its author may not send it back.
    let refused = mutate_raw(
        &w.app,
        &w.amy.token,
        "sendPracticeBack",
        "practice { status }",
        json!({ "practiceId": practice, "comment": "No." }),
    )
    .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    assert_eq!(w.new_mail(&mut seen).await.len(), 0);

    // Sent back: its authors (Amy and Sam), with the comment; not Hana, who sent it.
    mutate_ok(
        &w.app,
        &w.hana.token,
        "sendPracticeBack",
        "practice { status }",
        json!({ "practiceId": practice, "comment": "Add the Year 5 results." }),
    )
    .await;
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(
            &mail,
            "Sent back: Hinge questions in Year 5",
            &practice_link
        ),
        emails(&[&w.amy, &w.sam])
    );
    assert!(mail[0].body.contains("Add the Year 5 results."));
    w.in_inboxes(&mail, "PRACTICE_SENT_BACK", &practice).await;

    // Sending back a draft fails (Sam, an author, reads it): nobody is told.
    let refused = mutate(
        &w.app,
        &w.sam.token,
        "sendPracticeBack",
        "practice { status }",
        json!({ "practiceId": practice, "comment": "Again." }),
    )
    .await;
    assert_eq!(user_error_codes(&refused), ["INVALID_STATE"]);
    assert_eq!(w.new_mail(&mut seen).await.len(), 0);

    // Approved by Sam, an approver and an author: only the other author is told.
    w.submit(&practice).await;
    assert_eq!(
        recipients(
            &w.new_mail(&mut seen).await,
            "Practice to review",
            &practice_link
        ),
        emails(&[&w.hana, &w.sam])
    );
    mutate_ok(
        &w.app,
        &w.sam.token,
        "approvePractice",
        "practice { status }",
        json!({ "practiceId": practice }),
    )
    .await;
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(&mail, "Approved: Hinge questions in Year 5", &practice_link),
        emails(&[&w.amy])
    );
    w.in_inboxes(&mail, "PRACTICE_APPROVED", &practice).await;
}

const MEMBERSHIP: &str = "membership { id status }";

#[tokio::test]
async fn community_requests_and_meetings_tell_facilitators_askers_and_members() {
    let w = world().await;
    let mut seen = 0;
    let community = w.community("KS2 Questioning").await;
    let ask = |who: &Member| {
        let (app, token, community) = (&w.app, who.token.clone(), community.clone());
        async move {
            mutate(
                app,
                &token,
                "requestToJoinCommunity",
                MEMBERSHIP,
                json!({ "communityId": community }),
            )
            .await
        }
    };
    // Ben asks: Hana, the only facilitator, is told; then she makes him a facilitator.
    let ben_membership = ask(&w.ben).await["membership"]["id"].clone();
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(
            &mail,
            "ben brook.example asked to join KS2 Questioning",
            &link("community-membership", &ben_membership)
        ),
        emails(&[&w.hana])
    );
    w.in_inboxes(&mail, "COMMUNITY_JOIN_REQUESTED", &ben_membership)
        .await;
    let answer = |who: &Member, field: &'static str, input: Value| {
        let (app, token) = (&w.app, who.token.clone());
        async move { mutate(app, &token, field, MEMBERSHIP, input).await }
    };
    answer(
        &w.hana,
        "approveCommunityMembership",
        json!({ "membershipId": ben_membership }),
    )
    .await;
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(
            &mail,
            "Welcome to KS2 Questioning",
            &link("community-membership", &ben_membership)
        ),
        emails(&[&w.ben])
    );
    w.in_inboxes(&mail, "COMMUNITY_JOIN_APPROVED", &ben_membership)
        .await;
    answer(
        &w.hana,
        "makeCommunityFacilitator",
        json!({ "membershipId": ben_membership }),
    )
    .await;
    assert_eq!(w.new_mail(&mut seen).await.len(), 0);

    // Amy asks: both facilitators are told, not Amy.
    let amy_membership = ask(&w.amy).await["membership"]["id"].clone();
    assert_eq!(
        recipients(
            &w.new_mail(&mut seen).await,
            "amy ashby.example asked to join",
            &link("community-membership", &amy_membership)
        ),
        emails(&[&w.hana, &w.ben])
    );
    // Asking twice fails: nobody is told.
    assert_eq!(user_error_codes(&ask(&w.amy).await), ["TAKEN"]);
    assert_eq!(w.new_mail(&mut seen).await.len(), 0);
    // Ben approves: only Amy is told.
    answer(
        &w.ben,
        "approveCommunityMembership",
        json!({ "membershipId": amy_membership }),
    )
    .await;
    assert_eq!(
        recipients(
            &w.new_mail(&mut seen).await,
            "Welcome to KS2 Questioning",
            "/community-membership/"
        ),
        emails(&[&w.amy])
    );
    // Col asks and is declined, with the reason.
    let col_membership = ask(&w.col).await["membership"]["id"].clone();
    w.new_mail(&mut seen).await;
    answer(
        &w.hana,
        "declineCommunityMembership",
        json!({ "membershipId": col_membership, "reason": "Full this term." }),
    )
    .await;
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(
            &mail,
            "Your request to join KS2 Questioning",
            &link("community-membership", &col_membership)
        ),
        emails(&[&w.col])
    );
    assert!(mail[0].body.contains("Full this term."), "{}", mail[0].body);
    w.in_inboxes(&mail, "COMMUNITY_JOIN_DECLINED", &col_membership)
        .await;

    // Meetings: every active member but the facilitator who acts (Col was declined).
    let meeting = w.schedule(&community, "Hinge questions").await;
    let meeting_link = link("community-meeting", &meeting["id"]);
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(
            &mail,
            "New meeting of KS2 Questioning: Hinge questions",
            &meeting_link
        ),
        emails(&[&w.amy, &w.ben])
    );
    assert!(mail[0].body.contains("Ashby library"), "{}", mail[0].body);
    w.in_inboxes(&mail, "MEETING_SCHEDULED", &meeting["id"])
        .await;
    // A stale edit fails: nobody is told.
    let stale = mutate(
        &w.app,
        &w.ben.token,
        "updateCommunityMeeting",
        "meeting { id }",
        json!({ "meetingId": meeting["id"], "expectedVersion": 99, "place": "Hall" }),
    )
    .await;
    assert_eq!(user_error_codes(&stale), ["CONFLICT"]);
    assert_eq!(w.new_mail(&mut seen).await.len(), 0);
    mutate_ok(
        &w.app,
        &w.ben.token,
        "updateCommunityMeeting",
        "meeting { id }",
        json!({ "meetingId": meeting["id"], "expectedVersion": meeting["version"],
                "place": "Brook hall" }),
    )
    .await;
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(&mail, "Meeting changed: Hinge questions", &meeting_link),
        emails(&[&w.amy, &w.hana])
    );
    assert!(mail[0].body.contains("Brook hall"), "{}", mail[0].body);
    w.in_inboxes(&mail, "MEETING_CHANGED", &meeting["id"]).await;
    // A disabled member is not told.
    w.disable(&w.amy).await;
    mutate_ok(
        &w.app,
        &w.hana.token,
        "cancelCommunityMeeting",
        "meeting { status }",
        json!({ "meetingId": meeting["id"] }),
    )
    .await;
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(&mail, "Meeting cancelled: Hinge questions", &meeting_link),
        emails(&[&w.ben])
    );
    w.in_inboxes(&mail, "MEETING_CANCELLED", &meeting["id"])
        .await;
}

#[tokio::test]
async fn brokering_tells_the_requesting_school_and_the_supporters() {
    let w = world().await;
    let mut seen = 0;
    let request = mutate_ok(
        &w.app,
        &w.hana.token,
        "createSupportRequest",
        "request { id }",
        json!({ "allianceId": gid("Alliance", w.alliance), "schoolId": gid("School", w.ashby),
                "title": "Questioning in KS2 maths", "descriptionMarkdown": "Help.",
                "days": 2 }),
    )
    .await["request"]["id"]
        .clone();
    assert_eq!(w.new_mail(&mut seen).await.len(), 0);
    let broker = |days: f64| {
        let (app, token, request) = (&w.app, w.hana.token.clone(), request.clone());
        let ben = gid("Person", w.ben.id);
        async move {
            mutate(
                app,
                &token,
                "brokerSupportRequest",
                "arrangement { id }",
                json!({ "requestId": request, "supportingPersonId": ben,
                        "focus": "Hinge questions", "days": days }),
            )
            .await
        }
    };
    // Refused (a third of a day): nobody is told.
    assert_eq!(user_error_codes(&broker(0.3).await), ["INVALID"]);
    assert_eq!(w.new_mail(&mut seen).await.len(), 0);
    // Hana, Ashby's head and the alliance's CPD lead, brokers Ben's help: Ashby's other
    // leaders (not Cora, disabled), Ben, and Brook's head are told; not Hana.
    w.disable(&w.cora).await;
    let arrangement = broker(2.0).await["arrangement"]["id"].clone();
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(
            &mail,
            "Support arranged: Questioning in KS2 maths",
            &link("support-arrangement", &arrangement)
        ),
        emails(&[&w.sam, &w.ben, &w.bea])
    );
    assert!(mail[0].body.contains("Hinge questions"), "{}", mail[0].body);
    assert!(
        mail[0].body.contains("ben brook.example"),
        "{}",
        mail[0].body
    );
    w.in_inboxes(&mail, "SUPPORT_BROKERED", &arrangement).await;
}

/// Each recipient is checked when the email goes: one who may no longer see what it is
/// about by then (a member who left the community) gets nothing.
#[tokio::test]
async fn a_recipient_who_can_no_longer_see_it_is_not_told() {
    let w = world().await;
    let mut seen = 0;
    let community = w.community("Oracy").await;
    // Sam and Amy join (Sam first: his email goes first).
    for who in [&w.sam, &w.amy] {
        let asked = mutate_ok(
            &w.app,
            &who.token,
            "requestToJoinCommunity",
            MEMBERSHIP,
            json!({ "communityId": community }),
        )
        .await;
        mutate_ok(
            &w.app,
            &w.hana.token,
            "approveCommunityMembership",
            MEMBERSHIP,
            json!({ "membershipId": asked["membership"]["id"] }),
        )
        .await;
    }
    w.new_mail(&mut seen).await;
    // The mail server hangs on Sam's email while Amy leaves the community.
    w.app.mail_server.set_outage(Outage::Hanging);
    let meeting = w.schedule(&community, "Talk partners").await;
    mutate_ok(
        &w.app,
        &w.amy.token,
        "leaveCommunity",
        MEMBERSHIP,
        json!({ "communityId": community }),
    )
    .await;
    w.app.mail_server.set_outage(Outage::None);
    assert_eq!(
        recipients(
            &w.new_mail(&mut seen).await,
            "Talk partners",
            "/community-meeting/"
        ),
        emails(&[&w.sam])
    );
    assert_eq!(
        queued(&w.app, &meeting["id"]).await,
        0,
        "Amy's notice leaves the queue untold"
    );
}

/// A mail server that refuses or hangs neither fails nor holds up a mutation (sending on
/// the request path would hold it until the request limit stops it); sending goes on once
/// it is back.
#[tokio::test]
async fn a_mail_server_that_is_down_or_hangs_does_not_fail_or_hold_up_mutations() {
    let w = world().await;
    let mut seen = 0;
    // Refusing: the submission succeeds; the emails are lost (and logged).
    w.app.mail_server.set_outage(Outage::Refusing);
    assert_eq!(w.submit(&w.draft("Refused", &[]).await).await, "IN_REVIEW");
    assert_eq!(w.new_mail(&mut seen).await.len(), 0);
    // Hanging: the submission still answers (sending on the request path would hold it
    // until the request limit stops it), before any email has gone; they go once the
    // server is back.
    w.app.mail_server.set_outage(Outage::Hanging);
    assert_eq!(w.submit(&w.draft("Held", &[]).await).await, "IN_REVIEW");
    assert_eq!(w.app.mail_server.sent().len(), 0);
    // So is an invitation, whose email holds its token.
    let invited = mutate_ok(
        &w.app,
        &w.hana.token,
        "inviteStaffMember",
        "invitation { email }",
        json!({ "schoolId": gid("School", w.ashby), "email": "new@ashby.example",
                "givenName": "Nia", "familyName": "New", "role": "TEACHER" }),
    )
    .await;
    assert_eq!(invited["invitation"]["email"], "new@ashby.example");
    assert_eq!(w.app.mail_server.sent().len(), 0);
    w.app.mail_server.set_outage(Outage::None);
    let mail = w.new_mail(&mut seen).await;
    let (invitation, review): (Vec<Email>, Vec<Email>) = mail
        .into_iter()
        .partition(|email| email.to == "new@ashby.example");
    assert_eq!(invitation.len(), 1);
    assert_eq!(
        recipients(&review, "Practice to review: Held", "/practice/"),
        emails(&[&w.cora, &w.hana, &w.sam])
    );
}

/// Notifications about `about` committed and not yet delivered (`notification_queue`).
async fn queued(app: &TestApp, about: &Value) -> u64 {
    use entity::notification_queue::{Column, Entity};
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    Entity::find()
        .filter(Column::About.eq(about.as_str().unwrap()))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn notifications_committed_before_an_instance_stops_are_delivered_by_the_next() {
    let w = world_with(&["--notification-retry-every-ms", "200"]).await;
    w.app.mail().await;
    // The mail server hangs on the first email of the first submission, so the sender is
    // stuck there while the second submission commits behind it.
    w.app.mail_server.set_outage(Outage::Hanging);
    assert_eq!(w.submit(&w.draft("Sent", &[]).await).await, "IN_REVIEW");
    let stuck = w.draft("Stuck", &[]).await;
    assert_eq!(w.submit(&stuck).await, "IN_REVIEW");
    // The approvers (Hana, Sam, Cora) of the second submission, queued and committed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while queued(&w.app, &stuck).await != 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the second submission's notices are queued"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // The instance stops before sending them; another starts over the same database.
    let World {
        app,
        hana,
        sam,
        cora,
        ..
    } = w;
    let app = app.restart().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while queued(&app, &stuck).await != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the new instance takes up the queue"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.notifier.settled().await;
    let mut to: Vec<String> = app
        .mail_server
        .sent()
        .into_iter()
        .filter(|email| email.subject.contains("Practice to review: Stuck"))
        .map(|email| email.to)
        .collect();
    to.sort();
    assert_eq!(
        to,
        emails(&[&cora, &hana, &sam]),
        "each approver is emailed once"
    );
    for approver in [&hana, &sam, &cora] {
        let inbox = app
            .ok(
                Some(&approver.token),
                "{ viewer { notifications(first: 10) { edges { node { type subjectId } } } } }",
                json!({}),
            )
            .await;
        let about_stuck: Vec<&Value> = inbox["viewer"]["notifications"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|edge| edge["node"]["subjectId"] == stuck)
            .collect();
        assert_eq!(
            about_stuck.len(),
            1,
            "{} has it in their inbox once",
            approver.email
        );
        assert_eq!(about_stuck[0]["node"]["type"], "PRACTICE_SUBMITTED");
    }
}

const INBOX: &str = "query($unread: Boolean) { viewer { unreadCount notifications(first: 10, filter: {unread: $unread}) { totalCount edges { node { id type read readAt } } } } }";

/// The ids in `viewer.notifications`, newest first, and the unread count.
async fn inbox(w: &World, who: &Member, unread: Value) -> (Vec<Value>, u64) {
    let data = w
        .app
        .ok(Some(&who.token), INBOX, json!({ "unread": unread }))
        .await;
    let ids = data["viewer"]["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["id"].clone())
        .collect();
    (ids, data["viewer"]["unreadCount"].as_u64().unwrap())
}

async fn mark(w: &World, who: &Member, input: Value) -> Value {
    mutate(
        &w.app,
        &who.token,
        "markNotificationsRead",
        "unreadCount",
        input,
    )
    .await
}

#[tokio::test]
async fn the_inbox_counts_and_marks_read_by_id_and_up_to_and_is_its_owners_alone() {
    let w = world().await;
    for title in ["One", "Two", "Three"] {
        w.submit(&w.draft(title, &[]).await).await;
    }
    w.app.mail().await;
    let (all, unread) = inbox(&w, &w.hana, Value::Null).await;
    assert_eq!((all.len(), unread), (3, 3));
    let keys: Vec<i32> = all.iter().map(crate::world::key_of).collect();
    assert!(
        keys.windows(2).all(|pair| pair[0] > pair[1]),
        "newest first: {keys:?}"
    );
    let (newest, middle, oldest) = (&all[0], &all[1], &all[2]);

    // By id: the newest.
    let marked = mark(&w, &w.hana, json!({ "ids": [newest] })).await;
    assert_eq!(marked["unreadCount"], 2, "{marked:#}");
    assert_eq!(
        inbox(&w, &w.hana, json!(true)).await.0,
        vec![middle.clone(), oldest.clone()]
    );
    assert_eq!(
        inbox(&w, &w.hana, json!(false)).await.0,
        vec![newest.clone()]
    );
    // Again: nothing changes.
    assert_eq!(
        mark(&w, &w.hana, json!({ "ids": [newest] })).await["unreadCount"],
        2
    );

    // Sam cannot read or mark Hana's: not through his list, nor node, nor the mutation.
    let (sams, sams_unread) = inbox(&w, &w.sam, Value::Null).await;
    assert_eq!((sams.len(), sams_unread), (3, 3));
    assert!(sams.iter().all(|id| !all.contains(id)));
    let node = w
        .app
        .gql(
            Some(&w.sam.token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": oldest }),
        )
        .await;
    assert_eq!(error_code(&node), Some("NOT_FOUND"), "{node:#}");
    assert_eq!(
        user_error_codes(&mark(&w, &w.sam, json!({ "ids": [oldest, sams[0]] })).await),
        ["NOT_FOUND"]
    );
    assert_eq!(
        user_error_codes(&mark(&w, &w.sam, json!({ "upTo": oldest })).await),
        ["NOT_FOUND"]
    );
    assert_eq!(
        inbox(&w, &w.sam, Value::Null).await.1,
        3,
        "nothing of Sam's changed"
    );
    assert_eq!(inbox(&w, &w.hana, Value::Null).await.1, 2, "nor of Hana's");
    // Hana reads her own through node.
    let own = w
        .app
        .ok(
            Some(&w.hana.token),
            "query($id: ID!) { node(id: $id) { ... on Notification { type read } } }",
            json!({ "id": newest }),
        )
        .await;
    assert_eq!(
        own["node"],
        json!({ "type": "PRACTICE_SUBMITTED", "read": true })
    );

    // Both, or neither: refused, nothing changes.
    assert_eq!(
        user_error_codes(&mark(&w, &w.hana, json!({ "ids": [oldest], "upTo": oldest })).await),
        ["INVALID"]
    );
    assert_eq!(
        user_error_codes(&mark(&w, &w.hana, json!({})).await),
        ["INVALID"]
    );
    assert_eq!(inbox(&w, &w.hana, Value::Null).await.1, 2);

    // Up to one: it and every older one.
    assert_eq!(
        mark(&w, &w.hana, json!({ "upTo": oldest })).await["unreadCount"],
        1
    );
    assert_eq!(
        inbox(&w, &w.hana, json!(true)).await.0,
        vec![middle.clone()]
    );
    assert_eq!(
        mark(&w, &w.hana, json!({ "upTo": newest })).await["unreadCount"],
        0
    );
}

#[tokio::test]
async fn turning_a_types_email_off_keeps_it_in_the_inbox() {
    let w = world().await;
    let mut seen = 0;
    let chosen = mutate_ok(
        &w.app,
        &w.hana.token,
        "setNotificationPreferences",
        "preferences { type email }",
        json!({ "preferences": [{ "type": "PRACTICE_SUBMITTED", "email": false }] }),
    )
    .await;
    let preferences = chosen["preferences"].as_array().unwrap();
    assert!(preferences.contains(&json!({ "type": "PRACTICE_SUBMITTED", "email": false })));
    assert!(preferences.contains(&json!({ "type": "PRACTICE_APPROVED", "email": true })));
    let read = w
        .app
        .ok(
            Some(&w.hana.token),
            "{ viewer { notificationPreferences { type email } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        read["viewer"]["notificationPreferences"],
        chosen["preferences"]
    );
    // An empty choice is refused.
    let refused = mutate(
        &w.app,
        &w.hana.token,
        "setNotificationPreferences",
        "preferences { type }",
        json!({ "preferences": [] }),
    )
    .await;
    assert_eq!(user_error_codes(&refused), ["INVALID"]);

    let practice = w.draft("Exit tickets", &[]).await;
    w.submit(&practice).await;
    let mail = w.new_mail(&mut seen).await;
    assert_eq!(
        recipients(&mail, "Practice to review: Exit tickets", "/practice/"),
        emails(&[&w.cora, &w.sam]),
        "Hana is no longer emailed"
    );
    let (hanas, unread) = inbox(&w, &w.hana, Value::Null).await;
    assert_eq!((hanas.len(), unread), (1, 1), "but her inbox has it");

    // Turned on again: emailed again.
    mutate_ok(
        &w.app,
        &w.hana.token,
        "setNotificationPreferences",
        "preferences { type }",
        json!({ "preferences": [{ "type": "PRACTICE_SUBMITTED", "email": true }] }),
    )
    .await;
    w.submit(&w.draft("Mini whiteboards", &[]).await).await;
    assert_eq!(
        recipients(
            &w.new_mail(&mut seen).await,
            "Mini whiteboards",
            "/practice/"
        ),
        emails(&[&w.cora, &w.hana, &w.sam])
    );
}

/// Read notifications older than the retention are removed; unread ones and recent read
/// ones stay; running the sweep twice removes nothing more.
#[tokio::test]
async fn old_read_notifications_are_removed_unread_ones_kept() {
    use entity::notification;
    use sea_orm::{ColumnTrait, QueryFilter};
    let w = world().await;
    for title in ["Old", "Recent", "Unread"] {
        w.submit(&w.draft(title, &[]).await).await;
    }
    w.app.mail().await;
    let (ids, _) = inbox(&w, &w.hana, Value::Null).await;
    mark(&w, &w.hana, json!({ "ids": [ids[1], ids[2]] })).await;
    let oldest = crate::world::key_of(&ids[2]);
    notification::Entity::update_many()
        .col_expr(
            notification::Column::ReadAt,
            sea_orm::sea_query::Expr::value(Utc::now() - Duration::days(91)),
        )
        .filter(notification::Column::Id.eq(oldest))
        .exec(&w.app.db)
        .await
        .unwrap();
    let retention = Duration::days(90);
    let removed = trellis::notifications::inbox::sweep(&w.app.db, retention)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(
        trellis::notifications::inbox::sweep(&w.app.db, retention)
            .await
            .unwrap(),
        0
    );
    let (left, unread) = inbox(&w, &w.hana, Value::Null).await;
    assert_eq!(left, vec![ids[0].clone(), ids[1].clone()]);
    assert_eq!(unread, 1);
}
