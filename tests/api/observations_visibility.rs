//! Who sees an observation and a reflection, through every path, on the demo data: the
//! observer, the teacher (who owns it), a person the teacher shared it with, the
//! teacher's headteacher, the alliance's CPD lead, an alliance admin, a platform admin
//! and nobody signed in. Exactly the first three see the demo observation; exactly the
//! author and the person they shared with see the shared reflection.
//! Paths: `node`, `nodes`, `viewer.observations`/`viewer.reflections` (and their counts),
//! `reflections`, the appraisal view, counts of activity, the portfolio's and the review
//! selection's exports, and the audit log.

use serde_json::{Value, json};

use crate::common::{TestApp, gid, spawn_app};

pub const OBSERVER: &str = "middle-leader@kingsmead.example";
pub const TEACHER: &str = "teacher@kingsmead.example";
pub const SHARED_WITH: &str = "teacher@staidans.example";
pub const HEAD: &str = "headteacher@kingsmead.example";
pub const CPD_LEAD: &str = "cpd.lead@severnvalley.example";
pub const ALLIANCE_ADMIN: &str = "admin@severnvalley.example";
pub const PLATFORM_ADMIN: &str = "admin@trellis.example";

/// The server with the demo data, and sign-in with the demo's password.
pub struct Demo {
    pub app: TestApp,
}

impl Demo {
    pub async fn new() -> Self {
        Self::with(spawn_app().await).await
    }

    pub async fn with_flags(flags: &[&str]) -> Self {
        Self::with(crate::common::spawn_app_with(flags).await).await
    }

    async fn with(app: TestApp) -> Self {
        trellis::seed::demo::load(&app.db).await.unwrap();
        Self { app }
    }

    pub async fn token(&self, email: &str) -> String {
        self.app
            .ok(
                None,
                "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } } }",
                json!({ "e": email, "p": trellis::seed::demo::DEMO_PASSWORD }),
            )
            .await["signIn"]["session"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("{email} signs in"))
            .to_owned()
    }
}

const PATHS: &str = "query($id: ID!, $school: ID!) {
  node(id: $id) { id }
  nodes(ids: [$id]) { id }
  viewer {
    observations(first: 50) { totalCount nodes { id } }
    reflections(first: 50) { totalCount nodes { id } }
    portfolio { json markdown observations { id } reflections { id } }
    performanceReviewSelection { json markdown }
  }
  reflections(first: 50) { totalCount nodes { id } }
  appraisalObservations(schoolId: $school, first: 50) { totalCount nodes { id } }
  observationActivity { term observations suppressed theme { name } }
  auditEvents(first: 100) { nodes { subjectId action details } }
}";

/// Which paths show the record `id` (with `words`, a phrase only it holds) to the caller.
async fn seen(demo: &Demo, token: Option<&str>, id: &str, words: &str) -> Vec<&'static str> {
    let body = demo
        .app
        .gql(
            token,
            PATHS,
            json!({ "id": id, "school": gid("School", 1) }),
        )
        .await;
    let data = &body["data"];
    if token.is_none() {
        assert!(data.is_null(), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        return Vec::new();
    }
    let listed = |list: &Value| {
        list["nodes"]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .any(|node| node["id"] == id)
    };
    let mut paths = Vec::new();
    if data["node"]["id"] == id {
        paths.push("node");
    } else {
        // Not seen answers as what does not exist.
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{body}"
        );
    }
    if data["nodes"][0]["id"] == id {
        paths.push("nodes");
    }
    for (name, list) in [
        ("viewer.observations", &data["viewer"]["observations"]),
        ("viewer.reflections", &data["viewer"]["reflections"]),
        ("reflections", &data["reflections"]),
        ("appraisalObservations", &data["appraisalObservations"]),
    ] {
        if listed(list) {
            paths.push(name);
        }
        assert_eq!(
            list["totalCount"].as_u64().unwrap() as usize,
            list["nodes"].as_array().unwrap().len(),
            "{name}: the count counts what is listed"
        );
    }
    let text = data.to_string();
    let portfolio = data["viewer"]["portfolio"].to_string();
    if portfolio.contains(words) {
        paths.push("portfolio");
    }
    if data["viewer"]["performanceReviewSelection"]
        .to_string()
        .contains(words)
    {
        paths.push("reviewSelection");
    }
    if data["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|entry| entry["subjectId"] == id)
    {
        paths.push("auditEvents");
    }
    // Counts never carry content, and never a count under five.
    let activity = data["observationActivity"].to_string();
    assert!(!activity.contains(words), "{activity}");
    for row in data["observationActivity"].as_array().unwrap() {
        match row["observations"].as_u64() {
            Some(count) => assert!(count >= 5 && row["suppressed"] == false, "{row}"),
            None => assert_eq!(row["suppressed"], true, "{row}"),
        }
    }
    // Whatever else the caller reads, the text is nowhere else in the answer.
    if paths.is_empty() {
        assert!(!text.contains(words), "{text}");
    }
    paths
}

#[tokio::test]
async fn exactly_the_observer_the_teacher_and_whom_they_shared_with_see_the_demo_observation() {
    let demo = Demo::new().await;
    let observation = gid("Observation", 1);
    let words = "Hinge questions at the midpoint";
    let mut answers = Vec::new();
    for email in [
        OBSERVER,
        TEACHER,
        SHARED_WITH,
        HEAD,
        CPD_LEAD,
        ALLIANCE_ADMIN,
        PLATFORM_ADMIN,
    ] {
        let token = demo.token(email).await;
        answers.push((email, seen(&demo, Some(&token), &observation, words).await));
    }
    answers.push(("anonymous", seen(&demo, None, &observation, words).await));
    let read = vec!["node", "nodes", "viewer.observations"];
    let mut owner = read.clone();
    owner.push("portfolio");
    assert_eq!(
        answers,
        vec![
            (OBSERVER, read.clone()),
            (TEACHER, owner),
            (SHARED_WITH, read.clone()),
            (HEAD, vec![]),
            (CPD_LEAD, vec![]),
            (ALLIANCE_ADMIN, vec![]),
            (PLATFORM_ADMIN, vec![]),
            ("anonymous", vec![]),
        ]
    );
}

#[tokio::test]
async fn exactly_the_author_and_whom_they_shared_with_see_a_shared_reflection() {
    let demo = Demo::new().await;
    // Reflection 2: Kingsmead's teacher's, shared with the maths lead (the observer).
    let reflection = gid("Reflection", 2);
    let words = "Counting to five in my head";
    let mut answers = Vec::new();
    for email in [
        OBSERVER,
        TEACHER,
        SHARED_WITH,
        HEAD,
        CPD_LEAD,
        ALLIANCE_ADMIN,
        PLATFORM_ADMIN,
    ] {
        let token = demo.token(email).await;
        answers.push((email, seen(&demo, Some(&token), &reflection, words).await));
    }
    answers.push(("anonymous", seen(&demo, None, &reflection, words).await));
    let read = vec!["node", "nodes", "viewer.reflections", "reflections"];
    assert_eq!(
        answers,
        vec![
            (OBSERVER, read.clone()),
            (TEACHER, read.clone()),
            (SHARED_WITH, vec![]),
            (HEAD, vec![]),
            (CPD_LEAD, vec![]),
            (ALLIANCE_ADMIN, vec![]),
            (PLATFORM_ADMIN, vec![]),
            ("anonymous", vec![]),
        ]
    );
}

#[tokio::test]
async fn an_appraisal_observation_reaches_leaders_only_as_observer_or_through_a_share() {
    let demo = Demo::new().await;
    // Observation 3 is for appraisal: the head made it, so the head sees it, in the
    // appraisal view of Kingsmead too. The school's CPD lead and senior leader do not:
    // purpose never widens who sees a record.
    let appraisal = gid("Observation", 3);
    let words = "appraisal objective on feedback";
    let head = demo.token(HEAD).await;
    assert_eq!(
        seen(&demo, Some(&head), &appraisal, words).await,
        vec![
            "node",
            "nodes",
            "viewer.observations",
            "appraisalObservations"
        ]
    );
    for email in [
        "school-cpd-lead@kingsmead.example",
        "senior-leader@kingsmead.example",
        PLATFORM_ADMIN,
    ] {
        let token = demo.token(email).await;
        assert_eq!(
            seen(&demo, Some(&token), &appraisal, words).await,
            Vec::<&str>::new(),
            "{email}"
        );
    }
    // Once the teacher shares it with the school CPD lead, it is in their appraisal view.
    let teacher = demo.token(TEACHER).await;
    let cpd_id = demo
        .app
        .ok(
            Some(&demo.token("school-cpd-lead@kingsmead.example").await),
            "{ viewer { person { id } } }",
            json!({}),
        )
        .await["viewer"]["person"]["id"]
        .clone();
    let shared = demo
        .app
        .gql(
            Some(&teacher),
            "mutation($r: ID!, $p: ID!) { shareRecord(input: {recordId: $r, personId: $p}) { userErrors { code message } } }",
            json!({ "r": appraisal, "p": cpd_id }),
        )
        .await;
    assert_eq!(
        shared["data"]["shareRecord"]["userErrors"],
        json!([]),
        "{shared}"
    );
    let cpd = demo.token("school-cpd-lead@kingsmead.example").await;
    assert_eq!(
        seen(&demo, Some(&cpd), &appraisal, words).await,
        vec![
            "node",
            "nodes",
            "viewer.observations",
            "appraisalObservations"
        ]
    );
    // Nobody's appraisal view holds a developmental observation.
    for email in [
        HEAD,
        "school-cpd-lead@kingsmead.example",
        "senior-leader@kingsmead.example",
        PLATFORM_ADMIN,
    ] {
        let token = demo.token(email).await;
        let data = demo
            .app
            .ok(
                Some(&token),
                "query($s: ID!) { appraisalObservations(schoolId: $s, first: 50) { nodes { purpose } } }",
                json!({ "s": gid("School", 1) }),
            )
            .await;
        for node in data["appraisalObservations"]["nodes"].as_array().unwrap() {
            assert_eq!(node["purpose"], "APPRAISAL", "{email}");
        }
    }
}

#[tokio::test]
async fn the_service_account_sees_no_observation_and_no_reflection() {
    let demo = Demo::new().await;
    let (status, _, body) = demo
        .app
        .oauth_token(
            None,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", trellis::seed::demo::DEMO_CLIENT_ID),
                ("client_secret", trellis::seed::demo::DEMO_CLIENT_SECRET),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap().to_owned();
    let body = demo
        .app
        .gql(
            Some(&token),
            "query($s: ID!, $o: ID!, $r: ID!) {
              appraisalObservations(schoolId: $s, first: 50) { totalCount nodes { id focus } }
              nodes(ids: [$o, $r]) { id }
            }",
            json!({ "s": gid("School", 1), "o": gid("Observation", 3), "r": gid("Reflection", 2) }),
        )
        .await;
    let text = body.to_string();
    assert!(!text.contains("appraisal objective"), "{text}");
    if let Some(view) = body["data"]["appraisalObservations"].as_object() {
        assert_eq!(view["totalCount"], 0, "{text}");
    }
    for node in body["data"]["nodes"].as_array().into_iter().flatten() {
        assert!(node.is_null(), "{text}");
    }
}
