//! Issue 24's "done means", as one story: the alliance's CPD lead asks for coaching
//! suggestions on "Assessment for learning" and confirms a cross-school pair; the coach
//! observes the coachee; they agree an action step pointing to a technique; its check-back
//! goes overdue and both are told; the coachee shares the observation with their head and
//! withdraws it (the head sees it only in between); the coachee writes a reflection on the
//! cycle and exports their portfolio, which holds all of it.

use chrono::{Duration, Utc};
use entity::coaching_action_step;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::coaching_scenario::{SUGGESTIONS, broker, coaching_world, started};
use crate::common::{TestApp, gid};
use crate::community_world::community_world;
use crate::observations_scenario::sees;
use crate::world::{key_of, mutate_ok};

/// Moves action step `step`'s check-back date two days into the past.
pub async fn make_overdue(app: &TestApp, step: &Value) {
    coaching_action_step::Entity::update_many()
        .col_expr(
            coaching_action_step::Column::CheckBackOn,
            Expr::value(Utc::now().date_naive() - Duration::days(2)),
        )
        .filter(coaching_action_step::Column::Id.eq(key_of(step)))
        .exec(&app.db)
        .await
        .unwrap();
}

/// Runs the overdue check-back job once: how many steps it reminded.
pub async fn remind(app: &TestApp) -> usize {
    trellis::coaching::reminders::remind_overdue(
        &app.db,
        app.notifier.clone(),
        "https://trellis.example".into(),
    )
    .await
    .unwrap()
}

const PORTFOLIO: &str = "{ viewer { portfolio {
    coaching { section title detail schoolName from until }
    observations { id }
    reflections { id title coachingCycle { id focus } }
    json markdown } } }";

#[tokio::test]
async fn a_brokered_pair_coaches_observes_and_the_coachee_exports_it_all() {
    let w = community_world().await;
    let app = &w.app;
    let (coach, coachee, head) = (&w.teachers[0], &w.teachers[1], &w.heads[1]);
    let theme = coaching_world(&w).await;

    // The CPD lead asks, and confirms the cross-school pair ranked first.
    let body = app
        .ok(
            Some(&w.lead.token),
            SUGGESTIONS,
            json!({ "alliance": gid("Alliance", w.alliance), "theme": theme }),
        )
        .await;
    let first = &body["coachingSuggestions"][0];
    assert_eq!(first["coach"]["id"], coach.gid(), "{body:#}");
    assert_eq!(first["coachee"]["id"], coachee.gid());
    assert!(
        first["reasons"]
            .as_array()
            .unwrap()
            .contains(&json!("DIFFERENT_SCHOOLS"))
    );
    let relationship = broker(&w, &theme, coach, coachee).await;
    let id = relationship["id"].clone();
    let told = app.mail().await;
    for to in ["amy@ashby.example", "ben@brook.example"] {
        assert!(
            told.iter()
                .any(|m| m.to == to && m.subject.contains("Assessment for learning")),
            "{to} is told of the pair"
        );
    }
    let cycle = started(
        app,
        &id,
        coachee,
        coach,
        "Responsive teaching at the hinge point",
    )
    .await;

    // The coach observes the coachee; nobody else sees it.
    let observation = mutate_ok(
        app,
        &coach.token,
        "recordObservation",
        "observation { id }",
        json!({
            "teacherId": coachee.gid(),
            "observedOn": Utc::now().date_naive().to_string(),
            "purpose": "DEVELOPMENTAL",
            "focus": "Hinge questions before independent work",
            "wentWell": "Every pupil answered on a mini-whiteboard at once.",
            "questionsForDialogue": "What did you do with the pupils who chose B?",
            "agreedNextSteps": "Write the distractors first.",
        }),
    )
    .await["observation"]["id"]
        .clone();
    assert!(sees(app, &coach.token, &observation).await);
    assert!(sees(app, &coachee.token, &observation).await);
    assert!(!sees(app, &head.token, &observation).await);

    // They agree an action step pointing to a technique of the shared library.
    let techniques = app
        .ok(
            Some(&coach.token),
            "query($theme: ID) { techniques(first: 10, filter: { themeId: $theme }) { nodes { id name } } }",
            json!({ "theme": theme }),
        )
        .await;
    let hinge = techniques["techniques"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Hinge questions")
        .expect("the shared library has hinge questions")["id"]
        .clone();
    let step = mutate_ok(
        app,
        &coach.token,
        "agreeCoachingActionStep",
        "actionStep { id technique { name } }",
        json!({
            "relationshipId": id,
            "cycleId": cycle,
            "description": "Plan one hinge question for each maths lesson this week",
            "techniqueId": hinge,
            "checkBackOn": (Utc::now().date_naive() + Duration::days(7)).to_string(),
        }),
    )
    .await["actionStep"]["id"]
        .clone();

    // The check-back goes overdue: flagged, and both are told, once.
    make_overdue(app, &step).await;
    let seen = app
        .ok(
            Some(&coachee.token),
            "query($id: ID!) { node(id: $id) { ... on CoachingRelationship { actionSteps { overdue } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(seen["node"]["actionSteps"][0]["overdue"], true, "{seen:#}");
    assert_eq!(remind(app).await, 1);
    assert_eq!(remind(app).await, 0);
    let reminded: Vec<String> = app
        .mail()
        .await
        .into_iter()
        .filter(|m| m.subject.contains("check-back is overdue"))
        .map(|m| m.to)
        .collect();
    assert_eq!(reminded.len(), 2, "{reminded:?}");
    for to in ["amy@ashby.example", "ben@brook.example"] {
        assert!(reminded.iter().any(|r| r == to), "{to}: {reminded:?}");
    }

    // The coachee shares the observation with their head, then withdraws it: the head
    // sees it (node and list) only in between.
    let share = json!({ "recordId": observation, "personId": head.gid() });
    mutate_ok(
        app,
        &coachee.token,
        "shareRecord",
        "record { __typename }",
        share.clone(),
    )
    .await;
    assert!(sees(app, &head.token, &observation).await);
    mutate_ok(
        app,
        &coachee.token,
        "withdrawRecordShare",
        "record { __typename }",
        share,
    )
    .await;
    assert!(!sees(app, &head.token, &observation).await);

    // The coachee reflects on the cycle, and puts both records in their portfolio.
    let reflection = mutate_ok(
        app,
        &coachee.token,
        "writeReflection",
        "reflection { id coachingCycle { id } }",
        json!({
            "writtenOn": Utc::now().date_naive().to_string(),
            "purpose": "DEVELOPMENTAL",
            "title": "What the distractors told me",
            "bodyMarkdown": "Four pupils chose **B**, all for the same reason.",
            "coachingCycleId": cycle,
        }),
    )
    .await["reflection"]
        .clone();
    assert_eq!(reflection["coachingCycle"]["id"], cycle);
    for record in [&observation, &reflection["id"]] {
        mutate_ok(
            app,
            &coachee.token,
            "selectRecord",
            "record { __typename }",
            json!({ "recordId": record, "inPortfolio": true }),
        )
        .await;
    }

    // The export holds all of it.
    let portfolio =
        app.ok(Some(&coachee.token), PORTFOLIO, json!({})).await["viewer"]["portfolio"].clone();
    let coaching = portfolio["coaching"].as_array().unwrap();
    let sections: Vec<&str> = coaching
        .iter()
        .map(|e| e["section"].as_str().unwrap())
        .collect();
    assert_eq!(
        sections,
        ["COACHING", "COACHING_CYCLE", "COACHING_ACTION_STEP"],
        "{portfolio:#}"
    );
    assert_eq!(coaching[0]["title"], "Hinge questions in Year 5");
    assert_eq!(coaching[0]["schoolName"], "Ashby Primary");
    let detail = coaching[0]["detail"].as_str().unwrap();
    for words in [
        "coached by amy",
        "theme: Assessment for learning",
        "status: active",
        "purpose: developmental",
    ] {
        assert!(detail.contains(words), "{detail}");
    }
    assert_eq!(
        coaching[1]["title"],
        "Responsive teaching at the hinge point"
    );
    let step_detail = coaching[2]["detail"].as_str().unwrap();
    assert!(
        step_detail.contains("technique: Hinge questions") && step_detail.contains("overdue"),
        "{step_detail}"
    );
    assert_eq!(portfolio["observations"], json!([{ "id": observation }]));
    assert_eq!(
        portfolio["reflections"][0]["coachingCycle"]["focus"],
        "Responsive teaching at the hinge point"
    );
    let exported = portfolio["json"].to_string();
    let markdown = portfolio["markdown"].as_str().unwrap();
    for held in [
        "Hinge questions in Year 5",
        "Responsive teaching at the hinge point",
        "Plan one hinge question for each maths lesson this week",
        "technique: Hinge questions",
        "Hinge questions before independent work",
        "What the distractors told me",
        // The step's detail as a whole, its overdue flag with it.
        step_detail,
    ] {
        assert!(exported.contains(held), "JSON holds {held}: {exported}");
        assert!(markdown.contains(held), "Markdown holds {held}: {markdown}");
    }
    for id in [&observation, &reflection["id"], &cycle] {
        assert!(exported.contains(id.as_str().unwrap()), "{id}: {exported}");
    }
    assert!(markdown.contains("## Coaching\n"), "{markdown}");
}
