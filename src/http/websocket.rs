//! Subscriptions over WebSocket: `GET /graphql` upgraded, with the graphql-transport-ws
//! protocol (<https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md>), which the
//! `graphql-ws` client, Apollo Client and urql speak.
//!
//! - The client signs in with `connection_init` (`{"authorization": "Bearer ..."}`, or
//!   `Authorization`), resolved exactly as the HTTP path resolves the header; no payload
//!   is anonymous. A token that is not good closes the socket with 4403; so does the
//!   periodic re-check (`--ws-session-check-secs`) once the session expired or was
//!   revoked, or the person disabled.
//! - Each `subscribe` goes through the same checks as an HTTP request (`request/`: size,
//!   nesting, depth, aliases, fragments, strict validation, arguments; the schema's
//!   complexity limit) before it runs; a refused one gets an `error` message. Mutations
//!   are sent by HTTP.
//! - Limits: connections per person (4429 past it), operations per connection (an
//!   `error` message past it), message size (4400), a `connection_init` deadline (4408),
//!   an idle connection (pings every `--ws-ping-secs`; nothing back for twice that: 1001).
//! - Protocol errors close as the specification says: 4400 for a message that is not
//!   one, 4401 for `subscribe` before the acknowledgement, 4409 for an id in use, 4429 for
//!   a second `connection_init`, 4406 without the subprotocol.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::guard::GuardContext;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, Session};
use async_graphql::dataloader::DataLoader;
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response, ServerError};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::AppState;
use super::graphql::{check_all, classify};
use crate::auth::{Caller, Principal, authenticate};
use crate::config::RealtimeConfig;
use crate::errors::{ApiError, code};
use crate::graphql::companion::Brought;
use crate::graphql::loaders::SqlLoader;

/// The subprotocol of graphql-ws (and of Apollo Client's and urql's WebSocket links).
const GRAPHQL_TRANSPORT_WS: &str = "graphql-transport-ws";

/// Close codes of graphql-transport-ws.
mod close {
    pub const BAD_REQUEST: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const SUBPROTOCOL_NOT_ACCEPTABLE: u16 = 4406;
    pub const INIT_TIMEOUT: u16 = 4408;
    pub const SUBSCRIBER_EXISTS: u16 = 4409;
    pub const TOO_MANY: u16 = 4429;
    pub const INTERNAL: u16 = 4500;
}

/// Whether a request asks to become a WebSocket (`Upgrade: websocket`, in any case).
pub fn is_upgrade(ctx: &GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("websocket"))
}

/// Open WebSocket connections per principal, on this instance.
#[derive(Default)]
pub struct Connections(Mutex<HashMap<String, usize>>);

/// One counted connection; uncounted when dropped.
struct Counted {
    connections: Arc<Connections>,
    key: String,
}

impl Connections {
    fn admit(self: &Arc<Self>, key: String, most: usize) -> Option<Counted> {
        let mut open = self.0.lock().expect("connections lock");
        let count = open.entry(key.clone()).or_default();
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(Counted {
            connections: self.clone(),
            key,
        })
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut open = self.connections.0.lock().expect("connections lock");
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// A message from the client.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Ping {},
    Pong {},
    Subscribe {
        id: String,
        payload: Box<Request>,
    },
    Complete {
        id: String,
    },
}

/// What an operation's task hands the connection.
enum Out {
    Next(String, Box<Response>),
    Done(String),
}

/// Why a connection ends.
struct Closing(u16, String);

impl Closing {
    fn new(code: u16, reason: &str) -> Self {
        Self(code, reason.to_owned())
    }
}

pub async fn serve(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let (response, session, messages) =
        actix_ws::handle_with_protocols(&req, body, &[GRAPHQL_TRANSPORT_WS])?;
    let offered = req
        .headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|protocol| protocol.trim() == GRAPHQL_TRANSPORT_WS);
    let ip = req
        .peer_addr()
        .map_or_else(|| "unknown".to_owned(), |addr| addr.ip().to_string());
    let config = state.realtime.clone();
    let messages = messages
        .max_frame_size(config.ws_max_message_bytes)
        .aggregate_continuations()
        .max_continuation_size(config.ws_max_message_bytes);
    actix_web::rt::spawn(async move {
        let mut connection = Connection {
            state: state.into_inner(),
            session: session.clone(),
            config,
            ip,
            principal: Principal::Anonymous,
            authorization: None,
            operations: HashMap::new(),
            _counted: None,
        };
        let closing = if offered {
            connection.run(messages).await
        } else {
            Closing::new(
                close::SUBPROTOCOL_NOT_ACCEPTABLE,
                "Subprotocol not acceptable: use graphql-transport-ws",
            )
        };
        for (_, task) in connection.operations.drain() {
            task.abort();
        }
        let _ = session
            .close(Some(CloseReason {
                code: CloseCode::Other(closing.0),
                description: Some(closing.1),
            }))
            .await;
    });
    Ok(response)
}

struct Connection {
    state: Arc<AppState>,
    session: Session,
    config: RealtimeConfig,
    ip: String,
    principal: Principal,
    /// The `authorization` of `connection_init`, checked again now and then.
    authorization: Option<String>,
    /// Running operations by id.
    operations: HashMap<String, AbortHandle>,
    _counted: Option<Counted>,
}

/// The key connections are counted under: the person or service account.
fn principal_key(principal: &Principal, ip: &str) -> String {
    match principal {
        Principal::Person(person) => format!("person:{}", person.person_id),
        Principal::ServiceAccount(account) => format!("service-account:{}", account.id),
        Principal::Anonymous => format!("anonymous:{ip}"),
    }
}

impl Connection {
    async fn send(&mut self, message: Value) -> Result<(), Closing> {
        self.session
            .text(message.to_string())
            .await
            .map_err(|_| Closing::new(1000, "closed"))
    }

    async fn run(&mut self, mut messages: actix_ws::AggregatedMessageStream) -> Closing {
        let (out, mut results) = mpsc::channel::<Out>(64);
        let ping_every = Duration::from_secs(self.config.ws_ping_secs.max(1));
        let mut pings =
            tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
        let check_every = Duration::from_secs(self.config.ws_session_check_secs.max(1));
        let mut checks =
            tokio::time::interval_at(tokio::time::Instant::now() + check_every, check_every);
        let init_deadline =
            tokio::time::sleep(Duration::from_secs(self.config.ws_init_timeout_secs));
        tokio::pin!(init_deadline);
        let mut acknowledged = false;
        let mut last_heard = Instant::now();
        loop {
            let step = tokio::select! {
                message = messages.next() => {
                    last_heard = Instant::now();
                    match message {
                        Some(Ok(message)) => self.receive(message, &mut acknowledged, &out).await,
                        Some(Err(actix_ws::ProtocolError::Overflow)) => Err(Closing::new(
                            close::BAD_REQUEST,
                            "the message is larger than the server accepts",
                        )),
                        Some(Err(_)) => Err(Closing::new(close::BAD_REQUEST, "not a WebSocket message")),
                        None => Err(Closing::new(1000, "closed")),
                    }
                }
                Some(result) = results.recv() => self.answer(result).await,
                () = &mut init_deadline, if !acknowledged => Err(Closing::new(
                    close::INIT_TIMEOUT,
                    "Connection initialisation timeout",
                )),
                _ = pings.tick() => {
                    if last_heard.elapsed() > ping_every * 2 {
                        Err(Closing::new(1001, "the connection was idle too long"))
                    } else {
                        self.send(json!({"type": "ping"})).await
                    }
                }
                _ = checks.tick(), if acknowledged => self.recheck().await,
            };
            if let Err(closing) = step {
                return closing;
            }
        }
    }

    async fn receive(
        &mut self,
        message: AggregatedMessage,
        acknowledged: &mut bool,
        out: &mpsc::Sender<Out>,
    ) -> Result<(), Closing> {
        let text = match message {
            AggregatedMessage::Text(text) => text,
            AggregatedMessage::Ping(bytes) => {
                return self
                    .session
                    .pong(&bytes)
                    .await
                    .map_err(|_| Closing::new(1000, "closed"));
            }
            AggregatedMessage::Pong(_) => return Ok(()),
            AggregatedMessage::Close(_) => return Err(Closing::new(1000, "closed")),
            AggregatedMessage::Binary(_) => {
                return Err(Closing::new(close::BAD_REQUEST, "messages are JSON text"));
            }
        };
        if text.len() > self.config.ws_max_message_bytes {
            return Err(Closing::new(
                close::BAD_REQUEST,
                "the message is larger than the server accepts",
            ));
        }
        let message: ClientMessage = serde_json::from_str(&text)
            .map_err(|_| Closing::new(close::BAD_REQUEST, "Invalid message received"))?;
        match message {
            ClientMessage::ConnectionInit { payload } => {
                if *acknowledged || self._counted.is_some() {
                    return Err(Closing::new(
                        close::TOO_MANY,
                        "Too many initialisation requests",
                    ));
                }
                self.sign_in(payload).await?;
                *acknowledged = true;
                self.send(json!({"type": "connection_ack"})).await
            }
            ClientMessage::Ping {} => self.send(json!({"type": "pong"})).await,
            ClientMessage::Pong {} => Ok(()),
            ClientMessage::Subscribe { id, payload } => {
                if !*acknowledged {
                    return Err(Closing::new(close::UNAUTHORIZED, "Unauthorized"));
                }
                if self.operations.contains_key(&id) {
                    return Err(Closing(
                        close::SUBSCRIBER_EXISTS,
                        format!("Subscriber for {id} already exists"),
                    ));
                }
                self.subscribe(id, *payload, out.clone()).await
            }
            ClientMessage::Complete { id } => {
                if let Some(task) = self.operations.remove(&id) {
                    task.abort();
                }
                Ok(())
            }
        }
    }

    /// Resolves the caller from `connection_init`'s payload, and counts the connection.
    async fn sign_in(&mut self, payload: Option<Value>) -> Result<(), Closing> {
        let authorization = payload.as_ref().and_then(|payload| {
            payload
                .get("authorization")
                .or_else(|| payload.get("Authorization"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
        let principal = self.authenticate(authorization.as_deref()).await?;
        let key = principal_key(&principal, &self.ip);
        let counted = self
            .state
            .ws_connections
            .admit(key, self.config.ws_max_connections_per_person)
            .ok_or_else(|| {
                Closing::new(
                    close::TOO_MANY,
                    "too many open connections for this caller; close one first",
                )
            })?;
        self._counted = Some(counted);
        self.principal = principal;
        self.authorization = authorization;
        Ok(())
    }

    async fn authenticate(&self, authorization: Option<&str>) -> Result<Principal, Closing> {
        match authenticate(
            &self.state.db,
            &self.state.services.keys,
            authorization,
            None,
        )
        .await
        {
            Ok(principal) => Ok(principal),
            Err(ApiError::Unauthenticated) => Err(Closing::new(
                close::FORBIDDEN,
                "Forbidden: the access token is not valid; refresh it or sign in again",
            )),
            Err(_) => Err(Closing::new(
                close::INTERNAL,
                "the server could not check the sign-in",
            )),
        }
    }

    /// Checks the connection's sign-in again: an expired or revoked session ends it.
    async fn recheck(&mut self) -> Result<(), Closing> {
        if matches!(self.principal, Principal::Anonymous) {
            return Ok(());
        }
        let authorization = self.authorization.clone();
        match self.authenticate(authorization.as_deref()).await {
            Ok(_) => Ok(()),
            Err(closing) if closing.0 == close::FORBIDDEN => Err(Closing::new(
                close::FORBIDDEN,
                "Forbidden: the session expired or was revoked; sign in again",
            )),
            // The database being unreachable for a moment ends no connection.
            Err(_) => Ok(()),
        }
    }

    /// Checks an operation as an HTTP request is checked, then runs it in a task of its
    /// own; an `error` message when refused.
    async fn subscribe(
        &mut self,
        id: String,
        request: Request,
        out: mpsc::Sender<Out>,
    ) -> Result<(), Closing> {
        if self.operations.len() >= self.config.ws_max_subscriptions {
            let refusal = coded(
                format!(
                    "at most {} operations run at once on one connection; complete one first",
                    self.config.ws_max_subscriptions
                ),
                code::RATE_LIMITED,
            );
            return self.refuse(&id, vec![refusal]).await;
        }
        let (mut checked, _) = check_all(&self.state, vec![request], false).await;
        let request = match checked.pop() {
            Some(Ok(request)) => request,
            Some(Err(refused)) => return self.refuse(&id, refused.errors).await,
            None => return Ok(()),
        };
        let mut request = request;
        if is_mutation(&mut request) {
            let refusal = coded(
                "send mutations by HTTP (POST /graphql), not over the WebSocket".to_owned(),
                code::BAD_USER_INPUT,
            );
            return self.refuse(&id, vec![refusal]).await;
        }
        let loader = Arc::new(DataLoader::new(
            SqlLoader {
                db: self.state.db.clone(),
                brought: Brought::new(false),
            },
            tokio::spawn,
        ));
        let request = request
            .data(Caller::new(self.principal.clone(), self.ip.clone()))
            .data(loader);
        let schema = self.state.schema.clone();
        let metrics = self.state.metrics.clone();
        let operation = id.clone();
        let request_id = format!("ws-{}", uuid::Uuid::new_v4());
        let mut answers = schema.execute_stream(request);
        // Polled once here, before the client's next message is read: the subscription
        // takes its place on the bus (see `realtime::subscriptions`).
        let first = futures_util::FutureExt::now_or_never(answers.next());
        let rest = if matches!(first, Some(None)) {
            futures_util::stream::empty().boxed()
        } else {
            answers
        };
        let task = tokio::spawn(async move {
            let mut answers = futures_util::stream::iter(first)
                .filter_map(futures_util::future::ready)
                .chain(rest);
            while let Some(mut response) = answers.next().await {
                for error in &mut response.errors {
                    crate::errors::code_unreachable_database(error);
                    let code = classify(error, &request_id);
                    metrics.graphql_errors.with_label_values(&[code]).inc();
                }
                if out
                    .send(Out::Next(operation.clone(), Box::new(response)))
                    .await
                    .is_err()
                {
                    return;
                }
            }
            let _ = out.send(Out::Done(operation)).await;
        });
        self.operations.insert(id, task.abort_handle());
        Ok(())
    }

    async fn refuse(&mut self, id: &str, errors: Vec<ServerError>) -> Result<(), Closing> {
        self.send(json!({"id": id, "type": "error", "payload": errors}))
            .await
    }

    async fn answer(&mut self, result: Out) -> Result<(), Closing> {
        match result {
            Out::Next(id, response) => {
                // An operation completed by the client meanwhile says nothing more.
                if !self.operations.contains_key(&id) {
                    return Ok(());
                }
                let payload = serde_json::to_value(&response)
                    .map_err(|_| Closing::new(close::INTERNAL, "could not write an answer"))?;
                self.send(json!({"id": id, "type": "next", "payload": payload}))
                    .await
            }
            Out::Done(id) => {
                if self.operations.remove(&id).is_some() {
                    self.send(json!({"id": id, "type": "complete"})).await
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// An error with its `extensions.code`.
fn coded(message: String, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    error
}

/// Whether the operation to run is a mutation.
fn is_mutation(request: &mut Request) -> bool {
    use async_graphql::parser::types::DocumentOperations;
    let name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    let operation = match (&document.operations, name.as_deref()) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next()
        }
        _ => None,
    };
    operation.is_some_and(|op| op.node.ty == OperationType::Mutation)
}
