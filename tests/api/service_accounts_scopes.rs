//! What a service account reaches: only its tenant, and only what its token's scopes
//! allow, on every path (node, nodes, lists, search, nested objects, the audit log); and it
//! writes only what `people:write` covers.

use serde_json::{Value, json};

use crate::common::service_accounts::Tenant;
use crate::common::{TestApp, gid, spawn_app};
use crate::service_accounts::{World, world};

const PEOPLE: &str = "query($search: String) { people(first: 20, filter: {search: $search}) { totalCount nodes { email } } }";
const SCHOOLS: &str =
    "{ schools(first: 20) { totalCount nodes { name } } alliances(first: 5) { totalCount } }";
const INVITE: &str = "mutation($school: ID!, $email: String!) {
  inviteStaffMember(input: {schoolId: $school, email: $email, givenName: \"Nia\", familyName: \"New\", role: TEACHER}) {
    invitation { email }
    userErrors { field code message }
  }
}";
const END_ROLE: &str = "mutation($role: ID!) {
  endStaffRole(input: {staffRoleId: $role}) { staffRole { endsOn } userErrors { code } }
}";

fn emails(answer: &Value) -> Vec<&str> {
    let mut emails: Vec<&str> = answer["people"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|person| person["email"].as_str().unwrap())
        .collect();
    emails.sort_unstable();
    emails
}

fn code(answer: &Value) -> &Value {
    &answer["errors"][0]["extensions"]["code"]
}

/// A token of an account of Oak Primary with `scopes`.
async fn school_token(app: &TestApp, w: &World, scopes: &[&str]) -> String {
    app.service_account_with_token(&w.head, Tenant::School(w.school), scopes)
        .await
        .1
}

#[tokio::test]
async fn a_school_bound_account_never_sees_another_schools_staff() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let token = school_token(&app, &w, &["PEOPLE_READ", "SCHOOLS_READ"]).await;
    let listed = app.ok(Some(&token), PEOPLE, json!({})).await;
    assert_eq!(emails(&listed), ["head@oak.example", "teacher@oak.example"]);
    // A search for the other school's addresses finds nobody.
    let searched = app
        .ok(Some(&token), PEOPLE, json!({ "search": "ash" }))
        .await;
    assert_eq!(searched["people"]["totalCount"], 0);
    // Nor does node, nodes, or the other school's staff list.
    let by_id = app
        .gql(
            Some(&token),
            "query($mine: ID!, $theirs: ID!, $school: ID!) {
               nodes(ids: [$mine, $theirs]) { ... on Person { email } }
               school: node(id: $school) { ... on School { staff(first: 5) { totalCount } } }
             }",
            json!({
                "mine": gid("Person", w.teacher),
                "theirs": gid("Person", w.other_teacher),
                "school": gid("School", w.other_school),
            }),
        )
        .await;
    assert_eq!(
        by_id["data"],
        json!({ "nodes": [{ "email": "teacher@oak.example" }, null], "school": null }),
        "{by_id:#}"
    );
    // Its own school, nothing of the alliance.
    let schools = app.ok(Some(&token), SCHOOLS, json!({})).await;
    assert_eq!(
        schools,
        json!({ "schools": { "totalCount": 1, "nodes": [{ "name": "Oak Primary" }] }, "alliances": { "totalCount": 0 } })
    );
    let own = app
        .ok(
            Some(&token),
            "query($school: ID!) { node(id: $school) { ... on School { staff(first: 5) { totalCount } } } }",
            json!({ "school": gid("School", w.school) }),
        )
        .await;
    assert_eq!(own["node"]["staff"]["totalCount"], 2);
}

#[tokio::test]
async fn an_alliance_bound_account_reads_the_alliance_as_its_cpd_lead() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let outsider_school = app.school("Elsewhere High").await;
    let outsider = app.person("teacher@elsewhere.example", false).await;
    app.staff(
        outsider,
        outsider_school,
        entity::enums::StaffRoleKind::Teacher,
    )
    .await;
    let (_, token) = app
        .service_account_with_token(
            &w.alliance_admin,
            Tenant::Alliance(w.alliance),
            &["PEOPLE_READ", "SCHOOLS_READ"],
        )
        .await;
    let listed = app.ok(Some(&token), PEOPLE, json!({})).await;
    assert_eq!(
        emails(&listed),
        [
            "admin@lights.example",
            "head@ash.example",
            "head@oak.example",
            "teacher@ash.example",
            "teacher@oak.example"
        ]
    );
    let schools = app.ok(Some(&token), SCHOOLS, json!({})).await;
    assert_eq!(schools["schools"]["totalCount"], 2);
    assert_eq!(schools["alliances"]["totalCount"], 1);
    let outside = app
        .gql(
            Some(&token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gid("Person", outsider) }),
        )
        .await;
    assert_eq!(code(&outside), "NOT_FOUND");
}

#[tokio::test]
async fn each_read_scope_opens_its_domain_and_nothing_else() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let schools_only = school_token(&app, &w, &["SCHOOLS_READ"]).await;
    let people_only = school_token(&app, &w, &["PEOPLE_READ"]).await;

    let no_people = app.ok(Some(&schools_only), PEOPLE, json!({})).await;
    assert_eq!(no_people["people"]["totalCount"], 0);
    let person = app
        .gql(
            Some(&schools_only),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gid("Person", w.teacher) }),
        )
        .await;
    assert_eq!(code(&person), "NOT_FOUND");
    let with_schools = app.ok(Some(&schools_only), SCHOOLS, json!({})).await;
    assert_eq!(with_schools["schools"]["totalCount"], 1);

    let no_schools = app.ok(Some(&people_only), SCHOOLS, json!({})).await;
    assert_eq!(no_schools["schools"]["totalCount"], 0);
    let school = app
        .gql(
            Some(&people_only),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gid("School", w.school) }),
        )
        .await;
    assert_eq!(code(&school), "NOT_FOUND");
    let with_people = app.ok(Some(&people_only), PEOPLE, json!({})).await;
    assert_eq!(with_people["people"]["totalCount"], 2);
}

#[tokio::test]
async fn people_write_invites_and_ends_roles_at_its_school_only() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (account, writer) = app
        .service_account_with_token(
            &w.head,
            Tenant::School(w.school),
            &["PEOPLE_WRITE", "REPORTS_READ"],
        )
        .await;
    let reader = app
        .service_account_token(&account, Some("reports:read"))
        .await;

    // Without the scope: refused before anything happens.
    let refused = app
        .gql(
            Some(&reader),
            INVITE,
            json!({ "school": gid("School", w.school), "email": "nia@oak.example" }),
        )
        .await;
    assert_eq!(code(&refused), "FORBIDDEN");
    // With it: at its school, not at another.
    let invited = app
        .ok(
            Some(&writer),
            INVITE,
            json!({ "school": gid("School", w.school), "email": "nia@oak.example" }),
        )
        .await;
    assert_eq!(
        invited["inviteStaffMember"]["invitation"]["email"],
        "nia@oak.example"
    );
    let elsewhere = app
        .gql(
            Some(&writer),
            INVITE,
            json!({ "school": gid("School", w.other_school), "email": "nia@ash.example" }),
        )
        .await;
    assert_eq!(code(&elsewhere), "FORBIDDEN");

    let roles = app
        .ok(
            Some(&writer),
            "query($id: ID!) { node(id: $id) { ... on Person { staffRoles { id } } } }",
            json!({ "id": gid("Person", w.teacher) }),
        )
        .await;
    let role = roles["node"]["staffRoles"][0]["id"].as_str().unwrap();
    let ended = app
        .ok(Some(&writer), END_ROLE, json!({ "role": role }))
        .await;
    assert!(
        ended["endStaffRole"]["staffRole"]["endsOn"].is_string(),
        "{ended:#}"
    );
    let other_role = app
        .ok(
            Some(&w.other_head),
            "query($id: ID!) { node(id: $id) { ... on Person { staffRoles { id } } } }",
            json!({ "id": gid("Person", w.other_teacher) }),
        )
        .await;
    let other_role = other_role["node"]["staffRoles"][0]["id"].as_str().unwrap();
    let not_found = app
        .ok(Some(&writer), END_ROLE, json!({ "role": other_role }))
        .await;
    assert_eq!(
        not_found["endStaffRole"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    // The audit log says the owner did it, through the account. `reports:read` reads it,
    // each entry where the token reads its subject as a leader of the school would (the
    // ended role's entry went with its person, who no longer works there), and its actor
    // only with people.
    let log = "{ auditEvents(first: 5) { nodes { action actor { email } } } }";
    let entries = app.ok(Some(&writer), log, json!({})).await;
    assert_eq!(
        entries["auditEvents"]["nodes"],
        json!([{ "action": "invitation.sent", "actor": { "email": "head@oak.example" } }])
    );
    // The head reads the same, and also the account's creation (service accounts are
    // seen only by who manages them).
    let head_log = app.ok(Some(&w.head), log, json!({})).await;
    assert_eq!(
        head_log["auditEvents"]["nodes"][0],
        entries["auditEvents"]["nodes"][0]
    );
    assert_eq!(
        head_log["auditEvents"]["nodes"][1]["action"],
        "service_account.created"
    );
    let reports_only = app.ok(Some(&reader), log, json!({})).await;
    assert_eq!(
        reports_only["auditEvents"]["nodes"],
        json!([{ "action": "invitation.sent", "actor": null }])
    );
    let writer_only = app
        .service_account_token(&account, Some("people:write"))
        .await;
    let none = app.ok(Some(&writer_only), log, json!({})).await;
    assert_eq!(none["auditEvents"]["nodes"], json!([]));
}

#[tokio::test]
async fn every_other_mutation_is_refused_whatever_the_scopes() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let all = [
        "SCHOOLS_READ",
        "PEOPLE_READ",
        "PEOPLE_WRITE",
        "COMMUNITIES_READ",
        "PRACTICE_READ",
        "EVENTS_READ",
        "REPORTS_READ",
        "WEBHOOKS_MANAGE",
    ];
    let token = school_token(&app, &w, &all).await;
    for (mutation, variables) in [
        (
            "mutation($id: ID!) { updateSchool(input: {schoolId: $id, expectedVersion: 1, name: \"Renamed\"}) { school { name } } }",
            json!({ "id": gid("School", w.school) }),
        ),
        (
            "mutation { createAlliance(input: {name: \"Mine\", kind: TEACHING_SCHOOL_ALLIANCE}) { alliance { id } } }",
            json!({}),
        ),
        (
            crate::common::service_accounts::CREATE_SERVICE_ACCOUNT,
            crate::common::service_accounts::create_variables(
                Tenant::School(w.school),
                &["PEOPLE_READ"],
            ),
        ),
    ] {
        let answer = app.gql(Some(&token), mutation, variables).await;
        assert_eq!(code(&answer), "FORBIDDEN", "{answer:#}");
    }
    let school = app
        .ok(
            Some(&w.head),
            "query($id: ID!) { node(id: $id) { ... on School { name } } }",
            json!({ "id": gid("School", w.school) }),
        )
        .await;
    assert_eq!(school["node"]["name"], "Oak Primary");
}

/// On the demo data: an account of Riverside Learning Trust reads its communities and
/// practice with the scope, and nothing of them without it.
#[tokio::test]
async fn communities_and_practice_need_their_scopes() {
    let app = spawn_app().await;
    trellis::seed::demo::load(&app.db).await.unwrap();
    let signed_in = app
        .ok(
            None,
            "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } } }",
            json!({ "e": "cpd.lead@riverside-trust.example", "p": trellis::seed::demo::DEMO_PASSWORD }),
        )
        .await;
    let lead = signed_in["signIn"]["session"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let (account, token) = app
        .service_account_with_token(
            &lead,
            Tenant::Alliance(2),
            &["COMMUNITIES_READ", "PRACTICE_READ"],
        )
        .await;
    let query = "{ communities(first: 1) { totalCount } practices(first: 1) { totalCount } supportRequests(first: 1) { totalCount } }";
    let as_lead = app.ok(Some(&lead), query, json!({})).await;
    let with = app.ok(Some(&token), query, json!({})).await;
    assert!(
        with["communities"]["totalCount"].as_u64().unwrap() > 0,
        "{with:#}"
    );
    assert_eq!(with["communities"], as_lead["communities"]);
    assert!(
        with["practices"]["totalCount"].as_u64().unwrap() > 0,
        "{with:#}"
    );
    assert!(
        with["practices"]["totalCount"].as_u64() <= as_lead["practices"]["totalCount"].as_u64()
    );
    let communities_only = app
        .service_account_token(&account, Some("communities:read"))
        .await;
    let narrowed = app.ok(Some(&communities_only), query, json!({})).await;
    assert_eq!(narrowed["communities"], with["communities"]);
    assert_eq!(narrowed["practices"]["totalCount"], 0);
    assert_eq!(narrowed["supportRequests"]["totalCount"], 0);
    let practice_only = app
        .service_account_token(&account, Some("practice:read"))
        .await;
    let narrowed = app.ok(Some(&practice_only), query, json!({})).await;
    assert_eq!(narrowed["communities"]["totalCount"], 0);
    assert_eq!(narrowed["practices"], with["practices"]);
}
