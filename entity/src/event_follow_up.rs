use sea_orm::entity::prelude::*;

/// The impact follow-up some weeks after an event: what actually changed.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event_follow_up")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub booking_id: i32,
    pub event_id: i32,
    pub person_id: i32,
    pub due_on: Date,
    /// When the person was told it was due.
    pub reminded_at: Option<DateTimeUtc>,
    pub what_changed: Option<String>,
    /// A practice item they published or adapted because of it.
    pub practice_id: Option<i32>,
    /// A community they joined because of it.
    pub community_id: Option<i32>,
    pub shared_in_full: bool,
    pub submitted_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
