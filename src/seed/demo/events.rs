//! Demo events: a term of them across both alliances. A course with a waitlist and
//! bookings in every state (confirmed, waitlisted, awaiting approval, declined,
//! cancelled), a network meeting already held (attended, no-show), a school visit open for
//! booking, a cancelled conference, a draft, and the other alliance's network meeting.

use crate::graphql::versioned::InsertFirst;
use chrono::{DateTime, Duration, Utc};
use entity::enums::{BookingStatus, EventAudience, EventKind, EventStatus, SchoolPhase};
use entity::{event, event_booking, event_facilitator, event_session};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, Set};

use super::lookup::{person_id, school_by_key};

struct DemoEvent<'a> {
    alliance: usize,
    /// The host school's key; `None` when the alliance hosts it.
    host: Option<&'a str>,
    /// Who created it.
    by: &'a str,
    kind: EventKind,
    title: &'a str,
    description: &'a str,
    /// Days from now of its one session, and the session's hours (UTC).
    in_days: i64,
    hours: (u32, u32),
    venue: Option<&'a str>,
    address: Option<&'a str>,
    online_url: Option<&'a str>,
    capacity: i32,
    approval_required: bool,
    release_half_days: i32,
    status: EventStatus,
    cancelled_reason: Option<&'a str>,
    facilitators: &'a [&'a str],
    /// (person's email, their school's key, status)
    bookings: &'a [(&'a str, &'a str, BookingStatus)],
}

const EVENTS: &[DemoEvent] = &[
    DemoEvent {
        alliance: 0,
        host: None,
        by: "cpd.lead@severnvalley.example",
        kind: EventKind::Course,
        title: "Questioning for deeper thinking",
        description: "Three sessions on **hinge questions**, wait time and no-hands-up questioning, with gap tasks between. Bring a lesson plan you will teach the following week.",
        in_days: 21,
        hours: (9, 15),
        venue: Some("kingsmead"),
        address: None,
        online_url: None,
        capacity: 3,
        approval_required: true,
        release_half_days: 2,
        status: EventStatus::Open,
        cancelled_reason: None,
        facilitators: &["school-cpd-lead@kingsmead.example"],
        bookings: &[
            (
                "teacher@kingsmead.example",
                "kingsmead",
                BookingStatus::Confirmed,
            ),
            (
                "teacher@staidans.example",
                "staidans",
                BookingStatus::Confirmed,
            ),
            (
                "middle-leader@kingsmead.example",
                "kingsmead",
                BookingStatus::Confirmed,
            ),
            (
                "teacher@hollybrook.example",
                "hollybrook",
                BookingStatus::Waitlisted,
            ),
            (
                "middle-leader@hollybrook.example",
                "hollybrook",
                BookingStatus::Waitlisted,
            ),
            (
                "teacher@severnvale.example",
                "severnvale",
                BookingStatus::AwaitingApproval,
            ),
            (
                "middle-leader@staidans.example",
                "staidans",
                BookingStatus::Declined,
            ),
            (
                "teacher@brookfield.example",
                "brookfield",
                BookingStatus::Cancelled,
            ),
        ],
    },
    DemoEvent {
        alliance: 0,
        host: Some("brookfield"),
        by: "headteacher@brookfield.example",
        kind: EventKind::NetworkMeeting,
        title: "SENCO network: adaptive teaching",
        description: "The alliance's SENCOs share how they adapt teaching without lowering expectations.",
        in_days: -14,
        hours: (13, 16),
        venue: Some("brookfield"),
        address: None,
        online_url: None,
        capacity: 12,
        approval_required: false,
        release_half_days: 1,
        status: EventStatus::Held,
        cancelled_reason: None,
        facilitators: &["school-cpd-lead@brookfield.example"],
        bookings: &[
            (
                "teacher@kingsmead.example",
                "kingsmead",
                BookingStatus::Attended,
            ),
            (
                "teacher@severnvale.example",
                "severnvale",
                BookingStatus::Attended,
            ),
            (
                "teacher@staidans.example",
                "staidans",
                BookingStatus::NoShow,
            ),
        ],
    },
    DemoEvent {
        alliance: 0,
        host: Some("kingsmead"),
        by: "headteacher@kingsmead.example",
        kind: EventKind::SchoolVisit,
        title: "Visit: maths mastery in Year 2",
        description: "See concrete-pictorial-abstract teaching in two Year 2 classes, then talk with the teachers.",
        in_days: 10,
        hours: (9, 12),
        venue: Some("kingsmead"),
        address: None,
        online_url: None,
        capacity: 6,
        approval_required: false,
        release_half_days: 1,
        status: EventStatus::Open,
        cancelled_reason: None,
        facilitators: &["teacher@kingsmead.example"],
        bookings: &[(
            "teacher@hollybrook.example",
            "hollybrook",
            BookingStatus::Confirmed,
        )],
    },
    DemoEvent {
        alliance: 0,
        host: None,
        by: "cpd.lead@severnvalley.example",
        kind: EventKind::Conference,
        title: "Summer research conference",
        description: "Practitioner enquiries from across the alliance.",
        in_days: 35,
        hours: (9, 16),
        venue: None,
        address: Some("The Hive, Sawmill Walk, Worcester WR1 3PD"),
        online_url: None,
        capacity: 80,
        approval_required: false,
        release_half_days: 2,
        status: EventStatus::Cancelled,
        cancelled_reason: Some("The venue is closed for repairs; we will set a new date."),
        facilitators: &[],
        bookings: &[(
            "teacher@staidans.example",
            "staidans",
            BookingStatus::Confirmed,
        )],
    },
    DemoEvent {
        alliance: 0,
        host: None,
        by: "cpd.lead@severnvalley.example",
        kind: EventKind::LessonStudy,
        title: "Lesson study: reading fluency (draft)",
        description: "Planning with the research school; not published yet.",
        in_days: 49,
        hours: (9, 15),
        venue: Some("staidans"),
        address: None,
        online_url: None,
        capacity: 8,
        approval_required: true,
        release_half_days: 2,
        status: EventStatus::Draft,
        cancelled_reason: None,
        facilitators: &[],
        bookings: &[],
    },
    DemoEvent {
        alliance: 1,
        host: None,
        by: "cpd.lead@riverside-trust.example",
        kind: EventKind::NetworkMeeting,
        title: "Riverside subject leads' network",
        description: "Termly network of subject leads, online.",
        in_days: 14,
        hours: (15, 17),
        venue: None,
        address: None,
        online_url: Some("https://meet.example/riverside-subject-leads"),
        capacity: 30,
        approval_required: false,
        release_half_days: 0,
        status: EventStatus::Open,
        cancelled_reason: None,
        facilitators: &[],
        bookings: &[(
            "teacher@millbrook.example",
            "millbrook",
            BookingStatus::Confirmed,
        )],
    },
];

fn at(in_days: i64, hour: u32) -> DateTime<Utc> {
    let day = (Utc::now() + Duration::days(in_days)).date_naive();
    day.and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc()
}

pub async fn load(txn: &DatabaseTransaction, alliances: &[i32]) -> Result<(), DbErr> {
    let now = Utc::now();
    for demo in EVENTS {
        let created = now - Duration::days(30);
        let starts_at = at(demo.in_days, demo.hours.0);
        let ends_at = at(demo.in_days, demo.hours.1);
        let host = match demo.host {
            Some(key) => Some(school_by_key(txn, key).await?),
            None => None,
        };
        let venue = match demo.venue {
            Some(key) => Some(school_by_key(txn, key).await?),
            None => None,
        };
        let holding = demo
            .bookings
            .iter()
            .filter(|(_, _, status)| {
                matches!(
                    status,
                    BookingStatus::Confirmed | BookingStatus::Attended | BookingStatus::NoShow
                )
            })
            .count() as i32;
        let row = event::ActiveModel {
            alliance_id: Set(alliances[demo.alliance]),
            host_school_id: Set(host),
            kind: Set(demo.kind),
            title: Set(demo.title.into()),
            description_markdown: Set(demo.description.into()),
            theme_keys: Set(",".into()),
            phases: Set(serde_json::json!([SchoolPhase::Primary])),
            venue_school_id: Set(venue),
            address: Set(demo.address.map(str::to_owned)),
            online_url: Set(demo.online_url.map(str::to_owned)),
            capacity: Set(demo.capacity),
            places_taken: Set(holding),
            booking_opens_at: Set(None),
            booking_closes_at: Set(None),
            audience: Set(EventAudience::Alliance),
            partnership_id: Set(None),
            approval_required: Set(demo.approval_required),
            release_half_days: Set(demo.release_half_days),
            follow_up_weeks: Set(6),
            status: Set(demo.status),
            cancelled_reason: Set(demo.cancelled_reason.map(str::to_owned)),
            starts_at: Set(starts_at),
            ends_at: Set(ends_at),
            created_by_id: Set(person_id(txn, demo.by).await?),
            version: Set(2),
            created_at: Set(created),
            updated_at: Set(created),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        event_session::ActiveModel {
            event_id: Set(row.id),
            starts_at: Set(starts_at),
            ends_at: Set(ends_at),
            time_zone: Set("Europe/London".into()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        for email in demo.facilitators {
            event_facilitator::ActiveModel {
                event_id: Set(row.id),
                person_id: Set(person_id(txn, email).await?),
            }
            .insert(txn)
            .await?;
        }
        for (n, (email, key, status)) in demo.bookings.iter().enumerate() {
            let person = person_id(txn, email).await?;
            let school = school_by_key(txn, key).await?;
            let booked = created + Duration::hours(n as i64 + 1);
            let decided =
                demo.approval_required && !matches!(status, BookingStatus::AwaitingApproval);
            let leader = if decided {
                Some(person_id(txn, &format!("headteacher@{key}.example")).await?)
            } else {
                None
            };
            event_booking::ActiveModel {
                event_id: Set(row.id),
                person_id: Set(person),
                school_id: Set(school),
                booked_by_id: Set(person),
                status: Set(*status),
                waitlisted_at: Set((*status == BookingStatus::Waitlisted).then_some(booked)),
                decided_by_id: Set(leader),
                decided_at: Set(leader.map(|_| booked)),
                decline_reason: Set((*status == BookingStatus::Declined).then(|| {
                    "We have an Ofsted visit that week: please book the next course.".to_owned()
                })),
                cancelled_at: Set((*status == BookingStatus::Cancelled).then_some(booked)),
                attendance_recorded_by_id: Set(None),
                attendance_recorded_at: Set(None),
                ..Default::default()
            }
            .insert_first(txn, booked)
            .await?;
        }
    }
    Ok(())
}
