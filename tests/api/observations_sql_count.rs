//! A page of observations and reflections with their people, school, themes, shares and
//! coaching cycles, and the portfolio, run the same number of SQL statements however many
//! there are.

use serde_json::json;

use crate::common::gid;
use crate::observations_scenario::person_key;
use crate::observations_visibility::{Demo, OBSERVER};
use crate::world::mutate_ok;

const LISTS: &str = "{ viewer {
  observations(first: 50) { totalCount nodes { id focus observer { id } teacher { id }
    school { name } themes { name } shares { person { id } endsOnLeaving { name } } } }
  reflections(first: 50) { totalCount nodes { id title person { id } themes { name }
    shares { person { id } } event { id } practice { id } enquiry { id }
    coachingCycle { id focus } } }
  portfolio { schools { title } observations { id } reflections { id } json } } }";

#[tokio::test]
async fn statements_for_observations_and_reflections_do_not_grow_with_the_rows() {
    let demo = Demo::with_flags(&["--loader-delay-us", "50000"]).await;
    let app = &demo.app;
    let observer = demo.token(OBSERVER).await;
    let people = [
        "teacher@kingsmead.example",
        "teacher@staidans.example",
        "headteacher@kingsmead.example",
    ];
    // Each reflection belongs to an enquiry the observer reads, so that the enquiries
    // are read too (in one batch).
    let enquiries = app
        .ok(
            Some(&observer),
            "{ enquiries(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let enquiry = enquiries["enquiries"]["nodes"][0]["id"].clone();
    assert!(
        enquiry.is_string(),
        "the observer reads an enquiry: {enquiries}"
    );
    // And each reflects on a cycle of its own, of the demo relationship the observer
    // coaches in, so that the cycles (and their relationship) are read too.
    let coaching = app
        .ok(
            Some(&observer),
            "{ coachingRelationships(first: 1, filter: { asCoach: true }) { nodes { id } } }",
            json!({}),
        )
        .await;
    let relationship = coaching["coachingRelationships"]["nodes"][0]["id"].clone();
    let mut counts = Vec::new();
    for round in 0..2 {
        for email in people.iter().take(if round == 0 { 1 } else { 3 }) {
            let id = gid("Person", person_key(app, email).await);
            mutate_ok(
                app,
                &observer,
                "recordObservation",
                "observation { id }",
                json!({
                    "teacherId": id, "observedOn": "2026-11-30", "purpose": "DEVELOPMENTAL",
                    "focus": "Modelling", "wentWell": "Clear worked example.",
                }),
            )
            .await;
            let cycle = mutate_ok(
                app,
                &observer,
                "startCoachingCycle",
                "cycle { id }",
                json!({ "relationshipId": relationship, "focus": format!("With {email}") }),
            )
            .await["cycle"]["id"]
                .clone();
            mutate_ok(
                app,
                &observer,
                "writeReflection",
                "reflection { id coachingCycle { id } }",
                json!({
                    "writtenOn": "2026-11-30", "purpose": "DEVELOPMENTAL",
                    "title": "After the visit", "bodyMarkdown": "What I *noticed*.",
                    "enquiryId": enquiry, "coachingCycleId": cycle,
                }),
            )
            .await;
        }
        // One unmeasured run first: the writes' notices (to the enquiry's members) are
        // sent after commit, and must not be counted as the query's.
        app.ok(Some(&observer), LISTS, json!({})).await;
        let before = app.sql_statements().await;
        app.ok(Some(&observer), LISTS, json!({})).await;
        counts.push(app.sql_statements().await - before);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for fewer and more rows: {counts:?}"
    );
}
