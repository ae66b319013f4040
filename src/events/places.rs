//! An event's places: taken, freed, and handed to the waitlist. The only code that changes
//! `event.places_taken`.
//!
//! Every transaction that takes or frees a place first locks the event's row
//! ([`lock_event`]): on PostgreSQL, bookings, cancellations and approvals of one event then
//! run one after another, so a cancellation always sees every booking waitlisted before it
//! (a booking still uncommitted could otherwise join the waitlist just after the freed place
//! found nobody there). SQLite runs one writer at a time (`db::begin_write`). Whatever the
//! lock, the place itself is taken by a conditional `UPDATE`: the row count says whether
//! this transaction got it.

use chrono::{DateTime, Utc};
use entity::enums::BookingStatus;
use entity::{event, event_booking};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

use super::notices::BookingNews;
use super::record_booking_change;
use crate::db::lock_row;
use crate::errors::MutationResult;
use crate::graphql::versioned::Change;
use crate::notifications::Notices;

/// Locks the event's row until the transaction ends (PostgreSQL; see the module).
pub async fn lock_event(conn: &impl ConnectionTrait, event_id: i32) -> Result<(), DbErr> {
    lock_row::<event::Entity>(conn, event::Column::Id, event_id).await
}

/// Takes one place if one is free: `true` when this transaction got it.
pub async fn take_place(conn: &impl ConnectionTrait, event_id: i32) -> Result<bool, DbErr> {
    let taken = event::Entity::update_many()
        .col_expr(
            event::Column::PlacesTaken,
            Expr::col(event::Column::PlacesTaken).add(1),
        )
        .filter(event::Column::Id.eq(event_id))
        .filter(Expr::col(event::Column::PlacesTaken).lt(Expr::col(event::Column::Capacity)))
        .exec(conn)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Gives one place back.
pub async fn free_place(conn: &impl ConnectionTrait, event_id: i32) -> Result<(), DbErr> {
    event::Entity::update_many()
        .col_expr(
            event::Column::PlacesTaken,
            Expr::col(event::Column::PlacesTaken).sub(1),
        )
        .filter(event::Column::Id.eq(event_id))
        .filter(event::Column::PlacesTaken.gt(0))
        .exec(conn)
        .await?;
    Ok(())
}

/// A booking that asks for a place now: `CONFIRMED` if it got one, else `WAITLISTED` at
/// the end of the waitlist (its `waitlisted_at` is now).
pub async fn place_or_waitlist(
    conn: &impl ConnectionTrait,
    event_id: i32,
    now: DateTime<Utc>,
) -> Result<(BookingStatus, Option<DateTime<Utc>>), DbErr> {
    Ok(if take_place(conn, event_id).await? {
        (BookingStatus::Confirmed, None)
    } else {
        (BookingStatus::Waitlisted, Some(now))
    })
}

/// Gives free places to the waitlist, first come first served, until either runs out;
/// each promoted person is told. Returns the bookings promoted.
pub async fn promote_waitlist(
    conn: &impl ConnectionTrait,
    actor: i32,
    event: &event::Model,
    notices: &mut Notices,
) -> MutationResult<Vec<event_booking::Model>> {
    let mut promoted = Vec::new();
    loop {
        let Some(first) = event_booking::Entity::find()
            .filter(event_booking::Column::EventId.eq(event.id))
            .filter(event_booking::Column::Status.eq(BookingStatus::Waitlisted))
            .order_by_asc(event_booking::Column::WaitlistedAt)
            .order_by_asc(event_booking::Column::Id)
            .one(conn)
            .await?
        else {
            break;
        };
        if !take_place(conn, event.id).await? {
            break;
        }
        let mut change = Change::edit(&first, Utc::now());
        change.status = Set(BookingStatus::Confirmed);
        change.waitlisted_at = Set(None);
        let booking = change.save_as_read(conn).await?;
        record_booking_change(conn, actor, "event_booking.promoted", &booking, event).await?;
        notices
            .booking(conn, BookingNews::Promoted, &booking, event, None)
            .await?;
        promoted.push(booking);
    }
    Ok(promoted)
}
