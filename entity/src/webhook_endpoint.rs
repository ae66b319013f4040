use sea_orm::entity::prelude::*;

/// A URL that a service account registered to receive events of its tenant.
///
/// `Debug` is written by hand: the signing secret must never reach a log.
#[derive(Clone, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoint")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub service_account_id: i32,
    /// The alliance the endpoint belongs to, when its service account is an alliance's.
    pub alliance_id: Option<i32>,
    /// The school the endpoint belongs to, when its service account is a school's.
    pub school_id: Option<i32>,
    pub url: String,
    pub description: Option<String>,
    /// Signs every delivery (HMAC-SHA256); shown once, when made.
    pub signing_secret: String,
    /// The event types it receives, as a JSON list of `WebhookEventType` names.
    pub event_types: Json,
    pub enabled: bool,
    pub disabled_at: Option<DateTimeUtc>,
    pub disabled_reason: Option<String>,
    /// When the current run of failed attempts began; `None` after a success.
    pub failing_since: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("webhook_endpoint::Model")
            .field("id", &self.id)
            .field("service_account_id", &self.service_account_id)
            .field("alliance_id", &self.alliance_id)
            .field("school_id", &self.school_id)
            .field("url", &self.url)
            .field("signing_secret", &"[REDACTED]")
            .field("enabled", &self.enabled)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
