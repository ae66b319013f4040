//! A page of observations and reflections with their people, school, themes, shares and
//! coaching cycles, the portfolio, and the CPD lead's dashboard of observation activity,
//! run the same number of SQL statements however many there are.

use chrono::{NaiveDate, Utc};
use entity::enums::{MembershipStatus, RecordPurpose};
use entity::{alliance_membership, observation, theme};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

use crate::common::{TestApp, gid};
use crate::observations_scenario::person_key;
use crate::observations_visibility::{CPD_LEAD, Demo, HEAD, OBSERVER, TEACHER};
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
        // (The writes' notices, sent after commit, fall into the unmeasured first run.)
        let (statements, _) = app
            .query_statements(Some(&observer), LISTS, json!({}))
            .await;
        counts.push(statements);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for fewer and more rows: {counts:?}"
    );
}

const ACTIVITY: &str =
    "query($alliance: ID!) { observationActivity(filter: {allianceId: $alliance}) {
  school { id name } term theme { id name } observations suppressed } }";

/// `count` observations of the demo teacher at `school` on `day`, each on `theme`.
async fn observe(app: &TestApp, school: i32, day: NaiveDate, theme: i32, count: usize) {
    let (observer, teacher) = (person_key(app, HEAD).await, person_key(app, TEACHER).await);
    let now = Utc::now();
    observation::Entity::insert_many((0..count).map(|n| observation::ActiveModel {
        observer_id: Set(observer),
        teacher_id: Set(teacher),
        school_id: Set(Some(school)),
        observed_on: Set(day),
        purpose: Set(if n % 3 == 0 {
            RecordPurpose::Appraisal
        } else {
            RecordPurpose::Developmental
        }),
        focus: Set("Questioning".into()),
        went_well: Set("Every pupil answered.".into()),
        questions_for_dialogue: Set("What next?".into()),
        agreed_next_steps: Set("Try it again.".into()),
        teacher_response: Set(None),
        theme_keys: Set(format!(",{theme},")),
        in_portfolio: Set(false),
        in_review_selection: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }))
    .exec(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn statements_for_observation_activity_do_not_grow_with_the_observations() {
    let demo = Demo::with_flags(&["--loader-delay-us", "50000"]).await;
    let app = &demo.app;
    let lead = demo.token(CPD_LEAD).await;
    let alliance = app
        .ok(
            Some(&lead),
            "{ viewer { administeredAlliances { id } } }",
            json!({}),
        )
        .await["viewer"]["administeredAlliances"][0]["id"]
        .clone();
    let alliance_key = crate::world::key_of(&alliance);
    let schools: Vec<i32> = alliance_membership::Entity::find()
        .filter(alliance_membership::Column::AllianceId.eq(alliance_key))
        .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .order_by_asc(alliance_membership::Column::SchoolId)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|membership| membership.school_id)
        .collect();
    let themes: Vec<i32> = theme::Entity::find()
        .filter(theme::Column::AllianceId.is_null())
        .order_by_asc(theme::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .take(3)
        .map(|row| row.id)
        .collect();
    assert!(
        schools.len() >= 2 && themes.len() == 3,
        "{schools:?} {themes:?}"
    );
    let autumn = NaiveDate::from_ymd_opt(2025, 10, 6).unwrap();
    let spring = NaiveDate::from_ymd_opt(2026, 2, 2).unwrap();
    let mut counts = Vec::new();
    let mut shown = Vec::new();
    for round in 0..2 {
        if round == 0 {
            observe(app, schools[0], autumn, themes[0], 5).await;
        } else {
            // Every member school, two terms and three themes: many more rows to count,
            // and many more schools and themes to name.
            for &school in &schools {
                for day in [autumn, spring] {
                    for &theme in &themes {
                        observe(app, school, day, theme, 6).await;
                    }
                }
            }
        }
        let variables = json!({ "alliance": alliance });
        let (statements, data) = app.query_statements(Some(&lead), ACTIVITY, variables).await;
        counts.push(statements);
        let rows = data["observationActivity"].as_array().unwrap();
        shown.push(rows.iter().filter(|row| !row["theme"].is_null()).count());
    }
    assert!(
        shown[0] >= 1 && shown[1] > shown[0],
        "themes' rows shown for fewer and more observations: {shown:?}"
    );
    assert_eq!(
        counts[0], counts[1],
        "statements for fewer and more observations: {counts:?}"
    );
}
