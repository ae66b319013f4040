//! What a "no" leaves behind: a declined alliance invitation reads `DECLINED` (not
//! `LEFT`), and takes the school out of the alliance's view as leaving does; declined
//! memberships of before are told apart by the audit log when migrating; a declined
//! request to join a community stays visible, with its reason and date, to the person
//! who asked and to the facilitators.

use crate::common::{BeforeMigration, gid, spawn_app};
use crate::community_world::community_world;
use crate::world::{error_code, headteacher, mutate_ok, mutate_raw, user_error_codes};
use base64::Engine;
use entity::enums::AllianceRoleKind;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

/// A school's head declines the alliance's invitation: the membership reads `DECLINED`
/// with when, the school's staff no longer see the alliance, nothing more can be done to
/// it (not even accepting), and the alliance may invite the school again.
#[tokio::test]
async fn a_declined_invitation_reads_declined_and_ends_the_schools_view() {
    let app = spawn_app().await;
    let alder = app.alliance("Alder Alliance").await;
    let lead = app.person("ada@alder.example", false).await;
    app.alliance_role(lead, alder, AllianceRoleKind::CpdLead)
        .await;
    let ada = app.sign_in("ada@alder.example").await;
    let school = app.school("Declining Primary").await;
    let (_, head) = headteacher(&app, "head@declining.example", school).await;
    let invited = mutate_ok(
        &app,
        &ada,
        "inviteSchoolToAlliance",
        "membership { id }",
        json!({ "allianceId": gid("Alliance", alder), "schoolId": gid("School", school) }),
    )
    .await;
    let membership = invited["membership"]["id"].as_str().unwrap().to_owned();
    let sees_alder = |token: String| {
        let app = &app;
        async move {
            let body = app
                .gql(
                    Some(&token),
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": gid("Alliance", alder) }),
                )
                .await;
            body.get("errors").is_none()
        }
    };
    assert!(
        sees_alder(head.clone()).await,
        "an invited school sees the alliance"
    );

    let declined = mutate_ok(
        &app,
        &head,
        "declineAllianceInvitation",
        "membership { status endedAt joinedAt }",
        json!({ "membershipId": membership }),
    )
    .await;
    assert_eq!(declined["membership"]["status"], "DECLINED");
    assert!(declined["membership"]["endedAt"].is_string());
    assert!(declined["membership"]["joinedAt"].is_null());
    assert!(
        !sees_alder(head.clone()).await,
        "a school that declined does not"
    );

    for (token, field, input) in [
        (
            &head,
            "acceptAllianceInvitation",
            json!({ "membershipId": membership }),
        ),
        (
            &ada,
            "endAllianceMembership",
            json!({ "membershipId": membership }),
        ),
        (
            &ada,
            "changeAllianceMembershipRole",
            json!({ "membershipId": membership, "expectedVersion": 2, "role": "ASSOCIATE" }),
        ),
    ] {
        let body = mutate_raw(&app, token, field, "__typename", input).await;
        if field == "acceptAllianceInvitation" {
            // The school's head no longer sees the alliance, so not the membership either.
            assert_eq!(
                user_error_codes(&body["data"][field]),
                ["NOT_FOUND"],
                "{body:#}"
            );
        } else {
            assert_eq!(
                user_error_codes(&body["data"][field]),
                ["INVALID_STATE"],
                "{body:#}"
            );
        }
    }

    let listed = app
        .ok(
            Some(&ada),
            "query($id: ID!) { node(id: $id) { ... on Alliance {
                declined: memberships(filter: { statuses: [DECLINED] }) { nodes { id status } }
                left: memberships(filter: { statuses: [LEFT] }) { totalCount } } } }",
            json!({ "id": gid("Alliance", alder) }),
        )
        .await;
    assert_eq!(
        listed["node"]["declined"]["nodes"],
        json!([{ "id": membership, "status": "DECLINED" }])
    );
    assert_eq!(listed["node"]["left"]["totalCount"], 0);

    let again = mutate_ok(
        &app,
        &ada,
        "inviteSchoolToAlliance",
        "membership { id status }",
        json!({ "allianceId": gid("Alliance", alder), "schoolId": gid("School", school) }),
    )
    .await;
    assert_eq!(again["membership"]["status"], "INVITED");
    assert_ne!(again["membership"]["id"], membership);
}

/// The migration gives `DECLINED` to memberships that were declined before it, which read
/// `LEFT`: those the audit log recorded as declined. An invitation withdrawn and a school
/// that left stay `LEFT`. Runs the migrations on a database of its own.
#[tokio::test]
async fn migrating_marks_declined_what_the_audit_log_says_was_declined() {
    let dir = tempfile::tempdir().unwrap();
    let before =
        BeforeMigration::new(&dir, "m20261206_000013_invitation_upkeep_versions_declined").await;
    let (db, backend, now) = (&before.db, before.backend, before.now());
    let run = |sql: String| before.run(sql);
    run(
        "INSERT INTO alliance (id, name, kind, version, created_at, updated_at)
         VALUES (1, 'Alder', 'OTHER', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            .into(),
    )
    .await;
    for id in 1..=5 {
        run(format!(
            "INSERT INTO school (id, name, phase, status, version, created_at, updated_at)
             VALUES ({id}, 'School {id}', 'PRIMARY', 'OPEN', 1, {now}, {now})"
        ))
        .await;
    }
    // 1 declined; 2 withdrawn by the alliance; 3 left after joining; 4 and 5, whatever
    // the log says, were never declined invitations: one is still invited, the other
    // joined.
    for (id, status, joined) in [
        (1, "LEFT", "NULL"),
        (2, "LEFT", "NULL"),
        (3, "LEFT", now),
        (4, "INVITED", "NULL"),
        (5, "LEFT", now),
    ] {
        run(format!(
            "INSERT INTO alliance_membership (id, alliance_id, school_id, role, status,
                 invited_at, joined_at, ended_at, updated_at)
             VALUES ({id}, 1, {id}, 'MEMBER', '{status}', {now}, {joined}, {now}, {now})"
        ))
        .await;
    }
    let subject = |id: i32| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("AllianceMembership:{id}"))
    };
    for (id, action) in [
        (1, "alliance_membership.declined"),
        (2, "alliance_membership.ended"),
        (3, "alliance_membership.ended"),
        (4, "alliance_membership.declined"),
        (5, "alliance_membership.declined"),
    ] {
        run(format!(
            "INSERT INTO audit_event (actor_id, alliance_id, school_id, action, subject, details, created_at)
             VALUES (NULL, 1, {id}, '{action}', '{}', '{{}}', {now})",
            subject(id)
        ))
        .await;
    }

    Migrator::up(db, Some(1)).await.unwrap();
    let statuses = || async {
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, status FROM alliance_membership ORDER BY id",
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|row| {
                (
                    row.try_get_by_index(0).unwrap(),
                    row.try_get_by_index(1).unwrap(),
                )
            })
            .collect::<Vec<(i32, String)>>()
    };
    let migrated = statuses().await;
    assert_eq!(
        migrated,
        [
            (1, "DECLINED".to_owned()),
            (2, "LEFT".to_owned()),
            (3, "LEFT".to_owned()),
            (4, "INVITED".to_owned()),
            (5, "LEFT".to_owned()),
        ]
    );
    // Undone, declined rows read LEFT as before; done again, DECLINED.
    Migrator::down(db, Some(1)).await.unwrap();
    assert_eq!(statuses().await[0], (1, "LEFT".to_owned()));
    Migrator::up(db, Some(1)).await.unwrap();
    assert_eq!(statuses().await, migrated);
}

const MY_MEMBERSHIPS: &str = "query($statuses: [CommunityMembershipStatus!]) {
  viewer { communityMemberships(filter: { statuses: $statuses }) { totalCount
    nodes { id status reason createdAt endedAt community { name } } } } }";

/// A declined request to join stays on the list of the person who asked, `DECLINED` with
/// the reason and when, and on the facilitators' list of the community's declined
/// requests; other members see active members only. Asking again reopens it.
#[tokio::test]
async fn a_declined_request_leaves_a_trace_for_the_person_and_the_facilitators() {
    let world = community_world().await;
    let app = &world.app;
    let community = world
        .create("Questioning Circle", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let member = &world.teachers[0];
    world.add(&community, member).await;
    let asker = &world.teachers[1];
    let asked = mutate_ok(
        app,
        &asker.token,
        "requestToJoinCommunity",
        "membership { id status }",
        json!({ "communityId": community }),
    )
    .await;
    let request = asked["membership"]["id"].clone();
    let mine = app.ok(Some(&asker.token), MY_MEMBERSHIPS, json!({})).await;
    assert_eq!(
        mine["viewer"]["communityMemberships"]["nodes"][0]["status"],
        "REQUESTED"
    );

    let reason = "This circle is for Year 4 teachers; the Year 6 network suits you better.";
    mutate_ok(
        app,
        &world.lead.token,
        "declineCommunityMembership",
        "membership { status }",
        json!({ "membershipId": request, "reason": reason }),
    )
    .await;
    let mine = app.ok(Some(&asker.token), MY_MEMBERSHIPS, json!({})).await;
    let list = &mine["viewer"]["communityMemberships"];
    assert_eq!(list["totalCount"], 1);
    let trace = &list["nodes"][0];
    assert_eq!(trace["id"], request);
    assert_eq!(trace["status"], "DECLINED");
    assert_eq!(trace["reason"], reason);
    assert!(trace["endedAt"].is_string());
    assert_eq!(trace["community"]["name"], "Questioning Circle");
    let active = app
        .ok(
            Some(&asker.token),
            MY_MEMBERSHIPS,
            json!({ "statuses": ["ACTIVE"] }),
        )
        .await;
    assert_eq!(active["viewer"]["communityMemberships"]["totalCount"], 0);
    // Someone else's list does not hold it.
    let theirs = app.ok(Some(&member.token), MY_MEMBERSHIPS, json!({})).await;
    let statuses: Vec<&Value> = theirs["viewer"]["communityMemberships"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| &node["status"])
        .collect();
    assert_eq!(statuses, [&json!("ACTIVE")]);

    let declined = "query($id: ID!) { node(id: $id) { ... on Community {
        memberships(filter: { statuses: [DECLINED] }) { nodes { id reason endedAt person { displayName } } } } } }";
    let run = app
        .ok(
            Some(&world.lead.token),
            declined,
            json!({ "id": community }),
        )
        .await;
    let seen = &run["node"]["memberships"]["nodes"];
    assert_eq!(seen.as_array().unwrap().len(), 1, "{seen:#}");
    assert_eq!(seen[0]["reason"], reason);
    assert_eq!(seen[0]["person"]["displayName"], "ben brook.example");
    let by_member = app
        .ok(Some(&member.token), declined, json!({ "id": community }))
        .await;
    assert_eq!(by_member["node"]["memberships"]["nodes"], json!([]));

    let again = mutate_ok(
        app,
        &asker.token,
        "requestToJoinCommunity",
        "membership { id status reason }",
        json!({ "communityId": community }),
    )
    .await;
    assert_eq!(
        again["membership"],
        json!({ "id": request, "status": "REQUESTED", "reason": null })
    );
    let anonymous = app.gql(None, MY_MEMBERSHIPS, json!({})).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}
