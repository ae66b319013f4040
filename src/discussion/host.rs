//! Where a discussion lives. The discussion mechanism is the same on every host; each
//! domain that hosts discussion declares, by implementing [`Host`] in its own
//! `discussion_host.rs`, who posts there, which school a post speaks for and where its
//! changes are audited, and adds its kind to `DiscussionHostKind` and to
//! [`host_of_post`]. Who moderates is the policy's (`auth::policy::discussion`), from what
//! the host tells it.

use async_graphql::ID;
use async_trait::async_trait;
use entity::discussion_post;
use entity::enums::DiscussionHostKind;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};

use crate::auth::policy::Access;
use crate::auth::policy::discussion::Moderators;
use crate::errors::MutationResult;

#[async_trait]
pub trait Host: Send + Sync {
    /// The kind stored with each post, in `discussion_post.host_kind`.
    fn kind(&self) -> DiscussionHostKind;

    /// The host's id, stored with each post in `discussion_post.host_id`.
    fn id(&self) -> i32;

    /// The host's global id, for audit details.
    fn global_id(&self) -> ID;

    /// The alliance an audit entry belongs to.
    fn alliance_id(&self) -> Option<i32>;

    /// Refuses a new post from someone who may not contribute here now.
    fn check_may_post(&self, access: &Access, field: &str) -> MutationResult<()>;

    /// Refuses an edit of a post here now.
    fn check_may_edit(&self, _field: &str) -> MutationResult<()> {
        Ok(())
    }

    /// Who moderates (pins, hides, reads what is hidden), for the policy to decide.
    fn moderators(&self) -> Moderators;

    /// The school a new post by the caller speaks for.
    async fn author_school(
        &self,
        txn: &DatabaseTransaction,
        access: &Access,
    ) -> Result<Option<i32>, DbErr>;

    /// Keeps what the host derives from its posts in step after a change.
    async fn posts_changed(&self, _txn: &DatabaseTransaction) -> Result<(), DbErr> {
        Ok(())
    }
}

/// The host of a post, if the caller sees it.
pub async fn host_of_post(
    conn: &impl ConnectionTrait,
    access: &Access,
    post: &discussion_post::Model,
) -> Result<Option<Box<dyn Host>>, DbErr> {
    let id = post.host_id;
    Ok(match post.host_kind {
        DiscussionHostKind::Community => {
            crate::communities::discussion_host::seen_host(conn, access, id).await?
        }
        DiscussionHostKind::Practice => {
            crate::practice::discussion_host::seen_host(conn, access, id).await?
        }
    })
}
