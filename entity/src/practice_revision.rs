use sea_orm::entity::prelude::*;

/// The text of a published practice as one edit left it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_revision")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub practice_id: i32,
    pub version: i32,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub evidence_of_impact: Option<String>,
    pub edited_by_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
