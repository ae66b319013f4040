//! A database that cannot be reached: a request that needs it answers `UNAVAILABLE` with
//! `Retry-After` (and HTTP 503 when nothing could be answered), never `INTERNAL`, whether
//! the database is down or a connection breaks under a statement; readiness answers
//! without waiting for the pool; and the server recovers by itself once the database is
//! back. PostgreSQL only: the server reaches its database through a proxy the test cuts
//! (the shared PostgreSQL server stays up), or the test ends the server's connection.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, TransactionTrait,
};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use crate::common::{PASSWORD, TestApp, gid, skipped_unless_postgres, spawn_app_routed};
use crate::world::headteacher;

/// Longest any answer may take before the test calls it a hang. Not a measure of speed.
const HANG: Duration = Duration::from_secs(60);

/// A TCP proxy in front of the PostgreSQL server. Cut, it ends every connection through
/// it and closes its port, so that connecting is refused: as when the server stops.
struct Proxy {
    address: SocketAddr,
    target: String,
    accepting: Mutex<Option<JoinHandle<()>>>,
}

impl Proxy {
    /// A proxy to the server `TEST_DATABASE_URL` names; `None` when the tests run on
    /// SQLite, where `test` is skipped (and says so).
    async fn to_test_server(test: &str) -> Option<Arc<Self>> {
        if skipped_unless_postgres(test) {
            return None;
        }
        let server = std::env::var("TEST_DATABASE_URL").expect("a PostgreSQL server");
        let url = reqwest::Url::parse(&server).expect("a database URL");
        let target = format!(
            "{}:{}",
            url.host_str().expect("a host"),
            url.port().unwrap_or(5432)
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let proxy = Arc::new(Self {
            address: listener.local_addr().unwrap(),
            target,
            accepting: Mutex::new(None),
        });
        proxy.accept(listener);
        Some(proxy)
    }

    /// `url` with the proxy in place of the server.
    fn route(&self, url: &str) -> String {
        let mut url = reqwest::Url::parse(url).expect("a database URL");
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(self.address.port())).unwrap();
        url.to_string()
    }

    fn accept(&self, listener: TcpListener) {
        let target = self.target.clone();
        let task = tokio::spawn(async move {
            // Dropped with this task when the proxy is cut, which ends every connection.
            let mut connections = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                connections.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                while connections.try_join_next().is_some() {}
            }
        });
        *self.accepting.lock().unwrap() = Some(task);
    }

    /// Ends every connection and closes the port.
    async fn cut(&self) {
        let task = self.accepting.lock().unwrap().take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
    }

    /// Opens the port again.
    async fn restore(&self) {
        let listener = TcpListener::bind(self.address)
            .await
            .expect("the proxy's port again");
        self.accept(listener);
    }
}

/// An answer as a client sees it.
struct Answer {
    status: StatusCode,
    retry_after: Option<String>,
    body: Value,
}

impl Answer {
    fn code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }

    /// Asserts that the answer says the database is unavailable and when to try again.
    fn assert_unavailable(&self, what: &str) {
        assert_eq!(
            self.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{what}: {:#}",
            self.body
        );
        assert_eq!(self.code(), Some("UNAVAILABLE"), "{what}: {:#}", self.body);
        assert_eq!(
            self.body["errors"][0]["extensions"]["retryAfter"], 5,
            "{what}"
        );
        assert_eq!(self.retry_after.as_deref(), Some("5"), "{what}");
        let message = self.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("try again"), "{what}: {message}");
    }
}

async fn post(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Answer {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = tokio::time::timeout(HANG, request.send())
        .await
        .expect("an answer, not a hang")
        .expect("the server answers");
    Answer {
        status: response.status(),
        retry_after: response
            .headers()
            .get("retry-after")
            .map(|value| value.to_str().unwrap().to_owned()),
        body: response.json().await.expect("a JSON body"),
    }
}

async fn ready(app: &TestApp) -> (StatusCode, Value) {
    let response = tokio::time::timeout(HANG, app.client.get(format!("{}/readyz", app.url)).send())
        .await
        .expect("readiness answers, not hangs")
        .expect("the server answers");
    (
        response.status(),
        response.json().await.expect("a JSON body"),
    )
}

const THEMES: &str = "{ themes { id } }";
const PRACTICES: &str = "{ practices(first: 5) { totalCount } }";
const SIGN_IN: &str = "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } userErrors { code } } }";

#[tokio::test]
async fn postgres_only_an_unreachable_database_answers_unavailable_then_recovers() {
    let test = "postgres_only_an_unreachable_database_answers_unavailable_then_recovers";
    let Some(proxy) = Proxy::to_test_server(test).await else {
        return;
    };
    let app = spawn_app_routed(&[], |url| proxy.route(url)).await;
    let school = app.school("Ashby Primary").await;
    let (_, token) = headteacher(&app, "head@ashby.example", school).await;
    let credentials = json!({ "e": "head@ashby.example", "p": PASSWORD });

    proxy.cut().await;
    let (practices, themes, sign_in, readiness) = tokio::join!(
        post(&app, None, PRACTICES, json!({})),
        post(&app, Some(&token), THEMES, json!({})),
        post(&app, None, SIGN_IN, credentials.clone()),
        ready(&app),
    );
    practices.assert_unavailable("an anonymous query");
    themes.assert_unavailable("a signed-in query");
    sign_in.assert_unavailable("a mutation");
    assert_eq!(readiness.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(readiness.1["status"], "unavailable");
    assert_eq!(readiness.1["detail"]["database"], "unreachable");

    // A query that answers part of itself without the database still answers that part.
    let partial = post(
        &app,
        None,
        "query($id: ID!) { __typename node(id: $id) { id } }",
        json!({ "id": gid("Practice", 1) }),
    )
    .await;
    assert_eq!(partial.status, StatusCode::OK, "{:#}", partial.body);
    assert_eq!(partial.code(), Some("UNAVAILABLE"));
    assert_eq!(partial.retry_after.as_deref(), Some("5"));

    proxy.restore().await;
    let practices = post(&app, None, PRACTICES, json!({})).await;
    assert_eq!(practices.status, StatusCode::OK, "{:#}", practices.body);
    assert_eq!(practices.body["data"]["practices"]["totalCount"], 0);
    let themes = post(&app, Some(&token), THEMES, json!({})).await;
    assert_eq!(themes.status, StatusCode::OK, "{:#}", themes.body);
    assert!(!themes.body["data"]["themes"].as_array().unwrap().is_empty());
    let sign_in = post(&app, None, SIGN_IN, credentials).await;
    assert!(
        sign_in.body["data"]["signIn"]["session"]["accessToken"].is_string(),
        "{:#}",
        sign_in.body
    );
    let (status, readiness) = ready(&app).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(readiness["status"], "ready");
}

/// Readiness does not wait as long as requests do for a connection: with requests told to
/// wait ten minutes, it still answers (`HANG` only guards against a hang).
#[tokio::test]
async fn postgres_only_readiness_answers_without_waiting_for_a_connection() {
    let test = "postgres_only_readiness_answers_without_waiting_for_a_connection";
    let Some(proxy) = Proxy::to_test_server(test).await else {
        return;
    };
    let app = spawn_app_routed(&["--db-acquire-timeout-ms", "600000"], |url| {
        proxy.route(url)
    })
    .await;
    assert_eq!(ready(&app).await.0, StatusCode::OK);
    proxy.cut().await;
    let (status, readiness) = ready(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(readiness["detail"]["database"], "unreachable");
    proxy.restore().await;
    assert_eq!(ready(&app).await.0, StatusCode::OK);
}

/// The server's backends in the test database that wait for a lock.
async fn waiting_backends(admin: &DatabaseConnection) -> Vec<i32> {
    let waiting = Statement::from_string(
        DbBackend::Postgres,
        "SELECT pid FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    admin
        .query_all_raw(waiting)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index(0).unwrap())
        .collect()
}

/// Waits until one of the server's statements waits for the test's lock; its backend.
async fn backend_waiting_for_lock(admin: &DatabaseConnection) -> i32 {
    tokio::time::timeout(HANG, async {
        loop {
            if let Some(pid) = waiting_backends(admin).await.first() {
                return *pid;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the server's statement waits for the lock")
}

/// A connection that breaks under a statement, as when the database restarts: ended by
/// the server (`pg_terminate_backend`, SQLSTATE 57P01) or cut on the way.
#[tokio::test]
async fn postgres_only_a_connection_ended_under_a_statement_answers_unavailable() {
    let test = "postgres_only_a_connection_ended_under_a_statement_answers_unavailable";
    let Some(proxy) = Proxy::to_test_server(test).await else {
        return;
    };
    let app = Arc::new(spawn_app_routed(&[], |url| proxy.route(url)).await);
    let school = app.school("Ashby Primary").await;
    let (_, token) = headteacher(&app, "head@ashby.example", school).await;
    let token = Arc::new(token);
    let admin = Database::connect(&app.database_url).await.unwrap();
    let holder = Database::connect(&app.database_url).await.unwrap();
    // Holds every statement on `theme` still, so that one is under way when its
    // connection ends.
    let lock = holder.begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE theme IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let in_flight = || {
        let (app, token) = (app.clone(), token.clone());
        tokio::spawn(async move { post(&app, Some(&token), THEMES, json!({})).await })
    };

    let request = in_flight();
    let backend = backend_waiting_for_lock(&admin).await;
    admin
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_terminate_backend({backend})"),
        ))
        .await
        .unwrap();
    request
        .await
        .unwrap()
        .assert_unavailable("a statement whose backend was terminated");

    let request = in_flight();
    backend_waiting_for_lock(&admin).await;
    proxy.cut().await;
    request
        .await
        .unwrap()
        .assert_unavailable("a statement whose connection was cut");
    proxy.restore().await;

    lock.rollback().await.unwrap();
    let themes = post(&app, Some(&token), THEMES, json!({})).await;
    assert_eq!(themes.status, StatusCode::OK, "{:#}", themes.body);
    assert!(!themes.body["data"]["themes"].as_array().unwrap().is_empty());
}
