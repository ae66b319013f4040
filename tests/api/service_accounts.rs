//! Service accounts: who creates them, the client-credentials grant at `/oauth/token`
//! (RFC 6749), their tokens on `/graphql`, rotation and revocation.

use entity::enums::{AllianceRoleKind, StaffRoleKind};
use serde_json::{Value, json};

use crate::common::service_accounts::{CREATE_SERVICE_ACCOUNT, Tenant, create_variables};
use crate::common::{TestApp, gid, spawn_app, spawn_app_with};

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

/// Sends `{ __typename }` as `token` (or anonymously): the status, `Retry-After` and
/// `RateLimit-Remaining`, and the error code if any.
async fn typename(
    app: &TestApp,
    token: Option<&str>,
) -> (u16, Option<String>, Option<String>, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!({ "query": "{ __typename }" }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    let (status, retry, remaining) = (
        response.status().as_u16(),
        header("retry-after"),
        header("ratelimit-remaining"),
    );
    let body: Value = response.json().await.unwrap();
    (
        status,
        retry,
        remaining,
        body["errors"][0]["extensions"]["code"].clone(),
    )
}

#[tokio::test]
async fn requests_are_limited_per_principal_with_429_and_retry_after() {
    let app = spawn_app_with(&[
        "--rate-limit-per-minute",
        "3",
        "--anonymous-rate-limit-per-minute",
        "5",
    ])
    .await;
    let school = app.school("Oak Primary").await;
    let head = app.person("head@oak.example", false).await;
    app.staff(head, school, StaffRoleKind::Headteacher).await;
    let head = app.sign_in("head@oak.example").await; // anonymous request 1
    let (_, token) = app
        .service_account_with_token(&head, Tenant::School(school), &["SCHOOLS_READ"])
        .await; // the head's request 1, and anonymous request 2 (the token's)
    for left in ["2", "1", "0"] {
        let (status, _, remaining, _) = typename(&app, Some(&token)).await;
        assert_eq!((status, remaining.as_deref()), (200, Some(left)));
    }
    let (status, retry_after, remaining, code) = typename(&app, Some(&token)).await;
    assert_eq!(status, 429);
    assert_eq!(code, "RATE_LIMITED");
    assert_eq!(remaining.as_deref(), Some("0"));
    let retry_after: u64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // Each principal has its own allowance.
    let (status, _, remaining, _) = typename(&app, Some(&head)).await;
    assert_eq!((status, remaining.as_deref()), (200, Some("1")));
    for _ in 0..3 {
        assert_eq!(typename(&app, None).await.0, 200);
    }
    let (status, retry_after, _, code) = typename(&app, None).await;
    assert_eq!((status, code), (429, json!("RATE_LIMITED")));
    assert!(retry_after.is_some());
    // Token requests, which come without a token, count as the address's too.
    let (status, headers, _) = app
        .oauth_token(None, &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(status, 429);
    assert!(headers.contains_key("retry-after"));
}
