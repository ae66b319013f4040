//! Who sees and does what with needs, offers and arrangements: requests and offers are
//! seen by those taking part in the alliance; arrangements only by the parties and the
//! alliance's CPD leads; suggestions and brokering are for the CPD leads; each mutation
//! refuses whoever may not make it.

use crate::support_world::{ARRANGEMENT_FIELDS, support_world};
use crate::world::{error_code, mutate_ok};
use serde_json::{Value, json};

async fn node(s: &crate::support_world::Support, token: &str, id: &Value) -> Value {
    s.w.app
        .gql(
            Some(token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await
}

fn sees(body: &Value) -> bool {
    match error_code(body) {
        None => body["data"]["node"]["id"].is_string(),
        Some("NOT_FOUND") => false,
        Some(other) => panic!("unexpected {other}: {body:#}"),
    }
}

#[tokio::test]
async fn requests_offers_and_arrangements_are_seen_by_whom_they_concern() {
    let s = support_world().await;
    let w = &s.w;
    let [ashby_head, brook_head, cedar_head] = &w.heads;
    let [amy, ben, cat] = &w.teachers;
    let request = s.request(0, 2.0).await;
    let offer = s.own_offer(ben, "Hinge questions", 4.0).await;
    let arrangement =
        s.broker(&request["id"], &offer["id"], 2.0).await["arrangement"]["id"].clone();

    // Requests and offers: everyone taking part in the alliance, nobody outside it.
    for person in [
        ashby_head,
        brook_head,
        cedar_head,
        amy,
        ben,
        cat,
        &w.colleague,
        &w.lead,
    ] {
        assert!(sees(&node(&s, &person.token, &request["id"]).await));
        assert!(sees(&node(&s, &person.token, &offer["id"]).await));
    }
    assert!(!sees(&node(&s, &w.outsider.token, &request["id"]).await));
    assert!(!sees(&node(&s, &w.outsider.token, &offer["id"]).await));
    let listed = w
        .app
        .ok(
            Some(&w.outsider.token),
            "{ supportRequests { totalCount } supportOffers { totalCount } supportArrangements { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed,
        json!({ "supportRequests": { "totalCount": 0 }, "supportOffers": { "totalCount": 0 },
                "supportArrangements": { "totalCount": 0 } })
    );

    // Arrangements: the supported school's leaders, the supporting person and school's
    // leaders, and the CPD lead; not other staff, not a third school.
    for person in [ashby_head, brook_head, ben, &w.lead] {
        assert!(
            sees(&node(&s, &person.token, &arrangement).await),
            "{}",
            person.id
        );
    }
    for person in [amy, &w.colleague, cedar_head, cat, &w.outsider] {
        assert!(
            !sees(&node(&s, &person.token, &arrangement).await),
            "{}",
            person.id
        );
    }
    let count = |token: String| {
        let app = &w.app;
        let request = request["id"].clone();
        async move {
            app.ok(
                Some(&token),
                "query($id: ID!) { node(id: $id) { ... on SupportRequest { arrangements { totalCount } } } supportArrangements { totalCount } }",
                json!({ "id": request }),
            )
            .await
        }
    };
    let seen = count(cedar_head.token.clone()).await;
    assert_eq!(seen["node"]["arrangements"]["totalCount"], 0);
    assert_eq!(seen["supportArrangements"]["totalCount"], 0);
    let seen = count(ashby_head.token.clone()).await;
    assert_eq!(seen["node"]["arrangements"]["totalCount"], 1);
    assert_eq!(seen["supportArrangements"]["totalCount"], 1);

    // Suggestions: the CPD lead only.
    for person in [ashby_head, cedar_head, ben] {
        let body = w
            .app
            .gql(
                Some(&person.token),
                "query($id: ID!) { node(id: $id) { ... on SupportRequest { title viewerCanBroker suggestions { score } } } }",
                json!({ "id": request["id"] }),
            )
            .await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body:#}");
        assert_eq!(body["data"]["node"]["viewerCanBroker"], false);
        assert_eq!(body["data"]["node"]["suggestions"], Value::Null);
        assert_eq!(body["data"]["node"]["title"], "Questioning in KS2 maths");
    }
}

#[tokio::test]
async fn each_mutation_refuses_whoever_may_not_make_it() {
    let s = support_world().await;
    let w = &s.w;
    let [ashby_head, brook_head, cedar_head] = &w.heads;
    let [amy, ben, cat] = &w.teachers;
    let forbidden = |body: &Value| {
        assert_eq!(error_code(body), Some("FORBIDDEN"), "{body:#}");
    };

    // Only a school's leaders post its requests.
    let input = json!({ "allianceId": s.alliance(), "schoolId": s.school(0), "title": "A need",
                        "descriptionMarkdown": "Help", "days": 1 });
    forbidden(
        &s.raw(
            &amy.token,
            "createSupportRequest",
            "request { id }",
            input.clone(),
        )
        .await,
    );
    forbidden(
        &s.raw(
            &brook_head.token,
            "createSupportRequest",
            "request { id }",
            input.clone(),
        )
        .await,
    );
    let outsider = s
        .raw(
            &w.outsider.token,
            "createSupportRequest",
            "request { id }",
            input,
        )
        .await;
    assert_eq!(
        outsider["data"]["createSupportRequest"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    // Only a school's leaders offer on its behalf; outsiders offer nothing here.
    let input = json!({ "allianceId": s.alliance(), "schoolId": s.school(1), "title": "Offer",
                        "descriptionMarkdown": "Help", "daysPerTerm": 1 });
    forbidden(
        &s.raw(&ben.token, "createSupportOffer", "offer { id }", input)
            .await,
    );
    let input = json!({ "allianceId": s.alliance(), "title": "Offer",
                        "descriptionMarkdown": "Help", "daysPerTerm": 1 });
    let outsider = s
        .raw(
            &w.outsider.token,
            "createSupportOffer",
            "offer { id }",
            input,
        )
        .await;
    assert_eq!(
        outsider["data"]["createSupportOffer"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    let request = s.request(0, 2.0).await;
    let offer = s.own_offer(ben, "Hinge questions", 4.0).await;

    // Managing a request: its school's leaders; not its staff, not other schools.
    for person in [amy, &w.colleague, brook_head] {
        forbidden(
            &s.raw(
                &person.token,
                "withdrawSupportRequest",
                "request { id }",
                json!({ "requestId": request["id"] }),
            )
            .await,
        );
        forbidden(
            &s.raw(
                &person.token,
                "updateSupportRequest",
                "request { id }",
                json!({ "requestId": request["id"], "expectedVersion": 1, "title": "Mine" }),
            )
            .await,
        );
    }
    // Managing an offer: the person who made it (and their school's leaders).
    for person in [amy, cat, cedar_head, ashby_head] {
        forbidden(
            &s.raw(
                &person.token,
                "pauseSupportOffer",
                "offer { id }",
                json!({ "offerId": offer["id"] }),
            )
            .await,
        );
    }
    let paused = mutate_ok(
        &w.app,
        &brook_head.token,
        "pauseSupportOffer",
        "offer { status }",
        json!({ "offerId": offer["id"] }),
    )
    .await;
    assert_eq!(paused["offer"]["status"], "PAUSED");
    mutate_ok(
        &w.app,
        &ben.token,
        "resumeSupportOffer",
        "offer { status }",
        json!({ "offerId": offer["id"] }),
    )
    .await;

    // Brokering: the alliance's CPD leads and admins only.
    for person in [ashby_head, brook_head, ben, amy] {
        forbidden(
            &s.raw(
                &person.token,
                "brokerSupportRequest",
                "arrangement { id }",
                json!({ "requestId": request["id"], "offerId": offer["id"],
                           "focus": "Questioning", "days": 1 }),
            )
            .await,
        );
    }
    let outsider = s
        .raw(
            &w.outsider.token,
            "brokerSupportRequest",
            "arrangement { id }",
            json!({ "requestId": request["id"], "offerId": offer["id"],
                                 "focus": "Questioning", "days": 1 }),
        )
        .await;
    assert_eq!(
        outsider["data"]["brokerSupportRequest"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    // Moving an arrangement along: the parties and the CPD lead; others do not even see it.
    let arrangement =
        s.broker(&request["id"], &offer["id"], 2.0).await["arrangement"]["id"].clone();
    for person in [amy, cedar_head, cat] {
        let body = s
            .raw(
                &person.token,
                "startSupportArrangement",
                "arrangement { id }",
                json!({ "arrangementId": arrangement }),
            )
            .await;
        assert_eq!(
            body["data"]["startSupportArrangement"]["userErrors"][0]["code"],
            "NOT_FOUND"
        );
    }
    let started = mutate_ok(
        &w.app,
        &brook_head.token,
        "startSupportArrangement",
        ARRANGEMENT_FIELDS,
        json!({ "arrangementId": arrangement }),
    )
    .await;
    assert_eq!(started["arrangement"]["status"], "ACTIVE");

    // The CPD lead may close a request but not edit or withdraw it.
    forbidden(
        &s.raw(
            &w.lead.token,
            "updateSupportRequest",
            "request { id }",
            json!({ "requestId": request["id"], "expectedVersion": 2, "title": "Mine" }),
        )
        .await,
    );
    let closed = mutate_ok(
        &w.app,
        &w.lead.token,
        "closeSupportRequest",
        "request { status }",
        json!({ "requestId": request["id"] }),
    )
    .await;
    assert_eq!(closed["request"]["status"], "CLOSED");
}

#[tokio::test]
async fn a_school_that_is_not_an_active_member_cannot_ask() {
    let s = support_world().await;
    let w = &s.w;
    crate::world::set_membership_status(
        &w.app,
        w.memberships[2],
        entity::enums::MembershipStatus::Suspended,
    )
    .await;
    let body = s
        .payload(
            &w.heads[2].token,
            "createSupportRequest",
            "request { id }",
            json!({ "allianceId": s.alliance(), "schoolId": s.school(2), "title": "A need",
                    "descriptionMarkdown": "Help", "days": 1 }),
        )
        .await;
    assert_eq!(body["userErrors"][0]["code"], "INVALID_STATE");
    assert_eq!(body["request"], Value::Null);
}
