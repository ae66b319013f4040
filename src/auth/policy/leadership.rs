//! Who invites whom to lead, and who sees invitations to lead.
//!
//! - A leader invites a person of the alliance to lead something of the alliance: a
//!   school's leaders invite the staff of their school (a school active in the alliance);
//!   the alliance's admins and CPD leads invite anyone taking part in it; a community's
//!   facilitators invite its members to facilitate one of its meetings.
//! - The inviter must also have authority over what it is about, and see it: an event
//!   they edit, a community they run (its facilitators, the alliance's admins and CPD
//!   leads), a coaching relationship of the alliance they administer or of a school they
//!   lead (the coach's or the coachee's). The person invited must be able to see it too
//!   (no draft event, no event for another school) (`leadership::subjects`).
//! - Anyone else (an ordinary teacher, a service account) is refused before anything
//!   about the invitee or the subject is looked at, so that refusals tell them nothing.
//! - An invitation is seen by the person invited, by the inviter, and by the admins and
//!   CPD leads of its alliance, who coordinate who leads what. Platform admins see as
//!   the CPD leads do. The message is read by the person invited and the inviter only.
//! - The inviter keeps seeing what they sent after their role ends (it is their own act,
//!   and its history is theirs to read), but acts on it (withdraws it, marks it done)
//!   only while they could still make it: each such step checks again that they may
//!   invite the person to lead the subject.
//! - The invitee accepts or declines what waits, and steps back (declines) from what they
//!   accepted; the inviter withdraws it, waiting or accepted; either marks an accepted one
//!   done.
//! - A person's leadership record (accepted and completed invitations) is their own.
//! - Service accounts neither see nor make invitations.

use entity::enums::{EventAudience, EventStatus};
use entity::{coaching_relationship, event, leadership_invitation};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use super::Access;

impl Access {
    /// Whether the caller could invite anyone to lead in an alliance at all: its admins
    /// and CPD leads, a school's leaders, a community's facilitators. Checked first, so
    /// that anyone else is refused before the invitee or the subject are looked at.
    pub fn may_invite_to_lead_at_all(&self, alliance_id: i32) -> bool {
        self.service_account.is_none()
            && (self.administers_alliance(alliance_id)
                || !self.led_schools().is_empty()
                || !self.facilitated_communities().is_empty())
    }

    /// Whether the caller may invite a person to lead in an alliance. `invitee_schools`:
    /// the invitee's current schools that are active members of the alliance; `community`:
    /// the community whose meeting the invitation is about, if it is about one. The
    /// caller's authority over the subject is checked besides (`Subject::led_by`).
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

    /// Whether the caller has authority over a coaching relationship, to invite its coach
    /// to lead it: the alliance's admins and CPD leads, the leaders of the coach's or the
    /// coachee's school.
    pub fn oversees_coaching(&self, relationship: &coaching_relationship::Model) -> bool {
        self.administers_alliance(relationship.alliance_id)
            || [relationship.coach_school_id, relationship.coachee_school_id]
                .into_iter()
                .flatten()
                .any(|school| self.leads_school(school))
    }

    /// Whether a person taking part in the event's alliance, working at `schools` in it,
    /// sees the event as its published audience (`sees_event`, without editing it): not
    /// a draft, and, for the host school only, one of its staff.
    pub fn event_seen_from(event: &event::Model, schools: &[i32]) -> bool {
        event.status != EventStatus::Draft
            && (event.audience != EventAudience::HostSchool
                || event
                    .host_school_id
                    .is_some_and(|school| schools.contains(&school)))
    }

    /// Whether the caller is the person invited.
    pub fn is_invited_to_lead(&self, invitation: &leadership_invitation::Model) -> bool {
        self.service_account.is_none() && invitation.person_id == self.person_id
    }

    /// Whether the caller made the invitation.
    pub fn invited_to_lead(&self, invitation: &leadership_invitation::Model) -> bool {
        self.service_account.is_none() && invitation.invited_by_id == self.person_id
    }

    /// Whether the caller reads an invitation's message: the person invited and the
    /// inviter (not the alliance's coordinators).
    pub fn reads_invitation_message(&self, invitation: &leadership_invitation::Model) -> bool {
        self.is_invited_to_lead(invitation) || self.invited_to_lead(invitation)
    }

    /// Whether the caller answers an invitation (accepts, declines, steps back): the
    /// person invited only.
    pub fn may_answer_invitation(&self, invitation: &leadership_invitation::Model) -> bool {
        self.is_invited_to_lead(invitation)
    }

    /// Whether the caller withdraws an invitation: its inviter (who must, besides, still
    /// be able to make it).
    pub fn may_withdraw_invitation(&self, invitation: &leadership_invitation::Model) -> bool {
        self.invited_to_lead(invitation)
    }

    /// Whether the caller marks accepted leadership done: the person invited, or the
    /// inviter (who must, besides, still be able to make it).
    pub fn may_complete_leadership(&self, invitation: &leadership_invitation::Model) -> bool {
        self.is_invited_to_lead(invitation) || self.invited_to_lead(invitation)
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
        self.rows_seen_by_people(|| {
            Condition::any()
                .add(Column::PersonId.eq(self.person_id))
                .add(Column::InvitedById.eq(self.person_id))
                .add(Column::AllianceId.is_in(self.administered_alliances()))
        })
    }
}
