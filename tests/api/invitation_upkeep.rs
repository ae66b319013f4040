//! Keeping invitations in hand: a new school's first head invited by the alliance's CPD
//! lead, the lists of invitations waiting for an answer (by school and by alliance),
//! sending one again (a new link; the old one stops working; spaced out) and revoking one
//! (its link stops working; audited).

use crate::common::{TestApp, gid, spawn_app};
use crate::world::{
    audited, error_code, headteacher, invitation_token, key_of, let_resending_wait_pass, mutate,
    mutate_ok, mutate_raw, user_error_codes,
};
use entity::enums::{AllianceRoleKind, StaffRoleKind};
use entity::invitation;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const GOOD_PASSWORD: &str = "mossy-lantern-orbit-42";

const ACCEPT: &str = "mutation($token: String!, $password: String) {
  acceptInvitation(input: {token: $token, password: $password}) {
    session { accessToken } userErrors { field code message } } }";

const INVITATION: &str = "id email givenName staffRole allianceRole jobTitle status createdAt
    lastSentAt expiresAt acceptedAt revokedAt school { name } alliance { name }
    invitedBy { displayName }";

/// An alliance (Alder) with its CPD lead; a member school (A1) with its head and a
/// teacher; another alliance's lead; a platform admin.
struct World {
    app: TestApp,
    alder: i32,
    a1: i32,
    ada: String,
    hal: String,
    tess: String,
    bo: String,
    admin: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    app.person("root@trellis.example", true).await;
    let alder = app.alliance("Alder Alliance").await;
    let birch = app.alliance("Birch Alliance").await;
    let a1 = app.school("Alder One Primary").await;
    app.member(alder, a1).await;
    let ada = app.person("ada@alder.example", false).await;
    app.alliance_role(ada, alder, AllianceRoleKind::CpdLead)
        .await;
    let bo = app.person("bo@birch.example", false).await;
    app.alliance_role(bo, birch, AllianceRoleKind::CpdLead)
        .await;
    let tess = app.person("tess@a1.example", false).await;
    app.staff(tess, a1, StaffRoleKind::Teacher).await;
    let (_, hal) = headteacher(&app, "hal@a1.example", a1).await;
    World {
        admin: app.sign_in("root@trellis.example").await,
        ada: app.sign_in("ada@alder.example").await,
        bo: app.sign_in("bo@birch.example").await,
        tess: app.sign_in("tess@a1.example").await,
        app,
        alder,
        a1,
        hal,
    }
}

impl World {
    /// `token` invites `email` as a teacher at `school`; the invitation.
    async fn invite_teacher(&self, token: &str, school: i32, email: &str) -> Value {
        let payload = mutate_ok(
            &self.app,
            token,
            "inviteStaffMember",
            &format!("invitation {{ {INVITATION} }}"),
            json!({ "schoolId": gid("School", school), "email": email, "givenName": "Nia",
                    "familyName": "New", "role": "TEACHER", "jobTitle": "Year 2 teacher" }),
        )
        .await;
        payload["invitation"].clone()
    }

    /// The invitations waiting at a school, or in an alliance, as `token` sees them.
    async fn waiting(&self, token: &str, id: &str) -> Value {
        let data = self
            .app
            .ok(
                Some(token),
                &format!(
                    "query($id: ID!) {{ node(id: $id) {{
                        ... on School {{ pendingInvitations {{ totalCount nodes {{ {INVITATION} }} }} }}
                        ... on Alliance {{ pendingInvitations {{ totalCount nodes {{ {INVITATION} }} }} }} }} }}"
                ),
                json!({ "id": id }),
            )
            .await;
        data["node"]["pendingInvitations"].clone()
    }

    async fn accept(&self, token: &str) -> Value {
        self.app
            .ok(
                None,
                ACCEPT,
                json!({ "token": token, "password": GOOD_PASSWORD }),
            )
            .await["acceptInvitation"]
            .clone()
    }
}

fn emails(list: &Value) -> Vec<&str> {
    list["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["email"].as_str().unwrap())
        .collect()
}

/// Lets the invitations sent to `email` expire, as if a day had passed after their end.
async fn expire(app: &TestApp, email: &str) {
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::days(1)),
        )
        .filter(invitation::Column::Email.eq(email))
        .exec(&app.db)
        .await
        .unwrap();
}

/// The CPD lead registers a school, invites it into the alliance and invites its first
/// headteacher; the head accepts the invitation, and then the alliance's invitation on
/// behalf of the school, which becomes an active member.
#[tokio::test]
async fn a_cpd_lead_brings_in_a_new_school_and_its_first_head() {
    let w = world().await;
    let registered = mutate_ok(
        &w.app,
        &w.ada,
        "createSchool",
        "school { id }",
        json!({ "urn": "654321", "name": "Hazel Primary", "phase": "PRIMARY" }),
    )
    .await;
    let hazel = registered["school"]["id"].clone();
    let invited = mutate_ok(
        &w.app,
        &w.ada,
        "inviteSchoolToAlliance",
        "membership { id status }",
        json!({ "allianceId": gid("Alliance", w.alder), "schoolId": hazel }),
    )
    .await;
    let membership = invited["membership"]["id"].clone();
    let head = mutate_ok(
        &w.app,
        &w.ada,
        "inviteStaffMember",
        &format!("invitation {{ {INVITATION} }}"),
        json!({ "schoolId": hazel, "email": "hazel.head@hazel.example", "givenName": "Hazel",
                "familyName": "Head", "role": "HEADTEACHER" }),
    )
    .await;
    assert_eq!(head["invitation"]["status"], "PENDING");
    assert_eq!(head["invitation"]["school"]["name"], "Hazel Primary");

    let accepted = w
        .accept(&invitation_token(&w.app, "hazel.head@hazel.example").await)
        .await;
    assert_eq!(accepted["userErrors"], json!([]), "{accepted:#}");
    let hazel_head = accepted["session"]["accessToken"].as_str().unwrap();
    let joined = mutate_ok(
        &w.app,
        hazel_head,
        "acceptAllianceInvitation",
        "membership { status }",
        json!({ "membershipId": membership }),
    )
    .await;
    assert_eq!(joined["membership"]["status"], "ACTIVE");
    let list = w.waiting(&w.ada, hazel.as_str().unwrap()).await;
    assert_eq!(
        list["totalCount"], 0,
        "an accepted invitation waits no more"
    );
}

/// Invitations waiting for an answer are listed by school and by alliance to those who
/// may send them, with the invitee's email; an empty list for everyone else, and `node`
/// answers `NOT_FOUND` to them. Accepted and revoked ones leave the list; an expired one
/// stays, marked `EXPIRED`, to be sent again.
#[tokio::test]
async fn waiting_invitations_are_listed_to_those_who_may_send_them() {
    let w = world().await;
    let a1 = gid("School", w.a1);
    let alder = gid("Alliance", w.alder);
    let nia = w.invite_teacher(&w.hal, w.a1, "nia@a1.example").await;
    w.invite_teacher(&w.ada, w.a1, "noor@a1.example").await;
    let fay = mutate_ok(
        &w.app,
        &w.ada,
        "invitePersonToAlliance",
        "invitation { id }",
        json!({ "allianceId": alder, "email": "fay@alder.example", "givenName": "Fay",
                "familyName": "Facilitator", "role": "FACILITATOR" }),
    )
    .await;

    for token in [&w.hal, &w.ada, &w.admin] {
        let list = w.waiting(token, &a1).await;
        assert_eq!(list["totalCount"], 2, "{list:#}");
        assert_eq!(emails(&list), ["nia@a1.example", "noor@a1.example"]);
    }
    let first = &w.waiting(&w.hal, &a1).await["nodes"][0];
    assert_eq!(first["status"], "PENDING");
    assert_eq!(first["staffRole"], "TEACHER");
    assert_eq!(first["jobTitle"], "Year 2 teacher");
    assert_eq!(first["school"]["name"], "Alder One Primary");
    assert_eq!(first["invitedBy"]["displayName"], "hal a1.example");
    assert_eq!(first["lastSentAt"], first["createdAt"]);
    for token in [&w.tess, &w.bo] {
        let list = w.waiting(token, &a1).await;
        assert_eq!(list["totalCount"], 0, "{list:#}");
        let body = w
            .app
            .gql(
                Some(token),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": nia["id"] }),
            )
            .await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body:#}");
    }
    let node = w
        .app
        .ok(
            Some(&w.hal),
            "query($id: ID!) { node(id: $id) { ... on Invitation { email status } } }",
            json!({ "id": nia["id"] }),
        )
        .await;
    assert_eq!(node["node"]["email"], "nia@a1.example");

    let roles = w.waiting(&w.ada, &alder).await;
    assert_eq!(emails(&roles), ["fay@alder.example"]);
    assert_eq!(roles["nodes"][0]["allianceRole"], "FACILITATOR");
    assert_eq!(roles["nodes"][0]["alliance"]["name"], "Alder Alliance");
    assert_eq!(w.waiting(&w.hal, &alder).await["totalCount"], 0);

    // Accepted and revoked invitations leave the list; an expired one stays.
    w.accept(&invitation_token(&w.app, "nia@a1.example").await)
        .await;
    mutate_ok(
        &w.app,
        &w.ada,
        "revokeInvitation",
        "__typename",
        json!({ "invitationId": fay["invitation"]["id"] }),
    )
    .await;
    expire(&w.app, "noor@a1.example").await;
    let list = w.waiting(&w.hal, &a1).await;
    assert_eq!(emails(&list), ["noor@a1.example"]);
    assert_eq!(list["nodes"][0]["status"], "EXPIRED");
    assert_eq!(w.waiting(&w.ada, &alder).await["totalCount"], 0);
    let accepted = w
        .app
        .ok(
            Some(&w.hal),
            "query($id: ID!) { node(id: $id) { ... on Invitation { status acceptedAt } } }",
            json!({ "id": nia["id"] }),
        )
        .await;
    assert_eq!(accepted["node"]["status"], "ACCEPTED");
    assert!(accepted["node"]["acceptedAt"].is_string());
}

/// Sending again mails a new link valid for another 14 days, and the old link stops
/// working. Not sooner than 10 minutes after the last sending: `RATE_LIMITED`, with a
/// `Retry-After`, and nothing sent or changed. An expired invitation can be sent again.
#[tokio::test]
async fn sending_again_mails_a_new_link_and_the_old_one_stops_working() {
    let w = world().await;
    let nia = w.invite_teacher(&w.hal, w.a1, "nia@a1.example").await;
    let first = invitation_token(&w.app, "nia@a1.example").await;
    let resend = json!({
        "query": "mutation($id: ID!) { resendInvitation(input: {invitationId: $id}) {
            invitation { id status lastSentAt expiresAt } userErrors { code } } }",
        "variables": { "id": nia["id"] },
    });

    let soon = w
        .app
        .client
        .post(format!("{}/graphql", w.app.url))
        .bearer_auth(&w.hal)
        .json(&resend)
        .send()
        .await
        .unwrap();
    assert_eq!(soon.status(), 429);
    let wait: u64 = soon.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((500..=600).contains(&wait), "retry after {wait} s");
    let body: Value = soon.json().await.unwrap();
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body:#}");
    assert_eq!(w.app.mail().await.len(), 1);
    assert_eq!(audited(&w.app, "invitation.resent").await, 0);

    // Past the wait, and past its expiry: sent again.
    let_resending_wait_pass(&w.app).await;
    expire(&w.app, "nia@a1.example").await;
    let expired = w
        .app
        .ok(
            None,
            ACCEPT,
            json!({ "token": first, "password": GOOD_PASSWORD }),
        )
        .await;
    assert_eq!(
        expired["acceptInvitation"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
    let before = chrono::Utc::now();
    let sent = mutate_ok(
        &w.app,
        &w.hal,
        "resendInvitation",
        "invitation { id status lastSentAt expiresAt }",
        json!({ "invitationId": nia["id"] }),
    )
    .await;
    let again = &sent["invitation"];
    assert_eq!(again["status"], "PENDING");
    let last_sent: chrono::DateTime<chrono::Utc> =
        again["lastSentAt"].as_str().unwrap().parse().unwrap();
    assert!(last_sent >= before - chrono::Duration::seconds(1));
    let expires: chrono::DateTime<chrono::Utc> =
        again["expiresAt"].as_str().unwrap().parse().unwrap();
    assert!(expires > before + chrono::Duration::days(13));
    assert_eq!(w.app.mail().await.len(), 2);
    let second = invitation_token(&w.app, "nia@a1.example").await;
    assert_ne!(first, second);
    assert_eq!(audited(&w.app, "invitation.resent").await, 1);

    // The old link no longer works; the new one does.
    let old = w
        .app
        .ok(
            None,
            ACCEPT,
            json!({ "token": first, "password": GOOD_PASSWORD }),
        )
        .await;
    assert_eq!(
        old["acceptInvitation"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
    let accepted = w.accept(&second).await;
    assert!(accepted["session"].is_object(), "{accepted:#}");
}

/// Of several sendings at once, past the wait, one sends; the others are `RATE_LIMITED`.
#[tokio::test]
async fn sending_again_at_once_sends_once() {
    let w = world().await;
    let nia = w.invite_teacher(&w.hal, w.a1, "nia@a1.example").await;
    let_resending_wait_pass(&w.app).await;
    let attempts = (0..6).map(|_| {
        mutate_raw(
            &w.app,
            &w.hal,
            "resendInvitation",
            "invitation { id }",
            json!({ "invitationId": nia["id"] }),
        )
    });
    let answers = futures_util::future::join_all(attempts).await;
    let sent = answers
        .iter()
        .filter(|body| body["data"]["resendInvitation"]["invitation"].is_object())
        .count();
    assert_eq!(sent, 1, "{answers:#?}");
    for body in &answers {
        if body["data"]["resendInvitation"]["invitation"].is_null() {
            assert_eq!(error_code(body), Some("RATE_LIMITED"), "{body:#}");
        }
    }
    assert_eq!(w.app.mail().await.len(), 2);
    assert_eq!(audited(&w.app, "invitation.resent").await, 1);
}

/// Revoking stops the link, shows the invitation as `REVOKED` and is audited. An answered
/// invitation (accepted or revoked) is neither sent again nor revoked: `INVALID_STATE`,
/// and nothing changes. An id that names nothing is `NOT_FOUND`.
#[tokio::test]
async fn revoking_stops_the_link_and_answered_invitations_stay_as_they_are() {
    let w = world().await;
    let nia = w.invite_teacher(&w.hal, w.a1, "nia@a1.example").await;
    let noor = w.invite_teacher(&w.hal, w.a1, "noor@a1.example").await;
    let nia_token = invitation_token(&w.app, "nia@a1.example").await;
    let noor_token = invitation_token(&w.app, "noor@a1.example").await;

    let revoked = mutate_ok(
        &w.app,
        &w.hal,
        "revokeInvitation",
        "invitation { status revokedAt }",
        json!({ "invitationId": nia["id"] }),
    )
    .await;
    assert_eq!(revoked["invitation"]["status"], "REVOKED");
    assert!(revoked["invitation"]["revokedAt"].is_string());
    assert_eq!(audited(&w.app, "invitation.revoked").await, 1);
    let refused = w
        .app
        .ok(
            None,
            ACCEPT,
            json!({ "token": nia_token, "password": GOOD_PASSWORD }),
        )
        .await;
    assert_eq!(
        refused["acceptInvitation"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
    assert!(refused["acceptInvitation"]["session"].is_null());

    w.accept(&noor_token).await;
    let_resending_wait_pass(&w.app).await;
    let emails = w.app.mail().await.len();
    for (invitation, field) in [
        (&nia, "resendInvitation"),
        (&nia, "revokeInvitation"),
        (&noor, "resendInvitation"),
        (&noor, "revokeInvitation"),
    ] {
        let before = invitation::Entity::find_by_id(key_of(&invitation["id"]))
            .one(&w.app.db)
            .await
            .unwrap();
        let payload = mutate(
            &w.app,
            &w.hal,
            field,
            "invitation { id }",
            json!({ "invitationId": invitation["id"] }),
        )
        .await;
        assert_eq!(
            user_error_codes(&payload),
            ["INVALID_STATE"],
            "{field}: {payload:#}"
        );
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["input", "invitationId"])
        );
        let after = invitation::Entity::find_by_id(key_of(&invitation["id"]))
            .one(&w.app.db)
            .await
            .unwrap();
        assert_eq!(before, after, "{field} changed the invitation");
    }
    assert_eq!(w.app.mail().await.len(), emails);
    assert_eq!(audited(&w.app, "invitation.revoked").await, 1);
    assert_eq!(audited(&w.app, "invitation.resent").await, 0);

    for id in [
        gid("Invitation", 999),
        gid("School", w.a1),
        "garbage".into(),
    ] {
        let payload = mutate(
            &w.app,
            &w.hal,
            "revokeInvitation",
            "invitation { id }",
            json!({ "invitationId": id }),
        )
        .await;
        assert_eq!(
            user_error_codes(&payload),
            ["NOT_FOUND"],
            "{id}: {payload:#}"
        );
    }
}

/// While an invitation of an email into a role waits for an answer (even expired), a
/// second is `TAKEN`: it is sent again or revoked instead. Once revoked, the person can
/// be invited anew.
#[tokio::test]
async fn one_invitation_of_an_email_into_a_role_waits_at_a_time() {
    let w = world().await;
    let nia = w.invite_teacher(&w.hal, w.a1, "nia@a1.example").await;
    expire(&w.app, "nia@a1.example").await;
    let input = json!({ "schoolId": gid("School", w.a1), "email": "NIA@a1.example",
                        "givenName": "Nia", "familyName": "New", "role": "TEACHER" });
    for token in [&w.hal, &w.ada] {
        let payload = mutate(
            &w.app,
            token,
            "inviteStaffMember",
            "invitation { id }",
            input.clone(),
        )
        .await;
        assert_eq!(user_error_codes(&payload), ["TAKEN"], "{payload:#}");
    }
    assert_eq!(w.app.mail().await.len(), 1);
    // Another role is another invitation.
    let mut support = input.clone();
    support["role"] = json!("TEACHING_ASSISTANT");
    mutate_ok(
        &w.app,
        &w.hal,
        "inviteStaffMember",
        "invitation { id }",
        support,
    )
    .await;

    mutate_ok(
        &w.app,
        &w.hal,
        "revokeInvitation",
        "__typename",
        json!({ "invitationId": nia["id"] }),
    )
    .await;
    mutate_ok(
        &w.app,
        &w.hal,
        "inviteStaffMember",
        "invitation { id }",
        input,
    )
    .await;
    // The new invitation's link works.
    let token = invitation_token(&w.app, "nia@a1.example").await;
    assert!(w.accept(&token).await["session"].is_object());
}
