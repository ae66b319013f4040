//! Suggestions for a request run the same number of SQL statements however many offers,
//! Specialist Leaders of Education, practice items and communities they weigh.

use crate::common::{TestApp, gid, spawn_app_with};
use chrono::Utc;
use entity::enums::{
    AllianceRoleKind, CommunityKind, CommunityStatus, CommunityVisibility, PracticeKind,
    PracticeStatus, PracticeVisibility, StaffRoleKind, SupportOfferStatus, SupportRequestStatus,
    SupportUrgency,
};
use entity::{alliance_role, community, practice, support_offer, support_request};
use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
use serde_json::json;

const QUERY: &str = "query($id: ID!) { node(id: $id) { ... on SupportRequest {
    title daysStillNeeded
    suggestions(first: 100) { score reasons subject { __typename
        ... on SupportOffer { id title daysRemaining themes { name } school { name } person { displayName } }
        ... on Person { id displayName }
        ... on Practice { id title school { name } }
        ... on Community { id name themes { name } } } } } } }";

/// An alliance where `n` other schools each offer support, have an SLE, publish
/// practice and run a community, all matching the request. Returns the app, the CPD lead's token and the
/// request's id.
async fn dataset(n: usize) -> (TestApp, String, String) {
    // A DataLoader gathers keys for 50 ms, so that each batch holds all of one level even
    // on a busy machine (the default is tuned for latency, not for counting): under the
    // whole suite running in parallel on PostgreSQL, 10 ms sometimes split one level into
    // two statements (19 for 3 candidates, 20 for 25).
    let app = spawn_app_with(&["--loader-delay-us", "50000"]).await;
    let now = Utc::now();
    let alliance = app.alliance("Severn").await;
    let lead = app.person("lead@severn.example", false).await;
    app.alliance_role(lead, alliance, AllianceRoleKind::CpdLead)
        .await;
    let theme = entity::theme::Entity::find()
        .order_by_asc(entity::theme::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let keys = format!(",{theme},");
    let asking = app.school("Asking School").await;
    app.member(alliance, asking).await;
    let head = app.person("head@asking.example", false).await;
    app.staff(head, asking, StaffRoleKind::Headteacher).await;
    let request = support_request::ActiveModel {
        alliance_id: Set(alliance),
        school_id: Set(asking),
        title: Set("Questioning in maths".into()),
        description_markdown: Set("Hinge questions".into()),
        theme_keys: Set(keys.clone()),
        phases: Set(json!(["PRIMARY"])),
        urgency: Set(SupportUrgency::High),
        half_days_requested: Set(4),
        status: Set(SupportRequestStatus::Open),
        created_by_id: Set(head),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    for i in 0..n {
        let school = app.school(&format!("School {i:03}")).await;
        app.member(alliance, school).await;
        let teacher = app.person(&format!("t{i}@schools.example"), false).await;
        app.staff(teacher, school, StaffRoleKind::Teacher).await;
        support_offer::ActiveModel {
            alliance_id: Set(alliance),
            person_id: Set(Some(teacher)),
            school_id: Set(Some(school)),
            title: Set(format!("Offer {i}")),
            description_markdown: Set("Help".into()),
            theme_keys: Set(keys.clone()),
            phases: Set(json!(["PRIMARY"])),
            half_days_per_term: Set(2 + i as i32 % 6),
            half_days_committed: Set(0),
            status: Set(SupportOfferStatus::Open),
            created_by_id: Set(teacher),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let sle = app.person(&format!("sle{i}@schools.example"), false).await;
        app.staff(sle, school, StaffRoleKind::MiddleLeader).await;
        alliance_role::ActiveModel {
            person_id: Set(sle),
            alliance_id: Set(alliance),
            role: Set(AllianceRoleKind::SpecialistLeaderOfEducation),
            expertise: Set(json!(["Questioning in mathematics"])),
            starts_on: Set(now.date_naive()),
            ends_on: Set(None),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        practice::ActiveModel {
            kind: Set(PracticeKind::CaseStudy),
            title: Set(format!("Practice {i}")),
            summary: Set("Hinge questions".into()),
            body_markdown: Set("One question, four answers.".into()),
            links: Set(json!([])),
            theme_keys: Set(keys.clone()),
            phase_keys: Set(",PRIMARY,".into()),
            subject_keys: Set(String::new()),
            key_stage_keys: Set(String::new()),
            school_id: Set(school),
            alliance_id: Set(Some(alliance)),
            visibility: Set(PracticeVisibility::Alliance),
            status: Set(PracticeStatus::Published),
            created_by_id: Set(teacher),
            published_at: Set(Some(now)),
            endorsement_count: Set(i as i32 % 3),
            adaptation_count: Set(0),
            comment_count: Set(0),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        community::ActiveModel {
            alliance_id: Set(alliance),
            name: Set(format!("Community {i}")),
            purpose: Set(None),
            kind: Set(CommunityKind::CollaborationNetwork),
            visibility: Set(CommunityVisibility::Alliance),
            status: Set(CommunityStatus::Active),
            theme_keys: Set(keys.clone()),
            phases: Set(json!(["PRIMARY"])),
            created_by_id: Set(lead),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            closed_at: Set(None),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let token = app.sign_in("lead@severn.example").await;
    (app, token, gid("SupportRequest", request.id))
}

#[tokio::test]
async fn suggestions_run_as_many_statements_for_ten_times_the_candidates() {
    let mut counts = Vec::new();
    // 25 of each: more practice than the 20 items suggestions consider.
    for n in [3, 25] {
        let (app, token, request) = dataset(n).await;
        let (statements, data) = app
            .query_statements(Some(&token), QUERY, json!({ "id": request }))
            .await;
        let found = data["node"]["suggestions"].as_array().unwrap();
        assert_eq!(found.len(), 3 * n + n.min(20), "{data:#}");
        for kind in ["SupportOffer", "Person", "Practice", "Community"] {
            assert!(
                found.iter().any(|s| s["subject"]["__typename"] == kind),
                "{kind} among {n}"
            );
        }
        assert!(found.iter().all(|s| {
            s["subject"]
                .get("school")
                .is_none_or(|school| school["name"].is_string())
        }));
        println!("SQL statements for suggestions among {n} of each: {statements}");
        counts.push(statements);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements must not grow with the candidates"
    );
    assert!(counts[0] <= 25, "a fixed, small number: {}", counts[0]);
}
