//! The delivery worker: a task of the server process that fans new events out to the
//! endpoints that receive them, and delivers what is due, retrying failures with back-off.
//!
//! Several servers may run over one database: each claims rows before working on them.
//! On PostgreSQL a claim reads with `FOR UPDATE SKIP LOCKED`, so two workers never claim
//! the same row; SQLite runs one writer at a time (`db::begin_write`), which is as safe.
//! A claimed delivery is leased (`locked_until`) for longer than an attempt may take, and
//! the lease is committed before the request is sent: no lock is held over the network. A
//! worker that dies mid-attempt leaves the lease to run out, and another worker tries
//! again: deliveries are at least once, and receivers deduplicate by event id.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use entity::enums::MembershipStatus;
use entity::enums::WebhookDeliveryStatus as Status;
use entity::{
    alliance_membership, service_account, webhook_attempt, webhook_delivery, webhook_endpoint,
    webhook_event,
};
use prometheus::IntCounter;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};
use secrecy::SecretString;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::addresses::{PublicResolver, refused_as_private};
use super::backoff::Backoff;
use super::events::wire_name;
use super::signing::signature_header;
use crate::auth::policy::webhooks::{receives, tenant_of};
use crate::auth::scopes::Scopes;
use crate::config::{DatabaseConfig, WebhookConfig};
use crate::db::{self, begin_write};
use crate::notifications::{Notices, Notifier};

/// Events fanned out, and deliveries claimed, per round.
const BATCH: u64 = 50;
/// What receivers see as the sender.
const USER_AGENT: &str = concat!("Trellis-Webhooks/", env!("CARGO_PKG_VERSION"));

/// How deliveries are made; from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub timeout: Duration,
    pub poll: Duration,
    pub backoff: Backoff,
    pub disable_after: Duration,
    /// Whether loopback addresses may be posted to (`--webhook-allow-http-localhost`).
    pub allow_loopback: bool,
}

impl From<&WebhookConfig> for Settings {
    fn from(config: &WebhookConfig) -> Self {
        Self {
            timeout: config.timeout(),
            poll: config.poll_interval(),
            backoff: Backoff {
                base: Duration::from_millis(config.webhook_retry_base_ms),
                cap: Duration::from_millis(config.webhook_retry_cap_ms),
                window: Duration::from_secs(config.webhook_retry_hours * 3600),
            },
            disable_after: config.disable_after(),
            allow_loopback: config.webhook_allow_http_localhost,
        }
    }
}

/// The running worker: stop it with [`Worker::stop`]. Cheap to clone.
#[derive(Clone)]
pub struct Worker {
    stop: Arc<watch::Sender<bool>>,
    task: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Worker {
    /// Starts the worker on the current Tokio runtime. It opens a small pool of its own:
    /// it never takes a connection a request waits for, and its statements are not
    /// counted with the requests' (`trellis_sql_statements_total`).
    pub fn start(
        settings: Settings,
        database: DatabaseConfig,
        notifier: Notifier,
        public_url: String,
    ) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(settings.timeout)
            // An endpoint answers itself: a redirect could send the signed event anywhere.
            .redirect(reqwest::redirect::Policy::none())
            // A host name may point into the server's own networks, or come to later.
            .dns_resolver(Arc::new(PublicResolver {
                allow_loopback: settings.allow_loopback,
            }))
            .build()
            .expect("an HTTP client with rustls");
        let task = tokio::spawn(async move {
            let db = loop {
                match connect(&database).await {
                    Ok(db) => break db,
                    Err(error) => {
                        tracing::error!(error = %error, "the webhook worker could not reach the database");
                        tokio::select! {
                            _ = stopped.changed() => return,
                            _ = tokio::time::sleep(settings.poll) => continue,
                        }
                    }
                }
            };
            let delivering = Delivering {
                settings,
                db,
                client,
                notifier,
                public_url,
            };
            loop {
                if let Err(error) = delivering.round().await {
                    tracing::error!(error = %error, "webhook delivery round failed");
                }
                tokio::select! {
                    _ = stopped.changed() => break,
                    _ = tokio::time::sleep(delivering.settings.poll) => {}
                }
            }
        });
        Self {
            stop: Arc::new(stop),
            task: Arc::new(Mutex::new(Some(task))),
        }
    }

    /// Stops after the round under way (its attempts end within the timeout), and waits.
    pub async fn stop(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().expect("worker lock").take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    /// Stops at once, mid-round, as a crash would: for tests of what survives one.
    pub fn kill(&self) {
        if let Some(task) = self.task.lock().expect("worker lock").take() {
            task.abort();
        }
    }
}

/// Connections the worker keeps: one claims while another records.
const POOL_SIZE: u32 = 2;

async fn connect(database: &DatabaseConfig) -> Result<DatabaseConnection, DbErr> {
    let uncounted = IntCounter::new("webhook_statements", "statements of the webhook worker")
        .expect("a valid counter");
    db::connect(
        &database.database_url,
        POOL_SIZE,
        database.acquire_timeout(),
        db::Planning::Reused,
        uncounted,
    )
    .await
}

struct Delivering {
    settings: Settings,
    db: DatabaseConnection,
    client: reqwest::Client,
    notifier: Notifier,
    public_url: String,
}

/// Locks the rows read for the claim, skipping those another worker holds (PostgreSQL).
pub(super) fn claiming<E: EntityTrait>(select: Select<E>, backend: DbBackend) -> Select<E> {
    if backend == DbBackend::Postgres {
        select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
    } else {
        select
    }
}

/// One attempt's outcome.
struct Outcome {
    response_code: Option<i32>,
    error: Option<String>,
    duration: Duration,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.response_code
            .is_some_and(|code| (200..300).contains(&code))
    }
}

impl Delivering {
    async fn round(&self) -> Result<(), DbErr> {
        // Read first, without the write lock: an idle server takes no lock (SQLite has one
        // writer at a time, which requests need).
        if !self.anything_to_do().await? {
            return Ok(());
        }
        while self.fan_out().await? == BATCH as usize {}
        let due = self.claim_due().await?;
        futures_util::future::join_all(due.into_iter().map(|claimed| self.attempt(claimed))).await;
        Ok(())
    }

    /// Whether an event waits to be fanned out or a delivery is due.
    async fn anything_to_do(&self) -> Result<bool, DbErr> {
        let unfanned = webhook_event::Entity::find()
            .select_only()
            .column(webhook_event::Column::Id)
            .filter(webhook_event::Column::FannedOutAt.is_null())
            .into_tuple::<i32>()
            .one(&self.db)
            .await?;
        if unfanned.is_some() {
            return Ok(true);
        }
        let due = webhook_delivery::Entity::find()
            .select_only()
            .column(webhook_delivery::Column::Id)
            .filter(webhook_delivery::Column::Status.eq(Status::Pending))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(Utc::now()))
            .into_tuple::<i32>()
            .one(&self.db)
            .await?;
        Ok(due.is_some())
    }

    /// Makes the deliveries of events not yet fanned out; returns how many events.
    async fn fan_out(&self) -> Result<usize, DbErr> {
        let txn = begin_write(&self.db).await?;
        let events = claiming(
            webhook_event::Entity::find()
                .filter(webhook_event::Column::FannedOutAt.is_null())
                .order_by_asc(webhook_event::Column::Id)
                .limit(BATCH),
            self.db.get_database_backend(),
        )
        .all(&txn)
        .await?;
        if events.is_empty() {
            txn.commit().await?;
            return Ok(0);
        }
        let endpoints = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Enabled.eq(true))
            .all(&txn)
            .await?;
        // Each endpoint hears with its service account's scopes; a revoked account's
        // endpoints hear nothing.
        let accounts: Vec<(i32, String)> = service_account::Entity::find()
            .select_only()
            .columns([service_account::Column::Id, service_account::Column::Scopes])
            .filter(
                service_account::Column::Id.is_in(endpoints.iter().map(|e| e.service_account_id)),
            )
            .filter(service_account::Column::RevokedAt.is_null())
            .into_tuple()
            .all(&txn)
            .await?;
        let scopes_of = |endpoint: &webhook_endpoint::Model| {
            accounts
                .iter()
                .find(|(id, _)| *id == endpoint.service_account_id)
                .and_then(|(_, scopes)| Scopes::from_oauth(scopes))
        };
        let schools: Vec<i32> = events.iter().filter_map(|event| event.school_id).collect();
        let memberships: Vec<(i32, i32)> = alliance_membership::Entity::find()
            .select_only()
            .columns([
                alliance_membership::Column::SchoolId,
                alliance_membership::Column::AllianceId,
            ])
            .filter(alliance_membership::Column::SchoolId.is_in(schools))
            .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
            .into_tuple()
            .all(&txn)
            .await?;
        let now = Utc::now();
        let mut deliveries = Vec::new();
        for event in &events {
            let school_alliances: Vec<i32> = memberships
                .iter()
                .filter(|(school, _)| Some(*school) == event.school_id)
                .map(|(_, alliance)| *alliance)
                .collect();
            for endpoint in &endpoints {
                let subscribed = super::subscribed(endpoint).contains(&event.event_type);
                let may_hear = match (tenant_of(endpoint), scopes_of(endpoint)) {
                    (Some(tenant), Some(scopes)) => {
                        receives(tenant, scopes, event, &school_alliances)
                    }
                    _ => false,
                };
                if subscribed && may_hear {
                    deliveries.push(webhook_delivery::ActiveModel {
                        event_id: Set(event.id),
                        endpoint_id: Set(endpoint.id),
                        status: Set(Status::Pending),
                        attempts: Set(0),
                        next_attempt_at: Set(Some(now)),
                        locked_until: Set(None),
                        last_response_code: Set(None),
                        delivered_at: Set(None),
                        queued_at: Set(now),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    });
                }
            }
        }
        if !deliveries.is_empty() {
            webhook_delivery::Entity::insert_many(deliveries)
                .exec_without_returning(&txn)
                .await?;
        }
        webhook_event::Entity::update_many()
            .col_expr(webhook_event::Column::FannedOutAt, Expr::value(now))
            .filter(webhook_event::Column::Id.is_in(events.iter().map(|event| event.id)))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(events.len())
    }

    /// Claims the deliveries that are due: leases them, counts the attempt, and commits.
    async fn claim_due(&self) -> Result<Vec<Claimed>, DbErr> {
        let now = Utc::now();
        let txn = begin_write(&self.db).await?;
        let due = claiming(
            webhook_delivery::Entity::find()
                .filter(webhook_delivery::Column::Status.eq(Status::Pending))
                .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
                .filter(
                    Condition::any()
                        .add(webhook_delivery::Column::LockedUntil.is_null())
                        .add(webhook_delivery::Column::LockedUntil.lt(now)),
                )
                .order_by_asc(webhook_delivery::Column::NextAttemptAt)
                .order_by_asc(webhook_delivery::Column::Id)
                .limit(BATCH),
            self.db.get_database_backend(),
        )
        .all(&txn)
        .await?;
        if due.is_empty() {
            txn.commit().await?;
            return Ok(Vec::new());
        }
        // Longer than an attempt may take, so that a lease never ends under one.
        let lease = chrono::Duration::from_std(self.settings.timeout * 2 + Duration::from_secs(5))
            .unwrap_or(chrono::Duration::MAX);
        webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::Attempts,
                Expr::col(webhook_delivery::Column::Attempts).add(1),
            )
            .col_expr(
                webhook_delivery::Column::LockedUntil,
                Expr::value(now + lease),
            )
            .filter(webhook_delivery::Column::Id.is_in(due.iter().map(|d| d.id)))
            .exec(&txn)
            .await?;
        let events = webhook_event::Entity::find()
            .filter(webhook_event::Column::Id.is_in(due.iter().map(|d| d.event_id)))
            .all(&txn)
            .await?;
        let endpoints = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Id.is_in(due.iter().map(|d| d.endpoint_id)))
            .all(&txn)
            .await?;
        txn.commit().await?;
        Ok(due
            .into_iter()
            .filter_map(|delivery| {
                let event = events.iter().find(|e| e.id == delivery.event_id)?.clone();
                let endpoint = endpoints
                    .iter()
                    .find(|e| e.id == delivery.endpoint_id)?
                    .clone();
                Some(Claimed {
                    attempt: delivery.attempts + 1,
                    delivery,
                    event,
                    endpoint,
                })
            })
            .collect())
    }

    async fn attempt(&self, claimed: Claimed) {
        let outcome = if claimed.endpoint.enabled {
            self.post(&claimed).await
        } else {
            Outcome {
                response_code: None,
                error: Some("the endpoint is disabled".into()),
                duration: Duration::ZERO,
            }
        };
        if let Err(error) = self.record(&claimed, outcome).await {
            // The lease runs out and the delivery is tried again.
            tracing::error!(error = %error, delivery = claimed.delivery.id, "could not record a webhook attempt");
        }
    }

    /// Sends the event, signed; never logs the body or the secret.
    async fn post(&self, claimed: &Claimed) -> Outcome {
        let body = payload(&claimed.event).to_string();
        let secret = SecretString::from(claimed.endpoint.signing_secret.clone());
        let signature = signature_header(&secret, Utc::now().timestamp(), body.as_bytes());
        let started = Instant::now();
        let sent = self
            .client
            .post(&claimed.endpoint.url)
            .header("Content-Type", "application/json")
            .header("Trellis-Event-Id", &claimed.event.public_id)
            .header("Trellis-Signature", signature)
            .body(body)
            .send()
            .await;
        let duration = started.elapsed();
        match sent {
            Ok(response) => Outcome {
                response_code: Some(i32::from(response.status().as_u16())),
                error: None,
                duration,
            },
            Err(error) => Outcome {
                response_code: None,
                error: Some(describe(&error).into()),
                duration,
            },
        }
    }

    /// Logs the attempt, then marks the delivery delivered, due again or failed, and the
    /// endpoint failing, healthy or (failing for too long) disabled, in one transaction.
    async fn record(&self, claimed: &Claimed, outcome: Outcome) -> Result<(), DbErr> {
        let now = Utc::now();
        let Claimed {
            delivery,
            event,
            endpoint,
            attempt,
        } = claimed;
        let succeeded = outcome.succeeded();
        let txn = begin_write(&self.db).await?;
        webhook_attempt::ActiveModel {
            delivery_id: Set(delivery.id),
            endpoint_id: Set(endpoint.id),
            event_public_id: Set(event.public_id.clone()),
            event_type: Set(event.event_type),
            attempt: Set(*attempt),
            attempted_at: Set(now),
            duration_ms: Set(i32::try_from(outcome.duration.as_millis()).unwrap_or(i32::MAX)),
            response_code: Set(outcome.response_code),
            succeeded: Set(succeeded),
            error: Set(outcome.error),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut change: webhook_delivery::ActiveModel = delivery.clone().into();
        change.attempts = Set(*attempt);
        change.locked_until = Set(None);
        change.last_response_code = Set(outcome.response_code);
        change.updated_at = Set(now);
        if succeeded {
            change.status = Set(Status::Delivered);
            change.delivered_at = Set(Some(now));
            change.next_attempt_at = Set(None);
            change.update(&txn).await?;
            webhook_endpoint::Entity::update_many()
                .col_expr(
                    webhook_endpoint::Column::FailingSince,
                    Expr::value(None::<DateTime<Utc>>),
                )
                .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
                .exec(&txn)
                .await?;
            return txn.commit().await;
        }
        let queued_for = (now - delivery.queued_at).to_std().unwrap_or_default();
        if endpoint.enabled && self.settings.backoff.retries_after(queued_for) {
            let wait = self.settings.backoff.delay(*attempt, &mut rand::rng());
            change.next_attempt_at = Set(Some(
                now + chrono::Duration::from_std(wait).unwrap_or_default(),
            ));
        } else {
            change.status = Set(Status::Failed);
            change.next_attempt_at = Set(None);
        }
        change.update(&txn).await?;
        let disabled = self.note_failure(&txn, endpoint.id, now).await?;
        match disabled {
            Some(endpoint) => {
                let mut notices =
                    Notices::background(self.notifier.clone(), self.public_url.clone());
                notices.webhook_endpoint_disabled(&txn, &endpoint).await?;
                notices.commit(txn).await
            }
            None => txn.commit().await,
        }
    }

    /// Marks the endpoint failing since now unless it already was; disables it when it
    /// has been failing for `disable_after`, and returns it then.
    async fn note_failure(
        &self,
        txn: &DatabaseTransaction,
        endpoint_id: i32,
        now: DateTime<Utc>,
    ) -> Result<Option<webhook_endpoint::Model>, DbErr> {
        webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::FailingSince, Expr::value(now))
            .filter(webhook_endpoint::Column::Id.eq(endpoint_id))
            .filter(webhook_endpoint::Column::FailingSince.is_null())
            .exec(txn)
            .await?;
        let disable_after = chrono::Duration::from_std(self.settings.disable_after)
            .unwrap_or(chrono::Duration::MAX);
        let disabled = webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::Enabled, Expr::value(false))
            .col_expr(webhook_endpoint::Column::DisabledAt, Expr::value(now))
            .col_expr(
                webhook_endpoint::Column::DisabledReason,
                Expr::value("every delivery attempt failed for too long"),
            )
            .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                webhook_endpoint::Column::Version,
                Expr::col(webhook_endpoint::Column::Version).add(1),
            )
            .filter(webhook_endpoint::Column::Id.eq(endpoint_id))
            .filter(webhook_endpoint::Column::Enabled.eq(true))
            .filter(webhook_endpoint::Column::FailingSince.lte(now - disable_after))
            .exec(txn)
            .await?;
        if disabled.rows_affected == 0 {
            return Ok(None);
        }
        // Its other pending deliveries fail with it; they can be redelivered by hand.
        webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::Status,
                Expr::value(Status::Failed),
            )
            .col_expr(
                webhook_delivery::Column::NextAttemptAt,
                Expr::value(None::<DateTime<Utc>>),
            )
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id))
            .filter(webhook_delivery::Column::Status.eq(Status::Pending))
            .filter(webhook_delivery::Column::LockedUntil.is_null())
            .exec(txn)
            .await?;
        webhook_endpoint::Entity::find_by_id(endpoint_id)
            .one(txn)
            .await
    }
}

/// A delivery claimed for one attempt, with what it sends and where.
struct Claimed {
    delivery: webhook_delivery::Model,
    event: webhook_event::Model,
    endpoint: webhook_endpoint::Model,
    /// This attempt's number.
    attempt: i32,
}

/// The body sent: `{id, type, createdAt, data}`.
pub fn payload(event: &webhook_event::Model) -> serde_json::Value {
    serde_json::json!({
        "id": event.public_id,
        "type": wire_name(event.event_type),
        "createdAt": event.created_at,
        "data": event.data,
    })
}

/// Why no answer came, in a few words for the log (never the URL's query or a body).
fn describe(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if refused_as_private(error) {
        "refused: the host name resolves to an address of a private network"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_redirect() {
        "redirected"
    } else {
        "the request failed"
    }
}
