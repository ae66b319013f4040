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

    /// A token of the demo's service account (Kingsmead's MIS), for all its scopes.
    pub async fn service_token(&self) -> String {
        demo_service_token(&self.app, "").await
    }
}

/// A token of the demo's service account (Kingsmead's MIS), for all its scopes or those
/// `scope` names.
pub async fn demo_service_token(app: &TestApp, scope: &str) -> String {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", trellis::seed::demo::DEMO_CLIENT_ID),
        ("client_secret", trellis::seed::demo::DEMO_CLIENT_SECRET),
    ];
    if !scope.is_empty() {
        form.push(("scope", scope));
    }
    let (status, _, body) = app.oauth_token(None, &form).await;
    assert_eq!(
        status, 200,
        "the demo service account gets a token: {body:#}"
    );
    body["access_token"].as_str().unwrap().to_owned()
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
    let token = demo.service_token().await;
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

#[tokio::test]
async fn a_platform_admin_reads_audit_entries_whose_subject_is_of_no_kind() {
    let demo = Demo::new().await;
    let admin = demo.token(PLATFORM_ADMIN).await;
    const COUNT: &str = "{ auditEvents(first: 1) { totalCount } }";
    let before = demo.app.ok(Some(&admin), COUNT, json!({})).await["auditEvents"]["totalCount"]
        .as_u64()
        .unwrap();
    trellis::audit::AuditEntry::by_any(
        None,
        "test.opaque",
        async_graphql::ID("not-a-node-id".into()),
    )
    .record(&demo.app.db)
    .await
    .unwrap();
    let after = demo.app.ok(Some(&admin), COUNT, json!({})).await["auditEvents"]["totalCount"]
        .as_u64()
        .unwrap();
    assert_eq!(after, before + 1, "an entry with no subject kind is kept");
}

#[tokio::test]
async fn a_developmental_record_never_goes_into_the_review_selection_and_exports_hold_no_links() {
    let demo = Demo::new().await;
    let teacher = demo.token(TEACHER).await;
    let written = demo
        .app
        .ok(
            Some(&teacher),
            "mutation { writeReflection(input: {writtenOn: \"2026-11-20\", purpose: DEVELOPMENTAL,
                title: \"[x](javascript:alert(1))\", bodyMarkdown: \"![](https://tracker.example/p.gif)\"}) {
                reflection { id version } userErrors { code } } }",
            json!({}),
        )
        .await;
    let id = written["writeReflection"]["reflection"]["id"].clone();
    assert!(id.is_string(), "{written}");
    let version = written["writeReflection"]["reflection"]["version"].clone();
    const SELECT: &str = "mutation($r: ID!, $p: Boolean, $s: Boolean) {
        selectRecord(input: {recordId: $r, inPortfolio: $p, inReviewSelection: $s}) {
          userErrors { code field } } }";
    let select = |p: Value, s: Value| {
        let (app, teacher, id) = (&demo.app, &teacher, id.clone());
        async move {
            app.ok(Some(teacher), SELECT, json!({ "r": id, "p": p, "s": s }))
                .await["selectRecord"]["userErrors"]
                .clone()
        }
    };
    // Neither flag: nothing to change.
    let errors = select(Value::Null, Value::Null).await;
    assert_eq!(errors[0]["code"], "INVALID", "{errors}");
    // A developmental record is refused from the review selection, with nothing changed.
    let errors = select(json!(true), json!(true)).await;
    assert_eq!(errors[0]["code"], "INVALID", "{errors}");
    let after = demo
        .app
        .ok(
            Some(&teacher),
            "query($id: ID!) { node(id: $id) { ... on Reflection { version inPortfolio inReviewSelection } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(after["node"]["version"], version, "{after}");
    assert_eq!(after["node"]["inReviewSelection"], false, "{after}");
    // Into the portfolio it goes; the Markdown export makes no link and no image of it.
    assert_eq!(select(json!(true), Value::Null).await, json!([]));
    let data = demo
        .app
        .ok(
            Some(&teacher),
            "{ viewer { portfolio { markdown } performanceReviewSelection { json markdown } } }",
            json!({}),
        )
        .await;
    let markdown = data["viewer"]["portfolio"]["markdown"].as_str().unwrap();
    assert!(markdown.contains("javascript"), "{markdown}");
    assert!(!markdown.contains("[x]("), "{markdown}");
    assert!(!markdown.contains("![]("), "{markdown}");
    assert!(!markdown.contains("](http"), "{markdown}");
    // Only appraisal records are in anyone's review selection.
    let review = data["viewer"]["performanceReviewSelection"]["json"].to_string();
    assert!(!review.contains("DEVELOPMENTAL"), "{review}");
    assert!(!review.contains("javascript"), "{review}");
}

#[tokio::test]
async fn support_received_shows_school_and_status_never_the_focus() {
    let demo = Demo::new().await;
    let teacher = demo.token(TEACHER).await;
    let data = demo
        .app
        .ok(
            Some(&teacher),
            "{ viewer { portfolio { supportReceived { title detail schoolName from } markdown json } } }",
            json!({}),
        )
        .await;
    let received = data["viewer"]["portfolio"]["supportReceived"]
        .as_array()
        .unwrap();
    assert!(!received.is_empty(), "{data}");
    let text = data.to_string();
    for focus in [
        "Phonics catch-up groups",
        "Hinge questions and wait time in Year 5",
    ] {
        assert!(!text.contains(focus), "{text}");
    }
    let days: Vec<&str> = received
        .iter()
        .map(|entry| entry["from"].as_str().unwrap())
        .collect();
    let mut newest_first = days.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(days, newest_first);
}

#[tokio::test]
async fn activity_leaves_out_small_themes_and_hides_a_total_a_theme_would_give_away() {
    let demo = Demo::new().await;
    for email in [HEAD, CPD_LEAD] {
        let token = demo.token(email).await;
        let data = demo
            .app
            .ok(
                Some(&token),
                "{ observationActivity { school { id } term observations suppressed theme { id } } }",
                json!({}),
            )
            .await;
        let rows = data["observationActivity"].as_array().unwrap();
        assert!(!rows.is_empty(), "{email}: {data}");
        for row in rows {
            if row["theme"].is_null() {
                // A shown total is never one to four more than a shown theme's count.
                if let Some(all) = row["observations"].as_u64() {
                    for theme in rows.iter().filter(|other| {
                        !other["theme"].is_null()
                            && other["school"] == row["school"]
                            && other["term"] == row["term"]
                    }) {
                        let count = theme["observations"].as_u64().unwrap();
                        assert!(!(1..5).contains(&(all - count)), "{email}: {data}");
                    }
                }
            } else {
                // A theme's row is shown, or left out: never a suppressed one.
                assert_eq!(row["suppressed"], false, "{email}: {data}");
                assert!(row["observations"].as_u64().unwrap() >= 5, "{data}");
            }
        }
    }
}

#[tokio::test]
async fn empty_edits_change_nothing_and_a_second_response_needs_the_version() {
    let demo = Demo::new().await;
    let observer = demo.token(OBSERVER).await;
    let teacher = demo.token(TEACHER).await;
    let id = gid("Observation", 1);
    const READ: &str =
        "query($id: ID!) { node(id: $id) { ... on Observation { version teacherResponse } } }";
    let read = |token: String| {
        let (app, id) = (&demo.app, id.clone());
        async move { app.ok(Some(&token), READ, json!({ "id": id })).await["node"].clone() }
    };
    let before = read(observer.clone()).await;
    let edited = demo
        .app
        .ok(
            Some(&observer),
            "mutation($id: ID!, $v: Int!) { editObservation(input: {observationId: $id, expectedVersion: $v}) { userErrors { code } } }",
            json!({ "id": id, "v": before["version"] }),
        )
        .await;
    assert_eq!(
        edited["editObservation"]["userErrors"][0]["code"], "INVALID",
        "{edited}"
    );
    assert_eq!(read(observer.clone()).await["version"], before["version"]);
    const RESPOND: &str = "mutation($id: ID!, $v: Int) { respondToObservation(input: {observationId: $id, response: \"Thank you.\", expectedVersion: $v}) { userErrors { code } } }";
    let respond = |version: Value| {
        let (app, teacher, id) = (&demo.app, teacher.clone(), id.clone());
        async move {
            app.ok(Some(&teacher), RESPOND, json!({ "id": id, "v": version }))
                .await["respondToObservation"]["userErrors"]
                .clone()
        }
    };
    if before["teacherResponse"].is_null() {
        assert_eq!(respond(Value::Null).await, json!([]));
    }
    let now = read(teacher.clone()).await;
    // Replacing a response without the version it was read at: CONFLICT, nothing changed.
    assert_eq!(respond(Value::Null).await[0]["code"], "CONFLICT");
    assert_eq!(read(teacher.clone()).await["version"], now["version"]);
    assert_eq!(respond(now["version"].clone()).await, json!([]));
}
