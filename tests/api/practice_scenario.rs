//! The good-practice exchange end to end, as its users meet it: a teacher writes a case
//! study, their head approves it for the alliance, a teacher at another school finds it by
//! search, adapts it for another phase and reports the outcome, a third school endorses
//! the adaptation, and the lineage shows all of it. An item naming a pupil's UPN is
//! refused.

use crate::common::gid;
use crate::community_world::community_world;
use crate::world::{mutate, mutate_ok, user_error_codes};
use serde_json::{Value, json};

const PRACTICE: &str = "practice { id status version visibility }";

#[tokio::test]
async fn a_case_study_travels_from_school_to_school() {
    let w = community_world().await;
    let app = &w.app;
    let [amy, ben, cat] = &w.teachers;
    let alliance = gid("Alliance", w.alliance);

    // Amy writes a case study at Ashby, to be shared with the alliance.
    let created = mutate_ok(
        app,
        &amy.token,
        "createPractice",
        PRACTICE,
        json!({
            "schoolId": gid("School", w.schools[0]),
            "kind": "CASE_STUDY",
            "title": "Retrieval practice starters in Year 4",
            "summary": "Five-minute low-stakes quizzes at the start of every lesson.",
            "bodyMarkdown": "We began each lesson with a **retrieval** quiz of three questions.",
            "evidenceOfImpact": "End-of-unit scores rose by 12 points.",
            "themeIds": [w.theme],
            "phases": ["PRIMARY"],
            "subjects": ["MATHEMATICS"],
            "keyStages": ["KEY_STAGE_2"],
            "links": [{ "title": "Quiz bank", "url": "https://example.org/quizzes" }],
            "audience": { "visibility": "ALLIANCE", "allianceId": alliance },
        }),
    )
    .await;
    let origin = created["practice"]["id"].clone();
    assert_eq!(created["practice"]["status"], "DRAFT");

    // Sharing beyond the school needs approval: publishing it herself is refused.
    let refused = mutate(
        app,
        &amy.token,
        "publishPractice",
        PRACTICE,
        json!({ "practiceId": origin }),
    )
    .await;
    assert_eq!(user_error_codes(&refused), ["NEEDS_APPROVAL"]);

    let submitted = mutate_ok(
        app,
        &amy.token,
        "submitPracticeForReview",
        PRACTICE,
        json!({ "practiceId": origin, "comment": "Ready for the alliance" }),
    )
    .await;
    assert_eq!(submitted["practice"]["status"], "IN_REVIEW");

    // Ben, at Brook, cannot see it yet.
    let unseen = app
        .gql(
            Some(&ben.token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": origin }),
        )
        .await;
    assert_eq!(unseen["errors"][0]["extensions"]["code"], "NOT_FOUND");

    // Ashby's head approves it for the alliance.
    let approved = mutate_ok(
        app,
        &w.heads[0].token,
        "approvePractice",
        PRACTICE,
        json!({ "practiceId": origin }),
    )
    .await;
    assert_eq!(approved["practice"]["status"], "PUBLISHED");

    // Ben finds it by search, with a highlighted snippet.
    let found = app
        .ok(
            Some(&ben.token),
            r#"{ practices(first: 5, query: "retrieval quizzes") {
                totalCount edges { snippet node { id title school { name } } } } }"#,
            json!({}),
        )
        .await;
    let edges = found["practices"]["edges"].as_array().unwrap();
    assert_eq!(found["practices"]["totalCount"], 1);
    assert_eq!(edges[0]["node"]["id"], origin);
    assert_eq!(edges[0]["node"]["school"]["name"], "Ashby Primary");
    assert!(
        edges[0]["snippet"].as_str().unwrap().contains("<mark>"),
        "{edges:?}"
    );

    // He adapts it for secondary at Brook, shares it with the alliance, and his head
    // approves it.
    let adapted = mutate_ok(
        app,
        &ben.token,
        "adaptPractice",
        "practice { id status isAdaptation adaptedFrom { id } phases bodyMarkdown }",
        json!({
            "practiceId": origin,
            "schoolId": gid("School", w.schools[1]),
            "changes": "Quizzes moved to the end of lessons for Year 9; questions from last term.",
            "title": "Retrieval quizzes in Year 9 science",
            "phases": ["SECONDARY"],
            "subjects": ["SCIENCE"],
            "audience": { "visibility": "ALLIANCE", "allianceId": alliance },
        }),
    )
    .await;
    let adaptation = adapted["practice"]["id"].clone();
    assert_eq!(adapted["practice"]["isAdaptation"], true);
    assert_eq!(adapted["practice"]["adaptedFrom"]["id"], origin);
    assert_eq!(adapted["practice"]["phases"], json!(["SECONDARY"]));
    assert!(
        adapted["practice"]["bodyMarkdown"]
            .as_str()
            .unwrap()
            .contains("retrieval")
    );
    mutate_ok(
        app,
        &ben.token,
        "submitPracticeForReview",
        PRACTICE,
        json!({ "practiceId": adaptation }),
    )
    .await;
    mutate_ok(
        app,
        &w.heads[1].token,
        "approvePractice",
        PRACTICE,
        json!({ "practiceId": adaptation }),
    )
    .await;

    // Later, Ben says what happened.
    let with_outcome = mutate_ok(
        app,
        &ben.token,
        "updatePractice",
        "practice { outcome version revisions { version } }",
        json!({ "practiceId": adaptation, "expectedVersion": 3,
                "outcome": "Year 9 recall of key terms improved; homework completion too." }),
    )
    .await;
    assert_eq!(
        with_outcome["practice"]["revisions"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "one revision at publication, one for the outcome"
    );

    // Cat, at Cedar, tried the adaptation and endorses it.
    let endorsed = mutate_ok(
        app,
        &cat.token,
        "endorsePractice",
        "endorsement { id outcome school { name } }",
        json!({ "practiceId": adaptation, "note": "Worked with Year 10 too.", "outcome": "IMPROVED" }),
    )
    .await;
    assert_eq!(endorsed["endorsement"]["school"]["name"], "Cedar School");

    // The lineage, as Cat sees it: the origin at Ashby, the adaptation at Brook with its
    // outcome; counts on both without asking per item.
    let lineage = app
        .ok(
            Some(&cat.token),
            r#"query($id: ID!) { node(id: $id) { ... on Practice {
                adaptationCount endorsementCount
                lineage { branches { depth parentIndex isCurrent outcome school { name }
                    practice { id title endorsementCount } } } } } }"#,
            json!({ "id": origin }),
        )
        .await;
    let node = &lineage["node"];
    assert_eq!(node["adaptationCount"], 1);
    assert_eq!(node["endorsementCount"], 0);
    let branches = node["lineage"]["branches"].as_array().unwrap();
    assert_eq!(branches.len(), 2);
    assert_eq!(branches[0]["depth"], 0);
    assert_eq!(branches[0]["isCurrent"], true);
    assert_eq!(branches[0]["school"]["name"], "Ashby Primary");
    assert_eq!(branches[1]["depth"], 1);
    assert_eq!(branches[1]["parentIndex"], 0);
    assert_eq!(branches[1]["practice"]["id"], adaptation);
    assert_eq!(branches[1]["practice"]["endorsementCount"], 1);
    assert_eq!(branches[1]["school"]["name"], "Brook Academy");
    assert!(
        branches[1]["outcome"]
            .as_str()
            .unwrap()
            .starts_with("Year 9 recall")
    );

    // Each publication and approval is in the audit log Ashby's head reads.
    let audit = app
        .ok(
            Some(&w.heads[0].token),
            r#"query($school: ID!) { auditEvents(first: 10, filter: { schoolId: $school, actionPrefix: "practice." }) {
                edges { node { action subjectId } } } }"#,
            json!({ "school": gid("School", w.schools[0]) }),
        )
        .await;
    let actions: Vec<&str> = audit["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["practice.approved", "practice.submitted"]);
}

#[tokio::test]
async fn an_item_naming_a_pupil_is_refused_beyond_the_school() {
    let w = community_world().await;
    let app = &w.app;
    let amy = &w.teachers[0];
    let draft = |body: &str, visibility: &str| {
        let mut audience = json!({ "visibility": visibility });
        if visibility == "ALLIANCE" {
            audience["allianceId"] = json!(gid("Alliance", w.alliance));
        }
        json!({
            "schoolId": gid("School", w.schools[0]),
            "kind": "VIGNETTE",
            "title": "Reading recovery",
            "summary": "One pupil's journey through daily reading.",
            "bodyMarkdown": body,
            "audience": audience,
        })
    };
    let naming = "Pupil A123456789012 read every day with a volunteer.";
    let created = mutate_ok(
        app,
        &amy.token,
        "createPractice",
        PRACTICE,
        draft(naming, "ALLIANCE"),
    )
    .await;
    let id = created["practice"]["id"].clone();
    let refused = mutate(
        app,
        &amy.token,
        "submitPracticeForReview",
        PRACTICE,
        json!({ "practiceId": id }),
    )
    .await;
    assert_eq!(user_error_codes(&refused), ["IDENTIFIES_PUPIL"]);
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["input", "bodyMarkdown"])
    );
    let still = status_of(app, &amy.token, &id).await;
    assert_eq!(still, "DRAFT", "nothing changed");

    // Within the school it may be published: it never leaves the school.
    let school_only = mutate_ok(
        app,
        &amy.token,
        "createPractice",
        PRACTICE,
        draft(naming, "SCHOOL"),
    )
    .await;
    let published = mutate_ok(
        app,
        &amy.token,
        "publishPractice",
        PRACTICE,
        json!({ "practiceId": school_only["practice"]["id"] }),
    )
    .await;
    assert_eq!(published["practice"]["status"], "PUBLISHED");
}

async fn status_of(app: &crate::common::TestApp, token: &str, id: &Value) -> String {
    let body = app
        .ok(
            Some(token),
            "query($id: ID!) { node(id: $id) { ... on Practice { status } } }",
            json!({ "id": id }),
        )
        .await;
    body["node"]["status"].as_str().unwrap().to_owned()
}
