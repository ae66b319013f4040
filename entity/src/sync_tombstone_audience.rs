use sea_orm::entity::prelude::*;

/// One audience that saw a tombstone's object just before it left: a scope (`public`,
/// `school`, `network`, `alliance`, `alliance_active`, `partnership`, `person`) and the
/// key of its school, alliance, partnership or person (0 for `public`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_tombstone_audience")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub tombstone_id: i32,
    pub scope: String,
    pub scope_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
