//! A world for the practice tests: the Severn alliance with three member schools (Ashby,
//! Brook, Cedar), a partnership of Ashby and Brook, Far School in another alliance and
//! Lone School in none. Each school has a headteacher (an approver of its practice) and a
//! teacher; Ashby also has a second teacher and a school CPD lead. Helpers write practice
//! and share it at each visibility, with approval where the level needs it.

use entity::enums::{AllianceRoleKind, StaffRoleKind};
use serde_json::{Value, json};

use crate::common::{TestApp, gid, spawn_app};
use crate::world::{error_code, mutate_ok};

pub const VISIBILITIES: [&str; 5] = ["PRIVATE", "SCHOOL", "PARTNERSHIP", "ALLIANCE", "PUBLIC"];

pub struct Person {
    pub id: i32,
    pub email: &'static str,
    pub token: String,
}

impl Person {
    pub fn gid(&self) -> String {
        gid("Person", self.id)
    }
}

pub struct PracticeWorld {
    pub app: TestApp,
    pub severn: i32,
    pub other: i32,
    pub ashby: i32,
    pub brook: i32,
    pub cedar: i32,
    /// In the other alliance.
    pub far: i32,
    /// In no alliance.
    pub lone: i32,
    /// The partnership of Ashby and Brook (global id).
    pub partnership: String,
    /// An admin of the Severn alliance (no school).
    pub lead: Person,
    /// Ashby: a teacher who writes, a colleague, the head and the school CPD lead.
    pub amy: Person,
    pub col: Person,
    pub head_a: Person,
    pub cpd_a: Person,
    /// Brook: a teacher and the head.
    pub ben: Person,
    pub head_b: Person,
    /// Cedar: a teacher and the head.
    pub cat: Person,
    pub head_c: Person,
    /// Far (other alliance): a teacher and the head.
    pub oz: Person,
    pub head_f: Person,
    /// Lone (no alliance): a teacher and the head.
    pub lou: Person,
    pub head_l: Person,
}

async fn person(
    app: &TestApp,
    email: &'static str,
    school: Option<(i32, StaffRoleKind)>,
) -> Person {
    let id = app.person(email, false).await;
    if let Some((school, role)) = school {
        app.staff(id, school, role).await;
    }
    Person {
        id,
        email,
        token: app.sign_in(email).await,
    }
}

pub async fn practice_world() -> PracticeWorld {
    use StaffRoleKind::{Headteacher, SchoolCpdLead, Teacher};
    let app = spawn_app().await;
    let severn = app.alliance("Severn Alliance").await;
    let other = app.alliance("Other Alliance").await;
    let ashby = app.school("Ashby Primary").await;
    let brook = app.school("Brook Academy").await;
    let cedar = app.school("Cedar School").await;
    let far = app.school("Far School").await;
    let lone = app.school("Lone School").await;
    for school in [ashby, brook, cedar] {
        app.member(severn, school).await;
    }
    app.member(other, far).await;

    let lead = person(&app, "lead@severn.example", None).await;
    app.alliance_role(lead.id, severn, AllianceRoleKind::Admin)
        .await;
    let formed = mutate_ok(
        &app,
        &lead.token,
        "createPartnership",
        "partnership { id }",
        json!({ "allianceId": gid("Alliance", severn), "name": "Ashby and Brook",
                "leadSchoolId": gid("School", ashby),
                "schoolIds": [gid("School", ashby), gid("School", brook)] }),
    )
    .await;
    let partnership = formed["partnership"]["id"].as_str().unwrap().to_owned();

    PracticeWorld {
        amy: person(&app, "amy@ashby.example", Some((ashby, Teacher))).await,
        col: person(&app, "col@ashby.example", Some((ashby, Teacher))).await,
        head_a: person(&app, "head@ashby.example", Some((ashby, Headteacher))).await,
        cpd_a: person(&app, "cpd@ashby.example", Some((ashby, SchoolCpdLead))).await,
        ben: person(&app, "ben@brook.example", Some((brook, Teacher))).await,
        head_b: person(&app, "head@brook.example", Some((brook, Headteacher))).await,
        cat: person(&app, "cat@cedar.example", Some((cedar, Teacher))).await,
        head_c: person(&app, "head@cedar.example", Some((cedar, Headteacher))).await,
        oz: person(&app, "oz@far.example", Some((far, Teacher))).await,
        head_f: person(&app, "head@far.example", Some((far, Headteacher))).await,
        lou: person(&app, "lou@lone.example", Some((lone, Teacher))).await,
        head_l: person(&app, "head@lone.example", Some((lone, Headteacher))).await,
        app,
        severn,
        other,
        ashby,
        brook,
        cedar,
        far,
        lone,
        partnership,
        lead,
    }
}

impl PracticeWorld {
    /// The head of a school: the approver of its practice.
    pub fn head_of(&self, school: i32) -> &Person {
        [
            (self.ashby, &self.head_a),
            (self.brook, &self.head_b),
            (self.cedar, &self.head_c),
            (self.far, &self.head_f),
            (self.lone, &self.head_l),
        ]
        .into_iter()
        .find(|(id, _)| *id == school)
        .map(|(_, head)| head)
        .expect("a school of the world")
    }

    /// The alliance a school is an active member of, if any.
    pub fn alliance_of(&self, school: i32) -> Option<i32> {
        if [self.ashby, self.brook, self.cedar].contains(&school) {
            Some(self.severn)
        } else if school == self.far {
            Some(self.other)
        } else {
            None
        }
    }

    /// The audience input for sharing a school's practice at `visibility`.
    pub fn audience(&self, school: i32, visibility: &str) -> Value {
        match visibility {
            "PARTNERSHIP" => json!({ "visibility": visibility, "partnershipId": self.partnership }),
            "ALLIANCE" | "PUBLIC" => match self.alliance_of(school) {
                Some(alliance) => {
                    json!({ "visibility": visibility, "allianceId": gid("Alliance", alliance) })
                }
                None => json!({ "visibility": visibility }),
            },
            _ => json!({ "visibility": visibility }),
        }
    }

    /// A draft by `author` at `school`, to be shared at `visibility`; its global id.
    pub async fn draft(
        &self,
        author: &Person,
        school: i32,
        visibility: &str,
        title: &str,
    ) -> Value {
        let created = mutate_ok(
            &self.app,
            &author.token,
            "createPractice",
            "practice { id status }",
            json!({ "schoolId": gid("School", school), "kind": "CASE_STUDY", "title": title,
                    "summary": format!("Summary of {title}"),
                    "bodyMarkdown": format!("# {title}\n\nWhat we did and why."),
                    "phases": ["PRIMARY"],
                    "audience": self.audience(school, visibility) }),
        )
        .await;
        assert_eq!(created["practice"]["status"], "DRAFT");
        created["practice"]["id"].clone()
    }

    /// Publishes a draft: within the school by its author; beyond it by submitting for
    /// review and the school's head approving.
    pub async fn publish(&self, id: &Value, author: &Person, school: i32, visibility: &str) {
        let published = if ["PRIVATE", "SCHOOL"].contains(&visibility) {
            mutate_ok(
                &self.app,
                &author.token,
                "publishPractice",
                "practice { status visibility }",
                json!({ "practiceId": id }),
            )
            .await
        } else {
            mutate_ok(
                &self.app,
                &author.token,
                "submitPracticeForReview",
                "practice { status }",
                json!({ "practiceId": id }),
            )
            .await;
            mutate_ok(
                &self.app,
                &self.head_of(school).token,
                "approvePractice",
                "practice { status visibility }",
                json!({ "practiceId": id }),
            )
            .await
        };
        assert_eq!(published["practice"]["status"], "PUBLISHED");
        assert_eq!(published["practice"]["visibility"], visibility);
    }

    /// A practice by `author` at `school`, published at `visibility`; its global id.
    pub async fn shared(
        &self,
        author: &Person,
        school: i32,
        visibility: &str,
        title: &str,
    ) -> Value {
        let id = self.draft(author, school, visibility, title).await;
        self.publish(&id, author, school, visibility).await;
        id
    }

    /// A draft adaptation of `origin` by `adapter` at `school`, for `visibility`.
    pub async fn adapt(
        &self,
        adapter: &Person,
        origin: &Value,
        school: i32,
        visibility: &str,
        title: &str,
    ) -> Value {
        let adapted = mutate_ok(
            &self.app,
            &adapter.token,
            "adaptPractice",
            "practice { id status isAdaptation }",
            json!({ "practiceId": origin, "schoolId": gid("School", school),
                    "changes": format!("{title}: adapted for our context"), "title": title,
                    "phases": ["SECONDARY"], "audience": self.audience(school, visibility) }),
        )
        .await;
        assert_eq!(adapted["practice"]["isAdaptation"], true);
        adapted["practice"]["id"].clone()
    }

    /// An adaptation of `origin`, published at `visibility`.
    pub async fn shared_adaptation(
        &self,
        adapter: &Person,
        origin: &Value,
        school: i32,
        visibility: &str,
        title: &str,
    ) -> Value {
        let id = self.adapt(adapter, origin, school, visibility, title).await;
        self.publish(&id, adapter, school, visibility).await;
        id
    }

    /// Reads a practice with `node` as `token` (`None`: not signed in), selecting
    /// `selection`: `None` when it is `NOT_FOUND` (any other error fails the test).
    pub async fn read(&self, token: Option<&str>, id: &Value, selection: &str) -> Option<Value> {
        let body = self
            .app
            .gql(
                token,
                &format!(
                    "query($id: ID!) {{ node(id: $id) {{ ... on Practice {{ {selection} }} }} }}"
                ),
                json!({ "id": id }),
            )
            .await;
        match error_code(&body) {
            None => Some(body["data"]["node"].clone()),
            Some("NOT_FOUND") => {
                assert_eq!(body["data"]["node"], Value::Null, "{body:#}");
                None
            }
            Some(_) => panic!("unexpected error reading {id}: {body:#}"),
        }
    }

    /// Whether `token` reads the practice through `node`.
    pub async fn sees(&self, token: Option<&str>, id: &Value) -> bool {
        self.read(token, id, "id").await.is_some()
    }

    /// Everyone in the world, by name, with the anonymous caller as `anonymous`.
    pub fn everyone(&self) -> Vec<(&'static str, Option<&str>)> {
        vec![
            ("anonymous", None),
            ("lead", Some(self.lead.token.as_str())),
            ("amy", Some(self.amy.token.as_str())),
            ("col", Some(self.col.token.as_str())),
            ("head_a", Some(self.head_a.token.as_str())),
            ("cpd_a", Some(self.cpd_a.token.as_str())),
            ("ben", Some(self.ben.token.as_str())),
            ("head_b", Some(self.head_b.token.as_str())),
            ("cat", Some(self.cat.token.as_str())),
            ("head_c", Some(self.head_c.token.as_str())),
            ("oz", Some(self.oz.token.as_str())),
            ("head_f", Some(self.head_f.token.as_str())),
            ("lou", Some(self.lou.token.as_str())),
            ("head_l", Some(self.head_l.token.as_str())),
        ]
    }

    /// The names of those in `everyone()` who read the practice through `node`.
    pub async fn readers(&self, id: &Value) -> Vec<&'static str> {
        let mut names = Vec::new();
        for (name, token) in self.everyone() {
            if self.sees(token, id).await {
                names.push(name);
            }
        }
        names
    }
}
