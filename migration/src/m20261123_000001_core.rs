//! People, schools, alliances and how they relate; sessions, invitations and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    Email,
    GivenName,
    FamilyName,
    Status,
    PasswordHash,
    IsPlatformAdmin,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum School {
    Table,
    Id,
    Urn,
    Name,
    Phase,
    EstablishmentType,
    LocalAuthority,
    Postcode,
    Status,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Alliance {
    Table,
    Id,
    Name,
    Kind,
    Vision,
    Description,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AllianceMembership {
    Table,
    Id,
    AllianceId,
    SchoolId,
    Role,
    Status,
    InvitedById,
    InvitedAt,
    JoinedAt,
    EndedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Partnership {
    Table,
    Id,
    AllianceId,
    Name,
    Purpose,
    LeadSchoolId,
    Status,
    StartsOn,
    EndsOn,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PartnershipSchool {
    Table,
    Id,
    PartnershipId,
    SchoolId,
    JoinedOn,
    LeftOn,
}

#[derive(DeriveIden)]
enum StaffRole {
    Table,
    Id,
    PersonId,
    SchoolId,
    Role,
    JobTitle,
    Subjects,
    Phases,
    StartsOn,
    EndsOn,
}

#[derive(DeriveIden)]
enum AllianceRole {
    Table,
    Id,
    PersonId,
    AllianceId,
    Role,
    Expertise,
    StartsOn,
    EndsOn,
}

#[derive(DeriveIden)]
enum Theme {
    Table,
    Id,
    AllianceId,
    Framework,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshSession {
    Table,
    Id,
    PersonId,
    FamilyId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    ReplacedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    Email,
    GivenName,
    FamilyName,
    TokenHash,
    SchoolId,
    StaffRole,
    JobTitle,
    AllianceId,
    AllianceRole,
    RoleDetails,
    InvitedById,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    ActorId,
    AllianceId,
    SchoolId,
    Action,
    Subject,
    Details,
    CreatedAt,
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
                    .table(Person::Table)
                    .col(pk_auto(Person::Id))
                    .col(string_len_uniq(Person::Email, 254))
                    .col(string_len(Person::GivenName, 100))
                    .col(string_len(Person::FamilyName, 100))
                    .col(string_len(Person::Status, 40))
                    .col(string_null(Person::PasswordHash))
                    .col(boolean(Person::IsPlatformAdmin).default(false))
                    .col(integer(Person::Version).default(1))
                    .col(timestamp_with_time_zone(Person::CreatedAt))
                    .col(timestamp_with_time_zone(Person::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(School::Table)
                    .col(pk_auto(School::Id))
                    .col(string_len_null(School::Urn, 12).unique_key())
                    .col(string_len(School::Name, 200))
                    .col(string_len(School::Phase, 40))
                    .col(string_len_null(School::EstablishmentType, 100))
                    .col(string_len_null(School::LocalAuthority, 100))
                    .col(string_len_null(School::Postcode, 10))
                    .col(string_len(School::Status, 40))
                    .col(integer(School::Version).default(1))
                    .col(timestamp_with_time_zone(School::CreatedAt))
                    .col(timestamp_with_time_zone(School::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alliance::Table)
                    .col(pk_auto(Alliance::Id))
                    .col(string_len(Alliance::Name, 200))
                    .col(string_len(Alliance::Kind, 40))
                    .col(text_null(Alliance::Vision))
                    .col(text_null(Alliance::Description))
                    .col(integer(Alliance::Version).default(1))
                    .col(timestamp_with_time_zone(Alliance::CreatedAt))
                    .col(timestamp_with_time_zone(Alliance::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AllianceMembership::Table)
                    .col(pk_auto(AllianceMembership::Id))
                    .col(integer(AllianceMembership::AllianceId))
                    .col(integer(AllianceMembership::SchoolId))
                    .col(string_len(AllianceMembership::Role, 40))
                    .col(string_len(AllianceMembership::Status, 40))
                    .col(integer_null(AllianceMembership::InvitedById))
                    .col(timestamp_with_time_zone(AllianceMembership::InvitedAt))
                    .col(timestamp_with_time_zone_null(AllianceMembership::JoinedAt))
                    .col(timestamp_with_time_zone_null(AllianceMembership::EndedAt))
                    .col(timestamp_with_time_zone(AllianceMembership::UpdatedAt))
                    .foreign_key(&mut fk(
                        (AllianceMembership::Table, AllianceMembership::AllianceId),
                        (Alliance::Table, Alliance::Id),
                    ))
                    .foreign_key(&mut fk(
                        (AllianceMembership::Table, AllianceMembership::SchoolId),
                        (School::Table, School::Id),
                    ))
                    .foreign_key(&mut fk(
                        (AllianceMembership::Table, AllianceMembership::InvitedById),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Partnership::Table)
                    .col(pk_auto(Partnership::Id))
                    .col(integer(Partnership::AllianceId))
                    .col(string_len(Partnership::Name, 200))
                    .col(text_null(Partnership::Purpose))
                    .col(integer(Partnership::LeadSchoolId))
                    .col(string_len(Partnership::Status, 40))
                    .col(date(Partnership::StartsOn))
                    .col(date_null(Partnership::EndsOn))
                    .col(integer(Partnership::Version).default(1))
                    .col(timestamp_with_time_zone(Partnership::CreatedAt))
                    .col(timestamp_with_time_zone(Partnership::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Partnership::Table, Partnership::AllianceId),
                        (Alliance::Table, Alliance::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Partnership::Table, Partnership::LeadSchoolId),
                        (School::Table, School::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnershipSchool::Table)
                    .col(pk_auto(PartnershipSchool::Id))
                    .col(integer(PartnershipSchool::PartnershipId))
                    .col(integer(PartnershipSchool::SchoolId))
                    .col(date(PartnershipSchool::JoinedOn))
                    .col(date_null(PartnershipSchool::LeftOn))
                    .foreign_key(&mut fk(
                        (PartnershipSchool::Table, PartnershipSchool::PartnershipId),
                        (Partnership::Table, Partnership::Id),
                    ))
                    .foreign_key(&mut fk(
                        (PartnershipSchool::Table, PartnershipSchool::SchoolId),
                        (School::Table, School::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffRole::Table)
                    .col(pk_auto(StaffRole::Id))
                    .col(integer(StaffRole::PersonId))
                    .col(integer(StaffRole::SchoolId))
                    .col(string_len(StaffRole::Role, 40))
                    .col(string_len_null(StaffRole::JobTitle, 200))
                    .col(json(StaffRole::Subjects))
                    .col(json(StaffRole::Phases))
                    .col(date(StaffRole::StartsOn))
                    .col(date_null(StaffRole::EndsOn))
                    .foreign_key(&mut fk(
                        (StaffRole::Table, StaffRole::PersonId),
                        (Person::Table, Person::Id),
                    ))
                    .foreign_key(&mut fk(
                        (StaffRole::Table, StaffRole::SchoolId),
                        (School::Table, School::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AllianceRole::Table)
                    .col(pk_auto(AllianceRole::Id))
                    .col(integer(AllianceRole::PersonId))
                    .col(integer(AllianceRole::AllianceId))
                    .col(string_len(AllianceRole::Role, 40))
                    .col(json(AllianceRole::Expertise))
                    .col(date(AllianceRole::StartsOn))
                    .col(date_null(AllianceRole::EndsOn))
                    .foreign_key(&mut fk(
                        (AllianceRole::Table, AllianceRole::PersonId),
                        (Person::Table, Person::Id),
                    ))
                    .foreign_key(&mut fk(
                        (AllianceRole::Table, AllianceRole::AllianceId),
                        (Alliance::Table, Alliance::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Theme::Table)
                    .col(pk_auto(Theme::Id))
                    .col(integer_null(Theme::AllianceId))
                    .col(string_len(Theme::Framework, 40))
                    .col(string_len(Theme::Name, 120))
                    .col(timestamp_with_time_zone(Theme::CreatedAt))
                    .foreign_key(&mut fk(
                        (Theme::Table, Theme::AllianceId),
                        (Alliance::Table, Alliance::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RefreshSession::Table)
                    .col(pk_auto(RefreshSession::Id))
                    .col(integer(RefreshSession::PersonId))
                    .col(string_len(RefreshSession::FamilyId, 64))
                    .col(string_len_uniq(RefreshSession::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshSession::CreatedAt))
                    .col(timestamp_with_time_zone(RefreshSession::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshSession::ReplacedAt))
                    .col(timestamp_with_time_zone_null(RefreshSession::RevokedAt))
                    .foreign_key(&mut fk(
                        (RefreshSession::Table, RefreshSession::PersonId),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Invitation::Table)
                    .col(pk_auto(Invitation::Id))
                    .col(string_len(Invitation::Email, 254))
                    .col(string_len(Invitation::GivenName, 100))
                    .col(string_len(Invitation::FamilyName, 100))
                    .col(string_len_uniq(Invitation::TokenHash, 64))
                    .col(integer_null(Invitation::SchoolId))
                    .col(string_len_null(Invitation::StaffRole, 40))
                    .col(string_len_null(Invitation::JobTitle, 200))
                    .col(integer_null(Invitation::AllianceId))
                    .col(string_len_null(Invitation::AllianceRole, 40))
                    .col(json(Invitation::RoleDetails))
                    .col(integer(Invitation::InvitedById))
                    .col(timestamp_with_time_zone(Invitation::CreatedAt))
                    .col(timestamp_with_time_zone(Invitation::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitation::AcceptedAt))
                    .foreign_key(&mut fk(
                        (Invitation::Table, Invitation::SchoolId),
                        (School::Table, School::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Invitation::Table, Invitation::AllianceId),
                        (Alliance::Table, Alliance::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Invitation::Table, Invitation::InvitedById),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(pk_auto(AuditEvent::Id))
                    .col(integer_null(AuditEvent::ActorId))
                    .col(integer_null(AuditEvent::AllianceId))
                    .col(integer_null(AuditEvent::SchoolId))
                    .col(string_len(AuditEvent::Action, 100))
                    .col(string_len(AuditEvent::Subject, 200))
                    .col(json(AuditEvent::Details))
                    .col(timestamp_with_time_zone(AuditEvent::CreatedAt))
                    .to_owned(),
            )
            .await?;

        // Every foreign key a list or loader follows, and every keyset order, has an index.
        let indexes = [
            index(
                "ix_alliance_name",
                Alliance::Table,
                vec![Alliance::Name.into_iden(), Alliance::Id.into_iden()],
            ),
            index(
                "ix_school_name",
                School::Table,
                vec![School::Name.into_iden(), School::Id.into_iden()],
            ),
            index(
                "ix_person_family_name",
                Person::Table,
                vec![Person::FamilyName.into_iden(), Person::Id.into_iden()],
            ),
            index(
                "ix_membership_alliance",
                AllianceMembership::Table,
                vec![
                    AllianceMembership::AllianceId.into_iden(),
                    AllianceMembership::Id.into_iden(),
                ],
            ),
            index(
                "ix_membership_school",
                AllianceMembership::Table,
                vec![
                    AllianceMembership::SchoolId.into_iden(),
                    AllianceMembership::Id.into_iden(),
                ],
            ),
            index(
                "ix_partnership_alliance",
                Partnership::Table,
                vec![
                    Partnership::AllianceId.into_iden(),
                    Partnership::Id.into_iden(),
                ],
            ),
            index(
                "ix_partnership_school_partnership",
                PartnershipSchool::Table,
                vec![
                    PartnershipSchool::PartnershipId.into_iden(),
                    PartnershipSchool::Id.into_iden(),
                ],
            ),
            index(
                "ix_partnership_school_school",
                PartnershipSchool::Table,
                vec![
                    PartnershipSchool::SchoolId.into_iden(),
                    PartnershipSchool::Id.into_iden(),
                ],
            ),
            index(
                "ix_staff_role_school",
                StaffRole::Table,
                vec![StaffRole::SchoolId.into_iden(), StaffRole::Id.into_iden()],
            ),
            index(
                "ix_staff_role_person",
                StaffRole::Table,
                vec![StaffRole::PersonId.into_iden(), StaffRole::Id.into_iden()],
            ),
            index(
                "ix_alliance_role_alliance",
                AllianceRole::Table,
                vec![
                    AllianceRole::AllianceId.into_iden(),
                    AllianceRole::Id.into_iden(),
                ],
            ),
            index(
                "ix_alliance_role_person",
                AllianceRole::Table,
                vec![
                    AllianceRole::PersonId.into_iden(),
                    AllianceRole::Id.into_iden(),
                ],
            ),
            index(
                "ix_theme_alliance",
                Theme::Table,
                vec![Theme::AllianceId.into_iden()],
            ),
            index(
                "ix_refresh_session_person",
                RefreshSession::Table,
                vec![RefreshSession::PersonId.into_iden()],
            ),
            index(
                "ix_refresh_session_family",
                RefreshSession::Table,
                vec![RefreshSession::FamilyId.into_iden()],
            ),
            index(
                "ix_invitation_email",
                Invitation::Table,
                vec![Invitation::Email.into_iden()],
            ),
            index(
                "ix_audit_event_alliance",
                AuditEvent::Table,
                vec![
                    AuditEvent::AllianceId.into_iden(),
                    AuditEvent::Id.into_iden(),
                ],
            ),
            index(
                "ix_audit_event_school",
                AuditEvent::Table,
                vec![AuditEvent::SchoolId.into_iden(), AuditEvent::Id.into_iden()],
            ),
        ];
        for statement in indexes {
            manager.create_index(statement).await?;
        }
        Ok(())
    }
}
