//! A demo webhook endpoint: Severn Valley's data warehouse hears of staff roles starting
//! and ending in its member schools, of its communities, and of practice shared with it.
//! Its service account and signing secret are demo data only; the URL goes nowhere
//! (`.example`), so its deliveries fail and its log shows the retries.

use crate::graphql::versioned::InsertFirst;
use chrono::Utc;
use entity::enums::WebhookEventType;
use entity::{person, service_account, webhook_endpoint};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use crate::auth::scopes::{Scope, Scopes};
use crate::auth::tokens::digest;

pub(super) async fn load(txn: &DatabaseTransaction, severn_valley: i32) -> anyhow::Result<()> {
    let lead = person::Entity::find()
        .filter(person::Column::Email.eq("cpd.lead@severnvalley.example"))
        .one(txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo has Severn Valley's CPD lead"))?;
    let scopes: Scopes = [
        Scope::SchoolsRead,
        Scope::PeopleRead,
        Scope::CommunitiesRead,
        Scope::PracticeRead,
        Scope::WebhooksManage,
    ]
    .into_iter()
    .collect();
    let now = Utc::now();
    let account = service_account::ActiveModel {
        name: Set("Severn Valley data warehouse (demo)".into()),
        alliance_id: Set(Some(severn_valley)),
        school_id: Set(None),
        owner_id: Set(lead.id),
        created_by_id: Set(lead.id),
        client_id: Set("trellis_sa_demo_severn_valley_warehouse".into()),
        secret_hash: Set(digest("trellis_secret_demo_only_severn_valley_warehouse")),
        scopes: Set(scopes.to_oauth()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    webhook_endpoint::ActiveModel {
        service_account_id: Set(account.id),
        alliance_id: Set(Some(severn_valley)),
        school_id: Set(None),
        url: Set("https://warehouse.severnvalley.example/hooks/trellis".into()),
        description: Set(Some(
            "Staff and communities into the alliance's warehouse".into(),
        )),
        signing_secret: Set("whsec_demo_only_severn_valley_warehouse".into()),
        event_types: Set(serde_json::json!([
            WebhookEventType::StaffRoleStarted,
            WebhookEventType::StaffRoleEnded,
            WebhookEventType::CommunityCreated,
            WebhookEventType::CommunityClosed,
            WebhookEventType::PracticePublished,
        ])),
        enabled: Set(true),
        disabled_at: Set(None),
        disabled_reason: Set(None),
        failing_since: Set(None),
        ..Default::default()
    }
    .insert_first(txn, now)
    .await?;
    Ok(())
}
