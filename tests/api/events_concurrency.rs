//! No overbooking, ever: 50 people each send `bookEventPlace` at once, over HTTP, for the
//! last place of a course. Exactly one gets it; the other 49 are waitlisted in one definite
//! order (positions 1 to 49, by the time they joined and then id); no request fails (a
//! busy SQLite surfacing as an error would). Cancelling the place promotes exactly one: the
//! first on the waitlist. Runs on SQLite, and on PostgreSQL with `TEST_DATABASE_URL`.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::events_world::{BOOKING_FIELDS, course_input, events_world_with};
use crate::world::{mutate_ok, mutation_doc};

const PEOPLE: usize = 50;

/// Fifty sign-ins from one address, and fifty writers queueing for the test server's five
/// connections behind one another's lock on the event: the test is about what they
/// write, not how fast.
const CROWD: &[&str] = &[
    "--sign-in-per-ip-per-minute",
    "1000",
    "--db-acquire-timeout-ms",
    "60000",
];

#[tokio::test]
async fn fifty_concurrent_bookings_for_the_last_place_book_one_and_waitlist_the_rest_in_order() {
    let e = events_world_with(CROWD).await;
    let w = &e.w;
    let app = e.app();
    let course = e.host_open(course_input(&e.alliance(), 2, false)).await;
    let id = course["id"].clone();
    // One place goes first; one is left.
    assert_eq!(
        e.book_ok(&w.teachers[0].token, &id, None).await["status"],
        "CONFIRMED"
    );
    let mut people = Vec::new();
    for n in 0..PEOPLE {
        people.push(e.teacher(n % 3, &format!("rush{n}@staff.example")).await);
    }

    let document = mutation_doc("bookEventPlace", BOOKING_FIELDS);
    let answers: Vec<Value> = join_all(people.iter().map(|person| {
        app.gql(
            Some(&person.token),
            &document,
            json!({ "input": { "eventId": id } }),
        )
    }))
    .await;
    for answer in &answers {
        assert!(
            answer.get("errors").is_none(),
            "a request failed: {answer:#}"
        );
        assert_eq!(answer["data"]["bookEventPlace"]["userErrors"], json!([]));
    }
    let bookings: Vec<&Value> = answers
        .iter()
        .map(|answer| &answer["data"]["bookEventPlace"]["booking"])
        .collect();
    let confirmed: Vec<&&Value> = bookings
        .iter()
        .filter(|b| b["status"] == "CONFIRMED")
        .collect();
    assert_eq!(confirmed.len(), 1, "exactly one gets the last place");
    let waitlisted = bookings
        .iter()
        .filter(|b| b["status"] == "WAITLISTED")
        .count();
    assert_eq!(waitlisted, PEOPLE - 1);

    // The waitlist, as the host reads it now, is one definite order: positions 1..=49,
    // each once, following (joined, id).
    let rows = e.bookings(&id).await;
    let mut positions: Vec<(i64, Value)> = rows
        .iter()
        .filter(|b| b["status"] == "WAITLISTED")
        .map(|b| (b["waitlistPosition"].as_i64().unwrap(), b["id"].clone()))
        .collect();
    positions.sort_by_key(|(position, _)| *position);
    assert_eq!(
        positions.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        (1..=(PEOPLE as i64 - 1)).collect::<Vec<_>>()
    );
    let places = app
        .ok(
            Some(&w.lead.token),
            "query($id: ID!) { node(id: $id) { ... on Event { capacity placesTaken placesLeft waitlistLength } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(places["node"]["placesTaken"], 2);
    assert_eq!(places["node"]["placesLeft"], 0);
    assert_eq!(places["node"]["waitlistLength"], PEOPLE as i64 - 1);

    // The winner cancels: exactly one is promoted, the first in line, and the rest move up.
    let winner = people
        .iter()
        .zip(&bookings)
        .find(|(_, b)| b["status"] == "CONFIRMED")
        .map(|(person, b)| (person, b["id"].clone()))
        .unwrap();
    mutate_ok(
        app,
        &winner.0.token,
        "cancelBooking",
        "booking { status }",
        json!({ "bookingId": winner.1 }),
    )
    .await;
    let after = e.bookings(&id).await;
    let status_of =
        |booking: &Value| after.iter().find(|b| b["id"] == *booking).unwrap()["status"].clone();
    assert_eq!(status_of(&positions[0].1), "CONFIRMED");
    let confirmed_now = after.iter().filter(|b| b["status"] == "CONFIRMED").count();
    assert_eq!(confirmed_now, 2, "one promoted, no more");
    for (position, booking) in &positions[1..] {
        let row = after.iter().find(|b| b["id"] == *booking).unwrap();
        assert_eq!(row["status"], "WAITLISTED");
        assert_eq!(row["waitlistPosition"].as_i64().unwrap(), position - 1);
    }
}

#[tokio::test]
async fn concurrent_cancellations_and_bookings_never_leave_a_place_free_with_a_waitlist() {
    let e = events_world_with(CROWD).await;
    let w = &e.w;
    let app = e.app();
    let course = e.host_open(course_input(&e.alliance(), 5, false)).await;
    let id = course["id"].clone();
    let mut holders = Vec::new();
    for n in 0..5 {
        let person = e.teacher(n % 3, &format!("holder{n}@staff.example")).await;
        let booking = e.book_ok(&person.token, &id, None).await;
        assert_eq!(booking["status"], "CONFIRMED");
        holders.push((person, booking["id"].clone()));
    }
    let mut rushing = Vec::new();
    for n in 0..20 {
        rushing.push(e.teacher(n % 3, &format!("late{n}@staff.example")).await);
    }
    let book = mutation_doc("bookEventPlace", BOOKING_FIELDS);
    let cancel = mutation_doc("cancelBooking", "booking { status }");
    let bookings = join_all(rushing.iter().map(|person| {
        app.gql(
            Some(&person.token),
            &book,
            json!({ "input": { "eventId": id } }),
        )
    }));
    let cancellations = join_all(holders.iter().map(|(person, booking)| {
        app.gql(
            Some(&person.token),
            &cancel,
            json!({ "input": { "bookingId": booking } }),
        )
    }));
    let (booked, cancelled) = tokio::join!(bookings, cancellations);
    for answer in booked.iter().chain(&cancelled) {
        assert!(
            answer.get("errors").is_none(),
            "a request failed: {answer:#}"
        );
    }
    let rows = e.bookings(&id).await;
    let confirmed = rows.iter().filter(|b| b["status"] == "CONFIRMED").count();
    let waitlisted = rows.iter().filter(|b| b["status"] == "WAITLISTED").count();
    assert_eq!(confirmed, 5, "every freed place was taken: {rows:#?}");
    assert_eq!(waitlisted, 15);
    let _ = w;
}
