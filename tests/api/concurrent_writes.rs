//! Thirty people writing at once: every stored count and sum stays exact (a practice's
//! endorsements, comments and adaptations, an offer's committed days, a thread's last
//! activity), going up and coming down. On PostgreSQL, where transactions overlap, a count
//! recomputed or a value written from a stale read lost updates; SQLite runs writers one
//! at a time, and must stay exact too. A record shared with one person many times at once
//! is shared once.

use std::time::Duration;

use chrono::DateTime;
use entity::enums::{AllianceRoleKind, StaffRoleKind};
use futures_util::future::join_all;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    EntityTrait, QueryFilter, Set, Statement, TransactionTrait,
};
use serde_json::{Value, json};

use crate::common::{TestApp, gid, spawn_app_with};
use crate::world::{key_of, mutate, mutate_ok};

const WRITERS: usize = 30;

struct Crowd {
    app: TestApp,
    alliance: i32,
    /// Ashby, where the practice comes from; Brook, where the crowd works.
    schools: [i32; 2],
    /// Ashby's headteacher: writes, publishes and moderates the practice.
    head: String,
    /// Brook's headteacher.
    brook_head: String,
    /// The alliance's CPD lead, who brokers support.
    lead: String,
    /// Teachers at Brook.
    teachers: Vec<String>,
}

async fn crowd() -> Crowd {
    // Thirty sign-ins from one address, and thirty writers queueing for five connections
    // behind one another's row locks: the test is about what they write, not how fast.
    let app = spawn_app_with(&[
        "--sign-in-per-ip-per-minute",
        "1000",
        "--db-acquire-timeout-ms",
        "60000",
    ])
    .await;
    let alliance = app.alliance("Severn Alliance").await;
    let ashby = app.school("Ashby Primary").await;
    let brook = app.school("Brook Academy").await;
    app.member(alliance, ashby).await;
    app.member(alliance, brook).await;
    let head = app.person("head@ashby.example", false).await;
    app.staff(head, ashby, StaffRoleKind::Headteacher).await;
    let brook_head = app.person("head@brook.example", false).await;
    app.staff(brook_head, brook, StaffRoleKind::Headteacher)
        .await;
    let lead = app.person("lead@severn.example", false).await;
    app.alliance_role(lead, alliance, AllianceRoleKind::CpdLead)
        .await;
    let mut emails = Vec::new();
    for n in 0..WRITERS {
        let email = format!("teacher{n}@brook.example");
        let person = app.person(&email, false).await;
        app.staff(person, brook, StaffRoleKind::Teacher).await;
        emails.push(email);
    }
    let teachers = join_all(emails.iter().map(|email| app.sign_in(email))).await;
    Crowd {
        head: app.sign_in("head@ashby.example").await,
        brook_head: app.sign_in("head@brook.example").await,
        lead: app.sign_in("lead@severn.example").await,
        app,
        alliance,
        schools: [ashby, brook],
        teachers,
    }
}

impl Crowd {
    /// A public practice of Ashby's, published; its id.
    async fn practice(&self, title: &str) -> Value {
        let created = mutate_ok(
            &self.app,
            &self.head,
            "createPractice",
            "practice { id }",
            json!({ "schoolId": gid("School", self.schools[0]), "kind": "CASE_STUDY",
                    "title": title, "summary": "Hinge questions before moving on.",
                    "bodyMarkdown": "One question, four answers, every lesson.",
                    "audience": { "visibility": "PUBLIC",
                                  "allianceId": gid("Alliance", self.alliance) } }),
        )
        .await;
        let id = created["practice"]["id"].clone();
        mutate_ok(
            &self.app,
            &self.head,
            "publishPractice",
            "practice { status }",
            json!({ "practiceId": id }),
        )
        .await;
        id
    }

    /// Runs mutation `field` once per input, each as the matching token, all at once;
    /// every one must succeed. The payloads, in input order.
    async fn all_at_once(
        &self,
        field: &str,
        selection: &str,
        writes: impl IntoIterator<Item = (&String, Value)>,
    ) -> Vec<Value> {
        join_all(
            writes
                .into_iter()
                .map(|(token, input)| mutate_ok(&self.app, token, field, selection, input)),
        )
        .await
    }

    /// An offer of `days` a term from a Brook teacher; its id.
    async fn offer(&self, days: u32) -> Value {
        mutate_ok(
            &self.app,
            &self.teachers[0],
            "createSupportOffer",
            "offer { id }",
            json!({ "allianceId": gid("Alliance", self.alliance),
                    "title": "Hinge questions in maths",
                    "descriptionMarkdown": "I can model it in your classrooms.",
                    "phases": ["PRIMARY"], "daysPerTerm": days }),
        )
        .await["offer"]["id"]
            .clone()
    }

    /// A request for a day of support from Brook; its id.
    async fn request(&self) -> Value {
        mutate_ok(
            &self.app,
            &self.brook_head,
            "createSupportRequest",
            "request { id }",
            json!({ "allianceId": gid("Alliance", self.alliance),
                    "schoolId": gid("School", self.schools[1]),
                    "title": "Questioning in KS2 maths",
                    "descriptionMarkdown": "Answers are short.",
                    "phases": ["PRIMARY"], "urgency": "HIGH", "days": 1 }),
        )
        .await["request"]["id"]
            .clone()
    }

    /// Brokers `request` to `offer` as the CPD lead: the whole payload.
    async fn broker(&self, request: &Value, offer: &Value) -> Value {
        mutate(
            &self.app,
            &self.lead,
            "brokerSupportRequest",
            "arrangement { id daysPlanned }",
            json!({ "requestId": request, "offerId": offer,
                    "focus": "Hinge questions in Year 5", "days": 1 }),
        )
        .await
    }

    async fn read(&self, token: &str, query: &str, variables: Value) -> Value {
        self.app.ok(Some(token), query, variables).await
    }
}

const COUNTS: &str = "query($id: ID!) { node(id: $id) { ... on Practice {
    endorsementCount commentCount adaptationCount
    endorsements(first: 1) { totalCount }
    commentThreads(first: 100) { totalCount nodes { id replies(first: 1) { totalCount } } } } } }";

#[tokio::test]
async fn endorsements_made_and_withdrawn_at_once_are_all_counted() {
    let c = crowd().await;
    let practice = c.practice("Hinge questions").await;
    let endorsed = c
        .all_at_once(
            "endorsePractice",
            "endorsement { id }",
            c.teachers.iter().map(|token| {
                let input = json!({ "practiceId": practice, "note": "It worked in Year 5.",
                                    "outcome": "IMPROVED" });
                (token, input)
            }),
        )
        .await;
    let counts = c.read(&c.head, COUNTS, json!({ "id": practice })).await["node"].clone();
    assert_eq!(counts["endorsements"]["totalCount"], WRITERS);
    assert_eq!(counts["endorsementCount"], WRITERS, "{counts:#}");

    // The practice leads the most endorsed, ahead of one endorsed once.
    let other = c.practice("Exit tickets").await;
    mutate_ok(
        &c.app,
        &c.teachers[0],
        "endorsePractice",
        "endorsement { id }",
        json!({ "practiceId": other, "note": "Useful.", "outcome": "IMPROVED" }),
    )
    .await;
    let order = json!({ "o": { "field": "MOST_ENDORSED", "direction": "DESC" } });
    let ranked = c
        .read(
            &c.head,
            "query($o: PracticeOrder) { practices(orderBy: $o, first: 2) { nodes { id } } }",
            order,
        )
        .await;
    assert_eq!(ranked["practices"]["nodes"][0]["id"], practice);

    c.all_at_once(
        "withdrawPracticeEndorsement",
        "endorsement { id }",
        c.teachers.iter().zip(&endorsed).map(|(token, payload)| {
            (
                token,
                json!({ "endorsementId": payload["endorsement"]["id"] }),
            )
        }),
    )
    .await;
    let counts = c.read(&c.head, COUNTS, json!({ "id": practice })).await["node"].clone();
    assert_eq!(counts["endorsements"]["totalCount"], 0);
    assert_eq!(counts["endorsementCount"], 0, "{counts:#}");
}

#[tokio::test]
async fn comments_and_replies_posted_and_deleted_at_once_are_all_counted() {
    let c = crowd().await;
    let practice = c.practice("Hinge questions").await;
    let threads = c
        .all_at_once(
            "commentOnPractice",
            "thread { id }",
            c.teachers.iter().map(|token| {
                let input =
                    json!({ "practiceId": practice, "bodyMarkdown": "How long did it take?" });
                (token, input)
            }),
        )
        .await;
    let first_thread = threads[0]["thread"]["id"].clone();
    let replies = c
        .all_at_once(
            "replyToDiscussionThread",
            "reply { id }",
            c.teachers.iter().map(|token| {
                let input = json!({ "threadId": first_thread, "bodyMarkdown": "Ten minutes." });
                (token, input)
            }),
        )
        .await;
    let counts = c.read(&c.head, COUNTS, json!({ "id": practice })).await["node"].clone();
    assert_eq!(counts["commentThreads"]["totalCount"], WRITERS);
    assert_eq!(counts["commentCount"], 2 * WRITERS, "{counts:#}");

    let reply_ids = replies.iter().map(|payload| payload["reply"]["id"].clone());
    let thread_ids = threads
        .iter()
        .map(|payload| payload["thread"]["id"].clone());
    let deletions = c.teachers.iter().zip(reply_ids).map(|(token, id)| {
        mutate_ok(
            &c.app,
            token,
            "deleteDiscussionReply",
            "reply { id }",
            json!({ "replyId": id }),
        )
    });
    let thread_deletions = c.teachers.iter().zip(thread_ids).map(|(token, id)| {
        mutate_ok(
            &c.app,
            token,
            "deleteDiscussionThread",
            "thread { id }",
            json!({ "threadId": id }),
        )
    });
    futures_util::future::join(join_all(deletions), join_all(thread_deletions)).await;
    let counts = c.read(&c.head, COUNTS, json!({ "id": practice })).await["node"].clone();
    assert_eq!(counts["commentCount"], 0, "{counts:#}");
}

/// The stored count of an origin's published adaptations, which orders `MOST_ADAPTED`
/// (`adaptationCount` itself counts those the reader may see, afresh).
async fn stored_adaptation_count(app: &TestApp, practice: &Value) -> i32 {
    entity::practice::Entity::find_by_id(key_of(practice))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .adaptation_count
}

#[tokio::test]
async fn adaptations_published_and_withdrawn_at_once_are_all_counted() {
    let c = crowd().await;
    let origin = c.practice("Hinge questions").await;
    let brook = gid("School", c.schools[1]);
    let adaptations = c
        .all_at_once(
            "adaptPractice",
            "practice { id }",
            c.teachers.iter().map(|token| {
                let input = json!({ "practiceId": origin, "schoolId": brook,
                                    "changes": "Fewer answers for Year 3." });
                (token, input)
            }),
        )
        .await;
    let ids: Vec<Value> = adaptations
        .iter()
        .map(|payload| payload["practice"]["id"].clone())
        .collect();
    c.all_at_once(
        "publishPractice",
        "practice { status }",
        c.teachers
            .iter()
            .zip(&ids)
            .map(|(token, id)| (token, json!({ "practiceId": id }))),
    )
    .await;
    assert_eq!(stored_adaptation_count(&c.app, &origin).await, 30);
    let seen = c
        .read(&c.teachers[0], COUNTS, json!({ "id": origin }))
        .await;
    assert_eq!(seen["node"]["adaptationCount"], WRITERS);

    c.all_at_once(
        "withdrawPractice",
        "practice { status }",
        c.teachers
            .iter()
            .zip(&ids)
            .map(|(token, id)| (token, json!({ "practiceId": id }))),
    )
    .await;
    assert_eq!(stored_adaptation_count(&c.app, &origin).await, 0);
}

const OFFER: &str = "query($id: ID!) { node(id: $id) { ... on SupportOffer {
    daysCommitted daysRemaining } } }";

/// Brokering many requests onto one offer at once commits exactly the days of the
/// arrangements made, never more than the offer has, and refuses the rest as too many
/// days rather than as a conflict; cancelling them at once gives every day back.
#[tokio::test]
async fn days_committed_to_an_offer_at_once_add_up_and_never_overdraw_it() {
    let c = crowd().await;
    let offer = c.offer(20).await;
    let mut requests = Vec::new();
    for _ in 0..WRITERS {
        requests.push(c.request().await);
    }
    let brokered = join_all(requests.iter().map(|request| c.broker(request, &offer))).await;
    let (made, refused): (Vec<&Value>, Vec<&Value>) = brokered
        .iter()
        .partition(|payload| payload["arrangement"].is_object());
    assert_eq!(made.len(), 20, "{brokered:#?}");
    for payload in &refused {
        assert_eq!(payload["userErrors"][0]["code"], "INVALID", "{payload:#}");
        assert_eq!(payload["userErrors"][0]["field"], json!(["input", "days"]));
    }
    let days = c.read(&c.lead, OFFER, json!({ "id": offer })).await["node"].clone();
    assert_eq!(days, json!({ "daysCommitted": 20.0, "daysRemaining": 0.0 }));

    join_all(made.iter().map(|payload| {
        mutate_ok(
            &c.app,
            &c.lead,
            "cancelSupportArrangement",
            "arrangement { status }",
            json!({ "arrangementId": payload["arrangement"]["id"] }),
        )
    }))
    .await;
    let days = c.read(&c.lead, OFFER, json!({ "id": offer })).await["node"].clone();
    assert_eq!(days, json!({ "daysCommitted": 0.0, "daysRemaining": 20.0 }));
}

/// A request is brokered while it has a live arrangement: both of its arrangements
/// cancelled at once, it is open again. On PostgreSQL the test holds both cancellations
/// before they commit, after each has looked for another live arrangement (by locking the
/// audit log, written last), so that each would see the other as live unless they wait for
/// each other; SQLite runs them one after the other.
#[tokio::test]
async fn a_request_whose_arrangements_are_cancelled_at_once_is_open_again() {
    let c = crowd().await;
    let request = c.request().await;
    let mut arrangements = Vec::new();
    for _ in 0..2 {
        let brokered = mutate_ok(
            &c.app,
            &c.lead,
            "brokerSupportRequest",
            "arrangement { id }",
            json!({ "requestId": request, "supportingSchoolId": gid("School", c.schools[0]),
                    "focus": "Hinge questions in Year 5", "days": 1 }),
        )
        .await;
        arrangements.push(brokered["arrangement"]["id"].clone());
    }
    let postgres = c.app.db.get_database_backend() == DbBackend::Postgres;
    let holder = Database::connect(&c.app.database_url).await.unwrap();
    let hold = holder.begin().await.unwrap();
    if postgres {
        hold.execute_unprepared("LOCK TABLE audit_event IN SHARE MODE")
            .await
            .unwrap();
    }
    let cancellations = join_all(arrangements.iter().map(|arrangement| {
        mutate_ok(
            &c.app,
            &c.lead,
            "cancelSupportArrangement",
            "arrangement { status }",
            json!({ "arrangementId": arrangement }),
        )
    }));
    let release = async {
        if postgres {
            tokio::time::timeout(Duration::from_secs(60), async {
                while waiting_for_locks(&holder).await < 2 {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
            .await
            .expect("both cancellations wait: for the held lock, or for each other");
        }
        hold.rollback().await.unwrap();
    };
    futures_util::future::join(cancellations, release).await;
    let status = c
        .read(
            &c.lead,
            "query($id: ID!) { node(id: $id) { ... on SupportRequest { status } } }",
            json!({ "id": request }),
        )
        .await;
    assert_eq!(status["node"]["status"], "OPEN");
}

/// Statements of the test database that wait for a lock (PostgreSQL).
async fn waiting_for_locks(db: &DatabaseConnection) -> usize {
    let waiting = Statement::from_string(
        DbBackend::Postgres,
        "SELECT count(*) FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    let row = db.query_one_raw(waiting).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap() as usize
}

const THREADS: &str = "query($id: ID!) { node(id: $id) { ... on Practice {
    commentThreads(first: 10) { nodes { id pinned lastActivityAt
        replies(last: 100) { nodes { createdAt } } } } } } }";

/// A thread's last activity is its latest reply's, however the replies' transactions
/// overlap, and a moderator pinning it meanwhile keeps it pinned (first in the list).
#[tokio::test]
async fn a_thread_replied_to_and_pinned_at_once_stays_pinned_with_its_latest_activity() {
    let c = crowd().await;
    let practice = c.practice("Hinge questions").await;
    let comment = async |token: &str| {
        mutate_ok(
            &c.app,
            token,
            "commentOnPractice",
            "thread { id }",
            json!({ "practiceId": practice, "bodyMarkdown": "How long did it take?" }),
        )
        .await
    };
    let thread = comment(&c.teachers[0]).await["thread"]["id"].clone();
    let replies = c.teachers.iter().map(|token| {
        mutate_ok(
            &c.app,
            token,
            "replyToDiscussionThread",
            "reply { id }",
            json!({ "threadId": thread, "bodyMarkdown": "Ten minutes." }),
        )
    });
    let pin = mutate_ok(
        &c.app,
        &c.head,
        "pinDiscussionThread",
        "thread { pinned }",
        json!({ "threadId": thread }),
    );
    futures_util::future::join(join_all(replies), pin).await;
    // A newer thread comes after the pinned one.
    comment(&c.teachers[1]).await;

    let threads = c.read(&c.head, THREADS, json!({ "id": practice })).await["node"]
        ["commentThreads"]["nodes"]
        .clone();
    let pinned = &threads[0];
    assert_eq!(pinned["id"], thread, "{threads:#}");
    assert_eq!(pinned["pinned"], true);
    let time = |value: &Value| DateTime::parse_from_rfc3339(value.as_str().unwrap()).unwrap();
    let latest_reply = pinned["replies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reply| time(&reply["createdAt"]))
        .max()
        .unwrap();
    // Activity is kept to the microsecond, which PostgreSQL rounds where it is cut.
    let apart = time(&pinned["lastActivityAt"]) - latest_reply;
    assert!(apart.num_microseconds().unwrap().abs() <= 1, "{threads:#}");
}

/// The signed-in person's global id.
async fn own_id(app: &TestApp, token: &str) -> Value {
    app.ok(Some(token), "{ viewer { person { id } } }", json!({}))
        .await["viewer"]["person"]["id"]
        .clone()
}

#[tokio::test]
async fn a_record_shared_with_one_person_many_times_at_once_has_one_open_share() {
    let c = crowd().await;
    let teacher = &c.teachers[0];
    let observed = mutate_ok(
        &c.app,
        &c.brook_head,
        "recordObservation",
        "observation { id }",
        json!({ "teacherId": own_id(&c.app, teacher).await, "observedOn": "2026-11-30",
                "purpose": "DEVELOPMENTAL", "focus": "Modelling",
                "wentWell": "A clear worked example." }),
    )
    .await["observation"]["id"]
        .clone();
    // The teacher shares it with a colleague ten times at once (a double click, a retry):
    // every request answers as sharing again does, none fails.
    let colleague = own_id(&c.app, &c.teachers[1]).await;
    let share = json!({ "recordId": observed, "personId": colleague });
    let payloads = c
        .all_at_once(
            "shareRecord",
            "record { ... on Observation { shares { person { id } } } }",
            std::iter::repeat_n((teacher, share), 10),
        )
        .await;
    for payload in &payloads {
        assert_eq!(
            payload["record"]["shares"],
            json!([{ "person": { "id": colleague } }]),
            "{payload:#}"
        );
    }
    let open = entity::record_share::Entity::find()
        .filter(entity::record_share::Column::ObservationId.eq(key_of(&observed)))
        .filter(entity::record_share::Column::WithdrawnAt.is_null())
        .all(&c.app.db)
        .await
        .unwrap();
    assert_eq!(open.len(), 1, "{open:?}");

    // Whatever the requests, the database keeps one open share of a record to a person,
    // of exactly one record.
    let row = &open[0];
    for (observation_id, reflection_id) in [(row.observation_id, None), (None, None)] {
        let refused = entity::record_share::ActiveModel {
            observation_id: Set(observation_id),
            reflection_id: Set(reflection_id),
            owner_id: Set(row.owner_id),
            person_id: Set(row.person_id),
            through_school_id: Set(None),
            shared_at: Set(row.shared_at),
            withdrawn_at: Set(None),
            ..Default::default()
        }
        .insert(&c.app.db)
        .await;
        assert!(refused.is_err(), "{observation_id:?} {reflection_id:?}");
    }
}
