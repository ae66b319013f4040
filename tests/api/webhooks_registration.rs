//! Registering and managing webhook endpoints: only a service account with
//! `webhooks:manage`, for its own tenant; HTTPS URLs only (local HTTP when allowed); the
//! secret shown once, rotated, and the signature following it; redelivery by hand.

use std::time::Duration;

use entity::enums::{StaffRoleKind, WebhookEventType};
use serde_json::{Value, json};

use crate::common::service_accounts::Tenant;
use crate::common::{TestApp, gid, spawn_app, spawn_app_with};
use crate::webhooks_receiver::{
    REGISTER, Receiver, WEBHOOK_SCOPES, endpoint, register, signature_is_valid,
};

const FAST: &[&str] = &[
    "--webhook-allow-http-localhost",
    "--webhook-retry-base-ms",
    "20",
    "--webhook-retry-cap-ms",
    "200",
    "--webhook-poll-ms",
    "50",
];

/// A school, its signed-in headteacher, and a teacher's staff role.
async fn school(app: &TestApp, name: &str) -> (i32, String, i32) {
    let school = app.school(name).await;
    let head = app.person(&format!("head@{name}.example"), false).await;
    app.staff(head, school, StaffRoleKind::Headteacher).await;
    let teacher = app.person(&format!("teacher@{name}.example"), false).await;
    let role = app.staff(teacher, school, StaffRoleKind::Teacher).await;
    (
        school,
        app.sign_in(&format!("head@{name}.example")).await,
        role,
    )
}

async fn try_register(app: &TestApp, token: &str, url: &str) -> Value {
    app.gql(
        Some(token),
        REGISTER,
        json!({ "url": url, "types": ["STAFF_ROLE_ENDED"] }),
    )
    .await
}

#[tokio::test]
async fn only_a_service_account_with_webhooks_manage_registers() {
    let app = spawn_app().await;
    let (school, head, _) = school(&app, "willowdale").await;
    // A person, even the school's headteacher, is refused.
    let body = try_register(&app, &head, "https://mis.example.org/hooks").await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body:#}"
    );
    // A service account without the scope is refused.
    let (_, reader) = app
        .service_account_with_token(&head, Tenant::School(school), &["PEOPLE_READ"])
        .await;
    let body = try_register(&app, &reader, "https://mis.example.org/hooks").await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body:#}"
    );
    // With the scope, but a token narrowed to leave it out: refused.
    let account = app
        .create_service_account(&head, Tenant::School(school), WEBHOOK_SCOPES)
        .await;
    let narrowed = app
        .service_account_token(&account, Some("people:read"))
        .await;
    let body = try_register(&app, &narrowed, "https://mis.example.org/hooks").await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body:#}"
    );
    // With it: registered, the secret shown once.
    let token = app.service_account_token(&account, None).await;
    let body = try_register(&app, &token, "https://mis.example.org/hooks").await;
    let registered = &body["data"]["registerWebhookEndpoint"]["registered"];
    let secret = registered["signingSecret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{body:#}");
    assert_eq!(
        registered["endpoint"]["eventTypes"],
        json!(["STAFF_ROLE_ENDED"])
    );
    let read = app
        .ok(
            Some(&token),
            "{ webhookEndpoints(first: 5) { nodes { id url enabled schoolId } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        read["webhookEndpoints"]["nodes"][0]["schoolId"],
        gid("School", school)
    );
    assert!(!read.to_string().contains(secret));
}

#[tokio::test]
async fn only_https_urls_are_accepted_unless_local_http_is_allowed() {
    let app = spawn_app().await;
    let (school, head, _) = school(&app, "cedarfield").await;
    let (_, token) = app
        .service_account_with_token(&head, Tenant::School(school), WEBHOOK_SCOPES)
        .await;
    for url in [
        "http://mis.example.org/hooks",
        "http://127.0.0.1:9000/hooks",
        "http://localhost:9000/hooks",
        "ftp://mis.example.org/hooks",
        "not a url",
        "https://user:password@mis.example.org/hooks",
        // Inside the server's own network, however written.
        "https://localhost:8443/hooks",
        "https://10.0.0.5/hooks",
        "https://[::ffff:169.254.169.254]/latest",
        "https://100.64.0.1/hooks",
    ] {
        let body = try_register(&app, &token, url).await;
        let errors = &body["data"]["registerWebhookEndpoint"]["userErrors"];
        assert_eq!(errors[0]["code"], "INVALID", "{url}: {body:#}");
        assert_eq!(
            errors[0]["field"],
            json!(["input", "url"]),
            "{url}: {body:#}"
        );
    }
    let body = app
        .gql(
            Some(&token),
            REGISTER,
            json!({ "url": "https://mis.example.org/hooks", "types": [] }),
        )
        .await;
    assert_eq!(
        body["data"]["registerWebhookEndpoint"]["userErrors"][0]["code"],
        "INVALID"
    );
    let endpoints = app
        .ok(
            Some(&token),
            "{ webhookEndpoints(first: 5) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        endpoints["webhookEndpoints"]["totalCount"], 0,
        "nothing was registered"
    );

    let local = spawn_app_with(&["--webhook-allow-http-localhost"]).await;
    let (school, head, _) = self::school(&local, "cedarfield").await;
    let (_, token) = local
        .service_account_with_token(&head, Tenant::School(school), WEBHOOK_SCOPES)
        .await;
    register(
        &local,
        &token,
        "http://127.0.0.1:9000/hooks",
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    let body = try_register(&local, &token, "http://mis.example.org/hooks").await;
    assert_eq!(
        body["data"]["registerWebhookEndpoint"]["userErrors"][0]["code"],
        "INVALID"
    );
}

#[tokio::test]
async fn an_endpoint_is_managed_only_from_its_own_tenant() {
    let app = spawn_app().await;
    let (school, head, _) = school(&app, "maplecross").await;
    let (other, other_head, _) = self::school(&app, "pinehurst").await;
    let (endpoint_id, _, _) = endpoint(
        &app,
        &head,
        Tenant::School(school),
        "https://mis.example.org/hooks",
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    let (_, stranger) = app
        .service_account_with_token(&other_head, Tenant::School(other), WEBHOOK_SCOPES)
        .await;
    let id = gid("WebhookEndpoint", endpoint_id);
    for (mutation, input) in [
        ("rotateWebhookEndpointSecret", json!({ "endpointId": id })),
        ("deleteWebhookEndpoint", json!({ "endpointId": id })),
        (
            "updateWebhookEndpoint",
            json!({ "endpointId": id, "expectedVersion": 1, "enabled": false }),
        ),
        (
            "redeliverWebhookEvent",
            json!({ "endpointId": id, "eventId": "evt_0" }),
        ),
    ] {
        let body = app
            .gql(
                Some(&stranger),
                &format!("mutation($input: {}Input!) {{ {mutation}(input: $input) {{ userErrors {{ field code }} }} }}", capitalised(mutation)),
                json!({ "input": input }),
            )
            .await;
        assert_eq!(
            body["data"][mutation]["userErrors"][0]["code"], "NOT_FOUND",
            "{mutation}: {body:#}"
        );
    }
    let seen = app
        .ok(
            Some(&stranger),
            "{ webhookEndpoints(first: 5) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(seen["webhookEndpoints"]["totalCount"], 0);
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_rotated_secret_signs_from_then_on_and_an_event_is_redelivered_by_hand() {
    let app = spawn_app_with(FAST).await;
    let (school, head, role) = school(&app, "thornbury").await;
    let receiver = Receiver::failing_first(0);
    let (endpoint_id, first_secret, token) = endpoint(
        &app,
        &head,
        Tenant::School(school),
        &receiver.url,
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    let id = gid("WebhookEndpoint", endpoint_id);
    let rotated = app
        .ok(
            Some(&token),
            "mutation($id: ID!) { rotateWebhookEndpointSecret(input: {endpointId: $id}) { rotated { signingSecret endpoint { id } } userErrors { code } } }",
            json!({ "id": id }),
        )
        .await;
    let secret = rotated["rotateWebhookEndpointSecret"]["rotated"]["signingSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(secret, first_secret);
    let ended = app
        .ok(
            Some(&head),
            "mutation($id: ID!) { endStaffRole(input: {staffRoleId: $id}) { staffRole { id } } }",
            json!({ "id": gid("StaffRole", role) }),
        )
        .await;
    assert!(ended["endStaffRole"]["staffRole"].is_object());
    receiver.wait_for("the event", |got| got.len() == 1).await;
    let first = receiver.received()[0].clone();
    assert!(signature_is_valid(&secret, &first));
    assert!(!signature_is_valid(&first_secret, &first));
    let event_id = first.body["id"].as_str().unwrap().to_owned();

    let redelivered = app
        .ok(
            Some(&token),
            "mutation($id: ID!, $event: String!) { redeliverWebhookEvent(input: {endpointId: $id, eventId: $event}) { endpoint { id } userErrors { code } } }",
            json!({ "id": id, "event": event_id }),
        )
        .await;
    assert_eq!(redelivered["redeliverWebhookEvent"]["endpoint"]["id"], id);
    receiver
        .wait_for("the event again", |got| got.len() == 2)
        .await;
    let again = &receiver.received()[1];
    assert_eq!(again.body, first.body, "the same event, the same id");
    assert_eq!(again.event_id_header, event_id);
    assert!(signature_is_valid(&secret, again));

    // An unknown event: a NOT_FOUND user error, nothing sent.
    let unknown = app
        .ok(
            Some(&token),
            "mutation($id: ID!) { redeliverWebhookEvent(input: {endpointId: $id, eventId: \"evt_unknown\"}) { userErrors { field code } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        unknown["redeliverWebhookEvent"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    // Deleted: nothing more is delivered.
    let deleted = app
        .ok(
            Some(&token),
            "mutation($id: ID!) { deleteWebhookEndpoint(input: {endpointId: $id}) { deletedEndpointId } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(deleted["deleteWebhookEndpoint"]["deletedEndpointId"], id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 2);
}
