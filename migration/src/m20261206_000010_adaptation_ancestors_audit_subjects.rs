//! What the policy needs to follow data to where it came from:
//!
//! - `practice_ancestor`: every practice an adaptation descends from (its origin, the
//!   origin's origin...), one row each, so that an adaptation, which carries its origin's
//!   text, is read only by those who also read every practice it descends from: one
//!   indexed look-up, however deep the family.
//! - `audit_event.subject_kind` and `subject_key`: the kind and key of the object an entry
//!   is about (`subject` holds its opaque global id), so that the audit log shows an
//!   entry only to those who may read that object, in SQL, with pages and counts right.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, integer_null, pk_auto, string_len_null};
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PracticeAncestor {
    Table,
    Id,
    PracticeId,
    AncestorId,
}

#[derive(DeriveIden)]
enum Practice {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    Subject,
    SubjectKind,
    SubjectKey,
}

/// Every adaptation's ancestors, walked up `adapted_from_id` (both databases have
/// recursive common table expressions).
const BACKFILL_ANCESTORS: &str = "INSERT INTO practice_ancestor (practice_id, ancestor_id)
    WITH RECURSIVE chain (practice_id, ancestor_id) AS (
        SELECT id, adapted_from_id FROM practice WHERE adapted_from_id IS NOT NULL
        UNION ALL
        SELECT chain.practice_id, origin.adapted_from_id
        FROM chain JOIN practice origin ON origin.id = chain.ancestor_id
        WHERE origin.adapted_from_id IS NOT NULL
    )
    SELECT practice_id, ancestor_id FROM chain";

/// The kind and key a global id encodes (`Kind:key`, base64url).
fn decode(subject: &str) -> Option<(String, i32)> {
    let bytes = URL_SAFE_NO_PAD.decode(subject).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, key) = text.split_once(':')?;
    Some((kind.to_owned(), key.parse().ok()?))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PracticeAncestor::Table)
                    .col(pk_auto(PracticeAncestor::Id))
                    .col(integer(PracticeAncestor::PracticeId))
                    .col(integer(PracticeAncestor::AncestorId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PracticeAncestor::Table, PracticeAncestor::PracticeId)
                            .to(Practice::Table, Practice::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PracticeAncestor::Table, PracticeAncestor::AncestorId)
                            .to(Practice::Table, Practice::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_practice_ancestor")
                    .table(PracticeAncestor::Table)
                    .col(PracticeAncestor::PracticeId)
                    .col(PracticeAncestor::AncestorId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        let conn = manager.get_connection();
        conn.execute_unprepared(BACKFILL_ANCESTORS).await?;

        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvent::Table)
                    .add_column(string_len_null(AuditEvent::SubjectKind, 40))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvent::Table)
                    .add_column(integer_null(AuditEvent::SubjectKey))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_event_subject")
                    .table(AuditEvent::Table)
                    .col(AuditEvent::SubjectKind)
                    .col(AuditEvent::SubjectKey)
                    .to_owned(),
            )
            .await?;
        let subjects = Query::select()
            .columns([AuditEvent::Id, AuditEvent::Subject])
            .from(AuditEvent::Table)
            .to_owned();
        for row in conn.query_all(&subjects).await? {
            let id: i32 = row.try_get_by_index(0)?;
            let subject: String = row.try_get_by_index(1)?;
            let Some((kind, key)) = decode(&subject) else {
                continue;
            };
            let update = Query::update()
                .table(AuditEvent::Table)
                .value(AuditEvent::SubjectKind, kind)
                .value(AuditEvent::SubjectKey, key)
                .and_where(Expr::col(AuditEvent::Id).eq(id))
                .to_owned();
            manager.exec_stmt(update).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_audit_event_subject")
                    .table(AuditEvent::Table)
                    .to_owned(),
            )
            .await?;
        for column in [AuditEvent::SubjectKey, AuditEvent::SubjectKind] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AuditEvent::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(PracticeAncestor::Table).to_owned())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_kind_and_key_of_a_global_id() {
        // `Practice:12` as the API writes it, and what it never wrote.
        assert_eq!(decode("UHJhY3RpY2U6MTI"), Some(("Practice".to_owned(), 12)));
        for bad in ["", "!!", "UHJhY3RpY2U", "UHJhY3RpY2U6eA"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
