use crate::enums::EnquiryStage;
use sea_orm::entity::prelude::*;

/// An enquiry moving from one stage to another: who moved it and when.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "enquiry_stage_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub enquiry_id: i32,
    pub from_stage: EnquiryStage,
    pub to_stage: EnquiryStage,
    pub changed_by_id: i32,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
