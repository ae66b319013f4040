//! Nested lists of many parents load in one statement per shape; parents whose lists
//! are asked under different conditions must each be answered under their own.

use entity::enums::StaffRoleKind;
use serde_json::{Value, json};

use crate::common::spawn_app;

const STAFF: &str = "staff(first: 10) { totalCount nodes { person { displayName } } }";

/// The staff names and count a school's `staff` connection answers.
fn staff_of(school: &Value) -> (Vec<String>, u64) {
    let staff = &school["staff"];
    let emails = staff["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["person"]["displayName"].as_str().unwrap().to_owned())
        .collect();
    (emails, staff["totalCount"].as_u64().unwrap())
}

#[tokio::test]
async fn parents_listed_together_are_each_answered_under_their_own_visibility() {
    let app = spawn_app().await;
    // Staff are seen by their colleagues; these schools share no alliance.
    let own = app.school("Own Primary").await;
    let other = app.school("Other Primary").await;
    let viewer = app.person("viewer@own.example", false).await;
    app.staff(viewer, own, StaffRoleKind::Teacher).await;
    for (email, school) in [
        ("colleague@own.example", own),
        ("a@other.example", other),
        ("b@other.example", other),
    ] {
        let person = app.person(email, false).await;
        app.staff(person, school, StaffRoleKind::Teacher).await;
    }
    let token = app.sign_in("viewer@own.example").await;

    let together = app
        .ok(
            Some(&token),
            &format!("{{ schools(first: 10) {{ nodes {{ id name {STAFF} }} }} }}"),
            json!({}),
        )
        .await;
    let schools = together["schools"]["nodes"].as_array().unwrap();
    assert_eq!(schools.len(), 2, "{together:#}");
    for school in schools {
        let alone = app
            .ok(
                Some(&token),
                &format!("query($id: ID!) {{ node(id: $id) {{ ... on School {{ {STAFF} }} }} }}"),
                json!({ "id": school["id"] }),
            )
            .await;
        assert_eq!(
            staff_of(school),
            staff_of(&alone["node"]),
            "{} answers the same in a list as alone",
            school["name"]
        );
    }
    let by_name = |name: &str| {
        let school = schools.iter().find(|s| s["name"] == name).unwrap();
        staff_of(school)
    };
    let (mut colleagues, count) = by_name("Own Primary");
    colleagues.sort();
    assert_eq!(
        (colleagues, count),
        (
            vec![
                "colleague own.example".to_owned(),
                "viewer own.example".to_owned()
            ],
            2
        )
    );
    assert_eq!(by_name("Other Primary"), (vec![], 0));
}
