//! The bus across instances: what one instance publishes reaches the subscribers of every
//! other through PostgreSQL `NOTIFY` on `trellis_events` (`cluster::notify`), as ids only;
//! each instance then reloads the objects through the policy for its own subscribers. On
//! SQLite (one instance by nature) nothing is sent.
//!
//! A signal lost while an instance's listener reconnects is not replayed: subscribers
//! there miss it, as graphql-transport-ws clients miss what happens while they reconnect.

use std::sync::Arc;

use super::{Bus, Relay, Signal};
use crate::cluster::channels::EVENTS;
use crate::cluster::notify::{Fanout, Heard};

/// Sends this instance's signals to the others.
struct ToOtherInstances(Arc<Fanout>);

impl Relay for ToOtherInstances {
    fn send(&self, signal: &Signal) {
        match serde_json::to_string(signal) {
            Ok(payload) => self.0.publish_soon(EVENTS, payload),
            Err(error) => {
                tracing::warn!(%error, "a signal could not be written for the other instances")
            }
        }
    }
}

/// `bus`, joined to the other instances through `fanout`.
pub fn join(bus: Bus, fanout: &Arc<Fanout>) -> Bus {
    let here = bus.clone();
    fanout.on_others(EVENTS, move |heard| {
        if let Heard::Message { payload, .. } = heard {
            match serde_json::from_str::<Signal>(&payload) {
                Ok(signal) => here.receive_remote(signal),
                Err(error) => {
                    tracing::warn!(%error, "another instance sent a signal this one cannot read")
                }
            }
        }
    });
    bus.with_relay(Arc::new(ToOtherInstances(fanout.clone())))
}
