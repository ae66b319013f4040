//! Searches, filters and orderings match only what the caller may read (issue 18,
//! item 6): a search for an email finds the person only for those who may read that
//! email, and a filter on an alliance the caller may not see matches nobody.

use entity::enums::StaffRoleKind;
use serde_json::{Value, json};

use crate::common::gid;
use crate::practice_readers::practice_world;

const PEOPLE: &str = "query($f: PersonFilter) { people(first: 50, filter: $f) {
    totalCount nodes { displayName email } } }";

async fn found(app: &crate::common::TestApp, token: &str, filter: Value) -> Vec<String> {
    let data = app.ok(Some(token), PEOPLE, json!({ "f": filter })).await;
    let mut names: Vec<String> = data["people"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["displayName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_search_matches_an_email_only_for_those_who_may_read_it() {
    let w = practice_world().await;
    // Brook's teacher sees Ashby's staff (one alliance), not their emails.
    assert_eq!(
        found(
            &w.app,
            &w.ben.token,
            json!({ "search": "amy@ashby.example" })
        )
        .await,
        Vec::<String>::new()
    );
    assert_eq!(
        found(&w.app, &w.ben.token, json!({ "search": "@ashby.example" })).await,
        Vec::<String>::new(),
        "a domain lists nobody"
    );
    // Names are read by all who see the person.
    assert_eq!(
        found(&w.app, &w.ben.token, json!({ "search": "amy" })).await,
        ["amy ashby.example"]
    );
    // Those who read the emails find by them: Ashby's head, the alliance's admin, oneself.
    let ashby = [
        "amy ashby.example",
        "col ashby.example",
        "cpd ashby.example",
        "head ashby.example",
    ];
    assert_eq!(
        found(
            &w.app,
            &w.head_a.token,
            json!({ "search": "@ashby.example" })
        )
        .await,
        ashby
    );
    assert_eq!(
        found(&w.app, &w.lead.token, json!({ "search": "@ashby.example" })).await,
        ashby
    );
    assert_eq!(
        found(
            &w.app,
            &w.ben.token,
            json!({ "search": "ben@brook.example" })
        )
        .await,
        ["ben brook.example"]
    );
}

#[tokio::test]
async fn a_filter_on_an_alliance_the_caller_may_not_see_matches_nobody() {
    let w = practice_world().await;
    // Someone who works at Far (another alliance) and at Ashby (Severn): Far's teacher sees
    // them as a colleague, but not Severn.
    let dual = w.app.person("dual@far.example", false).await;
    w.app.staff(dual, w.far, StaffRoleKind::Teacher).await;
    w.app.staff(dual, w.ashby, StaffRoleKind::Teacher).await;
    assert_eq!(
        found(&w.app, &w.oz.token, json!({ "search": "dual" })).await,
        ["dual far.example"]
    );
    assert_eq!(
        found(
            &w.app,
            &w.oz.token,
            json!({ "allianceId": gid("Alliance", w.severn) })
        )
        .await,
        Vec::<String>::new()
    );
    assert!(
        found(
            &w.app,
            &w.amy.token,
            json!({ "allianceId": gid("Alliance", w.severn) })
        )
        .await
        .contains(&"dual far.example".to_owned())
    );
}

#[tokio::test]
async fn an_alliance_filter_does_not_tell_what_belongs_to_an_alliance_the_caller_may_not_see() {
    let w = practice_world().await;
    w.shared(&w.amy, w.ashby, "PUBLIC", "Public starters").await;
    let query = "query($a: ID!) { practices(filter: { allianceId: $a }) { totalCount } }";
    let severn = json!({ "a": gid("Alliance", w.severn) });
    // `Practice.alliance` is null for those who may not see Severn: so is the filter.
    for (who, token) in [("anonymous", None), ("oz", Some(w.oz.token.as_str()))] {
        let data = w.app.ok(token, query, severn.clone()).await;
        assert_eq!(data["practices"]["totalCount"], 0, "{who}");
    }
    let data = w.app.ok(Some(&w.amy.token), query, severn).await;
    assert_eq!(data["practices"]["totalCount"], 1);
}

#[tokio::test]
async fn a_school_that_left_filters_its_requests_by_the_alliance_in_vain() {
    let s = crate::support_world::support_world().await;
    let w = &s.w;
    s.request(0, 2.0).await;
    crate::world::mutate_ok(
        &w.app,
        &w.lead.token,
        "endAllianceMembership",
        "membership { status }",
        json!({ "membershipId": gid("AllianceMembership", w.memberships[0]) }),
    )
    .await;
    let query = "query($f: SupportRequestFilter) { supportRequests(filter: $f) { totalCount } }";
    let all = w
        .app
        .ok(Some(&w.heads[0].token), query, json!({ "f": {} }))
        .await;
    assert_eq!(all["supportRequests"]["totalCount"], 1, "its own request");
    let by_alliance = w
        .app
        .ok(
            Some(&w.heads[0].token),
            query,
            json!({ "f": { "allianceId": s.alliance() } }),
        )
        .await;
    assert_eq!(by_alliance["supportRequests"]["totalCount"], 0);
}
