//! The outbox is pruned by a real server's periodic job: an event older than the retention
//! period whose deliveries are all finished goes, with its deliveries and their attempts,
//! and redelivering it answers NOT_FOUND as for an unknown event; an old event with a
//! delivery still pending stays, and so does a recent one.

use std::time::Duration;

use chrono::Utc;
use entity::enums::{StaffRoleKind, WebhookDeliveryStatus, WebhookEventType};
use entity::{webhook_attempt, webhook_delivery, webhook_event};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};
use serde_json::json;
use trellis::db::lock_row;
use trellis::webhooks::retention::prune;

use crate::common::service_accounts::Tenant;
use crate::common::{TestApp, gid, skipped_unless_postgres, spawn_app_with};
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

/// A school whose head ends staff roles, and an endpoint of the school that hears of it.
struct Outbox {
    app: TestApp,
    head: String,
    roles: Vec<i32>,
    receiver: Receiver,
    endpoint_id: i32,
    token: String,
}

impl Outbox {
    async fn new(flags: &[&str], teachers: usize) -> Self {
        let app = spawn_app_with(flags).await;
        let school = app.school("rowanhurst").await;
        let head = app.person("head@rowanhurst.example", false).await;
        app.staff(head, school, StaffRoleKind::Headteacher).await;
        let head = app.sign_in("head@rowanhurst.example").await;
        let mut roles = Vec::new();
        for n in 0..teachers {
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
        Self {
            app,
            head,
            roles,
            receiver,
            endpoint_id,
            token,
        }
    }

    /// Ends the `n`th teacher's role; the event it wrote.
    async fn end_role(&self, n: usize) -> webhook_event::Model {
        let role = self.roles[n];
        let ended = self
            .app
            .ok(
                Some(&self.head),
                "mutation($id: ID!) { endStaffRole(input: {staffRoleId: $id}) { staffRole { id } } }",
                json!({ "id": gid("StaffRole", role) }),
            )
            .await;
        assert!(
            ended["endStaffRole"]["staffRole"]["id"].is_string(),
            "{ended:#}"
        );
        event_about(&self.app, role).await
    }

    /// Ends the `n`th teacher's role and waits for the event's delivery.
    async fn delivered(&self, n: usize) -> webhook_event::Model {
        let event = self.end_role(n).await;
        wait_for_delivery(&self.app, &event, "a delivery", |delivery, attempts| {
            delivery.status == WebhookDeliveryStatus::Delivered && attempts == 1
        })
        .await;
        event
    }

    /// Makes `events` older than the default retention (30 days).
    async fn age(&self, events: &[&webhook_event::Model]) {
        webhook_event::Entity::update_many()
            .col_expr(
                webhook_event::Column::CreatedAt,
                Expr::value(Utc::now() - chrono::Duration::days(31)),
            )
            .filter(webhook_event::Column::Id.is_in(events.iter().map(|event| event.id)))
            .exec(&self.app.db)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn old_finished_events_are_pruned_with_their_deliveries_and_attempts() {
    let mut flags = DELIVERY_FLAGS.to_vec();
    flags.extend(["--webhook-prune-every-ms", "100"]);
    let outbox = Outbox::new(&flags, 3).await;
    let Outbox {
        app,
        receiver,
        endpoint_id,
        token,
        ..
    } = &outbox;

    // Two events delivered, one still being retried.
    let old_delivered = outbox.delivered(0).await;
    let recent_delivered = outbox.delivered(1).await;
    receiver.go_down();
    let old_pending = outbox.end_role(2).await;
    wait_for_delivery(
        app,
        &old_pending,
        "a failed attempt",
        |delivery, attempts| delivery.status == WebhookDeliveryStatus::Pending && attempts >= 1,
    )
    .await;

    outbox.age(&[&old_delivered, &old_pending]).await;
    for _ in 0..600 {
        if !still_there(app, &old_delivered).await {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!still_there(app, &old_delivered).await, "pruned");
    assert_eq!(deliveries_of(app, &old_delivered).await, 0);
    assert_eq!(attempts_of(app, &old_delivered).await, 0);
    // Another round or two: what stays, stays.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        still_there(app, &old_pending).await,
        "a delivery is pending"
    );
    assert_eq!(deliveries_of(app, &old_pending).await, 1);
    assert!(attempts_of(app, &old_pending).await >= 1);
    assert!(still_there(app, &recent_delivered).await, "recent");
    assert_eq!(deliveries_of(app, &recent_delivered).await, 1);
    assert_eq!(attempts_of(app, &recent_delivered).await, 1);

    // A pruned event cannot be redelivered: as for an event never written.
    let redelivered = app
        .ok(
            Some(token),
            "mutation($id: ID!, $event: String!) { redeliverWebhookEvent(input: {endpointId: $id, eventId: $event}) { userErrors { field code } } }",
            json!({ "id": gid("WebhookEndpoint", *endpoint_id), "event": old_delivered.public_id }),
        )
        .await;
    assert_eq!(
        redelivered["redeliverWebhookEvent"]["userErrors"][0]["code"], "NOT_FOUND",
        "{redelivered:#}"
    );
}

/// An event being redelivered is not pruned: the redelivery holds its event until the
/// delivery is queued again, and a round skips what another transaction holds, rather
/// than waiting for it or deleting the delivery just queued. PostgreSQL only: SQLite runs
/// one writer at a time, so a round and a redelivery never overlap there.
#[tokio::test]
async fn postgres_only_an_event_being_redelivered_is_not_pruned() {
    if skipped_unless_postgres("postgres_only_an_event_being_redelivered_is_not_pruned") {
        return;
    }
    // The server's own rounds come an hour after it starts: this test runs them.
    let outbox = Outbox::new(DELIVERY_FLAGS, 1).await;
    let app = &outbox.app;
    let event = outbox.delivered(0).await;
    outbox.age(&[&event]).await;
    let round = || {
        let round = prune(&app.db, chrono::Duration::days(30));
        async move {
            tokio::time::timeout(Duration::from_secs(10), round)
                .await
                .expect("a round does not wait for a redelivery")
                .unwrap()
        }
    };

    // A redelivery's transaction holds the event, as `redeliverWebhookEvent` does.
    let redelivery = app.db.begin().await.unwrap();
    lock_row::<webhook_event::Entity>(&redelivery, webhook_event::Column::Id, event.id)
        .await
        .unwrap();
    assert_eq!(round().await, 0, "skipped while held");
    redelivery.commit().await.unwrap();
    assert!(still_there(app, &event).await);

    assert_eq!(round().await, 1, "pruned once let go");
    assert!(!still_there(app, &event).await);
}
