//! Sending off the request path: once a change that queued notifications (`queue`) has
//! committed, the mutation tells the [`Notifier`]; one background task ([`Outbox`]) checks
//! each recipient, keeps the notification in the inbox as it takes it out of the queue,
//! and sends, one email at a time, through the one `Mailer`. A failure to send is logged
//! (never the body, which for an invitation holds its token) and does not stop the next.
//! The same task takes up, each retry period, what is still queued from before: what an
//! instance that stopped left behind, and what a failed recipient check kept.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::DataLoader;
use async_graphql::{ID, Request, Variables};
use chrono::Utc;
use entity::enums::PersonStatus;
use entity::person;
use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::sync::{mpsc, watch};

use super::queue::{self, Queued};
use super::{Notification, inbox};
use crate::auth::{Caller, Principal, SignedIn};
use crate::graphql::companion::Brought;
use crate::graphql::loaders::SqlLoader;
use crate::mail::{Email, Mailer};
use crate::realtime::{Bus, Signal};
use crate::schema::TrellisSchema;

/// Jobs waiting for the task, at most; past it, new ones are left to the retry round (a
/// change's notifications) or dropped and logged (an invitation, which can be sent
/// again), rather than held in memory while the mail server is down.
const QUEUE_CAPACITY: usize = 10_000;
/// How long a notification may stay queued, failing its recipient check, before it is
/// given up: telling it later would mislead more than it informs.
const GIVE_UP_AFTER: chrono::TimeDelta = chrono::TimeDelta::days(1);
/// How long one email may take to send before it is given up (and logged).
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// What the recipient must be able to read for a notification to reach them: every id it
/// names, answered by `nodes` exactly as it would answer them.
const SEES: &str = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";

enum Job {
    /// The notifications one change queued (their queue ids).
    Notify(Vec<i32>),
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
    /// Sends the notifications a change queued (their queue ids), once it has committed.
    pub fn dispatch(&self, queued: Vec<i32>) {
        if !queued.is_empty() {
            self.enqueue(Job::Notify(queued));
        }
    }

    /// Queues an email to an address, after the change it tells of has committed.
    pub fn mail(&self, email: Email) {
        self.enqueue(Job::Mail(email));
    }

    fn enqueue(&self, job: Job) {
        self.pending.send_modify(|n| *n += 1);
        if let Err(refused) = self.queue.try_send(job) {
            self.pending.send_modify(|n| *n -= 1);
            match refused.into_inner() {
                Job::Notify(_) => tracing::warn!(
                    "the sender is behind: a change's notifications wait for the retry round"
                ),
                Job::Mail(_) => {
                    tracing::error!("the email queue is full or closed: an email was dropped")
                }
            }
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
    /// Starts the background task on the current Tokio runtime. Every `retry` (the first
    /// time one period after start), it takes up the notifications queued more than a
    /// period ago and not yet delivered.
    pub fn start(
        self,
        schema: TrellisSchema,
        db: DatabaseConnection,
        mailer: Arc<dyn Mailer>,
        bus: Bus,
        retry: Duration,
    ) {
        let Outbox { mut jobs, pending } = self;
        let sender = Sender {
            schema,
            db,
            mailer,
            bus,
        };
        tokio::spawn(async move {
            let mut rounds = tokio::time::interval_at(tokio::time::Instant::now() + retry, retry);
            rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    job = jobs.recv() => {
                        let Some(job) = job else { break };
                        sender.run(job).await;
                        pending.send_modify(|n| *n -= 1);
                    }
                    _ = rounds.tick() => sender.retry(retry).await,
                }
            }
        });
    }
}

impl Sender {
    async fn run(&self, job: Job) {
        match job {
            Job::Mail(email) => self.send(email, "an invitation").await,
            Job::Notify(queued) => self.notify(&queued).await,
        }
    }

    /// Takes up what is still queued from more than a period ago, after giving up what
    /// has failed for a day.
    async fn retry(&self, period: Duration) {
        let now = Utc::now();
        match queue::give_up(&self.db, now - GIVE_UP_AFTER).await {
            Ok(0) => {}
            Ok(removed) => tracing::error!(
                removed,
                "notifications given up: their recipients could not be checked for a day"
            ),
            Err(error) => tracing::error!(error = %error, "could not give up old notifications"),
        }
        let before = now - chrono::TimeDelta::from_std(period).unwrap_or(GIVE_UP_AFTER);
        match queue::left_behind(&self.db, before).await {
            Ok(queued) if queued.is_empty() => {}
            Ok(queued) => {
                tracing::info!(count = queued.len(), "delivering notifications left queued");
                self.notify(&queued).await;
            }
            Err(error) => tracing::error!(error = %error, "could not read the notification queue"),
        }
    }

    /// Delivers the notifications `ids` that are still queued, one at a time: each
    /// recipient is checked just before their notification goes (a removal while an email
    /// before it was being sent still counts), then gets it in their inbox (and
    /// `notificationAdded`), then by email unless they turned that type's email off. One
    /// whose recipient may not be told leaves the queue untold; one whose check failed
    /// stays for the retry round.
    async fn notify(&self, ids: &[i32]) {
        let queued = match queue::read(&self.db, ids).await {
            Ok(queued) => queued,
            Err(error) => {
                tracing::error!(error = %error, "could not read queued notifications");
                return;
            }
        };
        let mut untold = Vec::new();
        for told in &queued {
            let Queued { id, notification } = told;
            match self.address(notification).await {
                Ok(Some(to)) => self.deliver(told, to).await,
                Ok(None) => {
                    tracing::debug!(
                        kind = ?notification.kind,
                        recipient = notification.recipient,
                        "notification not sent: the recipient is disabled or may not see what it is about"
                    );
                    untold.push(*id);
                }
                Err(error) => tracing::error!(
                    kind = ?notification.kind,
                    recipient = notification.recipient,
                    error = %error,
                    "could not check a notification's recipient; it stays queued"
                ),
            }
        }
        if let Err(error) = queue::drop_untold(&self.db, untold).await {
            tracing::error!(error = %error, "could not remove untold notifications from the queue");
        }
    }

    /// Keeps a notification in its recipient's inbox as it takes it out of the queue, then
    /// emails it: nothing when another instance took it first.
    async fn deliver(&self, told: &Queued, to: String) {
        let notification = &told.notification;
        match queue::deliver(&self.db, told).await {
            Ok(Some(kept)) => {
                self.bus.publish(Signal::Notification {
                    person: kept.person_id,
                    notification: kept.id,
                });
                self.email(notification, to).await;
            }
            Ok(None) => {}
            Err(error) => tracing::error!(
                kind = ?notification.kind,
                recipient = notification.recipient,
                error = %error,
                "could not keep a notification in the inbox; it stays queued"
            ),
        }
    }

    /// Emails a notification kept in the inbox, unless its recipient turned that type's
    /// email off.
    async fn email(&self, notification: &Notification, to: String) {
        let (recipient, kind) = (notification.recipient, notification.kind);
        match inbox::wants_email(&self.db, recipient, kind).await {
            Ok(true) => {
                let email = Email {
                    to,
                    subject: notification.subject.clone(),
                    body: notification.text.clone(),
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
