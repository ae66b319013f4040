//! Coaching beyond issue 24's scenario (`coaching_portfolio_scenario`): staff declare
//! strengths and needs in "Assessment for learning", a head confirms one, the alliance's
//! CPD lead sees how suggestions rank and why, confirms a cross-school pair (no longer
//! suggested then), coach and coachee start, agree an action step, record an
//! out-of-school session (in the release ledger), are reminded of an overdue check-back
//! without its content, complete the step and take the relationship through its life.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::coaching_portfolio_scenario::{make_overdue, remind};
use crate::common::{TestApp, gid};
use crate::community_world::{Community, Person, community_world};
use crate::world::{mutate, mutate_ok};

pub const RELATIONSHIP_FIELDS: &str = "relationship { id status purpose focus version \
     coach { id } coachee { id } coachSchool { id } coacheeSchool { id } brokeredBy { id } }";

/// The shared theme named `name`.
pub async fn theme_named(app: &TestApp, token: &str, name: &str) -> String {
    let body = app
        .ok(Some(token), "{ themes { id name } }", json!({}))
        .await;
    body["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|theme| theme["name"] == name)
        .unwrap_or_else(|| panic!("a theme named {name}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `person` declares `kind` in `theme`: the entry's id.
pub async fn declare(app: &TestApp, person: &Person, theme: &str, kind: &str) -> Value {
    mutate_ok(
        app,
        &person.token,
        "declareExpertise",
        "entry { id kind confirmed }",
        json!({ "themeId": theme, "kind": kind, "evidence": "Seen in lessons this term." }),
    )
    .await["entry"]["id"]
        .clone()
}

/// `person` offers to coach, `sessions` a term.
pub async fn offer_to_coach(app: &TestApp, person: &Person, sessions: i32) {
    mutate_ok(
        app,
        &person.token,
        "setCoachingAvailability",
        "profile { visibleAsCoach sessionsPerTerm }",
        json!({ "visibleAsCoach": true, "sessionsPerTerm": sessions }),
    )
    .await;
}

/// A world: Amy (Ashby) strong and coaching, Ben (Brook) and Amy's colleague (Ashby) in
/// need, Cat (Cedar) strong but not offering to coach. Amy's strength confirmed by her
/// head. Returns the theme.
pub async fn coaching_world(w: &Community) -> String {
    let app = &w.app;
    let theme = theme_named(app, &w.lead.token, "Assessment for learning").await;
    let strength = declare(app, &w.teachers[0], &theme, "STRENGTH").await;
    offer_to_coach(app, &w.teachers[0], 6).await;
    declare(app, &w.teachers[1], &theme, "NEED").await;
    declare(app, &w.colleague, &theme, "NEED").await;
    declare(app, &w.teachers[2], &theme, "STRENGTH").await;
    mutate_ok(
        app,
        &w.heads[0].token,
        "confirmExpertise",
        "entry { confirmed confirmedBy { id } }",
        json!({ "entryId": strength }),
    )
    .await;
    theme
}

/// The CPD lead confirms `coach` for `coachee`: the relationship.
pub async fn broker(w: &Community, theme: &str, coach: &Person, coachee: &Person) -> Value {
    mutate_ok(
        &w.app,
        &w.lead.token,
        "confirmCoachingSuggestion",
        RELATIONSHIP_FIELDS,
        json!({
            "allianceId": gid("Alliance", w.alliance),
            "coachId": coach.gid(),
            "coacheeId": coachee.gid(),
            "themeId": theme,
            "focus": "Hinge questions in Year 5",
            "cadence": "fortnightly",
        }),
    )
    .await["relationship"]
        .clone()
}

/// An active relationship of Amy coaching `coachee`, brokered by the CPD lead, with a
/// cycle: the relationship's and the cycle's ids.
pub async fn coached(w: &Community, theme: &str, coachee: &Person) -> (Value, Value) {
    let id = broker(w, theme, &w.teachers[0], coachee).await["id"].clone();
    let cycle = started(&w.app, &id, coachee, coachee, "Exit tickets").await;
    (id, cycle)
}

/// The coachee starts the brokered relationship `id`, and `by` (either party) its first
/// cycle on `focus`: the cycle's id.
pub async fn started(
    app: &TestApp,
    id: &Value,
    coachee: &Person,
    by: &Person,
    focus: &str,
) -> Value {
    mutate_ok(
        app,
        &coachee.token,
        "startCoachingRelationship",
        "relationship { status }",
        json!({ "relationshipId": id }),
    )
    .await;
    mutate_ok(
        app,
        &by.token,
        "startCoachingCycle",
        "cycle { id }",
        json!({ "relationshipId": id, "focus": focus }),
    )
    .await["cycle"]["id"]
        .clone()
}

pub const SUGGESTIONS: &str = "query($alliance: ID!, $theme: ID) { coachingSuggestions(allianceId: $alliance, themeId: $theme, first: 5) { \
     coach { id } coachee { id } coachSchool { id } coacheeSchool { id } theme { name } score reasons explanation capacityLeft strengthConfirmed } }";

#[tokio::test]
async fn a_cpd_lead_brokers_cross_school_coaching_and_an_overdue_check_back_is_flagged() {
    let w = community_world().await;
    let app = &w.app;
    let theme = coaching_world(&w).await;
    let alliance = gid("Alliance", w.alliance);

    // Confirming one's own entry is refused.
    let own = app
        .ok(
            Some(&w.teachers[0].token),
            "{ expertiseProfile { entries { id } visibleAsCoach sessionsPerTerm } }",
            json!({}),
        )
        .await;
    assert_eq!(own["expertiseProfile"]["visibleAsCoach"], true);
    let entry = own["expertiseProfile"]["entries"][0]["id"].clone();
    let refused = mutate(
        app,
        &w.teachers[0].token,
        "confirmExpertise",
        "entry { id }",
        json!({ "entryId": entry }),
    )
    .await;
    assert_eq!(refused["userErrors"][0]["code"], "INVALID", "{refused:#}");

    // Suggestions: Amy for Ben first (different schools), then for her colleague; Cat is
    // not offering to coach.
    let body = app
        .ok(
            Some(&w.lead.token),
            SUGGESTIONS,
            json!({ "alliance": alliance, "theme": theme }),
        )
        .await;
    let found = body["coachingSuggestions"].as_array().unwrap();
    assert_eq!(found.len(), 2, "{body:#}");
    assert_eq!(found[0]["coach"]["id"], w.teachers[0].gid());
    assert_eq!(found[0]["coachee"]["id"], w.teachers[1].gid());
    assert_eq!(found[1]["coachee"]["id"], w.colleague.gid());
    assert!(found[0]["score"].as_i64() > found[1]["score"].as_i64());
    let reasons = found[0]["reasons"].as_array().unwrap();
    for reason in [
        "STRENGTH_MEETS_NEED",
        "CONFIRMED_STRENGTH",
        "DIFFERENT_SCHOOLS",
    ] {
        assert!(reasons.contains(&json!(reason)), "{reasons:?}");
    }
    assert!(
        found[1]["reasons"]
            .as_array()
            .unwrap()
            .contains(&json!("SAME_SCHOOL"))
    );
    assert_eq!(found[0]["capacityLeft"], 2);
    assert_eq!(found[0]["theme"]["name"], "Assessment for learning");

    // A teacher may not ask.
    let body = app
        .gql(
            Some(&w.teachers[1].token),
            SUGGESTIONS,
            json!({ "alliance": alliance, "theme": theme }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );

    // The CPD lead confirms the cross-school pair: a proposed, developmental relationship.
    let relationship = broker(&w, &theme, &w.teachers[0], &w.teachers[1]).await;
    assert_eq!(relationship["status"], "PROPOSED");
    assert_eq!(relationship["purpose"], "DEVELOPMENTAL");
    assert_eq!(
        relationship["coachSchool"]["id"],
        gid("School", w.schools[0])
    );
    assert_eq!(
        relationship["coacheeSchool"]["id"],
        gid("School", w.schools[1])
    );
    // The pair is no longer suggested.
    let body = app
        .ok(
            Some(&w.lead.token),
            SUGGESTIONS,
            json!({ "alliance": alliance, "theme": theme }),
        )
        .await;
    assert_eq!(body["coachingSuggestions"].as_array().unwrap().len(), 1);

    // They start; agree an action step pointing to a technique.
    let id = relationship["id"].clone();
    let started = mutate_ok(
        app,
        &w.teachers[1].token,
        "startCoachingRelationship",
        "relationship { status }",
        json!({ "relationshipId": id }),
    )
    .await;
    assert_eq!(started["relationship"]["status"], "ACTIVE");
    let techniques = app
        .ok(
            Some(&w.teachers[0].token),
            "query($theme: ID) { techniques(first: 10, filter: { themeId: $theme }) { nodes { id name steps } } }",
            json!({ "theme": theme }),
        )
        .await;
    let hinge = techniques["techniques"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Hinge questions")
        .expect("the shared library has hinge questions")
        .clone();
    assert_eq!(hinge["steps"].as_array().unwrap().len(), 4);
    let cycle = mutate_ok(
        app,
        &w.teachers[0].token,
        "startCoachingCycle",
        "cycle { id focus }",
        json!({ "relationshipId": id, "focus": "Responsive teaching at the hinge point" }),
    )
    .await["cycle"]["id"]
        .clone();
    let today = Utc::now().date_naive();
    let step = mutate_ok(
        app,
        &w.teachers[0].token,
        "agreeCoachingActionStep",
        "actionStep { id overdue technique { name } }",
        json!({
            "relationshipId": id,
            "cycleId": cycle,
            "description": "Plan one hinge question for each maths lesson this week",
            "techniqueId": hinge["id"],
            "checkBackOn": (today + Duration::days(7)).to_string(),
        }),
    )
    .await["actionStep"]
        .clone();
    assert_eq!(step["overdue"], false);
    assert_eq!(step["technique"]["name"], "Hinge questions");
    let session = mutate_ok(
        app,
        &w.teachers[0].token,
        "recordCoachingSession",
        "session { releaseDays outOfSchool }",
        json!({
            "relationshipId": id,
            "cycleId": cycle,
            "heldOn": today.to_string(),
            "notes": "Watched a starter; agreed to try hinge questions.",
            "outOfSchool": true,
            "releaseDays": 0.5,
        }),
    )
    .await;
    assert_eq!(session["session"]["releaseDays"], 0.5);

    // The session is in the release ledger: Ashby gives, Brook receives.
    let ledger = app
        .ok(
            Some(&w.lead.token),
            "query($id: ID!) { node(id: $id) { ... on Alliance { releaseLedger(first: 10) { nodes { school { id } daysGiven daysReceived coachingGivenDays coachingReceivedDays } } } } }",
            json!({ "id": alliance }),
        )
        .await;
    let rows = ledger["node"]["releaseLedger"]["nodes"].as_array().unwrap();
    let row = |school: i32| {
        rows.iter()
            .find(|row| row["school"]["id"] == gid("School", school))
            .cloned()
            .unwrap_or_default()
    };
    // The session's half day counts in the totals; the coaching figures themselves are
    // not given, as fewer than five relationships make them up.
    assert_eq!(row(w.schools[0])["daysGiven"], 0.5, "{ledger:#}");
    assert_eq!(row(w.schools[1])["daysReceived"], 0.5, "{ledger:#}");
    assert_eq!(
        row(w.schools[0])["coachingGivenDays"],
        Value::Null,
        "{ledger:#}"
    );
    assert_eq!(
        row(w.schools[1])["coachingReceivedDays"],
        Value::Null,
        "{ledger:#}"
    );

    // Overdue, it is reminded without its content (mail leaves the platform): the email
    // links to the relationship, where the step is read. (The flag and who is told:
    // coaching_portfolio_scenario.)
    make_overdue(app, &step["id"]).await;
    assert_eq!(remind(app).await, 1);
    let reminded: Vec<_> = app
        .mail()
        .await
        .into_iter()
        .filter(|mail| mail.subject.contains("check-back is overdue"))
        .collect();
    assert_eq!(reminded.len(), 2, "{reminded:?}");
    for mail in &reminded {
        assert!(!mail.body.contains("hinge question"), "{}", mail.body);
        assert!(
            mail.body.contains(id.as_str().unwrap()),
            "links to the relationship: {}",
            mail.body
        );
    }

    // Done: no longer overdue.
    let done = mutate_ok(
        app,
        &w.teachers[1].token,
        "completeCoachingActionStep",
        "actionStep { done overdue }",
        json!({ "actionStepId": step["id"] }),
    )
    .await;
    assert_eq!(done["actionStep"]["overdue"], false);

    // The life cycle: pause, resume, end.
    for (mutation, status) in [
        ("pauseCoachingRelationship", "PAUSED"),
        ("resumeCoachingRelationship", "ACTIVE"),
        ("endCoachingRelationship", "ENDED"),
    ] {
        let stepped = mutate_ok(
            app,
            &w.teachers[0].token,
            mutation,
            "relationship { status }",
            json!({ "relationshipId": id }),
        )
        .await;
        assert_eq!(stepped["relationship"]["status"], status);
    }
}
