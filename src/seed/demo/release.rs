//! Release time and impact in the demo.
//!
//! `load` (with the rest of the demo): Kingsmead's and St Aidan's limits on days out.
//!
//! To be called after the events demo (they change what other demo lists show):
//! `support_figures`, support this term in which Kingsmead gives far more staff time than
//! it receives, so the Severn Valley ledger shows one school carrying the others; and
//! `after_events`, a follow-up for every attended booking, evaluations for most (some
//! shared in full), and written follow-ups for those already due.

use std::collections::HashMap;

use crate::graphql::versioned::InsertFirst;
use chrono::{Duration, Utc};
use entity::enums::{
    BookingStatus, StaffRoleKind, SupportArrangementStatus, SupportRequestStatus, SupportUrgency,
};
use entity::{
    event, event_booking, event_evaluation, event_follow_up, release_limit, support_arrangement,
    support_request,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};

use super::lookup::{person_id, school_by_key};
use crate::release::terms::Term;

/// Kingsmead's and St Aidan's release limits.
pub async fn load(
    txn: &DatabaseTransaction,
    schools: &HashMap<&'static str, i32>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    // Kingsmead: 6 days a term for everyone, 5 for teachers, 8 for its maths lead (an SLE).
    let head = person_id(txn, "headteacher@kingsmead.example").await?;
    let maths_lead = person_id(txn, "middle-leader@kingsmead.example").await?;
    for (school, role, person, half_days) in [
        ("kingsmead", None, None, 12),
        ("kingsmead", Some(StaffRoleKind::Teacher), None, 10),
        ("kingsmead", None, Some(maths_lead), 16),
        ("staidans", None, None, 8),
    ] {
        release_limit::ActiveModel {
            school_id: Set(schools[school]),
            role: Set(role),
            person_id: Set(person),
            half_days_per_term: Set(half_days),
            set_by_id: Set(head),
            ..Default::default()
        }
        .insert_first(txn, now)
        .await?;
    }

    Ok(())
}

/// This term's support in which Kingsmead gives far more staff time than it receives, for
/// the ledger's demo figures. Called with `after_events` (it adds support requests and
/// arrangements that the support golden cases would otherwise list). Idempotent.
pub async fn support_figures(db: &DatabaseConnection) -> anyhow::Result<()> {
    let owned = db.begin().await?;
    let txn = &owned;
    let alliance = entity::alliance::Entity::find()
        .filter(entity::alliance::Column::Name.eq("Severn Valley Teaching School Alliance"))
        .one(txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo alliance is missing"))?
        .id;
    let seeded = support_arrangement::Entity::find()
        .filter(support_arrangement::Column::Focus.eq("Bar models in Year 4 fractions"))
        .one(txn)
        .await?
        .is_some();
    if seeded {
        return Ok(());
    }
    let now = Utc::now();
    let maths_lead = person_id(txn, "middle-leader@kingsmead.example").await?;
    let mut schools: HashMap<&'static str, i32> = HashMap::new();
    for key in ["kingsmead", "staidans", "hollybrook", "severnvale"] {
        schools.insert(key, school_by_key(txn, key).await?);
    }
    // This term: Kingsmead supports three schools; St Aidan's gives half a day back.
    let (term_start, _) = Term::current().period().instants();
    let lead = person_id(txn, "cpd.lead@severnvalley.example").await?;
    for (days_ago, giver, person, receiver, half_days, status, focus) in [
        (
            12,
            "kingsmead",
            Some(maths_lead),
            "staidans",
            6,
            SupportArrangementStatus::Completed,
            "Bar models in Year 4 fractions",
        ),
        (
            9,
            "kingsmead",
            Some(maths_lead),
            "hollybrook",
            5,
            SupportArrangementStatus::Active,
            "Reasoning prompts in KS2 maths",
        ),
        (
            5,
            "kingsmead",
            None,
            "severnvale",
            4,
            SupportArrangementStatus::Planned,
            "Moderating writing across Year 6",
        ),
        (
            3,
            "staidans",
            None,
            "kingsmead",
            1,
            SupportArrangementStatus::Planned,
            "Phonics catch-up groups",
        ),
    ] {
        let at = (now - Duration::days(days_ago)).max(term_start).min(now);
        let asking = person_id(txn, &format!("headteacher@{receiver}.example")).await?;
        let request = support_request::ActiveModel {
            alliance_id: Set(alliance),
            school_id: Set(schools[receiver]),
            title: Set(focus.into()),
            description_markdown: Set(format!(
                "We would like support with {}.",
                focus.to_lowercase()
            )),
            theme_keys: Set(",".into()),
            phases: Set(serde_json::json!(["PRIMARY"])),
            urgency: Set(SupportUrgency::Medium),
            half_days_requested: Set(half_days),
            status: Set(SupportRequestStatus::Brokered),
            created_by_id: Set(asking),
            ..Default::default()
        }
        .insert_first(txn, at)
        .await?;
        support_arrangement::ActiveModel {
            alliance_id: Set(alliance),
            request_id: Set(request.id),
            offer_id: Set(None),
            supported_school_id: Set(schools[receiver]),
            supporting_person_id: Set(person),
            supporting_school_id: Set(Some(schools[giver])),
            focus: Set(focus.into()),
            half_days_planned: Set(half_days),
            status: Set(status),
            closing_note: Set((status == SupportArrangementStatus::Completed)
                .then(|| "Pupils now choose a model before calculating.".to_owned())),
            brokered_by_id: Set(lead),
            ..Default::default()
        }
        .insert_first(txn, at)
        .await?;
    }
    owned.commit().await?;
    Ok(())
}

const PLANNED: &[&str] = &[
    "I will plan two hinge questions for every maths lesson and decide in advance what I do with each wrong answer.",
    "Our department will trial exit tickets for a half term and use them to plan the next lesson.",
    "I will give pupils a minute of silent thinking time before taking answers, with no hands up.",
    "We will set up a lesson study triad in Year 5 around reasoning in fractions.",
];
const CHANGED: &[&str] = &[
    "Hinge questions are now in every lesson plan; I regroup pupils mid-lesson about twice a week.",
    "Exit tickets stayed: fewer pupils leave a unit with the same misconception.",
    "Wait time is routine in my class; more pupils answer, and their answers are longer.",
];

/// Evaluations and follow-ups for the events demo's attended bookings. Idempotent:
/// bookings that already have them are left alone.
pub async fn after_events(db: &DatabaseConnection) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    let attended = event_booking::Entity::find()
        .filter(event_booking::Column::Status.eq(BookingStatus::Attended))
        .order_by_asc(event_booking::Column::Id)
        .all(&txn)
        .await?;
    let today = Utc::now().date_naive();
    for (n, booking) in attended.iter().enumerate() {
        let followed = event_follow_up::Entity::find()
            .filter(event_follow_up::Column::BookingId.eq(booking.id))
            .one(&txn)
            .await?
            .is_some();
        if followed {
            continue;
        }
        let Some(event) = event::Entity::find_by_id(booking.event_id)
            .one(&txn)
            .await?
        else {
            continue;
        };
        let ended = event.ends_at;
        let due_on =
            (ended + Duration::weeks(i64::from(event.follow_up_weeks.max(0)))).date_naive();
        let first_theme = crate::themes::theme_ids(&event.theme_keys)
            .first()
            .map_or_else(|| ",".to_owned(), |id| crate::themes::theme_key(*id));
        // Three in four evaluate; every other one shares in full.
        if n % 4 != 3 {
            event_evaluation::ActiveModel {
                booking_id: Set(booking.id),
                event_id: Set(event.id),
                person_id: Set(booking.person_id),
                planned_change: Set(PLANNED[n % PLANNED.len()].into()),
                theme_keys: Set(first_theme),
                shared_in_full: Set(n % 2 == 0),
                ..Default::default()
            }
            .insert_first(&txn, ended + Duration::days(1))
            .await?;
        }
        let written = due_on <= today && n % 3 != 2;
        let at = (ended + Duration::weeks(i64::from(event.follow_up_weeks.max(0)))).min(Utc::now());
        event_follow_up::ActiveModel {
            booking_id: Set(booking.id),
            event_id: Set(event.id),
            person_id: Set(booking.person_id),
            due_on: Set(due_on),
            reminded_at: Set((due_on <= today).then_some(at)),
            what_changed: Set(written.then(|| CHANGED[n % CHANGED.len()].to_owned())),
            practice_id: Set(None),
            community_id: Set(None),
            shared_in_full: Set(written && n % 2 == 0),
            submitted_at: Set(written.then_some(at)),
            version: Set(1),
            created_at: Set(ended),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
