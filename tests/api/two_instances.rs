//! More than one instance on one database (issue 23): real `trellis` processes beside the
//! test's own server, sharing its PostgreSQL database and a Redis.
//!
//! Tests named `postgres_and_redis_only_` need both: `TEST_DATABASE_URL` and
//! `TEST_REDIS_URL` (`.ci/run` sets them; `TEST_` rather than `TRELLIS_REDIS_URL`, which
//! would make every other test's server count its limits in the one Redis too). Without
//! them they say on stderr that they were skipped.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::process::ServerProcess;
use crate::common::{PASSWORD, TestApp, fresh_database, skipped_unless_postgres, spawn_app_with};

const SIGN_IN: &str = "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } userErrors { code } } }";
const VIEWER: &str = "{ viewer { person { email } } }";

/// The Redis the two-instance tests share, or `None` (said on stderr) when the tests do
/// not run on PostgreSQL with a Redis.
fn redis_unless_skipped(test: &str) -> Option<String> {
    if skipped_unless_postgres(test) {
        return None;
    }
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped {test}: it needs a Redis (set TEST_REDIS_URL)"
            );
            None
        }
    }
}

/// One answer: status, `RateLimit-Remaining`, `Retry-After`, body.
struct Answer {
    status: StatusCode,
    remaining: Option<u32>,
    retry_after: Option<u64>,
    body: Value,
}

async fn post(url: &str, token: Option<&str>, query: &str, variables: Value) -> Answer {
    let mut request = reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse().ok())
    };
    Answer {
        status: response.status(),
        remaining: header("ratelimit-remaining").map(|n: u64| n as u32),
        retry_after: header("retry-after"),
        body: response.json().await.expect("a JSON body"),
    }
}

async fn ready(url: &str) -> (StatusCode, Value) {
    let response = reqwest::get(format!("{url}/readyz"))
        .await
        .expect("the server answers");
    (response.status(), response.json().await.expect("JSON"))
}

/// Waits until the server at `url` hears the other instances.
async fn listening(url: &str) {
    for _ in 0..100 {
        if ready(url).await.1["detail"]["otherInstances"] == "listening" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never listened to the other instances");
}

/// An email no earlier run used: the counts in Redis outlive a test.
fn fresh_email() -> String {
    format!("nobody-{}@example.org", uuid::Uuid::new_v4().simple())
}

/// Attempts to sign in as `email` alternately through each of `urls` until one is
/// refused; returns the `RateLimit-Remaining` of each allowed attempt and the refusal.
async fn sign_in_until_refused(urls: &[&str], email: &str) -> (Vec<u32>, Answer) {
    let mut remaining = Vec::new();
    for attempt in 0..20 {
        let url = urls[attempt % urls.len()];
        let answer = post(
            url,
            None,
            SIGN_IN,
            json!({ "e": email, "p": "not-the-password-1" }),
        )
        .await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            return (remaining, answer);
        }
        assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
        remaining.push(answer.remaining.expect("RateLimit-Remaining"));
    }
    panic!("twenty attempts and none refused");
}

/// Five attempts per email a minute, counted in Redis: attempts through A and B count
/// together, and the refusal on B after A's attempts is the one a single server gives
/// (429, `RATE_LIMITED`, `Retry-After`).
#[tokio::test]
async fn postgres_and_redis_only_a_sign_in_limit_hit_through_one_instance_holds_on_the_other() {
    let test =
        "postgres_and_redis_only_a_sign_in_limit_hit_through_one_instance_holds_on_the_other";
    let Some(redis) = redis_unless_skipped(test) else {
        return;
    };
    let flags = ["--redis-url", &redis, "--sign-in-per-ip-per-minute", "1000"];
    let a = spawn_app_with(&flags).await;
    let b = ServerProcess::serve_on(&a.database_url, &flags, &[]).await;
    let email = fresh_email();
    let (remaining, refused) = sign_in_until_refused(&[&a.url, &b.url], &email).await;
    assert_eq!(remaining, [4, 3, 2, 1, 0], "one count for both instances");
    assert_eq!(
        refused.body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{:#}",
        refused.body
    );
    assert!(
        refused
            .retry_after
            .is_some_and(|secs| (1..=12).contains(&secs))
    );
    // Refused through A as well, and another email is not.
    let again = post(&a.url, None, SIGN_IN, json!({ "e": email, "p": PASSWORD })).await;
    assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS);
    let other = post(
        &b.url,
        None,
        SIGN_IN,
        json!({ "e": fresh_email(), "p": PASSWORD }),
    )
    .await;
    assert_eq!(other.remaining, Some(4), "{:#}", other.body);
    let (status, body) = ready(&b.url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["detail"]["rateLimits"], "shared in Redis", "{body:#}");
    assert_eq!(body["detail"]["otherInstances"], "listening", "{body:#}");
    b.stop().await;
}

/// Without Redis, PostgreSQL holds the one count.
#[tokio::test]
async fn postgres_only_a_sign_in_limit_is_shared_through_the_database_without_redis() {
    if skipped_unless_postgres(
        "postgres_only_a_sign_in_limit_is_shared_through_the_database_without_redis",
    ) {
        return;
    }
    let a = spawn_app_with(&[]).await;
    let b = a.another_instance().await;
    let (remaining, refused) = sign_in_until_refused(&[&a.url, &b.url], &fresh_email()).await;
    assert_eq!(remaining, [4, 3, 2, 1, 0], "one count for both instances");
    assert_eq!(
        refused.body["errors"][0]["extensions"]["code"],
        "RATE_LIMITED"
    );
    let (_, body) = ready(&b.url).await;
    assert_eq!(
        body["detail"]["rateLimits"], "shared in PostgreSQL",
        "{body:#}"
    );
}

/// A person signs out through A; B, which remembers the sign-in for a minute
/// (`--caller-cache-ms 60000`), refuses the token within a second: A's write reaches it
/// by `NOTIFY`, not by its cache's time running out.
#[tokio::test]
async fn postgres_and_redis_only_an_access_change_on_one_instance_is_seen_by_the_other_within_a_second()
 {
    let test = "postgres_and_redis_only_an_access_change_on_one_instance_is_seen_by_the_other_within_a_second";
    let Some(redis) = redis_unless_skipped(test) else {
        return;
    };
    let flags = ["--redis-url", &redis, "--caller-cache-ms", "60000"];
    let a = spawn_app_with(&flags).await;
    let b = ServerProcess::serve_on(&a.database_url, &flags, &[]).await;
    a.person("ada@example.org", false).await;
    let token = a.sign_in("ada@example.org").await;
    listening(&b.url).await;
    // B remembers the sign-in.
    for _ in 0..2 {
        let read = post(&b.url, Some(&token), VIEWER, json!({})).await;
        assert_eq!(read.status, StatusCode::OK, "{:#}", read.body);
        assert_eq!(
            read.body["data"]["viewer"]["person"]["email"],
            "ada@example.org"
        );
    }
    let signed_out = a
        .ok(
            Some(&token),
            "mutation { signOut { signedOut } }",
            json!({}),
        )
        .await;
    assert_eq!(signed_out["signOut"]["signedOut"], true);
    let since = Instant::now();
    let refused = loop {
        let read = post(&b.url, Some(&token), VIEWER, json!({})).await;
        if read.status == StatusCode::UNAUTHORIZED {
            break since.elapsed();
        }
        assert!(
            since.elapsed() < Duration::from_secs(5),
            "B still answers: {:#}",
            read.body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(refused < Duration::from_secs(1), "seen after {refused:?}");
    b.stop().await;
}

/// Three instances; one is killed (SIGKILL) in the middle of requests. The others go on
/// answering every request, tokens issued through the dead one work on them, and the
/// limits it counted still hold.
#[tokio::test]
async fn postgres_and_redis_only_killing_one_instance_leaves_the_others_serving() {
    let test = "postgres_and_redis_only_killing_one_instance_leaves_the_others_serving";
    let Some(redis) = redis_unless_skipped(test) else {
        return;
    };
    let flags = ["--redis-url", &redis, "--sign-in-per-ip-per-minute", "1000"];
    let a = spawn_app_with(&flags).await;
    let doomed = ServerProcess::serve_on(&a.database_url, &flags, &[]).await;
    let b = ServerProcess::serve_on(&a.database_url, &flags, &[]).await;
    a.person("ada@example.org", false).await;
    let issued = post(
        &doomed.url,
        None,
        SIGN_IN,
        json!({ "e": "ada@example.org", "p": PASSWORD }),
    )
    .await;
    let token = issued.body["data"]["signIn"]["session"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{:#}", issued.body))
        .to_owned();
    let email = fresh_email();
    for _ in 0..3 {
        post(
            &doomed.url,
            None,
            SIGN_IN,
            json!({ "e": email, "p": "wrong-password-1" }),
        )
        .await;
    }

    let reads = async {
        let mut answered = 0;
        for _ in 0..40 {
            for url in [&a.url, &b.url] {
                let read = post(url, Some(&token), VIEWER, json!({})).await;
                assert_eq!(read.status, StatusCode::OK, "{:#}", read.body);
                answered += 1;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        answered
    };
    let kill = async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        doomed.stop().await;
    };
    let (answered, ()) = tokio::join!(reads, kill);
    assert_eq!(answered, 80);
    // The dead instance's three attempts still count: two are left.
    let (remaining, _) = sign_in_until_refused(&[&b.url, &a.url], &email).await;
    assert_eq!(remaining, [1, 0]);
    assert_eq!(ready(&b.url).await.0, StatusCode::OK);
    b.stop().await;
}

/// Instances started at once on an empty database: one migrates while the others wait
/// for its advisory lock, and every one starts.
#[tokio::test]
async fn postgres_only_instances_started_at_once_migrate_once() {
    if skipped_unless_postgres("postgres_only_instances_started_at_once_migrate_once") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(&dir).await;
    let (a, b, c) = tokio::join!(
        ServerProcess::serve_on(&database.url, &[], &[]),
        ServerProcess::serve_on(&database.url, &[], &[]),
        ServerProcess::serve_on(&database.url, &[], &[]),
    );
    for server in [&a, &b, &c] {
        assert_eq!(ready(&server.url).await.0, StatusCode::OK);
    }
    for server in [a, b, c] {
        let log = server.stop().await;
        assert!(!log.contains("could not migrate"), "{log}");
    }
}

/// `serve --no-migrate` on a database that lacks migrations starts, says so, and is not
/// ready until `trellis migrate` applies them.
#[tokio::test]
async fn no_migrate_serves_unready_until_the_migrations_are_applied() {
    let server = ServerProcess::serve(&["--no-migrate"], &[]).await;
    let (status, body) = ready(&server.url).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body:#}");
    assert!(
        body["detail"]["migrations"]
            .as_str()
            .is_some_and(|text| text.contains("pending")),
        "{body:#}"
    );
    let migrated = tokio::process::Command::new(env!("CARGO_BIN_EXE_trellis"))
        .args(["migrate", "--database-url", &server.database_url])
        .output()
        .await
        .unwrap();
    assert!(migrated.status.success(), "{migrated:?}");
    let (status, body) = ready(&server.url).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert_eq!(body["detail"]["migrations"], "applied");
    let log = server.stop().await;
    assert!(log.contains("--no-migrate is set"), "{log}");
}

/// With Redis down (nothing listens at its address) the server keeps serving: sign-in
/// limits are counted by the instance itself, the log says so once, and `/readyz` says
/// so while staying ready.
#[tokio::test]
async fn redis_down_limits_fall_back_to_each_instance_and_readiness_says_so() {
    let server = ServerProcess::serve(&["--redis-url", "redis://127.0.0.1:9"], &[]).await;
    let email = fresh_email();
    let (remaining, refused) = sign_in_until_refused(&[&server.url], &email).await;
    assert_eq!(
        remaining,
        [4, 3, 2, 1, 0],
        "still limited, by this instance"
    );
    assert_eq!(
        refused.body["errors"][0]["extensions"]["code"],
        "RATE_LIMITED"
    );
    let (status, body) = ready(&server.url).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert!(
        body["detail"]["rateLimits"]
            .as_str()
            .is_some_and(|text| text.starts_with("per instance: Redis cannot be reached")),
        "{body:#}"
    );
    let log = server.stop().await;
    assert_eq!(
        log.matches("the rate limits' shared store cannot be reached")
            .count(),
        1,
        "said once: {log}"
    );
}

/// Behind a trusted proxy, the client is the address the proxy puts in
/// `X-Forwarded-For` (the rightmost one that is not a trusted proxy): two clients behind
/// one proxy have a limit each. From an untrusted peer the header is ignored.
#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    async fn anonymous(app: &TestApp, forwarded_for: &str) -> StatusCode {
        app.client
            .post(format!("{}/graphql", app.url))
            .header("X-Forwarded-For", forwarded_for)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .unwrap()
            .status()
    }
    let limit = ["--anonymous-rate-limit-per-minute", "2"];
    let trusted =
        spawn_app_with(&[&limit[..], &["--trusted-proxies", "10.0.0.0/8, 127.0.0.1"]].concat())
            .await;
    for _ in 0..2 {
        assert_eq!(
            anonymous(&trusted, "1.2.3.4, 203.0.113.7").await,
            StatusCode::OK
        );
    }
    assert_eq!(
        anonymous(&trusted, "5.6.7.8, 203.0.113.7, 10.0.0.3").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the same client, whatever it wrote on the left"
    );
    assert_eq!(
        anonymous(&trusted, "203.0.113.8").await,
        StatusCode::OK,
        "another client"
    );

    let untrusted = spawn_app_with(&limit).await;
    for n in 0..2 {
        assert_eq!(
            anonymous(&untrusted, &format!("203.0.113.{n}")).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        anonymous(&untrusted, "203.0.113.9").await,
        StatusCode::TOO_MANY_REQUESTS,
        "one client, the socket's peer"
    );
}

/// The fan-out between instances: a message published by one reaches the other's
/// callback (and not its own); when the listener's connection is killed it connects
/// again, says `Missed`, and hears what comes after.
#[tokio::test]
async fn postgres_only_the_listener_reconnects_and_says_what_it_may_have_missed() {
    use trellis::cluster::{Fanout, Heard, Listener, ListenerStatus, channels, pool};
    if skipped_unless_postgres(
        "postgres_only_the_listener_reconnects_and_says_what_it_may_have_missed",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(&dir).await;
    let instance = || {
        Fanout::new(
            pool(&database.url),
            Listener::start(&database.url, channels::ALL),
        )
    };
    let (a, b) = (instance(), instance());
    let (heard_by_a, mut a_heard) = tokio::sync::mpsc::unbounded_channel();
    let (heard_by_b, mut b_heard) = tokio::sync::mpsc::unbounded_channel();
    a.on_others(channels::EVENTS, move |heard| {
        let _ = heard_by_a.send(heard);
    });
    b.on_others(channels::EVENTS, move |heard| {
        let _ = heard_by_b.send(heard);
    });
    let both_listen = async {
        while a.status() != ListenerStatus::Listening || b.status() != ListenerStatus::Listening {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), both_listen)
        .await
        .expect("both listen");

    a.publish(channels::EVENTS, "practice 7").await.unwrap();
    a.publish(channels::CALLERS, "").await.unwrap();
    assert_eq!(
        next_heard(&mut b_heard).await,
        Heard::Message {
            channel: channels::EVENTS.into(),
            payload: "practice 7".into()
        }
    );
    assert!(
        a.publish(channels::EVENTS, &"x".repeat(8000))
            .await
            .is_err(),
        "too long"
    );

    let admin = sea_orm::Database::connect(&database.url).await.unwrap();
    use sea_orm::ConnectionTrait;
    let killed = admin
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .await
        .unwrap();
    assert_eq!(killed.rows_affected(), 2, "both listeners' connections");
    assert_eq!(next_heard(&mut b_heard).await, Heard::Missed);
    assert_eq!(
        next_heard(&mut a_heard).await,
        Heard::Missed,
        "nothing of its own before"
    );
    b.publish(channels::EVENTS, "community 3").await.unwrap();
    assert_eq!(
        next_heard(&mut a_heard).await,
        Heard::Message {
            channel: channels::EVENTS.into(),
            payload: "community 3".into()
        }
    );
    admin.close().await.unwrap();
}

/// What the listener's callback passed on next, within ten seconds.
async fn next_heard(
    heard: &mut tokio::sync::mpsc::UnboundedReceiver<trellis::cluster::Heard>,
) -> trellis::cluster::Heard {
    tokio::time::timeout(Duration::from_secs(10), heard.recv())
        .await
        .expect("heard in time")
        .expect("still listening")
}
