//! A world for the practice search tests: the Severn alliance with two member schools
//! (Ashby, Brook), a school outside it (Cedar), Ashby's headteacher (who may publish
//! beyond the school), teachers at each school and a second teacher at Ashby; helpers to
//! write practice through the API and to search it.

use entity::enums::StaffRoleKind;
use serde_json::{Value, json};

use crate::common::{TestApp, gid, spawn_app};
use crate::world::mutate_ok;

pub struct Person {
    pub token: String,
}

pub struct PracticeWorld {
    pub app: TestApp,
    pub alliance: i32,
    /// Ashby and Brook (in the alliance), Cedar (outside it).
    pub schools: [i32; 3],
    /// Headteacher of Ashby.
    pub head: Person,
    /// Teachers of Ashby, Brook and Cedar.
    pub teachers: [Person; 3],
    /// A second teacher at Ashby.
    pub colleague: Person,
}

/// A practice to write; `Spec::new(title)` then adjust.
#[derive(Clone)]
pub struct Spec {
    pub kind: &'static str,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub evidence: Option<String>,
    pub visibility: &'static str,
    pub theme_ids: Vec<String>,
    pub phases: Vec<&'static str>,
    pub subjects: Vec<&'static str>,
    pub key_stages: Vec<&'static str>,
    /// Publish it (otherwise it stays a draft).
    pub publish: bool,
}

impl Spec {
    pub fn new(title: &str) -> Self {
        Self {
            kind: "CASE_STUDY",
            title: title.to_owned(),
            summary: "A short account of what we did in class.".into(),
            body: "We planned it together and tried it for a term.".into(),
            evidence: None,
            visibility: "PUBLIC",
            theme_ids: Vec::new(),
            phases: Vec::new(),
            subjects: Vec::new(),
            key_stages: Vec::new(),
            publish: true,
        }
    }
    pub fn body(mut self, text: &str) -> Self {
        self.body = text.into();
        self
    }
    pub fn visibility(mut self, visibility: &'static str) -> Self {
        self.visibility = visibility;
        self
    }
    pub fn draft(mut self) -> Self {
        self.publish = false;
        self
    }
}

async fn person(app: &TestApp, email: &str, school: i32, role: StaffRoleKind) -> Person {
    let id = app.person(email, false).await;
    app.staff(id, school, role).await;
    Person {
        token: app.sign_in(email).await,
    }
}

pub async fn practice_world() -> PracticeWorld {
    let app = spawn_app().await;
    let alliance = app.alliance("Severn Alliance").await;
    let ashby = app.school("Ashby Primary").await;
    let brook = app.school("Brook Academy").await;
    let cedar = app.school("Cedar School").await;
    app.member(alliance, ashby).await;
    app.member(alliance, brook).await;
    let head = person(
        &app,
        "head@ashby.example",
        ashby,
        StaffRoleKind::Headteacher,
    )
    .await;
    let teachers = [
        person(&app, "amy@ashby.example", ashby, StaffRoleKind::Teacher).await,
        person(&app, "ben@brook.example", brook, StaffRoleKind::Teacher).await,
        person(&app, "cat@cedar.example", cedar, StaffRoleKind::Teacher).await,
    ];
    let colleague = person(&app, "col@ashby.example", ashby, StaffRoleKind::Teacher).await;
    PracticeWorld {
        app,
        alliance,
        schools: [ashby, brook, cedar],
        head,
        teachers,
        colleague,
    }
}

pub const SEARCH: &str = "query($q: String, $f: PracticeFilter, $o: PracticeOrder, $first: Int, $after: String, $last: Int, $before: String) {
  practices(query: $q, filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    totalCount totalCountIsCapped
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor snippet relevance node { id title status visibility endorsementCount adaptationCount } }
  } }";

impl PracticeWorld {
    /// Writes a practice at the author's (first) school: created, then published as the
    /// spec says. Beyond the school only the headteacher publishes directly. The global id.
    pub async fn write(&self, author: &Person, school: i32, spec: Spec) -> String {
        let mut audience = json!({ "visibility": spec.visibility });
        if matches!(spec.visibility, "ALLIANCE" | "PUBLIC") && school != self.schools[2] {
            audience["allianceId"] = json!(gid("Alliance", self.alliance));
        }
        let input = json!({
            "schoolId": gid("School", school),
            "kind": spec.kind,
            "title": spec.title,
            "summary": spec.summary,
            "bodyMarkdown": spec.body,
            "evidenceOfImpact": spec.evidence,
            "themeIds": spec.theme_ids,
            "phases": spec.phases,
            "subjects": spec.subjects,
            "keyStages": spec.key_stages,
            "audience": audience,
        });
        let payload = mutate_ok(
            &self.app,
            &author.token,
            "createPractice",
            "practice { id }",
            input,
        )
        .await;
        let id = payload["practice"]["id"].as_str().unwrap().to_owned();
        if spec.publish {
            self.publish(author, &id).await;
        }
        id
    }

    pub async fn publish(&self, author: &Person, id: &str) {
        mutate_ok(
            &self.app,
            &author.token,
            "publishPractice",
            "practice { status }",
            json!({ "practiceId": id }),
        )
        .await;
    }

    /// The whole response of a search.
    pub async fn search_raw(&self, token: Option<&str>, variables: Value) -> Value {
        self.app.gql(token, SEARCH, variables).await
    }

    /// `practices` of a search that must succeed.
    pub async fn search(&self, token: Option<&str>, variables: Value) -> Value {
        self.app.ok(token, SEARCH, variables).await["practices"].clone()
    }

    /// Titles of a search's hits, in order.
    pub async fn titles(&self, token: Option<&str>, variables: Value) -> Vec<String> {
        titles(&self.search(token, variables).await)
    }
}

/// Titles of a connection's edges, in order.
pub fn titles(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("a connection, got {connection:#}"))
        .iter()
        .map(|edge| edge["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}
