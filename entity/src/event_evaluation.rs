use sea_orm::entity::prelude::*;

/// What a person who attended an event means to change in their practice.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event_evaluation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub booking_id: i32,
    pub event_id: i32,
    pub person_id: i32,
    pub planned_change: String,
    /// Theme ids of the change, as `,3,14,`.
    pub theme_keys: String,
    /// Whether the host and the alliance CPD lead may read it in full (otherwise they see
    /// it only in aggregate).
    pub shared_in_full: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
