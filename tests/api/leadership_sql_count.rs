//! The viewer's invitations to lead, with their people, alliance and subjects of every
//! kind, and their leadership record run the same number of SQL statements for 2
//! invitations as for 20: each relation is one batch.

use chrono::Utc;
use entity::enums::{LeadershipKind, LeadershipStatus};
use entity::leadership_invitation;
use sea_orm::{EntityTrait, Set};
use serde_json::json;

use crate::leadership::{CPD_LEAD, event_id, meeting_id, relationship_id};
use crate::observations_scenario::person_key;
use crate::observations_visibility::Demo;
use crate::world::key_of;

const LISTS: &str = "{ viewer {
  leadershipInvitations(first: 50, filter: { direction: SENT }) { totalCount nodes {
    id kind what status message person { givenName } invitedBy { givenName } alliance { name }
    subject { __typename
      ... on Event { title }
      ... on CommunityMeeting { title }
      ... on CoachingRelationship { focus status } } } }
  leadershipRecord(first: 50) { totalCount nodes { id what subject { __typename } } }
} }";

#[tokio::test]
async fn the_lists_run_as_many_statements_for_twenty_invitations_as_for_two() {
    // DataLoaders gather keys for 50 ms, so that each level is one batch on a busy machine.
    let demo = Demo::with_flags(&["--loader-delay-us", "50000"]).await;
    let app = &demo.app;
    let lead = demo.token(CPD_LEAD).await;
    let inviter = person_key(app, CPD_LEAD).await;
    // Teachers of several schools, each invited to lead one of several subjects.
    let mut invitees = Vec::new();
    for school in [
        "kingsmead",
        "staidans",
        "hollybrook",
        "severnvale",
        "brookfield",
    ] {
        invitees.push(person_key(app, &format!("teacher@{school}.example")).await);
    }
    // The first two are a meeting and an event; the demo's invitations by the CPD lead
    // add a coaching relationship: every kind of subject is there from the start.
    let subjects = [
        (
            LeadershipKind::FacilitateCommunityMeeting,
            key_of(&json!(
                meeting_id(app, "KS2 Questioning Network", "Second session").await
            )),
        ),
        (
            LeadershipKind::LeadEvent,
            key_of(&json!(
                event_id(app, "Questioning for deeper thinking").await
            )),
        ),
        (
            LeadershipKind::Coach,
            key_of(&json!(
                relationship_id(app, "middle-leader@kingsmead.example").await
            )),
        ),
        (
            LeadershipKind::LeadEvent,
            key_of(&json!(
                event_id(app, "Visit: maths mastery in Year 2").await
            )),
        ),
    ];
    // Once first, so that what the first request of a session reads is not counted.
    app.ok(Some(&lead), LISTS, json!({})).await;
    let mut made = 0;
    let mut counts = Vec::new();
    for total in [2, 20] {
        let now = Utc::now();
        let rows = (made..total).map(|n| {
            let (kind, subject) = subjects[n % subjects.len()];
            leadership_invitation::ActiveModel {
                alliance_id: Set(1),
                person_id: Set(invitees[n % invitees.len()]),
                invited_by_id: Set(inviter),
                kind: Set(kind),
                subject_id: Set(subject),
                what: Set(format!("Lead part {n}")),
                message: Set(None),
                status: Set(LeadershipStatus::Pending),
                responded_at: Set(None),
                completed_on: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        });
        leadership_invitation::Entity::insert_many(rows)
            .exec(&app.db)
            .await
            .unwrap();
        made = total;
        let before = app.sql_statements().await;
        let body = app.ok(Some(&lead), LISTS, json!({})).await;
        counts.push(app.sql_statements().await - before);
        let nodes = body["viewer"]["leadershipInvitations"]["nodes"]
            .as_array()
            .unwrap();
        assert!(nodes.len() >= total, "{} invitations listed", nodes.len());
        assert!(
            nodes.iter().all(|node| node["subject"].is_object()),
            "the CPD lead sees every subject: {body:#}"
        );
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 2 and 20 invitations: {counts:?}"
    );
}
