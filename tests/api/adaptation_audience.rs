//! An adaptation carries its origin's text, so it is never read more widely than that
//! text (issue 18, item 4): its audience cannot be chosen wider than its origin's, on any
//! route (adapting, editing, submitting, approving, publishing, restoring), and readers
//! of an adaptation must also read everything it descends from, so that narrowing,
//! withdrawing or taking down an origin narrows its adaptations with it.

use serde_json::{Value, json};

use crate::practice_readers::practice_world;
use crate::world::{mutate, mutate_ok, user_error_codes};

const ADAPT_FIELDS: &str = "practice { id visibility }";

fn adapt_input(
    w: &crate::practice_readers::PracticeWorld,
    origin: &Value,
    school: i32,
    visibility: &str,
) -> Value {
    json!({ "practiceId": origin, "schoolId": crate::common::gid("School", school),
            "changes": "For our Year 8 classes", "audience": w.audience(school, visibility) })
}

#[tokio::test]
async fn a_partnership_practice_cannot_be_adapted_for_the_public() {
    let w = practice_world().await;
    let origin = w
        .shared(
            &w.amy,
            w.ashby,
            "PARTNERSHIP",
            "Ashby's partnership starters",
        )
        .await;

    // Brook's teacher reads it (Brook is in the partnership) and adapts it: not for the
    // public, nor the alliance.
    for wider in ["PUBLIC", "ALLIANCE"] {
        let refused = mutate(
            &w.app,
            &w.ben.token,
            "adaptPractice",
            ADAPT_FIELDS,
            adapt_input(&w, &origin, w.brook, wider),
        )
        .await;
        assert_eq!(
            user_error_codes(&refused),
            ["INVALID"],
            "{wider}: {refused:#}"
        );
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", "audience", "visibility"])
        );
    }
    // Within the partnership, or at Brook only, it is.
    let adapted = w
        .shared_adaptation(&w.ben, &origin, w.brook, "PARTNERSHIP", "Brook's starters")
        .await;
    assert_eq!(
        w.readers(&adapted).await,
        ["amy", "col", "head_a", "cpd_a", "ben", "head_b"],
        "the partnership, as the origin"
    );
    let school_only = w
        .adapt(&w.ben, &origin, w.brook, "SCHOOL", "Brook only")
        .await;
    // Editing it wider is refused as adapting it was.
    let widened = mutate(
        &w.app,
        &w.ben.token,
        "updatePractice",
        "practice { visibility }",
        json!({ "practiceId": school_only, "expectedVersion": 1,
                "audience": w.audience(w.brook, "PUBLIC") }),
    )
    .await;
    assert_eq!(user_error_codes(&widened), ["INVALID"], "{widened:#}");
}

#[tokio::test]
async fn narrowing_or_withdrawing_an_origin_narrows_its_adaptations() {
    let w = practice_world().await;
    let origin = w
        .shared(&w.amy, w.ashby, "PARTNERSHIP", "Ashby's exit tickets")
        .await;
    let adapted = w
        .shared_adaptation(
            &w.ben,
            &origin,
            w.brook,
            "PARTNERSHIP",
            "Brook's exit tickets",
        )
        .await;
    assert_eq!(w.readers(&adapted).await.len(), 6);

    // Ashby takes its text back: only the adapting teacher, and the origin's author (who
    // reads her own draft), still read the adaptation.
    mutate_ok(
        &w.app,
        &w.amy.token,
        "withdrawPractice",
        "practice { status }",
        json!({ "practiceId": origin }),
    )
    .await;
    assert_eq!(w.readers(&adapted).await, ["amy", "ben"]);
    let version = w
        .read(Some(&w.amy.token), &origin, "version")
        .await
        .expect("its author reads it")["version"]
        .clone();

    // Shared again, with Ashby only: the adaptation is read at Ashby (and by its author),
    // no longer at Brook.
    mutate_ok(
        &w.app,
        &w.amy.token,
        "updatePractice",
        "practice { visibility }",
        json!({ "practiceId": origin, "expectedVersion": version,
                "audience": w.audience(w.ashby, "SCHOOL") }),
    )
    .await;
    w.publish(&origin, &w.amy, w.ashby, "SCHOOL").await;
    assert_eq!(
        w.readers(&adapted).await,
        ["amy", "col", "head_a", "cpd_a", "ben"]
    );

    // Withdrawn and sent for review again, Brook's adaptation is refused: wider than its
    // origin now is.
    mutate_ok(
        &w.app,
        &w.ben.token,
        "withdrawPractice",
        "practice { status }",
        json!({ "practiceId": adapted }),
    )
    .await;
    let resubmitted = mutate(
        &w.app,
        &w.ben.token,
        "submitPracticeForReview",
        "practice { status }",
        json!({ "practiceId": adapted }),
    )
    .await;
    assert_eq!(
        user_error_codes(&resubmitted),
        ["INVALID"],
        "{resubmitted:#}"
    );
}

#[tokio::test]
async fn taking_down_an_origin_hides_its_adaptations_down_the_family() {
    let w = practice_world().await;
    let origin = w
        .shared(&w.amy, w.ashby, "PUBLIC", "Ashby's retrieval grids")
        .await;
    let child = w
        .shared_adaptation(
            &w.ben,
            &origin,
            w.brook,
            "PUBLIC",
            "Brook's retrieval grids",
        )
        .await;
    let grandchild = w
        .shared_adaptation(&w.cat, &child, w.cedar, "PUBLIC", "Cedar's retrieval grids")
        .await;
    assert!(w.sees(None, &grandchild).await);

    mutate_ok(
        &w.app,
        &w.oz.token,
        "reportPractice",
        "practice { id }",
        json!({ "practiceId": origin, "reason": "A pupil's name in the example grid" }),
    )
    .await;
    for id in [&child, &grandchild] {
        assert!(!w.sees(None, id).await, "anonymous still reads {id}");
        assert!(!w.sees(Some(&w.oz.token), id).await, "oz still reads {id}");
    }
    // Its authors still read their own.
    assert!(w.sees(Some(&w.cat.token), &grandchild).await);

    mutate_ok(
        &w.app,
        &w.head_a.token,
        "restorePractice",
        "practice { id }",
        json!({ "practiceId": origin }),
    )
    .await;
    assert!(w.sees(None, &grandchild).await);
}
