//! A GraphQL client that opens a WebSocket on `/graphql` for subscriptions gets the
//! graphql-transport-ws subprotocol it asked for, and its `connection_init` is
//! acknowledged (the protocol itself: `subscriptions.rs`); a plain GET still runs a query.

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::common::spawn_app;

#[tokio::test]
async fn a_subscription_client_gets_its_subprotocol_and_is_acknowledged() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the WebSocket opens");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    socket
        .send(Message::Text(r#"{"type":"connection_init"}"#.into()))
        .await
        .unwrap();
    let answer = loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => break text,
            Some(Ok(_)) => continue,
            other => panic!("expected connection_ack, got {other:?}"),
        }
    };
    assert_eq!(answer.as_str(), r#"{"type":"connection_ack"}"#);
}

#[tokio::test]
async fn a_plain_get_still_runs_a_query() {
    let app = spawn_app().await;
    let body: serde_json::Value = app
        .client
        .get(format!("{}/graphql?query=%7B__typename%7D", app.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["data"]["__typename"], "Query");
}
