//! What a CPD lead's week needed (issue 18, items 18, 19, 22):
//! - invitations can be revoked (`revoked_at`, `revoked_by_id`) and sent again
//!   (`resent_at`, which spaces out resending), and are listed by school and by alliance
//!   (an index for each);
//! - alliance memberships and staff roles get a `version`, as every other editable row
//!   has, so that changing a member school's role or a role's job title detects a
//!   concurrent change;
//! - a declined alliance invitation has its own status, `DECLINED`. Rows declined before
//!   this migration read `LEFT`; they are told apart by the audit log, which recorded
//!   `alliance_membership.declined` for each, in the same transaction as the change. A
//!   `LEFT` row without such an entry (an invitation withdrawn, a school that left) stays
//!   `LEFT`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Invitation {
    Table,
    Id,
    SchoolId,
    AllianceId,
    RevokedAt,
    RevokedById,
    ResentAt,
}

#[derive(DeriveIden)]
enum AllianceMembership {
    Table,
    Version,
}

#[derive(DeriveIden)]
enum StaffRole {
    Table,
    Version,
}

/// The key inside an audit entry's subject, if it names a membership.
fn membership_key(subject: &str) -> Option<i32> {
    let bytes = URL_SAFE_NO_PAD.decode(subject).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("AllianceMembership:")?.parse().ok()
}

/// Marks as `DECLINED` the `LEFT` memberships whose invitation the audit log says was
/// declined. Such a row never became active (`joined_at` is null), and a declined row is
/// never reused: inviting the school again creates a new membership.
async fn mark_declined(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    let backend = conn.get_database_backend();
    let declined: Vec<i32> = conn
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT subject FROM audit_event WHERE action = 'alliance_membership.declined'",
        ))
        .await?
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .filter_map(|subject| membership_key(&subject))
        .collect();
    for chunk in declined.chunks(500) {
        let ids = chunk
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        conn.execute_unprepared(&format!(
            "UPDATE alliance_membership SET status = 'DECLINED'
             WHERE status = 'LEFT' AND joined_at IS NULL AND id IN ({ids})"
        ))
        .await?;
    }
    Ok(())
}

/// The columns added, each with its table.
fn added_columns() -> Vec<(DynIden, ColumnDef)> {
    vec![
        (
            Invitation::Table.into_iden(),
            timestamp_with_time_zone_null(Invitation::RevokedAt),
        ),
        (
            Invitation::Table.into_iden(),
            integer_null(Invitation::RevokedById),
        ),
        (
            Invitation::Table.into_iden(),
            timestamp_with_time_zone_null(Invitation::ResentAt),
        ),
        (
            AllianceMembership::Table.into_iden(),
            integer(AllianceMembership::Version).default(1).to_owned(),
        ),
        (
            StaffRole::Table.into_iden(),
            integer(StaffRole::Version).default(1).to_owned(),
        ),
    ]
}

const INDEXES: [(&str, Invitation); 2] = [
    ("ix_invitation_school", Invitation::SchoolId),
    ("ix_invitation_alliance", Invitation::AllianceId),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for (table, column) in added_columns() {
            manager
                .alter_table(Table::alter().table(table).add_column(column).to_owned())
                .await?;
        }
        for (name, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Invitation::Table)
                        .col(column)
                        .col(Invitation::Id)
                        .to_owned(),
                )
                .await?;
        }
        mark_declined(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE alliance_membership SET status = 'LEFT' WHERE status = 'DECLINED'",
            )
            .await?;
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Invitation::Table).to_owned())
                .await?;
        }
        for (table, column) in added_columns().into_iter().rev() {
            let column = Alias::new(column.get_column_name());
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_membership_of_an_audit_subject() {
        // The global id the API gives membership 42, as the audit log holds it.
        let membership = URL_SAFE_NO_PAD.encode("AllianceMembership:42");
        assert_eq!(membership_key(&membership), Some(42));
        // Another kind's id, or something that is not an id at all, names no membership.
        let school = URL_SAFE_NO_PAD.encode("School:42");
        assert_eq!(membership_key(&school), None);
        assert_eq!(membership_key("not base64!"), None);
    }
}
