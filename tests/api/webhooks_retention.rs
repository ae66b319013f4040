//! The outbox is pruned by a real server's periodic job: an event older than the retention
//! period whose deliveries are all finished goes, with its deliveries and their attempts,
//! and redelivering it answers NOT_FOUND as for an unknown event; an old event with a
//! delivery still pending stays, and so does a recent one.

use std::time::Duration;

use chrono::Utc;
use entity::enums::{StaffRoleKind, WebhookDeliveryStatus, WebhookEventType};
use entity::{webhook_attempt, webhook_delivery, webhook_event};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::common::service_accounts::Tenant;
use crate::common::{TestApp, gid, spawn_app_with};
use crate::webhooks_receiver::{DELIVERY_FLAGS, Receiver, endpoint};

/// The event written about one staff role, once there is one.
async fn event_about(app: &TestApp, role: i32) -> webhook_event::Model {
    webhook_event::Entity::find()
        .filter(webhook_event::Column::Subject.eq(gid("StaffRole", role)))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an event about the role")
}

/// Waits (at most 30 seconds) until `event`'s delivery holds `done`.
async fn wait_for_delivery(
    app: &TestApp,
    event: &webhook_event::Model,
    what: &str,
    done: impl Fn(&webhook_delivery::Model, u64) -> bool,
) {
    for _ in 0..600 {
        let delivery = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::EventId.eq(event.id))
            .one(&app.db)
            .await
            .unwrap();
        if let Some(delivery) = delivery
            && done(&delivery, attempts_of(app, event).await)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn attempts_of(app: &TestApp, event: &webhook_event::Model) -> u64 {
    webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::EventPublicId.eq(&event.public_id))
        .count(&app.db)
        .await
        .unwrap()
}

async fn deliveries_of(app: &TestApp, event: &webhook_event::Model) -> u64 {
    webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EventId.eq(event.id))
        .count(&app.db)
        .await
        .unwrap()
}

async fn still_there(app: &TestApp, event: &webhook_event::Model) -> bool {
    webhook_event::Entity::find_by_id(event.id)
        .one(&app.db)
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn old_finished_events_are_pruned_with_their_deliveries_and_attempts() {
    let mut flags = DELIVERY_FLAGS.to_vec();
    flags.extend(["--webhook-prune-every-ms", "100"]);
    let app = spawn_app_with(&flags).await;
    let school = app.school("rowanhurst").await;
    let head = app.person("head@rowanhurst.example", false).await;
    app.staff(head, school, StaffRoleKind::Headteacher).await;
    let head = app.sign_in("head@rowanhurst.example").await;
    let mut roles = Vec::new();
    for n in 0..3 {
        let teacher = app
            .person(&format!("teacher{n}@rowanhurst.example"), false)
            .await;
        roles.push(app.staff(teacher, school, StaffRoleKind::Teacher).await);
    }
    let receiver = Receiver::failing_first(0);
    let (endpoint_id, _, token) = endpoint(
        &app,
        &head,
        Tenant::School(school),
        &receiver.url,
        &[WebhookEventType::StaffRoleEnded],
    )
    .await;
    let end_role = |role: i32| {
        let (app, head) = (&app, &head);
        async move {
            let ended = app
                .ok(
                    Some(head),
                    "mutation($id: ID!) { endStaffRole(input: {staffRoleId: $id}) { staffRole { id } } }",
                    json!({ "id": gid("StaffRole", role) }),
                )
                .await;
            assert!(
                ended["endStaffRole"]["staffRole"]["id"].is_string(),
                "{ended:#}"
            );
            event_about(app, role).await
        }
    };

    // Two events delivered, one still being retried.
    let old_delivered = end_role(roles[0]).await;
    let recent_delivered = end_role(roles[1]).await;
    for event in [&old_delivered, &recent_delivered] {
        wait_for_delivery(&app, event, "a delivery", |delivery, attempts| {
            delivery.status == WebhookDeliveryStatus::Delivered && attempts == 1
        })
        .await;
    }
    receiver.go_down();
    let old_pending = end_role(roles[2]).await;
    wait_for_delivery(
        &app,
        &old_pending,
        "a failed attempt",
        |delivery, attempts| delivery.status == WebhookDeliveryStatus::Pending && attempts >= 1,
    )
    .await;

    // Past the default retention (30 days).
    webhook_event::Entity::update_many()
        .col_expr(
            webhook_event::Column::CreatedAt,
            Expr::value(Utc::now() - chrono::Duration::days(31)),
        )
        .filter(webhook_event::Column::Id.is_in([old_delivered.id, old_pending.id]))
        .exec(&app.db)
        .await
        .unwrap();
    for _ in 0..600 {
        if !still_there(&app, &old_delivered).await {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!still_there(&app, &old_delivered).await, "pruned");
    assert_eq!(deliveries_of(&app, &old_delivered).await, 0);
    assert_eq!(attempts_of(&app, &old_delivered).await, 0);
    // Another round or two: what stays, stays.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        still_there(&app, &old_pending).await,
        "a delivery is pending"
    );
    assert_eq!(deliveries_of(&app, &old_pending).await, 1);
    assert!(attempts_of(&app, &old_pending).await >= 1);
    assert!(still_there(&app, &recent_delivered).await, "recent");
    assert_eq!(deliveries_of(&app, &recent_delivered).await, 1);
    assert_eq!(attempts_of(&app, &recent_delivered).await, 1);

    // A pruned event cannot be redelivered: as for an event never written.
    let redelivered = app
        .ok(
            Some(&token),
            "mutation($id: ID!, $event: String!) { redeliverWebhookEvent(input: {endpointId: $id, eventId: $event}) { userErrors { field code } } }",
            json!({ "id": gid("WebhookEndpoint", endpoint_id), "event": old_delivered.public_id }),
        )
        .await;
    assert_eq!(
        redelivered["redeliverWebhookEvent"]["userErrors"][0]["code"], "NOT_FOUND",
        "{redelivered:#}"
    );
}
