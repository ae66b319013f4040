//! One typed configuration: command-line flags, then `TRELLIS_*` environment variables,
//! then defaults that work on a laptop.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use secrecy::SecretString;

/// Reads a secret setting into a type that prints as `[REDACTED]`: the configuration is
/// `Debug`, and a secret must not reach a log by accident.
fn secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(value.into())
}

/// Reads `--redis-url`, refusing at start what the Redis client cannot use; the error
/// never repeats the URL, which may hold a password.
fn redis_url(value: &str) -> Result<SecretString, String> {
    redis::Client::open(value)
        .map(|_| value.into())
        .map_err(|_| "not a Redis URL: write redis://host:6379".to_owned())
}

/// The signing secret the README shows; refused outside demo mode.
pub const EXAMPLE_JWT_SECRET: &str = "change-me";

#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// Database URL: `sqlite://FILE?mode=rwc` (the default) or `postgres://...`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://trellis.db?mode=rwc"
    )]
    pub database_url: String,

    /// Most connections to the database the server keeps open at once.
    #[arg(long, env = "TRELLIS_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// How long a request waits for a database connection, in milliseconds, before it is
    /// answered `UNAVAILABLE`: while the database is down or restarting, and when every
    /// connection stays busy that long.
    #[arg(long, env = "TRELLIS_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 2000)]
    pub db_acquire_timeout_ms: u64,
}

impl ServerConfig {
    pub fn sync_margin(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::from(self.sync_margin_secs))
    }
}

impl DatabaseConfig {
    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_millis(self.db_acquire_timeout_ms)
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServerConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,

    /// Address to listen on.
    #[arg(long, env = "TRELLIS_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Address to serve the Prometheus metrics (`/metrics`) on, instead of on `--bind`:
    /// an internal address only the monitoring server reaches, such as `10.0.0.5:9090`.
    /// When set, `--bind` no longer answers `/metrics`.
    #[arg(long, env = "TRELLIS_METRICS_BIND")]
    pub metrics_bind: Option<String>,

    /// Load demo data into an empty database, and generate a signing secret if none is set.
    #[arg(long, env = "TRELLIS_DEMO", default_value_t = false)]
    pub demo: bool,

    /// HMAC secret for access tokens (at least 32 bytes). Required outside demo mode.
    #[arg(long, env = "TRELLIS_JWT_SECRET", hide_env_values = true, value_parser = secret)]
    pub jwt_secret: Option<SecretString>,

    /// Base URL people reach the platform at, used in links sent by email.
    #[arg(
        long,
        env = "TRELLIS_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,

    /// SMTP server URL (for example `smtps://user:pass@smtp.example.org`). Without it,
    /// each email is written as a file into the outbox folder.
    #[arg(long, env = "TRELLIS_SMTP_URL", hide_env_values = true, value_parser = secret)]
    pub smtp_url: Option<SecretString>,

    /// Sender address of emails.
    #[arg(
        long,
        env = "TRELLIS_MAIL_FROM",
        default_value = "Trellis <no-reply@trellis.invalid>"
    )]
    pub mail_from: String,

    /// Folder that receives emails as `.eml` files when no SMTP server is set.
    #[arg(long, env = "TRELLIS_OUTBOX_DIR", default_value = "outbox")]
    pub outbox_dir: PathBuf,

    /// Accept `http` links (practice links, meeting addresses, enquiry evidence) as well as
    /// `https` ones: for local testing against servers without TLS, never in production.
    #[arg(long, env = "TRELLIS_ALLOW_HTTP_LINKS", default_value_t = false)]
    pub allow_http_links: bool,

    /// How many seconds before a sync read its watermark (`syncedAt`) lies: longer than
    /// any write transaction takes between stamping a row and committing it, so that a
    /// delta never misses a change committed while the previous read ran.
    #[arg(long, env = "TRELLIS_SYNC_MARGIN_SECS", default_value_t = 60)]
    pub sync_margin_secs: u32,

    /// Serve the schema to introspection queries.
    #[arg(long, env = "TRELLIS_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,

    #[command(flatten)]
    pub cors: CorsConfig,

    #[command(flatten)]
    pub identity_providers: IdentityProvidersConfig,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub webhooks: WebhookConfig,

    #[command(flatten)]
    pub realtime: RealtimeConfig,

    #[command(flatten)]
    pub cluster: ClusterConfig,
}

/// Subscriptions over WebSocket and the notifications inbox (see `realtime`).
#[derive(Debug, Clone, Args)]
pub struct RealtimeConfig {
    /// How many days a notification is kept once read; unread ones are kept.
    #[arg(
        long,
        env = "TRELLIS_NOTIFICATION_RETENTION_DAYS",
        default_value_t = 90
    )]
    pub notification_retention_days: u32,
    /// How often, in milliseconds, each instance delivers the notifications still queued
    /// from more than this long ago: those an instance that stopped did not send, and
    /// those whose recipient could not be checked (given up after a day).
    #[arg(
        long,
        env = "TRELLIS_NOTIFICATION_RETRY_EVERY_MS",
        default_value_t = 60_000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub notification_retry_every_ms: u64,
    /// Most WebSocket connections one person (or service account) keeps open at once, on
    /// this instance; past it, a new one is closed with 4429.
    #[arg(
        long,
        env = "TRELLIS_WS_MAX_CONNECTIONS_PER_PERSON",
        default_value_t = 8
    )]
    pub ws_max_connections_per_person: usize,
    /// Most operations running at once on one WebSocket connection; past it, a new one is
    /// answered with an `error` message.
    #[arg(long, env = "TRELLIS_WS_MAX_SUBSCRIPTIONS", default_value_t = 50)]
    pub ws_max_subscriptions: usize,
    /// Largest message a client may send on a WebSocket connection, in bytes; a larger
    /// one closes the connection with 4400.
    #[arg(long, env = "TRELLIS_WS_MAX_MESSAGE_BYTES", default_value_t = 65_536)]
    pub ws_max_message_bytes: usize,
    /// Seconds between the server's pings on an idle WebSocket connection; a connection
    /// that answers nothing (no pong, no message) for twice this long is closed.
    #[arg(long, env = "TRELLIS_WS_PING_SECS", default_value_t = 30)]
    pub ws_ping_secs: u64,
    /// Seconds a client has to send `connection_init` after connecting; past it, the
    /// connection is closed with 4408.
    #[arg(long, env = "TRELLIS_WS_INIT_TIMEOUT_SECS", default_value_t = 10)]
    pub ws_init_timeout_secs: u64,
    /// Seconds between checks that a connection's sign-in is still good (not expired, not
    /// revoked, the person not disabled); one that is not is closed with 4403.
    #[arg(long, env = "TRELLIS_WS_SESSION_CHECK_SECS", default_value_t = 30)]
    pub ws_session_check_secs: u64,
}

impl ServerConfig {
    /// How long read notifications are kept.
    pub fn notification_retention(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.realtime.notification_retention_days))
    }

    /// How often queued notifications are taken up again.
    pub fn notification_retry(&self) -> Duration {
        Duration::from_millis(self.realtime.notification_retry_every_ms)
    }
}

/// Running more than one instance (README: "Running more than one instance").
#[derive(Debug, Clone, Args)]
pub struct ClusterConfig {
    /// Redis URL (`redis://[:password@]host:6379[/db]`) where every instance keeps the
    /// rate limits' counts. Without it they are kept in PostgreSQL, or (SQLite) in the
    /// process. When Redis cannot be reached the server keeps serving, counting per
    /// instance, and says so in the log and `/readyz`.
    #[arg(long, env = "TRELLIS_REDIS_URL", hide_env_values = true, value_parser = redis_url)]
    pub redis_url: Option<SecretString>,

    /// Reverse proxies (load balancers) whose `X-Forwarded-For` header is believed,
    /// comma-separated, as addresses or CIDR ranges (`10.0.0.0/8,127.0.0.1`). The client
    /// is then the rightmost address in the header that is not one of them. None by
    /// default: the header is ignored and the client is the socket's peer.
    #[arg(
        long,
        env = "TRELLIS_TRUSTED_PROXIES",
        value_name = "RANGES",
        default_value = "",
        hide_default_value = true,
        value_parser = crate::http::client_ip::trusted_proxies
    )]
    pub trusted_proxies: crate::http::client_ip::TrustedProxies,

    /// Do not apply pending migrations at start (run `trellis migrate` as a separate
    /// step). A server whose database lacks migrations still starts, says so in the log,
    /// and answers 503 at `/readyz` until they are applied.
    #[arg(
        long,
        env = "TRELLIS_NO_MIGRATE",
        default_value_t = false,
        conflicts_with = "demo"
    )]
    pub no_migrate: bool,
}

/// How webhooks are delivered (see `webhooks`).
#[derive(Debug, Clone, Args)]
pub struct WebhookConfig {
    /// Accept webhook endpoints at `http://127.0.0.1` and `http://localhost` as well as
    /// `https` URLs, and deliver to host names that resolve to loopback: for tests and
    /// local development, never in production.
    #[arg(
        long,
        env = "TRELLIS_WEBHOOK_ALLOW_HTTP_LOCALHOST",
        default_value_t = false
    )]
    pub webhook_allow_http_localhost: bool,
    /// How long one delivery attempt may take, in milliseconds, before it counts as failed.
    #[arg(long, env = "TRELLIS_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,
    /// The longest wait after a first failed attempt, in milliseconds; each further
    /// failure doubles it (waits are random up to it: full jitter).
    #[arg(long, env = "TRELLIS_WEBHOOK_RETRY_BASE_MS", default_value_t = 60_000)]
    pub webhook_retry_base_ms: u64,
    /// The longest wait between two attempts, in milliseconds.
    #[arg(long, env = "TRELLIS_WEBHOOK_RETRY_CAP_MS", default_value_t = 6 * 3600 * 1000)]
    pub webhook_retry_cap_ms: u64,
    /// How long a delivery is retried, in hours, before it is given up as failed.
    #[arg(long, env = "TRELLIS_WEBHOOK_RETRY_HOURS", default_value_t = 24)]
    pub webhook_retry_hours: u64,
    /// An endpoint whose every attempt failed for this many hours is disabled, and the
    /// people who manage it are told.
    #[arg(
        long,
        env = "TRELLIS_WEBHOOK_DISABLE_AFTER_HOURS",
        default_value_t = 72
    )]
    pub webhook_disable_after_hours: u64,
    /// How often the delivery worker looks for new events and due deliveries, in
    /// milliseconds.
    #[arg(long, env = "TRELLIS_WEBHOOK_POLL_MS", default_value_t = 1000)]
    pub webhook_poll_ms: u64,
    /// How many days an event is kept, with its deliveries and their attempts (the
    /// delivery log), once every delivery of it is delivered or failed for good; at
    /// least 1. Events with a delivery still pending are kept however old.
    #[arg(
        long,
        env = "TRELLIS_WEBHOOK_RETENTION_DAYS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub webhook_retention_days: u32,
    /// How often the events past their retention are removed, in milliseconds.
    #[arg(
        long,
        env = "TRELLIS_WEBHOOK_PRUNE_EVERY_MS",
        default_value_t = 3600 * 1000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub webhook_prune_every_ms: u64,
}

impl WebhookConfig {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.webhook_timeout_ms)
    }

    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.webhook_poll_ms)
    }

    pub fn disable_after(&self) -> Duration {
        Duration::from_secs(self.webhook_disable_after_hours * 3600)
    }

    /// How long an event whose deliveries are all finished is kept.
    pub fn retention(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.webhook_retention_days))
    }

    pub fn prune_every(&self) -> Duration {
        Duration::from_millis(self.webhook_prune_every_ms)
    }
}

/// Which web pages of other origins may call the API from a browser (CORS).
#[derive(Debug, Clone, Args)]
pub struct CorsConfig {
    /// Origins whose web pages may call the API from a browser, comma-separated, each
    /// exactly `scheme://host[:port]` as browsers send it (`https://app.example.org`,
    /// `http://localhost:5173`). None by default; demo mode also allows every
    /// `http://localhost:*` and `http://127.0.0.1:*` origin.
    #[arg(
        long = "cors-origins",
        env = "TRELLIS_CORS_ORIGINS",
        value_name = "ORIGINS",
        default_value = "",
        hide_default_value = true,
        value_parser = origins
    )]
    pub origins: Origins,

    /// Let the allowed origins' pages send requests with credentials (cookies, TLS client
    /// certificates: `Access-Control-Allow-Credentials: true`). Off by default: Trellis
    /// takes its tokens in the `Authorization` header, which needs no credentials mode.
    #[arg(
        long = "cors-allow-credentials",
        env = "TRELLIS_CORS_ALLOW_CREDENTIALS",
        default_value_t = false
    )]
    pub allow_credentials: bool,
}

/// The origins `--cors-origins` lists, each as a browser's `Origin` header names it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origins(pub Vec<String>);

/// Reads `--cors-origins`. Only an origin written exactly as a browser's `Origin` header
/// names it can ever match, so anything else (a path, a trailing slash, a default port, a
/// wildcard) is refused at start-up rather than silently matching nothing. Empty entries
/// are skipped: an empty setting allows none.
fn origins(value: &str) -> Result<Origins, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .map(origin)
        .collect::<Result<_, _>>()
        .map(Origins)
}

fn origin(value: &str) -> Result<String, String> {
    let url = url::Url::parse(value).map_err(|error| {
        format!("`{value}` is not an origin ({error}): write scheme://host[:port], such as https://app.example.org")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "`{value}` is not an origin: its scheme must be http or https"
        ));
    }
    let origin = url.origin().ascii_serialization();
    if origin != value {
        return Err(format!(
            "`{value}` is not an origin as browsers send it: write `{origin}` (scheme, host and port only, no path or trailing slash, no default port)"
        ));
    }
    Ok(origin)
}

/// Single sign-on with identity providers (OpenID Connect). A provider is on when its
/// client id is set.
#[derive(Debug, Clone, Args)]
pub struct IdentityProvidersConfig {
    /// The application (client) id Trellis is registered under in Microsoft Entra ID:
    /// Entra ID tokens must name it as their audience. Unset, Entra sign-in is off.
    #[arg(long, env = "TRELLIS_ENTRA_CLIENT_ID")]
    pub entra_client_id: Option<String>,

    /// Where Microsoft Entra ID publishes the keys that sign its ID tokens (a JWKS).
    #[arg(
        long,
        env = "TRELLIS_ENTRA_JWKS_URL",
        default_value = "https://login.microsoftonline.com/common/discovery/v2.0/keys",
        value_parser = jwks_url
    )]
    pub entra_jwks_url: url::Url,

    /// The OAuth client id Trellis is registered under at Google: Google ID tokens must
    /// name it as their audience. Unset, Google sign-in is off.
    #[arg(long, env = "TRELLIS_GOOGLE_CLIENT_ID")]
    pub google_client_id: Option<String>,

    /// Where Google publishes the keys that sign its ID tokens (a JWKS).
    #[arg(
        long,
        env = "TRELLIS_GOOGLE_JWKS_URL",
        default_value = "https://www.googleapis.com/oauth2/v3/certs",
        value_parser = jwks_url
    )]
    pub google_jwks_url: url::Url,

    /// How long a provider's fetched keys are used before they are fetched again, in
    /// seconds.
    #[arg(long, env = "TRELLIS_JWKS_CACHE_SECS", default_value_t = 3600)]
    pub jwks_cache_secs: u64,

    /// Shortest time between two fetches of one provider's keys, in seconds: a token
    /// naming a key not yet known fetches the keys again (providers rotate them), but no
    /// more often than this, so that made-up key ids cannot make Trellis hammer the
    /// provider.
    #[arg(long, env = "TRELLIS_JWKS_MIN_REFETCH_SECS", default_value_t = 60)]
    pub jwks_min_refetch_secs: u64,
}

/// Reads a JWKS address: `https`, or `http` to this machine only (a key set served
/// locally, as tests do); keys fetched over plain HTTP from elsewhere could be forged.
fn jwks_url(value: &str) -> Result<url::Url, String> {
    let url =
        url::Url::parse(value).map_err(|error| format!("`{value}` is not a URL ({error})"))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(format!(
            "`{value}` must be an https URL (http only to 127.0.0.1, ::1 or localhost)"
        )),
    }
}

/// Limits on what one request may ask for (API.md), each configurable.
#[derive(Debug, Clone, Args)]
pub struct Limits {
    /// Deepest a query may nest fields (a field inside a field inside ...); introspection
    /// does not count. Deeper queries are refused before they run.
    #[arg(long, env = "TRELLIS_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: usize,
    /// Most work one query may ask for: each field counts one, and a list counts its page
    /// size times the fields asked of each item. Costlier queries are refused before they
    /// run.
    #[arg(long, env = "TRELLIS_MAX_COMPLEXITY", default_value_t = 5000)]
    pub max_complexity: usize,
    /// Most aliases (fields renamed with `name: field`) one query may use.
    #[arg(long, env = "TRELLIS_MAX_ALIASES", default_value_t = 15)]
    pub max_aliases: usize,
    /// Most directives (such as `@include` and `@skip`) one query may use.
    #[arg(long, env = "TRELLIS_MAX_DIRECTIVES", default_value_t = 50)]
    pub max_directives: usize,
    /// Deepest nesting of brackets in a query's text (selection sets, arguments, lists,
    /// input objects) and of lists and objects in its variables. Checked before parsing.
    #[arg(long, env = "TRELLIS_MAX_NESTING", default_value_t = 32)]
    pub max_nesting: usize,
    /// Most selections (fields, fragment spreads, inline fragments) a document may make
    /// once its fragments are expanded.
    #[arg(long, env = "TRELLIS_MAX_SELECTIONS", default_value_t = 5000)]
    pub max_selections: usize,
    /// Most operations one request may send together as a JSON list (a batch).
    #[arg(long, env = "TRELLIS_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,
    /// Largest request body accepted, in bytes; a larger one is answered 413 unread.
    #[arg(long, env = "TRELLIS_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// How long a request may run, in milliseconds, before it is stopped and answered 503
    /// with the code `TIMEOUT`.
    #[arg(long, env = "TRELLIS_REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// Largest multipart request (a file upload, such as an import's) accepted, in bytes;
    /// a larger one is answered 413. A national GIAS extract is about 65 MB.
    #[arg(long, env = "TRELLIS_MAX_UPLOAD_BYTES", default_value_t = 100 * 1024 * 1024)]
    pub max_upload_bytes: usize,
    /// How long a multipart request (an upload) may run, in milliseconds: reading a large
    /// file takes longer than the usual request.
    #[arg(long, env = "TRELLIS_UPLOAD_TIMEOUT_MS", default_value_t = 300_000)]
    pub upload_timeout_ms: u64,
    /// Most rows one uploaded import file may hold; larger ones are imported from the
    /// command line (`trellis import`).
    #[arg(long, env = "TRELLIS_MAX_IMPORT_ROWS", default_value_t = 100_000)]
    pub max_import_rows: u64,
    /// Sign-in attempts allowed per email address per minute.
    #[arg(
        long,
        env = "TRELLIS_SIGN_IN_PER_EMAIL_PER_MINUTE",
        default_value_t = 5
    )]
    pub sign_in_per_email_per_minute: u32,
    /// Sign-in attempts allowed per client IP address per minute.
    #[arg(long, env = "TRELLIS_SIGN_IN_PER_IP_PER_MINUTE", default_value_t = 30)]
    pub sign_in_per_ip_per_minute: u32,
    /// Requests to `/graphql` allowed per minute to each signed-in person and each service
    /// account (a batch counts once); 0 for no limit. Past it, requests are answered 429
    /// `RATE_LIMITED` with `Retry-After`.
    #[arg(long, env = "TRELLIS_RATE_LIMIT_PER_MINUTE", default_value_t = 3000)]
    pub rate_limit_per_minute: u32,
    /// Requests to `/graphql` allowed per minute from each client address without a
    /// token; 0 for no limit.
    #[arg(
        long,
        env = "TRELLIS_ANONYMOUS_RATE_LIMIT_PER_MINUTE",
        default_value_t = 3000
    )]
    pub anonymous_rate_limit_per_minute: u32,
    /// How long a DataLoader waits to gather a batch, in microseconds.
    #[arg(long, env = "TRELLIS_LOADER_DELAY_US", default_value_t = 100)]
    pub loader_delay_us: u64,
    /// How long a read may reuse a sign-in's checked session and access scope, in
    /// milliseconds; 0 checks them on every request. Any write through this server
    /// forgets them at once (see `auth::cache`).
    #[arg(long, env = "TRELLIS_CALLER_CACHE_MS", default_value_t = 2000)]
    pub caller_cache_ms: u64,
}

impl Limits {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    pub fn upload_timeout(&self) -> Duration {
        Duration::from_millis(self.upload_timeout_ms)
    }

    pub fn caller_cache_ttl(&self) -> Duration {
        Duration::from_millis(self.caller_cache_ms)
    }
}

/// Lifetimes of credentials (API.md).
pub const ACCESS_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);
pub const REFRESH_FAMILY_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
pub const INVITATION_TTL: Duration = Duration::from_secs(14 * 24 * 3600);
/// Lifetime of a service account's access token (`/oauth/token`): short, as the client
/// can always ask for another.
pub const SERVICE_ACCOUNT_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);
/// Longest a service account's previous secret keeps working after a rotation.
pub const MAX_SECRET_GRACE: Duration = Duration::from_secs(7 * 24 * 3600);
/// How long after an invitation was last sent it may be sent again: long enough for a
/// slow email to arrive, short enough for someone waiting.
pub const INVITATION_RESEND_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// Pages of connections.
pub const DEFAULT_PAGE_SIZE: usize = 20;
pub const MAX_PAGE_SIZE: usize = 100;

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        config: ServerConfig,
    }

    #[test]
    fn cors_origins_are_exact_origins() {
        let origins = |value: &str| {
            Flags::try_parse_from(["trellis", "--cors-origins", value])
                .map(|flags| flags.config.cors.origins.0)
        };
        assert_eq!(
            origins(" https://app.example.org, http://localhost:5173,").unwrap(),
            ["https://app.example.org", "http://localhost:5173"]
        );
        assert_eq!(origins("").unwrap(), Vec::<String>::new());
        assert!(
            Flags::try_parse_from(["trellis"])
                .unwrap()
                .config
                .cors
                .origins
                .0
                .is_empty()
        );
        for (wrong, says) in [
            (
                "https://app.example.org/",
                "write `https://app.example.org`",
            ),
            (
                "https://app.example.org/path",
                "write `https://app.example.org`",
            ),
            (
                "https://app.example.org:443",
                "write `https://app.example.org`",
            ),
            ("https://App.Example.org", "write `https://app.example.org`"),
            ("app.example.org", "is not an origin"),
            ("*", "is not an origin"),
            ("ftp://files.example.org", "scheme must be http or https"),
        ] {
            let error = origins(&format!("https://fine.example.org,{wrong}"))
                .err()
                .unwrap_or_else(|| panic!("{wrong} was accepted"))
                .to_string();
            assert!(error.contains(says), "{wrong}: {error}");
        }
    }

    #[test]
    fn key_sets_are_fetched_over_https_or_from_this_machine() {
        let jwks = |value: &str| {
            Flags::try_parse_from(["trellis", "--google-jwks-url", value])
                .map(|flags| flags.config.identity_providers.google_jwks_url.to_string())
        };
        assert!(jwks("https://keys.example.org/jwks").is_ok());
        assert!(jwks("http://127.0.0.1:9000/keys").is_ok());
        assert!(jwks("http://localhost:9000/keys").is_ok());
        assert!(jwks("http://[::1]:9000/keys").is_ok());
        for wrong in [
            "http://keys.example.org/jwks",
            "ftp://127.0.0.1/keys",
            "keys",
        ] {
            assert!(jwks(wrong).is_err(), "{wrong} was accepted");
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let signing = "a-signing-secret-nobody-may-read-in-a-log";
        let smtp = "smtps://mailer:a-mail-password@smtp.example.org";
        let config =
            Flags::parse_from(["trellis", "--jwt-secret", signing, "--smtp-url", smtp]).config;
        let printed = format!("{config:?}");
        assert!(!printed.contains(signing), "{printed}");
        assert!(!printed.contains("a-mail-password"), "{printed}");
        assert!(printed.contains("REDACTED"), "{printed}");
    }
}
