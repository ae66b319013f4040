//! The rules the database keeps for shares of records (migration 48), whatever writes the
//! rows: a share names exactly one record, on insert and on update; a record has at most
//! one open share to a person, of an observation as of a reflection, and a withdrawn one
//! leaves room for a new one. The migration stops, changing nothing, on shares that break
//! the first rule, and is undone by `down`.

use chrono::Utc;
use entity::record_share;
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::common::BeforeMigration;
use crate::community_world::community_world;
use crate::world::{key_of, mutate_ok};

/// An open share, written straight to the database.
async fn insert(
    db: &DatabaseConnection,
    row: &record_share::Model,
    observation_id: Option<i32>,
    reflection_id: Option<i32>,
) -> Result<record_share::Model, sea_orm::DbErr> {
    record_share::ActiveModel {
        observation_id: Set(observation_id),
        reflection_id: Set(reflection_id),
        owner_id: Set(row.owner_id),
        person_id: Set(row.person_id),
        through_school_id: Set(None),
        shared_at: Set(Utc::now()),
        withdrawn_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Sets `column` of the share `id` to `value`.
async fn update(
    db: &DatabaseConnection,
    id: i32,
    column: record_share::Column,
    value: Expr,
) -> Result<(), sea_orm::DbErr> {
    record_share::Entity::update_many()
        .col_expr(column, value)
        .filter(record_share::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn the_database_keeps_one_record_per_share_and_one_open_share_per_person() {
    let w = community_world().await;
    let db = &w.app.db;
    let (ben, head) = (&w.teachers[1], &w.heads[1]);
    let observation = mutate_ok(
        &w.app,
        &head.token,
        "recordObservation",
        "observation { id }",
        json!({ "teacherId": ben.gid(), "observedOn": "2026-11-30", "purpose": "DEVELOPMENTAL",
                "focus": "Modelling", "wentWell": "A clear worked example." }),
    )
    .await["observation"]["id"]
        .clone();
    let reflection = mutate_ok(
        &w.app,
        &ben.token,
        "writeReflection",
        "reflection { id }",
        json!({ "writtenOn": "2026-11-30", "purpose": "DEVELOPMENTAL",
                "title": "Modelling", "bodyMarkdown": "Slower next time." }),
    )
    .await["reflection"]["id"]
        .clone();
    mutate_ok(
        &w.app,
        &ben.token,
        "shareRecord",
        "record { __typename }",
        json!({ "recordId": reflection, "personId": head.gid() }),
    )
    .await;
    let (observation, reflection) = (key_of(&observation), key_of(&reflection));
    let shared = record_share::Entity::find()
        .filter(record_share::Column::ReflectionId.eq(reflection))
        .one(db)
        .await
        .unwrap()
        .expect("the share");

    // A share of both records, or of none; a second open share of the reflection.
    for (observation_id, reflection_id) in [
        (Some(observation), Some(reflection)),
        (None, None),
        (None, Some(reflection)),
    ] {
        let refused = insert(db, &shared, observation_id, reflection_id).await;
        assert!(refused.is_err(), "{observation_id:?} {reflection_id:?}");
    }
    // An update that makes the share name both records, or none.
    for (column, value) in [
        (
            record_share::Column::ObservationId,
            Expr::value(observation),
        ),
        (
            record_share::Column::ReflectionId,
            Expr::value(Option::<i32>::None),
        ),
    ] {
        let refused = update(db, shared.id, column, value).await;
        assert!(refused.is_err(), "{column:?}");
    }
    let unchanged = record_share::Entity::find_by_id(shared.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(unchanged.as_ref(), Some(&shared));

    // Withdrawn, it leaves room for a new open share to the same person.
    update(
        db,
        shared.id,
        record_share::Column::WithdrawnAt,
        Expr::value(Utc::now()),
    )
    .await
    .unwrap();
    insert(db, &shared, None, Some(reflection)).await.unwrap();
}

#[tokio::test]
async fn migration_48_stops_on_a_share_of_no_record_and_is_undone_by_down() {
    let dir = tempfile::tempdir().unwrap();
    let before = BeforeMigration::new(&dir, "m20261210_000048_record_rules").await;
    let (db, now) = (&before.db, before.now());
    for (id, email) in [(1, "ada@alder.example"), (2, "ben@alder.example")] {
        before
            .run(format!(
                "INSERT INTO person (id, email, given_name, family_name, status, created_at, \
                 updated_at) VALUES ({id}, '{email}', 'A', 'B', 'ACTIVE', {now}, {now})"
            ))
            .await;
    }
    let broken = format!(
        "INSERT INTO record_share (id, owner_id, person_id, shared_at) VALUES (1, 1, 2, {now})"
    );
    before.run(broken.clone()).await;

    let stopped = Migrator::up(db, Some(1)).await.unwrap_err();
    assert!(
        stopped.to_string().contains("shares name no record or two"),
        "{stopped}"
    );
    // Still pending, as are the migrations after it.
    let pending = Migrator::get_pending_migrations(db).await.unwrap();
    assert_eq!(pending[0].name(), "m20261210_000048_record_rules");

    before.run("DELETE FROM record_share".to_owned()).await;
    Migrator::up(db, Some(1)).await.unwrap();
    Migrator::down(db, Some(1)).await.unwrap();
    // Undone, the database no longer refuses such a share.
    before.run(broken).await;
}
