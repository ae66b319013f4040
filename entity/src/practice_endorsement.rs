use crate::enums::EndorsementOutcome;
use sea_orm::entity::prelude::*;

/// "We tried this here": one per person per practice, from a school other than the
/// practice's own.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_endorsement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub practice_id: i32,
    pub person_id: i32,
    /// The school where it was tried.
    pub school_id: i32,
    pub note: String,
    pub outcome: EndorsementOutcome,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
