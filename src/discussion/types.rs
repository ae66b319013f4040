//! The GraphQL types of discussion: threads and their replies, wherever they are hosted.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::discussion_post;
use entity::enums::DiscussionHostKind;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use trellis_macros::{connections, fields};

use super::host::host_of_post;
use crate::communities::Community;
use crate::communities::types::community_if_seen;
use crate::errors::ApiResult;
use crate::graphql::context::{access, db};
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, child_page, sorted_child_page};
use crate::graphql::pagination::{Cursor, Page, PageArgs, Sort};
use crate::graphql::readable::readable_row;
use crate::people::Person;
use crate::practice::{Practice, visible_practice};
use crate::schools::School;
use crate::sort_keys::key_time;

crate::wraps! {
    /// A thread of a discussion: a community's, or comments on a practice.
    DiscussionThread(discussion_post::Model),
    /// A reply in a discussion thread.
    DiscussionReply(discussion_post::Model),
}

/// Where a thread stands in its host's list: pinned first, then by latest activity.
fn thread_cursor(row: &discussion_post::Model) -> Cursor {
    Cursor {
        id: row.id,
        key: Some(row.activity_key.clone()),
    }
}

/// The threads of the host `kind` `host_id` that the caller may read, pinned first, then by
/// latest activity (a community's threads, a practice's comment threads): the pages of
/// every host in a list in one statement.
pub async fn host_threads(
    ctx: &Context<'_>,
    kind: DiscussionHostKind,
    host_id: i32,
    args: &PageArgs,
) -> ApiResult<Page<DiscussionThread>> {
    let access = access(ctx).await?;
    let list = ChildList::<discussion_post::Entity>::new(
        host_id,
        discussion_post::Column::HostId,
        Condition::all()
            .add(discussion_post::Column::HostKind.eq(kind))
            .add(discussion_post::Column::ThreadId.is_null())
            .add(access.post_condition()),
    );
    let sort = Sort {
        column: Some(discussion_post::Column::ActivityKey),
        descending: true,
    };
    sorted_child_page(ctx, list, sort, args, thread_cursor).await
}

/// What a reader may read of a post: nothing of a deleted one; of a hidden one, only the
/// author and those who moderate the discussion.
async fn readable_body<'a>(
    ctx: &Context<'_>,
    post: &'a discussion_post::Model,
) -> Result<Option<&'a str>> {
    if post.deleted_at.is_some() {
        return Ok(None);
    }
    if post.hidden_reason.is_some() {
        let access = access(ctx).await?;
        if post.author_id != access.person_id {
            let moderates = match host_of_post(db(ctx), &access, post).await? {
                Some(host) => access.moderates(db(ctx), host.moderators()).await?,
                None => false,
            };
            if !moderates {
                return Ok(None);
            }
        }
    }
    Ok(Some(&post.body_markdown))
}

#[fields(
    /// Opaque global id; stable across releases.
    id = NodeKind::DiscussionThread,
    /// The author, if the caller can see them.
    author: Person = person(author_id),
    /// The school the author shared from.
    author_school: School = school(author_school_id),
    /// Why a facilitator hid the post, if they did.
    hidden_reason: Option<&str>,
    /// Whether a moderator pinned the thread to the top of the list.
    pinned: bool,
    /// Increases with every edit; pass it back as `expectedVersion`.
    version: i32,
    /// When the thread was started.
    created_at: DateTime<Utc>,
    /// When its author last edited or deleted the thread; hiding and pinning leave it as
    /// it was.
    updated_at: DateTime<Utc>,
)]
#[connections]
#[Object]
/// A thread of a discussion: a community's, or comments on a practice.
impl DiscussionThread {
    /// The community whose discussion this is; `null` for comments on a practice.
    async fn community(&self, ctx: &Context<'_>) -> Result<Option<Community>> {
        match self.0.host_kind {
            DiscussionHostKind::Community => Ok(community_if_seen(ctx, self.0.host_id).await?),
            _ => Ok(None),
        }
    }
    /// The practice these comments are on; `null` in a community's discussion.
    async fn practice(&self, ctx: &Context<'_>) -> Result<Option<Practice>> {
        match self.0.host_kind {
            DiscussionHostKind::Practice => Ok(visible_practice(ctx, self.0.host_id).await?),
            _ => Ok(None),
        }
    }
    /// `null` once deleted.
    async fn title(&self) -> Option<&str> {
        self.0
            .deleted_at
            .is_none()
            .then_some(self.0.title.as_deref().unwrap_or_default())
    }
    /// `null` once deleted, or when hidden (except for its author and facilitators).
    async fn body_markdown(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        readable_body(ctx, &self.0).await
    }
    /// Whether its author deleted the thread; its title and body are then `null`.
    async fn is_deleted(&self) -> bool {
        self.0.deleted_at.is_some()
    }
    /// When the thread or a reply to it was last posted.
    async fn last_activity_at(&self) -> DateTime<Utc> {
        key_time(&self.0.activity_key[1..]).unwrap_or(self.0.updated_at)
    }
    /// Replies, in the order they were posted.
    async fn replies(&self, ctx: &Context<'_>, args: PageArgs) -> Result<Page<DiscussionReply>> {
        let access = access(ctx).await?;
        let list = ChildList::<discussion_post::Entity>::new(
            self.0.id,
            discussion_post::Column::ThreadId,
            access.post_condition(),
        );
        Ok(child_page(ctx, list, &args).await?)
    }
}

#[fields(
    /// Opaque global id; stable across releases.
    id = NodeKind::DiscussionReply,
    /// The author, if the caller can see them.
    author: Person = person(author_id),
    /// The school the author shared from.
    author_school: School = school(author_school_id),
    /// Why a moderator hid the reply, if one did.
    hidden_reason: Option<&str>,
    /// Increases with every change; pass it back as `expectedVersion`.
    version: i32,
    /// When the reply was posted.
    created_at: DateTime<Utc>,
    /// When its author last edited or deleted the reply; hiding leaves it as it was.
    updated_at: DateTime<Utc>,
)]
#[Object]
/// A reply in a discussion thread.
impl DiscussionReply {
    /// The thread replied to.
    async fn thread(&self, ctx: &Context<'_>) -> Result<DiscussionThread> {
        let thread = self.0.thread_id.unwrap_or_default();
        Ok(DiscussionThread(
            readable_row::<discussion_post::Entity>(
                ctx,
                thread,
                discussion_post::Column::Id,
                access(ctx).await?.post_condition(),
            )
            .await?,
        ))
    }
    /// `null` once deleted, or when hidden (except for its author and facilitators).
    async fn body_markdown(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        readable_body(ctx, &self.0).await
    }
    /// Whether its author deleted the reply; its body is then `null`.
    async fn is_deleted(&self) -> bool {
        self.0.deleted_at.is_some()
    }
}
