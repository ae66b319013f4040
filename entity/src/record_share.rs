use sea_orm::entity::prelude::*;

/// An observation or a reflection shared by its owner with a named person. Withdrawing
/// sets `withdrawn_at`; the row stays as history.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "record_share")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub observation_id: Option<i32>,
    pub reflection_id: Option<i32>,
    /// Who shared it: the observed teacher, or the reflection's author.
    pub owner_id: i32,
    /// Whom it is shared with.
    pub person_id: i32,
    /// Set when the recipient was the owner's colleague at this school when it was
    /// shared: the share holds only while the owner still works there.
    pub through_school_id: Option<i32>,
    pub shared_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
