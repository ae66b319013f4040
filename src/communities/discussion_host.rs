//! Where a discussion lives: a community, or a practice (its comment threads). The
//! discussion mechanism is the same for both; the host decides who posts, who moderates,
//! and which school a post speaks for.

use entity::enums::PracticeStatus;
use entity::{community, discussion_post, practice};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::discussion::author_school;
use super::{open_for_content, require_member};
use crate::auth::policy::Access;
use crate::auth::policy::practice::is_author;
use crate::errors::{MutationResult, UserError};
use crate::graphql::ids::NodeKind;

pub enum Host {
    Community(community::Model),
    Practice(Box<practice::Model>),
}

impl Host {
    /// The host of a post, if the caller sees it.
    pub async fn of_post(
        conn: &impl ConnectionTrait,
        access: &Access,
        post: &discussion_post::Model,
    ) -> Result<Option<Self>, DbErr> {
        if let Some(id) = post.community_id {
            return Ok(community::Entity::find_by_id(id)
                .one(conn)
                .await?
                .filter(|c| access.sees_community(c))
                .map(Self::Community));
        }
        let Some(id) = post.practice_id else {
            return Ok(None);
        };
        Ok(practice::Entity::find_by_id(id)
            .filter(access.practice_condition())
            .one(conn)
            .await?
            .map(|p| Self::Practice(Box::new(p))))
    }

    /// Refuses a post from someone who may not contribute here now: a community takes
    /// posts from active members while open; a practice takes comments from its readers
    /// while it is published.
    pub fn check_may_post(&self, access: &Access, field: &str) -> MutationResult<()> {
        match self {
            Self::Community(community) => {
                require_member(access, community)?;
                open_for_content(community, field)
            }
            Self::Practice(practice) => {
                if practice.status != PracticeStatus::Published || practice.taken_down_at.is_some()
                {
                    return Err(UserError::invalid_state(
                        field,
                        "only a published practice takes comments",
                    )
                    .into());
                }
                Ok(())
            }
        }
    }

    /// Who pins and hides posts: a community's facilitators (and its alliance's admins);
    /// a practice's approvers, and its authors.
    pub async fn moderated_by(
        &self,
        conn: &impl ConnectionTrait,
        access: &Access,
    ) -> Result<bool, DbErr> {
        Ok(match self {
            Self::Community(community) => access.runs_community(community),
            Self::Practice(practice) => {
                access.approves_practice_of(practice.school_id)
                    || is_author(conn, practice.id, access.person_id).await?
            }
        })
    }

    /// The school a new post speaks for: the one on the caller's community membership,
    /// or, commenting on practice, the first school they work at.
    pub async fn author_school(
        &self,
        conn: &impl ConnectionTrait,
        access: &Access,
    ) -> Result<Option<i32>, DbErr> {
        match self {
            Self::Community(community) => author_school(conn, access, community.id).await,
            Self::Practice(_) => Ok(access.own_schools().first().copied()),
        }
    }

    pub fn community_id(&self) -> Option<i32> {
        match self {
            Self::Community(community) => Some(community.id),
            Self::Practice(_) => None,
        }
    }

    pub fn practice_id(&self) -> Option<i32> {
        match self {
            Self::Community(_) => None,
            Self::Practice(practice) => Some(practice.id),
        }
    }

    /// The alliance an audit entry belongs to.
    pub fn alliance_id(&self) -> Option<i32> {
        match self {
            Self::Community(community) => Some(community.alliance_id),
            Self::Practice(practice) => practice.alliance_id,
        }
    }

    /// The host's global id, for audit details.
    pub fn global_id(&self) -> String {
        match self {
            Self::Community(community) => NodeKind::Community.id(community.id).to_string(),
            Self::Practice(practice) => NodeKind::Practice.id(practice.id).to_string(),
        }
    }

    /// The prefix of audit actions: `community` or `practice`.
    pub fn audit_prefix(&self) -> &'static str {
        match self {
            Self::Community(_) => "community",
            Self::Practice(_) => "practice",
        }
    }
}
