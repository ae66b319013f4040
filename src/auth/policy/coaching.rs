//! Who sees and does what with coaching relationships, their cycles, sessions and action
//! steps, and techniques.
//!
//! - A relationship is seen by its coach and its coachee, and by the CPD leads and admins
//!   of its alliance (who broker relationships): they see that it exists and its status,
//!   never its sessions, notes, cycles or action steps. Platform admins see as the CPD
//!   leads do.
//! - Its content (cycles, sessions with their notes, action steps) is seen by the coach
//!   and the coachee only: also a cycle a reflection links to (`Reflection.coachingCycle`,
//!   `null` for anyone else the reflection is shared with), and only they link one.
//! - A person's portfolio holds their coaching in full (they take part in each); their
//!   performance-review selection, made for someone else, only the `APPRAISAL` coaching
//!   they received (as coachee), and of their reflections' cycles only those.
//! - A school's leaders see only counts of their staff's coaching (`coachingCounts`): of
//!   current staff, never under five (`null`, `fewerThanFive`); those who manage the school
//!   for an alliance count only the alliances they administer. They are never told whom
//!   their staff coach or who of their staff is coached, nor in which theme.
//! - The reason given for a life-cycle step is not in the audit log (CPD leads read it).
//! - The release ledger's coaching figures: `null` under five relationships, and for
//!   service accounts.
//! - Decision (issue 24 review, item 8): `CoachingSuggestion.coachee` names a person with a
//!   need to the alliance's CPD leads and admins who ask for suggestions, as brokering needs
//!   it. Coachees have no opt-in flag (only coaches' `visible_as_coach`), and one cannot be
//!   added without a migration; so the name stays, for those brokers only. A later change
//!   may add the opt-in and show the school and need only for the others.
//! - The CPD leads and admins of an alliance confirm suggestions (making relationships)
//!   and add the alliance's own techniques; the coach and the coachee move a relationship
//!   through its life cycle, change its focus and cadence until it ends, and record its
//!   cycles, sessions and action steps.
//! - Techniques are seen by every signed-in person: the shared ones everywhere, an
//!   alliance's own by those who see the alliance.
//! - Service accounts read none of it.

use entity::enums::CoachingPurpose;
use entity::{coaching_relationship, technique};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use super::Access;

impl Access {
    /// Whether the caller is the coach or the coachee of a relationship.
    pub fn takes_part_in_coaching(&self, relationship: &coaching_relationship::Model) -> bool {
        self.service_account.is_none()
            && (relationship.coach_id == self.person_id
                || relationship.coachee_id == self.person_id)
    }

    /// Whether the caller sees that a relationship exists, and its status.
    pub fn sees_coaching_relationship(&self, relationship: &coaching_relationship::Model) -> bool {
        self.takes_part_in_coaching(relationship)
            || (self.service_account.is_none()
                && self.administers_alliance(relationship.alliance_id))
    }

    /// Restricts a query on relationships to those the caller sees
    /// (`sees_coaching_relationship`).
    pub fn coaching_relationship_condition(&self) -> Condition {
        use coaching_relationship::Column;
        self.rows_seen_by_people(|| {
            Condition::any()
                .add(Column::CoachId.eq(self.person_id))
                .add(Column::CoacheeId.eq(self.person_id))
                .add(Column::AllianceId.is_in(self.administered_alliances()))
        })
    }

    /// Whether the caller reads a relationship's cycles, sessions, notes and action steps.
    pub fn reads_coaching_content(&self, relationship: &coaching_relationship::Model) -> bool {
        self.takes_part_in_coaching(relationship)
    }

    /// Restricts a query on relationships to those whose content the caller reads
    /// (`reads_coaching_content`).
    pub fn coaching_content_condition(&self) -> Condition {
        use coaching_relationship::Column;
        if self.service_account.is_some() {
            return Condition::any();
        }
        Condition::any()
            .add(Column::CoachId.eq(self.person_id))
            .add(Column::CoacheeId.eq(self.person_id))
    }

    /// Whether a relationship's coaching goes into the caller's performance-review
    /// selection: `APPRAISAL` coaching they received. What they gave as coach is their
    /// coachee's appraisal, not theirs to bring.
    pub fn brings_coaching_to_review(&self, relationship: &coaching_relationship::Model) -> bool {
        self.reads_coaching_content(relationship)
            && relationship.coachee_id == self.person_id
            && relationship.purpose == CoachingPurpose::Appraisal
    }

    /// Restricts a query on relationships to those whose coaching goes into the caller's
    /// review selection (`brings_coaching_to_review`).
    pub fn review_coaching_condition(&self) -> Condition {
        use coaching_relationship::Column;
        Condition::all()
            .add(self.coaching_content_condition())
            .add(Column::CoacheeId.eq(self.person_id))
            .add(Column::Purpose.eq(CoachingPurpose::Appraisal))
    }

    /// Whether the caller sees the coaching counts of a school's staff: its leaders, and
    /// those who manage it for an alliance.
    pub fn sees_coaching_counts_of(&self, school_id: i32) -> bool {
        self.service_account.is_none() && self.manages_school(school_id)
    }

    /// Whether the caller adds a technique to an alliance's library.
    pub fn may_add_technique(&self, alliance_id: i32) -> bool {
        self.service_account.is_none() && self.administers_alliance(alliance_id)
    }

    /// Whether the caller sees a technique.
    pub fn sees_technique(&self, technique: &technique::Model) -> bool {
        self.service_account.is_none()
            && technique
                .alliance_id
                .is_none_or(|alliance| self.sees_alliance(alliance))
    }

    /// Restricts a query on techniques to those the caller sees (`sees_technique`).
    pub fn technique_condition(&self) -> Condition {
        self.rows_seen_by_people(|| {
            Condition::any()
                .add(technique::Column::AllianceId.is_null())
                .add(technique::Column::AllianceId.is_in(self.alliances.iter().copied()))
        })
    }
}
