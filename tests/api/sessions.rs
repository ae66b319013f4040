//! Signing in, refreshing and signing out, as a client of the API sees them: which
//! credentials work, which stop working and when, and how a bad token is answered.

use crate::common::{PASSWORD, TestApp, gid, spawn_app, spawn_app_with};
use entity::enums::StaffRoleKind;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SIGN_IN: &str = "mutation($e: String!, $p: String!) {
  signIn(input: {email: $e, password: $p}) {
    session { accessToken refreshToken accessTokenExpiresAt refreshTokenExpiresAt person { givenName } }
    userErrors { field code message }
  }
}";

const REFRESH: &str = "mutation($t: String!) {
  refreshSession(input: {refreshToken: $t}) {
    session { accessToken refreshToken }
    userErrors { field code message }
  }
}";

const VIEWER: &str = "{ viewer { person { email } } }";

/// The `signIn` payload for an email and password.
async fn sign_in_with(app: &TestApp, email: &str, password: &str) -> Value {
    app.ok(None, SIGN_IN, json!({ "e": email, "p": password }))
        .await["signIn"]
        .clone()
}

/// Signs in with the fixtures' password; returns (access token, refresh token).
async fn sign_in_pair(app: &TestApp, email: &str) -> (String, String) {
    let payload = sign_in_with(app, email, PASSWORD).await;
    let session = &payload["session"];
    assert!(
        session.is_object(),
        "sign-in of {email} failed: {payload:#}"
    );
    (
        session["accessToken"].as_str().unwrap().to_owned(),
        session["refreshToken"].as_str().unwrap().to_owned(),
    )
}

/// The `refreshSession` payload for a refresh token.
async fn refresh(app: &TestApp, refresh_token: &str) -> Value {
    app.ok(None, REFRESH, json!({ "t": refresh_token })).await["refreshSession"].clone()
}

/// Asserts that a refresh token is refused with `INVALID_CREDENTIALS` and no session.
async fn assert_refresh_refused(app: &TestApp, refresh_token: &str) {
    let payload = refresh(app, refresh_token).await;
    assert!(
        payload["session"].is_null(),
        "refresh should fail: {payload:#}"
    );
    assert_eq!(
        payload["userErrors"][0]["code"], "INVALID_CREDENTIALS",
        "{payload:#}"
    );
}

/// Sends `query` with an `Authorization` header value; returns status and body.
async fn post_with_authorization(
    app: &TestApp,
    authorization: &str,
    query: &str,
) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("authorization", authorization)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("the server answers");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

/// Asserts that an access token is refused: HTTP 401, `UNAUTHENTICATED`, no data.
async fn assert_token_refused(app: &TestApp, token: &str) {
    let (status, body) = post_with_authorization(app, &format!("Bearer {token}"), VIEWER).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body:#}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body:#}"
    );
    assert!(body.get("data").is_none_or(Value::is_null), "{body:#}");
}

/// Asserts that an access token works: `viewer` answers with the person's email.
async fn assert_token_works(app: &TestApp, token: &str, email: &str) {
    let data = app.ok(Some(token), VIEWER, json!({})).await;
    assert_eq!(data["viewer"]["person"]["email"], email);
}

/// A school with a headteacher and a teacher; returns (headteacher email, teacher id,
/// teacher's staff role id).
async fn school_with_teacher(app: &TestApp) -> (&'static str, i32, i32) {
    let school = app.school("Oak Primary").await;
    let head = app.person("hana@oak.example", false).await;
    app.staff(head, school, StaffRoleKind::Headteacher).await;
    let teacher = app.person("tom@oak.example", false).await;
    let role = app.staff(teacher, school, StaffRoleKind::Teacher).await;
    ("hana@oak.example", teacher, role)
}

/// Signing in with email and password gives an access token that `viewer` accepts, and
/// a refresh token.
#[tokio::test]
async fn sign_in_gives_a_working_access_token() {
    let app = spawn_app().await;
    app.person("ada@example.org", false).await;

    let payload = sign_in_with(&app, "ada@example.org", PASSWORD).await;
    assert_eq!(payload["userErrors"], json!([]));
    let session = &payload["session"];
    assert_eq!(session["person"]["givenName"], "ada");
    assert!(!session["refreshToken"].as_str().unwrap().is_empty());
    let access = session["accessToken"].as_str().unwrap();
    assert_token_works(&app, access, "ada@example.org").await;
}

/// The email is matched without regard to case or surrounding spaces.
#[tokio::test]
async fn sign_in_ignores_email_case_and_spaces() {
    let app = spawn_app().await;
    app.person("ada@example.org", false).await;
    let payload = sign_in_with(&app, "  Ada@Example.ORG ", PASSWORD).await;
    assert!(payload["session"]["accessToken"].is_string(), "{payload:#}");
}

/// A wrong password and an unknown email get exactly the same answer, so the answer does
/// not reveal who has an account; neither signs in.
#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let app = spawn_app().await;
    app.person("ada@example.org", false).await;

    let wrong_password = sign_in_with(&app, "ada@example.org", "not-the-password-99").await;
    let unknown_email = sign_in_with(&app, "nobody@example.org", PASSWORD).await;

    assert!(wrong_password["session"].is_null());
    assert!(unknown_email["session"].is_null());
    assert_eq!(
        wrong_password["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
    assert_eq!(wrong_password["userErrors"], unknown_email["userErrors"]);
}

/// A disabled person cannot sign in, even with the right password; the answer is the
/// same as for a wrong password.
#[tokio::test]
async fn disabled_person_cannot_sign_in() {
    let app = spawn_app().await;
    let (head_email, teacher, _) = school_with_teacher(&app).await;
    let head = app.sign_in(head_email).await;
    let disabled = app
        .ok(
            Some(&head),
            "mutation($id: ID!) { disablePerson(input: {personId: $id}) { person { status } userErrors { code } } }",
            json!({ "id": gid("Person", teacher) }),
        )
        .await;
    assert_eq!(disabled["disablePerson"]["person"]["status"], "DISABLED");

    let payload = sign_in_with(&app, "tom@oak.example", PASSWORD).await;
    assert!(payload["session"].is_null(), "{payload:#}");
    let wrong_password = sign_in_with(&app, "hana@oak.example", "not-the-password-99").await;
    assert_eq!(payload["userErrors"], wrong_password["userErrors"]);
}

/// `refreshSession` exchanges a refresh token for new credentials that work; the old
/// refresh token works only once.
#[tokio::test]
async fn refresh_rotates_the_refresh_token() {
    let app = spawn_app().await;
    app.person("ada@example.org", false).await;
    let (access, first_refresh) = sign_in_pair(&app, "ada@example.org").await;

    let payload = refresh(&app, &first_refresh).await;
    assert_eq!(payload["userErrors"], json!([]));
    let new_access = payload["session"]["accessToken"].as_str().unwrap();
    let new_refresh = payload["session"]["refreshToken"].as_str().unwrap();
    assert_ne!(new_refresh, first_refresh);
    assert_token_works(&app, new_access, "ada@example.org").await;
    // The earlier access token of the same sign-in still works until it expires.
    assert_token_works(&app, &access, "ada@example.org").await;

    let again = refresh(&app, &first_refresh).await;
    assert!(again["session"].is_null());
    assert_eq!(again["userErrors"][0]["code"], "INVALID_CREDENTIALS");
    assert_eq!(
        again["userErrors"][0]["field"],
        json!(["input", "refreshToken"])
    );
}

/// Presenting a refresh token that was already used ends that whole sign-in: the newest
/// refresh token stops working, and so do its access tokens (401 `UNAUTHENTICATED`).
/// Other sign-ins of the same person are untouched.
#[tokio::test]
async fn reused_refresh_token_revokes_the_whole_sign_in() {
    let app = spawn_app().await;
    app.person("ada@example.org", false).await;
    let (first_access, first_refresh) = sign_in_pair(&app, "ada@example.org").await;
    let (other_access, other_refresh) = sign_in_pair(&app, "ada@example.org").await;

    let rotated = refresh(&app, &first_refresh).await;
    let newest_access = rotated["session"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let newest_refresh = rotated["session"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();

    // Someone replays the stolen, already used token.
    assert_refresh_refused(&app, &first_refresh).await;

    assert_refresh_refused(&app, &newest_refresh).await;
    assert_token_refused(&app, &first_access).await;
    assert_token_refused(&app, &newest_access).await;

    assert_token_works(&app, &other_access, "ada@example.org").await;
    assert!(refresh(&app, &other_refresh).await["session"].is_object());
}

/// A refresh token that was never issued is refused.
#[tokio::test]
async fn unknown_refresh_token_is_refused() {
    let app = spawn_app().await;
    assert_refresh_refused(&app, "not-a-refresh-token").await;
}

/// `signOut` with the access token ends that sign-in: its access token and refresh token
/// stop working.
#[tokio::test]
async fn sign_out_ends_the_sign_in() {
    let app = spawn_app().await;
    app.person("ada@example.org", false).await;
    let (access, refresh_token) = sign_in_pair(&app, "ada@example.org").await;

    let data = app
        .ok(
            Some(&access),
            "mutation { signOut { signedOut userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["signOut"]["signedOut"], true);

    assert_token_refused(&app, &access).await;
    assert_refresh_refused(&app, &refresh_token).await;
}

/// `signOut` with a refresh token (no access token needed) ends that sign-in too.
#[tokio::test]
async fn sign_out_by_refresh_token() {
    let app = spawn_app().await;
    app.person("ada@example.org", false).await;
    let (access, refresh_token) = sign_in_pair(&app, "ada@example.org").await;

    let data = app
        .ok(
            None,
            "mutation($t: String!) { signOut(input: {refreshToken: $t}) { signedOut } }",
            json!({ "t": refresh_token }),
        )
        .await;
    assert_eq!(data["signOut"]["signedOut"], true);

    assert_token_refused(&app, &access).await;
    assert_refresh_refused(&app, &refresh_token).await;
}

/// When a headteacher disables a teacher, the teacher's sign-ins end at once: the access
/// token is refused on the next request and the refresh token no longer works.
#[tokio::test]
async fn disabling_a_person_ends_their_sessions() {
    let app = spawn_app().await;
    let (head_email, teacher, _) = school_with_teacher(&app).await;
    let (teacher_access, teacher_refresh) = sign_in_pair(&app, "tom@oak.example").await;
    assert_token_works(&app, &teacher_access, "tom@oak.example").await;

    let head = app.sign_in(head_email).await;
    let data = app
        .ok(
            Some(&head),
            "mutation($id: ID!) { disablePerson(input: {personId: $id}) { person { status } userErrors { code } } }",
            json!({ "id": gid("Person", teacher) }),
        )
        .await;
    assert_eq!(data["disablePerson"]["userErrors"], json!([]));

    assert_token_refused(&app, &teacher_access).await;
    assert_refresh_refused(&app, &teacher_refresh).await;
    // The headteacher's own sign-in is unaffected.
    assert_token_works(&app, &head, head_email).await;
}

/// Ending a person's last staff role ends their sign-ins; ending one of two roles does
/// not.
#[tokio::test]
async fn ending_the_last_staff_role_ends_sessions() {
    let app = spawn_app().await;
    let (head_email, teacher, role) = school_with_teacher(&app).await;
    let elm = app.school("Elm Academy").await;
    let second_role = app.staff(teacher, elm, StaffRoleKind::Teacher).await;
    let elm_head = app.person("eve@elm.example", false).await;
    app.staff(elm_head, elm, StaffRoleKind::Headteacher).await;
    let (teacher_access, teacher_refresh) = sign_in_pair(&app, "tom@oak.example").await;

    let end_role = "mutation($id: ID!) { endStaffRole(input: {staffRoleId: $id}) { staffRole { isCurrent } userErrors { code } } }";
    let head = app.sign_in(head_email).await;
    let data = app
        .ok(
            Some(&head),
            end_role,
            json!({ "id": gid("StaffRole", role) }),
        )
        .await;
    assert_eq!(data["endStaffRole"]["staffRole"]["isCurrent"], false);
    assert_token_works(&app, &teacher_access, "tom@oak.example").await;

    let elm_head = app.sign_in("eve@elm.example").await;
    let data = app
        .ok(
            Some(&elm_head),
            end_role,
            json!({ "id": gid("StaffRole", second_role) }),
        )
        .await;
    assert_eq!(data["endStaffRole"]["staffRole"]["isCurrent"], false);

    assert_token_refused(&app, &teacher_access).await;
    assert_refresh_refused(&app, &teacher_refresh).await;
}

/// An access token that is malformed, signed with another secret, expired, or sent with
/// another scheme gets 401 `UNAUTHENTICATED`, even for what an anonymous caller may do:
/// a bad token is never treated as no token.
#[tokio::test]
async fn invalid_tokens_get_401_not_anonymous() {
    use jsonwebtoken::{EncodingKey, Header};

    let app = spawn_app().await;
    let person = app.person("ada@example.org", false).await;
    let (valid, _) = sign_in_pair(&app, "ada@example.org").await;

    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64| {
        json!({
            "iss": "trellis", "aud": "trellis-api", "sub": person.to_string(),
            "sid": "some-family", "typ": "access", "iat": now - 7200, "nbf": now - 7200, "exp": exp,
        })
    };
    let sign = |claims: &Value, secret: &[u8]| {
        jsonwebtoken::encode(
            &Header::default(),
            claims,
            &EncodingKey::from_secret(secret),
        )
        .unwrap()
    };
    let test_secret = b"a test secret that is long enough for HS256!";
    let forged = sign(
        &claims(now + 600),
        b"some other secret that is long enough!!",
    );
    let expired = sign(&claims(now - 3600), test_secret);
    // A valid token with its signature changed.
    let (head_and_claims, signature) = valid.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { 'B' } else { 'A' };
    let tampered = format!("{head_and_claims}.{flipped}{}", &signature[1..]);

    for authorization in [
        "Bearer not-a-jwt".to_owned(),
        format!("Bearer {forged}"),
        format!("Bearer {expired}"),
        format!("Bearer {tampered}"),
        format!("Basic {valid}"),
    ] {
        for query in ["{ __typename }", VIEWER] {
            let (status, body) = post_with_authorization(&app, &authorization, query).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{authorization}: {body:#}"
            );
            assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
            assert!(body.get("data").is_none_or(Value::is_null), "{body:#}");
        }
    }
}

/// Without a token, `viewer` is refused with `UNAUTHENTICATED` (but the request itself
/// is answered, since an anonymous caller may sign in).
#[tokio::test]
async fn anonymous_viewer_is_unauthenticated() {
    let app = spawn_app().await;
    let body = app.gql(None, VIEWER, json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

/// Sign-in attempts are limited per email: with 3 a minute, the 4th attempt for one
/// email gets `RATE_LIMITED` with HTTP 429 and `Retry-After`, even with the right
/// password, while another email still signs in.
#[tokio::test]
async fn sign_in_is_rate_limited_per_email() {
    let app = spawn_app_with(&[
        "--sign-in-per-email-per-minute",
        "3",
        "--sign-in-per-ip-per-minute",
        "100",
    ])
    .await;
    app.person("ada@example.org", false).await;
    app.person("bob@example.org", false).await;

    for password in ["wrong-password-1", "wrong-password-2", PASSWORD] {
        let payload = sign_in_with(&app, "ada@example.org", password).await;
        assert!(payload["userErrors"].is_array(), "{payload:#}");
    }

    let response = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!({ "query": SIGN_IN, "variables": { "e": "ada@example.org", "p": PASSWORD } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds");
    assert!(
        (1..=60).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body:#}"
    );
    assert!(body["data"].is_null(), "{body:#}");

    // The same email in other letter case counts as the same email.
    let payload = app
        .gql(
            None,
            SIGN_IN,
            json!({ "e": "ADA@example.org", "p": PASSWORD }),
        )
        .await;
    assert_eq!(payload["errors"][0]["extensions"]["code"], "RATE_LIMITED");

    let other = sign_in_with(&app, "bob@example.org", PASSWORD).await;
    assert!(other["session"]["accessToken"].is_string(), "{other:#}");
}

/// Sign-in attempts are limited per client address too: with 3 a minute, a 4th attempt
/// from the same address is refused whatever the email.
#[tokio::test]
async fn sign_in_is_rate_limited_per_address() {
    let app = spawn_app_with(&["--sign-in-per-ip-per-minute", "3"]).await;
    for email in ["a@example.org", "b@example.org", "c@example.org"] {
        let payload = sign_in_with(&app, email, "wrong-password-1").await;
        assert_eq!(payload["userErrors"][0]["code"], "INVALID_CREDENTIALS");
    }
    let body = app
        .gql(
            None,
            SIGN_IN,
            json!({ "e": "d@example.org", "p": PASSWORD }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body:#}"
    );
}

/// The per-address limit counts the connection's address: a client cannot dodge it by
/// claiming another address in `X-Forwarded-For` or `Forwarded` headers.
#[tokio::test]
async fn per_address_limit_ignores_forwarded_headers() {
    let app = spawn_app_with(&["--sign-in-per-ip-per-minute", "3"]).await;
    for n in 0..6 {
        let spoofed = format!("203.0.113.{n}");
        let response = app
            .client
            .post(format!("{}/graphql", app.url))
            .header("x-forwarded-for", &spoofed)
            .header("forwarded", format!("for={spoofed}"))
            .json(&json!({ "query": SIGN_IN, "variables": { "e": format!("p{n}@example.org"), "p": "wrong-password-1" } }))
            .send()
            .await
            .unwrap();
        let expected = if n < 3 {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(
            response.status(),
            expected,
            "attempt {n} claiming {spoofed}"
        );
    }
}

/// A refresh token presented many times at once is exchanged at most once.
#[tokio::test]
async fn concurrent_refreshes_succeed_at_most_once() {
    let app = spawn_app().await;
    app.person("ada@example.org", false).await;
    let (_, refresh_token) = sign_in_pair(&app, "ada@example.org").await;

    let attempts = (0..6).map(|_| app.gql(None, REFRESH, json!({ "t": refresh_token })));
    let answers = futures_util::future::join_all(attempts).await;
    let sessions = answers
        .iter()
        .filter(|body| body["data"]["refreshSession"]["session"].is_object())
        .count();
    assert!(sessions <= 1, "{answers:#?}");
}
