use sea_orm::entity::prelude::*;

/// One dated session of an event, stored in UTC with the time zone it was given in.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event_session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// An IANA time zone, such as `Europe/London`.
    pub time_zone: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
