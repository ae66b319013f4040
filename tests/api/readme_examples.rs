//! Every GraphQL example in the README runs against the demo data within the default
//! limits: a newcomer who pastes one into GraphiQL gets an answer, not `QUERY_TOO_COMPLEX`
//! or a validation error. Examples that name an object by a placeholder (`"<practice
//! id>"`) answer with a `NOT_FOUND` user error or a `null`, which is fine here: what is
//! checked is that the request is accepted and runs.

use serde_json::{Value, json};

use crate::common::spawn_app;

/// The text of each fenced `graphql` block of the README.
fn examples() -> Vec<String> {
    let readme = include_str!("../../README.md");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```graphql") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[tokio::test]
async fn every_graphql_example_in_the_readme_runs_on_the_demo_data() {
    let app = spawn_app().await;
    trellis::seed::demo::load(&app.db).await.unwrap();
    let signed_in = app
        .ok(
            None,
            "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } } }",
            json!({ "e": "cpd.lead@severnvalley.example", "p": trellis::seed::demo::DEMO_PASSWORD }),
        )
        .await;
    let token = signed_in["signIn"]["session"]["accessToken"]
        .as_str()
        .expect("the demo CPD lead signs in")
        .to_owned();
    let practice = app
        .ok(
            Some(&token),
            "{ practices(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await["practices"]["nodes"][0]["id"]
        .clone();
    let examples = examples();
    assert!(examples.len() >= 5, "the README's examples are found");
    for example in examples {
        let body = app
            .gql(Some(&token), &example, json!({ "id": practice }))
            .await;
        let refused: Vec<&Value> = body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|error| {
                error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
                    || error["path"].as_array().is_none_or(Vec::is_empty)
            })
            .collect();
        assert!(
            refused.is_empty() && body["data"].is_object(),
            "this README example was refused:\n{example}\n{body:#}"
        );
    }
}
