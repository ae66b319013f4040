//! Golden visibility tables: every folder under `tests/golden/` is a request, the viewpoint
//! it runs as and the answer expected, run against a real server on the demo data
//! (`serve --demo`). `GOLDEN_UPDATE=1` writes the answers instead of comparing them
//! (tests/golden/README.md).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

/// `viewer.txt` of a case run as the demo's service account, optionally followed by the
/// scopes to ask for (`demo-service-account schools:read`).
const DEMO_SERVICE_ACCOUNT: &str = "demo-service-account";

/// Who a request runs as: `anonymous`, a demo account's email, or the demo's service
/// account.
fn read_viewer(dir: &Path) -> Option<String> {
    let viewer = read(dir, "viewer.txt").expect("every case names its viewer in viewer.txt");
    let viewer = viewer.trim();
    (viewer != "anonymous").then(|| viewer.to_owned())
}

fn read(dir: &Path, file: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(file)).ok()
}

fn read_json(dir: &Path, file: &str) -> Option<Value> {
    read(dir, file).map(|text| {
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}/{file} is not JSON: {e}", dir.display()))
    })
}

/// One request with its viewpoint: a case's own, or one step of its `setup.json`.
struct Request {
    viewer: Option<String>,
    query: String,
    variables: Value,
}

struct Case {
    name: String,
    dir: PathBuf,
    request: Request,
    /// Mutations run first on the demo data (`setup.json`), in a world shared only with
    /// cases of the same setup.
    setup: Vec<Request>,
    /// The text of `setup.json`, empty without one.
    setup_key: String,
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(CASES)
        .expect("tests/golden exists")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let request = Request {
                viewer: read_viewer(&dir),
                query: read(&dir, "query.graphql")
                    .unwrap_or_else(|| panic!("{name}: query.graphql is missing")),
                variables: read_json(&dir, "variables.json").unwrap_or_else(|| json!({})),
            };
            let setup_key = read(&dir, "setup.json").unwrap_or_default();
            let setup = read_json(&dir, "setup.json")
                .map(|steps| {
                    let steps = steps.as_array().cloned().unwrap_or_default();
                    steps.into_iter().map(setup_step).collect()
                })
                .unwrap_or_default();
            Case {
                name,
                dir,
                request,
                setup,
                setup_key,
            }
        })
        .collect()
}

/// A step of `setup.json`: `{"viewer": ..., "query": ..., "variables": ...}`.
fn setup_step(step: Value) -> Request {
    let viewer = step["viewer"]
        .as_str()
        .expect("a setup step names its viewer");
    Request {
        viewer: (viewer != "anonymous").then(|| viewer.to_owned()),
        query: step["query"]
            .as_str()
            .expect("a setup step has a query")
            .to_owned(),
        variables: step.get("variables").cloned().unwrap_or_else(|| json!({})),
    }
}

/// A server on the demo data, with the access tokens of those who signed in.
struct World {
    app: TestApp,
    tokens: HashMap<String, String>,
    /// The last `sync { syncedAt }` each viewer was given, for `"$SYNCED_AT"`.
    synced_at: HashMap<Option<String>, Value>,
}

impl World {
    async fn new() -> World {
        let app = spawn_app().await;
        trellis::seed::demo::load(&app.db).await.unwrap();
        World {
            app,
            tokens: HashMap::new(),
            synced_at: HashMap::new(),
        }
    }

    async fn token(&mut self, email: &str) -> String {
        if let Some(token) = self.tokens.get(email) {
            return token.clone();
        }
        if let Some(scope) = email.strip_prefix(DEMO_SERVICE_ACCOUNT) {
            let token = self.service_account_token(scope.trim()).await;
            self.tokens.insert(email.to_owned(), token.clone());
            return token;
        }
        let data = self
            .app
            .ok(
                None,
                "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } } }",
                json!({ "e": email, "p": trellis::seed::demo::DEMO_PASSWORD }),
            )
            .await;
        let token = data["signIn"]["session"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("{email} is a demo account: {data:#}"))
            .to_owned();
        self.tokens.insert(email.to_owned(), token.clone());
        token
    }

    /// A token of the demo's service account (Kingsmead's MIS), for all its scopes or
    /// those `scope` names.
    async fn service_account_token(&self, scope: &str) -> String {
        crate::observations_visibility::demo_service_token(&self.app, scope).await
    }

    /// The whole answer: `data`, and `errors` when there are any.
    async fn answer(&mut self, request: &Request) -> Value {
        let token = match &request.viewer {
            Some(email) => Some(self.token(email).await),
            None => None,
        };
        let mut variables = request.variables.clone();
        // A delta starts from the viewer's last sync, which no file can hold.
        for value in variables
            .as_object_mut()
            .into_iter()
            .flat_map(|vars| vars.values_mut())
        {
            if value == "$SYNCED_AT" {
                *value = self
                    .synced_at
                    .get(&request.viewer)
                    .cloned()
                    .unwrap_or_default();
            }
        }
        let answer = self
            .app
            .gql(token.as_deref(), &request.query, variables)
            .await;
        if let Some(at) = answer.pointer("/data/sync/syncedAt") {
            self.synced_at.insert(request.viewer.clone(), at.clone());
        }
        answer
    }
}

/// Whether a mutation's answer holds a non-empty `userErrors` anywhere.
fn has_user_errors(answer: &Value) -> bool {
    match answer {
        Value::Object(fields) => fields.iter().any(|(key, value)| {
            (key == "userErrors" && value.as_array().is_some_and(|errors| !errors.is_empty()))
                || has_user_errors(value)
        }),
        Value::Array(items) => items.iter().any(has_user_errors),
        _ => false,
    }
}

/// Where `actual` differs from `expected`, one line per difference, by JSON path.
fn differences(path: &str, expected: &Value, actual: &Value, out: &mut String) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let at = format!("{path}.{key}");
                match a.get(key) {
                    Some(other) => differences(&at, value, other, out),
                    None => writeln!(out, "  {at}: expected {value}, missing").unwrap(),
                }
            }
            for (key, value) in a.iter().filter(|(key, _)| !e.contains_key(*key)) {
                writeln!(out, "  {path}.{key}: not expected, got {value}").unwrap();
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (n, pair) in e.iter().zip(a).enumerate() {
                differences(&format!("{path}[{n}]"), pair.0, pair.1, out);
            }
            for (n, value) in e.iter().enumerate().skip(a.len()) {
                writeln!(out, "  {path}[{n}]: expected {value}, missing").unwrap();
            }
            for (n, value) in a.iter().enumerate().skip(e.len()) {
                writeln!(out, "  {path}[{n}]: not expected, got {value}").unwrap();
            }
        }
        _ if expected != actual => {
            writeln!(out, "  {path}: expected {expected}, got {actual}").unwrap()
        }
        _ => {}
    }
}

#[tokio::test]
async fn golden_visibility_tables() {
    let update = std::env::var("GOLDEN_UPDATE").is_ok_and(|value| value == "1");
    // Cases with the same setup share a world: the demo data, then that setup.
    let mut worlds: HashMap<String, World> = HashMap::new();
    let mut failures = String::new();
    let cases = cases();
    assert!(!cases.is_empty(), "no cases under {CASES}");
    for case in &cases {
        let world = match worlds.entry(case.setup_key.clone()) {
            Entry::Occupied(world) => world.into_mut(),
            Entry::Vacant(entry) => {
                let mut world = World::new().await;
                for step in &case.setup {
                    let answer = world.answer(step).await;
                    assert!(
                        answer.get("errors").is_none() && !has_user_errors(&answer),
                        "{}: a setup step failed: {answer:#}",
                        case.name
                    );
                }
                entry.insert(world)
            }
        };
        let actual = world.answer(&case.request).await;
        let file = case.dir.join("expected.json");
        if update {
            let text = serde_json::to_string_pretty(&actual).unwrap() + "\n";
            std::fs::write(&file, text).expect("write expected.json");
            continue;
        }
        let expected = read_json(&case.dir, "expected.json").unwrap_or_else(|| {
            panic!(
                "{}: expected.json is missing (GOLDEN_UPDATE=1 writes it)",
                case.name
            )
        });
        let mut diff = String::new();
        differences("", &expected, &actual, &mut diff);
        if !diff.is_empty() {
            writeln!(failures, "golden case {} differs:\n{diff}", case.name).unwrap();
        }
    }
    assert!(
        failures.is_empty(),
        "{failures}(GOLDEN_UPDATE=1 rewrites expected.json; review the change against DOMAIN.md first)"
    );
}
