//! A GraphQL client that opens a WebSocket on `/graphql` for subscriptions is told in
//! words that there are none yet, with a close code that graphql-ws does not retry.

use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::common::spawn_app;

#[tokio::test]
async fn a_subscription_client_is_told_subscriptions_are_not_served_yet() {
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
    let closing = loop {
        match socket.next().await {
            Some(Ok(Message::Close(frame))) => break frame.expect("a close frame with a reason"),
            Some(Ok(_)) => continue,
            other => panic!("expected the server to close the connection, got {other:?}"),
        }
    };
    assert_eq!(closing.code, CloseCode::from(4400));
    assert!(
        closing.reason.contains("does not serve subscriptions"),
        "{}",
        closing.reason
    );
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
