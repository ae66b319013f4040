use crate::enums::ExpertiseKind;
use sea_orm::entity::prelude::*;

/// A person's strength or development need in one theme, with evidence; self-declared, confirmed (or not) by one of their school's leaders.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "expertise_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub theme_id: i32,
    pub kind: ExpertiseKind,
    pub evidence: String,
    pub confirmed_by_id: Option<i32>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
