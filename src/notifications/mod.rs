//! Telling people what happened that concerns them: a practice to review, sent back or
//! approved, a request to join a community and its answer, a meeting scheduled, changed or
//! cancelled, support brokered, a school invited into an alliance.
//!
//! A mutation gathers its notifications in [`Notices`] inside its transaction (the wording
//! and who is told are in `messages`), then [`Notices::commit`] commits and only then hands
//! them to the [`Notifier`], which sends them off the request path (`sender`). So:
//! - a change that rolls back tells nobody;
//! - a slow or unreachable mail server never slows down or fails the mutation;
//! - the actor is never told of their own action;
//! - each recipient is checked when the email is sent: a disabled person gets nothing, and
//!   nor does anyone for whom `nodes(ids:)` would not answer every object the notification
//!   names (what it is about, and anything else its text names).
//!
//! Each notification is a typed value, [`Notification`], independent of how it travels:
//! email today, a person's inbox later, from the same values.

mod evaluations;
mod messages;
mod recipients;
mod sender;

use async_graphql::{Context, ID};
use sea_orm::{DatabaseTransaction, DbErr};

use crate::graphql::context::services;
use crate::graphql::ids::NodeKind;
pub use messages::MeetingChange;
pub use sender::{Notifier, Outbox, channel as sender_channel};

/// What a notification tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// A practice was submitted for review (to the school's approvers).
    PracticeSubmitted,
    /// A practice in review was sent back to draft (to its authors).
    PracticeSentBack,
    /// A practice in review was approved and published (to its authors).
    PracticeApproved,
    /// Someone asked to join a community (to its facilitators).
    CommunityJoinRequested,
    /// A request to join a community was approved (to the person who asked).
    CommunityJoinApproved,
    /// A request to join a community was declined (to the person who asked).
    CommunityJoinDeclined,
    /// A community meeting was scheduled (to the community's members).
    MeetingScheduled,
    /// A community meeting's time, place or details changed (to the members).
    MeetingChanged,
    /// A community meeting was cancelled (to the members).
    MeetingCancelled,
    /// Support was brokered for a request (to the parties of the arrangement).
    SupportBrokered,
    /// A school was invited into an alliance (to the school's leaders).
    AllianceInvitation,
    /// A webhook endpoint was disabled after failing for days (to its tenant's managers).
    WebhookEndpointDisabled,
    /// Attendance at an event was recorded: what will change? (to the person who attended).
    EvaluationDue,
    /// An event's impact follow-up is due: what changed? (to the person who attended).
    FollowUpDue,
}

/// One notification for one person.
#[derive(Debug, Clone)]
pub struct Notification {
    /// The person told.
    pub recipient: i32,
    pub kind: NotificationKind,
    pub subject: String,
    /// The message, ending with `link`.
    pub text: String,
    /// Where to see it: `TRELLIS_PUBLIC_URL/<type>/<global id>`.
    pub link: String,
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
}

/// What a notification says, before it is addressed.
struct Message {
    kind: NotificationKind,
    about: (NodeKind, i32),
    mentions: Vec<ID>,
    subject: String,
    text: String,
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
        }
    }

    /// Addresses `message` to each recipient once, leaving out the actor.
    fn tell(&mut self, recipients: impl IntoIterator<Item = i32>, message: Message) {
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
                link: link.clone(),
                about: kind.id(key),
                mentions: message.mentions.clone(),
            });
        }
    }

    /// Commits the transaction, then hands the notifications to the sender: nothing is
    /// sent for a change that did not commit.
    pub async fn commit(self, txn: DatabaseTransaction) -> Result<(), DbErr> {
        txn.commit().await?;
        self.notifier.dispatch(self.list);
        Ok(())
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
