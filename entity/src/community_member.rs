use crate::enums::{CommunityMembershipStatus, CommunityRole};
use sea_orm::entity::prelude::*;

/// A person's membership of a community: one row per person and community, kept as
/// history when it ends.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "community_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub community_id: i32,
    pub person_id: i32,
    /// The school the person takes part from; `None` for alliance staff without a school.
    pub school_id: Option<i32>,
    pub role: CommunityRole,
    pub status: CommunityMembershipStatus,
    /// Why a request was declined or a member removed.
    pub reason: Option<String>,
    pub invited_by_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub joined_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
