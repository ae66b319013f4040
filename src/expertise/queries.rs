//! Reading expertise: one person's profile, a school's staff's entries (for its leaders),
//! and an alliance's audit in aggregate (for its CPD leads).

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::enums::{ExpertiseKind, MembershipStatus};
use entity::{alliance_membership, coaching_availability, expertise_entry, staff_role, theme};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use trellis_macros::connections;

use super::{AllianceExpertiseCell, ExpertiseEntry, ExpertiseProfile};
use crate::auth::policy::allowed;
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as, filter_key};
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};
use crate::people::places::{current_staff, places_of};

/// Narrows a list of expertise entries.
#[derive(InputObject, Default, Debug)]
pub struct ExpertiseFilter {
    /// Only strengths, or only needs.
    pub kind: Option<ExpertiseKind>,
    /// Only entries in this theme.
    pub theme_id: Option<ID>,
}

/// The school ids of the active members of an alliance, as a subquery.
pub fn active_member_schools(alliance_id: i32) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(alliance_membership::Column::SchoolId)
        .from(alliance_membership::Entity)
        .and_where(alliance_membership::Column::AllianceId.eq(alliance_id))
        .and_where(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .to_owned()
}

/// The themes an alliance's audit covers: the shared ones and its own, as a subquery.
pub fn alliance_themes(alliance_id: i32) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(theme::Column::Id)
        .from(theme::Entity)
        .cond_where(
            Condition::any()
                .add(theme::Column::AllianceId.is_null())
                .add(theme::Column::AllianceId.eq(alliance_id)),
        )
        .to_owned()
}

/// An alliance the caller administers, or the error to answer with: `NOT_FOUND` for one
/// they do not see, `FORBIDDEN` for one they see but do not administer.
pub fn administered(access: &crate::auth::policy::Access, id: &ID) -> ApiResult<i32> {
    let key = decode_as(id, NodeKind::Alliance)
        .filter(|key| access.sees_alliance(*key) || access.sees_alliance_expertise(*key))
        .ok_or(ApiError::NotFound)?;
    allowed(
        access.sees_alliance_expertise(key),
        "only the alliance's CPD leads and admins see its strengths and needs",
    )?;
    Ok(key)
}

/// The audit of an alliance in aggregate: two statements, whatever the number of people.
pub async fn audit_cells(
    conn: &impl ConnectionTrait,
    alliance_id: i32,
    theme_id: Option<i32>,
) -> Result<Vec<AllianceExpertiseCell>, sea_orm::DbErr> {
    use expertise_entry::Column as E;
    let joined = |select: &mut sea_orm::sea_query::SelectStatement| {
        select
            .from(expertise_entry::Entity)
            .inner_join(
                staff_role::Entity,
                Expr::col((staff_role::Entity, staff_role::Column::PersonId))
                    .equals((expertise_entry::Entity, E::PersonId)),
            )
            .and_where(staff_role::Column::EndsOn.is_null())
            .and_where(staff_role::Column::SchoolId.in_subquery(active_member_schools(alliance_id)))
            .and_where(E::ThemeId.in_subquery(alliance_themes(alliance_id)));
        if let Some(theme) = theme_id {
            select.and_where(E::ThemeId.eq(theme));
        }
    };
    let mut counts = Query::select();
    counts
        .column((expertise_entry::Entity, E::ThemeId))
        .column((staff_role::Entity, staff_role::Column::SchoolId))
        .column((expertise_entry::Entity, E::Kind))
        .expr(Func::count_distinct(Expr::col((
            expertise_entry::Entity,
            E::PersonId,
        ))));
    joined(&mut counts);
    counts
        .group_by_col((expertise_entry::Entity, E::ThemeId))
        .group_by_col((staff_role::Entity, staff_role::Column::SchoolId))
        .group_by_col((expertise_entry::Entity, E::Kind));
    let mut cells = Vec::new();
    for row in conn.query_all(&counts).await? {
        let kind: String = row.try_get_by_index(2)?;
        cells.push(AllianceExpertiseCell {
            theme_id: row.try_get_by_index(0)?,
            school_id: row.try_get_by_index(1)?,
            kind: if kind == "STRENGTH" {
                ExpertiseKind::Strength
            } else {
                ExpertiseKind::Need
            },
            people: row.try_get_by_index(3)?,
            coaches: Vec::new(),
        });
    }
    let mut coaches = Query::select();
    coaches
        .distinct()
        .column((expertise_entry::Entity, E::ThemeId))
        .column((staff_role::Entity, staff_role::Column::SchoolId))
        .column((expertise_entry::Entity, E::PersonId));
    joined(&mut coaches);
    coaches
        .inner_join(
            coaching_availability::Entity,
            Expr::col((
                coaching_availability::Entity,
                coaching_availability::Column::PersonId,
            ))
            .equals((expertise_entry::Entity, E::PersonId)),
        )
        .and_where(coaching_availability::Column::VisibleAsCoach.eq(true))
        .and_where(E::Kind.eq(ExpertiseKind::Strength));
    for row in conn.query_all(&coaches).await? {
        let theme: i32 = row.try_get_by_index(0)?;
        let school: i32 = row.try_get_by_index(1)?;
        let person: i32 = row.try_get_by_index(2)?;
        if let Some(cell) = cells.iter_mut().find(|cell| {
            cell.theme_id == theme
                && cell.school_id == school
                && cell.kind == ExpertiseKind::Strength
        }) {
            cell.coaches.push(person);
        }
    }
    for cell in &mut cells {
        cell.coaches.sort_unstable();
    }
    cells.sort_by_key(|cell| {
        (
            cell.theme_id,
            cell.school_id,
            cell.kind != ExpertiseKind::Strength,
        )
    });
    Ok(cells)
}

#[derive(Default)]
pub struct ExpertiseQuery;

#[connections]
#[Object]
impl ExpertiseQuery {
    /// A person's expertise profile: the viewer's own without `personId`. Seen by the
    /// person and by the leaders of a school they work at now; `null` for anyone else.
    async fn expertise_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whose profile; the viewer's own when left out.")] person_id: Option<ID>,
    ) -> Result<Option<ExpertiseProfile>> {
        let access = access(ctx).await?;
        let person = match &person_id {
            Some(id) => match decode_as(id, NodeKind::Person) {
                Some(key) => key,
                None => return Ok(None),
            },
            None => access.person_id,
        };
        let places = places_of(ctx, person).await?;
        if !access.sees_expertise_of(person, &places.schools) {
            return Ok(None);
        }
        let availability = coaching_availability::Entity::find()
            .filter(coaching_availability::Column::PersonId.eq(person))
            .one(db(ctx))
            .await?;
        Ok(Some(ExpertiseProfile {
            person_id: person,
            availability,
        }))
    }

    /// The expertise entries of a school's current staff, oldest first: for the school's
    /// leaders (only while their role and the person's are current). Others get an empty
    /// list.
    async fn school_expertise(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The school.")] school_id: ID,
        #[graphql(desc = "Conditions every entry listed must meet.")] filter: Option<
            ExpertiseFilter,
        >,
        args: PageArgs,
    ) -> Result<Page<ExpertiseEntry>> {
        let access = access(ctx).await?;
        let school = filter_key(&school_id, NodeKind::School);
        let staff = current_staff(staff_role::Column::SchoolId.eq(school));
        let mut condition = Condition::all()
            .add(access.expertise_condition())
            .add(expertise_entry::Column::PersonId.in_subquery(staff));
        if !access.leads_school(school) {
            // Leaders only: an empty `any` matches nothing.
            condition = condition.add(Condition::any());
        }
        if let Some(filter) = filter {
            if let Some(kind) = filter.kind {
                condition = condition.add(expertise_entry::Column::Kind.eq(kind));
            }
            if let Some(theme) = filter.theme_id {
                condition = condition
                    .add(expertise_entry::Column::ThemeId.eq(filter_key(&theme, NodeKind::Theme)));
            }
        }
        let select = expertise_entry::Entity::find().filter(condition);
        Ok(oldest_first_page(db(ctx), select, &args).await?)
    }

    /// An alliance's strengths and needs audit, per theme and member school: counts of
    /// people (`null` with `fewerThanFive` under five, so no one is singled out) and, for
    /// strengths, only those who chose to be visible as potential coaches by name. For the
    /// alliance's CPD leads and admins. Ordered by theme, then school, strengths first.
    async fn alliance_expertise(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The alliance.")] alliance_id: ID,
        #[graphql(desc = "Only this theme.")] theme_id: Option<ID>,
    ) -> Result<Vec<AllianceExpertiseCell>> {
        let access = access(ctx).await?;
        let alliance = administered(&access, &alliance_id)?;
        let theme = theme_id.as_ref().map(|id| filter_key(id, NodeKind::Theme));
        Ok(audit_cells(db(ctx), alliance, theme).await?)
    }
}
