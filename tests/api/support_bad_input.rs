//! Bad input to needs-and-offers mutations gets a typed user error and changes nothing:
//! brokering beyond an offer's capacity, unknown and foreign ids, transitions the life
//! cycles do not allow, over-long text, days that are not half-day steps, stale versions.

use crate::common::gid;
use crate::support_world::{ARRANGEMENT_FIELDS, support_world};
use crate::world::{mutate_ok, user_error_codes};
use serde_json::{Value, json};

fn refused(payload: &Value, code: &str, field: &str) {
    assert_eq!(user_error_codes(payload), [code], "{payload:#}");
    let expected: Vec<&str> = std::iter::once("input").chain(field.split('.')).collect();
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(expected),
        "{payload:#}"
    );
}

#[tokio::test]
async fn bad_input_is_a_user_error_and_changes_nothing() {
    let s = support_world().await;
    let w = &s.w;
    let head = &w.heads[0];
    let ben = &w.teachers[1];
    let request = s.request(0, 3.0).await;
    let offer = s.own_offer(ben, "Hinge questions", 2.5).await;
    let state = || async {
        w.app
            .ok(
                Some(&w.lead.token),
                "query($r: ID!, $o: ID!) { r: node(id: $r) { ... on SupportRequest { status version daysPlanned arrangements { totalCount } } }
                   o: node(id: $o) { ... on SupportOffer { status version daysRemaining } } }",
                json!({ "r": request["id"], "o": offer["id"] }),
            )
            .await
    };
    let before = state().await;

    // Over capacity: 3 days from an offer with 2.5 left.
    let over = s.broker(&request["id"], &offer["id"], 3.0).await;
    refused(&over, "INVALID", "days");
    assert!(
        over["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2.5 days left")
    );
    assert_eq!(over["arrangement"], Value::Null);

    // Days that are not positive half-day steps.
    for days in [0.0, -1.0, 1.3, 100.5] {
        refused(
            &s.broker(&request["id"], &offer["id"], days).await,
            "INVALID",
            "days",
        );
    }

    // Unknown or wrong-kind ids.
    let broker = |input: Value| {
        s.payload(
            &w.lead.token,
            "brokerSupportRequest",
            "arrangement { id }",
            input,
        )
    };
    refused(
        &broker(json!({ "requestId": "nope", "offerId": offer["id"], "focus": "F", "days": 1 }))
            .await,
        "NOT_FOUND",
        "requestId",
    );
    refused(
        &broker(json!({ "requestId": request["id"], "offerId": request["id"], "focus": "F", "days": 1 })).await,
        "NOT_FOUND",
        "offerId",
    );
    refused(
        &broker(json!({ "requestId": request["id"], "offerId": gid("SupportOffer", 999), "focus": "F", "days": 1 })).await,
        "NOT_FOUND",
        "offerId",
    );
    refused(
        &broker(json!({ "requestId": request["id"], "supportingPersonId": w.outsider.gid(), "focus": "F", "days": 1 })).await,
        "NOT_FOUND",
        "supportingPersonId",
    );
    refused(
        &broker(json!({ "requestId": request["id"], "focus": "F", "days": 1 })).await,
        "INVALID",
        "offerId",
    );
    refused(
        &broker(
            json!({ "requestId": request["id"], "offerId": offer["id"], "focus": "  ", "days": 1 }),
        )
        .await,
        "INVALID",
        "focus",
    );
    let unknown_theme = s
        .payload(
            &head.token,
            "createSupportRequest",
            "request { id }",
            json!({ "allianceId": s.alliance(), "schoolId": s.school(0), "title": "T",
                    "descriptionMarkdown": "D", "themeIds": [gid("Theme", 9999)], "days": 1 }),
        )
        .await;
    refused(&unknown_theme, "NOT_FOUND", "themeIds");
    let node = w
        .app
        .gql(
            Some(&w.lead.token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gid("SupportArrangement", 999) }),
        )
        .await;
    assert_eq!(crate::world::error_code(&node), Some("NOT_FOUND"));

    // Over-long text.
    let long = |n: usize| "x".repeat(n);
    let create = |title: String, description: String| {
        s.payload(
            &head.token,
            "createSupportRequest",
            "request { id }",
            json!({ "allianceId": s.alliance(), "schoolId": s.school(0), "title": title,
                    "descriptionMarkdown": description, "days": 1 }),
        )
    };
    refused(&create(long(201), "D".into()).await, "INVALID", "title");
    refused(
        &create("T".into(), long(10_001)).await,
        "INVALID",
        "descriptionMarkdown",
    );
    refused(
        &create("T".into(), "  ".into()).await,
        "INVALID",
        "descriptionMarkdown",
    );
    let long_note = s
        .payload(
            &head.token,
            "withdrawSupportRequest",
            "request { id }",
            json!({ "requestId": request["id"], "note": long(2_001) }),
        )
        .await;
    refused(&long_note, "INVALID", "note");
    let offer_title = s
        .payload(
            &ben.token,
            "createSupportOffer",
            "offer { id }",
            json!({ "allianceId": s.alliance(), "title": long(201),
                         "descriptionMarkdown": "D", "daysPerTerm": 1 }),
        )
        .await;
    refused(&offer_title, "INVALID", "title");

    // Wrong transitions of the offer, and a stale version.
    refused(
        &s.payload(
            &ben.token,
            "resumeSupportOffer",
            "offer { id }",
            json!({ "offerId": offer["id"] }),
        )
        .await,
        "INVALID_STATE",
        "offerId",
    );
    refused(
        &s.payload(
            &head.token,
            "updateSupportRequest",
            "request { id }",
            json!({ "requestId": request["id"], "expectedVersion": 7, "title": "New" }),
        )
        .await,
        "CONFLICT",
        "expectedVersion",
    );

    // Nothing changed.
    assert_eq!(state().await, before);

    // Broker within capacity; then the arrangement's and request's life cycles hold.
    let brokered = s.broker(&request["id"], &offer["id"], 2.0).await;
    let arrangement = brokered["arrangement"]["id"].clone();
    let arrangement_op = |field: &'static str, input: Value| {
        s.payload(&w.lead.token, field, ARRANGEMENT_FIELDS, input)
    };
    refused(
        &arrangement_op(
            "completeSupportArrangement",
            json!({ "arrangementId": arrangement, "closingNote": "Done" }),
        )
        .await,
        "INVALID_STATE",
        "arrangementId",
    );
    mutate_ok(
        &w.app,
        &w.lead.token,
        "startSupportArrangement",
        "arrangement { id }",
        json!({ "arrangementId": arrangement }),
    )
    .await;
    refused(
        &arrangement_op(
            "startSupportArrangement",
            json!({ "arrangementId": arrangement }),
        )
        .await,
        "INVALID_STATE",
        "arrangementId",
    );
    refused(
        &arrangement_op(
            "completeSupportArrangement",
            json!({ "arrangementId": arrangement, "closingNote": "   " }),
        )
        .await,
        "INVALID",
        "closingNote",
    );
    refused(
        &arrangement_op(
            "completeSupportArrangement",
            json!({ "arrangementId": arrangement, "closingNote": long(5_001) }),
        )
        .await,
        "INVALID",
        "closingNote",
    );
    // A brokered request is not withdrawn (it is closed), nor edited.
    refused(
        &s.payload(
            &head.token,
            "withdrawSupportRequest",
            "request { id }",
            json!({ "requestId": request["id"] }),
        )
        .await,
        "INVALID_STATE",
        "requestId",
    );
    // Capacity cannot drop below what is committed.
    refused(
        &s.payload(
            &ben.token,
            "updateSupportOffer",
            "offer { id }",
            json!({ "offerId": offer["id"], "expectedVersion": 2, "daysPerTerm": 1.5 }),
        )
        .await,
        "INVALID",
        "daysPerTerm",
    );
    // A paused offer is not brokered.
    mutate_ok(
        &w.app,
        &ben.token,
        "pauseSupportOffer",
        "offer { id }",
        json!({ "offerId": offer["id"] }),
    )
    .await;
    refused(
        &s.broker(&request["id"], &offer["id"], 0.5).await,
        "INVALID_STATE",
        "offerId",
    );
    // A closed request is not brokered again.
    mutate_ok(
        &w.app,
        &head.token,
        "closeSupportRequest",
        "request { id }",
        json!({ "requestId": request["id"] }),
    )
    .await;
    mutate_ok(
        &w.app,
        &ben.token,
        "resumeSupportOffer",
        "offer { id }",
        json!({ "offerId": offer["id"] }),
    )
    .await;
    refused(
        &s.broker(&request["id"], &offer["id"], 0.5).await,
        "INVALID_STATE",
        "requestId",
    );
    refused(
        &s.payload(
            &head.token,
            "closeSupportRequest",
            "request { id }",
            json!({ "requestId": request["id"] }),
        )
        .await,
        "INVALID_STATE",
        "requestId",
    );
}
