use async_graphql::{Context, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::enums::{MembershipStatus, SchoolPhase, SchoolStatus};
use entity::{alliance_membership, school};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::connections;

use super::School;
use crate::errors::ApiError;
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, filter_key};
use crate::graphql::pagination::{NameOrder, Page, PageArgs, contains_text, root_page};
use crate::sync;
use crate::validation::search_text;

/// Narrows the list of schools. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct SchoolFilter {
    /// Words in the name, URN or postcode (at most 200 characters).
    pub search: Option<String>,
    /// Only schools of these phases.
    pub phases: Option<Vec<SchoolPhase>>,
    /// Only schools in these states, open or closed (default: both).
    pub statuses: Option<Vec<SchoolStatus>>,
    /// Only schools of this local authority, named exactly (at most 200 characters).
    pub local_authority: Option<String>,
    /// Only schools that are active members of this alliance.
    pub alliance_id: Option<async_graphql::ID>,
}

#[derive(Default)]
pub struct SchoolQuery;

#[connections]
#[Object]
impl SchoolQuery {
    /// Schools on the platform (public register data), alphabetical unless ordered
    /// otherwise.
    async fn schools(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the list.")] filter: Option<SchoolFilter>,
        #[graphql(desc = "The order (default: by name, A to Z).")] order_by: Option<NameOrder>,
        #[graphql(
            desc = "Only what changed after this time (the `syncedAt` of `sync`), oldest change first; not with `orderBy`. See `sync`."
        )]
        updated_since: Option<DateTime<Utc>>,
    ) -> Result<Page<School>> {
        let access = access(ctx).await?;
        let filter = filter.unwrap_or_default();
        let mut select = school::Entity::find().filter(access.school_condition());
        if let Some(search) = search_text("filter.search", filter.search.as_deref())? {
            select = select.filter(
                Condition::any()
                    .add(contains_text(school::Column::Name, search))
                    .add(school::Column::Urn.eq(search))
                    .add(contains_text(school::Column::Postcode, search)),
            );
        }
        if let Some(phases) = filter.phases {
            select = select.filter(school::Column::Phase.is_in(phases));
        }
        if let Some(statuses) = filter.statuses {
            select = select.filter(school::Column::Status.is_in(statuses));
        }
        if let Some(local_authority) =
            search_text("filter.localAuthority", filter.local_authority.as_deref())?
        {
            select = select.filter(school::Column::LocalAuthority.eq(local_authority));
        }
        if let Some(alliance) = filter.alliance_id {
            // An id that is malformed, or names an alliance the caller cannot see, matches
            // no school.
            let alliance = filter_key(&alliance, NodeKind::Alliance);
            let members = Query::select()
                .column(alliance_membership::Column::SchoolId)
                .from(alliance_membership::Entity)
                .and_where(alliance_membership::Column::AllianceId.eq(alliance))
                .and_where(alliance_membership::Column::Status.eq(MembershipStatus::Active))
                .cond_where(access.alliance_condition(alliance_membership::Column::AllianceId))
                .to_owned();
            select = select.filter(school::Column::Id.in_subquery(members));
        }
        if let Some(since) = updated_since {
            // Schools are seen whole by every caller: only the age of `since` counts.
            let since = sync::checked_since(ctx, since, order_by.is_some(), false).await?;
            return Ok(sync::delta_page(
                db(ctx),
                select,
                (school::Column::Id, school::Column::UpdatedAt),
                since,
                &args,
                |row: &school::Model| (row.id, row.updated_at),
            )
            .await?);
        }
        let order = order_by.unwrap_or_default();
        Ok(root_page(
            db(ctx),
            select,
            school::Column::Id,
            order.sort(school::Column::Name),
            &args,
            |row: &school::Model| order.cursor(row.id, &row.name),
        )
        .await?)
    }

    /// The school with this URN, if any.
    async fn school_by_urn(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The school's URN (six or seven digits).")] urn: String,
    ) -> Result<Option<School>> {
        let access = access(ctx).await?;
        Ok(school::Entity::find()
            .filter(school::Column::Urn.eq(urn.trim()))
            .filter(access.school_condition())
            .one(db(ctx))
            .await
            .map_err(ApiError::from)?
            .map(School))
    }
}
