//! Trellis: the GraphQL backend of a platform for networks of schools that learn together.
//!
//! `main` and the tests build the server through the same functions here.
#![recursion_limit = "256"]

pub mod alliances;
pub mod approvals;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod calendar;
pub mod cluster;
pub mod coaching;
pub mod communities;
pub mod config;
pub mod db;
pub mod discussion;
pub mod errors;
pub mod evaluations;
pub mod events;
pub mod expertise;
pub mod graphql;
pub mod http;
pub mod identity;
pub mod imports;
pub mod leadership;
pub mod logging;
pub mod mail;
pub mod notifications;
pub mod observations;
pub mod people;
pub mod portfolio;
pub mod practice;
pub mod realtime;
pub mod reflections;
pub mod release;
pub mod request;
pub mod schema;
pub mod schools;
pub mod seed;
pub mod service_accounts;
pub mod sort_keys;
pub mod support;
pub mod sync;
pub mod themes;
pub mod validation;
pub mod webhooks;
pub mod words;

use std::sync::Arc;

use anyhow::{Context as _, bail};
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};

use auth::identity::IdentityProviders;
use auth::rate_limit::SignInLimiter;
use auth::tokens::TokenKeys;
use config::{DatabaseConfig, EXAMPLE_JWT_SECRET, ServerConfig};
use graphql::context::Services;
use http::AppState;
use http::metrics::Metrics;
use mail::{Mailer, OutboxMailer, SmtpMailer};

/// Shortest signing secret accepted: 256 bits for HS256.
const MIN_SECRET_BYTES: usize = 32;

/// The secret that signs access tokens. Outside demo mode a missing, example or short
/// secret stops the server; in demo mode one is generated for this run.
pub fn signing_secret(config: &ServerConfig) -> anyhow::Result<SecretString> {
    let given = config.jwt_secret.as_ref().map(ExposeSecret::expose_secret);
    match given {
        Some(secret) if secret != EXAMPLE_JWT_SECRET && secret.len() >= MIN_SECRET_BYTES => {
            Ok(secret.into())
        }
        _ if config.demo => {
            tracing::warn!(
                "demo mode: generated a signing secret for this run; tokens end when the server stops"
            );
            Ok(auth::tokens::new_secret_token().into())
        }
        Some(_) => bail!(
            "TRELLIS_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes and not the example value"
        ),
        None => bail!(
            "set TRELLIS_JWT_SECRET (at least {MIN_SECRET_BYTES} random bytes), or run with --demo"
        ),
    }
}

/// SMTP when configured, otherwise `.eml` files in the outbox folder.
pub fn mailer(config: &ServerConfig) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match &config.smtp_url {
        Some(url) => Arc::new(
            SmtpMailer::new(url.expose_secret(), &config.mail_from).context("TRELLIS_SMTP_URL")?,
        ),
        None => Arc::new(OutboxMailer::new(
            config.outbox_dir.clone(),
            &config.mail_from,
        )?),
    })
}

/// Connects and applies pending migrations.
pub async fn open_database(
    config: &DatabaseConfig,
    metrics: &Metrics,
) -> anyhow::Result<DatabaseConnection> {
    open_database_migrating(config, metrics, true).await
}

/// Connects, and applies pending migrations when `migrate` is set; otherwise (`serve
/// --no-migrate`) says in the log how many are pending, if any: `/readyz` answers 503
/// until another step (`trellis migrate`) applies them.
pub async fn open_database_migrating(
    config: &DatabaseConfig,
    metrics: &Metrics,
    migrate: bool,
) -> anyhow::Result<DatabaseConnection> {
    if !migrate {
        let db = connect_main(config, metrics, config.db_max_connections).await?;
        let pending = db::pending_migrations(&db)
            .await
            .context("could not read which migrations the database has")?;
        if pending > 0 {
            tracing::warn!(
                pending,
                "the database lacks migrations and --no-migrate is set: not ready until `trellis migrate` applies them"
            );
        }
        return Ok(db);
    }
    // Migrations run on a connection of their own, closed before the pool that serves
    // opens: a connection that read the schema before a migration changed it can misread
    // the changed tables (on SQLite, until it notices, `RETURNING "version"` of a column
    // just added names no column but a string literal; PostgreSQL refuses a statement
    // prepared before).
    let migrating = connect_main(config, metrics, 1).await?;
    db::migrate(&migrating)
        .await
        .context("could not migrate the database")?;
    migrating.close().await?;
    connect_main(config, metrics, config.db_max_connections).await
}

/// A pool of `connections` to the database, whose statements are planned once and reused:
/// the pool that serves, and the single connection that migrates.
async fn connect_main(
    config: &DatabaseConfig,
    metrics: &Metrics,
    connections: u32,
) -> anyhow::Result<DatabaseConnection> {
    db::connect(
        &config.database_url,
        connections,
        config.acquire_timeout(),
        db::Planning::Reused,
        metrics.sql_statements.clone(),
    )
    .await
    .context("could not open the database")
}

/// The pool for practice search, whose statements PostgreSQL plans on every run (see
/// [`db::Planning`]): a quarter of the main pool's connections, at least two. On SQLite,
/// which plans every statement anyway, the main pool itself.
pub async fn open_search_pool(
    config: &DatabaseConfig,
    db: &DatabaseConnection,
    metrics: &Metrics,
) -> anyhow::Result<DatabaseConnection> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(db.clone());
    }
    db::connect(
        &config.database_url,
        (config.db_max_connections / 4).max(2),
        config.acquire_timeout(),
        db::Planning::EachRun,
        metrics.sql_statements.clone(),
    )
    .await
    .context("could not open the search pool")
}

/// Everything the server needs, over an open database; starts the tasks that send email
/// and deliver webhooks (so it is called inside a Tokio runtime).
pub fn app_state(
    config: &ServerConfig,
    db: DatabaseConnection,
    search_db: DatabaseConnection,
    metrics: Metrics,
    secret: &SecretString,
    mailer: Arc<dyn Mailer>,
) -> AppState {
    metrics.watch_pool(db.clone());
    let cluster = cluster::Cluster::start(&config.database.database_url);
    let rate_limits = auth::rate_limit::Store::choose(
        config.cluster.redis_url.as_ref(),
        cluster.pool.clone(),
        &db,
    );
    rate_limits.clean_up_now_and_then(cluster.pool.clone());
    let (notifier, outbox) = notifications::sender_channel();
    let bus = realtime::across_instances::join(realtime::Bus::new(), &cluster.fanout);
    let webhooks = webhooks::Worker::start(
        (&config.webhooks).into(),
        config.database.clone(),
        notifier.clone(),
        config.public_url.trim_end_matches('/').to_owned(),
    );
    webhooks::retention::start(db.clone(), &config.webhooks);
    evaluations::reminders::start(
        db.clone(),
        notifier.clone(),
        config.public_url.trim_end_matches('/').to_owned(),
    );
    coaching::reminders::start(
        db.clone(),
        notifier.clone(),
        config.public_url.trim_end_matches('/').to_owned(),
    );
    let services = Arc::new(Services {
        db: db.clone(),
        search_db,
        keys: TokenKeys::new(secret.expose_secret().as_bytes()),
        notifier,
        sign_in_limiter: SignInLimiter::sharing(
            config.limits.sign_in_per_email_per_minute,
            config.limits.sign_in_per_ip_per_minute,
            rate_limits.clone(),
        ),
        identity_providers: IdentityProviders::new(&config.identity_providers),
        public_url: config.public_url.trim_end_matches('/').to_owned(),
        allow_http_links: config.allow_http_links,
        sync_margin: config.sync_margin(),
        max_import_rows: config.limits.max_import_rows,
        webhook_allow_http_localhost: config.webhooks.webhook_allow_http_localhost,
        bus: bus.clone(),
    });
    let schema = schema::build(services.clone(), &config.limits, config.introspection);
    // Checks each recipient through the schema, as the recipient: see `notifications`.
    outbox.start(
        schema.clone(),
        db.clone(),
        mailer,
        bus,
        config.notification_retry(),
    );
    // Removes old read notifications now and then, on every instance (idempotent).
    notifications::inbox::start_retention(db.clone(), config.notification_retention());
    let callers = Arc::new(auth::cache::CallerCache::new(
        config.limits.caller_cache_ttl(),
    ));
    // A write on another instance, or messages lost while the listener reconnected: what
    // this one remembers of callers may be out of date.
    let forgetting = callers.clone();
    cluster
        .fanout
        .on_others(cluster::channels::CALLERS, move |_| forgetting.forget_all());
    AppState {
        types: Arc::new(request::strict::Types::from_sdl(&schema.sdl())),
        schema,
        services,
        db,
        webhooks,
        limits: config.limits.clone(),
        metrics,
        persisted_queries: Default::default(),
        request_limiter: auth::rate_limit::RequestLimiter::sharing(
            config.limits.rate_limit_per_minute,
            config.limits.anonymous_rate_limit_per_minute,
            rate_limits.clone(),
        ),
        callers,
        cluster,
        rate_limits,
        trusted_proxies: config.cluster.trusted_proxies.clone(),
        cors: http::cors::CorsPolicy::new(&config.cors, config.demo),
        graphiql: http::graphiql::Page::new("/graphql", config.demo),
        realtime: config.realtime.clone(),
        ws_connections: Default::default(),
    }
}
