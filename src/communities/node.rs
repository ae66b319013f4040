//! `node(id:)` for communities and what they hold: each answers only if the policy lets
//! the caller see it, exactly as the lists do.

use async_graphql::Context;
use entity::{
    community, community_meeting, community_member, discussion_post, enquiry, enquiry_evidence,
};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    Community, CommunityMeeting, CommunityMembership, DiscussionReply, DiscussionThread, Enquiry,
    EnquiryEvidence,
};
use crate::errors::ApiResult;
use crate::graphql::context::{access, db, load};
use crate::graphql::ids::NodeKind;
use crate::schema::node::Node;

pub async fn resolve(ctx: &Context<'_>, kind: NodeKind, key: i32) -> ApiResult<Option<Node>> {
    let access = access(ctx).await?;
    let community_of = |id: i32| async move { load::<community::Entity>(ctx, id).await };
    Ok(match kind {
        NodeKind::Community => load::<community::Entity>(ctx, key)
            .await?
            .filter(|c| access.sees_community(c))
            .map(|c| Node::Community(Community(c))),
        NodeKind::CommunityMembership => {
            let Some(row) = load::<community_member::Entity>(ctx, key).await? else {
                return Ok(None);
            };
            let visible = community_of(row.community_id)
                .await?
                .is_some_and(|c| access.sees_community_membership(&c, &row));
            visible.then_some(Node::CommunityMembership(CommunityMembership(row)))
        }
        NodeKind::CommunityMeeting => {
            let Some(row) = load::<community_meeting::Entity>(ctx, key).await? else {
                return Ok(None);
            };
            let visible = community_of(row.community_id)
                .await?
                .is_some_and(|c| access.reads_community(&c));
            visible.then_some(Node::CommunityMeeting(CommunityMeeting(row)))
        }
        NodeKind::DiscussionThread | NodeKind::DiscussionReply => {
            let thread = kind == NodeKind::DiscussionThread;
            discussion_post::Entity::find_by_id(key)
                .filter(if thread {
                    Condition::all()
                        .add(access.post_condition())
                        .add(discussion_post::Column::ThreadId.is_null())
                } else {
                    access.reply_condition()
                })
                .one(db(ctx))
                .await?
                .map(|row| {
                    if thread {
                        Node::DiscussionThread(DiscussionThread(row))
                    } else {
                        Node::DiscussionReply(DiscussionReply(row))
                    }
                })
        }
        NodeKind::Enquiry => enquiry::Entity::find_by_id(key)
            .filter(access.enquiry_condition())
            .one(db(ctx))
            .await?
            .map(|row| Node::Enquiry(Enquiry(row))),
        NodeKind::EnquiryEvidence => {
            let Some(row) = enquiry_evidence::Entity::find_by_id(key)
                .filter(access.evidence_condition())
                .one(db(ctx))
                .await?
            else {
                return Ok(None);
            };
            let enquiry_visible = enquiry::Entity::find_by_id(row.enquiry_id)
                .filter(access.enquiry_condition())
                .one(db(ctx))
                .await?
                .is_some();
            enquiry_visible.then_some(Node::EnquiryEvidence(EnquiryEvidence(row)))
        }
        _ => None,
    })
}
