//! Where people work now, loaded in batches: what the policy needs to decide whether a
//! caller sees a person or their email.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entity::{alliance_role, person, staff_role};
use sea_orm::sea_query::{Expr, Query, UnionType};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr};

use super::Person;
use crate::errors::ApiResult;
use crate::graphql::context::{access, load, loader};
use crate::graphql::loaders::{SqlLoader, loader_error};

/// Key: a person id. Value: the schools and alliances they hold current roles in.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlacesOf(pub i32);

#[derive(Clone, Default, Debug)]
pub struct Places {
    pub schools: Vec<i32>,
    pub alliances: Vec<i32>,
}

impl Loader<PlacesOf> for SqlLoader {
    type Value = Places;
    type Error = Arc<DbErr>;

    /// One statement for both kinds of place: each row is a person, a place and whether
    /// that place is an alliance.
    async fn load(&self, keys: &[PlacesOf]) -> Result<HashMap<PlacesOf, Places>, Self::Error> {
        let people: Vec<i32> = keys.iter().map(|key| key.0).collect();
        let mut places: HashMap<PlacesOf, Places> =
            keys.iter().map(|key| (*key, Places::default())).collect();
        let alliances = Query::select()
            .column(alliance_role::Column::PersonId)
            .column(alliance_role::Column::AllianceId)
            .expr(Expr::val(true))
            .from(alliance_role::Entity)
            .and_where(self.one_of(alliance_role::Column::PersonId, people.iter().copied()))
            .and_where(alliance_role::Column::EndsOn.is_null())
            .to_owned();
        let query = Query::select()
            .column(staff_role::Column::PersonId)
            .column(staff_role::Column::SchoolId)
            .expr(Expr::val(false))
            .from(staff_role::Entity)
            .and_where(self.one_of(staff_role::Column::PersonId, people))
            .and_where(staff_role::Column::EndsOn.is_null())
            .union(UnionType::All, alliances)
            .to_owned();
        for row in self.db.query_all(&query).await? {
            let person: i32 = row.try_get_by_index(0)?;
            let place: i32 = row.try_get_by_index(1)?;
            let is_alliance: bool = row.try_get_by_index(2)?;
            let entry = places.entry(PlacesOf(person)).or_default();
            if is_alliance {
                entry.alliances.push(place);
            } else {
                entry.schools.push(place);
            }
        }
        Ok(places)
    }
}

pub async fn places_of(ctx: &Context<'_>, person_id: i32) -> ApiResult<Places> {
    loader(ctx)
        .load_one(PlacesOf(person_id))
        .await
        .map_err(loader_error)
        .map(Option::unwrap_or_default)
}

/// The person with this id if the caller may see them; `None` otherwise.
pub async fn visible_person(ctx: &Context<'_>, person_id: i32) -> ApiResult<Option<Person>> {
    let access = access(ctx).await?;
    let needs_no_places = access.sees_person_wherever_they_work(person_id);
    // The person and where they work load in the same DataLoader round.
    let (model, places) = futures_util::try_join!(load::<person::Entity>(ctx, person_id), async {
        if needs_no_places {
            Ok(Places::default())
        } else {
            places_of(ctx, person_id).await
        }
    })?;
    let Some(model) = model else {
        return Ok(None);
    };
    if needs_no_places {
        return Ok(Some(Person(model)));
    }
    Ok(access
        .sees_person(person_id, &places.schools, &places.alliances)
        .then_some(Person(model)))
}

/// The person in a staff role, if the caller may see them. A current role's school is one
/// of the places its person works now; when the policy lets the caller see them for that
/// place alone, their other places need no look-up, so a page of staff looks up places
/// only for ended roles and for schools whose staff the caller does not see.
pub async fn person_in_staff_role(
    ctx: &Context<'_>,
    role: &staff_role::Model,
) -> ApiResult<Option<Person>> {
    let current = role.ends_on.is_none();
    if current
        && access(ctx)
            .await?
            .sees_person(role.person_id, &[role.school_id], &[])
    {
        return Ok(load::<person::Entity>(ctx, role.person_id)
            .await?
            .map(Person));
    }
    visible_person(ctx, role.person_id).await
}
