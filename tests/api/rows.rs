//! Lists read the rows of their busiest tables by column position on PostgreSQL
//! (`entity::rows`): for each such table that must give exactly the models sea-orm reads by
//! name, NULLs included. (On SQLite both are the same reading by name.)

use std::fmt::Debug;

use entity::enums::StaffRoleKind;
use entity::rows::ReadRows;
use entity::{alliance, alliance_membership, person, school, staff_role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryTrait,
};
use trellis::seed::{Profile, seed};

use crate::common::spawn_app;

#[tokio::test]
async fn rows_read_by_position_are_the_rows_read_by_name() {
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
    let read = E::Model::read_all(rows).unwrap();
    assert_eq!(read, by_name, "{}", E::default().table_name());
}
