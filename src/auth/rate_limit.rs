//! Limits on sign-in attempts, per email address and per client IP address; and on
//! requests to `/graphql`, per principal (a person, a service account, or the client
//! address of an anonymous caller).
//!
//! Every limit is a GCRA (the "generic cell rate algorithm"): `n` per minute, as a burst
//! of `n` that comes back one every minute / `n`. Where the state lives ([`Store`]):
//! - in Redis when `--redis-url` is set, shared by every instance (one Lua script per
//!   check, atomic, by Redis's clock);
//! - otherwise in PostgreSQL when that is the database, shared too (one upsert per check
//!   on `rate_limit_cell`, by the database's clock);
//! - otherwise (SQLite, one instance) in this process (`governor`).
//!
//! When the shared store cannot be reached, checks fall back to this process's own count
//! (limits then hold per instance), say so once in the log and in `/readyz`, and try the
//! store again after [`RETRY_SHARED`]. The answers are the same whichever store decided.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::middleware::{StateInformationMiddleware, StateSnapshot};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sea_orm::sqlx::{self, postgres::PgPool};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use super::Principal;
use crate::errors::ApiError;

/// Attempts per key, telling what is left after each.
type Local =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// What is left of the tighter limit after an attempt: the `RateLimit-Limit`,
/// `RateLimit-Remaining` and `RateLimit-Reset` headers of the IETF's rate-limit fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the whole limit is available again.
    pub reset_secs: u64,
}

impl Allowance {
    /// Each spent attempt comes back one replenish interval after the one before.
    fn new(limit: u32, remaining: u32, interval: Duration) -> Self {
        let reset = interval * limit.saturating_sub(remaining);
        Self {
            limit,
            remaining,
            reset_secs: whole_secs(reset),
        }
    }
}

impl From<StateSnapshot> for Allowance {
    fn from(state: StateSnapshot) -> Self {
        let quota = state.quota();
        Self::new(
            quota.burst_size().get(),
            state.remaining_burst_capacity(),
            quota.replenish_interval(),
        )
    }
}

/// Seconds, rounded up.
fn whole_secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

/// A quota of `limit` per minute, as the GCRA counts it, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Gcra {
    limit: u32,
    /// The replenish interval: a minute / `limit`.
    interval_us: i64,
}

impl Gcra {
    fn per_minute(limit: u32) -> Self {
        let limit = limit.max(1);
        Self {
            limit,
            interval_us: (60_000_000 / i64::from(limit)).max(1),
        }
    }

    /// How far ahead of now the "theoretical arrival time" may be and still allow one
    /// more: the burst less one interval.
    fn tolerance_us(self) -> i64 {
        self.interval_us * (i64::from(self.limit) - 1)
    }

    /// The answer, from whether the store allowed the attempt and how far the stored
    /// time is ahead of now (after the attempt when allowed): what is left, or how many
    /// seconds until the next attempt is allowed.
    fn decision(self, allowed: bool, ahead_us: i64) -> Result<Allowance, u64> {
        let interval = Duration::from_micros(self.interval_us.unsigned_abs());
        if allowed {
            let burst = self.interval_us * i64::from(self.limit);
            let left = (burst - ahead_us).clamp(0, burst) / self.interval_us;
            Ok(Allowance::new(
                self.limit,
                u32::try_from(left).unwrap_or(0),
                interval,
            ))
        } else {
            let wait = (ahead_us - self.tolerance_us()).max(0);
            Err(whole_secs(Duration::from_micros(wait.unsigned_abs())))
        }
    }

    /// The same decision made in this process, on the state `governor` keeps.
    fn locally(local: &Local, key: String) -> Result<Allowance, u64> {
        local
            .check_key(&key)
            .map(Allowance::from)
            .map_err(|not_until| {
                whole_secs(not_until.wait_time_from(DefaultClock::default().now()))
            })
    }
}

/// How long after the shared store failed checks stay in this process before trying it
/// again.
pub const RETRY_SHARED: Duration = Duration::from_secs(5);

/// How long Redis may take to connect or to answer a check before it counts as down.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);

/// One atomic GCRA step in Redis, by Redis's clock: KEYS[1] the key, ARGV[1] the interval
/// and ARGV[2] the tolerance, in microseconds. Returns whether it allowed the attempt
/// and how far the stored time is then ahead of now.
const REDIS_SCRIPT: &str = r"
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if now < tat - tolerance then
  return {0, tat - now}
end
local next = math.max(tat, now) + interval
redis.call('SET', KEYS[1], string.format('%d', next), 'PX', math.ceil((next - now) / 1000))
return {1, next - now}
";

/// The same step as one statement in PostgreSQL, by the database's clock: $1 the key, $2
/// the interval, $3 the tolerance. Every expression of the update reads the row as it was.
const POSTGRES_STATEMENT: &str = "
INSERT INTO rate_limit_cell AS cell (key, tat_us, allowed)
VALUES ($1, (extract(epoch FROM now()) * 1000000)::bigint + $2, true)
ON CONFLICT (key) DO UPDATE SET
    allowed = (extract(epoch FROM now()) * 1000000)::bigint >= cell.tat_us - $3,
    tat_us = CASE
        WHEN (extract(epoch FROM now()) * 1000000)::bigint >= cell.tat_us - $3
        THEN greatest(cell.tat_us, (extract(epoch FROM now()) * 1000000)::bigint) + $2
        ELSE cell.tat_us
    END
RETURNING allowed, tat_us - (extract(epoch FROM now()) * 1000000)::bigint";

/// Cells whose time has passed hold nothing an absent cell would not: removed by a
/// scheduled job (`cluster::jobs`).
const POSTGRES_CLEAN_UP: &str =
    "DELETE FROM rate_limit_cell WHERE tat_us < (extract(epoch FROM now()) * 1000000)::bigint";

/// How often spent cells are removed from PostgreSQL.
pub const CLEAN_UP_EVERY: Duration = Duration::from_secs(600);

enum Shared {
    InProcess,
    Redis {
        connection: ConnectionManager,
        script: redis::Script,
        /// Where the deployment's id is read, the first time it is needed.
        db: DatabaseConnection,
        /// `trellis:rate:<deployment>:`, once read: two deployments sharing a Redis
        /// never share a count.
        prefix: OnceCell<String>,
    },
    Postgres(PgPool),
}

/// Where the limits' state lives; see the module's documentation. Cheap to clone.
#[derive(Clone)]
pub struct Store(Arc<StoreState>);

struct StoreState {
    shared: Shared,
    /// Whether the last try of the shared store failed.
    failing: AtomicBool,
    /// While failing: when to try the store again.
    retry_at: Mutex<Option<Instant>>,
}

impl Default for Store {
    fn default() -> Self {
        Self::new(Shared::InProcess)
    }
}

impl Store {
    fn new(shared: Shared) -> Self {
        Self(Arc::new(StoreState {
            shared,
            failing: AtomicBool::new(false),
            retry_at: Mutex::new(None),
        }))
    }

    /// Redis when `redis_url` is given, else PostgreSQL when `postgres` is (the cluster's
    /// pool), else this process. Connects to Redis lazily: a Redis that is down at start
    /// is a Redis that is down (see the module's documentation), not a reason to stop.
    pub fn choose(
        redis_url: Option<&SecretString>,
        postgres: Option<PgPool>,
        db: &DatabaseConnection,
    ) -> Self {
        if let Some(url) = redis_url {
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(REDIS_TIMEOUT))
                .set_response_timeout(Some(REDIS_TIMEOUT))
                .set_number_of_retries(1)
                .set_max_delay(RETRY_SHARED);
            let connection = redis::Client::open(url.expose_secret())
                .and_then(|client| ConnectionManager::new_lazy_with_config(client, config));
            match connection {
                Ok(connection) => {
                    return Self::new(Shared::Redis {
                        connection,
                        script: redis::Script::new(REDIS_SCRIPT),
                        db: db.clone(),
                        prefix: OnceCell::new(),
                    });
                }
                // `config::redis_url` checked it at start.
                Err(_) => tracing::error!("TRELLIS_REDIS_URL is not a Redis URL"),
            }
        }
        Self::new(match postgres {
            Some(pool) => Shared::Postgres(pool),
            None => Shared::InProcess,
        })
    }

    /// Where the limits are kept, in a few words, for `/readyz` and the log.
    pub fn describe(&self) -> &'static str {
        let failing = self.0.failing.load(Ordering::Relaxed);
        match (&self.0.shared, failing) {
            (Shared::InProcess, _) => "per instance (SQLite)",
            (Shared::Redis { .. }, false) => "shared in Redis",
            (Shared::Redis { .. }, true) => {
                "per instance: Redis cannot be reached, limits are counted by each instance"
            }
            (Shared::Postgres(_), false) => "shared in PostgreSQL",
            (Shared::Postgres(_), true) => {
                "per instance: PostgreSQL cannot be reached, limits are counted by each instance"
            }
        }
    }

    /// Whether the limits are counted per instance because the shared store is down.
    pub fn is_degraded(&self) -> bool {
        self.0.failing.load(Ordering::Relaxed)
    }

    /// Removes spent cells now and then (PostgreSQL only; Redis expires its own keys).
    pub fn clean_up_now_and_then(&self, pool: Option<PgPool>) {
        let Shared::Postgres(cells) = &self.0.shared else {
            return;
        };
        let cells = cells.clone();
        crate::cluster::jobs::every(pool, "rate-limit-clean-up", CLEAN_UP_EVERY, move || {
            let cells = cells.clone();
            async move {
                if let Err(error) = sqlx::query(POSTGRES_CLEAN_UP).execute(&cells).await {
                    tracing::warn!(error = %error, "could not remove spent rate-limit cells");
                }
            }
        });
    }

    /// The shared store's decision for one attempt under `key` of the limit `name`, or
    /// `None` when it is to be made in this process (no shared store, or it is down).
    async fn decide(&self, name: &str, key: &str, quota: Gcra) -> Option<Result<Allowance, u64>> {
        if matches!(self.0.shared, Shared::InProcess) || self.waiting_to_retry() {
            return None;
        }
        let cell = cell_key(name, key);
        let answer: Result<(bool, i64), String> = match &self.0.shared {
            Shared::InProcess => return None,
            Shared::Redis {
                connection,
                script,
                db,
                prefix,
            } => {
                let mut connection = connection.clone();
                let check = async {
                    let prefix = prefix.get_or_try_init(|| deployment_prefix(db)).await?;
                    script
                        .key(format!("{prefix}{cell}"))
                        .arg(quota.interval_us)
                        .arg(quota.tolerance_us())
                        .invoke_async::<(i64, i64)>(&mut connection)
                        .await
                        .map_err(|error| error.to_string())
                };
                match tokio::time::timeout(REDIS_TIMEOUT * 2, check).await {
                    Ok(Ok((allowed, ahead))) => Ok((allowed == 1, ahead)),
                    Ok(Err(error)) => Err(error),
                    Err(_) => Err("Redis did not answer in time".to_owned()),
                }
            }
            Shared::Postgres(pool) => sqlx::query_as::<_, (bool, i64)>(POSTGRES_STATEMENT)
                .bind(cell)
                .bind(quota.interval_us)
                .bind(quota.tolerance_us())
                .fetch_one(pool)
                .await
                .map_err(|error| error.to_string()),
        };
        match answer {
            Ok((allowed, ahead)) => {
                if self.0.failing.swap(false, Ordering::Relaxed) {
                    tracing::info!(store = self.describe(), "rate limits are shared again");
                }
                Some(quota.decision(allowed, ahead))
            }
            Err(error) => {
                *self.0.retry_at.lock().expect("retry lock") = Some(Instant::now() + RETRY_SHARED);
                if !self.0.failing.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        error = %error,
                        "the rate limits' shared store cannot be reached: each instance counts its own until it is back"
                    );
                }
                None
            }
        }
    }

    /// While failing, whether it is too soon to try the shared store again.
    fn waiting_to_retry(&self) -> bool {
        if !self.0.failing.load(Ordering::Relaxed) {
            return false;
        }
        let retry_at = self.0.retry_at.lock().expect("retry lock");
        retry_at.is_some_and(|at| Instant::now() < at)
    }
}

/// The beginning of this deployment's keys in Redis, from its database's id.
async fn deployment_prefix(db: &DatabaseConnection) -> Result<String, String> {
    let id = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM cluster_deployment",
        ))
        .await
        .and_then(|row| row.ok_or_else(|| DbErr::RecordNotFound("cluster_deployment".into())))
        .and_then(|row| row.try_get_by_index::<String>(0))
        .map_err(|error| error.to_string())?;
    Ok(format!("trellis:rate:{id}:"))
}

/// The key of a cell: a hash of the limit's name and the key, so that no email or address
/// is written to the store.
fn cell_key(name: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("{name}\n{key}").as_bytes());
    hex::encode(&digest[..16])
}

/// One limit: `limit` per minute per key, decided by the store, or here.
#[derive(Clone)]
struct Limit {
    name: &'static str,
    quota: Gcra,
    local: Arc<Local>,
    store: Store,
}

impl Limit {
    fn new(name: &'static str, per_minute: u32, store: Store) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute.max(1)).expect("at least one"));
        Self {
            name,
            quota: Gcra::per_minute(per_minute),
            local: Arc::new(
                RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            ),
            store,
        }
    }

    /// Counts one attempt under `key`: what is left, or how many seconds until the next
    /// one is allowed.
    async fn count(&self, key: String) -> Result<Allowance, u64> {
        match self.store.decide(self.name, &key, self.quota).await {
            Some(decision) => decision,
            None => Gcra::locally(&self.local, key),
        }
    }
}

/// A request refused by `RequestLimiter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub limit: u32,
    pub retry_after_secs: u64,
}

/// Requests to `/graphql` per principal, each kind with its own quota per minute (0: no
/// limit): signed-in people and service accounts by their id, anonymous callers by their
/// client address.
#[derive(Clone)]
pub struct RequestLimiter {
    signed_in: Option<Limit>,
    anonymous: Option<Limit>,
}

impl RequestLimiter {
    /// Counted in this process.
    pub fn new(signed_in_per_minute: u32, anonymous_per_minute: u32) -> Self {
        Self::sharing(signed_in_per_minute, anonymous_per_minute, Store::default())
    }

    /// Counted in `store`.
    pub fn sharing(signed_in_per_minute: u32, anonymous_per_minute: u32, store: Store) -> Self {
        let limit = |name, n: u32| (n > 0).then(|| Limit::new(name, n, store.clone()));
        Self {
            signed_in: limit("requests-signed-in", signed_in_per_minute),
            anonymous: limit("requests-anonymous", anonymous_per_minute),
        }
    }

    /// Counts one request of `principal` (from `ip`): what is left of its quota (`None`
    /// when its kind has no limit), or its refusal.
    pub async fn request(
        &self,
        principal: &Principal,
        ip: &str,
    ) -> Result<Option<Allowance>, Refused> {
        let (limit, key) = match principal {
            Principal::Person(person) => (&self.signed_in, format!("person:{}", person.person_id)),
            Principal::ServiceAccount(account) => {
                (&self.signed_in, format!("service-account:{}", account.id))
            }
            Principal::Anonymous => (&self.anonymous, format!("ip:{ip}")),
        };
        let Some(limit) = limit else {
            return Ok(None);
        };
        limit
            .count(key)
            .await
            .map(Some)
            .map_err(|retry_after_secs| {
                tracing::warn!(kind = principal.kind(), "requests rate limited");
                Refused {
                    limit: limit.quota.limit,
                    retry_after_secs: retry_after_secs.max(1),
                }
            })
    }
}

#[derive(Clone)]
pub struct SignInLimiter {
    per_email: Limit,
    per_ip: Limit,
}

impl SignInLimiter {
    /// Counted in this process.
    pub fn new(per_email_per_minute: u32, per_ip_per_minute: u32) -> Self {
        Self::sharing(per_email_per_minute, per_ip_per_minute, Store::default())
    }

    /// Counted in `store`.
    pub fn sharing(per_email_per_minute: u32, per_ip_per_minute: u32, store: Store) -> Self {
        Self {
            per_email: Limit::new("sign-in-email", per_email_per_minute, store.clone()),
            per_ip: Limit::new("sign-in-ip", per_ip_per_minute, store),
        }
    }

    /// Counts one attempt; refuses it when either limit is spent, and otherwise tells what
    /// is left of the tighter one.
    pub async fn attempt(&self, email: &str, ip: &str) -> Result<Allowance, ApiError> {
        let mut tightest: Option<Allowance> = None;
        for (limit, key, kind) in [(&self.per_ip, ip, "ip"), (&self.per_email, email, "email")] {
            match limit.count(key.to_owned()).await {
                Ok(allowance) => {
                    if tightest.is_none_or(|other| allowance.remaining < other.remaining) {
                        tightest = Some(allowance);
                    }
                }
                Err(wait_secs) => {
                    tracing::warn!(kind, "sign-in attempts rate limited");
                    return Err(ApiError::RateLimited {
                        retry_after_secs: wait_secs.max(1),
                    });
                }
            }
        }
        Ok(tightest.expect("two limits checked"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared stores' arithmetic gives the answers `governor` gives in this process,
    /// attempt after attempt, for the same quota and the same moments.
    #[test]
    fn the_shared_decision_matches_the_local_one() {
        for limit in [1, 5, 7, 30] {
            let quota = Gcra::per_minute(limit);
            let local: Local =
                RateLimiter::keyed(Quota::per_minute(NonZeroU32::new(limit).unwrap()))
                    .with_middleware::<StateInformationMiddleware>();
            // The same GCRA on a stored time, as the Lua script and the statement run it,
            // all at one instant.
            let mut tat = 0_i64;
            for attempt in 0..limit + 2 {
                let now = 0_i64;
                let shared = if now >= tat - quota.tolerance_us() {
                    tat = tat.max(now) + quota.interval_us;
                    quota.decision(true, tat - now)
                } else {
                    quota.decision(false, tat - now)
                };
                let here = Gcra::locally(&local, "key".into());
                match (shared, here) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "limit {limit}, attempt {attempt}"),
                    // Governor's clock moved on a little: the wait may be a second less.
                    (Err(a), Err(b)) => assert!(a == b || a == b + 1, "{a} vs {b}"),
                    other => panic!("limit {limit}, attempt {attempt}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn a_refusal_waits_for_one_interval_once_the_burst_is_spent() {
        let quota = Gcra::per_minute(5);
        // Five spent at once: the stored time is a minute ahead.
        assert_eq!(quota.decision(false, 60_000_000), Err(12));
        assert_eq!(
            quota.decision(true, 12_000_000),
            Ok(Allowance {
                limit: 5,
                remaining: 4,
                reset_secs: 12
            })
        );
    }

    #[test]
    fn cell_keys_do_not_show_the_key() {
        let key = cell_key("sign-in-email", "head@ashby.example");
        assert_eq!(key.len(), 32);
        assert!(!key.contains("ashby"));
        assert_ne!(key, cell_key("sign-in-ip", "head@ashby.example"));
    }
}
