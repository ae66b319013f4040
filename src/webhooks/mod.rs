//! Webhooks: other systems hear of changes as they happen.
//!
//! - A change that other systems hear of writes an event to the outbox in its own
//!   transaction (`events::emit`, called from the domain function that makes the change).
//! - Service accounts with the `webhooks:manage` scope register endpoints for their school
//!   or alliance (`endpoints`); each has its own signing secret.
//! - The delivery worker (`worker`), a task of the server, fans each event out to the
//!   endpoints that may receive it (`auth::policy::webhooks`), posts it signed
//!   (`signing`), logs every attempt, retries failures with back-off (`backoff`), and
//!   disables endpoints that fail for days, telling those who manage them.
//! - A periodic job (`retention`) removes the events past their retention whose
//!   deliveries are all finished, with their deliveries and attempts.

pub mod addresses;
pub mod backoff;
pub mod endpoints;
pub mod events;
mod node;
pub mod queries;
pub mod retention;
pub mod signing;
pub mod types;
pub mod worker;

pub use endpoints::WebhookMutation;
pub use events::{Event, emit};
pub use queries::WebhookQuery;
pub use types::{WebhookDeliveryAttempt, WebhookEndpoint, WebhookEndpointWithSecret, subscribed};
pub use worker::Worker;
