//! A practice hosts its comment threads: its readers comment while it is published,
//! each comment speaks for the first school the author works at, and its approvers and
//! authors moderate. Threads start with `commentOnPractice` (`comments.rs`).

use async_graphql::ID;
use async_trait::async_trait;
use entity::enums::{DiscussionHostKind, PracticeStatus};
use entity::practice;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};

use crate::auth::policy::Access;
use crate::auth::policy::discussion::Moderators;
use crate::discussion::host::Host;
use crate::errors::{MutationResult, UserError};
use crate::graphql::ids::NodeKind;

pub struct PracticeHost(pub practice::Model);

/// The practice with this id as a host, if the caller reads it.
pub async fn seen_host(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: i32,
) -> Result<Option<Box<dyn Host>>, DbErr> {
    Ok(practice::Entity::find_by_id(id)
        .filter(access.practice_condition())
        .one(conn)
        .await?
        .map(|p| Box::new(PracticeHost(p)) as Box<dyn Host>))
}

#[async_trait]
impl Host for PracticeHost {
    fn kind(&self) -> DiscussionHostKind {
        DiscussionHostKind::Practice
    }

    fn id(&self) -> i32 {
        self.0.id
    }

    fn global_id(&self) -> ID {
        NodeKind::Practice.id(self.0.id)
    }

    fn alliance_id(&self) -> Option<i32> {
        self.0.alliance_id
    }

    /// Its readers, while it is published.
    fn check_may_post(&self, _access: &Access, field: &str) -> MutationResult<()> {
        if self.0.status != PracticeStatus::Published || self.0.taken_down_at.is_some() {
            return Err(UserError::invalid_state(
                field,
                "only a published practice takes comments",
            )
            .into());
        }
        Ok(())
    }

    fn moderators(&self) -> Moderators {
        Moderators::Practice {
            practice_id: self.0.id,
            school_id: self.0.school_id,
        }
    }

    /// The first school the author works at.
    async fn author_school(
        &self,
        _txn: &DatabaseTransaction,
        access: &Access,
    ) -> Result<Option<i32>, DbErr> {
        Ok(access.own_schools().first().copied())
    }

    /// The practice's comment count.
    async fn posts_changed(&self, txn: &DatabaseTransaction) -> Result<(), DbErr> {
        super::counts::refresh(txn, self.0.id).await
    }
}
