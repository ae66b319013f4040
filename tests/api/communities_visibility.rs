//! Who sees what of communities: a member, a non-member of the same alliance, a person
//! from another alliance and the alliance's CPD lead, for an alliance-wide, a members-only
//! and a coaching community, through `node`, root lists, counts and nested lists, and what
//! each may do.

use crate::common::gid;
use crate::community_world::{Community, community_world};
use crate::world::{error_code, mutate_ok, user_error_codes};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

struct Setup {
    open: Value,
    members_only: Value,
    coaching: Value,
    open_thread: Value,
    open_meeting: Value,
    open_enquiry: Value,
    coaching_threads: [Value; 2],
}

async fn setup(w: &Community) -> Setup {
    let [amy, ben, _] = &w.teachers;
    let open = w
        .create("Open maths", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let members_only = w
        .create("Heads' circle", "COLLABORATION_NETWORK", "MEMBERS_ONLY")
        .await;
    let coaching = w
        .create("Coaching trios", "COACHING_NETWORK", "ALLIANCE")
        .await;
    for community in [&open, &coaching] {
        w.add(community, amy).await;
        w.add(community, ben).await;
    }
    w.add(&members_only, amy).await;
    let open_thread = w.thread(&open, amy, "Open thread").await;
    w.thread(&members_only, amy, "Secret thread").await;
    let coaching_threads = [
        w.thread(&coaching, amy, "Amy's reflection").await,
        w.thread(&coaching, ben, "Ben's reflection").await,
    ];
    let start = Utc::now() + Duration::days(1);
    let meeting = mutate_ok(&w.app, &w.lead.token, "scheduleCommunityMeeting", "meeting { id }",
        json!({ "communityId": open, "title": "Kick-off", "startsAt": start, "endsAt": start + Duration::hours(1) })).await;
    let enquiry = mutate_ok(
        &w.app,
        &amy.token,
        "startEnquiry",
        "enquiry { id }",
        json!({ "communityId": open, "question": "Why?" }),
    )
    .await;
    Setup {
        open,
        members_only,
        coaching,
        open_thread,
        open_meeting: meeting["meeting"]["id"].clone(),
        open_enquiry: enquiry["enquiry"]["id"].clone(),
        coaching_threads,
    }
}

const CONTENT: &str = "query($id: ID!) { node(id: $id) { ... on Community { name
    memberships { totalCount edges { node { person { id } } } }
    threads { totalCount edges { node { title replies { totalCount } } } }
    meetings { totalCount edges { node { title attendance { totalCount } } } }
    enquiries { totalCount edges { node { question evidence { totalCount } } } } } } }";

async fn count_communities(w: &Community, token: &str) -> (i64, Vec<String>) {
    let data = w
        .app
        .ok(
            Some(token),
            "{ communities(first: 50) { totalCount edges { node { name } } } }",
            json!({}),
        )
        .await;
    let names = data["communities"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
        .collect();
    (data["communities"]["totalCount"].as_i64().unwrap(), names)
}

async fn node_code(w: &Community, token: &str, id: &Value) -> Option<String> {
    let body = w
        .app
        .gql(
            Some(token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    error_code(&body).map(str::to_owned)
}

#[tokio::test]
async fn each_caller_sees_what_the_policy_allows_and_nothing_more() {
    let w = community_world().await;
    let s = setup(&w).await;
    let [amy, ben, cat] = &w.teachers;
    let colleague = &w.colleague;
    let outsider = &w.outsider;

    // Root list and its count.
    assert_eq!(
        count_communities(&w, &amy.token).await.0,
        3,
        "a member sees all three"
    );
    assert_eq!(
        count_communities(&w, &w.lead.token).await.0,
        3,
        "the CPD lead sees all"
    );
    let (n, names) = count_communities(&w, &colleague.token).await;
    assert_eq!(
        (n, names),
        (
            2,
            vec!["Coaching trios".to_owned(), "Open maths".to_owned()]
        ),
        "members-only is invisible to non-members"
    );
    assert_eq!(count_communities(&w, &cat.token).await.0, 2);
    assert_eq!(
        count_communities(&w, &outsider.token).await.0,
        0,
        "another alliance sees none"
    );

    // node(): the members-only community and everything of another alliance are NOT_FOUND.
    assert_eq!(
        node_code(&w, &colleague.token, &s.members_only)
            .await
            .as_deref(),
        Some("NOT_FOUND")
    );
    assert_eq!(node_code(&w, &amy.token, &s.members_only).await, None);
    for id in [
        &s.open,
        &s.coaching,
        &s.open_thread,
        &s.open_meeting,
        &s.open_enquiry,
    ] {
        assert_eq!(
            node_code(&w, &outsider.token, id).await.as_deref(),
            Some("NOT_FOUND"),
            "{id}"
        );
    }
    // A non-member sees the community and its members, not what happens inside.
    assert_eq!(node_code(&w, &colleague.token, &s.open).await, None);
    for id in [&s.open_thread, &s.open_meeting, &s.open_enquiry] {
        assert_eq!(
            node_code(&w, &colleague.token, id).await.as_deref(),
            Some("NOT_FOUND"),
            "{id}"
        );
    }
    let outside = w
        .app
        .ok(Some(&colleague.token), CONTENT, json!({ "id": s.open }))
        .await;
    assert_eq!(outside["node"]["memberships"]["totalCount"], 3);
    assert_eq!(outside["node"]["threads"]["totalCount"], 0);
    assert_eq!(outside["node"]["meetings"]["totalCount"], 0);
    assert_eq!(outside["node"]["enquiries"]["totalCount"], 0);
    let inside = w
        .app
        .ok(Some(&ben.token), CONTENT, json!({ "id": s.open }))
        .await;
    assert_eq!(inside["node"]["threads"]["totalCount"], 1);
    assert_eq!(inside["node"]["meetings"]["totalCount"], 1);
    assert_eq!(inside["node"]["enquiries"]["totalCount"], 1);
    let lead = w
        .app
        .ok(Some(&w.lead.token), CONTENT, json!({ "id": s.open }))
        .await;
    assert_eq!(
        lead["node"]["threads"]["totalCount"], 1,
        "the CPD lead reads inside"
    );

    // Root lists of content.
    for (token, enquiries, upcoming) in [
        (&amy.token, 1, 1),
        (&colleague.token, 0, 0),
        (&outsider.token, 0, 0),
    ] {
        let data = w
            .app
            .ok(
                Some(token),
                "{ enquiries { totalCount } upcomingMeetings { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(data["enquiries"]["totalCount"], enquiries);
        assert_eq!(data["upcomingMeetings"]["totalCount"], upcoming);
    }

    // Coaching: a member sees only their own contributions; facilitators see all.
    for (viewer, expected) in [
        (amy, vec!["Amy's reflection"]),
        (ben, vec!["Ben's reflection"]),
    ] {
        let data = w
            .app
            .ok(Some(&viewer.token), CONTENT, json!({ "id": s.coaching }))
            .await;
        let titles: Vec<&str> = data["node"]["threads"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, expected);
        assert_eq!(data["node"]["threads"]["totalCount"], 1);
    }
    assert_eq!(
        node_code(&w, &ben.token, &s.coaching_threads[0])
            .await
            .as_deref(),
        Some("NOT_FOUND")
    );
    let lead = w
        .app
        .ok(Some(&w.lead.token), CONTENT, json!({ "id": s.coaching }))
        .await;
    assert_eq!(lead["node"]["threads"]["totalCount"], 2);

    // nodes(): invisible ids answer null, in place.
    let many = w
        .app
        .ok(
            Some(&colleague.token),
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [s.open, s.members_only, s.open_thread] }),
        )
        .await;
    assert_eq!(many["nodes"][0]["id"], s.open);
    assert_eq!(many["nodes"][1], Value::Null);
    assert_eq!(many["nodes"][2], Value::Null);

    // Writes: a non-member who sees the community is FORBIDDEN; one who cannot see it gets
    // NOT_FOUND, as for a community that does not exist.
    let post = json!({ "communityId": s.open, "title": "Hi", "bodyMarkdown": "Hello" });
    let refused = w
        .try_mutate(
            &colleague.token,
            "startDiscussionThread",
            "thread { id }",
            post.clone(),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    let refused = w
        .try_mutate(
            &outsider.token,
            "startDiscussionThread",
            "thread { id }",
            post,
        )
        .await;
    assert_eq!(
        user_error_codes(&refused["data"]["startDiscussionThread"]),
        ["NOT_FOUND"]
    );
    let schedule = json!({ "communityId": s.open, "title": "Mine", "startsAt": Utc::now(), "endsAt": Utc::now() + Duration::hours(1) });
    let refused = w
        .try_mutate(
            &amy.token,
            "scheduleCommunityMeeting",
            "meeting { id }",
            schedule,
        )
        .await;
    assert_eq!(
        error_code(&refused),
        Some("FORBIDDEN"),
        "members do not schedule; facilitators do"
    );
    let join = w
        .try_mutate(
            &colleague.token,
            "requestToJoinCommunity",
            "membership { id }",
            json!({ "communityId": s.members_only }),
        )
        .await;
    assert_eq!(
        user_error_codes(&join["data"]["requestToJoinCommunity"]),
        ["NOT_FOUND"]
    );
    let join = w
        .try_mutate(
            &outsider.token,
            "requestToJoinCommunity",
            "membership { id }",
            json!({ "communityId": s.open }),
        )
        .await;
    assert_eq!(
        user_error_codes(&join["data"]["requestToJoinCommunity"]),
        ["NOT_FOUND"]
    );
    let invite = w
        .try_mutate(
            &amy.token,
            "inviteToCommunity",
            "membership { id }",
            json!({ "communityId": s.open, "personId": colleague.gid() }),
        )
        .await;
    assert_eq!(error_code(&invite), Some("FORBIDDEN"));
    let create = w.try_mutate(&amy.token, "createCommunity", "community { id }",
        json!({ "allianceId": gid("Alliance", w.alliance), "name": "Mine", "kind": "COLLABORATION_NETWORK" })).await;
    assert_eq!(error_code(&create), Some("FORBIDDEN"));
    let create = w.try_mutate(&outsider.token, "createCommunity", "community { id }",
        json!({ "allianceId": gid("Alliance", w.alliance), "name": "Mine", "kind": "COLLABORATION_NETWORK" })).await;
    assert_eq!(
        user_error_codes(&create["data"]["createCommunity"]),
        ["NOT_FOUND"]
    );
    let consent = w
        .try_mutate(
            &amy.token,
            "setSchoolSharingConsent",
            "consent { consents }",
            json!({ "schoolId": gid("School", w.schools[0]), "consents": false }),
        )
        .await;
    assert_eq!(
        error_code(&consent),
        Some("FORBIDDEN"),
        "teachers do not decide consent"
    );
    let report = w
        .app
        .gql(
            Some(&outsider.token),
            "query($a: ID!) { allianceCommunityReport(allianceId: $a) { meetingsHeld } }",
            json!({ "a": gid("Alliance", w.alliance) }),
        )
        .await;
    assert_eq!(error_code(&report), Some("NOT_FOUND"));

    // A pending request is seen by its asker and the facilitators, not by other members.
    let asked = mutate_ok(
        &w.app,
        &colleague.token,
        "requestToJoinCommunity",
        "membership { id }",
        json!({ "communityId": s.open }),
    )
    .await;
    let request = asked["membership"]["id"].clone();
    assert_eq!(node_code(&w, &colleague.token, &request).await, None);
    assert_eq!(node_code(&w, &w.lead.token, &request).await, None);
    assert_eq!(
        node_code(&w, &ben.token, &request).await.as_deref(),
        Some("NOT_FOUND")
    );
    let pending = w.app.ok(Some(&ben.token), "query($id: ID!) { node(id: $id) { ... on Community { memberships(filter: { statuses: [REQUESTED] }) { totalCount } } } }",
        json!({ "id": s.open })).await;
    assert_eq!(pending["node"]["memberships"]["totalCount"], 0);
    let pending = w.app.ok(Some(&w.lead.token), "query($id: ID!) { node(id: $id) { ... on Community { memberships(filter: { statuses: [REQUESTED] }) { totalCount } } } }",
        json!({ "id": s.open })).await;
    assert_eq!(pending["node"]["memberships"]["totalCount"], 1);
}

/// A personal enquiry is read by its owner and the alliance's CPD lead only; enquiries list
/// by person, theme, community and stage, each within what the caller may read.
#[tokio::test]
async fn enquiries_list_by_person_theme_and_stage_within_what_the_caller_reads() {
    let w = community_world().await;
    let [amy, ben, _] = &w.teachers;
    let community = w
        .create("Phonics", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    w.add(&community, amy).await;
    w.add(&community, ben).await;
    let personal = mutate_ok(&w.app, &amy.token, "startEnquiry", "enquiry { id community { id } }",
        json!({ "allianceId": gid("Alliance", w.alliance), "question": "Does my feedback land?", "themeIds": [w.theme] })).await;
    assert_eq!(personal["enquiry"]["community"], Value::Null);
    let personal = personal["enquiry"]["id"].clone();
    mutate_ok(
        &w.app,
        &ben.token,
        "startEnquiry",
        "enquiry { id }",
        json!({ "communityId": community, "question": "Which phonics scheme?" }),
    )
    .await;
    // Someone from another alliance cannot start one there.
    let outside = w
        .payload(
            &w.outsider.token,
            "startEnquiry",
            "enquiry { id }",
            json!({ "allianceId": gid("Alliance", w.alliance), "question": "?" }),
        )
        .await;
    assert_eq!(user_error_codes(&outside), ["NOT_FOUND"]);

    let count = |token: String, filter: Value| {
        let app = &w.app;
        async move {
            app.ok(
                Some(&token),
                "query($f: EnquiryFilter) { enquiries(filter: $f) { totalCount } }",
                json!({ "f": filter }),
            )
            .await["enquiries"]["totalCount"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(count(amy.token.clone(), json!({})).await, 2);
    assert_eq!(
        count(ben.token.clone(), json!({})).await,
        1,
        "not Amy's personal enquiry"
    );
    assert_eq!(count(w.lead.token.clone(), json!({})).await, 2);
    assert_eq!(count(w.colleague.token.clone(), json!({})).await, 0);
    assert_eq!(
        count(amy.token.clone(), json!({ "ownerId": amy.gid() })).await,
        1
    );
    assert_eq!(
        count(amy.token.clone(), json!({ "themeId": w.theme })).await,
        1
    );
    assert_eq!(
        count(amy.token.clone(), json!({ "communityId": community })).await,
        1
    );
    assert_eq!(
        count(amy.token.clone(), json!({ "stages": ["QUESTION"] })).await,
        2
    );
    assert_eq!(
        count(amy.token.clone(), json!({ "stages": ["SHARING"] })).await,
        0
    );
    assert_eq!(
        node_code(&w, &ben.token, &personal).await.as_deref(),
        Some("NOT_FOUND")
    );
    assert_eq!(node_code(&w, &w.lead.token, &personal).await, None);
    // Evidence on a personal enquiry is its owner's to add.
    let refused = w
        .try_mutate(
            &w.lead.token,
            "addEnquiryEvidence",
            "evidence { id }",
            json!({ "enquiryId": personal, "note": "From the lead" }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    mutate_ok(
        &w.app,
        &amy.token,
        "addEnquiryEvidence",
        "evidence { id }",
        json!({ "enquiryId": personal, "note": "Marked books, week 1" }),
    )
    .await;
}
