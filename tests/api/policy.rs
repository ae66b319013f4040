//! The access policy, seen from outside: who may change what, and who sees what.
//!
//! Every test runs in the same small world of two alliances:
//! - Alder Alliance (A): CPD lead Ada; member schools A1 (headteacher Hal, teacher Tess)
//!   and A2 (headteacher Hana).
//! - Birch Alliance (B): CPD lead Bo; member school B1 (headteacher Ben).
//! - A platform admin, who checks what changed.
//!
//! A refused caller who can see the object gets a top-level `FORBIDDEN`; one who cannot
//! see it gets a `NOT_FOUND` user error, exactly as if it did not exist. Either way
//! nothing changes.

use crate::common::{TestApp, gid, spawn_app};
use crate::world::{
    error_code, headteacher, mutate_ok, mutate_raw, set_membership_status, user_error_codes,
};
use entity::enums::{AllianceRoleKind, MembershipStatus, StaffRoleKind};
use serde_json::{Value, json};

struct World {
    app: TestApp,
    /// Platform admin: sees everything, used to look at what changed.
    admin: String,
    alder: i32,
    birch: i32,
    a1: i32,
    a2: i32,
    b1: i32,
    a1_membership: i32,
    b1_membership: i32,
    /// CPD lead of Alder.
    ada: String,
    ada_role: i32,
    /// Headteacher of A1.
    hal: String,
    hal_id: i32,
    /// Teacher at A1.
    tess: String,
    tess_id: i32,
    tess_role: i32,
    /// Headteacher of A2.
    hana: String,
    hana_id: i32,
    /// CPD lead of Birch.
    bo: String,
    /// Headteacher of B1.
    ben: String,
    ben_id: i32,
}

async fn world() -> World {
    let app = spawn_app().await;
    app.person("root@trellis.example", true).await;
    let alder = app.alliance("Alder Alliance").await;
    let birch = app.alliance("Birch Alliance").await;
    let a1 = app.school("Alder One Primary").await;
    let a2 = app.school("Alder Two Academy").await;
    let b1 = app.school("Birch One Primary").await;
    let a1_membership = app.member(alder, a1).await;
    app.member(alder, a2).await;
    let b1_membership = app.member(birch, b1).await;

    let ada_id = app.person("ada@alder.example", false).await;
    let ada_role = app
        .alliance_role(ada_id, alder, AllianceRoleKind::CpdLead)
        .await;
    let bo_id = app.person("bo@birch.example", false).await;
    app.alliance_role(bo_id, birch, AllianceRoleKind::CpdLead)
        .await;
    let tess_id = app.person("tess@a1.example", false).await;
    let tess_role = app.staff(tess_id, a1, StaffRoleKind::Teacher).await;
    let (hal_id, hal) = headteacher(&app, "hal@a1.example", a1).await;
    let (hana_id, hana) = headteacher(&app, "hana@a2.example", a2).await;
    let (ben_id, ben) = headteacher(&app, "ben@b1.example", b1).await;
    World {
        admin: app.sign_in("root@trellis.example").await,
        ada: app.sign_in("ada@alder.example").await,
        bo: app.sign_in("bo@birch.example").await,
        tess: app.sign_in("tess@a1.example").await,
        app,
        alder,
        birch,
        a1,
        a2,
        b1,
        a1_membership,
        b1_membership,
        ada_role,
        hal,
        hal_id,
        tess_id,
        tess_role,
        hana,
        hana_id,
        ben,
        ben_id,
    }
}

impl World {
    /// A new school that is an active member of Alder; its id and membership.
    async fn alder_member(&self, name: &str) -> (i32, i32) {
        let school = self.app.school(name).await;
        (school, self.app.member(self.alder, school).await)
    }

    /// A new teacher at `school`; their person id and staff role.
    async fn teacher(&self, email: &str, school: i32) -> (i32, i32) {
        let person = self.app.person(email, false).await;
        (
            person,
            self.app.staff(person, school, StaffRoleKind::Teacher).await,
        )
    }

    /// A partnership of A1 and A2 in Alder, formed by its CPD lead.
    async fn partnership(&self, name: &str) -> Value {
        let formed = mutate_ok(
            &self.app,
            &self.ada,
            "createPartnership",
            "partnership { id }",
            json!({ "allianceId": gid("Alliance", self.alder), "name": name,
                    "leadSchoolId": gid("School", self.a1),
                    "schoolIds": [gid("School", self.a1), gid("School", self.a2)] }),
        )
        .await;
        formed["partnership"]["id"].clone()
    }
}

/// How a refused caller is told no.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    /// Sees the object, may not change it: a top-level `FORBIDDEN`.
    Forbidden,
    /// Cannot see the object: a `NOT_FOUND` user error, as for a nonexistent one.
    NotFound,
}
use Refusal::{Forbidden, NotFound};

/// What shows whether a mutation changed anything, read by the platform admin.
enum Probe {
    /// The answer to a query.
    Query(&'static str, Value),
    /// The number of emails sent.
    Emails,
}

/// Any node, with the fields the mutations below change.
const NODE: &str = "query($id: ID!) { node(id: $id) {
    ... on Alliance { name version themes { name } memberships { totalCount } partnerships { totalCount } }
    ... on AllianceMembership { status endedAt }
    ... on Partnership { status endsOn schools { totalCount } }
    ... on School { name version }
    ... on StaffRole { endsOn }
    ... on AllianceRole { endsOn }
    ... on Person { status } } }";

fn node_probe(id: impl Into<String>) -> Probe {
    Probe::Query(NODE, json!({ "id": id.into() }))
}

/// One mutation: who may run it, who may not and how they are told, and what shows a
/// change.
struct Case<'a> {
    field: &'static str,
    input: Value,
    probe: Probe,
    allowed: (&'static str, &'a str),
    refused: Vec<(&'static str, &'a str, Refusal)>,
}

async fn look(world: &World, probe: &Probe) -> Value {
    match probe {
        Probe::Query(query, variables) => {
            world
                .app
                .ok(Some(&world.admin), query, variables.clone())
                .await
        }
        Probe::Emails => json!(world.app.mail().await.len()),
    }
}

/// Runs each refused caller, checking the refusal and that nothing changed, then the
/// allowed caller, checking that something did.
async fn check(world: &World, case: Case<'_>) {
    let field = case.field;
    let selection = "__typename";
    let before = look(world, &case.probe).await;
    for (who, token, refusal) in &case.refused {
        let body = mutate_raw(&world.app, token, field, selection, case.input.clone()).await;
        match refusal {
            Forbidden => {
                assert_eq!(
                    error_code(&body),
                    Some("FORBIDDEN"),
                    "{field} as {who}: {body:#}"
                );
                assert_eq!(body["data"], Value::Null, "{field} as {who}");
            }
            NotFound => {
                assert!(body.get("errors").is_none(), "{field} as {who}: {body:#}");
                assert_eq!(
                    user_error_codes(&body["data"][field]),
                    ["NOT_FOUND"],
                    "{field} as {who}: {body:#}"
                );
            }
        }
        assert_eq!(
            look(world, &case.probe).await,
            before,
            "{field} as {who} changed something"
        );
    }
    let (who, token) = case.allowed;
    mutate_ok(&world.app, token, field, selection, case.input.clone()).await;
    assert_ne!(
        look(world, &case.probe).await,
        before,
        "{field} as {who} changed nothing"
    );
}

/// Starting, changing and growing an alliance: school leaders start alliances; only an
/// alliance's admins and CPD leads change it, invite schools and people, and add themes.
#[tokio::test]
async fn alliance_mutations_follow_the_policy() {
    let w = world().await;
    let alder = gid("Alliance", w.alder);
    let newcomer = w.app.school("Newcomer Primary").await;
    let founders_school = w.app.school("Founders Academy").await;
    let (_, founder) = headteacher(&w.app, "founder@founders.example", founders_school).await;
    let cases = [
        Case {
            field: "createAlliance",
            input: json!({ "name": "Cedar Alliance", "kind": "LOCAL_CLUSTER" }),
            probe: Probe::Query("{ alliances { totalCount } }", json!({})),
            allowed: ("a school's headteacher", &founder),
            refused: vec![("a teacher", &w.tess, Forbidden)],
        },
        Case {
            field: "updateAlliance",
            input: json!({ "allianceId": alder, "expectedVersion": 1, "name": "Alder Teaching Alliance" }),
            probe: node_probe(alder.clone()),
            allowed: ("its CPD lead", &w.ada),
            refused: vec![
                ("a member school's head", &w.hana, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
        Case {
            field: "inviteSchoolToAlliance",
            input: json!({ "allianceId": alder, "schoolId": gid("School", newcomer) }),
            probe: node_probe(alder.clone()),
            allowed: ("its CPD lead", &w.ada),
            refused: vec![
                ("a member school's head", &w.hal, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
        Case {
            field: "addAllianceTheme",
            input: json!({ "allianceId": alder, "name": "Oracy across the curriculum" }),
            probe: node_probe(alder.clone()),
            allowed: ("its CPD lead", &w.ada),
            refused: vec![
                ("a member school's head", &w.hal, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
        Case {
            field: "invitePersonToAlliance",
            input: json!({ "allianceId": alder, "email": "fay@facilitators.example", "givenName": "Fay",
                           "familyName": "Facilitator", "role": "FACILITATOR" }),
            probe: Probe::Emails,
            allowed: ("its CPD lead", &w.ada),
            refused: vec![
                ("a member school's head", &w.hal, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
    ];
    for case in cases {
        check(&w, case).await;
    }
}

/// A membership's life: the school's leaders accept or decline an invitation; the
/// alliance's admins suspend and reinstate; either may end it. Leaders of other schools
/// may not, and people of other alliances cannot even see it.
#[tokio::test]
async fn membership_steps_follow_the_policy() {
    let w = world().await;
    let membership = |id: i32| gid("AllianceMembership", id);
    let (accepting, accept_m) = w.alder_member("Accepting Primary").await;
    set_membership_status(&w.app, accept_m, MembershipStatus::Invited).await;
    let (_, accepting_head) = headteacher(&w.app, "head@accepting.example", accepting).await;
    let (declining, decline_m) = w.alder_member("Declining Primary").await;
    set_membership_status(&w.app, decline_m, MembershipStatus::Invited).await;
    let (_, declining_head) = headteacher(&w.app, "head@declining.example", declining).await;
    let (suspended, suspend_m) = w.alder_member("Suspended Academy").await;
    let (_, suspended_head) = headteacher(&w.app, "head@suspended.example", suspended).await;
    let (_, reinstate_m) = w.alder_member("Reinstated Academy").await;
    set_membership_status(&w.app, reinstate_m, MembershipStatus::Suspended).await;
    let (_, end_m) = w.alder_member("Leaving School").await;

    let cases = [
        Case {
            field: "acceptAllianceInvitation",
            input: json!({ "membershipId": membership(accept_m) }),
            probe: node_probe(membership(accept_m)),
            allowed: ("the school's head", &accepting_head),
            refused: vec![
                ("another member school's head", &w.hal, Forbidden),
                ("the alliance's lead", &w.ada, Forbidden),
                ("another alliance's school head", &w.ben, NotFound),
            ],
        },
        Case {
            field: "declineAllianceInvitation",
            input: json!({ "membershipId": membership(decline_m) }),
            probe: node_probe(membership(decline_m)),
            allowed: ("the school's head", &declining_head),
            refused: vec![
                ("another member school's head", &w.hal, Forbidden),
                ("the alliance's lead", &w.ada, Forbidden),
                ("another alliance's school head", &w.ben, NotFound),
            ],
        },
        Case {
            field: "suspendAllianceMembership",
            input: json!({ "membershipId": membership(suspend_m) }),
            probe: node_probe(membership(suspend_m)),
            allowed: ("the alliance's lead", &w.ada),
            refused: vec![
                ("the school's own head", &suspended_head, Forbidden),
                ("another member school's head", &w.hal, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
        Case {
            field: "reinstateAllianceMembership",
            input: json!({ "membershipId": membership(reinstate_m) }),
            probe: node_probe(membership(reinstate_m)),
            allowed: ("the alliance's lead", &w.ada),
            refused: vec![
                ("another member school's head", &w.hal, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
        Case {
            field: "endAllianceMembership",
            input: json!({ "membershipId": membership(end_m) }),
            probe: node_probe(membership(end_m)),
            allowed: ("the alliance's lead", &w.ada),
            refused: vec![
                ("another member school's head", &w.hal, Forbidden),
                ("another alliance's school head", &w.ben, NotFound),
            ],
        },
        Case {
            field: "endAllianceMembership",
            input: json!({ "membershipId": membership(w.b1_membership) }),
            probe: node_probe(membership(w.b1_membership)),
            allowed: ("the school's own head", &w.ben),
            refused: vec![("another alliance's lead", &w.ada, NotFound)],
        },
    ];
    for case in cases {
        check(&w, case).await;
    }
}

/// Partnerships are formed and changed by the alliance's admins and CPD leads only.
#[tokio::test]
async fn partnership_mutations_follow_the_policy() {
    let w = world().await;
    let (a3, _) = w.alder_member("Alder Three School").await;
    let growing = w.partnership("Growing").await;
    let shrinking = w.partnership("Shrinking").await;
    let ending = w.partnership("Ending").await;
    let lead_refusals = || {
        vec![
            ("a member school's head", w.hal.as_str(), Forbidden),
            ("another alliance's lead", w.bo.as_str(), NotFound),
        ]
    };
    let cases = [
        Case {
            field: "createPartnership",
            input: json!({ "allianceId": gid("Alliance", w.alder), "name": "Maths hub",
                           "leadSchoolId": gid("School", w.a1),
                           "schoolIds": [gid("School", w.a1), gid("School", w.a2)] }),
            probe: node_probe(gid("Alliance", w.alder)),
            allowed: ("the alliance's lead", &w.ada),
            refused: lead_refusals(),
        },
        Case {
            field: "addSchoolToPartnership",
            input: json!({ "partnershipId": growing, "schoolId": gid("School", a3) }),
            probe: node_probe(growing.as_str().unwrap()),
            allowed: ("the alliance's lead", &w.ada),
            refused: lead_refusals(),
        },
        Case {
            field: "removeSchoolFromPartnership",
            input: json!({ "partnershipId": shrinking, "schoolId": gid("School", w.a2) }),
            probe: node_probe(shrinking.as_str().unwrap()),
            allowed: ("the alliance's lead", &w.ada),
            refused: vec![
                ("the leaving school's head", &w.hana, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
        Case {
            field: "endPartnership",
            input: json!({ "partnershipId": ending }),
            probe: node_probe(ending.as_str().unwrap()),
            allowed: ("the alliance's lead", &w.ada),
            refused: lead_refusals(),
        },
    ];
    for case in cases {
        check(&w, case).await;
    }
}

/// Schools are public, so refusals are `FORBIDDEN`: only alliance admins and CPD leads
/// register schools; a school's record and staff are managed by its leaders (and the
/// admins of its alliances), not by other schools or other alliances.
#[tokio::test]
async fn school_mutations_follow_the_policy() {
    let w = world().await;
    let a1 = gid("School", w.a1);
    let cases = [
        Case {
            field: "createSchool",
            input: json!({ "urn": "100001", "name": "Brand New Primary", "phase": "PRIMARY" }),
            probe: Probe::Query("{ schools { totalCount } }", json!({})),
            allowed: ("an alliance's CPD lead", &w.ada),
            refused: vec![
                ("a school's head", &w.hal, Forbidden),
                ("a teacher", &w.tess, Forbidden),
            ],
        },
        Case {
            field: "updateSchool",
            input: json!({ "schoolId": a1, "expectedVersion": 1, "name": "Alder One Primary School" }),
            probe: node_probe(a1.clone()),
            allowed: ("its headteacher", &w.hal),
            refused: vec![
                ("its teacher", &w.tess, Forbidden),
                ("another member school's head", &w.hana, Forbidden),
                ("another alliance's lead", &w.bo, Forbidden),
            ],
        },
        Case {
            field: "updateSchool",
            input: json!({ "schoolId": gid("School", w.a2), "expectedVersion": 1, "postcode": "LS1 4AP" }),
            probe: node_probe(gid("School", w.a2)),
            allowed: ("its alliance's CPD lead", &w.ada),
            refused: vec![("another alliance's school head", &w.ben, Forbidden)],
        },
        Case {
            field: "inviteStaffMember",
            input: json!({ "schoolId": a1, "email": "new@a1.example", "givenName": "Nia",
                           "familyName": "New", "role": "TEACHER" }),
            probe: Probe::Emails,
            allowed: ("its headteacher", &w.hal),
            refused: vec![
                ("its teacher", &w.tess, Forbidden),
                ("another member school's head", &w.hana, Forbidden),
                ("another alliance's lead", &w.bo, Forbidden),
            ],
        },
    ];
    for case in cases {
        check(&w, case).await;
    }
}

/// People's roles and accounts are managed by the leaders of their school (and the
/// admins of their alliance), not by colleagues, other schools or other alliances.
#[tokio::test]
async fn people_mutations_follow_the_policy() {
    let w = world().await;
    let (_, leaving_role) = w.teacher("leaving@a1.example", w.a1).await;
    let facilitator = w.app.person("fay@alder.example", false).await;
    let facilitator_role = w
        .app
        .alliance_role(facilitator, w.alder, AllianceRoleKind::Facilitator)
        .await;
    let (disabled, _) = w.teacher("disabled@a1.example", w.a1).await;
    let (enabled, _) = w.teacher("enabled@a1.example", w.a1).await;
    mutate_ok(
        &w.app,
        &w.hal,
        "disablePerson",
        "__typename",
        json!({ "personId": gid("Person", enabled) }),
    )
    .await;
    let cases = [
        Case {
            field: "endStaffRole",
            input: json!({ "staffRoleId": gid("StaffRole", leaving_role) }),
            probe: node_probe(gid("StaffRole", leaving_role)),
            allowed: ("the school's head", &w.hal),
            refused: vec![
                ("a colleague", &w.tess, Forbidden),
                ("another member school's head", &w.hana, Forbidden),
                ("another alliance's school head", &w.ben, NotFound),
            ],
        },
        Case {
            field: "endAllianceRole",
            input: json!({ "allianceRoleId": gid("AllianceRole", facilitator_role) }),
            probe: node_probe(gid("AllianceRole", facilitator_role)),
            allowed: ("the alliance's lead", &w.ada),
            refused: vec![
                ("a member school's head", &w.hal, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
        Case {
            field: "disablePerson",
            input: json!({ "personId": gid("Person", disabled) }),
            probe: node_probe(gid("Person", disabled)),
            allowed: ("the school's head", &w.hal),
            refused: vec![
                ("a colleague", &w.tess, Forbidden),
                ("another member school's head", &w.hana, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
        Case {
            field: "enablePerson",
            input: json!({ "personId": gid("Person", enabled) }),
            probe: node_probe(gid("Person", enabled)),
            allowed: ("the school's head", &w.hal),
            refused: vec![
                ("a colleague", &w.tess, Forbidden),
                ("another member school's head", &w.hana, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
    ];
    for case in cases {
        check(&w, case).await;
    }
    // The last admin or CPD lead of an alliance stays: ending Ada's role is refused.
    let last = mutate_raw(
        &w.app,
        &w.ada,
        "endAllianceRole",
        "__typename",
        json!({ "allianceRoleId": gid("AllianceRole", w.ada_role) }),
    )
    .await;
    assert_eq!(
        user_error_codes(&last["data"]["endAllianceRole"]),
        ["INVALID_STATE"]
    );
}

/// An alliance's CPD lead administers the people in its roles (they see their email), so
/// may disable and enable a facilitator who works for the alliance but at no school.
#[tokio::test]
async fn an_alliance_lead_may_disable_a_facilitator_of_the_alliance() {
    let w = world().await;
    let fay = w.app.person("fay@alder.example", false).await;
    w.app
        .alliance_role(fay, w.alder, AllianceRoleKind::Facilitator)
        .await;
    let id = gid("Person", fay);
    let seen = w
        .app
        .ok(
            Some(&w.ada),
            "query($id: ID!) { node(id: $id) { ... on Person { email } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        seen["node"]["email"], "fay@alder.example",
        "Ada administers Fay"
    );
    let body = mutate_raw(
        &w.app,
        &w.ada,
        "disablePerson",
        "person { status }",
        json!({ "personId": id }),
    )
    .await;
    assert!(
        body.get("errors").is_none(),
        "an alliance lead may disable the alliance's facilitator: {body:#}"
    );
    assert_eq!(
        body["data"]["disablePerson"]["person"]["status"],
        "DISABLED"
    );
}

/// A staff role cannot be ended on a date still to come (a leader ends it on the day):
/// the date is refused as invalid, and the role stays as it was, current, so the teacher
/// keeps working and seeing her alliance.
#[tokio::test]
async fn a_staff_role_cannot_be_ended_on_a_future_date() {
    let w = world().await;
    let last_day = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string();
    let body = mutate_raw(
        &w.app,
        &w.hal,
        "endStaffRole",
        "staffRole { endsOn isCurrent }",
        json!({ "staffRoleId": gid("StaffRole", w.tess_role), "endsOn": last_day }),
    )
    .await;
    let payload = &body["data"]["endStaffRole"];
    assert_eq!(user_error_codes(payload), ["INVALID"], "{body:#}");
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "endsOn"]),
        "{body:#}"
    );
    assert_eq!(payload["staffRole"], Value::Null, "{body:#}");
    let role = w
        .app
        .ok(
            Some(&w.hal),
            "query($id: ID!) { node(id: $id) { ... on StaffRole { endsOn isCurrent } } }",
            json!({ "id": gid("StaffRole", w.tess_role) }),
        )
        .await;
    assert_eq!(
        role["node"],
        json!({ "endsOn": null, "isCurrent": true }),
        "the refused change left the role as it was"
    );
    let tess = w
        .app
        .ok(Some(&w.tess), "{ alliances { totalCount } }", json!({}))
        .await;
    assert_eq!(tess["alliances"]["totalCount"], 1, "Tess still works at A1");
}

// ---- reads ----

/// Each person lists only the alliances they take part in, and `totalCount` agrees.
#[tokio::test]
async fn each_person_lists_only_their_own_alliances() {
    let w = world().await;
    let query = "{ alliances { totalCount nodes { name } } }";
    for (who, token, expected) in [
        ("a teacher in Alder", &w.tess, vec!["Alder Alliance"]),
        ("Alder's lead", &w.ada, vec!["Alder Alliance"]),
        ("a head in Birch", &w.ben, vec!["Birch Alliance"]),
        ("Birch's lead", &w.bo, vec!["Birch Alliance"]),
        (
            "the platform admin",
            &w.admin,
            vec!["Alder Alliance", "Birch Alliance"],
        ),
    ] {
        let data = w.app.ok(Some(token), query, json!({})).await;
        let names: Vec<&str> = data["alliances"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, expected, "{who}");
        assert_eq!(data["alliances"]["totalCount"], expected.len(), "{who}");
    }
    // Filtering schools by an alliance one cannot see finds nothing.
    let data = w
        .app
        .ok(
            Some(&w.ben),
            "query($a: ID!) { schools(filter: {allianceId: $a}) { totalCount } }",
            json!({ "a": gid("Alliance", w.alder) }),
        )
        .await;
    assert_eq!(data["schools"]["totalCount"], 0);
}

/// `node(id:)` answers `null` with `NOT_FOUND` for objects of another alliance, exactly as
/// for ids that do not exist; their own people see the same objects.
#[tokio::test]
async fn node_hides_what_the_caller_cannot_see_as_if_it_did_not_exist() {
    let w = world().await;
    let partnership = w.partnership("Reading").await;
    let query = "query($id: ID!) { node(id: $id) { __typename id } }";
    let hidden = [
        gid("Alliance", w.alder),
        gid("AllianceMembership", w.a1_membership),
        partnership.as_str().unwrap().to_owned(),
        gid("Person", w.tess_id),
        gid("StaffRole", w.tess_role),
        gid("AllianceRole", w.ada_role),
    ];
    let missing = w
        .app
        .gql(Some(&w.ben), query, json!({ "id": gid("Alliance", 9999) }))
        .await;
    assert_eq!(missing["data"]["node"], Value::Null);
    assert_eq!(error_code(&missing), Some("NOT_FOUND"));
    for id in &hidden {
        let body = w.app.gql(Some(&w.ben), query, json!({ "id": id })).await;
        assert_eq!(body["data"], missing["data"], "{id}: {body:#}");
        assert_eq!(
            body["errors"][0]["message"], missing["errors"][0]["message"],
            "{id}"
        );
        assert_eq!(
            body["errors"][0]["extensions"], missing["errors"][0]["extensions"],
            "{id}"
        );
        let seen = w.app.ok(Some(&w.tess), query, json!({ "id": id })).await;
        assert_eq!(seen["node"]["id"], json!(id), "Tess sees {id}");
    }
    // Schools are public register data: anyone signed in sees them.
    let school = w
        .app
        .ok(Some(&w.ben), query, json!({ "id": gid("School", w.a1) }))
        .await;
    assert_eq!(school["node"]["__typename"], "School");
}

/// `nodes(ids:)` gives each visible object in order, and `null` for the rest.
#[tokio::test]
async fn nodes_gives_null_for_what_the_caller_cannot_see() {
    let w = world().await;
    let ids = [
        gid("Alliance", w.alder),
        gid("Alliance", w.birch),
        gid("AllianceMembership", w.b1_membership),
        gid("Person", w.ben_id),
        gid("Alliance", 9999),
        gid("School", w.b1),
        gid("Person", w.hana_id),
    ];
    let data = w
        .app
        .ok(
            Some(&w.tess),
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": ids }),
        )
        .await;
    let typenames: Vec<&Value> = data["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| &node["__typename"])
        .collect();
    assert_eq!(
        typenames,
        [
            &json!("Alliance"),
            &Value::Null,
            &Value::Null,
            &Value::Null,
            &Value::Null,
            &json!("School"),
            &json!("Person")
        ]
    );
}

/// `people` lists the caller's colleagues and the people of their alliances, nobody else,
/// and `totalCount` agrees; filtering by another alliance reveals no one.
#[tokio::test]
async fn people_lists_only_the_callers_network() {
    let w = world().await;
    let query = "query($filter: PersonFilter) { people(filter: $filter) { totalCount nodes { displayName } } }";
    for (who, token, expected) in [
        (
            "a teacher in Alder",
            &w.tess,
            vec![
                "ada alder.example",
                "hal a1.example",
                "hana a2.example",
                "tess a1.example",
            ],
        ),
        (
            "a head in Birch",
            &w.ben,
            vec!["ben b1.example", "bo birch.example"],
        ),
    ] {
        let data = w.app.ok(Some(token), query, json!({})).await;
        let mut names: Vec<&str> = data["people"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["displayName"].as_str().unwrap())
            .collect();
        names.sort_unstable();
        assert_eq!(names, expected, "{who}");
        assert_eq!(data["people"]["totalCount"], expected.len(), "{who}");
    }
    let other = w
        .app
        .ok(
            Some(&w.ben),
            query,
            json!({ "filter": { "allianceId": gid("Alliance", w.alder) } }),
        )
        .await;
    assert_eq!(other["people"]["totalCount"], 0);
    let other = w
        .app
        .ok(
            Some(&w.ben),
            query,
            json!({ "filter": { "schoolId": gid("School", w.a1) } }),
        )
        .await;
    assert_eq!(other["people"]["totalCount"], 0);
}

/// A school's staff are listed to people in its network, and to nobody else: for a
/// school outside it the list is empty and counts zero.
#[tokio::test]
async fn school_staff_are_shown_only_within_the_network() {
    let w = world().await;
    let query = "query($id: ID!) { node(id: $id) { ... on School { staff { totalCount nodes { role person { displayName } } } } } }";
    let a1 = json!({ "id": gid("School", w.a1) });
    let outside = w.app.ok(Some(&w.ben), query, a1.clone()).await;
    assert_eq!(
        outside["node"]["staff"],
        json!({ "totalCount": 0, "nodes": [] })
    );
    let outside = w.app.ok(Some(&w.bo), query, a1.clone()).await;
    assert_eq!(outside["node"]["staff"]["totalCount"], 0);
    for token in [&w.hana, &w.tess, &w.ada] {
        let inside = w.app.ok(Some(token), query, a1.clone()).await;
        assert_eq!(inside["node"]["staff"]["totalCount"], 2);
    }
}

/// A school's past staff are listed to its network, but each one's person only to those
/// who see where that person works now: someone who left for a school in the caller's
/// network is shown, someone who left for one outside it (or for none) is not.
#[tokio::test]
async fn the_person_of_an_ended_staff_role_is_seen_only_where_they_work_now() {
    let w = world().await;
    let (_, tom_role) = w.teacher("tom@a1.example", w.a1).await;
    let (val, val_role) = w.teacher("val@a1.example", w.a1).await;
    let (bea, bea_role) = w.teacher("bea@a1.example", w.a1).await;
    w.app.staff(val, w.a2, StaffRoleKind::Teacher).await;
    w.app.staff(bea, w.b1, StaffRoleKind::Teacher).await;
    for role in [tom_role, val_role, bea_role] {
        mutate_ok(
            &w.app,
            &w.hal,
            "endStaffRole",
            "staffRole { endsOn }",
            json!({ "staffRoleId": gid("StaffRole", role) }),
        )
        .await;
    }
    let query = "query($id: ID!) { node(id: $id) { ... on School {
        staff(filter: { includeEnded: true }) { nodes { id isCurrent person { id } } } } } }";
    let people_of = |body: Value| -> Vec<(String, bool, bool)> {
        body["node"]["staff"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|role| {
                (
                    role["id"].as_str().unwrap().to_owned(),
                    role["isCurrent"].as_bool().unwrap(),
                    !role["person"].is_null(),
                )
            })
            .collect()
    };
    let a1 = json!({ "id": gid("School", w.a1) });
    let role = |id| gid("StaffRole", id);
    let tess = (role(w.tess_role), true, true);
    let hana = people_of(w.app.ok(Some(&w.hana), query, a1.clone()).await);
    assert_eq!(hana.len(), 5, "{hana:?}");
    assert!(hana.contains(&tess), "{hana:?}");
    assert!(
        hana.contains(&(role(tom_role), false, false)),
        "Tom works nowhere now"
    );
    assert!(
        hana.contains(&(role(val_role), false, true)),
        "Val works at A2, Hana's school"
    );
    assert!(
        hana.contains(&(role(bea_role), false, false)),
        "Bea works at B1, outside Alder"
    );
    let admin = people_of(w.app.ok(Some(&w.admin), query, a1).await);
    assert!(admin.iter().all(|(_, _, person)| *person), "{admin:?}");
}

/// A school in two alliances shows each caller only the memberships of alliances they
/// can see.
#[tokio::test]
async fn school_memberships_hide_alliances_the_caller_cannot_see() {
    let w = world().await;
    let shared = w.app.school("Shared Academy").await;
    w.app.member(w.alder, shared).await;
    w.app.member(w.birch, shared).await;
    let query = "query($id: ID!) { node(id: $id) { ... on School { memberships { totalCount nodes { alliance { name } } } } } }";
    for (who, token, expected) in [
        ("Alder's teacher", &w.tess, vec!["Alder Alliance"]),
        ("Birch's head", &w.ben, vec!["Birch Alliance"]),
        (
            "the platform admin",
            &w.admin,
            vec!["Alder Alliance", "Birch Alliance"],
        ),
    ] {
        let data = w
            .app
            .ok(Some(token), query, json!({ "id": gid("School", shared) }))
            .await;
        let names: Vec<&str> = data["node"]["memberships"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["alliance"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, expected, "{who}");
        assert_eq!(
            data["node"]["memberships"]["totalCount"],
            expected.len(),
            "{who}"
        );
    }
}

/// A person's email is seen by themself, their school's leaders and their alliance's
/// admins; colleagues and leaders of other schools see `null`.
#[tokio::test]
async fn an_email_is_seen_by_the_person_and_those_who_administer_them() {
    let w = world().await;
    let query = "query($id: ID!) { node(id: $id) { ... on Person { displayName email } } }";
    let cases = [
        ("Tess herself", &w.tess, w.tess_id, Some("tess@a1.example")),
        (
            "Tess's headteacher",
            &w.hal,
            w.tess_id,
            Some("tess@a1.example"),
        ),
        (
            "Tess's alliance's CPD lead",
            &w.ada,
            w.tess_id,
            Some("tess@a1.example"),
        ),
        ("a head of another member school", &w.hana, w.tess_id, None),
        ("Hal's teacher", &w.tess, w.hal_id, None),
        (
            "a colleague at another member school",
            &w.tess,
            w.hana_id,
            None,
        ),
    ];
    for (who, token, person, expected) in cases {
        let data = w
            .app
            .ok(Some(token), query, json!({ "id": gid("Person", person) }))
            .await;
        assert!(
            data["node"]["displayName"].is_string(),
            "{who} sees the person"
        );
        assert_eq!(data["node"]["email"], json!(expected), "{who}");
    }
    let own = w
        .app
        .ok(Some(&w.tess), "{ viewer { person { email } } }", json!({}))
        .await;
    assert_eq!(own["viewer"]["person"]["email"], "tess@a1.example");
}

/// Without signing in, reads and writes answer `UNAUTHENTICATED` and reveal nothing;
/// `nodes` answers `null` for what the caller may not see.
#[tokio::test]
async fn anonymous_callers_must_sign_in() {
    let w = world().await;
    let alder = gid("Alliance", w.alder);
    let operations = [
        ("{ alliances { totalCount } }", json!({})),
        ("{ people { totalCount } }", json!({})),
        ("{ schools { totalCount } }", json!({})),
        ("{ viewer { person { id } } }", json!({})),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": alder }),
        ),
        (
            "mutation { createAlliance(input: {name: \"Sneaky\", kind: OTHER}) { alliance { id } } }",
            json!({}),
        ),
        (
            "mutation($id: ID!) { updateAlliance(input: {allianceId: $id, expectedVersion: 1, name: \"Sneaky\"}) { alliance { id } } }",
            json!({ "id": alder }),
        ),
    ];
    for (query, variables) in operations {
        let body = w.app.gql(None, query, variables).await;
        assert_eq!(
            error_code(&body),
            Some("UNAUTHENTICATED"),
            "{query}: {body:#}"
        );
        assert!(
            body["data"].is_null()
                || body["data"]
                    .as_object()
                    .is_some_and(|d| d.values().all(Value::is_null)),
            "{query}: {body:#}"
        );
    }
    // `nodes` answers each id it may not show with `null`, as for anyone signed in.
    let nodes = w
        .app
        .ok(
            None,
            "query($id: ID!) { nodes(ids: [$id]) { id } }",
            json!({ "id": alder }),
        )
        .await;
    assert_eq!(nodes["nodes"], json!([null]));
    let count = w
        .app
        .ok(
            Some(&w.admin),
            "{ alliances { totalCount nodes { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        count["alliances"]["totalCount"], 2,
        "nothing was created or renamed"
    );
    assert_eq!(count["alliances"]["nodes"][0]["name"], "Alder Alliance");
}

/// What the editing mutations change, read by the platform admin.
const EDITED: &str = "query($id: ID!) { node(id: $id) {
    ... on Partnership { name purpose leadSchool { name } version }
    ... on AllianceMembership { role version }
    ... on StaffRole { jobTitle subjects phases version }
    ... on Invitation { status lastSentAt revokedAt } } }";

fn edited(id: impl Into<String>) -> Probe {
    Probe::Query(EDITED, json!({ "id": id.into() }))
}

/// Editing what was set up: a partnership's name, purpose and lead school and a member
/// school's role are changed by the alliance's admins and CPD leads; a staff role's job
/// title, subjects and phases by the school's leaders, and by the person in the role.
#[tokio::test]
async fn editing_mutations_follow_the_policy() {
    let w = world().await;
    let partnership = w.partnership("Maths hub").await;
    let cases = [
        Case {
            field: "updatePartnership",
            input: json!({ "partnershipId": partnership, "expectedVersion": 1,
                           "name": "Maths mastery hub", "leadSchoolId": gid("School", w.a2) }),
            probe: edited(partnership.as_str().unwrap()),
            allowed: ("the alliance's lead", &w.ada),
            refused: vec![
                ("the lead school's head", &w.hal, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
        Case {
            field: "changeAllianceMembershipRole",
            input: json!({ "membershipId": gid("AllianceMembership", w.a1_membership),
                           "expectedVersion": 1, "role": "LEAD_SCHOOL" }),
            probe: edited(gid("AllianceMembership", w.a1_membership)),
            allowed: ("the alliance's lead", &w.ada),
            refused: vec![
                ("the school's own head", &w.hal, Forbidden),
                ("another member school's head", &w.hana, Forbidden),
                ("another alliance's school head", &w.ben, NotFound),
            ],
        },
        Case {
            field: "updateStaffRole",
            input: json!({ "staffRoleId": gid("StaffRole", w.tess_role), "expectedVersion": 1,
                           "jobTitle": "Year 4 teacher and maths lead" }),
            probe: edited(gid("StaffRole", w.tess_role)),
            allowed: ("the school's head", &w.hal),
            refused: vec![
                ("another member school's head", &w.hana, Forbidden),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
        Case {
            field: "updateStaffRole",
            input: json!({ "staffRoleId": gid("StaffRole", w.tess_role), "expectedVersion": 2,
                           "subjects": ["Mathematics"], "phases": ["PRIMARY"] }),
            probe: edited(gid("StaffRole", w.tess_role)),
            allowed: ("the person in the role", &w.tess),
            refused: vec![("another alliance's school head", &w.ben, NotFound)],
        },
    ];
    for case in cases {
        check(&w, case).await;
    }
    // A colleague may not change someone else's role, though she sees it.
    let (_, colleague_role) = w.teacher("colin@a1.example", w.a1).await;
    let body = mutate_raw(
        &w.app,
        &w.tess,
        "updateStaffRole",
        "__typename",
        json!({ "staffRoleId": gid("StaffRole", colleague_role), "expectedVersion": 1,
                "jobTitle": "Not his title" }),
    )
    .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body:#}");
}

/// Those who may send an invitation see it, send it again and revoke it: the school's
/// leaders and its alliance's CPD lead for a staff invitation, the alliance's CPD lead for
/// an alliance role. To anyone else it does not exist.
#[tokio::test]
async fn invitation_mutations_follow_the_policy() {
    let w = world().await;
    let invite = |token: String, input: Value, field: &'static str| {
        let app = &w.app;
        async move {
            let payload = mutate_ok(app, &token, field, "invitation { id }", input).await;
            payload["invitation"]["id"].as_str().unwrap().to_owned()
        }
    };
    let staff = |email: &str| {
        json!({ "schoolId": gid("School", w.a1), "email": email, "givenName": "Nia",
                "familyName": "New", "role": "TEACHER" })
    };
    let resent = invite(
        w.hal.clone(),
        staff("resent@a1.example"),
        "inviteStaffMember",
    )
    .await;
    let revoked = invite(
        w.hal.clone(),
        staff("revoked@a1.example"),
        "inviteStaffMember",
    )
    .await;
    let facilitator = invite(
        w.ada.clone(),
        json!({ "allianceId": gid("Alliance", w.alder), "email": "fay@alder.example",
                "givenName": "Fay", "familyName": "Facilitator", "role": "FACILITATOR" }),
        "invitePersonToAlliance",
    )
    .await;
    crate::world::let_resending_wait_pass(&w.app).await;
    let outsiders = || {
        vec![
            ("a colleague", w.tess.as_str(), NotFound),
            ("another member school's head", w.hana.as_str(), NotFound),
            ("another alliance's lead", w.bo.as_str(), NotFound),
            ("another alliance's school head", w.ben.as_str(), NotFound),
        ]
    };
    let cases = [
        Case {
            field: "resendInvitation",
            input: json!({ "invitationId": resent }),
            probe: edited(resent.clone()),
            allowed: ("the school's head", &w.hal),
            refused: outsiders(),
        },
        Case {
            field: "revokeInvitation",
            input: json!({ "invitationId": revoked }),
            probe: edited(revoked.clone()),
            allowed: ("the alliance's lead", &w.ada),
            refused: outsiders(),
        },
        Case {
            field: "revokeInvitation",
            input: json!({ "invitationId": facilitator }),
            probe: edited(facilitator.clone()),
            allowed: ("the alliance's lead", &w.ada),
            refused: vec![
                ("a member school's head", &w.hal, NotFound),
                ("another alliance's lead", &w.bo, NotFound),
            ],
        },
    ];
    for case in cases {
        check(&w, case).await;
    }
}

/// A school registered for an alliance gets its first leader from the alliance: its
/// admins and CPD leads may invite a headteacher, senior leader or school CPD lead to a
/// school that is a member of, or invited to, their alliance, while it has no current
/// leader. Not other staff, not once it has a leader, not for other schools.
#[tokio::test]
async fn an_alliance_invites_the_first_leader_of_its_new_school() {
    let w = world().await;
    let newcomer = w.app.school("Newcomer Primary").await;
    let invited = w.app.member(w.alder, newcomer).await;
    set_membership_status(&w.app, invited, MembershipStatus::Invited).await;
    let leader = |school: i32, email: &str, role: &str| {
        json!({ "schoolId": gid("School", school), "email": email, "givenName": "Lee",
                "familyName": "Leader", "role": role })
    };
    check(
        &w,
        Case {
            field: "inviteStaffMember",
            input: leader(newcomer, "head@newcomer.example", "HEADTEACHER"),
            probe: Probe::Emails,
            allowed: ("the alliance's lead", &w.ada),
            refused: vec![
                ("another alliance's lead", &w.bo, Forbidden),
                ("a member school's head", &w.hal, Forbidden),
                ("a teacher", &w.tess, Forbidden),
            ],
        },
    )
    .await;
    // Until the school has a leader, other leaders may be invited too; other staff not.
    mutate_ok(
        &w.app,
        &w.ada,
        "inviteStaffMember",
        "__typename",
        leader(newcomer, "deputy@newcomer.example", "SENIOR_LEADER"),
    )
    .await;
    let refused = |school: i32, email: &'static str, role: &'static str| {
        let input = leader(school, email, role);
        let app = &w.app;
        let ada = w.ada.clone();
        async move {
            let emails = app.mail().await.len();
            let body = mutate_raw(app, &ada, "inviteStaffMember", "__typename", input).await;
            assert_eq!(error_code(&body), Some("FORBIDDEN"), "{email}: {body:#}");
            assert_eq!(app.mail().await.len(), emails, "{email}");
        }
    };
    refused(newcomer, "teacher@newcomer.example", "TEACHER").await;
    // A school outside the alliance, and one that left it or declined, are not its to
    // staff.
    let outside = w.app.school("Outside Primary").await;
    refused(outside, "head@outside.example", "HEADTEACHER").await;
    for (name, status) in [
        ("Leaving Primary", MembershipStatus::Left),
        ("Declining Primary", MembershipStatus::Declined),
    ] {
        let school = w.app.school(name).await;
        let membership = w.app.member(w.alder, school).await;
        set_membership_status(&w.app, membership, status).await;
        refused(school, "head@gone.example", "HEADTEACHER").await;
    }
    // Once the school has a leader, its staff are its leaders' to invite.
    headteacher(&w.app, "first@newcomer.example", newcomer).await;
    refused(newcomer, "second@newcomer.example", "SENIOR_LEADER").await;
}
