//! The bus that carries what happened to the subscriptions that may want it.
//!
//! A [`Signal`] is small on purpose: a topic and ids, never content. Whoever receives it
//! reloads what it names through the policy, as the subscriber, so a signal can cross
//! processes (a relay between instances) without carrying anything a subscriber may not
//! see. Signals are published only after the change they tell of has committed.
//!
//! [`Bus::publish`] hands a signal to this instance's subscribers (a Tokio broadcast
//! channel) and, when one is plugged in, to a [`Relay`] that carries it to other
//! instances; those hand what they receive to [`Bus::receive_remote`], which delivers it
//! here without relaying it again.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// Signals held for subscribers that lag, at most; one that falls further behind skips
/// the oldest (and is told so in the log).
const CAPACITY: usize = 4096;

/// What happened in a community, as `communityActivity` tells it.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommunityActivityKind {
    /// A thread was started in the community's discussion.
    ThreadStarted,
    /// A thread of the community's discussion was replied to.
    ReplyPosted,
    /// A meeting was scheduled.
    MeetingScheduled,
    /// A meeting's time, place or details changed.
    MeetingChanged,
    /// A meeting was cancelled.
    MeetingCancelled,
}

/// One thing that happened: a topic and the ids it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "topic", rename_all = "snake_case")]
pub enum Signal {
    /// A notification was added to a person's inbox.
    Notification { person: i32, notification: i32 },
    /// Something happened in a community: `object` is the thread, reply or meeting.
    Community {
        community: i32,
        activity: CommunityActivityKind,
        object: i32,
    },
    /// A practice changed (edited, or a step of its life cycle).
    Practice { practice: i32 },
    /// An event changed: edited, a step of its life cycle, or its places (a booking made,
    /// decided or cancelled, the waitlist promoted).
    Event { event: i32 },
}

/// Carries signals to other instances (PostgreSQL `NOTIFY`, say).
pub trait Relay: Send + Sync {
    fn send(&self, signal: &Signal);
}

/// This instance's bus. Cheap to clone.
#[derive(Clone)]
pub struct Bus {
    local: broadcast::Sender<Signal>,
    relay: Option<Arc<dyn Relay>>,
}

impl Default for Bus {
    fn default() -> Self {
        Self::new()
    }
}

impl Bus {
    pub fn new() -> Self {
        Self {
            local: broadcast::Sender::new(CAPACITY),
            relay: None,
        }
    }

    /// The bus, also relaying what is published to other instances.
    pub fn with_relay(mut self, relay: Arc<dyn Relay>) -> Self {
        self.relay = Some(relay);
        self
    }

    /// Tells this instance's subscribers, and the relay. Call only once the change has
    /// committed.
    pub fn publish(&self, signal: Signal) {
        // No receiver is no error: nobody subscribes right now.
        let _ = self.local.send(signal);
        if let Some(relay) = &self.relay {
            relay.send(&signal);
        }
    }

    /// Every signal from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.local.subscribe()
    }

    /// A signal another instance published: told to this instance's subscribers only.
    pub fn receive_remote(&self, signal: Signal) {
        let _ = self.local.send(signal);
    }

    /// Signals published after each change of `signals`' transaction committed: what a
    /// mutation gathered, published in order.
    pub fn publish_all(&self, signals: impl IntoIterator<Item = Signal>) {
        for signal in signals {
            self.publish(signal);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    struct Recorded(Mutex<Vec<Signal>>);

    impl Relay for Recorded {
        fn send(&self, signal: &Signal) {
            self.0.lock().unwrap().push(*signal);
        }
    }

    #[test]
    fn signals_are_ids_only_and_round_trip_through_json() {
        let signal = Signal::Community {
            community: 3,
            activity: CommunityActivityKind::ReplyPosted,
            object: 9,
        };
        let text = serde_json::to_string(&signal).unwrap();
        assert_eq!(
            text,
            r#"{"topic":"community","community":3,"activity":"REPLY_POSTED","object":9}"#
        );
        assert_eq!(serde_json::from_str::<Signal>(&text).unwrap(), signal);
    }

    #[tokio::test]
    async fn publish_reaches_local_subscribers_and_the_relay_but_remote_ones_are_not_relayed() {
        let relay = Arc::new(Recorded(Mutex::new(Vec::new())));
        let bus = Bus::new().with_relay(relay.clone());
        let mut receiver = bus.subscribe();
        bus.publish(Signal::Practice { practice: 1 });
        bus.receive_remote(Signal::Practice { practice: 2 });
        assert_eq!(
            receiver.recv().await.unwrap(),
            Signal::Practice { practice: 1 }
        );
        assert_eq!(
            receiver.recv().await.unwrap(),
            Signal::Practice { practice: 2 }
        );
        assert_eq!(
            *relay.0.lock().unwrap(),
            vec![Signal::Practice { practice: 1 }]
        );
    }
}
