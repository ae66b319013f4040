use sea_orm::entity::prelude::*;

use crate::enums::WebhookEventType;

/// The outbox: one event, written in the transaction of the change it tells of.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The id receivers see (`evt_...`), in the payload and `Trellis-Event-Id`.
    #[sea_orm(unique)]
    pub public_id: String,
    pub event_type: WebhookEventType,
    /// Global id of the object the event is about.
    pub subject: String,
    /// The alliance the event concerns, if any.
    pub alliance_id: Option<i32>,
    /// The school the event concerns, if any.
    pub school_id: Option<i32>,
    /// Whether the alliances the school is an active member of take part too (as for its
    /// staff, whom their admins manage), beyond `alliance_id`.
    pub through_school: bool,
    /// The payload's `data`: the object's global id and fields.
    pub data: Json,
    pub created_at: DateTimeUtc,
    /// When the worker made its deliveries; `None` until then.
    pub fanned_out_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
