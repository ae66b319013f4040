//! Who sees and does what with expertise profiles (strengths and development needs).
//!
//! - A person keeps their own profile: they declare, change and remove its entries and say
//!   whether they are visible as a potential coach, with their capacity.
//! - A person's profile is seen by themself and by the leaders (headteacher, senior
//!   leaders, school CPD lead) of a school the person works at now: only while both roles
//!   are current. Platform admins see it too.
//! - One of those leaders, never the person themself, confirms an entry.
//! - An alliance's CPD leads and admins see the alliance-wide view of strengths and needs
//!   per theme and school: counts, never under five (`fewer than 5` instead), and the names
//!   of only those who chose to be visible as potential coaches.
//! - Service accounts read none of it: a profile is developmental, not staff data.

use entity::{expertise_entry, staff_role};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Query};

use super::Access;

impl Access {
    /// Whether the caller sees the profile of `person_id`, who works now at `schools`.
    pub fn sees_expertise_of(&self, person_id: i32, schools: &[i32]) -> bool {
        if self.service_account.is_some() {
            return false;
        }
        self.platform_admin
            || person_id == self.person_id
            || schools.iter().any(|school| self.leads_school(*school))
    }

    /// Restricts a query on expertise entries to those the caller sees
    /// (`sees_expertise_of`).
    pub fn expertise_condition(&self) -> Condition {
        self.rows_seen_by_people(|| {
            let staff = Query::select()
                .column(staff_role::Column::PersonId)
                .from(staff_role::Entity)
                .and_where(staff_role::Column::SchoolId.is_in(self.led_schools()))
                .and_where(staff_role::Column::EndsOn.is_null())
                .to_owned();
            Condition::any()
                .add(expertise_entry::Column::PersonId.eq(self.person_id))
                .add(expertise_entry::Column::PersonId.in_subquery(staff))
        })
    }

    /// Whether the caller confirms an entry of `person_id`, who works now at `schools`: a
    /// leader of one of those schools, other than the person.
    pub fn may_confirm_expertise_of(&self, person_id: i32, schools: &[i32]) -> bool {
        self.service_account.is_none()
            && person_id != self.person_id
            && schools.iter().any(|school| self.leads_school(*school))
    }

    /// Whether the caller sees an alliance's strengths and needs in aggregate and asks for
    /// coaching suggestions: its CPD leads and admins.
    pub fn sees_alliance_expertise(&self, alliance_id: i32) -> bool {
        self.service_account.is_none() && self.administers_alliance(alliance_id)
    }
}
