//! Scalars by their conventional names, each saying where it is specified: `Date` (an RFC
//! 3339 full-date) and `DateTime` (an RFC 3339 date-time, written in UTC with `Z` and to at
//! most microseconds). `NaiveDate`, the old name of `Date`, still works in a request's
//! variable definitions until the date the README gives.

use serde_json::json;

use crate::common::spawn_app;

#[tokio::test]
async fn dates_and_times_are_named_and_specified_as_their_standard_has_it() {
    let app = spawn_app().await;
    let types = app
        .ok(
            None,
            r#"{ date: __type(name: "Date") { kind specifiedByURL }
                 dateTime: __type(name: "DateTime") { kind specifiedByURL }
                 old: __type(name: "NaiveDate") { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(types["date"]["kind"], "SCALAR");
    assert_eq!(
        types["date"]["specifiedByURL"],
        "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
    );
    assert_eq!(
        types["dateTime"]["specifiedByURL"],
        "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
    );
    assert!(types["old"].is_null(), "the schema shows only the new name");
}

#[tokio::test]
async fn a_moment_is_written_in_utc_with_z_and_at_most_microseconds() {
    let app = spawn_app().await;
    app.person("moment@school.example", false).await;
    let token = app.sign_in("moment@school.example").await;
    let session = app
        .ok(
            Some(&token),
            "{ viewer { person { createdAt } } }",
            json!({}),
        )
        .await;
    let written = session["viewer"]["person"]["createdAt"]
        .as_str()
        .expect("a date-time")
        .to_owned();
    assert!(written.ends_with('Z'), "{written}");
    let fraction = written
        .trim_end_matches('Z')
        .rsplit_once('.')
        .map_or(0, |(_, digits)| digits.len());
    assert!(fraction <= 6, "{written}");
    chrono::DateTime::parse_from_rfc3339(&written).expect("RFC 3339");
}

#[tokio::test]
async fn a_variable_declared_with_the_old_name_of_date_still_works() {
    let app = spawn_app().await;
    for declared in ["NaiveDate", "Date", "NaiveDate!", "Date!"] {
        let query = format!(
            "query($from: {declared}) {{ allianceCommunityReport(allianceId: \"x\", from: $from) {{ __typename }} }}"
        );
        let body = app.gql(None, &query, json!({ "from": "2026-02-01" })).await;
        let errors = body["errors"].as_array().cloned().unwrap_or_default();
        assert!(
            errors
                .iter()
                .all(|error| error["extensions"]["code"] != "BAD_USER_INPUT"
                    && error["extensions"]["code"] != "GRAPHQL_VALIDATION_FAILED"),
            "{declared}: {body:#}"
        );
        assert!(body.get("data").is_some(), "{declared} ran: {body:#}");
    }
}
