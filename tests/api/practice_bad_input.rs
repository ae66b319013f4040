//! Bad input to practice mutations gets a user error (or a top-level `FORBIDDEN` where
//! the caller reads the practice but may not act on it) and changes nothing: no row is
//! written anywhere, and the practice reads exactly as before.

use crate::common::gid;
use crate::practice_readers::{Person, PracticeWorld, practice_world};
use crate::world::{error_code, mutate_ok, mutate_raw};
use entity::{audit_event, discussion_post, practice, practice_endorsement, practice_event};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// Everything a reader notices of a practice, and its life so far.
const STATE: &str = "title summary bodyMarkdown evidenceOfImpact links { url } status visibility
    version isTakenDown takenDownReason endorsementCount commentCount adaptationCount
    reviewComment adaptationChanges outcome history { action } revisions { version }
    endorsements { totalCount nodes { note outcome version } }";

/// Rows of every table a practice mutation writes.
async fn rows(w: &PracticeWorld) -> [u64; 5] {
    let db = &w.app.db;
    [
        practice::Entity::find().count(db).await.unwrap(),
        practice_endorsement::Entity::find()
            .count(db)
            .await
            .unwrap(),
        discussion_post::Entity::find().count(db).await.unwrap(),
        practice_event::Entity::find().count(db).await.unwrap(),
        audit_event::Entity::find().count(db).await.unwrap(),
    ]
}

/// How a refused mutation answered.
#[derive(Debug, PartialEq)]
enum Refusal {
    /// One user error: its code and field path.
    User(String, Value),
    /// A top-level error code, with no data.
    TopLevel(String),
}

fn user(code: &str, field: &[&str]) -> Refusal {
    Refusal::User(code.to_owned(), json!(field))
}

fn top(code: &str) -> Refusal {
    Refusal::TopLevel(code.to_owned())
}

/// Runs mutation `field` as `who`, which must be refused without writing a row; how.
async fn refused(w: &PracticeWorld, who: &Person, field: &str, input: Value) -> Refusal {
    let before = rows(w).await;
    let body = mutate_raw(&w.app, &who.token, field, "__typename", input).await;
    assert_eq!(rows(w).await, before, "{field} wrote rows: {body:#}");
    if let Some(code) = error_code(&body) {
        assert_eq!(body["data"], Value::Null, "{body:#}");
        return Refusal::TopLevel(code.to_owned());
    }
    let errors = body["data"][field]["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("a payload: {body:#}"));
    assert_eq!(errors.len(), 1, "{field}: one user error: {body:#}");
    Refusal::User(
        errors[0]["code"].as_str().unwrap().to_owned(),
        errors[0]["field"].clone(),
    )
}

/// The practice as `who` reads it.
async fn state(w: &PracticeWorld, who: &Person, id: &Value) -> Value {
    w.read(Some(&who.token), id, STATE)
        .await
        .unwrap_or_else(|| panic!("{} reads {id}", who.email))
}

/// Runs `field` as `who` on practice `id`, which must be refused in the way `expected`
/// says and leave the practice as `reader` read it before.
async fn refused_on(
    w: &PracticeWorld,
    who: &Person,
    field: &str,
    input: Value,
    id: &Value,
    reader: &Person,
    expected: Refusal,
) {
    let before = state(w, reader, id).await;
    assert_eq!(
        refused(w, who, field, input.clone()).await,
        expected,
        "{field} as {} with {input}",
        who.email
    );
    assert_eq!(state(w, reader, id).await, before, "{field} changed {id}");
}

fn create_input(w: &PracticeWorld, visibility: &str, fields: Value) -> Value {
    let mut input = json!({ "schoolId": gid("School", w.ashby), "kind": "TOOL",
        "title": "Exit tickets", "summary": "Short", "bodyMarkdown": "Body",
        "audience": w.audience(w.ashby, visibility) });
    for (key, value) in fields.as_object().unwrap() {
        input[key] = value.clone();
    }
    input
}

#[tokio::test]
async fn publishing_approving_and_reviewing_refuse_what_is_not_allowed() {
    let w = practice_world().await;
    let id = w.draft(&w.amy, w.ashby, "ALLIANCE", "Cold calling").await;
    let practice = json!({ "practiceId": id });

    // Beyond the school, a teacher's publishing needs approval.
    refused_on(
        &w,
        &w.amy,
        "publishPractice",
        practice.clone(),
        &id,
        &w.amy,
        user("NEEDS_APPROVAL", &["input", "practiceId"]),
    )
    .await;
    // Within the school there is nothing to approve.
    let school = w.draft(&w.amy, w.ashby, "SCHOOL", "Seating plans").await;
    refused_on(
        &w,
        &w.amy,
        "submitPracticeForReview",
        json!({ "practiceId": school }),
        &school,
        &w.amy,
        user("INVALID_STATE", &["input", "practiceId"]),
    )
    .await;
    // A draft is not approved; nor by someone who does not read it.
    refused_on(
        &w,
        &w.head_a,
        "approvePractice",
        practice.clone(),
        &id,
        &w.amy,
        user("NOT_FOUND", &["input", "practiceId"]),
    )
    .await;

    mutate_ok(
        &w.app,
        &w.amy.token,
        "submitPracticeForReview",
        "practice { status }",
        practice.clone(),
    )
    .await;
    // Approving by a non-leader: the author (who reads it) is forbidden; a colleague
    // and another school's head do not read it at all.
    for (who, expected) in [
        (&w.amy, top("FORBIDDEN")),
        (&w.col, user("NOT_FOUND", &["input", "practiceId"])),
        (&w.head_b, user("NOT_FOUND", &["input", "practiceId"])),
        (&w.lead, user("NOT_FOUND", &["input", "practiceId"])),
    ] {
        refused_on(
            &w,
            who,
            "approvePractice",
            practice.clone(),
            &id,
            &w.head_a,
            expected,
        )
        .await;
    }
    // Sending back needs a comment, and an approver.
    refused_on(
        &w,
        &w.head_a,
        "sendPracticeBack",
        json!({ "practiceId": id, "comment": "   " }),
        &id,
        &w.head_a,
        user("INVALID", &["input", "comment"]),
    )
    .await;
    refused_on(
        &w,
        &w.amy,
        "sendPracticeBack",
        json!({ "practiceId": id, "comment": "Back you go" }),
        &id,
        &w.head_a,
        top("FORBIDDEN"),
    )
    .await;
    // In review, its audience stays.
    refused_on(
        &w,
        &w.amy,
        "updatePractice",
        json!({ "practiceId": id, "expectedVersion": 2, "audience": { "visibility": "SCHOOL" } }),
        &id,
        &w.amy,
        user("INVALID_STATE", &["input", "audience"]),
    )
    .await;

    mutate_ok(
        &w.app,
        &w.cpd_a.token,
        "approvePractice",
        "practice { status }",
        practice.clone(),
    )
    .await;
    // Published: approved twice, published again, its audience changed.
    for (field, input, expected) in [
        (
            "approvePractice",
            practice.clone(),
            user("INVALID_STATE", &["input", "practiceId"]),
        ),
        (
            "publishPractice",
            practice.clone(),
            user("INVALID_STATE", &["input", "practiceId"]),
        ),
        (
            "updatePractice",
            json!({ "practiceId": id, "expectedVersion": 3,
                    "audience": { "visibility": "PUBLIC" } }),
            user("INVALID_STATE", &["input", "audience"]),
        ),
    ] {
        let who = if field == "approvePractice" {
            &w.head_a
        } else {
            &w.amy
        };
        refused_on(&w, who, field, input, &id, &w.amy, expected).await;
    }
}

#[tokio::test]
async fn text_identifying_a_pupil_is_not_shared_beyond_the_school() {
    let w = practice_world().await;
    let upn = "Pupil K123456789012 made rapid progress.";
    let dob = "She was born on 12 March 2016 in Leeds.";

    // Submitting for review: the field at fault is named.
    let id = w
        .draft(&w.amy, w.ashby, "ALLIANCE", "Phonics catch-up")
        .await;
    let edited = mutate_ok(
        &w.app,
        &w.amy.token,
        "updatePractice",
        "practice { version }",
        json!({ "practiceId": id, "expectedVersion": 1, "bodyMarkdown": upn }),
    )
    .await;
    assert_eq!(
        edited["practice"]["version"], 2,
        "a draft may hold anything"
    );
    refused_on(
        &w,
        &w.amy,
        "submitPracticeForReview",
        json!({ "practiceId": id }),
        &id,
        &w.amy,
        user("IDENTIFIES_PUPIL", &["input", "bodyMarkdown"]),
    )
    .await;

    // Editing in review.
    mutate_ok(
        &w.app,
        &w.amy.token,
        "updatePractice",
        "practice { version }",
        json!({ "practiceId": id, "expectedVersion": 2, "bodyMarkdown": "Clean now" }),
    )
    .await;
    mutate_ok(
        &w.app,
        &w.amy.token,
        "submitPracticeForReview",
        "practice { status }",
        json!({ "practiceId": id }),
    )
    .await;
    refused_on(
        &w,
        &w.amy,
        "updatePractice",
        json!({ "practiceId": id, "expectedVersion": 4, "evidenceOfImpact": dob }),
        &id,
        &w.amy,
        user("IDENTIFIES_PUPIL", &["input", "evidenceOfImpact"]),
    )
    .await;

    // Approving: text that reached the database by another way is still refused.
    practice::Entity::update_many()
        .col_expr(
            practice::Column::Summary,
            sea_orm::sea_query::Expr::value(format!("Summary. {upn}")),
        )
        .filter(practice::Column::Id.eq(crate::world::key_of(&id)))
        .exec(&w.app.db)
        .await
        .unwrap();
    refused_on(
        &w,
        &w.head_a,
        "approvePractice",
        json!({ "practiceId": id }),
        &id,
        &w.amy,
        user("IDENTIFIES_PUPIL", &["input", "summary"]),
    )
    .await;

    // Publishing beyond the school, by an author who may approve.
    let head = mutate_ok(
        &w.app,
        &w.head_a.token,
        "createPractice",
        "practice { id }",
        create_input(&w, "PUBLIC", json!({ "evidenceOfImpact": dob })),
    )
    .await;
    let head = head["practice"]["id"].clone();
    refused_on(
        &w,
        &w.head_a,
        "publishPractice",
        json!({ "practiceId": head }),
        &head,
        &w.head_a,
        user("IDENTIFIES_PUPIL", &["input", "evidenceOfImpact"]),
    )
    .await;

    // Editing a published alliance item, and an adaptation's changes.
    let shared = w.shared(&w.amy, w.ashby, "ALLIANCE", "Shared").await;
    refused_on(
        &w,
        &w.amy,
        "updatePractice",
        json!({ "practiceId": shared, "expectedVersion": 3, "summary": dob }),
        &shared,
        &w.amy,
        user("IDENTIFIES_PUPIL", &["input", "summary"]),
    )
    .await;
    let adaptation = w
        .adapt(&w.cat, &shared, w.cedar, "ALLIANCE", "Cedar's")
        .await;
    mutate_ok(
        &w.app,
        &w.cat.token,
        "updatePractice",
        "practice { id }",
        json!({ "practiceId": adaptation, "expectedVersion": 1,
                "adaptationChanges": format!("For Year 2. {upn}") }),
    )
    .await;
    refused_on(
        &w,
        &w.cat,
        "submitPracticeForReview",
        json!({ "practiceId": adaptation }),
        &adaptation,
        &w.cat,
        user("IDENTIFIES_PUPIL", &["input", "adaptationChanges"]),
    )
    .await;

    // Within the school, the same text is allowed.
    let school = w.draft(&w.amy, w.ashby, "SCHOOL", "In house").await;
    mutate_ok(
        &w.app,
        &w.amy.token,
        "updatePractice",
        "practice { id }",
        json!({ "practiceId": school, "expectedVersion": 1, "bodyMarkdown": upn }),
    )
    .await;
    w.publish(&school, &w.amy, w.ashby, "SCHOOL").await;
    let edited = mutate_ok(
        &w.app,
        &w.amy.token,
        "updatePractice",
        "practice { summary }",
        json!({ "practiceId": school, "expectedVersion": 3, "summary": dob }),
    )
    .await;
    assert_eq!(edited["practice"]["summary"], dob);
}

#[tokio::test]
async fn editing_refuses_stale_versions_bad_text_and_bad_links() {
    let w = practice_world().await;
    let id = w
        .shared(&w.amy, w.ashby, "ALLIANCE", "Knowledge organisers")
        .await;
    let version = state(&w, &w.amy, &id).await["version"].as_i64().unwrap();
    assert_eq!(version, 3);

    // A stale version: CONFLICT, nothing changed, no revision kept.
    refused_on(
        &w,
        &w.amy,
        "updatePractice",
        json!({ "practiceId": id, "expectedVersion": 2, "title": "Stale" }),
        &id,
        &w.amy,
        user("CONFLICT", &["input", "expectedVersion"]),
    )
    .await;

    // Over-long and blank text, and links that are not web addresses.
    let edit = |fields: Value| {
        let mut input = json!({ "practiceId": id, "expectedVersion": 3 });
        for (key, value) in fields.as_object().unwrap() {
            input[key] = value.clone();
        }
        input
    };
    for (fields, path) in [
        (json!({ "title": "t".repeat(201) }), vec!["input", "title"]),
        (json!({ "title": "  " }), vec!["input", "title"]),
        (
            json!({ "summary": "s".repeat(1_001) }),
            vec!["input", "summary"],
        ),
        (
            json!({ "bodyMarkdown": "b".repeat(50_001) }),
            vec!["input", "bodyMarkdown"],
        ),
        (
            json!({ "evidenceOfImpact": "e".repeat(10_001) }),
            vec!["input", "evidenceOfImpact"],
        ),
        (
            json!({ "links": [{ "title": "Run me", "url": "javascript:alert(1)" }] }),
            vec!["input", "links", "0", "url"],
        ),
        (
            json!({ "links": [{ "title": "Files", "url": "ftp://files.example/x" }] }),
            vec!["input", "links", "0", "url"],
        ),
    ] {
        refused_on(
            &w,
            &w.amy,
            "updatePractice",
            edit(fields),
            &id,
            &w.amy,
            user("INVALID", &path),
        )
        .await;
    }
    // Only its authors edit; an approver reads it but may not.
    refused_on(
        &w,
        &w.head_a,
        "updatePractice",
        edit(json!({ "title": "Mine now" })),
        &id,
        &w.amy,
        top("FORBIDDEN"),
    )
    .await;
    refused_on(
        &w,
        &w.cat,
        "updatePractice",
        edit(json!({ "title": "Mine now" })),
        &id,
        &w.amy,
        top("FORBIDDEN"),
    )
    .await;

    // Creating: the same limits, and nothing is created.
    for (fields, path) in [
        (json!({ "title": "t".repeat(201) }), vec!["input", "title"]),
        (json!({ "title": "" }), vec!["input", "title"]),
        (
            json!({ "summary": "s".repeat(1_001) }),
            vec!["input", "summary"],
        ),
        (json!({ "summary": " \n " }), vec!["input", "summary"]),
        (
            json!({ "bodyMarkdown": "b".repeat(50_001) }),
            vec!["input", "bodyMarkdown"],
        ),
        (
            json!({ "evidenceOfImpact": "e".repeat(10_001) }),
            vec!["input", "evidenceOfImpact"],
        ),
        (
            json!({ "links": [{ "title": "Mail", "url": "mailto:amy@ashby.example" }] }),
            vec!["input", "links", "0", "url"],
        ),
        (
            json!({ "links": [{ "title": "Sneaky", "url": "data:text/html,<b>hi</b>" }] }),
            vec!["input", "links", "0", "url"],
        ),
    ] {
        assert_eq!(
            refused(
                &w,
                &w.amy,
                "createPractice",
                create_input(&w, "SCHOOL", fields)
            )
            .await,
            user("INVALID", &path)
        );
    }
    // A school the caller does not work at; an alliance the school is not in.
    assert_eq!(
        refused(
            &w,
            &w.amy,
            "createPractice",
            create_input(&w, "SCHOOL", json!({ "schoolId": gid("School", w.brook) }))
        )
        .await,
        top("FORBIDDEN")
    );
    assert_eq!(
        refused(
            &w,
            &w.amy,
            "createPractice",
            create_input(
                &w,
                "ALLIANCE",
                json!({ "audience": { "visibility": "ALLIANCE", "allianceId": gid("Alliance", w.other) } })
            )
        )
        .await,
        user("INVALID", &["input", "audience", "allianceId"])
    );
}

#[tokio::test]
async fn unknown_malformed_and_wrong_kind_ids_are_not_found() {
    let w = practice_world().await;
    let id = w
        .shared(&w.amy, w.ashby, "ALLIANCE", "Mini whiteboards")
        .await;
    let endorsed = mutate_ok(
        &w.app,
        &w.cat.token,
        "endorsePractice",
        "endorsement { id }",
        json!({ "practiceId": id, "note": "Tried it", "outcome": "MIXED" }),
    )
    .await;
    let endorsement = endorsed["endorsement"]["id"].clone();
    let bad_ids = [
        json!("nonsense"),
        json!(""),
        json!(gid("Practice", 99_999)),
        json!(gid("Practice", -1)),
        json!(gid("School", w.ashby)),
        endorsement.clone(),
    ];
    for bad in &bad_ids {
        for (who, field, input) in [
            (
                &w.amy,
                "updatePractice",
                json!({ "practiceId": bad, "expectedVersion": 1, "title": "X" }),
            ),
            (&w.amy, "publishPractice", json!({ "practiceId": bad })),
            (
                &w.amy,
                "submitPracticeForReview",
                json!({ "practiceId": bad }),
            ),
            (&w.head_a, "approvePractice", json!({ "practiceId": bad })),
            (
                &w.head_a,
                "sendPracticeBack",
                json!({ "practiceId": bad, "comment": "No" }),
            ),
            (&w.amy, "withdrawPractice", json!({ "practiceId": bad })),
            (&w.amy, "archivePractice", json!({ "practiceId": bad })),
            (
                &w.ben,
                "adaptPractice",
                json!({ "practiceId": bad, "schoolId": gid("School", w.brook), "changes": "X" }),
            ),
            (
                &w.ben,
                "endorsePractice",
                json!({ "practiceId": bad, "note": "X", "outcome": "IMPROVED" }),
            ),
            (
                &w.ben,
                "commentOnPractice",
                json!({ "practiceId": bad, "bodyMarkdown": "X" }),
            ),
            (
                &w.ben,
                "reportPractice",
                json!({ "practiceId": bad, "reason": "X" }),
            ),
            (&w.head_a, "restorePractice", json!({ "practiceId": bad })),
            (
                &w.amy,
                "addPracticeCoAuthor",
                json!({ "practiceId": bad, "personId": w.col.gid() }),
            ),
        ] {
            assert_eq!(
                refused(&w, who, field, input).await,
                user("NOT_FOUND", &["input", "practiceId"]),
                "{field} with {bad}"
            );
        }
    }
    // Ids in other fields: a person, a school, an endorsement, a partnership.
    for bad in [json!("nonsense"), json!(gid("Person", 99_999)), id.clone()] {
        assert_eq!(
            refused(
                &w,
                &w.amy,
                "addPracticeCoAuthor",
                json!({ "practiceId": id, "personId": bad })
            )
            .await,
            user("NOT_FOUND", &["input", "personId"]),
            "{bad}"
        );
    }
    for bad in [json!("nonsense"), json!(gid("School", 99_999)), id.clone()] {
        assert_eq!(
            refused(
                &w,
                &w.amy,
                "createPractice",
                create_input(&w, "SCHOOL", json!({ "schoolId": bad }))
            )
            .await,
            user("NOT_FOUND", &["input", "schoolId"]),
            "{bad}"
        );
    }
    for bad in [
        json!("nonsense"),
        json!(gid("PracticeEndorsement", 99_999)),
        id.clone(),
    ] {
        for (field, input) in [
            (
                "updatePracticeEndorsement",
                json!({ "endorsementId": bad, "expectedVersion": 1, "note": "X" }),
            ),
            (
                "withdrawPracticeEndorsement",
                json!({ "endorsementId": bad }),
            ),
        ] {
            assert_eq!(
                refused(&w, &w.cat, field, input).await,
                user("NOT_FOUND", &["input", "endorsementId"]),
                "{field} with {bad}"
            );
        }
    }
    assert_eq!(
        refused(
            &w,
            &w.amy,
            "createPractice",
            create_input(
                &w,
                "PARTNERSHIP",
                json!({ "audience": { "visibility": "PARTNERSHIP", "partnershipId": id } })
            )
        )
        .await,
        user("NOT_FOUND", &["input", "audience", "partnershipId"])
    );
    // Someone else's endorsement is theirs to change.
    refused_on(
        &w,
        &w.ben,
        "updatePracticeEndorsement",
        json!({ "endorsementId": endorsement, "expectedVersion": 1, "note": "Mine" }),
        &id,
        &w.amy,
        top("FORBIDDEN"),
    )
    .await;
}

#[tokio::test]
async fn endorsing_adapting_commenting_and_reporting_refuse_bad_input() {
    let w = practice_world().await;
    let id = w
        .shared(&w.amy, w.ashby, "ALLIANCE", "Think-pair-share")
        .await;
    let practice = json!({ "practiceId": id, "note": "We tried it", "outcome": "IMPROVED" });

    // Endorsing one's own practice, from its own school, from a school one does not
    // work at, with a blank or over-long note.
    for (who, input, expected) in [
        (
            &w.amy,
            practice.clone(),
            user("INVALID", &["input", "practiceId"]),
        ),
        (
            &w.col,
            practice.clone(),
            user("INVALID", &["input", "schoolId"]),
        ),
        (
            &w.head_a,
            json!({ "practiceId": id, "schoolId": gid("School", w.ashby), "note": "Ours",
                    "outcome": "IMPROVED" }),
            user("INVALID", &["input", "schoolId"]),
        ),
        (
            &w.ben,
            json!({ "practiceId": id, "schoolId": gid("School", w.cedar), "note": "Theirs",
                    "outcome": "IMPROVED" }),
            user("INVALID", &["input", "schoolId"]),
        ),
        (
            &w.ben,
            json!({ "practiceId": id, "note": " ", "outcome": "IMPROVED" }),
            user("INVALID", &["input", "note"]),
        ),
        (
            &w.ben,
            json!({ "practiceId": id, "note": "n".repeat(2_001), "outcome": "IMPROVED" }),
            user("INVALID", &["input", "note"]),
        ),
        (
            &w.oz,
            practice.clone(),
            user("NOT_FOUND", &["input", "practiceId"]),
        ),
    ] {
        refused_on(&w, who, "endorsePractice", input, &id, &w.amy, expected).await;
    }
    // A second endorsement by the same person.
    let first = mutate_ok(
        &w.app,
        &w.ben.token,
        "endorsePractice",
        "endorsement { id }",
        practice.clone(),
    )
    .await;
    refused_on(
        &w,
        &w.ben,
        "endorsePractice",
        json!({ "practiceId": id, "note": "Again", "outcome": "MIXED" }),
        &id,
        &w.amy,
        user("TAKEN", &["input", "practiceId"]),
    )
    .await;
    // Its edit with a stale version.
    refused_on(
        &w,
        &w.ben,
        "updatePracticeEndorsement",
        json!({ "endorsementId": first["endorsement"]["id"], "expectedVersion": 7,
                "note": "Changed" }),
        &id,
        &w.amy,
        user("CONFLICT", &["input", "expectedVersion"]),
    )
    .await;

    // Adapting: a draft, blank changes, over-long title, a school one does not work at.
    let draft = w.draft(&w.amy, w.ashby, "ALLIANCE", "Unfinished").await;
    let adapt = |practice: &Value, fields: Value| {
        let mut input = json!({ "practiceId": practice, "schoolId": gid("School", w.cedar),
                                "changes": "For Year 1" });
        for (key, value) in fields.as_object().unwrap() {
            input[key] = value.clone();
        }
        input
    };
    for (who, input, expected) in [
        (
            &w.amy,
            adapt(&draft, json!({ "schoolId": gid("School", w.ashby) })),
            user("INVALID_STATE", &["input", "practiceId"]),
        ),
        (
            &w.cat,
            adapt(&draft, json!({})),
            user("NOT_FOUND", &["input", "practiceId"]),
        ),
        (
            &w.cat,
            adapt(&id, json!({ "changes": "  " })),
            user("INVALID", &["input", "changes"]),
        ),
        (
            &w.cat,
            adapt(&id, json!({ "title": "t".repeat(201) })),
            user("INVALID", &["input", "title"]),
        ),
        (
            &w.cat,
            adapt(&id, json!({ "summary": "s".repeat(1_001) })),
            user("INVALID", &["input", "summary"]),
        ),
        (
            &w.cat,
            adapt(&id, json!({ "schoolId": gid("School", w.brook) })),
            top("FORBIDDEN"),
        ),
        (
            &w.cat,
            adapt(
                &id,
                json!({ "audience": { "visibility": "PARTNERSHIP", "partnershipId": w.partnership } }),
            ),
            user("INVALID", &["input", "audience", "partnershipId"]),
        ),
    ] {
        let target = if input["practiceId"] == draft {
            &draft
        } else {
            &id
        };
        refused_on(&w, who, "adaptPractice", input, target, &w.amy, expected).await;
    }

    // Commenting on a draft; a blank or over-long comment.
    for (who, input, expected) in [
        (
            &w.amy,
            json!({ "practiceId": draft, "bodyMarkdown": "Note to self" }),
            user("INVALID_STATE", &["input", "practiceId"]),
        ),
        (
            &w.col,
            json!({ "practiceId": draft, "bodyMarkdown": "Looks good" }),
            user("NOT_FOUND", &["input", "practiceId"]),
        ),
        (
            &w.ben,
            json!({ "practiceId": id, "bodyMarkdown": "   " }),
            user("INVALID", &["input", "bodyMarkdown"]),
        ),
        (
            &w.ben,
            json!({ "practiceId": id, "bodyMarkdown": "c".repeat(20_001) }),
            user("INVALID", &["input", "bodyMarkdown"]),
        ),
    ] {
        let target = if input["practiceId"] == draft {
            &draft
        } else {
            &id
        };
        refused_on(
            &w,
            who,
            "commentOnPractice",
            input,
            target,
            &w.amy,
            expected,
        )
        .await;
    }

    // Archived practice is not adapted (it is still read and endorsed).
    mutate_ok(
        &w.app,
        &w.amy.token,
        "archivePractice",
        "practice { status }",
        json!({ "practiceId": id }),
    )
    .await;
    refused_on(
        &w,
        &w.cat,
        "adaptPractice",
        adapt(&id, json!({})),
        &id,
        &w.amy,
        user("INVALID_STATE", &["input", "practiceId"]),
    )
    .await;
    // Nor is it commented on, nor edited.
    refused_on(
        &w,
        &w.cat,
        "commentOnPractice",
        json!({ "practiceId": id, "bodyMarkdown": "Still here?" }),
        &id,
        &w.amy,
        user("INVALID_STATE", &["input", "practiceId"]),
    )
    .await;
    refused_on(
        &w,
        &w.amy,
        "updatePractice",
        json!({ "practiceId": id, "expectedVersion": 4, "title": "Revived" }),
        &id,
        &w.amy,
        user("INVALID_STATE", &["input", "practiceId"]),
    )
    .await;

    // Reporting: a blank reason; a draft; twice; restoring by a non-approver.
    let live = w.shared(&w.amy, w.ashby, "ALLIANCE", "Live").await;
    for (who, input, expected) in [
        (
            &w.cat,
            json!({ "practiceId": live, "reason": " " }),
            user("INVALID", &["input", "reason"]),
        ),
        (
            &w.amy,
            json!({ "practiceId": draft, "reason": "Names a pupil" }),
            user("INVALID_STATE", &["input", "practiceId"]),
        ),
        (
            &w.head_a,
            json!({ "practiceId": live }),
            user("INVALID_STATE", &["input", "practiceId"]),
        ),
    ] {
        let target = if input["practiceId"] == draft {
            &draft
        } else {
            &live
        };
        if input.get("reason").is_none() {
            // Not taken down: nothing to restore.
            refused_on(&w, who, "restorePractice", input, target, &w.amy, expected).await;
        } else {
            refused_on(&w, who, "reportPractice", input, target, &w.amy, expected).await;
        }
    }
    mutate_ok(
        &w.app,
        &w.cat.token,
        "reportPractice",
        "practice { id }",
        json!({ "practiceId": live, "reason": "A pupil's number in the body" }),
    )
    .await;
    for (who, field, input, expected) in [
        (
            &w.cat,
            "reportPractice",
            json!({ "practiceId": live, "reason": "Again" }),
            user("NOT_FOUND", &["input", "practiceId"]),
        ),
        (
            &w.head_a,
            "reportPractice",
            json!({ "practiceId": live, "reason": "Again" }),
            user("INVALID_STATE", &["input", "practiceId"]),
        ),
        (
            &w.amy,
            "restorePractice",
            json!({ "practiceId": live }),
            top("FORBIDDEN"),
        ),
        (
            &w.head_c,
            "restorePractice",
            json!({ "practiceId": live }),
            user("NOT_FOUND", &["input", "practiceId"]),
        ),
        (
            &w.lead,
            "restorePractice",
            json!({ "practiceId": live }),
            user("NOT_FOUND", &["input", "practiceId"]),
        ),
        (
            &w.ben,
            "endorsePractice",
            json!({ "practiceId": live, "note": "X", "outcome": "IMPROVED" }),
            user("NOT_FOUND", &["input", "practiceId"]),
        ),
        (
            &w.amy,
            "commentOnPractice",
            json!({ "practiceId": live, "bodyMarkdown": "While down" }),
            user("INVALID_STATE", &["input", "practiceId"]),
        ),
    ] {
        refused_on(&w, who, field, input, &live, &w.amy, expected).await;
    }
    let seen = state(&w, &w.head_a, &live).await;
    assert_eq!(seen["isTakenDown"], true);
    assert_eq!(seen["takenDownReason"], "A pupil's number in the body");
}

#[tokio::test]
async fn co_authors_refuse_bad_changes() {
    let w = practice_world().await;
    let id = w.draft(&w.amy, w.ashby, "SCHOOL", "Shared reading").await;
    mutate_ok(
        &w.app,
        &w.amy.token,
        "addPracticeCoAuthor",
        "practice { id }",
        json!({ "practiceId": id, "personId": w.col.gid() }),
    )
    .await;
    let authors = "authors { person { id } isLead }";
    let before = w.read(Some(&w.amy.token), &id, authors).await.unwrap();
    for (who, field, person, expected) in [
        (
            &w.amy,
            "addPracticeCoAuthor",
            w.col.gid(),
            user("TAKEN", &["input", "personId"]),
        ),
        (
            &w.amy,
            "addPracticeCoAuthor",
            w.oz.gid(),
            user("NOT_FOUND", &["input", "personId"]),
        ),
        (
            &w.amy,
            "removePracticeCoAuthor",
            w.amy.gid(),
            user("INVALID_STATE", &["input", "personId"]),
        ),
        (
            &w.col,
            "removePracticeCoAuthor",
            w.amy.gid(),
            user("INVALID_STATE", &["input", "personId"]),
        ),
        (
            &w.amy,
            "removePracticeCoAuthor",
            w.ben.gid(),
            user("NOT_FOUND", &["input", "personId"]),
        ),
    ] {
        assert_eq!(
            refused(
                &w,
                who,
                field,
                json!({ "practiceId": id, "personId": person })
            )
            .await,
            expected,
            "{field} {person}"
        );
    }
    assert_eq!(
        w.read(Some(&w.amy.token), &id, authors).await.unwrap(),
        before
    );
}
