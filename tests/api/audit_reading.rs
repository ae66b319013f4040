//! The audit log shows an entry only to those who may read the object it is about, and a
//! practice step's comment only to the practice's authors and approvers (issue 18,
//! item 5).

use serde_json::{Value, json};

use crate::practice_readers::practice_world;
use crate::support_world::support_world;
use crate::world::mutate_ok;

const AUDIT: &str = "{ auditEvents(first: 100) { totalCount nodes { action subjectId details } } }";

async fn audit(app: &crate::common::TestApp, token: &str) -> Value {
    app.ok(Some(token), AUDIT, json!({})).await["auditEvents"].clone()
}

fn subjects(events: &Value) -> Vec<String> {
    events["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["subjectId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_alliance_admin_reads_no_entry_of_practice_they_may_not_read_nor_its_comments() {
    let w = practice_world().await;
    let step = |field: &'static str, token: &str, input: Value| {
        let app = &w.app;
        let token = token.to_owned();
        async move { mutate_ok(app, &token, field, "practice { status }", input).await }
    };
    // In review, then sent back with a comment.
    let in_review = w.draft(&w.amy, w.ashby, "ALLIANCE", "Seating plans").await;
    step(
        "submitPracticeForReview",
        &w.amy.token,
        json!({ "practiceId": in_review }),
    )
    .await;
    step(
        "sendPracticeBack",
        &w.head_a.token,
        json!({ "practiceId": in_review, "comment": "Take out the pupil's name in part two" }),
    )
    .await;
    // Taken down, with a reason.
    let taken_down = w.shared(&w.amy, w.ashby, "ALLIANCE", "Reading ages").await;
    step(
        "reportPractice",
        &w.ben.token,
        json!({ "practiceId": taken_down, "reason": "Names a pupil in class 4B" }),
    )
    .await;
    // Published to a partnership the admin is not in, with an approval comment.
    let partnership = w
        .draft(&w.amy, w.ashby, "PARTNERSHIP", "Shared marking")
        .await;
    step(
        "submitPracticeForReview",
        &w.amy.token,
        json!({ "practiceId": partnership }),
    )
    .await;
    step(
        "approvePractice",
        &w.head_a.token,
        json!({ "practiceId": partnership, "comment": "Approved for Ashby and Brook only" }),
    )
    .await;
    // Published to the alliance, which the admin reads, with an approval comment.
    let alliance = w
        .draft(&w.amy, w.ashby, "ALLIANCE", "Hinge questions")
        .await;
    step(
        "submitPracticeForReview",
        &w.amy.token,
        json!({ "practiceId": alliance }),
    )
    .await;
    step(
        "approvePractice",
        &w.head_a.token,
        json!({ "practiceId": alliance, "comment": "Well evidenced, for the conference" }),
    )
    .await;

    let lead = audit(&w.app, &w.lead.token).await;
    let seen = subjects(&lead);
    for (what, id) in [
        ("in review", &in_review),
        ("taken down", &taken_down),
        ("partnership", &partnership),
    ] {
        assert!(
            !seen.contains(&id.as_str().unwrap().to_owned()),
            "{what}: {lead:#}"
        );
    }
    let text = lead.to_string();
    for secret in ["pupil", "Ashby and Brook only", "conference"] {
        assert!(!text.contains(secret), "{secret}: {lead:#}");
    }
    let approved: Vec<&Value> = lead["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["subjectId"] == alliance && event["action"] == "practice.approved")
        .collect();
    assert_eq!(approved.len(), 1, "{lead:#}");
    assert_eq!(approved[0]["details"]["to"], "Published");
    assert_eq!(lead["totalCount"], lead["nodes"].as_array().unwrap().len());

    // The school's head, who approves its practice, reads every entry and comment.
    let head = audit(&w.app, &w.head_a.token).await.to_string();
    for comment in [
        "Take out the pupil's name in part two",
        "Names a pupil in class 4B",
        "Approved for Ashby and Brook only",
        "Well evidenced, for the conference",
    ] {
        assert!(head.contains(comment), "{comment}: {head}");
    }
}

#[tokio::test]
async fn a_school_leader_reads_no_entry_of_a_community_or_enquiry_they_may_not_read() {
    let s = support_world().await;
    let w = &s.w;
    let community = w
        .create("Coaching circle", "COACHING_NETWORK", "MEMBERS_ONLY")
        .await;
    let membership = w.add(&community, &w.teachers[0]).await;
    let started = mutate_ok(
        &w.app,
        &w.teachers[0].token,
        "startEnquiry",
        "enquiry { id }",
        json!({ "allianceId": s.alliance(), "question": "Why do I rush plenaries?" }),
    )
    .await;
    let enquiry = started["enquiry"]["id"].clone();

    // Ashby's head may not read the members-only community nor the personal enquiry of
    // a teacher of Ashby: the log, which she reads for Ashby, does not tell of them.
    let head = audit(&w.app, &w.heads[0].token).await;
    let seen = subjects(&head);
    for (what, id) in [("membership", &membership), ("enquiry", &enquiry)] {
        assert!(
            !seen.contains(&id.as_str().unwrap().to_owned()),
            "{what}: {head:#}"
        );
    }
    assert!(
        !head.to_string().contains(community.as_str().unwrap()),
        "{head:#}"
    );
    // The CPD lead runs the alliance and reads both.
    let lead = subjects(&audit(&w.app, &w.lead.token).await);
    assert!(lead.contains(&membership.as_str().unwrap().to_owned()));
    assert!(lead.contains(&enquiry.as_str().unwrap().to_owned()));
}
