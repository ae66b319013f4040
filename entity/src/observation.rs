use crate::enums::RecordPurpose;
use sea_orm::entity::prelude::*;

/// A classroom visit recorded by an observer, owned by the observed teacher. No grade, by
/// design.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "observation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub observer_id: i32,
    pub teacher_id: i32,
    /// The teacher's school when it was recorded (for counts of activity only).
    pub school_id: Option<i32>,
    pub observed_on: Date,
    /// Fixed when it is made.
    pub purpose: RecordPurpose,
    pub focus: String,
    pub went_well: String,
    pub questions_for_dialogue: String,
    pub agreed_next_steps: String,
    /// Written by the teacher only.
    pub teacher_response: Option<String>,
    /// Theme ids as `,3,14,`.
    pub theme_keys: String,
    pub in_portfolio: bool,
    pub in_review_selection: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
