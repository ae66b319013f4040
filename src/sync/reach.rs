//! Whether the caller's reach changed since a delta's `updatedSince`.
//!
//! A digest of everything the policy's `Access` holds (roles, the alliances and schools
//! reached, community places, a service account's scopes and tenant) and of the
//! partnerships of the caller's schools is kept per person or service account, with the time a sync read first saw it differ. Comparing digests catches every
//! cause of a change (the caller's role ended, a school joined their alliance, a
//! membership was declined) without a hook at each of those places.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{partnership_school, sync_reach};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use sha2::{Digest, Sha256};

use crate::auth::policy::Access;
use crate::errors::ApiResult;

/// What a sync read learned of the caller's reach.
#[derive(Debug, Clone, Copy)]
pub enum Observed {
    /// Never seen before: nothing is known of it at any earlier time.
    FirstSeen,
    /// Seen before; it last changed at this time (as first seen by a sync read).
    Since(DateTime<Utc>),
}

impl Observed {
    /// Whether the reach may differ from what it was at `at`.
    pub fn changed_after(self, at: DateTime<Utc>) -> bool {
        match self {
            Self::FirstSeen => true,
            Self::Since(changed) => changed > at,
        }
    }
}

/// The caller's reach as a digest: the same for the same reach, whatever the order in
/// which the policy loaded it.
fn digest(access: &Access, partnerships: &[i32]) -> String {
    let school_roles: BTreeMap<_, _> = access
        .school_roles
        .iter()
        .map(|(school, roles)| (school, sorted(roles)))
        .collect();
    let alliance_roles: BTreeMap<_, _> = access
        .alliance_roles
        .iter()
        .map(|(alliance, roles)| (alliance, sorted(roles)))
        .collect();
    let communities: BTreeMap<_, _> = access
        .communities
        .iter()
        .map(|(id, place)| (id, format!("{:?}/{:?}", place.role, place.status)))
        .collect();
    let account = access
        .service_account
        .as_ref()
        .map(|account| (account.scopes, account.tenant));
    let text = format!(
        "{account:?}|{}|{school_roles:?}|{alliance_roles:?}|{:?}|{:?}|{:?}|{:?}|{communities:?}|{partnerships:?}",
        access.platform_admin,
        access.alliances,
        access.network_schools,
        access.managed_schools,
        access.active_alliances,
    );
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

fn sorted<T: std::fmt::Debug>(roles: &[T]) -> Vec<String> {
    let mut roles: Vec<String> = roles.iter().map(|role| format!("{role:?}")).collect();
    roles.sort();
    roles
}

/// Compares the caller's reach with the last one seen, and keeps it when it differs
/// (`now` then becomes the time it changed). Two statements, three when it changed.
pub async fn observe(
    db: &DatabaseConnection,
    access: &Access,
    now: DateTime<Utc>,
) -> ApiResult<Observed> {
    let mut partnerships: Vec<i32> = partnership_school::Entity::find()
        .select_only()
        .column(partnership_school::Column::PartnershipId)
        .filter(partnership_school::Column::SchoolId.is_in(access.own_schools()))
        .filter(partnership_school::Column::LeftOn.is_null())
        .into_tuple()
        .all(db)
        .await?;
    partnerships.sort_unstable();
    partnerships.dedup();
    let digest = digest(access, &partnerships);
    let principal = match &access.service_account {
        Some(account) => format!("ServiceAccount:{}", account.id),
        None => format!("Person:{}", access.person_id),
    };
    let kept = sync_reach::Entity::find_by_id(principal.clone())
        .one(db)
        .await?;
    let observed = match &kept {
        Some(kept) if kept.digest == digest => return Ok(Observed::Since(kept.changed_at)),
        Some(_) => Observed::Since(now),
        None => Observed::FirstSeen,
    };
    sync_reach::Entity::insert(sync_reach::ActiveModel {
        principal: Set(principal),
        digest: Set(digest),
        changed_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(sync_reach::Column::Principal)
            .update_columns([sync_reach::Column::Digest, sync_reach::Column::ChangedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(observed)
}
