//! Webhooks delivered by a real server to a real receiver on 127.0.0.1: every event
//! arrives once, signed, through a receiver outage and a server restart; nothing is sent
//! for a change that rolled back; each endpoint hears only of its own tenant; an endpoint
//! failing for too long is disabled and its managers told.

use std::collections::HashSet;
use std::time::Duration;

use entity::enums::{AllianceRoleKind, StaffRoleKind, WebhookEventType};
use entity::{webhook_endpoint, webhook_event};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::common::service_accounts::Tenant;
use crate::common::{TestApp, gid, spawn_app_with};
use crate::webhooks_receiver::{DELIVERY_FLAGS, Receiver, endpoint, register, signature_is_valid};

/// A school with a headteacher (signed in) and `teachers` teachers.
struct School {
    id: i32,
    head: String,
    head_email: String,
    roles: Vec<i32>,
}

async fn school(app: &TestApp, name: &str, teachers: usize) -> School {
    let id = app.school(name).await;
    let head_email = format!("head@{name}.example");
    let head = app.person(&head_email, false).await;
    app.staff(head, id, StaffRoleKind::Headteacher).await;
    let mut roles = Vec::new();
    for n in 0..teachers {
        let teacher = app
            .person(&format!("teacher{n}@{name}.example"), false)
            .await;
        roles.push(app.staff(teacher, id, StaffRoleKind::Teacher).await);
    }
    School {
        id,
        head: app.sign_in(&head_email).await,
        head_email,
        roles,
    }
}

async fn end_role(app: &TestApp, token: &str, role: i32) -> Value {
    app.gql(
        Some(token),
        "mutation($id: ID!) { endStaffRole(input: {staffRoleId: $id}) { staffRole { id } userErrors { code message } } }",
        json!({ "id": gid("StaffRole", role) }),
    )
    .await
}

async fn ended(app: &TestApp, token: &str, role: i32) {
    let body = end_role(app, token, role).await;
    assert!(
        body["data"]["endStaffRole"]["staffRole"]["id"].is_string(),
        "{body:#}"
    );
}

/// The public ids of the events written so far about `subjects`.
async fn events_about(app: &TestApp, subjects: &[String]) -> HashSet<String> {
    webhook_event::Entity::find()
        .filter(webhook_event::Column::Subject.is_in(subjects.iter().cloned()))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.public_id)
        .collect()
}

fn role_ids(roles: &[i32]) -> Vec<String> {
    roles.iter().map(|role| gid("StaffRole", *role)).collect()
}

#[tokio::test]
async fn every_event_arrives_once_signed_after_the_receiver_comes_up() {
    let app = spawn_app_with(DELIVERY_FLAGS).await;
    let school = school(&app, "oakfield", 4).await;
    let receiver = Receiver::failing_first(5);
    let (endpoint_id, secret, _) = endpoint(
        &app,
        &school.head,
        Tenant::School(school.id),
        &receiver.url,
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    for role in &school.roles {
        ended(&app, &school.head, *role).await;
    }
    let expected = events_about(&app, &role_ids(&school.roles)).await;
    assert_eq!(expected.len(), 4);
    receiver
        .wait_for("every event", |got| got.len() >= expected.len())
        .await;
    // Time for a duplicate to show, if one were coming.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.event_ids(), expected, "none missing, none twice");
    assert!(
        receiver.attempts() >= 4 + 5,
        "the first five attempts failed"
    );
    for received in receiver.received() {
        assert!(signature_is_valid(&secret, &received), "{received:#?}");
        assert!(!signature_is_valid("whsec_another", &received));
        let body = &received.body;
        assert_eq!(received.event_id_header, body["id"].as_str().unwrap());
        assert_eq!(received.content_type, "application/json");
        assert!(received.user_agent.starts_with("Trellis-Webhooks/"));
        assert_eq!(body["type"], "staff_role.ended");
        assert!(body["createdAt"].is_string());
        let data = &body["data"];
        assert!(role_ids(&school.roles).contains(&data["id"].as_str().unwrap().to_owned()));
        assert_eq!(data["school"], gid("School", school.id));
        assert_eq!(data["role"], "TEACHER");
        assert!(data["endsOn"].is_string());
    }

    // The delivery log: the failed attempts with their 500, then the successes.
    let log = app
        .ok(
            Some(&school.head),
            "query($id: ID!) { webhookDeliveryAttempts(endpointId: $id, first: 50) { nodes { eventId eventType attempt succeeded responseCode durationMs attemptedAt } } }",
            json!({ "id": gid("WebhookEndpoint", endpoint_id) }),
        )
        .await;
    let attempts = log["webhookDeliveryAttempts"]["nodes"].as_array().unwrap();
    let failed: Vec<&Value> = attempts
        .iter()
        .filter(|a| a["succeeded"] == false)
        .collect();
    let succeeded: Vec<&Value> = attempts.iter().filter(|a| a["succeeded"] == true).collect();
    assert_eq!(failed.len(), 5, "{log:#}");
    assert!(failed.iter().all(|a| a["responseCode"] == 500));
    assert_eq!(succeeded.len(), 4, "{log:#}");
    assert!(
        succeeded
            .iter()
            .all(|a| a["responseCode"] == 200 && a["eventType"] == "STAFF_ROLE_ENDED")
    );
    assert!(attempts.iter().any(|a| a["attempt"].as_i64() > Some(1)));
}

#[tokio::test]
async fn a_restart_in_the_middle_loses_nothing() {
    let app = spawn_app_with(DELIVERY_FLAGS).await;
    let school = school(&app, "elmbridge", 6).await;
    let receiver = Receiver::down();
    let (_, secret, _) = endpoint(
        &app,
        &school.head,
        Tenant::School(school.id),
        &receiver.url,
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    for role in &school.roles[..3] {
        ended(&app, &school.head, *role).await;
    }
    // Attempts are failing when the server goes.
    for _ in 0..200 {
        if receiver.attempts() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(receiver.attempts() >= 3);
    let app = app.restart().await;
    let head = app.sign_in(&school.head_email).await;
    for role in &school.roles[3..] {
        ended(&app, &head, *role).await;
    }
    receiver.up();
    let expected = events_about(&app, &role_ids(&school.roles)).await;
    assert_eq!(expected.len(), 6);
    receiver
        .wait_for("every event", |got| got.len() >= expected.len())
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.event_ids(), expected, "none missing, none twice");
    assert!(
        receiver
            .received()
            .iter()
            .all(|r| signature_is_valid(&secret, r))
    );
}

/// Makes the audit entry of ending a staff role fail, after the role has ended and its
/// event was written in the same transaction: the mutation fails and rolls back.
async fn refuse_audit_of_ended_roles(app: &TestApp) {
    let statements: &[&str] = match app.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => &[
            "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_event FOR EACH ROW WHEN (NEW.action = 'staff_role.ended') EXECUTE FUNCTION refuse_audit()",
        ],
        _ => &[
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_event WHEN NEW.action = 'staff_role.ended' BEGIN SELECT RAISE(ABORT, 'refused'); END",
        ],
    };
    for statement in statements {
        app.db.execute_unprepared(statement).await.unwrap();
    }
}

#[tokio::test]
async fn an_event_whose_transaction_rolls_back_is_never_sent() {
    let app = spawn_app_with(DELIVERY_FLAGS).await;
    let school = school(&app, "ashgrove", 2).await;
    let receiver = Receiver::failing_first(0);
    endpoint(
        &app,
        &school.head,
        Tenant::School(school.id),
        &receiver.url,
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    refuse_audit_of_ended_roles(&app).await;
    let body = end_role(&app, &school.head, school.roles[0]).await;
    assert!(body["errors"].is_array(), "the mutation failed: {body:#}");
    let drop = match app.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "DROP TRIGGER refuse_audit ON audit_event",
        _ => "DROP TRIGGER refuse_audit",
    };
    app.db.execute_unprepared(drop).await.unwrap();
    ended(&app, &school.head, school.roles[1]).await;
    receiver
        .wait_for("the committed event", |got| !got.is_empty())
        .await;
    // Events go out in the order they were written: the rolled-back one would be first.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].body["data"]["id"],
        gid("StaffRole", school.roles[1])
    );
    assert!(
        events_about(&app, &role_ids(&school.roles[..1]))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn each_endpoint_hears_only_of_its_own_tenant() {
    let app = spawn_app_with(DELIVERY_FLAGS).await;
    let member = school(&app, "member", 1).await;
    let outside = school(&app, "outside", 1).await;
    let alliance = app.alliance("North Alliance").await;
    let other_alliance = app.alliance("South Alliance").await;
    app.member(alliance, member.id).await;
    app.member(other_alliance, outside.id).await;
    let admin = app.person("admin@north.example", false).await;
    app.alliance_role(admin, alliance, AllianceRoleKind::Admin)
        .await;
    let admin = app.sign_in("admin@north.example").await;
    let other_admin = app.person("admin@south.example", false).await;
    app.alliance_role(other_admin, other_alliance, AllianceRoleKind::Admin)
        .await;
    let other_admin = app.sign_in("admin@south.example").await;
    let every_type = [
        WebhookEventType::StaffRoleEnded,
        WebhookEventType::CommunityCreated,
        WebhookEventType::CommunityClosed,
    ];
    let to_member = Receiver::failing_first(0);
    let to_outside = Receiver::failing_first(0);
    let to_alliance = Receiver::failing_first(0);
    let to_other_alliance = Receiver::failing_first(0);
    endpoint(
        &app,
        &member.head,
        Tenant::School(member.id),
        &to_member.url,
        &every_type,
    )
    .await;
    endpoint(
        &app,
        &outside.head,
        Tenant::School(outside.id),
        &to_outside.url,
        &every_type,
    )
    .await;
    endpoint(
        &app,
        &admin,
        Tenant::Alliance(alliance),
        &to_alliance.url,
        &every_type,
    )
    .await;
    endpoint(
        &app,
        &other_admin,
        Tenant::Alliance(other_alliance),
        &to_other_alliance.url,
        &every_type,
    )
    .await;
    // Subscribed to nothing that happens: hears nothing.
    let unsubscribed = Receiver::failing_first(0);
    endpoint(
        &app,
        &member.head,
        Tenant::School(member.id),
        &unsubscribed.url,
        &[WebhookEventType::PracticePublished],
    )
    .await;
    // Without the scope that reads staff (people:read), hears nothing of them.
    let unscoped = Receiver::failing_first(0);
    let (_, token) = app
        .service_account_with_token(
            &member.head,
            Tenant::School(member.id),
            &["SCHOOLS_READ", "WEBHOOKS_MANAGE"],
        )
        .await;
    register(&app, &token, &unscoped.url, &every_type).await;

    ended(&app, &member.head, member.roles[0]).await;
    ended(&app, &outside.head, outside.roles[0]).await;
    let community = app
        .ok(
            Some(&admin),
            "mutation($a: ID!) { createCommunity(input: {allianceId: $a, name: \"Reading for pleasure\", kind: COLLABORATION_NETWORK, visibility: ALLIANCE, themeIds: [], phases: []}) { community { id } userErrors { message } } }",
            json!({ "a": gid("Alliance", alliance) }),
        )
        .await;
    let community = community["createCommunity"]["community"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    to_alliance
        .wait_for("the member's role and the community", |got| got.len() >= 2)
        .await;
    to_member.wait_for("its role", |got| !got.is_empty()).await;
    to_outside.wait_for("its role", |got| !got.is_empty()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let subjects = |receiver: &Receiver| -> HashSet<String> {
        receiver
            .received()
            .iter()
            .map(|r| r.body["data"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        subjects(&to_member),
        HashSet::from([gid("StaffRole", member.roles[0])])
    );
    assert_eq!(
        subjects(&to_outside),
        HashSet::from([gid("StaffRole", outside.roles[0])])
    );
    assert_eq!(
        subjects(&to_alliance),
        HashSet::from([gid("StaffRole", member.roles[0]), community.clone()])
    );
    // Its member school's staff, nothing of the other alliance's.
    to_other_alliance
        .wait_for("its member's role", |got| !got.is_empty())
        .await;
    assert_eq!(
        subjects(&to_other_alliance),
        HashSet::from([gid("StaffRole", outside.roles[0])])
    );
    assert!(unsubscribed.received().is_empty());
    assert!(unscoped.received().is_empty());
    assert_eq!(to_alliance.event_ids().len(), 2);
}

#[tokio::test]
async fn an_endpoint_failing_too_long_is_disabled_and_its_managers_told() {
    let mut flags = DELIVERY_FLAGS.to_vec();
    flags.extend(["--webhook-disable-after-hours", "0"]);
    let app = spawn_app_with(&flags).await;
    let school = school(&app, "hazelwood", 2).await;
    let receiver = Receiver::down();
    let (endpoint_id, _, _) = endpoint(
        &app,
        &school.head,
        Tenant::School(school.id),
        &receiver.url,
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    ended(&app, &school.head, school.roles[0]).await;
    for _ in 0..200 {
        let endpoint = webhook_endpoint::Entity::find_by_id(endpoint_id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        if !endpoint.enabled {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let seen = app
        .ok(
            Some(&school.head),
            "query { webhookEndpoints(first: 10) { nodes { id enabled disabledAt disabledReason failingSince } } }",
            json!({}),
        )
        .await;
    let endpoint = &seen["webhookEndpoints"]["nodes"][0];
    assert_eq!(endpoint["id"], gid("WebhookEndpoint", endpoint_id));
    assert_eq!(endpoint["enabled"], false, "{seen:#}");
    assert!(endpoint["disabledAt"].is_string());
    let mail = app.mail().await;
    let told = mail
        .iter()
        .find(|m| m.subject == "A webhook endpoint was disabled")
        .unwrap_or_else(|| panic!("{mail:#?}"));
    assert_eq!(told.to, school.head_email);
    // Disabled, it receives nothing more.
    let attempts = receiver.attempts();
    receiver.up();
    ended(&app, &school.head, school.roles[1]).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.attempts(), attempts);
}

#[tokio::test]
async fn endpoints_and_their_log_are_seen_by_their_tenants_managers_only() {
    let app = spawn_app_with(DELIVERY_FLAGS).await;
    let school = school(&app, "birchley", 0).await;
    let other = school_with_head(&app, "larchmont").await;
    let teacher = app.person("teacher@birchley.example", false).await;
    app.staff(teacher, school.id, StaffRoleKind::Teacher).await;
    let teacher = app.sign_in("teacher@birchley.example").await;
    let (endpoint_id, secret, _) = endpoint(
        &app,
        &school.head,
        Tenant::School(school.id),
        "https://mis.example.org/hooks",
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    let id = gid("WebhookEndpoint", endpoint_id);
    let read =
        "query($id: ID!) { webhookEndpoints(first: 10) { nodes { id url } } node(id: $id) { id } }";
    let head = app.gql(Some(&school.head), read, json!({ "id": id })).await;
    assert_eq!(
        head["data"]["webhookEndpoints"]["nodes"][0]["url"],
        "https://mis.example.org/hooks"
    );
    assert_eq!(head["data"]["node"]["id"], id);
    assert!(
        !head.to_string().contains(&secret),
        "the secret is never shown again"
    );
    for outsider in [&teacher, &other] {
        let body = app.gql(Some(outsider), read, json!({ "id": id })).await;
        assert_eq!(
            body["data"]["webhookEndpoints"]["nodes"],
            json!([]),
            "{body:#}"
        );
        assert_eq!(body["data"]["node"], Value::Null);
        let log = app
            .gql(
                Some(outsider),
                "query($id: ID!) { webhookDeliveryAttempts(endpointId: $id, first: 5) { nodes { eventId } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            log["data"]["webhookDeliveryAttempts"],
            Value::Null,
            "{log:#}"
        );
        assert!(log.get("errors").is_none(), "{log:#}");
    }
}

async fn school_with_head(app: &TestApp, name: &str) -> String {
    school(app, name, 0).await.head
}

#[tokio::test]
async fn two_instances_deliver_each_event_once() {
    let app = spawn_app_with(DELIVERY_FLAGS).await;
    let second = app.another_instance().await;
    let school = school(&app, "rowanbank", 12).await;
    let receiver = Receiver::failing_first(6);
    endpoint(
        &app,
        &school.head,
        Tenant::School(school.id),
        &receiver.url,
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    // Ended through both servers; both workers claim from the one database.
    for (n, role) in school.roles.iter().enumerate() {
        let server = if n % 2 == 0 { &app } else { &second };
        ended(server, &school.head, *role).await;
    }
    let expected = events_about(&app, &role_ids(&school.roles)).await;
    assert_eq!(expected.len(), 12);
    receiver
        .wait_for("every event", |got| got.len() >= expected.len())
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.event_ids(), expected, "none missing, none twice");
    assert_eq!(receiver.attempts(), 12 + 6, "no attempt made twice");
}

/// A host name is checked where it points at each delivery, not only when registered: a
/// name that comes to point into the server's own network (here the endpoint's name is
/// changed to `localhost` behind the API's back, as DNS could change it) is not posted
/// to, and the delivery log says why.
#[tokio::test]
async fn a_host_name_that_points_inside_is_never_posted_to() {
    let flags: Vec<&str> = DELIVERY_FLAGS
        .iter()
        .copied()
        .filter(|flag| *flag != "--webhook-allow-http-localhost")
        .collect();
    let app = spawn_app_with(&flags).await;
    let school = school(&app, "elmbridge", 1).await;
    let receiver = Receiver::failing_first(0);
    let (endpoint_id, _, _) = endpoint(
        &app,
        &school.head,
        Tenant::School(school.id),
        "https://mis.example.org/hooks",
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    let inside = receiver
        .url
        .replacen("http://127.0.0.1", "https://localhost", 1);
    webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::Url, Expr::value(inside))
        .filter(webhook_endpoint::Column::Id.eq(endpoint_id))
        .exec(&app.db)
        .await
        .unwrap();
    ended(&app, &school.head, school.roles[0]).await;

    let query = "query($id: ID!) { webhookDeliveryAttempts(endpointId: $id, first: 5) { nodes { succeeded responseCode error } } }";
    let variables = json!({ "id": gid("WebhookEndpoint", endpoint_id) });
    let mut log = json!(null);
    for _ in 0..100 {
        log = app.ok(Some(&school.head), query, variables.clone()).await;
        if log["webhookDeliveryAttempts"]["nodes"][0].is_object() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let attempt = &log["webhookDeliveryAttempts"]["nodes"][0];
    assert_eq!(attempt["succeeded"], false, "{log:#}");
    assert_eq!(attempt["responseCode"], Value::Null);
    assert_eq!(
        attempt["error"], "refused: the host name resolves to an address of a private network",
        "{log:#}"
    );
    assert_eq!(receiver.attempts(), 0);
}
