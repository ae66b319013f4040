//! A stand-in identity provider for the single sign-on tests: RSA keys generated when the
//! tests start (test-only, never written anywhere), published as a JWKS by a local HTTP
//! server bound to 127.0.0.1, and ID tokens signed with them. Tokens are made here with
//! aws-lc-rs directly, not with the `jsonwebtoken` crate the server checks them with.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpResponse, HttpServer, web};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// The client ids the test server is started with.
pub const ENTRA_CLIENT_ID: &str = "3f0f3b1e-0000-4000-8000-trellis-test";
pub const GOOGLE_CLIENT_ID: &str = "trellis-test.apps.googleusercontent.com";

/// A test-only RSA signing key and the id it is published under.
pub struct TestKey {
    pub kid: String,
    pair: RsaKeyPair,
}

impl TestKey {
    pub fn generate(kid: &str) -> Self {
        Self {
            kid: kid.to_owned(),
            pair: RsaKeyPair::generate(KeySize::Rsa2048).expect("an RSA key"),
        }
    }

    /// The public key as a JWK, as providers publish it.
    pub fn jwk(&self) -> Value {
        let public = self.pair.public_key();
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        })
    }

    /// The public modulus, as an attacker who read the JWKS has it.
    pub fn public_bytes(&self) -> Vec<u8> {
        self.pair
            .public_key()
            .modulus()
            .big_endian_without_leading_zero()
            .to_vec()
    }

    /// An RS256 token of `claims` naming this key.
    pub fn token(&self, claims: &Value) -> String {
        self.sign_as(&self.kid, claims)
    }

    /// An RS256 token of `claims` signed with this key but naming key `kid`.
    pub fn sign_as(&self, kid: &str, claims: &Value) -> String {
        let signing_input =
            signing_input(&json!({ "alg": "RS256", "typ": "JWT", "kid": kid }), claims);
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .expect("an RS256 signature");
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

/// `base64url(header).base64url(claims)`, the part of a JWT its signature covers.
pub fn signing_input(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// An unsigned token (`alg: none`) naming key `kid`.
pub fn unsigned_token(kid: &str, claims: &Value) -> String {
    format!(
        "{}.",
        signing_input(&json!({ "alg": "none", "typ": "JWT", "kid": kid }), claims)
    )
}

/// A token "signed" HS256 with `secret` as the HMAC key, naming key `kid`: the attack on
/// servers that let the token choose the algorithm and use an RSA public key as the secret.
pub fn hs256_token(kid: &str, secret: &[u8], claims: &Value) -> String {
    let signing_input = signing_input(&json!({ "alg": "HS256", "typ": "JWT", "kid": kid }), claims);
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
    let tag = aws_lc_rs::hmac::sign(&key, signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The issuer of an Entra tenant's v2.0 tokens.
pub fn entra_issuer(tenant: &str) -> String {
    format!("https://login.microsoftonline.com/{tenant}/v2.0")
}

/// The claims of an Entra ID token for account `oid` of `tenant`, valid for an hour, with
/// the email's domain verified (`xms_edov`).
pub fn entra_claims(tenant: &str, oid: &str, email: &str, nonce: &str) -> Value {
    let now = now();
    json!({
        "iss": entra_issuer(tenant),
        "aud": ENTRA_CLIENT_ID,
        "sub": format!("pairwise-{oid}"),
        "oid": oid,
        "tid": tenant,
        "email": email,
        "xms_edov": true,
        "name": "Test Person",
        "nonce": nonce,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
    })
}

/// The claims of a Google ID token for account `sub`, valid for an hour.
pub fn google_claims(
    sub: &str,
    hd: Option<&str>,
    email: &str,
    verified: bool,
    nonce: &str,
) -> Value {
    let now = now();
    let mut claims = json!({
        "iss": "https://accounts.google.com",
        "aud": GOOGLE_CLIENT_ID,
        "azp": GOOGLE_CLIENT_ID,
        "sub": sub,
        "email": email,
        "email_verified": verified,
        "nonce": nonce,
        "iat": now,
        "exp": now + 3600,
    });
    if let Some(hd) = hd {
        claims["hd"] = json!(hd);
    }
    claims
}

/// A fresh nonce, as a front end makes one per sign-in.
pub fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A JWKS served at `{url}` by a local HTTP server, which counts how often it is fetched.
pub struct KeyServer {
    pub url: String,
    published: Arc<Mutex<Value>>,
    fetches: Arc<AtomicUsize>,
}

impl KeyServer {
    pub fn start(keys: &[&TestKey]) -> Self {
        let published = Arc::new(Mutex::new(Value::Null));
        let fetches = Arc::new(AtomicUsize::new(0));
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().unwrap().port();
        let state = (published.clone(), fetches.clone());
        let server = HttpServer::new(move || {
            let (published, fetches) = state.clone();
            App::new().route(
                "/keys",
                web::get().to(move || {
                    let published = published.clone();
                    let fetches = fetches.clone();
                    async move {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        let body = published.lock().unwrap().clone();
                        HttpResponse::Ok().json(body)
                    }
                }),
            )
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
        tokio::spawn(server);
        let server = Self {
            url: format!("http://127.0.0.1:{port}/keys"),
            published,
            fetches,
        };
        server.publish(keys);
        server
    }

    /// Publishes these keys from now on, as a provider rotating its keys does.
    pub fn publish(&self, keys: &[&TestKey]) {
        *self.published.lock().unwrap() =
            json!({ "keys": keys.iter().map(|key| key.jwk()).collect::<Vec<_>>() });
    }

    /// How often the key set was fetched so far.
    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    /// The server flags that point both providers at this key set.
    pub fn flags(&self) -> Vec<String> {
        [
            "--entra-client-id",
            ENTRA_CLIENT_ID,
            "--entra-jwks-url",
            &self.url,
            "--google-client-id",
            GOOGLE_CLIENT_ID,
            "--google-jwks-url",
            &self.url,
        ]
        .map(str::to_owned)
        .to_vec()
    }
}
