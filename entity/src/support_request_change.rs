use crate::enums::SupportRequestStatus;
use sea_orm::entity::prelude::*;

/// A status change of a support request: who made it, when, and why. `from_status` is empty for
/// the row written when it was created.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "support_request_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub request_id: i32,
    pub from_status: Option<SupportRequestStatus>,
    pub to_status: SupportRequestStatus,
    pub note: Option<String>,
    pub changed_by_id: i32,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
