use sea_orm::entity::prelude::*;

/// A dated coaching session with notes; one out of school costs the coach release time.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "coaching_session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub relationship_id: i32,
    pub cycle_id: Option<i32>,
    pub held_on: Date,
    pub notes: String,
    pub out_of_school: bool,
    pub half_days: i32,
    pub recorded_by_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
