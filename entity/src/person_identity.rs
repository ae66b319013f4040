use sea_orm::entity::prelude::*;

use crate::enums::IdentityProviderKind;

/// A person's account at an identity provider, linked by issuer and subject: once linked,
/// sign-ins find the person by these two alone, never by email.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "person_identity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub provider: IdentityProviderKind,
    /// The token's `iss`: for Entra it names the tenant.
    pub issuer: String,
    /// The account's stable id at the issuer: Entra's `oid`, Google's `sub`.
    pub subject: String,
    /// The Entra tenant id or Google hosted domain of the account.
    pub tenant: String,
    /// The email the provider last gave for the account, if any (for the person to
    /// recognise it; never used to find them again).
    pub email: Option<String>,
    pub created_at: DateTimeUtc,
    pub last_signed_in_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
