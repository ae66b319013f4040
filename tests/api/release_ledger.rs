//! The release-time ledger over HTTP: each school's days given and received per term and
//! per academic year, the fairness summary, limits and their precedence, and the release
//! check an approver sees.

use chrono::Utc;
use entity::enums::{BookingStatus, SupportArrangementStatus};
use serde_json::{Value, json};

use crate::common::{TestApp, gid, spawn_app};
use crate::release_world::{World, arrangement, booking, event};

const LEDGER: &str =
    "query($id: ID!, $period: ReleasePeriodInput) { node(id: $id) { ... on Alliance {
    releaseLedger(first: 10, period: $period) { totalCount nodes {
        school { name } daysGiven daysReceived balance
        supportGivenDays hostingCreditDays supportReceivedDays eventsAttendedDays
        period { academicYear term startsOn endsOn } } }
    releaseFairness(period: $period) { schools givers receivers balanced daysGiven daysReceived
        largestGiverShare largestGiver { name } } } } }";

/// Rows by school name: [given, received, balance, support given, hosting, support
/// received, attended].
fn rows(data: &Value) -> Vec<(String, [f64; 7])> {
    data["node"]["releaseLedger"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let f = |key: &str| row[key].as_f64().unwrap();
            (
                row["school"]["name"].as_str().unwrap().to_owned(),
                [
                    f("daysGiven"),
                    f("daysReceived"),
                    f("balance"),
                    f("supportGivenDays"),
                    f("hostingCreditDays"),
                    f("supportReceivedDays"),
                    f("eventsAttendedDays"),
                ],
            )
        })
        .collect()
}

async fn ledger(app: &TestApp, token: &str, world: &World, period: Value) -> Value {
    app.ok(
        Some(token),
        LEDGER,
        json!({ "id": gid("Alliance", world.alliance), "period": period }),
    )
    .await
}

#[tokio::test]
async fn a_term_starts_at_midnight_in_england_not_in_utc() {
    let app = spawn_app().await;
    let world = World::new(&app).await;
    let lead = app.sign_in("lead@severn.example").await;
    // 00:30 on 1 September 2026 in England (British Summer Time) is 23:30 UTC on 31 August:
    // the first day of the 2026 autumn term, not the last of the 2025 summer term.
    let starts = chrono::DateTime::parse_from_rfc3339("2026-09-01T00:30:00+01:00")
        .unwrap()
        .to_utc();
    let course = event(
        &app,
        world.alliance,
        Some(world.oak),
        None,
        2,
        starts,
        world.lead,
    )
    .await;
    booking(
        &app,
        &course,
        world.ash_teacher,
        world.ash,
        BookingStatus::Attended,
    )
    .await;
    let attended = |data: &Value| {
        rows(data)
            .into_iter()
            .find(|(school, _)| school == "Ash Primary")
            .map(|(_, figures)| figures[6])
            .unwrap()
    };
    let autumn = ledger(
        &app,
        &lead,
        &world,
        json!({ "academicYear": 2026, "term": "AUTUMN" }),
    )
    .await;
    assert_eq!(attended(&autumn), 1.0, "{autumn:#}");
    let summer = ledger(
        &app,
        &lead,
        &world,
        json!({ "academicYear": 2025, "term": "SUMMER" }),
    )
    .await;
    assert_eq!(attended(&summer), 0.0, "{summer:#}");
}

#[tokio::test]
async fn each_school_gives_and_receives_per_term_and_per_year() {
    let app = spawn_app().await;
    let world = World::new(&app).await;
    world.autumn_2025(&app).await;
    let lead = app.sign_in("lead@severn.example").await;

    let autumn = ledger(
        &app,
        &lead,
        &world,
        json!({ "academicYear": 2025, "term": "AUTUMN" }),
    )
    .await;
    assert_eq!(
        rows(&autumn),
        vec![
            (
                "Oak Primary".to_owned(),
                [6.0, 0.0, 6.0, 4.0, 2.0, 0.0, 0.0]
            ),
            (
                "Ash Primary".to_owned(),
                [0.0, 5.5, -5.5, 0.0, 0.0, 4.0, 1.5]
            ),
            (
                "Elm Academy".to_owned(),
                [0.0, 1.0, -1.0, 0.0, 0.0, 0.0, 1.0]
            ),
        ]
    );
    let period = &autumn["node"]["releaseLedger"]["nodes"][0]["period"];
    assert_eq!(
        period,
        &json!({ "academicYear": 2025, "term": "AUTUMN", "startsOn": "2025-09-01", "endsOn": "2025-12-31" })
    );
    assert_eq!(
        autumn["node"]["releaseFairness"],
        json!({ "schools": 3, "givers": 1, "receivers": 2, "balanced": 0, "daysGiven": 6.0,
                "daysReceived": 6.5, "largestGiverShare": 1.0, "largestGiver": { "name": "Oak Primary" } })
    );

    let year = ledger(&app, &lead, &world, json!({ "academicYear": 2025 })).await;
    assert_eq!(
        rows(&year),
        vec![
            (
                "Oak Primary".to_owned(),
                [6.0, 0.0, 6.0, 4.0, 2.0, 0.0, 0.0]
            ),
            (
                "Ash Primary".to_owned(),
                [0.0, 7.5, -7.5, 0.0, 0.0, 6.0, 1.5]
            ),
            (
                "Elm Academy".to_owned(),
                [2.0, 1.0, 1.0, 2.0, 0.0, 0.0, 1.0]
            ),
        ]
    );
    let spring = ledger(
        &app,
        &lead,
        &world,
        json!({ "academicYear": 2025, "term": "SPRING" }),
    )
    .await;
    assert_eq!(
        spring["node"]["releaseFairness"]["largestGiver"]["name"],
        "Elm Academy"
    );
    let empty = ledger(&app, &lead, &world, json!({ "academicYear": 2024 })).await;
    assert!(rows(&empty).iter().all(|(_, figures)| figures == &[0.0; 7]));
    assert_eq!(
        empty["node"]["releaseFairness"]["largestGiver"],
        Value::Null
    );

    // The school's own view: its line in each alliance.
    let head = app.sign_in("head@oak.example").await;
    let school = app
        .ok(
            Some(&head),
            "query($id: ID!) { node(id: $id) { ... on School { releaseLedger(period: {academicYear: 2025, term: AUTUMN}) { daysGiven daysReceived } } } }",
            json!({ "id": gid("School", world.oak) }),
        )
        .await;
    assert_eq!(
        school["node"]["releaseLedger"],
        json!([{ "daysGiven": 6.0, "daysReceived": 0.0 }])
    );

    // An academic year outside 2000..=2100 is refused.
    let body = app
        .gql(
            Some(&lead),
            LEDGER,
            json!({ "id": gid("Alliance", world.alliance), "period": { "academicYear": 1999 } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
}

const DAYS_OUT: &str = "query($id: ID!) { node(id: $id) { ... on Person { daysOutThisTerm { days limit exceedsBy period { term } } } } }";
const CHECK: &str = "query($id: ID!) { releaseCheck(bookingId: $id) {
    daysThisTerm bookingDays daysWithBooking limit exceedsLimit exceedsBy warning period { academicYear term } } }";
const SET: &str = "mutation($input: SetReleaseLimitInput!) { setReleaseLimit(input: $input) {
    releaseLimit { id role person { id } daysPerTerm version } userErrors { field code message } } }";

async fn days_out(app: &TestApp, token: &str, person: i32) -> Value {
    app.ok(
        Some(token),
        DAYS_OUT,
        json!({ "id": gid("Person", person) }),
    )
    .await["node"]["daysOutThisTerm"]
        .clone()
}

#[tokio::test]
async fn limits_by_person_then_role_then_school_and_the_warning_an_approver_sees() {
    let app = spawn_app().await;
    let world = World::new(&app).await;
    // Events this term, whenever the test runs.
    let term = trellis::release::terms::Term::current().period();
    let (from, _) = term.instants();
    let day = |n: i64| from + chrono::Duration::days(n);
    let a = world.alliance;
    let course = event(&app, a, Some(world.oak), None, 2, day(3), world.lead).await;
    let visit = event(&app, a, Some(world.oak), None, 1, day(5), world.lead).await;
    let conference = event(&app, a, None, None, 2, day(7), world.lead).await;
    booking(
        &app,
        &course,
        world.ash_teacher,
        world.ash,
        BookingStatus::Attended,
    )
    .await;
    booking(
        &app,
        &visit,
        world.ash_teacher,
        world.ash,
        BookingStatus::Confirmed,
    )
    .await;
    // Neither a cancelled booking nor one awaiting approval counts.
    booking(
        &app,
        &course,
        world.ash_second,
        world.ash,
        BookingStatus::Cancelled,
    )
    .await;
    let awaiting = booking(
        &app,
        &conference,
        world.ash_teacher,
        world.ash,
        BookingStatus::AwaitingApproval,
    )
    .await;
    let second = booking(
        &app,
        &conference,
        world.ash_second,
        world.ash,
        BookingStatus::AwaitingApproval,
    )
    .await;
    // Support given counts too: half a day, brokered this term.
    arrangement(
        &app,
        a,
        world.ash,
        Some(world.ash_second),
        world.elm,
        1,
        SupportArrangementStatus::Planned,
        day(1).min(Utc::now()),
        world.lead,
    )
    .await;

    let head = app.sign_in("head@ash.example").await;
    let teacher = app.sign_in("teacher@ash.example").await;
    // No limit yet.
    let figures = days_out(&app, &teacher, world.ash_teacher).await;
    assert_eq!(
        (
            figures["days"].clone(),
            figures["limit"].clone(),
            figures["exceedsBy"].clone()
        ),
        (json!(1.5), Value::Null, Value::Null)
    );
    let check = app
        .ok(
            Some(&head),
            CHECK,
            json!({ "id": gid("EventBooking", awaiting.id) }),
        )
        .await;
    assert_eq!(check["releaseCheck"]["limit"], Value::Null);
    assert_eq!(check["releaseCheck"]["exceedsLimit"], false);
    assert_eq!(check["releaseCheck"]["warning"], Value::Null);

    // The school's default, then a role's, then a person's.
    let set = |input: Value| {
        let head = head.clone();
        let app = &app;
        async move {
            app.ok(Some(&head), SET, json!({ "input": input })).await["setReleaseLimit"].clone()
        }
    };
    let school = gid("School", world.ash);
    let default = set(json!({ "schoolId": school, "daysPerTerm": 2 })).await;
    assert_eq!(default["userErrors"], json!([]));
    assert_eq!(
        days_out(&app, &teacher, world.ash_teacher).await["limit"],
        2.0
    );
    let role = set(json!({ "schoolId": school, "role": "TEACHER", "daysPerTerm": 1.5 })).await;
    assert_eq!(role["releaseLimit"]["role"], "TEACHER");
    let figures = days_out(&app, &teacher, world.ash_teacher).await;
    assert_eq!(
        (figures["limit"].as_f64(), figures["exceedsBy"].as_f64()),
        (Some(1.5), Some(0.0))
    );

    // The approver's check: 1.5 days so far, the conference costs 1, the limit is 1.5.
    let check = app
        .ok(
            Some(&head),
            CHECK,
            json!({ "id": gid("EventBooking", awaiting.id) }),
        )
        .await["releaseCheck"]
        .clone();
    assert_eq!(check["daysThisTerm"], 1.5);
    assert_eq!(check["bookingDays"], 1.0);
    assert_eq!(check["daysWithBooking"], 2.5);
    assert_eq!(check["limit"], 1.5);
    assert_eq!(check["exceedsLimit"], true);
    assert_eq!(check["exceedsBy"], 1.0);
    let warning = check["warning"].as_str().unwrap();
    assert!(
        warning.contains("2.5 days") && warning.contains("1.5 days") && warning.contains(" 1 over"),
        "{warning}"
    );

    // A person's own limit wins, even above the role's.
    let person = set(json!({ "schoolId": school, "personId": gid("Person", world.ash_teacher), "daysPerTerm": 3 })).await;
    assert_eq!(person["userErrors"], json!([]));
    let check = app
        .ok(
            Some(&head),
            CHECK,
            json!({ "id": gid("EventBooking", awaiting.id) }),
        )
        .await["releaseCheck"]
        .clone();
    assert_eq!(
        (
            check["limit"].as_f64(),
            check["exceedsLimit"].as_bool(),
            check["warning"].clone()
        ),
        (Some(3.0), Some(false), Value::Null)
    );
    // The second teacher: half a day of support, the role's 1.5 days.
    let check = app
        .ok(
            Some(&head),
            CHECK,
            json!({ "id": gid("EventBooking", second.id) }),
        )
        .await["releaseCheck"]
        .clone();
    assert_eq!(
        (
            check["daysThisTerm"].as_f64(),
            check["limit"].as_f64(),
            check["exceedsBy"].as_f64()
        ),
        (Some(0.5), Some(1.5), Some(0.0))
    );

    // Setting an existing limit again needs its version; a stale one conflicts.
    let again = set(json!({ "schoolId": school, "role": "TEACHER", "daysPerTerm": 1 })).await;
    assert_eq!(
        again["userErrors"][0]["field"],
        json!(["input", "expectedVersion"])
    );
    let stale = set(
        json!({ "schoolId": school, "role": "TEACHER", "daysPerTerm": 1, "expectedVersion": 7 }),
    )
    .await;
    assert_eq!(stale["userErrors"][0]["code"], "CONFLICT");
    let changed = set(
        json!({ "schoolId": school, "role": "TEACHER", "daysPerTerm": 1, "expectedVersion": 1 }),
    )
    .await;
    assert_eq!(
        (
            changed["releaseLimit"]["daysPerTerm"].as_f64(),
            changed["releaseLimit"]["version"].as_i64()
        ),
        (Some(1.0), Some(2))
    );

    // Removing the role's limit falls back to the default.
    let removed = app
        .ok(
            Some(&head),
            "mutation($input: RemoveReleaseLimitInput!) { removeReleaseLimit(input: $input) { removedReleaseLimitId userErrors { code } } }",
            json!({ "input": { "releaseLimitId": changed["releaseLimit"]["id"], "expectedVersion": 2 } }),
        )
        .await;
    assert_eq!(removed["removeReleaseLimit"]["userErrors"], json!([]));
    let check = app
        .ok(
            Some(&head),
            CHECK,
            json!({ "id": gid("EventBooking", second.id) }),
        )
        .await["releaseCheck"]
        .clone();
    assert_eq!(check["limit"], 2.0);

    // The school's limits, as its staff read them.
    let limits = app
        .ok(
            Some(&teacher),
            "query($id: ID!) { node(id: $id) { ... on School { releaseLimits { role daysPerTerm person { id } } } } }",
            json!({ "id": school }),
        )
        .await;
    assert_eq!(limits["node"]["releaseLimits"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn bad_limits_get_user_errors_and_change_nothing() {
    let app = spawn_app().await;
    let world = World::new(&app).await;
    let head = app.sign_in("head@ash.example").await;
    let school = gid("School", world.ash);
    for (input, field) in [
        (
            json!({ "schoolId": school, "daysPerTerm": -1 }),
            "daysPerTerm",
        ),
        (
            json!({ "schoolId": school, "daysPerTerm": 0.25 }),
            "daysPerTerm",
        ),
        (
            json!({ "schoolId": school, "daysPerTerm": 101 }),
            "daysPerTerm",
        ),
        (
            json!({ "schoolId": school, "daysPerTerm": 2, "role": "TEACHER", "personId": gid("Person", world.ash_teacher) }),
            "personId",
        ),
        // Someone who does not work at the school.
        (
            json!({ "schoolId": school, "daysPerTerm": 2, "personId": gid("Person", world.oak_teacher) }),
            "personId",
        ),
    ] {
        let data = app.ok(Some(&head), SET, json!({ "input": input })).await;
        assert_eq!(
            data["setReleaseLimit"]["userErrors"][0]["field"],
            json!(["input", field]),
            "{input}: {data}"
        );
        assert_eq!(data["setReleaseLimit"]["releaseLimit"], Value::Null);
    }
    let count = entity::release_limit::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .len();
    assert_eq!(count, 0);
    // A limit of 0 days is a limit.
    let data = app
        .ok(
            Some(&head),
            SET,
            json!({ "input": { "schoolId": school, "daysPerTerm": 0 } }),
        )
        .await;
    assert_eq!(data["setReleaseLimit"]["releaseLimit"]["daysPerTerm"], 0.0);
    // A booking id of another kind is not found.
    let body = app
        .gql(
            Some(&head),
            CHECK,
            json!({ "id": gid("Person", world.ash_teacher) }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

use sea_orm::EntityTrait;

/// The ledger of an alliance of `n` schools, each sending a teacher to a course at the
/// first and supported by it: the statements the CPD lead's query runs, and its answer.
async fn ledger_of(n: usize) -> (u64, Value) {
    let app = crate::common::spawn_app_with(&["--loader-delay-us", "50000"]).await;
    let alliance = app.alliance("Big Alliance").await;
    let lead = app.person("lead@big.example", false).await;
    app.alliance_role(lead, alliance, entity::enums::AllianceRoleKind::CpdLead)
        .await;
    let mut schools = Vec::new();
    for i in 0..n {
        let school = app.school(&format!("School {i:02}")).await;
        app.member(alliance, school).await;
        schools.push(school);
    }
    let course = event(
        &app,
        alliance,
        Some(schools[0]),
        None,
        2,
        crate::release_world::at("2025-10-06"),
        lead,
    )
    .await;
    for (i, school) in schools.iter().enumerate().skip(1) {
        let teacher = app.person(&format!("teacher{i}@big.example"), false).await;
        app.staff(teacher, *school, entity::enums::StaffRoleKind::Teacher)
            .await;
        booking(&app, &course, teacher, *school, BookingStatus::Attended).await;
        arrangement(
            &app,
            alliance,
            schools[0],
            None,
            *school,
            1,
            SupportArrangementStatus::Active,
            crate::release_world::at("2025-10-07"),
            lead,
        )
        .await;
    }
    let token = app.sign_in("lead@big.example").await;
    let query = "query($id: ID!) { node(id: $id) { ... on Alliance {
        releaseLedger(first: 100, period: {academicYear: 2025}) { totalCount pageInfo { hasNextPage } nodes {
            school { name } daysGiven daysReceived balance supportGivenDays hostingCreditDays
            supportReceivedDays eventsAttendedDays period { term } } }
        releaseFairness(period: {academicYear: 2025}) { givers receivers largestGiver { name } } } } }";
    let variables = json!({ "id": gid("Alliance", alliance) });
    app.query_statements(Some(&token), query, variables).await
}

#[tokio::test]
async fn the_ledger_of_sixty_schools_runs_as_many_statements_as_of_three() {
    let (few, small) = ledger_of(3).await;
    let (many, large) = ledger_of(60).await;
    let rows = |data: &Value| {
        data["node"]["releaseLedger"]["nodes"]
            .as_array()
            .unwrap()
            .clone()
    };
    assert_eq!(rows(&small).len(), 3);
    assert_eq!(rows(&large).len(), 60);
    // The first school gives: 59 half days of support and 59 places of one day each.
    assert_eq!(rows(&large)[0]["daysGiven"], 29.5 + 59.0);
    assert_eq!(rows(&large)[59]["daysReceived"], 1.5);
    assert_eq!(large["node"]["releaseFairness"]["receivers"], 59);
    assert_eq!(few, many, "statements for 3 schools and for 60");
    assert!(many <= 12, "{many} statements");
}
