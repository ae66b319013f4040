//! Who invites people, and who manages the invitations: sees them, sends them again,
//! revokes them.
//!
//! - Into a staff role at a school: those who manage the school's staff (its leaders, the
//!   admins and CPD leads of alliances it is an active member of). And, so that a newly
//!   registered school can get going, its first leader (headteacher, senior leader or
//!   school CPD lead): the admins and CPD leads of an alliance the school is a member of,
//!   or invited to, may invite one while the school has no current leader.
//! - Into an alliance role: the alliance's admins and CPD leads.
//!
//! Whoever may send an invitation now manages it; nobody else sees it (nor the invitee's
//! email in it). Platform admins manage all.

use entity::enums::{MembershipStatus, StaffRoleKind};
use entity::{alliance_membership, invitation, staff_role};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};

use super::Access;
use crate::auth::scopes::Scope;

impl Access {
    /// Restricts `school` (a column holding a school id) to schools whose first leader the
    /// caller may invite: members (active or invited) of an alliance they administer that
    /// have no current leader.
    pub fn first_leader_condition(&self, school: impl ColumnTrait) -> Condition {
        let in_their_alliances = Query::select()
            .column(alliance_membership::Column::SchoolId)
            .from(alliance_membership::Entity)
            .and_where(alliance_membership::Column::AllianceId.is_in(self.administered_alliances()))
            .and_where(
                alliance_membership::Column::Status
                    .is_in([MembershipStatus::Active, MembershipStatus::Invited]),
            )
            .to_owned();
        let current_leader = Query::select()
            .expr(Expr::val(1))
            .from(staff_role::Entity)
            .and_where(
                Expr::col((staff_role::Entity, staff_role::Column::SchoolId))
                    .equals(school.as_column_ref()),
            )
            .and_where(staff_role::Column::EndsOn.is_null())
            .and_where(staff_role::Column::Role.is_in(StaffRoleKind::LEADERS))
            .to_owned();
        Condition::all()
            .add(school.in_subquery(in_their_alliances))
            .add(Expr::exists(current_leader).not())
    }

    /// Restricts invitations to those the caller manages.
    pub fn invitation_condition(&self) -> Condition {
        self.rows_seen(Scope::PeopleRead, || {
            Condition::any()
                .add(invitation::Column::AllianceId.is_in(self.administered_alliances()))
                .add(invitation::Column::SchoolId.is_in(self.managed_schools.iter().copied()))
                .add(
                    Condition::all()
                        .add(invitation::Column::StaffRole.is_in(StaffRoleKind::LEADERS))
                        .add(self.first_leader_condition(invitation::Column::SchoolId)),
                )
        })
    }
}
