use async_graphql::{Context, InputObject, Object, Result};
use entity::alliance;
use entity::enums::AllianceKind;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::connections;

use super::Alliance;
use crate::graphql::context::{access, db};
use crate::graphql::pagination::{NameOrder, Page, PageArgs, contains_text, root_page};
use crate::validation::search_text;

/// Narrows the list of alliances. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct AllianceFilter {
    /// Words in the name (at most 200 characters).
    pub search: Option<String>,
    /// Only alliances of these kinds.
    pub kinds: Option<Vec<AllianceKind>>,
}

#[derive(Default)]
pub struct AllianceQuery;

#[connections]
#[Object]
impl AllianceQuery {
    /// Alliances the caller can see, alphabetical unless ordered otherwise.
    async fn alliances(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the list by name and kind.")] filter: Option<AllianceFilter>,
        #[graphql(desc = "The order (default: by name, A to Z).")] order_by: Option<NameOrder>,
    ) -> Result<Page<Alliance>> {
        let access = access(ctx).await?;
        let filter = filter.unwrap_or_default();
        let mut select =
            alliance::Entity::find().filter(access.alliance_condition(alliance::Column::Id));
        if let Some(search) = search_text("filter.search", filter.search.as_deref())? {
            select = select.filter(contains_text(alliance::Column::Name, search));
        }
        if let Some(kinds) = filter.kinds {
            select = select.filter(alliance::Column::Kind.is_in(kinds));
        }
        let order = order_by.unwrap_or_default();
        Ok(root_page(
            db(ctx),
            select,
            alliance::Column::Id,
            order.sort(alliance::Column::Name),
            &args,
            |row: &alliance::Model| order.cursor(row.id, &row.name),
        )
        .await?)
    }
}
