use crate::enums::{CoachingPurpose, CoachingStatus};
use sea_orm::entity::prelude::*;

/// A coach and a coachee in one alliance, on a focus, for a purpose fixed at creation.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "coaching_relationship")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: i32,
    pub coach_id: i32,
    pub coachee_id: i32,
    /// The school each worked at when the relationship was made.
    pub coach_school_id: Option<i32>,
    pub coachee_school_id: Option<i32>,
    pub theme_id: Option<i32>,
    pub focus: String,
    pub purpose: CoachingPurpose,
    pub status: CoachingStatus,
    pub cadence: Option<String>,
    /// The CPD lead who brokered it, if one did.
    pub brokered_by_id: Option<i32>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
