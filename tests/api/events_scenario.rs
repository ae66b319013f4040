//! Issue 22's scenario over HTTP (the parts of this lane): the alliance's CPD lead creates
//! a course with 10 places that needs schools' approval; staff of three schools book (their
//! headteachers book for them, approved as made), a teacher books herself and her head
//! approves, the eleventh is approved onto the waitlist and promoted at once when someone
//! cancels, and after the course has started the host records attendance and marks it
//! held. Amy evaluates and follows up, the host sees the impact, the ledger shows what
//! each school gave and received, and Amy's calendar feed parses and shows the course.
//! Emails go to the right people; the audit log keeps each step.

use serde_json::{Value, json};

use crate::events_world::{BOOKING_FIELDS, course_input, events_world};
use crate::world::{audited, mutate, mutate_ok};

const AWAITING: &str = "{ viewer { bookingsAwaitingMyApproval(first: 10) { totalCount edges { node { id status person { id } } } } } }";

#[tokio::test]
async fn a_course_is_booked_approved_waitlisted_promoted_and_attended() {
    let e = events_world().await;
    let w = &e.w;
    let app = e.app();

    // Held at Ashby, which is credited for hosting the others' staff.
    let mut input = course_input(&e.alliance(), 10, true);
    input["venue"] = json!({ "schoolId": e.school(0) });
    let course = e.host_open(input).await;
    assert_eq!(course["status"], "OPEN");
    assert_eq!(course["placesLeft"], 10);
    assert_eq!(course["releaseDays"], 1.0);
    assert_eq!(course["sessions"][0]["timeZone"], "Europe/London");
    assert!(
        course["sessions"][0]["localStartsAt"]
            .as_str()
            .unwrap()
            .ends_with("T09:00:00")
    );
    let id = course["id"].clone();

    // Each headteacher books staff of their own school: approved as made.
    let mut staff: Vec<(usize, crate::community_world::Person)> = Vec::new();
    for (school, count) in [(0, 4), (1, 3), (2, 2)] {
        for n in 0..count {
            let teacher = e
                .teacher(school, &format!("t{school}{n}@staff.example"))
                .await;
            let booking = e
                .book_ok(&w.heads[school].token, &id, Some(teacher.gid()))
                .await;
            assert_eq!(booking["status"], "CONFIRMED");
            assert_eq!(booking["bookedBy"]["id"], w.heads[school].gid());
            assert_eq!(booking["decidedBy"]["id"], w.heads[school].gid());
            assert_eq!(booking["school"]["id"], e.school(school));
            staff.push((school, teacher));
        }
    }

    // Amy books herself: it waits for Ashby's approval and holds no place.
    let amy = e.book_ok(&w.teachers[0].token, &id, None).await;
    assert_eq!(amy["status"], "AWAITING_APPROVAL");
    assert_eq!(amy["waitlistPosition"], Value::Null);
    let rows = e.bookings(&id).await;
    assert_eq!(rows.len(), 10);
    let node = app
        .ok(
            Some(&w.lead.token),
            "query($id: ID!) { node(id: $id) { ... on Event { placesLeft } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(node["node"]["placesLeft"], 1);
    // Ashby's head sees it awaiting approval; Brook's does not; Amy cannot approve it.
    let awaiting = app.ok(Some(&w.heads[0].token), AWAITING, json!({})).await;
    assert_eq!(
        awaiting["viewer"]["bookingsAwaitingMyApproval"]["edges"][0]["node"]["id"],
        amy["id"]
    );
    let brook = app.ok(Some(&w.heads[1].token), AWAITING, json!({})).await;
    assert_eq!(
        brook["viewer"]["bookingsAwaitingMyApproval"]["totalCount"],
        0
    );
    let own = mutate(
        app,
        &w.teachers[0].token,
        "approveBooking",
        BOOKING_FIELDS,
        json!({ "bookingId": amy["id"] }),
    )
    .await;
    assert_eq!(own["userErrors"][0]["code"], "INVALID", "{own:#}");
    let mail = app.mail().await;
    assert!(
        mail.iter()
            .any(|m| m.to == "head@ashby.example" && m.subject.starts_with("Booking to approve")),
        "Ashby's head is asked to approve"
    );
    let approved = mutate_ok(
        app,
        &w.heads[0].token,
        "approveBooking",
        BOOKING_FIELDS,
        json!({ "bookingId": amy["id"] }),
    )
    .await;
    assert_eq!(approved["booking"]["status"], "CONFIRMED");
    assert_eq!(approved["booking"]["decidedBy"]["id"], w.heads[0].gid());

    // Ben is the eleventh: approved by Brook's head onto the waitlist.
    let ben = e.book_ok(&w.teachers[1].token, &id, None).await;
    assert_eq!(ben["status"], "AWAITING_APPROVAL");
    let ben = mutate_ok(
        app,
        &w.heads[1].token,
        "approveBooking",
        BOOKING_FIELDS,
        json!({ "bookingId": ben["id"] }),
    )
    .await["booking"]
        .clone();
    assert_eq!(ben["status"], "WAITLISTED");
    assert_eq!(ben["waitlistPosition"], 1);

    // A Cedar teacher cancels: Ben is promoted at once and told.
    let (_, leaving) = &staff[8];
    let leaving_booking = e
        .bookings(&id)
        .await
        .into_iter()
        .find(|b| b["person"]["id"] == leaving.gid())
        .unwrap();
    let cancelled = mutate_ok(
        app,
        &leaving.token,
        "cancelBooking",
        BOOKING_FIELDS,
        json!({ "bookingId": leaving_booking["id"] }),
    )
    .await;
    assert_eq!(cancelled["booking"]["status"], "CANCELLED");
    let rows = e.bookings(&id).await;
    let ben_now = rows.iter().find(|b| b["id"] == ben["id"]).unwrap();
    assert_eq!(ben_now["status"], "CONFIRMED");
    assert_eq!(ben_now["waitlistPosition"], Value::Null);
    let confirmed = rows.iter().filter(|b| b["status"] == "CONFIRMED").count();
    assert_eq!(confirmed, 10);
    let mail = app.mail().await;
    assert!(
        mail.iter()
            .any(|m| m.to == "ben@brook.example" && m.subject.starts_with("A place is yours")),
        "Ben is told of his place: {:?}",
        mail.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>()
    );
    assert!(
        mail.iter()
            .any(|m| m.to == "amy@ashby.example" && m.subject.starts_with("Approved")),
        "Amy is told of the approval"
    );

    // Attendance waits for the course to start.
    let early = mutate(
        app,
        &w.lead.token,
        "recordAttendance",
        BOOKING_FIELDS,
        json!({ "bookingId": amy["id"], "attended": true }),
    )
    .await;
    assert_eq!(early["userErrors"][0]["code"], "INVALID_STATE");
    e.start_now(&id).await;
    let attended = mutate_ok(
        app,
        &w.lead.token,
        "recordAttendance",
        BOOKING_FIELDS,
        json!({ "bookingId": amy["id"], "attended": true }),
    )
    .await;
    assert_eq!(attended["booking"]["status"], "ATTENDED");
    let no_show = mutate_ok(
        app,
        &w.lead.token,
        "recordAttendance",
        BOOKING_FIELDS,
        json!({ "bookingId": ben["id"], "attended": false }),
    )
    .await;
    assert_eq!(no_show["booking"]["status"], "NO_SHOW");
    // Nobody else records it, not even the person.
    let refused = crate::world::mutate_raw(
        app,
        &w.teachers[0].token,
        "recordAttendance",
        BOOKING_FIELDS,
        json!({ "bookingId": amy["id"], "attended": true }),
    )
    .await;
    assert_eq!(crate::world::error_code(&refused), Some("FORBIDDEN"));
    let held = mutate_ok(
        app,
        &w.lead.token,
        "markEventHeld",
        "event { status placesTaken }",
        json!({ "eventId": id }),
    )
    .await;
    assert_eq!(held["event"]["status"], "HELD");
    assert_eq!(held["event"]["placesTaken"], 10);

    // Everyone else who kept a place attended.
    for (_, person) in staff.iter().filter(|(_, p)| p.id != leaving.id) {
        let booking = rows
            .iter()
            .find(|b| b["person"]["id"] == person.gid())
            .unwrap();
        mutate_ok(
            app,
            &w.lead.token,
            "recordAttendance",
            BOOKING_FIELDS,
            json!({ "bookingId": booking["id"], "attended": true }),
        )
        .await;
    }
    evaluated_and_followed_up(&e, &amy["id"], &id).await;
    ledger_shows_who_gave_and_who_received(&e).await;
    feed_shows_the_course(&e, &w.teachers[0].token).await;

    // Amy sees her own booking among hers.
    let mine = app
        .ok(
            Some(&w.teachers[0].token),
            "{ viewer { eventBookings(first: 5) { edges { node { status event { title } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["viewer"]["eventBookings"]["edges"][0]["node"]["status"],
        "ATTENDED"
    );
    assert_eq!(audited(app, "event_booking.approved").await, 2);
    assert_eq!(audited(app, "event_booking.promoted").await, 1);
    assert_eq!(audited(app, "event.held").await, 1);
}

#[tokio::test]
async fn cancelling_an_event_tells_everyone_booked_and_keeps_the_bookings() {
    let e = events_world().await;
    let w = &e.w;
    let app = e.app();
    let course = e.host_open(course_input(&e.alliance(), 1, false)).await;
    let id = course["id"].clone();
    let amy = e.book_ok(&w.teachers[0].token, &id, None).await;
    assert_eq!(amy["status"], "CONFIRMED");
    let ben = e.book_ok(&w.teachers[1].token, &id, None).await;
    assert_eq!(ben["status"], "WAITLISTED");
    let cancelled = mutate_ok(
        app,
        &w.lead.token,
        "cancelEvent",
        "event { status cancelledReason }",
        json!({ "eventId": id, "reason": "The trainer is ill." }),
    )
    .await;
    assert_eq!(cancelled["event"]["status"], "CANCELLED");
    let mail = app.mail().await;
    for to in ["amy@ashby.example", "ben@brook.example"] {
        assert!(
            mail.iter().any(|m| m.to == to
                && m.subject.starts_with("Cancelled")
                && m.body.contains("The trainer is ill.")),
            "{to} is told"
        );
    }
    let rows = e.bookings(&id).await;
    assert_eq!(rows.len(), 2, "history stays");
    // A cancelled event takes no bookings.
    let late = e.book(&w.teachers[2].token, &id, None).await;
    assert_eq!(late["userErrors"][0]["code"], "INVALID_STATE");
}

#[tokio::test]
async fn raising_the_capacity_promotes_the_waitlist_in_order() {
    let e = events_world().await;
    let w = &e.w;
    let app = e.app();
    let course = e.host_open(course_input(&e.alliance(), 1, false)).await;
    let id = course["id"].clone();
    e.book_ok(&w.teachers[0].token, &id, None).await;
    let first = e.book_ok(&w.teachers[1].token, &id, None).await;
    let second = e.book_ok(&w.teachers[2].token, &id, None).await;
    assert_eq!(first["waitlistPosition"], 1);
    assert_eq!(second["waitlistPosition"], 2);
    let raised = mutate_ok(
        app,
        &w.lead.token,
        "updateEvent",
        "event { capacity placesTaken waitlistLength version }",
        json!({ "eventId": id, "expectedVersion": 2, "capacity": 2 }),
    )
    .await;
    assert_eq!(raised["event"]["placesTaken"], 2);
    assert_eq!(raised["event"]["waitlistLength"], 1);
    let rows = e.bookings(&id).await;
    let status = |id: &Value| rows.iter().find(|b| &b["id"] == id).unwrap()["status"].clone();
    assert_eq!(status(&first["id"]), "CONFIRMED");
    assert_eq!(status(&second["id"]), "WAITLISTED");
    let second_now = rows.iter().find(|b| b["id"] == second["id"]).unwrap();
    assert_eq!(second_now["waitlistPosition"], 1);
}

/// Amy evaluates and, later, follows up, sharing both in full; the host sees the impact.
async fn evaluated_and_followed_up(
    e: &crate::events_world::Events,
    booking: &Value,
    event: &Value,
) {
    let (app, w) = (e.app(), &e.w);
    let evaluated = mutate_ok(
        app,
        &w.teachers[0].token,
        "submitEventEvaluation",
        "evaluation { plannedChange }",
        json!({ "bookingId": booking, "plannedChange": "A hinge question before every practice task",
                "shareInFull": true }),
    )
    .await;
    assert_eq!(
        evaluated["evaluation"]["plannedChange"],
        "A hinge question before every practice task"
    );
    mutate_ok(
        app,
        &w.teachers[0].token,
        "submitEventFollowUp",
        "followUp { whatChanged }",
        json!({ "bookingId": booking, "whatChanged": "Fewer misconceptions by the end of a unit",
                "shareInFull": true }),
    )
    .await;
    let impact = app
        .ok(
            Some(&w.lead.token),
            "query($id: ID!) { eventImpact(eventId: $id) { attended evaluated followedUp
                sharedEvaluations { plannedChange } sharedFollowUps { whatChanged } } }",
            json!({ "id": event }),
        )
        .await;
    assert_eq!(
        impact["eventImpact"],
        json!({ "attended": 9, "evaluated": 1, "followedUp": 1,
                "sharedEvaluations": [{ "plannedChange": "A hinge question before every practice task" }],
                "sharedFollowUps": [{ "whatChanged": "Fewer misconceptions by the end of a unit" }] })
    );
}

/// The alliance's ledger for the academic year of the course: Ashby hosted, and is
/// credited a day for each of the four places taken by staff of Brook (3) and Cedar (1)
/// who attended; its own five staff left no building. Brook and Cedar received theirs.
async fn ledger_shows_who_gave_and_who_received(e: &crate::events_world::Events) {
    use chrono::Datelike;
    let started = chrono::Utc::now() - chrono::Duration::hours(1);
    let year = if started.month() >= 9 {
        started.year()
    } else {
        started.year() - 1
    };
    let ledger = e
        .app()
        .ok(
            Some(&e.w.lead.token),
            "query($id: ID!, $year: Int!) { node(id: $id) { ... on Alliance {
                releaseLedger(first: 10, period: {academicYear: $year}) { nodes {
                    school { id } daysGiven daysReceived hostingCreditDays eventsAttendedDays } } } } }",
            json!({ "id": e.alliance(), "year": year }),
        )
        .await;
    let mut rows: Vec<Value> = ledger["node"]["releaseLedger"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    rows.sort_by_key(|row| row["school"]["id"].as_str().unwrap().to_owned());
    let mut expected = vec![
        json!({ "school": { "id": e.school(0) }, "daysGiven": 4.0, "daysReceived": 0.0,
                "hostingCreditDays": 4.0, "eventsAttendedDays": 0.0 }),
        json!({ "school": { "id": e.school(1) }, "daysGiven": 0.0, "daysReceived": 3.0,
                "hostingCreditDays": 0.0, "eventsAttendedDays": 3.0 }),
        json!({ "school": { "id": e.school(2) }, "daysGiven": 0.0, "daysReceived": 1.0,
                "hostingCreditDays": 0.0, "eventsAttendedDays": 1.0 }),
    ];
    expected.sort_by_key(|row| row["school"]["id"].as_str().unwrap().to_owned());
    assert_eq!(rows, expected, "{ledger:#}");
}

/// Amy's calendar feed, read with a real iCalendar parser, holds the course at 09:00
/// London time (the time it was given at: `start_now` moved only the stored instants, so
/// the feed shows where they are now, in London).
async fn feed_shows_the_course(e: &crate::events_world::Events, token: &str) {
    let app = e.app();
    let made = app
        .ok(
            Some(token),
            "mutation { createCalendarFeed(input: {}) { created { url } userErrors { code } } }",
            json!({}),
        )
        .await;
    let url = made["createCalendarFeed"]["created"]["url"]
        .as_str()
        .unwrap();
    let path = &url[url.find("/calendar/").unwrap()..];
    let response = app
        .client
        .get(format!("{}{path}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let calendar = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
        .next()
        .expect("one calendar")
        .expect("it parses");
    let course = calendar
        .events
        .iter()
        .find(|event| {
            event.properties.iter().any(|p| {
                p.name == "SUMMARY" && p.value.as_deref() == Some("Questioning for deeper thinking")
            })
        })
        .expect("the course is in Amy's feed");
    let start = course
        .properties
        .iter()
        .find(|p| p.name == "DTSTART")
        .unwrap();
    let tzid = start
        .params
        .as_ref()
        .and_then(|params| params.iter().find(|(name, _)| name == "TZID"))
        .map(|(_, values)| values[0].clone());
    assert_eq!(tzid.as_deref(), Some("Europe/London"), "{text}");
    assert!(
        calendar.timezones.iter().any(|zone| zone
            .properties
            .iter()
            .any(|p| p.value.as_deref() == Some("Europe/London"))),
        "the feed carries the zone's VTIMEZONE"
    );
}
