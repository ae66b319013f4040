use sea_orm::entity::prelude::*;

/// An object that was deleted or left an audience, for delta sync: its kind (a GraphQL
/// type name, `Practice`), its key and when. Its audiences are `sync_tombstone_audience`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_tombstone")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub object_id: i32,
    pub removed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
