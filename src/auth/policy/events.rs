//! Who sees and does what with events and bookings.
//!
//! - An alliance's admins and CPD leads host events for the alliance; a school's leaders
//!   (headteacher, senior leaders, school CPD lead) host events for their school, in an
//!   alliance the school is an active member of. Those who may host an event edit it and
//!   move it through its life cycle, see its bookings and record attendance.
//! - A `DRAFT` event is seen only by those who edit it. Once published (open, closed, held
//!   or cancelled) it is seen by everyone taking part actively in its alliance, except an
//!   event for the host school only (`HOST_SCHOOL`), which only the host school's staff
//!   see besides its editors. A partnership's event is seen alliance-wide (so that giving
//!   is visible), though only the partnership's schools' staff may book it (checked when
//!   booking). Nobody outside the alliance sees any of it.
//! - A booking is seen by its person, whoever booked it, the leaders of the school the
//!   person attends from, and the event's editors.
//! - A person books for themself; a school's leaders book for their staff. One of the
//!   person's school leaders, never the person themself, approves or declines a booking
//!   that needs approval. The person, whoever booked, the school's leaders and the event's
//!   editors may cancel it.
//! - Service accounts read events and bookings with `events:read`, within their tenant.

use entity::enums::{EventAudience, EventStatus};
use entity::{event, event_booking};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Query};

use super::Access;
use crate::auth::scopes::Scope;

impl Access {
    /// Whether the caller may host an event in `alliance_id`, for the alliance itself
    /// (`host_school_id` none: its admins and CPD leads) or for one of its schools (that
    /// school's leaders, or the alliance's admins and CPD leads). Whether the school is an
    /// active member is checked where the event is written.
    pub fn may_host_event(&self, alliance_id: i32, host_school_id: Option<i32>) -> bool {
        self.administers_alliance(alliance_id)
            || host_school_id.is_some_and(|school| self.leads_school(school))
    }

    /// Whether the caller edits an event, moves it through its life cycle, sees all its
    /// bookings and records attendance: those who may host it.
    pub fn edits_event(&self, event: &event::Model) -> bool {
        self.may_host_event(event.alliance_id, event.host_school_id)
    }

    pub fn sees_event(&self, event: &event::Model) -> bool {
        if self.platform_admin {
            return true;
        }
        self.reads(Scope::EventsRead)
            && (self.edits_event(event)
                || (event.status != EventStatus::Draft
                    && self.active_alliances.contains(&event.alliance_id)
                    && (event.audience != EventAudience::HostSchool
                        || event
                            .host_school_id
                            .is_some_and(|school| self.works_at(school)))))
    }

    /// The events the caller edits, as an SQL condition on `event`.
    fn edited_events_condition(&self) -> Condition {
        Condition::any()
            .add(event::Column::AllianceId.is_in(self.administered_alliances()))
            .add(event::Column::HostSchoolId.is_in(self.led_schools()))
    }

    /// Restricts a query on events to those the caller sees (`sees_event`).
    pub fn event_condition(&self) -> Condition {
        self.rows_seen(Scope::EventsRead, || {
            let published = Condition::all()
                .add(event::Column::Status.ne(EventStatus::Draft))
                .add(event::Column::AllianceId.is_in(self.active_alliances.iter().copied()))
                .add(
                    Condition::any()
                        .add(event::Column::Audience.ne(EventAudience::HostSchool))
                        .add(event::Column::HostSchoolId.is_in(self.own_schools())),
                );
            Condition::any()
                .add(self.edited_events_condition())
                .add(published)
        })
    }

    /// Whether the caller may book a place on an event for `person_id`, attending from
    /// `school_id`: for themself, from a school they work at; for their staff, as one of
    /// the school's leaders.
    pub fn may_book_for(&self, person_id: i32, school_id: i32) -> bool {
        (person_id == self.person_id && self.works_at(school_id)) || self.leads_school(school_id)
    }

    pub fn sees_booking(&self, booking: &event_booking::Model, event: &event::Model) -> bool {
        if self.platform_admin {
            return true;
        }
        self.reads(Scope::EventsRead)
            && (booking.person_id == self.person_id
                || booking.booked_by_id == self.person_id
                || self.leads_school(booking.school_id)
                || self.edits_event(event))
    }

    /// Restricts a query on bookings to those the caller sees (`sees_booking`).
    pub fn booking_condition(&self) -> Condition {
        use event_booking::Column;
        self.rows_seen(Scope::EventsRead, || {
            let edited = Query::select()
                .column(event::Column::Id)
                .from(event::Entity)
                .cond_where(self.edited_events_condition())
                .to_owned();
            Condition::any()
                .add(Column::PersonId.eq(self.person_id))
                .add(Column::BookedById.eq(self.person_id))
                .add(Column::SchoolId.is_in(self.led_schools()))
                .add(Column::EventId.in_subquery(edited))
        })
    }

    /// Whether the caller approves or declines a booking: a leader of the school the
    /// person attends from, never the person themself.
    pub fn may_decide_booking(&self, booking: &event_booking::Model) -> bool {
        self.may_decide_booking_at(booking.person_id, booking.school_id)
    }

    /// Whether the caller decides the bookings of `person_id` attending from `school_id`
    /// (and so approves a booking they make for them as they make it).
    pub fn may_decide_booking_at(&self, person_id: i32, school_id: i32) -> bool {
        person_id != self.person_id && self.leads_school(school_id)
    }

    /// Whether the caller cancels a booking: its person, whoever booked it, the school's
    /// leaders and the event's editors.
    pub fn may_cancel_booking(&self, booking: &event_booking::Model, event: &event::Model) -> bool {
        booking.person_id == self.person_id
            || booking.booked_by_id == self.person_id
            || self.leads_school(booking.school_id)
            || self.edits_event(event)
    }

    /// Whether the caller records who attended: the event's editors (its host).
    pub fn may_record_attendance(&self, event: &event::Model) -> bool {
        self.edits_event(event)
    }
}
