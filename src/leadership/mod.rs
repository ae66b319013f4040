//! Distributed leadership: a leader invites a person of the alliance to lead something
//! (facilitate a community meeting, coach, lead an event); accepted invitations build the
//! person's leadership record, shown in their portfolio. The invitation's life
//! (`mutations`), what it may be about (`subjects`), the viewer's lists (`queries`), who is
//! told (`notices`). Who sees and does what: `auth/policy/leadership.rs`.

pub mod mutations;
mod node;
mod notices;
pub mod queries;
pub mod subjects;
pub mod types;

pub use types::LeadershipInvitation;

use chrono::{DateTime, Utc};
use entity::enums::{LeadershipKind, LeadershipStatus};
use entity::leadership_invitation;
use sea_orm::{ConnectionTrait, DbErr, Set};

use crate::audit::AuditEntry;
use crate::graphql::ids::NodeKind;
use crate::graphql::versioned::{InsertFirst, LifeCycle};

/// Longest title of what someone is invited to lead.
pub const WHAT_MAX: usize = 200;
/// Longest message with an invitation.
pub const MESSAGE_MAX: usize = 2_000;

/// Statuses of a person's leadership record: what they accepted to lead, done or not.
pub const RECORD: [LeadershipStatus; 2] = [LeadershipStatus::Accepted, LeadershipStatus::Completed];

/// An invitation as its inviter makes it.
pub struct NewInvitation {
    pub alliance_id: i32,
    pub person_id: i32,
    pub invited_by_id: i32,
    pub kind: LeadershipKind,
    pub subject_id: i32,
    pub what: String,
    pub message: Option<String>,
}

impl NewInvitation {
    /// Its row, made `at`, waiting for an answer.
    pub fn pending(self, at: DateTime<Utc>) -> leadership_invitation::ActiveModel {
        leadership_invitation::ActiveModel {
            alliance_id: Set(self.alliance_id),
            person_id: Set(self.person_id),
            invited_by_id: Set(self.invited_by_id),
            kind: Set(self.kind),
            subject_id: Set(self.subject_id),
            what: Set(self.what),
            message: Set(self.message),
            status: Set(LeadershipStatus::Pending),
            responded_at: Set(None),
            completed_on: Set(None),
            ..Default::default()
        }
        .first_version(at)
    }
}

/// What the audit log says of an invitation: who invited whom to what kind of leading in
/// which alliance, and its status; never the message.
fn invitation_audit<'a>(
    by: i32,
    action: &'a str,
    row: &leadership_invitation::Model,
    from: Option<LeadershipStatus>,
) -> AuditEntry<'a> {
    AuditEntry::by(by, action, NodeKind::LeadershipInvitation.id(row.id))
        .alliance(Some(row.alliance_id))
        .details(serde_json::json!({
            "person": NodeKind::Person.id(row.person_id).to_string(),
            "invitedBy": NodeKind::Person.id(row.invited_by_id).to_string(),
            "kind": row.kind,
            "from": from,
            "status": row.status,
        }))
}

/// An invitation's life: pending → accepted, declined or withdrawn; accepted → completed,
/// declined (the invitee steps back) or withdrawn.
/// Each step's history is its audit entry (`leadership.accepted`...).
impl LifeCycle for leadership_invitation::Entity {
    type Status = LeadershipStatus;

    fn status(row: &leadership_invitation::Model) -> LeadershipStatus {
        row.status
    }

    fn set_status(change: &mut leadership_invitation::ActiveModel, status: LeadershipStatus) {
        change.status = Set(status);
    }

    async fn keep_history(
        conn: &impl ConnectionTrait,
        row: &leadership_invitation::Model,
        from: Option<LeadershipStatus>,
        by: i32,
        _note: Option<String>,
    ) -> Result<(), DbErr> {
        let action = match row.status {
            LeadershipStatus::Pending => "leadership.invited",
            LeadershipStatus::Accepted => "leadership.accepted",
            LeadershipStatus::Declined => "leadership.declined",
            LeadershipStatus::Withdrawn => "leadership.withdrawn",
            LeadershipStatus::Completed => "leadership.completed",
        };
        invitation_audit(by, action, row, from).record(conn).await
    }
}

// The domain's mutations, merged into the schema's `Mutation`; its lists are the viewer's
// (`people::queries::Viewer`).
#[derive(async_graphql::MergedObject, Default)]
pub struct LeadershipMutations(mutations::LeadershipMutation);
