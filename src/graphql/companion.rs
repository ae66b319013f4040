//! A page's to-one relation loaded with the page: a staff page's people, a membership
//! page's schools.
//!
//! Without it, each row of a page asks the DataLoader for its related row once the page
//! has been handed out, and those rows come a DataLoader round later (its gathering delay,
//! and a wake-up and a channel per row). With it, the loader that reads the page reads the
//! related rows right after it, by the page's foreign keys, and keeps them in the
//! request's [`Brought`], where the rows' resolvers find them. The statements stay one per
//! relation, whatever the number of rows; a nested list saves a round per relation. The
//! policy is untouched: resolvers still decide, row by row, whether the caller sees what
//! was brought.
//!
//! (A join in the page's statement would save the statement too, but sea-orm decodes a
//! joined model by prefixed column names, formatting each name for every row: it cost
//! more than the statement it saved.)

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use async_graphql::Context;
use futures_util::future::BoxFuture;
use sea_orm::{DbErr, EntityTrait, QueryFilter};

use crate::graphql::loaders::{Keyed, SqlLoader, value_i32};

/// Rows that pages brought along, by entity and id, for the rest of the request.
///
/// Only requests that write nothing keep them: in a request with mutations, a row
/// brought by one field could be changed by the next, and reading it from here would
/// show it as it was.
pub struct Brought {
    enabled: bool,
    rows: Mutex<HashMap<(TypeId, i32), Arc<dyn Any + Send + Sync>>>,
}

impl Brought {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            rows: Mutex::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    fn keep<E: Keyed>(&self, models: Vec<E::Model>)
    where
        E::Model: Send + Sync,
    {
        let keyed: Vec<_> = models
            .into_iter()
            .map(|model| {
                let key = (TypeId::of::<E>(), value_i32(&model, E::id_column()));
                (key, Arc::new(model) as Arc<dyn Any + Send + Sync>)
            })
            .collect();
        self.rows
            .lock()
            .expect("nothing panics while holding it")
            .extend(keyed);
    }

    /// The row of `E` with this id, if a page brought it.
    pub fn get<E: Keyed>(&self, id: i32) -> Option<E::Model>
    where
        E::Model: Clone + Send + Sync,
    {
        if !self.enabled {
            return None;
        }
        let rows = self.rows.lock().expect("nothing panics while holding it");
        let row = rows.get(&(TypeId::of::<E>(), id))?;
        row.downcast_ref::<E::Model>().cloned()
    }
}

/// A related table whose rows are loaded with a page of children of `E`.
pub trait Companion<E: EntityTrait>: Send + Sync {
    /// Names the relation in the page's DataLoader key.
    fn name(&self) -> &'static str;
    /// Loads the related rows of `children` in one statement and keeps them.
    fn bring<'a>(
        &'a self,
        loader: &'a SqlLoader,
        children: &'a [E::Model],
    ) -> BoxFuture<'a, Result<(), DbErr>>;
}

/// The row of `R` that each child's `foreign_key` (a column that is never null) names,
/// brought under the name of the field that reads it.
pub struct ToOne<R, E: EntityTrait> {
    name: &'static str,
    foreign_key: E::Column,
    related: PhantomData<fn() -> R>,
}

impl<R, E> Companion<E> for ToOne<R, E>
where
    R: Keyed,
    R::Model: Send + Sync,
    E: EntityTrait,
    E::Model: Sync,
    E::Column: Send + Sync,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn bring<'a>(
        &'a self,
        loader: &'a SqlLoader,
        children: &'a [E::Model],
    ) -> BoxFuture<'a, Result<(), DbErr>> {
        Box::pin(async move {
            let mut ids: Vec<i32> = children
                .iter()
                .map(|child| value_i32(child, self.foreign_key))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            if ids.is_empty() {
                return Ok(());
            }
            let related = loader
                .all(R::find().filter(loader.one_of(R::id_column(), ids)))
                .await?;
            loader.brought.keep::<R>(related);
            Ok(())
        })
    }
}

/// The rows of `R` that the children's `foreign_key` names, to bring along with a page,
/// when the connection being resolved selects `field` of its nodes (through `nodes` or
/// `edges { node }`); `None` when it does not, as nothing would read them.
pub fn bring<R, E>(
    ctx: &Context<'_>,
    field: &'static str,
    foreign_key: E::Column,
) -> Option<Arc<dyn Companion<E>>>
where
    E: EntityTrait,
    ToOne<R, E>: Companion<E> + 'static,
{
    let look = ctx.look_ahead();
    let selected = look.field("nodes").field(field).exists()
        || look.field("edges").field("node").field(field).exists();
    selected.then(|| {
        Arc::new(ToOne::<R, E> {
            name: field,
            foreign_key,
            related: PhantomData,
        }) as Arc<dyn Companion<E>>
    })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use entity::enums::SchoolPhase;
    use entity::school;

    use super::*;

    fn school(id: i32, name: &str) -> school::Model {
        school::Model {
            id,
            urn: None,
            name: name.into(),
            phase: SchoolPhase::Primary,
            establishment_type: None,
            local_authority: None,
            postcode: None,
            status: entity::enums::SchoolStatus::Open,
            trust_name: None,
            closed_on: None,
            gias_last_changed_on: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn brought_rows_are_found_by_entity_and_id() {
        let brought = Brought::new(true);
        brought.keep::<school::Entity>(vec![school(1, "Ash"), school(2, "Birch")]);
        let found = brought.get::<school::Entity>(2).map(|row| row.name);
        assert_eq!(found.as_deref(), Some("Birch"));
        assert!(brought.get::<school::Entity>(3).is_none());
        assert!(
            brought.get::<entity::person::Entity>(1).is_none(),
            "another table"
        );
    }

    #[test]
    fn a_request_that_writes_reads_every_row_afresh() {
        let brought = Brought::new(false);
        brought.keep::<school::Entity>(vec![school(1, "Ash")]);
        assert!(brought.get::<school::Entity>(1).is_none());
    }
}
