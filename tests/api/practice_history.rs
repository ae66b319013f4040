//! A practice's history: a teacher writes it, their head sends it back, it is approved for
//! the alliance and edited twice, reported and restored. Each step is in its history in
//! order, each published text is kept as a revision, the audit log holds what others
//! read, and its counts of endorsements, comments and adaptations follow every change.

use crate::practice_readers::{PracticeWorld, practice_world};
use crate::world::{key_of, mutate_ok};
use entity::{audit_event, practice};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

const LIFE: &str = "status version reviewComment
    history { action fromStatus toStatus visibility comment actor { id } }
    revisions { version title editedBy { id } }";

/// `(action, from, to, comment)` of each step, oldest first.
fn steps(practice: &Value) -> Vec<(String, Value, Value, Value)> {
    practice["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| {
            (
                step["action"].as_str().unwrap().to_owned(),
                step["fromStatus"].clone(),
                step["toStatus"].clone(),
                step["comment"].clone(),
            )
        })
        .collect()
}

fn step(action: &str, from: Value, to: &str, comment: Value) -> (String, Value, Value, Value) {
    (action.to_owned(), from, json!(to), comment)
}

/// `(action, actor, school, alliance)` of the audit entries about practice `id`.
async fn audit(
    w: &PracticeWorld,
    id: &Value,
) -> Vec<(String, Option<i32>, Option<i32>, Option<i32>)> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Subject.eq(id.as_str().unwrap()))
        .order_by_asc(audit_event::Column::Id)
        .all(&w.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.action, row.actor_id, row.school_id, row.alliance_id))
        .collect()
}

/// `(endorsementCount, commentCount, adaptationCount)` as `token` reads them, which must
/// be what the row stores (what lists show and order by).
async fn counts(w: &PracticeWorld, token: &str, id: &Value) -> (i64, i64, i64) {
    let seen = w
        .read(
            Some(token),
            id,
            "endorsementCount commentCount adaptationCount endorsements { totalCount }",
        )
        .await
        .expect("the practice is read");
    let row = practice::Entity::find_by_id(key_of(id))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap();
    let counts = (
        seen["endorsementCount"].as_i64().unwrap(),
        seen["commentCount"].as_i64().unwrap(),
        seen["adaptationCount"].as_i64().unwrap(),
    );
    assert_eq!(
        counts,
        (
            i64::from(row.endorsement_count),
            i64::from(row.comment_count),
            i64::from(row.adaptation_count)
        ),
        "stored counts"
    );
    assert_eq!(seen["endorsements"]["totalCount"], counts.0);
    counts
}

#[tokio::test]
async fn a_practice_keeps_its_history_revisions_audit_and_counts() {
    let w = practice_world().await;
    let amy = &w.amy;
    let id = w.draft(amy, w.ashby, "ALLIANCE", "Title one").await;
    let practice = json!({ "practiceId": id });
    let ok = |token: &str, field: &str, input: Value| {
        let app = &w.app;
        let token = token.to_owned();
        let field = field.to_owned();
        async move { mutate_ok(app, &token, &field, "practice { version }", input).await }
    };

    ok(&amy.token, "submitPracticeForReview", practice.clone()).await;
    ok(
        &w.head_a.token,
        "sendPracticeBack",
        json!({ "practiceId": id, "comment": "Add your evidence" }),
    )
    .await;
    let sent_back = w.read(Some(&amy.token), &id, LIFE).await.unwrap();
    assert_eq!(sent_back["status"], "DRAFT");
    assert_eq!(sent_back["reviewComment"], "Add your evidence");
    assert_eq!(
        sent_back["revisions"],
        json!([]),
        "no revision before publication"
    );
    ok(
        &amy.token,
        "updatePractice",
        json!({ "practiceId": id, "expectedVersion": 3, "evidenceOfImpact": "Reading ages up 9 months" }),
    )
    .await;
    ok(&amy.token, "submitPracticeForReview", practice.clone()).await;
    ok(
        &w.cpd_a.token,
        "approvePractice",
        json!({ "practiceId": id, "comment": "Lovely" }),
    )
    .await;
    for (version, title) in [(6, "Title two"), (7, "Title three")] {
        let edited = ok(
            &amy.token,
            "updatePractice",
            json!({ "practiceId": id, "expectedVersion": version, "title": title }),
        )
        .await;
        assert_eq!(edited["practice"]["version"], version + 1);
    }

    let life = w.read(Some(&amy.token), &id, LIFE).await.unwrap();
    assert_eq!(life["status"], "PUBLISHED");
    assert_eq!(life["version"], 8);
    assert_eq!(
        life["reviewComment"],
        Value::Null,
        "approval clears the old comment"
    );
    let draft = json!("DRAFT");
    let review = json!("IN_REVIEW");
    let published = json!("PUBLISHED");
    assert_eq!(
        steps(&life),
        [
            step("CREATED", Value::Null, "DRAFT", Value::Null),
            step(
                "SUBMITTED_FOR_REVIEW",
                draft.clone(),
                "IN_REVIEW",
                Value::Null
            ),
            step(
                "SENT_BACK",
                review.clone(),
                "DRAFT",
                json!("Add your evidence")
            ),
            step("EDITED", draft.clone(), "DRAFT", Value::Null),
            step(
                "SUBMITTED_FOR_REVIEW",
                draft.clone(),
                "IN_REVIEW",
                Value::Null
            ),
            step("APPROVED", review, "PUBLISHED", json!("Lovely")),
            step("EDITED", published.clone(), "PUBLISHED", Value::Null),
            step("EDITED", published.clone(), "PUBLISHED", Value::Null),
        ]
    );
    let actors: Vec<i32> = life["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| key_of(&s["actor"]["id"]))
        .collect();
    assert_eq!(
        actors,
        [
            amy.id,
            amy.id,
            w.head_a.id,
            amy.id,
            amy.id,
            w.cpd_a.id,
            amy.id,
            amy.id
        ]
    );
    assert!(
        life["history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["visibility"] == "ALLIANCE")
    );
    // The published text and each edit of it, newest first.
    let revisions: Vec<(i64, &str, i32)> = life["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["version"].as_i64().unwrap(),
                r["title"].as_str().unwrap(),
                key_of(&r["editedBy"]["id"]),
            )
        })
        .collect();
    assert_eq!(
        revisions,
        [
            (8, "Title three", amy.id),
            (7, "Title two", amy.id),
            (6, "Title one", w.cpd_a.id),
        ]
    );
    // Its approvers read the history; other readers do not.
    let head = w.read(Some(&w.head_a.token), &id, LIFE).await.unwrap();
    assert_eq!(head["history"], life["history"]);
    let reader = w.read(Some(&w.cat.token), &id, LIFE).await.unwrap();
    assert_eq!(reader["history"], json!([]));
    assert_eq!(head["revisions"], life["revisions"]);
    assert_eq!(
        reader["revisions"],
        json!([]),
        "earlier texts are not theirs to read"
    );
    assert_eq!(reader["reviewComment"], Value::Null);

    // Take-down and restoration.
    ok(
        &w.cat.token,
        "reportPractice",
        json!({ "practiceId": id, "reason": "A date of birth" }),
    )
    .await;
    ok(&w.head_a.token, "restorePractice", practice.clone()).await;
    let life = w.read(Some(&amy.token), &id, LIFE).await.unwrap();
    let tail: Vec<_> = steps(&life).into_iter().skip(8).collect();
    assert_eq!(
        tail,
        [
            step(
                "REPORTED",
                published.clone(),
                "PUBLISHED",
                json!("A date of birth")
            ),
            step("RESTORED", published.clone(), "PUBLISHED", Value::Null),
        ]
    );

    // The audit log: every step others are concerned with, in the school and alliance.
    let (school, alliance) = (Some(w.ashby), Some(w.severn));
    let entry = |action: &str, actor: i32| (action.to_owned(), Some(actor), school, alliance);
    assert_eq!(
        audit(&w, &id).await,
        [
            entry("practice.submitted", amy.id),
            entry("practice.sent_back", w.head_a.id),
            entry("practice.submitted", amy.id),
            entry("practice.approved", w.cpd_a.id),
            entry("practice.taken_down", w.cat.id),
            entry("practice.restored", w.head_a.id),
        ]
    );

    // Counts follow endorsements, comments and adaptations.
    let reader = &w.ben.token;
    assert_eq!(counts(&w, reader, &id).await, (0, 0, 0));
    let endorse = |who: &crate::practice_readers::Person| {
        let app = &w.app;
        let token = who.token.clone();
        let input = json!({ "practiceId": id, "note": "Tried it", "outcome": "IMPROVED" });
        async move {
            mutate_ok(app, &token, "endorsePractice", "endorsement { id }", input).await
                ["endorsement"]["id"]
                .clone()
        }
    };
    let by_cat = endorse(&w.cat).await;
    endorse(&w.ben).await;
    assert_eq!(counts(&w, reader, &id).await, (2, 0, 0));
    mutate_ok(
        &w.app,
        &w.cat.token,
        "withdrawPracticeEndorsement",
        "endorsement { id }",
        json!({ "endorsementId": by_cat }),
    )
    .await;
    assert_eq!(counts(&w, reader, &id).await, (1, 0, 0));

    let thread = mutate_ok(
        &w.app,
        &w.ben.token,
        "commentOnPractice",
        "thread { id }",
        json!({ "practiceId": id, "bodyMarkdown": "Which year groups?" }),
    )
    .await["thread"]["id"]
        .clone();
    let reply = mutate_ok(
        &w.app,
        &w.cat.token,
        "replyToDiscussionThread",
        "reply { id }",
        json!({ "threadId": thread, "bodyMarkdown": "We used it in Year 3" }),
    )
    .await["reply"]["id"]
        .clone();
    mutate_ok(
        &w.app,
        &w.head_c.token,
        "commentOnPractice",
        "thread { id }",
        json!({ "practiceId": id, "bodyMarkdown": "Thank you" }),
    )
    .await;
    assert_eq!(counts(&w, reader, &id).await, (1, 3, 0));
    mutate_ok(
        &w.app,
        &w.cat.token,
        "deleteDiscussionReply",
        "reply { id }",
        json!({ "replyId": reply }),
    )
    .await;
    assert_eq!(counts(&w, reader, &id).await, (1, 2, 0));
    mutate_ok(
        &w.app,
        &w.ben.token,
        "deleteDiscussionThread",
        "thread { id }",
        json!({ "threadId": thread }),
    )
    .await;
    assert_eq!(counts(&w, reader, &id).await, (1, 1, 0));

    let adaptation = w.adapt(&w.cat, &id, w.cedar, "ALLIANCE", "Cedar's").await;
    assert_eq!(
        counts(&w, reader, &id).await,
        (1, 1, 0),
        "a draft adaptation is not counted"
    );
    w.publish(&adaptation, &w.cat, w.cedar, "ALLIANCE").await;
    assert_eq!(counts(&w, reader, &id).await, (1, 1, 1));
    mutate_ok(
        &w.app,
        &w.cat.token,
        "withdrawPractice",
        "practice { status }",
        json!({ "practiceId": adaptation }),
    )
    .await;
    assert_eq!(counts(&w, reader, &id).await, (1, 1, 0));
    w.publish(&adaptation, &w.cat, w.cedar, "ALLIANCE").await;
    mutate_ok(
        &w.app,
        &w.cat.token,
        "archivePractice",
        "practice { status }",
        json!({ "practiceId": adaptation }),
    )
    .await;
    assert_eq!(
        counts(&w, reader, &id).await,
        (1, 1, 1),
        "an archived adaptation still counts"
    );
}
