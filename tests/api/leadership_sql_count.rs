//! The viewer's invitations to lead and the alliance's, with their people, alliance and
//! subjects of every kind, and an invitee's leadership record run the same number of SQL
//! statements for 2 invitations as for 20: each relation is one batch.

use chrono::Utc;
use entity::enums::{LeadershipKind, LeadershipStatus};
use entity::leadership_invitation;
use sea_orm::{EntityTrait, Set};
use serde_json::json;

use crate::common::gid;
use crate::leadership::{CPD_LEAD, event_id, meeting_id, relationship_id};
use crate::observations_scenario::person_key;
use crate::observations_visibility::Demo;
use crate::world::key_of;

const LISTS: &str = "query($a: ID!) {
alliance: node(id: $a) { ... on Alliance { leadershipInvitations(first: 50) { totalCount nodes {
  id status person { givenName } invitedBy { givenName } subject { __typename } } } } }
viewer {
  leadershipInvitations(first: 50, filter: { direction: SENT }) { totalCount nodes {
    id kind what status message person { givenName } invitedBy { givenName } alliance { name }
    subject { __typename
      ... on Event { title }
      ... on CommunityMeeting { title }
      ... on CoachingRelationship { focus status } } } }
} }";

/// An invitee's record, with who invited them and where (what each is about is batched
/// per kind, as the lists above show).
const RECORD: &str = "{ viewer { leadershipRecord(first: 50) { totalCount nodes {
  id what invitedBy { givenName } alliance { name } } } } }";

/// The first invitee (who accepts every invitation made to them).
const ACCEPTING: &str = "teacher@ashcroft.example";

#[tokio::test]
async fn the_lists_run_as_many_statements_for_twenty_invitations_as_for_two() {
    // DataLoaders gather keys for 50 ms, so that each level is one batch on a busy machine.
    let demo = Demo::with_flags(&["--loader-delay-us", "50000"]).await;
    let app = &demo.app;
    let lead = demo.token(CPD_LEAD).await;
    let inviter = person_key(app, CPD_LEAD).await;
    let accepting = demo.token(ACCEPTING).await;
    // Teachers of several schools, each invited to lead one of several subjects (not
    // Kingsmead's teacher, whom the demo already invited to the meeting); each pair of
    // person and subject once, as one may be invited only once while it is open.
    let mut invitees = Vec::new();
    for school in [
        "ashcroft",
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
    let alliance = json!({ "a": gid("Alliance", 1) });
    let mut made = 0;
    let mut counts = Vec::new();
    let mut record_counts = Vec::new();
    for total in [2, 20] {
        let now = Utc::now();
        let rows = (made..total).map(|n| {
            let (kind, subject) = subjects[n % subjects.len()];
            let invitee = n % invitees.len();
            leadership_invitation::ActiveModel {
                alliance_id: Set(1),
                person_id: Set(invitees[invitee]),
                invited_by_id: Set(inviter),
                kind: Set(kind),
                subject_id: Set(subject),
                what: Set(format!("Lead part {n}")),
                message: Set(None),
                status: Set(if invitee == 0 {
                    LeadershipStatus::Accepted
                } else {
                    LeadershipStatus::Pending
                }),
                responded_at: Set((invitee == 0).then_some(now)),
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
        let (statements, body) = app
            .query_statements(Some(&lead), LISTS, alliance.clone())
            .await;
        counts.push(statements);
        let listed = body["alliance"]["leadershipInvitations"]["totalCount"]
            .as_u64()
            .unwrap();
        assert!(listed >= total as u64, "the alliance lists them: {body:#}");
        let (statements, record) = app
            .query_statements(Some(&accepting), RECORD, json!({}))
            .await;
        record_counts.push(statements);
        let accepted = record["viewer"]["leadershipRecord"]["nodes"]
            .as_array()
            .unwrap();
        assert_eq!(accepted.len(), total.div_ceil(invitees.len()), "{record:#}");
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
    assert_eq!(
        record_counts[0], record_counts[1],
        "statements for a record of 1 and of 4: {record_counts:?}"
    );
}
