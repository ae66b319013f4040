//! More than one instance over one database: what instances tell each other, and what
//! they share.
//!
//! - [`notify`]: PostgreSQL's `LISTEN`/`NOTIFY`, a listener on a connection of its own
//!   that reconnects by itself, and [`Fanout`], which tags what an instance sends so
//!   that its own messages can be told from the others'. On SQLite (one instance by
//!   nature) nothing is sent and nothing heard.
//! - [`jobs`]: a scheduled job runs on one instance per interval, whichever gets there
//!   first.
//! - [`channels`]: the channels in use, each with what its payload holds (ids only).
//!
//! The rate limits' shared store is `auth::rate_limit`; the trusted proxies that decide
//! the client's address, `http::client_ip`; the migration lock, `db::migrate`.

pub mod jobs;
pub mod notify;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::postgres::{PgPool, PgPoolOptions};

pub use notify::{Fanout, Heard, Listener, ListenerStatus};

/// The channels instances talk on. A payload is at most [`notify::MAX_PAYLOAD_BYTES`]
/// and carries ids only: whoever hears it reloads what it needs, through the policy.
pub mod channels {
    /// A write committed: every instance forgets the callers' sessions and access scopes
    /// it remembers (`auth::cache`). Payload: empty.
    pub const CALLERS: &str = "trellis_callers";
    /// Realtime events for subscribers on other instances (the realtime bus's relay).
    /// Payload: the event's kind and ids, as the bus serialises them.
    pub const EVENTS: &str = "trellis_events";

    /// Every channel the listener listens on from the start.
    pub const ALL: &[&str] = &[CALLERS, EVENTS];
}

/// Connections of the pool the cluster's statements run on (rate-limit checks,
/// notifications, job claims): their own, so that they never wait behind requests and are
/// not counted with the requests' statements (`trellis_sql_statements_total`).
const POOL_SIZE: u32 = 4;

/// How long a rate-limit check or a notification waits for one of those connections
/// before it gives up (and the rate limit falls back to this instance's count).
const ACQUIRE_TIMEOUT: Duration = Duration::from_millis(500);

/// A small pool of its own on PostgreSQL, opened lazily (no connection until the first
/// statement); `None` on SQLite, where one instance is all there is.
pub fn pool(database_url: &str) -> Option<PgPool> {
    if !is_postgres(database_url) {
        return None;
    }
    match PgPoolOptions::new()
        .max_connections(POOL_SIZE)
        .min_connections(0)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_lazy(database_url)
    {
        Ok(pool) => Some(pool),
        Err(error) => {
            tracing::error!(error = %error, "the cluster pool's database URL does not parse");
            None
        }
    }
}

/// Whether `database_url` names a PostgreSQL database.
pub fn is_postgres(database_url: &str) -> bool {
    database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")
}

/// What this instance shares with the others: the pool its cluster statements use and
/// the fan-out of notifications. Cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    pub pool: Option<PgPool>,
    pub fanout: Arc<Fanout>,
}

impl Cluster {
    /// Starts listening (on PostgreSQL) on every channel in [`channels::ALL`].
    pub fn start(database_url: &str) -> Self {
        let pool = pool(database_url);
        let listener = Listener::start(database_url, channels::ALL);
        Self {
            fanout: Arc::new(Fanout::new(pool.clone(), listener)),
            pool,
        }
    }
}
