use crate::enums::StaffRoleKind;
use sea_orm::entity::prelude::*;

/// A school's limit on its staff's days out of school per term: for everyone in a role, for
/// one person, or (neither) the school's default.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "release_limit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub school_id: i32,
    pub role: Option<StaffRoleKind>,
    pub person_id: Option<i32>,
    pub half_days_per_term: i32,
    pub set_by_id: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
