//! Who sees and writes evaluations of events and their impact follow-ups.
//!
//! - Only the person who attended writes (and edits) the evaluation and the follow-up of
//!   their booking, and only once the booking is `ATTENDED`. A service account never does.
//! - The person sees their own evaluation and follow-up.
//! - An event's impact (counts, themes of change, and the texts of those shared in full)
//!   is seen by its hosts: the leaders of the host school, and the admins and CPD leads
//!   of the event's alliance (who host the alliance's own events). Texts not shared in
//!   full are never shown to anyone but their author, counted only.
//! - Platform admins see what hosts see.

use entity::enums::BookingStatus;
use entity::{event, event_booking};

use super::Access;
use crate::auth::scopes::Scope;

impl Access {
    /// Whether the caller writes the evaluation and follow-up of a booking: the person
    /// booked, once they attended.
    pub fn may_evaluate(&self, booking: &event_booking::Model) -> bool {
        self.service_account.is_none()
            && booking.person_id == self.person_id
            && booking.status == BookingStatus::Attended
    }

    /// Whether the caller reads a person's own evaluations and follow-ups.
    pub fn sees_own_evaluation(&self, person_id: i32) -> bool {
        self.service_account.is_none() && person_id == self.person_id
    }

    /// Whether the caller sees an event's impact: its hosts and the alliance's admins and
    /// CPD leads.
    pub fn sees_event_impact(&self, event: &event::Model) -> bool {
        self.reads(Scope::EventsRead)
            && (self.administers_alliance(event.alliance_id)
                || event
                    .host_school_id
                    .is_some_and(|school| self.leads_school(school)))
    }
}
