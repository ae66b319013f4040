//! The same step asked for many times at once: a step that may be taken once (publish,
//! take down, cancel, close, end, disable...) is taken once, the others told it changed
//! meanwhile or is no longer possible; and every change applied moves the object's
//! version on by exactly one and is audited once. On PostgreSQL, where transactions
//! overlap, each request checked the row as it read it and wrote over the others.

use futures_util::future::join_all;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::common::{TestApp, gid};
use crate::community_world::{Community, community_world};
use crate::world::{key_of, mutate, mutate_ok};

const WRITERS: usize = 30;

/// Runs `field` with `input` as `token`, `WRITERS` times at once. Each answer is the
/// change or a user error (changed meanwhile, no longer possible, or no longer visible,
/// as a taken-down practice is to the one who reported it), never a top-level error. How
/// many were applied.
async fn at_once(app: &TestApp, token: &str, field: &str, input: Value) -> usize {
    let payloads =
        join_all((0..WRITERS).map(|_| mutate(app, token, field, "__typename", input.clone())))
            .await;
    for payload in &payloads {
        let codes: Vec<&str> = payload["userErrors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|error| error["code"].as_str().unwrap())
            .collect();
        assert!(
            matches!(
                codes.as_slice(),
                [] | ["CONFLICT" | "INVALID_STATE" | "INVALID" | "NOT_FOUND"]
            ),
            "{field}: {payload:#}"
        );
    }
    payloads
        .iter()
        .filter(|payload| payload["userErrors"] == json!([]))
        .count()
}

const VERSION: &str = "query($id: ID!) { node(id: $id) { __typename
    ... on Practice { version } ... on Community { version } ... on CommunityMeeting { version }
    ... on Enquiry { version } ... on DiscussionThread { version } ... on Partnership { version } } }";

async fn version(w: &Community, token: &str, id: &Value) -> i64 {
    let data = w.app.ok(Some(token), VERSION, json!({ "id": id })).await;
    data["node"]["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("a version: {data:#}"))
}

/// Audit entries whose action ends with `suffix`.
async fn audited(app: &TestApp, suffix: &str) -> usize {
    entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.ends_with(suffix))
        .count(&app.db)
        .await
        .unwrap() as usize
}

/// A step to run many times at once, as `token`: `once` says it may be applied only once;
/// every applied change must move the version on by one and be audited once (`audit`, an
/// action's ending, when the step is audited). `reader` reads the object's version.
struct Step<'a> {
    reader: &'a str,
    token: &'a str,
    field: &'a str,
    once: bool,
    audit: Option<&'a str>,
}

/// Runs steps and notes what each left wrong, so that one run reports every step.
struct Steps<'w> {
    w: &'w Community,
    wrong: Vec<String>,
}

impl<'w> Steps<'w> {
    fn new(w: &'w Community) -> Self {
        Self {
            w,
            wrong: Vec::new(),
        }
    }

    async fn run(&mut self, step: Step<'_>, object: &Value, input: Value) {
        let Step {
            reader,
            token,
            field,
            once,
            audit,
        } = step;
        let app = &self.w.app;
        let before = version(self.w, reader, object).await;
        let audited_before = match audit {
            Some(action) => audited(app, action).await,
            None => 0,
        };
        let applied = at_once(app, token, field, input).await;
        if applied == 0 || (once && applied > 1) {
            self.wrong.push(format!("{field}: applied {applied} times"));
        }
        let moved = version(self.w, reader, object).await - before;
        if moved != applied as i64 {
            self.wrong.push(format!(
                "{field}: applied {applied} times, version moved {moved}"
            ));
        }
        if let Some(action) = audit {
            let entries = audited(app, action).await - audited_before;
            if entries != applied {
                self.wrong.push(format!(
                    "{field}: applied {applied} times, audited {entries}"
                ));
            }
        }
    }

    fn check(self) {
        assert!(self.wrong.is_empty(), "{:#?}", self.wrong);
    }
}

/// A step that may be taken once, audited as `audit` (when it is).
fn once<'a>(reader: &'a str, token: &'a str, field: &'a str, audit: Option<&'a str>) -> Step<'a> {
    Step {
        reader,
        token,
        field,
        once: true,
        audit,
    }
}

/// A change that may be applied again, audited as `audit`.
fn each<'a>(reader: &'a str, token: &'a str, field: &'a str, audit: &'a str) -> Step<'a> {
    Step {
        reader,
        token,
        field,
        once: false,
        audit: Some(audit),
    }
}

#[tokio::test]
async fn a_practice_step_asked_for_at_once_is_taken_once() {
    let w = community_world().await;
    let mut steps = Steps::new(&w);
    let amy = &w.teachers[0].token;
    let practice = mutate_ok(
        &w.app,
        amy,
        "createPractice",
        "practice { id }",
        json!({ "schoolId": gid("School", w.schools[0]), "kind": "CASE_STUDY",
                "title": "Hinge questions", "summary": "Before moving on.",
                "bodyMarkdown": "One question, four answers.",
                "audience": { "visibility": "SCHOOL" } }),
    )
    .await["practice"]["id"]
        .clone();
    let id = json!({ "practiceId": practice });
    let report = json!({ "practiceId": practice, "reason": "Names a pupil" });
    let head = &w.heads[0].token;
    steps
        .run(
            once(amy, amy, "publishPractice", None),
            &practice,
            id.clone(),
        )
        .await;
    steps
        .run(
            once(amy, &w.colleague.token, "reportPractice", None),
            &practice,
            report,
        )
        .await;
    steps
        .run(
            once(amy, head, "restorePractice", None),
            &practice,
            id.clone(),
        )
        .await;
    steps
        .run(once(amy, amy, "archivePractice", None), &practice, id)
        .await;
    steps.check();

    let history = w
        .app
        .ok(
            Some(amy),
            "query($id: ID!) { node(id: $id) { ... on Practice { history { action } } } }",
            json!({ "id": practice }),
        )
        .await;
    let actions: Vec<&str> = history["node"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["CREATED", "PUBLISHED", "REPORTED", "RESTORED", "ARCHIVED"]
    );
}

/// An active community of the alliance, with Amy (a teacher at Ashby) a member.
async fn maths_leads(w: &Community) -> Value {
    let community = w
        .create("Maths leads", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    w.add(&community, &w.teachers[0]).await;
    community
}

#[tokio::test]
async fn a_community_step_asked_for_at_once_is_taken_once() {
    let w = community_world().await;
    let mut steps = Steps::new(&w);
    let community = maths_leads(&w).await;
    let amy = &w.teachers[0];
    let lead = &w.lead.token;
    let start = chrono::Utc::now() + chrono::Duration::days(1);
    let schedule = async |title: &str| {
        mutate_ok(
            &w.app,
            lead,
            "scheduleCommunityMeeting",
            "meeting { id }",
            json!({ "communityId": community, "title": title, "startsAt": start,
                    "endsAt": start + chrono::Duration::hours(1) }),
        )
        .await["meeting"]["id"]
            .clone()
    };
    let meeting = schedule("Kick-off").await;
    let cancel = once(
        lead,
        lead,
        "cancelCommunityMeeting",
        Some(".meeting.cancelled"),
    );
    steps
        .run(cancel, &meeting, json!({ "meetingId": meeting }))
        .await;
    let meeting = schedule("Review").await;
    // A meeting is recorded once it has started: move this one's start to the past.
    let started = chrono::Utc::now() - chrono::Duration::hours(1);
    entity::community_meeting::Entity::update_many()
        .col_expr(
            entity::community_meeting::Column::StartsAt,
            sea_orm::sea_query::Expr::value(started),
        )
        .col_expr(
            entity::community_meeting::Column::EndsAt,
            sea_orm::sea_query::Expr::value(started + chrono::Duration::minutes(30)),
        )
        .filter(entity::community_meeting::Column::Id.eq(key_of(&meeting)))
        .exec(&w.app.db)
        .await
        .unwrap();
    let record = json!({ "meetingId": meeting, "notesMarkdown": "We agreed on hinge questions.",
                         "attendeeIds": [amy.gid()] });
    let recording = each(lead, lead, "recordCommunityMeeting", ".meeting.recorded");
    steps.run(recording, &meeting, record).await;

    let enquiry = mutate_ok(
        &w.app,
        &amy.token,
        "startEnquiry",
        "enquiry { id }",
        json!({ "communityId": community, "question": "Does wait time deepen reasoning?" }),
    )
    .await["enquiry"]["id"]
        .clone();
    let input = json!({ "enquiryId": enquiry, "stage": "PLANNING" });
    let moving = once(
        lead,
        &amy.token,
        "moveEnquiryStage",
        Some("enquiry.stage_moved"),
    );
    steps.run(moving, &enquiry, input).await;

    let closing = once(lead, lead, "closeCommunity", Some("community.closed"));
    steps
        .run(closing, &community, json!({ "communityId": community }))
        .await;
    steps.check();
}

#[tokio::test]
async fn moderating_a_thread_at_once_applies_each_change_once() {
    let w = community_world().await;
    let mut steps = Steps::new(&w);
    let community = maths_leads(&w).await;
    let amy = &w.teachers[0];
    let thread = w.thread(&community, amy, "Hinge questions").await;
    let lead = &w.lead.token;
    let id = json!({ "threadId": thread });
    let hide = json!({ "threadId": thread, "reason": "Off topic" });
    // Pinning and hiding may be done again: each is applied, or told of the other.
    let pinning = each(lead, lead, "pinDiscussionThread", "thread.pinned");
    steps.run(pinning, &thread, id.clone()).await;
    steps
        .run(
            each(lead, lead, "hideDiscussionThread", "post.hidden"),
            &thread,
            hide,
        )
        .await;
    let deleting = once(
        lead,
        &amy.token,
        "deleteDiscussionThread",
        Some("post.deleted"),
    );
    steps.run(deleting, &thread, id).await;
    steps.check();
}

#[tokio::test]
async fn ending_a_partnership_or_disabling_a_person_at_once_happens_once() {
    let w = community_world().await;
    let mut steps = Steps::new(&w);
    let lead = &w.lead.token;
    let partnership = mutate_ok(
        &w.app,
        lead,
        "createPartnership",
        "partnership { id }",
        json!({ "allianceId": gid("Alliance", w.alliance), "name": "Transition",
                "leadSchoolId": gid("School", w.schools[0]),
                "schoolIds": [gid("School", w.schools[0]), gid("School", w.schools[1])] }),
    )
    .await["partnership"]["id"]
        .clone();
    let ending = once(lead, lead, "endPartnership", Some("partnership.ended"));
    steps
        .run(
            ending,
            &partnership,
            json!({ "partnershipId": partnership }),
        )
        .await;

    // A person has no version in the API: their row's, and the audit log, say it.
    let cat = &w.teachers[2];
    let person = || entity::person::Entity::find_by_id(cat.id).one(&w.app.db);
    let before = person().await.unwrap().unwrap().version;
    let input = json!({ "personId": cat.gid() });
    at_once(&w.app, &w.heads[2].token, "disablePerson", input).await;
    let moved = person().await.unwrap().unwrap().version - before;
    let entries = audited(&w.app, "person.disabled").await;
    if (moved, entries) != (1, 1) {
        let wrong = format!("disablePerson: version moved {moved}, audited {entries}");
        steps.wrong.push(wrong);
    }
    steps.check();
}

/// A membership's steps were once written whatever its version: on PostgreSQL, requests at
/// once each checked the row as they read it, and each suspended it again.
#[tokio::test]
async fn suspending_a_membership_at_once_happens_once() {
    let w = community_world().await;
    let membership = w.memberships[2];
    let row = || entity::alliance_membership::Entity::find_by_id(membership).one(&w.app.db);
    let before = row().await.unwrap().unwrap().version;
    let input = json!({ "membershipId": gid("AllianceMembership", membership) });
    let applied = at_once(&w.app, &w.lead.token, "suspendAllianceMembership", input).await;
    let moved = row().await.unwrap().unwrap().version - before;
    let entries = audited(&w.app, "alliance_membership.suspended").await;
    assert_eq!((applied, moved, entries), (1, 1, 1));
}
