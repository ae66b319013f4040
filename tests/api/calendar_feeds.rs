//! iCalendar feeds at `GET /calendar/<token>.ics`, read back with a real iCalendar parser
//! (the `ical` crate) as a calendar client would: a person's bookings and an alliance's
//! open events, local times across the clock changes placed by the feed's own VTIMEZONE,
//! UIDs that stay and SEQUENCEs that rise, and tokens that are made, replaced and revoked
//! only by those who may.

use std::io::BufReader;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use entity::enums::{
    AllianceRoleKind, BookingStatus, EventAudience, EventKind, EventStatus, StaffRoleKind,
};
use entity::{event, event_booking, event_session};
use ical::parser::ical::component::{IcalCalendar, IcalEvent, IcalTimeZone};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};

use crate::common::{TestApp, gid, spawn_app};

/// An alliance with a school, its teacher and head, the alliance's CPD lead, and someone
/// of another alliance.
struct World {
    app: TestApp,
    alliance: i32,
    school: i32,
    teacher: i32,
}

async fn world() -> World {
    let app = spawn_app().await;
    let alliance = app.alliance("Riverside Alliance").await;
    let school = app.school("Kingsmead Primary").await;
    app.member(alliance, school).await;
    let teacher = app.person("tess@kingsmead.example", false).await;
    app.staff(teacher, school, StaffRoleKind::Teacher).await;
    let head = app.person("hana@kingsmead.example", false).await;
    app.staff(head, school, StaffRoleKind::Headteacher).await;
    let lead = app.person("leo@riverside.example", false).await;
    app.alliance_role(lead, alliance, AllianceRoleKind::CpdLead)
        .await;
    let other_alliance = app.alliance("Hilltop Trust").await;
    let outsider = app.person("olga@hilltop.example", false).await;
    app.alliance_role(outsider, other_alliance, AllianceRoleKind::CpdLead)
        .await;
    World {
        app,
        alliance,
        school,
        teacher,
    }
}

/// London local time `local` ("2027-10-30 09:00") as UTC.
fn london(local: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::Europe::London
        .from_local_datetime(&naive)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

impl World {
    /// An event of the alliance with sessions at these London local times (each 3 hours).
    async fn event(
        &self,
        title: &str,
        status: EventStatus,
        audience: EventAudience,
        starts: &[&str],
    ) -> event::Model {
        let now = Utc::now();
        let sessions: Vec<DateTime<Utc>> = starts.iter().map(|local| london(local)).collect();
        let event = event::ActiveModel {
            alliance_id: Set(self.alliance),
            host_school_id: Set(None),
            kind: Set(EventKind::Course),
            title: Set(title.to_owned()),
            description_markdown: Set("Formative assessment, in practice.".to_owned()),
            theme_keys: Set(String::new()),
            phases: Set(json!([])),
            venue_school_id: Set(Some(self.school)),
            address: Set(Some("1 Mill Lane, Riverside".to_owned())),
            online_url: Set(None),
            capacity: Set(20),
            places_taken: Set(0),
            booking_opens_at: Set(None),
            booking_closes_at: Set(None),
            audience: Set(audience),
            partnership_id: Set(None),
            approval_required: Set(false),
            release_half_days: Set(2),
            follow_up_weeks: Set(6),
            status: Set(status),
            cancelled_reason: Set(None),
            starts_at: Set(sessions[0]),
            ends_at: Set(*sessions.last().unwrap() + Duration::hours(3)),
            created_by_id: Set(self.teacher),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.app.db)
        .await
        .unwrap();
        for start in sessions {
            event_session::ActiveModel {
                event_id: Set(event.id),
                starts_at: Set(start),
                ends_at: Set(start + Duration::hours(3)),
                time_zone: Set("Europe/London".to_owned()),
                ..Default::default()
            }
            .insert(&self.app.db)
            .await
            .unwrap();
        }
        event
    }

    async fn book(&self, event: &event::Model, person: i32, status: BookingStatus) -> i32 {
        let now = Utc::now();
        event_booking::ActiveModel {
            event_id: Set(event.id),
            person_id: Set(person),
            school_id: Set(self.school),
            booked_by_id: Set(person),
            status: Set(status),
            waitlisted_at: Set((status == BookingStatus::Waitlisted).then_some(now)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.app.db)
        .await
        .unwrap()
        .id
    }

    /// Makes a feed as `email`; its URL and id.
    async fn feed(&self, email: &str, alliance: Option<i32>) -> (String, String) {
        let token = self.app.sign_in(email).await;
        let made = self
            .app
            .ok(
                Some(&token),
                CREATE,
                json!({"input": {"allianceId": alliance.map(|id| gid("Alliance", id))}}),
            )
            .await;
        let created = &made["createCalendarFeed"]["created"];
        (
            created["url"].as_str().unwrap().to_owned(),
            created["feed"]["id"].as_str().unwrap().to_owned(),
        )
    }

    async fn fetch(&self, url: &str) -> reqwest::Response {
        // The URL holds the server's configured public address; the test server listens
        // on its own port.
        let path = &url[url.find("/calendar/").unwrap()..];
        self.app
            .client
            .get(format!("{}{path}", self.app.url))
            .send()
            .await
            .unwrap()
    }

    async fn calendar(&self, url: &str) -> IcalCalendar {
        let response = self.fetch(url).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/calendar; charset=utf-8"
        );
        let text = response.text().await.unwrap();
        assert!(text.contains("\r\n"), "content lines end in CRLF");
        let mut parser = ical::IcalParser::new(BufReader::new(text.as_bytes()));
        let calendar = parser.next().expect("one calendar").expect("it parses");
        assert!(parser.next().is_none());
        calendar
    }
}

const CREATE: &str = "mutation($input: CreateCalendarFeedInput!) {
  createCalendarFeed(input: $input) {
    created { url feed { id personId allianceId revokedAt } }
    userErrors { field code message }
  }
}";

fn prop<'a>(event: &'a IcalEvent, name: &str) -> Option<&'a ical::property::Property> {
    event.properties.iter().find(|p| p.name == name)
}

fn value<'a>(event: &'a IcalEvent, name: &str) -> &'a str {
    prop(event, name)
        .and_then(|p| p.value.as_deref())
        .unwrap_or_else(|| panic!("{name} in the VEVENT"))
}

fn tzid(event: &IcalEvent, name: &str) -> Option<String> {
    prop(event, name)?
        .params
        .as_ref()?
        .iter()
        .find(|(key, _)| key == "TZID")
        .map(|(_, values)| values.join(","))
}

/// The UTC offset, in seconds, of "+0100" or "-0330".
fn offset_seconds(text: &str) -> i64 {
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let hours: i64 = text[1..3].parse().unwrap();
    let minutes: i64 = text[3..5].parse().unwrap();
    sign * (hours * 3600 + minutes * 60)
}

/// The instant a local time of a VTIMEZONE stands for, placed by the VTIMEZONE alone (as a
/// client that knows no time zone database would): the last observance whose onset
/// (local time in the offset it ends) is not after it gives the offset.
fn resolve(zone: &IcalTimeZone, local: &str) -> DateTime<Utc> {
    let local = NaiveDateTime::parse_from_str(local, "%Y%m%dT%H%M%S").unwrap();
    let mut best: Option<(DateTime<Utc>, i64)> = None;
    for observance in &zone.transitions {
        let get = |name: &str| {
            observance
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap()
        };
        let onset = NaiveDateTime::parse_from_str(&get("DTSTART"), "%Y%m%dT%H%M%S").unwrap();
        let from = offset_seconds(&get("TZOFFSETFROM"));
        let to = offset_seconds(&get("TZOFFSETTO"));
        let onset_utc = (onset - Duration::seconds(from)).and_utc();
        if onset_utc <= (local - Duration::seconds(to)).and_utc()
            && best.is_none_or(|(at, _)| onset_utc > at)
        {
            best = Some((onset_utc, to));
        }
    }
    let (_, offset) = best.expect("an observance in force");
    (local - Duration::seconds(offset)).and_utc()
}

#[tokio::test]
async fn a_persons_feed_shows_their_bookings_at_london_times_across_both_clock_changes() {
    let w = world().await;
    // The clocks go back on 31 October 2027 and forward on 26 March 2028: 9 o'clock on
    // either side of each change is a different offset from UTC.
    let course = w
        .event(
            "Assessment for learning, in depth",
            EventStatus::Open,
            EventAudience::Alliance,
            &[
                "2027-10-30 09:00",
                "2027-11-01 09:00",
                "2028-03-25 09:00",
                "2028-03-27 09:00",
            ],
        )
        .await;
    let visit = w
        .event(
            "Open classroom: maths mastery",
            EventStatus::Cancelled,
            EventAudience::Alliance,
            &["2027-06-10 13:30"],
        )
        .await;
    let waitlisted = w
        .event(
            "Coaching conversations",
            EventStatus::Open,
            EventAudience::Alliance,
            &["2027-09-15 16:00"],
        )
        .await;
    let not_mine = w
        .event(
            "Not booked",
            EventStatus::Open,
            EventAudience::Alliance,
            &["2027-09-16 16:00"],
        )
        .await;
    let draft = w
        .event(
            "A draft",
            EventStatus::Draft,
            EventAudience::Alliance,
            &["2027-09-17 16:00"],
        )
        .await;
    w.book(&course, w.teacher, BookingStatus::Confirmed).await;
    w.book(&visit, w.teacher, BookingStatus::Confirmed).await;
    w.book(&waitlisted, w.teacher, BookingStatus::Waitlisted)
        .await;
    w.book(&draft, w.teacher, BookingStatus::Confirmed).await;

    let (url, _) = w.feed("tess@kingsmead.example", None).await;
    assert!(url.contains("/calendar/trellis_cal_") && url.ends_with(".ics"));
    let calendar = w.calendar(&url).await;

    // One VEVENT per session of the booked, published events, in order of start.
    let summaries: Vec<&str> = calendar
        .events
        .iter()
        .map(|e| value(e, "SUMMARY"))
        .collect();
    assert_eq!(
        summaries,
        [
            "Open classroom: maths mastery",
            "Coaching conversations",
            "Assessment for learning\\, in depth (session 1 of 4)",
            "Assessment for learning\\, in depth (session 2 of 4)",
            "Assessment for learning\\, in depth (session 3 of 4)",
            "Assessment for learning\\, in depth (session 4 of 4)",
        ],
        "not the draft, not an event they did not book"
    );
    assert!(!summaries.iter().any(|s| s.contains(&not_mine.title)));

    // Every time is a London local time, placed by the feed's own VTIMEZONE.
    assert_eq!(calendar.timezones.len(), 1);
    let zone = &calendar.timezones[0];
    assert!(
        zone.properties
            .iter()
            .any(|p| p.name == "TZID" && p.value.as_deref() == Some("Europe/London"))
    );
    let course_sessions = &calendar.events[2..];
    let expected_utc = [
        "2027-10-30T08:00:00Z",
        "2027-11-01T09:00:00Z",
        "2028-03-25T09:00:00Z",
        "2028-03-27T08:00:00Z",
    ];
    for (vevent, utc) in course_sessions.iter().zip(expected_utc) {
        assert_eq!(tzid(vevent, "DTSTART").as_deref(), Some("Europe/London"));
        assert_eq!(tzid(vevent, "DTEND").as_deref(), Some("Europe/London"));
        assert!(
            value(vevent, "DTSTART").ends_with("T090000"),
            "9 o'clock local"
        );
        assert!(
            value(vevent, "DTEND").ends_with("T120000"),
            "12 o'clock local"
        );
        assert_eq!(
            resolve(zone, value(vevent, "DTSTART"))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            utc
        );
        assert_eq!(value(vevent, "STATUS"), "CONFIRMED");
        assert_eq!(
            value(vevent, "LOCATION"),
            "Kingsmead Primary\\, 1 Mill Lane\\, Riverside"
        );
        assert!(value(vevent, "DTSTAMP").ends_with('Z'));
    }
    let visit_event = &calendar.events[0];
    assert_eq!(value(visit_event, "STATUS"), "CANCELLED");
    let waitlisted_event = &calendar.events[1];
    assert_eq!(value(waitlisted_event, "STATUS"), "TENTATIVE");
    assert!(value(waitlisted_event, "DESCRIPTION").starts_with("Your booking: on the waitlist"));

    // Fetched again after a change: the same UIDs, a higher SEQUENCE.
    let uids: Vec<String> = calendar
        .events
        .iter()
        .map(|e| value(e, "UID").to_owned())
        .collect();
    assert!(
        uids.iter()
            .all(|uid| uid.starts_with("trellis-event-") && uid.contains('@'))
    );
    let sequence_before: u32 = value(&calendar.events[2], "SEQUENCE").parse().unwrap();
    let mut changed: event::ActiveModel = event::Entity::find_by_id(course.id)
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    changed.version = Set(course.version + 1);
    changed.title = Set("Assessment for learning".to_owned());
    changed.update(&w.app.db).await.unwrap();
    let again = w.calendar(&url).await;
    let uids_again: Vec<String> = again
        .events
        .iter()
        .map(|e| value(e, "UID").to_owned())
        .collect();
    assert_eq!(uids, uids_again);
    let sequence_after: u32 = value(&again.events[2], "SEQUENCE").parse().unwrap();
    assert!(sequence_after > sequence_before);
    assert_eq!(
        value(&again.events[2], "SUMMARY"),
        "Assessment for learning (session 1 of 4)"
    );
}

#[tokio::test]
async fn an_alliance_feed_shows_its_published_events_open_to_all_its_schools() {
    let w = world().await;
    w.event(
        "Network meeting: SENCOs",
        EventStatus::Open,
        EventAudience::Alliance,
        &["2027-05-04 15:30"],
    )
    .await;
    w.event(
        "Called off",
        EventStatus::Cancelled,
        EventAudience::Alliance,
        &["2027-05-05 15:30"],
    )
    .await;
    w.event(
        "Still a draft",
        EventStatus::Draft,
        EventAudience::Alliance,
        &["2027-05-06 15:30"],
    )
    .await;
    w.event(
        "Kingsmead staff only",
        EventStatus::Open,
        EventAudience::HostSchool,
        &["2027-05-07 15:30"],
    )
    .await;
    let (url, _) = w.feed("leo@riverside.example", Some(w.alliance)).await;
    let calendar = w.calendar(&url).await;
    let shown: Vec<(&str, &str)> = calendar
        .events
        .iter()
        .map(|e| (value(e, "SUMMARY"), value(e, "STATUS")))
        .collect();
    assert_eq!(
        shown,
        [
            ("Network meeting: SENCOs", "CONFIRMED"),
            ("Called off", "CANCELLED")
        ]
    );
    assert!(calendar.properties.iter().any(|p| p.name == "X-WR-CALNAME"
        && p.value.as_deref() == Some("Trellis: Riverside Alliance events")));
}

#[tokio::test]
async fn a_revoked_or_replaced_feed_answers_404_and_the_replacement_works() {
    let w = world().await;
    let (first, first_id) = w.feed("tess@kingsmead.example", None).await;
    assert_eq!(w.fetch(&first).await.status(), 200);
    let token = w.app.sign_in("tess@kingsmead.example").await;

    let replaced = w
        .app
        .ok(
            Some(&token),
            "mutation($id: ID!) { replaceCalendarFeed(input: {feedId: $id}) {
                replacement { url feed { id revokedAt } } userErrors { field message } } }",
            json!({"id": first_id}),
        )
        .await;
    let second = replaced["replaceCalendarFeed"]["replacement"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let second_id = replaced["replaceCalendarFeed"]["replacement"]["feed"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(first, second);
    assert_eq!(w.fetch(&first).await.status(), 404);
    assert_eq!(w.fetch(&second).await.status(), 200);

    let revoked = w
        .app
        .ok(
            Some(&token),
            "mutation($id: ID!) { revokeCalendarFeed(input: {feedId: $id}) {
                feed { revokedAt } userErrors { field message } } }",
            json!({"id": second_id}),
        )
        .await;
    assert!(revoked["revokeCalendarFeed"]["feed"]["revokedAt"].is_string());
    assert_eq!(w.fetch(&second).await.status(), 404);

    // Revoking again, or replacing a revoked feed, is a user error that changes nothing.
    let again = w
        .app
        .ok(
            Some(&token),
            "mutation($id: ID!) { replaceCalendarFeed(input: {feedId: $id}) {
                replacement { url } userErrors { field message } } }",
            json!({"id": second_id}),
        )
        .await;
    assert_eq!(
        again["replaceCalendarFeed"]["userErrors"][0]["field"],
        json!(["input", "feedId"])
    );
    assert_eq!(w.fetch(&second).await.status(), 404);

    // Unknown, malformed and overlong tokens are as any wrong URL.
    for path in [
        "/calendar/trellis_cal_nothing.ics".to_owned(),
        "/calendar/trellis_cal_nothing".to_owned(),
        format!("/calendar/{}.ics", "x".repeat(5000)),
    ] {
        let response = w
            .app
            .client
            .get(format!("{}{path}", w.app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path:.40}");
    }
}

#[tokio::test]
async fn only_their_owner_or_the_alliances_admins_see_and_change_feeds() {
    let w = world().await;
    let (_, mine) = w.feed("tess@kingsmead.example", None).await;
    let (_, alliance_feed) = w.feed("leo@riverside.example", Some(w.alliance)).await;

    let listed = |email: &'static str| {
        let app = &w.app;
        async move {
            let token = app.sign_in(email).await;
            let data = app
                .ok(
                    Some(&token),
                    "{ calendarFeeds(first: 10) { nodes { id } } }",
                    json!({}),
                )
                .await;
            data["calendarFeeds"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        listed("tess@kingsmead.example").await,
        std::slice::from_ref(&mine)
    );
    assert_eq!(
        listed("leo@riverside.example").await,
        std::slice::from_ref(&alliance_feed)
    );
    assert!(
        listed("hana@kingsmead.example").await.is_empty(),
        "a head does not see a teacher's feed"
    );
    assert!(listed("olga@hilltop.example").await.is_empty());

    // By id: seen by who manages it, null for anyone else.
    for (email, id, seen) in [
        ("tess@kingsmead.example", &mine, true),
        ("hana@kingsmead.example", &mine, false),
        ("leo@riverside.example", &mine, false),
        ("leo@riverside.example", &alliance_feed, true),
        ("tess@kingsmead.example", &alliance_feed, false),
        ("olga@hilltop.example", &alliance_feed, false),
    ] {
        let token = w.app.sign_in(email).await;
        let answer = w
            .app
            .gql(
                Some(&token),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(
            answer["data"]["node"].is_object(),
            seen,
            "{email} reading {id}"
        );
        if !seen {
            assert_eq!(answer["errors"][0]["extensions"]["code"], "NOT_FOUND");
        }
    }

    // Revoking someone else's feed reads as a feed that does not exist.
    let head = w.app.sign_in("hana@kingsmead.example").await;
    let refused = w
        .app
        .ok(
            Some(&head),
            "mutation($id: ID!) { revokeCalendarFeed(input: {feedId: $id}) {
                feed { id } userErrors { field code } } }",
            json!({"id": mine}),
        )
        .await;
    assert_eq!(
        refused["revokeCalendarFeed"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    // A teacher may not make the alliance's feed; another alliance's lead does not see it.
    let teacher = w.app.sign_in("tess@kingsmead.example").await;
    let forbidden = w
        .app
        .gql(
            Some(&teacher),
            CREATE,
            json!({"input": {"allianceId": gid("Alliance", w.alliance)}}),
        )
        .await;
    assert_eq!(forbidden["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let outsider = w.app.sign_in("olga@hilltop.example").await;
    let unseen = w
        .app
        .ok(
            Some(&outsider),
            CREATE,
            json!({"input": {"allianceId": gid("Alliance", w.alliance)}}),
        )
        .await;
    assert_eq!(
        unseen["createCalendarFeed"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    // Anonymous callers make nothing.
    let anonymous = w.app.gql(None, CREATE, json!({"input": {}})).await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let count: Value = w
        .app
        .ok(
            Some(&head),
            "{ calendarFeeds(first: 10) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(count["calendarFeeds"]["totalCount"], 0);
}

#[tokio::test]
async fn a_feed_costs_the_same_statements_for_one_event_as_for_thirty() {
    let w = world().await;
    let (url, _) = w.feed("tess@kingsmead.example", None).await;
    let one = w
        .event(
            "One",
            EventStatus::Open,
            EventAudience::Alliance,
            &["2027-05-04 15:30"],
        )
        .await;
    w.book(&one, w.teacher, BookingStatus::Confirmed).await;
    let (for_one, _) = w.app.statements_of(|| w.calendar(&url)).await;

    for n in 0..30 {
        let day = format!("2027-06-{:02} 15:30", n % 28 + 1);
        let more = w
            .event(
                &format!("Event {n}"),
                EventStatus::Open,
                EventAudience::Alliance,
                &[&day, "2027-07-01 09:00"],
            )
            .await;
        w.book(&more, w.teacher, BookingStatus::Confirmed).await;
    }
    let (for_thirty, calendar) = w.app.statements_of(|| w.calendar(&url)).await;
    assert_eq!(calendar.events.len(), 61);
    assert_eq!(for_one, for_thirty);
}
