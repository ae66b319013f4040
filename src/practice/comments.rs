//! Comments on practice are discussion threads hosted by the practice: replies, edits, deletion, pinning and hiding use the discussion mutations.

use async_graphql::{Context, ID, InputObject};
use trellis_macros::mutations;

use super::discussion_host::PracticeHost;
use super::readable_practice;
use crate::db::begin_write;
use crate::discussion::DiscussionThread;
use crate::discussion::mutations::{BODY_MAX, start_thread};
use crate::errors::MutationResult;
use crate::graphql::context::{access, db};
use crate::payload;
use crate::validation;

/// A new comment thread on a practice: its first post.
#[derive(InputObject)]
pub struct CommentOnPracticeInput {
    /// The practice to comment on: one the caller reads.
    pub practice_id: ID,
    /// Optional: a comment thread needs no title.
    pub title: Option<String>,
    /// The comment, in Markdown; at most 20,000 characters.
    pub body_markdown: String,
}

payload!(CommentOnPracticePayload {
    thread: DiscussionThread
});

#[derive(Default)]
pub struct PracticeCommentMutation;

mutations! {
    impl PracticeCommentMutation {
        /// Starts a comment thread on a published practice; anyone signed in who reads it
        /// may. Reply with `replyToDiscussionThread`.
        fn comment_on_practice { comment(ctx, input).await }
    }
}

async fn comment(
    ctx: &Context<'_>,
    input: CommentOnPracticeInput,
) -> MutationResult<DiscussionThread> {
    let access = access(ctx).await?;
    let title = validation::optional("title", input.title.as_deref(), 200)?;
    let body = validation::required("bodyMarkdown", &input.body_markdown, BODY_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let practice = readable_practice(&txn, &access, &input.practice_id, "practiceId").await?;
    let thread = start_thread(
        &txn,
        &access,
        &PracticeHost(practice),
        "practiceId",
        title,
        body,
    )
    .await?;
    txn.commit().await?;
    Ok(DiscussionThread(thread))
}
