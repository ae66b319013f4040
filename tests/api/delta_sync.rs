//! Delta sync: a client takes a full copy with `sync { syncedAt }` and the lists, then asks
//! only for what changed since (`updatedSince`) and for what to remove (`sync.removed`).
//! Checked as each viewer would notice: exactly the changes and tombstones they may see,
//! none for what they never could see, `resyncRequired` when their own access changed,
//! paging through a delta, and clear errors for times in the future, malformed or too old.
//!
//! The server runs with `--sync-margin-secs 0`, so that the watermark is the time of the
//! read and what the test set up before the copy is not repeated in the delta.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use entity::enums::{AllianceRoleKind, StaffRoleKind};
use serde_json::{Value, json};

use crate::common::service_accounts::Tenant;
use crate::common::{TestApp, gid, spawn_app_with};
use crate::world::{error_code, mutate_ok};

struct World {
    app: TestApp,
    alliance: i32,
    /// Ashby (in the alliance, as is Brook) and Cedar (outside it).
    ashby: i32,
    cedar: i32,
    /// The alliance's CPD lead: starts communities, manages member schools' staff.
    lead: String,
    /// Ashby's headteacher: publishes beyond the school.
    head: String,
    /// Teachers: amy and col at Ashby, ben at Brook, cat at Cedar.
    amy: i32,
    amy_role: i32,
    col: String,
    ben: String,
    cat: String,
}

async fn signed_in(
    app: &TestApp,
    email: &str,
    school: i32,
    role: StaffRoleKind,
) -> (i32, i32, String) {
    let id = app.person(email, false).await;
    let role = app.staff(id, school, role).await;
    (id, role, app.sign_in(email).await)
}

async fn world() -> World {
    let app = spawn_app_with(&["--sync-margin-secs", "0"]).await;
    let alliance = app.alliance("Severn Alliance").await;
    let ashby = app.school("Ashby Primary").await;
    let brook = app.school("Brook Academy").await;
    let cedar = app.school("Cedar School").await;
    app.member(alliance, ashby).await;
    app.member(alliance, brook).await;
    let lead_id = app.person("lead@severn.example", false).await;
    app.alliance_role(lead_id, alliance, AllianceRoleKind::CpdLead)
        .await;
    let lead = app.sign_in("lead@severn.example").await;
    let (_, _, head) = signed_in(
        &app,
        "head@ashby.example",
        ashby,
        StaffRoleKind::Headteacher,
    )
    .await;
    let (amy, amy_role, _) =
        signed_in(&app, "amy@ashby.example", ashby, StaffRoleKind::Teacher).await;
    let (_, _, col) = signed_in(&app, "col@ashby.example", ashby, StaffRoleKind::Teacher).await;
    let (_, _, ben) = signed_in(&app, "ben@brook.example", brook, StaffRoleKind::Teacher).await;
    let (_, _, cat) = signed_in(&app, "cat@cedar.example", cedar, StaffRoleKind::Teacher).await;
    World {
        app,
        alliance,
        ashby,
        cedar,
        lead,
        head,
        amy,
        amy_role,
        col,
        ben,
        cat,
    }
}

/// The lists and the watermark: a full copy without `since`, a delta with it.
const LISTS: &str = "query($since: DateTime, $first: Int) {
  sync(updatedSince: $since) { syncedAt resyncRequired resyncReason }
  schools(updatedSince: $since, first: $first) { edges { node { id } } }
  people(updatedSince: $since, first: $first) { edges { node { id } } }
  communities(updatedSince: $since, first: $first) { edges { node { id } } }
  practices(updatedSince: $since, first: $first) { edges { node { id } } }
}";

const REMOVED: &str = "query($since: DateTime) {
  sync(updatedSince: $since) { removed(first: 100) { edges { node { id kind removedAt } } } }
}";

/// What a client holds: every id it copied, by list.
#[derive(Debug, Default, PartialEq)]
struct Copy {
    ids: BTreeSet<String>,
    removed: BTreeSet<String>,
}

fn ids_of(data: &Value) -> BTreeSet<String> {
    ["schools", "people", "communities", "practices"]
        .iter()
        .flat_map(|list| {
            data[*list]["edges"]
                .as_array()
                .unwrap_or_else(|| panic!("{list} in {data:#}"))
                .iter()
                .map(|edge| edge["node"]["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

impl World {
    /// A full copy as `token`: the ids and the watermark.
    async fn full_copy(&self, token: Option<&str>) -> (BTreeSet<String>, String) {
        let data = self.app.ok(token, LISTS, json!({ "first": 100 })).await;
        let synced_at = data["sync"]["syncedAt"].as_str().unwrap().to_owned();
        (ids_of(&data), synced_at)
    }

    /// A delta since `since` as `token`: what changed and what to remove.
    async fn delta(&self, token: Option<&str>, since: &str) -> Copy {
        let data = self
            .app
            .ok(token, LISTS, json!({ "since": since, "first": 100 }))
            .await;
        assert_eq!(data["sync"]["resyncRequired"], json!(false), "{data:#}");
        let removed = self.app.ok(token, REMOVED, json!({ "since": since })).await;
        Copy {
            ids: ids_of(&data),
            removed: removed["sync"]["removed"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|edge| edge["node"]["id"].as_str().unwrap().to_owned())
                .collect(),
        }
    }

    /// A published practice by Ashby's headteacher; its global id.
    async fn practice(&self, title: &str, visibility: &str) -> String {
        let mut audience = json!({ "visibility": visibility });
        if matches!(visibility, "ALLIANCE" | "PUBLIC") {
            audience["allianceId"] = json!(gid("Alliance", self.alliance));
        }
        let payload = mutate_ok(
            &self.app,
            &self.head,
            "createPractice",
            "practice { id }",
            json!({
                "schoolId": gid("School", self.ashby),
                "kind": "CASE_STUDY",
                "title": title,
                "summary": "A short account of what we did in class.",
                "bodyMarkdown": "We planned it together and tried it for a term.",
                "audience": audience,
            }),
        )
        .await;
        let id = payload["practice"]["id"].as_str().unwrap().to_owned();
        mutate_ok(
            &self.app,
            &self.head,
            "publishPractice",
            "practice { status }",
            json!({ "practiceId": id }),
        )
        .await;
        id
    }

    async fn take_down(&self, reporter: &str, practice: &str) {
        mutate_ok(
            &self.app,
            reporter,
            "reportPractice",
            "practice { id }",
            json!({ "practiceId": practice, "reason": "It names a pupil." }),
        )
        .await;
    }

    /// A community of the alliance, seen by all its staff; its global id.
    async fn community(&self, name: &str) -> String {
        let payload = mutate_ok(
            &self.app,
            &self.lead,
            "createCommunity",
            "community { id }",
            json!({
                "allianceId": gid("Alliance", self.alliance),
                "name": name,
                "kind": "COLLABORATION_NETWORK",
            }),
        )
        .await;
        payload["community"]["id"].as_str().unwrap().to_owned()
    }

    async fn update_community(&self, id: &str, change: Value) {
        let version = self
            .app
            .ok(
                Some(&self.lead),
                "query($id: ID!) { node(id: $id) { ... on Community { version } } }",
                json!({ "id": id }),
            )
            .await["node"]["version"]
            .clone();
        let mut input = json!({ "communityId": id, "expectedVersion": version });
        input
            .as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        mutate_ok(
            &self.app,
            &self.lead,
            "updateCommunity",
            "community { id }",
            input,
        )
        .await;
    }

    async fn end_staff_role(&self, token: &str, role: i32) {
        mutate_ok(
            &self.app,
            token,
            "endStaffRole",
            "staffRole { id }",
            json!({ "staffRoleId": gid("StaffRole", role) }),
        )
        .await;
    }
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

#[tokio::test]
async fn a_delta_carries_exactly_the_changes_and_the_tombstones_the_viewer_may_see() {
    let w = world().await;
    let open = w.practice("Retrieval practice", "ALLIANCE").await;
    let reported = w.practice("Phonics groups", "ALLIANCE").await;
    let renamed = w.community("Maths mastery").await;
    let closed = w.community("Early reading").await;
    let hidden = w.community("Leaders' circle").await;
    let amy = gid("Person", w.amy);

    let (copy, since) = w.full_copy(Some(&w.ben)).await;
    for id in [&open, &reported, &renamed, &closed, &hidden, &amy] {
        assert!(copy.contains(id), "ben's copy holds {id}");
    }

    // Nothing changed yet: an empty delta.
    assert_eq!(w.delta(Some(&w.ben), &since).await, Copy::default());

    w.update_community(&renamed, json!({ "name": "Maths mastery (KS2)" }))
        .await;
    mutate_ok(
        &w.app,
        &w.lead,
        "closeCommunity",
        "community { status }",
        json!({ "communityId": closed }),
    )
    .await;
    w.update_community(&hidden, json!({ "visibility": "MEMBERS_ONLY" }))
        .await;
    w.take_down(&w.col, &reported).await;
    w.end_staff_role(&w.head, w.amy_role).await;

    let delta = w.delta(Some(&w.ben), &since).await;
    assert_eq!(delta.ids, set(&[&renamed, &closed]), "changed, still seen");
    assert_eq!(delta.removed, set(&[&hidden, &reported, &amy]), "to remove");

    // The next delta, from this one's watermark, is empty again.
    let next = w
        .app
        .ok(Some(&w.ben), LISTS, json!({ "since": since }))
        .await;
    let watermark = next["sync"]["syncedAt"].as_str().unwrap().to_owned();
    assert_eq!(w.delta(Some(&w.ben), &watermark).await, Copy::default());

    // A tombstone names the object by its global id and kind.
    let removed = w
        .app
        .ok(Some(&w.ben), REMOVED, json!({ "since": since }))
        .await;
    let kinds: BTreeSet<&str> = removed["sync"]["removed"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["COMMUNITY", "PERSON", "PRACTICE"]));
}

#[tokio::test]
async fn no_tombstone_reaches_a_viewer_who_never_could_see_the_object() {
    let w = world().await;
    let alliance_wide = w.practice("Phonics groups", "ALLIANCE").await;
    let school_only = w.practice("Our marking policy", "SCHOOL").await;
    let public = w.practice("Questioning", "PUBLIC").await;
    let community = w.community("Leaders' circle").await;

    let (_, ben_since) = w.full_copy(Some(&w.ben)).await;
    let (_, col_since) = w.full_copy(Some(&w.col)).await;
    let (_, cat_since) = w.full_copy(Some(&w.cat)).await;
    let (_, head_since) = w.full_copy(Some(&w.head)).await;
    let anonymous_since = w
        .app
        .ok(
            None,
            "{ sync { syncedAt } practices { edges { node { id } } } }",
            json!({}),
        )
        .await["sync"]["syncedAt"]
        .as_str()
        .unwrap()
        .to_owned();

    for practice in [&alliance_wide, &school_only, &public] {
        w.take_down(&w.col, practice).await;
    }
    w.update_community(&community, json!({ "visibility": "MEMBERS_ONLY" }))
        .await;
    w.end_staff_role(&w.head, w.amy_role).await;
    let amy = gid("Person", w.amy);

    // Col (Ashby) saw all three practices, the community and amy, a colleague.
    let col = w.delta(Some(&w.col), &col_since).await;
    assert_eq!(
        col.removed,
        set(&[&alliance_wide, &school_only, &public, &community, &amy])
    );
    // Ben (Brook) never saw Ashby's school-only practice.
    let ben = w.delta(Some(&w.ben), &ben_since).await;
    assert_eq!(
        ben.removed,
        set(&[&alliance_wide, &public, &community, &amy])
    );
    // Cat (Cedar, outside the alliance) saw only the public practice.
    let cat = w.delta(Some(&w.cat), &cat_since).await;
    assert_eq!(cat.removed, set(&[&public]));
    // Nor does anyone signed out, beyond public practice.
    let anonymous = w
        .app
        .ok(
            None,
            "query($since: DateTime) { sync(updatedSince: $since) { removed { edges { node { id } } } } }",
            json!({ "since": anonymous_since }),
        )
        .await;
    assert_eq!(
        anonymous["sync"]["removed"]["edges"],
        json!([{ "node": { "id": public } }])
    );
    // The head, an approver, still reads what was taken down: no tombstone for it.
    let head = w.delta(Some(&w.head), &head_since).await;
    assert_eq!(head.removed, set(&[&community, &amy]));
}

#[tokio::test]
async fn a_viewer_whose_access_changed_is_told_to_take_a_full_copy_again() {
    let w = world().await;
    // Dan works at Ashby and at Cedar; his role at Cedar ends.
    let dan = w.app.person("dan@ashby.example", false).await;
    w.app.staff(dan, w.ashby, StaffRoleKind::Teacher).await;
    let cedar_role = w.app.staff(dan, w.cedar, StaffRoleKind::Teacher).await;
    let token = w.app.sign_in("dan@ashby.example").await;
    let (_, since) = w.full_copy(Some(&token)).await;

    let cedar_head = w.app.person("head@cedar.example", false).await;
    w.app
        .staff(cedar_head, w.cedar, StaffRoleKind::Headteacher)
        .await;
    let cedar_head = w.app.sign_in("head@cedar.example").await;
    w.end_staff_role(&cedar_head, cedar_role).await;

    let body = w
        .app
        .gql(Some(&token), "query($since: DateTime) { sync(updatedSince: $since) { resyncRequired resyncReason } }", json!({ "since": since }))
        .await;
    assert_eq!(
        body["data"]["sync"],
        json!({ "resyncRequired": true, "resyncReason": "ACCESS_CHANGED" })
    );
    // A list or the tombstones asked from that time refuse rather than guess.
    for query in [
        "query($since: DateTime) { people(updatedSince: $since) { edges { node { id } } } }",
        "query($since: DateTime) { practices(updatedSince: $since) { edges { node { id } } } }",
        REMOVED,
    ] {
        let body = w
            .app
            .gql(Some(&token), query, json!({ "since": since }))
            .await;
        assert_eq!(error_code(&body), Some("RESYNC_REQUIRED"), "{body:#}");
    }
    // Schools are seen whole by everyone: their delta still answers.
    w.app
        .ok(
            Some(&token),
            "query($since: DateTime) { schools(updatedSince: $since) { edges { node { id } } } }",
            json!({ "since": since }),
        )
        .await;

    // After a new full copy, deltas answer again.
    let (_, since) = w.full_copy(Some(&token)).await;
    assert_eq!(w.delta(Some(&token), &since).await, Copy::default());
}

#[tokio::test]
async fn a_delta_pages_in_the_order_of_change_and_an_item_changed_while_paging_comes_again() {
    let w = world().await;
    let a = w.community("Alpha").await;
    let b = w.community("Beta").await;
    let c = w.community("Gamma").await;
    let (_, since) = w.full_copy(Some(&w.ben)).await;
    // Changed in the order c, a, b.
    for id in [&c, &a, &b] {
        w.update_community(id, json!({ "purpose": "Changed." }))
            .await;
    }
    const PAGE: &str = "query($since: DateTime, $first: Int, $after: String, $last: Int, $before: String) {
      communities(updatedSince: $since, first: $first, after: $after, last: $last, before: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
        edges { node { id } } } }";
    let page = |vars: Value| {
        let app = &w.app;
        let ben = w.ben.clone();
        async move { app.ok(Some(&ben), PAGE, vars).await["communities"].clone() }
    };
    let first = page(json!({ "since": since, "first": 1 })).await;
    assert_eq!(first["totalCount"], json!(3));
    assert_eq!(first["edges"], json!([{ "node": { "id": c } }]));
    assert_eq!(first["pageInfo"]["hasNextPage"], json!(true));

    // `a` changes again while the client pages: it moves behind the cursor.
    w.update_community(&a, json!({ "purpose": "Changed twice." }))
        .await;
    let mut seen = vec![c.clone()];
    let mut after = first["pageInfo"]["endCursor"].clone();
    loop {
        let next = page(json!({ "since": since, "first": 1, "after": after })).await;
        for edge in next["edges"].as_array().unwrap() {
            seen.push(edge["node"]["id"].as_str().unwrap().to_owned());
        }
        if next["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = next["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, [c.clone(), b.clone(), a.clone()]);

    // Backward: the last two, in list order.
    let last = page(json!({ "since": since, "last": 2 })).await;
    assert_eq!(
        last["edges"],
        json!([{ "node": { "id": b } }, { "node": { "id": a } }])
    );
    assert_eq!(last["pageInfo"]["hasPreviousPage"], json!(true));
    let before =
        page(json!({ "since": since, "last": 5, "before": last["pageInfo"]["startCursor"] })).await;
    assert_eq!(before["edges"], json!([{ "node": { "id": c } }]));

    // A cursor of the alphabetical list is not a delta's.
    let by_name = w
        .app
        .ok(
            Some(&w.ben),
            "{ communities(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let body = w
        .app
        .gql(
            Some(&w.ben),
            PAGE,
            json!({ "since": since, "after": by_name["communities"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
}

#[tokio::test]
async fn update_since_in_the_future_malformed_too_old_or_with_an_order_is_refused_clearly() {
    let w = world().await;
    w.full_copy(Some(&w.ben)).await;
    let query =
        "query($since: DateTime) { people(updatedSince: $since) { edges { node { id } } } }";
    let future = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let body = w
        .app
        .gql(Some(&w.ben), query, json!({ "since": future }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("future"),
        "{body:#}"
    );

    let body = w
        .app
        .gql(Some(&w.ben), query, json!({ "since": "yesterday" }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");
    assert!(body["data"].is_null(), "{body:#}");

    let old = (Utc::now() - Duration::days(91)).to_rfc3339();
    let body = w
        .app
        .gql(Some(&w.ben), query, json!({ "since": old }))
        .await;
    assert_eq!(error_code(&body), Some("RESYNC_REQUIRED"), "{body:#}");
    let body = w
        .app
        .ok(
            Some(&w.ben),
            "query($since: DateTime) { sync(updatedSince: $since) { resyncRequired resyncReason } }",
            json!({ "since": old }),
        )
        .await;
    assert_eq!(
        body["sync"],
        json!({ "resyncRequired": true, "resyncReason": "TOO_OLD" })
    );

    let body = w
        .app
        .gql(
            Some(&w.ben),
            "query($since: DateTime) { schools(updatedSince: $since, orderBy: {field: NAME}) { edges { node { id } } } }",
            json!({ "since": Utc::now().to_rfc3339() }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body:#}");

    // A full copy has nothing to remove: the same document serves both.
    let body = w
        .app
        .ok(
            Some(&w.ben),
            "{ sync { removed { edges { node { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["sync"]["removed"]["edges"], json!([]));
}

#[tokio::test]
async fn a_practice_restored_after_a_report_comes_back_as_a_change_not_a_removal() {
    let w = world().await;
    let practice = w.practice("Phonics groups", "ALLIANCE").await;
    let (_, since) = w.full_copy(Some(&w.ben)).await;
    w.take_down(&w.ben, &practice).await;
    let taken_down = w.delta(Some(&w.ben), &since).await;
    assert_eq!(taken_down.removed, set(&[&practice]));

    mutate_ok(
        &w.app,
        &w.head,
        "restorePractice",
        "practice { id }",
        json!({ "practiceId": practice }),
    )
    .await;
    // Seen again: a change to apply, and no longer anything to remove.
    let restored = w.delta(Some(&w.ben), &since).await;
    assert_eq!(restored.ids, set(&[&practice]));
    assert_eq!(restored.removed, BTreeSet::new());
}

#[tokio::test]
async fn a_warehouse_service_account_gets_tombstones_only_of_what_its_scopes_read() {
    let w = world().await;
    let practice = w.practice("Phonics groups", "ALLIANCE").await;
    let tenant = Tenant::Alliance(w.alliance);
    let (_, people_reader) = w
        .app
        .service_account_with_token(&w.lead, tenant, &["PEOPLE_READ"])
        .await;
    let (_, practice_reader) = w
        .app
        .service_account_with_token(&w.lead, tenant, &["PRACTICE_READ"])
        .await;
    let mut since = Vec::new();
    for token in [&people_reader, &practice_reader] {
        let data = w
            .app
            .ok(Some(token), "{ sync { syncedAt } }", json!({}))
            .await;
        since.push(data["sync"]["syncedAt"].as_str().unwrap().to_owned());
    }

    w.take_down(&w.col, &practice).await;
    w.end_staff_role(&w.head, w.amy_role).await;

    // Each account keeps its own reach: neither's sync unsettles the other's.
    let removed = |token: String, since: String| {
        let app = &w.app;
        async move {
            let data = app
                .ok(Some(&token), REMOVED, json!({ "since": since }))
                .await;
            data["sync"]["removed"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|edge| edge["node"]["id"].as_str().unwrap().to_owned())
                .collect::<BTreeSet<_>>()
        }
    };
    assert_eq!(
        removed(people_reader.clone(), since[0].clone()).await,
        set(&[&gid("Person", w.amy)])
    );
    assert_eq!(
        removed(practice_reader.clone(), since[1].clone()).await,
        set(&[&practice])
    );
}

#[tokio::test]
async fn a_practice_sent_back_to_draft_is_removed_for_its_approvers_only() {
    let w = world().await;
    let (_, head_since) = w.full_copy(Some(&w.head)).await;
    let (_, col_since) = w.full_copy(Some(&w.col)).await;
    let (_, ben_since) = w.full_copy(Some(&w.ben)).await;
    let payload = mutate_ok(
        &w.app,
        &w.col,
        "createPractice",
        "practice { id }",
        json!({
            "schoolId": gid("School", w.ashby),
            "kind": "CASE_STUDY",
            "title": "Shared reading",
            "summary": "A short account of what we did in class.",
            "bodyMarkdown": "We planned it together and tried it for a term.",
            "audience": { "visibility": "ALLIANCE", "allianceId": gid("Alliance", w.alliance) },
        }),
    )
    .await;
    let practice = payload["practice"]["id"].as_str().unwrap().to_owned();
    let step = |field: &'static str, token: String, input: Value| {
        let app = &w.app;
        async move { mutate_ok(app, &token, field, "practice { status }", input).await }
    };
    step(
        "submitPracticeForReview",
        w.col.clone(),
        json!({ "practiceId": practice }),
    )
    .await;
    step(
        "sendPracticeBack",
        w.head.clone(),
        json!({ "practiceId": practice, "comment": "Say what changed for the pupils." }),
    )
    .await;
    // The head read it in review; its author still reads the draft.
    assert_eq!(
        w.delta(Some(&w.head), &head_since).await.removed,
        set(&[&practice])
    );
    assert_eq!(
        w.delta(Some(&w.col), &col_since).await.removed,
        BTreeSet::new()
    );
    // Brook's staff never read it: it was never published.
    assert_eq!(
        w.delta(Some(&w.ben), &ben_since).await.removed,
        BTreeSet::new()
    );
}
