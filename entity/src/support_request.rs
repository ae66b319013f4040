use crate::enums::{SupportRequestStatus, SupportUrgency};
use sea_orm::entity::prelude::*;

/// A school's need for support, posted within one alliance.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "support_request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: i32,
    pub school_id: i32,
    pub title: String,
    pub description_markdown: String,
    /// Theme ids as `,3,14,` so that a theme filter is a portable `LIKE`.
    pub theme_keys: String,
    /// JSON array of `SchoolPhase` names.
    pub phases: Json,
    pub urgency: SupportUrgency,
    /// Days of support hoped for, in half days.
    pub half_days_requested: i32,
    pub status: SupportRequestStatus,
    pub created_by_id: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
