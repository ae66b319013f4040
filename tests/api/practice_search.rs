//! Searching practice (issue 4): ranking, snippets, filters, orders, pagination both ways,
//! who finds what (hits and counts), search kept in step with edits, bad input, and a
//! bounded number of SQL statements. Runs on SQLite (FTS5) and, with
//! `TEST_DATABASE_URL`, on PostgreSQL (tsvector).

use crate::common::{gid, skipped_unless_postgres, spawn_app};
use crate::practice_world::{PracticeWorld, Spec, practice_world, titles};
use crate::world::{error_code, mutate_ok};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, Statement,
};
use serde_json::{Value, json};

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

#[tokio::test]
async fn a_title_match_outranks_a_body_match_and_snippets_highlight_it() {
    let w = practice_world().await;
    let (head, ashby) = (&w.head, w.schools[0]);
    w.write(head, ashby, Spec::new("Retrieval practice in Year 6 maths"))
        .await;
    w.write(
        head,
        ashby,
        Spec::new("Quizzing at the start of lessons")
            .body("Low-stakes quizzes at the start of each lesson build retrieval strength."),
    )
    .await;
    w.write(head, ashby, Spec::new("Oracy in the early years"))
        .await;
    w.write(
        head,
        ashby,
        Spec::new("Markup in a body")
            .body("We wrapped <script>alert(1)</script> & kept going; retrieval helped."),
    )
    .await;

    let found = w.search(None, json!({ "q": "retrieval" })).await;
    let hits = titles(&found);
    assert_eq!(hits[0], "Retrieval practice in Year 6 maths", "{found:#}");
    assert_eq!(
        sorted(hits.clone()),
        strs(&[
            "Markup in a body",
            "Quizzing at the start of lessons",
            "Retrieval practice in Year 6 maths"
        ])
    );
    assert_eq!(found["totalCount"], 3);
    assert_eq!(found["totalCountIsCapped"], false);
    let edges = found["edges"].as_array().unwrap();
    let relevance = |edge: &Value| edge["relevance"].as_f64().expect("a relevance");
    assert!(relevance(&edges[0]) > relevance(&edges[1]), "{found:#}");
    assert!(relevance(&edges[1]) >= relevance(&edges[2]), "{found:#}");
    for edge in edges {
        let snippet = edge["snippet"].as_str().expect("a snippet");
        assert!(
            snippet.to_lowercase().contains("<mark>retrieval</mark>"),
            "{snippet}"
        );
        assert!(!snippet.contains("<script"), "escaped: {snippet}");
    }
    assert!(
        edges[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>Retrieval</mark>")
    );

    // Stemming ("retrieving" finds "retrieval") and a prefix of the last word.
    for q in ["retrieving", "Year 6 retri", "RETRIEVAL maths"] {
        let hits = w.titles(None, json!({ "q": q })).await;
        assert_eq!(
            hits.first().map(String::as_str),
            Some("Retrieval practice in Year 6 maths"),
            "{q}: {hits:?}"
        );
    }
    // Every word must match.
    assert_eq!(
        w.titles(None, json!({ "q": "retrieval oracy" })).await,
        Vec::<String>::new()
    );

    // Without a query: newest first, no snippet, no relevance.
    let all = w.search(None, json!({})).await;
    assert_eq!(
        titles(&all),
        strs(&[
            "Markup in a body",
            "Oracy in the early years",
            "Quizzing at the start of lessons",
            "Retrieval practice in Year 6 maths"
        ])
    );
    assert_eq!(all["edges"][0]["snippet"], Value::Null);
    assert_eq!(all["edges"][0]["relevance"], Value::Null);
    assert_eq!(all["totalCount"], 4);
}

async fn themes(w: &PracticeWorld) -> (String, String) {
    let themes = entity::theme::Entity::find()
        .order_by_asc(entity::theme::Column::Id)
        .all(&w.app.db)
        .await
        .unwrap();
    (gid("Theme", themes[0].id), gid("Theme", themes[1].id))
}

#[tokio::test]
async fn each_filter_narrows_the_search() {
    let w = practice_world().await;
    let (head, ashby, brook) = (&w.head, w.schools[0], w.schools[1]);
    let (t1, t2) = themes(&w).await;
    let mut phonics = Spec::new("Phonics tool");
    phonics.kind = "TOOL";
    phonics.theme_ids = vec![t1.clone()];
    phonics.phases = vec!["PRIMARY"];
    phonics.subjects = vec!["ENGLISH"];
    phonics.key_stages = vec!["KEY_STAGE_1"];
    phonics.evidence = Some("Reading ages rose by a year.".into());
    let phonics_id = w.write(head, ashby, phonics).await;
    let mut algebra = Spec::new("Algebra lesson study");
    algebra.kind = "LESSON_STUDY";
    algebra.theme_ids = vec![t2.clone()];
    algebra.phases = vec!["SECONDARY"];
    algebra.subjects = vec!["MATHEMATICS"];
    algebra.key_stages = vec!["KEY_STAGE_3"];
    w.write(head, ashby, algebra).await;
    w.write(
        head,
        ashby,
        Spec::new("Ashby school note").visibility("SCHOOL"),
    )
    .await;
    w.write(
        head,
        ashby,
        Spec::new("Alliance coaching").visibility("ALLIANCE"),
    )
    .await;
    let ben = &w.teachers[1];
    w.write(
        ben,
        brook,
        Spec::new("Brook feedback routine").visibility("SCHOOL"),
    )
    .await;
    // Ben adapts the phonics tool for Brook and publishes it to his school.
    let adaptation = mutate_ok(
        &w.app,
        &ben.token,
        "adaptPractice",
        "practice { id }",
        json!({ "practiceId": phonics_id, "schoolId": gid("School", brook),
                "changes": "For Year 3 catch-up groups.", "title": "Phonics tool at Brook" }),
    )
    .await["practice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.publish(ben, &adaptation).await;

    let head_token = Some(w.head.token.as_str());
    let by = |filter: Value| json!({ "f": filter });
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({ "kinds": ["TOOL"] }), vec!["Phonics tool"]),
        (
            json!({ "kinds": ["TOOL", "LESSON_STUDY"] }),
            vec!["Algebra lesson study", "Phonics tool"],
        ),
        (json!({ "themeIds": [t1] }), vec!["Phonics tool"]),
        (
            json!({ "themeIds": [t1, t2] }),
            vec!["Algebra lesson study", "Phonics tool"],
        ),
        (
            json!({ "phases": ["SECONDARY"] }),
            vec!["Algebra lesson study"],
        ),
        (json!({ "subjects": ["ENGLISH"] }), vec!["Phonics tool"]),
        (
            json!({ "keyStages": ["KEY_STAGE_3"] }),
            vec!["Algebra lesson study"],
        ),
        (
            json!({ "allianceId": gid("Alliance", w.alliance) }),
            vec!["Algebra lesson study", "Alliance coaching", "Phonics tool"],
        ),
        (
            json!({ "visibilities": ["SCHOOL"] }),
            vec!["Ashby school note"],
        ),
        (json!({ "hasEvidenceOfImpact": true }), vec!["Phonics tool"]),
        (
            json!({ "hasEvidenceOfImpact": false }),
            vec![
                "Algebra lesson study",
                "Alliance coaching",
                "Ashby school note",
            ],
        ),
        (
            json!({ "schoolId": gid("School", ashby), "visibilities": ["PUBLIC", "ALLIANCE"] }),
            vec!["Algebra lesson study", "Alliance coaching", "Phonics tool"],
        ),
        // Brook's school-only items are not the head's to find.
        (json!({ "schoolId": gid("School", brook) }), vec![]),
        (json!({ "schoolId": "not an id" }), vec![]),
    ];
    for (filter, expected) in cases {
        let found = w.search(head_token, by(filter.clone())).await;
        assert_eq!(
            sorted(titles(&found)),
            strs(&expected),
            "filter {filter}: {found:#}"
        );
        assert_eq!(found["totalCount"], expected.len(), "filter {filter}");
    }
    // Filters combine with words.
    assert_eq!(
        w.titles(
            head_token,
            json!({ "q": "phonics", "f": { "kinds": ["LESSON_STUDY"] } })
        )
        .await,
        Vec::<String>::new()
    );
    assert_eq!(
        w.titles(
            head_token,
            json!({ "q": "phonics", "f": { "kinds": ["TOOL"] } })
        )
        .await,
        strs(&["Phonics tool"])
    );
    // Ben finds Brook's items and the adaptation; adaptationsOf lists it.
    let ben_token = Some(ben.token.as_str());
    assert_eq!(
        sorted(
            w.titles(
                ben_token,
                json!({ "f": { "schoolId": gid("School", brook) } })
            )
            .await
        ),
        strs(&["Brook feedback routine", "Phonics tool at Brook"])
    );
    assert_eq!(
        w.titles(ben_token, json!({ "f": { "adaptationsOf": phonics_id } }))
            .await,
        strs(&["Phonics tool at Brook"])
    );
    // The head does not read the adaptation (Brook's school only).
    assert_eq!(
        w.titles(head_token, json!({ "f": { "adaptationsOf": phonics_id } }))
            .await,
        Vec::<String>::new()
    );
}

/// Walks a search page by page (forward with `first`, or backward with `last`); the titles
/// in list order, checking pageInfo on the way.
async fn walk(w: &PracticeWorld, base: Value, size: i64, backward: bool) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..20 {
        let mut vars = base.clone();
        if backward {
            vars["last"] = json!(size);
            vars["before"] = json!(cursor);
        } else {
            vars["first"] = json!(size);
            vars["after"] = json!(cursor);
        }
        let page = w.search(None, vars).await;
        let info = &page["pageInfo"];
        let mut got = titles(&page);
        assert!(got.len() as i64 <= size);
        let more = if backward {
            assert_eq!(info["hasNextPage"], cursor.is_some(), "{page:#}");
            cursor = info["startCursor"].as_str().map(str::to_owned);
            got.extend(all);
            all = got;
            info["hasPreviousPage"].as_bool().unwrap()
        } else {
            assert_eq!(info["hasPreviousPage"], cursor.is_some(), "{page:#}");
            cursor = info["endCursor"].as_str().map(str::to_owned);
            all.extend(got);
            info["hasNextPage"].as_bool().unwrap()
        };
        if !more {
            return all;
        }
    }
    panic!("too many pages");
}

#[tokio::test]
async fn orders_and_pagination_both_ways() {
    let w = practice_world().await;
    let (head, ashby) = (&w.head, w.schools[0]);
    let names = ["one", "two", "three", "four", "five"];
    let mut ids = Vec::new();
    for (n, name) in names.iter().enumerate() {
        // More mentions of feedback in later items' bodies: a relevance order to walk.
        let body = format!("Feedback {}", "and feedback ".repeat(n));
        ids.push(
            w.write(
                head,
                ashby,
                Spec::new(&format!("Feedback {name}")).body(&body),
            )
            .await,
        );
    }
    let [_, ben, cat] = &w.teachers;
    for (who, id) in [(ben, &ids[1]), (cat, &ids[1]), (cat, &ids[3])] {
        mutate_ok(
            &w.app,
            &who.token,
            "endorsePractice",
            "endorsement { id }",
            json!({ "practiceId": id, "note": "Tried it in Year 5.", "outcome": "IMPROVED" }),
        )
        .await;
    }
    let adaptation = mutate_ok(
        &w.app,
        &ben.token,
        "adaptPractice",
        "practice { id }",
        json!({ "practiceId": ids[2], "schoolId": gid("School", w.schools[1]),
                "changes": "For Key Stage 3." }),
    )
    .await["practice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.publish(ben, &adaptation).await;

    let order =
        |field: &str, direction: &str| json!({ "o": { "field": field, "direction": direction } });
    let t = |items: &[&str]| {
        items
            .iter()
            .map(|n| format!("Feedback {n}"))
            .collect::<Vec<_>>()
    };
    // Anonymous: the five public items (the adaptation is Brook's alone).
    assert_eq!(
        w.titles(None, json!({})).await,
        t(&["five", "four", "three", "two", "one"])
    );
    assert_eq!(
        w.titles(None, order("NEWEST", "ASC")).await,
        t(&["one", "two", "three", "four", "five"])
    );
    let endorsed = w.search(None, order("MOST_ENDORSED", "DESC")).await;
    assert_eq!(
        titles(&endorsed),
        t(&["two", "four", "five", "three", "one"])
    );
    assert_eq!(endorsed["edges"][0]["node"]["endorsementCount"], 2);
    assert_eq!(
        w.titles(None, order("MOST_ENDORSED", "ASC")).await,
        t(&["one", "three", "five", "four", "two"])
    );
    let adapted = w.search(None, order("MOST_ADAPTED", "DESC")).await;
    assert_eq!(
        titles(&adapted),
        t(&["three", "five", "four", "two", "one"])
    );
    // Relevance: more mentions rank higher; ASC reverses.
    let ranked = w.titles(None, json!({ "q": "feedback" })).await;
    assert_eq!(ranked.len(), 5);
    let mut reversed = w
        .titles(
            None,
            json!({ "q": "feedback", "o": { "field": "RELEVANCE", "direction": "ASC" } }),
        )
        .await;
    reversed.reverse();
    assert_eq!(ranked, reversed);
    // RELEVANCE without a query lists newest first.
    assert_eq!(
        w.titles(None, order("RELEVANCE", "DESC")).await,
        t(&["five", "four", "three", "two", "one"])
    );

    // Paging forward and backward gives the same list, for every order.
    for (base, expected) in [
        (json!({}), t(&["five", "four", "three", "two", "one"])),
        (
            order("MOST_ENDORSED", "DESC"),
            t(&["two", "four", "five", "three", "one"]),
        ),
        (
            order("MOST_ADAPTED", "ASC"),
            t(&["one", "two", "four", "five", "three"]),
        ),
        (json!({ "q": "feedback" }), ranked.clone()),
        (
            json!({ "q": "feedback", "o": { "field": "NEWEST", "direction": "ASC" } }),
            t(&["one", "two", "three", "four", "five"]),
        ),
    ] {
        for size in [1, 2, 3] {
            assert_eq!(
                walk(&w, base.clone(), size, false).await,
                expected,
                "{base} first {size}"
            );
            assert_eq!(
                walk(&w, base.clone(), size, true).await,
                expected,
                "{base} last {size}"
            );
        }
    }
    // A window between two cursors.
    let full = w.search(None, json!({ "q": "feedback", "first": 5 })).await;
    let cursor = |n: usize| full["edges"][n]["cursor"].clone();
    let window = w
        .search(
            None,
            json!({ "q": "feedback", "after": cursor(0), "before": cursor(4), "first": 10 }),
        )
        .await;
    assert_eq!(titles(&window), ranked[1..4].to_vec());
    let window = w
        .search(
            None,
            json!({ "q": "feedback", "after": cursor(0), "before": cursor(4), "last": 2 }),
        )
        .await;
    assert_eq!(titles(&window), ranked[2..4].to_vec());

    // A cursor belongs to its ordering.
    let newest = w.search(None, json!({ "first": 1 })).await;
    let body = w
        .search_raw(
            None,
            json!({ "after": newest["pageInfo"]["endCursor"], "o": { "field": "MOST_ENDORSED", "direction": "DESC" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    let body = w
        .search_raw(
            None,
            json!({ "q": "feedback", "after": newest["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
}

/// Titles (sorted) of what `token` finds, checking that the count agrees.
async fn sees(w: &PracticeWorld, token: Option<String>, vars: Value) -> Vec<String> {
    let found = w.search(token.as_deref(), vars).await;
    let hits = sorted(titles(&found));
    assert_eq!(found["totalCount"], hits.len(), "{found:#}");
    hits
}

#[tokio::test]
async fn search_finds_only_what_the_caller_reads_in_hits_and_counts() {
    let w = practice_world().await;
    let (head, ashby) = (&w.head, w.schools[0]);
    let public = w.write(head, ashby, Spec::new("Public phonics")).await;
    w.write(
        head,
        ashby,
        Spec::new("Alliance phonics").visibility("ALLIANCE"),
    )
    .await;
    w.write(
        head,
        ashby,
        Spec::new("School phonics").visibility("SCHOOL"),
    )
    .await;
    w.write(
        head,
        ashby,
        Spec::new("Private phonics").visibility("PRIVATE"),
    )
    .await;
    w.write(head, ashby, Spec::new("Draft phonics").draft())
        .await;
    let [amy, ben, cat] = &w.teachers;
    w.write(
        amy,
        ashby,
        Spec::new("Amy's draft phonics")
            .visibility("SCHOOL")
            .draft(),
    )
    .await;

    let sees = |token: Option<&str>, vars: Value| sees(&w, token.map(str::to_owned), vars);
    let q = json!({ "q": "phonics" });
    assert_eq!(sees(None, q.clone()).await, strs(&["Public phonics"]));
    assert_eq!(sees(None, json!({})).await, strs(&["Public phonics"]));
    // A teacher of another alliance school: public and alliance.
    assert_eq!(
        sees(Some(&ben.token), q.clone()).await,
        strs(&["Alliance phonics", "Public phonics"])
    );
    // A teacher of a school outside the alliance: public only, in hits and count.
    assert_eq!(
        sees(Some(&cat.token), q.clone()).await,
        strs(&["Public phonics"])
    );
    assert_eq!(
        sees(
            Some(&cat.token),
            json!({ "q": "phonics", "f": { "visibilities": ["SCHOOL", "ALLIANCE", "PRIVATE"] } })
        )
        .await,
        Vec::<String>::new()
    );
    // A colleague at Ashby: also the school's items; never the private one or drafts.
    assert_eq!(
        sees(Some(&w.colleague.token), q.clone()).await,
        strs(&["Alliance phonics", "Public phonics", "School phonics"])
    );
    for token in [&w.colleague.token, &ben.token, &cat.token] {
        assert_eq!(
            sees(Some(token), json!({ "q": "phonics", "f": { "statuses": ["DRAFT", "IN_REVIEW", "PUBLISHED", "ARCHIVED"] } }))
                .await
                .iter()
                .filter(|t| t.contains("raft"))
                .count(),
            0
        );
    }
    // The author: everything published of theirs; drafts when asking for their own.
    assert_eq!(
        sees(Some(&head.token), q.clone()).await,
        strs(&[
            "Alliance phonics",
            "Private phonics",
            "Public phonics",
            "School phonics"
        ])
    );
    assert_eq!(
        sees(
            Some(&head.token),
            json!({ "q": "phonics", "f": { "mine": true } })
        )
        .await,
        strs(&[
            "Alliance phonics",
            "Draft phonics",
            "Private phonics",
            "Public phonics",
            "School phonics"
        ])
    );
    assert_eq!(
        sees(
            Some(&head.token),
            json!({ "q": "phonics", "f": { "statuses": ["DRAFT"] } })
        )
        .await,
        strs(&["Draft phonics"])
    );
    assert_eq!(
        sees(Some(&amy.token), json!({ "f": { "mine": true } })).await,
        strs(&["Amy's draft phonics"])
    );
    // Anonymous callers have nothing of their own.
    let body = w.search_raw(None, json!({ "f": { "mine": true } })).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body:#}");

    // Reported as identifying a pupil: gone for readers at once, not for its author.
    mutate_ok(
        &w.app,
        &ben.token,
        "reportPractice",
        "practice { id }",
        json!({ "practiceId": public, "reason": "Names a pupil in Year 4." }),
    )
    .await;
    assert_eq!(sees(None, q.clone()).await, Vec::<String>::new());
    assert_eq!(
        sees(Some(&cat.token), q.clone()).await,
        Vec::<String>::new()
    );
    assert_eq!(
        sees(Some(&ben.token), q.clone()).await,
        strs(&["Alliance phonics"])
    );
    assert!(
        sees(Some(&head.token), q.clone())
            .await
            .contains(&"Public phonics".to_owned())
    );
}

#[tokio::test]
async fn edits_are_found_at_once() {
    let w = practice_world().await;
    let amy = &w.teachers[0];
    let id = w
        .write(
            amy,
            w.schools[0],
            Spec::new("Marking codes")
                .visibility("SCHOOL")
                .body("Whole-class feedback sheets every Friday."),
        )
        .await;
    let reader = Some(w.colleague.token.as_str());
    let finds = |q: &str| {
        let w = &w;
        let q = q.to_owned();
        async move { w.titles(reader, json!({ "q": q })).await }
    };
    assert_eq!(finds("marking").await, strs(&["Marking codes"]));
    assert_eq!(finds("sheets").await, strs(&["Marking codes"]));
    let version = w
        .app
        .ok(
            reader,
            "query($id: ID!) { node(id: $id) { ... on Practice { version } } }",
            json!({ "id": id }),
        )
        .await["node"]["version"]
        .as_i64()
        .unwrap();
    mutate_ok(
        &w.app,
        &amy.token,
        "updatePractice",
        "practice { version }",
        json!({ "practiceId": id, "expectedVersion": version,
                "title": "Verbal feedback codes", "bodyMarkdown": "Oracy routines at the door." }),
    )
    .await;
    assert_eq!(finds("marking").await, Vec::<String>::new());
    assert_eq!(finds("sheets").await, Vec::<String>::new());
    assert_eq!(finds("verbal").await, strs(&["Verbal feedback codes"]));
    assert_eq!(
        finds("oracy routines").await,
        strs(&["Verbal feedback codes"])
    );
}

#[tokio::test]
async fn bad_search_input_is_refused_or_finds_nothing() {
    let w = practice_world().await;
    w.write(&w.head, w.schools[0], Spec::new("Near and far: phonics"))
        .await;
    for q in [
        "",
        "   ",
        "!!! ... ???",
        "\"",
        "*",
        "-",
        "()",
        "'\"*^:",
        "—–…",
    ] {
        let found = w.search(None, json!({ "q": q })).await;
        assert_eq!(titles(&found), Vec::<String>::new(), "{q:?}");
        assert_eq!(found["totalCount"], 0, "{q:?}");
        assert_eq!(found["pageInfo"]["hasNextPage"], false);
    }
    // FTS5 and tsquery syntax in the text is only words.
    for q in [
        "NEAR(phonics far)",
        "phonics AND far",
        "phonics OR",
        "\"phonics",
        "phonics*",
        "far:* & !phonics",
        "phonics'",
        "title:phonics",
        "{phonics}",
        "^phonics",
    ] {
        let body = w.search_raw(None, json!({ "q": q })).await;
        assert!(body.get("errors").is_none(), "{q}: {body:#}");
    }
    assert_eq!(
        w.titles(None, json!({ "q": "phonics: near-far!" })).await,
        strs(&["Near and far: phonics"])
    );
    // Over-long text, page sizes and cursors: BAD_USER_INPUT.
    for vars in [
        json!({ "q": "phonics ".repeat(26) }),
        json!({ "first": 101 }),
        json!({ "first": -1 }),
        json!({ "first": 1, "last": 1 }),
        json!({ "after": "not a cursor" }),
        json!({ "q": "phonics", "after": "eyJpZCI6MX0" }),
    ] {
        let body = w.search_raw(None, vars.clone()).await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{vars}: {body:#}"
        );
    }
    let body = w.search_raw(None, json!({ "q": "a".repeat(201) })).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("200 characters")
    );
    // Exactly 200 characters is fine.
    let body = w.search_raw(None, json!({ "q": "a".repeat(200) })).await;
    assert!(body.get("errors").is_none(), "{body:#}");
}

const MEASURED: &str = "query($q: String, $first: Int) {
  practices(query: $q, first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor snippet relevance node { id title summary school { name } endorsementCount } }
  } }";

#[tokio::test]
async fn a_search_page_runs_a_bounded_number_of_statements() {
    let w = practice_world().await;
    for n in 0..12 {
        w.write(
            &w.head,
            w.schools[0],
            Spec::new(&format!("Retrieval routine {n}")),
        )
        .await;
    }
    let ben = w.teachers[1].token.clone();
    for token in [Some(ben.as_str()), None] {
        let mut counts = Vec::new();
        for first in [2, 12] {
            for q in [json!("retrieval"), Value::Null] {
                let (statements, data) = w
                    .app
                    .query_statements(token, MEASURED, json!({ "q": q, "first": first }))
                    .await;
                assert_eq!(
                    data["practices"]["edges"].as_array().unwrap().len(),
                    first as usize
                );
                counts.push((q.is_null(), statements));
            }
        }
        // Same statements for 2 items as for 12, with or without a query: the page, its
        // count, its snippets, and the schools.
        assert_eq!(counts[0], counts[2], "{counts:?}");
        assert_eq!(counts[1], counts[3], "{counts:?}");
        for (_, count) in counts.clone() {
            assert!(count <= 12, "{count} statements: {counts:?}");
        }
    }
}

#[tokio::test]
async fn relevance_ranks_the_newest_thousand_matches() {
    use chrono::{Duration, Utc};
    use entity::enums::{PracticeKind, PracticeStatus, PracticeVisibility};
    use entity::practice;
    use sea_orm::Set;

    let w = practice_world().await;
    let now = Utc::now();
    let author = entity::person::Entity::find()
        .one(&w.app.db)
        .await
        .unwrap()
        .expect("a person")
        .id;
    // 1,010 public items about phonics; the ten oldest name it in their titles, so that
    // ranking every match would put them first.
    let rows: Vec<practice::ActiveModel> = (0..1010)
        .map(|i| {
            let oldest = i >= 1000;
            let published = now - Duration::minutes(i);
            practice::ActiveModel {
                kind: Set(PracticeKind::Resource),
                title: Set(if oldest {
                    format!("Oldest phonics item {i}")
                } else {
                    format!("Item {i}")
                }),
                summary: Set("A resource.".into()),
                body_markdown: Set("Phonics in the early years.".into()),
                links: Set(json!([])),
                theme_keys: Set(String::new()),
                phase_keys: Set(String::new()),
                subject_keys: Set(String::new()),
                key_stage_keys: Set(String::new()),
                school_id: Set(w.schools[0]),
                visibility: Set(PracticeVisibility::Public),
                status: Set(PracticeStatus::Published),
                created_by_id: Set(author),
                published_at: Set(Some(published)),
                endorsement_count: Set(0),
                adaptation_count: Set(0),
                comment_count: Set(0),
                version: Set(1),
                created_at: Set(published),
                updated_at: Set(published),
                ..Default::default()
            }
        })
        .collect();
    for chunk in rows.chunks(200) {
        practice::Entity::insert_many(chunk.to_vec())
            .exec(&w.app.db)
            .await
            .unwrap();
    }

    let is_oldest = |title: &String| title.starts_with("Oldest");
    let first = w.search(None, json!({ "q": "phonics", "first": 20 })).await;
    // Past 1,000 matches the count stops and says so.
    assert_eq!(first["totalCount"], 1000, "{first:#}");
    assert_eq!(first["totalCountIsCapped"], true);
    assert!(
        !titles(&first).iter().any(is_oldest),
        "{:?}",
        titles(&first)
    );
    // The last page of the ranked list ends at the thousandth match.
    let last = w.search(None, json!({ "q": "phonics", "last": 5 })).await;
    assert_eq!(titles(&last).len(), 5);
    assert!(!titles(&last).iter().any(is_oldest), "{:?}", titles(&last));
    assert_eq!(last["pageInfo"]["hasPreviousPage"], true);
    // Newest first reaches them all.
    let oldest_first = w
        .titles(
            None,
            json!({ "q": "phonics", "first": 10,
                    "o": { "field": "NEWEST", "direction": "ASC" } }),
        )
        .await;
    assert!(oldest_first.iter().all(is_oldest), "{oldest_first:?}");

    // Exactly 1,000 matches are counted exactly, without the cap.
    practice::Entity::delete_many()
        .filter(practice::Column::Title.starts_with("Oldest"))
        .exec(&w.app.db)
        .await
        .unwrap();
    let all = w.search(None, json!({ "q": "phonics", "first": 1 })).await;
    assert_eq!(all["totalCount"], 1000, "{all:#}");
    assert_eq!(all["totalCountIsCapped"], false);
}

/// On PostgreSQL a search is planned with its words on every run (a plan kept from other
/// words cannot tell a rare word from a common one), while every other statement may keep
/// its plan. SQLite plans every statement anyway.
#[tokio::test]
async fn postgres_only_search_statements_are_planned_for_their_words() {
    if skipped_unless_postgres("postgres_only_search_statements_are_planned_for_their_words") {
        return;
    }
    let app = spawn_app().await;
    async fn plan_cache_mode(db: &DatabaseConnection) -> String {
        let show = Statement::from_string(DbBackend::Postgres, "SHOW plan_cache_mode");
        let row = db.query_one_raw(show).await.unwrap().expect("a row");
        row.try_get_by_index(0).unwrap()
    }
    assert_eq!(plan_cache_mode(&app.search_db).await, "force_custom_plan");
    assert_eq!(plan_cache_mode(&app.db).await, "auto");
}
