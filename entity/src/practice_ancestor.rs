use sea_orm::entity::prelude::*;

/// A practice an adaptation descends from: its origin, the origin's origin, and so on to
/// the first. The policy reads an adaptation only where it reads every ancestor.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_ancestor")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub practice_id: i32,
    pub ancestor_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
