//! Who invites whom to lead, and who sees invitations to lead.
//!
//! - A leader invites a person of the alliance to lead something of the alliance: a
//!   school's leaders invite the staff of their school (a school active in the alliance);
//!   the alliance's admins and CPD leads invite anyone taking part in it; a community's
//!   facilitators invite its members to facilitate one of its meetings. What it is about
//!   must be seen by the inviter (`leadership::subjects`).
//! - An invitation is seen by the person invited, by the inviter, and by the admins and
//!   CPD leads of its alliance, who coordinate who leads what. Platform admins see as
//!   the CPD leads do.
//! - The invitee accepts or declines; the inviter withdraws it while it waits; either
//!   marks an accepted one done.
//! - A person's leadership record (accepted and completed invitations) is their own.
//! - Service accounts neither see nor make invitations.

use entity::leadership_invitation;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use super::Access;

impl Access {
    /// Whether the caller may invite a person to lead in an alliance. `invitee_schools`:
    /// the invitee's current schools that are active members of the alliance; `community`:
    /// the community whose meeting the invitation is about, if it is about one.
    pub fn may_invite_to_lead(
        &self,
        alliance_id: i32,
        invitee_schools: &[i32],
        community: Option<i32>,
    ) -> bool {
        self.service_account.is_none()
            && (self.administers_alliance(alliance_id)
                || invitee_schools
                    .iter()
                    .any(|school| self.leads_school(*school))
                || community.is_some_and(|community| self.facilitates(community)))
    }

    /// Whether the caller is the person invited.
    pub fn is_invited_to_lead(&self, invitation: &leadership_invitation::Model) -> bool {
        self.service_account.is_none() && invitation.person_id == self.person_id
    }

    /// Whether the caller made the invitation.
    pub fn invited_to_lead(&self, invitation: &leadership_invitation::Model) -> bool {
        self.service_account.is_none() && invitation.invited_by_id == self.person_id
    }

    /// Whether the caller sees an invitation to lead.
    pub fn sees_leadership_invitation(&self, invitation: &leadership_invitation::Model) -> bool {
        self.is_invited_to_lead(invitation)
            || self.invited_to_lead(invitation)
            || (self.service_account.is_none() && self.administers_alliance(invitation.alliance_id))
    }

    /// Restricts a query on invitations to lead to those the caller sees
    /// (`sees_leadership_invitation`).
    pub fn leadership_invitation_condition(&self) -> Condition {
        use leadership_invitation::Column;
        if self.service_account.is_some() {
            return Condition::any();
        }
        if self.platform_admin {
            return Condition::all();
        }
        Condition::any()
            .add(Column::PersonId.eq(self.person_id))
            .add(Column::InvitedById.eq(self.person_id))
            .add(Column::AllianceId.is_in(self.administered_alliances()))
    }
}
