//! A world for the events tests, on top of the community world (the Severn alliance with
//! Ashby, Brook and Cedar, its CPD lead, each school's headteacher and a teacher, a
//! colleague at Ashby, a teacher of another alliance): helpers to host events, book, and
//! move an event's start into the past (for attendance).

use chrono::{Duration, Utc};
use entity::enums::StaffRoleKind;
use entity::{event, event_session};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::common::{TestApp, gid};
use crate::community_world::{Community, Person, community_world_with};
use crate::world::{key_of, mutate, mutate_ok};

pub const EVENT_FIELDS: &str = "event { id status version capacity placesTaken placesLeft waitlistLength \
     startsAt endsAt releaseDays approvalRequired title \
     sessions { startsAt endsAt timeZone localStartsAt localEndsAt localStartOffset } \
     hostSchool { id } venueSchool { id } address onlineUrl facilitators { id } }";
pub const BOOKING_FIELDS: &str = "booking { id status waitlistPosition school { id } person { id } \
     bookedBy { id } decidedBy { id } declineReason }";

pub struct Events {
    pub w: Community,
}

/// A local date and time `days` from now at `time` on the London wall clock.
pub fn local_in(days: i64, time: &str) -> String {
    let day = (Utc::now() + Duration::days(days)).date_naive();
    format!("{day}T{time}")
}

/// A course's input: one session 30 days from now, 09:00 to 16:00 in London.
pub fn course_input(alliance: &str, capacity: i32, approval: bool) -> Value {
    json!({
        "allianceId": alliance,
        "kind": "COURSE",
        "title": "Questioning for deeper thinking",
        "descriptionMarkdown": "Hinge questions, wait time, no hands up.",
        "phases": ["PRIMARY"],
        "sessions": [{ "startsAt": local_in(30, "09:00"), "endsAt": local_in(30, "16:00") }],
        "venue": { "address": "Severn Teaching Centre, Worcester" },
        "capacity": capacity,
        "approvalRequired": approval,
        "releaseDays": 1.0,
    })
}

impl Events {
    pub fn app(&self) -> &TestApp {
        &self.w.app
    }

    pub fn alliance(&self) -> String {
        gid("Alliance", self.w.alliance)
    }

    pub fn school(&self, n: usize) -> String {
        gid("School", self.w.schools[n])
    }

    /// The CPD lead hosts `input` and opens it for booking; the event's fields.
    pub async fn host_open(&self, input: Value) -> Value {
        let app = self.app();
        let hosted = mutate_ok(app, &self.w.lead.token, "hostEvent", EVENT_FIELDS, input).await;
        let id = hosted["event"]["id"].clone();
        mutate_ok(
            app,
            &self.w.lead.token,
            "openEventForBooking",
            EVENT_FIELDS,
            json!({ "eventId": id }),
        )
        .await["event"]
            .clone()
    }

    /// `token` books `person` (themself when `None`) on `event`: the payload.
    pub async fn book(&self, token: &str, event: &Value, person: Option<String>) -> Value {
        let mut input = json!({ "eventId": event });
        if let Some(person) = person {
            input["personId"] = json!(person);
        }
        mutate(self.app(), token, "bookEventPlace", BOOKING_FIELDS, input).await
    }

    /// `token` books as `book` does, which must succeed: the booking.
    pub async fn book_ok(&self, token: &str, event: &Value, person: Option<String>) -> Value {
        let payload = self.book(token, event, person).await;
        assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
        payload["booking"].clone()
    }

    /// A teacher at school `n` who can sign in.
    pub async fn teacher(&self, n: usize, email: &str) -> Person {
        let app = self.app();
        let id = app.person(email, false).await;
        app.staff(id, self.w.schools[n], StaffRoleKind::Teacher)
            .await;
        Person {
            id,
            token: app.sign_in(email).await,
        }
    }

    /// Moves an event's sessions so that it started an hour ago.
    pub async fn start_now(&self, event: &Value) {
        let key = key_of(event);
        let db = &self.app().db;
        let starts = Utc::now() - Duration::hours(1);
        let ends = Utc::now() + Duration::hours(5);
        event::Entity::update_many()
            .col_expr(event::Column::StartsAt, Expr::value(starts))
            .col_expr(event::Column::EndsAt, Expr::value(ends))
            .col_expr(
                event::Column::BookingClosesAt,
                Expr::value(None::<chrono::DateTime<Utc>>),
            )
            .filter(event::Column::Id.eq(key))
            .exec(db)
            .await
            .unwrap();
        event_session::Entity::update_many()
            .col_expr(event_session::Column::StartsAt, Expr::value(starts))
            .col_expr(event_session::Column::EndsAt, Expr::value(ends))
            .filter(event_session::Column::EventId.eq(key))
            .exec(db)
            .await
            .unwrap();
    }

    /// An event's bookings as its host sees them, oldest first.
    pub async fn bookings(&self, event: &Value) -> Vec<Value> {
        let data = self
            .app()
            .ok(
                Some(&self.w.lead.token),
                "query($id: ID!) { node(id: $id) { ... on Event { placesTaken placesLeft waitlistLength
                    bookings(first: 100) { totalCount edges { node { id status waitlistPosition person { id } } } } } } }",
                json!({ "id": event }),
            )
            .await;
        data["node"]["bookings"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|edge| edge["node"].clone())
            .collect()
    }
}

pub async fn events_world() -> Events {
    events_world_with(&[]).await
}

pub async fn events_world_with(flags: &[&str]) -> Events {
    Events {
        w: community_world_with(flags).await,
    }
}
