//! Lists read the rows of their busiest tables by column position on PostgreSQL
//! (`entity::rows`): for each such table that must give exactly the models sea-orm reads by
//! name, NULLs included. PostgreSQL only: on SQLite rows are read by name either way, so
//! there is nothing to compare.

use std::fmt::Debug;

use entity::enums::StaffRoleKind;
use entity::rows::ReadRows;
use entity::{alliance, alliance_membership, person, school, staff_role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, QueryTrait, Statement,
};
use trellis::seed::generated::{Profile, seed};

use crate::common::{skipped_unless_postgres, spawn_app};

#[tokio::test]
async fn postgres_only_rows_read_by_position_are_the_rows_read_by_name() {
    if skipped_unless_postgres("postgres_only_rows_read_by_position_are_the_rows_read_by_name") {
        return;
    }
    let app = spawn_app().await;
    seed(&app.db, Profile::Small, 3).await.expect("seeding");
    // Rows with their optional columns empty: a school with no URN or postcode, an alliance
    // with no vision, a role with no job title, a person with no password yet.
    let alliance = app.alliance("Positional Alliance").await;
    let school = app.school("Positional Primary").await;
    app.member(alliance, school).await;
    let invited = app.person("invited@positional.example", false).await;
    person::Entity::update_many()
        .col_expr(person::Column::PasswordHash, Expr::value(None::<String>))
        .filter(person::Column::Id.eq(invited))
        .exec(&app.db)
        .await
        .unwrap();
    app.staff(invited, school, StaffRoleKind::Teacher).await;

    same_either_way::<alliance::Entity>(&app.db).await;
    same_either_way::<alliance_membership::Entity>(&app.db).await;
    same_either_way::<person::Entity>(&app.db).await;
    same_either_way::<school::Entity>(&app.db).await;
    same_either_way::<staff_role::Entity>(&app.db).await;
}

/// Reading by position checks each column's type on a statement's first row, so a column
/// the field cannot hold is an error, as it is by name, and not a value misread: a timestamp
/// without time zone would decode into `DateTime<Utc>` all the same, read as if in UTC.
#[tokio::test]
async fn postgres_only_a_column_of_another_type_is_refused_not_misread() {
    // SQLite rows are read by name, with sqlx's own check on every value.
    if skipped_unless_postgres("postgres_only_a_column_of_another_type_is_refused_not_misread") {
        return;
    }
    let app = spawn_app().await;
    app.person("first@positional.example", false).await;
    app.person("second@positional.example", false).await;
    let statement = Statement::from_string(
        DbBackend::Postgres,
        "SELECT id, email, given_name, family_name, status, password_hash, is_platform_admin, \
         version, created_at::timestamp AS created_at, updated_at FROM person",
    );
    let rows = app.db.query_all_raw(statement).await.unwrap();
    assert_eq!(rows.len(), 2);
    // Not `expect_err`: it would print the rows read, password hashes and all.
    let Err(error) = person::Model::read_all(&rows) else {
        panic!("a timestamp column was read as a timestamptz");
    };
    assert!(error.to_string().contains("column created_at"), "{error}");
}

/// Reads one statement's rows of `E` by name and through `ReadRows`, and compares.
async fn same_either_way<E>(db: &DatabaseConnection)
where
    E: EntityTrait,
    E::Model: ReadRows + PartialEq + Debug,
{
    let rows = db
        .query_all_raw(E::find().build(db.get_database_backend()))
        .await
        .unwrap();
    assert!(
        rows.len() > 1,
        "{}: too few rows to compare",
        E::default().table_name()
    );
    let by_name: Vec<E::Model> = rows
        .iter()
        .map(|row| E::Model::from_query_result(row, "").unwrap())
        .collect();
    let read = E::Model::read_all(&rows).unwrap();
    assert_eq!(read, by_name, "{}", E::default().table_name());
}
