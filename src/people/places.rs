//! Where people work now, loaded in batches: what the policy needs to decide whether a
//! caller sees a person or their email; and the school a person takes part from in an
//! alliance; whether a person named in an input works at a school now.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, ID};
use entity::enums::MembershipStatus;
use entity::{alliance_membership, alliance_role, person, staff_role};
use sea_orm::sea_query::{Expr, Query, SelectStatement, SimpleExpr, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::Person;
use crate::errors::{ApiResult, MutationResult, UserError};
use crate::graphql::context::{access, load, loader};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::loaders::{SqlLoader, loader_error};

/// The people who work now at the schools `schools` picks (a condition on
/// `staff_role.school_id`), as a subquery of person ids.
pub fn current_staff(schools: SimpleExpr) -> SelectStatement {
    Query::select()
        .column(staff_role::Column::PersonId)
        .from(staff_role::Entity)
        .and_where(schools)
        .and_where(staff_role::Column::EndsOn.is_null())
        .to_owned()
}

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

/// The person an optional reference names (an author, who invited, who changed), if the
/// caller may see them.
pub async fn person_of(
    ctx: &Context<'_>,
    id: Option<i32>,
) -> async_graphql::Result<Option<Person>> {
    match id {
        Some(id) => Ok(visible_person(ctx, id).await?),
        None => Ok(None),
    }
}

/// The school a person takes part from in an alliance (its communities, its support):
/// the first of their current schools that is an active member. `Ok(None)` when they take part through an
/// alliance role alone; `Err(())` when they do not take part in the alliance at all.
pub async fn member_school(
    conn: &impl ConnectionTrait,
    person_id: i32,
    alliance_id: i32,
) -> Result<Result<Option<i32>, ()>, sea_orm::DbErr> {
    Ok(member_schools(conn, person_id, alliance_id)
        .await?
        .map(|schools| schools.first().copied()))
}

/// Every current school of a person that is an active member of an alliance, in id order;
/// empty when they take part through an alliance role alone; `Err(())` when they do not
/// take part in the alliance at all.
pub async fn member_schools(
    conn: &impl ConnectionTrait,
    person_id: i32,
    alliance_id: i32,
) -> Result<Result<Vec<i32>, ()>, sea_orm::DbErr> {
    let active_schools = Query::select()
        .column(alliance_membership::Column::SchoolId)
        .from(alliance_membership::Entity)
        .and_where(alliance_membership::Column::AllianceId.eq(alliance_id))
        .and_where(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .to_owned();
    let schools = staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::SchoolId)
        .filter(staff_role::Column::PersonId.eq(person_id))
        .filter(staff_role::Column::EndsOn.is_null())
        .filter(staff_role::Column::SchoolId.in_subquery(active_schools))
        .order_by_asc(staff_role::Column::SchoolId)
        .into_tuple::<i32>()
        .all(conn)
        .await?;
    if !schools.is_empty() {
        return Ok(Ok(schools));
    }
    let in_role = alliance_role::Entity::find()
        .filter(alliance_role::Column::PersonId.eq(person_id))
        .filter(alliance_role::Column::AllianceId.eq(alliance_id))
        .filter(alliance_role::Column::EndsOn.is_null())
        .one(conn)
        .await?
        .is_some();
    Ok(if in_role { Ok(Vec::new()) } else { Err(()) })
}

/// The person an input `field` names, who must work at `school_id` now (hold a current
/// staff role there): their key; otherwise a `NOT_FOUND` error on `field`, so that someone
/// the school does not employ answers as someone who does not exist.
pub async fn staff_member_now(
    conn: &impl ConnectionTrait,
    field: &str,
    id: &ID,
    school_id: i32,
) -> MutationResult<i32> {
    let person_id = decode_as(id, NodeKind::Person).ok_or_else(|| UserError::not_found(field))?;
    if !works_at_now(conn, person_id, school_id).await? {
        return Err(UserError::not_found(field).into());
    }
    Ok(person_id)
}

/// Whether `person_id` holds a current staff role at `school_id`.
pub async fn works_at_now(
    conn: &impl ConnectionTrait,
    person_id: i32,
    school_id: i32,
) -> Result<bool, DbErr> {
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.eq(person_id))
        .filter(staff_role::Column::SchoolId.eq(school_id))
        .filter(staff_role::Column::EndsOn.is_null())
        .one(conn)
        .await?;
    Ok(role.is_some())
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
