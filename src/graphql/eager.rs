//! A cheaper way to resolve the objects of long lists.
//!
//! async-graphql resolves an object by boxing a future for each selected field and driving
//! them through a `FuturesUnordered`: an allocation, a waker and a move of a future per
//! field, and a nested list of a thousand rows has thousands of fields. `Eager<T>` is the
//! same GraphQL type as `T` (same name, same fields, same schema) whose fields are resolved
//! as one `join_all` of one concrete future type: one allocation per object, and every field
//! still runs concurrently, so DataLoader batches stay as wide as before. Alone it measured
//! within noise; with the field futures kept small (boxed page loads and policy scope load)
//! the nested list takes 10-15% less CPU (BENCHMARKS.md).
//!
//! Selections it cannot resolve with exactly async-graphql's semantics (a field with a
//! directive, two selections under one response key, which GraphQL merges) go through
//! async-graphql's own `resolve_container`. The schema has no extensions (`graphql::builder`
//! says why); with one, its per-field hook would be skipped here.

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{ContainerType, resolve_container};
use async_graphql::{ContextSelectionSet, OutputType, Positioned, ServerResult, Value};
use futures_util::future::join_all;

/// `T`, resolved eagerly: see the module documentation.
pub struct Eager<T>(pub T);

impl<T: ContainerType> OutputType for Eager<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_eagerly(ctx, &self.0).await
    }
}

async fn resolve_eagerly<T: ContainerType>(
    ctx: &ContextSelectionSet<'_>,
    root: &T,
) -> ServerResult<Value> {
    let mut fields = Vec::with_capacity(ctx.item.node.items.len());
    if !collect_fields(ctx, root, &ctx.item.node, &mut fields) {
        // Boxed: the general path is rare, and inline it would triple this future's size.
        return Box::pin(resolve_container(ctx, root)).await;
    }
    let resolved = join_all(fields.iter().map(|field| async move {
        if field.node.name.node == "__typename" {
            return Ok(Value::String(root.introspection_type_name().into_owned()));
        }
        Ok(root
            .resolve_field(&ctx.with_field(field))
            .await?
            .unwrap_or_default())
    }))
    .await;

    let mut object = IndexMap::with_capacity(fields.len());
    for (field, value) in fields.iter().zip(resolved) {
        match value {
            Ok(value) => {
                object.insert(field.node.response_key().node.clone(), value);
            }
            // As async-graphql does: the error is reported and the field left out.
            Err(error) => ctx.add_error(error),
        }
    }
    Ok(if object.is_empty() {
        Value::Null
    } else {
        Value::Object(object)
    })
}

/// Gathers the fields that apply to `root` from a selection set and the fragments in it, in
/// order. False when one needs async-graphql's general path: a field with a directive, or a
/// response key selected twice (whose selections GraphQL merges).
fn collect_fields<'a, T: ContainerType>(
    ctx: &ContextSelectionSet<'a>,
    root: &T,
    selection_set: &'a SelectionSet,
    fields: &mut Vec<&'a Positioned<Field>>,
) -> bool {
    selection_set
        .items
        .iter()
        .all(|selection| match &selection.node {
            Selection::Field(field) => {
                let key = field.node.response_key();
                let fresh = !fields
                    .iter()
                    .any(|seen| seen.node.response_key().node == key.node);
                fields.push(field);
                fresh && field.node.directives.is_empty()
            }
            Selection::FragmentSpread(spread) => {
                match ctx.query_env.fragments.get(&spread.node.fragment_name.node) {
                    Some(fragment)
                        if applies(ctx, root, Some(&fragment.node.type_condition.node.on.node)) =>
                    {
                        collect_fields(ctx, root, &fragment.node.selection_set.node, fields)
                    }
                    Some(_) => true,
                    // Validation rejects unknown fragments before execution; let
                    // async-graphql report it if one ever gets here.
                    None => false,
                }
            }
            Selection::InlineFragment(fragment) => {
                let condition = fragment.node.type_condition.as_ref();
                if applies(ctx, root, condition.map(|c| &c.node.on.node)) {
                    collect_fields(ctx, root, &fragment.node.selection_set.node, fields)
                } else {
                    true
                }
            }
        })
}

/// Whether a fragment's type condition holds for `root`: none, its own type, or an
/// interface it implements (the rule async-graphql's `Fields::add_set` applies).
fn applies<T: ContainerType>(
    ctx: &ContextSelectionSet<'_>,
    root: &T,
    condition: Option<&async_graphql::Name>,
) -> bool {
    let Some(condition) = condition else {
        return true;
    };
    let own = root.introspection_type_name();
    own == condition.as_str()
        || T::type_name() == condition.as_str()
        || ctx
            .schema_env
            .registry
            .implements
            .get(own.as_ref())
            .is_some_and(|interfaces| interfaces.contains(condition.as_str()))
}
