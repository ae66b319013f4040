//! Who is told: one statement each, whatever the number of people.

use entity::enums::{AllianceRoleKind, CommunityMembershipStatus, CommunityRole, StaffRoleKind};
use entity::{alliance_role, community_member, practice_author, staff_role};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

/// The current leaders (head, senior leaders, school CPD lead) of any of `schools`: they
/// approve its practice and answer for it in alliances and support.
pub async fn school_leaders(
    conn: &impl ConnectionTrait,
    schools: Vec<i32>,
) -> Result<Vec<i32>, DbErr> {
    staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::PersonId)
        .filter(staff_role::Column::SchoolId.is_in(schools))
        .filter(staff_role::Column::EndsOn.is_null())
        .filter(staff_role::Column::Role.is_in([
            StaffRoleKind::Headteacher,
            StaffRoleKind::SeniorLeader,
            StaffRoleKind::SchoolCpdLead,
        ]))
        .into_tuple()
        .all(conn)
        .await
}

pub async fn practice_authors(
    conn: &impl ConnectionTrait,
    practice_id: i32,
) -> Result<Vec<i32>, DbErr> {
    practice_author::Entity::find()
        .select_only()
        .column(practice_author::Column::PersonId)
        .filter(practice_author::Column::PracticeId.eq(practice_id))
        .into_tuple()
        .all(conn)
        .await
}

/// A community's active members; only its facilitators with `facilitators_only`.
pub async fn community_members(
    conn: &impl ConnectionTrait,
    community_id: i32,
    facilitators_only: bool,
) -> Result<Vec<i32>, DbErr> {
    let mut members = community_member::Entity::find()
        .select_only()
        .column(community_member::Column::PersonId)
        .filter(community_member::Column::CommunityId.eq(community_id))
        .filter(community_member::Column::Status.eq(CommunityMembershipStatus::Active));
    if facilitators_only {
        members = members.filter(community_member::Column::Role.eq(CommunityRole::Facilitator));
    }
    members.into_tuple().all(conn).await
}

/// The current admins and CPD leads of an alliance.
pub async fn alliance_administrators(
    conn: &impl ConnectionTrait,
    alliance_id: i32,
) -> Result<Vec<i32>, DbErr> {
    alliance_role::Entity::find()
        .select_only()
        .column(alliance_role::Column::PersonId)
        .filter(alliance_role::Column::AllianceId.eq(alliance_id))
        .filter(alliance_role::Column::EndsOn.is_null())
        .filter(
            alliance_role::Column::Role.is_in([AllianceRoleKind::Admin, AllianceRoleKind::CpdLead]),
        )
        .into_tuple()
        .all(conn)
        .await
}
