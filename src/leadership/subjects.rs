//! What an invitation to lead may be about, one arm per kind, in two parts: whether the
//! inviter sees the subject and has authority over it (when inviting), and whether it
//! still suits the invitee (when inviting, and again when they accept): it is not
//! cancelled, held or ended, and the invitee is a member of the meeting's community, the
//! coach of the relationship, or sees the event. A new kind (championing a priority) is
//! one more arm here and one more value of `LeadershipKind`.

use chrono::Utc;
use entity::enums::{
    CoachingStatus, CommunityMembershipStatus, EventStatus, LeadershipKind, MeetingStatus,
};
use entity::{coaching_relationship, community, community_meeting, community_member, event};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::auth::policy::Access;
use crate::errors::{MutationResult, UserError};
use crate::graphql::ids::NodeKind;

/// The input field naming the subject.
const FIELD: &str = "subjectId";

/// The type of object each kind is about.
pub fn subject_kind(kind: LeadershipKind) -> NodeKind {
    match kind {
        LeadershipKind::FacilitateCommunityMeeting => NodeKind::CommunityMeeting,
        LeadershipKind::Coach => NodeKind::CoachingRelationship,
        LeadershipKind::LeadEvent => NodeKind::Event,
    }
}

/// What an invitation is about, as stored.
pub enum Subject {
    Meeting(community_meeting::Model, community::Model),
    Coaching(coaching_relationship::Model),
    Event(event::Model),
}

impl Subject {
    /// The subject `key` of `kind`, whoever sees it; `NOT_FOUND` on `subjectId` if none.
    pub async fn load(
        conn: &impl ConnectionTrait,
        kind: LeadershipKind,
        key: i32,
    ) -> MutationResult<Subject> {
        let not_found = || UserError::not_found(FIELD);
        Ok(match kind {
            LeadershipKind::FacilitateCommunityMeeting => {
                let (meeting, community) = crate::communities::meeting_with_community(conn, key)
                    .await?
                    .ok_or_else(not_found)?;
                Subject::Meeting(meeting, community)
            }
            LeadershipKind::Coach => Subject::Coaching(
                coaching_relationship::Entity::find_by_id(key)
                    .one(conn)
                    .await?
                    .ok_or_else(not_found)?,
            ),
            LeadershipKind::LeadEvent => Subject::Event(
                event::Entity::find_by_id(key)
                    .one(conn)
                    .await?
                    .ok_or_else(not_found)?,
            ),
        })
    }

    pub fn alliance_id(&self) -> i32 {
        match self {
            Subject::Meeting(_, community) => community.alliance_id,
            Subject::Coaching(relationship) => relationship.alliance_id,
            Subject::Event(event) => event.alliance_id,
        }
    }

    /// The community whose meeting it is, if it is a meeting (its facilitators invite).
    pub fn community_id(&self) -> Option<i32> {
        match self {
            Subject::Meeting(_, community) => Some(community.id),
            _ => None,
        }
    }

    /// Whether the caller sees it (otherwise, for them, it does not exist).
    pub fn seen_by(&self, access: &Access) -> bool {
        match self {
            Subject::Meeting(_, community) => access.reads_community(community),
            Subject::Coaching(relationship) => access.sees_coaching_relationship(relationship),
            Subject::Event(event) => access.sees_event(event),
        }
    }

    /// Whether the caller has authority over it, to invite someone to lead it.
    pub fn led_by(&self, access: &Access) -> bool {
        match self {
            Subject::Meeting(_, community) => access.runs_community(community),
            Subject::Coaching(relationship) => access.oversees_coaching(relationship),
            Subject::Event(event) => access.edits_event(event),
        }
    }

    /// Whether it can still be led by the person `invitee` (of the alliance, working at
    /// `invitee_schools` in it): `INVALID_STATE` when it is cancelled, held, closed or
    /// ended, `INVALID` when it does not suit them.
    pub async fn suits(
        &self,
        conn: &impl ConnectionTrait,
        invitee: i32,
        invitee_schools: &[i32],
    ) -> MutationResult<()> {
        match self {
            Subject::Meeting(meeting, community) => {
                if meeting.status == MeetingStatus::Cancelled {
                    return Err(UserError::wrong_state(FIELD, "meeting", meeting.status).into());
                }
                if meeting.starts_at <= Utc::now() {
                    return Err(UserError::invalid_state(FIELD, "the meeting was held").into());
                }
                let member = community_member::Entity::find()
                    .filter(community_member::Column::CommunityId.eq(community.id))
                    .filter(community_member::Column::PersonId.eq(invitee))
                    .filter(community_member::Column::Status.eq(CommunityMembershipStatus::Active))
                    .count(conn)
                    .await?
                    > 0;
                if !member {
                    return Err(UserError::invalid(
                        FIELD,
                        "a meeting is facilitated by an active member of its community",
                    )
                    .into());
                }
            }
            Subject::Coaching(relationship) => {
                if relationship.status == CoachingStatus::Ended {
                    return Err(
                        UserError::wrong_state(FIELD, "relationship", relationship.status).into(),
                    );
                }
                // Coaching is recorded as leadership for the coach it was brokered with.
                if relationship.coach_id != invitee {
                    return Err(UserError::invalid(
                        FIELD,
                        "the person invited to coach must be the relationship's coach",
                    )
                    .into());
                }
            }
            Subject::Event(event) => {
                if matches!(
                    event.status,
                    EventStatus::Held | EventStatus::Closed | EventStatus::Cancelled
                ) {
                    return Err(UserError::wrong_state(FIELD, "event", event.status).into());
                }
                if !Access::event_seen_from(event, invitee_schools) {
                    return Err(UserError::invalid(
                        FIELD,
                        "the person invited cannot see the event (a draft, or for another school)",
                    )
                    .into());
                }
            }
        }
        Ok(())
    }
}
