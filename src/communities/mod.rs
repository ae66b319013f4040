//! Professional learning communities: staff from different schools of an alliance who
//! learn together over time. Members, school consent to share, meetings, discussion,
//! enquiry cycles, and the views a CPD lead watches them through.

pub mod consent;
pub mod discussion;
pub mod discussion_host;
pub mod enquiries;
pub mod meetings;
pub mod membership;
pub mod mutations;
pub mod node;
pub mod queries;
pub mod types;
pub mod views;

pub use types::{
    Community, CommunityMeeting, CommunityMembership, DiscussionReply, DiscussionThread, Enquiry,
    EnquiryEvidence,
};

use async_graphql::ID;
use chrono::{DateTime, SecondsFormat, Utc};
use entity::enums::{CommunityMembershipStatus, CommunityStatus, MembershipStatus};
use entity::{alliance_membership, alliance_role, community, staff_role, theme};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::auth::policy::Access;
use crate::errors::{MutationResult, UserError};
use crate::graphql::ids::{NodeKind, decode_as};

/// A time as fixed-width RFC 3339 (microseconds, `Z`), which sorts as text in time order.
pub fn time_key(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn key_time(key: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(key)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

/// Theme ids stored as `,3,14,`.
pub fn theme_ids(keys: &str) -> Vec<i32> {
    keys.split(',').filter_map(|key| key.parse().ok()).collect()
}

pub fn theme_key(id: i32) -> String {
    format!(",{id},")
}

/// Reads theme ids given as input: each must be a theme of the shared taxonomy or of
/// `alliance_id`. Returns them as stored.
pub async fn theme_keys(
    conn: &impl ConnectionTrait,
    field: &str,
    ids: &[ID],
    alliance_id: i32,
) -> MutationResult<String> {
    if ids.len() > 20 {
        return Err(UserError::invalid(field, "at most 20 themes").into());
    }
    let mut keys: Vec<i32> = Vec::new();
    for id in ids {
        let key = decode_as(id, NodeKind::Theme).ok_or_else(|| UserError::not_found(field))?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    if !keys.is_empty() {
        let found = theme::Entity::find()
            .filter(theme::Column::Id.is_in(keys.clone()))
            .all(conn)
            .await?;
        let usable = found
            .iter()
            .filter(|t| t.alliance_id.is_none_or(|a| a == alliance_id))
            .count();
        if usable != keys.len() {
            return Err(UserError::not_found(field).into());
        }
    }
    Ok(if keys.is_empty() {
        ",".into()
    } else {
        format!(
            ",{},",
            keys.iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        )
    })
}

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

/// The school a person takes part from in an alliance's communities: the first of their
/// current schools that is an active member. `Ok(None)` when they take part through an
/// alliance role alone; `Err(())` when they do not take part in the alliance at all.
pub async fn member_school(
    conn: &impl ConnectionTrait,
    person_id: i32,
    alliance_id: i32,
) -> Result<Result<Option<i32>, ()>, sea_orm::DbErr> {
    let active_schools = Query::select()
        .column(alliance_membership::Column::SchoolId)
        .from(alliance_membership::Entity)
        .and_where(alliance_membership::Column::AllianceId.eq(alliance_id))
        .and_where(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .to_owned();
    let school = staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::SchoolId)
        .filter(staff_role::Column::PersonId.eq(person_id))
        .filter(staff_role::Column::EndsOn.is_null())
        .filter(staff_role::Column::SchoolId.in_subquery(active_schools))
        .order_by_asc(staff_role::Column::SchoolId)
        .into_tuple::<i32>()
        .one(conn)
        .await?;
    if school.is_some() {
        return Ok(Ok(school));
    }
    let in_role = alliance_role::Entity::find()
        .filter(alliance_role::Column::PersonId.eq(person_id))
        .filter(alliance_role::Column::AllianceId.eq(alliance_id))
        .filter(alliance_role::Column::EndsOn.is_null())
        .one(conn)
        .await?
        .is_some();
    Ok(if in_role { Ok(None) } else { Err(()) })
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
