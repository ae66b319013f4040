//! Numbers out of range or of the wrong precision are refused with a user error naming the
//! field, and change nothing: days from 0.5 to 100 in exact steps of half a day (never
//! rounded: `1e-300` days is not an offer of no capacity), versions from 1, and at most 100
//! items in any list (of a mutation's input, or of a query's argument).

use entity::{support_offer, support_request};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::common::gid;
use crate::input_schema::{Target, Ty, not_refused, trial};
use crate::support_world::{OFFER_FIELDS, REQUEST_FIELDS, Support, support_world};
use crate::world::{error_code, mutate, mutate_ok};

/// Days no request, offer or arrangement may hold.
const BAD_DAYS: [f64; 9] = [
    1e-300,
    0.0,
    -0.5,
    0.25,
    0.4999999999,
    0.5000000001,
    99.99999999999,
    100.5,
    1e300,
];

fn refused_on(payload: &Value, field: &str) {
    assert_eq!(payload["userErrors"][0]["code"], "INVALID", "{payload:#}");
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", field]),
        "{payload:#}"
    );
}

/// The support world, with a request of 3 days from the first school and an offer of 2.5
/// days per term from the second school's teacher.
async fn posted() -> (Support, Value, Value) {
    let s = support_world().await;
    let request = s.request(0, 3.0).await;
    let offer = s.own_offer(&s.w.teachers[1], "Hinge questions", 2.5).await;
    (s, request, offer)
}

#[tokio::test]
async fn days_are_half_day_steps_from_half_a_day_to_a_hundred() {
    let (s, request, offer) = posted().await;
    let w = &s.w;
    let head = &w.heads[0].token;
    let ben = &w.teachers[1];
    let db = &w.app.db;
    let rows = || async {
        (
            support_request::Entity::find().count(db).await.unwrap(),
            support_offer::Entity::find().count(db).await.unwrap(),
        )
    };
    let state = || async {
        w.app
            .ok(
                Some(&w.lead.token),
                "query($r: ID!, $o: ID!) { r: node(id: $r) { ... on SupportRequest { version daysRequested arrangements { totalCount } } }
                   o: node(id: $o) { ... on SupportOffer { version daysPerTerm daysRemaining } } }",
                json!({ "r": request["id"], "o": offer["id"] }),
            )
            .await
    };
    let (rows_before, state_before) = (rows().await, state().await);

    for days in BAD_DAYS {
        let create_request = mutate(
            &w.app,
            head,
            "createSupportRequest",
            "request { id }",
            json!({ "allianceId": s.alliance(), "schoolId": s.school(0), "title": "T",
                    "descriptionMarkdown": "D", "days": days }),
        )
        .await;
        refused_on(&create_request, "days");
        let update_request = mutate(
            &w.app,
            head,
            "updateSupportRequest",
            "request { id }",
            json!({ "requestId": request["id"], "expectedVersion": 1, "days": days }),
        )
        .await;
        refused_on(&update_request, "days");
        let create_offer = mutate(
            &w.app,
            &ben.token,
            "createSupportOffer",
            "offer { id }",
            json!({ "allianceId": s.alliance(), "title": "T", "descriptionMarkdown": "D",
                    "daysPerTerm": days }),
        )
        .await;
        refused_on(&create_offer, "daysPerTerm");
        let update_offer = mutate(
            &w.app,
            &ben.token,
            "updateSupportOffer",
            "offer { id }",
            json!({ "offerId": offer["id"], "expectedVersion": 1, "daysPerTerm": days }),
        )
        .await;
        refused_on(&update_offer, "daysPerTerm");
        refused_on(&s.broker(&request["id"], &offer["id"], days).await, "days");
    }
    assert_eq!(rows().await, rows_before);
    assert_eq!(state().await, state_before);

    // The edges themselves are fine.
    for days in [0.5, 100.0] {
        let created = mutate_ok(
            &w.app,
            &ben.token,
            "createSupportOffer",
            OFFER_FIELDS,
            json!({ "allianceId": s.alliance(), "title": "Edge", "descriptionMarkdown": "D",
                    "daysPerTerm": days }),
        )
        .await;
        assert_eq!(created["offer"]["daysPerTerm"], json!(days));
    }
    let updated = mutate_ok(
        &w.app,
        head,
        "updateSupportRequest",
        REQUEST_FIELDS,
        json!({ "requestId": request["id"], "expectedVersion": 1, "days": 99.5 }),
    )
    .await;
    assert_eq!(updated["request"]["daysRequested"], json!(99.5));
}

#[tokio::test]
async fn a_version_below_one_is_invalid_not_a_conflict() {
    let (s, request, offer) = posted().await;
    let w = &s.w;
    let head = &w.heads[0].token;
    let ben = &w.teachers[1];
    let community = w
        .create("Questioning", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let thread = w.thread(&community, &w.lead, "Wait time").await;
    let cases = [
        (
            head.as_str(),
            "updateSupportRequest",
            json!({ "requestId": request["id"], "title": "New" }),
        ),
        (
            ben.token.as_str(),
            "updateSupportOffer",
            json!({ "offerId": offer["id"], "title": "New" }),
        ),
        (
            w.lead.token.as_str(),
            "updateCommunity",
            json!({ "communityId": community, "name": "New" }),
        ),
        (
            w.lead.token.as_str(),
            "updateDiscussionThread",
            json!({ "threadId": thread, "title": "New" }),
        ),
        (
            w.lead.token.as_str(),
            "updateAlliance",
            json!({ "allianceId": gid("Alliance", w.alliance), "name": "New" }),
        ),
        (
            head.as_str(),
            "updateSchool",
            json!({ "schoolId": gid("School", w.schools[0]), "name": "New" }),
        ),
    ];
    for (token, mutation, input) in cases {
        for version in [0, -1, i32::MIN] {
            let mut input = input.clone();
            input["expectedVersion"] = json!(version);
            let payload = mutate(&w.app, token, mutation, "", input).await;
            refused_on(&payload, "expectedVersion");
        }
    }
    // Nothing was renamed.
    let names = w
        .app
        .ok(
            Some(&w.lead.token),
            "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Community { name } ... on Alliance { name } ... on School { name } } }",
            json!({ "ids": [community, gid("Alliance", w.alliance), gid("School", w.schools[0])] }),
        )
        .await;
    assert_eq!(
        names["nodes"],
        json!([{ "name": "Questioning" }, { "name": "Severn Alliance" }, { "name": "Ashby Primary" }])
    );
}

#[tokio::test]
async fn every_list_in_every_input_and_argument_holds_at_most_100_items() {
    let trial = trial().await;
    let inputs = &trial.inputs;
    let long = |ty: &Ty| inputs.long_list(ty, 101);
    let mutations = trial.each_mutation(Target::List, &long).await;
    let mut failures = not_refused(&mutations, |tried| {
        tried.invalid("holds 101 items; a list takes at most 100")
    });
    let queries = trial.each_query(Target::List, &long).await;
    failures.extend(not_refused(&queries, |tried| {
        tried.bad_user_input("holds 101 items")
    }));
    assert!(failures.is_empty(), "not refused:\n{}", failures.join("\n"));
    let checked = mutations.len() + queries.len();
    assert!(checked > 40, "only {checked} lists tried");

    // Tens of thousands of items (past what a statement takes, and deep enough to overflow
    // the stack while building one) are refused the same way, and the server goes on.
    let many = |n: usize| vec![gid("Theme", 1); n];
    let (app, admin) = (&trial.app, &trial.admin);
    let huge = app
        .gql(
            Some(admin),
            "query($t: [ID!]) { practices(filter: {themeIds: $t}) { totalCount } }",
            json!({ "t": many(40_000) }),
        )
        .await;
    assert_eq!(error_code(&huge), Some("BAD_USER_INPUT"), "{huge:#}");
    let at_most = app
        .gql(
            Some(admin),
            "query($t: [ID!]) { practices(filter: {themeIds: $t}) { totalCount } }",
            json!({ "t": many(100) }),
        )
        .await;
    assert_eq!(at_most["data"]["practices"]["totalCount"], 0, "{at_most:#}");
}
