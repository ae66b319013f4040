//! Who reads and does what in the good-practice exchange.
//!
//! - A practice is read by its authors always; by the leaders of its school (head, senior
//!   leaders, school CPD lead: its approvers) once it leaves draft; and, once published
//!   (or archived) and unless taken down, by its audience: `PUBLIC` anyone, signed in or
//!   not; `ALLIANCE` everyone taking part actively in its alliance; `PARTNERSHIP` staff of
//!   the partnership's schools; `SCHOOL` staff of its school; `PRIVATE` nobody else.
//! - An adaptation carries its origin's text, so it is read (beyond its own authors) only
//!   by those who also read its origin, and the origin's origin, by their own rules: it is
//!   never shared more widely than the text it copies, however its audience was chosen,
//!   and a take-down or withdrawal of an origin hides its adaptations with it.
//! - A practice reported as identifying a pupil is taken down at once: only its authors
//!   and approvers read it until an approver restores it.
//! - Authors write and edit; approvers approve sharing beyond the school, send back,
//!   restore, and moderate comments. Staff of another school endorse.
//! - Platform admins read everything.

use entity::enums::{PracticeStatus, PracticeVisibility};
use entity::{
    partnership_school, practice, practice_ancestor, practice_author, practice_endorsement,
};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::Access;
use crate::auth::scopes::Scope;

/// Published or archived, and not taken down: what a practice's audience reads.
fn live() -> Condition {
    Condition::all()
        .add(practice::Column::Status.is_in([PracticeStatus::Published, PracticeStatus::Archived]))
        .add(practice::Column::TakenDownAt.is_null())
}

/// What anyone, signed in or not, reads by its own audience.
fn public_audience() -> Condition {
    live().add(practice::Column::Visibility.eq(PracticeVisibility::Public))
}

/// What anyone, signed in or not, reads: public practice, and of an adaptation only
/// while everything it descends from is public too.
pub fn public_practice_condition() -> Condition {
    Condition::all()
        .add(public_audience())
        .add(ancestors_read(public_audience()))
}

/// Holds for a practice that is no adaptation, and for an adaptation every ancestor of
/// which (its origin, the origin's origin...) meets `readable`: an adaptation carries its
/// origin's text, so it is never read more widely than that text. One indexed look-up in
/// `practice_ancestor`, however deep the family.
///
/// `readable` is written on the table `practice`: inside the innermost statement that
/// name is the ancestor's row, while `pa.practice_id = practice.id` in the middle one
/// still names the row being tested.
fn ancestors_read(readable: Condition) -> Condition {
    let pa = Alias::new("pa");
    let readable_ancestor = Query::select()
        .expr(Expr::val(1))
        .from(practice::Entity)
        .and_where(
            Expr::col((practice::Entity, practice::Column::Id))
                .equals((pa.clone(), practice_ancestor::Column::AncestorId)),
        )
        .cond_where(readable)
        .to_owned();
    let unread_ancestor = Query::select()
        .expr(Expr::val(1))
        .from_as(practice_ancestor::Entity, pa.clone())
        .and_where(
            Expr::col((pa, practice_ancestor::Column::PracticeId))
                .equals((practice::Entity, practice::Column::Id)),
        )
        .and_where(Expr::exists(readable_ancestor).not())
        .to_owned();
    Condition::any()
        .add(practice::Column::AdaptedFromId.is_null())
        .add(Expr::exists(unread_ancestor).not())
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
        self.rows_seen(Scope::PracticeRead, || {
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
            let approves = Condition::all()
                .add(practice::Column::SchoolId.is_in(self.led_schools()))
                .add(practice::Column::Status.ne(PracticeStatus::Draft));
            let by_own_rule = Condition::any()
                .add(practice::Column::Id.in_subquery(authored_by(self.person_id)))
                .add(approves.clone())
                .add(live().add(audience.clone()));
            // Authors always read their own; approvers and the audience read an adaptation
            // only where they also read what it descends from.
            Condition::any()
                .add(practice::Column::Id.in_subquery(authored_by(self.person_id)))
                .add(
                    Condition::all()
                        .add(Condition::any().add(approves).add(live().add(audience)))
                        .add(ancestors_read(by_own_rule)),
                )
        })
    }

    /// Staff of a school share its practice (platform admins too).
    pub fn shares_practice_of(&self, school_id: i32) -> bool {
        self.platform_admin || self.works_at(school_id)
    }

    /// Staff endorse from a school they work at.
    pub fn endorses_from(&self, school_id: i32) -> bool {
        self.works_at(school_id)
    }

    /// Only its author changes or withdraws an endorsement.
    pub fn changes_endorsement(&self, endorsement: &practice_endorsement::Model) -> bool {
        endorsement.person_id == self.person_id
    }

    /// Approvers of a school's practice: its head, senior leaders and school CPD lead.
    pub fn approves_practice_of(&self, school_id: i32) -> bool {
        self.leads_school(school_id)
    }
}

/// How widely a visibility shares, narrowest first.
fn reach(visibility: PracticeVisibility) -> u8 {
    match visibility {
        PracticeVisibility::Private => 0,
        PracticeVisibility::School => 1,
        PracticeVisibility::Partnership => 2,
        PracticeVisibility::Alliance => 3,
        PracticeVisibility::Public => 4,
    }
}

/// Whether an adaptation's chosen audience stays within its origin's: no wider a level,
/// and at the same level the same school, partnership or alliance. This is what the
/// adapting teacher is told when choosing; what holds for readers is `ancestors_read`
/// (which also covers an origin narrowed, withdrawn or taken down afterwards).
pub fn audience_within(adaptation: &practice::Model, origin: &practice::Model) -> bool {
    use PracticeVisibility::{Alliance, Partnership, Private, Public, School};
    if reach(adaptation.visibility) != reach(origin.visibility) {
        return reach(adaptation.visibility) < reach(origin.visibility);
    }
    match adaptation.visibility {
        Private | Public => true,
        School => adaptation.school_id == origin.school_id,
        Partnership => adaptation.partnership_id == origin.partnership_id,
        Alliance => adaptation.alliance_id == origin.alliance_id,
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
