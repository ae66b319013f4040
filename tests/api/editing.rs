//! Editing what was set up: a partnership's name, purpose and lead school; a member
//! school's role in its alliance; a staff role's job title, subjects and phases. Each
//! takes the version it was read at, refuses bad input with a user error that changes
//! nothing, and is audited. Who may is tested in `policy`.

use crate::common::{TestApp, gid};
use crate::community_world::community_world;
use crate::world::{audited, mutate, mutate_ok, user_error_codes};
use entity::enums::StaffRoleKind;
use serde_json::{Value, json};

async fn node(app: &TestApp, token: &str, id: &Value, selection: &str) -> Value {
    let data = app
        .ok(
            Some(token),
            &format!("query($id: ID!) {{ node(id: $id) {{ {selection} }} }}"),
            json!({ "id": id }),
        )
        .await;
    data["node"].clone()
}

/// Runs a refused edit: one user error with this code on this field, and the object as
/// it was.
async fn refused(
    app: &TestApp,
    token: &str,
    field: &str,
    input: Value,
    (code, path): (&str, &str),
    (id, selection): (&Value, &str),
) {
    let before = node(app, token, id, selection).await;
    let payload = mutate(app, token, field, "__typename", input.clone()).await;
    assert_eq!(user_error_codes(&payload), [code], "{input}: {payload:#}");
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", path]),
        "{input}"
    );
    assert_eq!(node(app, token, id, selection).await, before, "{input}");
}

const PARTNERSHIP: &str = "... on Partnership { name purpose status version leadSchool { name }
    schools { nodes { school { name } } } }";

/// A partnership is renamed, its purpose restated or cleared, and its lead handed to
/// another of its current schools; a lead school outside it (or gone from it), a stale
/// version, a blank or overlong name and an ended partnership are refused.
#[tokio::test]
async fn a_partnership_is_renamed_and_led_by_another_of_its_schools() {
    let world = community_world().await;
    let app = &world.app;
    let lead = &world.lead.token;
    let [ashby, brook, cedar] = world.schools.map(|school| gid("School", school));
    let formed = mutate_ok(
        app,
        lead,
        "createPartnership",
        "partnership { id }",
        json!({ "allianceId": gid("Alliance", world.alliance), "name": "Maths hub",
                "purpose": "Mastery in KS2", "leadSchoolId": ashby,
                "schoolIds": [ashby, brook] }),
    )
    .await;
    let id = formed["partnership"]["id"].clone();

    let renamed = mutate_ok(
        app,
        lead,
        "updatePartnership",
        &format!("partnership {{ {PARTNERSHIP} }}"),
        json!({ "partnershipId": id, "expectedVersion": 1, "name": "  Maths mastery hub ",
                "leadSchoolId": brook }),
    )
    .await;
    let partnership = &renamed["partnership"];
    assert_eq!(partnership["name"], "Maths mastery hub");
    assert_eq!(partnership["purpose"], "Mastery in KS2");
    assert_eq!(partnership["leadSchool"]["name"], "Brook Academy");
    assert_eq!(partnership["version"], 2);
    assert_eq!(audited(app, "partnership.updated").await, 1);
    let cleared = mutate_ok(
        app,
        lead,
        "updatePartnership",
        "partnership { purpose version }",
        json!({ "partnershipId": id, "expectedVersion": 2, "purpose": "" }),
    )
    .await;
    assert_eq!(
        cleared["partnership"],
        json!({ "purpose": null, "version": 3 })
    );

    let edit = |input: Value| {
        let mut full = json!({ "partnershipId": id, "expectedVersion": 3 });
        full.as_object_mut()
            .unwrap()
            .extend(input.as_object().unwrap().clone());
        full
    };
    let probe = (&id, PARTNERSHIP);
    for (input, expected) in [
        (
            json!({ "leadSchoolId": cedar }),
            ("INVALID", "leadSchoolId"),
        ),
        (
            json!({ "leadSchoolId": "garbage" }),
            ("NOT_FOUND", "leadSchoolId"),
        ),
        (json!({ "name": "   " }), ("INVALID", "name")),
        (json!({ "name": "x".repeat(201) }), ("INVALID", "name")),
        (
            json!({ "purpose": "x".repeat(5001) }),
            ("INVALID", "purpose"),
        ),
    ] {
        refused(app, lead, "updatePartnership", edit(input), expected, probe).await;
    }
    let stale = json!({ "partnershipId": id, "expectedVersion": 2, "name": "Stale" });
    refused(
        app,
        lead,
        "updatePartnership",
        stale,
        ("CONFLICT", "expectedVersion"),
        probe,
    )
    .await;

    // A school that left is no longer one of its schools.
    mutate_ok(
        app,
        lead,
        "removeSchoolFromPartnership",
        "__typename",
        json!({ "partnershipId": id, "schoolId": ashby }),
    )
    .await;
    let left = edit(json!({ "leadSchoolId": ashby }));
    refused(
        app,
        lead,
        "updatePartnership",
        left,
        ("INVALID", "leadSchoolId"),
        probe,
    )
    .await;

    mutate_ok(
        app,
        lead,
        "endPartnership",
        "__typename",
        json!({ "partnershipId": id }),
    )
    .await;
    let ended = json!({ "partnershipId": id, "expectedVersion": 4, "name": "After the end" });
    refused(
        app,
        lead,
        "updatePartnership",
        ended,
        ("INVALID_STATE", "partnershipId"),
        probe,
    )
    .await;
    assert_eq!(audited(app, "partnership.updated").await, 2);
}

const MEMBERSHIP: &str = "... on AllianceMembership { role status version }";

/// A member school's role changes at the version it was read; any step of the membership
/// (a suspension, say) moves the version on, so an edit made from before it is a
/// conflict. An ended membership keeps its role.
#[tokio::test]
async fn a_member_schools_role_changes_at_its_version() {
    let world = community_world().await;
    let app = &world.app;
    let lead = &world.lead.token;
    let id = json!(gid("AllianceMembership", world.memberships[0]));
    let changed = mutate_ok(
        app,
        lead,
        "changeAllianceMembershipRole",
        "membership { role version }",
        json!({ "membershipId": id, "expectedVersion": 1, "role": "LEAD_SCHOOL" }),
    )
    .await;
    assert_eq!(
        changed["membership"],
        json!({ "role": "LEAD_SCHOOL", "version": 2 })
    );
    let leads = app
        .ok(
            Some(lead),
            "query($id: ID!) { node(id: $id) { ... on Alliance {
                memberships(filter: { roles: [LEAD_SCHOOL] }) { nodes { school { name } } } } } }",
            json!({ "id": gid("Alliance", world.alliance) }),
        )
        .await;
    assert_eq!(
        leads["node"]["memberships"]["nodes"],
        json!([{ "school": { "name": "Ashby Primary" } }])
    );
    assert_eq!(audited(app, "alliance_membership.role_changed").await, 1);

    let suspended = mutate_ok(
        app,
        lead,
        "suspendAllianceMembership",
        "membership { version }",
        json!({ "membershipId": id }),
    )
    .await;
    assert_eq!(suspended["membership"]["version"], 3);
    let probe = (&id, MEMBERSHIP);
    let stale = json!({ "membershipId": id, "expectedVersion": 2, "role": "ASSOCIATE" });
    refused(
        app,
        lead,
        "changeAllianceMembershipRole",
        stale,
        ("CONFLICT", "expectedVersion"),
        probe,
    )
    .await;
    mutate_ok(
        app,
        lead,
        "changeAllianceMembershipRole",
        "__typename",
        json!({ "membershipId": id, "expectedVersion": 3, "role": "ASSOCIATE" }),
    )
    .await;

    mutate_ok(
        app,
        lead,
        "endAllianceMembership",
        "__typename",
        json!({ "membershipId": id }),
    )
    .await;
    let ended = json!({ "membershipId": id, "expectedVersion": 5, "role": "MEMBER" });
    refused(
        app,
        lead,
        "changeAllianceMembershipRole",
        ended,
        ("INVALID_STATE", "membershipId"),
        probe,
    )
    .await;
    let unknown = json!({ "membershipId": gid("AllianceMembership", 999), "expectedVersion": 1, "role": "MEMBER" });
    refused(
        app,
        lead,
        "changeAllianceMembershipRole",
        unknown,
        ("NOT_FOUND", "membershipId"),
        probe,
    )
    .await;
}

const STAFF_ROLE: &str = "... on StaffRole { jobTitle subjects phases version isCurrent }";

/// A staff role's job title, subjects and phases are changed by the school's head and
/// by the person in the role; an empty job title clears it. Blank or too many subjects,
/// an overlong title, a stale version and an ended role are refused.
#[tokio::test]
async fn a_staff_roles_title_subjects_and_phases_are_edited() {
    let world = community_world().await;
    let app = &world.app;
    let head = &world.heads[0].token;
    let teacher = &world.teachers[0];
    let roles = app
        .ok(
            Some(&teacher.token),
            "{ viewer { staffRoles { id version } } }",
            json!({}),
        )
        .await;
    let id = roles["viewer"]["staffRoles"][0]["id"].clone();
    assert_eq!(roles["viewer"]["staffRoles"][0]["version"], 1);

    let edited = mutate_ok(
        app,
        head,
        "updateStaffRole",
        &format!("staffRole {{ {STAFF_ROLE} }}"),
        json!({ "staffRoleId": id, "expectedVersion": 1, "jobTitle": "Year 4 teacher",
                "subjects": ["Mathematics", " Science ", "Mathematics"],
                "phases": ["PRIMARY", "PRIMARY"] }),
    )
    .await;
    assert_eq!(
        edited["staffRole"],
        json!({ "jobTitle": "Year 4 teacher", "subjects": ["Mathematics", "Science"],
                "phases": ["PRIMARY"], "version": 2, "isCurrent": true })
    );
    let own = mutate_ok(
        app,
        &teacher.token,
        "updateStaffRole",
        &format!("staffRole {{ {STAFF_ROLE} }}"),
        json!({ "staffRoleId": id, "expectedVersion": 2, "jobTitle": "",
                "phases": ["PRIMARY", "MIDDLE"] }),
    )
    .await;
    assert_eq!(
        own["staffRole"],
        json!({ "jobTitle": null, "subjects": ["Mathematics", "Science"],
                "phases": ["PRIMARY", "MIDDLE"], "version": 3, "isCurrent": true })
    );
    assert_eq!(audited(app, "staff_role.updated").await, 2);

    let probe = (&id, STAFF_ROLE);
    let many: Vec<String> = (0..31).map(|n| format!("Subject {n}")).collect();
    for (input, expected) in [
        (
            json!({ "subjects": ["Maths", "  "] }),
            ("INVALID", "subjects"),
        ),
        (json!({ "subjects": many }), ("INVALID", "subjects")),
        (
            json!({ "jobTitle": "x".repeat(201) }),
            ("INVALID", "jobTitle"),
        ),
    ] {
        let mut full = json!({ "staffRoleId": id, "expectedVersion": 3 });
        full.as_object_mut()
            .unwrap()
            .extend(input.as_object().unwrap().clone());
        refused(app, head, "updateStaffRole", full, expected, probe).await;
    }
    let stale = json!({ "staffRoleId": id, "expectedVersion": 2, "jobTitle": "Stale" });
    refused(
        app,
        head,
        "updateStaffRole",
        stale,
        ("CONFLICT", "expectedVersion"),
        probe,
    )
    .await;

    // The teacher works at a second school too, so stays in view once this role ends.
    app.staff(teacher.id, world.schools[1], StaffRoleKind::Teacher)
        .await;
    mutate_ok(
        app,
        head,
        "endStaffRole",
        "__typename",
        json!({ "staffRoleId": id }),
    )
    .await;
    let ended = json!({ "staffRoleId": id, "expectedVersion": 3, "jobTitle": "Gone" });
    refused(
        app,
        head,
        "updateStaffRole",
        ended,
        ("INVALID_STATE", "staffRoleId"),
        probe,
    )
    .await;
    assert_eq!(audited(app, "staff_role.updated").await, 2);
}
