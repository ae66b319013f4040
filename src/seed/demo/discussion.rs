//! Demo discussion: posts under any host (a community's threads and replies, comments on
//! practice), written as the API writes them.

use chrono::{DateTime, Utc};
use entity::enums::DiscussionHostKind;
use sea_orm::{DatabaseTransaction, DbErr};

use crate::discussion::mutations::{activity_key, new_post};
use crate::graphql::versioned::InsertFirst;

/// A post under `host` by `author` (the person and the school they write from), made
/// `at`: in `thread`, or opening one (with its `title`) when `thread` is `None`, or a
/// comment where the host keeps no threads. Returns its id.
pub(super) async fn post(
    txn: &DatabaseTransaction,
    host: (DiscussionHostKind, i32),
    thread: Option<i32>,
    author: (i32, Option<i32>),
    title: Option<&str>,
    body: &str,
    at: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(new_post(
        host,
        thread,
        author,
        title.map(str::to_owned),
        body.to_owned(),
        activity_key(false, at),
    )
    .insert_first(txn, at)
    .await?
    .id)
}
