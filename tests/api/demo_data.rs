//! The demo data shows a newcomer what a CPD lead's week holds: invitations waiting for
//! an answer, what awaits each decider's approval, and a declined request to join.

use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app};

async fn demo_sign_in(app: &TestApp, email: &str) -> String {
    let data = app
        .ok(
            None,
            "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } } }",
            json!({ "e": email, "p": trellis::seed::demo::DEMO_PASSWORD }),
        )
        .await;
    data["signIn"]["session"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{email} signs in: {data:#}"))
        .to_owned()
}

/// The kinds of what awaits `email`'s approval.
async fn awaiting(app: &TestApp, email: &str) -> Vec<Value> {
    let token = demo_sign_in(app, email).await;
    let data = app
        .ok(
            Some(&token),
            "{ viewer { awaitingMyApproval { nodes { kind } } } }",
            json!({}),
        )
        .await;
    data["viewer"]["awaitingMyApproval"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["kind"].clone())
        .collect()
}

/// The emails of the invitations waiting at each school `email` may see them at.
async fn waiting_invitations(app: &TestApp, email: &str, school: &str) -> Vec<Value> {
    let token = demo_sign_in(app, email).await;
    let data = app
        .ok(
            Some(&token),
            "query($name: String!) { schools(filter: { search: $name }) { nodes {
                pendingInvitations { nodes { email staffRole } } } } }",
            json!({ "name": school }),
        )
        .await;
    data["schools"]["nodes"][0]["pendingInvitations"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn the_demo_shows_the_weeks_work() {
    let app = spawn_app().await;
    trellis::seed::demo::load(&app.db).await.unwrap();

    assert_eq!(
        waiting_invitations(&app, "cpd.lead@severnvalley.example", "Elmstead").await,
        [json!({ "email": "headteacher@elmstead.example", "staffRole": "HEADTEACHER" })]
    );
    assert_eq!(
        waiting_invitations(&app, "headteacher@kingsmead.example", "Kingsmead").await,
        [json!({ "email": "new.teacher@kingsmead.example", "staffRole": "TEACHER" })]
    );
    assert_eq!(
        awaiting(&app, "headteacher@staidans.example").await,
        [json!("PRACTICE_REVIEW")]
    );
    assert_eq!(
        awaiting(&app, "headteacher@oakwood.example").await,
        [json!("ALLIANCE_INVITATION")]
    );
    for decider in [
        "middle-leader@kingsmead.example",
        "cpd.lead@severnvalley.example",
    ] {
        assert_eq!(
            awaiting(&app, decider).await,
            [json!("COMMUNITY_JOIN_REQUEST")],
            "{decider}"
        );
    }

    let teacher = demo_sign_in(&app, "teacher@ashcroft.example").await;
    let mine = app
        .ok(
            Some(&teacher),
            "{ viewer { communityMemberships(filter: { statuses: [DECLINED] }) {
                nodes { reason endedAt community { name } } } } }",
            json!({}),
        )
        .await;
    let declined = &mine["viewer"]["communityMemberships"]["nodes"];
    assert_eq!(declined.as_array().unwrap().len(), 1, "{declined:#}");
    assert_eq!(
        declined[0]["community"]["name"],
        "Year 6 to 7 Transition Network"
    );
    assert!(declined[0]["reason"].is_string());
}
