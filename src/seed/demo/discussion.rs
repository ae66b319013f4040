//! Demo discussion: posts under any host (a community's threads and replies, comments on
//! practice), written as the API writes them.

use crate::graphql::versioned::InsertFirst;
use chrono::{DateTime, Utc};
use entity::discussion_post;
use entity::enums::DiscussionHostKind;
use sea_orm::{DatabaseTransaction, DbErr, Set};

use crate::discussion::mutations::activity_key;

/// A post under `host` by `author` (writing from `school`), made `at`: in `thread`, or
/// opening one (with its `title`) when `thread` is `None`, or a comment where the host
/// keeps no threads. Returns its id.
#[allow(clippy::too_many_arguments)]
pub(super) async fn post(
    txn: &DatabaseTransaction,
    host: (DiscussionHostKind, i32),
    thread: Option<i32>,
    author: i32,
    school: Option<i32>,
    title: Option<&str>,
    body: &str,
    at: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(discussion_post::ActiveModel {
        host_kind: Set(host.0),
        host_id: Set(host.1),
        thread_id: Set(thread),
        author_id: Set(author),
        author_school_id: Set(school),
        title: Set(title.map(str::to_owned)),
        body_markdown: Set(body.to_owned()),
        pinned: Set(false),
        hidden_reason: Set(None),
        hidden_by_id: Set(None),
        deleted_at: Set(None),
        activity_key: Set(activity_key(false, at)),
        ..Default::default()
    }
    .insert_first(txn, at)
    .await?
    .id)
}
