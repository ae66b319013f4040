//! What coach and coachee keep of a relationship: its focus and cadence as agreed
//! (`updateCoachingRelationship`), reflections linked to its cycles, and the purpose wall
//! between their coaching and the performance-review selection.

use serde_json::{Value, json};

use crate::coaching_scenario::{RELATIONSHIP_FIELDS, broker, coaching_world};
use crate::community_world::{Community, community_world};
use crate::world::{error_code, mutate, mutate_ok, mutate_raw, user_error_codes};

/// An active relationship of Amy (Ashby) coaching Ben (Brook), with one cycle: the
/// relationship and the cycle's id.
async fn active_with_cycle(w: &Community) -> (Value, Value) {
    let theme = coaching_world(w).await;
    let relationship = broker(w, &theme, &w.teachers[0], &w.teachers[1]).await;
    mutate_ok(
        &w.app,
        &w.teachers[1].token,
        "startCoachingRelationship",
        "relationship { status }",
        json!({ "relationshipId": relationship["id"] }),
    )
    .await;
    let cycle = mutate_ok(
        &w.app,
        &w.teachers[0].token,
        "startCoachingCycle",
        "cycle { id }",
        json!({ "relationshipId": relationship["id"], "focus": "Exit tickets" }),
    )
    .await["cycle"]["id"]
        .clone();
    (relationship, cycle)
}

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
    let (_, cycle) = active_with_cycle(&w).await;

    // The coachee links it; the coach could too.
    let written = mutate_ok(
        app,
        &w.teachers[1].token,
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

    // Anyone else (a colleague of the coach, the coachee's head): not found, nothing
    // written; so is an id of another kind.
    for token in [&w.colleague.token, &w.heads[1].token] {
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
    performanceReviewSelection { coaching { section title detail } json markdown } } }";

#[tokio::test]
async fn the_review_selection_holds_appraisal_coaching_and_never_developmental() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    // Amy coaches Ben (developmental) and her colleague (for appraisal).
    broker(&w, &theme, &w.teachers[0], &w.teachers[1]).await;
    mutate_ok(
        app,
        &w.lead.token,
        "confirmCoachingSuggestion",
        RELATIONSHIP_FIELDS,
        json!({
            "allianceId": crate::common::gid("Alliance", w.alliance),
            "coachId": w.teachers[0].gid(),
            "coacheeId": w.colleague.gid(),
            "themeId": theme,
            "focus": "Questioning for the appraisal objective",
            "purpose": "APPRAISAL",
        }),
    )
    .await;

    let amy = app
        .ok(Some(&w.teachers[0].token), SELECTIONS, json!({}))
        .await;
    let titles = |entries: &Value| -> Vec<String> {
        entries
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        titles(&amy["viewer"]["portfolio"]["coaching"]),
        [
            "Hinge questions in Year 5",
            "Questioning for the appraisal objective"
        ]
    );
    let review = &amy["viewer"]["performanceReviewSelection"];
    assert_eq!(
        titles(&review["coaching"]),
        ["Questioning for the appraisal objective"]
    );
    assert!(
        review["coaching"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("purpose: appraisal")
    );
    for export in [review["json"].to_string(), review["markdown"].to_string()] {
        assert!(export.contains("Questioning for the appraisal objective"));
        assert!(!export.contains("Hinge questions in Year 5"), "{export}");
    }
    // Ben's developmental coaching is in his portfolio, and nowhere in his review selection.
    let ben = app
        .ok(Some(&w.teachers[1].token), SELECTIONS, json!({}))
        .await;
    assert_eq!(
        titles(&ben["viewer"]["portfolio"]["coaching"]),
        ["Hinge questions in Year 5"]
    );
    assert_eq!(
        ben["viewer"]["performanceReviewSelection"]["coaching"],
        json!([])
    );
}
