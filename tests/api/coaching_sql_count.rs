//! Coaching suggestions, and the alliance-wide audit, run the same number of SQL statements
//! however many people declared strengths and needs: a fixed set of set-based queries. So
//! do the overdue check-back job and the portfolio's coaching, however many steps.

use chrono::Utc;
use entity::enums::{ExpertiseKind, StaffRoleKind};
use entity::{coaching_availability, expertise_entry, person};
use prometheus::IntCounter;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::coaching_portfolio_scenario::make_overdue;
use crate::coaching_scenario::{coached, coaching_world, theme_named};
use crate::common::{TestApp, gid};
use crate::community_world::{Community, Person, community_world_with};
use crate::world::{bulk_staff, key_of, mutate_ok};

const SUGGESTIONS: &str = "query($alliance: ID!, $theme: ID) { coachingSuggestions(allianceId: $alliance, themeId: $theme, first: 100) { \
     coach { id givenName } coachee { id givenName } coachSchool { name } coacheeSchool { name } theme { name } score reasons capacityLeft } }";

const AUDIT: &str = "query($alliance: ID!) { allianceExpertise(allianceId: $alliance) { \
     theme { name } school { name } kind count fewerThanFive visibleCoaches { id givenName } } }";

/// `count` people at `school` with `kind` in `theme` (strong ones offering to coach).
async fn many(
    app: &TestApp,
    school: i32,
    prefix: &str,
    count: usize,
    theme: i32,
    kind: ExpertiseKind,
) {
    bulk_staff(app, school, prefix, count, StaffRoleKind::Teacher).await;
    let people = person::Entity::find()
        .filter(person::Column::Email.starts_with(prefix))
        .all(&app.db)
        .await
        .unwrap();
    let now = Utc::now();
    expertise_entry::Entity::insert_many(people.iter().map(|p| expertise_entry::ActiveModel {
        person_id: Set(p.id),
        theme_id: Set(theme),
        kind: Set(kind),
        evidence: Set("Seen in lessons.".into()),
        confirmed_by_id: Set(None),
        confirmed_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }))
    .exec(&app.db)
    .await
    .unwrap();
    if kind == ExpertiseKind::Strength {
        coaching_availability::Entity::insert_many(people.iter().map(|p| {
            coaching_availability::ActiveModel {
                person_id: Set(p.id),
                visible_as_coach: Set(true),
                sessions_per_term: Set(6),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        }))
        .exec(&app.db)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn suggestions_and_the_audit_run_as_many_statements_for_many_people_as_for_few() {
    // DataLoaders gather keys for 50 ms, so that each level is one batch on a busy machine.
    let w = community_world_with(&["--loader-delay-us", "50000"]).await;
    let app = &w.app;
    coaching_world(&w).await;
    let theme = theme_named(app, &w.lead.token, "Assessment for learning").await;
    let variables = json!({ "alliance": gid("Alliance", w.alliance), "theme": theme });
    let mut counts = Vec::new();
    for round in 0..2 {
        if round == 1 {
            let key = key_of(&json!(theme));
            many(app, w.schools[1], "need", 30, key, ExpertiseKind::Need).await;
            many(
                app,
                w.schools[2],
                "strong",
                12,
                key,
                ExpertiseKind::Strength,
            )
            .await;
        }
        let (suggestions, body) = app
            .query_statements(Some(&w.lead.token), SUGGESTIONS, variables.clone())
            .await;
        let found = body["coachingSuggestions"].as_array().unwrap().len();
        assert!(
            found >= if round == 0 { 2 } else { 60 },
            "{found} suggestions"
        );
        let (audit, _) = app
            .query_statements(Some(&w.lead.token), AUDIT, variables.clone())
            .await;
        counts.push((suggestions, audit));
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 4 and 46 people (suggestions, audit): {counts:?}"
    );
}

/// `count` action steps agreed by `coachee` in `relationship`'s `cycle`, each overdue: their ids.
async fn overdue_steps(
    w: &Community,
    coachee: &Person,
    (relationship, cycle): &(Value, Value),
    count: usize,
) -> Vec<Value> {
    let mut ids = Vec::new();
    for n in 0..count {
        let step = mutate_ok(
            &w.app,
            &coachee.token,
            "agreeCoachingActionStep",
            "actionStep { id }",
            json!({ "relationshipId": relationship, "cycleId": cycle,
                    "description": format!("Step {n}"),
                    "checkBackOn": Utc::now().date_naive().to_string() }),
        )
        .await["actionStep"]["id"]
            .clone();
        make_overdue(&w.app, &step).await;
        ids.push(step);
    }
    ids
}

const PORTFOLIO: &str = "{ viewer { portfolio { coaching { section title detail } json } } }";

#[tokio::test]
async fn the_check_back_job_and_the_portfolio_run_as_many_statements_for_many_steps_as_for_one() {
    let w = community_world_with(&[]).await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    // The job's statements, on a connection of the test's own that counts them.
    let statements = IntCounter::new("job_statements", "the job's statements").unwrap();
    let db = trellis::db::connect(
        &app.database_url,
        2,
        std::time::Duration::from_secs(10),
        trellis::db::Planning::Reused,
        statements.clone(),
    )
    .await
    .unwrap();
    let ben = coached(&w, &theme, &w.teachers[1]).await;
    let mut counts = Vec::new();
    for round in 0..2 {
        let steps = if round == 0 {
            overdue_steps(&w, &w.teachers[1], &ben, 1).await
        } else {
            // A second relationship, and more steps in both.
            let colleague = coached(&w, &theme, &w.colleague).await;
            let mut steps = overdue_steps(&w, &w.colleague, &colleague, 2).await;
            steps.extend(overdue_steps(&w, &w.teachers[1], &ben, 2).await);
            steps
        };
        let before = statements.get();
        let told = trellis::coaching::reminders::remind_overdue(
            &db,
            app.notifier.clone(),
            "https://trellis.example".into(),
        )
        .await
        .unwrap();
        assert_eq!(told, steps.len());
        let job = statements.get() - before;
        let mut portfolios = Vec::new();
        for token in [&w.teachers[0].token, &w.teachers[1].token] {
            let (statements, _) = app
                .query_statements(Some(token), PORTFOLIO, json!({}))
                .await;
            portfolios.push(statements);
        }
        counts.push((job, portfolios));
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 1 and 4 overdue steps (the job; the coach's and the coachee's portfolios): {counts:?}"
    );
}
