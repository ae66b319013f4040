use crate::enums::SupportArrangementStatus;
use sea_orm::entity::prelude::*;

/// A status change of a support arrangement: who made it, when, and why. `from_status` is empty for
/// the row written when it was created.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "support_arrangement_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub arrangement_id: i32,
    pub from_status: Option<SupportArrangementStatus>,
    pub to_status: SupportArrangementStatus,
    pub note: Option<String>,
    pub changed_by_id: i32,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
