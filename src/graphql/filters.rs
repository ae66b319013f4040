//! What the filters of lists share: each field given narrows the list and each one left
//! out keeps every row, so a filter's condition is the conditions of its given fields,
//! added with `Condition::add_option`.

use async_graphql::ID;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Expr;

use super::ids::{NodeKind, filter_key};

/// Rows whose `column` holds any of `values`, when a list is given.
pub fn any_of<C, V>(column: C, values: &Option<Vec<V>>) -> Option<Expr>
where
    C: ColumnTrait,
    V: Into<sea_orm::Value> + Clone,
{
    values
        .as_ref()
        .map(|values| column.is_in(values.iter().cloned()))
}

/// Rows whose `column` holds the key of the id given, of `kind`; an id that is malformed or
/// of another kind matches nothing (`filter_key`).
pub fn node_is(column: impl ColumnTrait, id: &Option<ID>, kind: NodeKind) -> Option<Expr> {
    id.as_ref().map(|id| column.eq(filter_key(id, kind)))
}
