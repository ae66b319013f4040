//! Finding demo rows again by what the demo data names them by (an email, a school's key),
//! shared by every domain's demo data.

use entity::{person, staff_role, theme};
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};

/// A demo person's id by email.
pub(super) async fn person_id(txn: &DatabaseTransaction, email: &str) -> Result<i32, DbErr> {
    person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(txn)
        .await?
        .map(|p| p.id)
        .ok_or_else(|| DbErr::Custom(format!("demo person {email} is missing")))
}

/// The school a demo person works at, if any.
pub(super) async fn school_of(
    txn: &DatabaseTransaction,
    person: i32,
) -> Result<Option<i32>, DbErr> {
    Ok(staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.eq(person))
        .one(txn)
        .await?
        .map(|r| r.school_id))
}

/// The school a demo person works at, who must work at one (an author, a coach).
pub(super) async fn works_at(txn: &DatabaseTransaction, person: i32) -> Result<i32, DbErr> {
    school_of(txn, person)
        .await?
        .ok_or_else(|| DbErr::Custom(format!("demo person {person} works nowhere")))
}

/// A demo school's id by its key, through its headteacher's staff role (`kingsmead` →
/// `headteacher@kingsmead.example`).
pub(super) async fn school_by_key(txn: &DatabaseTransaction, key: &str) -> Result<i32, DbErr> {
    let head = person_id(txn, &format!("headteacher@{key}.example")).await?;
    school_of(txn, head)
        .await?
        .ok_or_else(|| DbErr::Custom(format!("demo school {key} has no headteacher")))
}

/// The `theme_keys` of a demo row (`,3,7,`): the ids of `themes` named in `names`.
pub(super) fn theme_keys(themes: &[theme::Model], names: &[&str]) -> String {
    let ids: Vec<String> = names
        .iter()
        .filter_map(|name| themes.iter().find(|t| t.name == *name))
        .map(|t| t.id.to_string())
        .collect();
    format!(",{},", ids.join(","))
}
