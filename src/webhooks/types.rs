//! What the API shows of webhooks: endpoints (never their secret after it was shown once)
//! and the log of delivery attempts.

use async_graphql::{ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::WebhookEventType;
use entity::{webhook_attempt, webhook_endpoint};

use crate::graphql::ids::NodeKind;

crate::wraps! {
    /// A URL that receives events of one school or alliance.
    WebhookEndpoint(webhook_endpoint::Model),
    /// One attempt to deliver an event to an endpoint.
    WebhookDeliveryAttempt(webhook_attempt::Model),
}

/// The event types an endpoint receives, as stored.
pub fn subscribed(endpoint: &webhook_endpoint::Model) -> Vec<WebhookEventType> {
    serde_json::from_value(endpoint.event_types.clone()).unwrap_or_default()
}

/// A URL that receives, signed, the events of one school or alliance that its service
/// account may see. Seen by that school's leaders or that alliance's admins and CPD leads,
/// and by the service account itself.
#[Object]
impl WebhookEndpoint {
    /// Opaque global id; stable across releases.
    pub async fn id(&self) -> ID {
        NodeKind::WebhookEndpoint.id(self.0.id)
    }
    /// Where events are posted.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// What the endpoint is for, as its owner described it.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The event types it receives.
    async fn event_types(&self) -> Vec<WebhookEventType> {
        subscribed(&self.0)
    }
    /// Whether events are delivered to it. An endpoint whose every attempt failed for days
    /// is disabled; enabling it again is up to its owner.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// When it was disabled, if it is.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at
    }
    /// Why it was disabled, if it is.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }
    /// Since when every attempt to deliver to it has failed; `null` while it answers.
    async fn failing_since(&self) -> Option<DateTime<Utc>> {
        self.0.failing_since
    }
    /// The school it belongs to, for a school's service account.
    async fn school_id(&self) -> Option<ID> {
        self.0.school_id.map(|id| NodeKind::School.id(id))
    }
    /// The alliance it belongs to, for an alliance's service account.
    async fn alliance_id(&self) -> Option<ID> {
        self.0.alliance_id.map(|id| NodeKind::Alliance.id(id))
    }
    /// Increases with every change; pass it as `expectedVersion` to change the endpoint.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// One attempt to deliver an event to an endpoint: the delivery log.
#[Object]
impl WebhookDeliveryAttempt {
    /// The event's id (`evt_...`), as in the payload and the `Trellis-Event-Id` header;
    /// pass it to `redeliverWebhookEvent` to send it again.
    async fn event_id(&self) -> &str {
        &self.0.event_public_id
    }
    /// The event's type.
    async fn event_type(&self) -> WebhookEventType {
        self.0.event_type
    }
    /// 1 for the delivery's first attempt, then 2, 3...
    async fn attempt(&self) -> i32 {
        self.0.attempt
    }
    /// Whether the endpoint answered with a 2xx status.
    async fn succeeded(&self) -> bool {
        self.0.succeeded
    }
    /// The HTTP status the endpoint answered, if it answered.
    async fn response_code(&self) -> Option<i32> {
        self.0.response_code
    }
    /// Why no answer came (timed out, could not connect...), if none did.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// How long the attempt took, in milliseconds.
    async fn duration_ms(&self) -> i32 {
        self.0.duration_ms
    }
    /// When the attempt was made.
    async fn attempted_at(&self) -> DateTime<Utc> {
        self.0.attempted_at
    }
}

/// An endpoint with its signing secret, shown this once.
#[derive(SimpleObject)]
pub struct WebhookEndpointWithSecret {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// The secret that signs its deliveries (`Trellis-Signature`). Shown only now: keep it
    /// where the receiver reads it. Rotating makes a new one.
    pub signing_secret: String,
}
