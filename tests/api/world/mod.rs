//! Helpers shared by the alliance, policy, pagination and SQL-count tests: running
//! mutations in the API's `input`/`userErrors` shape, reading errors, global ids and
//! invitation emails, and quick bulk fixtures.

use base64::Engine;
use chrono::Utc;
use entity::enums::{MembershipStatus, PersonStatus, StaffRoleKind};
use entity::{alliance_membership, audit_event, invitation, person, staff_role};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};

use crate::common::TestApp;

/// A mutation document for `field`, taking one `input: FieldInput!` and selecting
/// `selection` plus the payload's `userErrors`.
pub fn mutation_doc(field: &str, selection: &str) -> String {
    let mut chars = field.chars();
    let first = chars.next().expect("a field name").to_ascii_uppercase();
    let input_type = format!("{first}{}Input", chars.as_str());
    format!(
        "mutation($input: {input_type}!) {{ {field}(input: $input) {{ {selection} userErrors {{ field code message }} }} }}"
    )
}

/// Runs mutation `field` as `token`; the whole response body.
pub async fn mutate_raw(
    app: &TestApp,
    token: &str,
    field: &str,
    selection: &str,
    input: Value,
) -> Value {
    app.gql(
        Some(token),
        &mutation_doc(field, selection),
        json!({ "input": input }),
    )
    .await
}

/// Runs mutation `field` as `token`, which must not fail at the top level; the payload.
pub async fn mutate(
    app: &TestApp,
    token: &str,
    field: &str,
    selection: &str,
    input: Value,
) -> Value {
    let body = mutate_raw(app, token, field, selection, input).await;
    assert!(body.get("errors").is_none(), "{field} failed: {body:#}");
    body["data"][field].clone()
}

/// Runs mutation `field` as `token`, which must succeed without user errors; the payload.
pub async fn mutate_ok(
    app: &TestApp,
    token: &str,
    field: &str,
    selection: &str,
    input: Value,
) -> Value {
    let payload = mutate(app, token, field, selection, input).await;
    assert_eq!(
        payload["userErrors"],
        json!([]),
        "{field} refused: {payload:#}"
    );
    payload
}

/// The `extensions.code` of the first top-level error, if there is one.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// The codes of a payload's `userErrors`.
pub fn user_error_codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .expect("a payload with userErrors")
        .iter()
        .map(|error| error["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The database key inside a global id such as `gid("School", 3)`.
pub fn key_of(id: &Value) -> i32 {
    let text = id
        .as_str()
        .unwrap_or_else(|| panic!("a global id, got {id}"));
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .expect("a base64url global id");
    let decoded = String::from_utf8(bytes).expect("a UTF-8 global id");
    decoded
        .rsplit_once(':')
        .and_then(|(_, key)| key.parse().ok())
        .unwrap_or_else(|| panic!("a global id of the form Kind:key, got {decoded}"))
}

/// The invitation token in the last email sent to `to`.
pub async fn invitation_token(app: &TestApp, to: &str) -> String {
    let email = app
        .mail()
        .await
        .into_iter()
        .rev()
        .find(|email| email.to == to)
        .unwrap_or_else(|| panic!("no email was sent to {to}"));
    email
        .body
        .lines()
        .find_map(|line| {
            line.split_once("acceptInvitation mutation: ")
                .map(|(_, token)| token.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no invitation token in: {}", email.body))
}

/// How many entries of `action` the audit log holds.
pub async fn audited(app: &TestApp, action: &str) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .count(&app.db)
        .await
        .unwrap()
}

/// Moves every invitation's sending back in time, past the wait between two sendings, so
/// that it may be sent again now.
pub async fn let_resending_wait_pass(app: &TestApp) {
    let earlier = Utc::now() - chrono::Duration::minutes(11);
    invitation::Entity::update_many()
        .col_expr(invitation::Column::CreatedAt, Expr::value(earlier))
        .exec(&app.db)
        .await
        .unwrap();
    invitation::Entity::update_many()
        .col_expr(invitation::Column::ResentAt, Expr::value(earlier))
        .filter(invitation::Column::ResentAt.is_not_null())
        .exec(&app.db)
        .await
        .unwrap();
}

/// A person and a headteacher role at `school`: the school's leader, signed in.
pub async fn headteacher(app: &TestApp, email: &str, school: i32) -> (i32, String) {
    let person = app.person(email, false).await;
    app.staff(person, school, StaffRoleKind::Headteacher).await;
    (person, app.sign_in(email).await)
}

/// Sets a membership's status directly (fixtures only ever create active ones).
pub async fn set_membership_status(app: &TestApp, membership: i32, status: MembershipStatus) {
    alliance_membership::Entity::update_many()
        .col_expr(
            alliance_membership::Column::Status,
            sea_orm::sea_query::Expr::value(status),
        )
        .filter(alliance_membership::Column::Id.eq(membership))
        .exec(&app.db)
        .await
        .unwrap();
}

/// Creates `count` people (who never sign in) working at `school` in `role`, in two
/// statements: fast enough for datasets of hundreds. Emails are `{prefix}{n}@{domain}`.
pub async fn bulk_staff(
    app: &TestApp,
    school: i32,
    prefix: &str,
    count: usize,
    role: StaffRoleKind,
) {
    let now = Utc::now();
    let emails: Vec<String> = (0..count)
        .map(|n| format!("{prefix}{n}@staff.example"))
        .collect();
    person::Entity::insert_many(emails.iter().map(|email| person::ActiveModel {
        email: Set(email.clone()),
        given_name: Set(format!("{prefix}{}", email.len())),
        family_name: Set("Staff".into()),
        status: Set(PersonStatus::Active),
        password_hash: Set(None),
        is_platform_admin: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }))
    .exec(&app.db)
    .await
    .unwrap();
    let people = person::Entity::find()
        .filter(person::Column::Email.is_in(emails))
        .order_by_asc(person::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    staff_role::Entity::insert_many(people.iter().map(|person| staff_role::ActiveModel {
        person_id: Set(person.id),
        school_id: Set(school),
        role: Set(role),
        job_title: Set(None),
        subjects: Set(json!([])),
        phases: Set(json!([])),
        starts_on: Set(now.date_naive()),
        ends_on: Set(None),
        ..Default::default()
    }))
    .exec(&app.db)
    .await
    .unwrap();
}
