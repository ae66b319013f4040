//! Telling people what happened that concerns them: a practice to review, sent back or
//! approved, a request to join a community and its answer, a meeting scheduled, changed or
//! cancelled, support brokered, a school invited into an alliance.
//!
//! A mutation gathers its notifications in [`Notices`] inside its transaction (the wording
//! and who is told are in `messages`), then [`Notices::commit`] queues them in that
//! transaction (`queue`), commits, and only then tells the [`Notifier`], which sends them
//! off the request path (`sender`). So:
//! - a change that rolls back tells nobody;
//! - a change that commits tells everyone it should, even if this instance stops before
//!   sending: the next retry round of any instance delivers what is still queued;
//! - a slow or unreachable mail server never slows down or fails the mutation;
//! - the actor is never told of their own action;
//! - each recipient is checked when the email is sent: a disabled person gets nothing, and
//!   nor does anyone for whom `nodes(ids:)` would not answer every object the notification
//!   names (what it is about, and anything else its text names).
//!
//! Each notification is a typed value, [`Notification`], independent of how it travels:
//! to the recipient's inbox always (`inbox`), and by email unless they turned that type's
//! email off. Both happen in the sender, after the recipient check: the inbox holds
//! exactly what the email would have told, and `notificationAdded` pushes it.
//!
//! A mutation also gathers the [`Signal`]s of its change in its `Notices`, published on
//! the bus once the transaction commits (`realtime`).

mod evaluations;
pub mod inbox;
mod messages;
mod queue;
pub(crate) mod recipients;
mod sender;

use async_graphql::{Context, ID};
use sea_orm::{DatabaseTransaction, DbErr};

use crate::graphql::context::services;
use crate::graphql::ids::NodeKind;
use crate::realtime::{Bus, Signal};
pub use messages::MeetingChange;
pub use sender::{Notifier, Outbox, channel as sender_channel};

/// What a notification tells (stored as the inbox's `type`).
pub use entity::enums::NotificationType as NotificationKind;

/// One notification for one person.
#[derive(Debug, Clone)]
pub struct Notification {
    /// The person told.
    pub recipient: i32,
    pub kind: NotificationKind,
    pub subject: String,
    /// The message, ending with where to see it: `TRELLIS_PUBLIC_URL/<type>/<global id>`.
    pub text: String,
    /// The global id of what it is about.
    pub about: ID,
    /// Other objects the text names (a person, a support request): the recipient must
    /// see each of them too.
    pub mentions: Vec<ID>,
}

/// The notifications of one mutation, sent once its transaction commits.
pub struct Notices {
    actor: i32,
    public_url: String,
    notifier: Notifier,
    list: Vec<Notification>,
    bus: Option<Bus>,
    signals: Vec<Signal>,
}

/// What a notification says, before it is addressed.
pub(crate) struct Message {
    pub(crate) kind: NotificationKind,
    pub(crate) about: (NodeKind, i32),
    pub(crate) mentions: Vec<ID>,
    pub(crate) subject: String,
    pub(crate) text: String,
}

impl Notices {
    /// Notifications of what `actor` is doing in this request.
    pub fn new(ctx: &Context<'_>, actor: i32) -> Self {
        let services = services(ctx);
        Self {
            actor,
            public_url: services.public_url.clone(),
            notifier: services.notifier.clone(),
            list: Vec::new(),
            bus: Some(services.bus.clone()),
            signals: Vec::new(),
        }
    }

    /// Notifications of what the server itself did (the webhook worker): no actor to
    /// leave out.
    pub fn background(notifier: Notifier, public_url: String) -> Self {
        Self {
            actor: 0,
            public_url,
            notifier,
            list: Vec::new(),
            bus: None,
            signals: Vec::new(),
        }
    }

    /// Addresses `message` to each recipient once, leaving out the actor.
    pub(crate) fn tell(&mut self, recipients: impl IntoIterator<Item = i32>, message: Message) {
        let (kind, key) = message.about;
        let link = link(&self.public_url, kind, key);
        let text = format!("{}\n\n{link}\n", message.text);
        let mut told: Vec<i32> = recipients
            .into_iter()
            .filter(|person| *person != self.actor)
            .collect();
        told.sort_unstable();
        told.dedup();
        for recipient in told {
            self.list.push(Notification {
                recipient,
                kind: message.kind,
                subject: message.subject.clone(),
                text: text.clone(),
                about: kind.id(key),
                mentions: message.mentions.clone(),
            });
        }
    }

    /// Queues the notifications in the transaction and commits it, then tells the sender:
    /// nothing is sent for a change that did not commit, and nothing that committed is
    /// lost if this instance stops before sending (`queue`).
    pub async fn commit(self, txn: DatabaseTransaction) -> Result<(), DbErr> {
        let queued = queue::add(&txn, &self.list).await?;
        txn.commit().await?;
        self.notifier.dispatch(queued);
        if let Some(bus) = &self.bus {
            bus.publish_all(self.signals);
        }
        Ok(())
    }

    /// A signal for subscriptions, published once the change commits.
    pub fn signal(&mut self, signal: Signal) {
        self.signals.push(signal);
    }
}

/// `public_url/<type in kebab case>/<global id>`, e.g. `/practice/UHJhY3RpY2U6MTI`.
fn link(public_url: &str, kind: NodeKind, key: i32) -> String {
    let mut segment = String::new();
    for (i, c) in kind.name().chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            segment.push('-');
        }
        segment.push(c.to_ascii_lowercase());
    }
    format!("{public_url}/{segment}/{}", kind.id(key).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_the_type_in_kebab_case_and_the_global_id() {
        assert_eq!(
            link("https://trellis.example", NodeKind::CommunityMeeting, 7),
            format!(
                "https://trellis.example/community-meeting/{}",
                NodeKind::CommunityMeeting.id(7).as_str()
            )
        );
        assert!(
            link("https://t.example", NodeKind::Practice, 12)
                .starts_with("https://t.example/practice/")
        );
    }
}
