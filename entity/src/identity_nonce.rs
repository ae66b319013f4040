use sea_orm::entity::prelude::*;

/// The nonce of an ID token already exchanged for a session, kept until the token expires
/// so that the same token cannot sign in twice.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_nonce")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// SHA-256 (hex) of the issuer and the nonce; the nonce itself is not stored.
    #[sea_orm(unique)]
    pub digest: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
