//! Booking places: booking (for oneself, or a school leader for their staff), approving or
//! declining a booking that needs the school's approval, cancelling, and recording
//! attendance.

use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::{BookingStatus, EventAudience, EventStatus};
use entity::{event, event_booking, partnership_school, staff_role};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set,
};
use trellis_macros::mutations;

use super::hosting::active_members;
use super::notices::BookingNews;
use super::places::{free_place, lock_event, place_or_waitlist, promote_waitlist};
use super::types::STANDING;
use super::{EventBooking, REASON_MAX, record_booking_change, visible_booking, visible_event};
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst};
use crate::notifications::Notices;
use crate::payload;
use crate::realtime::Signal;
use crate::validation;

/// Booking a place on an event.
#[derive(InputObject)]
pub struct BookEventPlaceInput {
    /// The event, open for booking within its booking window.
    pub event_id: ID,
    /// Whom to book: leave out to book for yourself; a school's leaders may name a member
    /// of their staff.
    pub person_id: Option<ID>,
    /// The school the person attends from, when they work at several that may book; by
    /// default the first that may.
    pub school_id: Option<ID>,
}

/// Approving a booking that awaits approval.
#[derive(InputObject)]
pub struct ApproveBookingInput {
    /// The booking, `AWAITING_APPROVAL`.
    pub booking_id: ID,
}

/// Declining a booking that awaits approval.
#[derive(InputObject)]
pub struct DeclineBookingInput {
    /// The booking, `AWAITING_APPROVAL`.
    pub booking_id: ID,
    /// Why, told to the person (at most 500 characters).
    pub reason: String,
}

/// Cancelling a booking.
#[derive(InputObject)]
pub struct CancelBookingInput {
    /// The booking: awaiting approval, confirmed or waitlisted, before the event starts.
    pub booking_id: ID,
}

/// Recording whether a person came.
#[derive(InputObject)]
pub struct RecordAttendanceInput {
    /// The booking: confirmed (or already recorded, to correct it), once the event started.
    pub booking_id: ID,
    /// Whether the person attended (`ATTENDED`) or not (`NO_SHOW`).
    pub attended: bool,
}

payload!(BookEventPlacePayload {
    booking: EventBooking
});
payload!(ApproveBookingPayload {
    booking: EventBooking
});
payload!(DeclineBookingPayload {
    booking: EventBooking
});
payload!(CancelBookingPayload {
    booking: EventBooking
});
payload!(RecordAttendancePayload {
    booking: EventBooking
});

#[derive(Default)]
pub struct EventBookingMutation;

mutations! {
    impl EventBookingMutation {
        /// Books a place on an open event, within its booking window: for yourself, or, as
        /// one of their school's leaders, for a member of your staff. Where the event needs
        /// approval, the booking is `AWAITING_APPROVAL` (holding no place) until one of the
        /// person's school leaders approves it; a booking made by one of those leaders for
        /// their staff is approved as it is made. Otherwise it is `CONFIRMED` when a place
        /// is free, else `WAITLISTED`, in order of booking.
        fn book_event_place { book(ctx, input).await }

        /// Approves a booking awaiting approval: it takes a place if one is free
        /// (`CONFIRMED`), else joins the waitlist (`WAITLISTED`). One of the person's
        /// school leaders may, never the person themself.
        fn approve_booking { decide(ctx, input.booking_id, None).await }

        /// Declines a booking awaiting approval, with a reason told to the person. One of
        /// the person's school leaders may, never the person themself.
        fn decline_booking { decide(ctx, input.booking_id, Some(input.reason)).await }

        /// Cancels a booking before the event starts. A place it held goes at once to the
        /// first on the waitlist, who is told. The person, whoever booked, their school's
        /// leaders and the event's host may.
        fn cancel_booking { cancel(ctx, input).await }

        /// Records whether a booked person attended, once the event has started: `ATTENDED`
        /// or `NO_SHOW` (and corrects it). The event's host may.
        fn record_attendance { attendance(ctx, input).await }
    }
}

/// The schools `person_id` works at now from which they may book `event`, in order.
async fn schools_that_may_book(
    conn: &impl ConnectionTrait,
    event: &event::Model,
    person_id: i32,
) -> Result<Vec<i32>, sea_orm::DbErr> {
    let mut schools: Vec<i32> = staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::SchoolId)
        .filter(staff_role::Column::PersonId.eq(person_id))
        .filter(staff_role::Column::EndsOn.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    schools.sort_unstable();
    schools.dedup();
    let mut allowed = active_members(conn, event.alliance_id, schools).await?;
    match event.audience {
        EventAudience::HostSchool => allowed.retain(|school| Some(*school) == event.host_school_id),
        EventAudience::Partnership => {
            let partners: Vec<i32> = partnership_school::Entity::find()
                .select_only()
                .column(partnership_school::Column::SchoolId)
                .filter(partnership_school::Column::PartnershipId.eq(event.partnership_id))
                .filter(partnership_school::Column::LeftOn.is_null())
                .into_tuple()
                .all(conn)
                .await?;
            allowed.retain(|school| partners.contains(school));
        }
        EventAudience::Alliance => {}
    }
    allowed.sort_unstable();
    Ok(allowed)
}

/// Whether the event takes bookings now: open, within its window, before it starts.
fn taking_bookings(event: &event::Model) -> Result<(), UserError> {
    if event.status != EventStatus::Open {
        return Err(UserError::wrong_state("eventId", "event", event.status));
    }
    let now = Utc::now();
    if event.booking_opens_at.is_some_and(|opens| now < opens) {
        return Err(UserError::invalid_state(
            "eventId",
            "booking has not opened yet",
        ));
    }
    let closes = event.booking_closes_at.unwrap_or(event.starts_at);
    if now >= closes || now >= event.starts_at {
        return Err(UserError::invalid_state("eventId", "booking has closed"));
    }
    Ok(())
}

async fn book(ctx: &Context<'_>, input: BookEventPlaceInput) -> MutationResult<EventBooking> {
    let access = access(ctx).await?;
    let person_id = match &input.person_id {
        Some(id) => {
            decode_as(id, NodeKind::Person).ok_or_else(|| UserError::not_found("personId"))?
        }
        None => access.person_id,
    };
    let chosen_school = match &input.school_id {
        Some(id) => {
            Some(decode_as(id, NodeKind::School).ok_or_else(|| UserError::not_found("schoolId"))?)
        }
        None => None,
    };
    let key = decode_as(&input.event_id, NodeKind::Event)
        .ok_or_else(|| UserError::not_found("eventId"))?;
    let txn = begin_write(db(ctx)).await?;
    // Every booking of the event waits its turn here (see `places`).
    lock_event(&txn, key).await?;
    let event = visible_event(&txn, &access, &input.event_id, "eventId").await?;
    taking_bookings(&event)?;
    let schools = schools_that_may_book(&txn, &event, person_id).await?;
    let mine: Vec<i32> = schools
        .iter()
        .copied()
        .filter(|school| access.may_book_for(person_id, *school))
        .collect();
    if mine.is_empty() {
        let field = if input.person_id.is_some() {
            "personId"
        } else {
            "eventId"
        };
        let message = if person_id == access.person_id {
            "you do not work at a school this event is open to"
        } else {
            "the person is not on the staff of a school you lead that this event is open to"
        };
        return Err(UserError::invalid(field, message).into());
    }
    let school_id = match chosen_school {
        Some(school) if mine.contains(&school) => school,
        Some(_) => {
            return Err(UserError::invalid(
                "schoolId",
                "the person does not book from this school for this event",
            )
            .into());
        }
        None => mine[0],
    };
    let existing = event_booking::Entity::find()
        .filter(event_booking::Column::EventId.eq(event.id))
        .filter(event_booking::Column::PersonId.eq(person_id))
        .one(&txn)
        .await?;
    if let Some(existing) = &existing
        && !matches!(
            existing.status,
            BookingStatus::Cancelled | BookingStatus::Declined
        )
    {
        return Err(
            UserError::invalid_state("eventId", "already booked: one booking per person").into(),
        );
    }
    let now = Utc::now();
    // A booking made by one of the school's leaders for their staff is approved as made.
    let approved_as_made =
        person_id != access.person_id && access.may_decide_booking_at(person_id, school_id);
    let (status, waitlisted_at, decided) = if event.approval_required && !approved_as_made {
        (BookingStatus::AwaitingApproval, None, false)
    } else {
        let (status, at) = place_or_waitlist(&txn, event.id, now).await?;
        (status, at, event.approval_required)
    };
    let fields = |booking: &mut event_booking::ActiveModel| {
        booking.school_id = Set(school_id);
        booking.booked_by_id = Set(access.actor());
        booking.status = Set(status);
        booking.waitlisted_at = Set(waitlisted_at);
        booking.decided_by_id = Set(decided.then_some(access.person_id));
        booking.decided_at = Set(decided.then_some(now));
        booking.decline_reason = Set(None);
        booking.cancelled_at = Set(None);
        booking.attendance_recorded_by_id = Set(None);
        booking.attendance_recorded_at = Set(None);
    };
    let booking = match &existing {
        // Booking again after cancelling or being declined reuses the row.
        Some(existing) => {
            let mut change = Change::edit(existing, now);
            fields(&mut change);
            change.save_as_read(&txn).await?
        }
        None => {
            let mut booking = event_booking::ActiveModel {
                event_id: Set(event.id),
                person_id: Set(person_id),
                ..Default::default()
            };
            fields(&mut booking);
            booking.insert_first(&txn, now).await?
        }
    };
    record_booking_change(
        &txn,
        access.actor(),
        "event_booking.booked",
        &booking,
        &event,
    )
    .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices.signal(Signal::Event { event: event.id });
    notices
        .booking(&txn, BookingNews::Booked, &booking, &event, None)
        .await?;
    notices.commit(txn).await?;
    Ok(EventBooking(booking))
}

/// The booking named by `id` with its event, the event's row locked first (see `places`).
async fn locked_booking(
    txn: &DatabaseTransaction,
    access: &Access,
    id: &ID,
) -> MutationResult<(event_booking::Model, event::Model)> {
    let (booking, _) = visible_booking(txn, access, id, "bookingId").await?;
    lock_event(txn, booking.event_id).await?;
    // Read again under the lock: what a concurrent change left.
    visible_booking(txn, access, id, "bookingId").await
}

async fn decide(ctx: &Context<'_>, id: ID, reason: Option<String>) -> MutationResult<EventBooking> {
    let access = access(ctx).await?;
    let reason = match reason {
        Some(text) => Some(validation::required("reason", &text, REASON_MAX)?),
        None => None,
    };
    let txn = begin_write(db(ctx)).await?;
    let (current, event) = locked_booking(&txn, &access, &id).await?;
    if current.person_id == access.person_id {
        return Err(UserError::invalid(
            "bookingId",
            "you cannot approve or decline your own booking: another of your school's leaders decides",
        )
        .into());
    }
    allowed(
        access.may_decide_booking(&current),
        "only the person's school leaders approve or decline their bookings",
    )?;
    if current.status != BookingStatus::AwaitingApproval {
        return Err(UserError::wrong_state("bookingId", "booking", current.status).into());
    }
    if !matches!(event.status, EventStatus::Open | EventStatus::Closed) {
        return Err(UserError::wrong_state("bookingId", "event", event.status).into());
    }
    let now = Utc::now();
    let mut change = Change::edit(&current, now);
    change.decided_by_id = Set(Some(access.person_id));
    change.decided_at = Set(Some(now));
    let (news, action) = match &reason {
        Some(reason) => {
            change.status = Set(BookingStatus::Declined);
            change.decline_reason = Set(Some(reason.clone()));
            (BookingNews::Declined, "event_booking.declined")
        }
        None => {
            let (status, at) = place_or_waitlist(&txn, event.id, now).await?;
            change.status = Set(status);
            change.waitlisted_at = Set(at);
            (BookingNews::Approved, "event_booking.approved")
        }
    };
    let booking = change.save_as_read(&txn).await?;
    record_booking_change(&txn, access.person_id, action, &booking, &event).await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices.signal(Signal::Event { event: event.id });
    notices
        .booking(&txn, news, &booking, &event, reason.as_deref())
        .await?;
    notices.commit(txn).await?;
    Ok(EventBooking(booking))
}

async fn cancel(ctx: &Context<'_>, input: CancelBookingInput) -> MutationResult<EventBooking> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (current, event) = locked_booking(&txn, &access, &input.booking_id).await?;
    allowed(
        access.may_cancel_booking(&current, &event),
        "only the person, whoever booked, their school's leaders or the host cancel a booking",
    )?;
    if !STANDING.contains(&current.status) {
        return Err(UserError::wrong_state("bookingId", "booking", current.status).into());
    }
    let now = Utc::now();
    if now >= event.starts_at {
        return Err(UserError::invalid_state(
            "bookingId",
            "the event has started: a booking can be cancelled only before",
        )
        .into());
    }
    let held_a_place = current.status == BookingStatus::Confirmed;
    let mut change = Change::edit(&current, now);
    change.status = Set(BookingStatus::Cancelled);
    change.waitlisted_at = Set(None);
    change.cancelled_at = Set(Some(now));
    let booking = change.save_as_read(&txn).await?;
    record_booking_change(
        &txn,
        access.actor(),
        "event_booking.cancelled",
        &booking,
        &event,
    )
    .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices.signal(Signal::Event { event: event.id });
    if held_a_place {
        free_place(&txn, event.id).await?;
        if matches!(event.status, EventStatus::Open | EventStatus::Closed) {
            promote_waitlist(&txn, access.actor(), &event, &mut notices).await?;
        }
    }
    notices.commit(txn).await?;
    Ok(EventBooking(booking))
}

async fn attendance(
    ctx: &Context<'_>,
    input: RecordAttendanceInput,
) -> MutationResult<EventBooking> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (current, event) = visible_booking(&txn, &access, &input.booking_id, "bookingId").await?;
    allowed(
        access.may_record_attendance(&event),
        "only the event's host records attendance",
    )?;
    let booking = record_attendance(&txn, &access, &current, &event, input.attended).await?;
    let mut notices = Notices::new(ctx, access.person_id);
    if booking.status == BookingStatus::Attended {
        crate::evaluations::on_attended(&txn, &mut notices, &booking, &event).await?;
    }
    notices.commit(txn).await?;
    Ok(EventBooking(booking))
}

/// Records whether the person of a booking attended `event`: the one place attendance is
/// written (what follows attending, such as the evaluation, starts here).
pub async fn record_attendance(
    txn: &DatabaseTransaction,
    access: &Access,
    current: &event_booking::Model,
    event: &event::Model,
    attended: bool,
) -> MutationResult<event_booking::Model> {
    if !matches!(
        current.status,
        BookingStatus::Confirmed | BookingStatus::Attended | BookingStatus::NoShow
    ) {
        return Err(UserError::wrong_state("bookingId", "booking", current.status).into());
    }
    if event.status == EventStatus::Cancelled {
        return Err(UserError::wrong_state("bookingId", "event", event.status).into());
    }
    let now = Utc::now();
    if now < event.starts_at {
        return Err(UserError::invalid_state(
            "bookingId",
            "the event has not started: attendance is recorded once it has",
        )
        .into());
    }
    let mut change = Change::edit(current, now);
    change.status = Set(if attended {
        BookingStatus::Attended
    } else {
        BookingStatus::NoShow
    });
    change.attendance_recorded_by_id = Set(Some(access.actor()));
    change.attendance_recorded_at = Set(Some(now));
    let booking = change.save_as_read(txn).await?;
    let action = if attended {
        "event_booking.attended"
    } else {
        "event_booking.no_show"
    };
    record_booking_change(txn, access.actor(), action, &booking, event).await?;
    Ok(booking)
}
