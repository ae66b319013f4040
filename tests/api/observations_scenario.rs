//! Observation on the demo's people, beyond issue 24's scenario
//! (`coaching_portfolio_scenario`, where the head sees a shared observation only while it
//! is shared): a platform admin never sees one, a share through the school says so, the
//! head's notice carries no content, a withdrawn share leaves `nodes` and the audit log
//! empty for the head, and the teacher's response goes into the export. Then the coachee
//! moves school: a share made to the old school's head through the role ends with the
//! role, and the portfolio keeps both schools.

use entity::{person, staff_role};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::common::{TestApp, gid};
use crate::observations_visibility::{Demo, HEAD, OBSERVER, PLATFORM_ADMIN};
use crate::world::mutate_ok;

/// A demo person's key, by email.
pub async fn person_key(app: &TestApp, email: &str) -> i32 {
    person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{email} is in the demo"))
        .id
}

const COACHEE: &str = "teacher@kingsmead.example";
const NODE: &str = "query($id: ID!) { node(id: $id) { id } }";

/// Whether `token` sees observation `id`, by `node` and in their list (which agree).
pub async fn sees(app: &TestApp, token: &str, id: &serde_json::Value) -> bool {
    let node = app.gql(Some(token), NODE, json!({ "id": id })).await;
    let list = app
        .ok(
            Some(token),
            "{ viewer { observations(first: 50) { nodes { id } } } }",
            json!({}),
        )
        .await;
    let listed = list["viewer"]["observations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == *id);
    assert_eq!(
        node["data"]["node"]["id"] == *id,
        listed,
        "node and list agree"
    );
    listed
}

#[tokio::test]
async fn a_shared_and_withdrawn_observation_leaves_no_trace_for_the_head_and_its_response_is_exported()
 {
    let demo = Demo::new().await;
    let app = &demo.app;
    let coach = demo.token(OBSERVER).await;
    let coachee = demo.token(COACHEE).await;
    let head = demo.token(HEAD).await;
    let admin = demo.token(PLATFORM_ADMIN).await;
    let coachee_id = gid("Person", person_key(app, COACHEE).await);
    let head_id = gid("Person", person_key(app, HEAD).await);

    let recorded = mutate_ok(
        app,
        &coach,
        "recordObservation",
        "observation { id purpose viewerIsObserver teacher { id } }",
        json!({
            "teacherId": coachee_id,
            "observedOn": "2026-12-01",
            "purpose": "DEVELOPMENTAL",
            "focus": "Retrieval practice at the start of the lesson",
            "wentWell": "Five low-stakes questions on last week's learning; every pupil wrote an answer.",
            "questionsForDialogue": "How did you choose which weeks to revisit?",
            "agreedNextSteps": "Space the questions over four weeks, not one.",
        }),
    )
    .await;
    let id = recorded["observation"]["id"].clone();
    assert_eq!(recorded["observation"]["purpose"], "DEVELOPMENTAL");
    assert!(!sees(app, &admin, &id).await);

    // The coachee responds, and shares it with the head: the head is told and sees it.
    mutate_ok(
        app,
        &coachee,
        "respondToObservation",
        "observation { teacherResponse }",
        json!({ "observationId": id, "response": "I will try spacing over four weeks." }),
    )
    .await;
    let shared = mutate_ok(
        app,
        &coachee,
        "shareRecord",
        "record { ... on Observation { shares { person { id } endsOnLeaving { name } } } }",
        json!({ "recordId": id, "personId": head_id }),
    )
    .await;
    assert_eq!(shared["record"]["shares"][0]["person"]["id"], head_id);
    assert_eq!(
        shared["record"]["shares"][0]["endsOnLeaving"]["name"],
        "Kingsmead Primary School"
    );
    // The notice is written after commit: wait for those queued so far.
    app.notifier.settled().await;
    let inbox = app
        .ok(
            Some(&head),
            "{ viewer { notifications(first: 5) { nodes { type text } } } }",
            json!({}),
        )
        .await;
    let told = &inbox["viewer"]["notifications"]["nodes"][0];
    assert_eq!(told["type"], "RECORD_SHARED");
    assert!(
        !told["text"].as_str().unwrap().contains("Retrieval"),
        "no content in notices"
    );

    // Withdrawn: `nodes` does not answer it to the head either.
    mutate_ok(
        app,
        &coachee,
        "withdrawRecordShare",
        "record { ... on Observation { shares { person { id } } } }",
        json!({ "recordId": id, "personId": head_id }),
    )
    .await;
    let nodes = app
        .ok(
            Some(&head),
            "query($id: ID!) { nodes(ids: [$id]) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(nodes["nodes"], json!([null]));

    // Nobody but its readers finds it in the audit log, not even the platform admin.
    for token in [&head, &admin] {
        let log = app
            .ok(
                Some(token),
                "{ auditEvents(first: 100) { nodes { subjectId } } }",
                json!({}),
            )
            .await;
        assert!(!log.to_string().contains(id.as_str().unwrap()), "{log}");
    }

    // The coachee puts it in their portfolio and exports it.
    mutate_ok(
        app,
        &coachee,
        "selectRecord",
        "record { ... on Observation { inPortfolio } }",
        json!({ "recordId": id, "inPortfolio": true }),
    )
    .await;
    let portfolio = app
        .ok(
            Some(&coachee),
            "{ viewer { portfolio { observations { id } json markdown schools { title } } } }",
            json!({}),
        )
        .await["viewer"]["portfolio"]
        .clone();
    assert!(
        portfolio["observations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == id)
    );
    let json_export = &portfolio["json"];
    assert_eq!(json_export["kind"], "portfolio");
    assert!(
        json_export["observations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == id && o["teacherResponse"] == "I will try spacing over four weeks.")
    );
    let markdown = portfolio["markdown"].as_str().unwrap();
    assert!(
        markdown.contains("Retrieval practice at the start of the lesson"),
        "{markdown}"
    );
    assert!(markdown.contains("## Schools"));
}

#[tokio::test]
async fn a_share_through_the_old_school_ends_with_the_role_and_the_portfolio_follows() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let coachee = demo.token(COACHEE).await;
    let head = demo.token(HEAD).await;
    let head_id = gid("Person", person_key(app, HEAD).await);
    let peer_id = gid("Person", person_key(app, "teacher@staidans.example").await);
    let observation = gid("Observation", 1);
    // The teacher shares the demo observation with their head (through Kingsmead); it is
    // already shared with St Aidan's teacher (a peer elsewhere).
    mutate_ok(
        app,
        &coachee,
        "shareRecord",
        "record { __typename }",
        json!({ "recordId": observation, "personId": head_id }),
    )
    .await;
    assert!(sees(app, &head, &json!(observation)).await);

    // The teacher moves: their role at Kingsmead ends, a new one at St Aidan's begins.
    let teacher = person_key(app, COACHEE).await;
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.eq(teacher))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let kingsmead = role.school_id;
    let mut ended: staff_role::ActiveModel = role.clone().into();
    ended.ends_on = Set(Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
    ended.update(&app.db).await.unwrap();
    staff_role::ActiveModel {
        person_id: Set(teacher),
        school_id: Set(2),
        role: Set(role.role),
        job_title: Set(role.job_title.clone()),
        subjects: Set(json!([])),
        phases: Set(json!([])),
        starts_on: Set(chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()),
        ends_on: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();

    // The old school's head no longer sees it; the peer elsewhere still does.
    assert!(!sees(app, &head, &json!(observation)).await);
    let peer = demo.token("teacher@staidans.example").await;
    assert!(sees(app, &peer, &json!(observation)).await);
    // The owner's share list no longer holds the head; the peer stays.
    let coachee = demo.token(COACHEE).await;
    let shares = app
        .ok(
            Some(&coachee),
            "query($id: ID!) { node(id: $id) { ... on Observation { shares { person { id } } } } }",
            json!({ "id": observation }),
        )
        .await;
    assert_eq!(
        shares["node"]["shares"],
        json!([{ "person": { "id": peer_id } }])
    );
    // The appraisal view of the old school loses the appraisal observation (3).
    let view = app
        .ok(
            Some(&head),
            "query($s: ID!) { appraisalObservations(schoolId: $s, first: 10) { totalCount } }",
            json!({ "s": gid("School", kingsmead) }),
        )
        .await;
    assert_eq!(view["appraisalObservations"]["totalCount"], 0);
    // The portfolio follows the teacher: both schools, the observation still in it.
    let portfolio = app
        .ok(
            Some(&coachee),
            "{ viewer { portfolio { schools { title until } observations { id } } } }",
            json!({}),
        )
        .await;
    let schools = portfolio["viewer"]["portfolio"]["schools"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(schools.len(), 2, "{schools:?}");
    assert_eq!(schools[1]["title"], "Kingsmead Primary School");
    assert_eq!(schools[1]["until"], "2026-12-01");
    assert_eq!(
        portfolio["viewer"]["portfolio"]["observations"][0]["id"],
        observation
    );
}

#[tokio::test]
async fn a_share_ended_by_leaving_the_school_does_not_come_back_with_a_new_role_there() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let coachee = demo.token(COACHEE).await;
    let head = demo.token(HEAD).await;
    let head_id = gid("Person", person_key(app, HEAD).await);
    let observation = gid("Observation", 1);
    mutate_ok(
        app,
        &coachee,
        "shareRecord",
        "record { __typename }",
        json!({ "recordId": observation, "personId": head_id }),
    )
    .await;
    assert!(sees(app, &head, &json!(observation)).await);
    // The head ends the teacher's role at Kingsmead (the mutation).
    let teacher = person_key(app, COACHEE).await;
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.eq(teacher))
        .filter(staff_role::Column::EndsOn.is_null())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    mutate_ok(
        app,
        &head,
        "endStaffRole",
        "staffRole { endsOn }",
        json!({ "staffRoleId": gid("StaffRole", role.id) }),
    )
    .await;
    assert!(!sees(app, &head, &json!(observation)).await);
    // Months later the teacher comes back to Kingsmead: the old share stays ended.
    staff_role::ActiveModel {
        person_id: Set(teacher),
        school_id: Set(role.school_id),
        role: Set(role.role),
        job_title: Set(role.job_title.clone()),
        subjects: Set(json!([])),
        phases: Set(json!([])),
        starts_on: Set(chrono::NaiveDate::from_ymd_opt(2027, 4, 12).unwrap()),
        ends_on: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    assert!(!sees(app, &head, &json!(observation)).await);
}
