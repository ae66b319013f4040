use crate::enums::StaffRoleKind;
use sea_orm::entity::prelude::*;

/// A person working at a school. Ending the role sets `ends_on`; the row stays as history.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_role")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub school_id: i32,
    pub role: StaffRoleKind,
    pub job_title: Option<String>,
    /// JSON array of subject names.
    pub subjects: Json,
    /// JSON array of `SchoolPhase` names.
    pub phases: Json,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    /// Increases with every change of the job title, subjects or phases.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
