use crate::enums::RecordPurpose;
use sea_orm::entity::prelude::*;

/// An entry of a person's own journal of practice.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reflection")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    /// The person's school when they wrote it (for counts of activity only).
    pub school_id: Option<i32>,
    pub written_on: Date,
    /// Fixed when it is made.
    pub purpose: RecordPurpose,
    pub title: String,
    pub body_markdown: String,
    /// Theme ids as `,3,14,`.
    pub theme_keys: String,
    pub event_id: Option<i32>,
    pub practice_id: Option<i32>,
    pub enquiry_id: Option<i32>,
    /// A coaching cycle of a relationship its author takes part in.
    pub coaching_cycle_id: Option<i32>,
    pub in_portfolio: bool,
    pub in_review_selection: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
