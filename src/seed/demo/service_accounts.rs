//! A demo service account: Kingsmead Primary School's MIS, owned by its headteacher, so
//! that the client-credentials grant can be tried at once (README, "Service accounts and
//! OAuth"). Its secret is published here and in the README: demo data only.

use chrono::Utc;
use entity::{person, service_account};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use crate::auth::scopes::{Scope, Scopes};
use crate::auth::tokens::digest;

pub const DEMO_CLIENT_ID: &str = "trellis_sa_demo_kingsmead_mis";
pub const DEMO_CLIENT_SECRET: &str = "trellis_secret_demo_only_kingsmead_mis_not_secret";

pub(super) async fn load(txn: &DatabaseTransaction, kingsmead: i32) -> anyhow::Result<()> {
    let head = person::Entity::find()
        .filter(person::Column::Email.eq("headteacher@kingsmead.example"))
        .one(txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo has Kingsmead's headteacher"))?;
    let scopes: Scopes = [Scope::SchoolsRead, Scope::PeopleRead, Scope::PeopleWrite]
        .into_iter()
        .collect();
    service_account::ActiveModel {
        name: Set("Kingsmead MIS sync (demo)".into()),
        alliance_id: Set(None),
        school_id: Set(Some(kingsmead)),
        owner_id: Set(head.id),
        created_by_id: Set(head.id),
        client_id: Set(DEMO_CLIENT_ID.into()),
        secret_hash: Set(digest(DEMO_CLIENT_SECRET)),
        scopes: Set(scopes.to_oauth()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}
