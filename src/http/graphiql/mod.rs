//! GraphiQL, served from the binary: the page, and the scripts and styles it loads (pinned
//! production builds of GraphiQL and React, vendored in `assets/graphiql/`), so that it
//! works offline and loads nothing from any other origin.

use std::sync::LazyLock;

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, web};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::seed::demo::DEMO_PASSWORD;

/// Where the assets are served; their content's key follows, then the file's name.
const ASSETS_PATH: &str = "/graphiql";

/// The page loads only what this server serves, runs no inline script, and talks only to
/// this server.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

/// An asset served under its file's name: a pinned build in `assets/graphiql/`, or one of
/// this server's own files beside this one.
macro_rules! asset {
    (pinned $name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_bytes!(concat!("../../../assets/graphiql/", $name)),
        }
    };
    (own $name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_bytes!($name),
        }
    };
}

const ASSETS: [Asset; 6] = [
    asset!(pinned "react.production.min.js", JAVASCRIPT),
    asset!(pinned "react-dom.production.min.js", JAVASCRIPT),
    asset!(pinned "graphiql.min.js", JAVASCRIPT),
    asset!(pinned "graphiql.min.css", CSS),
    asset!(own "page.css", CSS),
    asset!(own "start.js", JAVASCRIPT),
];

/// A digest of every asset, in their addresses: a browser may keep each asset for good,
/// and a server with other assets (another GraphiQL, another `start.js`) serves them at
/// other addresses.
static ASSETS_KEY: LazyLock<String> = LazyLock::new(|| {
    let mut digest = Sha256::new();
    for asset in &ASSETS {
        digest.update(asset.name.as_bytes());
        digest.update((asset.body.len() as u64).to_le_bytes());
        digest.update(asset.body);
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest.finalize()[..12])
});

/// The sign-in the page offers in demo mode: the README's "Signing in from GraphiQL".
fn demo_query() -> String {
    format!(
        r#"# Trellis in demo mode. Sign in as a demo account:
# run this mutation (the play button, or Ctrl-Enter),
# copy session.accessToken from the answer, and put it
# in the Headers tab below as
#   {{"Authorization": "Bearer <accessToken>"}}
# Requests then run as that person, for 15 minutes.
# Every demo account (the server listed them when it
# started) has this password.
mutation SignIn {{
  signIn(input: {{
    email: "cpd.lead@severnvalley.example"
    password: "{DEMO_PASSWORD}"
  }}) {{
    session {{ accessToken refreshToken accessTokenExpiresAt }}
    userErrors {{ field code message }}
  }}
}}
"#
    )
}

/// The GraphiQL page, rendered once at start-up.
#[derive(Clone)]
pub struct Page(String);

impl Page {
    /// In demo mode the editor starts with the demo sign-in and the headers tab open.
    pub fn new(endpoint: &str, demo: bool) -> Self {
        let settings = serde_json::json!({
            "endpoint": endpoint,
            "defaultQuery": demo.then(demo_query),
            "openHeaders": demo,
        });
        // Inside a <script> element no `<` may appear, or a `</script>` in a string would
        // end it; JSON may write the character escaped.
        let settings = settings.to_string().replace('<', "\\u003c");
        let assets = format!("{ASSETS_PATH}/{}", *ASSETS_KEY);
        Self(
            include_str!("page.html")
                .replace("{assets}", &assets)
                .replace("{settings}", &settings),
        )
    }

    pub fn response(&self) -> HttpResponse {
        HttpResponse::Ok()
            .content_type(ContentType::html())
            .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::REFERRER_POLICY, "no-referrer"))
            .body(self.0.clone())
    }
}

/// `GET /graphiql/{key}/{file}`: one asset, cached for good under its content's key.
pub async fn asset(path: web::Path<(String, String)>) -> HttpResponse {
    let (key, name) = path.into_inner();
    let found = ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .filter(|_| key == *ASSETS_KEY);
    match found {
        Some(asset) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, asset.content_type))
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(asset.body),
        None => HttpResponse::NotFound()
            .content_type(ContentType::plaintext())
            .body("no such GraphiQL asset"),
    }
}

/// The route of the assets, for the app.
pub fn assets_route() -> actix_web::Resource {
    web::resource(format!("{ASSETS_PATH}/{{key}}/{{name}}")).route(web::get().to(asset))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A setting holding `</script>` cannot end the page's settings block early.
    #[test]
    fn settings_cannot_close_their_script_element() {
        let page = Page::new("/graphql</script><script>alert(1)</script>", false);
        assert!(!page.0.contains("</script><script>alert"), "{}", page.0);
        let settings = page
            .0
            .split(r#"<script type="application/json" id="graphiql-settings">"#)
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .unwrap();
        let settings: serde_json::Value = serde_json::from_str(settings).unwrap();
        assert_eq!(
            settings["endpoint"],
            "/graphql</script><script>alert(1)</script>"
        );
    }
}
