//! A community hosts a discussion: its active members post while it is open, each post
//! speaks for the school on the author's membership, and its facilitators moderate.
//! Threads start here (`startDiscussionThread`); everything after is the discussion's.

use async_graphql::{Context, ID, InputObject, Result};
use async_trait::async_trait;
use entity::community;
use entity::enums::DiscussionHostKind;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait};
use trellis_macros::mutations;

use super::{open_for_content, require_member, sharing_school, visible_community};
use crate::auth::policy::Access;
use crate::auth::policy::discussion::Moderators;
use crate::db::begin_write;
use crate::discussion::DiscussionThread;
use crate::discussion::host::Host;
use crate::discussion::mutations::{BODY_MAX, start_thread};
use crate::errors::MutationResult;
use crate::graphql::context::{access, db, services};
use crate::graphql::ids::NodeKind;
use crate::payload;
use crate::realtime::{CommunityActivityKind, Signal};
use crate::validation;

pub struct CommunityHost(pub community::Model);

/// The community with this id as a host, if the caller sees it.
pub async fn seen_host(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: i32,
) -> Result<Option<Box<dyn Host>>, DbErr> {
    Ok(community::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|c| access.sees_community(c))
        .map(|c| Box::new(CommunityHost(c)) as Box<dyn Host>))
}

#[async_trait]
impl Host for CommunityHost {
    fn kind(&self) -> DiscussionHostKind {
        DiscussionHostKind::Community
    }

    fn id(&self) -> i32 {
        self.0.id
    }

    fn global_id(&self) -> ID {
        NodeKind::Community.id(self.0.id)
    }

    fn alliance_id(&self) -> Option<i32> {
        Some(self.0.alliance_id)
    }

    /// Active members, while the community is open.
    fn check_may_post(&self, access: &Access, field: &str) -> MutationResult<()> {
        require_member(access, &self.0)?;
        open_for_content(&self.0, field)
    }

    /// A closed community's discussion stays as it was.
    fn check_may_edit(&self, field: &str) -> MutationResult<()> {
        open_for_content(&self.0, field)
    }

    fn moderators(&self) -> Moderators {
        Moderators::Community {
            community_id: self.0.id,
            alliance_id: self.0.alliance_id,
        }
    }

    /// The school recorded on the author's membership.
    async fn author_school(
        &self,
        txn: &DatabaseTransaction,
        access: &Access,
    ) -> Result<Option<i32>, DbErr> {
        sharing_school(txn, access, self.0.id).await
    }
}

/// The input of `startDiscussionThread`.
#[derive(InputObject)]
pub struct StartDiscussionThreadInput {
    /// The community whose discussion the thread starts in.
    pub community_id: ID,
    /// What the thread is about (at most 200 characters).
    pub title: String,
    /// The opening post, in Markdown (at most 20,000 characters).
    pub body_markdown: String,
}

payload!(StartDiscussionThreadPayload {
    thread: DiscussionThread
});

#[derive(Default)]
pub struct CommunityDiscussionMutation;

mutations! {
    impl CommunityDiscussionMutation {
        /// Starts a thread. Active members may, while the community is not closed.
        fn start_discussion_thread { start(ctx, input).await }
    }
}

async fn start(
    ctx: &Context<'_>,
    input: StartDiscussionThreadInput,
) -> MutationResult<DiscussionThread> {
    let access = access(ctx).await?;
    let title = validation::required("title", &input.title, 200)?;
    let body = validation::required("bodyMarkdown", &input.body_markdown, BODY_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let community = visible_community(&txn, &access, &input.community_id, "communityId").await?;
    let thread = start_thread(
        &txn,
        &access,
        &CommunityHost(community),
        "communityId",
        Some(title),
        body,
    )
    .await?;
    txn.commit().await?;
    services(ctx).bus.publish(Signal::Community {
        community: thread.host_id,
        activity: CommunityActivityKind::ThreadStarted,
        object: thread.id,
    });
    Ok(DiscussionThread(thread))
}
