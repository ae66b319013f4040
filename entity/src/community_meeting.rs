use crate::enums::MeetingStatus;
use sea_orm::entity::prelude::*;

/// A scheduled session of a community.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "community_meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub community_id: i32,
    pub title: String,
    pub starts_at: DateTimeUtc,
    /// `starts_at` as fixed-width RFC 3339, for keyset pagination in time order.
    pub starts_key: String,
    pub ends_at: DateTimeUtc,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub agenda_markdown: Option<String>,
    pub notes_markdown: Option<String>,
    pub status: MeetingStatus,
    pub created_by_id: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
