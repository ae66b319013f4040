//! Imports from other systems, as an operator runs them (`trellis import gias|oneroster`,
//! the real binary against the test's database) and as a client sends them (a GraphQL
//! multipart upload), then read back through the API: GIAS extracts make and update
//! schools by URN, OneRoster exports staff by `sourcedId`; a second import changes nothing;
//! malformed files change nothing and say why.

use entity::enums::StaffRoleKind;
use entity::{person, school};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::common::imports::{IMPORT_ONEROSTER, fixture, upload};
use crate::common::{TestApp, spawn_app, spawn_app_with};

/// What `trellis import ...` printed, and whether it succeeded.
struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

async fn import(app: &TestApp, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_trellis"))
        .arg("import")
        .args(args)
        .args(["--database-url", &app.database_url])
        .env("RUST_LOG", "warn")
        .env_remove("RUST_BACKTRACE")
        .output()
        .await
        .expect("run trellis import");
    Run {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn import_ok(app: &TestApp, args: &[&str]) -> String {
    let run = import(app, args).await;
    assert!(run.ok, "import {args:?} failed: {}", run.stderr);
    run.stdout
}

fn gias(file: &str) -> String {
    fixture(&format!("gias/{file}")).display().to_string()
}

fn oneroster(path: &str) -> String {
    fixture(&format!("oneroster/{path}")).display().to_string()
}

const IMPORT_GIAS: &str = "mutation($input: ImportGiasExtractInput!) { importGiasExtract(input: $input) { report { dryRun files { file created updated linked ended unchanged skipped } problems { file line key reason } problemCount } userErrors { field code message } } }";

async fn school_by_urn(app: &TestApp, token: &str, urn: &str) -> Value {
    app.ok(
        Some(token),
        "query($urn: String!) { schoolByUrn(urn: $urn) { name phase status establishmentType localAuthority postcode trustName closedOn giasLastChangedOn version } }",
        json!({ "urn": urn }),
    )
    .await["schoolByUrn"]
        .clone()
}

/// The school's staff as `(email, role, ended)`, sorted.
async fn staff(app: &TestApp, token: &str, urn: &str) -> Vec<(String, String, bool)> {
    let data = app
        .ok(
            Some(token),
            "query($urn: String!) { schoolByUrn(urn: $urn) { staff(first: 50, filter: {includeEnded: true}) { edges { node { role endsOn person { email } } } } } }",
            json!({ "urn": urn }),
        )
        .await;
    let mut staff: Vec<(String, String, bool)> = data["schoolByUrn"]["staff"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            let node = &edge["node"];
            (
                node["person"]["email"].as_str().unwrap_or("?").to_owned(),
                node["role"].as_str().unwrap().to_owned(),
                !node["endsOn"].is_null(),
            )
        })
        .collect();
    staff.sort();
    staff
}

fn line(report: &str, file: &str) -> String {
    report
        .lines()
        .find(|line| line.starts_with(&format!("{file}:")))
        .unwrap_or_else(|| panic!("no line for {file} in {report}"))
        .to_owned()
}

#[tokio::test]
async fn a_gias_extract_makes_schools_by_urn_and_a_second_import_changes_nothing() {
    let app = spawn_app().await;
    app.person("admin@example.org", true).await;
    let token = app.sign_in("admin@example.org").await;

    let first = import_ok(&app, &["gias", &gias("extract.csv")]).await;
    assert_eq!(
        line(&first, "extract.csv"),
        "extract.csv: 4 created, 0 updated, 0 linked, 0 ended, 0 unchanged, 3 skipped"
    );
    assert!(first.contains("2 rows not imported"), "{first}");
    assert!(
        first.contains("extract.csv line 8 (100007): `Postcode` `NOT A CODE` is not a UK postcode"),
        "{first}"
    );
    assert!(
        first.contains("extract.csv line 9 (100002): URN 100002 is already on line 3"),
        "{first}"
    );

    // Windows-1252 read as such; GIAS's words kept; the phase GIAS leaves "Not applicable"
    // for a special school taken from its type.
    let therese = school_by_urn(&app, &token, "100001").await;
    assert_eq!(therese["name"], "Sainte Thérèse Catholic Primary School");
    assert_eq!(therese["phase"], "PRIMARY");
    assert_eq!(therese["establishmentType"], "Voluntary aided school");
    assert_eq!(therese["localAuthority"], "Leeds");
    assert_eq!(therese["giasLastChangedOn"], "2026-02-04");
    let harrowgate = school_by_urn(&app, &token, "100002").await;
    assert_eq!(harrowgate["trustName"], "Northern Lights Learning Trust");
    assert_eq!(harrowgate["postcode"], "LS11 5QW");
    assert_eq!(
        school_by_urn(&app, &token, "100003").await["phase"],
        "SPECIAL"
    );
    assert_eq!(
        school_by_urn(&app, &token, "100008").await["phase"],
        "MIDDLE"
    );
    // Closed before it was ever on the platform, not yet open, not a school, a bad row.
    for urn in ["100004", "100005", "100006", "100007"] {
        assert!(school_by_urn(&app, &token, urn).await.is_null(), "{urn}");
    }

    let again = import_ok(&app, &["gias", &gias("extract.csv")]).await;
    assert_eq!(
        line(&again, "extract.csv"),
        "extract.csv: 0 created, 0 updated, 0 linked, 0 ended, 4 unchanged, 3 skipped"
    );
    assert_eq!(school_by_urn(&app, &token, "100001").await["version"], 1);

    let dry = import_ok(&app, &["gias", &gias("extract-later.csv"), "--dry-run"]).await;
    assert!(dry.starts_with("dry run: nothing was changed"), "{dry}");
    assert_eq!(
        line(&dry, "extract-later.csv"),
        "extract-later.csv: 1 created, 1 updated, 0 linked, 1 ended, 2 unchanged, 0 skipped"
    );
    assert_eq!(
        school_by_urn(&app, &token, "100002").await["status"],
        "OPEN"
    );
    assert!(school_by_urn(&app, &token, "100009").await.is_null());

    let later = import_ok(&app, &["gias", &gias("extract-later.csv")]).await;
    assert_eq!(
        line(&later, "extract-later.csv"),
        line(&dry, "extract-later.csv")
    );
    let therese = school_by_urn(&app, &token, "100001").await;
    assert_eq!(therese["name"], "Sainte Thérèse Catholic Voluntary Academy");
    assert_eq!(therese["version"], 2);
    let harrowgate = school_by_urn(&app, &token, "100002").await;
    assert_eq!(harrowgate["status"], "CLOSED");
    assert_eq!(harrowgate["closedOn"], "2026-08-31");
    assert_eq!(
        school_by_urn(&app, &token, "100009").await["phase"],
        "NURSERY"
    );
    // Closed, not deleted; nothing duplicated.
    assert_eq!(school::Entity::find().count(&app.db).await.unwrap(), 5);
}

#[tokio::test]
async fn malformed_gias_files_change_nothing_and_say_why() {
    let app = spawn_app().await;
    let refused = import(&app, &["gias", &gias("missing-columns.csv")]).await;
    assert!(!refused.ok);
    assert!(
        refused.stderr.contains(
            "missing-columns.csv line 1: the header lacks the columns `PhaseOfEducation (name)`, `Postcode`"
        ),
        "{}",
        refused.stderr
    );
    let refused = import(&app, &["gias", &gias("utf16.csv")]).await;
    assert!(!refused.ok);
    assert!(
        refused
            .stderr
            .contains("utf16.csv line 1: holds a NUL byte"),
        "{}",
        refused.stderr
    );

    // A 10 MB line after a good row: refused before the good row is written, within
    // bounded memory.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long-line.csv");
    let mut text = std::fs::read(fixture("gias/extract.csv")).unwrap();
    text.truncate(text.iter().position(|b| *b == b'\n').unwrap() + 1);
    let mut good = std::fs::read(fixture("gias/extract-later.csv")).unwrap();
    let header_end = good.iter().position(|b| *b == b'\n').unwrap() + 1;
    let row_end = header_end + good[header_end..].iter().position(|b| *b == b'\n').unwrap() + 1;
    text.extend(good.drain(header_end..row_end));
    text.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    text.extend(b"\r\n");
    std::fs::write(&path, text).unwrap();
    let refused = import(&app, &["gias", path.to_str().unwrap()]).await;
    assert!(!refused.ok);
    assert!(
        refused
            .stderr
            .contains("long-line.csv line 3: is longer than 64 KiB; the file is refused"),
        "{}",
        refused.stderr
    );

    // Saved again as UTF-8 with a byte-order mark by a spreadsheet: read as UTF-8.
    import_ok(&app, &["gias", &gias("utf8-bom.csv")]).await;
    let names: Vec<String> = school::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|school| school.name)
        .collect();
    assert_eq!(names, ["Sainte Thérèse Catholic Primary School"]);
}

#[tokio::test]
async fn platform_admins_upload_gias_extracts() {
    let app = spawn_app_with(&["--max-upload-bytes", "10000"]).await;
    app.person("admin@example.org", true).await;
    app.person("teacher@example.org", false).await;
    let admin = app.sign_in("admin@example.org").await;
    let teacher = app.sign_in("teacher@example.org").await;
    let extract = std::fs::read(fixture("gias/extract.csv")).unwrap();

    let (_, body) = upload(
        &app,
        &teacher,
        IMPORT_GIAS,
        json!({}),
        "extract.csv",
        extract.clone(),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body:#}"
    );

    let (status, body) = upload(
        &app,
        &admin,
        IMPORT_GIAS,
        json!({ "dryRun": true }),
        "extract.csv",
        extract.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    let report = &body["data"]["importGiasExtract"]["report"];
    assert_eq!(report["dryRun"], true);
    assert_eq!(report["files"][0]["created"], 4, "{body:#}");
    assert_eq!(school::Entity::find().count(&app.db).await.unwrap(), 0);

    let (_, body) = upload(&app, &admin, IMPORT_GIAS, json!({}), "extract.csv", extract).await;
    let report = &body["data"]["importGiasExtract"]["report"];
    assert_eq!(
        report["files"][0],
        json!({ "file": "extract.csv", "created": 4, "updated": 0, "linked": 0, "ended": 0, "unchanged": 0, "skipped": 3 })
    );
    assert_eq!(report["problemCount"], 2);
    assert_eq!(
        report["problems"][0],
        json!({ "file": "extract.csv", "line": 8, "key": "100007", "reason": "`Postcode` `NOT A CODE` is not a UK postcode" })
    );
    assert_eq!(school::Entity::find().count(&app.db).await.unwrap(), 4);

    let missing = std::fs::read(fixture("gias/missing-columns.csv")).unwrap();
    let (_, body) = upload(
        &app,
        &admin,
        IMPORT_GIAS,
        json!({}),
        "missing-columns.csv",
        missing,
    )
    .await;
    let payload = &body["data"]["importGiasExtract"];
    assert!(payload["report"].is_null());
    assert_eq!(payload["userErrors"][0]["field"], json!(["input", "file"]));
    assert_eq!(payload["userErrors"][0]["code"], "INVALID");

    // Past `--max-upload-bytes`: refused unread.
    let big = std::fs::read(fixture("gias/utf16.csv")).unwrap();
    let (status, body) = upload(&app, &admin, IMPORT_GIAS, json!({}), "utf16.csv", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

/// The schools of the OneRoster fixtures, from GIAS, and a person the MIS also knows: Cleo,
/// already the school's CPD lead (a role OneRoster lacks).
async fn oneroster_world(app: &TestApp) -> (i32, i32) {
    import_ok(app, &["gias", &gias("extract.csv")]).await;
    let therese = school::Entity::find()
        .filter(school::Column::Urn.eq("100001"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let cleo = app.person("c.marsh@therese.example.org", false).await;
    app.staff(cleo, therese, StaffRoleKind::SchoolCpdLead).await;
    (therese, cleo)
}

#[tokio::test]
async fn a_oneroster_export_brings_staff_in_and_a_second_import_changes_nothing() {
    let app = spawn_app().await;
    oneroster_world(&app).await;
    app.person("admin@example.org", true).await;
    let token = app.sign_in("admin@example.org").await;

    let dry = import_ok(&app, &["oneroster", &oneroster("bulk"), "--dry-run"]).await;
    assert!(dry.starts_with("dry run"), "{dry}");
    assert_eq!(staff(&app, &token, "100001").await.len(), 1);

    let first = import_ok(&app, &["oneroster", &oneroster("bulk")]).await;
    assert_eq!(
        line(&first, "orgs.csv"),
        "orgs.csv: 0 created, 0 updated, 2 linked, 0 ended, 0 unchanged, 1 skipped"
    );
    assert_eq!(
        line(&first, "users.csv"),
        "users.csv: 3 created, 0 updated, 1 linked, 0 ended, 0 unchanged, 1 skipped"
    );
    assert_eq!(
        line(&first, "roles.csv"),
        "roles.csv: 4 created, 0 updated, 0 linked, 0 ended, 0 unchanged, 1 skipped"
    );
    assert_eq!(
        first.lines().filter(|l| l.starts_with("dry run")).count(),
        0
    );
    let dry_counts: Vec<&str> = dry.lines().skip(1).collect();
    let counts: Vec<&str> = first.lines().collect();
    assert_eq!(
        dry_counts.len(),
        counts.len(),
        "the dry run said what would happen"
    );
    for expected in [
        "orgs.csv line 5 (org-nowhere): no school on the platform has the URN 999999: import it from GIAS first",
        "users.csv line 7 (u-bad): `email` is not an email address: staff need one to sign in",
        "roles.csv line 7 (r-bad): user u-bad was not imported (see users.csv)",
        "roles.csv line 8 (r-ada-fernhill): org org-nowhere is not linked to a school (see orgs.csv)",
        "roles.csv line 9 (r-ada): `sourcedId` r-ada is already on line 2",
        "roles.csv line 10 (r-wizard): `role` `wizard` is not a OneRoster 1.2 role",
    ] {
        assert!(first.contains(expected), "{expected} in {first}");
    }
    assert_eq!(
        staff(&app, &token, "100001").await,
        [
            (
                "a.okafor@therese.example.org".into(),
                "TEACHER".into(),
                false
            ),
            (
                "b.hale@therese.example.org".into(),
                "TEACHING_ASSISTANT".into(),
                false
            ),
            (
                "c.marsh@therese.example.org".into(),
                "SCHOOL_CPD_LEAD".into(),
                false
            ),
            (
                "c.marsh@therese.example.org".into(),
                "SENIOR_LEADER".into(),
                false
            ),
        ]
    );
    assert_eq!(
        staff(&app, &token, "100008").await,
        [(
            "d.rao@ingslane.example.org".into(),
            "HEADTEACHER".into(),
            false
        )]
    );
    // Linked by email, not duplicated; no pupil kept.
    let people = |email: &'static str| {
        person::Entity::find()
            .filter(person::Column::Email.eq(email))
            .count(&app.db)
    };
    assert_eq!(people("c.marsh@therese.example.org").await.unwrap(), 1);
    assert_eq!(person::Entity::find().count(&app.db).await.unwrap(), 5);
    let ada = app
        .ok(
            Some(&token),
            "{ schoolByUrn(urn: \"100001\") { staff(first: 1, filter: {roles: [TEACHER]}) { edges { node { person { givenName familyName } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ada["schoolByUrn"]["staff"]["edges"][0]["node"]["person"],
        json!({ "givenName": "Ada", "familyName": "Okafor" })
    );

    // The same export, zipped: nothing changes.
    let again = import_ok(&app, &["oneroster", &oneroster("bulk.zip")]).await;
    for expected in [
        "orgs.csv: 0 created, 0 updated, 0 linked, 0 ended, 2 unchanged, 1 skipped",
        "users.csv: 0 created, 0 updated, 0 linked, 0 ended, 4 unchanged, 1 skipped",
        "roles.csv: 0 created, 0 updated, 0 linked, 0 ended, 4 unchanged, 1 skipped",
    ] {
        assert!(again.contains(expected), "{expected} in {again}");
    }

    // Changes only: Ben leaves (his role ends; he and his records stay), Ada's name is
    // corrected and she takes a second role.
    let delta = import_ok(&app, &["oneroster", &oneroster("delta")]).await;
    assert_eq!(
        line(&delta, "users.csv"),
        "users.csv: 0 created, 1 updated, 0 linked, 0 ended, 0 unchanged, 0 skipped"
    );
    assert_eq!(
        line(&delta, "roles.csv"),
        "roles.csv: 1 created, 0 updated, 0 linked, 1 ended, 0 unchanged, 0 skipped"
    );
    assert!(staff(&app, &token, "100001").await.contains(&(
        "b.hale@therese.example.org".into(),
        "TEACHING_ASSISTANT".into(),
        true
    )));
    assert_eq!(people("b.hale@therese.example.org").await.unwrap(), 1);

    // Devendra is to be deleted, in a users file alone: his roles end, he stays.
    let leaver = import_ok(&app, &["oneroster", &oneroster("delta-leaver")]).await;
    assert_eq!(
        line(&leaver, "users.csv"),
        "users.csv: 0 created, 0 updated, 0 linked, 1 ended, 0 unchanged, 0 skipped"
    );
    assert_eq!(
        staff(&app, &token, "100008").await,
        [
            (
                "a.okafor@therese.example.org".into(),
                "TEACHING_ASSISTANT".into(),
                false
            ),
            (
                "d.rao@ingslane.example.org".into(),
                "HEADTEACHER".into(),
                true
            ),
        ]
    );
    assert_eq!(people("d.rao@ingslane.example.org").await.unwrap(), 1);

    // The whole truth without Cleo's role: it ends; her CPD-lead role, Trellis's own, stays.
    import_ok(&app, &["oneroster", &oneroster("bulk-without-cleo")]).await;
    let staff_now = staff(&app, &token, "100001").await;
    assert!(staff_now.contains(&(
        "c.marsh@therese.example.org".into(),
        "SENIOR_LEADER".into(),
        true
    )));
    assert!(staff_now.contains(&(
        "c.marsh@therese.example.org".into(),
        "SCHOOL_CPD_LEAD".into(),
        false
    )));
}

#[tokio::test]
async fn malformed_oneroster_exports_change_nothing_or_only_their_bad_rows() {
    let app = spawn_app().await;
    oneroster_world(&app).await;
    let people = || person::Entity::find().count(&app.db);

    let refused = import(&app, &["oneroster", &oneroster("missing-columns")]).await;
    assert!(!refused.ok);
    assert!(
        refused
            .stderr
            .contains("users.csv line 1: the header lacks the columns `email`"),
        "{}",
        refused.stderr
    );
    assert_eq!(people().await.unwrap(), 1);

    // A 10 MB line in users.csv: the export is refused, nothing imported.
    let dir = tempfile::tempdir().unwrap();
    for file in ["manifest.csv", "orgs.csv", "roles.csv", "users.csv"] {
        std::fs::copy(
            fixture(&format!("oneroster/bulk/{file}")),
            dir.path().join(file),
        )
        .unwrap();
    }
    let mut users = std::fs::read(dir.path().join("users.csv")).unwrap();
    users.extend(std::iter::repeat_n(b'y', 10 * 1024 * 1024));
    std::fs::write(dir.path().join("users.csv"), users).unwrap();
    let refused = import(&app, &["oneroster", dir.path().to_str().unwrap()]).await;
    assert!(!refused.ok);
    assert!(
        refused
            .stderr
            .contains("users.csv line 8: is longer than 64 KiB"),
        "{}",
        refused.stderr
    );
    assert_eq!(people().await.unwrap(), 1);

    // Saved as Windows-1252: the row that is not UTF-8 is reported; the others import.
    let run = import_ok(&app, &["oneroster", &oneroster("windows-1252")]).await;
    assert!(
        run.contains("users.csv line 3 (u-zoe): is not UTF-8 text"),
        "{run}"
    );
    assert!(
        run.contains("roles.csv line 3 (r-zoe): user u-zoe was not imported"),
        "{run}"
    );
    assert_eq!(people().await.unwrap(), 2);
}

#[tokio::test]
async fn school_leaders_upload_oneroster_exports_for_their_own_schools_only() {
    let app = spawn_app().await;
    oneroster_world(&app).await;
    let ings = school::Entity::find()
        .filter(school::Column::Urn.eq("100008"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let head = app.person("head@ingslane.example.org", false).await;
    app.staff(head, ings, StaffRoleKind::Headteacher).await;
    let teacher = app.person("teacher@ingslane.example.org", false).await;
    app.staff(teacher, ings, StaffRoleKind::Teacher).await;
    let head = app.sign_in("head@ingslane.example.org").await;
    let teacher = app.sign_in("teacher@ingslane.example.org").await;
    let zip = std::fs::read(fixture("oneroster/bulk.zip")).unwrap();

    let (_, body) = upload(
        &app,
        &teacher,
        IMPORT_ONEROSTER,
        json!({}),
        "bulk.zip",
        zip.clone(),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body:#}"
    );

    let (_, body) = upload(
        &app,
        &head,
        IMPORT_ONEROSTER,
        json!({ "dryRun": true }),
        "bulk.zip",
        zip.clone(),
    )
    .await;
    assert_eq!(
        body["data"]["importOneRosterExport"]["report"]["dryRun"], true,
        "{body:#}"
    );
    assert_eq!(person::Entity::find().count(&app.db).await.unwrap(), 3);

    let (_, body) = upload(&app, &head, IMPORT_ONEROSTER, json!({}), "bulk.zip", zip).await;
    let report = &body["data"]["importOneRosterExport"]["report"];
    let roles = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|file| file["file"] == "roles.csv")
        .unwrap();
    assert_eq!(
        roles["created"], 1,
        "only Dev's role at Ings Lane: {body:#}"
    );
    assert!(
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|problem| problem["key"] == "org-therese"
                && problem["reason"] == "this school is not one this import may change"),
        "{body:#}"
    );
    assert_eq!(
        staff(&app, &head, "100008").await,
        [
            (
                "d.rao@ingslane.example.org".into(),
                "HEADTEACHER".into(),
                false
            ),
            (
                "head@ingslane.example.org".into(),
                "HEADTEACHER".into(),
                false
            ),
            (
                "teacher@ingslane.example.org".into(),
                "TEACHER".into(),
                false
            ),
        ]
    );

    let (_, body) = upload(
        &app,
        &head,
        IMPORT_ONEROSTER,
        json!({}),
        "not-a.zip",
        b"hello".to_vec(),
    )
    .await;
    let payload = &body["data"]["importOneRosterExport"];
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "file"]),
        "{body:#}"
    );
}

#[tokio::test]
async fn a_service_account_with_people_write_imports_its_schools_staff_twice_changing_nothing_the_second_time()
 {
    use crate::common::service_accounts::Tenant;
    let app = spawn_app().await;
    oneroster_world(&app).await;
    let ings = school::Entity::find()
        .filter(school::Column::Urn.eq("100008"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let head = app.person("head@ingslane.example.org", false).await;
    app.staff(head, ings, StaffRoleKind::Headteacher).await;
    let head = app.sign_in("head@ingslane.example.org").await;
    let (_, mis) = app
        .service_account_with_token(
            &head,
            Tenant::School(ings),
            &["PEOPLE_READ", "PEOPLE_WRITE"],
        )
        .await;
    let (_, reader) = app
        .service_account_with_token(&head, Tenant::School(ings), &["PEOPLE_READ"])
        .await;
    let zip = std::fs::read(fixture("oneroster/bulk.zip")).unwrap();

    let (_, body) = upload(
        &app,
        &reader,
        IMPORT_ONEROSTER,
        json!({}),
        "bulk.zip",
        zip.clone(),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body:#}"
    );

    let roles_of = |body: &Value| {
        body["data"]["importOneRosterExport"]["report"]["files"]
            .as_array()
            .unwrap_or_else(|| panic!("{body:#}"))
            .iter()
            .find(|file| file["file"] == "roles.csv")
            .unwrap()
            .clone()
    };
    let (_, first) = upload(
        &app,
        &mis,
        IMPORT_ONEROSTER,
        json!({}),
        "bulk.zip",
        zip.clone(),
    )
    .await;
    assert_eq!(roles_of(&first)["created"], 1, "{first:#}");
    let (_, second) = upload(&app, &mis, IMPORT_ONEROSTER, json!({}), "bulk.zip", zip).await;
    let roles = roles_of(&second);
    assert_eq!(
        (
            roles["created"].clone(),
            roles["ended"].clone(),
            roles["unchanged"].clone()
        ),
        (json!(0), json!(0), json!(1)),
        "{second:#}"
    );
    assert_eq!(
        staff(&app, &head, "100008").await,
        [
            (
                "d.rao@ingslane.example.org".into(),
                "HEADTEACHER".into(),
                false
            ),
            (
                "head@ingslane.example.org".into(),
                "HEADTEACHER".into(),
                false
            ),
        ]
    );
    // Nothing of the other school was touched.
    assert_eq!(
        person::Entity::find()
            .filter(person::Column::Email.eq("a.okafor@therese.example.org"))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

/// The upload mutations' texts refuse control characters as every input does (the JSON
/// trials of `text_input` cannot send a file).
#[tokio::test]
async fn upload_inputs_refuse_control_characters() {
    let app = spawn_app().await;
    app.person("admin@example.org", true).await;
    let admin = app.sign_in("admin@example.org").await;
    let zip = std::fs::read(fixture("oneroster/bulk.zip")).unwrap();
    let (_, body) = upload(
        &app,
        &admin,
        IMPORT_ONEROSTER,
        json!({ "sourceSystem": "mis\u{0}" }),
        "bulk.zip",
        zip,
    )
    .await;
    let errors = &body["data"]["importOneRosterExport"]["userErrors"];
    assert_eq!(
        errors[0]["field"],
        json!(["input", "sourceSystem"]),
        "{body:#}"
    );
    assert_eq!(errors[0]["code"], "INVALID");
    assert_eq!(person::Entity::find().count(&app.db).await.unwrap(), 1);
}
