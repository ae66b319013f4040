use crate::enums::{SchoolPhase, SchoolStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "school")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Unique reference number from Get Information About Schools (England), when known.
    #[sea_orm(unique)]
    pub urn: Option<String>,
    pub name: String,
    pub phase: SchoolPhase,
    pub establishment_type: Option<String>,
    pub local_authority: Option<String>,
    pub postcode: Option<String>,
    pub status: SchoolStatus,
    /// The academy trust the school belongs to, as GIAS names it.
    pub trust_name: Option<String>,
    /// When the school closed, as GIAS records it.
    pub closed_on: Option<Date>,
    /// When GIAS last changed the school's record, as of the last import.
    pub gias_last_changed_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
