//! Professional learning communities: staff from different schools of an alliance who
//! learn together over time. Members, school consent to share, meetings, discussion (the
//! community hosts one: `discussion_host`), enquiry cycles, and the views a CPD lead
//! watches them through.

pub mod consent;
pub mod discussion_host;
pub mod enquiries;
pub mod meetings;
pub mod membership;
pub mod mutations;
mod node;
pub mod queries;
pub mod types;
pub mod views;

pub use types::{Community, CommunityMeeting, CommunityMembership, Enquiry, EnquiryEvidence};

use async_graphql::ID;
use entity::enums::{CommunityMembershipStatus, CommunityStatus};
use entity::{community, community_meeting, community_member};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::auth::policy::Access;
use crate::errors::{MutationResult, UserError};
use crate::graphql::ids::{NodeKind, decode_as};

/// The community named by input `field`, if the caller sees it; otherwise a `NOT_FOUND`
/// user error, as if it did not exist.
pub async fn visible_community(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<community::Model> {
    let not_found = || UserError::not_found(field);
    let key = decode_as(id, NodeKind::Community).ok_or_else(not_found)?;
    community::Entity::find_by_id(key)
        .one(conn)
        .await?
        .filter(|c| access.sees_community(c))
        .ok_or_else(|| not_found().into())
}

/// Refuses new content in a closed community.
pub fn open_for_content(community: &community::Model, field: &str) -> MutationResult<()> {
    if community.status == CommunityStatus::Closed {
        return Err(UserError::invalid_state(field, "the community is closed").into());
    }
    Ok(())
}

/// The school a member shares from (in discussion, in enquiries): the one recorded on
/// their membership.
pub async fn sharing_school(
    conn: &impl ConnectionTrait,
    access: &Access,
    community_id: i32,
) -> Result<Option<i32>, DbErr> {
    Ok(community_member::Entity::find()
        .filter(community_member::Column::CommunityId.eq(community_id))
        .filter(community_member::Column::PersonId.eq(access.person_id))
        .one(conn)
        .await?
        .and_then(|m| m.school_id))
}

/// The caller's active membership of a community, needed to contribute to it.
pub fn require_member(access: &Access, community: &community::Model) -> MutationResult<()> {
    crate::auth::policy::allowed(
        access.contributes_to(community),
        "only members of the community may do this",
    )?;
    Ok(())
}

/// Memberships that have not ended.
pub const LIVE: [CommunityMembershipStatus; 3] = [
    CommunityMembershipStatus::Requested,
    CommunityMembershipStatus::Invited,
    CommunityMembershipStatus::Active,
];

// The domain's mutations, merged into the schema's `Mutation` (`schema`).
#[derive(async_graphql::MergedObject, Default)]
pub struct CommunitiesMutations(
    mutations::CommunityMutation,
    membership::CommunityMembershipMutation,
    consent::ConsentMutation,
    meetings::MeetingMutation,
    discussion_host::CommunityDiscussionMutation,
    enquiries::EnquiryMutation,
);

// The domain's queries, merged into the schema's `Query` (`schema`).
#[derive(async_graphql::MergedObject, Default)]
pub struct CommunitiesQueries(
    queries::CommunityQuery,
    views::CommunityViewQuery,
    consent::ConsentQuery,
);

/// The meeting `key` and its community, whoever sees them.
pub async fn meeting_with_community(
    conn: &impl ConnectionTrait,
    key: i32,
) -> Result<Option<(community_meeting::Model, community::Model)>, DbErr> {
    let Some(meeting) = community_meeting::Entity::find_by_id(key).one(conn).await? else {
        return Ok(None);
    };
    let community = community::Entity::find_by_id(meeting.community_id)
        .one(conn)
        .await?;
    Ok(community.map(|community| (meeting, community)))
}
