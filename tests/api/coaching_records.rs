//! What coach and coachee keep of a relationship: its focus and cadence as agreed
//! (`updateCoachingRelationship`), reflections linked to its cycles, and the purpose wall
//! between their coaching and the performance-review selection.

use entity::reflection;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::coaching_scenario::{RELATIONSHIP_FIELDS, broker, coached, coaching_world};
use crate::community_world::{Community, community_world};
use crate::world::{error_code, key_of, mutate, mutate_ok, mutate_raw, user_error_codes};

const UPDATE_FIELDS: &str = "relationship { focus cadence version }";

#[tokio::test]
async fn coach_and_coachee_change_focus_and_cadence_from_the_version_they_read() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let relationship = broker(&w, &theme, &w.teachers[0], &w.teachers[1]).await;
    let id = relationship["id"].clone();
    let version = relationship["version"].as_i64().unwrap();
    let update = |token: String, input: Value| async move {
        mutate(
            app,
            &token,
            "updateCoachingRelationship",
            UPDATE_FIELDS,
            input,
        )
        .await
    };

    let changed = update(
        w.teachers[1].token.clone(),
        json!({ "relationshipId": id, "expectedVersion": version,
                "focus": "Hinge questions in Year 5 fractions", "cadence": "Weekly" }),
    )
    .await;
    assert_eq!(
        changed["relationship"],
        json!({ "focus": "Hinge questions in Year 5 fractions", "cadence": "Weekly",
                "version": version + 1 })
    );
    // From the version read before: someone changed it first.
    let stale = update(
        w.teachers[0].token.clone(),
        json!({ "relationshipId": id, "expectedVersion": version, "focus": "Something else" }),
    )
    .await;
    assert_eq!(user_error_codes(&stale), ["CONFLICT"]);
    // Bad input: nothing to change, a blank focus, a cadence too long.
    for input in [
        json!({ "relationshipId": id, "expectedVersion": version + 1 }),
        json!({ "relationshipId": id, "expectedVersion": version + 1, "focus": "  " }),
        json!({ "relationshipId": id, "expectedVersion": version + 1, "cadence": "x".repeat(201) }),
    ] {
        let refused = update(w.teachers[0].token.clone(), input).await;
        assert_eq!(user_error_codes(&refused), ["INVALID"], "{refused:#}");
    }
    // Someone who does not see it: not found; the CPD lead who sees it may not change it.
    let outsider = update(
        w.teachers[2].token.clone(),
        json!({ "relationshipId": id, "expectedVersion": version + 1, "focus": "Mine" }),
    )
    .await;
    assert_eq!(user_error_codes(&outsider), ["NOT_FOUND"]);
    let lead = mutate_raw(
        app,
        &w.lead.token,
        "updateCoachingRelationship",
        UPDATE_FIELDS,
        json!({ "relationshipId": id, "expectedVersion": version + 1, "focus": "Theirs" }),
    )
    .await;
    assert_eq!(error_code(&lead), Some("FORBIDDEN"), "{lead:#}");

    // A blank cadence removes it.
    let cleared = update(
        w.teachers[0].token.clone(),
        json!({ "relationshipId": id, "expectedVersion": version + 1, "cadence": "" }),
    )
    .await;
    assert_eq!(cleared["relationship"]["cadence"], Value::Null);
    assert_eq!(
        cleared["relationship"]["focus"],
        "Hinge questions in Year 5 fractions"
    );

    // The CPD lead reads in the audit log that it changed, not what it says.
    let log = app
        .ok(
            Some(&w.lead.token),
            "{ auditEvents(first: 50) { nodes { action subjectId details } } }",
            json!({}),
        )
        .await;
    let updates: Vec<&Value> = log["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "coaching.updated" && e["subjectId"] == id)
        .collect();
    assert_eq!(updates.len(), 2, "{log:#}");
    assert!(!log.to_string().contains("fractions"), "{log}");

    // Once ended, it stays as it was.
    mutate_ok(
        app,
        &w.teachers[0].token,
        "endCoachingRelationship",
        "relationship { status }",
        json!({ "relationshipId": id }),
    )
    .await;
    let ended = update(
        w.teachers[0].token.clone(),
        json!({ "relationshipId": id, "expectedVersion": version + 3, "focus": "Later" }),
    )
    .await;
    assert_eq!(user_error_codes(&ended), ["INVALID_STATE"], "{ended:#}");
}

const REFLECTION: &str = "reflection { id coachingCycle { id focus } }";

fn reflection_on(cycle: &Value) -> Value {
    json!({
        "writtenOn": "2026-11-30", "purpose": "DEVELOPMENTAL",
        "title": "Exit tickets, week one", "bodyMarkdown": "Half the slips said *the same*.",
        "coachingCycleId": cycle,
    })
}

#[tokio::test]
async fn a_reflection_links_a_cycle_of_its_author_and_shows_it_to_them_only() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let (_, cycle) = coached(&w, &theme, &w.teachers[1]).await;

    // The coach links it, and so does the coachee (whose reflection is followed below).
    let mut written = Value::Null;
    for author in [&w.teachers[0], &w.teachers[1]] {
        written = mutate_ok(
            app,
            &author.token,
            "writeReflection",
            REFLECTION,
            reflection_on(&cycle),
        )
        .await["reflection"]
            .clone();
        assert_eq!(
            written["coachingCycle"],
            json!({ "id": cycle, "focus": "Exit tickets" })
        );
    }

    // Anyone else: a colleague of the coach, the coachee's head, and even those who see
    // that the relationship exists (the CPD lead who brokered it, a platform admin): not
    // found, nothing written; so is an id of another kind.
    w.app.person("admin@platform.example", true).await;
    let admin = w.app.sign_in("admin@platform.example").await;
    for token in [&w.colleague.token, &w.heads[1].token, &w.lead.token, &admin] {
        let refused = mutate(
            app,
            token,
            "writeReflection",
            REFLECTION,
            reflection_on(&cycle),
        )
        .await;
        assert_eq!(user_error_codes(&refused), ["NOT_FOUND"], "{refused:#}");
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", "coachingCycleId"])
        );
        let own = app
            .ok(
                Some(token),
                "{ viewer { reflections(first: 5, own: true) { totalCount } } }",
                json!({}),
            )
            .await;
        assert_eq!(own["viewer"]["reflections"]["totalCount"], 0);
    }
    // A developmental cycle on an appraisal reflection (which may reach the review
    // selection): refused, nothing written.
    let mut input = reflection_on(&cycle);
    input["purpose"] = json!("APPRAISAL");
    let appraisal = mutate(
        app,
        &w.teachers[1].token,
        "writeReflection",
        REFLECTION,
        input,
    )
    .await;
    assert_eq!(user_error_codes(&appraisal), ["INVALID"], "{appraisal:#}");
    assert_eq!(
        appraisal["userErrors"][0]["field"],
        json!(["input", "coachingCycleId"])
    );
    let own = app
        .ok(
            Some(&w.teachers[1].token),
            "{ viewer { reflections(first: 5, own: true) { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(own["viewer"]["reflections"]["totalCount"], 1);
    let wrong_kind = mutate(
        app,
        &w.teachers[1].token,
        "writeReflection",
        REFLECTION,
        reflection_on(&json!(w.teachers[0].gid())),
    )
    .await;
    assert_eq!(user_error_codes(&wrong_kind), ["NOT_FOUND"]);

    // Shared with the head, the reflection is theirs to read; the cycle is not.
    mutate_ok(
        app,
        &w.teachers[1].token,
        "shareRecord",
        "record { __typename }",
        json!({ "recordId": written["id"], "personId": w.heads[1].gid() }),
    )
    .await;
    let read = app
        .ok(
            Some(&w.heads[1].token),
            "query($id: ID!) { node(id: $id) { ... on Reflection { title coachingCycle { id } } } }",
            json!({ "id": written["id"] }),
        )
        .await;
    assert_eq!(
        read["node"],
        json!({ "title": "Exit tickets, week one", "coachingCycle": null })
    );
}

const SELECTIONS: &str = "{ viewer {
    portfolio { coaching { section title } }
    performanceReviewSelection { coaching { section title detail }
        reflections { title coachingCycle { focus outcome } } json markdown } } }";

/// Everything of the developmental coaching of Amy and Ben: focus, cycle, outcome, step.
const DEVELOPMENTAL: [&str; 4] = [
    "Hinge questions in Year 5",
    "Exit tickets",
    "Half the class re-taught",
    "Slips sorted by misconception",
];
/// Everything of the appraisal coaching Amy gives her colleague: focus, cycle.
const APPRAISAL: [&str; 2] = [
    "Questioning for the appraisal objective",
    "Open questions in Year 6",
];

fn titles(entries: &Value) -> Vec<String> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect()
}

/// Writes an `APPRAISAL` reflection titled `title` (on `cycle`, if any) and puts it in the
/// writer's review selection: its id.
async fn in_review(w: &Community, token: &str, title: &str, cycle: Option<&Value>) -> Value {
    let id = mutate_ok(
        &w.app,
        token,
        "writeReflection",
        "reflection { id }",
        json!({ "writtenOn": "2026-11-30", "purpose": "APPRAISAL", "title": title,
                "bodyMarkdown": "Notes.", "coachingCycleId": cycle }),
    )
    .await["reflection"]["id"]
        .clone();
    let selected = w
        .app
        .ok(
            Some(token),
            "mutation($r: ID!) { selectRecord(input: {recordId: $r, inReviewSelection: true}) {
                userErrors { code } } }",
            json!({ "r": id }),
        )
        .await;
    assert_eq!(
        selected["selectRecord"]["userErrors"],
        json!([]),
        "{selected}"
    );
    id
}

/// Neither the JSON nor the Markdown of `review` holds any of `texts`.
fn exports_hold_none_of(review: &Value, texts: &[&str]) {
    for export in [review["json"].to_string(), review["markdown"].to_string()] {
        for text in texts {
            assert!(!export.contains(text), "{text} in {export}");
        }
    }
}

#[tokio::test]
async fn the_review_selection_holds_the_appraisal_coaching_received_and_never_developmental() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    // Amy coaches Ben (developmental): a cycle closed with its outcome, a step agreed.
    let (relationship, cycle) = coached(&w, &theme, &w.teachers[1]).await;
    mutate_ok(
        app,
        &w.teachers[1].token,
        "agreeCoachingActionStep",
        "actionStep { id }",
        json!({ "relationshipId": relationship, "cycleId": cycle,
                "description": DEVELOPMENTAL[3],
                "checkBackOn": chrono::Utc::now().date_naive().to_string() }),
    )
    .await;
    mutate_ok(
        app,
        &w.teachers[0].token,
        "closeCoachingCycle",
        "cycle { id }",
        json!({ "cycleId": cycle, "outcome": DEVELOPMENTAL[2] }),
    )
    .await;
    // She coaches her colleague for appraisal, with a cycle.
    let appraisal = mutate_ok(
        app,
        &w.lead.token,
        "confirmCoachingSuggestion",
        RELATIONSHIP_FIELDS,
        json!({
            "allianceId": crate::common::gid("Alliance", w.alliance),
            "coachId": w.teachers[0].gid(),
            "coacheeId": w.colleague.gid(),
            "themeId": theme,
            "focus": APPRAISAL[0],
            "purpose": "APPRAISAL",
        }),
    )
    .await["relationship"]["id"]
        .clone();
    mutate_ok(
        app,
        &w.colleague.token,
        "startCoachingRelationship",
        "relationship { status }",
        json!({ "relationshipId": appraisal }),
    )
    .await;
    let appraisal_cycle = mutate_ok(
        app,
        &w.colleague.token,
        "startCoachingCycle",
        "cycle { id }",
        json!({ "relationshipId": appraisal, "focus": APPRAISAL[1] }),
    )
    .await["cycle"]["id"]
        .clone();
    // Coach and coachee each bring a reflection on the appraisal cycle to their review.
    in_review(&w, &w.teachers[0].token, "As coach", Some(&appraisal_cycle)).await;
    in_review(&w, &w.colleague.token, "As coachee", Some(&appraisal_cycle)).await;
    // Ben brings an appraisal reflection that a row written before the purpose check
    // links to his developmental cycle.
    let linked = in_review(&w, &w.teachers[1].token, "Before the check", None).await;
    reflection::Entity::update_many()
        .col_expr(
            reflection::Column::CoachingCycleId,
            Expr::value(key_of(&cycle)),
        )
        .filter(reflection::Column::Id.eq(key_of(&linked)))
        .exec(&app.db)
        .await
        .unwrap();

    // Amy's portfolio holds both relationships with their cycles (the steps are Ben's).
    let amy = app
        .ok(Some(&w.teachers[0].token), SELECTIONS, json!({}))
        .await;
    assert_eq!(
        titles(&amy["viewer"]["portfolio"]["coaching"]),
        [
            DEVELOPMENTAL[0],
            DEVELOPMENTAL[1],
            APPRAISAL[0],
            APPRAISAL[1]
        ]
    );
    // Her review holds no coaching: what she gave as coach is her colleague's appraisal,
    // and her reflection there does not show the cycle.
    let review = &amy["viewer"]["performanceReviewSelection"];
    assert_eq!(review["coaching"], json!([]));
    assert_eq!(
        review["reflections"],
        json!([{ "title": "As coach", "coachingCycle": null }])
    );
    assert_eq!(
        review["json"]["reflections"][0]["coachingCycle"],
        Value::Null
    );
    exports_hold_none_of(review, &DEVELOPMENTAL);
    exports_hold_none_of(review, &APPRAISAL);

    // Her colleague's review holds the appraisal coaching they received, cycle and all.
    let colleague = app
        .ok(Some(&w.colleague.token), SELECTIONS, json!({}))
        .await;
    let review = &colleague["viewer"]["performanceReviewSelection"];
    assert_eq!(titles(&review["coaching"]), APPRAISAL);
    assert!(
        review["coaching"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("purpose: appraisal")
    );
    assert_eq!(
        review["reflections"],
        json!([{ "title": "As coachee",
                 "coachingCycle": { "focus": APPRAISAL[1], "outcome": null } }])
    );
    assert_eq!(
        review["json"]["reflections"][0]["coachingCycle"],
        appraisal_cycle
    );
    for export in [review["json"].to_string(), review["markdown"].to_string()] {
        assert!(export.contains(APPRAISAL[1]), "{export}");
    }
    exports_hold_none_of(review, &DEVELOPMENTAL);

    // Ben's developmental coaching is in his portfolio, and nowhere in his review: not
    // as coaching, nor through his reflection's link.
    let ben = app
        .ok(Some(&w.teachers[1].token), SELECTIONS, json!({}))
        .await;
    assert_eq!(
        titles(&ben["viewer"]["portfolio"]["coaching"]),
        [DEVELOPMENTAL[0], DEVELOPMENTAL[1], DEVELOPMENTAL[3]]
    );
    let review = &ben["viewer"]["performanceReviewSelection"];
    assert_eq!(review["coaching"], json!([]));
    assert_eq!(
        review["reflections"],
        json!([{ "title": "Before the check", "coachingCycle": null }])
    );
    assert_eq!(
        review["json"]["reflections"][0]["coachingCycle"],
        Value::Null
    );
    exports_hold_none_of(review, &DEVELOPMENTAL);
}
