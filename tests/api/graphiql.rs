//! GraphiQL, served from the binary: a browser opening `/graphql` gets a page that loads
//! everything from this server, works offline, and in demo mode starts with the demo
//! sign-in. (tests/browser/ drives the page itself in a real browser.)

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app, spawn_app_with};

/// What a browser sends when the address is opened.
const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn open_page(app: &TestApp) -> reqwest::Response {
    let response = app
        .client
        .get(format!("{}/graphql", app.url))
        .header(ACCEPT, BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response
}

/// The addresses of the page's scripts and style sheets.
fn assets(page: &str) -> Vec<String> {
    ["src=\"", "href=\""]
        .iter()
        .flat_map(|attribute| page.split(attribute).skip(1))
        .filter_map(|rest| rest.split('"').next())
        .filter(|address| *address != "data:,")
        .map(str::to_owned)
        .collect()
}

/// The settings the page gives GraphiQL.
fn settings(page: &str) -> Value {
    let block = page
        .split(r#"<script type="application/json" id="graphiql-settings">"#)
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("the page's settings");
    serde_json::from_str(block).unwrap()
}

#[tokio::test]
async fn graphiql_page_loads_nothing_from_other_origins() {
    let app = spawn_app().await;
    let response = open_page(&app).await;
    let headers = response.headers().clone();
    assert!(
        headers[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let policy = headers[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
    ] {
        assert!(policy.contains(directive), "{policy}");
    }
    assert!(!policy.contains("unsafe"), "{policy}");
    assert!(!policy.contains("http"), "{policy}");
    let page = response.text().await.unwrap();
    assert!(page.contains("<title>Trellis GraphiQL</title>"), "{page}");
    assert!(!page.contains("://"), "an address elsewhere: {page}");
    assert_eq!(settings(&page)["endpoint"], "/graphql");
    let assets = assets(&page);
    for name in [
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "graphiql.min.css",
    ] {
        assert!(
            assets.iter().any(|address| address.ends_with(name)),
            "{name}: {assets:?}"
        );
    }
}

#[tokio::test]
async fn graphiql_assets_are_served_with_their_types_and_kept_for_good() {
    let app = spawn_app().await;
    let page = open_page(&app).await.text().await.unwrap();
    let assets = assets(&page);
    assert_eq!(assets.len(), 6, "{assets:?}");
    for address in &assets {
        assert!(address.starts_with("/graphiql/"), "{address}");
        let response = app
            .client
            .get(format!("{}{address}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{address}");
        let content_type = response.headers()[CONTENT_TYPE].to_str().unwrap();
        let expected = if address.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(
            content_type.starts_with(expected),
            "{address}: {content_type}"
        );
        let caching = response.headers()[CACHE_CONTROL].to_str().unwrap();
        assert!(caching.contains("immutable"), "{address}: {caching}");
        assert!(caching.contains("max-age=31536000"), "{address}: {caching}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{address}");
    }
    // The same file under another key is not served: a page of another build never gets
    // this build's assets as its own.
    let (key, name) = assets[0]
        .trim_start_matches("/graphiql/")
        .split_once('/')
        .unwrap();
    for address in [
        format!("/graphiql/not-{key}/{name}"),
        format!("/graphiql/{key}/no-such-file.js"),
    ] {
        let response = app
            .client
            .get(format!("{}{address}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{address}");
    }
}

/// In demo mode the editor starts with the README's sign-in, which signs in.
#[tokio::test]
async fn graphiql_in_demo_mode_starts_with_the_demo_sign_in() {
    let app = spawn_app_with(&["--demo"]).await;
    trellis::seed::demo::load(&app.db).await.unwrap();
    let page = open_page(&app).await.text().await.unwrap();
    let settings = settings(&page);
    let query = settings["defaultQuery"]
        .as_str()
        .expect("a query to start with");
    assert!(query.contains("Headers tab"), "{query}");
    assert!(query.contains("Bearer"), "{query}");
    assert_eq!(settings["openHeaders"], true);
    let data = app.ok(None, query, json!({})).await;
    let token = data["signIn"]["session"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("the demo sign-in signs in: {data:#}"));
    let viewer = app
        .ok(Some(token), "{ viewer { person { email } } }", json!({}))
        .await;
    assert_eq!(
        viewer["viewer"]["person"]["email"],
        "cpd.lead@severnvalley.example"
    );
}

#[tokio::test]
async fn graphiql_outside_demo_mode_offers_no_sign_in() {
    let app = spawn_app().await;
    let page = open_page(&app).await.text().await.unwrap();
    let settings = settings(&page);
    assert_eq!(settings["defaultQuery"], Value::Null);
    assert!(!page.contains("demo-trellis"), "{page}");
}
