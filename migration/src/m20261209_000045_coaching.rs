//! Expertise, coaching and techniques (issue 24, lane coaching).
//! - `expertise_entry`: a person's strength or development need in one theme, with a short
//!   note of evidence; self-declared, confirmed (or not) by one of their school's leaders.
//!   One per person and theme.
//! - `coaching_availability`: whether a person is visible as a potential coach, and how
//!   many coaching sessions a term they can give. One per person.
//! - `coaching_relationship`: a coach and a coachee in one alliance, on a theme and a
//!   focus, for a purpose fixed at creation (developmental or appraisal), with a status
//!   (proposed, active, paused, ended) and a cadence; who brokered it.
//! - `coaching_cycle`: a cycle within a relationship: its focus and, once closed, its
//!   outcome.
//! - `coaching_session`: a dated session of a relationship, with notes; one held out of
//!   school costs release days (`half_days`), counted in the release ledger.
//! - `coaching_action_step`: an agreed next step, with a check-back date, optionally
//!   pointing to a technique; `reminded_at` once both people were told it is overdue.
//! - `technique`: a named strategy broken into steps, tagged by themes and phases; the
//!   shared ones (no alliance) are written here, alliances add their own.

use sea_orm_migration::sea_orm::JsonValue;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Theme {
    Table,
    Id,
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
enum ExpertiseEntry {
    Table,
    Id,
    PersonId,
    ThemeId,
    Kind,
    Evidence,
    ConfirmedById,
    ConfirmedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CoachingAvailability {
    Table,
    Id,
    PersonId,
    VisibleAsCoach,
    SessionsPerTerm,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CoachingRelationship {
    Table,
    Id,
    AllianceId,
    CoachId,
    CoacheeId,
    CoachSchoolId,
    CoacheeSchoolId,
    ThemeId,
    Focus,
    Purpose,
    Status,
    Cadence,
    BrokeredById,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CoachingCycle {
    Table,
    Id,
    RelationshipId,
    Focus,
    Outcome,
    StartedOn,
    EndedOn,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CoachingSession {
    Table,
    Id,
    RelationshipId,
    CycleId,
    HeldOn,
    Notes,
    OutOfSchool,
    HalfDays,
    RecordedById,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CoachingActionStep {
    Table,
    Id,
    RelationshipId,
    CycleId,
    Description,
    TechniqueId,
    CheckBackOn,
    DoneAt,
    RemindedAt,
    CreatedById,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Technique {
    Table,
    Id,
    AllianceId,
    Name,
    Summary,
    Steps,
    ThemeKeys,
    Phases,
    CreatedById,
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

fn expertise_entry() -> TableCreateStatement {
    use ExpertiseEntry as E;
    Table::create()
        .table(E::Table)
        .col(pk_auto(E::Id))
        .col(integer(E::PersonId))
        .col(integer(E::ThemeId))
        // `ExpertiseKind`: STRENGTH or NEED.
        .col(string_len(E::Kind, 40))
        .col(string_len(E::Evidence, 500))
        .col(integer_null(E::ConfirmedById))
        .col(timestamp_with_time_zone_null(E::ConfirmedAt))
        .col(integer(E::Version).default(1))
        .col(timestamp_with_time_zone(E::CreatedAt))
        .col(timestamp_with_time_zone(E::UpdatedAt))
        .foreign_key(&mut fk(
            (E::Table, E::PersonId),
            (Person::Table, Person::Id),
        ))
        .foreign_key(&mut fk((E::Table, E::ThemeId), (Theme::Table, Theme::Id)))
        .foreign_key(&mut fk(
            (E::Table, E::ConfirmedById),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

fn coaching_availability() -> TableCreateStatement {
    use CoachingAvailability as A;
    Table::create()
        .table(A::Table)
        .col(pk_auto(A::Id))
        .col(integer_uniq(A::PersonId))
        .col(boolean(A::VisibleAsCoach).default(false))
        .col(integer(A::SessionsPerTerm).default(0))
        .col(integer(A::Version).default(1))
        .col(timestamp_with_time_zone(A::CreatedAt))
        .col(timestamp_with_time_zone(A::UpdatedAt))
        .foreign_key(&mut fk(
            (A::Table, A::PersonId),
            (Person::Table, Person::Id),
        ))
        .check(Expr::col(A::SessionsPerTerm).gte(0))
        .to_owned()
}

fn coaching_relationship() -> TableCreateStatement {
    use CoachingRelationship as R;
    Table::create()
        .table(R::Table)
        .col(pk_auto(R::Id))
        .col(integer(R::AllianceId))
        .col(integer(R::CoachId))
        .col(integer(R::CoacheeId))
        // The schools each works at when the relationship was made (for counts).
        .col(integer_null(R::CoachSchoolId))
        .col(integer_null(R::CoacheeSchoolId))
        .col(integer_null(R::ThemeId))
        .col(string_len(R::Focus, 500))
        // `CoachingPurpose`: DEVELOPMENTAL or APPRAISAL, fixed at creation.
        .col(string_len(R::Purpose, 40))
        // `CoachingStatus`: PROPOSED, ACTIVE, PAUSED, ENDED.
        .col(string_len(R::Status, 40))
        .col(string_len_null(R::Cadence, 200))
        .col(integer_null(R::BrokeredById))
        .col(integer(R::Version).default(1))
        .col(timestamp_with_time_zone(R::CreatedAt))
        .col(timestamp_with_time_zone(R::UpdatedAt))
        .foreign_key(&mut fk(
            (R::Table, R::AllianceId),
            (Alliance::Table, Alliance::Id),
        ))
        .foreign_key(&mut fk((R::Table, R::CoachId), (Person::Table, Person::Id)))
        .foreign_key(&mut fk(
            (R::Table, R::CoacheeId),
            (Person::Table, Person::Id),
        ))
        .foreign_key(&mut fk(
            (R::Table, R::CoachSchoolId),
            (School::Table, School::Id),
        ))
        .foreign_key(&mut fk(
            (R::Table, R::CoacheeSchoolId),
            (School::Table, School::Id),
        ))
        .foreign_key(&mut fk((R::Table, R::ThemeId), (Theme::Table, Theme::Id)))
        .foreign_key(&mut fk(
            (R::Table, R::BrokeredById),
            (Person::Table, Person::Id),
        ))
        .check(Expr::col(R::CoachId).ne(Expr::col(R::CoacheeId)))
        .to_owned()
}

fn coaching_cycle() -> TableCreateStatement {
    use CoachingCycle as C;
    Table::create()
        .table(C::Table)
        .col(pk_auto(C::Id))
        .col(integer(C::RelationshipId))
        .col(string_len(C::Focus, 500))
        .col(text_null(C::Outcome))
        .col(date(C::StartedOn))
        .col(date_null(C::EndedOn))
        .col(integer(C::Version).default(1))
        .col(timestamp_with_time_zone(C::CreatedAt))
        .col(timestamp_with_time_zone(C::UpdatedAt))
        .foreign_key(&mut fk(
            (C::Table, C::RelationshipId),
            (CoachingRelationship::Table, CoachingRelationship::Id),
        ))
        .to_owned()
}

fn coaching_session() -> TableCreateStatement {
    use CoachingSession as S;
    Table::create()
        .table(S::Table)
        .col(pk_auto(S::Id))
        .col(integer(S::RelationshipId))
        .col(integer_null(S::CycleId))
        .col(date(S::HeldOn))
        .col(text(S::Notes))
        .col(boolean(S::OutOfSchool).default(false))
        // Release time the session costs the coach, in half days (0 when in school).
        .col(integer(S::HalfDays).default(0))
        .col(integer(S::RecordedById))
        .col(timestamp_with_time_zone(S::CreatedAt))
        .foreign_key(&mut fk(
            (S::Table, S::RelationshipId),
            (CoachingRelationship::Table, CoachingRelationship::Id),
        ))
        .foreign_key(&mut fk(
            (S::Table, S::CycleId),
            (CoachingCycle::Table, CoachingCycle::Id),
        ))
        .foreign_key(&mut fk(
            (S::Table, S::RecordedById),
            (Person::Table, Person::Id),
        ))
        .check(Expr::col(S::HalfDays).gte(0))
        .to_owned()
}

fn coaching_action_step() -> TableCreateStatement {
    use CoachingActionStep as S;
    Table::create()
        .table(S::Table)
        .col(pk_auto(S::Id))
        .col(integer(S::RelationshipId))
        .col(integer_null(S::CycleId))
        .col(string_len(S::Description, 1000))
        .col(integer_null(S::TechniqueId))
        .col(date(S::CheckBackOn))
        .col(timestamp_with_time_zone_null(S::DoneAt))
        // When both people were told the check-back is overdue (once).
        .col(timestamp_with_time_zone_null(S::RemindedAt))
        .col(integer(S::CreatedById))
        .col(integer(S::Version).default(1))
        .col(timestamp_with_time_zone(S::CreatedAt))
        .col(timestamp_with_time_zone(S::UpdatedAt))
        .foreign_key(&mut fk(
            (S::Table, S::RelationshipId),
            (CoachingRelationship::Table, CoachingRelationship::Id),
        ))
        .foreign_key(&mut fk(
            (S::Table, S::CycleId),
            (CoachingCycle::Table, CoachingCycle::Id),
        ))
        .foreign_key(&mut fk(
            (S::Table, S::TechniqueId),
            (Technique::Table, Technique::Id),
        ))
        .foreign_key(&mut fk(
            (S::Table, S::CreatedById),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

fn technique() -> TableCreateStatement {
    use Technique as T;
    Table::create()
        .table(T::Table)
        .col(pk_auto(T::Id))
        // `None`: the shared library, shipped with every install.
        .col(integer_null(T::AllianceId))
        .col(string_len(T::Name, 200))
        .col(string_len(T::Summary, 1000))
        // JSON array of the steps' texts, in order.
        .col(json(T::Steps))
        .col(string_len(T::ThemeKeys, 400))
        // JSON array of `SchoolPhase` names.
        .col(json(T::Phases))
        .col(integer_null(T::CreatedById))
        .col(timestamp_with_time_zone(T::CreatedAt))
        .foreign_key(&mut fk(
            (T::Table, T::AllianceId),
            (Alliance::Table, Alliance::Id),
        ))
        .foreign_key(&mut fk(
            (T::Table, T::CreatedById),
            (Person::Table, Person::Id),
        ))
        .to_owned()
}

/// The shared techniques: name, summary, steps, and the shared themes they are tagged
/// with (by name).
const TECHNIQUES: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "Hinge questions",
        "A single multiple-choice question at the hinge point of a lesson, whose answers show at a glance who is ready to move on.",
        &[
            "Find the point in the lesson where understanding must be secure before moving on.",
            "Write one question with plausible wrong answers, each showing a known misconception.",
            "Ask everyone to answer at once (fingers, mini-whiteboards or cards).",
            "Decide in under a minute: move on, reteach to all, or regroup.",
        ],
        &["Assessment for learning"],
    ),
    (
        "No hands up, with wait time",
        "Everyone thinks, anyone may be asked: questions go to named pupils after a pause of three to five seconds.",
        &[
            "Tell the class that anyone may be asked and that thinking time comes first.",
            "Ask the question, then wait three to five seconds before naming a pupil.",
            "Build on the answer by asking another pupil to extend or challenge it.",
        ],
        &[
            "Assessment for learning",
            "Teaching and learning strategies",
        ],
    ),
    (
        "Success criteria co-constructed",
        "Pupils and teacher agree what a good piece of work looks like, from examples, before starting.",
        &[
            "Show two or three pieces of work of different quality.",
            "Ask pupils what makes the better one better, and write their words down.",
            "Turn the list into three or four criteria pupils use to check their own work.",
        ],
        &["Assessment for learning", "Learning how to learn"],
    ),
    (
        "Think, pair, share",
        "Pupils think alone, rehearse their answer with a partner, then share with the class.",
        &[
            "Pose an open question and give a minute of silent thinking.",
            "Pupils explain their thinking to a partner, who asks one question back.",
            "Take answers from pairs, crediting the partner's idea.",
        ],
        &[
            "Teaching and learning strategies",
            "Student voice and choice",
        ],
    ),
    (
        "Instructional coaching cycle",
        "A short cycle in which a coach and a teacher pick one small step, rehearse it and check back within a fortnight.",
        &[
            "Observe briefly and agree one high-leverage action step.",
            "Model the step and rehearse it together.",
            "The teacher tries it in class; the coach drops in.",
            "Check back on the agreed date and choose the next step.",
        ],
        &["Mentoring and coaching"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            expertise_entry(),
            coaching_availability(),
            coaching_relationship(),
            coaching_cycle(),
            coaching_session(),
            technique(),
            coaching_action_step(),
        ] {
            manager.create_table(table).await?;
        }
        let indexes = [
            (
                "ux_expertise_entry_person_theme",
                ExpertiseEntry::Table.into_iden(),
                vec![
                    ExpertiseEntry::PersonId.into_iden(),
                    ExpertiseEntry::ThemeId.into_iden(),
                ],
                true,
            ),
            (
                "ix_expertise_entry_theme",
                ExpertiseEntry::Table.into_iden(),
                vec![
                    ExpertiseEntry::ThemeId.into_iden(),
                    ExpertiseEntry::Kind.into_iden(),
                ],
                false,
            ),
            (
                "ix_coaching_relationship_coach",
                CoachingRelationship::Table.into_iden(),
                vec![
                    CoachingRelationship::CoachId.into_iden(),
                    CoachingRelationship::Status.into_iden(),
                ],
                false,
            ),
            (
                "ix_coaching_relationship_coachee",
                CoachingRelationship::Table.into_iden(),
                vec![CoachingRelationship::CoacheeId.into_iden()],
                false,
            ),
            (
                "ix_coaching_relationship_alliance",
                CoachingRelationship::Table.into_iden(),
                vec![CoachingRelationship::AllianceId.into_iden()],
                false,
            ),
            (
                "ix_coaching_cycle_relationship",
                CoachingCycle::Table.into_iden(),
                vec![CoachingCycle::RelationshipId.into_iden()],
                false,
            ),
            (
                "ix_coaching_session_relationship",
                CoachingSession::Table.into_iden(),
                vec![
                    CoachingSession::RelationshipId.into_iden(),
                    CoachingSession::HeldOn.into_iden(),
                ],
                false,
            ),
            (
                "ix_coaching_action_step_relationship",
                CoachingActionStep::Table.into_iden(),
                vec![CoachingActionStep::RelationshipId.into_iden()],
                false,
            ),
            (
                "ix_coaching_action_step_check_back",
                CoachingActionStep::Table.into_iden(),
                vec![
                    CoachingActionStep::CheckBackOn.into_iden(),
                    CoachingActionStep::RemindedAt.into_iden(),
                ],
                false,
            ),
            (
                "ix_technique_alliance",
                Technique::Table.into_iden(),
                vec![Technique::AllianceId.into_iden()],
                false,
            ),
        ];
        for (name, table, columns, unique) in indexes {
            let mut index = Index::create().name(name).table(table).to_owned();
            for column in columns {
                index.col(column);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index).await?;
        }
        // The shared techniques, tagged by the shared themes they name.
        let conn = manager.get_connection();
        for (name, summary, steps, themes) in TECHNIQUES {
            let mut keys = Vec::new();
            for theme in *themes {
                let select = Query::select()
                    .column(Theme::Id)
                    .from(Theme::Table)
                    .and_where(Expr::col(Alias::new("name")).eq(*theme))
                    .and_where(Expr::col(Alias::new("alliance_id")).is_null())
                    .to_owned();
                if let Some(row) = conn.query_one(&select).await? {
                    let id: i32 = row.try_get_by_index(0)?;
                    keys.push(id.to_string());
                }
            }
            let theme_keys = if keys.is_empty() {
                ",".to_owned()
            } else {
                format!(",{},", keys.join(","))
            };
            let steps = JsonValue::Array(
                steps
                    .iter()
                    .map(|step| JsonValue::String((*step).to_owned()))
                    .collect(),
            );
            let insert = Query::insert()
                .into_table(Technique::Table)
                .columns([
                    Technique::Name,
                    Technique::Summary,
                    Technique::Steps,
                    Technique::ThemeKeys,
                    Technique::Phases,
                    Technique::CreatedAt,
                ])
                .values_panic([
                    (*name).into(),
                    (*summary).into(),
                    steps.into(),
                    theme_keys.into(),
                    JsonValue::Array(Vec::new()).into(),
                    Expr::current_timestamp(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }
}
