//! Real time: the bus that carries what changed (`bus`), and the `Subscription` root whose
//! fields push it to subscribers (`subscriptions`), over WebSocket with the
//! graphql-transport-ws protocol (`http::websocket`).
//!
//! Every event is reloaded through the policy as the subscriber, when it happens: a
//! subscriber never receives what a query would not show them at that moment.

pub mod across_instances;
pub mod bus;
mod subscriptions;

pub use bus::{Bus, CommunityActivityKind, Relay, Signal};
pub use subscriptions::{CommunityActivity, Subscription};
