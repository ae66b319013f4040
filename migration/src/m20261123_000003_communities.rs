//! Professional learning communities: members, school consent to share, meetings,
//! discussion and enquiry cycles.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum School {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Alliance {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Community {
    Table,
    Id,
    AllianceId,
    Name,
    Purpose,
    Kind,
    Visibility,
    Status,
    ThemeKeys,
    Phases,
    CreatedById,
    Version,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum CommunityMember {
    Table,
    Id,
    CommunityId,
    PersonId,
    SchoolId,
    Role,
    Status,
    Reason,
    InvitedById,
    CreatedAt,
    JoinedAt,
    EndedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SharingConsent {
    Table,
    Id,
    SchoolId,
    Consents,
    ChangedById,
    ChangedAt,
}

#[derive(DeriveIden)]
enum CommunityMeeting {
    Table,
    Id,
    CommunityId,
    Title,
    StartsAt,
    StartsKey,
    EndsAt,
    Place,
    OnlineUrl,
    AgendaMarkdown,
    NotesMarkdown,
    Status,
    CreatedById,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MeetingAttendance {
    Table,
    Id,
    MeetingId,
    PersonId,
    RecordedAt,
}

#[derive(DeriveIden)]
enum DiscussionPost {
    Table,
    Id,
    CommunityId,
    ThreadId,
    AuthorId,
    AuthorSchoolId,
    Title,
    BodyMarkdown,
    Pinned,
    HiddenReason,
    HiddenById,
    DeletedAt,
    ActivityKey,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Enquiry {
    Table,
    Id,
    AllianceId,
    CommunityId,
    OwnerId,
    OwnerSchoolId,
    Question,
    Rationale,
    Baseline,
    PlannedActions,
    Findings,
    Stage,
    ThemeKeys,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EnquiryEvidence {
    Table,
    Id,
    EnquiryId,
    CommunityId,
    AuthorId,
    AuthorSchoolId,
    Note,
    Link,
    ObservedOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EnquiryStageChange {
    Table,
    Id,
    EnquiryId,
    FromStage,
    ToStage,
    ChangedById,
    ChangedAt,
}

fn fk(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    columns: Vec<DynIden>,
) -> IndexCreateStatement {
    let mut statement = Index::create().name(name).table(table).to_owned();
    for column in columns {
        statement.col(column);
    }
    statement
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Community::Table)
                    .col(pk_auto(Community::Id))
                    .col(integer(Community::AllianceId))
                    .col(string_len(Community::Name, 200))
                    .col(text_null(Community::Purpose))
                    .col(string_len(Community::Kind, 40))
                    .col(string_len(Community::Visibility, 40))
                    .col(string_len(Community::Status, 40))
                    .col(string_len(Community::ThemeKeys, 1000))
                    .col(json(Community::Phases))
                    .col(integer(Community::CreatedById))
                    .col(integer(Community::Version).default(1))
                    .col(timestamp_with_time_zone(Community::CreatedAt))
                    .col(timestamp_with_time_zone(Community::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Community::ClosedAt))
                    .foreign_key(&mut fk(
                        (Community::Table, Community::AllianceId),
                        (Alliance::Table, Alliance::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Community::Table, Community::CreatedById),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommunityMember::Table)
                    .col(pk_auto(CommunityMember::Id))
                    .col(integer(CommunityMember::CommunityId))
                    .col(integer(CommunityMember::PersonId))
                    .col(integer_null(CommunityMember::SchoolId))
                    .col(string_len(CommunityMember::Role, 40))
                    .col(string_len(CommunityMember::Status, 40))
                    .col(text_null(CommunityMember::Reason))
                    .col(integer_null(CommunityMember::InvitedById))
                    .col(timestamp_with_time_zone(CommunityMember::CreatedAt))
                    .col(timestamp_with_time_zone_null(CommunityMember::JoinedAt))
                    .col(timestamp_with_time_zone_null(CommunityMember::EndedAt))
                    .col(timestamp_with_time_zone(CommunityMember::UpdatedAt))
                    .foreign_key(&mut fk(
                        (CommunityMember::Table, CommunityMember::CommunityId),
                        (Community::Table, Community::Id),
                    ))
                    .foreign_key(&mut fk(
                        (CommunityMember::Table, CommunityMember::PersonId),
                        (Person::Table, Person::Id),
                    ))
                    .foreign_key(&mut fk(
                        (CommunityMember::Table, CommunityMember::SchoolId),
                        (School::Table, School::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SharingConsent::Table)
                    .col(pk_auto(SharingConsent::Id))
                    .col(integer_uniq(SharingConsent::SchoolId))
                    .col(boolean(SharingConsent::Consents))
                    .col(integer(SharingConsent::ChangedById))
                    .col(timestamp_with_time_zone(SharingConsent::ChangedAt))
                    .foreign_key(&mut fk(
                        (SharingConsent::Table, SharingConsent::SchoolId),
                        (School::Table, School::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommunityMeeting::Table)
                    .col(pk_auto(CommunityMeeting::Id))
                    .col(integer(CommunityMeeting::CommunityId))
                    .col(string_len(CommunityMeeting::Title, 200))
                    .col(timestamp_with_time_zone(CommunityMeeting::StartsAt))
                    .col(string_len(CommunityMeeting::StartsKey, 40))
                    .col(timestamp_with_time_zone(CommunityMeeting::EndsAt))
                    .col(string_len_null(CommunityMeeting::Place, 300))
                    .col(string_len_null(CommunityMeeting::OnlineUrl, 1000))
                    .col(text_null(CommunityMeeting::AgendaMarkdown))
                    .col(text_null(CommunityMeeting::NotesMarkdown))
                    .col(string_len(CommunityMeeting::Status, 40))
                    .col(integer(CommunityMeeting::CreatedById))
                    .col(integer(CommunityMeeting::Version).default(1))
                    .col(timestamp_with_time_zone(CommunityMeeting::CreatedAt))
                    .col(timestamp_with_time_zone(CommunityMeeting::UpdatedAt))
                    .foreign_key(&mut fk(
                        (CommunityMeeting::Table, CommunityMeeting::CommunityId),
                        (Community::Table, Community::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MeetingAttendance::Table)
                    .col(pk_auto(MeetingAttendance::Id))
                    .col(integer(MeetingAttendance::MeetingId))
                    .col(integer(MeetingAttendance::PersonId))
                    .col(timestamp_with_time_zone(MeetingAttendance::RecordedAt))
                    .foreign_key(&mut fk(
                        (MeetingAttendance::Table, MeetingAttendance::MeetingId),
                        (CommunityMeeting::Table, CommunityMeeting::Id),
                    ))
                    .foreign_key(&mut fk(
                        (MeetingAttendance::Table, MeetingAttendance::PersonId),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DiscussionPost::Table)
                    .col(pk_auto(DiscussionPost::Id))
                    .col(integer(DiscussionPost::CommunityId))
                    .col(integer_null(DiscussionPost::ThreadId))
                    .col(integer(DiscussionPost::AuthorId))
                    .col(integer_null(DiscussionPost::AuthorSchoolId))
                    .col(string_len_null(DiscussionPost::Title, 200))
                    .col(text(DiscussionPost::BodyMarkdown))
                    .col(boolean(DiscussionPost::Pinned).default(false))
                    .col(text_null(DiscussionPost::HiddenReason))
                    .col(integer_null(DiscussionPost::HiddenById))
                    .col(timestamp_with_time_zone_null(DiscussionPost::DeletedAt))
                    .col(string_len(DiscussionPost::ActivityKey, 40))
                    .col(integer(DiscussionPost::Version).default(1))
                    .col(timestamp_with_time_zone(DiscussionPost::CreatedAt))
                    .col(timestamp_with_time_zone(DiscussionPost::UpdatedAt))
                    .foreign_key(&mut fk(
                        (DiscussionPost::Table, DiscussionPost::CommunityId),
                        (Community::Table, Community::Id),
                    ))
                    .foreign_key(&mut fk(
                        (DiscussionPost::Table, DiscussionPost::ThreadId),
                        (DiscussionPost::Table, DiscussionPost::Id),
                    ))
                    .foreign_key(&mut fk(
                        (DiscussionPost::Table, DiscussionPost::AuthorId),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Enquiry::Table)
                    .col(pk_auto(Enquiry::Id))
                    .col(integer(Enquiry::AllianceId))
                    .col(integer_null(Enquiry::CommunityId))
                    .col(integer(Enquiry::OwnerId))
                    .col(integer_null(Enquiry::OwnerSchoolId))
                    .col(text(Enquiry::Question))
                    .col(text_null(Enquiry::Rationale))
                    .col(text_null(Enquiry::Baseline))
                    .col(text_null(Enquiry::PlannedActions))
                    .col(text_null(Enquiry::Findings))
                    .col(string_len(Enquiry::Stage, 40))
                    .col(string_len(Enquiry::ThemeKeys, 1000))
                    .col(integer(Enquiry::Version).default(1))
                    .col(timestamp_with_time_zone(Enquiry::CreatedAt))
                    .col(timestamp_with_time_zone(Enquiry::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Enquiry::Table, Enquiry::AllianceId),
                        (Alliance::Table, Alliance::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Enquiry::Table, Enquiry::CommunityId),
                        (Community::Table, Community::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Enquiry::Table, Enquiry::OwnerId),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EnquiryEvidence::Table)
                    .col(pk_auto(EnquiryEvidence::Id))
                    .col(integer(EnquiryEvidence::EnquiryId))
                    .col(integer_null(EnquiryEvidence::CommunityId))
                    .col(integer(EnquiryEvidence::AuthorId))
                    .col(integer_null(EnquiryEvidence::AuthorSchoolId))
                    .col(text(EnquiryEvidence::Note))
                    .col(string_len_null(EnquiryEvidence::Link, 1000))
                    .col(date(EnquiryEvidence::ObservedOn))
                    .col(timestamp_with_time_zone(EnquiryEvidence::CreatedAt))
                    .foreign_key(&mut fk(
                        (EnquiryEvidence::Table, EnquiryEvidence::EnquiryId),
                        (Enquiry::Table, Enquiry::Id),
                    ))
                    .foreign_key(&mut fk(
                        (EnquiryEvidence::Table, EnquiryEvidence::AuthorId),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EnquiryStageChange::Table)
                    .col(pk_auto(EnquiryStageChange::Id))
                    .col(integer(EnquiryStageChange::EnquiryId))
                    .col(string_len(EnquiryStageChange::FromStage, 40))
                    .col(string_len(EnquiryStageChange::ToStage, 40))
                    .col(integer(EnquiryStageChange::ChangedById))
                    .col(timestamp_with_time_zone(EnquiryStageChange::ChangedAt))
                    .foreign_key(&mut fk(
                        (EnquiryStageChange::Table, EnquiryStageChange::EnquiryId),
                        (Enquiry::Table, Enquiry::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        let indexes = [
            index(
                "ix_community_alliance",
                Community::Table,
                vec![Community::AllianceId.into_iden()],
            ),
            index(
                "ux_community_member_person",
                CommunityMember::Table,
                vec![
                    CommunityMember::CommunityId.into_iden(),
                    CommunityMember::PersonId.into_iden(),
                ],
            )
            .unique()
            .to_owned(),
            index(
                "ix_community_member_person",
                CommunityMember::Table,
                vec![CommunityMember::PersonId.into_iden()],
            ),
            index(
                "ix_community_meeting_community",
                CommunityMeeting::Table,
                vec![
                    CommunityMeeting::CommunityId.into_iden(),
                    CommunityMeeting::StartsKey.into_iden(),
                ],
            ),
            index(
                "ix_meeting_attendance_meeting",
                MeetingAttendance::Table,
                vec![MeetingAttendance::MeetingId.into_iden()],
            ),
            index(
                "ix_discussion_post_community",
                DiscussionPost::Table,
                vec![
                    DiscussionPost::CommunityId.into_iden(),
                    DiscussionPost::ActivityKey.into_iden(),
                ],
            ),
            index(
                "ix_discussion_post_thread",
                DiscussionPost::Table,
                vec![DiscussionPost::ThreadId.into_iden()],
            ),
            index(
                "ix_enquiry_community",
                Enquiry::Table,
                vec![Enquiry::CommunityId.into_iden()],
            ),
            index(
                "ix_enquiry_owner",
                Enquiry::Table,
                vec![Enquiry::OwnerId.into_iden()],
            ),
            index(
                "ix_enquiry_evidence_enquiry",
                EnquiryEvidence::Table,
                vec![EnquiryEvidence::EnquiryId.into_iden()],
            ),
            index(
                "ix_enquiry_stage_change_enquiry",
                EnquiryStageChange::Table,
                vec![EnquiryStageChange::EnquiryId.into_iden()],
            ),
        ];
        for statement in indexes {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EnquiryStageChange::Table.into_iden(),
            EnquiryEvidence::Table.into_iden(),
            Enquiry::Table.into_iden(),
            DiscussionPost::Table.into_iden(),
            MeetingAttendance::Table.into_iden(),
            CommunityMeeting::Table.into_iden(),
            SharingConsent::Table.into_iden(),
            CommunityMember::Table.into_iden(),
            Community::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
