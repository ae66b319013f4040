use sea_orm::entity::prelude::*;

/// An author of a practice: its lead author (who wrote it first) or a co-author, from any
/// school.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_author")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub practice_id: i32,
    pub person_id: i32,
    /// The school the author wrote from, when they work at one.
    pub school_id: Option<i32>,
    pub is_lead: bool,
    pub added_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
