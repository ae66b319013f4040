//! A page of events with their sessions, facilitators, places, waitlists and bookings, and a
//! person's own bookings, run the same number of SQL statements however many events and
//! bookings there are: every relation is loaded per level, never per row.

use serde_json::json;

use crate::events_world::{course_input, events_world_with};

const EVENTS: &str = "{ events(first: 20) { totalCount edges { node { id title status
    sessions { localStartsAt timeZone } facilitators { id } hostSchool { name } venueSchool { name }
    placesLeft waitlistLength viewerBooking { id } viewerCanEdit themes { name }
    bookings(first: 10) { totalCount edges { node { id status waitlistPosition
      person { id } school { name } bookedBy { id } } } } } } } }";

const MINE: &str = "{ viewer { eventBookings(first: 20) { edges { node { id status waitlistPosition
    event { title placesLeft sessions { localStartsAt } } } } } } }";

#[tokio::test]
async fn statements_for_events_and_bookings_do_not_grow_with_the_rows() {
    // DataLoaders gather keys for 50 ms, so that each level is one batch on a busy machine.
    let e = events_world_with(&["--loader-delay-us", "50000"]).await;
    let w = &e.w;
    let app = e.app();
    let mut counts = Vec::new();
    for round in 0..2 {
        // Round 0: one event, one booking each of two people; round 1: four more, full,
        // with waitlists.
        let events = if round == 0 { 1 } else { 4 };
        for _ in 0..events {
            let course = e.host_open(course_input(&e.alliance(), 1, false)).await;
            for person in [&w.teachers[0], &w.teachers[1], &w.teachers[2]] {
                e.book_ok(&person.token, &course["id"], None).await;
            }
        }
        let (events_statements, _) = app
            .query_statements(Some(&w.lead.token), EVENTS, json!({}))
            .await;
        let (mine_statements, _) = app
            .query_statements(Some(&w.teachers[1].token), MINE, json!({}))
            .await;
        counts.push((events_statements, mine_statements));
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 1 and 5 events (events list, own bookings): {counts:?}"
    );
}
