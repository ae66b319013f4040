//! Per-request DataLoaders: every relation a list can reach loads in one statement per
//! nesting level, whatever the number of rows.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::rows::ReadRows;
use sea_orm::sea_query::{Asterisk, Condition, Expr, ExprTrait, Func, PgFunc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, IdenStatic,
    Order, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};

use crate::graphql::companion::{Brought, Companion};
use crate::graphql::pagination::{PageRequest, Sort, beyond};
use crate::graphql::per_parent::TopPerParent;

pub use entity::rows::Keyed;

/// An entity the DataLoaders read: its rows keyed by id, and shared (in an `Arc`) by the
/// tasks that resolve them.
pub trait Loadable: Keyed<Model: Clone + Send + Sync> {}

impl<E: Keyed<Model: Clone + Send + Sync>> Loadable for E {}

/// Loader errors are shared by every waiting resolver; each reports it as any database
/// error (unavailable, or internal).
#[track_caller]
pub fn loader_error(error: Arc<DbErr>) -> crate::errors::ApiError {
    Arc::unwrap_or_clone(error).into()
}

/// Loads rows for DataLoaders. Loader errors must be `Clone`, hence `Arc<DbErr>`.
pub struct SqlLoader {
    pub db: DatabaseConnection,
    /// Related rows that pages brought along (`graphql::companion`).
    pub brought: Brought,
}

/// A loaded value, owned. Loaders hand out their rows in an `Arc` because the DataLoader
/// clones each value for the resolver that asked: behind an `Arc` that is a count, not a
/// copy of every row's strings and JSON. By the time a resolver reads its value, the loader
/// has dropped its own copy, so the rows move out without a copy (unless two resolvers
/// asked for the same key).
pub fn owned<T: Clone>(value: Arc<T>) -> T {
    Arc::unwrap_or_clone(value)
}

/// Key of a row by id.
pub struct ById<E>(pub i32, PhantomData<fn() -> E>);

impl<E> ById<E> {
    pub fn new(id: i32) -> Self {
        Self(id, PhantomData)
    }
}

impl<E> Clone for ById<E> {
    fn clone(&self) -> Self {
        Self::new(self.0)
    }
}
impl<E> PartialEq for ById<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<E> Eq for ById<E> {}
impl<E> Hash for ById<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

pub fn value_i32<M: sea_orm::ModelTrait>(
    model: &M,
    column: <M::Entity as EntityTrait>::Column,
) -> i32 {
    match model.get(column) {
        sea_orm::Value::Int(Some(value)) => value,
        other => unreachable!("id columns are integers, found {other:?}"),
    }
}

impl<E: Loadable> Loader<ById<E>> for SqlLoader {
    type Value = Arc<E::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[ById<E>]) -> Result<HashMap<ById<E>, Self::Value>, Self::Error> {
        let select = E::find().filter(self.one_of(E::id_column(), keys.iter().map(|key| key.0)));
        Ok(self
            .all(select)
            .await?
            .into_iter()
            .map(|row| (ById::new(value_i32(&row, E::id_column())), Arc::new(row)))
            .collect())
    }
}

/// `column IN (ids)`, as `column = ANY($1)` on PostgreSQL: one array parameter, so the
/// statement's text is the same whatever the number of ids and each pooled connection
/// prepares it once, instead of parsing and binding a list of hundreds of parameters on
/// every request and filling sqlx's per-connection statement cache with one statement per
/// list length. SQLite has no array parameters.
pub fn one_of(
    backend: DbBackend,
    column: impl ColumnTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::col((column.entity_name(), column))
            .eq(PgFunc::any(Expr::val(Vec::from_iter(ids)))),
        _ => column.is_in(ids),
    }
}

/// Which children of a parent a nested connection lists: the parent column, the policy's
/// and the client's filters, and the page. Ordered by id (creation order).
///
/// Keys whose queries are equal load in one statement. Equality compares the condition
/// itself, so two parents asked under different conditions (one whose staff the caller
/// may see and one whose staff they may not, say) can never be answered by one
/// statement under either's condition.
pub struct ChildQuery<E: EntityTrait> {
    pub parent_column: E::Column,
    pub condition: Condition,
    pub mode: ChildMode,
    /// Pages sorted by a text column (then id) instead of by id alone.
    pub sort: Option<Sort<E::Column>>,
    /// A related table whose rows are loaded with the children's.
    pub companion: Option<Arc<dyn Companion<E>>>,
}

impl<E: EntityTrait> ChildQuery<E> {
    /// Whether one statement answers both: every part of the query is compared.
    fn same_as(&self, other: &Self) -> bool {
        let column = |column: &E::Column| column.as_str();
        let sort = |sort: &Option<Sort<E::Column>>| {
            sort.as_ref()
                .map(|sort| (sort.column.as_ref().map(column), sort.descending))
        };
        column(&self.parent_column) == column(&other.parent_column)
            && self.mode == other.mode
            && sort(&self.sort) == sort(&other.sort)
            && self.companion.as_ref().map(|c| c.name())
                == other.companion.as_ref().map(|c| c.name())
            && self.condition == other.condition
    }
}

/// What to load of the children: a page, all of them (short lists), or their count.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChildMode {
    Page(PageRequest),
    All,
    Count,
}

/// The children of one parent under a `ChildQuery`.
pub struct Children<E: EntityTrait> {
    pub parent: i32,
    pub query: Arc<ChildQuery<E>>,
}

impl<E: EntityTrait> Clone for Children<E> {
    fn clone(&self) -> Self {
        Self {
            parent: self.parent,
            query: self.query.clone(),
        }
    }
}
impl<E: EntityTrait> PartialEq for Children<E> {
    fn eq(&self, other: &Self) -> bool {
        self.parent == other.parent
            && (Arc::ptr_eq(&self.query, &other.query) || self.query.same_as(&other.query))
    }
}
impl<E: EntityTrait> Eq for Children<E> {}
impl<E: EntityTrait> Hash for Children<E> {
    /// Equal keys hash equally: the condition, which has no hash, is left to `eq`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parent.hash(state);
        self.query.mode.hash(state);
    }
}

/// Rows of children (a page, or all), or their count.
#[derive(Clone)]
pub enum ChildRows<M> {
    Rows(Vec<M>),
    Count(u64),
}

impl<E: Loadable> Loader<Children<E>> for SqlLoader {
    type Value = Arc<ChildRows<E::Model>>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[Children<E>],
    ) -> Result<HashMap<Children<E>, Self::Value>, Self::Error> {
        let mut found = HashMap::new();
        for (query, parents) in by_query(keys) {
            let key_of = |parent: i32| Children {
                parent,
                query: query.clone(),
            };
            match &query.mode {
                ChildMode::Page(_) | ChildMode::All => {
                    let rows = self.load_rows(&query, &parents).await?;
                    if let Some(companion) = &query.companion
                        && self.brought.enabled()
                    {
                        companion.bring(self, &rows).await?;
                    }
                    let mut by_parent: HashMap<i32, Vec<E::Model>> = HashMap::new();
                    for row in rows {
                        by_parent
                            .entry(value_i32(&row, query.parent_column))
                            .or_default()
                            .push(row);
                    }
                    for parent in parents {
                        let rows = by_parent.remove(&parent).unwrap_or_default();
                        found.insert(key_of(parent), Arc::new(ChildRows::Rows(rows)));
                    }
                }
                ChildMode::Count => {
                    let counts: HashMap<i32, i64> = E::find()
                        .select_only()
                        .column(query.parent_column)
                        .expr_as(Func::count(Expr::col(Asterisk)), "n")
                        .filter(self.one_of(query.parent_column, parents.iter().copied()))
                        .filter(query.condition.clone())
                        .group_by(query.parent_column)
                        .into_tuple::<(i32, i64)>()
                        .all(&self.db)
                        .await?
                        .into_iter()
                        .collect();
                    for parent in parents {
                        let count = counts.get(&parent).copied().unwrap_or(0) as u64;
                        found.insert(key_of(parent), Arc::new(ChildRows::Count(count)));
                    }
                }
            }
        }
        Ok(found)
    }
}

/// The batch's keys grouped by query, each query with its parents: one statement each. A
/// batch normally holds one query, so finding a key's group is one comparison.
fn by_query<E: EntityTrait>(keys: &[Children<E>]) -> Vec<(Arc<ChildQuery<E>>, Vec<i32>)> {
    let mut groups: Vec<(Arc<ChildQuery<E>>, Vec<i32>)> = Vec::new();
    for key in keys {
        let group = groups
            .iter_mut()
            .find(|(query, _)| Arc::ptr_eq(query, &key.query) || query.same_as(&key.query));
        match group {
            Some((_, parents)) => parents.push(key.parent),
            None => groups.push((key.query.clone(), vec![key.parent])),
        }
    }
    groups
}

impl SqlLoader {
    /// `column IN (ids)` for this loader's database (see [`one_of`]).
    pub fn one_of(&self, column: impl ColumnTrait, ids: impl IntoIterator<Item = i32>) -> Expr {
        one_of(self.db.get_database_backend(), column, ids)
    }

    /// Children of every parent in one statement: all of them, or for a page the first
    /// rows of each parent (plus one, to learn whether more exist).
    async fn load_rows<E>(
        &self,
        query: &ChildQuery<E>,
        parents: &[i32],
    ) -> Result<Vec<E::Model>, DbErr>
    where
        E: Keyed,
    {
        let id = E::id_column();
        let mut select = E::find().filter(query.condition.clone());
        let ChildMode::Page(page) = &query.mode else {
            let select = select
                .filter(self.one_of(query.parent_column, parents.iter().copied()))
                .order_by_asc(id);
            return self.all(select).await;
        };
        let sort = query.sort.unwrap_or(Sort {
            column: None,
            descending: false,
        });
        if let Some(after) = &page.after {
            select = select.filter(beyond(id, &sort, after, sort.descending));
        }
        if let Some(before) = &page.before {
            select = select.filter(beyond(id, &sort, before, !sort.descending));
        }
        let top = TopPerParent::<E> {
            parent_column: query.parent_column,
            parents: parents.to_vec(),
            order: sort.column.into_iter().chain([id]).collect(),
            direction: if sort.descending != page.backward {
                Order::Desc
            } else {
                Order::Asc
            },
            limit: page.size + 1,
        };
        let statement = top.statement(self.db.get_database_backend(), select);
        E::Model::read_all(&self.db.query_all_raw(statement).await?)
    }

    /// Every row that `select` finds, read as `entity::rows` reads its table.
    pub async fn all<E: Keyed>(&self, select: Select<E>) -> Result<Vec<E::Model>, DbErr> {
        let statement = select.build(self.db.get_database_backend());
        E::Model::read_all(&self.db.query_all_raw(statement).await?)
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::QueryTrait;

    use super::*;

    fn people_among(backend: DbBackend, ids: std::ops::Range<i32>) -> String {
        let select = entity::person::Entity::find()
            .filter(one_of(backend, entity::person::Column::Id, ids))
            .build(backend);
        select.sql
    }

    #[test]
    fn postgres_id_lists_are_one_array_parameter_whatever_their_length() {
        let few = people_among(DbBackend::Postgres, 1..4);
        let many = people_among(DbBackend::Postgres, 1..400);
        assert_eq!(few, many);
        assert!(few.ends_with(r#"WHERE "person"."id" = ANY($1)"#), "{few}");
    }

    #[test]
    fn sqlite_id_lists_are_in_lists() {
        let sql = people_among(DbBackend::Sqlite, 1..4);
        assert!(
            sql.ends_with(r#"WHERE "person"."id" IN (?, ?, ?)"#),
            "{sql}"
        );
    }
}
