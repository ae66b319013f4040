//! Needs, offers and brokering, end to end over HTTP: Ashby's headteacher posts a need,
//! a teacher at Brook offers support, the CPD lead sees that offer ranked first among the
//! suggestions (above an offer from Ashby itself, one with too little capacity left, a
//! Specialist Leader of Education, Brook's published practice and a community; not
//! Ashby's own practice), brokers it, and the arrangement goes
//! planned → active → completed with a closing note; the offer's capacity drops and every
//! step is in the histories and the audit log.

use crate::support_world::{ARRANGEMENT_FIELDS, support_world};
use crate::world::mutate_ok;
use serde_json::{Value, json};

const SUGGESTIONS: &str = "query($id: ID!) { node(id: $id) { ... on SupportRequest {
    viewerCanBroker
    suggestions(first: 10) { score reasons subject { __typename
        ... on SupportOffer { id title daysRemaining school { name } }
        ... on Person { id }
        ... on Practice { id title }
        ... on Community { id name } } } } } }";

fn subjects(data: &Value) -> Vec<(String, String)> {
    data["node"]["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|s| {
            (
                s["subject"]["__typename"].as_str().unwrap().to_owned(),
                s["subject"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_need_is_brokered_to_an_offer_and_the_support_completed() {
    let s = support_world().await;
    let w = &s.w;
    let app = &w.app;
    let [ashby_head, brook_head, cedar_head] = &w.heads;
    let [_, ben, cat] = &w.teachers;

    // Ashby's headteacher posts a need for 2 days of support.
    let request = s.request(0, 2.0).await;
    assert_eq!(request["status"], "OPEN");
    assert_eq!(request["daysStillNeeded"], 2.0);
    assert_eq!(request["history"][0]["fromStatus"], Value::Null);
    assert_eq!(request["history"][0]["toStatus"], "OPEN");
    let request_id = request["id"].clone();

    // Offers: Ben at Brook (5 days), Ashby's own colleague (5 days), Cedar's school offer
    // with only 1 day, and a paused one that must not be suggested.
    let ben_offer = s.own_offer(ben, "Hinge questions in KS2", 5.0).await;
    assert_eq!(ben_offer["status"], "OPEN");
    assert_eq!(ben_offer["daysRemaining"], 5.0);
    let colleague_offer = s
        .own_offer(&w.colleague, "Our own hinge questions", 5.0)
        .await;
    let cedar_offer = mutate_ok(
        app,
        &cedar_head.token,
        "createSupportOffer",
        "offer { id school { id } person { id } }",
        json!({ "allianceId": s.alliance(), "schoolId": s.school(2), "personId": cat.gid(),
                "title": "Cedar's maths team", "descriptionMarkdown": "Co-planning.",
                "themeIds": [w.theme], "phases": ["PRIMARY"], "daysPerTerm": 1 }),
    )
    .await["offer"]
        .clone();
    assert_eq!(cedar_offer["school"]["id"], s.school(2));
    assert_eq!(cedar_offer["person"]["id"], cat.gid());
    let paused = s.own_offer(cat, "Paused offer", 10.0).await;
    mutate_ok(
        app,
        &cat.token,
        "pauseSupportOffer",
        "offer { status }",
        json!({ "offerId": paused["id"], "note": "Busy this term" }),
    )
    .await;

    // A Specialist Leader of Education at Cedar whose expertise names the theme, and a
    // community on the theme.
    s.sle(cat.id, &[&s.theme_name, "Unrelated gardening"]).await;
    let community = w
        .create("Questioning network", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;

    // Practice on the theme published at Brook, and at Ashby itself.
    let brook_practice = s.published_practice(1, "Hinge questions at Brook").await;
    let ashby_practice = s.published_practice(0, "Hinge questions at Ashby").await;

    // The CPD lead sees Ben's offer first.
    let data = app
        .ok(
            Some(&w.lead.token),
            SUGGESTIONS,
            json!({ "id": request_id }),
        )
        .await;
    assert_eq!(data["node"]["viewerCanBroker"], true);
    let found = subjects(&data);
    println!("suggestions: {:#}", data["node"]["suggestions"]);
    assert_eq!(
        found[0],
        (
            "SupportOffer".into(),
            ben_offer["id"].as_str().unwrap().into()
        )
    );
    let position = |id: &Value| found.iter().position(|(_, f)| f == id.as_str().unwrap());
    let colleague_at = position(&colleague_offer["id"]).expect("the colleague's offer");
    let cedar_at = position(&cedar_offer["id"]).expect("Cedar's offer");
    assert!(colleague_at > 0 && cedar_at > 0);
    assert!(
        position(&paused["id"]).is_none(),
        "paused offers are not suggested"
    );
    assert!(
        found.contains(&("Person".into(), cat.gid())),
        "the SLE: {found:?}"
    );
    assert!(found.contains(&("Community".into(), community.as_str().unwrap().into())));
    assert!(
        found.contains(&("Practice".into(), brook_practice.as_str().unwrap().into())),
        "Brook's practice: {found:?}"
    );
    assert!(
        position(&ashby_practice).is_none(),
        "the requesting school's own practice is not suggested"
    );
    let first = &data["node"]["suggestions"][0];
    let reasons: Vec<&str> = first["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"From another school"), "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r.starts_with("Shares themes")),
        "{reasons:?}"
    );
    let scores: Vec<f64> = data["node"]["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );

    // The CPD lead brokers the request to Ben's offer.
    let brokered = s.broker(&request_id, &ben_offer["id"], 2.0).await;
    assert_eq!(brokered["userErrors"], json!([]), "{brokered:#}");
    let arrangement = brokered["arrangement"].clone();
    assert_eq!(arrangement["status"], "PLANNED");
    assert_eq!(arrangement["daysPlanned"], 2.0);
    assert_eq!(arrangement["supportedSchool"]["id"], s.school(0));
    assert_eq!(arrangement["supportingSchool"]["id"], s.school(1));
    assert_eq!(arrangement["supportingPerson"]["id"], ben.gid());
    let arrangement_id = arrangement["id"].clone();

    // Ben starts it; Ashby's headteacher completes it with a closing note.
    let started = mutate_ok(
        app,
        &ben.token,
        "startSupportArrangement",
        ARRANGEMENT_FIELDS,
        json!({ "arrangementId": arrangement_id, "note": "First visit" }),
    )
    .await;
    assert_eq!(started["arrangement"]["status"], "ACTIVE");
    let completed = mutate_ok(
        app,
        &ashby_head.token,
        "completeSupportArrangement",
        ARRANGEMENT_FIELDS,
        json!({ "arrangementId": arrangement_id,
                "closingNote": "Year 5 answers doubled in length; hinge questions every lesson." }),
    )
    .await;
    let done = &completed["arrangement"];
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(
        done["closingNote"],
        "Year 5 answers doubled in length; hinge questions every lesson."
    );
    let steps: Vec<(Value, Value)> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["fromStatus"].clone(), h["toStatus"].clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (Value::Null, json!("PLANNED")),
            (json!("PLANNED"), json!("ACTIVE")),
            (json!("ACTIVE"), json!("COMPLETED")),
        ]
    );

    // The request is brokered, with its history; the offer has 3 days left.
    let seen = app
        .ok(
            Some(&brook_head.token),
            "query($r: ID!, $o: ID!) { r: node(id: $r) { ... on SupportRequest { status daysPlanned daysStillNeeded
                history { fromStatus toStatus changedBy { id } }
                arrangements { totalCount edges { node { id status } } } } }
              o: node(id: $o) { ... on SupportOffer { daysCommitted daysRemaining arrangements { totalCount } } } }",
            json!({ "r": request_id, "o": ben_offer["id"] }),
        )
        .await;
    let r = &seen["r"];
    assert_eq!(r["status"], "BROKERED");
    assert_eq!(r["daysPlanned"], 2.0);
    assert_eq!(r["daysStillNeeded"], 0.0);
    assert_eq!(r["history"][1]["fromStatus"], "OPEN");
    assert_eq!(r["history"][1]["toStatus"], "BROKERED");
    assert_eq!(r["history"][1]["changedBy"]["id"], w.lead.gid());
    assert_eq!(r["arrangements"]["totalCount"], 1);
    assert_eq!(r["arrangements"]["edges"][0]["node"]["status"], "COMPLETED");
    let o = &seen["o"];
    assert_eq!(o["daysCommitted"], 2.0);
    assert_eq!(o["daysRemaining"], 3.0);
    assert_eq!(o["arrangements"]["totalCount"], 1);

    // Lists: the alliance's brokered requests, the school's requests, the offers.
    let lists = app
        .ok(
            Some(&w.lead.token),
            "query($a: ID!, $s: ID!) {
               a: node(id: $a) { ... on Alliance {
                 supportRequests(filter: { statuses: [BROKERED] }) { totalCount edges { node { id } } }
                 supportOffers(filter: { statuses: [OPEN] }) { totalCount } } }
               s: node(id: $s) { ... on School { supportRequests { totalCount } } }
               supportArrangements(filter: { statuses: [COMPLETED] }) { totalCount } }",
            json!({ "a": s.alliance(), "s": s.school(0) }),
        )
        .await;
    assert_eq!(lists["a"]["supportRequests"]["totalCount"], 1);
    assert_eq!(
        lists["a"]["supportRequests"]["edges"][0]["node"]["id"],
        request_id
    );
    assert_eq!(lists["a"]["supportOffers"]["totalCount"], 3);
    assert_eq!(lists["s"]["supportRequests"]["totalCount"], 1);
    assert_eq!(lists["supportArrangements"]["totalCount"], 1);

    // The audit log has the posting, the brokering and each status change.
    let actions = s.audit_actions("support").await;
    for expected in [
        "support_request.created",
        "support_offer.created",
        "support_offer.paused",
        "support_request.brokered",
        "support.brokered",
        "support_arrangement.started",
        "support_arrangement.completed",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} in {actions:?}"
        );
    }

    // The request is closed by its school once the support is done.
    let closed = mutate_ok(
        app,
        &ashby_head.token,
        "closeSupportRequest",
        "request { status history { toStatus note } }",
        json!({ "requestId": request_id, "note": "Need met" }),
    )
    .await;
    assert_eq!(closed["request"]["status"], "CLOSED");
    assert_eq!(closed["request"]["history"][2]["note"], "Need met");
}

#[tokio::test]
async fn cancelling_gives_the_days_back_and_reopens_the_request() {
    let s = support_world().await;
    let w = &s.w;
    let ben = &w.teachers[1];
    let request = s.request(0, 3.0).await;
    let offer = s.own_offer(ben, "Hinge questions", 4.0).await;
    let brokered = s.broker(&request["id"], &offer["id"], 3.0).await;
    let arrangement = brokered["arrangement"]["id"].clone();
    let cancelled = mutate_ok(
        &w.app,
        &w.lead.token,
        "cancelSupportArrangement",
        "arrangement { status offer { daysRemaining } request { status history { toStatus note } } }",
        json!({ "arrangementId": arrangement, "note": "Ben is off sick" }),
    )
    .await;
    let a = &cancelled["arrangement"];
    assert_eq!(a["status"], "CANCELLED");
    assert_eq!(a["offer"]["daysRemaining"], 4.0);
    assert_eq!(a["request"]["status"], "OPEN");
    assert_eq!(a["request"]["history"][2]["toStatus"], "OPEN");

    // A person can be brokered directly (an SLE, no offer); the school comes with them.
    let cat = &w.teachers[2];
    s.sle(cat.id, &["Mathematics mastery"]).await;
    let direct = mutate_ok(
        &w.app,
        &w.lead.token,
        "brokerSupportRequest",
        ARRANGEMENT_FIELDS,
        json!({ "requestId": request["id"], "supportingPersonId": cat.gid(),
                "focus": "Maths mastery coaching", "days": 1.5 }),
    )
    .await;
    assert_eq!(direct["arrangement"]["supportingSchool"]["id"], s.school(2));
    assert_eq!(direct["arrangement"]["daysPlanned"], 1.5);
}
