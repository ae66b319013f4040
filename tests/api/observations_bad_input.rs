//! Bad input gets a user error with its code and changes nothing: an observation that
//! states a grade, observing oneself, an unknown person, sharing with someone outside the
//! platform or sharing a record one does not own. And the schema has no place for a grade.

use serde_json::{Value, json};

use crate::common::gid;
use crate::observations_visibility::{Demo, OBSERVER, SHARED_WITH, TEACHER};
use crate::world::{mutate, user_error_codes};

const OBSERVATION: &str = "observation { id purpose }";

fn visit(teacher: &str) -> Value {
    json!({
        "teacherId": teacher,
        "observedOn": "2026-11-25",
        "purpose": "DEVELOPMENTAL",
        "focus": "Questioning in guided reading",
        "wentWell": "Every group was asked a why question.",
        "questionsForDialogue": "Which question opened the richest talk?",
        "agreedNextSteps": "Plan the why questions in advance.",
    })
}

/// What the observer, the teacher and the person shared with see, as counts.
async fn counts(demo: &Demo, tokens: &[String]) -> Vec<Value> {
    let mut all = Vec::new();
    for token in tokens {
        let data = demo
            .app
            .ok(
                Some(token),
                "{ viewer { observations(first: 1) { totalCount } reflections(first: 1) { totalCount } } }",
                json!({}),
            )
            .await;
        all.push(data);
    }
    all
}

#[tokio::test]
async fn bad_observations_and_shares_get_user_errors_and_change_nothing() {
    let demo = Demo::new().await;
    let app = &demo.app;
    let observer = demo.token(OBSERVER).await;
    let teacher = demo.token(TEACHER).await;
    let peer = demo.token(SHARED_WITH).await;
    let tokens = [observer.clone(), teacher.clone(), peer.clone()];
    let before = counts(&demo, &tokens).await;
    let teacher_id = gid(
        "Person",
        crate::observations_scenario::person_key(app, TEACHER).await,
    );

    // A grade, in any of the text fields, by Ofsted's scale or its words.
    for (field, text) in [
        ("wentWell", "Grade 2 overall."),
        ("focus", "Overall: outstanding"),
        (
            "agreedNextSteps",
            "This lesson requires improvement in pace.",
        ),
        (
            "questionsForDialogue",
            "Why was the lesson judged to be inadequate?",
        ),
    ] {
        let mut input = visit(&teacher_id);
        input[field] = json!(text);
        let payload = mutate(app, &observer, "recordObservation", OBSERVATION, input).await;
        assert_eq!(
            user_error_codes(&payload),
            ["GRADES_NOT_RECORDED"],
            "{text}"
        );
        assert_eq!(payload["userErrors"][0]["field"], json!(["input", field]));
        assert!(payload["observation"].is_null());
    }
    // Observing oneself.
    let own_id = gid(
        "Person",
        crate::observations_scenario::person_key(app, OBSERVER).await,
    );
    let payload = mutate(
        app,
        &observer,
        "recordObservation",
        OBSERVATION,
        visit(&own_id),
    )
    .await;
    assert_eq!(user_error_codes(&payload), ["INVALID"]);
    // An unknown person, and an id of another kind.
    for id in [gid("Person", 9999), gid("School", 1)] {
        let payload = mutate(app, &observer, "recordObservation", OBSERVATION, visit(&id)).await;
        assert_eq!(user_error_codes(&payload), ["NOT_FOUND"]);
    }
    // A teacher of another alliance, whom the observer does not reach.
    let riverside = gid(
        "Person",
        crate::observations_scenario::person_key(app, "teacher@riverside.example").await,
    );
    let payload = mutate(
        app,
        &observer,
        "recordObservation",
        OBSERVATION,
        visit(&riverside),
    )
    .await;
    assert_eq!(user_error_codes(&payload), ["NOT_FOUND"]);
    // A day in the future.
    let mut input = visit(&teacher_id);
    input["observedOn"] = json!("2099-01-01");
    let payload = mutate(app, &observer, "recordObservation", OBSERVATION, input).await;
    assert_eq!(user_error_codes(&payload), ["INVALID"]);

    // Sharing with someone outside the platform (no such person), with someone the
    // teacher does not reach, and sharing a record one does not own.
    let share = |record: &str, person: &str| json!({ "recordId": record, "personId": person });
    let record = gid("Observation", 1);
    for person in [gid("Person", 9999), gid("Theme", 1), riverside.clone()] {
        let payload = mutate(
            app,
            &teacher,
            "shareRecord",
            "record { __typename }",
            share(&record, &person),
        )
        .await;
        assert_eq!(user_error_codes(&payload), ["NOT_ON_PLATFORM"], "{person}");
    }
    let head = gid(
        "Person",
        crate::observations_scenario::person_key(app, "headteacher@kingsmead.example").await,
    );
    let payload = mutate(
        app,
        &observer,
        "shareRecord",
        "record { __typename }",
        share(&record, &head),
    )
    .await;
    assert_eq!(
        user_error_codes(&payload),
        ["INVALID_STATE"],
        "only the teacher shares"
    );
    let payload = mutate(
        app,
        &peer,
        "withdrawRecordShare",
        "record { __typename }",
        share(&record, &head),
    )
    .await;
    assert_eq!(user_error_codes(&payload), ["INVALID_STATE"]);
    // A record the caller does not see at all: as if it did not exist.
    let payload = mutate(
        app,
        &peer,
        "shareRecord",
        "record { __typename }",
        share(&gid("Reflection", 1), &head),
    )
    .await;
    assert_eq!(user_error_codes(&payload), ["NOT_FOUND"]);
    // Withdrawing a share that is not there.
    let payload = mutate(
        app,
        &teacher,
        "withdrawRecordShare",
        "record { __typename }",
        share(&record, &head),
    )
    .await;
    assert_eq!(user_error_codes(&payload), ["INVALID_STATE"]);
    // Only the teacher responds; only the observer edits.
    let payload = mutate(
        app,
        &observer,
        "respondToObservation",
        OBSERVATION,
        json!({ "observationId": record, "response": "Mine" }),
    )
    .await;
    assert_eq!(user_error_codes(&payload), ["INVALID_STATE"]);
    let payload = mutate(
        app,
        &teacher,
        "editObservation",
        OBSERVATION,
        json!({ "observationId": record, "expectedVersion": 2, "focus": "Changed" }),
    )
    .await;
    assert_eq!(user_error_codes(&payload), ["INVALID_STATE"]);

    assert_eq!(counts(&demo, &tokens).await, before, "nothing changed");
    let shares = demo
        .app
        .ok(
            Some(&teacher),
            "query($id: ID!) { node(id: $id) { ... on Observation { shares { person { id } } teacherResponse focus } } }",
            json!({ "id": record }),
        )
        .await;
    assert_eq!(shares["node"]["shares"].as_array().unwrap().len(), 1);
    assert_eq!(
        shares["node"]["focus"],
        "Hinge questions at the midpoint of a Year 5 fractions lesson"
    );
}

#[tokio::test]
async fn the_schema_has_no_place_for_a_grade_and_no_way_to_change_a_purpose() {
    let demo = Demo::new().await;
    let forbidden = ["grade", "score", "rating", "judgement", "judgment"];
    for ty in [
        "Observation",
        "RecordObservationInput",
        "EditObservationInput",
        "RespondToObservationInput",
        "Reflection",
        "WriteReflectionInput",
        "EditReflectionInput",
    ] {
        let data = demo
            .app
            .ok(
                None,
                "query($t: String!) { __type(name: $t) { fields { name } inputFields { name } } }",
                json!({ "t": ty }),
            )
            .await;
        let names: Vec<String> = ["fields", "inputFields"]
            .iter()
            .flat_map(|k| data["__type"][k].as_array().cloned().unwrap_or_default())
            .map(|f| f["name"].as_str().unwrap().to_lowercase())
            .collect();
        assert!(!names.is_empty(), "{ty} is served");
        for name in &names {
            assert!(
                !forbidden.iter().any(|word| name.contains(word)),
                "{ty}.{name} looks like a grade"
            );
        }
        if ty.starts_with("Edit") || ty.starts_with("Respond") {
            assert!(
                !names.contains(&"purpose".to_owned()),
                "{ty} changes no purpose"
            );
        }
    }
}
