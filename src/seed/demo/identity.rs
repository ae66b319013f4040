//! Demo single sign-on: Kingsmead has registered a Microsoft Entra tenant and its Google
//! Workspace domain, so its staff could sign in with either once the server has client ids
//! for them (no demo token is ever valid: the demo has no provider's keys).

use chrono::Utc;
use entity::enums::IdentityProviderKind;
use entity::school_identity_provider;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, Set};

use super::lookup::person_id;

/// The demo tenant id: a made-up GUID, no real organisation's.
pub const DEMO_ENTRA_TENANT: &str = "6d6f6e6b-0000-4e65-8000-6b696e67736d";

pub async fn load(txn: &DatabaseTransaction, kingsmead: i32) -> Result<(), DbErr> {
    let head = person_id(txn, "headteacher@kingsmead.example").await?;
    for (provider, tenant) in [
        (IdentityProviderKind::EntraId, DEMO_ENTRA_TENANT),
        (IdentityProviderKind::Google, "kingsmead.example"),
    ] {
        school_identity_provider::ActiveModel {
            school_id: Set(kingsmead),
            provider: Set(provider),
            tenant: Set(tenant.to_owned()),
            registered_by_id: Set(head),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
