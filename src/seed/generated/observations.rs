//! Generated classroom observations for the activity dashboards' benchmarks: about three in
//! five current teachers and middle leaders are observed two to four times in the school
//! year of the generated "today" (September 2025 to January 2026, so mostly in the autumn
//! term), seven in ten for their development by a colleague of their school and the rest
//! for appraisal by one of its leaders. Each school has a focus theme of the year that most
//! of its observations carry, as a school's improvement priority would, so that the
//! dashboards have counts of five and more to show.
//!
//! Deterministic for a seed and a database (it reads the staff already there, in id
//! order); rows go in with multi-row inserts inside one transaction (about 560,000 on the
//! national profile).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use entity::enums::{RecordPurpose, StaffRoleKind};
use entity::observation;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Set, TransactionTrait};

use super::{at_nine, current_staff_roles, insert_chunks, learning_themes};
use crate::graphql::versioned::InsertFirst;
use crate::themes::theme_key;

/// Share of teachers and middle leaders who are observed.
const OBSERVED: f64 = 0.6;
/// Share of observations made for appraisal (where the school has a leader to make them).
const APPRAISAL: f64 = 0.3;
/// Share of observations on the school's focus theme (the rest on any theme).
const ON_FOCUS: f64 = 0.7;

/// What the visits looked at: focus, what went well, a question, the next step.
const VISITS: &[(&str, &str, &str, &str)] = &[
    (
        "Hinge questions before independent work",
        "Every pupil answered on a mini-whiteboard; the teacher re-taught two misconceptions.",
        "What would you have done if half the class had chosen the same wrong answer?",
        "Plan one hinge question per lesson for the next fortnight.",
    ),
    (
        "Modelling an extended answer",
        "The worked example was built live, with the thinking said aloud.",
        "When do pupils take over the modelling?",
        "Fade the model over three lessons: I do, we do, you do.",
    ),
    (
        "Retrieval practice at the start of lessons",
        "The starter quiz mixed last week's and last term's content.",
        "How do you use what the quiz shows you?",
        "Keep a tally of the questions most missed and revisit them.",
    ),
    (
        "Routines for transitions",
        "Moving from the carpet to tables took under a minute.",
        "Which routine would help most after lunch?",
        "Rehearse the lunchtime routine with the class next week.",
    ),
    (
        "Whole-class feedback",
        "Pupils edited their drafts from the feedback sheet in the lesson.",
        "How will you know the feedback changed the next piece of work?",
        "Bring three books to the next conversation.",
    ),
    (
        "Talk partners and oracy",
        "Sentence stems helped quieter pupils join the discussion.",
        "Who did most of the talking, and how would you know?",
        "Try assigned roles in paired talk for one unit.",
    ),
];

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub developmental: usize,
    pub appraisal: usize,
}

/// A school's current staff who may observe or be observed.
#[derive(Default)]
struct Staff {
    /// Headteacher, senior leaders and the school's CPD lead.
    leaders: Vec<i32>,
    /// Teachers and middle leaders.
    teachers: Vec<i32>,
}

/// Seeds observations over the current staff in the database.
pub async fn seed_observations(db: &DatabaseConnection, seed: u64) -> anyhow::Result<Written> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0b5e_7a71);
    let themes = learning_themes(db).await?;
    if themes.is_empty() {
        return Ok(Written::default());
    }
    let mut schools: BTreeMap<i32, Staff> = BTreeMap::new();
    for role in current_staff_roles(db).await? {
        let staff = schools.entry(role.school_id).or_default();
        if role.role.leads_school() {
            staff.leaders.push(role.person_id);
        } else if matches!(
            role.role,
            StaffRoleKind::Teacher | StaffRoleKind::MiddleLeader
        ) {
            staff.teachers.push(role.person_id);
        }
    }
    let first_day = NaiveDate::from_ymd_opt(2025, 9, 8).expect("a date");
    let days = (super::today() - first_day).num_days() as u64;
    let mut rows = Vec::new();
    let mut written = Written::default();
    for (&school, staff) in &schools {
        let focus = *themes.choose(&mut rng).expect("themes");
        for &teacher in &staff.teachers {
            if !rng.random_bool(OBSERVED) {
                continue;
            }
            for _ in 0..rng.random_range(2..=4) {
                let appraiser = if rng.random_bool(APPRAISAL) {
                    staff.leaders.choose(&mut rng)
                } else {
                    None
                };
                let (purpose, observer) = match appraiser {
                    Some(&leader) => (RecordPurpose::Appraisal, leader),
                    None => {
                        let colleagues = staff.leaders.iter().chain(&staff.teachers);
                        let observers: Vec<i32> =
                            colleagues.copied().filter(|p| *p != teacher).collect();
                        let Some(&peer) = observers.choose(&mut rng) else {
                            continue;
                        };
                        (RecordPurpose::Developmental, peer)
                    }
                };
                let theme = if rng.random_bool(ON_FOCUS) {
                    focus
                } else {
                    *themes.choose(&mut rng).expect("themes")
                };
                let (focus_text, went_well, question, next_step) =
                    *VISITS.choose(&mut rng).expect("visits");
                let on = first_day + Days::new(rng.random_range(0..days));
                match purpose {
                    RecordPurpose::Developmental => written.developmental += 1,
                    RecordPurpose::Appraisal => written.appraisal += 1,
                }
                rows.push(
                    observation::ActiveModel {
                        observer_id: Set(observer),
                        teacher_id: Set(teacher),
                        school_id: Set(Some(school)),
                        observed_on: Set(on),
                        purpose: Set(purpose),
                        focus: Set(focus_text.into()),
                        went_well: Set(went_well.into()),
                        questions_for_dialogue: Set(question.into()),
                        agreed_next_steps: Set(next_step.into()),
                        teacher_response: Set(None),
                        theme_keys: Set(theme_key(theme)),
                        in_portfolio: Set(false),
                        in_review_selection: Set(false),
                        ..Default::default()
                    }
                    .first_version(at_nine(on)),
                );
            }
        }
    }
    let txn = db.begin().await?;
    insert_chunks(&txn, &mut rows).await?;
    txn.commit().await?;
    // The planner's statistics were taken before these rows (the seed analyzes first).
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE observation").await?;
    }
    Ok(written)
}
