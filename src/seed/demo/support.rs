//! Demo needs and offers: requests from schools of both alliances, offers by a teacher and
//! by schools, and one request brokered to an offer (the support under way).

use super::lookup::{person_id, theme_keys};
use crate::graphql::versioned::InsertFirst;
use chrono::{Duration, Utc};
use entity::enums::{
    SchoolPhase, SupportArrangementStatus, SupportOfferStatus, SupportRequestStatus, SupportUrgency,
};
use entity::{
    school, support_arrangement, support_arrangement_change, support_offer, support_offer_change,
    support_request, support_request_change, theme,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set,
};

struct Need<'a> {
    alliance: usize,
    school: &'a str,
    by: &'a str,
    title: &'a str,
    description: &'a str,
    themes: &'a [&'a str],
    phases: &'a [SchoolPhase],
    urgency: SupportUrgency,
    half_days: i32,
}

struct Offer<'a> {
    alliance: usize,
    /// The person named in the offer, if any.
    person: Option<&'a str>,
    school: &'a str,
    by: &'a str,
    title: &'a str,
    description: &'a str,
    themes: &'a [&'a str],
    phases: &'a [SchoolPhase],
    half_days: i32,
}

const NEEDS: &[Need] = &[
    Need {
        alliance: 0,
        school: "St Aidan's CofE Primary School",
        by: "headteacher@staidans.example",
        title: "Questioning in KS2 maths",
        description: "Pupils' answers in **KS2 maths** are short and the same few hands go up. We would like help with hinge questions and wait time, starting in Year 5.",
        themes: &[
            "Assessment for learning",
            "Teaching and learning strategies",
        ],
        phases: &[SchoolPhase::Primary],
        urgency: SupportUrgency::High,
        half_days: 8,
    },
    Need {
        alliance: 0,
        school: "Severn Vale Academy",
        by: "headteacher@severnvale.example",
        title: "Routines for early career teachers",
        description: "Our early career teachers want coaching on calm starts to lessons: entry routines, do-now tasks, the register.",
        themes: &["Mentoring and coaching"],
        phases: &[SchoolPhase::Secondary],
        urgency: SupportUrgency::Medium,
        half_days: 6,
    },
    Need {
        alliance: 1,
        school: "Riverside Primary Academy",
        by: "headteacher@riverside.example",
        title: "Moderating Year 6 writing with Year 7 teachers",
        description: "We would like a secondary English teacher to moderate Year 6 writing with us, so that Year 7 builds on it.",
        themes: &["Curriculum choice", "Networks and partnerships"],
        phases: &[SchoolPhase::Primary],
        urgency: SupportUrgency::Low,
        half_days: 4,
    },
];

const OFFERS: &[Offer] = &[
    Offer {
        alliance: 0,
        person: Some("middle-leader@kingsmead.example"),
        school: "Kingsmead Primary School",
        by: "middle-leader@kingsmead.example",
        title: "Hinge questions and wait time in KS2 maths",
        description: "I can model hinge questions and structured wait time in your classrooms, then plan and co-teach with your maths lead.",
        themes: &[
            "Assessment for learning",
            "Teaching and learning strategies",
        ],
        phases: &[SchoolPhase::Primary],
        half_days: 12,
    },
    Offer {
        alliance: 0,
        person: None,
        school: "Hollybrook Infant School",
        by: "headteacher@hollybrook.example",
        title: "Open classrooms for early reading",
        description: "Visit our Reception and Year 1 classrooms to see daily phonics and reading routines, with time to talk to the teachers.",
        themes: &["Teaching and learning strategies"],
        phases: &[SchoolPhase::Primary, SchoolPhase::Nursery],
        half_days: 6,
    },
    Offer {
        alliance: 1,
        person: Some("middle-leader@millbrook.example"),
        school: "Millbrook High School",
        by: "headteacher@millbrook.example",
        title: "Year 7 English teachers for transition work",
        description: "Our English team can moderate Year 6 writing with feeder primaries and share what Year 7 builds on.",
        themes: &["Curriculum choice", "Networks and partnerships"],
        phases: &[SchoolPhase::Primary, SchoolPhase::Secondary],
        half_days: 8,
    },
];

async fn school_id(txn: &DatabaseTransaction, name: &str) -> Result<i32, DbErr> {
    school::Entity::find()
        .filter(school::Column::Name.eq(name))
        .one(txn)
        .await?
        .map(|s| s.id)
        .ok_or_else(|| DbErr::Custom(format!("demo school {name} is missing")))
}

/// Loads the demo needs and offers into the demo transaction; `alliances` as the demo
/// made them. Runs only with the rest of the demo, into an empty database.
pub async fn load(txn: &DatabaseTransaction, alliances: &[i32]) -> Result<(), DbErr> {
    let now = Utc::now();
    let posted = now - Duration::days(21);
    let themes = theme::Entity::find().all(txn).await?;
    let mut requests = Vec::new();
    for need in NEEDS {
        let by = person_id(txn, need.by).await?;
        let request = support_request::ActiveModel {
            alliance_id: Set(alliances[need.alliance]),
            school_id: Set(school_id(txn, need.school).await?),
            title: Set(need.title.into()),
            description_markdown: Set(need.description.into()),
            theme_keys: Set(theme_keys(&themes, need.themes)),
            phases: Set(serde_json::json!(need.phases)),
            urgency: Set(need.urgency),
            half_days_requested: Set(need.half_days),
            status: Set(SupportRequestStatus::Open),
            created_by_id: Set(by),
            ..Default::default()
        }
        .insert_first(txn, posted)
        .await?;
        support_request_change::ActiveModel {
            request_id: Set(request.id),
            from_status: Set(None),
            to_status: Set(SupportRequestStatus::Open),
            note: Set(None),
            changed_by_id: Set(by),
            changed_at: Set(posted),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        requests.push(request);
    }
    let mut offers = Vec::new();
    for offer in OFFERS {
        let by = person_id(txn, offer.by).await?;
        let person = match offer.person {
            Some(email) => Some(person_id(txn, email).await?),
            None => None,
        };
        let row = support_offer::ActiveModel {
            alliance_id: Set(alliances[offer.alliance]),
            person_id: Set(person),
            school_id: Set(Some(school_id(txn, offer.school).await?)),
            title: Set(offer.title.into()),
            description_markdown: Set(offer.description.into()),
            theme_keys: Set(theme_keys(&themes, offer.themes)),
            phases: Set(serde_json::json!(offer.phases)),
            half_days_per_term: Set(offer.half_days),
            half_days_committed: Set(0),
            status: Set(SupportOfferStatus::Open),
            created_by_id: Set(by),
            ..Default::default()
        }
        .insert_first(txn, posted)
        .await?;
        support_offer_change::ActiveModel {
            offer_id: Set(row.id),
            from_status: Set(None),
            to_status: Set(SupportOfferStatus::Open),
            note: Set(None),
            changed_by_id: Set(by),
            changed_at: Set(posted),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        offers.push(row);
    }

    // The CPD lead brokers the KS2 questioning request to the Kingsmead maths lead's offer;
    // the support has started.
    let lead = person_id(txn, "cpd.lead@severnvalley.example").await?;
    let (request, offer) = (&requests[0], &offers[0]);
    let planned = 6;
    let brokered = now - Duration::days(14);
    let arrangement = support_arrangement::ActiveModel {
        alliance_id: Set(request.alliance_id),
        request_id: Set(request.id),
        offer_id: Set(Some(offer.id)),
        supported_school_id: Set(request.school_id),
        supporting_person_id: Set(offer.person_id),
        supporting_school_id: Set(offer.school_id),
        focus: Set("Hinge questions and wait time in Year 5 maths lessons".into()),
        half_days_planned: Set(planned),
        status: Set(SupportArrangementStatus::Active),
        closing_note: Set(None),
        brokered_by_id: Set(lead),
        version: Set(2),
        created_at: Set(brokered),
        updated_at: Set(now - Duration::days(7)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    for (from, to, at, note) in [
        (
            None,
            SupportArrangementStatus::Planned,
            brokered,
            Some("Three days across the half term"),
        ),
        (
            Some(SupportArrangementStatus::Planned),
            SupportArrangementStatus::Active,
            now - Duration::days(7),
            Some("First co-taught lesson in Year 5"),
        ),
    ] {
        support_arrangement_change::ActiveModel {
            arrangement_id: Set(arrangement.id),
            from_status: Set(from),
            to_status: Set(to),
            note: Set(note.map(str::to_owned)),
            changed_by_id: Set(lead),
            changed_at: Set(at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let mut request: support_request::ActiveModel = request.clone().into();
    request.status = Set(SupportRequestStatus::Brokered);
    request.version = Set(2);
    request.updated_at = Set(brokered);
    let request = request.update(txn).await?;
    support_request_change::ActiveModel {
        request_id: Set(request.id),
        from_status: Set(Some(SupportRequestStatus::Open)),
        to_status: Set(SupportRequestStatus::Brokered),
        note: Set(Some("Three days across the half term".into())),
        changed_by_id: Set(lead),
        changed_at: Set(brokered),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut offer: support_offer::ActiveModel = offer.clone().into();
    offer.half_days_committed = Set(planned);
    offer.version = Set(2);
    offer.update(txn).await?;
    Ok(())
}
