//! Word forms a teacher expects to find each other (issue 18, item 23), on SQLite (FTS5,
//! Porter) and PostgreSQL (English Snowball) alike: inflections, derivational families
//! (fluent, fluency, fluently), irregular forms and British or American spellings; common
//! words left out of a search on both; ranking and highlighting of every form; and support
//! suggestions that compare words the same way.

use serde_json::{Value, json};

use crate::practice_world::{Spec, practice_world, titles};
use crate::support_world::support_world;

/// Groups of forms; a search for any form of a group finds the practice of every form.
const GROUPS: &[&[&str]] = &[
    &["fluent", "fluency", "fluently"],
    &["assess", "assessment", "assessing"],
    &["differentiate", "differentiation"],
    &["question", "questioning"],
    &["organise", "organization"],
    &["behaviour", "behavior"],
    &["maths", "mathematics"],
    &["teach", "taught"],
];

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

fn snippets(found: &Value) -> Vec<String> {
    found["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["snippet"].as_str().expect("a snippet").to_owned())
        .collect()
}

#[tokio::test]
async fn each_form_of_a_word_finds_the_others_and_is_highlighted() {
    let w = practice_world().await;
    for (g, group) in GROUPS.iter().enumerate() {
        for (f, form) in group.iter().enumerate() {
            w.write(
                &w.head,
                w.schools[0],
                Spec::new(&format!("Case {g}{f}")).body(&format!(
                    "Over a term we looked closely at {form} in class."
                )),
            )
            .await;
        }
    }
    for (g, group) in GROUPS.iter().enumerate() {
        let expected: Vec<String> = (0..group.len()).map(|f| format!("Case {g}{f}")).collect();
        for form in *group {
            // Complete (with a space after it) and as the last word typed.
            for q in [format!("{form} "), form.to_uppercase()] {
                let found = w.search(None, json!({ "q": q })).await;
                assert_eq!(sorted(titles(&found)), expected, "{q:?}: {found:#}");
                // Each hit highlights the form it holds.
                for (title, snippet) in titles(&found).iter().zip(snippets(&found)) {
                    let f: usize = title[title.len() - 1..].parse().unwrap();
                    assert!(
                        snippet.contains(&format!("<mark>{}</mark>", group[f])),
                        "{q:?}: {title}: {snippet}"
                    );
                }
            }
        }
    }
    // A prefix of the family's forms finds them all.
    assert_eq!(
        sorted(w.titles(None, json!({ "q": "fluen" })).await),
        ["Case 00", "Case 01", "Case 02"]
    );
    // Common words are left out on both databases: the rest must match.
    assert_eq!(
        sorted(w.titles(None, json!({ "q": "how to assess the" })).await),
        ["Case 10", "Case 11", "Case 12"]
    );
    assert_eq!(
        w.titles(None, json!({ "q": "what is it" })).await,
        Vec::<String>::new()
    );
    // Every word must still match: no practice holds both.
    assert_eq!(
        w.titles(None, json!({ "q": "fluency behaviour" })).await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn a_title_holding_another_form_still_outranks_a_body_match() {
    let w = practice_world().await;
    w.write(
        &w.head,
        w.schools[0],
        Spec::new("Group work").body("Partners read aloud to build fluency."),
    )
    .await;
    w.write(&w.head, w.schools[0], Spec::new("Fluent readers in Year 3"))
        .await;
    let found = w.search(None, json!({ "q": "fluency" })).await;
    assert_eq!(
        titles(&found),
        ["Fluent readers in Year 3", "Group work"],
        "{found:#}"
    );
    let relevance = |n: usize| found["edges"][n]["relevance"].as_f64().unwrap();
    assert!(relevance(0) > relevance(1), "{found:#}");
    let snippets = snippets(&found);
    assert!(snippets[0].contains("<mark>Fluent</mark>"), "{snippets:?}");
    assert!(snippets[1].contains("<mark>fluency</mark>"), "{snippets:?}");
    assert_eq!(found["totalCount"], 2);
}

/// Suggestions compare a need's words with an SLE's expertise by the same forms: a need
/// in "maths" matches expertise in "Mathematics mastery".
#[tokio::test]
async fn support_suggestions_match_word_forms() {
    let s = support_world().await;
    let w = &s.w;
    let request = s.request(0, 2.0).await["id"].clone();
    let cat = &w.teachers[2];
    s.sle(cat.id, &["Mathematics mastery"]).await;
    let data = w
        .app
        .ok(
            Some(&w.lead.token),
            "query($id: ID!) { node(id: $id) { ... on SupportRequest {
                suggestions(first: 20) { reasons subject { __typename ... on Person { id } } } } } }",
            json!({ "id": request }),
        )
        .await;
    let suggestion = data["node"]["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["subject"]["id"] == cat.gid())
        .unwrap_or_else(|| panic!("the SLE is suggested: {data:#}"));
    assert!(
        suggestion["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "Expertise in Mathematics mastery matches \"mathematics\""),
        "{suggestion:#}"
    );
}

/// The stop words left out of a search are PostgreSQL's English stop words, so that a
/// search means the same on both databases. Asked of PostgreSQL's own configuration.
#[tokio::test]
async fn postgres_only_stop_words_are_postgres_english_stop_words() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if crate::common::skipped_unless_postgres(
        "postgres_only_stop_words_are_postgres_english_stop_words",
    ) {
        return;
    }
    let app = crate::common::spawn_app().await;
    // Every one of them is dropped by PostgreSQL's English configuration.
    let words: Vec<String> = trellis::words::STOP_WORDS
        .iter()
        .map(|word| format!("('{word}')"))
        .collect();
    let kept = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT string_agg(w, ' ') FROM (VALUES {}) AS t(w) \
                 WHERE to_tsvector('english', w) <> ''::tsvector",
                words.join(", ")
            ),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<Option<String>>(0)
        .unwrap();
    assert_eq!(kept, None, "not stop words on PostgreSQL");
}
