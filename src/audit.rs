//! The append-only audit log of changes to access and to shared content.

use async_graphql::ID;
use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

/// One change, recorded in the same transaction as the change itself. The subject's kind
/// and key are kept beside its global id: the policy shows an entry only to those who may
/// read its subject (`auth::policy::audit`).
pub struct AuditEntry<'a> {
    actor: i32,
    service_account: Option<i32>,
    action: &'a str,
    subject: ID,
    alliance: Option<i32>,
    school: Option<i32>,
    details: serde_json::Value,
}

impl<'a> AuditEntry<'a> {
    /// `actor` doing `action` to `subject`, in no alliance or school until said, with no
    /// details.
    pub fn by(actor: i32, action: &'a str, subject: ID) -> Self {
        Self {
            actor,
            service_account: None,
            action,
            subject,
            alliance: None,
            school: None,
            details: serde_json::Value::Null,
        }
    }

    /// The caller's change: made by the person calling, or by the owner of the service
    /// account calling, through it.
    pub fn by_caller(access: &crate::auth::policy::Access, action: &'a str, subject: ID) -> Self {
        Self {
            service_account: access.service_account_id(),
            ..Self::by(access.actor(), action, subject)
        }
    }

    /// The alliance whose admins and CPD leads read the entry.
    pub fn alliance(self, alliance: Option<i32>) -> Self {
        Self { alliance, ..self }
    }

    /// The school whose leaders read the entry.
    pub fn school(self, school: Option<i32>) -> Self {
        Self { school, ..self }
    }

    pub fn details(self, details: serde_json::Value) -> Self {
        Self { details, ..self }
    }

    /// Writes the entry, in the transaction of the change it records.
    pub async fn record(self, conn: &impl ConnectionTrait) -> Result<(), DbErr> {
        let subject = crate::graphql::ids::decode(&self.subject);
        audit_event::ActiveModel {
            actor_id: Set(Some(self.actor)),
            service_account_id: Set(self.service_account),
            subject_kind: Set(subject.map(|(kind, _)| kind.name().to_owned())),
            subject_key: Set(subject.map(|(_, key)| key)),
            alliance_id: Set(self.alliance),
            school_id: Set(self.school),
            action: Set(self.action.to_owned()),
            subject: Set(self.subject.to_string()),
            details: Set(self.details),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        Ok(())
    }
}
