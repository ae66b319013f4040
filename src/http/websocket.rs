//! WebSocket connections to `/graphql`, which GraphQL clients open for subscriptions
//! (the graphql-transport-ws protocol). Until Trellis serves subscriptions, such a client
//! is told so in words: the connection opens, with the protocol it asked for, and closes
//! at once with code 4400 and a reason. graphql-ws clients hand the reason to the
//! application and do not retry a 4400, so no client reconnects in a loop.

use actix_web::guard::GuardContext;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason};

/// The subprotocol of graphql-ws (and of Apollo Client's and urql's WebSocket links).
const GRAPHQL_TRANSPORT_WS: &str = "graphql-transport-ws";

/// The close code graphql-transport-ws gives a request the server will not serve.
const BAD_REQUEST: u16 = 4400;

pub const NO_SUBSCRIPTIONS: &str =
    "this server does not serve subscriptions yet; send queries and mutations by HTTP";

/// Whether a request asks to become a WebSocket (`Upgrade: websocket`, in any case).
pub fn is_upgrade(ctx: &GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("websocket"))
}

pub async fn refuse(req: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let (response, session, _messages) =
        actix_ws::handle_with_protocols(&req, body, &[GRAPHQL_TRANSPORT_WS])?;
    actix_web::rt::spawn(session.close(Some(CloseReason {
        code: CloseCode::Other(BAD_REQUEST),
        description: Some(NO_SUBSCRIPTIONS.to_owned()),
    })));
    Ok(response)
}
