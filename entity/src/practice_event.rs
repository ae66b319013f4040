use crate::enums::{PracticeAction, PracticeStatus, PracticeVisibility};
use sea_orm::entity::prelude::*;

/// One step in a practice's life: submitted, approved, sent back, published, archived,
/// reported, taken down, restored.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub practice_id: i32,
    pub actor_id: i32,
    pub action: PracticeAction,
    pub from_status: Option<PracticeStatus>,
    pub to_status: Option<PracticeStatus>,
    pub visibility: Option<PracticeVisibility>,
    pub comment: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
