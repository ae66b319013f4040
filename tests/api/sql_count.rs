//! No N+1: a deep query runs the same number of SQL statements however much data it
//! reaches, because every relation loads through a DataLoader in one statement per level.
//!
//! The statement counter belongs to the server, so each measured request runs alone on
//! its own server.

use std::collections::HashMap;

use crate::common::{TestApp, gid, spawn_app_with};
use crate::world::{bulk_staff, set_membership_status};
use entity::enums::{AllianceRoleKind, MembershipStatus, StaffRoleKind};
use entity::{alliance_membership, staff_role};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

const DEEP: &str = "{ alliances(first: 10) { edges { node { name
    memberships(first: 10) { totalCount edges { node { school { name
        staff(first: 5) { totalCount edges { node { role person { displayName email } } } } } } } } } } } }";

/// A dataset and two callers: a platform admin, and a non-admin who is an admin of every
/// alliance (so sees them all) but whose access scope is loaded from their roles.
struct Dataset {
    app: TestApp,
    platform_admin: String,
    alliance_admin: String,
    shape: (usize, usize, usize),
}

/// `alliances` alliances, each with `schools` active member schools and one invited
/// school, each school with `staff` teachers.
async fn dataset(alliances: usize, schools: usize, staff: usize) -> Dataset {
    // Every request checks its caller afresh, so that each count is the query's whole
    // cost (see `reads_reuse_the_callers_check_until_a_write` for the cache).
    let app = crate::common::spawn_app_with(&["--caller-cache-ms", "0"]).await;
    app.person("platform@trellis.example", true).await;
    let admin = app.person("admin@alliances.example", false).await;
    for a in 0..alliances {
        let alliance = app.alliance(&format!("Alliance {a:02}")).await;
        app.alliance_role(admin, alliance, AllianceRoleKind::Admin)
            .await;
        for s in 0..=schools {
            let school = app.school(&format!("School {a:02}-{s:02}")).await;
            let membership = app.member(alliance, school).await;
            if s == schools {
                // Invited, not yet a member: its staff are not in the admin's network.
                set_membership_status(&app, membership, MembershipStatus::Invited).await;
            }
            bulk_staff(
                &app,
                school,
                &format!("a{a}s{s}p"),
                staff,
                StaffRoleKind::Teacher,
            )
            .await;
        }
    }
    let platform_admin = app.sign_in("platform@trellis.example").await;
    let alliance_admin = app.sign_in("admin@alliances.example").await;
    Dataset {
        app,
        platform_admin,
        alliance_admin,
        shape: (alliances, schools, staff),
    }
}

/// Runs the deep query as `token` and returns its answer and the statements it ran.
async fn measure(app: &TestApp, token: &str) -> (Value, u64) {
    let (statements, data) = app.query_statements(Some(token), DEEP, json!({})).await;
    (data, statements)
}

/// Checks the answer reached the whole dataset, so that equal counts mean something.
fn check_answer(
    data: &Value,
    (alliances, schools, staff): (usize, usize, usize),
    platform_admin: bool,
) {
    let edges = data["alliances"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), alliances.min(10));
    for alliance in edges {
        let memberships = &alliance["node"]["memberships"];
        assert_eq!(memberships["totalCount"], schools + 1);
        let members = memberships["edges"].as_array().unwrap();
        assert_eq!(members.len(), (schools + 1).min(10));
        for (n, member) in members.iter().enumerate() {
            let listed = &member["node"]["school"]["staff"];
            let invited = n == schools;
            if invited && !platform_admin {
                assert_eq!(
                    listed["totalCount"], 0,
                    "an invited school's staff are not shown"
                );
                continue;
            }
            assert_eq!(listed["totalCount"], staff);
            let people = listed["edges"].as_array().unwrap();
            assert_eq!(people.len(), staff.min(5));
            for person in people {
                assert!(
                    person["node"]["person"]["displayName"].is_string(),
                    "{person}"
                );
                assert!(person["node"]["person"]["email"].is_string(), "{person}");
            }
        }
    }
}

/// The deep query costs the same number of statements for a small dataset and one ten
/// times larger, for a platform admin and for an alliance admin (whose access scope is
/// loaded from their roles).
#[tokio::test]
async fn a_deep_query_runs_as_many_statements_for_ten_times_the_data() {
    let small = dataset(2, 2, 3).await;
    let large = dataset(10, 4, 6).await;
    let mut counts = Vec::new();
    for (label, set) in [("2x2x3", &small), ("10x4x6", &large)] {
        for (caller, token, platform_admin) in [
            ("platform admin", &set.platform_admin, true),
            ("alliance admin", &set.alliance_admin, false),
        ] {
            let (data, statements) = measure(&set.app, token).await;
            check_answer(&data, set.shape, platform_admin);
            // Asked again, the answer and its cost are the same.
            let (again, repeated) = measure(&set.app, token).await;
            assert_eq!(again, data);
            assert_eq!(
                repeated, statements,
                "{caller} on {label}: the count is stable"
            );
            println!("SQL statements for the deep query, {caller}, dataset {label}: {statements}");
            counts.push(((caller, label), statements));
        }
    }
    let count = |caller: &str, label: &str| {
        counts
            .iter()
            .find(|((c, l), _)| *c == caller && *l == label)
            .map(|(_, n)| *n)
            .unwrap()
    };
    for caller in ["platform admin", "alliance admin"] {
        assert_eq!(
            count(caller, "2x2x3"),
            count(caller, "10x4x6"),
            "{caller}: the statements must not grow with the data"
        );
    }
    assert!(
        count("platform admin", "10x4x6") <= 20 && count("alliance admin", "10x4x6") <= 25,
        "one statement per level and a few more, not one per row"
    );
}

/// A page of memberships that selects each school brings the schools with the page, and a
/// page of staff that selects each person brings the people: asking for them adds one
/// statement each, through `nodes` or `edges { node }`, for a platform admin and for an
/// alliance admin (whose people pass the policy row by row), and each row shows the school
/// or person the database names for it.
#[tokio::test]
async fn a_pages_schools_and_people_come_with_the_page() {
    let set = dataset(3, 2, 3).await;
    let school_of: HashMap<String, String> = alliance_membership::Entity::find()
        .all(&set.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let membership = gid("AllianceMembership", row.id);
            (membership, gid("School", row.school_id))
        })
        .collect();
    let person_of: HashMap<String, String> = staff_role::Entity::find()
        .all(&set.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (gid("StaffRole", row.id), gid("Person", row.person_id)))
        .collect();
    let app = &set.app;
    for token in [&set.platform_admin, &set.alliance_admin] {
        let count = |query: &'static str| async move {
            let (statements, data) = app.query_statements(Some(token), query, json!({})).await;
            (data, statements)
        };
        let (_, memberships) =
            count("{ alliances(first: 10) { nodes { memberships(first: 10) { nodes { id } } } } }")
                .await;
        let (with_schools, schools) = count(
            "{ alliances(first: 10) { nodes { memberships(first: 10) { nodes { id school { id } } } } } }",
        )
        .await;
        assert_eq!(schools, memberships + 1, "the schools cost one statement");
        let listed = memberships_of(&with_schools);
        assert_eq!(listed.len(), 9);
        for membership in listed {
            let id = membership["id"].as_str().unwrap();
            assert_eq!(membership["school"]["id"].as_str(), Some(&*school_of[id]));
        }

        let (_, bare) = count(
            "{ alliances(first: 10) { nodes { memberships(first: 10) { nodes { school {
                staff(first: 5) { nodes { id } } } } } } } }",
        )
        .await;
        let (by_nodes, people) = count(
            "{ alliances(first: 10) { nodes { memberships(first: 10) { nodes { school {
                staff(first: 5) { nodes { id person { id } } } } } } } } }",
        )
        .await;
        let (by_edges, people_by_edges) = count(
            "{ alliances(first: 10) { nodes { memberships(first: 10) { nodes { school {
                staff(first: 5) { edges { node { id person { id } } } } } } } } } }",
        )
        .await;
        assert_eq!(people, bare + 1, "the people cost one statement");
        assert_eq!(people_by_edges, bare + 1);
        let roles: Vec<Value> = memberships_of(&by_nodes)
            .into_iter()
            .flat_map(|membership| membership["school"]["staff"]["nodes"].as_array().unwrap())
            .cloned()
            .collect();
        let by_edges: Vec<Value> = memberships_of(&by_edges)
            .into_iter()
            .flat_map(|membership| membership["school"]["staff"]["edges"].as_array().unwrap())
            .map(|edge| edge["node"].clone())
            .collect();
        assert_eq!(roles, by_edges);
        // Three schools' staff for each alliance's two active members; the invited school's
        // staff are outside the alliance admin's network.
        let expected = if token == &set.platform_admin { 27 } else { 18 };
        assert_eq!(roles.len(), expected);
        for role in roles {
            let id = role["id"].as_str().unwrap();
            assert_eq!(role["person"]["id"].as_str(), Some(&*person_of[id]));
        }
    }
}

/// The membership nodes of every alliance in an answer.
fn memberships_of(data: &Value) -> Vec<&Value> {
    data["alliances"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|alliance| alliance["memberships"]["nodes"].as_array().unwrap())
        .collect()
}

/// A read within a moment of the caller's last one skips the session check and the
/// loading of their access scope; any write through the server makes the next read
/// check again.
#[tokio::test]
async fn reads_reuse_the_callers_check_until_a_write() {
    let app = spawn_app_with(&["--caller-cache-ms", "600000"]).await;
    app.person("platform@trellis.example", true).await;
    let admin = app.person("admin@alliances.example", false).await;
    let alliance = app.alliance("Alliance 00").await;
    app.alliance_role(admin, alliance, AllianceRoleKind::Admin)
        .await;
    let school = app.school("School 00").await;
    app.member(alliance, school).await;
    bulk_staff(&app, school, "p", 3, StaffRoleKind::Teacher).await;
    let token = app.sign_in("admin@alliances.example").await;

    // Each read measured alone (`measure` would read once first, and find the check made).
    let read = || async {
        let before = app.sql_statements().await;
        let data = app.ok(Some(&token), DEEP, json!({})).await;
        (data, app.sql_statements().await - before)
    };
    let (cold_answer, cold) = read().await;
    let (warm_answer, warm) = read().await;
    assert_eq!(warm_answer, cold_answer);
    assert!(
        warm < cold,
        "the second read reuses the caller's check: {warm} vs {cold}"
    );
    // Any mutation, here someone else signing in, forgets every caller's check.
    app.sign_in("platform@trellis.example").await;
    let (_, after_write) = read().await;
    assert_eq!(
        after_write, cold,
        "after a write the caller is checked again"
    );
}

// ---- communities ----

const COMMUNITIES: &str = "{ communities(first: 5) { totalCount edges { node { name themes { name }
    memberships(first: 4) { totalCount edges { node { role school { name } person { displayName } } } }
    meetings(first: 2, filter: { when: PAST }) { totalCount edges { node { title
        attendance(first: 3) { totalCount edges { node { person { displayName } } } } } } }
    threads(first: 3) { totalCount edges { node { title bodyMarkdown author { displayName } authorSchool { name }
        replies(first: 3) { totalCount edges { node { bodyMarkdown author { displayName } } } } } } }
    enquiries(first: 2) { totalCount edges { node { question stageHistory { toStage }
        evidence(first: 3) { totalCount edges { node { note author { displayName } } } } } } } } } } }";

/// One alliance of `schools` schools with `members` staff each, and `communities`
/// communities in which every one of those staff is a member; each community has
/// `threads` threads of `replies` replies, a past meeting that everyone attended and an
/// enquiry with `replies` pieces of evidence. Returns the app and the CPD lead's token.
async fn community_dataset(
    communities: usize,
    schools: usize,
    members: usize,
    threads: usize,
    replies: usize,
) -> (TestApp, String) {
    use chrono::{Duration, Utc};
    use entity::enums::{
        CommunityKind, CommunityMembershipStatus, CommunityRole, CommunityStatus,
        CommunityVisibility, DiscussionHostKind, EnquiryStage, MeetingStatus,
    };
    use entity::{
        community, community_meeting, community_member, discussion_post, enquiry, enquiry_evidence,
        meeting_attendance, staff_role,
    };
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

    // A wider batching window than the default, so that loads of one level gather into
    // one batch even on a busy test machine.
    let app = spawn_app_with(&["--loader-delay-us", "2000", "--caller-cache-ms", "0"]).await;
    let lead = app.person("lead@communities.example", false).await;
    let alliance = app.alliance("Community Alliance").await;
    app.alliance_role(lead, alliance, AllianceRoleKind::CpdLead)
        .await;
    let mut staff: Vec<(i32, i32)> = Vec::new();
    for s in 0..schools {
        let school = app.school(&format!("Community School {s:02}")).await;
        app.member(alliance, school).await;
        bulk_staff(
            &app,
            school,
            &format!("c{s}p"),
            members,
            StaffRoleKind::Teacher,
        )
        .await;
        for role in staff_role::Entity::find()
            .filter(staff_role::Column::SchoolId.eq(school))
            .all(&app.db)
            .await
            .unwrap()
        {
            staff.push((role.person_id, school));
        }
    }
    let now = Utc::now();
    let key = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    for c in 0..communities {
        let community = community::ActiveModel {
            alliance_id: Set(alliance),
            name: Set(format!("Community {c:02}")),
            purpose: Set(None),
            kind: Set(CommunityKind::CollaborationNetwork),
            visibility: Set(CommunityVisibility::Alliance),
            status: Set(CommunityStatus::Active),
            theme_keys: Set(",1,2,".into()),
            phases: Set(json!([])),
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
        community_member::Entity::insert_many(staff.iter().map(|(person, school)| {
            community_member::ActiveModel {
                community_id: Set(community.id),
                person_id: Set(*person),
                school_id: Set(Some(*school)),
                role: Set(CommunityRole::Member),
                status: Set(CommunityMembershipStatus::Active),
                reason: Set(None),
                invited_by_id: Set(None),
                created_at: Set(now),
                joined_at: Set(Some(now)),
                ended_at: Set(None),
                updated_at: Set(now),
                ..Default::default()
            }
        }))
        .exec(&app.db)
        .await
        .unwrap();
        let started = now - Duration::hours(3);
        let meeting = community_meeting::ActiveModel {
            community_id: Set(community.id),
            title: Set(format!("Meeting {c}")),
            starts_at: Set(started),
            starts_key: Set(key(started)),
            ends_at: Set(started + Duration::hours(1)),
            place: Set(None),
            online_url: Set(None),
            agenda_markdown: Set(None),
            notes_markdown: Set(None),
            status: Set(MeetingStatus::Scheduled),
            created_by_id: Set(lead),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        meeting_attendance::Entity::insert_many(staff.iter().map(|(person, _)| {
            meeting_attendance::ActiveModel {
                meeting_id: Set(meeting.id),
                person_id: Set(*person),
                recorded_at: Set(now),
                ..Default::default()
            }
        }))
        .exec(&app.db)
        .await
        .unwrap();
        for t in 0..threads {
            let (author, school) = staff[t % staff.len()];
            let thread = discussion_post::ActiveModel {
                host_kind: Set(DiscussionHostKind::Community),
                host_id: Set(community.id),
                thread_id: Set(None),
                author_id: Set(author),
                author_school_id: Set(Some(school)),
                title: Set(Some(format!("Thread {t}"))),
                body_markdown: Set("body".into()),
                pinned: Set(false),
                hidden_reason: Set(None),
                hidden_by_id: Set(None),
                deleted_at: Set(None),
                activity_key: Set(format!("0{}", key(now + Duration::seconds(t as i64)))),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
            discussion_post::Entity::insert_many((0..replies).map(|r| {
                let (author, school) = staff[r % staff.len()];
                discussion_post::ActiveModel {
                    host_kind: Set(DiscussionHostKind::Community),
                    host_id: Set(community.id),
                    thread_id: Set(Some(thread.id)),
                    author_id: Set(author),
                    author_school_id: Set(Some(school)),
                    title: Set(None),
                    body_markdown: Set(format!("reply {r}")),
                    pinned: Set(false),
                    hidden_reason: Set(None),
                    hidden_by_id: Set(None),
                    deleted_at: Set(None),
                    activity_key: Set(key(now)),
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
        let (owner, school) = staff[0];
        let enquiry = enquiry::ActiveModel {
            alliance_id: Set(alliance),
            community_id: Set(Some(community.id)),
            owner_id: Set(owner),
            owner_school_id: Set(Some(school)),
            question: Set("Why?".into()),
            rationale: Set(None),
            baseline: Set(None),
            planned_actions: Set(None),
            findings: Set(None),
            stage: Set(EnquiryStage::Acting),
            theme_keys: Set(",".into()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        enquiry_evidence::Entity::insert_many((0..replies).map(|r| {
            let (author, school) = staff[r % staff.len()];
            enquiry_evidence::ActiveModel {
                enquiry_id: Set(enquiry.id),
                community_id: Set(Some(community.id)),
                author_id: Set(author),
                author_school_id: Set(Some(school)),
                note: Set(format!("evidence {r}")),
                link: Set(None),
                observed_on: Set(now.date_naive()),
                created_at: Set(now),
                ..Default::default()
            }
        }))
        .exec(&app.db)
        .await
        .unwrap();
    }
    let token = app.sign_in("lead@communities.example").await;
    (app, token)
}

/// The community query shape (communities, their members, meetings with attendance,
/// threads with replies, enquiries with evidence) costs the same number of statements
/// for a small dataset and one ten times larger.
#[tokio::test]
async fn the_community_query_runs_as_many_statements_for_ten_times_the_data() {
    let mut counts = Vec::new();
    for (label, shape) in [("small", (2, 2, 2, 2, 2)), ("10x", (10, 4, 5, 5, 10))] {
        let (communities, schools, members, threads, replies) = shape;
        let (app, token) = community_dataset(communities, schools, members, threads, replies).await;
        let (statements, data) = app
            .query_statements(Some(&token), COMMUNITIES, json!({}))
            .await;
        let edges = data["communities"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), communities.min(5));
        for edge in edges {
            let node = &edge["node"];
            assert_eq!(node["memberships"]["totalCount"], schools * members);
            assert_eq!(node["meetings"]["totalCount"], 1);
            assert_eq!(
                node["meetings"]["edges"][0]["node"]["attendance"]["totalCount"],
                schools * members
            );
            assert_eq!(node["threads"]["totalCount"], threads);
            let first = &node["threads"]["edges"][0]["node"];
            assert_eq!(
                first["title"],
                format!("Thread {}", threads - 1),
                "newest first"
            );
            assert_eq!(first["replies"]["totalCount"], replies);
            assert!(first["author"]["displayName"].is_string());
            let enquiry = &node["enquiries"]["edges"][0]["node"];
            assert_eq!(enquiry["evidence"]["totalCount"], replies);
        }
        println!("SQL statements for the community query, dataset {label}: {statements}");
        counts.push(statements);
    }
    // Every relation loads in one statement per level (plus its count), so the number is
    // fixed by the query's shape: about 30 to 40 (fewer when the loader happens to gather
    // two levels' people into one batch). It never grows with the data.
    for (label, statements) in ["small", "10x"].iter().zip(&counts) {
        assert!(
            (20..=45).contains(statements),
            "{label}: one statement per level and a few more, not one per row: {statements}"
        );
    }
}
