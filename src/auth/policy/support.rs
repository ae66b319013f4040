//! Who sees and does what with needs, offers and brokering.
//!
//! - Support requests and offers are seen by everyone taking part actively in their
//!   alliance (staff of active member schools, people in alliance roles), and always by
//!   those they belong to: the requesting school's leaders; the offering person and the
//!   offering school's leaders.
//! - A school's leaders (headteacher, senior leaders, school CPD lead) post and manage its
//!   requests; the alliance's admins and CPD leads may also close one.
//! - Staff post offers for themselves; school leaders post offers for their school. The
//!   person named in an offer, whoever posted it, and the offering school's leaders
//!   manage it.
//! - Only the alliance's admins and CPD leads see suggestions and broker requests.
//! - A support arrangement is seen by its parties (the leaders of both schools, the
//!   supporting person) and by the alliance's admins and CPD leads, who are also the ones
//!   who move it along (start, complete, cancel).
//! - Platform admins see and do everything.

use entity::{support_arrangement, support_offer, support_request};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use super::Access;
use crate::auth::scopes::Scope;

impl Access {
    /// Whether the caller takes part actively in an alliance: through a role, or a school
    /// of theirs that is an active member.
    pub fn takes_part_in(&self, alliance_id: i32) -> bool {
        self.platform_admin || self.active_alliances.contains(&alliance_id)
    }

    // ---- requests ----

    pub fn sees_support_request(&self, request: &support_request::Model) -> bool {
        self.reads(Scope::PracticeRead)
            && (self.takes_part_in(request.alliance_id) || self.leads_school(request.school_id))
    }

    /// Restricts a query on support requests to those the caller sees.
    pub fn support_request_condition(&self) -> Condition {
        use support_request::Column;
        self.rows_seen(Scope::PracticeRead, || {
            Condition::any()
                .add(Column::AllianceId.is_in(self.active_alliances.iter().copied()))
                .add(Column::SchoolId.is_in(self.led_schools()))
        })
    }

    /// Whether the caller may post a request for `school` (its membership of the alliance
    /// is checked separately).
    pub fn may_post_support_request(&self, school_id: i32) -> bool {
        self.leads_school(school_id)
    }

    /// Whether the caller edits and withdraws a request: the requesting school's leaders.
    pub fn manages_support_request(&self, request: &support_request::Model) -> bool {
        self.leads_school(request.school_id)
    }

    /// Whether the caller may close a request: its school's leaders, and the alliance's
    /// admins and CPD leads.
    pub fn may_close_support_request(&self, request: &support_request::Model) -> bool {
        self.manages_support_request(request) || self.administers_alliance(request.alliance_id)
    }

    /// Whether the caller sees suggestions for, and brokers, requests of an alliance.
    pub fn brokers_support(&self, alliance_id: i32) -> bool {
        self.reads(Scope::PracticeRead) && self.administers_alliance(alliance_id)
    }

    // ---- offers ----

    pub fn sees_support_offer(&self, offer: &support_offer::Model) -> bool {
        self.reads(Scope::PracticeRead)
            && (self.takes_part_in(offer.alliance_id)
                || offer.person_id == Some(self.person_id)
                || offer
                    .school_id
                    .is_some_and(|school| self.leads_school(school)))
    }

    /// Restricts a query on support offers to those the caller sees.
    pub fn support_offer_condition(&self) -> Condition {
        use support_offer::Column;
        self.rows_seen(Scope::PracticeRead, || {
            Condition::any()
                .add(Column::AllianceId.is_in(self.active_alliances.iter().copied()))
                .add(Column::PersonId.eq(self.person_id))
                .add(Column::SchoolId.is_in(self.led_schools()))
        })
    }

    /// Whether the caller edits, pauses, resumes and withdraws an offer.
    pub fn manages_support_offer(&self, offer: &support_offer::Model) -> bool {
        self.platform_admin
            || offer.person_id == Some(self.person_id)
            || offer.created_by_id == self.person_id
            || offer
                .school_id
                .is_some_and(|school| self.leads_school(school))
    }

    // ---- arrangements ----

    /// Whether the caller is a party to an arrangement or administers its alliance.
    pub fn sees_support_arrangement(&self, arrangement: &support_arrangement::Model) -> bool {
        self.reads(Scope::PracticeRead)
            && (self.administers_alliance(arrangement.alliance_id)
                || self.leads_school(arrangement.supported_school_id)
                || arrangement
                    .supporting_school_id
                    .is_some_and(|school| self.leads_school(school))
                || arrangement.supporting_person_id == Some(self.person_id))
    }

    /// Restricts a query on support arrangements to those the caller sees.
    pub fn support_arrangement_condition(&self) -> Condition {
        use support_arrangement::Column;
        self.rows_seen(Scope::PracticeRead, || {
            let led = self.led_schools();
            Condition::any()
                .add(Column::AllianceId.is_in(self.administered_alliances()))
                .add(Column::SupportedSchoolId.is_in(led.clone()))
                .add(Column::SupportingSchoolId.is_in(led))
                .add(Column::SupportingPersonId.eq(self.person_id))
        })
    }

    /// Whether the caller moves an arrangement along: its parties and the alliance's
    /// admins and CPD leads.
    pub fn runs_support_arrangement(&self, arrangement: &support_arrangement::Model) -> bool {
        self.sees_support_arrangement(arrangement)
    }
}
