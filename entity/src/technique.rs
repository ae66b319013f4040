use sea_orm::entity::prelude::*;

/// A named teaching or coaching strategy broken into steps; shared (no alliance) or an alliance's own.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "technique")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: Option<i32>,
    pub name: String,
    pub summary: String,
    /// JSON array of the steps' texts.
    pub steps: Json,
    /// Theme ids as `,3,14,`.
    pub theme_keys: String,
    /// JSON array of `SchoolPhase` names.
    pub phases: Json,
    pub created_by_id: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
