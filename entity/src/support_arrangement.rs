use crate::enums::SupportArrangementStatus;
use sea_orm::entity::prelude::*;

/// Support brokered for a request: who supports whom, on what, for how many days.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "support_arrangement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: i32,
    pub request_id: i32,
    /// The offer it was brokered from, if any.
    pub offer_id: Option<i32>,
    pub supported_school_id: i32,
    pub supporting_person_id: Option<i32>,
    pub supporting_school_id: Option<i32>,
    pub focus: String,
    pub half_days_planned: i32,
    pub status: SupportArrangementStatus,
    /// What changed, written when the support is completed.
    pub closing_note: Option<String>,
    pub brokered_by_id: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
