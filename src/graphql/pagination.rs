//! Relay connections over keyset cursors.
//!
//! A cursor names the last row seen (its sort key and id), never an offset, so a page deep
//! in a list costs the same as the first and stays stable while rows are added.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::connection::{Connection, CursorType, Edge, EmptyFields};
use async_graphql::resolver_utils::ContainerType;
use async_graphql::{InputObject, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::{Deserialize, Serialize};

use crate::config::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::errors::{ApiError, ApiResult};
use crate::graphql::eager::Eager;
use entity::rows::Keyed;

/// Position of a row in a list: its sort key (when the list is sorted by a text column)
/// and its id, which breaks ties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub id: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// A cursor that this server did not issue.
#[derive(Debug, thiserror::Error)]
#[error("invalid cursor")]
pub struct InvalidCursor;

impl CursorType for Cursor {
    type Error = InvalidCursor;

    /// Only cursors exactly as this server writes them: another spelling of the same JSON
    /// is refused, and so is a key holding a character no text input may hold (NUL, say,
    /// which PostgreSQL cannot compare with).
    fn decode_cursor(text: &str) -> Result<Self, Self::Error> {
        URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Cursor>(&bytes).ok())
            .filter(|cursor| cursor.encode_cursor() == text)
            .filter(|cursor| {
                cursor
                    .key
                    .as_deref()
                    .is_none_or(|key| crate::validation::forbidden_character(key).is_none())
            })
            .ok_or(InvalidCursor)
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("a cursor serializes"))
    }
}

/// The pagination arguments of a connection field, before validation.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// A validated page request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub size: u64,
    /// `last`/`before`: the page ends at the end of the range instead of starting there.
    pub backward: bool,
    pub after: Option<CursorKey>,
    pub before: Option<CursorKey>,
}

/// `Cursor`, hashable, so page requests can key DataLoader batches.
pub type CursorKey = (i32, Option<String>);

impl PageArgs {
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        Self {
            first,
            after,
            last,
            before,
        }
    }

    pub fn validate(&self) -> ApiResult<PageRequest> {
        let size = |name: &str, value: i32| {
            usize::try_from(value)
                .ok()
                .filter(|size| *size <= MAX_PAGE_SIZE)
                .map(|size| size as u64)
                .ok_or_else(|| {
                    ApiError::BadUserInput(format!("{name} must be between 0 and {MAX_PAGE_SIZE}"))
                })
        };
        let cursor = |text: &Option<String>| -> ApiResult<Option<CursorKey>> {
            text.as_deref()
                .map(Cursor::decode_cursor)
                .transpose()
                .map(|cursor| cursor.map(|c| (c.id, c.key)))
                .map_err(|_| ApiError::BadUserInput("invalid cursor".into()))
        };
        let (size, backward) = match (self.first, self.last) {
            (Some(_), Some(_)) => {
                return Err(ApiError::BadUserInput(
                    "pass first or last, not both".into(),
                ));
            }
            (Some(first), None) => (size("first", first)?, false),
            (None, Some(last)) => (size("last", last)?, true),
            (None, None) => (DEFAULT_PAGE_SIZE as u64, self.before.is_some()),
        };
        Ok(PageRequest {
            size,
            backward,
            after: cursor(&self.after)?,
            before: cursor(&self.before)?,
        })
    }
}

/// What a connection field costs in the complexity limit: its page size times what each
/// node asks for.
pub fn cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first
        .or(last)
        .map_or(DEFAULT_PAGE_SIZE, |n| usize::try_from(n).unwrap_or(0));
    size.max(1)
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

type CountFuture = Pin<Box<dyn Future<Output = ApiResult<u64>> + Send>>;

/// `totalCount` of a connection, counted only when a client asks for it.
pub struct TotalCount(Arc<dyn Fn() -> CountFuture + Send + Sync>);

impl TotalCount {
    pub fn new<F, Fut>(count: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ApiResult<u64>> + Send + 'static,
    {
        Self(Arc::new(move || Box::pin(count())))
    }

    /// The count of the rows `select` finds on `db`, made with a copy of it: a root list's,
    /// before its page narrows it to a cursor and a limit.
    pub fn of_rows<E>(select: &Select<E>, db: &DatabaseConnection) -> Self
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        let (select, db) = (select.clone(), db.clone());
        Self::new(move || {
            let select = select.clone();
            let db = db.clone();
            async move { Ok(select.count(&db).await?) }
        })
    }
}

#[Object]
impl TotalCount {
    /// How many items the whole list holds, across all pages.
    async fn total_count(&self) -> async_graphql::Result<i64> {
        Ok((self.0)().await? as i64)
    }
}

/// A page of a list; its nodes resolve through `Eager`, which matters for long nested lists.
pub type Page<N> = Connection<Cursor, Eager<N>, TotalCount, EmptyFields>;

/// Rows of one page, in list order, with whether more lie beyond either end.
pub struct Rows<M> {
    pub rows: Vec<M>,
    pub has_previous: bool,
    pub has_next: bool,
}

impl<M> Rows<M> {
    /// Trims the extra row fetched to learn whether more exist, and restores list order
    /// for backward pages (fetched in reverse).
    pub fn from_fetched(mut rows: Vec<M>, request: &PageRequest) -> Self {
        let more = rows.len() as u64 > request.size;
        rows.truncate(request.size as usize);
        if request.backward {
            rows.reverse();
            Self {
                rows,
                has_previous: more,
                has_next: request.before.is_some(),
            }
        } else {
            Self {
                rows,
                has_previous: request.after.is_some(),
                has_next: more,
            }
        }
    }

    pub fn into_page<N: ContainerType>(
        self,
        cursor_of: impl Fn(&M) -> Cursor,
        node_of: impl Fn(M) -> N,
        total: TotalCount,
    ) -> Page<N> {
        let mut page = Connection::with_additional_fields(self.has_previous, self.has_next, total);
        page.edges.extend(
            self.rows
                .into_iter()
                .map(|row| Edge::new(cursor_of(&row), Eager(node_of(row)))),
        );
        page
    }
}

/// How a root list is sorted: by a text column (then id), or by id alone (creation order).
#[derive(Debug, Clone, Copy)]
pub struct Sort<C> {
    pub column: Option<C>,
    pub descending: bool,
}

/// The condition "strictly after `cursor`" in a list sorted ascending by (column, id), or
/// descending when `descending`.
pub fn beyond<C: ColumnTrait>(
    id: C,
    sort: &Sort<C>,
    cursor: &CursorKey,
    descending: bool,
) -> Condition {
    let (cursor_id, cursor_key) = cursor;
    let id_beyond = if descending {
        id.lt(*cursor_id)
    } else {
        id.gt(*cursor_id)
    };
    match (sort.column, cursor_key) {
        (Some(column), Some(key)) => {
            // A row value, `(key, id) > (k, i)`: PostgreSQL and SQLite seek straight to it
            // in the (key, id) index, where the equivalent OR of two comparisons scans the
            // index from its start (13.8 ms against 0.24 ms for a page 10,000 schools in).
            let row = Expr::tuple([
                Expr::col(column.as_column_ref()),
                Expr::col(id.as_column_ref()),
            ]);
            let at = Expr::tuple([Expr::val(key.as_str()), Expr::val(*cursor_id)]);
            Condition::all().add(if descending { row.lt(at) } else { row.gt(at) })
        }
        _ => Condition::all().add(id_beyond),
    }
}

/// Loads one page of a root list in creation order, oldest first.
pub async fn oldest_first_page<E, N>(
    db: &DatabaseConnection,
    select: Select<E>,
    args: &PageArgs,
) -> ApiResult<Page<N>>
where
    E: Keyed,
    E::Model: Send + Sync,
    N: ContainerType + From<E::Model>,
{
    let creation_order = Sort {
        column: None,
        descending: false,
    };
    let cursor_of = |row: &E::Model| id_cursor(E::id_of(row));
    root_page(db, select, E::id_column(), creation_order, args, cursor_of).await
}

/// Loads one page of a root list, and counts the whole list lazily.
pub async fn root_page<E, N>(
    db: &DatabaseConnection,
    select: Select<E>,
    id: E::Column,
    sort: Sort<E::Column>,
    args: &PageArgs,
    cursor_of: impl Fn(&E::Model) -> Cursor,
) -> ApiResult<Page<N>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    N: ContainerType + From<E::Model>,
{
    let request = args.validate()?;
    let total = TotalCount::of_rows(&select, db);
    let mut select = select;
    if let Some(after) = &request.after {
        select = select.filter(beyond(id, &sort, after, sort.descending));
    }
    if let Some(before) = &request.before {
        select = select.filter(beyond(id, &sort, before, !sort.descending));
    }
    let descending = sort.descending != request.backward;
    let order = if descending { Order::Desc } else { Order::Asc };
    if let Some(column) = sort.column {
        select = select.order_by(column, order.clone());
    }
    let fetched = select
        .order_by(id, order)
        .limit(request.size + 1)
        .all(db)
        .await?;
    Ok(Rows::from_fetched(fetched, &request).into_page(cursor_of, N::from, total))
}

/// Cursor of a row in a list sorted by id alone.
pub fn id_cursor(id: i32) -> Cursor {
    Cursor { id, key: None }
}

/// Order of a root list, as clients pass it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum, Default)]
pub enum OrderDirection {
    /// Ascending: A to Z, oldest first (the default).
    #[default]
    Asc,
    /// Descending: Z to A, newest first.
    Desc,
}

/// Fields a root list of named things can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum, Default)]
pub enum NameOrderField {
    /// Alphabetical by name, then creation order.
    #[default]
    Name,
    /// When the record was created.
    CreatedAt,
}

/// Ordering of a root list of named things.
#[derive(Debug, Clone, Copy, InputObject, Default)]
pub struct NameOrder {
    /// What to sort by (default: `NAME`).
    #[graphql(default)]
    pub field: NameOrderField,
    /// Ascending or descending (default: `ASC`).
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl NameOrder {
    /// The sort and the function giving each row's cursor.
    pub fn sort<C: ColumnTrait>(self, name: C) -> Sort<C> {
        Sort {
            column: (self.field == NameOrderField::Name).then_some(name),
            descending: self.direction == OrderDirection::Desc,
        }
    }

    pub fn cursor(self, id: i32, name: &str) -> Cursor {
        Cursor {
            id,
            key: (self.field == NameOrderField::Name).then(|| name.to_owned()),
        }
    }
}

/// `column LIKE %text%`, case-insensitive on both databases, with LIKE's wildcards escaped.
pub fn contains_text<C: ColumnTrait>(column: C, text: &str) -> Condition {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Condition::all().add(
        Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
            column.as_column_ref(),
        )))
        .like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')),
    )
}
