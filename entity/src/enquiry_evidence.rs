use sea_orm::entity::prelude::*;

/// Evidence gathered in an enquiry: text, a link, a date.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "enquiry_evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub enquiry_id: i32,
    /// The enquiry's community, for consent; `None` for a personal enquiry.
    pub community_id: Option<i32>,
    pub author_id: i32,
    pub author_school_id: Option<i32>,
    pub note: String,
    pub link: Option<String>,
    pub observed_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
