//! Who sees expertise profiles and coaching (auth/policy/expertise.rs and coaching.rs),
//! from each viewpoint: the coach, the coachee, their heads, another school's head, the
//! CPD lead, someone of another alliance, a platform admin and an anonymous caller.

use serde_json::{Value, json};

use crate::coaching_scenario::{broker, coaching_world};
use crate::common::gid;
use crate::community_world::community_world;
use crate::world::mutate_ok;

const RELATIONSHIP: &str = "query($id: ID!) { node(id: $id) { ... on CoachingRelationship { id status \
     coach { id } sessions { notes } actionSteps { description } cycles { focus } } } }";

const PROFILE: &str =
    "query($id: ID) { expertiseProfile(personId: $id) { entries { kind theme { name } } } }";

const COUNTS: &str =
    "query($id: ID!) { coachingCounts(schoolId: $id) { coaching coached ended fewerThanFive } }";

const AUDIT: &str = "query($alliance: ID!) { allianceExpertise(allianceId: $alliance) { \
     school { name } kind count fewerThanFive visibleCoaches { id } } }";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn coaching_and_profiles_are_seen_only_by_those_the_rules_name() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let relationship = broker(&w, &theme, &w.teachers[0], &w.teachers[1]).await;
    let id = relationship["id"].clone();
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
        "session { notes }",
        json!({ "relationshipId": id, "heldOn": chrono::Utc::now().date_naive().to_string(),
                "notes": "Private notes of the session." }),
    )
    .await;
    let admin = app.person("root@trellis.example", true).await;
    let _ = admin;
    let admin_token = app.sign_in("root@trellis.example").await;

    let see = |token: Option<String>| {
        let id = id.clone();
        async move {
            app.gql(token.as_deref(), RELATIONSHIP, json!({ "id": id }))
                .await
        }
    };
    // Coach and coachee: everything, notes included.
    for person in [&w.teachers[0], &w.teachers[1]] {
        let body = see(Some(person.token.clone())).await;
        assert_eq!(
            body["data"]["node"]["sessions"][0]["notes"], "Private notes of the session.",
            "{body:#}"
        );
    }
    // The CPD lead and a platform admin: that it exists and its status, no notes.
    for token in [&w.lead.token, &admin_token] {
        let body = see(Some(token.clone())).await;
        assert_eq!(body["data"]["node"]["status"], "ACTIVE", "{body:#}");
        assert_eq!(body["data"]["node"]["sessions"], Value::Null);
        assert_eq!(body["data"]["node"]["actionSteps"], Value::Null);
        assert_eq!(body["data"]["node"]["cycles"], Value::Null);
    }
    // Their heads, another school's head, another alliance: it does not exist.
    for token in [
        &w.heads[0].token,
        &w.heads[1].token,
        &w.heads[2].token,
        &w.outsider.token,
        &w.colleague.token,
    ] {
        let body = see(Some(token.clone())).await;
        assert_eq!(body["data"]["node"], Value::Null, "{body:#}");
        assert_eq!(code(&body), "NOT_FOUND");
    }
    // Anonymous: signed out.
    let body = see(None).await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body:#}");

    // Heads see counts of their own school only.
    let counts = app
        .ok(
            Some(&w.heads[0].token),
            COUNTS,
            json!({ "id": gid("School", w.schools[0]) }),
        )
        .await;
    // Never a count under five: one coach is not a count to give.
    assert_eq!(
        counts["coachingCounts"],
        json!({ "coaching": null, "coached": null, "ended": null, "fewerThanFive": true })
    );
    let counts = app
        .ok(
            Some(&w.heads[1].token),
            COUNTS,
            json!({ "id": gid("School", w.schools[1]) }),
        )
        .await;
    assert_eq!(counts["coachingCounts"]["coached"], Value::Null);
    assert_eq!(counts["coachingCounts"]["fewerThanFive"], true);
    let body = app
        .gql(
            Some(&w.heads[2].token),
            COUNTS,
            json!({ "id": gid("School", w.schools[0]) }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body:#}");

    // Lists: the coach's own, the CPD lead's alliance, nothing for a head.
    let list = "{ coachingRelationships(first: 10) { totalCount } }";
    for (token, expected) in [
        (&w.teachers[0].token, 1),
        (&w.teachers[1].token, 1),
        (&w.lead.token, 1),
        (&w.heads[0].token, 0),
        (&w.outsider.token, 0),
    ] {
        let body = app.ok(Some(token), list, json!({})).await;
        assert_eq!(
            body["coachingRelationships"]["totalCount"], expected,
            "{body}"
        );
    }

    // Profiles: the person and their own school's leaders.
    let amy = json!(w.teachers[0].gid());
    for (token, sees) in [
        (&w.teachers[0].token, true),
        (&w.heads[0].token, true),
        (&w.heads[1].token, false),
        (&w.teachers[1].token, false),
        (&w.lead.token, false),
        (&w.outsider.token, false),
        (&admin_token, true),
    ] {
        let body = app.ok(Some(token), PROFILE, json!({ "id": amy })).await;
        assert_eq!(body["expertiseProfile"].is_null(), !sees, "{body}");
    }
    let school = "query($id: ID!) { schoolExpertise(schoolId: $id, first: 10) { totalCount } }";
    let ashby = json!({ "id": gid("School", w.schools[0]) });
    let body = app.ok(Some(&w.heads[0].token), school, ashby.clone()).await;
    assert_eq!(body["schoolExpertise"]["totalCount"], 2, "{body}");
    let body = app.ok(Some(&w.heads[1].token), school, ashby.clone()).await;
    assert_eq!(body["schoolExpertise"]["totalCount"], 0, "{body}");

    // The alliance-wide audit: counts under five are not given, names only of those
    // visible as coaches; for the CPD lead only.
    let audit = app
        .ok(
            Some(&w.lead.token),
            AUDIT,
            json!({ "alliance": gid("Alliance", w.alliance) }),
        )
        .await;
    let cells = audit["allianceExpertise"].as_array().unwrap();
    assert_eq!(cells.len(), 4, "{audit:#}");
    for cell in cells {
        assert_eq!(cell["count"], Value::Null);
        assert_eq!(cell["fewerThanFive"], true);
        let coaches = cell["visibleCoaches"].as_array().unwrap();
        if cell["school"]["name"] == "Ashby Primary" && cell["kind"] == "STRENGTH" {
            assert_eq!(
                coaches,
                &vec![amy.clone()]
                    .into_iter()
                    .map(|id| json!({ "id": id }))
                    .collect::<Vec<_>>()
            );
        } else {
            assert!(coaches.is_empty(), "{cell}");
        }
    }
    for token in [&w.heads[0].token, &w.teachers[0].token] {
        let body = app
            .gql(
                Some(token),
                AUDIT,
                json!({ "alliance": gid("Alliance", w.alliance) }),
            )
            .await;
        assert_eq!(code(&body), "FORBIDDEN", "{body}");
    }
    let body = app
        .gql(
            Some(&w.outsider.token),
            AUDIT,
            json!({ "alliance": gid("Alliance", w.alliance) }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");

    // Once Amy's role at Ashby ends, its head no longer sees her profile.
    let roles = app
        .ok(
            Some(&w.heads[0].token),
            "query($id: ID!) { node(id: $id) { ... on Person { staffRoles { id } } } }",
            json!({ "id": amy }),
        )
        .await;
    let role = roles["node"]["staffRoles"][0]["id"].clone();
    mutate_ok(
        app,
        &w.heads[0].token,
        "endStaffRole",
        "__typename",
        json!({ "staffRoleId": role }),
    )
    .await;
    let body = app
        .ok(Some(&w.heads[0].token), PROFILE, json!({ "id": amy }))
        .await;
    assert!(body["expertiseProfile"].is_null(), "{body}");
}
