//! Events and release time (issue 22).
//! - `event`: a course, network meeting, school visit, lesson study, open classroom or
//!   conference, hosted by an alliance or by one of its schools (`host_school_id`), with
//!   who may book (`audience`), capacity, booking window, whether the person's school must
//!   approve, and the release time attending costs (half days). `starts_at`/`ends_at` are
//!   its first session's start and last session's end, kept by the mutations for ordering.
//!   `places_taken` counts the bookings holding a place; it only ever changes by one
//!   conditional `UPDATE` (`places_taken < capacity`), so two requests cannot take the
//!   last place.
//! - `event_session`: its dated sessions, in UTC with the time zone they were given in.
//! - `event_facilitator`: people of member schools who lead it.
//! - `event_booking`: one per event and person (re-booking reuses the row), with who booked,
//!   its status, waitlist order, approval and attendance.
//! - `event_evaluation` and `event_follow_up`: what will change in practice, and weeks later
//!   what did, each shared in full only when the person chose to.
//! - `release_limit`: a school's limit on days out per term, for a role or a person.
//! - `calendar_feed`: iCalendar feed tokens (hashed) of a person or an alliance.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
    AllianceId,
    HostSchoolId,
    Kind,
    Title,
    DescriptionMarkdown,
    ThemeKeys,
    Phases,
    VenueSchoolId,
    Address,
    OnlineUrl,
    Capacity,
    PlacesTaken,
    BookingOpensAt,
    BookingClosesAt,
    Audience,
    PartnershipId,
    ApprovalRequired,
    ReleaseHalfDays,
    FollowUpWeeks,
    Status,
    CancelledReason,
    StartsAt,
    EndsAt,
    CreatedById,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventSession {
    Table,
    Id,
    EventId,
    StartsAt,
    EndsAt,
    TimeZone,
}

#[derive(DeriveIden)]
enum EventFacilitator {
    Table,
    EventId,
    PersonId,
}

#[derive(DeriveIden)]
enum EventBooking {
    Table,
    Id,
    EventId,
    PersonId,
    SchoolId,
    BookedById,
    Status,
    WaitlistedAt,
    DecidedById,
    DecidedAt,
    DeclineReason,
    CancelledAt,
    AttendanceRecordedById,
    AttendanceRecordedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventEvaluation {
    Table,
    Id,
    BookingId,
    EventId,
    PersonId,
    PlannedChange,
    ThemeKeys,
    SharedInFull,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventFollowUp {
    Table,
    Id,
    BookingId,
    EventId,
    PersonId,
    DueOn,
    RemindedAt,
    WhatChanged,
    PracticeId,
    CommunityId,
    SharedInFull,
    SubmittedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReleaseLimit {
    Table,
    Id,
    SchoolId,
    Role,
    PersonId,
    HalfDaysPerTerm,
    SetById,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CalendarFeed {
    Table,
    Id,
    TokenHash,
    PersonId,
    AllianceId,
    CreatedById,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Alliance {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum School {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Partnership {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Practice {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Community {
    Table,
    Id,
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

fn event() -> TableCreateStatement {
    Table::create()
        .table(Event::Table)
        .col(pk_auto(Event::Id))
        .col(integer(Event::AllianceId))
        // Null when the alliance itself hosts the event.
        .col(integer_null(Event::HostSchoolId))
        .col(string_len(Event::Kind, 40))
        .col(string_len(Event::Title, 200))
        .col(text(Event::DescriptionMarkdown))
        // Theme ids as `,3,14,`.
        .col(string_len(Event::ThemeKeys, 400))
        // JSON array of `SchoolPhase` names.
        .col(json(Event::Phases))
        // Where it happens: a school, an address, or online (any of them may be given).
        .col(integer_null(Event::VenueSchoolId))
        .col(string_len_null(Event::Address, 500))
        .col(string_len_null(Event::OnlineUrl, 2000))
        .col(integer(Event::Capacity))
        .col(integer(Event::PlacesTaken).default(0))
        .col(timestamp_with_time_zone_null(Event::BookingOpensAt))
        .col(timestamp_with_time_zone_null(Event::BookingClosesAt))
        .col(string_len(Event::Audience, 40))
        .col(integer_null(Event::PartnershipId))
        .col(boolean(Event::ApprovalRequired).default(false))
        .col(integer(Event::ReleaseHalfDays).default(0))
        .col(integer(Event::FollowUpWeeks).default(6))
        .col(string_len(Event::Status, 40))
        .col(string_len_null(Event::CancelledReason, 500))
        .col(timestamp_with_time_zone(Event::StartsAt))
        .col(timestamp_with_time_zone(Event::EndsAt))
        .col(integer(Event::CreatedById))
        .col(integer(Event::Version).default(1))
        .col(timestamp_with_time_zone(Event::CreatedAt))
        .col(timestamp_with_time_zone(Event::UpdatedAt))
        .foreign_key(&mut fk(
            (Event::Table, Event::AllianceId),
            (Alliance::Table, Alliance::Id),
        ))
        .foreign_key(&mut fk(
            (Event::Table, Event::HostSchoolId),
            (School::Table, School::Id),
        ))
        .foreign_key(&mut fk(
            (Event::Table, Event::VenueSchoolId),
            (School::Table, School::Id),
        ))
        .foreign_key(&mut fk(
            (Event::Table, Event::PartnershipId),
            (Partnership::Table, Partnership::Id),
        ))
        .foreign_key(&mut fk(
            (Event::Table, Event::CreatedById),
            (Person::Table, Person::Id),
        ))
        .check(Expr::col(Event::PlacesTaken).gte(0))
        .check(Expr::col(Event::ReleaseHalfDays).gte(0))
        .to_owned()
}

fn event_session() -> TableCreateStatement {
    Table::create()
        .table(EventSession::Table)
        .col(pk_auto(EventSession::Id))
        .col(integer(EventSession::EventId))
        .col(timestamp_with_time_zone(EventSession::StartsAt))
        .col(timestamp_with_time_zone(EventSession::EndsAt))
        // The IANA time zone the session was given in, such as `Europe/London`.
        .col(string_len(EventSession::TimeZone, 64))
        .foreign_key(
            &mut fk(
                (EventSession::Table, EventSession::EventId),
                (Event::Table, Event::Id),
            )
            .on_delete(ForeignKeyAction::Cascade)
            .to_owned(),
        )
        .to_owned()
}

fn event_facilitator() -> TableCreateStatement {
    Table::create()
        .table(EventFacilitator::Table)
        .col(integer(EventFacilitator::EventId))
        .col(integer(EventFacilitator::PersonId))
        .primary_key(
            Index::create()
                .col(EventFacilitator::EventId)
                .col(EventFacilitator::PersonId),
        )
        .foreign_key(
            &mut fk(
                (EventFacilitator::Table, EventFacilitator::EventId),
                (Event::Table, Event::Id),
            )
            .on_delete(ForeignKeyAction::Cascade)
            .to_owned(),
        )
        .foreign_key(&mut fk(
            (EventFacilitator::Table, EventFacilitator::PersonId),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

fn event_booking() -> TableCreateStatement {
    Table::create()
        .table(EventBooking::Table)
        .col(pk_auto(EventBooking::Id))
        .col(integer(EventBooking::EventId))
        .col(integer(EventBooking::PersonId))
        // The school the person attends from: its leaders approve, its ledger counts the days.
        .col(integer(EventBooking::SchoolId))
        .col(integer(EventBooking::BookedById))
        .col(string_len(EventBooking::Status, 40))
        // The waitlist's order: set when the booking joins it.
        .col(timestamp_with_time_zone_null(EventBooking::WaitlistedAt))
        .col(integer_null(EventBooking::DecidedById))
        .col(timestamp_with_time_zone_null(EventBooking::DecidedAt))
        .col(string_len_null(EventBooking::DeclineReason, 500))
        .col(timestamp_with_time_zone_null(EventBooking::CancelledAt))
        .col(integer_null(EventBooking::AttendanceRecordedById))
        .col(timestamp_with_time_zone_null(
            EventBooking::AttendanceRecordedAt,
        ))
        .col(integer(EventBooking::Version).default(1))
        .col(timestamp_with_time_zone(EventBooking::CreatedAt))
        .col(timestamp_with_time_zone(EventBooking::UpdatedAt))
        .foreign_key(&mut fk(
            (EventBooking::Table, EventBooking::EventId),
            (Event::Table, Event::Id),
        ))
        .foreign_key(&mut fk(
            (EventBooking::Table, EventBooking::PersonId),
            (Person::Table, Person::Id),
        ))
        .foreign_key(&mut fk(
            (EventBooking::Table, EventBooking::SchoolId),
            (School::Table, School::Id),
        ))
        .foreign_key(&mut fk(
            (EventBooking::Table, EventBooking::BookedById),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

fn event_evaluation() -> TableCreateStatement {
    Table::create()
        .table(EventEvaluation::Table)
        .col(pk_auto(EventEvaluation::Id))
        .col(integer_uniq(EventEvaluation::BookingId))
        .col(integer(EventEvaluation::EventId))
        .col(integer(EventEvaluation::PersonId))
        .col(text(EventEvaluation::PlannedChange))
        .col(string_len(EventEvaluation::ThemeKeys, 400))
        .col(boolean(EventEvaluation::SharedInFull).default(false))
        .col(integer(EventEvaluation::Version).default(1))
        .col(timestamp_with_time_zone(EventEvaluation::CreatedAt))
        .col(timestamp_with_time_zone(EventEvaluation::UpdatedAt))
        .foreign_key(&mut fk(
            (EventEvaluation::Table, EventEvaluation::BookingId),
            (EventBooking::Table, EventBooking::Id),
        ))
        .foreign_key(&mut fk(
            (EventEvaluation::Table, EventEvaluation::EventId),
            (Event::Table, Event::Id),
        ))
        .foreign_key(&mut fk(
            (EventEvaluation::Table, EventEvaluation::PersonId),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

fn event_follow_up() -> TableCreateStatement {
    Table::create()
        .table(EventFollowUp::Table)
        .col(pk_auto(EventFollowUp::Id))
        .col(integer_uniq(EventFollowUp::BookingId))
        .col(integer(EventFollowUp::EventId))
        .col(integer(EventFollowUp::PersonId))
        .col(date(EventFollowUp::DueOn))
        // When the person was told it was due (once).
        .col(timestamp_with_time_zone_null(EventFollowUp::RemindedAt))
        .col(text_null(EventFollowUp::WhatChanged))
        .col(integer_null(EventFollowUp::PracticeId))
        .col(integer_null(EventFollowUp::CommunityId))
        .col(boolean(EventFollowUp::SharedInFull).default(false))
        .col(timestamp_with_time_zone_null(EventFollowUp::SubmittedAt))
        .col(integer(EventFollowUp::Version).default(1))
        .col(timestamp_with_time_zone(EventFollowUp::CreatedAt))
        .col(timestamp_with_time_zone(EventFollowUp::UpdatedAt))
        .foreign_key(&mut fk(
            (EventFollowUp::Table, EventFollowUp::BookingId),
            (EventBooking::Table, EventBooking::Id),
        ))
        .foreign_key(&mut fk(
            (EventFollowUp::Table, EventFollowUp::EventId),
            (Event::Table, Event::Id),
        ))
        .foreign_key(&mut fk(
            (EventFollowUp::Table, EventFollowUp::PersonId),
            (Person::Table, Person::Id),
        ))
        .foreign_key(&mut fk(
            (EventFollowUp::Table, EventFollowUp::PracticeId),
            (Practice::Table, Practice::Id),
        ))
        .foreign_key(&mut fk(
            (EventFollowUp::Table, EventFollowUp::CommunityId),
            (Community::Table, Community::Id),
        ))
        .to_owned()
}

fn release_limit() -> TableCreateStatement {
    Table::create()
        .table(ReleaseLimit::Table)
        .col(pk_auto(ReleaseLimit::Id))
        .col(integer(ReleaseLimit::SchoolId))
        // For everyone in a role (`StaffRoleKind`), or for one person; neither: the
        // school's default.
        .col(string_len_null(ReleaseLimit::Role, 40))
        .col(integer_null(ReleaseLimit::PersonId))
        .col(integer(ReleaseLimit::HalfDaysPerTerm))
        .col(integer(ReleaseLimit::SetById))
        .col(integer(ReleaseLimit::Version).default(1))
        .col(timestamp_with_time_zone(ReleaseLimit::CreatedAt))
        .col(timestamp_with_time_zone(ReleaseLimit::UpdatedAt))
        .foreign_key(&mut fk(
            (ReleaseLimit::Table, ReleaseLimit::SchoolId),
            (School::Table, School::Id),
        ))
        .foreign_key(&mut fk(
            (ReleaseLimit::Table, ReleaseLimit::PersonId),
            (Person::Table, Person::Id),
        ))
        .foreign_key(&mut fk(
            (ReleaseLimit::Table, ReleaseLimit::SetById),
            (Person::Table, Person::Id),
        ))
        .check(Expr::col(ReleaseLimit::HalfDaysPerTerm).gte(0))
        .check(
            Expr::col(ReleaseLimit::Role)
                .is_null()
                .or(Expr::col(ReleaseLimit::PersonId).is_null()),
        )
        .to_owned()
}

fn calendar_feed() -> TableCreateStatement {
    Table::create()
        .table(CalendarFeed::Table)
        .col(pk_auto(CalendarFeed::Id))
        // SHA-256 of the token, hex: the token itself is shown once and never stored.
        .col(string_len_uniq(CalendarFeed::TokenHash, 64))
        // Exactly one of the two: whose feed it is.
        .col(integer_null(CalendarFeed::PersonId))
        .col(integer_null(CalendarFeed::AllianceId))
        .col(integer(CalendarFeed::CreatedById))
        .col(timestamp_with_time_zone(CalendarFeed::CreatedAt))
        .col(timestamp_with_time_zone_null(CalendarFeed::RevokedAt))
        .foreign_key(&mut fk(
            (CalendarFeed::Table, CalendarFeed::PersonId),
            (Person::Table, Person::Id),
        ))
        .foreign_key(&mut fk(
            (CalendarFeed::Table, CalendarFeed::AllianceId),
            (Alliance::Table, Alliance::Id),
        ))
        .foreign_key(&mut fk(
            (CalendarFeed::Table, CalendarFeed::CreatedById),
            (Person::Table, Person::Id),
        ))
        .check(
            Expr::col(CalendarFeed::PersonId)
                .is_null()
                .ne(Expr::col(CalendarFeed::AllianceId).is_null()),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            event(),
            event_session(),
            event_facilitator(),
            event_booking(),
            event_evaluation(),
            event_follow_up(),
            release_limit(),
            calendar_feed(),
        ] {
            manager.create_table(table).await?;
        }
        let indexes = [
            (
                "ix_event_alliance_starts",
                Event::Table.into_iden(),
                vec![Event::AllianceId.into_iden(), Event::StartsAt.into_iden()],
            ),
            (
                "ix_event_host_school_starts",
                Event::Table.into_iden(),
                vec![Event::HostSchoolId.into_iden(), Event::StartsAt.into_iden()],
            ),
            (
                "ix_event_starts",
                Event::Table.into_iden(),
                vec![Event::StartsAt.into_iden(), Event::Id.into_iden()],
            ),
            (
                "ix_event_updated",
                Event::Table.into_iden(),
                vec![Event::UpdatedAt.into_iden(), Event::Id.into_iden()],
            ),
            (
                "ix_event_session_event",
                EventSession::Table.into_iden(),
                vec![
                    EventSession::EventId.into_iden(),
                    EventSession::StartsAt.into_iden(),
                ],
            ),
            (
                "ix_event_facilitator_person",
                EventFacilitator::Table.into_iden(),
                vec![EventFacilitator::PersonId.into_iden()],
            ),
            (
                "ix_event_booking_person",
                EventBooking::Table.into_iden(),
                vec![
                    EventBooking::PersonId.into_iden(),
                    EventBooking::Status.into_iden(),
                ],
            ),
            (
                "ix_event_booking_school",
                EventBooking::Table.into_iden(),
                vec![
                    EventBooking::SchoolId.into_iden(),
                    EventBooking::Status.into_iden(),
                ],
            ),
            (
                "ix_event_booking_waitlist",
                EventBooking::Table.into_iden(),
                vec![
                    EventBooking::EventId.into_iden(),
                    EventBooking::Status.into_iden(),
                    EventBooking::WaitlistedAt.into_iden(),
                    EventBooking::Id.into_iden(),
                ],
            ),
            (
                "ix_event_evaluation_event",
                EventEvaluation::Table.into_iden(),
                vec![EventEvaluation::EventId.into_iden()],
            ),
            (
                "ix_event_follow_up_event",
                EventFollowUp::Table.into_iden(),
                vec![EventFollowUp::EventId.into_iden()],
            ),
            (
                "ix_event_follow_up_due",
                EventFollowUp::Table.into_iden(),
                vec![EventFollowUp::DueOn.into_iden()],
            ),
            (
                "ix_release_limit_school",
                ReleaseLimit::Table.into_iden(),
                vec![ReleaseLimit::SchoolId.into_iden()],
            ),
            (
                "ix_calendar_feed_person",
                CalendarFeed::Table.into_iden(),
                vec![CalendarFeed::PersonId.into_iden()],
            ),
            (
                "ix_calendar_feed_alliance",
                CalendarFeed::Table.into_iden(),
                vec![CalendarFeed::AllianceId.into_iden()],
            ),
        ];
        for (name, table, columns) in indexes {
            manager.create_index(index(name, table, columns)).await?;
        }
        // One booking per event and person: booking again after cancelling reuses the row.
        manager
            .create_index(
                Index::create()
                    .name("ux_event_booking_event_person")
                    .table(EventBooking::Table)
                    .col(EventBooking::EventId)
                    .col(EventBooking::PersonId)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
