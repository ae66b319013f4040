//! Every link input (practice links, meeting addresses, enquiry evidence) takes only a
//! well-formed absolute `https` URL with a host, no spaces, no user name or password; `http`
//! only when the server is started with `--allow-http-links`. What is stored is the URL as
//! the URL standard writes it.

use entity::enums::StaffRoleKind;
use serde_json::{Value, json};

use crate::common::{gid, spawn_app_with};
use crate::community_world::community_world;
use crate::world::{mutate, mutate_ok};

const REFUSED: [&str; 14] = [
    "http://example.org/quizzes",
    "HTTP://example.org/quizzes",
    "https://exa mple.org/",
    "https://example.org/a b",
    "https://example.org/\u{a0}x",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org/f",
    "mailto:head@ashby.example",
    "https://",
    "example.org/quizzes",
    "//example.org/quizzes",
    "https://user:secret@example.org/",
    "https://example.org/\u{0}",
];

/// A link input: who sets it, the mutation, its input with a given link, the field's path,
/// and what to select to read the stored link back.
type LinkInput<'a> = (
    &'a str,
    &'a str,
    Box<dyn Fn(&str) -> Value + 'a>,
    &'a str,
    &'a str,
);

#[tokio::test]
async fn links_are_well_formed_https_urls() {
    let w = community_world().await;
    let head = &w.heads[0].token;
    let lead = &w.lead.token;
    let community = w
        .create("Questioning", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    let practice = w.draft_practice(json!({})).await;
    let now = chrono::Utc::now();
    let meeting = mutate_ok(
        &w.app,
        lead,
        "scheduleCommunityMeeting",
        "meeting { id }",
        json!({ "communityId": community, "title": "First session",
                "startsAt": now + chrono::Duration::days(7),
                "endsAt": now + chrono::Duration::days(7) + chrono::Duration::hours(1) }),
    )
    .await["meeting"]["id"]
        .clone();
    let enquiry = mutate_ok(
        &w.app,
        lead,
        "startEnquiry",
        "enquiry { id }",
        json!({ "communityId": community, "question": "Does wait time deepen reasoning?" }),
    )
    .await["enquiry"]["id"]
        .clone();

    let link = |url: &str| json!([{ "title": "Quiz bank", "url": url }]);
    let inputs: [LinkInput; 5] = [
        (
            head,
            "createPractice",
            Box::new(|url| {
                json!({ "schoolId": gid("School", w.schools[0]), "kind": "CASE_STUDY", "title": "T",
                        "summary": "S", "bodyMarkdown": "B", "links": link(url) })
            }),
            "links.0.url",
            "practice { links { url } }",
        ),
        (
            head,
            "updatePractice",
            Box::new(
                |url| json!({ "practiceId": practice, "expectedVersion": 1, "links": link(url) }),
            ),
            "links.0.url",
            "practice { links { url } }",
        ),
        (
            lead,
            "scheduleCommunityMeeting",
            Box::new(|url| {
                json!({ "communityId": community, "title": "Online", "onlineUrl": url,
                        "startsAt": now + chrono::Duration::days(8),
                        "endsAt": now + chrono::Duration::days(8) + chrono::Duration::hours(1) })
            }),
            "onlineUrl",
            "meeting { onlineUrl }",
        ),
        (
            lead,
            "updateCommunityMeeting",
            Box::new(|url| json!({ "meetingId": meeting, "expectedVersion": 1, "onlineUrl": url })),
            "onlineUrl",
            "meeting { onlineUrl }",
        ),
        (
            lead,
            "addEnquiryEvidence",
            Box::new(|url| json!({ "enquiryId": enquiry, "note": "Longer answers", "link": url })),
            "link",
            "evidence { link }",
        ),
    ];
    for (token, mutation, input, field, selection) in &inputs {
        let path: Vec<&str> = std::iter::once("input").chain(field.split('.')).collect();
        for url in REFUSED {
            let payload = mutate(&w.app, token, mutation, selection, input(url)).await;
            assert_eq!(
                payload["userErrors"][0]["code"], "INVALID",
                "{mutation} {url:?}: {payload:#}"
            );
            assert_eq!(
                payload["userErrors"][0]["field"],
                json!(path),
                "{mutation} {url:?}"
            );
        }
        let payload = mutate(
            &w.app,
            token,
            mutation,
            selection,
            input("http://example.org/"),
        )
        .await;
        assert_eq!(
            payload["userErrors"][0]["message"], "must be an https link",
            "{mutation}: {payload:#}"
        );
    }
    // Nothing was stored.
    let stored = w
        .app
        .ok(
            Some(lead),
            "query($ids: [ID!]!) { nodes(ids: $ids) { ... on CommunityMeeting { onlineUrl version }
                ... on Enquiry { evidence { totalCount } } } }",
            json!({ "ids": [meeting, enquiry] }),
        )
        .await;
    assert_eq!(
        stored["nodes"],
        json!([{ "onlineUrl": null, "version": 1 }, { "evidence": { "totalCount": 0 } }])
    );

    // Well-formed links are stored as the URL standard writes them.
    for (token, mutation, input, _, selection) in &inputs {
        for (given, kept) in [
            (
                "https://example.org/quizzes?year=5#top",
                "https://example.org/quizzes?year=5#top",
            ),
            (" HTTPS://Example.ORG ", "https://example.org/"),
        ] {
            let mut value = input(given);
            if value.get("expectedVersion").is_some() {
                // The first link changed the version.
                value["expectedVersion"] = json!(if kept.ends_with("top") { 1 } else { 2 });
            }
            let payload = mutate_ok(&w.app, token, mutation, selection, value).await;
            let text = payload.to_string();
            assert!(
                text.contains(&format!("\"{kept}\"")),
                "{mutation} {given:?}: {text}"
            );
        }
    }
}

#[tokio::test]
async fn http_links_only_when_the_server_allows_them() {
    let app = spawn_app_with(&["--allow-http-links"]).await;
    let school = app.school("Ashby Primary").await;
    let head = app.person("head@ashby.example", false).await;
    app.staff(head, school, StaffRoleKind::Headteacher).await;
    let token = app.sign_in("head@ashby.example").await;
    let create = |url: &str| {
        json!({ "schoolId": gid("School", school), "kind": "CASE_STUDY", "title": "T",
                "summary": "S", "bodyMarkdown": "B", "links": [{ "title": "Local", "url": url }] })
    };
    let created = mutate_ok(
        &app,
        &token,
        "createPractice",
        "practice { links { url } }",
        create("http://localhost:3000/quizzes"),
    )
    .await;
    assert_eq!(
        created["practice"]["links"][0]["url"],
        "http://localhost:3000/quizzes"
    );
    for url in [
        "ftp://localhost/f",
        "http://localhost/a b",
        "javascript:alert(1)",
    ] {
        let payload = mutate(
            &app,
            &token,
            "createPractice",
            "practice { id }",
            create(url),
        )
        .await;
        assert_eq!(
            payload["userErrors"][0]["code"], "INVALID",
            "{url}: {payload:#}"
        );
    }
    let ftp = mutate(
        &app,
        &token,
        "createPractice",
        "practice { id }",
        create("ftp://x.org/"),
    )
    .await;
    assert_eq!(
        ftp["userErrors"][0]["message"],
        "must be an https or http link"
    );
}
