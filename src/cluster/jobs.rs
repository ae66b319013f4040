//! Scheduled jobs on every instance without doing the same work twice: each instance
//! wakes up on its own, and [`claim`] lets one of them through per interval (a row per
//! job in `cluster_job`, updated only when the interval has passed, in one statement).
//! On SQLite, one instance by nature, every claim succeeds.
//!
//! Work that is queued rather than scheduled (webhook deliveries) is claimed row by row
//! instead: see `webhooks::worker`. So are the reminders, which every instance runs with
//! [`each_period`]: each round claims its rows with a conditional update. The pruning of
//! the webhook outbox runs the same way: its conditional deletes need no claim.

use std::future::Future;
use std::time::Duration;

use sea_orm::DbErr;
use sea_orm::sqlx::{self, postgres::PgPool};
use tokio::task::JoinHandle;

/// Whether this instance runs the job `name` now: on PostgreSQL, true for one instance
/// at most per `every` (by the database's clock); on SQLite (`pool` is `None`), always.
pub async fn claim(
    pool: Option<&PgPool>,
    name: &str,
    every: Duration,
) -> Result<bool, sqlx::Error> {
    let Some(pool) = pool else {
        return Ok(true);
    };
    let claimed: Option<(String,)> = sqlx::query_as(
        "INSERT INTO cluster_job AS job (name, last_run_ms) \
         VALUES ($1, (extract(epoch FROM now()) * 1000)::bigint) \
         ON CONFLICT (name) DO UPDATE SET last_run_ms = excluded.last_run_ms \
         WHERE job.last_run_ms <= excluded.last_run_ms - $2 \
         RETURNING name",
    )
    .bind(name)
    .bind(i64::try_from(every.as_millis()).unwrap_or(i64::MAX))
    .fetch_optional(pool)
    .await?;
    Ok(claimed.is_some())
}

/// Runs `job` about every `every`, on whichever instance claims it first: each instance
/// looks twice per interval, so the job runs at most once per `every` and at least once
/// per one and a half. A failed claim (the database unreachable) skips the turn.
pub fn every<F, Fut>(
    pool: Option<PgPool>,
    name: &'static str,
    every: Duration,
    job: F,
) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every / 2);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match claim(pool.as_ref(), name, every).await {
                Ok(true) => job().await,
                Ok(false) => {}
                Err(error) => {
                    tracing::debug!(error = %error, job = name, "could not claim a scheduled job");
                }
            }
        }
    })
}

/// Runs `round` every `every` on this instance, the first time one period after start, not
/// during it: a starting server (or a test's) does only what its requests ask. A round
/// that fails is logged as `what` failing and tried again the next period.
pub fn each_period<F, Fut, T>(every: Duration, what: &'static str, round: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, DbErr>> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            ticks.tick().await;
            if let Err(error) = round().await {
                tracing::error!(error = %error, "{what} failed; retrying next round");
            }
        }
    })
}
