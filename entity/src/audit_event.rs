use sea_orm::entity::prelude::*;

/// Append-only record of a change of access or of shared content.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub actor_id: Option<i32>,
    /// The service account the change was made through (its owner is the actor).
    pub service_account_id: Option<i32>,
    pub alliance_id: Option<i32>,
    pub school_id: Option<i32>,
    /// What happened, such as `alliance_membership.accepted`.
    pub action: String,
    /// Global id of the object changed.
    pub subject: String,
    /// The kind of the object changed (`Practice`, `CommunityMembership`...).
    pub subject_kind: Option<String>,
    /// Its key: with the kind, what the policy checks the reader against.
    pub subject_key: Option<i32>,
    pub details: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
