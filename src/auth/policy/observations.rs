//! Who sees and does what with observations, reflections and their shares (the one
//! sharing mechanism of both, `record_share`).
//!
//! - An observation belongs to the observed teacher; a reflection to its author (the
//!   *owner*). A record is seen by its owner, by the observer of an observation, and by
//!   the people the owner shares it with, while the share holds. Nobody else: not a
//!   school leader, not an alliance admin or CPD lead, not a platform admin, never a
//!   service account. `node` answers NOT_FOUND to them, as for what does not exist.
//! - A share holds from when it is made until the owner withdraws it (at once). A share
//!   made to a colleague at a school where the owner worked (`through_school_id`) also
//!   ends when the owner's role at that school ends: the old school loses what it saw
//!   through the role, while shares to people elsewhere stay.
//! - The purpose wall: a record's purpose (`DEVELOPMENTAL` or `APPRAISAL`) is fixed when
//!   it is made. Purpose never widens who sees a record: an `APPRAISAL` record reaches a
//!   school's leaders only when the owner shares it with them (or a leader observed).
//!   The appraisal view of a school (`appraisalObservations`) lists, for its leaders, the
//!   `APPRAISAL` observations made there that they already see that way, of teachers who
//!   still work there. A `DEVELOPMENTAL` record never appears in it, nor in the review
//!   selection or any report, dashboard or export made for someone else. Reflections
//!   have no appraisal view: the author's, and whom they share with, only.
//! - Counts of activity (`observationActivity`) are for the school's leaders and the
//!   admins and CPD leads of an alliance the school is active in: counts only, never a
//!   count under five.
//! - Only the observer records an observation, of a teacher (not themself) they share a
//!   school or an active alliance with; only the observer edits what they wrote; only the
//!   teacher writes the response. Only the owner shares, withdraws, and chooses what goes
//!   into the portfolio and the review selection.

use entity::enums::RecordPurpose;
use entity::{observation, record_share, reflection, staff_role};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, SelectStatement};

use super::Access;

/// What the rules need to know of a record besides its row, read from the database for
/// one record (`observations::facts`), or as subqueries in the SQL conditions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordFacts {
    /// The owner shares it with the caller, and the share holds.
    pub shared_with_caller: bool,
}

/// The schools a person (the column `person`) works at now, as a subquery.
fn current_schools_of(person: impl sea_orm::sea_query::IntoColumnRef) -> SelectStatement {
    Query::select()
        .column((staff_role::Entity, staff_role::Column::SchoolId))
        .from(staff_role::Entity)
        .and_where(Expr::col((staff_role::Entity, staff_role::Column::PersonId)).equals(person))
        .and_where(staff_role::Column::EndsOn.is_null())
        .to_owned()
}

impl Access {
    /// Schools the caller leads through a staff role of their own (a platform admin's
    /// reach does not count: the appraisal view is the school's own).
    fn strictly_led_schools(&self) -> Vec<i32> {
        self.led_schools()
    }

    /// Whether a person of the platform (not a service account) is calling.
    fn is_person(&self) -> bool {
        self.service_account.is_none()
    }

    /// Whether the caller sees an observation.
    pub fn sees_observation(&self, row: &observation::Model, facts: RecordFacts) -> bool {
        self.is_person()
            && (row.teacher_id == self.person_id
                || row.observer_id == self.person_id
                || facts.shared_with_caller)
    }

    /// Whether the caller sees a reflection.
    pub fn sees_reflection(&self, row: &reflection::Model, facts: RecordFacts) -> bool {
        self.is_person() && (row.person_id == self.person_id || facts.shared_with_caller)
    }

    /// The shares that hold and are made to the caller, as a condition on `record_share`.
    pub fn holding_shares_to_caller(&self) -> Condition {
        Condition::all()
            .add(record_share::Column::PersonId.eq(self.person_id))
            .add(record_share::Column::WithdrawnAt.is_null())
            .add(
                Condition::any()
                    .add(record_share::Column::ThroughSchoolId.is_null())
                    .add(
                        record_share::Column::ThroughSchoolId.in_subquery(current_schools_of((
                            record_share::Entity,
                            record_share::Column::OwnerId,
                        ))),
                    ),
            )
    }

    fn shared_with_caller(&self, column: record_share::Column) -> SelectStatement {
        Query::select()
            .column(column)
            .from(record_share::Entity)
            .cond_where(self.holding_shares_to_caller())
            .and_where(column.is_not_null())
            .to_owned()
    }

    /// Restricts a query on observations to those the caller sees (`sees_observation`).
    pub fn observation_condition(&self) -> Condition {
        use observation::Column;
        if !self.is_person() {
            return Condition::any();
        }
        Condition::any()
            .add(Column::TeacherId.eq(self.person_id))
            .add(Column::ObserverId.eq(self.person_id))
            .add(
                Column::Id
                    .in_subquery(self.shared_with_caller(record_share::Column::ObservationId)),
            )
    }

    /// The appraisal view of observations: `APPRAISAL` ones the caller already sees
    /// (`observation_condition`: observed by them, or shared with them by the teacher) of
    /// the schools the caller leads, whose teacher still works there. Nothing for a
    /// service account.
    pub fn appraisal_view_of_observations(&self) -> Condition {
        use observation::Column;
        if !self.is_person() {
            return Condition::any();
        }
        Condition::all()
            .add(self.observation_condition())
            .add(Column::Purpose.eq(RecordPurpose::Appraisal))
            .add(Column::SchoolId.is_in(self.strictly_led_schools()))
            .add(
                Column::SchoolId
                    .in_subquery(current_schools_of((observation::Entity, Column::TeacherId))),
            )
    }

    /// Restricts a query on reflections to those the caller sees (`sees_reflection`).
    pub fn reflection_condition(&self) -> Condition {
        use reflection::Column;
        if !self.is_person() {
            return Condition::any();
        }
        Condition::any()
            .add(Column::PersonId.eq(self.person_id))
            .add(
                Column::Id.in_subquery(self.shared_with_caller(record_share::Column::ReflectionId)),
            )
    }

    /// Whether the caller may record an observation of `teacher_id`, who works now at
    /// `teacher_schools`: a person of the platform who shares a school or an active
    /// alliance with them, never of themself.
    pub fn may_observe(&self, teacher_id: i32, teacher_schools: &[i32]) -> bool {
        self.is_person()
            && teacher_id != self.person_id
            && teacher_schools
                .iter()
                .any(|school| self.network_schools.contains(school))
    }

    /// Whether the caller owns an observation (the observed teacher): they respond, share,
    /// withdraw shares and choose what goes into their portfolio.
    pub fn owns_observation(&self, row: &observation::Model) -> bool {
        self.is_person() && row.teacher_id == self.person_id
    }

    /// Whether the caller edits what an observation says: its observer.
    pub fn edits_observation(&self, row: &observation::Model) -> bool {
        self.is_person() && row.observer_id == self.person_id
    }

    /// Whether the caller owns a reflection (its author).
    pub fn owns_reflection(&self, row: &reflection::Model) -> bool {
        self.is_person() && row.person_id == self.person_id
    }

    /// Whether the caller reads counts of observation activity at a school: its leaders,
    /// the admins and CPD leads of an alliance it is active in, platform admins.
    pub fn sees_observation_activity(&self, school_id: i32) -> bool {
        self.is_person() && self.manages_school(school_id)
    }
}
