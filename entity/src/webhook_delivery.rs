use sea_orm::entity::prelude::*;

use crate::enums::WebhookDeliveryStatus;

/// One event on its way to one endpoint.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub endpoint_id: i32,
    pub status: WebhookDeliveryStatus,
    /// Attempts claimed so far.
    pub attempts: i32,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTimeUtc>,
    /// A worker is attempting it until then; after it, another may.
    pub locked_until: Option<DateTimeUtc>,
    pub last_response_code: Option<i32>,
    pub delivered_at: Option<DateTimeUtc>,
    /// When it was last queued (made, or redelivered by hand): retries run from then.
    pub queued_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
