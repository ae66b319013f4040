//! `POST /oauth/token`, the client-credentials grant, to the letter of RFC 6749 (4.4, 5.1,
//! 5.2, 2.3.1); rotation with a grace period; revocation; and that a secret is shown once
//! and never again, in no answer and no log.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::process::ServerProcess;
use crate::common::service_accounts::{ServiceAccount, Tenant};
use crate::common::{TestApp, spawn_app};
use crate::service_accounts::world;

const ROTATE: &str = "mutation($id: ID!, $grace: Int) {
  rotateServiceAccountSecret(input: {serviceAccountId: $id, gracePeriodSeconds: $grace}) {
    credentials { clientId clientSecret serviceAccount { id } }
    userErrors { field code message }
  }
}";

const REVOKE: &str = "mutation($id: ID!) {
  revokeServiceAccount(input: {serviceAccountId: $id}) {
    serviceAccount { id revokedAt }
    userErrors { field code message }
  }
}";

const WHO: &str = "{ viewer { serviceAccount { name } scopes } }";

fn form<'a>(account: &'a ServiceAccount, secret: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "client_credentials"),
        ("client_id", account.client_id.as_str()),
        ("client_secret", secret),
    ]
}

/// A school's account with two scopes, and the head's token.
async fn account(app: &TestApp) -> (ServiceAccount, String) {
    let w = world(app).await;
    let account = app
        .create_service_account(
            &w.head,
            Tenant::School(w.school),
            &["SCHOOLS_READ", "PEOPLE_READ"],
        )
        .await;
    (account, w.head)
}

/// Asserts an RFC 6749 error response: its status, `error` code, JSON body with a
/// description, and that it is not cached.
fn assert_error(
    (status, headers, body): &(reqwest::StatusCode, reqwest::header::HeaderMap, Value),
    expected_status: u16,
    error: &str,
) {
    assert_eq!(status.as_u16(), expected_status, "{body:#}");
    assert_eq!(body["error"], error, "{body:#}");
    assert!(body["error_description"].is_string(), "{body:#}");
    assert_eq!(headers["cache-control"], "no-store");
    if expected_status == 401 {
        assert!(
            headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Basic"),
            "{headers:?}"
        );
    }
}

#[tokio::test]
async fn issues_tokens_to_basic_and_to_form_authentication() {
    let app = spawn_app().await;
    let (account, _) = account(&app).await;
    let basic = app
        .oauth_token(
            Some((&account.client_id, &account.client_secret)),
            &[("grant_type", "client_credentials")],
        )
        .await;
    let by_form = app
        .oauth_token(None, &form(&account, &account.client_secret))
        .await;
    for (status, headers, body) in [basic, by_form] {
        assert_eq!(status, 200, "{body:#}");
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["pragma"], "no-cache");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        assert_eq!(body["scope"], "schools:read people:read");
        let token = body["access_token"].as_str().unwrap();
        let who = app.ok(Some(token), WHO, json!({})).await;
        assert_eq!(
            who["viewer"],
            json!({ "serviceAccount": { "name": "MIS sync" }, "scopes": ["SCHOOLS_READ", "PEOPLE_READ"] })
        );
    }
}

#[tokio::test]
async fn a_token_can_be_asked_for_fewer_scopes_never_more() {
    let app = spawn_app().await;
    let (account, _) = account(&app).await;
    let mut narrow = form(&account, &account.client_secret);
    narrow.push(("scope", "people:read"));
    let (status, _, body) = app.oauth_token(None, &narrow).await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["scope"], "people:read");
    let who = app.ok(body["access_token"].as_str(), WHO, json!({})).await;
    assert_eq!(who["viewer"]["scopes"], json!(["PEOPLE_READ"]));

    for scope in [
        "people:write",
        "people:read admin",
        "PEOPLE_READ",
        "",
        "people:read  schools:read",
    ] {
        let mut wider = form(&account, &account.client_secret);
        wider.push(("scope", scope));
        assert_error(&app.oauth_token(None, &wider).await, 400, "invalid_scope");
    }
}

#[tokio::test]
async fn every_refusal_is_the_error_the_rfc_names() {
    let app = spawn_app().await;
    let (account, _) = account(&app).await;
    let secret = account.client_secret.as_str();
    let grant = ("grant_type", "client_credentials");
    // Client authentication that fails: 401 invalid_client, with WWW-Authenticate.
    for (basic, fields) in [
        (None, vec![grant]),
        (Some((account.client_id.as_str(), "wrong")), vec![grant]),
        (Some(("trellis_sa_nobody", secret)), vec![grant]),
        (None, form(&account, "wrong")),
        (
            None,
            vec![
                grant,
                ("client_id", "trellis_sa_nobody"),
                ("client_secret", secret),
            ],
        ),
    ] {
        let answer = app.oauth_token(basic, &fields).await;
        assert_error(&answer, 401, "invalid_client");
        assert!(!answer.2.to_string().contains(secret));
    }
    // Malformed requests: 400 invalid_request.
    let both = app
        .oauth_token(Some((&account.client_id, secret)), &form(&account, secret))
        .await;
    assert_error(&both, 400, "invalid_request");
    let half = app
        .oauth_token(None, &[grant, ("client_id", account.client_id.as_str())])
        .await;
    assert_error(&half, 400, "invalid_request");
    let no_grant = app
        .oauth_token(Some((&account.client_id, secret)), &[])
        .await;
    assert_error(&no_grant, 400, "invalid_request");
    let twice = app
        .oauth_token(
            Some((&account.client_id, secret)),
            &[grant, ("grant_type", "client_credentials")],
        )
        .await;
    assert_error(&twice, 400, "invalid_request");
    let json_body = app
        .client
        .post(format!("{}/oauth/token", app.url))
        .basic_auth(&account.client_id, Some(secret))
        .json(&json!({ "grant_type": "client_credentials" }))
        .send()
        .await
        .unwrap();
    let status = json_body.status();
    let headers = json_body.headers().clone();
    let answer = (status, headers, json_body.json().await.unwrap());
    assert_error(&answer, 400, "invalid_request");
    // Another grant: unsupported_grant_type.
    let password = app
        .oauth_token(
            Some((&account.client_id, secret)),
            &[
                ("grant_type", "password"),
                ("username", "x"),
                ("password", "y"),
            ],
        )
        .await;
    assert_error(&password, 400, "unsupported_grant_type");
    // Only POST.
    let get = app
        .client
        .get(format!("{}/oauth/token", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(get.headers()["allow"], "POST");
}

#[tokio::test]
async fn a_persons_token_is_no_service_accounts_and_the_reverse() {
    let app = spawn_app().await;
    let (account, head) = account(&app).await;
    let token = app.service_account_token(&account, None).await;
    // The person's token reads the person; the account's reads the account.
    let person = app.ok(Some(&head), WHO, json!({})).await;
    assert_eq!(
        person["viewer"],
        json!({ "serviceAccount": null, "scopes": null })
    );
    let as_person = app
        .gql(Some(&token), "{ viewer { person { id } } }", json!({}))
        .await;
    assert_eq!(as_person["errors"][0]["extensions"]["code"], "FORBIDDEN");
    // A token signed for an account cannot refresh or sign out a person's session.
    let sign_out = app
        .gql(
            Some(&token),
            "mutation { signOut(input: {}) { userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(sign_out["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

#[tokio::test]
async fn rotation_keeps_the_old_secret_for_the_grace_period_only() {
    let app = spawn_app().await;
    let (account, head) = account(&app).await;
    let old = account.client_secret.clone();
    let rotated = app
        .ok(Some(&head), ROTATE, json!({ "id": account.id, "grace": 2 }))
        .await;
    let new = rotated["rotateServiceAccountSecret"]["credentials"]["clientSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new, old);
    assert_eq!(
        rotated["rotateServiceAccountSecret"]["credentials"]["clientId"],
        account.client_id.as_str()
    );
    // Both work within the grace period...
    for secret in [&old, &new] {
        let (status, _, body) = app.oauth_token(None, &form(&account, secret)).await;
        assert_eq!(status, 200, "{body:#}");
    }
    // ...and only the new one after it.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_error(
        &app.oauth_token(None, &form(&account, &old)).await,
        401,
        "invalid_client",
    );
    let (status, _, _) = app.oauth_token(None, &form(&account, &new)).await;
    assert_eq!(status, 200);

    // Without a grace period the old secret stops at once; more than 7 days is refused.
    let again = app
        .ok(Some(&head), ROTATE, json!({ "id": account.id }))
        .await;
    let newest = again["rotateServiceAccountSecret"]["credentials"]["clientSecret"]
        .as_str()
        .unwrap();
    assert_error(
        &app.oauth_token(None, &form(&account, &new)).await,
        401,
        "invalid_client",
    );
    let (status, _, _) = app.oauth_token(None, &form(&account, newest)).await;
    assert_eq!(status, 200);
    for grace in [604_801, -1] {
        let refused = app
            .ok(
                Some(&head),
                ROTATE,
                json!({ "id": account.id, "grace": grace }),
            )
            .await;
        assert_eq!(
            refused["rotateServiceAccountSecret"]["userErrors"][0]["field"],
            json!(["input", "gracePeriodSeconds"])
        );
    }
}

#[tokio::test]
async fn revoking_stops_tokens_already_issued_at_once() {
    let app = spawn_app().await;
    let (account, head) = account(&app).await;
    let token = app.service_account_token(&account, None).await;
    app.ok(Some(&token), WHO, json!({})).await;
    // Someone who does not manage it cannot find it.
    let other = app.sign_in("head@ash.example").await;
    let refused = app
        .ok(Some(&other), REVOKE, json!({ "id": account.id }))
        .await;
    assert_eq!(
        refused["revokeServiceAccount"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let revoked = app
        .ok(Some(&head), REVOKE, json!({ "id": account.id }))
        .await;
    assert!(revoked["revokeServiceAccount"]["serviceAccount"]["revokedAt"].is_string());
    let response = app
        .client
        .post(format!("{}/graphql", app.url))
        .bearer_auth(&token)
        .json(&json!({ "query": WHO }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_error(
        &app.oauth_token(None, &form(&account, &account.client_secret))
            .await,
        401,
        "invalid_client",
    );
    // Revoked once is revoked; rotating it is refused.
    let twice = app
        .ok(Some(&head), REVOKE, json!({ "id": account.id }))
        .await;
    assert_eq!(
        twice["revokeServiceAccount"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );
    let rotate = app
        .ok(Some(&head), ROTATE, json!({ "id": account.id }))
        .await;
    assert_eq!(
        rotate["rotateServiceAccountSecret"]["userErrors"][0]["code"],
        "INVALID_STATE"
    );
}

#[tokio::test]
async fn the_audit_log_records_creation_rotation_and_revocation_without_secrets() {
    let app = spawn_app().await;
    let (account, head) = account(&app).await;
    app.ok(
        Some(&head),
        ROTATE,
        json!({ "id": account.id, "grace": 60 }),
    )
    .await;
    app.ok(Some(&head), REVOKE, json!({ "id": account.id }))
        .await;
    let log = app
        .ok(
            Some(&head),
            "{ auditEvents(first: 10, filter: {actionPrefix: \"service_account.\"}) { nodes { action subjectId details actor { email } } } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = log["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "service_account.revoked",
            "service_account.secret_rotated",
            "service_account.created"
        ]
    );
    assert_eq!(
        log["auditEvents"]["nodes"][2]["subjectId"],
        account.id.as_str()
    );
    assert_eq!(
        log["auditEvents"]["nodes"][2]["actor"]["email"],
        "head@oak.example"
    );
    assert!(!log.to_string().contains(&account.client_secret));
}

/// The real binary's log, with every request logged, holds neither the secret nor the
/// tokens, and nothing but the create and rotate payloads ever shows a secret.
#[tokio::test]
async fn secrets_and_tokens_reach_no_log_and_no_later_answer() {
    let server = ServerProcess::serve(&["--demo"], &[("RUST_LOG", "debug")]).await;
    let app_client = reqwest::Client::new();
    let gql = |token: Option<String>, query: &'static str, variables: Value| {
        let mut request = app_client
            .post(format!("{}/graphql", server.url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let signed_in = gql(
        None,
        "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } } }",
        json!({ "e": "headteacher@kingsmead.example", "p": trellis::seed::demo::DEMO_PASSWORD }),
    )
    .await;
    let head = signed_in["data"]["signIn"]["session"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let school = crate::common::gid("School", 1);
    let created = gql(
        Some(head.clone()),
        crate::common::service_accounts::CREATE_SERVICE_ACCOUNT,
        json!({ "school": school, "name": "MIS", "scopes": ["PEOPLE_READ"] }),
    )
    .await;
    let credentials = &created["data"]["createServiceAccount"]["credentials"];
    let id = credentials["serviceAccount"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client_id = credentials["clientId"].as_str().unwrap().to_owned();
    let secret = credentials["clientSecret"].as_str().unwrap().to_owned();
    let token: Value = app_client
        .post(format!("{}/oauth/token", server.url))
        .basic_auth(&client_id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access_token = token["access_token"].as_str().unwrap().to_owned();
    // A client that swapped its id and secret.
    let swapped = app_client
        .post(format!("{}/oauth/token", server.url))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", secret.as_str()),
            ("client_secret", client_id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(swapped.status(), 401);
    let listed = gql(
        Some(head.clone()),
        "query($id: ID!) { serviceAccounts { nodes { id clientId name scopes } } node(id: $id) { ... on ServiceAccount { clientId } } }",
        json!({ "id": id }),
    )
    .await;
    let own = gql(
        Some(access_token.clone()),
        "{ viewer { serviceAccount { clientId name } } }",
        json!({}),
    )
    .await;
    let log = server.stop().await;
    assert!(
        log.contains("service account token issued"),
        "the log is on"
    );
    for (what, text) in [
        ("log", log),
        ("list", listed.to_string()),
        ("viewer", own.to_string()),
    ] {
        assert!(!text.contains(&secret), "the secret is in the {what}");
        assert!(!text.contains(&access_token), "the token is in the {what}");
    }
}
