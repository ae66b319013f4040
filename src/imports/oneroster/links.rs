//! The external links of one source system, loaded once and kept up to date as the import
//! saves them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::external_link::{self, Kind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};

pub struct Links {
    by_key: HashMap<(String, String), external_link::Model>,
}

impl Links {
    pub async fn load(txn: &DatabaseTransaction, source: &str) -> Result<Self, DbErr> {
        let by_key = external_link::Entity::find()
            .filter(external_link::Column::Source.eq(source))
            .all(txn)
            .await?
            .into_iter()
            .map(|link| ((link.kind.clone(), link.external_id.clone()), link))
            .collect();
        Ok(Self { by_key })
    }

    pub fn get(&self, kind: Kind, external_id: &str) -> Option<&external_link::Model> {
        self.by_key
            .get(&(kind.name().to_owned(), external_id.to_owned()))
    }

    /// The id of the row linked to `external_id`, if any.
    pub fn local_id(&self, kind: Kind, external_id: &str) -> Option<i32> {
        self.get(kind, external_id).map(|link| link.local_id)
    }

    pub fn all(&self, kind: Kind) -> impl Iterator<Item = &external_link::Model> {
        self.by_key
            .values()
            .filter(move |link| link.kind == kind.name())
    }

    pub fn external_ids(&self, kind: Kind) -> HashSet<String> {
        self.all(kind)
            .map(|link| link.external_id.clone())
            .collect()
    }

    /// Links `external_id` to `local_id`, creating the link or pointing it anew.
    pub async fn save(
        &mut self,
        txn: &DatabaseTransaction,
        source: &str,
        kind: Kind,
        external_id: &str,
        local_id: i32,
        last_modified: Option<DateTime<Utc>>,
    ) -> Result<(), DbErr> {
        let now = Utc::now();
        let key = (kind.name().to_owned(), external_id.to_owned());
        let saved = match self.by_key.remove(&key) {
            Some(link) => {
                let mut change = link.into_active_model();
                change.local_id = Set(local_id);
                change.last_modified = Set(last_modified);
                change.updated_at = Set(now);
                change.update(txn).await?
            }
            None => {
                external_link::ActiveModel {
                    source: Set(source.to_owned()),
                    kind: Set(kind.name().to_owned()),
                    external_id: Set(external_id.to_owned()),
                    local_id: Set(local_id),
                    last_modified: Set(last_modified),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(txn)
                .await?
            }
        };
        self.by_key.insert(key, saved);
        Ok(())
    }
}
