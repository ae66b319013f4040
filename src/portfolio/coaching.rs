//! The portfolio's coaching: every relationship the person took part in, as coach or as
//! coachee (the other person, focus, theme, the other's school, dates, status, purpose),
//! each followed by its cycles (focus, outcome) and, where the person was coached, the
//! action steps they agreed (with the technique each puts into practice). The person is
//! the coach or the coachee of each, so they read all of it (`reads_coaching_content`,
//! as SQL `coaching_content_condition`).
//!
//! Seven statements whatever the number (each part at most `SECTION_MAX` rows); only the
//! first, for the relationships, when the person has none. The review selection, made
//! for someone else, holds only the `APPRAISAL` coaching the person received
//! (`review_coaching_condition`): never a developmental relationship, nor what they gave
//! as coach (their coachee's appraisal).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::enums::CoachingStatus;
use entity::{
    coaching_action_step, coaching_cycle, coaching_relationship, person, school, technique, theme,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::load::{Selection, entry, names, words};
use super::{PortfolioEntry, PortfolioSection as Section, SECTION_MAX};
use crate::auth::policy::Access;
use crate::coaching::types::is_overdue;

/// What is read of the person's coaching, before it becomes entries.
#[derive(Default)]
pub struct Coaching {
    relationships: Vec<coaching_relationship::Model>,
    cycles: Vec<coaching_cycle::Model>,
    steps: Vec<coaching_action_step::Model>,
    people: HashMap<i32, String>,
    schools: HashMap<i32, String>,
    themes: HashMap<i32, String>,
    techniques: HashMap<i32, String>,
}

/// The other side of a relationship for `person_id`: their role towards the other, the
/// other person and the other's school.
fn other_side(
    relationship: &coaching_relationship::Model,
    person_id: i32,
) -> (&'static str, i32, Option<i32>) {
    if relationship.coach_id == person_id {
        (
            "coach of",
            relationship.coachee_id,
            relationship.coachee_school_id,
        )
    } else {
        (
            "coached by",
            relationship.coach_id,
            relationship.coach_school_id,
        )
    }
}

/// The caller's coaching for `selection`.
pub async fn read(
    conn: &impl ConnectionTrait,
    access: &Access,
    selection: Selection,
) -> Result<Coaching, DbErr> {
    use coaching_relationship::Column;
    let person_id = access.person_id;
    let taking_part = match selection {
        Selection::Portfolio => access.coaching_content_condition(),
        Selection::Review => access.review_coaching_condition(),
    };
    let relationships = coaching_relationship::Entity::find()
        .filter(taking_part)
        .order_by_asc(Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    if relationships.is_empty() {
        return Ok(Coaching::default());
    }
    let cycles = coaching_cycle::Entity::find()
        .filter(coaching_cycle::Column::RelationshipId.is_in(relationships.iter().map(|r| r.id)))
        .order_by_asc(coaching_cycle::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let coached = relationships
        .iter()
        .filter(|r| r.coachee_id == person_id)
        .map(|r| r.id);
    let steps = coaching_action_step::Entity::find()
        .filter(coaching_action_step::Column::RelationshipId.is_in(coached))
        .order_by_asc(coaching_action_step::Column::CheckBackOn)
        .order_by_asc(coaching_action_step::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let (others, other_schools): (Vec<i32>, Vec<Option<i32>>) = relationships
        .iter()
        .map(|r| {
            let (_, other, school) = other_side(r, person_id);
            (other, school)
        })
        .unzip();
    let theme_ids = relationships.iter().filter_map(|r| r.theme_id).collect();
    let technique_ids = steps.iter().filter_map(|s| s.technique_id).collect();
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in(others))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.full_name()))
        .collect();
    let school_ids = other_schools.into_iter().flatten().collect();
    let schools = names::<school::Entity>(conn, school_ids, |s| &s.name).await?;
    let themes = names::<theme::Entity>(conn, theme_ids, |t| &t.name).await?;
    let techniques = names::<technique::Entity>(conn, technique_ids, |t| &t.name).await?;
    Ok(Coaching {
        relationships,
        cycles,
        steps,
        people,
        schools,
        themes,
        techniques,
    })
}

impl Coaching {
    /// The ids of the cycles read: a reflection's cycle outside them is not shown where
    /// this coaching is (the review selection).
    pub fn cycle_ids(&self) -> HashSet<i32> {
        self.cycles.iter().map(|c| c.id).collect()
    }

    /// As portfolio entries: each relationship (`COACHING`), then its cycles
    /// (`COACHING_CYCLE`) and, as coachee, its action steps (`COACHING_ACTION_STEP`).
    pub fn entries(&self, person_id: i32, today: NaiveDate) -> Vec<PortfolioEntry> {
        let mut entries = Vec::new();
        for relationship in &self.relationships {
            entries.push(relationship_entry(self, relationship, person_id));
            for cycle in self
                .cycles
                .iter()
                .filter(|c| c.relationship_id == relationship.id)
            {
                entries.push(entry(
                    Section::CoachingCycle,
                    cycle.focus.clone(),
                    cycle
                        .outcome
                        .as_ref()
                        .map(|outcome| format!("outcome: {outcome}")),
                    None,
                    Some(cycle.started_on),
                    cycle.ended_on,
                ));
            }
            for step in self
                .steps
                .iter()
                .filter(|s| s.relationship_id == relationship.id)
            {
                entries.push(step_entry(self, step, today));
            }
        }
        entries
    }
}

fn relationship_entry(
    coaching: &Coaching,
    relationship: &coaching_relationship::Model,
    person_id: i32,
) -> PortfolioEntry {
    let (role, other, other_school) = other_side(relationship, person_id);
    let mut detail = format!(
        "{role} {}",
        coaching.people.get(&other).cloned().unwrap_or_default()
    );
    if let Some(theme) = relationship
        .theme_id
        .and_then(|id| coaching.themes.get(&id))
    {
        detail.push_str(&format!("; theme: {theme}"));
    }
    detail.push_str(&format!(
        "; status: {}; purpose: {}",
        words(relationship.status),
        words(relationship.purpose)
    ));
    // Its last change is its end: once `ENDED`, no life-cycle step leaves that status and
    // `updateCoachingRelationship` refuses an ended relationship, so nothing touches
    // `updated_at` after the step that ended it.
    let until = (relationship.status == CoachingStatus::Ended)
        .then(|| relationship.updated_at.date_naive());
    entry(
        Section::Coaching,
        relationship.focus.clone(),
        Some(detail),
        other_school.and_then(|id| coaching.schools.get(&id).cloned()),
        Some(relationship.created_at.date_naive()),
        until,
    )
}

fn step_entry(
    coaching: &Coaching,
    step: &coaching_action_step::Model,
    today: NaiveDate,
) -> PortfolioEntry {
    let mut detail = Vec::new();
    if let Some(name) = step
        .technique_id
        .and_then(|id| coaching.techniques.get(&id))
    {
        detail.push(format!("technique: {name}"));
    }
    detail.push(format!("check back on {}", step.check_back_on));
    if step.done_at.is_some() {
        detail.push("done".to_owned());
    } else if is_overdue(step, today) {
        detail.push("overdue".to_owned());
    }
    entry(
        Section::CoachingActionStep,
        step.description.clone(),
        Some(detail.join("; ")),
        None,
        Some(step.created_at.date_naive()),
        step.done_at.map(|at| at.date_naive()),
    )
}
