//! What the API shows of webhooks: endpoints (never their secret after it was shown once)
//! and the log of delivery attempts.

use async_graphql::{ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::WebhookEventType;
use entity::{webhook_attempt, webhook_endpoint};
use trellis_macros::fields;

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
#[fields(
    /// Opaque global id; stable across releases.
    id = NodeKind::WebhookEndpoint,
    /// Where events are posted.
    url: &str,
    /// What the endpoint is for, as its owner described it.
    description: Option<&str>,
    /// Whether events are delivered to it. An endpoint whose every attempt failed for days
    /// is disabled; enabling it again is up to its owner.
    enabled: bool,
    /// When it was disabled, if it is.
    disabled_at: Option<DateTime<Utc>>,
    /// Why it was disabled, if it is.
    disabled_reason: Option<&str>,
    /// Since when every attempt to deliver to it has failed; `null` while it answers.
    failing_since: Option<DateTime<Utc>>,
    /// Increases with every change; pass it as `expectedVersion` to change the endpoint.
    version: i32,
    /// When it was registered.
    created_at: DateTime<Utc>,
    /// When it last changed.
    updated_at: DateTime<Utc>,
)]
#[Object]
impl WebhookEndpoint {
    /// The event types it receives.
    async fn event_types(&self) -> Vec<WebhookEventType> {
        subscribed(&self.0)
    }
    /// The school it belongs to, for a school's service account.
    async fn school_id(&self) -> Option<ID> {
        self.0.school_id.map(|id| NodeKind::School.id(id))
    }
    /// The alliance it belongs to, for an alliance's service account.
    async fn alliance_id(&self) -> Option<ID> {
        self.0.alliance_id.map(|id| NodeKind::Alliance.id(id))
    }
}

/// One attempt to deliver an event to an endpoint: the delivery log.
#[fields(
    /// The event's type.
    event_type: WebhookEventType,
    /// 1 for the delivery's first attempt, then 2, 3...
    attempt: i32,
    /// Whether the endpoint answered with a 2xx status.
    succeeded: bool,
    /// The HTTP status the endpoint answered, if it answered.
    response_code: Option<i32>,
    /// Why no answer came (timed out, could not connect...), if none did.
    error: Option<&str>,
    /// How long the attempt took, in milliseconds.
    duration_ms: i32,
    /// When the attempt was made.
    attempted_at: DateTime<Utc>,
)]
#[Object]
impl WebhookDeliveryAttempt {
    /// The event's id (`evt_...`), as in the payload and the `Trellis-Event-Id` header;
    /// pass it to `redeliverWebhookEvent` to send it again.
    async fn event_id(&self) -> &str {
        &self.0.event_public_id
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
