//! A world for the community tests: the Severn alliance with three member schools, a CPD
//! lead, each school's headteacher and a teacher, and someone from another alliance.

use entity::enums::{AllianceRoleKind, StaffRoleKind};
use serde_json::{Value, json};

use crate::common::{TestApp, gid, spawn_app_with};
use crate::world::{mutate, mutate_ok};

pub struct Person {
    pub id: i32,
    pub token: String,
}

impl Person {
    pub fn gid(&self) -> String {
        gid("Person", self.id)
    }
}

pub struct Community {
    pub app: TestApp,
    pub alliance: i32,
    pub schools: [i32; 3],
    pub memberships: [i32; 3],
    /// CPD lead of the alliance (no school).
    pub lead: Person,
    /// Headteachers of the three schools.
    pub heads: [Person; 3],
    /// A teacher at each school.
    pub teachers: [Person; 3],
    /// A second teacher at the first school.
    pub colleague: Person,
    /// A teacher at a school of another alliance.
    pub outsider: Person,
    /// A theme of the shared taxonomy.
    pub theme: String,
}

async fn person(app: &TestApp, email: &str, school: Option<(i32, StaffRoleKind)>) -> Person {
    let id = app.person(email, false).await;
    if let Some((school, role)) = school {
        app.staff(id, school, role).await;
    }
    Person {
        id,
        token: String::new(),
    }
}

pub async fn community_world() -> Community {
    community_world_with(&[]).await
}

/// The same world on a server started with extra flags.
pub async fn community_world_with(flags: &[&str]) -> Community {
    let app = spawn_app_with(flags).await;
    let alliance = app.alliance("Severn Alliance").await;
    let mut schools = [0; 3];
    let mut memberships = [0; 3];
    for (n, name) in ["Ashby Primary", "Brook Academy", "Cedar School"]
        .iter()
        .enumerate()
    {
        schools[n] = app.school(name).await;
        memberships[n] = app.member(alliance, schools[n]).await;
    }
    let mut lead = person(&app, "lead@severn.example", None).await;
    app.alliance_role(lead.id, alliance, AllianceRoleKind::CpdLead)
        .await;
    let mut heads = [
        person(
            &app,
            "head@ashby.example",
            Some((schools[0], StaffRoleKind::Headteacher)),
        )
        .await,
        person(
            &app,
            "head@brook.example",
            Some((schools[1], StaffRoleKind::Headteacher)),
        )
        .await,
        person(
            &app,
            "head@cedar.example",
            Some((schools[2], StaffRoleKind::Headteacher)),
        )
        .await,
    ];
    let mut teachers = [
        person(
            &app,
            "amy@ashby.example",
            Some((schools[0], StaffRoleKind::Teacher)),
        )
        .await,
        person(
            &app,
            "ben@brook.example",
            Some((schools[1], StaffRoleKind::Teacher)),
        )
        .await,
        person(
            &app,
            "cat@cedar.example",
            Some((schools[2], StaffRoleKind::Teacher)),
        )
        .await,
    ];
    let mut colleague = person(
        &app,
        "col@ashby.example",
        Some((schools[0], StaffRoleKind::Teacher)),
    )
    .await;
    let other = app.alliance("Other Alliance").await;
    let far = app.school("Far School").await;
    app.member(other, far).await;
    let mut outsider = person(&app, "oz@far.example", Some((far, StaffRoleKind::Teacher))).await;

    lead.token = app.sign_in("lead@severn.example").await;
    for (p, email) in heads.iter_mut().zip([
        "head@ashby.example",
        "head@brook.example",
        "head@cedar.example",
    ]) {
        p.token = app.sign_in(email).await;
    }
    for (p, email) in teachers.iter_mut().zip([
        "amy@ashby.example",
        "ben@brook.example",
        "cat@cedar.example",
    ]) {
        p.token = app.sign_in(email).await;
    }
    colleague.token = app.sign_in("col@ashby.example").await;
    outsider.token = app.sign_in("oz@far.example").await;

    use sea_orm::{EntityTrait, QueryOrder};
    let theme = entity::theme::Entity::find()
        .order_by_asc(entity::theme::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("seeded themes");
    Community {
        app,
        alliance,
        schools,
        memberships,
        lead,
        heads,
        teachers,
        colleague,
        outsider,
        theme: gid("Theme", theme.id),
    }
}

impl Community {
    /// Creates and activates a community as the CPD lead; its id.
    pub async fn create(&self, name: &str, kind: &str, visibility: &str) -> Value {
        let created = mutate_ok(
            &self.app,
            &self.lead.token,
            "createCommunity",
            "community { id status }",
            json!({ "allianceId": gid("Alliance", self.alliance), "name": name,
                    "purpose": "Better questioning", "kind": kind, "visibility": visibility,
                    "themeIds": [self.theme], "phases": ["PRIMARY"] }),
        )
        .await;
        let id = created["community"]["id"].clone();
        mutate_ok(
            &self.app,
            &self.lead.token,
            "activateCommunity",
            "community { status }",
            json!({ "communityId": id }),
        )
        .await;
        id
    }

    /// Invites `person` as the CPD lead and accepts as them.
    pub async fn add(&self, community: &Value, person: &Person) -> Value {
        let invited = mutate_ok(
            &self.app,
            &self.lead.token,
            "inviteToCommunity",
            "membership { id }",
            json!({ "communityId": community, "personId": person.gid() }),
        )
        .await;
        let id = invited["membership"]["id"].clone();
        mutate_ok(
            &self.app,
            &person.token,
            "acceptCommunityInvitation",
            "membership { status }",
            json!({ "membershipId": id }),
        )
        .await;
        id
    }

    /// A draft practice of the first school, written by its headteacher, with `fields`
    /// (an audience, say) added; its id.
    pub async fn draft_practice(&self, fields: Value) -> Value {
        let mut input = json!({ "schoolId": gid("School", self.schools[0]), "kind": "CASE_STUDY",
            "title": "Hinge questions", "summary": "One question, four answers.",
            "bodyMarkdown": "Every lesson." });
        for (field, value) in fields.as_object().into_iter().flatten() {
            input[field] = value.clone();
        }
        let created = mutate_ok(
            &self.app,
            &self.heads[0].token,
            "createPractice",
            "practice { id }",
            input,
        )
        .await;
        created["practice"]["id"].clone()
    }

    pub async fn thread(&self, community: &Value, author: &Person, title: &str) -> Value {
        let started = mutate_ok(
            &self.app,
            &author.token,
            "startDiscussionThread",
            "thread { id version }",
            json!({ "communityId": community, "title": title, "bodyMarkdown": format!("**{title}**") }),
        )
        .await;
        started["thread"]["id"].clone()
    }

    /// Runs a mutation that may be refused; the whole body.
    pub async fn try_mutate(
        &self,
        token: &str,
        field: &str,
        selection: &str,
        input: Value,
    ) -> Value {
        crate::world::mutate_raw(&self.app, token, field, selection, input).await
    }

    pub async fn payload(&self, token: &str, field: &str, selection: &str, input: Value) -> Value {
        mutate(&self.app, token, field, selection, input).await
    }
}
