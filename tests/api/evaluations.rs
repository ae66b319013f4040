//! Evaluations and impact follow-ups over HTTP: only the person who attended writes them,
//! the follow-up is created when attendance is recorded and reminded once when due, and
//! the hosts see counts and themes of all and the texts only of those shared in full.

use entity::enums::BookingStatus;
use entity::{event_evaluation, event_follow_up, theme};
use sea_orm::{EntityTrait, QueryOrder, TransactionTrait};
use serde_json::{Value, json};

use crate::common::{TestApp, gid, spawn_app};
use crate::release_world::{World, at, booking, event};

const EVALUATE: &str = "mutation($input: SubmitEventEvaluationInput!) { submitEventEvaluation(input: $input) {
    evaluation { plannedChange sharedInFull version themes { name } person { id } } userErrors { field code } } }";
const FOLLOW_UP: &str =
    "mutation($input: SubmitEventFollowUpInput!) { submitEventFollowUp(input: $input) {
    followUp { whatChanged sharedInFull dueOn submittedAt } userErrors { field code } } }";
const IMPACT: &str = "query($id: ID!) { eventImpact(eventId: $id) {
    attended evaluated followedUp linkedPractices linkedCommunities
    themesOfChange { theme { name } count }
    sharedEvaluations { plannedChange person { id } }
    sharedFollowUps { whatChanged } } }";

async fn attended(
    app: &TestApp,
    booking: &entity::event_booking::Model,
    event: &entity::event::Model,
) {
    let txn = app.db.begin().await.unwrap();
    let mut notices = trellis::notifications::Notices::background(
        app.notifier.clone(),
        "https://trellis.example".into(),
    );
    trellis::evaluations::on_attended(&txn, &mut notices, booking, event)
        .await
        .unwrap();
    notices.commit(txn).await.unwrap();
}

#[tokio::test]
async fn people_who_attended_evaluate_and_follow_up_and_hosts_see_the_impact() {
    let app = spawn_app().await;
    let world = World::new(&app).await;
    let themes = theme::Entity::find()
        .order_by_asc(theme::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let (questioning, feedback) = (&themes[0], &themes[1]);
    let course = event(
        &app,
        world.alliance,
        Some(world.oak),
        None,
        2,
        at("2025-11-10"),
        world.lead,
    )
    .await;
    let ash = booking(
        &app,
        &course,
        world.ash_teacher,
        world.ash,
        BookingStatus::Attended,
    )
    .await;
    let elm = booking(
        &app,
        &course,
        world.elm_teacher,
        world.elm,
        BookingStatus::Attended,
    )
    .await;
    let booked = booking(
        &app,
        &course,
        world.ash_second,
        world.ash,
        BookingStatus::Confirmed,
    )
    .await;
    attended(&app, &ash, &course).await;
    attended(&app, &elm, &course).await;
    // Recording attendance again makes no second follow-up.
    attended(&app, &ash, &course).await;
    let follow_ups = event_follow_up::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(follow_ups.len(), 2);
    assert_eq!(
        follow_ups[0].due_on.to_string(),
        "2025-12-22",
        "six weeks after the end"
    );
    let asked: Vec<String> = app
        .mail()
        .await
        .into_iter()
        .filter(|mail| mail.subject.starts_with("What will change"))
        .map(|mail| mail.to)
        .collect();
    assert_eq!(asked.len(), 2, "one each: {asked:?}");

    let ash_teacher = app.sign_in("teacher@ash.example").await;
    let elm_teacher = app.sign_in("teacher@elm.example").await;
    let ash_second = app.sign_in("second@ash.example").await;
    let evaluate = |token: String, input: Value| {
        let app = &app;
        async move {
            app.ok(Some(&token), EVALUATE, json!({ "input": input }))
                .await["submitEventEvaluation"]
                .clone()
        }
    };
    let ash_id = gid("EventBooking", ash.id);
    let elm_id = gid("EventBooking", elm.id);

    // Bad input: a userError each, and nothing written.
    for (token, input, field, code) in [
        (
            &ash_second,
            json!({ "bookingId": gid("EventBooking", booked.id), "plannedChange": "More hinge questions" }),
            "bookingId",
            "INVALID_STATE",
        ),
        (
            &ash_teacher,
            json!({ "bookingId": elm_id, "plannedChange": "Someone else's" }),
            "bookingId",
            "NOT_FOUND",
        ),
        (
            &ash_teacher,
            json!({ "bookingId": gid("Person", 1), "plannedChange": "A wrong id" }),
            "bookingId",
            "NOT_FOUND",
        ),
        (
            &ash_teacher,
            json!({ "bookingId": ash_id, "plannedChange": "   " }),
            "plannedChange",
            "INVALID",
        ),
        (
            &ash_teacher,
            json!({ "bookingId": ash_id, "plannedChange": "x".repeat(2001) }),
            "plannedChange",
            "INVALID",
        ),
        (
            &ash_teacher,
            json!({ "bookingId": ash_id, "plannedChange": "Tagged", "themeIds": [gid("Theme", 999_999)] }),
            "themeIds",
            "NOT_FOUND",
        ),
    ] {
        let result = evaluate(token.clone(), input.clone()).await;
        assert_eq!(
            result["userErrors"][0]["field"],
            json!(["input", field]),
            "{input}: {result}"
        );
        assert_eq!(result["userErrors"][0]["code"], code, "{input}: {result}");
        assert_eq!(result["evaluation"], Value::Null);
    }
    assert!(
        event_evaluation::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );

    let first = evaluate(
        ash_teacher.clone(),
        json!({ "bookingId": ash_id, "plannedChange": "Hinge questions in every maths lesson",
        "themeIds": [gid("Theme", questioning.id)], "shareInFull": true }),
    )
    .await;
    assert_eq!(first["userErrors"], json!([]));
    assert_eq!(first["evaluation"]["version"], 1);
    let elm_result = evaluate(
        elm_teacher.clone(),
        json!({ "bookingId": elm_id, "plannedChange": "Private plans",
        "themeIds": [gid("Theme", questioning.id), gid("Theme", feedback.id)] }),
    )
    .await;
    assert_eq!(elm_result["evaluation"]["sharedInFull"], false);
    // Editing keeps one evaluation and moves its version on.
    let edited = evaluate(
        ash_teacher.clone(),
        json!({ "bookingId": ash_id, "plannedChange": "Hinge questions, then exit tickets",
        "themeIds": [gid("Theme", questioning.id)], "shareInFull": true, "expectedVersion": 1 }),
    )
    .await;
    assert_eq!(edited["evaluation"]["version"], 2);
    let stale = evaluate(
        ash_teacher.clone(),
        json!({ "bookingId": ash_id, "plannedChange": "Stale",
        "shareInFull": true, "expectedVersion": 1 }),
    )
    .await;
    assert_eq!(stale["userErrors"][0]["code"], "CONFLICT");

    // Each reads their own, and nobody else's.
    const OWN: &str = "query($id: ID!) { eventEvaluation(bookingId: $id) { plannedChange } eventFollowUp(bookingId: $id) { dueOn whatChanged } }";
    let own = app
        .ok(Some(&elm_teacher), OWN, json!({ "id": elm_id }))
        .await;
    assert_eq!(own["eventEvaluation"]["plannedChange"], "Private plans");
    assert_eq!(own["eventFollowUp"]["dueOn"], "2025-12-22");
    let body = app
        .gql(Some(&ash_teacher), OWN, json!({ "id": elm_id }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{body}"
    );

    // Follow-ups: reminded once when due, whichever instance claims it.
    let claimed = trellis::evaluations::reminders::claim_due(
        &app.db,
        chrono::NaiveDate::from_ymd_opt(2025, 12, 21).unwrap(),
    )
    .await
    .unwrap();
    assert!(claimed.is_empty(), "not due before its day");
    let told = trellis::evaluations::reminders::remind_due(
        &app.db,
        app.notifier.clone(),
        "https://trellis.example".into(),
    )
    .await
    .unwrap();
    assert_eq!(told, 2);
    let again = trellis::evaluations::reminders::remind_due(
        &app.db,
        app.notifier.clone(),
        "https://trellis.example".into(),
    )
    .await
    .unwrap();
    assert_eq!(again, 0);
    let reminded: Vec<String> = app
        .mail()
        .await
        .into_iter()
        .filter(|mail| mail.subject.starts_with("What changed"))
        .map(|mail| mail.to)
        .collect();
    assert_eq!(reminded.len(), 2, "{reminded:?}");

    let follow_up = |token: String, input: Value| {
        let app = &app;
        async move {
            app.ok(Some(&token), FOLLOW_UP, json!({ "input": input }))
                .await["submitEventFollowUp"]
                .clone()
        }
    };
    for (input, field) in [
        (
            json!({ "bookingId": ash_id, "whatChanged": "" }),
            "whatChanged",
        ),
        (
            json!({ "bookingId": ash_id, "whatChanged": "Exit tickets daily", "practiceId": gid("Practice", 4242) }),
            "practiceId",
        ),
        (
            json!({ "bookingId": ash_id, "whatChanged": "Exit tickets daily", "communityId": gid("Community", 4242) }),
            "communityId",
        ),
        (
            json!({ "bookingId": gid("EventBooking", booked.id), "whatChanged": "Not attended" }),
            "bookingId",
        ),
    ] {
        let result = follow_up(ash_teacher.clone(), input.clone()).await;
        assert_eq!(
            result["userErrors"][0]["field"],
            json!(["input", field]),
            "{input}: {result}"
        );
    }
    let row = event_follow_up::Entity::find()
        .order_by_asc(event_follow_up::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.what_changed, row.submitted_at),
        (None, None),
        "nothing written"
    );
    let done = follow_up(ash_teacher.clone(), json!({ "bookingId": ash_id, "whatChanged": "Exit tickets every day; fewer misconceptions at the end of units", "shareInFull": true })).await;
    assert_eq!(done["userErrors"], json!([]));
    assert!(done["followUp"]["submittedAt"].is_string());
    let kept = follow_up(
        elm_teacher.clone(),
        json!({ "bookingId": elm_id, "whatChanged": "Kept to myself" }),
    )
    .await;
    assert_eq!(kept["followUp"]["sharedInFull"], false);

    // The hosts: counts and themes of all, texts of those shared.
    let lead = app.sign_in("lead@severn.example").await;
    let oak_head = app.sign_in("head@oak.example").await;
    let expected = json!({
        "attended": 2, "evaluated": 2, "followedUp": 2, "linkedPractices": 0, "linkedCommunities": 0,
        "themesOfChange": [
            { "theme": { "name": questioning.name }, "count": 2 },
            { "theme": { "name": feedback.name }, "count": 1 },
        ],
        "sharedEvaluations": [{ "plannedChange": "Hinge questions, then exit tickets", "person": { "id": gid("Person", world.ash_teacher) } }],
        "sharedFollowUps": [{ "whatChanged": "Exit tickets every day; fewer misconceptions at the end of units" }],
    });
    let event_id = json!({ "id": gid("Event", course.id) });
    for token in [&lead, &oak_head] {
        let impact = app.ok(Some(token), IMPACT, event_id.clone()).await;
        assert_eq!(impact["eventImpact"], expected);
    }
    // Nobody else: not the attendees, not another school's head, not another alliance.
    let ash_head = app.sign_in("head@ash.example").await;
    let other_lead = app.sign_in("lead@wye.example").await;
    for token in [&ash_teacher, &ash_head, &other_lead] {
        let body = app.gql(Some(token), IMPACT, event_id.clone()).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{body}"
        );
        assert!(!body.to_string().contains("Private plans"));
    }
}
