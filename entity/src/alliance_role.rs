use crate::enums::AllianceRoleKind;
use sea_orm::entity::prelude::*;

/// A person's role in an alliance. Ending the role sets `ends_on`; the row stays as history.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "alliance_role")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub alliance_id: i32,
    pub role: AllianceRoleKind,
    /// JSON array of areas of expertise (for Specialist Leaders of Education).
    pub expertise: Json,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
