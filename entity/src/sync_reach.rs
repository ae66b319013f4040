use sea_orm::entity::prelude::*;

/// A digest of a caller's reach as a sync read last saw it, and when it last changed; the
/// caller is `Person:<key>` or `ServiceAccount:<key>`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_reach")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub principal: String,
    pub digest: String,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
