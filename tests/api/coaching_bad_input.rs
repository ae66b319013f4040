//! Bad input to expertise and coaching mutations: each a user error with its code, and
//! nothing changed.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::coaching_scenario::{RELATIONSHIP_FIELDS, broker, coaching_world, declare};
use crate::common::gid;
use crate::community_world::community_world;
use crate::world::{error_code, mutate, mutate_ok, mutate_raw, user_error_codes};

#[tokio::test]
async fn bad_input_is_a_user_error_and_changes_nothing() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let alliance = gid("Alliance", w.alliance);

    // Expertise.
    let twice = mutate(
        app,
        &w.teachers[0].token,
        "declareExpertise",
        "entry { id }",
        json!({ "themeId": theme, "kind": "NEED", "evidence": "Again." }),
    )
    .await;
    assert_eq!(user_error_codes(&twice), ["TAKEN"]);
    let empty = mutate(
        app,
        &w.outsider.token,
        "declareExpertise",
        "entry { id }",
        json!({ "themeId": theme, "kind": "NEED", "evidence": "  " }),
    )
    .await;
    assert_eq!(user_error_codes(&empty), ["INVALID"]);
    let unknown = mutate(
        app,
        &w.outsider.token,
        "declareExpertise",
        "entry { id }",
        json!({ "themeId": gid("Theme", 9999), "kind": "NEED", "evidence": "Yes." }),
    )
    .await;
    assert_eq!(user_error_codes(&unknown), ["NOT_FOUND"]);
    let too_many = mutate(
        app,
        &w.teachers[1].token,
        "setCoachingAvailability",
        "profile { sessionsPerTerm }",
        json!({ "visibleAsCoach": true, "sessionsPerTerm": 61 }),
    )
    .await;
    assert_eq!(user_error_codes(&too_many), ["INVALID"]);

    // Brokering: a coach coaching themself; a coach with no strength; someone outside.
    let lead = w.lead.token.clone();
    let confirm = |coach: String, coachee: String| {
        let (alliance, theme, lead) = (alliance.clone(), theme.clone(), lead.clone());
        async move {
            mutate(
                app,
                &lead,
                "confirmCoachingSuggestion",
                RELATIONSHIP_FIELDS,
                json!({ "allianceId": alliance, "coachId": coach, "coacheeId": coachee, "themeId": theme }),
            )
            .await
        }
    };
    let themself = confirm(w.teachers[0].gid(), w.teachers[0].gid()).await;
    assert_eq!(user_error_codes(&themself), ["INVALID"], "{themself:#}");
    let no_strength = confirm(w.teachers[1].gid(), w.colleague.gid()).await;
    assert_eq!(user_error_codes(&no_strength), ["INVALID_STATE"]);
    let not_visible = confirm(w.teachers[2].gid(), w.teachers[1].gid()).await;
    assert_eq!(user_error_codes(&not_visible), ["INVALID_STATE"]);
    let outsider = confirm(w.teachers[0].gid(), w.outsider.gid()).await;
    assert_eq!(user_error_codes(&outsider), ["NOT_FOUND"]);
    // A teacher may not broker.
    let body = mutate_raw(
        app,
        &w.teachers[1].token,
        "confirmCoachingSuggestion",
        RELATIONSHIP_FIELDS,
        json!({ "allianceId": alliance, "coachId": w.teachers[0].gid(),
                "coacheeId": w.teachers[1].gid(), "themeId": theme }),
    )
    .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let count = "{ coachingRelationships(first: 5) { totalCount } }";
    let none = app.ok(Some(&w.lead.token), count, json!({})).await;
    assert_eq!(none["coachingRelationships"]["totalCount"], 0);

    // A relationship, and bad input to it.
    let relationship = broker(&w, &theme, &w.teachers[0], &w.teachers[1]).await;
    let id = relationship["id"].clone();
    let again = confirm(w.teachers[0].gid(), w.teachers[1].gid()).await;
    assert_eq!(user_error_codes(&again), ["TAKEN"]);
    // Not active yet: no action steps.
    let today = Utc::now().date_naive();
    let amy = w.teachers[0].token.clone();
    let step = |check_back: String| {
        let (id, amy) = (id.clone(), amy.clone());
        async move {
            mutate(
                app,
                &amy,
                "agreeCoachingActionStep",
                "actionStep { id }",
                json!({ "relationshipId": id, "description": "Try it", "checkBackOn": check_back }),
            )
            .await
        }
    };
    let early = step((today + Duration::days(3)).to_string()).await;
    assert_eq!(user_error_codes(&early), ["INVALID_STATE"]);
    // Resuming what is not paused.
    let resume = mutate(
        app,
        &w.teachers[0].token,
        "resumeCoachingRelationship",
        "relationship { status }",
        json!({ "relationshipId": id }),
    )
    .await;
    assert_eq!(user_error_codes(&resume), ["INVALID_STATE"]);
    mutate_ok(
        app,
        &w.teachers[0].token,
        "startCoachingRelationship",
        "relationship { status }",
        json!({ "relationshipId": id }),
    )
    .await;
    let past = step((today - Duration::days(1)).to_string()).await;
    assert_eq!(user_error_codes(&past), ["INVALID"], "{past:#}");
    let session = mutate(
        app,
        &w.teachers[0].token,
        "recordCoachingSession",
        "session { id }",
        json!({ "relationshipId": id, "heldOn": today.to_string(), "outOfSchool": true, "releaseDays": 0.3 }),
    )
    .await;
    assert_eq!(user_error_codes(&session), ["INVALID"]);
    let future = mutate(
        app,
        &w.teachers[0].token,
        "recordCoachingSession",
        "session { id }",
        json!({ "relationshipId": id, "heldOn": (today + Duration::days(2)).to_string() }),
    )
    .await;
    assert_eq!(user_error_codes(&future), ["INVALID"]);
    // Someone else's relationship does not exist for a head.
    let head = mutate(
        app,
        &w.heads[0].token,
        "startCoachingCycle",
        "cycle { id }",
        json!({ "relationshipId": id, "focus": "Questions" }),
    )
    .await;
    assert_eq!(user_error_codes(&head), ["NOT_FOUND"]);
    // The CPD lead sees it but does not move it.
    let body = mutate_raw(
        app,
        &w.lead.token,
        "pauseCoachingRelationship",
        "relationship { status }",
        json!({ "relationshipId": id }),
    )
    .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let _ = declare;
}
