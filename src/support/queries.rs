//! Lists of requests, offers and arrangements: at the root with filters, and nested under
//! an alliance or a school. Every list holds only what the policy lets the caller see.

use async_graphql::resolver_utils::ContainerType;
use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::enums::{SupportOfferStatus, SupportRequestStatus, SupportUrgency};
use entity::{support_arrangement, support_offer, support_request};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::connections;

use super::types::SupportArrangementFilter;
use super::{SupportArrangement, SupportOffer, SupportRequest};
use crate::alliances::in_alliance;
use crate::auth::policy::Access;
use crate::graphql::context::{access, db};
use crate::graphql::filters::{any_of, node_is};
use crate::graphql::ids::{NodeKind, filter_key};
use crate::graphql::loaders::Keyed;
use crate::graphql::nested::{ChildList, child_page};
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};
use crate::themes::tagged_with;

/// Narrows a list of support requests. All given conditions must hold.
#[derive(InputObject, Default, Debug)]
pub struct SupportRequestFilter {
    /// Only requests posted in this alliance.
    pub alliance_id: Option<ID>,
    /// Only requests of this school.
    pub school_id: Option<ID>,
    /// Only requests in any of these statuses.
    pub statuses: Option<Vec<SupportRequestStatus>>,
    /// Only requests of any of these urgencies.
    pub urgencies: Option<Vec<SupportUrgency>>,
    /// Only requests tagged with this theme.
    pub theme_id: Option<ID>,
}

/// Narrows a list of support offers. All given conditions must hold.
#[derive(InputObject, Default, Debug)]
pub struct SupportOfferFilter {
    /// Only offers posted in this alliance.
    pub alliance_id: Option<ID>,
    /// Only offers from this school.
    pub school_id: Option<ID>,
    /// Only offers naming this person.
    pub person_id: Option<ID>,
    /// Only offers in any of these statuses.
    pub statuses: Option<Vec<SupportOfferStatus>>,
    /// Only offers tagged with this theme.
    pub theme_id: Option<ID>,
}

/// The filter of one of the support lists, at the root or nested under a parent.
pub trait ListFilter: Default {
    type Entity: Keyed<Model: Clone + Send + Sync>;

    /// The rows the policy shows the caller and the filter keeps.
    fn condition(&self, access: &Access) -> Condition;
}

impl ListFilter for SupportRequestFilter {
    type Entity = support_request::Entity;

    fn condition(&self, access: &Access) -> Condition {
        use support_request::Column;
        let listing = [Column::AllianceId, Column::SchoolId, Column::ThemeKeys];
        let ids = [&self.alliance_id, &self.school_id, &self.theme_id];
        listed(access.support_request_condition(), access, listing, ids)
            .add_option(any_of(Column::Status, &self.statuses))
            .add_option(any_of(Column::Urgency, &self.urgencies))
    }
}

impl ListFilter for SupportOfferFilter {
    type Entity = support_offer::Entity;

    fn condition(&self, access: &Access) -> Condition {
        use support_offer::Column;
        let listing = [Column::AllianceId, Column::SchoolId, Column::ThemeKeys];
        let ids = [&self.alliance_id, &self.school_id, &self.theme_id];
        listed(access.support_offer_condition(), access, listing, ids)
            .add_option(node_is(Column::PersonId, &self.person_id, NodeKind::Person))
            .add_option(any_of(Column::Status, &self.statuses))
    }
}

/// Narrows `condition` by what the filters of requests and offers both ask, on the columns
/// both keep for their listing (`super::listing`): the alliance, the school and a theme,
/// each when given.
fn listed<C: ColumnTrait>(
    condition: Condition,
    access: &Access,
    [alliance, school, themes]: [C; 3],
    [alliance_id, school_id, theme_id]: [&Option<ID>; 3],
) -> Condition {
    Condition::all()
        .add(condition)
        .add_option(in_alliance(Some(access), alliance, alliance_id))
        .add_option(node_is(school, school_id, NodeKind::School))
        .add_option(tagged_with(Some(access), themes, theme_id))
}

impl ListFilter for SupportArrangementFilter {
    type Entity = support_arrangement::Entity;

    fn condition(&self, access: &Access) -> Condition {
        use support_arrangement::Column;
        let either_school = self.school_id.as_ref().map(|id| {
            let school = filter_key(id, NodeKind::School);
            Condition::any()
                .add(Column::SupportedSchoolId.eq(school))
                .add(Column::SupportingSchoolId.eq(school))
        });
        Condition::all()
            .add(access.support_arrangement_condition())
            .add_option(any_of(Column::Status, &self.statuses))
            .add_option(in_alliance(
                Some(access),
                Column::AllianceId,
                &self.alliance_id,
            ))
            .add_option(either_school)
            .add_option(node_is(
                Column::SupportingPersonId,
                &self.supporting_person_id,
                NodeKind::Person,
            ))
    }
}

/// A root list, oldest first.
async fn root_list<F, N>(ctx: &Context<'_>, args: PageArgs, filter: Option<F>) -> Result<Page<N>>
where
    F: ListFilter,
    N: ContainerType + From<<F::Entity as EntityTrait>::Model>,
{
    let access = access(ctx).await?;
    let condition = filter.unwrap_or_default().condition(&access);
    let select = F::Entity::find().filter(condition);
    Ok(oldest_first_page(db(ctx), select, &args).await?)
}

/// A list nested under a parent (`Alliance.supportRequests`, `SupportOffer.arrangements`),
/// oldest first: the lists of every parent in one statement.
pub async fn nested_list<F, N>(
    ctx: &Context<'_>,
    parent: i32,
    parent_column: <F::Entity as EntityTrait>::Column,
    args: PageArgs,
    filter: Option<F>,
) -> Result<Page<N>>
where
    F: ListFilter,
    N: ContainerType + From<<F::Entity as EntityTrait>::Model>,
{
    let access = access(ctx).await?;
    let condition = filter.unwrap_or_default().condition(&access);
    let list = ChildList::<F::Entity>::new(parent, parent_column, condition);
    Ok(child_page(ctx, list, &args).await?)
}

#[derive(Default)]
pub struct SupportQuery;

#[connections]
#[Object]
impl SupportQuery {
    /// Support requests the caller can see, oldest first.
    async fn support_requests(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(
            desc = "Conditions every request listed must meet (all given ones hold); without it, all the caller sees."
        )]
        filter: Option<SupportRequestFilter>,
    ) -> Result<Page<SupportRequest>> {
        root_list(ctx, args, filter).await
    }

    /// Offers of support the caller can see, oldest first.
    async fn support_offers(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(
            desc = "Conditions every offer listed must meet (all given ones hold); without it, all the caller sees."
        )]
        filter: Option<SupportOfferFilter>,
    ) -> Result<Page<SupportOffer>> {
        root_list(ctx, args, filter).await
    }

    /// Support arrangements the caller can see (as a party, or as an admin or CPD lead of
    /// the alliance), oldest first.
    async fn support_arrangements(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(
            desc = "Conditions every arrangement listed must meet (all given ones hold); without it, all the caller sees."
        )]
        filter: Option<SupportArrangementFilter>,
    ) -> Result<Page<SupportArrangement>> {
        root_list(ctx, args, filter).await
    }
}
