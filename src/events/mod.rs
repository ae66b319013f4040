//! Events and bookings: an alliance or one of its schools hosts a course, a network
//! meeting, a school visit, a lesson study, an open classroom or a conference; staff book
//! places (their school approving their release where the event asks), join a waitlist
//! when it is full, and the host records who attended.
//!
//! Places: `event.places_taken` counts the bookings that hold a place (`CONFIRMED`,
//! `ATTENDED`, `NO_SHOW`). It changes only through [`places`]: a place is taken by one
//! conditional `UPDATE` (`places_taken < capacity`), so two requests can never both take
//! the last place, on SQLite or PostgreSQL; a freed place goes at once, in the same
//! transaction, to the first booking on the waitlist (`waitlisted_at`, then id).

pub mod booking;
pub mod hosting;
mod node;
pub mod notices;
pub mod places;
pub mod queries;
pub mod times;
pub mod types;

pub use types::{Event, EventBooking, EventSession};

use async_graphql::ID;
use entity::enums::EventStatus;
use entity::{event, event_booking};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};

use crate::audit::AuditEntry;
use crate::auth::policy::Access;
use crate::errors::{MutationResult, UserError};
use crate::graphql::ids::{NodeKind, decode_as, find_seen, find_visible};
use crate::graphql::versioned::LifeCycle;
use crate::webhooks::events::{Event as WebhookEvent, emit};

/// Longest title of an event.
pub const TITLE_MAX: usize = 200;
/// Longest Markdown description.
pub const DESCRIPTION_MAX: usize = 10_000;
/// Longest address, cancellation reason or reason for declining.
pub const REASON_MAX: usize = 500;
/// Most places an event may offer.
pub const CAPACITY_MAX: i32 = 10_000;
/// Most sessions of one event.
pub const SESSIONS_MAX: usize = 50;
/// Most facilitators of one event.
pub const FACILITATORS_MAX: usize = 20;
/// Most release days attending may cost.
pub const RELEASE_DAYS_MAX: f64 = 50.0;

/// The event named by input `field`, if the caller sees it; otherwise `NOT_FOUND`.
pub async fn visible_event(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<event::Model> {
    let id = (id, NodeKind::Event);
    find_visible::<event::Entity>(conn, access, id, field, |access, row| {
        access.sees_event(row)
    })
    .await
}

/// The event `key`, if the caller sees it; otherwise `NOT_FOUND` on input `field`.
pub async fn event_by_key(
    conn: &impl ConnectionTrait,
    access: &Access,
    key: i32,
    field: &str,
) -> MutationResult<event::Model> {
    find_seen::<event::Entity>(conn, access, key, field, |access, row| {
        access.sees_event(row)
    })
    .await
}

/// The booking named by input `field` with its event, if the caller sees the booking;
/// otherwise `NOT_FOUND`.
pub async fn visible_booking(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<(event_booking::Model, event::Model)> {
    let not_found = || UserError::not_found(field);
    let key = decode_as(id, NodeKind::EventBooking).ok_or_else(not_found)?;
    let booking = event_booking::Entity::find_by_id(key)
        .one(conn)
        .await?
        .ok_or_else(not_found)?;
    let event = event::Entity::find_by_id(booking.event_id)
        .one(conn)
        .await?
        .ok_or_else(not_found)?;
    if !access.sees_booking(&booking, &event) {
        return Err(not_found().into());
    }
    Ok((booking, event))
}

/// What the audit log says of an event.
pub fn event_entry<'a>(access: &Access, action: &'a str, event: &event::Model) -> AuditEntry<'a> {
    AuditEntry::by_caller(access, action, NodeKind::Event.id(event.id))
        .alliance(Some(event.alliance_id))
        .school(event.host_school_id)
        .details(serde_json::json!({ "title": event.title, "status": event.status }))
}

/// Records a change to a booking, in the change's transaction: its audit entry, as made by
/// `actor`, and its event for webhooks. Every change to a booking goes through here, so
/// that the audit log and the webhooks never tell different stories.
pub async fn record_booking_change(
    conn: &impl ConnectionTrait,
    actor: i32,
    action: &str,
    booking: &event_booking::Model,
    event: &event::Model,
) -> Result<(), DbErr> {
    AuditEntry::by(actor, action, NodeKind::EventBooking.id(booking.id))
        .alliance(Some(event.alliance_id))
        .school(Some(booking.school_id))
        .details(serde_json::json!({
            "event": NodeKind::Event.id(event.id).to_string(),
            "person": NodeKind::Person.id(booking.person_id).to_string(),
            "status": booking.status,
        }))
        .record(conn)
        .await?;
    emit(conn, WebhookEvent::booking(booking, event)).await
}

/// An event's life cycle: draft → open → closed → held, or cancelled. Each step's history
/// is its audit entry (`event.opened`, `event.cancelled`...), written with the step, with
/// the status it came from and the reason given.
impl LifeCycle for event::Entity {
    type Status = EventStatus;

    fn status(row: &event::Model) -> EventStatus {
        row.status
    }

    fn set_status(change: &mut event::ActiveModel, status: EventStatus) {
        change.status = Set(status);
    }

    async fn keep_history(
        conn: &impl ConnectionTrait,
        row: &event::Model,
        from: Option<EventStatus>,
        by: i32,
        note: Option<String>,
    ) -> Result<(), DbErr> {
        let action = match row.status {
            EventStatus::Draft => "event.drafted",
            EventStatus::Open => "event.opened",
            EventStatus::Closed => "event.closed",
            EventStatus::Held => "event.held",
            EventStatus::Cancelled => "event.cancelled",
        };
        AuditEntry::by(by, action, NodeKind::Event.id(row.id))
            .alliance(Some(row.alliance_id))
            .school(row.host_school_id)
            .details(serde_json::json!({
                "title": row.title,
                "from": from,
                "status": row.status,
                "reason": note,
            }))
            .record(conn)
            .await
    }
}

// The domain's queries and mutations, merged into the schema's `Query` and `Mutation`.
#[derive(async_graphql::MergedObject, Default)]
pub struct EventsQueries(queries::EventQuery);

#[derive(async_graphql::MergedObject, Default)]
pub struct EventsMutations(hosting::EventHostingMutation, booking::EventBookingMutation);
