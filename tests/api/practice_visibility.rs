//! Who reads what of the good-practice exchange: for each visibility level, who reads a
//! practice and who does not, through `node`, `nodes`, an origin's adaptations and their
//! count, the lineage, `adaptedFrom`, comment threads and endorsements; drafts, items in
//! review and items taken down after a report.

use crate::practice_readers::{PracticeWorld, VISIBILITIES, practice_world};
use crate::world::{error_code, mutate_ok};
use serde_json::{Value, json};

/// Who reads amy's practice from Ashby once published at each level.
fn audience_of(visibility: &str) -> Vec<&'static str> {
    match visibility {
        "PRIVATE" => vec!["amy", "head_a", "cpd_a"],
        "SCHOOL" => vec!["amy", "col", "head_a", "cpd_a"],
        "PARTNERSHIP" => vec!["amy", "col", "head_a", "cpd_a", "ben", "head_b"],
        "ALLIANCE" => vec![
            "lead", "amy", "col", "head_a", "cpd_a", "ben", "head_b", "cat", "head_c",
        ],
        "PUBLIC" => vec![
            "anonymous",
            "lead",
            "amy",
            "col",
            "head_a",
            "cpd_a",
            "ben",
            "head_b",
            "cat",
            "head_c",
            "oz",
            "head_f",
            "lou",
            "head_l",
        ],
        other => panic!("no visibility {other}"),
    }
}

/// `nodes(ids:)` as `token`: the title of each practice read, `null` for the others.
async fn nodes(w: &PracticeWorld, token: Option<&str>, ids: &[&Value]) -> Vec<Value> {
    let body = w
        .app
        .gql(
            token,
            "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Practice { title } } }",
            json!({ "ids": ids }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["title"].clone())
        .collect()
}

#[tokio::test]
async fn each_visibility_level_is_read_by_its_audience_and_no_one_else() {
    let w = practice_world().await;
    let mut ids = Vec::new();
    for visibility in VISIBILITIES {
        let id = w.shared(&w.amy, w.ashby, visibility, visibility).await;
        assert_eq!(
            w.readers(&id).await,
            audience_of(visibility),
            "readers of a {visibility} practice"
        );
        ids.push(id);
    }

    // The same through `nodes`, with an unknown id among them.
    let unknown = json!(crate::common::gid("Practice", 9999));
    let mut all: Vec<&Value> = ids.iter().collect();
    all.push(&unknown);
    let titles = |names: &[&str]| -> Vec<Value> {
        VISIBILITIES
            .iter()
            .map(|v| {
                if names.contains(v) {
                    json!(v)
                } else {
                    Value::Null
                }
            })
            .chain([Value::Null])
            .collect()
    };
    assert_eq!(nodes(&w, None, &all).await, titles(&["PUBLIC"]));
    assert_eq!(
        nodes(&w, Some(&w.oz.token), &all).await,
        titles(&["PUBLIC"])
    );
    assert_eq!(
        nodes(&w, Some(&w.cat.token), &all).await,
        titles(&["ALLIANCE", "PUBLIC"])
    );
    assert_eq!(
        nodes(&w, Some(&w.ben.token), &all).await,
        titles(&["PARTNERSHIP", "ALLIANCE", "PUBLIC"])
    );
    assert_eq!(
        nodes(&w, Some(&w.col.token), &all).await,
        titles(&["SCHOOL", "PARTNERSHIP", "ALLIANCE", "PUBLIC"])
    );
    assert_eq!(
        nodes(&w, Some(&w.cpd_a.token), &all).await,
        titles(&VISIBILITIES)
    );

    // An alliance item of another alliance, and a public item of a school in none.
    let far = w.shared(&w.oz, w.far, "ALLIANCE", "Far away").await;
    assert_eq!(w.readers(&far).await, ["oz", "head_f"]);
    let lone = w.shared(&w.lou, w.lone, "PUBLIC", "Lone and public").await;
    assert_eq!(w.readers(&lone).await.len(), w.everyone().len());
}

#[tokio::test]
async fn drafts_reviews_and_take_downs_are_read_only_by_those_who_answer_for_them() {
    let w = practice_world().await;
    let id = w
        .draft(&w.amy, w.ashby, "ALLIANCE", "Retrieval grids")
        .await;
    assert_eq!(w.readers(&id).await, ["amy"], "a draft: its author only");
    mutate_ok(
        &w.app,
        &w.amy.token,
        "addPracticeCoAuthor",
        "practice { id }",
        json!({ "practiceId": id, "personId": w.ben.gid() }),
    )
    .await;
    assert_eq!(
        w.readers(&id).await,
        ["amy", "ben"],
        "a co-author from another school reads the draft"
    );

    mutate_ok(
        &w.app,
        &w.amy.token,
        "submitPracticeForReview",
        "practice { status }",
        json!({ "practiceId": id }),
    )
    .await;
    assert_eq!(
        w.readers(&id).await,
        ["amy", "head_a", "cpd_a", "ben"],
        "in review: its authors and its school's approvers"
    );
    mutate_ok(
        &w.app,
        &w.cpd_a.token,
        "sendPracticeBack",
        "practice { status }",
        json!({ "practiceId": id, "comment": "Say more about Year 4" }),
    )
    .await;
    assert_eq!(
        w.readers(&id).await,
        ["amy", "ben"],
        "sent back: a draft again"
    );
    w.publish(&id, &w.amy, w.ashby, "ALLIANCE").await;
    let alliance = audience_of("ALLIANCE");
    assert_eq!(w.readers(&id).await, alliance);

    // Its endorsements and comment threads are read with it.
    let endorsed = mutate_ok(
        &w.app,
        &w.cat.token,
        "endorsePractice",
        "endorsement { id }",
        json!({ "practiceId": id, "note": "Worked in Year 5", "outcome": "IMPROVED" }),
    )
    .await;
    let endorsement = endorsed["endorsement"]["id"].clone();
    let commented = mutate_ok(
        &w.app,
        &w.head_c.token,
        "commentOnPractice",
        "thread { id }",
        json!({ "practiceId": id, "bodyMarkdown": "How long did it take?" }),
    )
    .await;
    let thread = commented["thread"]["id"].clone();
    let extras = "endorsementCount endorsements { totalCount nodes { note } } commentCount commentThreads { totalCount nodes { bodyMarkdown } }";
    for (name, token) in [("ben", &w.ben.token), ("col", &w.col.token)] {
        let seen = w.read(Some(token), &id, extras).await.unwrap();
        assert_eq!(seen["endorsementCount"], 1, "{name}");
        assert_eq!(seen["endorsements"]["nodes"][0]["note"], "Worked in Year 5");
        assert_eq!(seen["commentCount"], 1, "{name}");
        assert_eq!(
            seen["commentThreads"]["nodes"][0]["bodyMarkdown"],
            "How long did it take?"
        );
    }
    for (token, reads) in [(&w.ben.token, true), (&w.oz.token, false)] {
        assert_eq!(node_found(&w, token, &endorsement).await, reads);
        assert_eq!(node_found(&w, token, &thread).await, reads);
    }

    // Reported as identifying a pupil: taken down from readers at once, the reporter
    // included, but not from its authors and approvers.
    let reported = mutate_ok(
        &w.app,
        &w.cat.token,
        "reportPractice",
        "practice { id }",
        json!({ "practiceId": id, "reason": "Names a pupil in the second paragraph" }),
    )
    .await;
    assert_eq!(reported["practice"]["id"], id);
    assert_eq!(
        w.readers(&id).await,
        ["amy", "head_a", "cpd_a", "ben"],
        "taken down"
    );
    let seen = w
        .read(Some(&w.head_a.token), &id, "isTakenDown takenDownReason")
        .await
        .unwrap();
    assert_eq!(seen["isTakenDown"], true);
    assert_eq!(
        seen["takenDownReason"],
        "Names a pupil in the second paragraph"
    );
    for token in [&w.cat.token, &w.head_c.token, &w.col.token] {
        assert!(!node_found(&w, token, &endorsement).await);
        assert!(!node_found(&w, token, &thread).await);
    }
    assert!(node_found(&w, &w.amy.token, &thread).await);

    mutate_ok(
        &w.app,
        &w.head_a.token,
        "restorePractice",
        "practice { isTakenDown }",
        json!({ "practiceId": id, "comment": "Checked: no pupil named" }),
    )
    .await;
    assert_eq!(w.readers(&id).await, alliance, "restored");
    assert!(node_found(&w, &w.head_c.token, &thread).await);
    assert!(node_found(&w, &w.head_c.token, &endorsement).await);
}

/// Whether `node(id:)` finds the object for `token`; any error other than `NOT_FOUND`
/// fails the test.
async fn node_found(w: &PracticeWorld, token: &str, id: &Value) -> bool {
    let body = w
        .app
        .gql(
            Some(token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    match error_code(&body) {
        None => {
            assert_eq!(body["data"]["node"]["id"], *id);
            true
        }
        Some("NOT_FOUND") => false,
        Some(other) => panic!("unexpected {other}: {body:#}"),
    }
}

const FAMILY: &str = "title isAdaptation adaptedFrom { title }
    adaptationCount adaptations(first: 50) { totalCount nodes { title } }
    lineage { branches { practice { title } depth parentIndex school { name } outcome isCurrent } }";

fn titles(list: &Value) -> Vec<String> {
    list["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}

/// A lineage as `(title or "?", depth, parentIndex, school or "?", isCurrent)`.
fn branches(practice: &Value) -> Vec<(String, i64, Option<i64>, String, bool)> {
    practice["lineage"]["branches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let hidden = b["practice"].is_null();
            if hidden {
                assert_eq!(b["school"], Value::Null, "a hidden branch shows no school");
                assert_eq!(
                    b["outcome"],
                    Value::Null,
                    "a hidden branch shows no outcome"
                );
            }
            (
                b["practice"]["title"].as_str().unwrap_or("?").to_owned(),
                b["depth"].as_i64().unwrap(),
                b["parentIndex"].as_i64(),
                b["school"]["name"].as_str().unwrap_or("?").to_owned(),
                b["isCurrent"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn branch(
    title: &str,
    depth: i64,
    parent: Option<i64>,
    school: &str,
    current: bool,
) -> (String, i64, Option<i64>, String, bool) {
    (title.into(), depth, parent, school.into(), current)
}

#[tokio::test]
async fn adaptations_counts_lineage_and_origins_show_only_what_the_reader_may_see() {
    let w = practice_world().await;
    let origin = w.shared(&w.amy, w.ashby, "PUBLIC", "Origin (public)").await;
    // Adaptations at each level, in this order: Brook SCHOOL, Ashby PARTNERSHIP, Cedar
    // ALLIANCE, Far PUBLIC, a Lone draft; and an adaptation of the Brook one, at Brook
    // (no wider than the text it copies).
    let brook = w
        .shared_adaptation(&w.ben, &origin, w.brook, "SCHOOL", "Brook (school)")
        .await;
    let _partner = w
        .shared_adaptation(
            &w.col,
            &origin,
            w.ashby,
            "PARTNERSHIP",
            "Ashby (partnership)",
        )
        .await;
    let _cedar = w
        .shared_adaptation(&w.cat, &origin, w.cedar, "ALLIANCE", "Cedar (alliance)")
        .await;
    let far = w
        .shared_adaptation(&w.oz, &origin, w.far, "PUBLIC", "Far (public)")
        .await;
    let _draft = w
        .adapt(&w.lou, &origin, w.lone, "SCHOOL", "Lone (draft)")
        .await;
    let grandchild = w
        .shared_adaptation(&w.ben, &brook, w.brook, "SCHOOL", "Brook again (school)")
        .await;
    mutate_ok(
        &w.app,
        &w.oz.token,
        "updatePractice",
        "practice { outcome }",
        json!({ "practiceId": far, "expectedVersion": 3, "outcome": "Homework returned doubled" }),
    )
    .await;

    // The origin's adaptations and their count, as each reader sees them.
    for (name, token, listed, count) in [
        ("anonymous", None, vec!["Far (public)"], 1),
        ("oz", Some(&w.oz.token), vec!["Far (public)"], 1),
        (
            "cat",
            Some(&w.cat.token),
            vec!["Cedar (alliance)", "Far (public)"],
            2,
        ),
        (
            "ben",
            Some(&w.ben.token),
            vec![
                "Brook (school)",
                "Ashby (partnership)",
                "Cedar (alliance)",
                "Far (public)",
            ],
            4,
        ),
        (
            "head_a",
            Some(&w.head_a.token),
            vec!["Ashby (partnership)", "Cedar (alliance)", "Far (public)"],
            3,
        ),
        (
            "lou, whose own draft is listed but not counted",
            Some(&w.lou.token),
            vec!["Far (public)", "Lone (draft)"],
            1,
        ),
    ] {
        let seen = w.read(token.map(String::as_str), &origin, FAMILY).await;
        let seen = seen.unwrap_or_else(|| panic!("{name} reads the public origin"));
        assert_eq!(titles(&seen["adaptations"]), listed, "{name}");
        assert_eq!(
            seen["adaptations"]["totalCount"],
            listed.len(),
            "{name}: totalCount"
        );
        assert_eq!(seen["adaptationCount"], count, "{name}: adaptationCount");
        assert_eq!(seen["isAdaptation"], false);
        assert_eq!(seen["adaptedFrom"], Value::Null);
    }

    // The lineage: hidden branches are placeholders, others' drafts do not appear.
    let anonymous = w.read(None, &origin, FAMILY).await.unwrap();
    assert_eq!(
        branches(&anonymous),
        [
            branch("Origin (public)", 0, None, "Ashby Primary", true),
            branch("?", 1, Some(0), "?", false),
            branch("?", 2, Some(1), "?", false),
            branch("?", 1, Some(0), "?", false),
            branch("?", 1, Some(0), "?", false),
            branch("Far (public)", 1, Some(0), "Far School", false),
        ]
    );
    let outcome = anonymous["lineage"]["branches"][5]["outcome"].clone();
    assert_eq!(outcome, "Homework returned doubled");
    let ben = w
        .read(Some(&w.ben.token), &grandchild, FAMILY)
        .await
        .unwrap();
    assert_eq!(
        branches(&ben),
        [
            branch("Origin (public)", 0, None, "Ashby Primary", false),
            branch("Brook (school)", 1, Some(0), "Brook Academy", false),
            branch("Brook again (school)", 2, Some(1), "Brook Academy", true),
            branch("Ashby (partnership)", 1, Some(0), "Ashby Primary", false),
            branch("Cedar (alliance)", 1, Some(0), "Cedar School", false),
            branch("Far (public)", 1, Some(0), "Far School", false),
        ]
    );
    let lou = w.read(Some(&w.lou.token), &origin, FAMILY).await.unwrap();
    assert_eq!(
        branches(&lou).last().unwrap(),
        &branch("Lone (draft)", 1, Some(0), "Lone School", false),
        "an author sees their own draft in the lineage"
    );
    assert_eq!(branches(&lou).len(), 7);

    // An adaptation whose origin the reader may not see (Cedar's teacher, made a
    // co-author of Brook's second adaptation) says it has one, nothing more.
    mutate_ok(
        &w.app,
        &w.ben.token,
        "addPracticeCoAuthor",
        "practice { id }",
        json!({ "practiceId": grandchild, "personId": w.cat.gid() }),
    )
    .await;
    let seen = w
        .read(Some(&w.cat.token), &grandchild, FAMILY)
        .await
        .unwrap();
    assert_eq!(seen["isAdaptation"], true);
    assert_eq!(seen["adaptedFrom"], Value::Null);
    // Others outside Brook read neither.
    assert!(!w.sees(None, &grandchild).await);
    assert!(!w.sees(Some(&w.oz.token), &grandchild).await);
    let seen = w
        .read(Some(&w.head_b.token), &grandchild, FAMILY)
        .await
        .unwrap();
    assert_eq!(seen["adaptedFrom"]["title"], "Brook (school)");
    let seen = w.read(None, &far, FAMILY).await.unwrap();
    assert_eq!(seen["adaptedFrom"]["title"], "Origin (public)");
    // The hidden Brook adaptation itself is NOT_FOUND to those outside Brook.
    assert!(!w.sees(None, &brook).await);
    assert!(!w.sees(Some(&w.cat.token), &brook).await);
}

/// An origin's `(adaptationCount, adaptations.totalCount, lineage length)` for `token`.
async fn counts(w: &PracticeWorld, token: &str, origin: &Value) -> (i64, i64, usize) {
    let seen = w
        .read(
            Some(token),
            origin,
            "adaptationCount adaptations { totalCount } lineage { branches { depth } }",
        )
        .await
        .expect("the origin is read");
    (
        seen["adaptationCount"].as_i64().unwrap(),
        seen["adaptations"]["totalCount"].as_i64().unwrap(),
        seen["lineage"]["branches"].as_array().unwrap().len(),
    )
}

#[tokio::test]
async fn an_adaptation_taken_down_or_withdrawn_leaves_its_origin_s_lists_and_counts() {
    let w = practice_world().await;
    let origin = w.shared(&w.amy, w.ashby, "ALLIANCE", "Origin").await;
    let cedar = w
        .shared_adaptation(&w.cat, &origin, w.cedar, "ALLIANCE", "Cedar's")
        .await;
    w.shared_adaptation(&w.ben, &origin, w.brook, "ALLIANCE", "Brook's")
        .await;
    assert_eq!(counts(&w, &w.ben.token, &origin).await, (2, 2, 3));
    mutate_ok(
        &w.app,
        &w.ben.token,
        "reportPractice",
        "practice { id }",
        json!({ "practiceId": cedar, "reason": "A date of birth" }),
    )
    .await;
    assert_eq!(
        counts(&w, &w.ben.token, &origin).await,
        (1, 1, 2),
        "a taken-down adaptation is not counted, listed or shown in the lineage"
    );
    for token in [&w.cat.token, &w.head_c.token] {
        assert_eq!(
            counts(&w, token, &origin).await,
            (1, 2, 3),
            "its author and approvers still read it, but it is not counted"
        );
    }
    mutate_ok(
        &w.app,
        &w.head_c.token,
        "restorePractice",
        "practice { id }",
        json!({ "practiceId": cedar }),
    )
    .await;
    assert_eq!(counts(&w, &w.ben.token, &origin).await, (2, 2, 3));
    mutate_ok(
        &w.app,
        &w.cat.token,
        "withdrawPractice",
        "practice { status }",
        json!({ "practiceId": cedar }),
    )
    .await;
    assert_eq!(
        counts(&w, &w.ben.token, &origin).await,
        (1, 1, 2),
        "a withdrawn adaptation is a draft again"
    );
    assert_eq!(
        counts(&w, &w.cat.token, &origin).await,
        (1, 2, 3),
        "its author still reads the draft, which is not counted"
    );
}
