//! The `trellis` binary itself, started as an operator starts it, for what only the
//! process shows: its log, and the addresses it listens on.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use super::{TestDatabase, fresh_database};

pub struct ServerProcess {
    /// Where GraphQL is served, without the `/graphql`.
    pub url: String,
    /// Where `/metrics` is served when `--metrics-bind` is given, without the `/metrics`.
    pub metrics_url: Option<String>,
    /// The database it serves.
    pub database_url: String,
    child: Child,
    /// Everything the server writes to stderr, read as it comes so that the pipe never
    /// fills and blocks the server.
    stderr: JoinHandle<String>,
    _database: TestDatabase,
    _dir: tempfile::TempDir,
}

impl ServerProcess {
    /// Runs `trellis serve` on a random port over a fresh database, with `flags` and the
    /// environment variables `env` added to a clean logging environment (no `RUST_LOG`,
    /// `TRELLIS_LOG_FORMAT` or `NO_COLOR`), stdout and stderr piped (not a terminal).
    /// Returns once it prints where it serves.
    pub async fn serve(flags: &[&str], env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let database = fresh_database(&dir).await;
        Self::start(database, dir, flags, env).await
    }

    /// Another instance over the database at `database_url` (which it does not drop), as
    /// behind a load balancer: for tests of several processes on one database.
    pub async fn serve_on(database_url: &str, flags: &[&str], env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let database = TestDatabase {
            url: database_url.to_owned(),
            postgres: None,
        };
        Self::start(database, dir, flags, env).await
    }

    async fn start(
        database: TestDatabase,
        dir: tempfile::TempDir,
        flags: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trellis"))
            .arg("serve")
            .args(["--database-url", &database.url])
            .args(["--bind", "127.0.0.1:0"])
            .args([
                "--jwt-secret",
                "a test secret that is long enough for HS256!",
            ])
            .arg("--outbox-dir")
            .arg(dir.path().join("outbox"))
            .args(flags)
            .env_remove("RUST_LOG")
            .env_remove("TRELLIS_LOG_FORMAT")
            .env_remove("NO_COLOR")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the trellis binary");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let stderr = tokio::spawn(async move {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text).await;
            text
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut metrics_url = None;
        let url = loop {
            let line = stdout
                .next_line()
                .await
                .expect("read the server's stdout")
                .expect("the server says where it serves before its stdout ends");
            if let Some(rest) = line.strip_prefix("Prometheus metrics at ") {
                metrics_url = Some(address(rest, "/metrics"));
            }
            if let Some(rest) = line.strip_prefix("Trellis is serving GraphQL at ") {
                break address(rest, "/graphql");
            }
        };
        // What it prints later (the demo's accounts) is read too: a closed pipe would
        // stop the server at its next line.
        tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });
        Self {
            url,
            metrics_url,
            database_url: database.url.clone(),
            child,
            stderr,
            _database: database,
            _dir: dir,
        }
    }

    /// Stops the server and returns everything it wrote to stderr.
    pub async fn stop(mut self) -> String {
        self.child.kill().await.expect("stop the server");
        self.stderr.await.expect("the stderr reader")
    }
}

/// `http://host:port` from `http://host:port{path} ...`.
fn address(line: &str, path: &str) -> String {
    let url = line.split_whitespace().next().expect("a URL");
    url.strip_suffix(path)
        .unwrap_or_else(|| panic!("{url} ends with {path}"))
        .to_owned()
}
