use crate::enums::{CommunityKind, CommunityStatus, CommunityVisibility};
use sea_orm::entity::prelude::*;

/// A professional learning community of one alliance.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "community")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: i32,
    pub name: String,
    pub purpose: Option<String>,
    pub kind: CommunityKind,
    pub visibility: CommunityVisibility,
    pub status: CommunityStatus,
    /// Theme ids as `,3,14,` so that a theme filter is a portable `LIKE`.
    pub theme_keys: String,
    /// JSON array of `SchoolPhase` names.
    pub phases: Json,
    pub created_by_id: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
