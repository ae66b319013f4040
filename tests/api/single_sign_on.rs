//! Signing in with Microsoft Entra ID and Google (OpenID Connect), against a stand-in
//! provider whose keys a local server publishes (`common::oidc`): which tokens sign whom
//! in, which are refused and how, what schools register, and what people see of their
//! linked accounts.

use entity::enums::{AllianceRoleKind, StaffRoleKind};
use entity::person_identity;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::common::oidc::{
    self, KeyServer, TestKey, entra_claims, entra_issuer, google_claims, hs256_token, nonce,
    unsigned_token,
};
use crate::common::{TestApp, gid, spawn_app_with};

const TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";
const OTHER_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const DOMAIN: &str = "oakfield.sch.uk";

const SIGN_IN: &str =
    "mutation($provider: IdentityProviderKind!, $token: String!, $nonce: String!) {
  signInWithIdentityProvider(input: {provider: $provider, idToken: $token, nonce: $nonce}) {
    session { accessToken refreshToken person { id } }
    userErrors { field code message }
  }
}";

const REGISTER: &str =
    "mutation($school: ID!, $provider: IdentityProviderKind!, $tenant: String!) {
  registerSchoolIdentityProvider(input: {schoolId: $school, provider: $provider, tenant: $tenant}) {
    school { identityProviders { provider tenant } }
    userErrors { field code message }
  }
}";

const REMOVE: &str = "mutation($school: ID!, $provider: IdentityProviderKind!, $tenant: String!) {
  removeSchoolIdentityProvider(input: {schoolId: $school, provider: $provider, tenant: $tenant}) {
    school { identityProviders { provider tenant } }
    userErrors { field code message }
  }
}";

const LINKED: &str =
    "{ viewer { person { email } linkedIdentities { provider issuer subject tenant email } } }";

/// An app whose providers use `keys`' key set, a school (Oakfield) whose head registered
/// the Entra tenant and the Google domain, and a teacher there.
struct World {
    app: TestApp,
    keys: KeyServer,
    key: TestKey,
    school: i32,
    head: String,
    teacher: i32,
}

/// Many refused attempts from one address in one test are not what most tests here test:
/// `attempts_are_limited_as_sign_ins_are` does.
const GENEROUS_LIMITS: [&str; 4] = [
    "--sign-in-per-ip-per-minute",
    "1000",
    "--sign-in-per-email-per-minute",
    "1000",
];

async fn world_with(extra: &[&str]) -> World {
    let key = TestKey::generate("key-1");
    let keys = KeyServer::start(&[&key]);
    let mut flags = keys.flags();
    flags.extend(extra.iter().map(|flag| (*flag).to_owned()));
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let app = spawn_app_with(&flags).await;
    let school = app.school("Oakfield Primary").await;
    let head_id = app.person("head@oakfield.sch.uk", false).await;
    app.staff(head_id, school, StaffRoleKind::Headteacher).await;
    let teacher = app.person("teacher@oakfield.sch.uk", false).await;
    app.staff(teacher, school, StaffRoleKind::Teacher).await;
    let head = app.sign_in("head@oakfield.sch.uk").await;
    let world = World {
        app,
        keys,
        key,
        school,
        head,
        teacher,
    };
    for (provider, tenant) in [("ENTRA_ID", TENANT), ("GOOGLE", DOMAIN)] {
        let payload = world.register(&world.head, provider, tenant).await;
        assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    }
    world
}

async fn world() -> World {
    world_with(&GENEROUS_LIMITS).await
}

impl World {
    async fn register(&self, token: &str, provider: &str, tenant: &str) -> Value {
        let variables =
            json!({ "school": gid("School", self.school), "provider": provider, "tenant": tenant });
        self.app.ok(Some(token), REGISTER, variables).await["registerSchoolIdentityProvider"]
            .clone()
    }

    /// The whole response to a sign-in with `token`, as text (to check what it echoes)
    /// and as the mutation's payload.
    async fn sign_in_raw(&self, provider: &str, token: &str, nonce: &str) -> (String, Value) {
        let variables = json!({ "provider": provider, "token": token, "nonce": nonce });
        let text = self.app.gql_text(None, SIGN_IN, variables).await;
        let body: Value = serde_json::from_str(&text).unwrap();
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        (text, body["data"]["signInWithIdentityProvider"].clone())
    }

    /// Signs in with `claims` signed by the published key; returns the access token.
    async fn signs_in(&self, provider: &str, claims: &Value) -> String {
        let token = self.key.token(claims);
        let (_, payload) = self
            .sign_in_raw(provider, &token, claims["nonce"].as_str().unwrap())
            .await;
        payload["session"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("sign-in refused: {payload:#}"))
            .to_owned()
    }

    /// Asserts that `token` (sent with `nonce`) is refused with `code`, gets no session,
    /// is not echoed, and links no account.
    async fn refused(&self, provider: &str, token: &str, nonce: &str, code: &str) -> Value {
        let links_before = self.links().await;
        let (text, payload) = self.sign_in_raw(provider, token, nonce).await;
        assert!(payload["session"].is_null(), "{payload:#}");
        assert_eq!(payload["userErrors"][0]["code"], code, "{payload:#}");
        assert!(!text.contains(token), "the token is echoed: {text}");
        assert_eq!(self.links().await, links_before, "an account was linked");
        payload
    }

    async fn links(&self) -> u64 {
        person_identity::Entity::find()
            .count(&self.app.db)
            .await
            .unwrap()
    }

    async fn viewer(&self, token: &str) -> Value {
        self.app.ok(Some(token), LINKED, json!({})).await["viewer"].clone()
    }
}

#[tokio::test]
async fn an_entra_account_links_by_email_once_then_signs_in_by_subject() {
    let w = world().await;
    let first = entra_claims(TENANT, "oid-teacher", "Teacher@Oakfield.sch.uk", &nonce());
    let token = w.signs_in("ENTRA_ID", &first).await;
    let viewer = w.viewer(&token).await;
    assert_eq!(viewer["person"]["email"], "teacher@oakfield.sch.uk");
    assert_eq!(
        viewer["linkedIdentities"],
        json!([{
            "provider": "ENTRA_ID",
            "issuer": entra_issuer(TENANT),
            "subject": "oid-teacher",
            "tenant": TENANT,
            "email": "teacher@oakfield.sch.uk",
        }])
    );

    // The same token again (its nonce already spent) signs no one in.
    let replay = w.key.token(&first);
    w.refused(
        "ENTRA_ID",
        &replay,
        first["nonce"].as_str().unwrap(),
        "IDENTITY_TOKEN_INVALID",
    )
    .await;

    // The account's email changed at the provider: still the same person, by subject.
    let renamed = entra_claims(TENANT, "oid-teacher", "t.renamed@oakfield.sch.uk", &nonce());
    let token = w.signs_in("ENTRA_ID", &renamed).await;
    let viewer = w.viewer(&token).await;
    assert_eq!(viewer["person"]["email"], "teacher@oakfield.sch.uk");
    assert_eq!(
        viewer["linkedIdentities"][0]["email"],
        "t.renamed@oakfield.sch.uk"
    );

    // Another account with the teacher's email is not linked: links go by subject now.
    let impostor = entra_claims(
        TENANT,
        "oid-someone-else",
        "teacher@oakfield.sch.uk",
        &nonce(),
    );
    let n = impostor["nonce"].as_str().unwrap().to_owned();
    w.refused(
        "ENTRA_ID",
        &w.key.token(&impostor),
        &n,
        "IDENTITY_NOT_ACCEPTED",
    )
    .await;

    // The session is the one `signIn` gives: its refresh token works.
    let again = entra_claims(TENANT, "oid-teacher", "t.renamed@oakfield.sch.uk", &nonce());
    let token = w.key.token(&again);
    let (_, payload) = w
        .sign_in_raw("ENTRA_ID", &token, again["nonce"].as_str().unwrap())
        .await;
    assert_eq!(payload["session"]["person"]["id"], gid("Person", w.teacher));
    let refreshed = w
        .app
        .ok(
            None,
            "mutation($t: String!) { refreshSession(input: {refreshToken: $t}) { session { accessToken } } }",
            json!({ "t": payload["session"]["refreshToken"] }),
        )
        .await;
    assert!(refreshed["refreshSession"]["session"]["accessToken"].is_string());
}

#[tokio::test]
async fn tokens_that_are_not_right_are_refused_and_change_nothing() {
    let w = world().await;
    let n = nonce();
    let good = entra_claims(TENANT, "oid-teacher", "teacher@oakfield.sch.uk", &n);
    let with = |changes: Value| {
        let mut claims = good.clone();
        for (name, value) in changes.as_object().unwrap() {
            claims[name] = value.clone();
        }
        claims
    };
    let now = oidc::now();
    let invalid = "IDENTITY_TOKEN_INVALID";

    let expired = w.key.token(&with(
        json!({ "iat": now - 7200, "nbf": now - 7200, "exp": now - 3600 }),
    ));
    let payload = w.refused("ENTRA_ID", &expired, &n, invalid).await;
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "idToken"])
    );
    assert!(
        payload["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{payload:#}"
    );

    let not_yet = w
        .key
        .token(&with(json!({ "nbf": now + 3600, "exp": now + 7200 })));
    w.refused("ENTRA_ID", &not_yet, &n, invalid).await;
    let issued_later = w
        .key
        .token(&with(json!({ "iat": now + 3600, "exp": now + 7200 })));
    w.refused("ENTRA_ID", &issued_later, &n, invalid).await;
    let forever = w.key.token(&with(json!({ "exp": now + 400 * 24 * 3600 })));
    w.refused("ENTRA_ID", &forever, &n, invalid).await;

    let attacker = TestKey::generate("attacker");
    let wrongly_signed = attacker.sign_as(&w.key.kid, &good);
    w.refused("ENTRA_ID", &wrongly_signed, &n, invalid).await;
    let unknown_key = attacker.token(&good);
    w.refused("ENTRA_ID", &unknown_key, &n, invalid).await;
    let mut tampered = w.key.token(&good);
    tampered.push('A');
    w.refused("ENTRA_ID", &tampered, &n, invalid).await;

    let wrong_audience = w.key.token(&with(json!({ "aud": "someone-elses-app" })));
    w.refused("ENTRA_ID", &wrong_audience, &n, invalid).await;
    let no_audience = {
        let mut claims = good.clone();
        claims.as_object_mut().unwrap().remove("aud");
        w.key.token(&claims)
    };
    w.refused("ENTRA_ID", &no_audience, &n, invalid).await;
    let wrong_issuer = w
        .key
        .token(&with(json!({ "iss": entra_issuer(OTHER_TENANT) })));
    w.refused("ENTRA_ID", &wrong_issuer, &n, invalid).await;
    let google_issuer = w
        .key
        .token(&with(json!({ "iss": "https://accounts.google.com" })));
    w.refused("ENTRA_ID", &google_issuer, &n, invalid).await;
    // An Entra token sent as Google's: wrong issuer and audience for that provider.
    w.refused("GOOGLE", &w.key.token(&good), &n, invalid).await;

    let none = unsigned_token(&w.key.kid, &good);
    w.refused("ENTRA_ID", &none, &n, invalid).await;
    let hs256 = hs256_token(&w.key.kid, &w.key.public_bytes(), &good);
    w.refused("ENTRA_ID", &hs256, &n, invalid).await;
    let hs256_jwk = hs256_token(&w.key.kid, w.key.jwk().to_string().as_bytes(), &good);
    w.refused("ENTRA_ID", &hs256_jwk, &n, invalid).await;

    let payload = w
        .refused("ENTRA_ID", &w.key.token(&good), &nonce(), invalid)
        .await;
    assert!(
        payload["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nonce"),
        "{payload:#}"
    );
    let no_nonce = {
        let mut claims = good.clone();
        claims.as_object_mut().unwrap().remove("nonce");
        w.key.token(&claims)
    };
    w.refused("ENTRA_ID", &no_nonce, &n, invalid).await;

    // Valid tokens that sign no one in, all answered alike.
    let not_accepted = "IDENTITY_NOT_ACCEPTED";
    let other_tenant = entra_claims(OTHER_TENANT, "oid-teacher", "teacher@oakfield.sch.uk", &n);
    let first = w
        .refused("ENTRA_ID", &w.key.token(&other_tenant), &n, not_accepted)
        .await;
    let stranger = with(json!({ "oid": "oid-stranger", "email": "nobody@oakfield.sch.uk" }));
    let second = w
        .refused("ENTRA_ID", &w.key.token(&stranger), &n, not_accepted)
        .await;
    assert_eq!(first["userErrors"], second["userErrors"]);
    let unverified_domain = with(json!({ "xms_edov": false }));
    w.refused(
        "ENTRA_ID",
        &w.key.token(&unverified_domain),
        &n,
        not_accepted,
    )
    .await;
    // Someone who exists, but works only at a school that registered no tenant.
    let elsewhere = w.app.school("Elsewhere Academy").await;
    let outsider = w.app.person("outsider@elsewhere.sch.uk", false).await;
    w.app
        .staff(outsider, elsewhere, StaffRoleKind::Teacher)
        .await;
    let outside = with(json!({ "oid": "oid-outsider", "email": "outsider@elsewhere.sch.uk" }));
    w.refused("ENTRA_ID", &w.key.token(&outside), &n, not_accepted)
        .await;

    // Input out of bounds is refused before anything is looked at.
    let long = "a".repeat(17 * 1024);
    let (_, payload) = w.sign_in_raw("ENTRA_ID", &long, &n).await;
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "idToken"])
    );
    let (_, payload) = w
        .sign_in_raw("ENTRA_ID", &w.key.token(&good), "short")
        .await;
    assert_eq!(payload["userErrors"][0]["field"], json!(["input", "nonce"]));

    // After all that, the right token still works: nothing was spent or linked.
    w.signs_in("ENTRA_ID", &good).await;
}

#[tokio::test]
async fn google_needs_a_verified_email_in_a_registered_domain() {
    let w = world().await;
    let not_accepted = "IDENTITY_NOT_ACCEPTED";
    let email = "teacher@oakfield.sch.uk";
    let unverified = google_claims("g-1", Some(DOMAIN), email, false, &nonce());
    let n = unverified["nonce"].as_str().unwrap().to_owned();
    w.refused("GOOGLE", &w.key.token(&unverified), &n, not_accepted)
        .await;
    let consumer = google_claims("g-1", None, email, true, &nonce());
    let n = consumer["nonce"].as_str().unwrap().to_owned();
    w.refused("GOOGLE", &w.key.token(&consumer), &n, not_accepted)
        .await;
    let other_domain = google_claims("g-1", Some("elsewhere.sch.uk"), email, true, &nonce());
    let n = other_domain["nonce"].as_str().unwrap().to_owned();
    w.refused("GOOGLE", &w.key.token(&other_domain), &n, not_accepted)
        .await;

    let token = w
        .signs_in(
            "GOOGLE",
            &google_claims("g-1", Some(DOMAIN), email, true, &nonce()),
        )
        .await;
    let viewer = w.viewer(&token).await;
    assert_eq!(
        viewer["linkedIdentities"][0]["issuer"],
        "https://accounts.google.com"
    );
    assert_eq!(viewer["linkedIdentities"][0]["subject"], "g-1");
    assert_eq!(viewer["linkedIdentities"][0]["tenant"], DOMAIN);

    // Google's tokens may name the issuer without its scheme; it is the same account.
    let mut bare = google_claims("g-1", Some(DOMAIN), email, true, &nonce());
    bare["iss"] = json!("accounts.google.com");
    w.signs_in("GOOGLE", &bare).await;

    // A second Google account with the same email is not linked.
    let second = google_claims("g-2", Some(DOMAIN), email, true, &nonce());
    let n = second["nonce"].as_str().unwrap().to_owned();
    w.refused("GOOGLE", &w.key.token(&second), &n, not_accepted)
        .await;
}

#[tokio::test]
async fn schools_leaders_and_alliance_admins_register_organisations() {
    let w = world().await;
    let teacher = w.app.sign_in("teacher@oakfield.sch.uk").await;

    // A teacher may not register, and does not see the school's organisations.
    let body = w
        .app
        .gql(
            Some(&teacher),
            REGISTER,
            json!({ "school": gid("School", w.school), "provider": "ENTRA_ID", "tenant": OTHER_TENANT }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body:#}"
    );
    let seen = |token: String| {
        let app = &w.app;
        let school = gid("School", w.school);
        async move {
            app.ok(
                Some(&token),
                "query($id: ID!) { node(id: $id) { ... on School { identityProviders { provider tenant } } } }",
                json!({ "id": school }),
            )
            .await["node"]["identityProviders"]
                .clone()
        }
    };
    assert_eq!(seen(teacher.clone()).await, json!([]));
    assert_eq!(
        seen(w.head.clone()).await,
        json!([
            { "provider": "ENTRA_ID", "tenant": TENANT },
            { "provider": "GOOGLE", "tenant": DOMAIN },
        ])
    );

    // Bad and repeated registrations change nothing.
    let payload = w.register(&w.head, "ENTRA_ID", "not-a-guid").await;
    assert_eq!(payload["userErrors"][0]["code"], "INVALID", "{payload:#}");
    let payload = w.register(&w.head, "GOOGLE", "gmail.com").await;
    assert_eq!(payload["userErrors"][0]["code"], "INVALID", "{payload:#}");
    let payload = w
        .register(&w.head, "ENTRA_ID", &TENANT.to_uppercase())
        .await;
    assert_eq!(payload["userErrors"][0]["code"], "TAKEN", "{payload:#}");

    // An admin of an alliance the school is an active member of may register too.
    let alliance = w.app.alliance("Riverside Alliance").await;
    w.app.member(alliance, w.school).await;
    let admin = w.app.person("admin@riverside.org.uk", false).await;
    w.app
        .alliance_role(admin, alliance, AllianceRoleKind::Admin)
        .await;
    let admin = w.app.sign_in("admin@riverside.org.uk").await;
    let payload = w.register(&admin, "ENTRA_ID", OTHER_TENANT).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");

    // Another school may register the same tenant (a trust's): it signs in only that
    // school's own staff.
    let other = w.app.school("Brook Academy").await;
    let other_head = w.app.person("head@brook.sch.uk", false).await;
    w.app
        .staff(other_head, other, StaffRoleKind::Headteacher)
        .await;
    let other_head_token = w.app.sign_in("head@brook.sch.uk").await;
    let payload = w
        .app
        .ok(
            Some(&other_head_token),
            REGISTER,
            json!({ "school": gid("School", other), "provider": "ENTRA_ID", "tenant": TENANT }),
        )
        .await;
    assert_eq!(
        payload["registerSchoolIdentityProvider"]["userErrors"],
        json!([])
    );
    w.signs_in(
        "ENTRA_ID",
        &entra_claims(TENANT, "oid-brook-head", "head@brook.sch.uk", &nonce()),
    )
    .await;

    // Once the school removes its tenant, its staff no longer sign in through it, even
    // with an account already linked.
    w.signs_in(
        "ENTRA_ID",
        &entra_claims(TENANT, "oid-teacher", "teacher@oakfield.sch.uk", &nonce()),
    )
    .await;
    let variables =
        json!({ "school": gid("School", w.school), "provider": "ENTRA_ID", "tenant": TENANT });
    let removed = w.app.ok(Some(&w.head), REMOVE, variables.clone()).await;
    assert_eq!(
        removed["removeSchoolIdentityProvider"]["school"]["identityProviders"],
        json!([
            { "provider": "GOOGLE", "tenant": DOMAIN },
            { "provider": "ENTRA_ID", "tenant": OTHER_TENANT },
        ])
    );
    let again = entra_claims(TENANT, "oid-teacher", "teacher@oakfield.sch.uk", &nonce());
    let n = again["nonce"].as_str().unwrap().to_owned();
    w.refused(
        "ENTRA_ID",
        &w.key.token(&again),
        &n,
        "IDENTITY_NOT_ACCEPTED",
    )
    .await;
    let removed = w.app.ok(Some(&w.head), REMOVE, variables).await;
    assert_eq!(
        removed["removeSchoolIdentityProvider"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn people_see_and_unlink_their_accounts() {
    let w = world().await;
    let claims = entra_claims(TENANT, "oid-teacher", "teacher@oakfield.sch.uk", &nonce());
    let token = w.signs_in("ENTRA_ID", &claims).await;
    // The head, who administers the teacher, does not see the teacher's accounts.
    assert_eq!(w.viewer(&w.head).await["linkedIdentities"], json!([]));

    const UNLINK: &str = "mutation($issuer: String!, $subject: String!) {
      unlinkIdentity(input: {issuer: $issuer, subject: $subject}) {
        identity { subject } userErrors { field code }
      }
    }";
    let variables = json!({ "issuer": entra_issuer(TENANT), "subject": "oid-teacher" });
    // Someone else cannot unlink it.
    let payload = w.app.ok(Some(&w.head), UNLINK, variables.clone()).await;
    assert_eq!(
        payload["unlinkIdentity"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let payload = w.app.ok(Some(&token), UNLINK, variables.clone()).await;
    assert_eq!(
        payload["unlinkIdentity"]["identity"]["subject"],
        "oid-teacher"
    );
    assert_eq!(w.viewer(&token).await["linkedIdentities"], json!([]));
    assert_eq!(w.links().await, 0);
    let body = w.app.gql(None, UNLINK, variables).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

#[tokio::test]
async fn made_up_key_ids_do_not_make_us_hammer_the_provider() {
    let w = world().await;
    let good = |oid: &str| entra_claims(TENANT, oid, "teacher@oakfield.sch.uk", &nonce());
    w.signs_in("ENTRA_ID", &good("oid-teacher")).await;
    let fetched = w.keys.fetches();
    assert_eq!(fetched, 1);
    let attacker = TestKey::generate("attacker");
    for kid in 0..10 {
        let claims = good("oid-teacher");
        let token = attacker.sign_as(&format!("made-up-{kid}"), &claims);
        w.refused(
            "ENTRA_ID",
            &token,
            claims["nonce"].as_str().unwrap(),
            "IDENTITY_TOKEN_INVALID",
        )
        .await;
    }
    assert!(
        w.keys.fetches() <= fetched + 1,
        "fetched {} times",
        w.keys.fetches()
    );
    w.signs_in("ENTRA_ID", &good("oid-teacher")).await;
}

#[tokio::test]
async fn a_rotated_key_is_fetched_when_a_token_names_it() {
    let mut flags = GENEROUS_LIMITS.to_vec();
    flags.extend(["--jwks-min-refetch-secs", "0"]);
    let w = world_with(&flags).await;
    let claims =
        |nonce: String| entra_claims(TENANT, "oid-teacher", "teacher@oakfield.sch.uk", &nonce);
    w.signs_in("ENTRA_ID", &claims(nonce())).await;
    let rotated = TestKey::generate("key-2");
    w.keys.publish(&[&w.key, &rotated]);
    let fresh = claims(nonce());
    let token = rotated.token(&fresh);
    let (_, payload) = w
        .sign_in_raw("ENTRA_ID", &token, fresh["nonce"].as_str().unwrap())
        .await;
    assert!(payload["session"]["accessToken"].is_string(), "{payload:#}");
}

#[tokio::test]
async fn a_provider_not_set_up_is_refused() {
    let app = spawn_app_with(&[]).await;
    let key = TestKey::generate("key-1");
    let claims = entra_claims(TENANT, "oid", "teacher@oakfield.sch.uk", &nonce());
    let payload = app
        .ok(
            None,
            SIGN_IN,
            json!({ "provider": "ENTRA_ID", "token": key.token(&claims), "nonce": claims["nonce"] }),
        )
        .await;
    assert_eq!(
        payload["signInWithIdentityProvider"]["userErrors"][0]["field"],
        json!(["input", "provider"])
    );
}

#[tokio::test]
async fn attempts_are_limited_as_sign_ins_are() {
    let w = world_with(&[]).await;
    let claims = entra_claims(TENANT, "oid-teacher", "teacher@oakfield.sch.uk", &nonce());
    let attacker = TestKey::generate("attacker");
    let forged = attacker.sign_as(&w.key.kid, &claims);
    let n = claims["nonce"].as_str().unwrap();
    // Five attempts a minute per account (as per email for `signIn`), then no more.
    for _ in 0..5 {
        w.refused("ENTRA_ID", &forged, n, "IDENTITY_TOKEN_INVALID")
            .await;
    }
    let body = w
        .app
        .gql(
            None,
            SIGN_IN,
            json!({ "provider": "ENTRA_ID", "token": w.key.token(&claims), "nonce": n }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body:#}"
    );
}

#[tokio::test]
async fn a_provider_whose_keys_cannot_be_fetched_is_unavailable() {
    // Nothing listens on port 1 of this machine.
    let app = spawn_app_with(&[
        "--entra-client-id",
        oidc::ENTRA_CLIENT_ID,
        "--entra-jwks-url",
        "http://127.0.0.1:1/keys",
    ])
    .await;
    let key = TestKey::generate("key-1");
    let claims = entra_claims(TENANT, "oid", "teacher@oakfield.sch.uk", &nonce());
    let body = app
        .gql(
            None,
            SIGN_IN,
            json!({ "provider": "ENTRA_ID", "token": key.token(&claims), "nonce": claims["nonce"] }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{body:#}"
    );
    assert!(
        body["errors"][0]["extensions"]["retryAfter"].is_number(),
        "{body:#}"
    );
}
