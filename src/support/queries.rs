//! Lists of requests, offers and arrangements: at the root with filters, and nested under
//! an alliance or a school. Every list holds only what the policy lets the caller see.

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
use crate::graphql::nested::{ChildList, child_page};
use crate::graphql::pagination::{Page, PageArgs, Sort, id_cursor, root_page};
use crate::themes::theme_key;

/// Narrows a list of support requests. All given conditions must hold.
#[derive(InputObject, Default, Debug)]
pub struct SupportRequestFilter {
    pub alliance_id: Option<ID>,
    /// Only requests of this school.
    pub school_id: Option<ID>,
    pub statuses: Option<Vec<SupportRequestStatus>>,
    pub urgencies: Option<Vec<SupportUrgency>>,
    pub theme_id: Option<ID>,
}

/// Narrows a list of support offers. All given conditions must hold.
#[derive(InputObject, Default, Debug)]
pub struct SupportOfferFilter {
    pub alliance_id: Option<ID>,
    /// Only offers from this school.
    pub school_id: Option<ID>,
    /// Only offers naming this person.
    pub person_id: Option<ID>,
    pub statuses: Option<Vec<SupportOfferStatus>>,
    pub theme_id: Option<ID>,
}

/// An id filter that matches nothing when the id is malformed or of another kind.
fn key_or_none(id: &ID, kind: NodeKind) -> i32 {
    decode_as(id, kind).unwrap_or(0)
}

pub fn request_condition(access: &Access, filter: &SupportRequestFilter) -> Condition {
    use support_request::Column;
    let mut condition = Condition::all();
    if let Some(id) = &filter.alliance_id {
        condition = condition.add(Column::AllianceId.eq(alliance_filter_key(Some(access), id)));
    }
    if let Some(id) = &filter.school_id {
        condition = condition.add(Column::SchoolId.eq(key_or_none(id, NodeKind::School)));
    }
    if let Some(statuses) = &filter.statuses {
        condition = condition.add(Column::Status.is_in(statuses.clone()));
    }
    if let Some(urgencies) = &filter.urgencies {
        condition = condition.add(Column::Urgency.is_in(urgencies.clone()));
    }
    if let Some(id) = &filter.theme_id {
        let key = key_or_none(id, NodeKind::Theme);
        condition = condition
            .add(Column::ThemeKeys.contains(theme_key(key)))
            .add(policy::seen_theme_condition(Some(access), key));
    }
    condition
}

pub fn offer_condition(access: &Access, filter: &SupportOfferFilter) -> Condition {
    use support_offer::Column;
    let mut condition = Condition::all();
    if let Some(id) = &filter.alliance_id {
        condition = condition.add(Column::AllianceId.eq(alliance_filter_key(Some(access), id)));
    }
    if let Some(id) = &filter.school_id {
        condition = condition.add(Column::SchoolId.eq(key_or_none(id, NodeKind::School)));
    }
    if let Some(id) = &filter.person_id {
        condition = condition.add(Column::PersonId.eq(key_or_none(id, NodeKind::Person)));
    }
    if let Some(statuses) = &filter.statuses {
        condition = condition.add(Column::Status.is_in(statuses.clone()));
    }
    if let Some(id) = &filter.theme_id {
        let key = key_or_none(id, NodeKind::Theme);
        condition = condition
            .add(Column::ThemeKeys.contains(theme_key(key)))
            .add(policy::seen_theme_condition(Some(access), key));
    }
    condition
}

pub fn arrangement_condition(access: &Access, filter: &SupportArrangementFilter) -> Condition {
    use support_arrangement::Column;
    let mut condition = Condition::all();
    if let Some(statuses) = &filter.statuses {
        condition = condition.add(Column::Status.is_in(statuses.clone()));
    }
    if let Some(id) = &filter.alliance_id {
        condition = condition.add(Column::AllianceId.eq(alliance_filter_key(Some(access), id)));
    }
    if let Some(id) = &filter.school_id {
        let school = key_or_none(id, NodeKind::School);
        condition = condition.add(
            Condition::any()
                .add(Column::SupportedSchoolId.eq(school))
                .add(Column::SupportingSchoolId.eq(school)),
        );
    }
    if let Some(id) = &filter.supporting_person_id {
        condition = condition.add(Column::SupportingPersonId.eq(key_or_none(id, NodeKind::Person)));
    }
    condition
}

/// Creation order, oldest first.
fn by_id<C>() -> Sort<C> {
    Sort {
        column: None,
        descending: false,
    }
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
        filter: Option<SupportRequestFilter>,
    ) -> Result<Page<SupportRequest>> {
        let access = access(ctx).await?;
        let select = support_request::Entity::find()
            .filter(access.support_request_condition())
            .filter(request_condition(&access, &filter.unwrap_or_default()));
        Ok(root_page(
            db(ctx),
            select,
            support_request::Column::Id,
            by_id(),
            &args,
            |row: &support_request::Model| id_cursor(row.id),
        )
        .await?)
    }

    /// Offers of support the caller can see, oldest first.
    async fn support_offers(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        filter: Option<SupportOfferFilter>,
    ) -> Result<Page<SupportOffer>> {
        let access = access(ctx).await?;
        let select = support_offer::Entity::find()
            .filter(access.support_offer_condition())
            .filter(offer_condition(&access, &filter.unwrap_or_default()));
        Ok(root_page(
            db(ctx),
            select,
            support_offer::Column::Id,
            by_id(),
            &args,
            |row: &support_offer::Model| id_cursor(row.id),
        )
        .await?)
    }

    /// Support arrangements the caller can see (as a party, or as an admin or CPD lead of
    /// the alliance), oldest first.
    async fn support_arrangements(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        filter: Option<SupportArrangementFilter>,
    ) -> Result<Page<SupportArrangement>> {
        let access = access(ctx).await?;
        let select = support_arrangement::Entity::find()
            .filter(access.support_arrangement_condition())
            .filter(arrangement_condition(&access, &filter.unwrap_or_default()));
        Ok(root_page(
            db(ctx),
            select,
            support_arrangement::Column::Id,
            by_id(),
            &args,
            |row: &support_arrangement::Model| id_cursor(row.id),
        )
        .await?)
    }
}

/// `Alliance.supportRequests` and `School.supportRequests`: the requests of each parent
/// in one statement for all parents.
pub async fn nested_requests(
    ctx: &Context<'_>,
    parent: i32,
    parent_column: support_request::Column,
    args: PageArgs,
    filter: Option<SupportRequestFilter>,
) -> Result<Page<SupportRequest>> {
    let access = access(ctx).await?;
    let filter = filter.unwrap_or_default();
    let list = ChildList::<support_request::Entity>::new(
        parent,
        parent_column,
        Condition::all()
            .add(access.support_request_condition())
            .add(request_condition(&access, &filter)),
    );
    Ok(child_page(ctx, list, &args, |row| row.id).await?)
}

/// `Alliance.supportOffers` and `School.supportOffers`.
pub async fn nested_offers(
    ctx: &Context<'_>,
    parent: i32,
    parent_column: support_offer::Column,
    args: PageArgs,
    filter: Option<SupportOfferFilter>,
) -> Result<Page<SupportOffer>> {
    let access = access(ctx).await?;
    let filter = filter.unwrap_or_default();
    let list = ChildList::<support_offer::Entity>::new(
        parent,
        parent_column,
        Condition::all()
            .add(access.support_offer_condition())
            .add(offer_condition(&access, &filter)),
    );
    Ok(child_page(ctx, list, &args, |row| row.id).await?)
}
