//! No N+1: a deep query runs the same number of SQL statements however much data it
//! reaches, because every relation loads through a DataLoader in one statement per level.
//!
//! The statement counter belongs to the server, so each measured request runs alone on
//! its own server.

mod common;
mod world;

use common::{TestApp, spawn_app};
use entity::enums::{AllianceRoleKind, MembershipStatus, StaffRoleKind};
use serde_json::{Value, json};
use world::{bulk_staff, set_membership_status};

const DEEP: &str = "{ alliances(first: 10) { edges { node { name
    memberships(first: 10) { totalCount edges { node { school { name
        staff(first: 5) { totalCount edges { node { role person { displayName email } } } } } } } } } } } }";

/// A dataset and two callers: a platform admin, and a non-admin who is an admin of every
/// alliance (so sees them all) but whose access scope is loaded from their roles.
struct Dataset {
    app: TestApp,
    platform_admin: String,
    alliance_admin: String,
    shape: (usize, usize, usize),
}

/// `alliances` alliances, each with `schools` active member schools and one invited
/// school, each school with `staff` teachers.
async fn dataset(alliances: usize, schools: usize, staff: usize) -> Dataset {
    let app = spawn_app().await;
    app.person("platform@trellis.example", true).await;
    let admin = app.person("admin@alliances.example", false).await;
    for a in 0..alliances {
        let alliance = app.alliance(&format!("Alliance {a:02}")).await;
        app.alliance_role(admin, alliance, AllianceRoleKind::Admin)
            .await;
        for s in 0..=schools {
            let school = app.school(&format!("School {a:02}-{s:02}")).await;
            let membership = app.member(alliance, school).await;
            if s == schools {
                // Invited, not yet a member: its staff are not in the admin's network.
                set_membership_status(&app, membership, MembershipStatus::Invited).await;
            }
            bulk_staff(
                &app,
                school,
                &format!("a{a}s{s}p"),
                staff,
                StaffRoleKind::Teacher,
            )
            .await;
        }
    }
    let platform_admin = app.sign_in("platform@trellis.example").await;
    let alliance_admin = app.sign_in("admin@alliances.example").await;
    Dataset {
        app,
        platform_admin,
        alliance_admin,
        shape: (alliances, schools, staff),
    }
}

/// Runs the deep query as `token` and returns its answer and the statements it ran.
async fn measure(app: &TestApp, token: &str) -> (Value, u64) {
    let before = app.sql_statements().await;
    let data = app.ok(Some(token), DEEP, json!({})).await;
    let after = app.sql_statements().await;
    (data, after - before)
}

/// Checks the answer reached the whole dataset, so that equal counts mean something.
fn check_answer(
    data: &Value,
    (alliances, schools, staff): (usize, usize, usize),
    platform_admin: bool,
) {
    let edges = data["alliances"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), alliances.min(10));
    for alliance in edges {
        let memberships = &alliance["node"]["memberships"];
        assert_eq!(memberships["totalCount"], schools + 1);
        let members = memberships["edges"].as_array().unwrap();
        assert_eq!(members.len(), (schools + 1).min(10));
        for (n, member) in members.iter().enumerate() {
            let listed = &member["node"]["school"]["staff"];
            let invited = n == schools;
            if invited && !platform_admin {
                assert_eq!(
                    listed["totalCount"], 0,
                    "an invited school's staff are not shown"
                );
                continue;
            }
            assert_eq!(listed["totalCount"], staff);
            let people = listed["edges"].as_array().unwrap();
            assert_eq!(people.len(), staff.min(5));
            for person in people {
                assert!(
                    person["node"]["person"]["displayName"].is_string(),
                    "{person}"
                );
                assert!(person["node"]["person"]["email"].is_string(), "{person}");
            }
        }
    }
}

/// The deep query costs the same number of statements for a small dataset and one ten
/// times larger, for a platform admin and for an alliance admin (whose access scope is
/// loaded from their roles).
#[tokio::test]
async fn a_deep_query_runs_as_many_statements_for_ten_times_the_data() {
    let small = dataset(2, 2, 3).await;
    let large = dataset(10, 4, 6).await;
    let mut counts = Vec::new();
    for (label, set) in [("2x2x3", &small), ("10x4x6", &large)] {
        for (caller, token, platform_admin) in [
            ("platform admin", &set.platform_admin, true),
            ("alliance admin", &set.alliance_admin, false),
        ] {
            let (data, statements) = measure(&set.app, token).await;
            check_answer(&data, set.shape, platform_admin);
            // Asked again, the answer and its cost are the same.
            let (again, repeated) = measure(&set.app, token).await;
            assert_eq!(again, data);
            assert_eq!(
                repeated, statements,
                "{caller} on {label}: the count is stable"
            );
            println!("SQL statements for the deep query, {caller}, dataset {label}: {statements}");
            counts.push(((caller, label), statements));
        }
    }
    let count = |caller: &str, label: &str| {
        counts
            .iter()
            .find(|((c, l), _)| *c == caller && *l == label)
            .map(|(_, n)| *n)
            .unwrap()
    };
    for caller in ["platform admin", "alliance admin"] {
        assert_eq!(
            count(caller, "2x2x3"),
            count(caller, "10x4x6"),
            "{caller}: the statements must not grow with the data"
        );
    }
    assert!(
        count("platform admin", "10x4x6") <= 20 && count("alliance admin", "10x4x6") <= 25,
        "one statement per level and a few more, not one per row"
    );
}
