//! What people are told about bookings and events, by email after the change commits
//! (`notifications`): a booking confirmed, waitlisted, promoted from the waitlist,
//! awaiting approval (the person's school leaders are told), approved or declined; an
//! event's sessions or place changed, or the event cancelled.

use chrono_tz::Tz;
use entity::enums::{BookingStatus, EventStatus};
use entity::{event, event_booking, event_session};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::graphql::ids::NodeKind;
use crate::notifications::recipients::school_leaders;
use crate::notifications::{Message, Notices, NotificationKind as Kind};

/// What happened to a booking, as its person is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingNews {
    /// Booked: a place (`CONFIRMED`), the waitlist, or awaiting approval, as its status says.
    Booked,
    /// A place freed up and is now theirs.
    Promoted,
    /// A school leader approved it: a place, or the waitlist, as its status says.
    Approved,
    /// A school leader declined it.
    Declined,
}

/// When an event starts, on the wall clock of its first session's zone.
async fn starts(conn: &impl ConnectionTrait, event: &event::Model) -> Result<String, DbErr> {
    let zone = event_session::Entity::find()
        .filter(event_session::Column::EventId.eq(event.id))
        .order_by_asc(event_session::Column::StartsAt)
        .one(conn)
        .await?
        .and_then(|session| session.time_zone.parse::<Tz>().ok())
        .unwrap_or(Tz::Europe__London);
    Ok(format!(
        "{} ({zone})",
        event
            .starts_at
            .with_timezone(&zone)
            .format("%A %-d %B %Y, %H:%M")
    ))
}

impl Notices {
    /// Tells the person of a booking what happened to it; a booking that now awaits
    /// approval tells the person's school leaders instead (the person themself never
    /// approves).
    pub async fn booking(
        &mut self,
        conn: &impl ConnectionTrait,
        news: BookingNews,
        booking: &event_booking::Model,
        event: &event::Model,
        reason: Option<&str>,
    ) -> Result<(), DbErr> {
        let title = &event.title;
        let when = starts(conn, event).await?;
        let about = (NodeKind::EventBooking, booking.id);
        let placed = match booking.status {
            BookingStatus::Confirmed => "You have a place.",
            BookingStatus::Waitlisted => {
                "The event is full, so you are on its waitlist: if a place frees up, it is yours in turn and you will be told."
            }
            _ => "",
        };
        let (kind, subject, text) = match (news, booking.status) {
            (BookingNews::Booked, BookingStatus::AwaitingApproval) => {
                let leaders: Vec<i32> = school_leaders(conn, vec![booking.school_id])
                    .await?
                    .into_iter()
                    .filter(|leader| *leader != booking.person_id)
                    .collect();
                self.tell(
                    leaders,
                    Message {
                        kind: Kind::BookingApprovalNeeded,
                        about,
                        mentions: vec![NodeKind::Person.id(booking.person_id)],
                        subject: format!("Booking to approve: {title}"),
                        text: format!(
                            "A member of your staff is booked on \"{title}\" on {when}, which needs their school's approval for their release. Approve or decline the booking (approveBooking, declineBooking)."
                        ),
                    },
                );
                return Ok(());
            }
            (BookingNews::Booked, BookingStatus::Waitlisted) => (
                Kind::BookingWaitlisted,
                format!("On the waitlist: {title}"),
                format!("Your booking on \"{title}\" on {when} is made. {placed}"),
            ),
            (BookingNews::Booked, _) => (
                Kind::BookingConfirmed,
                format!("Booked: {title}"),
                format!("Your place on \"{title}\" on {when} is booked."),
            ),
            (BookingNews::Promoted, _) => (
                Kind::BookingPromoted,
                format!("A place is yours: {title}"),
                format!(
                    "A place on \"{title}\" on {when} freed up, and as the first on its waitlist it is now yours."
                ),
            ),
            (BookingNews::Approved, _) => (
                Kind::BookingApproved,
                format!("Approved: {title}"),
                format!("Your school approved your booking on \"{title}\" on {when}. {placed}"),
            ),
            (BookingNews::Declined, _) => (
                Kind::BookingDeclined,
                format!("Declined: {title}"),
                format!(
                    "Your school declined your booking on \"{title}\" on {when}, saying:\n\n{}",
                    reason.unwrap_or_default()
                ),
            ),
        };
        self.tell(
            [booking.person_id],
            Message {
                kind,
                about,
                mentions: Vec::new(),
                subject,
                text,
            },
        );
        Ok(())
    }

    /// Tells everyone booked on an event (with a place, on the waitlist, or awaiting
    /// approval) that its sessions or place changed, or that it was cancelled.
    pub async fn event_changed(
        &mut self,
        conn: &impl ConnectionTrait,
        event: &event::Model,
    ) -> Result<(), DbErr> {
        let booked: Vec<i32> = event_booking::Entity::find()
            .filter(event_booking::Column::EventId.eq(event.id))
            .filter(event_booking::Column::Status.is_in([
                BookingStatus::Confirmed,
                BookingStatus::Waitlisted,
                BookingStatus::AwaitingApproval,
            ]))
            .all(conn)
            .await?
            .into_iter()
            .map(|booking| booking.person_id)
            .collect();
        let title = &event.title;
        let (kind, subject, text) = if event.status == EventStatus::Cancelled {
            (
                Kind::EventCancelled,
                format!("Cancelled: {title}"),
                format!(
                    "\"{title}\" is cancelled, so your booking on it no longer stands. The reason given:\n\n{}",
                    event.cancelled_reason.as_deref().unwrap_or_default()
                ),
            )
        } else {
            let when = starts(conn, event).await?;
            (
                Kind::EventChanged,
                format!("Changed: {title}"),
                format!(
                    "The times or place of \"{title}\", which you are booked on, changed. It now starts on {when}: see the event for its sessions and place."
                ),
            )
        };
        self.tell(
            booked,
            Message {
                kind,
                about: (NodeKind::Event, event.id),
                mentions: Vec::new(),
                subject,
                text,
            },
        );
        Ok(())
    }
}
