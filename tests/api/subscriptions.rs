//! Subscriptions over WebSocket (graphql-transport-ws) with a real client
//! (tokio-tungstenite): the handshake and sign-in in `connection_init`, each subscription
//! receiving what it should and nothing the policy hides (a non-member gets nothing, a
//! member removed mid-subscription stops receiving), 4403 once the session is revoked,
//! and every limit refused with the protocol's close codes.

use std::time::{Duration, Instant};

use entity::enums::{AllianceRoleKind, StaffRoleKind};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::common::process::ServerProcess;
use crate::common::{TestApp, gid, skipped_unless_postgres, spawn_app_with};
use crate::world::mutate_ok;

/// How long a test waits for what must come.
const COMES: Duration = Duration::from_secs(5);
/// How long a test waits to be sure that nothing comes.
const QUIET: Duration = Duration::from_millis(700);

struct Client {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the server sent: a message, or the close code and reason.
#[derive(Debug)]
enum Heard {
    Message(Value),
    Closed(u16, String),
}

impl Client {
    async fn open(app: &TestApp, protocol: &'static str) -> Self {
        Self::open_at(&app.url, protocol).await
    }

    /// Opens a connection to the server at `server` (`http://127.0.0.1:port`).
    async fn open_at(server: &str, protocol: &'static str) -> Self {
        let url = format!("{}/graphql", server.replacen("http", "ws", 1));
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", HeaderValue::from_static(protocol));
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the WebSocket opens");
        Self { socket }
    }

    /// Opens a connection and signs in as `token` (anonymous without); panics unless
    /// acknowledged.
    async fn signed_in(app: &TestApp, token: Option<&str>) -> Self {
        Self::signed_in_at(&app.url, token).await
    }

    /// As `signed_in`, to the server at `server`.
    async fn signed_in_at(server: &str, token: Option<&str>) -> Self {
        let mut client = Self::open_at(server, "graphql-transport-ws").await;
        match client.init(token).await {
            Heard::Message(message) => assert_eq!(message["type"], "connection_ack"),
            other => panic!("expected connection_ack, got {other:?}"),
        }
        client
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }

    async fn init(&mut self, token: Option<&str>) -> Heard {
        let payload = match token {
            Some(token) => json!({ "authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        self.hear(COMES)
            .await
            .expect("an answer to connection_init")
    }

    async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe",
                          "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// Subscribes, then waits for the answer to a ping: the server reads the ping only
    /// once the subscription listens, so what happens next is heard.
    async fn listen(&mut self, id: &str, query: &str, variables: Value) {
        self.subscribe(id, query, variables).await;
        self.send(json!({ "type": "ping" })).await;
        assert_eq!(self.message().await, json!({ "type": "pong" }));
    }

    /// The next message or close within `wait` (pings are answered and skipped); `None`
    /// when nothing came.
    async fn hear(&mut self, wait: Duration) -> Option<Heard> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next()).await;
            match frame {
                Err(_) => return None,
                Ok(Some(Ok(Message::Text(text)))) => {
                    let message: Value = serde_json::from_str(&text).unwrap();
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Some(Heard::Message(message));
                }
                Ok(Some(Ok(Message::Close(frame)))) => {
                    let frame = frame.expect("a close frame with a code");
                    return Some(Heard::Closed(frame.code.into(), frame.reason.to_string()));
                }
                Ok(Some(Ok(_))) => continue,
                Ok(other) => panic!("the connection broke: {other:?}"),
            }
        }
    }

    /// The next message, which must come.
    async fn message(&mut self) -> Value {
        match self.hear(COMES).await {
            Some(Heard::Message(message)) => message,
            other => panic!("expected a message, got {other:?}"),
        }
    }

    /// The close code, which must come.
    async fn closed(&mut self) -> (u16, String) {
        match self.hear(COMES).await {
            Some(Heard::Closed(code, reason)) => (code, reason),
            other => panic!("expected the connection to close, got {other:?}"),
        }
    }

    /// Asserts that nothing comes for a while.
    async fn hears_nothing(&mut self) {
        if let Some(heard) = self.hear(QUIET).await {
            panic!("expected nothing, got {heard:?}");
        }
    }
}

/// An alliance with Ashby and Brook. At Ashby: the headteacher Hana (also the alliance's
/// CPD lead) and the teacher Amy; at Brook, the teacher Ben.
struct World {
    app: TestApp,
    alliance: i32,
    ashby: i32,
    hana: String,
    amy: String,
    ben: String,
}

async fn world(flags: &[&str]) -> World {
    let app = spawn_app_with(flags).await;
    let alliance = app.alliance("Severn Alliance").await;
    let ashby = app.school("Ashby Primary").await;
    let brook = app.school("Brook Academy").await;
    app.member(alliance, ashby).await;
    app.member(alliance, brook).await;
    let hana = app.person("hana@ashby.example", false).await;
    app.staff(hana, ashby, StaffRoleKind::Headteacher).await;
    app.alliance_role(hana, alliance, AllianceRoleKind::CpdLead)
        .await;
    let amy = app.person("amy@ashby.example", false).await;
    app.staff(amy, ashby, StaffRoleKind::Teacher).await;
    let ben = app.person("ben@brook.example", false).await;
    app.staff(ben, brook, StaffRoleKind::Teacher).await;
    World {
        hana: app.sign_in("hana@ashby.example").await,
        amy: app.sign_in("amy@ashby.example").await,
        ben: app.sign_in("ben@brook.example").await,
        app,
        alliance,
        ashby,
    }
}

impl World {
    /// Amy's draft, to be shared with the alliance; its global id and version.
    async fn draft(&self, title: &str) -> Value {
        mutate_ok(
            &self.app,
            &self.amy,
            "createPractice",
            "practice { id version }",
            json!({
                "schoolId": gid("School", self.ashby), "kind": "CASE_STUDY", "title": title,
                "summary": "Checking understanding.", "bodyMarkdown": "One question, four answers.",
                "audience": { "visibility": "ALLIANCE", "allianceId": gid("Alliance", self.alliance) },
            }),
        )
        .await["practice"]
            .clone()
    }

    /// A community Hana runs, with Amy as a member; its id and Amy's membership.
    async fn community(&self) -> (Value, Value) {
        let community = mutate_ok(
            &self.app,
            &self.hana,
            "createCommunity",
            "community { id }",
            json!({ "allianceId": gid("Alliance", self.alliance), "name": "KS2 Questioning",
                    "kind": "COLLABORATION_NETWORK" }),
        )
        .await["community"]["id"]
            .clone();
        let asked = mutate_ok(
            &self.app,
            &self.amy,
            "requestToJoinCommunity",
            "membership { id }",
            json!({ "communityId": community }),
        )
        .await["membership"]["id"]
            .clone();
        mutate_ok(
            &self.app,
            &self.hana,
            "approveCommunityMembership",
            "membership { id }",
            json!({ "membershipId": asked }),
        )
        .await;
        (community, asked)
    }

    async fn thread(&self, community: &Value, title: &str) -> Value {
        mutate_ok(
            &self.app,
            &self.hana,
            "startDiscussionThread",
            "thread { id }",
            json!({ "communityId": community, "title": title, "bodyMarkdown": "Let us begin." }),
        )
        .await["thread"]["id"]
            .clone()
    }
}

const ACTIVITY: &str = "subscription($id: ID!) { communityActivity(communityId: $id) { kind thread { id title } reply { id } meeting { id title } } }";
const PRACTICE: &str = "subscription($id: ID!) { practiceChanged(id: $id) { id title } }";
const EVENT: &str = "subscription($id: ID!) { eventChanged(id: $id) { id status placesLeft } }";
const NOTIFICATIONS: &str = "subscription { notificationAdded { id type text subjectId read } }";

#[tokio::test]
async fn the_handshake_acknowledges_a_signed_in_or_anonymous_client_and_answers_pings() {
    let w = world(&[]).await;
    let mut client = Client::signed_in(&w.app, Some(&w.amy)).await;
    client.send(json!({ "type": "ping" })).await;
    assert_eq!(client.message().await, json!({ "type": "pong" }));
    // `Authorization` is accepted too.
    let mut capital = Client::open(&w.app, "graphql-transport-ws").await;
    capital
        .send(json!({ "type": "connection_init",
                      "payload": { "Authorization": format!("Bearer {}", w.amy) } }))
        .await;
    assert_eq!(capital.message().await["type"], "connection_ack");
    Client::signed_in(&w.app, None).await;
}

#[tokio::test]
async fn protocol_errors_close_with_the_codes_of_graphql_transport_ws() {
    let w = world(&[
        "--ws-init-timeout-secs",
        "1",
        "--ws-max-message-bytes",
        "2000",
    ])
    .await;
    // A token that is not good: 4403.
    let mut forged = Client::open(&w.app, "graphql-transport-ws").await;
    assert!(matches!(
        forged.init(Some("not-a-token")).await,
        Heard::Closed(4403, _)
    ));
    // Subscribing before the acknowledgement: 4401.
    let mut early = Client::open(&w.app, "graphql-transport-ws").await;
    early.subscribe("1", NOTIFICATIONS, json!({})).await;
    assert_eq!(early.closed().await.0, 4401);
    // A second connection_init: 4429.
    let mut twice = Client::signed_in(&w.app, Some(&w.amy)).await;
    assert!(matches!(
        twice.init(Some(&w.amy)).await,
        Heard::Closed(4429, _)
    ));
    // Not a message: 4400.
    let mut garbled = Client::signed_in(&w.app, Some(&w.amy)).await;
    garbled.send(json!({ "type": "shout" })).await;
    assert_eq!(garbled.closed().await.0, 4400);
    // Too large: 4400.
    let mut large = Client::signed_in(&w.app, Some(&w.amy)).await;
    let padding = " ".repeat(5000);
    large
        .subscribe(
            "1",
            &format!("subscription {{ notificationAdded {{ id }} }}{padding}"),
            json!({}),
        )
        .await;
    assert_eq!(large.closed().await.0, 4400);
    // An id in use: 4409.
    let mut duplicate = Client::signed_in(&w.app, Some(&w.amy)).await;
    duplicate.subscribe("1", NOTIFICATIONS, json!({})).await;
    duplicate.subscribe("1", NOTIFICATIONS, json!({})).await;
    assert_eq!(duplicate.closed().await.0, 4409);
    // No connection_init in time: 4408.
    let mut silent = Client::open(&w.app, "graphql-transport-ws").await;
    assert_eq!(silent.closed().await.0, 4408);
    // No subprotocol (a client that asks for another one is answered without any, and
    // gives up itself): 4406.
    let url = format!("{}/graphql", w.app.url.replacen("http", "ws", 1));
    let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    assert_eq!(Client { socket }.closed().await.0, 4406);
}

#[tokio::test]
async fn notification_added_pushes_the_viewers_own_notifications_only() {
    let w = world(&[]).await;
    let mut hana = Client::signed_in(&w.app, Some(&w.hana)).await;
    hana.listen("n", NOTIFICATIONS, json!({})).await;
    let mut amy = Client::signed_in(&w.app, Some(&w.amy)).await;
    amy.listen("n", NOTIFICATIONS, json!({})).await;
    let practice = w.draft("Hinge questions").await;
    mutate_ok(
        &w.app,
        &w.amy,
        "submitPracticeForReview",
        "practice { id }",
        json!({ "practiceId": practice["id"] }),
    )
    .await;
    let next = hana.message().await;
    assert_eq!(next["type"], "next", "{next:#}");
    assert_eq!(next["id"], "n");
    let added = &next["payload"]["data"]["notificationAdded"];
    assert_eq!(added["type"], "PRACTICE_SUBMITTED");
    assert_eq!(added["subjectId"], practice["id"]);
    assert_eq!(added["read"], false);
    // The same notification as the inbox holds.
    let inbox = w
        .app
        .ok(
            Some(&w.hana),
            "{ viewer { notifications(first: 1) { edges { node { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        inbox["viewer"]["notifications"]["edges"][0]["node"]["id"],
        added["id"]
    );
    // Amy, who acted, is told nothing; a service account has no inbox to follow.
    amy.hears_nothing().await;
    // Completing the subscription stops it.
    hana.send(json!({ "id": "n", "type": "complete" })).await;
    let again = w.draft("Exit tickets").await;
    mutate_ok(
        &w.app,
        &w.amy,
        "submitPracticeForReview",
        "practice { id }",
        json!({ "practiceId": again["id"] }),
    )
    .await;
    w.app.mail().await;
    hana.hears_nothing().await;
}

#[tokio::test]
async fn community_activity_reaches_members_not_others_and_stops_when_removed() {
    let w = world(&[]).await;
    let (community, amys_membership) = w.community().await;
    // Ben, in the alliance but no member, is refused; nothing reaches him.
    let mut ben = Client::signed_in(&w.app, Some(&w.ben)).await;
    ben.subscribe("c", ACTIVITY, json!({ "id": community }))
        .await;
    let refused = ben.message().await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused:#}"
    );
    assert_eq!(
        ben.message().await,
        json!({ "id": "c", "type": "complete" })
    );
    let mut amy = Client::signed_in(&w.app, Some(&w.amy)).await;
    amy.listen("c", ACTIVITY, json!({ "id": community })).await;
    let mut hana = Client::signed_in(&w.app, Some(&w.hana)).await;
    hana.listen("c", ACTIVITY, json!({ "id": community })).await;

    // A thread, a reply, a meeting.
    let thread = w.thread(&community, "Wait time").await;
    let heard = amy.message().await;
    assert_eq!(
        heard["payload"]["data"]["communityActivity"],
        json!({ "kind": "THREAD_STARTED", "thread": { "id": thread, "title": "Wait time" },
                "reply": null, "meeting": null })
    );
    let reply = mutate_ok(
        &w.app,
        &w.hana,
        "replyToDiscussionThread",
        "reply { id }",
        json!({ "threadId": thread, "bodyMarkdown": "Three seconds at least." }),
    )
    .await["reply"]["id"]
        .clone();
    let heard = amy.message().await;
    assert_eq!(
        heard["payload"]["data"]["communityActivity"]["kind"],
        "REPLY_POSTED"
    );
    assert_eq!(
        heard["payload"]["data"]["communityActivity"]["reply"]["id"],
        reply
    );
    let starts = chrono::Utc::now() + chrono::Duration::days(7);
    let meeting = mutate_ok(
        &w.app,
        &w.hana,
        "scheduleCommunityMeeting",
        "meeting { id }",
        json!({ "communityId": community, "title": "Hinge questions",
                "startsAt": starts, "endsAt": starts + chrono::Duration::hours(1) }),
    )
    .await["meeting"]["id"]
        .clone();
    let heard = amy.message().await;
    assert_eq!(
        heard["payload"]["data"]["communityActivity"]["meeting"],
        json!({ "id": meeting, "title": "Hinge questions" })
    );
    for kind in ["THREAD_STARTED", "REPLY_POSTED", "MEETING_SCHEDULED"] {
        assert_eq!(
            hana.message().await["payload"]["data"]["communityActivity"]["kind"],
            kind
        );
    }
    ben.hears_nothing().await;

    // Amy is removed: the next thread reaches Hana, not Amy.
    mutate_ok(
        &w.app,
        &w.hana,
        "removeCommunityMember",
        "membership { id }",
        json!({ "membershipId": amys_membership }),
    )
    .await;
    w.thread(&community, "After Amy").await;
    assert_eq!(
        hana.message().await["payload"]["data"]["communityActivity"]["thread"]["title"],
        "After Amy"
    );
    amy.hears_nothing().await;
}

#[tokio::test]
async fn practice_changed_follows_what_the_subscriber_may_see() {
    let w = world(&[]).await;
    let practice = w.draft("Hinge questions").await;
    // Ben may not see Amy's draft: as for a query, it does not exist.
    let mut ben = Client::signed_in(&w.app, Some(&w.ben)).await;
    ben.subscribe("p", PRACTICE, json!({ "id": practice["id"] }))
        .await;
    let refused = ben.message().await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refused:#}"
    );
    assert_eq!(
        ben.message().await,
        json!({ "id": "p", "type": "complete" })
    );
    let mut amy = Client::signed_in(&w.app, Some(&w.amy)).await;
    amy.listen("p", PRACTICE, json!({ "id": practice["id"] }))
        .await;
    mutate_ok(
        &w.app,
        &w.amy,
        "updatePractice",
        "practice { id }",
        json!({ "practiceId": practice["id"], "expectedVersion": practice["version"],
                "title": "Hinge questions in Year 5" }),
    )
    .await;
    assert_eq!(
        amy.message().await["payload"]["data"]["practiceChanged"],
        json!({ "id": practice["id"], "title": "Hinge questions in Year 5" })
    );
    mutate_ok(
        &w.app,
        &w.amy,
        "submitPracticeForReview",
        "practice { id }",
        json!({ "practiceId": practice["id"] }),
    )
    .await;
    assert_eq!(
        amy.message().await["payload"]["data"]["practiceChanged"]["id"],
        practice["id"]
    );
    ben.hears_nothing().await;
}

#[tokio::test]
async fn event_changed_follows_an_event_as_the_subscriber_may_see_it() {
    let w = world(&[]).await;
    let input = crate::events_world::course_input(&gid("Alliance", w.alliance), 2, false);
    let id =
        mutate_ok(&w.app, &w.hana, "hostEvent", "event { id }", input).await["event"]["id"].clone();
    // A draft is its host's alone: Ben is refused as for a query.
    let mut ben = Client::signed_in(&w.app, Some(&w.ben)).await;
    ben.subscribe("e", EVENT, json!({ "id": id })).await;
    let refused = ben.message().await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refused:#}"
    );
    let mut hana = Client::signed_in(&w.app, Some(&w.hana)).await;
    hana.listen("e", EVENT, json!({ "id": id })).await;
    let step = "event { id }";
    mutate_ok(
        &w.app,
        &w.hana,
        "openEventForBooking",
        step,
        json!({ "eventId": id }),
    )
    .await;
    assert_eq!(
        hana.message().await["payload"]["data"]["eventChanged"],
        json!({ "id": id, "status": "OPEN", "placesLeft": 2 })
    );
    // Open to the alliance, Ben follows it; Amy's booking takes a place, both hear it.
    let mut ben = Client::signed_in(&w.app, Some(&w.ben)).await;
    ben.listen("e", EVENT, json!({ "id": id })).await;
    mutate_ok(
        &w.app,
        &w.amy,
        "bookEventPlace",
        "booking { id }",
        json!({ "eventId": id }),
    )
    .await;
    for client in [&mut hana, &mut ben] {
        assert_eq!(
            client.message().await["payload"]["data"]["eventChanged"],
            json!({ "id": id, "status": "OPEN", "placesLeft": 1 })
        );
    }
    mutate_ok(
        &w.app,
        &w.hana,
        "cancelEvent",
        step,
        json!({ "eventId": id, "reason": "The trainer is ill." }),
    )
    .await;
    assert_eq!(
        ben.message().await["payload"]["data"]["eventChanged"]["status"],
        "CANCELLED"
    );
}

#[tokio::test]
async fn a_revoked_session_closes_the_connection_with_4403() {
    let w = world(&["--ws-session-check-secs", "1"]).await;
    let mut amy = Client::signed_in(&w.app, Some(&w.amy)).await;
    amy.listen("n", NOTIFICATIONS, json!({})).await;
    let mut hana = Client::signed_in(&w.app, Some(&w.hana)).await;
    let signed_out = w
        .app
        .ok(
            Some(&w.amy),
            "mutation { signOut { userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(signed_out["signOut"]["userErrors"], json!([]));
    let (code, reason) = amy.closed().await;
    assert_eq!(code, 4403, "{reason}");
    // Another person's connection stays open.
    hana.send(json!({ "type": "ping" })).await;
    assert_eq!(hana.message().await["type"], "pong");
}

#[tokio::test]
async fn limits_are_refused_as_the_protocol_says() {
    let w = world(&[
        "--ws-max-connections-per-person",
        "2",
        "--ws-max-subscriptions",
        "1",
        "--max-depth",
        "3",
    ])
    .await;
    let mut first = Client::signed_in(&w.app, Some(&w.amy)).await;
    let _second = Client::signed_in(&w.app, Some(&w.amy)).await;
    let mut third = Client::open(&w.app, "graphql-transport-ws").await;
    let (code, reason) = match third.init(Some(&w.amy)).await {
        Heard::Closed(code, reason) => (code, reason),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(code, 4429, "{reason}");
    // Someone else still connects.
    Client::signed_in(&w.app, Some(&w.hana)).await;

    // One operation at a time on a connection: the second gets an `error` message.
    first.subscribe("1", NOTIFICATIONS, json!({})).await;
    first.subscribe("2", NOTIFICATIONS, json!({})).await;
    let refused = first.message().await;
    assert_eq!(refused["type"], "error", "{refused:#}");
    assert_eq!(refused["id"], "2");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    first.send(json!({ "id": "1", "type": "complete" })).await;

    // The same checks as queries: depth.
    first
        .subscribe(
            "3",
            "subscription { communityActivity(communityId: \"x\") { thread { community { id } } } }",
            json!({}),
        )
        .await;
    let refused = first.message().await;
    assert_eq!(refused["type"], "error", "{refused:#}");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "QUERY_TOO_COMPLEX"
    );
    // Mutations are sent by HTTP.
    first
        .subscribe(
            "4",
            "mutation { signOut { userErrors { code } } }",
            json!({}),
        )
        .await;
    let refused = first.message().await;
    assert_eq!(refused["type"], "error", "{refused:#}");
    assert_eq!(refused["id"], "4");
}

/// Two instances on one PostgreSQL database: a subscriber connected to the second hears,
/// within a second, the notification that a mutation made through the first caused.
/// `NOTIFY` carries the ids only; the second instance reads the notification through the
/// policy, as for its own.
#[tokio::test]
async fn postgres_only_a_subscriber_on_one_instance_hears_what_a_mutation_on_another_did() {
    let test = "postgres_only_a_subscriber_on_one_instance_hears_what_a_mutation_on_another_did";
    if skipped_unless_postgres(test) {
        return;
    }
    let w = world(&[]).await;
    let other = ServerProcess::serve_on(&w.app.database_url, &[], &[]).await;
    // Both instances listen to each other before anything is published.
    for server in [&w.app.url, &other.url] {
        let mut listening = false;
        for _ in 0..100 {
            let ready: Value = reqwest::get(format!("{server}/readyz"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if ready["detail"]["otherInstances"] == "listening" {
                listening = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(listening, "{server} never listened to the other instances");
    }
    let mut hana = Client::signed_in_at(&other.url, Some(&w.hana)).await;
    hana.listen("n", NOTIFICATIONS, json!({})).await;
    let practice = w.draft("Hinge questions").await;
    mutate_ok(
        &w.app,
        &w.amy,
        "submitPracticeForReview",
        "practice { id }",
        json!({ "practiceId": practice["id"] }),
    )
    .await;
    let submitted = Instant::now();
    let next = hana.message().await;
    let latency = submitted.elapsed();
    assert_eq!(next["type"], "next", "{next:#}");
    let added = &next["payload"]["data"]["notificationAdded"];
    assert_eq!(added["type"], "PRACTICE_SUBMITTED");
    assert_eq!(added["subjectId"], practice["id"]);
    assert!(latency < Duration::from_secs(1), "heard after {latency:?}");
    other.stop().await;
}
