use sea_orm::entity::prelude::*;

use crate::enums::IdentityProviderKind;

/// An Entra tenant or Google hosted domain a school registered: its staff may sign in with
/// accounts of that tenant. Several schools may register the same tenant.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "school_identity_provider")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub school_id: i32,
    pub provider: IdentityProviderKind,
    /// An Entra tenant id (a GUID, lower case) or a Google hosted domain (lower case).
    pub tenant: String,
    pub registered_by_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
