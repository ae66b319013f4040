//! A hand-built alliance for the release-time and evaluation tests: events, bookings and
//! support arrangements written straight to the database (the events domain's mutations
//! are not needed to test the ledger), and the people who look at them.

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{
    AllianceRoleKind, BookingStatus, EventAudience, EventKind, EventStatus, StaffRoleKind,
    SupportArrangementStatus, SupportRequestStatus, SupportUrgency,
};
use entity::{event, event_booking, support_arrangement, support_request};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

use crate::common::TestApp;

pub fn at(date: &str) -> DateTime<Utc> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc()
}

/// An event of `alliance` hosted by `host` (or the alliance), at `venue`, costing
/// `half_days`, starting `starts`.
pub async fn event(
    app: &TestApp,
    alliance: i32,
    host: Option<i32>,
    venue: Option<i32>,
    half_days: i32,
    starts: DateTime<Utc>,
    by: i32,
) -> event::Model {
    let now = Utc::now();
    event::ActiveModel {
        alliance_id: Set(alliance),
        host_school_id: Set(host),
        kind: Set(EventKind::Course),
        title: Set(format!("Course {}", starts.format("%d %b"))),
        description_markdown: Set(String::new()),
        theme_keys: Set(",".into()),
        phases: Set(json!([])),
        venue_school_id: Set(venue),
        address: Set(None),
        online_url: Set(None),
        capacity: Set(30),
        places_taken: Set(0),
        booking_opens_at: Set(None),
        booking_closes_at: Set(None),
        audience: Set(EventAudience::Alliance),
        partnership_id: Set(None),
        approval_required: Set(true),
        release_half_days: Set(half_days),
        follow_up_weeks: Set(6),
        status: Set(EventStatus::Open),
        cancelled_reason: Set(None),
        starts_at: Set(starts),
        ends_at: Set(starts + chrono::Duration::hours(6)),
        created_by_id: Set(by),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
}

/// A booking of `person` from `school` in `status`.
pub async fn booking(
    app: &TestApp,
    event: &event::Model,
    person: i32,
    school: i32,
    status: BookingStatus,
) -> event_booking::Model {
    let now = Utc::now();
    event_booking::ActiveModel {
        event_id: Set(event.id),
        person_id: Set(person),
        school_id: Set(school),
        booked_by_id: Set(person),
        status: Set(status),
        waitlisted_at: Set(None),
        decided_by_id: Set(None),
        decided_at: Set(None),
        decline_reason: Set(None),
        cancelled_at: Set(None),
        attendance_recorded_by_id: Set(None),
        attendance_recorded_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
}

/// Support of `supported` by `supporting` (and `person`), `half_days` planned, brokered
/// `created`.
#[allow(clippy::too_many_arguments)]
pub async fn arrangement(
    app: &TestApp,
    alliance: i32,
    supporting: i32,
    person: Option<i32>,
    supported: i32,
    half_days: i32,
    status: SupportArrangementStatus,
    created: DateTime<Utc>,
    by: i32,
) -> i32 {
    let request = support_request::ActiveModel {
        alliance_id: Set(alliance),
        school_id: Set(supported),
        title: Set("Questioning".into()),
        description_markdown: Set(String::new()),
        theme_keys: Set(",".into()),
        phases: Set(json!([])),
        urgency: Set(SupportUrgency::Medium),
        half_days_requested: Set(half_days),
        status: Set(SupportRequestStatus::Brokered),
        created_by_id: Set(by),
        version: Set(1),
        created_at: Set(created),
        updated_at: Set(created),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    support_arrangement::ActiveModel {
        alliance_id: Set(alliance),
        request_id: Set(request.id),
        offer_id: Set(None),
        supported_school_id: Set(supported),
        supporting_person_id: Set(person),
        supporting_school_id: Set(Some(supporting)),
        focus: Set("Questioning".into()),
        half_days_planned: Set(half_days),
        status: Set(status),
        closing_note: Set(None),
        brokered_by_id: Set(by),
        version: Set(1),
        created_at: Set(created),
        updated_at: Set(created),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

/// Oak gives (supports Ash, hosts a course), Ash receives, Elm attends; Birch is in
/// another alliance.
#[allow(dead_code)]
pub struct World {
    pub alliance: i32,
    pub other_alliance: i32,
    pub oak: i32,
    pub ash: i32,
    pub elm: i32,
    pub birch: i32,
    pub lead: i32,
    pub oak_head: i32,
    pub oak_teacher: i32,
    pub ash_head: i32,
    pub ash_teacher: i32,
    pub ash_second: i32,
    pub elm_teacher: i32,
    pub birch_head: i32,
    pub other_lead: i32,
}

impl World {
    pub async fn new(app: &TestApp) -> Self {
        let alliance = app.alliance("Severn Teaching School Alliance").await;
        let other_alliance = app.alliance("Wye Trust").await;
        let oak = app.school("Oak Primary").await;
        let ash = app.school("Ash Primary").await;
        let elm = app.school("Elm Academy").await;
        let birch = app.school("Birch School").await;
        for school in [oak, ash, elm] {
            app.member(alliance, school).await;
        }
        app.member(other_alliance, birch).await;
        let person = |email: &'static str, school: i32, role: StaffRoleKind| async move {
            let id = app.person(email, false).await;
            app.staff(id, school, role).await;
            id
        };
        let oak_head = person("head@oak.example", oak, StaffRoleKind::Headteacher).await;
        let oak_teacher = person("teacher@oak.example", oak, StaffRoleKind::Teacher).await;
        let ash_head = person("head@ash.example", ash, StaffRoleKind::Headteacher).await;
        let ash_teacher = person("teacher@ash.example", ash, StaffRoleKind::Teacher).await;
        let ash_second = person("second@ash.example", ash, StaffRoleKind::Teacher).await;
        let elm_teacher = person("teacher@elm.example", elm, StaffRoleKind::Teacher).await;
        let birch_head = person("head@birch.example", birch, StaffRoleKind::Headteacher).await;
        let lead = app.person("lead@severn.example", false).await;
        app.alliance_role(lead, alliance, AllianceRoleKind::CpdLead)
            .await;
        let other_lead = app.person("lead@wye.example", false).await;
        app.alliance_role(other_lead, other_alliance, AllianceRoleKind::CpdLead)
            .await;
        Self {
            alliance,
            other_alliance,
            oak,
            ash,
            elm,
            birch,
            lead,
            oak_head,
            oak_teacher,
            ash_head,
            ash_teacher,
            ash_second,
            elm_teacher,
            birch_head,
            other_lead,
        }
    }

    /// The autumn 2025 figures of the ledger tests: Oak gives 6 days (4 of support, 2 of
    /// hosting), Ash receives 5.5 (4 of support, 1.5 at events), Elm receives 1; in spring
    /// 2026 Elm supports Ash for 2 days.
    pub async fn autumn_2025(&self, app: &TestApp) {
        use BookingStatus::*;
        use SupportArrangementStatus as S;
        let (a, lead) = (self.alliance, self.lead);
        arrangement(
            app,
            a,
            self.oak,
            Some(self.oak_teacher),
            self.ash,
            8,
            S::Active,
            at("2025-10-01"),
            lead,
        )
        .await;
        arrangement(
            app,
            a,
            self.oak,
            None,
            self.ash,
            20,
            S::Cancelled,
            at("2025-10-02"),
            lead,
        )
        .await;
        arrangement(
            app,
            a,
            self.elm,
            None,
            self.ash,
            4,
            S::Planned,
            at("2026-02-02"),
            lead,
        )
        .await;
        let course = event(app, a, Some(self.oak), None, 2, at("2025-11-10"), lead).await;
        booking(app, &course, self.ash_teacher, self.ash, Attended).await;
        booking(app, &course, self.elm_teacher, self.elm, Attended).await;
        booking(app, &course, self.oak_teacher, self.oak, Attended).await;
        booking(app, &course, self.ash_second, self.ash, Confirmed).await;
        let meeting = event(app, a, None, None, 1, at("2025-12-01"), lead).await;
        booking(app, &meeting, self.ash_teacher, self.ash, Attended).await;
        booking(app, &meeting, self.elm_teacher, self.elm, NoShow).await;
        // Another alliance's event never counts in this one's ledger.
        let elsewhere = event(
            app,
            self.other_alliance,
            Some(self.birch),
            None,
            4,
            at("2025-11-11"),
            self.other_lead,
        )
        .await;
        booking(app, &elsewhere, self.ash_teacher, self.ash, Attended).await;
    }
}
