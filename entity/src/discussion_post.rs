use sea_orm::entity::prelude::*;

use crate::enums::DiscussionHostKind;

/// A thread (no `thread_id`) or a reply in a discussion: a community's, the comments on a
/// practice, or another host's, named by `host_kind` and `host_id`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "discussion_post")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub host_kind: DiscussionHostKind,
    /// The id of the host (a community, a practice), of the kind `host_kind` says.
    pub host_id: i32,
    /// The thread a reply belongs to; `None` for a thread.
    pub thread_id: Option<i32>,
    pub author_id: i32,
    /// The school the author shared from, for consent.
    pub author_school_id: Option<i32>,
    pub title: Option<String>,
    pub body_markdown: String,
    pub pinned: bool,
    pub hidden_reason: Option<String>,
    pub hidden_by_id: Option<i32>,
    pub deleted_at: Option<DateTimeUtc>,
    /// Of a thread: `1` when pinned (else `0`) then when it or a reply was last posted, as
    /// fixed-width RFC 3339; threads list by it, descending.
    pub activity_key: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
