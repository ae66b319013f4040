//! What an invitation to lead may be about, one check per kind: the subject exists, the
//! inviter sees it, and it suits the invitee (they are a member of the meeting's
//! community, or the coach of the relationship). A new kind (championing a priority) is
//! one more arm here and one more value of `LeadershipKind`.

use entity::enums::{
    CoachingStatus, CommunityMembershipStatus, EventStatus, LeadershipKind, MeetingStatus,
};
use entity::{community, community_meeting, community_member, event};
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

/// What the rules need of a subject: its alliance, and its community when it is a
/// community's meeting (whose facilitators may invite).
pub struct Subject {
    pub alliance_id: i32,
    pub community_id: Option<i32>,
}

/// The subject `key` of `kind` as the caller sees it, checked for the invitee; otherwise
/// `NOT_FOUND` (not seen), `INVALID_STATE` (cancelled or ended) or `INVALID` (it does
/// not suit the invitee) on `subjectId`.
pub async fn subject(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: LeadershipKind,
    key: i32,
    invitee: i32,
) -> MutationResult<Subject> {
    let not_found = || UserError::not_found(FIELD);
    match kind {
        LeadershipKind::FacilitateCommunityMeeting => {
            let meeting = community_meeting::Entity::find_by_id(key)
                .one(conn)
                .await?
                .ok_or_else(not_found)?;
            let community = community::Entity::find_by_id(meeting.community_id)
                .one(conn)
                .await?
                .filter(|row| access.reads_community(row))
                .ok_or_else(not_found)?;
            if meeting.status == MeetingStatus::Cancelled {
                return Err(UserError::invalid_state(FIELD, "the meeting is cancelled").into());
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
            Ok(Subject {
                alliance_id: community.alliance_id,
                community_id: Some(community.id),
            })
        }
        LeadershipKind::Coach => {
            let relationship =
                crate::coaching::relationship_by_key(conn, access, key, FIELD).await?;
            if relationship.status == CoachingStatus::Ended {
                return Err(UserError::invalid_state(FIELD, "the relationship has ended").into());
            }
            // Coaching is recorded as leadership for the coach it was brokered with.
            if relationship.coach_id != invitee {
                return Err(UserError::invalid(
                    FIELD,
                    "the person invited to coach must be the relationship's coach",
                )
                .into());
            }
            Ok(Subject {
                alliance_id: relationship.alliance_id,
                community_id: None,
            })
        }
        LeadershipKind::LeadEvent => {
            let event = event::Entity::find_by_id(key)
                .one(conn)
                .await?
                .filter(|row| access.sees_event(row))
                .ok_or_else(not_found)?;
            if event.status == EventStatus::Cancelled {
                return Err(UserError::invalid_state(FIELD, "the event is cancelled").into());
            }
            Ok(Subject {
                alliance_id: event.alliance_id,
                community_id: None,
            })
        }
    }
}
