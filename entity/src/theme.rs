use crate::enums::ThemeFramework;
use sea_orm::entity::prelude::*;

/// A tag of the shared taxonomy, or one an alliance added (`alliance_id` set).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "theme")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: Option<i32>,
    pub framework: ThemeFramework,
    pub name: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
