//! The append-only audit log of changes to access and to shared content.

use async_graphql::ID;
use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

/// One change, recorded in the same transaction as the change itself. The subject's kind
/// and key are kept beside its global id: the policy shows an entry only to those who may
/// read its subject (`auth::policy::audit`).
pub struct AuditEntry<'a> {
    pub actor: i32,
    pub action: &'a str,
    pub subject: ID,
    pub alliance: Option<i32>,
    pub school: Option<i32>,
    pub details: serde_json::Value,
}

pub async fn record(conn: &impl ConnectionTrait, entry: AuditEntry<'_>) -> Result<(), DbErr> {
    let subject = crate::graphql::ids::decode(&entry.subject);
    audit_event::ActiveModel {
        actor_id: Set(Some(entry.actor)),
        subject_kind: Set(subject.map(|(kind, _)| kind.name().to_owned())),
        subject_key: Set(subject.map(|(_, key)| key)),
        alliance_id: Set(entry.alliance),
        school_id: Set(entry.school),
        action: Set(entry.action.to_owned()),
        subject: Set(entry.subject.to_string()),
        details: Set(entry.details),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
