//! Who is told of invitations to lead: the person invited, when invited and when it is
//! withdrawn; the inviter, when they answer. The mail names what to lead, never the message, which is read in Trellis.

use entity::enums::LeadershipStatus;
use entity::leadership_invitation;

use crate::graphql::ids::NodeKind;
use crate::notifications::{Message, Notices, NotificationKind as Kind};

impl Notices {
    /// A person was invited to lead (to them, naming who invited).
    pub fn leadership_invited(&mut self, row: &leadership_invitation::Model) {
        let text = format!(
            "A colleague invited you to lead \"{}\". Open the invitation to read their message, \
             then accept or decline it (acceptLeadershipInvitation, declineLeadershipInvitation). \
             What you accept joins your leadership record, in your portfolio.",
            row.what
        );
        let subject = format!("You are invited to lead: {}", row.what);
        self.about_invitation(
            row,
            Kind::LeadershipInvited,
            (row.person_id, row.invited_by_id),
            subject,
            text,
        );
    }

    /// The person invited accepted or declined (to the inviter, naming them).
    pub fn leadership_answered(&mut self, row: &leadership_invitation::Model) {
        let answer = match row.status {
            LeadershipStatus::Accepted => "accepted",
            _ => "declined",
        };
        let subject = format!("Your invitation to lead was {answer}: {}", row.what);
        let text = format!(
            "The colleague you invited to lead \"{}\" {answer} your invitation.",
            row.what
        );
        self.about_invitation(
            row,
            Kind::LeadershipAnswered,
            (row.invited_by_id, row.person_id),
            subject,
            text,
        );
    }

    /// The inviter withdrew the invitation (to the person invited, naming the inviter).
    pub fn leadership_withdrawn(&mut self, row: &leadership_invitation::Model) {
        let subject = format!("An invitation to lead was withdrawn: {}", row.what);
        let text = format!(
            "The colleague who invited you to lead \"{}\" withdrew the invitation. Had you \
             accepted it, it has left your leadership record.",
            row.what
        );
        self.about_invitation(
            row,
            Kind::LeadershipWithdrawn,
            (row.person_id, row.invited_by_id),
            subject,
            text,
        );
    }

    /// Tells `to` of the invitation, whose text names `named`.
    fn about_invitation(
        &mut self,
        row: &leadership_invitation::Model,
        kind: Kind,
        (to, named): (i32, i32),
        subject: String,
        text: String,
    ) {
        self.tell(
            [to],
            Message {
                kind,
                about: (NodeKind::LeadershipInvitation, row.id),
                mentions: vec![NodeKind::Person.id(named)],
                subject,
                text,
            },
        );
    }
}
