//! The review of expertise and coaching: what the first version told or counted that it
//! should not have, and the checks it missed. One test per finding.

use entity::coaching_relationship;
use entity::enums::{AllianceRoleKind, CoachingPurpose, CoachingStatus, StaffRoleKind};
use sea_orm::{EntityTrait, Set};
use serde_json::{Value, json};

use crate::coaching_scenario::{broker, coaching_world, declare, offer_to_coach};
use crate::common::gid;
use crate::community_world::{Community, Person, community_world};
use crate::world::{error_code, key_of, mutate, mutate_ok};

const INBOX: &str = "{ viewer { notifications(first: 20) { nodes { type text } } } }";

/// The coachee's school leaders are told nothing; the coach's only that their staff member
/// will coach: not whom, not in which theme.
#[tokio::test]
async fn heads_are_not_told_who_is_coached_nor_in_which_theme() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    broker(&w, &theme, &w.teachers[0], &w.teachers[1]).await;
    let mail = app.mail().await;
    let all = || mail.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>();
    // The coachee's head: no mail about coaching at all.
    assert!(
        !mail
            .iter()
            .any(|m| m.to == "head@brook.example" && m.subject.to_lowercase().contains("coach")),
        "{:?}",
        all()
    );
    // The coach's head: one mail, naming neither the coachee nor the theme.
    let told: Vec<_> = mail
        .iter()
        .filter(|m| m.to == "head@ashby.example" && m.subject.contains("coach"))
        .collect();
    assert_eq!(told.len(), 1, "{:?}", all());
    for text in [&told[0].subject, &told[0].body] {
        assert!(!text.contains("Assessment for learning"), "{text}");
        assert!(!text.contains("ben"), "{text}");
    }
    // Their inboxes agree.
    for (token, expected) in [(&w.heads[1].token, 0), (&w.heads[0].token, 1)] {
        let inbox = app.ok(Some(token), INBOX, json!({})).await;
        let coaching: Vec<&Value> = inbox["viewer"]["notifications"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["type"] == "STAFF_COACHING_ARRANGED")
            .collect();
        assert_eq!(coaching.len(), expected, "{inbox:#}");
        for notice in coaching {
            let text = notice["text"].as_str().unwrap();
            assert!(!text.contains("Assessment for learning") && !text.contains("ben"));
        }
    }
}

/// Amy coaches Ben and four more of Brook's staff: each coachee with their relationship.
async fn five_coached(w: &Community, theme: &str) -> Vec<(Person, Value)> {
    let app = &w.app;
    offer_to_coach(app, &w.teachers[0], 15).await;
    let mut coachees = vec![Person {
        id: w.teachers[1].id,
        token: w.teachers[1].token.clone(),
    }];
    for n in 0..4 {
        let email = format!("need{n}@brook.example");
        let id = app.person(&email, false).await;
        app.staff(id, w.schools[1], StaffRoleKind::Teacher).await;
        let person = Person {
            id,
            token: app.sign_in(&email).await,
        };
        declare(app, &person, theme, "NEED").await;
        coachees.push(person);
    }
    let mut pairs = Vec::new();
    for coachee in coachees {
        let relationship = broker(w, theme, &w.teachers[0], &coachee).await["id"].clone();
        pairs.push((coachee, relationship));
    }
    pairs
}

const COUNTS: &str =
    "query($id: ID!) { coachingCounts(schoolId: $id) { coaching coached ended fewerThanFive } }";

/// `coachingCounts` gives five and more, never fewer, and counts only the school's current
/// staff.
#[tokio::test]
async fn coaching_counts_are_never_under_five_and_count_current_staff_only() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let coachees: Vec<Person> = five_coached(&w, &theme)
        .await
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let counts = |token: String, school: i32| async move {
        app.ok(Some(&token), COUNTS, json!({ "id": gid("School", school) }))
            .await["coachingCounts"]
            .clone()
    };
    assert_eq!(
        counts(w.heads[0].token.clone(), w.schools[0]).await,
        json!({ "coaching": 5, "coached": null, "ended": null, "fewerThanFive": true })
    );
    assert_eq!(
        counts(w.heads[1].token.clone(), w.schools[1]).await["coached"],
        5
    );
    assert_eq!(
        counts(w.lead.token.clone(), w.schools[1]).await["coached"],
        5
    );
    // One of them leaves Brook: four are left, and four is not given.
    let role = app
        .ok(
            Some(&w.heads[1].token),
            "query($id: ID!) { node(id: $id) { ... on Person { staffRoles { id } } } }",
            json!({ "id": coachees[4].gid() }),
        )
        .await["node"]["staffRoles"][0]["id"]
        .clone();
    mutate_ok(
        app,
        &w.heads[1].token,
        "endStaffRole",
        "__typename",
        json!({ "staffRoleId": role }),
    )
    .await;
    let brook = counts(w.heads[1].token.clone(), w.schools[1]).await;
    assert_eq!(brook["coached"], Value::Null, "{brook}");
    assert_eq!(brook["fewerThanFive"], true);
}

/// Those who manage a school for an alliance (and do not lead it) count only the coaching
/// of the alliances they administer; the school's own leaders count all of it.
#[tokio::test]
async fn an_alliance_manager_counts_only_the_coaching_of_alliances_they_administer() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let coachees = five_coached(&w, &theme).await;
    // Ashby and Brook are members of a second alliance too, where Amy coaches the same
    // five (written as they were brokered there).
    let second = app.alliance("Second Alliance").await;
    for school in &w.schools[..2] {
        app.member(second, *school).await;
    }
    let now = chrono::Utc::now();
    coaching_relationship::Entity::insert_many(coachees.iter().map(|(coachee, _)| {
        coaching_relationship::ActiveModel {
            alliance_id: Set(second),
            coach_id: Set(w.teachers[0].id),
            coachee_id: Set(coachee.id),
            coach_school_id: Set(Some(w.schools[0])),
            coachee_school_id: Set(Some(w.schools[1])),
            theme_id: Set(Some(key_of(&json!(theme)))),
            focus: Set("Exit tickets".into()),
            purpose: Set(CoachingPurpose::Developmental),
            status: Set(CoachingStatus::Active),
            cadence: Set(None),
            brokered_by_id: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }))
    .exec(&app.db)
    .await
    .unwrap();
    let lead = app.person("lead@second.example", false).await;
    app.alliance_role(lead, second, AllianceRoleKind::CpdLead)
        .await;
    let second_lead = app.sign_in("lead@second.example").await;

    let coached = |token: String| async move {
        app.ok(
            Some(&token),
            COUNTS,
            json!({ "id": gid("School", w.schools[1]) }),
        )
        .await["coachingCounts"]["coached"]
            .clone()
    };
    assert_eq!(coached(w.heads[1].token.clone()).await, 10);
    assert_eq!(coached(w.lead.token.clone()).await, 5);
    assert_eq!(coached(second_lead.clone()).await, 5);
    // A school outside the alliances they administer: not theirs to count.
    let cedar = app
        .gql(
            Some(&second_lead),
            COUNTS,
            json!({ "id": gid("School", w.schools[2]) }),
        )
        .await;
    assert_eq!(error_code(&cedar), Some("NOT_FOUND"), "{cedar:#}");
}

/// The reason given for pausing or ending coaching stays between coach and coachee: the
/// CPD lead reading the audit log sees the steps, not why.
#[tokio::test]
async fn pause_and_end_reasons_are_not_in_the_audit_log() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let id = broker(&w, &theme, &w.teachers[0], &w.teachers[1]).await["id"].clone();
    for (field, reason) in [
        ("startCoachingRelationship", None),
        (
            "pauseCoachingRelationship",
            Some("Ben is on leave after a bereavement"),
        ),
        (
            "endCoachingRelationship",
            Some("Ben asked to stop: confidence"),
        ),
    ] {
        mutate_ok(
            app,
            &w.teachers[1].token,
            field,
            "relationship { status }",
            json!({ "relationshipId": id, "reason": reason }),
        )
        .await;
    }
    let audit = app
        .ok(
            Some(&w.lead.token),
            "{ auditEvents(first: 100) { nodes { action subjectId details } } }",
            json!({}),
        )
        .await;
    let nodes = audit["auditEvents"]["nodes"].as_array().unwrap();
    let actions: Vec<&str> = nodes
        .iter()
        .filter(|node| node["subjectId"] == id)
        .map(|node| node["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"coaching.paused"), "{audit:#}");
    assert!(actions.contains(&"coaching.ended"), "{audit:#}");
    let text = audit.to_string();
    assert!(!text.contains("bereavement"), "{audit:#}");
    assert!(!text.contains("confidence"), "{audit:#}");
}

/// The ledger's coaching figures: not for service accounts, and only when five
/// relationships or more make them up (the days count in the totals either way).
#[tokio::test]
async fn ledger_coaching_figures_need_five_relationships_and_a_person() {
    use crate::common::service_accounts::Tenant;
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let pairs = five_coached(&w, &theme).await;
    let today = chrono::Utc::now().date_naive().to_string();
    for (_, id) in &pairs {
        mutate_ok(
            app,
            &w.teachers[0].token,
            "startCoachingRelationship",
            "relationship { status }",
            json!({ "relationshipId": id }),
        )
        .await;
        mutate_ok(
            app,
            &w.teachers[0].token,
            "recordCoachingSession",
            "session { releaseDays }",
            json!({ "relationshipId": id, "heldOn": today, "notes": "A session.",
                    "outOfSchool": true, "releaseDays": 0.5 }),
        )
        .await;
    }
    const LEDGER: &str = "query($id: ID!) { node(id: $id) { ... on Alliance { releaseLedger(first: 10) { nodes { school { id } daysGiven daysReceived coachingGivenDays coachingReceivedDays } } } } }";
    let alliance = json!({ "id": gid("Alliance", w.alliance) });
    let rows = |token: String| {
        let alliance = alliance.clone();
        async move {
            let ledger = app.ok(Some(&token), LEDGER, alliance).await;
            ledger["node"]["releaseLedger"]["nodes"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let row = |rows: &[Value], school: i32| {
        rows.iter()
            .find(|row| row["school"]["id"] == gid("School", school))
            .cloned()
            .unwrap_or_default()
    };
    let lead = rows(w.lead.token.clone()).await;
    assert_eq!(
        row(&lead, w.schools[0])["coachingGivenDays"],
        2.5,
        "{lead:#?}"
    );
    assert_eq!(
        row(&lead, w.schools[1])["coachingReceivedDays"],
        2.5,
        "{lead:#?}"
    );
    // Under five on the other side: Ashby received none, Brook gave none.
    assert_eq!(
        row(&lead, w.schools[0])["coachingReceivedDays"],
        Value::Null
    );
    assert_eq!(row(&lead, w.schools[1])["coachingGivenDays"], Value::Null);
    let (_, token) = app
        .service_account_with_token(
            &w.lead.token,
            Tenant::Alliance(w.alliance),
            &["SCHOOLS_READ", "EVENTS_READ"],
        )
        .await;
    let service = rows(token).await;
    let ashby = row(&service, w.schools[0]);
    assert_eq!(ashby["daysGiven"], 2.5, "{service:#?}");
    assert_eq!(ashby["coachingGivenDays"], Value::Null, "{service:#?}");
    assert_eq!(
        row(&service, w.schools[1])["coachingReceivedDays"],
        Value::Null
    );
}

/// Confirming a suggestion checks again that the coach is under their school's release
/// limit this term: a suggestion may be stale by then.
#[tokio::test]
async fn confirming_a_suggestion_rechecks_the_coachs_release_limit() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let id = broker(&w, &theme, &w.teachers[0], &w.teachers[1]).await["id"].clone();
    mutate_ok(
        app,
        &w.teachers[0].token,
        "startCoachingRelationship",
        "relationship { status }",
        json!({ "relationshipId": id }),
    )
    .await;
    mutate_ok(
        app,
        &w.teachers[0].token,
        "recordCoachingSession",
        "session { releaseDays }",
        json!({ "relationshipId": id, "heldOn": chrono::Utc::now().date_naive().to_string(),
                "notes": "A session.", "outOfSchool": true, "releaseDays": 0.5 }),
    )
    .await;
    // Ashby's head allows Amy half a day a term: she has had it.
    mutate_ok(
        app,
        &w.heads[0].token,
        "setReleaseLimit",
        "releaseLimit { daysPerTerm }",
        json!({ "schoolId": gid("School", w.schools[0]), "personId": w.teachers[0].gid(),
                "daysPerTerm": 0.5 }),
    )
    .await;
    let refused = mutate(
        app,
        &w.lead.token,
        "confirmCoachingSuggestion",
        "relationship { id }",
        json!({
            "allianceId": gid("Alliance", w.alliance),
            "coachId": w.teachers[0].gid(),
            "coacheeId": w.colleague.gid(),
            "themeId": theme,
        }),
    )
    .await;
    assert_eq!(
        refused["userErrors"][0]["code"], "INVALID_STATE",
        "{refused:#}"
    );
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["input", "coachId"]),
        "{refused:#}"
    );
    assert_eq!(refused["relationship"], Value::Null);
    let list = app
        .ok(
            Some(&w.lead.token),
            "{ coachingRelationships(first: 10) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(list["coachingRelationships"]["totalCount"], 1, "{list}");
}

/// A cycle is closed, and an action step done, only while the relationship is active.
#[tokio::test]
async fn cycles_close_and_steps_complete_only_in_an_active_relationship() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let id = broker(&w, &theme, &w.teachers[0], &w.teachers[1]).await["id"].clone();
    let amy = &w.teachers[0].token;
    let move_to = |field: &'static str| {
        let id = id.clone();
        async move {
            mutate_ok(
                app,
                amy,
                field,
                "relationship { status }",
                json!({ "relationshipId": id }),
            )
            .await;
        }
    };
    move_to("startCoachingRelationship").await;
    let cycle = mutate_ok(
        app,
        amy,
        "startCoachingCycle",
        "cycle { id }",
        json!({ "relationshipId": id, "focus": "Hinge questions" }),
    )
    .await["cycle"]["id"]
        .clone();
    let step = mutate_ok(
        app,
        amy,
        "agreeCoachingActionStep",
        "actionStep { id }",
        json!({ "relationshipId": id, "description": "Plan one hinge question",
                "checkBackOn": chrono::Utc::now().date_naive().to_string() }),
    )
    .await["actionStep"]["id"]
        .clone();
    for (status, field) in [
        ("PAUSED", "pauseCoachingRelationship"),
        ("ENDED", "endCoachingRelationship"),
    ] {
        move_to(field).await;
        let closed = mutate(
            app,
            amy,
            "closeCoachingCycle",
            "cycle { id }",
            json!({ "cycleId": cycle, "outcome": "Went well." }),
        )
        .await;
        assert_eq!(
            closed["userErrors"][0]["code"], "INVALID_STATE",
            "{status}: {closed:#}"
        );
        let done = mutate(
            app,
            amy,
            "completeCoachingActionStep",
            "actionStep { id }",
            json!({ "actionStepId": step }),
        )
        .await;
        assert_eq!(
            done["userErrors"][0]["code"], "INVALID_STATE",
            "{status}: {done:#}"
        );
    }
    let seen = app
        .ok(
            Some(amy),
            "query($id: ID!) { node(id: $id) { ... on CoachingRelationship { cycles { outcome } actionSteps { done } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        seen["node"]["cycles"][0]["outcome"],
        Value::Null,
        "{seen:#}"
    );
    assert_eq!(seen["node"]["actionSteps"][0]["done"], false, "{seen:#}");
}

/// The reminder job claims a round's overdue steps together, each reminded once.
#[tokio::test]
async fn overdue_steps_are_claimed_together_and_reminded_once() {
    use entity::coaching_action_step;
    use sea_orm::EntityTrait;
    use sea_orm::sea_query::Expr;
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let id = broker(&w, &theme, &w.teachers[0], &w.teachers[1]).await["id"].clone();
    let amy = &w.teachers[0].token;
    mutate_ok(
        app,
        amy,
        "startCoachingRelationship",
        "relationship { status }",
        json!({ "relationshipId": id }),
    )
    .await;
    for n in 0..3 {
        mutate_ok(
            app,
            amy,
            "agreeCoachingActionStep",
            "actionStep { id }",
            json!({ "relationshipId": id, "description": format!("Secret step {n}"),
                    "checkBackOn": chrono::Utc::now().date_naive().to_string() }),
        )
        .await;
    }
    coaching_action_step::Entity::update_many()
        .col_expr(
            coaching_action_step::Column::CheckBackOn,
            Expr::value(chrono::Utc::now().date_naive() - chrono::Duration::days(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let round = || {
        trellis::coaching::reminders::remind_overdue(
            &app.db,
            app.notifier.clone(),
            "https://trellis.example".into(),
        )
    };
    assert_eq!(round().await.unwrap(), 3);
    assert_eq!(round().await.unwrap(), 0);
    let mail = app.mail().await;
    let reminders: Vec<_> = mail
        .iter()
        .filter(|m| m.subject.contains("check-back is overdue"))
        .collect();
    assert_eq!(reminders.len(), 6);
    assert!(reminders.iter().all(|m| !m.body.contains("Secret step")));
}
