//! The discussion mutations every host shares: replies, edits (with a version check) and
//! deletion of one's own posts (a placeholder stays), pinning threads and hiding posts
//! with a reason. Each host starts its threads with a mutation of its own
//! (`startDiscussionThread` in a community, `commentOnPractice`), through [`start_thread`].

use crate::graphql::versioned::InsertFirst;
use async_graphql::{Context, ID, InputObject, Result};
use chrono::{DateTime, Utc};
use entity::discussion_post;
use entity::enums::DiscussionHostKind;
use sea_orm::sea_query::{BinOper, Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{ActiveEnum, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use trellis_macros::mutations;

use super::host::{Host, host_of_post};
use super::{DiscussionReply, DiscussionThread};
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db, services};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::Change;
use crate::payload;
use crate::realtime::{CommunityActivityKind, Signal};
use crate::sort_keys::time_key;
use crate::validation;

pub const BODY_MAX: usize = 20_000;

/// A thread's sort key: pinned threads first, then by latest activity.
pub fn activity_key(pinned: bool, at: DateTime<Utc>) -> String {
    format!("{}{}", u8::from(pinned), time_key(at))
}

/// A new post's row, shown (not pinned, hidden or deleted): under `host` (its kind and
/// id), in `thread` or opening one, by `author` writing from `school`, sorted by
/// `activity_key`. Written with `insert_first`.
pub fn new_post(
    host: (DiscussionHostKind, i32),
    thread: Option<i32>,
    (author, school): (i32, Option<i32>),
    title: Option<String>,
    body: String,
    activity_key: String,
) -> discussion_post::ActiveModel {
    discussion_post::ActiveModel {
        host_kind: Set(host.0),
        host_id: Set(host.1),
        thread_id: Set(thread),
        author_id: Set(author),
        author_school_id: Set(school),
        title: Set(title),
        body_markdown: Set(body),
        pinned: Set(false),
        hidden_reason: Set(None),
        hidden_by_id: Set(None),
        deleted_at: Set(None),
        activity_key: Set(activity_key),
        ..Default::default()
    }
}

/// `activity_key` without its pinned flag: the time of the thread's last activity.
fn activity_time() -> SimpleExpr {
    Func::cust("substr")
        .arg(Expr::col(discussion_post::Column::ActivityKey))
        .arg(2)
        .into()
}

/// `flag` followed by `time`: a thread's sort key.
fn concatenated(flag: impl Into<SimpleExpr>, time: SimpleExpr) -> SimpleExpr {
    flag.into().binary(BinOper::Custom("||"), time)
}

/// A thread's sort key once a reply was posted at `at`: its pinned flag and the later of
/// its last activity and `at`, both as the row holds them when written, so that replies
/// whose transactions overlap, and a moderator pinning it meanwhile, are all kept.
fn activity_since(at: DateTime<Utc>) -> SimpleExpr {
    let at = Expr::value(time_key(at));
    let pinned = Expr::case(Expr::col(discussion_post::Column::Pinned).eq(true), "1").finally("0");
    let latest = Expr::case(activity_time().gt(at.clone()), activity_time()).finally(at);
    concatenated(pinned, latest.into())
}

/// The input of `replyToDiscussionThread`.
#[derive(InputObject)]
pub struct ReplyToDiscussionThreadInput {
    /// The thread to reply to; not a deleted one.
    pub thread_id: ID,
    /// The reply, in Markdown (at most 20,000 characters).
    pub body_markdown: String,
}

/// The input of `updateDiscussionThread`: what is left out stays as it is.
#[derive(InputObject)]
pub struct UpdateDiscussionThreadInput {
    /// The caller's thread to edit.
    pub thread_id: ID,
    /// The `version` the edit was made from (see `DiscussionThread.version`).
    pub expected_version: i32,
    /// The new title (at most 200 characters).
    pub title: Option<String>,
    /// The new opening post, in Markdown (at most 20,000 characters).
    pub body_markdown: Option<String>,
}

/// The input of `updateDiscussionReply`.
#[derive(InputObject)]
pub struct UpdateDiscussionReplyInput {
    /// The caller's reply to edit.
    pub reply_id: ID,
    /// The `version` the edit was made from (see `DiscussionReply.version`).
    pub expected_version: i32,
    /// The new reply, in Markdown (at most 20,000 characters).
    pub body_markdown: String,
}

/// The input of `deleteDiscussionThread`.
#[derive(InputObject)]
pub struct DeleteDiscussionThreadInput {
    /// The caller's thread to delete.
    pub thread_id: ID,
}

/// The input of `deleteDiscussionReply`.
#[derive(InputObject)]
pub struct DeleteDiscussionReplyInput {
    /// The caller's reply to delete.
    pub reply_id: ID,
}

/// The input of `pinDiscussionThread`.
#[derive(InputObject)]
pub struct PinDiscussionThreadInput {
    /// The thread to pin or unpin.
    pub thread_id: ID,
    /// `false` to unpin.
    #[graphql(default = true)]
    pub pinned: bool,
}

/// The input of `hideDiscussionThread`.
#[derive(InputObject)]
pub struct HideDiscussionThreadInput {
    /// The thread to hide.
    pub thread_id: ID,
    /// Why, shown to every reader as `hiddenReason` (at most 1,000 characters).
    pub reason: String,
}

/// The input of `hideDiscussionReply`.
#[derive(InputObject)]
pub struct HideDiscussionReplyInput {
    /// The reply to hide.
    pub reply_id: ID,
    /// Why, shown to every reader as `hiddenReason` (at most 1,000 characters).
    pub reason: String,
}

payload!(ReplyToDiscussionThreadPayload {
    reply: DiscussionReply
});
payload!(UpdateDiscussionThreadPayload {
    thread: DiscussionThread
});
payload!(UpdateDiscussionReplyPayload {
    reply: DiscussionReply
});
payload!(DeleteDiscussionThreadPayload {
    thread: DiscussionThread
});
payload!(DeleteDiscussionReplyPayload {
    reply: DiscussionReply
});
payload!(PinDiscussionThreadPayload {
    thread: DiscussionThread
});
payload!(HideDiscussionThreadPayload {
    thread: DiscussionThread
});
payload!(HideDiscussionReplyPayload {
    reply: DiscussionReply
});

#[derive(Default)]
pub struct DiscussionMutation;

mutations! {
    impl DiscussionMutation {
        /// Replies to a thread. Active members may, while the community is not closed.
        fn reply_to_discussion_thread { reply(ctx, input).await }

        /// Edits the caller's own thread; `CONFLICT` if it changed since `expectedVersion`.
        fn update_discussion_thread {
            edit(
                ctx,
                Kind::Thread,
                &input.thread_id,
                input.expected_version,
                input.title.as_deref(),
                input.body_markdown.as_deref(),
            )
            .await
            .map(DiscussionThread)
        }

        /// Edits the caller's own reply; `CONFLICT` if it changed since `expectedVersion`.
        fn update_discussion_reply {
            edit(
                ctx,
                Kind::Reply,
                &input.reply_id,
                input.expected_version,
                None,
                Some(&input.body_markdown),
            )
            .await
            .map(DiscussionReply)
        }

        /// Deletes the caller's own thread; a placeholder stays so the discussion still reads.
        fn delete_discussion_thread {
            delete(ctx, Kind::Thread, &input.thread_id)
                .await
                .map(DiscussionThread)
        }

        /// Deletes the caller's own reply; a placeholder stays.
        fn delete_discussion_reply {
            delete(ctx, Kind::Reply, &input.reply_id)
                .await
                .map(DiscussionReply)
        }

        /// Pins (or unpins) a thread to the top. Facilitators may.
        fn pin_discussion_thread { pin(ctx, input).await.map(DiscussionThread) }

        /// Hides a thread from members, with a reason. Facilitators may.
        fn hide_discussion_thread {
            hide(ctx, Kind::Thread, &input.thread_id, &input.reason)
                .await
                .map(DiscussionThread)
        }

        /// Hides a reply from members, with a reason. Facilitators may.
        fn hide_discussion_reply {
            hide(ctx, Kind::Reply, &input.reply_id, &input.reason)
                .await
                .map(DiscussionReply)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Thread,
    Reply,
}

impl Kind {
    fn field(self) -> &'static str {
        match self {
            Self::Thread => "threadId",
            Self::Reply => "replyId",
        }
    }
}

/// A post the caller may read, and where it lives.
async fn readable_post(
    txn: &DatabaseTransaction,
    access: &Access,
    kind: Kind,
    id: &ID,
) -> MutationResult<(discussion_post::Model, Box<dyn Host>)> {
    let field = kind.field();
    let node_kind = match kind {
        Kind::Thread => NodeKind::DiscussionThread,
        Kind::Reply => NodeKind::DiscussionReply,
    };
    let key = decode_as(id, node_kind).ok_or_else(|| UserError::not_found(field))?;
    let mut select = discussion_post::Entity::find_by_id(key).filter(access.post_condition());
    select = match kind {
        Kind::Thread => select.filter(discussion_post::Column::ThreadId.is_null()),
        Kind::Reply => select.filter(discussion_post::Column::ThreadId.is_not_null()),
    };
    let post = select
        .one(txn)
        .await?
        .ok_or_else(|| UserError::not_found(field))?;
    let host = host_of_post(txn, access, &post)
        .await?
        .ok_or_else(|| UserError::not_found(field))?;
    Ok((post, host))
}

/// Starts a thread in a host's discussion, as the caller.
pub async fn start_thread(
    txn: &DatabaseTransaction,
    access: &Access,
    host: &dyn Host,
    field: &str,
    title: Option<String>,
    body: String,
) -> MutationResult<discussion_post::Model> {
    host.check_may_post(access, field)?;
    let school = host.author_school(txn, access).await?;
    let now = Utc::now();
    let thread = new_post(
        (host.kind(), host.id()),
        None,
        (access.person_id, school),
        title,
        body,
        activity_key(false, now),
    )
    .insert_first(txn, now)
    .await?;
    record(txn, access, "thread.started", host, &thread).await?;
    Ok(thread)
}

async fn reply(
    ctx: &Context<'_>,
    input: ReplyToDiscussionThreadInput,
) -> MutationResult<DiscussionReply> {
    let access = access(ctx).await?;
    let body = validation::required("bodyMarkdown", &input.body_markdown, BODY_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let (thread, host) = readable_post(&txn, &access, Kind::Thread, &input.thread_id).await?;
    host.check_may_post(&access, "threadId")?;
    if thread.deleted_at.is_some() {
        return Err(UserError::invalid_state("threadId", "the thread was deleted").into());
    }
    let school = host.author_school(&txn, &access).await?;
    let now = Utc::now();
    let reply = new_post(
        (host.kind(), host.id()),
        Some(thread.id),
        (access.person_id, school),
        None,
        body,
        time_key(now),
    )
    .insert_first(&txn, now)
    .await?;
    discussion_post::Entity::update_many()
        .col_expr(discussion_post::Column::ActivityKey, activity_since(now))
        .filter(discussion_post::Column::Id.eq(thread.id))
        .exec(&txn)
        .await?;
    record(&txn, &access, "thread.replied", host.as_ref(), &reply).await?;
    txn.commit().await?;
    if host.kind() == DiscussionHostKind::Community {
        services(ctx).bus.publish(Signal::Community {
            community: host.id(),
            activity: CommunityActivityKind::ReplyPosted,
            object: reply.id,
        });
    }
    Ok(DiscussionReply(reply))
}

async fn edit(
    ctx: &Context<'_>,
    kind: Kind,
    id: &ID,
    expected_version: i32,
    title: Option<&str>,
    body: Option<&str>,
) -> MutationResult<discussion_post::Model> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (post, host) = readable_post(&txn, &access, kind, id).await?;
    allowed(
        post.author_id == access.person_id,
        "only the author edits a post",
    )?;
    host.check_may_edit(kind.field())?;
    if post.deleted_at.is_some() {
        return Err(UserError::invalid_state(kind.field(), "the post was deleted").into());
    }
    let mut change = Change::edit(&post, Utc::now());
    if let Some(title) = title {
        change.title = Set(Some(validation::required("title", title, 200)?));
    }
    if let Some(body) = body {
        change.body_markdown = Set(validation::required("bodyMarkdown", body, BODY_MAX)?);
    }
    let post = change.save(&txn, expected_version).await?;
    record(&txn, &access, "post.edited", host.as_ref(), &post).await?;
    txn.commit().await?;
    Ok(post)
}

async fn delete(ctx: &Context<'_>, kind: Kind, id: &ID) -> MutationResult<discussion_post::Model> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (post, host) = readable_post(&txn, &access, kind, id).await?;
    allowed(
        post.author_id == access.person_id,
        "only the author deletes a post",
    )?;
    if post.deleted_at.is_some() {
        return Err(UserError::invalid_state(kind.field(), "already deleted").into());
    }
    let now = Utc::now();
    let mut change = Change::edit(&post, now);
    change.deleted_at = Set(Some(now));
    let post = change.save_as_read(&txn).await?;
    record(&txn, &access, "post.deleted", host.as_ref(), &post).await?;
    txn.commit().await?;
    Ok(post)
}

async fn require_moderator(
    txn: &DatabaseTransaction,
    access: &Access,
    host: &dyn Host,
    what: &'static str,
) -> MutationResult<()> {
    allowed(access.moderates(txn, host.moderators()).await?, what)?;
    Ok(())
}

async fn pin(
    ctx: &Context<'_>,
    input: PinDiscussionThreadInput,
) -> MutationResult<discussion_post::Model> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (post, host) = readable_post(&txn, &access, Kind::Thread, &input.thread_id).await?;
    require_moderator(
        &txn,
        &access,
        host.as_ref(),
        "only those who moderate the discussion pin threads",
    )
    .await?;
    // The activity and version as they are when written, not as read: replies may land
    // meanwhile.
    let post = discussion_post::Entity::update_many()
        .col_expr(discussion_post::Column::Pinned, Expr::value(input.pinned))
        .col_expr(
            discussion_post::Column::ActivityKey,
            concatenated(
                Expr::value(u8::from(input.pinned).to_string()),
                activity_time(),
            ),
        )
        .col_expr(
            discussion_post::Column::Version,
            Expr::col(discussion_post::Column::Version).add(1),
        )
        .filter(discussion_post::Column::Id.eq(post.id))
        .exec_with_returning(&txn)
        .await?
        .pop()
        .ok_or_else(|| UserError::not_found("threadId"))?;
    record(&txn, &access, "thread.pinned", host.as_ref(), &post).await?;
    txn.commit().await?;
    Ok(post)
}

async fn hide(
    ctx: &Context<'_>,
    kind: Kind,
    id: &ID,
    reason: &str,
) -> MutationResult<discussion_post::Model> {
    let access = access(ctx).await?;
    let reason = validation::required("reason", reason, 1000)?;
    let txn = begin_write(db(ctx)).await?;
    let (post, host) = readable_post(&txn, &access, kind, id).await?;
    require_moderator(
        &txn,
        &access,
        host.as_ref(),
        "only those who moderate the discussion hide posts",
    )
    .await?;
    // Moderation is not an edit: `updatedAt` stays the author's.
    let mut change = Change::new(&post);
    change.hidden_reason = Set(Some(reason));
    change.hidden_by_id = Set(Some(access.person_id));
    let post = change.save_as_read(&txn).await?;
    record(&txn, &access, "post.hidden", host.as_ref(), &post).await?;
    txn.commit().await?;
    Ok(post)
}

/// Audits a change to a post (`action` without its host's prefix: `community.`,
/// `practice.`), and lets the host keep what it derives from its posts in step.
async fn record(
    txn: &DatabaseTransaction,
    access: &Access,
    action: &str,
    host: &dyn Host,
    post: &discussion_post::Model,
) -> Result<(), sea_orm::DbErr> {
    host.posts_changed(txn).await?;
    let subject = match post.thread_id {
        None => NodeKind::DiscussionThread.id(post.id),
        Some(_) => NodeKind::DiscussionReply.id(post.id),
    };
    let action = format!("{}.{action}", host.kind().to_value().to_lowercase());
    AuditEntry::by(access.person_id, &action, subject)
        .alliance(host.alliance_id())
        .school(post.author_school_id)
        .details(serde_json::json!({
            "host": host.global_id().to_string(),
            "version": post.version,
        }))
        .record(txn)
        .await
}
