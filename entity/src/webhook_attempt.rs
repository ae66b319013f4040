use sea_orm::entity::prelude::*;

use crate::enums::WebhookEventType;

/// The delivery log: one attempt to deliver an event to an endpoint.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempt")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub delivery_id: i32,
    pub endpoint_id: i32,
    /// The event's public id (`evt_...`).
    pub event_public_id: String,
    pub event_type: WebhookEventType,
    /// 1 for the first attempt of the delivery, then 2, 3...
    pub attempt: i32,
    pub attempted_at: DateTimeUtc,
    pub duration_ms: i32,
    /// The HTTP status answered, if any answer came.
    pub response_code: Option<i32>,
    pub succeeded: bool,
    /// Why no answer came (a timeout, a refused connection), in a few words.
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
