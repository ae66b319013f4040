//! Starts the real server, as `main` does, on a random port over a fresh database: a
//! SQLite file by default, or a new PostgreSQL database when `TEST_DATABASE_URL` names a
//! server (for example `postgres://postgres@127.0.0.1:5432`).

pub mod imports;
pub mod oidc;
pub mod ordered;
pub mod process;
pub mod service_accounts;

use std::net::TcpListener;
use std::sync::{Arc, LazyLock};

use chrono::Utc;
use clap::Parser;
use entity::enums::{
    AllianceKind, AllianceRoleKind, MembershipRole, MembershipStatus, PersonStatus, SchoolPhase,
    SchoolStatus, StaffRoleKind,
};
use entity::{alliance, alliance_membership, alliance_role, person, school, staff_role};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, Set};
use serde_json::{Value, json};

use trellis::config::ServerConfig;
use trellis::http::metrics::Metrics;
use trellis::mail::{CapturingMailer, Email};
use trellis::notifications::Notifier;

pub const PASSWORD: &str = "a-long-test-password-42";
/// Hashed once: argon2 is slow on purpose.
static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| trellis::auth::passwords::hash(PASSWORD));

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    config: ServerConfig,
}

pub struct TestApp {
    pub url: String,
    /// The test database, reached directly (the server may reach it through a proxy).
    pub database_url: String,
    pub client: reqwest::Client,
    /// The mail server emails go to: see `mail` for what was sent.
    pub mail_server: CapturingMailer,
    /// Sends emails after mutations commit, in the background.
    pub notifier: Notifier,
    pub db: DatabaseConnection,
    /// Practice search's pool (the main pool on SQLite).
    pub search_db: DatabaseConnection,
    /// Delivers webhooks in the background.
    pub webhooks: trellis::webhooks::Worker,
    /// The server's command line, to start it again (`restart`).
    argv: Vec<String>,
    /// Dropped after the server's pools stop being needed, before the folder.
    _database: TestDatabase,
    _dir: tempfile::TempDir,
}

fn init_tracing() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(std::env::var("TEST_LOG").unwrap_or_else(|_| "error".into()))
            .with_test_writer()
            .try_init();
    });
}

/// A fresh, empty database for one test: a SQLite file in the test's folder, or a new
/// PostgreSQL database that is dropped again when this is.
pub struct TestDatabase {
    pub url: String,
    /// The PostgreSQL server's URL and the database's name.
    postgres: Option<(String, String)>,
}

/// Whether a `postgres_only_` test is skipped, because the tests run on SQLite
/// (`TEST_DATABASE_URL` names no server). A skip is said on the test run's stderr, past
/// the harness's capture, so that a run on SQLite shows what it did not test.
pub fn skipped_unless_postgres(test: &str) -> bool {
    let postgres = std::env::var("TEST_DATABASE_URL").is_ok_and(|server| !server.is_empty());
    if !postgres {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test}: it runs on PostgreSQL only (set TEST_DATABASE_URL)"
        );
    }
    !postgres
}

pub async fn fresh_database(dir: &tempfile::TempDir) -> TestDatabase {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => {
            let server = server.trim_end_matches('/').to_owned();
            let name = format!("trellis_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(format!("{server}/postgres"))
                .await
                .expect("connect to the PostgreSQL server");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create a test database");
            admin.close().await.ok();
            TestDatabase {
                url: format!("{server}/{name}"),
                postgres: Some((server, name)),
            }
        }
        _ => TestDatabase {
            url: format!("sqlite://{}/test.db?mode=rwc", dir.path().display()),
            postgres: None,
        },
    }
}

/// A database of its own, migrated up to (not including) the migration `name`: for a
/// test of what that migration does to rows written before it.
pub struct BeforeMigration {
    pub db: DatabaseConnection,
    pub backend: sea_orm::DbBackend,
    /// Dropped after `db`, which closes first.
    _database: TestDatabase,
}

impl BeforeMigration {
    pub async fn new(dir: &tempfile::TempDir, name: &str) -> Self {
        use migration::{Migrator, MigratorTrait};
        let database = fresh_database(dir).await;
        let db = Database::connect(&database.url).await.unwrap();
        let before = Migrator::migrations()
            .iter()
            .position(|m| m.name() == name)
            .expect("the migration is registered");
        Migrator::up(&db, Some(before as u32)).await.unwrap();
        Self {
            backend: db.get_database_backend(),
            db,
            _database: database,
        }
    }

    /// Runs one statement, which must succeed.
    pub async fn run(&self, sql: String) {
        self.db
            .execute_raw(sea_orm::Statement::from_string(self.backend, sql))
            .await
            .unwrap();
    }

    /// The current time, in this database's SQL.
    pub fn now(&self) -> &'static str {
        match self.backend {
            sea_orm::DbBackend::Postgres => "now()",
            _ => "CURRENT_TIMESTAMP",
        }
    }
}

impl Drop for TestDatabase {
    /// Drops the PostgreSQL database, closing the connections the test's server still
    /// holds: a suite run would otherwise leave hundreds behind. On a thread of its own,
    /// as `drop` cannot wait on the test's runtime.
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let admin = Database::connect(format!("{server}/postgres")).await.ok()?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        });
        // A database left behind is only clutter (`.ci/run` drops leftovers).
        let _ = dropped.join();
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts a server with extra command-line flags, such as `["--max-depth", "5"]`.
pub async fn spawn_app_with(flags: &[&str]) -> TestApp {
    spawn_app_routed(flags, str::to_owned).await
}

/// Starts a server that reaches its fresh database at `route(url)` rather than at the
/// database's own URL: through a proxy the test controls, for example.
pub async fn spawn_app_routed(flags: &[&str], route: impl FnOnce(&str) -> String) -> TestApp {
    init_tracing();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let database = fresh_database(&dir).await;
    let outbox = dir.path().join("outbox");
    let mut argv = vec![
        "trellis".to_owned(),
        "--database-url".into(),
        route(&database.url),
        "--jwt-secret".into(),
        "a test secret that is long enough for HS256!".into(),
        "--outbox-dir".into(),
        outbox.display().to_string(),
    ];
    if !flags.contains(&"--db-max-connections") {
        argv.extend(["--db-max-connections".into(), "5".into()]);
    }
    argv.extend(flags.iter().map(|flag| (*flag).to_owned()));
    start(argv, database, dir).await
}

/// Starts the server `argv` describes over `database`.
async fn start(argv: Vec<String>, database: TestDatabase, dir: tempfile::TempDir) -> TestApp {
    let config = Args::parse_from(argv.clone()).config;
    let metrics = Metrics::new();
    let db = trellis::open_database(&config.database, &metrics)
        .await
        .expect("open the test database");
    let secret = trellis::signing_secret(&config).expect("a secret");
    let mailer = CapturingMailer::default();
    let search_db = trellis::open_search_pool(&config.database, &db, &metrics)
        .await
        .expect("open the search pool");
    let state = trellis::app_state(
        &config,
        db.clone(),
        search_db.clone(),
        metrics,
        &secret,
        Arc::new(mailer.clone()),
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().unwrap().port();
    let notifier = state.services.notifier.clone();
    let webhooks = state.webhooks.clone();
    let server = trellis::http::serve(state, listener, None).expect("start the server");
    tokio::spawn(server);
    TestApp {
        url: format!("http://127.0.0.1:{port}"),
        database_url: database.url.clone(),
        client: reqwest::Client::new(),
        mail_server: mailer,
        notifier,
        db,
        search_db,
        webhooks,
        argv,
        _database: database,
        _dir: dir,
    }
}

impl TestApp {
    /// A second server over the same database, as another instance behind a load
    /// balancer would be: its own pools and its own webhook worker.
    pub async fn another_instance(&self) -> TestApp {
        let database = TestDatabase {
            url: self._database.url.clone(),
            postgres: None,
        };
        let dir = tempfile::tempdir().expect("a temporary folder");
        start(self.argv.clone(), database, dir).await
    }

    /// Stops the webhook worker at once, mid-round, as a crash would stop the process, and
    /// starts a new server over the same database, with the same flags. (The old server's
    /// HTTP side keeps answering at its address; it no longer delivers anything.)
    pub async fn restart(self) -> TestApp {
        self.webhooks.kill();
        start(self.argv, self._database, self._dir).await
    }

    /// Runs an operation as `token` (or anonymously) and returns the whole response body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("the server answers")
            .json()
            .await
            .expect("a JSON body")
    }

    /// Runs an operation as `token` (or anonymously) and returns the body as text, for
    /// what `serde_json::Value` loses (the order of keys).
    pub async fn gql_text(&self, token: Option<&str>, query: &str, variables: Value) -> String {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("the server answers")
            .text()
            .await
            .expect("a body")
    }

    /// Runs an operation that must succeed without top-level errors; returns `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Signs in and returns the access token.
    pub async fn sign_in(&self, email: &str) -> String {
        let data = self
            .ok(
                None,
                "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } userErrors { code message } } }",
                json!({ "e": email, "p": PASSWORD }),
            )
            .await;
        data["signIn"]["session"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("sign-in of {email} failed: {data:#}"))
            .to_owned()
    }

    /// Every email sent so far, once those queued by earlier mutations have gone.
    pub async fn mail(&self) -> Vec<Email> {
        self.notifier.settled().await;
        self.mail_server.sent()
    }

    /// SQL statements run so far, read from `/metrics`, once the emails of earlier
    /// mutations (whose recipients are checked in the background) have gone.
    pub async fn sql_statements(&self) -> u64 {
        self.notifier.settled().await;
        let text = self
            .client
            .get(format!("{}/metrics", self.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|line| line.strip_prefix("trellis_sql_statements_total "))
            .and_then(|value| value.trim().parse().ok())
            .expect("the statement counter in /metrics")
    }

    /// The SQL statements `request` runs, and what its last run returned. It runs once
    /// unmeasured first (a caller's access is remembered for 2 s, and reading it again is
    /// no part of what a test measures; nor are notices of earlier writes, sent after
    /// commit), then three times measured, keeping the fewest: on a loaded machine the
    /// remembered access may still lapse between runs, or a background job's round fall
    /// into one, and either only ever adds statements. For requests that change nothing.
    pub async fn statements_of<T, F: Future<Output = T>>(
        &self,
        request: impl Fn() -> F,
    ) -> (u64, T) {
        request().await;
        let mut fewest = u64::MAX;
        let mut answer = None;
        for _ in 0..3 {
            let before = self.sql_statements().await;
            answer = Some(request().await);
            fewest = fewest.min(self.sql_statements().await - before);
        }
        (fewest, answer.expect("three runs"))
    }

    /// `statements_of` a GraphQL query that must succeed, with its `data`.
    pub async fn query_statements(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (u64, Value) {
        self.statements_of(|| self.ok(token, query, variables.clone()))
            .await
    }

    // ---- fixtures written straight to the database ----

    pub async fn person(&self, email: &str, platform_admin: bool) -> i32 {
        let now = Utc::now();
        let (given, family) = email.split_once('@').unwrap();
        person::ActiveModel {
            email: Set(email.to_lowercase()),
            given_name: Set(given.to_owned()),
            family_name: Set(family.to_owned()),
            status: Set(PersonStatus::Active),
            password_hash: Set(Some(PASSWORD_HASH.clone())),
            is_platform_admin: Set(platform_admin),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
        .id
    }

    pub async fn school(&self, name: &str) -> i32 {
        self.school_with_urn(name, None).await
    }

    /// A school as GIAS knows it, by its URN (which OneRoster exports name it by).
    pub async fn school_with_urn(&self, name: &str, urn: Option<&str>) -> i32 {
        let now = Utc::now();
        school::ActiveModel {
            urn: Set(urn.map(str::to_owned)),
            name: Set(name.to_owned()),
            phase: Set(SchoolPhase::Primary),
            establishment_type: Set(None),
            local_authority: Set(None),
            postcode: Set(None),
            status: Set(SchoolStatus::Open),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
        .id
    }

    pub async fn alliance(&self, name: &str) -> i32 {
        let now = Utc::now();
        alliance::ActiveModel {
            name: Set(name.to_owned()),
            kind: Set(AllianceKind::TeachingSchoolAlliance),
            vision: Set(None),
            description: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
        .id
    }

    pub async fn member(&self, alliance: i32, school: i32) -> i32 {
        let now = Utc::now();
        alliance_membership::ActiveModel {
            alliance_id: Set(alliance),
            school_id: Set(school),
            role: Set(MembershipRole::Member),
            status: Set(MembershipStatus::Active),
            invited_by_id: Set(None),
            invited_at: Set(now),
            joined_at: Set(Some(now)),
            ended_at: Set(None),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
        .id
    }

    pub async fn staff(&self, person: i32, school: i32, role: StaffRoleKind) -> i32 {
        staff_role::ActiveModel {
            person_id: Set(person),
            school_id: Set(school),
            role: Set(role),
            job_title: Set(None),
            subjects: Set(json!([])),
            phases: Set(json!([])),
            starts_on: Set(Utc::now().date_naive()),
            ends_on: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
        .id
    }

    pub async fn alliance_role(&self, person: i32, alliance: i32, role: AllianceRoleKind) -> i32 {
        alliance_role::ActiveModel {
            person_id: Set(person),
            alliance_id: Set(alliance),
            role: Set(role),
            expertise: Set(json!([])),
            starts_on: Set(Utc::now().date_naive()),
            ends_on: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
        .id
    }
}

/// The global id the API gives an object of `kind` with key `id`.
pub fn gid(kind: &str, id: i32) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{id}"))
}
