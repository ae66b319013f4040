//! Coaching in the demo, loaded after everything else (so that no earlier key moves):
//! expertise profiles with strengths and needs in both alliances, a technique Severn
//! Valley added, and two cross-school coaching relationships, each with a cycle, a session
//! (in school, so the release ledger's demo figures stay as they are) and action steps,
//! one of them overdue.
//!
//! - Severn Valley: Kingsmead's maths lead (an SLE for assessment for learning) coaches a
//!   St Aidan's teacher in assessment for learning (who wrote a reflection on the cycle,
//!   shared with their head); Hollybrook's teacher also needs it (a
//!   suggestion waiting); Severn Vale's maths lead is strong in teaching and learning
//!   strategies, which Brookfield's teacher needs.
//! - Riverside: Millbrook's maths lead coaches a Riverside teacher in learning how to
//!   learn; Westfield's teacher needs assessment for learning.

use crate::graphql::versioned::InsertFirst;
use chrono::{Duration, Utc};
use entity::enums::{CoachingPurpose, CoachingStatus, ExpertiseKind, RecordPurpose};
use entity::{
    coaching_action_step, coaching_availability, coaching_cycle, coaching_relationship,
    coaching_session, expertise_entry, record_share, reflection, technique, theme,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};

use super::lookup::{person_id, works_at};

async fn theme_id(txn: &DatabaseTransaction, name: &str) -> Result<i32, DbErr> {
    theme::Entity::find()
        .filter(theme::Column::Name.eq(name))
        .filter(theme::Column::AllianceId.is_null())
        .one(txn)
        .await?
        .map(|theme| theme.id)
        .ok_or_else(|| DbErr::Custom(format!("theme {name} is missing")))
}

const AFL: &str = "Assessment for learning";
const TLS: &str = "Teaching and learning strategies";
const L2L: &str = "Learning how to learn";

/// (email, theme, kind, evidence, confirmed by)
const ENTRIES: &[(&str, &str, ExpertiseKind, &str, Option<&str>)] = &[
    (
        "middle-leader@kingsmead.example",
        AFL,
        ExpertiseKind::Strength,
        "Led the move to hinge questions and exit tickets across KS2; moderated with two other schools.",
        Some("headteacher@kingsmead.example"),
    ),
    (
        "teacher@staidans.example",
        AFL,
        ExpertiseKind::Need,
        "Feedback takes a long time and changes little: I want to find out what pupils know during the lesson.",
        None,
    ),
    (
        "teacher@hollybrook.example",
        AFL,
        ExpertiseKind::Need,
        "New to Year 6; want to use questioning to check understanding before moving on.",
        None,
    ),
    (
        "middle-leader@severnvale.example",
        TLS,
        ExpertiseKind::Strength,
        "Runs the school's lesson study cycle on modelling and worked examples.",
        Some("headteacher@severnvale.example"),
    ),
    (
        "teacher@brookfield.example",
        TLS,
        ExpertiseKind::Need,
        "Mixed-age class: want strategies for teaching two year groups at once.",
        None,
    ),
    (
        "teacher@kingsmead.example",
        TLS,
        ExpertiseKind::Strength,
        "Cooperative learning structures in science.",
        None,
    ),
    (
        "middle-leader@millbrook.example",
        L2L,
        ExpertiseKind::Strength,
        "Built the Year 7 study-skills programme; pupils plan and review their own learning.",
        Some("headteacher@millbrook.example"),
    ),
    (
        "teacher@riverside.example",
        L2L,
        ExpertiseKind::Need,
        "Year 6 pupils rely on me to organise their work; want them to become independent before Year 7.",
        None,
    ),
    (
        "teacher@westfield.example",
        AFL,
        ExpertiseKind::Need,
        "Want to use self- and peer-assessment well in KS4 English.",
        None,
    ),
];

/// (email, sessions a term) of those visible as potential coaches.
const COACHES: &[(&str, i32)] = &[
    ("middle-leader@kingsmead.example", 9),
    ("middle-leader@severnvale.example", 6),
    ("middle-leader@millbrook.example", 6),
];

pub async fn load(db: &DatabaseConnection, alliances: &[i32]) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let today = now.date_naive();
    for (email, theme, kind, evidence, confirmed_by) in ENTRIES {
        let confirmer = match confirmed_by {
            Some(email) => Some(person_id(&txn, email).await?),
            None => None,
        };
        expertise_entry::ActiveModel {
            person_id: Set(person_id(&txn, email).await?),
            theme_id: Set(theme_id(&txn, theme).await?),
            kind: Set(*kind),
            evidence: Set((*evidence).to_owned()),
            confirmed_by_id: Set(confirmer),
            confirmed_at: Set(confirmer.map(|_| now)),
            ..Default::default()
        }
        .insert_first(&txn, now)
        .await?;
    }
    for (email, sessions) in COACHES {
        coaching_availability::ActiveModel {
            person_id: Set(person_id(&txn, email).await?),
            visible_as_coach: Set(true),
            sessions_per_term: Set(*sessions),
            ..Default::default()
        }
        .insert_first(&txn, now)
        .await?;
    }
    let exit_tickets = technique::ActiveModel {
        alliance_id: Set(Some(alliances[0])),
        name: Set("Exit tickets".into()),
        summary: Set(
            "One or two questions at the end of a lesson, answered on a slip, sorted to plan the next lesson."
                .into(),
        ),
        steps: Set(serde_json::json!([
            "Write one question that shows whether the lesson's aim was met.",
            "Pupils answer on a slip in the last three minutes.",
            "Sort the slips into got it, nearly, not yet.",
            "Start the next lesson with the not-yet group.",
        ])),
        theme_keys: Set(format!(",{},", theme_id(&txn, AFL).await?)),
        phases: Set(serde_json::json!(["PRIMARY", "SECONDARY"])),
        created_by_id: Set(Some(
            person_id(&txn, "cpd.lead@severnvalley.example").await?,
        )),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let hinge = technique::Entity::find()
        .filter(technique::Column::Name.eq("Hinge questions"))
        .filter(technique::Column::AllianceId.is_null())
        .one(&txn)
        .await?
        .map(|row| row.id);

    // (alliance, coach, coachee, theme, focus, cadence, brokered by, cycle focus,
    //  session notes, action steps: (description, technique, days to check back))
    type Step = (&'static str, Option<i32>, i64);
    struct Pair {
        alliance: i32,
        coach: &'static str,
        coachee: &'static str,
        theme: &'static str,
        focus: &'static str,
        cadence: &'static str,
        broker: &'static str,
        cycle_focus: &'static str,
        notes: &'static str,
        steps: Vec<Step>,
    }
    let pairs = [
        Pair {
            alliance: alliances[0],
            coach: "middle-leader@kingsmead.example",
            coachee: "teacher@staidans.example",
            theme: AFL,
            focus: "Finding out what pupils know during the lesson",
            cadence: "Fortnightly, Tuesday after school",
            broker: "cpd.lead@severnvalley.example",
            cycle_focus: "Hinge questions in Year 4 maths",
            notes: "Watched the start of a fractions lesson; talked through where a hinge question would have shown the misconception early.",
            steps: vec![
                (
                    "Plan one hinge question for each maths lesson this week",
                    hinge,
                    -3,
                ),
                (
                    "Try exit tickets in two science lessons and bring the slips",
                    Some(exit_tickets.id),
                    10,
                ),
            ],
        },
        Pair {
            alliance: alliances[1],
            coach: "middle-leader@millbrook.example",
            coachee: "teacher@riverside.example",
            theme: L2L,
            focus: "Pupils planning and reviewing their own learning before Year 7",
            cadence: "Every three weeks",
            broker: "cpd.lead@riverside-trust.example",
            cycle_focus: "Planning and review routines in Year 6",
            notes: "Shared the Year 7 study-skills booklet; chose the weekly planning routine to try first.",
            steps: vec![(
                "Introduce a Monday planning routine with the class",
                None,
                7,
            )],
        },
    ];
    let mut first_cycle = None;
    for Pair {
        alliance,
        coach,
        coachee,
        theme,
        focus,
        cadence,
        broker,
        cycle_focus,
        notes,
        steps,
    } in pairs
    {
        let coach = person_id(&txn, coach).await?;
        let coachee = person_id(&txn, coachee).await?;
        let relationship = coaching_relationship::ActiveModel {
            alliance_id: Set(alliance),
            coach_id: Set(coach),
            coachee_id: Set(coachee),
            coach_school_id: Set(Some(works_at(&txn, coach).await?)),
            coachee_school_id: Set(Some(works_at(&txn, coachee).await?)),
            theme_id: Set(Some(theme_id(&txn, theme).await?)),
            focus: Set(focus.into()),
            purpose: Set(CoachingPurpose::Developmental),
            status: Set(CoachingStatus::Active),
            cadence: Set(Some(cadence.into())),
            brokered_by_id: Set(Some(person_id(&txn, broker).await?)),
            ..Default::default()
        }
        .insert_first(&txn, now)
        .await?;
        let cycle = coaching_cycle::ActiveModel {
            relationship_id: Set(relationship.id),
            focus: Set(cycle_focus.into()),
            outcome: Set(None),
            started_on: Set(today - Duration::days(14)),
            ended_on: Set(None),
            ..Default::default()
        }
        .insert_first(&txn, now)
        .await?;
        first_cycle.get_or_insert((cycle.id, coachee));
        coaching_session::ActiveModel {
            relationship_id: Set(relationship.id),
            cycle_id: Set(Some(cycle.id)),
            held_on: Set(today - Duration::days(10)),
            notes: Set(notes.into()),
            out_of_school: Set(false),
            half_days: Set(0),
            recorded_by_id: Set(coach),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (description, technique_id, days) in steps {
            coaching_action_step::ActiveModel {
                relationship_id: Set(relationship.id),
                cycle_id: Set(Some(cycle.id)),
                description: Set(description.into()),
                technique_id: Set(technique_id),
                check_back_on: Set(today + Duration::days(days)),
                done_at: Set(None),
                reminded_at: Set(None),
                created_by_id: Set(coach),
                ..Default::default()
            }
            .insert_first(&txn, now)
            .await?;
        }
    }
    if let Some((cycle, coachee)) = first_cycle {
        reflection_on_cycle(&txn, cycle, coachee, today).await?;
    }
    txn.commit().await
}

/// The St Aidan's coachee's reflection on their cycle, shared with their head: the head
/// reads the reflection, not the cycle.
async fn reflection_on_cycle(
    txn: &DatabaseTransaction,
    cycle: i32,
    coachee: i32,
    today: chrono::NaiveDate,
) -> Result<(), DbErr> {
    let school = works_at(txn, coachee).await?;
    let at = Utc::now();
    let written = reflection::ActiveModel {
        person_id: Set(coachee),
        school_id: Set(Some(school)),
        written_on: Set(today - Duration::days(7)),
        purpose: Set(RecordPurpose::Developmental),
        title: Set("Hinge questions: the first week".into()),
        body_markdown: Set(
            "Three pupils chose the same wrong answer on Tuesday. I regrouped them at once, \
             which I would not have known to do before."
                .into(),
        ),
        theme_keys: Set(format!(",{},", theme_id(txn, AFL).await?)),
        coaching_cycle_id: Set(Some(cycle)),
        in_portfolio: Set(false),
        in_review_selection: Set(false),
        ..Default::default()
    }
    .insert_first(txn, at)
    .await?;
    record_share::ActiveModel {
        reflection_id: Set(Some(written.id)),
        owner_id: Set(coachee),
        person_id: Set(person_id(txn, "headteacher@staidans.example").await?),
        through_school_id: Set(Some(school)),
        shared_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}
