use sea_orm::entity::prelude::*;

/// An agreed next step of a coaching relationship, with a check-back date.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "coaching_action_step")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub relationship_id: i32,
    pub cycle_id: Option<i32>,
    pub description: String,
    pub technique_id: Option<i32>,
    pub check_back_on: Date,
    pub done_at: Option<DateTimeUtc>,
    /// When both people were told the check-back is overdue (once).
    pub reminded_at: Option<DateTimeUtc>,
    pub created_by_id: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
