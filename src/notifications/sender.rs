//! Sending off the request path: mutations put what is to be sent on a queue once they have
//! committed ([`Notifier`]); one background task ([`Outbox`]) checks each recipient and
//! sends, one email at a time, through the one `Mailer`. A failure to send is logged (never
//! the body, which for an invitation holds its token) and does not stop the next.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::DataLoader;
use async_graphql::{ID, Request, Variables};
use entity::enums::PersonStatus;
use entity::person;
use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::sync::{mpsc, watch};

use super::{Notification, inbox};
use crate::auth::{Caller, Principal, SignedIn};
use crate::graphql::companion::Brought;
use crate::graphql::loaders::SqlLoader;
use crate::mail::{Email, Mailer};
use crate::realtime::{Bus, Signal};
use crate::schema::TrellisSchema;

/// Emails waiting to be sent, at most; past it, new ones are dropped (and logged) rather
/// than held in memory while the mail server is down.
const QUEUE_CAPACITY: usize = 10_000;
/// How long one email may take to send before it is given up (and logged).
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// What the recipient must be able to read for a notification to reach them: every id it
/// names, answered by `nodes` exactly as it would answer them.
const SEES: &str = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";

enum Job {
    Notify(Notification),
    /// An email to an address rather than a person: an invitation, whose recipient may have
    /// no account yet.
    Mail(Email),
}

/// Puts what is to be sent on the queue. Cheap to clone.
#[derive(Clone)]
pub struct Notifier {
    queue: mpsc::Sender<Job>,
    /// Jobs queued and not yet done.
    pending: Arc<watch::Sender<usize>>,
}

/// The sending end: started once, as a background task.
pub struct Outbox {
    jobs: mpsc::Receiver<Job>,
    pending: Arc<watch::Sender<usize>>,
}

/// A queue, and the task that empties it (started with [`Outbox::start`]).
pub fn channel() -> (Notifier, Outbox) {
    let (queue, jobs) = mpsc::channel(QUEUE_CAPACITY);
    let pending = Arc::new(watch::Sender::new(0));
    (
        Notifier {
            queue,
            pending: pending.clone(),
        },
        Outbox { jobs, pending },
    )
}

impl Notifier {
    /// Queues notifications of a change that has committed.
    pub fn dispatch(&self, notifications: Vec<Notification>) {
        for notification in notifications {
            self.enqueue(Job::Notify(notification));
        }
    }

    /// Queues an email to an address, after the change it tells of has committed.
    pub fn mail(&self, email: Email) {
        self.enqueue(Job::Mail(email));
    }

    fn enqueue(&self, job: Job) {
        self.pending.send_modify(|n| *n += 1);
        if self.queue.try_send(job).is_err() {
            self.pending.send_modify(|n| *n -= 1);
            tracing::error!("the email queue is full or closed: an email was dropped");
        }
    }

    /// Waits until everything queued so far has been sent (or given up). Tests wait on it
    /// before reading what was sent; the server, before it stops.
    pub async fn settled(&self) {
        let mut pending = self.pending.subscribe();
        // The sender lives as long as `self`: waiting cannot fail.
        let _ = pending.wait_for(|n| *n == 0).await;
    }
}

/// What the background task needs to check recipients and send.
struct Sender {
    schema: TrellisSchema,
    db: DatabaseConnection,
    mailer: Arc<dyn Mailer>,
    bus: Bus,
}

impl Outbox {
    /// Starts the background task on the current Tokio runtime.
    pub fn start(
        self,
        schema: TrellisSchema,
        db: DatabaseConnection,
        mailer: Arc<dyn Mailer>,
        bus: Bus,
    ) {
        let Outbox { mut jobs, pending } = self;
        let sender = Sender {
            schema,
            db,
            mailer,
            bus,
        };
        tokio::spawn(async move {
            while let Some(job) = jobs.recv().await {
                sender.run(job).await;
                pending.send_modify(|n| *n -= 1);
            }
        });
    }
}

impl Sender {
    async fn run(&self, job: Job) {
        match job {
            Job::Mail(email) => self.send(email, "an invitation").await,
            Job::Notify(notification) => match self.address(&notification).await {
                Ok(Some(to)) => self.deliver(notification, to).await,
                Ok(None) => tracing::debug!(
                    kind = ?notification.kind,
                    recipient = notification.recipient,
                    "notification not sent: the recipient is disabled or may not see what it is about"
                ),
                Err(error) => tracing::error!(
                    kind = ?notification.kind,
                    recipient = notification.recipient,
                    error = %error,
                    "could not check a notification's recipient"
                ),
            },
        }
    }

    /// Keeps the notification in the recipient's inbox (and tells `notificationAdded`),
    /// then emails it unless they turned that type's email off.
    async fn deliver(&self, notification: Notification, to: String) {
        let (recipient, kind) = (notification.recipient, notification.kind);
        match inbox::keep(&self.db, &notification).await {
            Ok(id) => self.bus.publish(Signal::Notification {
                person: recipient,
                notification: id,
            }),
            Err(error) => tracing::error!(
                ?kind,
                recipient,
                error = %error,
                "could not keep a notification in the inbox"
            ),
        }
        match inbox::wants_email(&self.db, recipient, kind).await {
            Ok(true) => {
                let email = Email {
                    to,
                    subject: notification.subject,
                    body: notification.text,
                };
                self.send(email, "a notification").await;
            }
            Ok(false) => tracing::debug!(?kind, recipient, "email of this type turned off"),
            Err(error) => tracing::error!(
                ?kind,
                recipient,
                error = %error,
                "could not read a notification preference"
            ),
        }
    }

    async fn send(&self, email: Email, what: &str) {
        match tokio::time::timeout(SEND_TIMEOUT, self.mailer.send(email)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::error!(error = %error, "could not send {what} email"),
            Err(_) => tracing::error!(?SEND_TIMEOUT, "sending {what} email timed out"),
        }
    }

    /// The recipient's address, when they are active and see everything the notification
    /// names; `None` otherwise.
    async fn address(&self, notification: &Notification) -> anyhow::Result<Option<String>> {
        let Some(person) = person::Entity::find_by_id(notification.recipient)
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if person.status != PersonStatus::Active {
            return Ok(None);
        }
        let mut ids = vec![notification.about.clone()];
        ids.extend(notification.mentions.iter().cloned());
        Ok(self.sees(&person, &ids).await?.then_some(person.email))
    }

    /// Whether `nodes(ids:)`, asked by `person`, answers every id.
    async fn sees(&self, person: &person::Model, ids: &[ID]) -> anyhow::Result<bool> {
        let principal = Principal::Person(SignedIn {
            person_id: person.id,
            is_platform_admin: person.is_platform_admin,
            session_family: String::new(),
        });
        let loader = Arc::new(DataLoader::new(
            SqlLoader {
                db: self.db.clone(),
                brought: Brought::new(false),
            },
            tokio::spawn,
        ));
        let request = Request::new(SEES)
            .variables(Variables::from_json(serde_json::json!({ "ids": ids })))
            .data(Caller::new(principal, String::new()))
            .data(loader);
        let response = self.schema.execute(request).await;
        if let Some(error) = response.errors.first() {
            anyhow::bail!("nodes answered an error: {}", error.message);
        }
        let data = response.data.into_json()?;
        Ok(data["nodes"]
            .as_array()
            .is_some_and(|nodes| nodes.len() == ids.len() && nodes.iter().all(|n| !n.is_null())))
    }
}
