//! A webhook receiver for tests: a real HTTP server on 127.0.0.1 that answers 500 while it
//! is "down" (for its first attempts, or until told), then 200, and keeps every event it
//! accepted with the headers it came with. Signatures are checked here with the `hmac`
//! crate directly, as a receiver would, not with the server's own function.

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::Utc;
use entity::enums::WebhookEventType;
use hmac::{Hmac, Mac};
use sea_orm::ActiveEnum;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::TestApp;
use crate::common::service_accounts::Tenant;

/// One accepted delivery.
#[derive(Debug, Clone)]
pub struct Received {
    pub body: Value,
    pub raw: Vec<u8>,
    pub signature: String,
    pub event_id_header: String,
    pub content_type: String,
    pub user_agent: String,
}

#[derive(Default)]
struct State {
    /// Attempts still to refuse with a 500.
    failures_left: usize,
    /// Refuses every attempt while set.
    down: bool,
    attempts: usize,
    received: Vec<Received>,
}

pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<State>>,
}

fn header(req: &HttpRequest, name: &str) -> String {
    req.headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn accept(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<Mutex<State>>>,
) -> HttpResponse {
    let mut state = state.lock().unwrap();
    state.attempts += 1;
    if state.down || state.failures_left > 0 {
        state.failures_left = state.failures_left.saturating_sub(1);
        return HttpResponse::InternalServerError().body("down");
    }
    state.received.push(Received {
        body: serde_json::from_slice(&body).expect("a JSON body"),
        raw: body.to_vec(),
        signature: header(&req, "Trellis-Signature"),
        event_id_header: header(&req, "Trellis-Event-Id"),
        content_type: header(&req, "Content-Type"),
        user_agent: header(&req, "User-Agent"),
    });
    HttpResponse::Ok().finish()
}

impl Receiver {
    /// A receiver that answers 500 to its first `failures` attempts.
    pub fn failing_first(failures: usize) -> Self {
        let state = Arc::new(Mutex::new(State {
            failures_left: failures,
            ..State::default()
        }));
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().unwrap().port();
        let shared = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .route("/hooks", web::post().to(accept))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}/hooks"),
            state,
        }
    }

    /// A receiver that is down until `up` is called.
    pub fn down() -> Self {
        let receiver = Self::failing_first(0);
        receiver.state.lock().unwrap().down = true;
        receiver
    }

    pub fn up(&self) {
        self.state.lock().unwrap().down = false;
    }

    /// Refuses every attempt from now on, until `up` is called.
    pub fn go_down(&self) {
        self.state.lock().unwrap().down = true;
    }

    pub fn attempts(&self) -> usize {
        self.state.lock().unwrap().attempts
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// The ids of the events accepted, each once; panics on a duplicate.
    pub fn event_ids(&self) -> HashSet<String> {
        let mut ids = HashSet::new();
        for received in self.received() {
            let id = received.body["id"].as_str().unwrap().to_owned();
            assert!(ids.insert(id.clone()), "{id} arrived twice");
        }
        ids
    }

    /// Waits until `done` holds of what was received (at most 30 seconds).
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) {
        for _ in 0..600 {
            if done(&self.received()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "timed out waiting for {what}: received {:#?}",
            self.received()
        );
    }
}

/// Checks a `Trellis-Signature` header against the body as Stripe's receivers do:
/// HMAC-SHA256 of "t.body" keyed with the secret, and a recent `t`.
pub fn signature_is_valid(secret: &str, received: &Received) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in received.signature.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = Some(value.to_owned()),
            Some(("v1", value)) => v1 = Some(value.to_owned()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let recent = t
        .parse::<i64>()
        .is_ok_and(|t| (Utc::now().timestamp() - t).abs() < 300);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&received.raw);
    let Ok(expected) = hex::decode(v1) else {
        return false;
    };
    recent && mac.verify_slice(&expected).is_ok()
}

/// Fast retries and polling, and endpoints on 127.0.0.1 allowed.
pub const DELIVERY_FLAGS: &[&str] = &[
    "--webhook-allow-http-localhost",
    "--webhook-retry-base-ms",
    "20",
    "--webhook-retry-cap-ms",
    "200",
    "--webhook-poll-ms",
    "50",
    "--webhook-timeout-ms",
    "2000",
];

/// Every scope a webhook integration reads with, and `webhooks:manage`.
pub const WEBHOOK_SCOPES: &[&str] = &[
    "SCHOOLS_READ",
    "PEOPLE_READ",
    "COMMUNITIES_READ",
    "PRACTICE_READ",
    "WEBHOOKS_MANAGE",
];

pub const REGISTER: &str = "mutation($url: String!, $types: [WebhookEventType!]!) {
  registerWebhookEndpoint(input: {url: $url, eventTypes: $types, description: \"test\"}) {
    registered { signingSecret endpoint { id url eventTypes enabled version } }
    userErrors { field code message }
  }
}";

/// Registers an endpoint as an integration would: `manager` (who manages `tenant`)
/// creates a service account with `WEBHOOK_SCOPES`, which registers the endpoint with its
/// own token. Returns the endpoint's key, its signing secret and the account's token.
pub async fn endpoint(
    app: &TestApp,
    manager: &str,
    tenant: Tenant,
    url: &str,
    types: &[WebhookEventType],
) -> (i32, String, String) {
    let (_, token) = app
        .service_account_with_token(manager, tenant, WEBHOOK_SCOPES)
        .await;
    let (key, secret) = register(app, &token, url, types).await;
    (key, secret, token)
}

/// Registers an endpoint with a service account's token; panics if refused.
pub async fn register(
    app: &TestApp,
    token: &str,
    url: &str,
    types: &[WebhookEventType],
) -> (i32, String) {
    let types: Vec<String> = types.iter().map(|t| t.to_value()).collect();
    let data = app
        .ok(Some(token), REGISTER, json!({ "url": url, "types": types }))
        .await;
    let registered = &data["registerWebhookEndpoint"]["registered"];
    assert!(registered.is_object(), "registration refused: {data:#}");
    let id = registered["endpoint"]["id"].as_str().unwrap();
    (
        key_of(id),
        registered["signingSecret"].as_str().unwrap().to_owned(),
    )
}

/// The key in a global id (`Type:key`).
pub fn key_of(id: &str) -> i32 {
    use base64::Engine;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id)
        .unwrap();
    let text = String::from_utf8(text).unwrap();
    text.split_once(':').unwrap().1.parse().unwrap()
}
