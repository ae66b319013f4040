//! Service accounts: who creates them, the client-credentials grant at `/oauth/token`
//! (RFC 6749), their tokens on `/graphql`, rotation and revocation.

use entity::enums::{AllianceRoleKind, StaffRoleKind};
use serde_json::json;

use crate::common::service_accounts::{CREATE_SERVICE_ACCOUNT, Tenant, create_variables};
use crate::common::{TestApp, gid, spawn_app};

/// Two schools in one alliance, each with a headteacher and a teacher, and the alliance's
/// admin.
pub struct World {
    pub alliance: i32,
    pub school: i32,
    pub other_school: i32,
    pub head: String,
    pub teacher: i32,
    pub other_teacher: i32,
    pub other_head: String,
    pub alliance_admin: String,
}

pub async fn world(app: &TestApp) -> World {
    let alliance = app.alliance("Northern Lights").await;
    let school = app.school("Oak Primary").await;
    let other_school = app.school("Ash Academy").await;
    app.member(alliance, school).await;
    app.member(alliance, other_school).await;
    let head = app.person("head@oak.example", false).await;
    app.staff(head, school, StaffRoleKind::Headteacher).await;
    let teacher = app.person("teacher@oak.example", false).await;
    app.staff(teacher, school, StaffRoleKind::Teacher).await;
    let other_head = app.person("head@ash.example", false).await;
    app.staff(other_head, other_school, StaffRoleKind::Headteacher)
        .await;
    let other_teacher = app.person("teacher@ash.example", false).await;
    app.staff(other_teacher, other_school, StaffRoleKind::Teacher)
        .await;
    let admin = app.person("admin@lights.example", false).await;
    app.alliance_role(admin, alliance, AllianceRoleKind::Admin)
        .await;
    World {
        alliance,
        school,
        other_school,
        head: app.sign_in("head@oak.example").await,
        teacher,
        other_teacher,
        other_head: app.sign_in("head@ash.example").await,
        alliance_admin: app.sign_in("admin@lights.example").await,
    }
}

#[tokio::test]
async fn a_school_leader_creates_an_account_whose_token_reads_as_it() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (account, token) = app
        .service_account_with_token(&w.head, Tenant::School(w.school), &["PEOPLE_READ"])
        .await;
    assert!(account.client_secret.len() > 40);
    let data = app
        .ok(
            Some(&token),
            "{ viewer { serviceAccount { id name clientId scopes school { name } alliance { name } } scopes isPlatformAdmin staffRoles { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["viewer"],
        json!({
            "serviceAccount": {
                "id": account.id,
                "name": "MIS sync",
                "clientId": account.client_id,
                "scopes": ["PEOPLE_READ"],
                "school": { "name": "Oak Primary" },
                "alliance": null,
            },
            "scopes": ["PEOPLE_READ"],
            "isPlatformAdmin": false,
            "staffRoles": [],
        })
    );
    // Its own school's staff, with their emails; another school's staff not at all.
    let staff = app
        .gql(
            Some(&token),
            "query($a: ID!, $b: ID!) { a: node(id: $a) { ... on Person { email } } b: node(id: $b) { id } }",
            json!({ "a": gid("Person", w.teacher), "b": gid("Person", w.other_teacher) }),
        )
        .await;
    assert_eq!(
        staff["data"],
        json!({ "a": { "email": "teacher@oak.example" }, "b": null })
    );
    assert_eq!(staff["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn only_those_who_manage_the_tenant_create_accounts() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let teacher = app.sign_in("teacher@oak.example").await;
    for (token, tenant) in [
        (&teacher, Tenant::School(w.school)),
        (&w.other_head, Tenant::School(w.school)),
        (&w.head, Tenant::School(w.other_school)),
        (&w.head, Tenant::Alliance(w.alliance)),
    ] {
        let body = app
            .gql(
                Some(token),
                CREATE_SERVICE_ACCOUNT,
                create_variables(tenant, &["PEOPLE_READ"]),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body:#}"
        );
    }
    app.create_service_account(
        &w.alliance_admin,
        Tenant::Alliance(w.alliance),
        &["SCHOOLS_READ"],
    )
    .await;
    // Nobody else lists them, and the secret is never listed.
    let list = "{ serviceAccounts { totalCount nodes { name clientId } } }";
    let seen = app.ok(Some(&w.alliance_admin), list, json!({})).await;
    assert_eq!(seen["serviceAccounts"]["totalCount"], 1);
    assert!(!seen.to_string().contains("Secret"));
    let unseen = app.ok(Some(&w.head), list, json!({})).await;
    assert_eq!(unseen["serviceAccounts"]["totalCount"], 0);
}
