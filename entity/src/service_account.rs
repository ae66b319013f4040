use sea_orm::entity::prelude::*;

/// An integration bound to one alliance or one school, which exchanges its client id and
/// secret for short-lived access tokens (`/oauth/token`). Exactly one of `alliance_id` and
/// `school_id` is set.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "service_account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub alliance_id: Option<i32>,
    pub school_id: Option<i32>,
    /// The person who answers for it.
    pub owner_id: i32,
    pub created_by_id: i32,
    /// Public: the OAuth client id.
    #[sea_orm(unique)]
    pub client_id: String,
    /// SHA-256 of the current secret, hex. The secret itself is never stored.
    pub secret_hash: String,
    /// SHA-256 of the secret before the last rotation, accepted until
    /// `previous_secret_expires_at`.
    pub previous_secret_hash: Option<String>,
    pub previous_secret_expires_at: Option<DateTimeUtc>,
    /// Granted scopes, their OAuth names separated by spaces (`schools:read people:read`).
    pub scopes: String,
    pub created_at: DateTimeUtc,
    pub secret_rotated_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
