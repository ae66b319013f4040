use sea_orm::entity::prelude::*;

use crate::enums::NotificationType;

/// A notification committed and not yet delivered to its recipient's inbox.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_queue")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The person to tell.
    pub person_id: i32,
    pub kind: NotificationType,
    /// The email's subject line (the inbox keeps its first 500 characters).
    pub subject: String,
    /// The email's text, ending with the link to what it is about.
    pub body: String,
    /// The global id of what it is about.
    pub about: String,
    /// Global ids of the other objects the text names: a JSON array of strings.
    pub mentions: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
