//! Posts written before discussion named its host by kind and id keep their host, their
//! ids and everything else when migrating: a community's threads and replies stay the
//! community's, a practice's comments stay the practice's. Runs the migrations on a
//! database of its own.

use crate::common::BeforeMigration;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

/// A post as migrated: id, host kind, host id, thread, body, activity key, version.
type MigratedPost = (i32, String, i32, Option<i32>, String, String, i32);

#[tokio::test]
async fn migrating_keeps_each_posts_host() {
    let dir = tempfile::tempdir().unwrap();
    let before = BeforeMigration::new(&dir, "m20261206_000020_discussion_hosts").await;
    let (db, backend, now) = (&before.db, before.backend, before.now());
    let run = |sql: String| before.run(sql);
    for sql in [
        "INSERT INTO alliance (id, name, kind, version, created_at, updated_at)
         VALUES (1, 'Alder', 'OTHER', 1, {now}, {now})",
        "INSERT INTO school (id, name, phase, status, version, created_at, updated_at)
         VALUES (1, 'Alder Primary', 'PRIMARY', 'OPEN', 1, {now}, {now})",
        "INSERT INTO person (id, email, given_name, family_name, status, created_at, updated_at)
         VALUES (1, 'ada@alder.example', 'Ada', 'Lovelace', 'ACTIVE', {now}, {now})",
        "INSERT INTO community (id, alliance_id, name, kind, visibility, status, theme_keys,
             phases, created_by_id, created_at, updated_at)
         VALUES (4, 1, 'Reading', 'COLLABORATION_NETWORK', 'ALLIANCE', 'ACTIVE', ',', '[]', 1, {now}, {now})",
        "INSERT INTO practice (id, kind, title, summary, body_markdown, links, theme_keys,
             phase_keys, subject_keys, key_stage_keys, school_id, visibility, status,
             created_by_id, created_at, updated_at)
         VALUES (4, 'CASE_STUDY', 'Phonics', 'S', 'B', '[]', ',', ',', ',', ',', 1, 'PUBLIC',
             'PUBLISHED', 1, {now}, {now})",
    ] {
        run(sql.replace("{now}", now)).await;
    }
    // Both hosts have id 4: only the kind tells them apart.
    for (id, community, practice, thread) in [
        (10, "4", "NULL", "NULL"),
        (11, "4", "NULL", "10"),
        (12, "NULL", "4", "NULL"),
        (13, "NULL", "4", "12"),
    ] {
        run(format!(
            "INSERT INTO discussion_post (id, community_id, practice_id, thread_id, author_id,
                 author_school_id, title, body_markdown, pinned, activity_key, version,
                 created_at, updated_at)
             VALUES ({id}, {community}, {practice}, {thread}, 1, 1, 'Post {id}',
                 'Body {id}', false, '0{id}', 2, {now}, {now})"
        ))
        .await;
    }

    Migrator::up(db, Some(1)).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, host_kind, host_id, thread_id, body_markdown, activity_key, version
             FROM discussion_post ORDER BY id",
        ))
        .await
        .unwrap();
    let posts: Vec<MigratedPost> = rows
        .iter()
        .map(|row| {
            (
                row.try_get_by_index(0).unwrap(),
                row.try_get_by_index(1).unwrap(),
                row.try_get_by_index(2).unwrap(),
                row.try_get_by_index(3).unwrap(),
                row.try_get_by_index(4).unwrap(),
                row.try_get_by_index(5).unwrap(),
                row.try_get_by_index(6).unwrap(),
            )
        })
        .collect();
    let post = |id: i32, kind: &str, thread: Option<i32>| {
        let (body, key) = (format!("Body {id}"), format!("0{id}"));
        (id, kind.to_owned(), 4, thread, body, key, 2)
    };
    assert_eq!(
        posts,
        [
            post(10, "COMMUNITY", None),
            post(11, "COMMUNITY", Some(10)),
            post(12, "PRACTICE", None),
            post(13, "PRACTICE", Some(12)),
        ]
    );
    // The per-host columns are gone, and a thread still holds its replies.
    let old_column = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT community_id FROM discussion_post",
        ))
        .await;
    assert!(old_column.is_err(), "community_id should be gone");
    let deleting_a_thread = db
        .execute_raw(Statement::from_string(
            backend,
            "DELETE FROM discussion_post WHERE id = 10",
        ))
        .await;
    assert!(
        deleting_a_thread.is_err(),
        "a reply still refers to its thread"
    );
}
