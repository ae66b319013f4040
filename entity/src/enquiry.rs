use crate::enums::EnquiryStage;
use sea_orm::entity::prelude::*;

/// A practitioner enquiry run by a community or by one person.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "enquiry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: i32,
    pub community_id: Option<i32>,
    pub owner_id: i32,
    pub owner_school_id: Option<i32>,
    pub question: String,
    pub rationale: Option<String>,
    pub baseline: Option<String>,
    pub planned_actions: Option<String>,
    pub findings: Option<String>,
    pub stage: EnquiryStage,
    /// Theme ids as `,3,14,`.
    pub theme_keys: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
