//! Distributed leadership (issue 24, lane lead).
//! - `leadership_invitation`: a leader invites a person of an alliance to lead something:
//!   facilitate a community meeting, coach in a coaching relationship, lead an event. The
//!   invitee accepts or declines; the inviter may withdraw it while it waits, and either
//!   may mark an accepted one done (`completed_on`). Accepted and completed invitations
//!   are the person's leadership record, shown in their portfolio.
//!
//! What it is about is named by `kind` and `subject_id`, not by a column per kind: each
//! kind names one table (a community meeting, a coaching relationship, an event), so the
//! kind is the subject's type, and the API checks the subject exists, is seen by the
//! inviter and belongs to `alliance_id` when the invitation is made (as a discussion's
//! host is named by `host_kind` and `host_id`, issue 19). A new kind (championing a
//! priority) is then a new value of `kind` and one more check, with no migration; the
//! price is no foreign key on `subject_id`, which is fine as subjects are never deleted
//! (meetings and events are cancelled, relationships ended, and their history stays).
//! `what` is the title the inviter gave, kept as written: the record reads the same
//! whatever later happens to the subject.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LeadershipInvitation {
    Table,
    Id,
    AllianceId,
    PersonId,
    InvitedById,
    Kind,
    SubjectId,
    What,
    Message,
    Status,
    RespondedAt,
    CompletedOn,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Alliance {
    Table,
    Id,
}

fn fk(
    from: impl IntoIden + 'static,
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(LeadershipInvitation::Table, from)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn leadership_invitation() -> TableCreateStatement {
    use LeadershipInvitation as L;
    Table::create()
        .table(L::Table)
        .col(pk_auto(L::Id))
        .col(integer(L::AllianceId))
        .col(integer(L::PersonId))
        .col(integer(L::InvitedById))
        // `LeadershipKind`: which table `subject_id` names.
        .col(string_len(L::Kind, 40))
        .col(integer(L::SubjectId))
        .col(string_len(L::What, 200))
        .col(string_len_null(L::Message, 2000))
        // `LeadershipStatus`: PENDING, ACCEPTED, DECLINED, WITHDRAWN, COMPLETED.
        .col(string_len(L::Status, 40))
        .col(timestamp_with_time_zone_null(L::RespondedAt))
        .col(date_null(L::CompletedOn))
        .col(integer(L::Version).default(1))
        .col(timestamp_with_time_zone(L::CreatedAt))
        .col(timestamp_with_time_zone(L::UpdatedAt))
        .foreign_key(&mut fk(L::AllianceId, (Alliance::Table, Alliance::Id)))
        .foreign_key(&mut fk(L::PersonId, (Person::Table, Person::Id)))
        .foreign_key(&mut fk(L::InvitedById, (Person::Table, Person::Id)))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use LeadershipInvitation as L;
        manager.create_table(leadership_invitation()).await?;
        // The invitee's lists (received, and the record by status), the inviter's (sent),
        // and the alliance's (its CPD leads coordinate).
        let indexes: [(&str, Vec<L>); 3] = [
            (
                "ix_leadership_invitation_person",
                vec![L::PersonId, L::Status, L::Id],
            ),
            (
                "ix_leadership_invitation_inviter",
                vec![L::InvitedById, L::Id],
            ),
            (
                "ix_leadership_invitation_alliance",
                vec![L::AllianceId, L::Id],
            ),
        ];
        for (name, columns) in indexes {
            let mut index = Index::create().name(name).table(L::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        // One open invitation (pending or accepted) per person, kind and subject. A
        // partial unique index, not a check before the insert: on PostgreSQL two
        // invitations made at once both pass such a check.
        manager
            .create_index(
                Index::create()
                    .name("ux_leadership_invitation_open")
                    .table(L::Table)
                    .col(L::Kind)
                    .col(L::SubjectId)
                    .col(L::PersonId)
                    .unique()
                    .and_where(Expr::col(L::Status).is_in(["PENDING", "ACCEPTED"]))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LeadershipInvitation::Table).to_owned())
            .await
    }
}
