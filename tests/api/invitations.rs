//! Inviting staff by email and accepting invitations: who may invite, what the email
//! holds, what accepting creates, and that the token travels only in the email.

use crate::common::{TestApp, gid, spawn_app};
use crate::world::{let_resending_wait_pass, mutate_raw};
use entity::enums::StaffRoleKind;
use entity::invitation;
use sea_orm::{ActiveModelTrait, EntityTrait, NotSet, Set};
use serde_json::{Value, json};

const INVITE: &str = "mutation($school: ID!, $email: String!, $role: StaffRoleKind! = TEACHER) {
  inviteStaffMember(input: {schoolId: $school, email: $email, givenName: \"Tess\", familyName: \"Teacher\", role: $role, jobTitle: \"Year 3 teacher\", subjects: [\"Maths\"]}) {
    invitation { id email givenName familyName staffRole allianceRole expiresAt }
    userErrors { field code message }
  }
}";

const ACCEPT: &str = "mutation($token: String!, $password: String) {
  acceptInvitation(input: {token: $token, password: $password}) {
    session { accessToken refreshToken person { id givenName familyName } }
    userErrors { field code message }
  }
}";

const MY_ROLES: &str =
    "{ viewer { person { email } staffRoles { role jobTitle subjects school { id name } } } }";

const GOOD_PASSWORD: &str = "mossy-lantern-orbit-42";

/// A school with a headteacher; returns (school id, headteacher's access token).
async fn school_with_head(app: &TestApp, name: &str, head_email: &str) -> (i32, String) {
    let school = app.school(name).await;
    let head = app.person(head_email, false).await;
    app.staff(head, school, StaffRoleKind::Headteacher).await;
    (school, app.sign_in(head_email).await)
}

/// Runs `inviteStaffMember` and returns the whole response body.
async fn invite(app: &TestApp, token: &str, school: &str, email: &str) -> Value {
    app.gql(
        Some(token),
        INVITE,
        json!({ "school": school, "email": email }),
    )
    .await
}

/// Runs `acceptInvitation` anonymously and returns its payload.
async fn accept(app: &TestApp, token: &str, password: Option<&str>) -> Value {
    app.ok(
        None,
        ACCEPT,
        json!({ "token": token, "password": password }),
    )
    .await["acceptInvitation"]
        .clone()
}

/// The invitation token in the last email sent to `to`.
async fn token_mailed_to(app: &TestApp, to: &str) -> String {
    let sent = app.mail().await;
    let email = sent
        .iter()
        .rev()
        .find(|email| email.to == to)
        .unwrap_or_else(|| panic!("no email to {to} among {sent:#?}"));
    let (_, after) = email
        .body
        .split_once("token=")
        .unwrap_or_else(|| panic!("no token in the email: {}", email.body));
    let token: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(
        token.len() >= 32,
        "a token of {} characters: {token}",
        token.len()
    );
    assert!(email.body.matches(&token).count() >= 1);
    token
}

/// How many people currently work at a school, as its headteacher sees it.
async fn staff_count(app: &TestApp, head: &str, school: i32) -> i64 {
    let data = app
        .ok(
            Some(head),
            "query($id: ID!) { node(id: $id) { ... on School { staff { totalCount } } } }",
            json!({ "id": gid("School", school) }),
        )
        .await;
    data["node"]["staff"]["totalCount"].as_i64().unwrap()
}

/// A headteacher invites a teacher: the payload describes the invitation, and an email
/// goes to the invitee with a link holding the token.
#[tokio::test]
async fn headteacher_invites_a_teacher_by_email() {
    let app = spawn_app().await;
    let (school, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;

    let body = invite(&app, &head, &gid("School", school), "Tess@Example.org").await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let payload = &body["data"]["inviteStaffMember"];
    assert_eq!(payload["userErrors"], json!([]));
    let invitation = &payload["invitation"];
    assert_eq!(invitation["email"], "tess@example.org");
    assert_eq!(invitation["givenName"], "Tess");
    assert_eq!(invitation["staffRole"], "TEACHER");
    assert!(invitation["allianceRole"].is_null());
    let expires: chrono::DateTime<chrono::Utc> =
        invitation["expiresAt"].as_str().unwrap().parse().unwrap();
    assert!(expires > chrono::Utc::now() + chrono::Duration::days(7));

    let sent = app.mail().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "tess@example.org");
    assert!(sent[0].body.contains("Oak Primary"), "{}", sent[0].body);
    token_mailed_to(&app, "tess@example.org").await;
}

/// A weak password is refused with `WEAK_PASSWORD` on the password field, and nothing
/// is created: no account, no role, and the invitation can still be accepted.
#[tokio::test]
async fn weak_password_is_refused_and_creates_nothing() {
    let app = spawn_app().await;
    let (school, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    invite(&app, &head, &gid("School", school), "tess@example.org").await;
    let token = token_mailed_to(&app, "tess@example.org").await;

    for weak in ["password1", "short", "tessteacher"] {
        let payload = accept(&app, &token, Some(weak)).await;
        assert!(payload["session"].is_null(), "{weak}: {payload:#}");
        assert_eq!(
            payload["userErrors"][0]["code"], "WEAK_PASSWORD",
            "{weak}: {payload:#}"
        );
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["input", "password"])
        );
    }
    let payload = accept(&app, &token, None).await;
    assert_eq!(
        payload["userErrors"][0]["code"], "WEAK_PASSWORD",
        "{payload:#}"
    );

    assert_eq!(staff_count(&app, &head, school).await, 1);
    let people = app
        .ok(
            Some(&head),
            "{ people(filter: {search: \"tess\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(people["people"]["totalCount"], 0);

    let payload = accept(&app, &token, Some(GOOD_PASSWORD)).await;
    assert!(payload["session"].is_object(), "{payload:#}");
}

/// Accepting with a good password creates the account, grants the role and signs in;
/// the new person can sign in with that password later.
#[tokio::test]
async fn accepting_creates_the_account_and_role_and_signs_in() {
    let app = spawn_app().await;
    let (school, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    invite(&app, &head, &gid("School", school), "tess@example.org").await;
    let token = token_mailed_to(&app, "tess@example.org").await;

    let payload = accept(&app, &token, Some(GOOD_PASSWORD)).await;
    assert_eq!(payload["userErrors"], json!([]));
    let session = &payload["session"];
    assert_eq!(session["person"]["givenName"], "Tess");
    assert_eq!(session["person"]["familyName"], "Teacher");
    let access = session["accessToken"].as_str().unwrap();

    let me = app.ok(Some(access), MY_ROLES, json!({})).await;
    assert_eq!(me["viewer"]["person"]["email"], "tess@example.org");
    let roles = me["viewer"]["staffRoles"].as_array().unwrap();
    assert_eq!(roles.len(), 1, "{roles:#?}");
    assert_eq!(roles[0]["role"], "TEACHER");
    assert_eq!(roles[0]["jobTitle"], "Year 3 teacher");
    assert_eq!(roles[0]["subjects"], json!(["Maths"]));
    assert_eq!(roles[0]["school"]["id"], gid("School", school));

    assert_eq!(staff_count(&app, &head, school).await, 2);
    let signed_in = app
        .ok(
            None,
            "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } } }",
            json!({ "e": "tess@example.org", "p": GOOD_PASSWORD }),
        )
        .await;
    assert!(signed_in["signIn"]["session"]["accessToken"].is_string());
}

/// Each invitation works once: a second use of the token gets `INVALID_CREDENTIALS`, as
/// does a token that was never issued.
#[tokio::test]
async fn a_token_works_only_once() {
    let app = spawn_app().await;
    let (school, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    invite(&app, &head, &gid("School", school), "tess@example.org").await;
    let token = token_mailed_to(&app, "tess@example.org").await;
    assert!(accept(&app, &token, Some(GOOD_PASSWORD)).await["session"].is_object());

    for attempt in [token.as_str(), "not-a-real-invitation-token"] {
        let payload = accept(&app, attempt, Some(GOOD_PASSWORD)).await;
        assert!(payload["session"].is_null(), "{payload:#}");
        assert_eq!(payload["userErrors"][0]["code"], "INVALID_CREDENTIALS");
        assert_eq!(payload["userErrors"][0]["field"], json!(["input", "token"]));
    }
    assert_eq!(staff_count(&app, &head, school).await, 2);
}

/// A teacher, who does not lead the school, may not invite: a top-level `FORBIDDEN`
/// error, and no email is sent.
#[tokio::test]
async fn a_teacher_may_not_invite() {
    let app = spawn_app().await;
    let (school, _) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    let teacher = app.person("tom@oak.example", false).await;
    app.staff(teacher, school, StaffRoleKind::Teacher).await;
    let teacher = app.sign_in("tom@oak.example").await;

    let body = invite(&app, &teacher, &gid("School", school), "tess@example.org").await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body:#}"
    );
    assert!(body["data"].is_null(), "{body:#}");
    assert!(app.mail().await.is_empty());
}

/// The headteacher of another school may not invite into this one: `FORBIDDEN`.
#[tokio::test]
async fn another_schools_leader_may_not_invite() {
    let app = spawn_app().await;
    let (oak, _) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    let (_, elm_head) = school_with_head(&app, "Elm Academy", "eve@elm.example").await;

    let body = invite(&app, &elm_head, &gid("School", oak), "tess@example.org").await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body:#}"
    );
    assert!(app.mail().await.is_empty());
}

/// Anonymous callers must sign in to invite.
#[tokio::test]
async fn anonymous_callers_may_not_invite() {
    let app = spawn_app().await;
    let school = app.school("Oak Primary").await;
    let body = app
        .gql(
            None,
            INVITE,
            json!({ "school": gid("School", school), "email": "tess@example.org" }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body:#}"
    );
}

/// A malformed school id is a `NOT_FOUND` user error on `schoolId`.
#[tokio::test]
async fn malformed_school_id_is_not_found() {
    let app = spawn_app().await;
    let (_, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    for id in ["not-an-id".to_owned(), gid("Alliance", 1)] {
        let body = invite(&app, &head, &id, "tess@example.org").await;
        assert!(body.get("errors").is_none(), "{id}: {body:#}");
        let errors = &body["data"]["inviteStaffMember"]["userErrors"];
        assert_eq!(errors[0]["code"], "NOT_FOUND", "{id}: {errors:#}");
        assert_eq!(errors[0]["field"], json!(["input", "schoolId"]));
    }
}

/// The id of a school that does not exist is a `NOT_FOUND` user error on `schoolId`,
/// for a school leader as for a platform admin.
#[tokio::test]
async fn unknown_school_is_not_found() {
    let app = spawn_app().await;
    let (_, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    app.person("pat@platform.example", true).await;
    let admin = app.sign_in("pat@platform.example").await;
    for token in [&admin, &head] {
        let body = invite(&app, token, &gid("School", 9999), "tess@example.org").await;
        assert!(body.get("errors").is_none(), "{body:#}");
        let errors = &body["data"]["inviteStaffMember"]["userErrors"];
        assert_eq!(errors[0]["code"], "NOT_FOUND", "{errors:#}");
        assert_eq!(errors[0]["field"], json!(["input", "schoolId"]));
    }
}

/// Someone who already has an account accepts without a password: the role is added to
/// their account, and their password is unchanged.
#[tokio::test]
async fn an_existing_account_gains_the_role_without_a_password() {
    let app = spawn_app().await;
    let (oak, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    let elm = app.school("Elm Academy").await;
    let tom = app.person("tom@elm.example", false).await;
    app.staff(tom, elm, StaffRoleKind::Teacher).await;

    let body = invite(&app, &head, &gid("School", oak), "tom@elm.example").await;
    assert_eq!(
        body["data"]["inviteStaffMember"]["userErrors"],
        json!([]),
        "{body:#}"
    );
    let token = token_mailed_to(&app, "tom@elm.example").await;

    let payload = accept(&app, &token, None).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    assert_eq!(payload["session"]["person"]["id"], gid("Person", tom));
    let access = payload["session"]["accessToken"].as_str().unwrap();

    let me = app.ok(Some(access), MY_ROLES, json!({})).await;
    let mut schools: Vec<&str> = me["viewer"]["staffRoles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|role| role["school"]["name"].as_str().unwrap())
        .collect();
    schools.sort_unstable();
    assert_eq!(schools, ["Elm Academy", "Oak Primary"]);

    // Still signs in with the password they had.
    app.sign_in("tom@elm.example").await;
}

/// Inviting someone into a role they already hold at the school is a `TAKEN` user error.
#[tokio::test]
async fn inviting_into_a_role_already_held_is_taken() {
    let app = spawn_app().await;
    let (school, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    let tom = app.person("tom@oak.example", false).await;
    app.staff(tom, school, StaffRoleKind::Teacher).await;

    let body = invite(&app, &head, &gid("School", school), "tom@oak.example").await;
    let errors = &body["data"]["inviteStaffMember"]["userErrors"];
    assert_eq!(errors[0]["code"], "TAKEN", "{body:#}");
    assert!(app.mail().await.is_empty());
}

/// One invitation of an email into a role waits at a time: a second is a `TAKEN` user
/// error, and sends nothing. Should two still exist (two invitations racing), accepting
/// both leaves the person with one current role there, not two.
#[tokio::test]
async fn accepting_two_invitations_to_one_role_grants_it_once() {
    let app = spawn_app().await;
    let (school, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    invite(&app, &head, &gid("School", school), "tess@example.org").await;
    let first = token_mailed_to(&app, "tess@example.org").await;
    let again = invite(&app, &head, &gid("School", school), "tess@example.org").await;
    let refused = &again["data"]["inviteStaffMember"];
    assert_eq!(refused["userErrors"][0]["code"], "TAKEN", "{again:#}");
    assert_eq!(refused["userErrors"][0]["field"], json!(["input", "email"]));
    assert_eq!(app.mail().await.len(), 1);

    // The second invitation, as a race between two inviters could leave it.
    let second = "a-second-token-from-a-race-between-two-inviters";
    let row = invitation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("the first invitation");
    let mut copy: invitation::ActiveModel = row.into();
    copy.id = NotSet;
    copy.token_hash = Set(trellis::auth::tokens::digest(second));
    copy.insert(&app.db).await.unwrap();

    accept(&app, &first, Some(GOOD_PASSWORD)).await;
    let payload = accept(&app, second, None).await;
    assert!(payload["session"].is_object(), "{payload:#}");
    let access = payload["session"]["accessToken"].as_str().unwrap();
    let me = app.ok(Some(access), MY_ROLES, json!({})).await;
    assert_eq!(
        me["viewer"]["staffRoles"].as_array().unwrap().len(),
        1,
        "{me:#}"
    );
    assert_eq!(staff_count(&app, &head, school).await, 2);
}

/// The token travels only in the email: no response to the inviter holds it, and the
/// `Invitation` type has no field that could.
#[tokio::test]
async fn the_token_never_reaches_the_inviter() {
    let app = spawn_app().await;
    let (school, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;

    let invited = invite(&app, &head, &gid("School", school), "tess@example.org").await;
    let token = token_mailed_to(&app, "tess@example.org").await;
    let_resending_wait_pass(&app).await;
    let again = mutate_raw(
        &app,
        &head,
        "resendInvitation",
        "invitation { id email status }",
        json!({ "invitationId": invited["data"]["inviteStaffMember"]["invitation"]["id"] }),
    )
    .await;
    let second_token = token_mailed_to(&app, "tess@example.org").await;
    assert_ne!(token, second_token);
    let staff = app
        .gql(
            Some(&head),
            "query($id: ID!) { node(id: $id) { ... on School { staff(filter: {includeEnded: true}) { nodes { person { email } } } } } }",
            json!({ "id": gid("School", school) }),
        )
        .await;
    for body in [&invited, &again, &staff] {
        let text = body.to_string();
        assert!(
            !text.contains(&token) && !text.contains(&second_token),
            "{text}"
        );
    }

    let fields = app
        .ok(
            Some(&head),
            "{ __type(name: \"Invitation\") { fields { name } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = fields["__type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["name"].as_str().unwrap())
        .collect();
    assert!(
        !names
            .iter()
            .any(|name| name.to_lowercase().contains("token")),
        "{names:?}"
    );
}

/// Accepting the same invitation many times at once succeeds once: one session, one
/// role.
#[tokio::test]
async fn concurrent_acceptances_of_one_token_succeed_once() {
    let app = spawn_app().await;
    let (oak, head) = school_with_head(&app, "Oak Primary", "hana@oak.example").await;
    let elm = app.school("Elm Academy").await;
    let tom = app.person("tom@elm.example", false).await;
    app.staff(tom, elm, StaffRoleKind::Teacher).await;
    invite(&app, &head, &gid("School", oak), "tom@elm.example").await;
    let token = token_mailed_to(&app, "tom@elm.example").await;

    let attempts =
        (0..6).map(|_| app.gql(None, ACCEPT, json!({ "token": token, "password": null })));
    let answers = futures_util::future::join_all(attempts).await;
    let sessions = answers
        .iter()
        .filter(|body| body["data"]["acceptInvitation"]["session"].is_object())
        .count();
    assert_eq!(sessions, 1, "{answers:#?}");
    assert_eq!(staff_count(&app, &head, oak).await, 2);
}
