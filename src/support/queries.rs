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
use crate::alliances::alliance_filter_key;
use crate::auth::policy::{self, Access};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::loaders::Keyed;
use crate::graphql::nested::{ChildList, child_page};
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};
use crate::themes::theme_key;

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

/// An id filter that matches nothing when the id is malformed or of another kind.
fn key_or_none(id: &ID, kind: NodeKind) -> i32 {
    decode_as(id, kind).unwrap_or(0)
}

/// The filter of one of the support lists, at the root or nested under a parent.
pub trait ListFilter: Default {
    type Entity: Keyed<Model: Clone + Send + Sync>;

    /// The rows the policy shows the caller and the filter keeps.
    fn condition(&self, access: &Access) -> Condition;
}

/// Rows whose themes include the filter's theme, if the caller may see that theme.
fn theme_condition(access: &Access, theme_keys: impl ColumnTrait, id: &ID) -> Condition {
    let key = key_or_none(id, NodeKind::Theme);
    Condition::all()
        .add(theme_keys.contains(theme_key(key)))
        .add(policy::seen_theme_condition(Some(access), key))
}

impl ListFilter for SupportRequestFilter {
    type Entity = support_request::Entity;

    fn condition(&self, access: &Access) -> Condition {
        use support_request::Column;
        let mut condition = Condition::all().add(access.support_request_condition());
        if let Some(id) = &self.alliance_id {
            condition = condition.add(Column::AllianceId.eq(alliance_filter_key(Some(access), id)));
        }
        if let Some(id) = &self.school_id {
            condition = condition.add(Column::SchoolId.eq(key_or_none(id, NodeKind::School)));
        }
        if let Some(statuses) = &self.statuses {
            condition = condition.add(Column::Status.is_in(statuses.clone()));
        }
        if let Some(urgencies) = &self.urgencies {
            condition = condition.add(Column::Urgency.is_in(urgencies.clone()));
        }
        if let Some(id) = &self.theme_id {
            condition = condition.add(theme_condition(access, Column::ThemeKeys, id));
        }
        condition
    }
}

impl ListFilter for SupportOfferFilter {
    type Entity = support_offer::Entity;

    fn condition(&self, access: &Access) -> Condition {
        use support_offer::Column;
        let mut condition = Condition::all().add(access.support_offer_condition());
        if let Some(id) = &self.alliance_id {
            condition = condition.add(Column::AllianceId.eq(alliance_filter_key(Some(access), id)));
        }
        if let Some(id) = &self.school_id {
            condition = condition.add(Column::SchoolId.eq(key_or_none(id, NodeKind::School)));
        }
        if let Some(id) = &self.person_id {
            condition = condition.add(Column::PersonId.eq(key_or_none(id, NodeKind::Person)));
        }
        if let Some(statuses) = &self.statuses {
            condition = condition.add(Column::Status.is_in(statuses.clone()));
        }
        if let Some(id) = &self.theme_id {
            condition = condition.add(theme_condition(access, Column::ThemeKeys, id));
        }
        condition
    }
}

impl ListFilter for SupportArrangementFilter {
    type Entity = support_arrangement::Entity;

    fn condition(&self, access: &Access) -> Condition {
        use support_arrangement::Column;
        let mut condition = Condition::all().add(access.support_arrangement_condition());
        if let Some(statuses) = &self.statuses {
            condition = condition.add(Column::Status.is_in(statuses.clone()));
        }
        if let Some(id) = &self.alliance_id {
            condition = condition.add(Column::AllianceId.eq(alliance_filter_key(Some(access), id)));
        }
        if let Some(id) = &self.school_id {
            let school = key_or_none(id, NodeKind::School);
            condition = condition.add(
                Condition::any()
                    .add(Column::SupportedSchoolId.eq(school))
                    .add(Column::SupportingSchoolId.eq(school)),
            );
        }
        if let Some(id) = &self.supporting_person_id {
            let person = key_or_none(id, NodeKind::Person);
            condition = condition.add(Column::SupportingPersonId.eq(person));
        }
        condition
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
