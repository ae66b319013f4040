//! Issue 21's "done means", start to finish, as an MIS vendor would go through it: a
//! school leader creates a service account; the MIS exchanges its credentials for a
//! token, registers a webhook endpoint (down at first), imports the school's staff from a
//! OneRoster export twice (the second changing nothing), then a delta that ends one role;
//! when the receiver comes up every event arrives exactly once, signed, about the roles the
//! API shows.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use entity::enums::{StaffRoleKind, WebhookEventType};
use serde_json::{Value, json};

use crate::common::imports::{IMPORT_ONEROSTER, upload, zipped};
use crate::common::service_accounts::Tenant;
use crate::common::{TestApp, gid, spawn_app_with};
use crate::webhooks_receiver::{DELIVERY_FLAGS, Receiver, register, signature_is_valid};

/// The URN of the school in `tests/fixtures/oneroster/scenario`.
const URN: &str = "100020";

/// One staff role as the API shows it: its id, the person's email (`None` once the role
/// has ended and the person is no longer the school's to see), the role, whether it ended.
type Role = (String, Option<String>, String, bool);

/// The school's staff through GraphQL, ended roles too, sorted by email and role; with
/// each role's full fields alongside for comparing.
async fn staff(app: &TestApp, token: &str) -> (Vec<Role>, Value) {
    let data = app
        .ok(
            Some(token),
            "query($urn: String!) { schoolByUrn(urn: $urn) { staff(first: 50, filter: {includeEnded: true}) { nodes { id role startsOn endsOn version person { id email givenName familyName } } } } }",
            json!({ "urn": URN }),
        )
        .await;
    let nodes = data["schoolByUrn"]["staff"]["nodes"].clone();
    let mut staff: Vec<_> = nodes
        .as_array()
        .unwrap_or_else(|| panic!("{data:#}"))
        .iter()
        .map(|node| {
            (
                node["id"].as_str().unwrap().to_owned(),
                node["person"]["email"].as_str().map(str::to_owned),
                node["role"].as_str().unwrap().to_owned(),
                !node["endsOn"].is_null(),
            )
        })
        .collect();
    staff.sort_by(|a, b| (&a.1, &a.2).cmp(&(&b.1, &b.2)));
    (staff, nodes)
}

/// The counts of `file` in an import's report.
fn counts(body: &Value, file: &str) -> Value {
    let report = &body["data"]["importOneRosterExport"]["report"];
    let mut counts = report["files"]
        .as_array()
        .unwrap_or_else(|| panic!("{body:#}"))
        .iter()
        .find(|counts| counts["file"] == file)
        .unwrap_or_else(|| panic!("no {file} in {body:#}"))
        .clone();
    counts.as_object_mut().unwrap().remove("file");
    counts
}

fn report_counts(created: u32, ended: u32, unchanged: u32) -> Value {
    json!({ "created": created, "updated": 0, "linked": 0, "ended": ended, "unchanged": unchanged, "skipped": 0 })
}

#[tokio::test]
async fn an_mis_goes_from_credentials_to_each_staff_event_once() {
    let app = spawn_app_with(DELIVERY_FLAGS).await;
    let school = app
        .school_with_urn("Kestrel Brook Primary School", Some(URN))
        .await;
    let head = app.person("head@kestrelbrook.example.org", false).await;
    let head_role = app.staff(head, school, StaffRoleKind::Headteacher).await;
    let head = app.sign_in("head@kestrelbrook.example.org").await;

    // 1. The school's leader creates the MIS's service account.
    let account = app
        .create_service_account(
            &head,
            Tenant::School(school),
            &["PEOPLE_WRITE", "WEBHOOKS_MANAGE"],
        )
        .await;

    // 2. The MIS exchanges its credentials (HTTP Basic) for an access token.
    let (status, _, body) = app
        .oauth_token(
            Some((&account.client_id, &account.client_secret)),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["token_type"], "Bearer", "{body:#}");
    let mis = body["access_token"].as_str().unwrap().to_owned();

    // 3. It registers its receiver, which is down for now.
    let receiver = Receiver::down();
    let (_, secret) = register(
        &app,
        &mis,
        &receiver.url,
        &[
            WebhookEventType::StaffRoleStarted,
            WebhookEventType::StaffRoleEnded,
        ],
    )
    .await;

    // 4. It imports the school's staff: their roles start.
    let export = zipped("oneroster/scenario");
    let import = |file: Vec<u8>| {
        let (app, mis) = (&app, &mis);
        async move {
            let (status, body) =
                upload(app, mis, IMPORT_ONEROSTER, json!({}), "export.zip", file).await;
            assert_eq!(status, 200, "{body:#}");
            assert_eq!(
                body["data"]["importOneRosterExport"]["report"]["problemCount"], 0,
                "{body:#}"
            );
            body
        }
    };
    let first = import(export.clone()).await;
    assert_eq!(
        counts(&first, "orgs.csv"),
        json!({ "created": 0, "updated": 0, "linked": 1, "ended": 0, "unchanged": 0, "skipped": 0 })
    );
    assert_eq!(counts(&first, "users.csv"), report_counts(3, 0, 0));
    assert_eq!(counts(&first, "roles.csv"), report_counts(3, 0, 0));
    let (after_first, first_nodes) = staff(&app, &head).await;
    let imported: Vec<Role> = after_first
        .iter()
        .filter(|(id, ..)| *id != gid("StaffRole", head_role))
        .cloned()
        .collect();
    let expected_staff = [
        ("f.lund@kestrelbrook.example.org", "TEACHER"),
        ("g.penn@kestrelbrook.example.org", "TEACHING_ASSISTANT"),
        ("h.ito@kestrelbrook.example.org", "SENIOR_LEADER"),
    ];
    assert_eq!(
        imported
            .iter()
            .map(|(_, email, role, ended)| (email.as_deref().unwrap(), role.as_str(), *ended))
            .collect::<Vec<_>>(),
        expected_staff.map(|(email, role)| (email, role, false)),
    );

    // The same export again: everything unchanged, and nothing changes.
    let second = import(export).await;
    assert_eq!(counts(&second, "orgs.csv"), report_counts(0, 0, 1));
    assert_eq!(counts(&second, "users.csv"), report_counts(0, 0, 3));
    assert_eq!(counts(&second, "roles.csv"), report_counts(0, 0, 3));
    let (_, second_nodes) = staff(&app, &head).await;
    assert_eq!(
        second_nodes, first_nodes,
        "the second import changed nothing"
    );

    // 5. A delta export ends Gus's role.
    let delta = import(zipped("oneroster/scenario-delta")).await;
    assert_eq!(counts(&delta, "roles.csv"), report_counts(0, 1, 0));
    let (after_delta, _) = staff(&app, &head).await;
    let ended: Vec<&String> = after_delta
        .iter()
        .filter(|(.., ended)| *ended)
        .map(|(id, ..)| id)
        .collect();
    let gus = &imported[1];
    assert_eq!(ended, [&gus.0], "{after_delta:#?}");

    // 6. The receiver has refused what came so far; now it comes up.
    for _ in 0..200 {
        if receiver.attempts() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(receiver.attempts() > 0, "deliveries were tried while down");
    assert!(receiver.received().is_empty());
    receiver.up();
    receiver
        .wait_for("three starts and one end", |got| got.len() >= 4)
        .await;
    // Time for a duplicate to show, if one were coming.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let received = receiver.received();
    let mut by_event_id = HashMap::new();
    for delivery in &received {
        assert!(signature_is_valid(&secret, delivery), "{delivery:#?}");
        assert_eq!(delivery.event_id_header, delivery.body["id"]);
        assert!(
            by_event_id
                .insert(delivery.event_id_header.clone(), delivery)
                .is_none(),
            "{} arrived twice",
            delivery.event_id_header
        );
    }
    let about = |event_type: &str| -> HashSet<String> {
        by_event_id
            .values()
            .filter(|delivery| delivery.body["type"] == event_type)
            .map(|delivery| {
                assert_eq!(delivery.body["data"]["school"], gid("School", school));
                delivery.body["data"]["id"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    let started = about("staff_role.started");
    let ended = about("staff_role.ended");
    assert_eq!(
        started,
        imported.iter().map(|(id, ..)| id.clone()).collect(),
        "one start per imported role"
    );
    assert_eq!(ended, HashSet::from([gus.0.clone()]), "one end, Gus's");
    assert_eq!(received.len(), 4, "nothing else, nothing twice");
}
