//! Where people work now, loaded in batches: what the policy needs to decide whether a
//! caller sees a person or their email.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entity::{alliance_role, person, staff_role};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::Person;
use crate::graphql::context::{access, load, loader};
use crate::graphql::errors::ApiResult;
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

    async fn load(&self, keys: &[PlacesOf]) -> Result<HashMap<PlacesOf, Places>, Self::Error> {
        let people: Vec<i32> = keys.iter().map(|key| key.0).collect();
        let mut places: HashMap<PlacesOf, Places> =
            keys.iter().map(|key| (*key, Places::default())).collect();
        for (person, school) in staff_role::Entity::find()
            .select_only()
            .columns([staff_role::Column::PersonId, staff_role::Column::SchoolId])
            .filter(staff_role::Column::PersonId.is_in(people.clone()))
            .filter(staff_role::Column::EndsOn.is_null())
            .into_tuple::<(i32, i32)>()
            .all(&self.db)
            .await?
        {
            places
                .entry(PlacesOf(person))
                .or_default()
                .schools
                .push(school);
        }
        for (person, alliance) in alliance_role::Entity::find()
            .select_only()
            .columns([
                alliance_role::Column::PersonId,
                alliance_role::Column::AllianceId,
            ])
            .filter(alliance_role::Column::PersonId.is_in(people))
            .filter(alliance_role::Column::EndsOn.is_null())
            .into_tuple::<(i32, i32)>()
            .all(&self.db)
            .await?
        {
            places
                .entry(PlacesOf(person))
                .or_default()
                .alliances
                .push(alliance);
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
    let Some(model) = load::<person::Entity>(ctx, person_id).await? else {
        return Ok(None);
    };
    if access.platform_admin || person_id == access.person_id {
        return Ok(Some(Person(model)));
    }
    let places = places_of(ctx, person_id).await?;
    Ok(access
        .sees_person(person_id, &places.schools, &places.alliances)
        .then_some(Person(model)))
}
