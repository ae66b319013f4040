//! Who sees and does what with events and bookings, for someone at the same school,
//! another school of the alliance, another alliance, and nobody signed in: a draft, an
//! event for the host school only, an alliance-wide event, a booking; hosting, editing,
//! booking and approving.

use serde_json::{Value, json};

use crate::events_world::{BOOKING_FIELDS, EVENT_FIELDS, course_input, events_world};
use crate::world::{error_code, mutate_raw};

const NODE: &str = "query($id: ID!) { node(id: $id) { id } }";
const LIST: &str = "{ events(first: 50) { edges { node { id } } } }";

async fn sees(app: &crate::common::TestApp, token: Option<&str>, id: &Value) -> bool {
    let body = app.gql(token, NODE, json!({ "id": id })).await;
    let by_node = body["data"]["node"]["id"] == *id;
    if token.is_none() {
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
        return by_node;
    }
    let list = app.ok(token, LIST, json!({})).await;
    let in_list = list["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|edge| edge["node"]["id"] == *id);
    assert_eq!(by_node, in_list, "node and list agree");
    by_node
}

#[tokio::test]
async fn events_are_seen_by_their_audience_and_drafts_by_their_host_only() {
    let e = events_world().await;
    let w = &e.w;
    let app = e.app();

    // An alliance-wide course, a draft, and Ashby's own INSET day for its staff only.
    let course = e.host_open(course_input(&e.alliance(), 5, false)).await;
    let draft = crate::world::mutate_ok(
        app,
        &w.lead.token,
        "hostEvent",
        EVENT_FIELDS,
        course_input(&e.alliance(), 5, false),
    )
    .await["event"]
        .clone();
    let mut inset = course_input(&e.alliance(), 40, false);
    inset["hostSchoolId"] = json!(e.school(0));
    inset["audience"] = json!("HOST_SCHOOL");
    inset["kind"] = json!("OPEN_CLASSROOM");
    let inset = crate::world::mutate_ok(app, &w.heads[0].token, "hostEvent", EVENT_FIELDS, inset)
        .await["event"]
        .clone();
    crate::world::mutate_ok(
        app,
        &w.heads[0].token,
        "openEventForBooking",
        "event { status }",
        json!({ "eventId": inset["id"] }),
    )
    .await;

    let amy = Some(w.teachers[0].token.as_str()); // same school as the INSET day
    let ben = Some(w.teachers[1].token.as_str()); // another school of the alliance
    let oz = Some(w.outsider.token.as_str()); // another alliance
    let lead = Some(w.lead.token.as_str());
    let ashby_head = Some(w.heads[0].token.as_str());

    assert!(sees(app, amy, &course["id"]).await);
    assert!(sees(app, ben, &course["id"]).await);
    assert!(!sees(app, oz, &course["id"]).await);
    assert!(!sees(app, None, &course["id"]).await);

    assert!(sees(app, lead, &draft["id"]).await);
    assert!(!sees(app, amy, &draft["id"]).await);
    assert!(!sees(app, ashby_head, &draft["id"]).await);
    assert!(!sees(app, oz, &draft["id"]).await);

    assert!(sees(app, amy, &inset["id"]).await);
    assert!(sees(app, ashby_head, &inset["id"]).await);
    assert!(sees(app, lead, &inset["id"]).await);
    assert!(!sees(app, ben, &inset["id"]).await);
    assert!(!sees(app, oz, &inset["id"]).await);

    // Ben may not book Ashby's own day (he does not see it); Amy may.
    let ben_books = e.book(&w.teachers[1].token, &inset["id"], None).await;
    assert_eq!(ben_books["userErrors"][0]["code"], "NOT_FOUND");
    assert_eq!(
        e.book_ok(&w.teachers[0].token, &inset["id"], None).await["status"],
        "CONFIRMED"
    );
    // The outsider may not book the alliance's course.
    let oz_books = e.book(&w.outsider.token, &course["id"], None).await;
    assert_eq!(oz_books["userErrors"][0]["code"], "NOT_FOUND");
    // Nobody signed in books nothing.
    let anonymous = app
        .gql(
            None,
            &crate::world::mutation_doc("bookEventPlace", BOOKING_FIELDS),
            json!({ "input": { "eventId": course["id"] } }),
        )
        .await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn hosting_and_editing_belong_to_the_alliance_leads_and_school_leaders() {
    let e = events_world().await;
    let w = &e.w;
    let app = e.app();
    // A teacher may not host; a head hosts for her own school only.
    let teacher = mutate_raw(
        app,
        &w.teachers[0].token,
        "hostEvent",
        EVENT_FIELDS,
        course_input(&e.alliance(), 5, false),
    )
    .await;
    assert_eq!(error_code(&teacher), Some("FORBIDDEN"));
    let mut for_brook = course_input(&e.alliance(), 5, false);
    for_brook["hostSchoolId"] = json!(e.school(1));
    let head = mutate_raw(app, &w.heads[0].token, "hostEvent", EVENT_FIELDS, for_brook).await;
    assert_eq!(error_code(&head), Some("FORBIDDEN"));
    // Another alliance's teacher does not even see the alliance.
    let outsider = mutate_raw(
        app,
        &w.outsider.token,
        "hostEvent",
        EVENT_FIELDS,
        course_input(&e.alliance(), 5, false),
    )
    .await;
    assert_eq!(
        outsider["data"]["hostEvent"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    // A published course: staff may not edit or cancel it.
    let course = e.host_open(course_input(&e.alliance(), 5, false)).await;
    for (field, input) in [
        (
            "updateEvent",
            json!({ "eventId": course["id"], "expectedVersion": 2, "title": "Mine now" }),
        ),
        (
            "cancelEvent",
            json!({ "eventId": course["id"], "reason": "No." }),
        ),
    ] {
        for token in [&w.teachers[0].token, &w.heads[1].token] {
            let body = mutate_raw(app, token, field, "event { id }", input.clone()).await;
            assert_eq!(error_code(&body), Some("FORBIDDEN"), "{field}: {body:#}");
        }
    }
}

#[tokio::test]
async fn a_booking_is_seen_by_its_person_their_school_leaders_and_the_host() {
    let e = events_world().await;
    let w = &e.w;
    let app = e.app();
    let course = e.host_open(course_input(&e.alliance(), 5, true)).await;
    let booking = e.book_ok(&w.teachers[0].token, &course["id"], None).await;
    let id = &booking["id"];
    let seen = |token: Option<&str>| {
        let token = token.map(str::to_owned);
        async move {
            let body = app.gql(token.as_deref(), NODE, json!({ "id": id })).await;
            body["data"]["node"]["id"] == *id
        }
    };
    assert!(seen(Some(&w.teachers[0].token)).await, "Amy herself");
    assert!(seen(Some(&w.heads[0].token)).await, "Ashby's head");
    assert!(seen(Some(&w.lead.token)).await, "the host");
    assert!(!seen(Some(&w.colleague.token)).await, "an Ashby colleague");
    assert!(!seen(Some(&w.teachers[1].token)).await, "Ben at Brook");
    assert!(!seen(Some(&w.heads[1].token)).await, "Brook's head");
    assert!(!seen(Some(&w.outsider.token)).await, "another alliance");
    assert!(!seen(None).await, "nobody signed in");
    // Brook's head may not approve it (it is not theirs to see); nor may the host.
    let brook = mutate_raw(
        app,
        &w.heads[1].token,
        "approveBooking",
        BOOKING_FIELDS,
        json!({ "bookingId": id }),
    )
    .await;
    assert_eq!(
        brook["data"]["approveBooking"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let host = mutate_raw(
        app,
        &w.lead.token,
        "approveBooking",
        BOOKING_FIELDS,
        json!({ "bookingId": id }),
    )
    .await;
    assert_eq!(error_code(&host), Some("FORBIDDEN"));
}

#[tokio::test]
async fn a_service_account_reads_its_alliances_events_only_with_events_read() {
    use crate::common::service_accounts::Tenant;
    let e = events_world().await;
    let w = &e.w;
    let app = e.app();
    let course = e.host_open(course_input(&e.alliance(), 5, false)).await;
    e.book_ok(&w.teachers[0].token, &course["id"], None).await;
    const READ: &str = "query($id: ID!) { events(first: 5) { totalCount }
        node(id: $id) { ... on Event { id bookings(first: 5) { totalCount } } } }";
    let (_, with) = app
        .service_account_with_token(
            &w.lead.token,
            Tenant::Alliance(w.alliance),
            &["SCHOOLS_READ", "EVENTS_READ"],
        )
        .await;
    let read = app
        .ok(Some(&with), READ, json!({ "id": course["id"] }))
        .await;
    assert_eq!(read["events"]["totalCount"], 1);
    assert_eq!(read["node"]["bookings"]["totalCount"], 1);
    let (_, without) = app
        .service_account_with_token(
            &w.lead.token,
            Tenant::Alliance(w.alliance),
            &["SCHOOLS_READ"],
        )
        .await;
    let read = app
        .gql(Some(&without), READ, json!({ "id": course["id"] }))
        .await;
    assert_eq!(read["data"]["events"]["totalCount"], 0);
    assert_eq!(read["data"]["node"], Value::Null);
    assert_eq!(error_code(&read), Some("NOT_FOUND"));
    // Nor does it book: writes are refused to service accounts.
    let body = app
        .gql(
            Some(&with),
            &crate::world::mutation_doc("bookEventPlace", BOOKING_FIELDS),
            json!({ "input": { "eventId": course["id"] } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
}
