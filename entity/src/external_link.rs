use sea_orm::entity::prelude::*;

/// What another system (an MIS exporting OneRoster) calls one of our schools, people or
/// staff roles, so that its next export updates them rather than duplicating them.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "external_link")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The other system, as its export names itself.
    pub source: String,
    /// `ORG`, `USER` or `ROLE`: see [`Kind`].
    pub kind: String,
    /// The other system's key (OneRoster's `sourcedId`).
    pub external_id: String,
    /// The school, person or staff role's id.
    pub local_id: i32,
    /// The other system's `dateLastModified` of what was imported last.
    pub last_modified: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// What an external link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A school (a OneRoster org).
    Org,
    /// A person (a OneRoster user).
    User,
    /// A staff role (a OneRoster role).
    Role,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Org => "ORG",
            Self::User => "USER",
            Self::Role => "ROLE",
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
