//! Who is told of invitations to lead: the person invited, when invited; the inviter, when
//! they answer. The mail names what to lead and who asked, never the message, which is
//! read in Trellis.

use entity::enums::LeadershipStatus;
use entity::leadership_invitation;

use crate::graphql::ids::NodeKind;
use crate::notifications::{Message, Notices, NotificationKind as Kind};

impl Notices {
    /// A person was invited to lead (to them).
    pub fn leadership_invited(&mut self, row: &leadership_invitation::Model) {
        self.tell(
            [row.person_id],
            Message {
                kind: Kind::LeadershipInvited,
                about: (NodeKind::LeadershipInvitation, row.id),
                mentions: vec![NodeKind::Person.id(row.invited_by_id)],
                subject: format!("You are invited to lead: {}", row.what),
                text: format!(
                    "A colleague invited you to lead \"{}\". Open the invitation to read their \
                     message, then accept or decline it (acceptLeadershipInvitation, \
                     declineLeadershipInvitation). What you accept joins your leadership \
                     record, in your portfolio.",
                    row.what
                ),
            },
        );
    }

    /// The person invited accepted or declined (to the inviter).
    pub fn leadership_answered(&mut self, row: &leadership_invitation::Model) {
        let answer = match row.status {
            LeadershipStatus::Accepted => "accepted",
            _ => "declined",
        };
        self.tell(
            [row.invited_by_id],
            Message {
                kind: Kind::LeadershipAnswered,
                about: (NodeKind::LeadershipInvitation, row.id),
                mentions: vec![NodeKind::Person.id(row.person_id)],
                subject: format!("Your invitation to lead was {answer}: {}", row.what),
                text: format!(
                    "The colleague you invited to lead \"{}\" {answer} your invitation.",
                    row.what
                ),
            },
        );
    }
}
