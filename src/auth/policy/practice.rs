//! Who reads and does what in the good-practice exchange.
//!
//! - A practice is read by its authors always; by the leaders of its school (head, senior
//!   leaders, school CPD lead: its approvers) once it leaves draft; and, once published
//!   (or archived) and unless taken down, by its audience: `PUBLIC` anyone, signed in or
//!   not; `ALLIANCE` everyone taking part actively in its alliance; `PARTNERSHIP` staff of
//!   the partnership's schools; `SCHOOL` staff of its school; `PRIVATE` nobody else.
//! - A practice reported as identifying a pupil is taken down at once: only its authors
//!   and approvers read it until an approver restores it.
//! - Authors write and edit; approvers approve sharing beyond the school, send back,
//!   restore, and moderate comments. Staff of another school endorse.
//! - Platform admins read everything.

use entity::enums::{PracticeStatus, PracticeVisibility};
use entity::{partnership_school, practice, practice_author};
use sea_orm::sea_query::{Condition, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::Access;

/// Published or archived, and not taken down: what a practice's audience reads.
fn live() -> Condition {
    Condition::all()
        .add(practice::Column::Status.is_in([PracticeStatus::Published, PracticeStatus::Archived]))
        .add(practice::Column::TakenDownAt.is_null())
}

/// What anyone, signed in or not, reads.
pub fn public_practice_condition() -> Condition {
    live().add(practice::Column::Visibility.eq(PracticeVisibility::Public))
}

/// Restricts practice to what `reader` (`None` when not signed in) reads.
pub fn practice_condition(reader: Option<&Access>) -> Condition {
    match reader {
        Some(access) => access.practice_condition(),
        None => public_practice_condition(),
    }
}

fn authored_by(person_id: i32) -> SelectStatement {
    Query::select()
        .column(practice_author::Column::PracticeId)
        .from(practice_author::Entity)
        .and_where(practice_author::Column::PersonId.eq(person_id))
        .to_owned()
}

impl Access {
    /// Schools the caller works at now.
    pub fn own_schools(&self) -> Vec<i32> {
        let mut ids: Vec<i32> = self.school_roles.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    pub fn practice_condition(&self) -> Condition {
        if self.platform_admin {
            return Condition::all();
        }
        let partnerships = Query::select()
            .column(partnership_school::Column::PartnershipId)
            .from(partnership_school::Entity)
            .and_where(partnership_school::Column::SchoolId.is_in(self.own_schools()))
            .and_where(partnership_school::Column::LeftOn.is_null())
            .to_owned();
        let audience = Condition::any()
            .add(practice::Column::Visibility.eq(PracticeVisibility::Public))
            .add(
                Condition::all()
                    .add(practice::Column::Visibility.eq(PracticeVisibility::Alliance))
                    .add(practice::Column::AllianceId.is_in(self.active_alliances.clone())),
            )
            .add(
                Condition::all()
                    .add(practice::Column::Visibility.eq(PracticeVisibility::Partnership))
                    .add(practice::Column::PartnershipId.in_subquery(partnerships)),
            )
            .add(
                Condition::all()
                    .add(practice::Column::Visibility.eq(PracticeVisibility::School))
                    .add(practice::Column::SchoolId.is_in(self.own_schools())),
            );
        Condition::any()
            .add(practice::Column::Id.in_subquery(authored_by(self.person_id)))
            .add(
                Condition::all()
                    .add(practice::Column::SchoolId.is_in(self.led_schools()))
                    .add(practice::Column::Status.ne(PracticeStatus::Draft)),
            )
            .add(live().add(audience))
    }

    /// Approvers of a school's practice: its head, senior leaders and school CPD lead.
    pub fn approves_practice_of(&self, school_id: i32) -> bool {
        self.leads_school(school_id)
    }
}

/// Whether a person is an author of a practice.
pub async fn is_author(
    conn: &impl ConnectionTrait,
    practice_id: i32,
    person_id: i32,
) -> Result<bool, DbErr> {
    Ok(practice_author::Entity::find()
        .select_only()
        .column(practice_author::Column::Id)
        .filter(practice_author::Column::PracticeId.eq(practice_id))
        .filter(practice_author::Column::PersonId.eq(person_id))
        .into_tuple::<i32>()
        .one(conn)
        .await?
        .is_some())
}
