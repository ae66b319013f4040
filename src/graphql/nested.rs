//! Nested connections (the children of each parent in a list), loaded through the
//! request's DataLoader: one statement for a page of every parent's children, one more
//! for their counts when asked.

use std::sync::Arc;

use async_graphql::Context;
use async_graphql::resolver_utils::ContainerType;
use sea_orm::EntityTrait;
use sea_orm::sea_query::Condition;

use crate::errors::ApiResult;
use crate::graphql::companion::Companion;
use crate::graphql::context::{Loader, loader};
use crate::graphql::loaders::{
    ChildMode, ChildQuery, ChildRows, Children, Loadable, loader_error, owned,
};
use crate::graphql::pagination::{Cursor, Page, PageArgs, Rows, Sort, TotalCount, id_cursor};

/// What a nested connection lists: children of `parent` in `parent_column`, further
/// narrowed by `condition` (the policy's and the client's filters). Parents whose lists
/// have equal conditions load together, in one statement.
pub struct ChildList<E: sea_orm::EntityTrait> {
    pub parent: i32,
    pub parent_column: E::Column,
    pub condition: Condition,
}

impl<E: EntityTrait> ChildList<E> {
    pub fn new(parent: i32, parent_column: E::Column, condition: Condition) -> Self {
        Self {
            parent,
            parent_column,
            condition,
        }
    }

    /// The DataLoader key of this list's children, loaded as `mode` says.
    fn into_key(self, mode: ChildMode, sort: Option<Sort<E::Column>>) -> Children<E> {
        self.into_key_bringing(mode, sort, None)
    }

    fn into_key_bringing(
        self,
        mode: ChildMode,
        sort: Option<Sort<E::Column>>,
        companion: Option<Arc<dyn Companion<E>>>,
    ) -> Children<E> {
        Children {
            parent: self.parent,
            query: Arc::new(ChildQuery {
                parent_column: self.parent_column,
                condition: self.condition,
                mode,
                sort,
                companion,
            }),
        }
    }
}

/// The rows the loader found for `key` (none when it found none).
async fn rows_of<E: Loadable>(loader: &Loader, key: Children<E>) -> ApiResult<Vec<E::Model>> {
    match loader.load_one(key).await.map_err(loader_error)?.map(owned) {
        Some(ChildRows::Rows(rows)) => Ok(rows),
        _ => Ok(Vec::new()),
    }
}

/// The count the loader found for `key`.
async fn count_of<E: Loadable>(loader: &Loader, key: Children<E>) -> ApiResult<u64> {
    match loader.load_one(key).await.map_err(loader_error)?.as_deref() {
        Some(ChildRows::Count(count)) => Ok(*count),
        _ => Ok(0),
    }
}

/// A nested connection sorted by a text column (then id), such as threads by latest
/// activity: `cursor_of` gives each row's cursor.
pub async fn sorted_child_page<E: Loadable, N>(
    ctx: &Context<'_>,
    list: ChildList<E>,
    sort: Sort<E::Column>,
    args: &PageArgs,
    cursor_of: impl Fn(&E::Model) -> Cursor,
) -> ApiResult<Page<N>>
where
    N: ContainerType + From<E::Model>,
{
    Box::pin(page_of(ctx, list, Some(sort), None, args, cursor_of)).await
}

pub async fn child_page<E: Loadable, N>(
    ctx: &Context<'_>,
    list: ChildList<E>,
    args: &PageArgs,
) -> ApiResult<Page<N>>
where
    N: ContainerType + From<E::Model>,
{
    child_page_bringing(ctx, list, None, args).await
}

/// A nested connection whose page brings along a related row of each child, if any (see
/// `graphql::companion::bring`): the rows' resolvers then find it without waiting for a
/// DataLoader round of their own.
pub async fn child_page_bringing<E: Loadable, N>(
    ctx: &Context<'_>,
    list: ChildList<E>,
    companion: Option<Arc<dyn Companion<E>>>,
    args: &PageArgs,
) -> ApiResult<Page<N>>
where
    N: ContainerType + From<E::Model>,
{
    let cursor_of = |row: &E::Model| id_cursor(E::id_of(row));
    Box::pin(page_of(ctx, list, None, companion, args, cursor_of)).await
}

/// Boxed by its callers: a page's future is large, and inline it would size the future of
/// every field of the parent object, each allocated and moved once per row.
async fn page_of<E: Loadable, N>(
    ctx: &Context<'_>,
    list: ChildList<E>,
    sort: Option<Sort<E::Column>>,
    companion: Option<Arc<dyn Companion<E>>>,
    args: &PageArgs,
    cursor_of: impl Fn(&E::Model) -> Cursor,
) -> ApiResult<Page<N>>
where
    N: ContainerType + From<E::Model>,
{
    let request = args.validate()?;
    let loader = loader(ctx);
    let page_key = ChildList {
        condition: list.condition.clone(),
        ..list
    }
    .into_key_bringing(ChildMode::Page(request.clone()), sort, companion);
    let count_key = list.into_key(ChildMode::Count, None);
    let rows = rows_of(&loader, page_key).await?;
    let total = TotalCount::new(move || {
        let loader = loader.clone();
        let key = count_key.clone();
        async move { count_of(&loader, key).await }
    });
    Ok(Rows::from_fetched(rows, &request).into_page(cursor_of, N::from, total))
}

/// All children of a parent, for short lists that need no pagination (a person's roles).
pub async fn child_rows<E: Loadable>(
    ctx: &Context<'_>,
    list: ChildList<E>,
) -> ApiResult<Vec<E::Model>> {
    rows_of(&loader(ctx), list.into_key(ChildMode::All, None)).await
}

/// Every child of a parent (a history, a practice's authors), as `N`.
pub async fn all_children<E: Loadable, N>(
    ctx: &Context<'_>,
    parent: i32,
    column: E::Column,
) -> ApiResult<Vec<N>>
where
    N: From<E::Model>,
{
    let list = ChildList::<E>::new(parent, column, Condition::all());
    Ok(child_rows(ctx, list)
        .await?
        .into_iter()
        .map(N::from)
        .collect())
}

/// How many children a parent has under `list`, counted in one statement with every
/// other parent's count of the same shape.
pub async fn child_count<E: Loadable>(ctx: &Context<'_>, list: ChildList<E>) -> ApiResult<u64> {
    count_of(&loader(ctx), list.into_key(ChildMode::Count, None)).await
}
