//! Platform admins, created from the command line.

use chrono::Utc;
use entity::enums::PersonStatus;
use entity::person;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::auth::passwords;
use crate::graphql::versioned::InsertFirst;
use crate::validation;

/// Creates a platform admin, or makes an existing person one and sets their password.
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &str,
    given_name: &str,
    family_name: &str,
    password: &str,
) -> anyhow::Result<person::Model> {
    let email = validation::email("email", email).map_err(|e| anyhow::anyhow!(e.message))?;
    if let Some(weakness) = passwords::weakness(password, &[&email, given_name, family_name]) {
        anyhow::bail!("password refused: {weakness}");
    }
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || passwords::hash(&password)).await?;
    let now = Utc::now();
    let existing = person::Entity::find()
        .filter(person::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let person = match existing {
        Some(person) => {
            let mut change: person::ActiveModel = person.into();
            change.is_platform_admin = Set(true);
            change.password_hash = Set(Some(hash));
            change.status = Set(PersonStatus::Active);
            change.updated_at = Set(now);
            change.update(db).await?
        }
        None => {
            person::ActiveModel {
                email: Set(email),
                given_name: Set(given_name.to_owned()),
                family_name: Set(family_name.to_owned()),
                status: Set(PersonStatus::Active),
                password_hash: Set(Some(hash)),
                is_platform_admin: Set(true),
                ..Default::default()
            }
            .insert_first(db, now)
            .await?
        }
    };
    Ok(person)
}
