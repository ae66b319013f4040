use crate::enums::{MembershipRole, MembershipStatus};
use sea_orm::entity::prelude::*;

/// A school in an alliance. Rows are never deleted: leaving sets `ended_at`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "alliance_membership")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: i32,
    pub school_id: i32,
    pub role: MembershipRole,
    pub status: MembershipStatus,
    pub invited_by_id: Option<i32>,
    pub invited_at: DateTimeUtc,
    pub joined_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    /// Increases with every change.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
