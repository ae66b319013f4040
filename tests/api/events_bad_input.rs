//! Each bad input the issue names gets a typed `userError` and changes nothing: an end
//! before its start, an unknown time zone, a capacity below the places taken, booking
//! outside the window, booking someone not at your school, approving your own booking,
//! recording attendance before the event.

use serde_json::{Value, json};

use crate::common::gid;
use crate::events_world::{BOOKING_FIELDS, EVENT_FIELDS, course_input, events_world, local_in};
use crate::world::{mutate, mutate_ok};

/// The codes and fields of a payload's user errors.
fn errors(payload: &Value) -> Vec<(String, Vec<String>)> {
    payload["userErrors"]
        .as_array()
        .expect("userErrors")
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_owned(),
                e["field"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn field(path: &[&str]) -> Vec<String> {
    path.iter().map(|s| (*s).to_owned()).collect()
}

async fn event_count(app: &crate::common::TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    entity::event::Entity::find().count(&app.db).await.unwrap()
}

#[tokio::test]
async fn bad_sessions_and_zones_are_refused_and_nothing_is_created() {
    let e = events_world().await;
    let app = e.app();
    let lead = &e.w.lead.token;
    let cases = [
        (
            json!([{ "startsAt": local_in(30, "16:00"), "endsAt": local_in(30, "09:00") }]),
            field(&["input", "sessions", "0", "endsAt"]),
        ),
        (
            json!([{ "startsAt": local_in(30, "09:00"), "endsAt": local_in(30, "16:00"), "timeZone": "Europe/Londinium" }]),
            field(&["input", "sessions", "0", "timeZone"]),
        ),
        (
            json!([{ "startsAt": "next tuesday", "endsAt": local_in(30, "16:00") }]),
            field(&["input", "sessions", "0", "startsAt"]),
        ),
        (json!([]), field(&["input", "sessions"])),
    ];
    for (sessions, at) in cases {
        let mut input = course_input(&e.alliance(), 10, false);
        input["sessions"] = sessions;
        let payload = mutate(app, lead, "hostEvent", EVENT_FIELDS, input).await;
        assert_eq!(payload["event"], Value::Null);
        assert_eq!(errors(&payload), vec![("INVALID".to_owned(), at)]);
    }
    for (name, value, at) in [
        ("capacity", json!(0), "capacity"),
        ("releaseDays", json!(0.25), "releaseDays"),
        ("title", json!(""), "title"),
    ] {
        let mut input = course_input(&e.alliance(), 10, false);
        input[name] = value;
        let payload = mutate(app, lead, "hostEvent", EVENT_FIELDS, input).await;
        assert_eq!(errors(&payload)[0].1, field(&["input", at]), "{payload:#}");
    }
    let mut input = course_input(&e.alliance(), 10, false);
    input["venue"] = json!({});
    let payload = mutate(app, lead, "hostEvent", EVENT_FIELDS, input).await;
    assert_eq!(errors(&payload)[0].1, field(&["input", "venue"]));
    assert_eq!(event_count(app).await, 0, "nothing was created");
}

#[tokio::test]
async fn capacity_below_places_taken_and_booking_out_of_window_are_refused() {
    let e = events_world().await;
    let w = &e.w;
    let app = e.app();
    let course = e.host_open(course_input(&e.alliance(), 3, false)).await;
    let id = course["id"].clone();
    e.book_ok(&w.teachers[0].token, &id, None).await;
    e.book_ok(&w.teachers[1].token, &id, None).await;
    let lower = mutate(
        app,
        &w.lead.token,
        "updateEvent",
        "event { capacity }",
        json!({ "eventId": id, "expectedVersion": 2, "capacity": 1 }),
    )
    .await;
    assert_eq!(
        errors(&lower),
        vec![("INVALID".to_owned(), field(&["input", "capacity"]))]
    );
    let unchanged = app
        .ok(
            Some(&w.lead.token),
            "query($id: ID!) { node(id: $id) { ... on Event { capacity version } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(unchanged["node"]["capacity"], 3);
    assert_eq!(unchanged["node"]["version"], 2);

    // A course whose booking opens tomorrow takes no bookings today.
    let mut later = course_input(&e.alliance(), 3, false);
    later["bookingOpensAt"] = json!((chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339());
    let later = e.host_open(later).await;
    let early = e.book(&w.teachers[0].token, &later["id"], None).await;
    assert_eq!(
        errors(&early),
        vec![("INVALID_STATE".to_owned(), field(&["input", "eventId"]))]
    );
    // A draft takes none either (and is not seen by staff at all).
    let draft = mutate_ok(
        app,
        &w.lead.token,
        "hostEvent",
        EVENT_FIELDS,
        course_input(&e.alliance(), 3, false),
    )
    .await;
    let hidden = e
        .book(&w.teachers[0].token, &draft["event"]["id"], None)
        .await;
    assert_eq!(errors(&hidden)[0].0, "NOT_FOUND");
    assert_eq!(e.bookings(&later["id"]).await.len(), 0);
}

#[tokio::test]
async fn booking_someone_not_at_your_school_and_approving_your_own_are_refused() {
    let e = events_world().await;
    let w = &e.w;
    let app = e.app();
    let course = e.host_open(course_input(&e.alliance(), 3, true)).await;
    let id = course["id"].clone();
    // Ashby's head books Ben of Brook: not her staff.
    let other = e
        .book(&w.heads[0].token, &id, Some(w.teachers[1].gid()))
        .await;
    assert_eq!(
        errors(&other),
        vec![("INVALID".to_owned(), field(&["input", "personId"]))]
    );
    // A teacher books a colleague: not a school leader.
    let colleague = e
        .book(&w.teachers[0].token, &id, Some(w.colleague.gid()))
        .await;
    assert_eq!(errors(&colleague)[0].0, "INVALID");
    // Ashby's head books herself: it waits for another of Ashby's leaders, never her.
    let own = e.book_ok(&w.heads[0].token, &id, None).await;
    assert_eq!(own["status"], "AWAITING_APPROVAL");
    let approve = mutate(
        app,
        &w.heads[0].token,
        "approveBooking",
        BOOKING_FIELDS,
        json!({ "bookingId": own["id"] }),
    )
    .await;
    assert_eq!(
        errors(&approve),
        vec![("INVALID".to_owned(), field(&["input", "bookingId"]))]
    );
    // Booking twice is refused too.
    let twice = e.book(&w.heads[0].token, &id, None).await;
    assert_eq!(errors(&twice)[0].0, "INVALID_STATE");
    let rows = e.bookings(&id).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["status"], "AWAITING_APPROVAL");
    // Attendance before the event: refused, nothing recorded.
    let early = mutate(
        app,
        &w.lead.token,
        "recordAttendance",
        BOOKING_FIELDS,
        json!({ "bookingId": own["id"], "attended": true }),
    )
    .await;
    assert_eq!(errors(&early)[0].0, "INVALID_STATE");
    // A declining needs a reason.
    let no_reason = mutate(
        app,
        &w.lead.token,
        "declineBooking",
        BOOKING_FIELDS,
        json!({ "bookingId": own["id"], "reason": "" }),
    )
    .await;
    assert_eq!(
        errors(&no_reason),
        vec![("INVALID".to_owned(), field(&["input", "reason"]))]
    );
    assert_eq!(e.bookings(&id).await[0]["status"], "AWAITING_APPROVAL");
    let _ = gid;
}
