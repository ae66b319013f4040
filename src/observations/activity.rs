//! Counts of observation activity for school leaders and an alliance's admins and CPD
//! leads: per school, term and theme, how many observations were made (of either
//! purpose). Activity, never content: no text, no person, no purpose. A count under five
//! is never given, so that no one observation can be picked out: a theme's row under five
//! is left out altogether; the row of all observations is `null` with `suppressed: true`
//! when under five, or when it differs from a shown theme's count by one to four (the
//! difference would count the rest).
//!
//! Terms are England's three: autumn (September to December), spring (January to April)
//! and summer (May to August), named by the school year, such as `2026-27 AUTUMN`.

use std::collections::BTreeMap;

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{Datelike, NaiveDate};
use entity::enums::MembershipStatus;
use entity::{alliance_membership, observation};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, filter_key};
use crate::schools::{School, school_of};
use crate::themes::{Theme, theme_ids, themes_of};

/// The smallest count shown; smaller ones are `null`.
pub const SMALLEST_COUNT: u64 = 5;

/// The school term a day falls in, named by its school year: `2026-27 AUTUMN`.
pub fn term_of(day: NaiveDate) -> String {
    let (year, month) = (day.year(), day.month());
    let (start, term) = match month {
        9..=12 => (year, "AUTUMN"),
        1..=4 => (year - 1, "SPRING"),
        _ => (year - 1, "SUMMER"),
    };
    format!("{start}-{:02} {term}", (start + 1) % 100)
}

/// Which schools' activity to count.
#[derive(InputObject, Default)]
pub struct ObservationActivityFilter {
    /// Only this school (a `School` id).
    pub school_id: Option<ID>,
    /// Only the active member schools of this alliance (an `Alliance` id).
    pub alliance_id: Option<ID>,
    /// Only this term, such as `2026-27 AUTUMN`.
    pub term: Option<String>,
}

/// How many observations were made at one school in one term, on one theme or on all.
pub struct ObservationActivity {
    school_id: i32,
    term: String,
    theme_key: Option<i32>,
    count: u64,
    hidden: bool,
}

/// How many observations were made at a school in a term, on a theme (or in all): a
/// count of activity, never of content, and never under five.
#[Object]
impl ObservationActivity {
    /// The school.
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, Some(self.school_id)).await
    }
    /// The term, such as `2026-27 AUTUMN` (autumn: September to December; spring:
    /// January to April; summer: May to August).
    async fn term(&self) -> &str {
        &self.term
    }
    /// The theme counted; `null` for the row that counts every observation of the term.
    async fn theme(&self, ctx: &Context<'_>) -> Result<Option<Theme>> {
        match self.theme_key {
            Some(key) => Ok(themes_of(ctx, &format!(",{key},"))
                .await?
                .into_iter()
                .next()),
            None => Ok(None),
        }
    }
    /// How many observations; `null` when fewer than five (see `suppressed`).
    async fn observations(&self) -> Option<u64> {
        (!self.hidden).then_some(self.count)
    }
    /// Whether the count is hidden: under five, or (the row of all) five or more but
    /// within four of a theme's count.
    async fn suppressed(&self) -> bool {
        self.hidden
    }
}

/// The activity of the schools the caller may count (see the module), by school, term
/// (newest first) and theme (all first, then by theme). One statement for the schools of
/// an alliance, one for the observations.
pub async fn activity(
    ctx: &Context<'_>,
    filter: ObservationActivityFilter,
) -> Result<Vec<ObservationActivity>> {
    let access = access(ctx).await?;
    let mut schools: Vec<i32> = access.managed_schools.iter().copied().collect();
    if let Some(id) = &filter.school_id {
        let key = filter_key(id, NodeKind::School);
        schools = if access.sees_observation_activity(key) {
            vec![key]
        } else {
            Vec::new()
        };
    }
    if let Some(id) = &filter.alliance_id {
        let key = filter_key(id, NodeKind::Alliance);
        let members: Vec<i32> = alliance_membership::Entity::find()
            .select_only()
            .column(alliance_membership::Column::SchoolId)
            .filter(alliance_membership::Column::AllianceId.eq(key))
            .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
            .into_tuple::<i32>()
            .all(db(ctx))
            .await?;
        if filter.school_id.is_none() {
            schools = members.clone();
        }
        schools
            .retain(|school| members.contains(school) && access.sees_observation_activity(*school));
    }
    schools.retain(|school| access.sees_observation_activity(*school));
    if schools.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Option<i32>, NaiveDate, String)> = observation::Entity::find()
        .select_only()
        .columns([
            observation::Column::SchoolId,
            observation::Column::ObservedOn,
            observation::Column::ThemeKeys,
        ])
        .filter(observation::Column::SchoolId.is_in(schools))
        .into_tuple()
        .all(db(ctx))
        .await?;
    let mut counts: BTreeMap<(i32, std::cmp::Reverse<String>, Option<i32>), u64> = BTreeMap::new();
    for (school, day, themes) in rows {
        let Some(school) = school else { continue };
        let term = term_of(day);
        if filter.term.as_ref().is_some_and(|wanted| *wanted != term) {
            continue;
        }
        *counts
            .entry((school, std::cmp::Reverse(term.clone()), None))
            .or_default() += 1;
        for theme in theme_ids(&themes) {
            *counts
                .entry((school, std::cmp::Reverse(term.clone()), Some(theme)))
                .or_default() += 1;
        }
    }
    // Themes under five are left out; the row of all is hidden under five, or when it
    // is one to four more than a theme's shown count.
    counts.retain(|(_, _, theme), count| theme.is_none() || *count >= SMALLEST_COUNT);
    let hidden_all: Vec<(i32, String)> = counts
        .iter()
        .filter(|((_, _, theme), _)| theme.is_none())
        .filter(|((school, term, _), all)| {
            **all < SMALLEST_COUNT
                || counts.iter().any(|((s, t, theme), count)| {
                    theme.is_some()
                        && s == school
                        && t == term
                        && (1..SMALLEST_COUNT).contains(&(**all - *count))
                })
        })
        .map(|((school, term, _), _)| (*school, term.0.clone()))
        .collect();
    Ok(counts
        .into_iter()
        .map(
            |((school_id, term, theme_key), count)| ObservationActivity {
                hidden: theme_key.is_none() && hidden_all.contains(&(school_id, term.0.clone())),
                school_id,
                term: term.0,
                theme_key,
                count,
            },
        )
        .collect())
}
