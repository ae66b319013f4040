//! Who sees and does what with release time (the ledger, days out, limits).
//!
//! - A school's ledger figures in an alliance: the school's leaders (headteacher, senior
//!   leaders, school CPD lead), and the alliance's admins and CPD leads, who see every
//!   member school's totals and the alliance's fairness summary.
//! - A person's days out of school and their limit: the person themself, and the leaders
//!   of a school they work at (or, for a booking, the school they book from). Alliance
//!   admins and CPD leads see totals, never one person's days.
//! - A school's release limits are set and removed by its leaders, and seen by its leaders
//!   and its staff (who are bound by them).
//! - The release check of a booking (days so far, what the booking costs, the limit) is
//!   seen by the booked person and by the leaders of the school they book from: those
//!   who approve it.
//! - Platform admins see everything; a service account needs `events:read` and reads only
//!   its tenant's schools.

use entity::alliance_membership;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use super::Access;
use crate::auth::scopes::Scope;

impl Access {
    /// Whether the caller sees a school's ledger figures within an alliance.
    pub fn sees_school_release(&self, alliance_id: i32, school_id: i32) -> bool {
        self.reads(Scope::EventsRead)
            && (self.administers_alliance(alliance_id)
                || (self.leads_school(school_id) && self.in_tenant(school_id)))
    }

    /// Restricts a query on alliance memberships (the ledger's rows) to the schools whose
    /// figures the caller sees (see `sees_school_release`).
    pub fn school_release_condition(&self) -> Condition {
        use alliance_membership::Column;
        self.rows_seen(Scope::EventsRead, || {
            let led: Vec<i32> = self
                .led_schools()
                .into_iter()
                .filter(|school| self.in_tenant(*school))
                .collect();
            Condition::any()
                .add(Column::AllianceId.is_in(self.administered_alliances()))
                .add(Column::SchoolId.is_in(led))
        })
    }

    /// Whether the caller sees the alliance-wide summary (givers and receivers, fairness).
    pub fn sees_alliance_release(&self, alliance_id: i32) -> bool {
        self.reads(Scope::EventsRead) && self.administers_alliance(alliance_id)
    }

    /// Whether the caller sees a person's days out and limit: the person, or a leader of
    /// one of `schools` (the schools they work at, or the school of a booking).
    pub fn sees_days_out(&self, person_id: i32, schools: &[i32]) -> bool {
        self.reads(Scope::EventsRead)
            && (person_id == self.person_id
                || schools
                    .iter()
                    .any(|school| self.leads_school(*school) && self.in_tenant(*school)))
    }

    /// Whether the caller sees a school's release limits: its leaders and its staff.
    pub fn sees_release_limits(&self, school_id: i32) -> bool {
        self.reads(Scope::EventsRead) && (self.leads_school(school_id) || self.works_at(school_id))
    }

    /// Whether the caller sets and removes a school's release limits: its leaders.
    pub fn may_set_release_limit(&self, school_id: i32) -> bool {
        self.leads_school(school_id) && self.service_account.is_none()
    }

    /// A service account reaches only its tenant's schools; people reach every school.
    fn in_tenant(&self, school_id: i32) -> bool {
        self.service_account.is_none()
            || self.platform_admin
            || self.network_schools.contains(&school_id)
    }
}

impl Access {
    /// Restricts a query on release limits to those the caller sees (see
    /// `sees_release_limits`).
    pub fn release_limit_condition(&self) -> Condition {
        use entity::release_limit::Column;
        self.rows_seen(Scope::EventsRead, || {
            Condition::all().add(Column::SchoolId.is_in(self.school_roles.keys().copied()))
        })
    }
}
