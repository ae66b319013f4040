//! The portfolio's coaching: every relationship the person took part in, as coach or as
//! coachee (the other person, focus, theme, the other's school, dates, status, purpose),
//! each followed by its cycles (focus, outcome) and, where the person was coached, the
//! action steps they agreed (with the technique each puts into practice). The person is
//! the coach or the coachee of each, so they read all of it (`reads_coaching_content`).
//!
//! Seven statements whatever the number (each part at most `SECTION_MAX` rows), none when
//! the person has no coaching. The review selection, made for someone else, holds only
//! `APPRAISAL` relationships and what is in them: never a developmental one.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{CoachingPurpose, CoachingStatus};
use entity::rows::Keyed;
use entity::{
    coaching_action_step, coaching_cycle, coaching_relationship, person, school, technique, theme,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::load::{Selection, entry, words};
use super::{PortfolioEntry, PortfolioSection as Section, SECTION_MAX};
use crate::coaching::types::is_overdue;

/// What is read of the person's coaching, before it becomes entries.
struct Coaching {
    relationships: Vec<coaching_relationship::Model>,
    cycles: Vec<coaching_cycle::Model>,
    steps: Vec<coaching_action_step::Model>,
    people: HashMap<i32, String>,
    schools: HashMap<i32, String>,
    themes: HashMap<i32, String>,
    techniques: HashMap<i32, String>,
}

/// Names of the rows of `E` whose ids are `ids`, by id.
async fn names<E: Keyed>(
    conn: &impl ConnectionTrait,
    ids: Vec<i32>,
    name: impl Fn(&E::Model) -> &str,
) -> Result<HashMap<i32, String>, DbErr> {
    Ok(E::find()
        .filter(E::id_column().is_in(ids))
        .all(conn)
        .await?
        .iter()
        .map(|row| (E::id_of(row), name(row).to_owned()))
        .collect())
}

async fn read(
    conn: &impl ConnectionTrait,
    person_id: i32,
    selection: Selection,
) -> Result<Option<Coaching>, DbErr> {
    use coaching_relationship::Column;
    let mut taking_part = Condition::all().add(
        Condition::any()
            .add(Column::CoachId.eq(person_id))
            .add(Column::CoacheeId.eq(person_id)),
    );
    if selection == Selection::Review {
        taking_part = taking_part.add(Column::Purpose.eq(CoachingPurpose::Appraisal));
    }
    let relationships = coaching_relationship::Entity::find()
        .filter(taking_part)
        .order_by_asc(Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    if relationships.is_empty() {
        return Ok(None);
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
    let other = |r: &coaching_relationship::Model| {
        if r.coach_id == person_id {
            (r.coachee_id, r.coachee_school_id)
        } else {
            (r.coach_id, r.coach_school_id)
        }
    };
    let (others, other_schools): (Vec<i32>, Vec<Option<i32>>) =
        relationships.iter().map(other).unzip();
    let theme_ids = relationships.iter().filter_map(|r| r.theme_id).collect();
    let technique_ids = steps.iter().filter_map(|s| s.technique_id).collect();
    // Full names are put together here; the others are read as they are.
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in(others))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.given_name, p.family_name)))
        .collect();
    let school_ids = other_schools.into_iter().flatten().collect();
    let schools = names::<school::Entity>(conn, school_ids, |s| &s.name).await?;
    let themes = names::<theme::Entity>(conn, theme_ids, |t| &t.name).await?;
    let techniques = names::<technique::Entity>(conn, technique_ids, |t| &t.name).await?;
    Ok(Some(Coaching {
        relationships,
        cycles,
        steps,
        people,
        schools,
        themes,
        techniques,
    }))
}

/// The person's coaching as portfolio entries: each relationship (`COACHING`), then its
/// cycles (`COACHING_CYCLE`) and, as coachee, its action steps (`COACHING_ACTION_STEP`).
pub async fn entries(
    conn: &impl ConnectionTrait,
    person_id: i32,
    selection: Selection,
    today: NaiveDate,
) -> Result<Vec<PortfolioEntry>, DbErr> {
    let Some(coaching) = read(conn, person_id, selection).await? else {
        return Ok(Vec::new());
    };
    let mut entries = Vec::new();
    for relationship in &coaching.relationships {
        entries.push(relationship_entry(&coaching, relationship, person_id));
        for cycle in coaching
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
        for step in coaching
            .steps
            .iter()
            .filter(|s| s.relationship_id == relationship.id)
        {
            entries.push(step_entry(&coaching, step, today));
        }
    }
    Ok(entries)
}

fn relationship_entry(
    coaching: &Coaching,
    relationship: &coaching_relationship::Model,
    person_id: i32,
) -> PortfolioEntry {
    let (role, other, other_school) = if relationship.coach_id == person_id {
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
    };
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
    // An ended relationship changes no more: its last change is its end.
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
