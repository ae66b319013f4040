use sea_orm::entity::prelude::*;

use crate::enums::NotificationType;

/// One notification in a person's inbox.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The person told.
    pub person_id: i32,
    pub kind: NotificationType,
    /// A short text: the notification's subject line.
    pub text: String,
    /// The global id of what it is about.
    pub subject_id: String,
    pub created_at: DateTimeUtc,
    /// When the person marked it read; `None` while unread.
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
