//! The life of a professional learning community, told through the API: a CPD lead starts
//! it, staff from three schools join by request and by invitation, a meeting is held with
//! notes and attendance, a discussion runs, an enquiry moves from question to sharing, and
//! a school withdraws consent to share (its posts vanish from the other schools' view) and
//! restores it (they come back). Finally a school leaves the alliance.

use crate::common::gid;
use crate::community_world::community_world;
use crate::world::{error_code, mutate_ok, user_error_codes};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

const THREADS: &str = "query($id: ID!) { node(id: $id) { ... on Community {
    threads(first: 10) { totalCount edges { node { id title bodyMarkdown isDeleted pinned hiddenReason
        author { displayName } authorSchool { name }
        replies(first: 10) { totalCount edges { node { id bodyMarkdown isDeleted hiddenReason authorSchool { name } } } } } } } } } }";

fn titles(data: &Value) -> Vec<String> {
    data["node"]["threads"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn a_community_from_first_request_to_shared_findings() {
    let w = community_world().await;
    let app = &w.app;
    let [amy, ben, cat] = &w.teachers;

    // The CPD lead starts a community; it is forming, and she is its facilitator.
    let created = mutate_ok(
        app,
        &w.lead.token,
        "createCommunity",
        "community { id name kind visibility status phases themes { name } viewerCanFacilitate
            viewerMembership { role status } memberships { totalCount } }",
        json!({ "allianceId": gid("Alliance", w.alliance), "name": "Questioning in KS2 maths",
                "purpose": "How do better questions deepen reasoning?",
                "kind": "COLLABORATION_NETWORK", "themeIds": [w.theme], "phases": ["PRIMARY"] }),
    )
    .await;
    let community = created["community"].clone();
    let id = community["id"].clone();
    assert_eq!(community["status"], "FORMING");
    assert_eq!(community["visibility"], "ALLIANCE");
    assert_eq!(community["viewerMembership"]["role"], "FACILITATOR");
    assert_eq!(community["memberships"]["totalCount"], 1);
    assert_eq!(community["themes"].as_array().unwrap().len(), 1);
    mutate_ok(
        app,
        &w.lead.token,
        "activateCommunity",
        "community { status }",
        json!({ "communityId": id }),
    )
    .await;

    // Amy (Ashby) asks to join; the lead approves.
    let asked = mutate_ok(
        app,
        &amy.token,
        "requestToJoinCommunity",
        "membership { id status school { name } }",
        json!({ "communityId": id }),
    )
    .await;
    assert_eq!(asked["membership"]["status"], "REQUESTED");
    assert_eq!(asked["membership"]["school"]["name"], "Ashby Primary");
    let amy_membership = asked["membership"]["id"].clone();
    let approved = mutate_ok(
        app,
        &w.lead.token,
        "approveCommunityMembership",
        "membership { status joinedAt }",
        json!({ "membershipId": amy_membership }),
    )
    .await;
    assert_eq!(approved["membership"]["status"], "ACTIVE");

    // Ben (Brook) asks; declined with a reason, he asks again and is approved.
    let asked = mutate_ok(
        app,
        &ben.token,
        "requestToJoinCommunity",
        "membership { id }",
        json!({ "communityId": id }),
    )
    .await;
    let ben_membership = asked["membership"]["id"].clone();
    let declined = mutate_ok(
        app,
        &w.lead.token,
        "declineCommunityMembership",
        "membership { status reason }",
        json!({ "membershipId": ben_membership, "reason": "Full until January" }),
    )
    .await;
    assert_eq!(
        declined["membership"],
        json!({ "status": "DECLINED", "reason": "Full until January" })
    );
    let again = mutate_ok(
        app,
        &ben.token,
        "requestToJoinCommunity",
        "membership { id status }",
        json!({ "communityId": id }),
    )
    .await;
    assert_eq!(
        again["membership"]["id"], ben_membership,
        "one row per person, reused"
    );
    mutate_ok(
        app,
        &w.lead.token,
        "approveCommunityMembership",
        "membership { status }",
        json!({ "membershipId": ben_membership }),
    )
    .await;

    // Cat (Cedar) is invited and accepts.
    let invited = mutate_ok(
        app,
        &w.lead.token,
        "inviteToCommunity",
        "membership { id status invitedBy { displayName } }",
        json!({ "communityId": id, "personId": cat.gid() }),
    )
    .await;
    assert_eq!(invited["membership"]["status"], "INVITED");
    let cat_membership = invited["membership"]["id"].clone();
    mutate_ok(
        app,
        &cat.token,
        "acceptCommunityInvitation",
        "membership { status }",
        json!({ "membershipId": cat_membership }),
    )
    .await;

    // Amy becomes a facilitator too.
    let promoted = mutate_ok(
        app,
        &w.lead.token,
        "makeCommunityFacilitator",
        "membership { role }",
        json!({ "membershipId": amy_membership }),
    )
    .await;
    assert_eq!(promoted["membership"]["role"], "FACILITATOR");

    let members = app.ok(Some(&ben.token), "query($id: ID!) { node(id: $id) { ... on Community {
        memberships(first: 10) { totalCount edges { node { role person { displayName } school { name } } } } } } }",
        json!({ "id": id })).await;
    assert_eq!(members["node"]["memberships"]["totalCount"], 4);

    // Amy schedules a meeting that has just happened and one next week.
    let now = Utc::now();
    let held = mutate_ok(
        app,
        &amy.token,
        "scheduleCommunityMeeting",
        "meeting { id title status version }",
        json!({ "communityId": id, "title": "First session", "startsAt": now - Duration::hours(2),
                "endsAt": now - Duration::hours(1), "place": "Ashby library",
                "agendaMarkdown": "1. Hinge questions\n2. Wait time" }),
    )
    .await;
    let held_id = held["meeting"]["id"].clone();
    let next = mutate_ok(app, &amy.token, "scheduleCommunityMeeting", "meeting { id version }",
        json!({ "communityId": id, "title": "Second session", "startsAt": now + Duration::days(7),
                "endsAt": now + Duration::days(7) + Duration::hours(1), "onlineUrl": "https://meet.example/ks2" })).await;
    let next_id = next["meeting"]["id"].clone();
    // She moves the next one by an hour; members see the change.
    mutate_ok(
        app,
        &amy.token,
        "updateCommunityMeeting",
        "meeting { version }",
        json!({ "meetingId": next_id, "expectedVersion": 1, "title": "Second session (moved)",
                "startsAt": now + Duration::days(7) + Duration::hours(1),
                "endsAt": now + Duration::days(7) + Duration::hours(2) }),
    )
    .await;
    let upcoming = app.ok(Some(&cat.token), "{ upcomingMeetings(first: 5) { totalCount edges { node { title onlineUrl community { name } } } } }", json!({})).await;
    assert_eq!(upcoming["upcomingMeetings"]["totalCount"], 1);
    assert_eq!(
        upcoming["upcomingMeetings"]["edges"][0]["node"]["title"],
        "Second session (moved)"
    );

    // Notes and attendance of the first.
    mutate_ok(
        app,
        &amy.token,
        "recordCommunityMeeting",
        "meeting { notesMarkdown }",
        json!({ "meetingId": held_id, "notesMarkdown": "We tried *no hands up*.",
                "attendeeIds": [amy.gid(), ben.gid(), cat.gid()] }),
    )
    .await;
    let past = app.ok(Some(&ben.token), "query($id: ID!) { node(id: $id) { ... on Community {
        past: meetings(filter: { when: PAST }) { edges { node { title notesMarkdown attendance { totalCount edges { node { person { displayName } } } } } } }
        upcoming: meetings { edges { node { title } } } } } }", json!({ "id": id })).await;
    let past_meeting = &past["node"]["past"]["edges"][0]["node"];
    assert_eq!(past_meeting["notesMarkdown"], "We tried *no hands up*.");
    assert_eq!(past_meeting["attendance"]["totalCount"], 3);
    assert_eq!(
        past["node"]["upcoming"]["edges"].as_array().unwrap().len(),
        1
    );

    // A discussion: Ben starts a thread, Amy and Cat reply.
    let ben_thread = w.thread(&id, ben, "Wait time in Year 5").await;
    let amy_thread = w.thread(&id, amy, "Hinge questions").await;
    let reply = |token: &str, body: &str| {
        let thread = ben_thread.clone();
        let token = token.to_owned();
        let body = body.to_owned();
        async move {
            mutate_ok(
                app,
                &token,
                "replyToDiscussionThread",
                "reply { id version }",
                json!({ "threadId": thread, "bodyMarkdown": body }),
            )
            .await["reply"]["id"]
                .clone()
        }
    };
    let amy_reply = reply(&amy.token, "Counting to five works for us").await;
    let cat_reply = reply(&cat.token, "We use think-pair-share").await;
    // Ben's thread has the newest activity, so it lists first.
    let listed = app.ok(Some(&cat.token), THREADS, json!({ "id": id })).await;
    assert_eq!(titles(&listed), ["Wait time in Year 5", "Hinge questions"]);
    assert_eq!(
        listed["node"]["threads"]["edges"][0]["node"]["replies"]["totalCount"],
        2
    );

    // Ben edits his thread; a stale edit is a conflict; Cat cannot edit it.
    let edited = mutate_ok(app, &ben.token, "updateDiscussionThread", "thread { bodyMarkdown version }",
        json!({ "threadId": ben_thread, "expectedVersion": 1, "bodyMarkdown": "Wait time in Year 5 and 6" })).await;
    assert_eq!(edited["thread"]["version"], 2);
    let stale = w
        .payload(
            &ben.token,
            "updateDiscussionThread",
            "thread { id }",
            json!({ "threadId": ben_thread, "expectedVersion": 1, "bodyMarkdown": "lost" }),
        )
        .await;
    assert_eq!(user_error_codes(&stale), ["CONFLICT"]);
    let foreign = w
        .try_mutate(
            &cat.token,
            "updateDiscussionThread",
            "thread { id }",
            json!({ "threadId": ben_thread, "expectedVersion": 2, "bodyMarkdown": "mine now" }),
        )
        .await;
    assert_eq!(error_code(&foreign), Some("FORBIDDEN"));

    // Cat deletes her reply (a placeholder stays); Amy pins her own thread; the CPD lead
    // hides Amy's reply, with a reason.
    mutate_ok(
        app,
        &cat.token,
        "deleteDiscussionReply",
        "reply { isDeleted }",
        json!({ "replyId": cat_reply }),
    )
    .await;
    mutate_ok(
        app,
        &amy.token,
        "pinDiscussionThread",
        "thread { pinned }",
        json!({ "threadId": amy_thread }),
    )
    .await;
    let hidden = mutate_ok(
        app,
        &w.lead.token,
        "hideDiscussionReply",
        "reply { hiddenReason }",
        json!({ "replyId": amy_reply, "reason": "Names a pupil" }),
    )
    .await;
    assert_eq!(hidden["reply"]["hiddenReason"], "Names a pupil");
    let listed = app.ok(Some(&ben.token), THREADS, json!({ "id": id })).await;
    assert_eq!(
        titles(&listed),
        ["Hinge questions", "Wait time in Year 5"],
        "pinned first"
    );
    let replies = &listed["node"]["threads"]["edges"][1]["node"]["replies"]["edges"];
    assert_eq!(
        replies[0]["node"]["bodyMarkdown"],
        Value::Null,
        "hidden from members"
    );
    assert_eq!(replies[0]["node"]["hiddenReason"], "Names a pupil");
    assert_eq!(replies[1]["node"]["isDeleted"], true);
    assert_eq!(replies[1]["node"]["bodyMarkdown"], Value::Null);

    // An enquiry from question to sharing.
    let started = mutate_ok(
        app,
        &amy.token,
        "startEnquiry",
        "enquiry { id stage }",
        json!({ "communityId": id, "question": "Does wait time deepen reasoning?",
                "rationale": "Answers are short", "baseline": "Most answers are one word",
                "plannedActions": "Five seconds wait, every lesson", "themeIds": [w.theme] }),
    )
    .await;
    let enquiry = started["enquiry"]["id"].clone();
    assert_eq!(started["enquiry"]["stage"], "QUESTION");
    for stage in ["PLANNING", "ACTING"] {
        mutate_ok(
            app,
            &amy.token,
            "moveEnquiryStage",
            "enquiry { stage }",
            json!({ "enquiryId": enquiry, "stage": stage }),
        )
        .await;
    }
    // A jump is refused.
    let jump = w
        .payload(
            &amy.token,
            "moveEnquiryStage",
            "enquiry { stage }",
            json!({ "enquiryId": enquiry, "stage": "SHARING" }),
        )
        .await;
    assert_eq!(user_error_codes(&jump), ["INVALID"]);
    for (who, note) in [
        (ben, "Year 5 answers doubled in length"),
        (cat, "Year 6 more hands up"),
    ] {
        mutate_ok(app, &who.token, "addEnquiryEvidence", "evidence { id }",
            json!({ "enquiryId": enquiry, "note": note, "link": "https://evidence.example/1", "observedOn": "2026-11-20" })).await;
    }
    mutate_ok(
        app,
        &amy.token,
        "moveEnquiryStage",
        "enquiry { stage }",
        json!({ "enquiryId": enquiry, "stage": "EVIDENCE" }),
    )
    .await;
    mutate_ok(
        app,
        &amy.token,
        "updateEnquiry",
        "enquiry { version }",
        json!({ "enquiryId": enquiry, "expectedVersion": 4, "findings": "Wait time helps in KS2" }),
    )
    .await;
    mutate_ok(
        app,
        &amy.token,
        "moveEnquiryStage",
        "enquiry { stage }",
        json!({ "enquiryId": enquiry, "stage": "SHARING" }),
    )
    .await;
    let read = app
        .ok(
            Some(&cat.token),
            "query($id: ID!) { node(id: $id) { ... on Enquiry { stage findings
        evidence { totalCount edges { node { note authorSchool { name } } } }
        stageHistory { fromStage toStage changedBy { displayName } changedAt } } } }",
            json!({ "id": enquiry }),
        )
        .await;
    assert_eq!(read["node"]["stage"], "SHARING");
    assert_eq!(read["node"]["findings"], "Wait time helps in KS2");
    assert_eq!(read["node"]["evidence"]["totalCount"], 2);
    let history: Vec<&str> = read["node"]["stageHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["toStage"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["PLANNING", "ACTING", "EVIDENCE", "SHARING"]);
    let by_stage = app
        .ok(
            Some(&cat.token),
            "{ enquiries(filter: { stages: [SHARING] }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(by_stage["enquiries"]["totalCount"], 1);

    // Brook withdraws consent: Ben's thread and evidence vanish from Ashby's and Cedar's
    // view, at once and in every query; Ben still sees his own.
    let withdrawn = mutate_ok(
        app,
        &w.heads[1].token,
        "setSchoolSharingConsent",
        "consent { consents school { name } }",
        json!({ "schoolId": gid("School", w.schools[1]), "consents": false }),
    )
    .await;
    assert_eq!(withdrawn["consent"]["consents"], false);
    for viewer in [amy, cat] {
        let listed = app
            .ok(Some(&viewer.token), THREADS, json!({ "id": id }))
            .await;
        assert_eq!(titles(&listed), ["Hinge questions"]);
        assert_eq!(listed["node"]["threads"]["totalCount"], 1);
        let node = app
            .gql(
                Some(&viewer.token),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": ben_thread }),
            )
            .await;
        assert_eq!(error_code(&node), Some("NOT_FOUND"));
        let evidence = app.ok(Some(&viewer.token), "query($id: ID!) { node(id: $id) { ... on Enquiry { evidence { totalCount edges { node { note } } } } } }",
            json!({ "id": enquiry })).await;
        assert_eq!(evidence["node"]["evidence"]["totalCount"], 1);
        assert_eq!(
            evidence["node"]["evidence"]["edges"][0]["node"]["note"],
            "Year 6 more hands up"
        );
    }
    let own = app.ok(Some(&ben.token), THREADS, json!({ "id": id })).await;
    assert_eq!(titles(&own), ["Hinge questions", "Wait time in Year 5"]);
    // Replying into a hidden thread is as if it did not exist.
    let hidden_reply = w
        .payload(
            &cat.token,
            "replyToDiscussionThread",
            "reply { id }",
            json!({ "threadId": ben_thread, "bodyMarkdown": "hello?" }),
        )
        .await;
    assert_eq!(user_error_codes(&hidden_reply), ["NOT_FOUND"]);

    // Consent restored: everything is back.
    mutate_ok(
        app,
        &w.heads[1].token,
        "setSchoolSharingConsent",
        "consent { consents }",
        json!({ "schoolId": gid("School", w.schools[1]), "consents": true }),
    )
    .await;
    let listed = app.ok(Some(&amy.token), THREADS, json!({ "id": id })).await;
    assert_eq!(titles(&listed), ["Hinge questions", "Wait time in Year 5"]);
    let evidence = app
        .ok(
            Some(&amy.token),
            "query($id: ID!) { node(id: $id) { ... on Enquiry { evidence { totalCount } } } }",
            json!({ "id": enquiry }),
        )
        .await;
    assert_eq!(evidence["node"]["evidence"]["totalCount"], 2);

    // The CPD lead's view.
    let report = app
        .ok(
            Some(&w.lead.token),
            "query($a: ID!) { allianceCommunityReport(allianceId: $a) {
        communities { memberCount membersBySchool { school { name } members } community { name } }
        meetingsHeld activeThreads enquiriesByStage { stage count } } }",
            json!({ "a": gid("Alliance", w.alliance) }),
        )
        .await;
    let report = &report["allianceCommunityReport"];
    assert_eq!(report["communities"][0]["memberCount"], 4);
    assert_eq!(
        report["communities"][0]["membersBySchool"]
            .as_array()
            .unwrap()
            .len(),
        4,
        "three schools and the lead"
    );
    assert_eq!(report["meetingsHeld"], 1);
    assert_eq!(report["activeThreads"], 2);
    assert_eq!(
        report["enquiriesByStage"][4],
        json!({ "stage": "SHARING", "count": 1 })
    );
    let participation = app.ok(Some(&w.heads[0].token), "query($s: ID!) { schoolCommunityParticipation(schoolId: $s) { staffCount participatingStaff communityCount } }",
        json!({ "s": gid("School", w.schools[0]) })).await;
    assert_eq!(
        participation["schoolCommunityParticipation"],
        json!({ "staffCount": 3, "participatingStaff": 1, "communityCount": 1 })
    );
    let refused = app
        .gql(
            Some(&amy.token),
            "query($a: ID!) { allianceCommunityReport(allianceId: $a) { meetingsHeld } }",
            json!({ "a": gid("Alliance", w.alliance) }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));

    // Cedar leaves the alliance: Cat's membership ends; her contributions stay, with her school.
    mutate_ok(
        app,
        &w.lead.token,
        "endAllianceMembership",
        "membership { status }",
        json!({ "membershipId": gid("AllianceMembership", w.memberships[2]) }),
    )
    .await;
    let cat_now = app
        .ok(
            Some(&w.lead.token),
            "query($id: ID!) { node(id: $id) { ... on CommunityMembership { status endedAt } } }",
            json!({ "id": cat_membership }),
        )
        .await;
    assert_eq!(cat_now["node"]["status"], "ENDED");
    let listed = app.ok(Some(&amy.token), THREADS, json!({ "id": id })).await;
    let replies = &listed["node"]["threads"]["edges"][1]["node"]["replies"]["edges"];
    assert_eq!(replies[1]["node"]["authorSchool"]["name"], "Cedar School");
    let evidence = app
        .ok(
            Some(&amy.token),
            "query($id: ID!) { node(id: $id) { ... on Enquiry { evidence { totalCount } } } }",
            json!({ "id": enquiry }),
        )
        .await;
    assert_eq!(evidence["node"]["evidence"]["totalCount"], 2);

    // Closed, the community stays readable and takes no new content.
    mutate_ok(
        app,
        &w.lead.token,
        "closeCommunity",
        "community { status closedAt }",
        json!({ "communityId": id }),
    )
    .await;
    let closed = w
        .payload(
            &ben.token,
            "replyToDiscussionThread",
            "reply { id }",
            json!({ "threadId": amy_thread, "bodyMarkdown": "one more thing" }),
        )
        .await;
    assert_eq!(user_error_codes(&closed), ["INVALID_STATE"]);
    let still = app.ok(Some(&ben.token), THREADS, json!({ "id": id })).await;
    assert_eq!(still["node"]["threads"]["totalCount"], 2);
}
