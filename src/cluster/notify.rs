//! PostgreSQL's `LISTEN`/`NOTIFY` between instances.
//!
//! [`Listener`] holds one connection of its own (sqlx's `PgListener`), listening on a
//! fixed set of channels, and hands every notification to whoever subscribed (a Tokio
//! broadcast). When the connection drops it connects again, with back-off, and then says
//! [`Heard::Missed`]: notifications sent while it was away are lost, as PostgreSQL does
//! not keep them, so whatever was built from them is rebuilt.
//!
//! [`Fanout`] sends on behalf of this instance: each payload is tagged with the instance's
//! id, and [`Fanout::on_others`] hands a callback only what the other instances sent.
//!
//! On SQLite, one instance by nature, nothing is sent and nothing is heard.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use sea_orm::sqlx::postgres::{PgListener, PgPool};
use sea_orm::sqlx::{self};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use super::is_postgres;

/// The longest payload PostgreSQL takes (less than 8000 bytes): enough for ids, never for
/// the objects themselves.
pub const MAX_PAYLOAD_BYTES: usize = 7999;

/// The first wait before connecting again, doubled after each failure up to `MAX_WAIT`.
const MIN_WAIT: Duration = Duration::from_millis(250);
const MAX_WAIT: Duration = Duration::from_secs(5);

/// Notifications kept for a subscriber that is slow to take them; past that, it is told
/// [`Heard::Missed`].
const BACKLOG: usize = 1024;

/// What a listener hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// A notification on `channel`, with its payload as sent.
    Message { channel: String, payload: String },
    /// Notifications may have been lost (the connection dropped and is back, or a
    /// subscriber fell too far behind): whatever was built from them must be rebuilt.
    Missed,
}

/// Why a notification was not sent.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("a notification's payload is {0} bytes, more than PostgreSQL takes")]
    TooLarge(usize),
    #[error("the notification could not be sent: {0}")]
    Database(#[from] sqlx::Error),
}

/// Sends `payload` to every listener of `channel`, on every instance (this one included),
/// at once: from the cluster's pool, outside any transaction.
pub async fn notify(pool: &PgPool, channel: &str, payload: &str) -> Result<(), NotifyError> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(NotifyError::TooLarge(payload.len()));
    }
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(payload)
        .execute(pool)
        .await?;
    Ok(())
}

/// Sends `payload` on `channel` from inside a transaction: PostgreSQL delivers it when the
/// transaction commits, and never if it rolls back. Nothing on SQLite.
pub async fn notify_on_commit(
    txn: &impl ConnectionTrait,
    channel: &str,
    payload: &str,
) -> Result<(), DbErr> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(DbErr::Custom(
            NotifyError::TooLarge(payload.len()).to_string(),
        ));
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [channel.into(), payload.into()],
    ))
    .await?;
    Ok(())
}

/// Whether the listener hears what other instances send, for `/readyz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerStatus {
    /// SQLite: there are no other instances.
    NotNeeded,
    /// Connected and listening.
    Listening,
    /// Not connected (yet, or again): changes on other instances are seen only when the
    /// caches' time to live runs out.
    Reconnecting,
}

impl ListenerStatus {
    fn from_u8(value: u8) -> Self {
        match value {
            0 => Self::NotNeeded,
            1 => Self::Listening,
            _ => Self::Reconnecting,
        }
    }

    /// In a few words, for `/readyz`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::NotNeeded => "single instance (SQLite)",
            Self::Listening => "listening",
            Self::Reconnecting => {
                "reconnecting: changes on other instances are seen when caches expire"
            }
        }
    }
}

/// A task listening on a fixed set of channels; see the module's documentation. Stops
/// when dropped.
pub struct Listener {
    sender: broadcast::Sender<Heard>,
    status: Arc<AtomicU8>,
    task: Option<JoinHandle<()>>,
}

impl Listener {
    /// Starts listening on `channels` (on PostgreSQL; on SQLite it never hears anything).
    pub fn start(database_url: &str, channels: &[&str]) -> Self {
        let (sender, _) = broadcast::channel(BACKLOG);
        if !is_postgres(database_url) {
            return Self {
                sender,
                status: Arc::new(AtomicU8::new(0)),
                task: None,
            };
        }
        let status = Arc::new(AtomicU8::new(2));
        let task = tokio::spawn(listen(
            database_url.to_owned(),
            channels.iter().map(|&channel| channel.to_owned()).collect(),
            sender.clone(),
            status.clone(),
        ));
        Self {
            sender,
            status,
            task: Some(task),
        }
    }

    /// Everything heard from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Heard> {
        self.sender.subscribe()
    }

    pub fn status(&self) -> ListenerStatus {
        ListenerStatus::from_u8(self.status.load(Ordering::Relaxed))
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn listen(
    url: String,
    channels: Vec<String>,
    sender: broadcast::Sender<Heard>,
    status: Arc<AtomicU8>,
) {
    let channels: Vec<&str> = channels.iter().map(String::as_str).collect();
    let mut wait = MIN_WAIT;
    let mut connected_before = false;
    loop {
        match connect(&url, &channels).await {
            Ok(mut listener) => {
                status.store(1, Ordering::Relaxed);
                if connected_before {
                    tracing::info!("listening to other instances again");
                    // Listening again before saying so: anything rebuilt from now on
                    // hears of later changes.
                    let _ = sender.send(Heard::Missed);
                }
                connected_before = true;
                wait = MIN_WAIT;
                let lost = loop {
                    match listener.try_recv().await {
                        Ok(Some(notification)) => {
                            let _ = sender.send(Heard::Message {
                                channel: notification.channel().to_owned(),
                                payload: notification.payload().to_owned(),
                            });
                        }
                        Ok(None) => break "the connection was lost".to_owned(),
                        Err(error) => break error.to_string(),
                    }
                };
                status.store(2, Ordering::Relaxed);
                tracing::warn!(
                    error = %lost,
                    "stopped listening to other instances; connecting again"
                );
            }
            Err(error) => {
                tracing::debug!(error = %error, "could not listen to other instances");
            }
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_WAIT);
    }
}

async fn connect(url: &str, channels: &[&str]) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    // A lost connection is reported at once (`Ok(None)`), and a new listener made.
    listener.eager_reconnect(false);
    listener.listen_all(channels.iter().copied()).await?;
    Ok(listener)
}

/// Sends on behalf of this instance and hears the others; see the module's documentation.
pub struct Fanout {
    /// This instance's id, before every payload it sends.
    instance: String,
    pool: Option<PgPool>,
    listener: Listener,
}

/// The id's length and the space after it.
const TAG_BYTES: usize = 13;

impl Fanout {
    pub fn new(pool: Option<PgPool>, listener: Listener) -> Self {
        let instance = uuid::Uuid::new_v4().simple().to_string()[..TAG_BYTES - 1].to_owned();
        Self {
            instance,
            pool,
            listener,
        }
    }

    /// This instance's id (random, new at each start).
    pub fn instance(&self) -> &str {
        &self.instance
    }

    pub fn status(&self) -> ListenerStatus {
        self.listener.status()
    }

    /// Sends `payload` (ids only, at most [`MAX_PAYLOAD_BYTES`] less 13) on `channel` to
    /// the other instances. Nothing on SQLite.
    pub async fn publish(&self, channel: &str, payload: &str) -> Result<(), NotifyError> {
        let Some(pool) = &self.pool else {
            return Ok(());
        };
        if payload.len() + TAG_BYTES > MAX_PAYLOAD_BYTES {
            return Err(NotifyError::TooLarge(payload.len()));
        }
        notify(pool, channel, &format!("{} {payload}", self.instance)).await
    }

    /// [`Fanout::publish`] in the background, for a caller that cannot wait (a
    /// synchronous hook such as the realtime bus's relay); a failure is logged.
    pub fn publish_soon(self: &Arc<Self>, channel: &'static str, payload: String) {
        if self.pool.is_none() {
            return;
        }
        let fanout = self.clone();
        tokio::spawn(async move {
            if let Err(error) = fanout.publish(channel, &payload).await {
                tracing::warn!(error = %error, channel, "could not tell the other instances");
            }
        });
    }

    /// Calls `handle` with what other instances send on `channel` (the payload as they
    /// passed it to `publish`), and with [`Heard::Missed`] whenever some of it may have
    /// been lost. Runs until the fan-out is dropped.
    pub fn on_others(
        &self,
        channel: &'static str,
        mut handle: impl FnMut(Heard) + Send + 'static,
    ) -> JoinHandle<()> {
        let mut heard = self.listener.subscribe();
        let own = format!("{} ", self.instance);
        tokio::spawn(async move {
            loop {
                match heard.recv().await {
                    Ok(Heard::Message {
                        channel: on,
                        payload,
                    }) if on == channel => {
                        if payload.starts_with(&own) {
                            continue;
                        }
                        let payload = payload.get(TAG_BYTES..).unwrap_or_default().to_owned();
                        handle(Heard::Message {
                            channel: on,
                            payload,
                        });
                    }
                    Ok(Heard::Message { .. }) => {}
                    Ok(Heard::Missed) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        handle(Heard::Missed);
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        })
    }
}
