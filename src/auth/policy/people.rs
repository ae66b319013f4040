//! Who sees people, and who administers them (reads their email, manages their roles
//! and account).
//!
//! - A person is seen by themself, and by those who share an active alliance network or a
//!   school with them: their colleagues, and the people of schools active in an alliance
//!   the caller takes part in.
//! - A person's email is seen by themself and by those who administer them: leaders of a
//!   school they work at, and admins of an alliance they work in.
//! - A staff role is changed by those who manage its school and by the person in it.
//! - Platform admins see and administer everyone.

use entity::{alliance_role, person, staff_role};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Query};

use super::Access;
use crate::auth::scopes::Scope;

impl Access {
    /// Restricts a query on people to those the caller sees.
    pub fn person_condition(&self) -> Condition {
        self.people_condition(
            self.network_schools.iter().copied(),
            self.alliances.iter().copied(),
        )
    }

    /// Restricts a query on people to those whose email the caller reads (see
    /// `administers_person`): a search matches an email only there, so that it cannot
    /// tell who has an address the caller may not read.
    pub fn email_condition(&self) -> Condition {
        self.people_condition(
            self.managed_schools.iter().copied(),
            self.administered_alliances(),
        )
    }

    /// People the two rules above keep alike: every one for platform admins; for others
    /// who read people, themself and those who now work at one of `schools` or hold a role
    /// in one of `alliances`; none otherwise.
    fn people_condition(
        &self,
        schools: impl IntoIterator<Item = i32>,
        alliances: impl IntoIterator<Item = i32>,
    ) -> Condition {
        self.rows_seen(Scope::PeopleRead, || {
            let staff = Query::select()
                .column(staff_role::Column::PersonId)
                .from(staff_role::Entity)
                .and_where(staff_role::Column::EndsOn.is_null())
                .and_where(staff_role::Column::SchoolId.is_in(schools))
                .to_owned();
            let role_holders = Query::select()
                .column(alliance_role::Column::PersonId)
                .from(alliance_role::Entity)
                .and_where(alliance_role::Column::EndsOn.is_null())
                .and_where(alliance_role::Column::AllianceId.is_in(alliances))
                .to_owned();
            Condition::any()
                .add(person::Column::Id.eq(self.person_id))
                .add(person::Column::Id.in_subquery(staff))
                .add(person::Column::Id.in_subquery(role_holders))
        })
    }

    /// Whether the caller sees a person wherever they work (themself; everyone, for a
    /// platform admin): then their places need no look-up.
    pub fn sees_person_wherever_they_work(&self, person_id: i32) -> bool {
        self.platform_admin || person_id == self.person_id
    }

    /// Whether the caller sees a person, given where that person works now.
    pub fn sees_person(&self, person_id: i32, schools: &[i32], alliances: &[i32]) -> bool {
        self.sees_person_wherever_they_work(person_id)
            || (self.reads(Scope::PeopleRead)
                && (schools.iter().any(|s| self.network_schools.contains(s))
                    || alliances.iter().any(|a| self.alliances.contains(a))))
    }

    /// Whether the caller administers a person (sees their email, manages their roles and
    /// account): manages a school they work at, or administers an alliance they hold a
    /// role in.
    pub fn administers_person(&self, person_id: i32, schools: &[i32], alliances: &[i32]) -> bool {
        self.platform_admin
            || person_id == self.person_id
            || (self.reads(Scope::PeopleRead)
                && (schools.iter().any(|school| self.manages_school(*school))
                    || alliances.iter().any(|a| self.administers_alliance(*a))))
    }

    /// Whether the caller may disable or re-enable a person's account: they administer the
    /// person, and are not that person.
    pub fn sets_account_status_of(
        &self,
        person_id: i32,
        schools: &[i32],
        alliances: &[i32],
    ) -> bool {
        person_id != self.person_id && self.administers_person(person_id, schools, alliances)
    }

    /// Whether the caller finds a staff role to change or end it: one at a school whose
    /// staff they see, or their own.
    pub fn finds_staff_role(&self, role: &staff_role::Model) -> bool {
        self.sees_staff_of(role.school_id) || role.person_id == self.person_id
    }

    /// Whether the caller changes a staff role: those who manage its school, and the
    /// person in it.
    pub fn changes_staff_role(&self, role: &staff_role::Model) -> bool {
        self.manages_school(role.school_id) || role.person_id == self.person_id
    }
}
