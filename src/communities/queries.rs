//! Root lists: communities, enquiries, and the caller's upcoming meetings.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::enums::{
    CommunityKind, CommunityMembershipStatus, CommunityStatus, EnquiryStage, MeetingStatus,
};
use entity::{community, community_meeting, community_member, enquiry};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::connections;

use super::types::{EnquiryFilter, meeting_cursor};
use super::{Community, CommunityMeeting, CommunityMembership, Enquiry};
use crate::alliances::alliance_filter_key;
use crate::errors::ApiResult;
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, filter_key};
use crate::graphql::pagination::{
    NameOrder, Page, PageArgs, Sort, contains_text, oldest_first_page, root_page,
};
use crate::themes::tagged_with;
use crate::validation::search_text;

/// Narrows the list of communities. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct CommunityFilter {
    /// Only communities of this alliance.
    pub alliance_id: Option<ID>,
    /// Words in the name or purpose (at most 200 characters).
    pub search: Option<String>,
    /// Only communities of these kinds.
    pub kinds: Option<Vec<CommunityKind>>,
    /// Only communities in these states.
    pub statuses: Option<Vec<CommunityStatus>>,
    /// Only communities tagged with this theme.
    pub theme_id: Option<ID>,
    /// Only communities the caller is an active member of (`true`) or is not (`false`).
    pub viewer_is_member: Option<bool>,
}

/// Narrows the viewer's own community memberships.
#[derive(InputObject, Default)]
pub struct OwnCommunityMembershipFilter {
    /// Only memberships in these states (default: all).
    pub statuses: Option<Vec<CommunityMembershipStatus>>,
}

#[derive(Default)]
pub struct CommunityQuery;

#[connections]
#[Object]
impl CommunityQuery {
    /// Communities the caller can see, alphabetical unless ordered otherwise.
    async fn communities(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Which communities to list (default: all the caller can see).")]
        filter: Option<CommunityFilter>,
        #[graphql(desc = "The order (default: by name, A to Z).")] order_by: Option<NameOrder>,
        #[graphql(
            desc = "Only what changed after this time (the `syncedAt` of `sync`), oldest change first; not with `orderBy`. See `sync`."
        )]
        updated_since: Option<DateTime<Utc>>,
    ) -> Result<Page<Community>> {
        let access = access(ctx).await?;
        let filter = filter.unwrap_or_default();
        let mut select = community::Entity::find().filter(access.community_condition());
        if let Some(id) = &filter.alliance_id {
            select = select
                .filter(community::Column::AllianceId.eq(alliance_filter_key(Some(&access), id)));
        }
        if let Some(search) = search_text("filter.search", filter.search.as_deref())? {
            select = select.filter(
                Condition::any()
                    .add(contains_text(community::Column::Name, search))
                    .add(contains_text(community::Column::Purpose, search)),
            );
        }
        if let Some(kinds) = filter.kinds {
            select = select.filter(community::Column::Kind.is_in(kinds));
        }
        if let Some(statuses) = filter.statuses {
            select = select.filter(community::Column::Status.is_in(statuses));
        }
        if let Some(tagged) = tagged_with(
            Some(&access),
            community::Column::ThemeKeys,
            &filter.theme_id,
        ) {
            select = select.filter(tagged);
        }
        match filter.viewer_is_member {
            Some(true) => {
                select = select.filter(community::Column::Id.is_in(access.member_communities()))
            }
            Some(false) => {
                select = select.filter(community::Column::Id.is_not_in(access.member_communities()))
            }
            None => {}
        }
        if let Some(since) = updated_since {
            let since = crate::sync::checked_since(ctx, since, order_by.is_some(), true).await?;
            return Ok(crate::sync::delta_page(
                db(ctx),
                select,
                (community::Column::Id, community::Column::UpdatedAt),
                since,
                &args,
                |row: &community::Model| (row.id, row.updated_at),
            )
            .await?);
        }
        let order = order_by.unwrap_or_default();
        Ok(root_page(
            db(ctx),
            select,
            community::Column::Id,
            order.sort(community::Column::Name),
            &args,
            |row: &community::Model| order.cursor(row.id, &row.name),
        )
        .await?)
    }

    /// Enquiries the caller can read, oldest first: by community, owner, theme or stage.
    async fn enquiries(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Which enquiries to list (default: all the caller can read).")]
        filter: Option<EnquiryFilter>,
    ) -> Result<Page<Enquiry>> {
        let access = access(ctx).await?;
        let filter = filter.unwrap_or_default();
        let mut select = enquiry::Entity::find().filter(access.enquiry_condition());
        if let Some(stages) = filter.stages {
            select = select.filter(enquiry::Column::Stage.is_in(stages));
        }
        if let Some(tagged) =
            tagged_with(Some(&access), enquiry::Column::ThemeKeys, &filter.theme_id)
        {
            select = select.filter(tagged);
        }
        if let Some(owner) = &filter.owner_id {
            select =
                select.filter(enquiry::Column::OwnerId.eq(filter_key(owner, NodeKind::Person)));
        }
        if let Some(community) = &filter.community_id {
            select = select.filter(
                enquiry::Column::CommunityId.eq(filter_key(community, NodeKind::Community)),
            );
        }
        Ok(oldest_first_page(db(ctx), select, &args).await?)
    }

    /// The caller's upcoming meetings across all their communities, soonest first.
    async fn upcoming_meetings(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<CommunityMeeting>> {
        let access = access(ctx).await?;
        let select = community_meeting::Entity::find()
            .filter(community_meeting::Column::CommunityId.is_in(access.member_communities()))
            .filter(community_meeting::Column::Status.eq(MeetingStatus::Scheduled))
            .filter(community_meeting::Column::EndsAt.gt(Utc::now()));
        Ok(root_page(
            db(ctx),
            select,
            community_meeting::Column::Id,
            Sort {
                column: Some(community_meeting::Column::StartsKey),
                descending: false,
            },
            &args,
            meeting_cursor,
        )
        .await?)
    }
}

/// The caller's own memberships of communities they see, in creation order.
pub async fn own_memberships(
    ctx: &Context<'_>,
    args: PageArgs,
    filter: Option<OwnCommunityMembershipFilter>,
) -> ApiResult<Page<CommunityMembership>> {
    let access = access(ctx).await?;
    let seen = Query::select()
        .column(community::Column::Id)
        .from(community::Entity)
        .cond_where(access.community_condition())
        .to_owned();
    let mut select = community_member::Entity::find()
        .filter(community_member::Column::PersonId.eq(access.person_id))
        .filter(community_member::Column::CommunityId.in_subquery(seen));
    if let Some(statuses) = filter.and_then(|filter| filter.statuses) {
        select = select.filter(community_member::Column::Status.is_in(statuses));
    }
    oldest_first_page(db(ctx), select, &args).await
}

/// Stages in order, for reports.
pub fn stages() -> [EnquiryStage; 5] {
    EnquiryStage::ORDER
}
