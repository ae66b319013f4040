//! Brokerage: coaching suggestions for an alliance's CPD lead, from the strengths and needs
//! audit, and confirming one (which makes a coaching relationship).
//!
//! A suggestion pairs a coach's strength with a coachee's need in the same theme, both
//! working now at active member schools of the alliance. Only people who chose to be
//! visible as potential coaches are suggested as coaches, and only while they have
//! capacity: each relationship under way (proposed or active) takes
//! `SESSIONS_PER_RELATIONSHIP` of their sessions a term; and only while their days out of
//! school this term are below their school's release limit. Pairs already under way are
//! left out. Ranked by score: cross-school pairs first, Specialist Leaders of Education in
//! the theme's area, confirmed strengths, then room left.
//!
//! The statements are a fixed set of set-based queries, whatever the number of people.

use std::collections::{BTreeSet, HashMap};

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::Utc;
use entity::enums::{AllianceRoleKind, CoachingPurpose, CoachingStatus, ExpertiseKind};
use entity::{
    alliance_role, coaching_availability, coaching_relationship, expertise_entry, staff_role, theme,
};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use trellis_macros::mutations;

use super::types::{CoachingSuggestion, CoachingSuggestionReason as Reason};
use super::{CADENCE_MAX, CoachingRelationship, FOCUS_MAX, UNDER_WAY};
use crate::alliances::seen_alliance;
use crate::auth::policy::allowed;
use crate::db::begin_write;
use crate::errors::{ApiError, MutationResult, UserError, UserErrorCode};
use crate::expertise::queries::{active_member_schools, administered, alliance_themes};
use crate::graphql::context::{access, db, loader};
use crate::graphql::ids::{NodeKind, decode_as, filter_key};
use crate::graphql::loaders::loader_error;
use crate::graphql::versioned::{InsertFirst, LifeCycle};
use crate::notifications::Notices;
use crate::payload;
use crate::people::places::current_staff;
use crate::release::days_out::{DaysOut, DaysOutKey};
use crate::release::terms::Term;
use crate::validation;

/// Coaching sessions a term one relationship under way takes of its coach's capacity.
pub const SESSIONS_PER_RELATIONSHIP: i32 = 3;
/// Most suggestions in one answer.
pub const SUGGESTIONS_MAX: i32 = 100;

/// A coach's or coachee's place: their entry and the member school they work at.
struct Candidate {
    entry: expertise_entry::Model,
    school: i32,
}

/// The people working now at active member schools of the alliance, as a subquery.
fn member_staff(alliance_id: i32) -> sea_orm::sea_query::SelectStatement {
    current_staff(staff_role::Column::SchoolId.in_subquery(active_member_schools(alliance_id)))
}

/// What each coach has: their availability, the coachees they can still take on, and
/// the pairs already under way.
struct Coaches {
    sessions: HashMap<i32, i32>,
    under_way: HashMap<i32, i32>,
    pairs: BTreeSet<(i32, i32)>,
}

impl Coaches {
    fn capacity_left(&self, coach: i32) -> i32 {
        let sessions = self.sessions.get(&coach).copied().unwrap_or(0);
        sessions / SESSIONS_PER_RELATIONSHIP - self.under_way.get(&coach).copied().unwrap_or(0)
    }
}

/// Availability and relationships of the people with strengths in `themes`: two
/// statements.
async fn coaches(
    conn: &impl ConnectionTrait,
    strengths: &sea_orm::sea_query::SelectStatement,
) -> Result<Coaches, sea_orm::DbErr> {
    let sessions: Vec<(i32, i32)> = coaching_availability::Entity::find()
        .select_only()
        .columns([
            coaching_availability::Column::PersonId,
            coaching_availability::Column::SessionsPerTerm,
        ])
        .filter(coaching_availability::Column::VisibleAsCoach.eq(true))
        .filter(coaching_availability::Column::PersonId.in_subquery(strengths.clone()))
        .into_tuple()
        .all(conn)
        .await?;
    let relationships: Vec<(i32, i32, CoachingStatus)> = coaching_relationship::Entity::find()
        .select_only()
        .columns([
            coaching_relationship::Column::CoachId,
            coaching_relationship::Column::CoacheeId,
            coaching_relationship::Column::Status,
        ])
        .filter(coaching_relationship::Column::Status.ne(CoachingStatus::Ended))
        .filter(coaching_relationship::Column::CoachId.in_subquery(strengths.clone()))
        .into_tuple()
        .all(conn)
        .await?;
    let mut under_way: HashMap<i32, i32> = HashMap::new();
    let mut pairs = BTreeSet::new();
    for (coach, coachee, status) in relationships {
        pairs.insert((coach, coachee));
        if UNDER_WAY.contains(&status) {
            *under_way.entry(coach).or_default() += 1;
        }
    }
    Ok(Coaches {
        sessions: sessions.into_iter().collect(),
        under_way,
        pairs,
    })
}

/// The suggestions for `alliance_id`: needs in `theme` (or the one need `need`), ranked.
pub async fn suggestions(
    ctx: &Context<'_>,
    alliance_id: i32,
    theme: Option<i32>,
    need: Option<i32>,
    first: i32,
) -> Result<Vec<CoachingSuggestion>> {
    let conn = db(ctx);
    use expertise_entry::Column as E;
    let mut needs_condition = Condition::all()
        .add(E::Kind.eq(ExpertiseKind::Need))
        .add(E::PersonId.in_subquery(member_staff(alliance_id)))
        .add(E::ThemeId.in_subquery(alliance_themes(alliance_id)));
    if let Some(theme) = theme {
        needs_condition = needs_condition.add(E::ThemeId.eq(theme));
    }
    if let Some(need) = need {
        needs_condition = needs_condition.add(E::Id.eq(need));
    }
    // 1: the needs.
    let needs = expertise_entry::Entity::find()
        .filter(needs_condition.clone())
        .all(conn)
        .await?;
    if needs.is_empty() {
        return Ok(Vec::new());
    }
    let needed_themes = Query::select()
        .column(E::ThemeId)
        .from(expertise_entry::Entity)
        .cond_where(needs_condition)
        .to_owned();
    // The people with a strength in a needed theme, as a subquery.
    let strong = Query::select()
        .column(E::PersonId)
        .from(expertise_entry::Entity)
        .and_where(E::Kind.eq(ExpertiseKind::Strength))
        .and_where(E::ThemeId.in_subquery(needed_themes.clone()))
        .and_where(E::PersonId.in_subquery(member_staff(alliance_id)))
        .to_owned();
    // 2, 3: availability and relationships of those people.
    let coaches = coaches(conn, &strong).await?;
    // 4: their strengths (of those visible as coaches).
    let strengths = expertise_entry::Entity::find()
        .filter(E::Kind.eq(ExpertiseKind::Strength))
        .filter(E::ThemeId.in_subquery(needed_themes.clone()))
        .filter(E::PersonId.in_subquery(member_staff(alliance_id)))
        .filter(
            E::PersonId.in_subquery(
                Query::select()
                    .column(coaching_availability::Column::PersonId)
                    .from(coaching_availability::Entity)
                    .and_where(coaching_availability::Column::VisibleAsCoach.eq(true))
                    .to_owned(),
            ),
        )
        .all(conn)
        .await?;
    // 5: the member schools of everyone involved (the lowest id where several). Those
    // with the theme are narrowed to the alliance's staff here too, though the outer
    // query is: otherwise PostgreSQL hashes the theme's entries across the whole country
    // first (55 ms on the national profile, 0.4 ms narrowed; BENCHMARKS.md).
    let involved = Query::select()
        .column(E::PersonId)
        .from(expertise_entry::Entity)
        .and_where(E::ThemeId.in_subquery(needed_themes.clone()))
        .and_where(E::PersonId.in_subquery(member_staff(alliance_id)))
        .to_owned();
    let places: Vec<(i32, i32)> = staff_role::Entity::find()
        .select_only()
        .columns([staff_role::Column::PersonId, staff_role::Column::SchoolId])
        .filter(staff_role::Column::EndsOn.is_null())
        .filter(staff_role::Column::SchoolId.in_subquery(active_member_schools(alliance_id)))
        .filter(staff_role::Column::PersonId.in_subquery(involved))
        .into_tuple()
        .all(conn)
        .await?;
    let mut school_of: HashMap<i32, i32> = HashMap::new();
    for (person, school) in places {
        school_of
            .entry(person)
            .and_modify(|at| *at = (*at).min(school))
            .or_insert(school);
    }
    // 6: the alliance's Specialist Leaders of Education and their areas.
    let sles: Vec<(i32, serde_json::Value)> = alliance_role::Entity::find()
        .select_only()
        .columns([
            alliance_role::Column::PersonId,
            alliance_role::Column::Expertise,
        ])
        .filter(alliance_role::Column::AllianceId.eq(alliance_id))
        .filter(alliance_role::Column::Role.eq(AllianceRoleKind::SpecialistLeaderOfEducation))
        .filter(alliance_role::Column::EndsOn.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    // 7: the needed themes' names (to match SLE areas).
    let names: HashMap<i32, String> = theme::Entity::find()
        .select_only()
        .columns([theme::Column::Id, theme::Column::Name])
        .filter(theme::Column::Id.in_subquery(needed_themes))
        .into_tuple::<(i32, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let sle_in = |person: i32, theme: i32| -> bool {
        let Some(name) = names.get(&theme) else {
            return false;
        };
        sles.iter().any(|(who, areas)| {
            *who == person
                && areas.as_array().is_some_and(|areas| {
                    areas
                        .iter()
                        .filter_map(|area| area.as_str())
                        .any(|area| area.eq_ignore_ascii_case(name))
                })
        })
    };
    let place = |entry: expertise_entry::Model| {
        school_of.get(&entry.person_id).map(|school| Candidate {
            school: *school,
            entry,
        })
    };
    let coachees: Vec<Candidate> = needs.into_iter().filter_map(place).collect();
    let candidates: Vec<Candidate> = strengths
        .into_iter()
        .filter_map(place)
        .filter(|coach| coaches.capacity_left(coach.entry.person_id) > 0)
        .collect();
    // The coaches' days out this term against their school's limit: one batch of the
    // release ledger's loader.
    let term = Term::current();
    let keys: Vec<DaysOutKey> = candidates
        .iter()
        .map(|coach| DaysOutKey {
            person: coach.entry.person_id,
            school: Some(coach.school),
            period: term.period(),
            except_booking: None,
        })
        .collect();
    let days_out: HashMap<DaysOutKey, DaysOut> = loader(ctx)
        .load_many(keys.iter().copied())
        .await
        .map_err(loader_error)?;
    let mut found = Vec::new();
    for coachee in &coachees {
        for coach in &candidates {
            let (coach_id, coachee_id) = (coach.entry.person_id, coachee.entry.person_id);
            if coach.entry.theme_id != coachee.entry.theme_id
                || coach_id == coachee_id
                || coaches.pairs.contains(&(coach_id, coachee_id))
            {
                continue;
            }
            let key = DaysOutKey {
                person: coach_id,
                school: Some(coach.school),
                period: term.period(),
                except_booking: None,
            };
            let release = days_out.get(&key);
            let limit = release.and_then(|figures| figures.limit);
            if let (Some(limit), Some(figures)) = (limit, release)
                && figures.half_days >= i64::from(limit)
            {
                continue;
            }
            let capacity_left = coaches.capacity_left(coach_id);
            let mut reasons = vec![Reason::StrengthMeetsNeed];
            let mut score = 10;
            if coach.entry.confirmed_at.is_some() {
                reasons.push(Reason::ConfirmedStrength);
                score += 3;
            }
            if coach.school != coachee.school {
                reasons.push(Reason::DifferentSchools);
                score += 5;
            } else {
                reasons.push(Reason::SameSchool);
            }
            if sle_in(coach_id, coach.entry.theme_id) {
                reasons.push(Reason::SpecialistLeaderOfEducation);
                score += 4;
            }
            reasons.push(Reason::HasCapacity);
            score += capacity_left.min(3);
            if limit.is_some() {
                reasons.push(Reason::WithinReleaseLimit);
            }
            found.push(CoachingSuggestion {
                alliance_id,
                theme_id: coach.entry.theme_id,
                coach_id,
                coachee_id,
                coach_school_id: coach.school,
                coachee_school_id: coachee.school,
                strength_confirmed: coach.entry.confirmed_at.is_some(),
                score,
                reasons,
                capacity_left,
            });
        }
    }
    found.sort_by_key(|s| (-s.score, s.coachee_id, s.coach_id, s.theme_id));
    found.truncate(usize::try_from(first).unwrap_or(0));
    Ok(found)
}

#[derive(Default)]
pub struct SuggestionQuery;

#[Object]
impl SuggestionQuery {
    /// Suggested coaching pairs for an alliance, best first: a coach's strength meeting a
    /// coachee's need in the same theme (give `themeId`, or `needId` for one need, or
    /// neither for every need), preferring pairs from different schools and Specialist
    /// Leaders of Education in the area, within each coach's capacity and their school's
    /// release limit. For the alliance's CPD leads and admins.
    async fn coaching_suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The alliance.")] alliance_id: ID,
        #[graphql(desc = "Only needs in this theme.")] theme_id: Option<ID>,
        #[graphql(desc = "Only this need (an `ExpertiseEntry` of kind `NEED`).")] need_id: Option<
            ID,
        >,
        #[graphql(desc = "How many suggestions, from 1 to 100.", default = 10)] first: i32,
    ) -> Result<Vec<CoachingSuggestion>> {
        let access = access(ctx).await?;
        let alliance = administered(&access, &alliance_id)?;
        if !(1..=SUGGESTIONS_MAX).contains(&first) {
            return Err(ApiError::BadUserInput(format!(
                "first must be from 1 to {SUGGESTIONS_MAX}"
            ))
            .into());
        }
        let theme = theme_id.map(|id| filter_key(&id, NodeKind::Theme));
        let need = need_id.map(|id| filter_key(&id, NodeKind::ExpertiseEntry));
        suggestions(ctx, alliance, theme, need, first).await
    }
}

/// A suggestion the CPD lead confirms, making a coaching relationship.
#[derive(InputObject)]
pub struct ConfirmCoachingSuggestionInput {
    /// The alliance.
    pub alliance_id: ID,
    /// The coach: someone with a strength in the theme, visible as a potential coach, with
    /// capacity.
    pub coach_id: ID,
    /// The coachee: someone with a need in the theme.
    pub coachee_id: ID,
    /// The theme the strength meets the need in.
    pub theme_id: ID,
    /// What the coaching works on (at most 500 characters); the theme's name when left out.
    pub focus: Option<String>,
    /// Developmental (the default) or appraisal: fixed for the relationship's life.
    #[graphql(default_with = "CoachingPurpose::Developmental")]
    pub purpose: CoachingPurpose,
    /// How often they will meet, such as "fortnightly" (at most 200 characters).
    pub cadence: Option<String>,
}

payload!(ConfirmCoachingSuggestionPayload {
    relationship: CoachingRelationship
});

#[derive(Default)]
pub struct SuggestionMutation;

mutations! {
    impl SuggestionMutation {
        /// Confirms a coaching suggestion: makes a `PROPOSED` coaching relationship between
        /// the coach and the coachee; they and their school leaders are told (email and
        /// inbox). The alliance's CPD leads and admins may.
        fn confirm_coaching_suggestion { confirm(ctx, input).await }
    }
}

async fn confirm(
    ctx: &Context<'_>,
    input: ConfirmCoachingSuggestionInput,
) -> MutationResult<CoachingRelationship> {
    let access = access(ctx).await?;
    let alliance_id = seen_alliance(&access, &input.alliance_id)?;
    allowed(
        access.sees_alliance_expertise(alliance_id),
        "only the alliance's CPD leads and admins broker coaching",
    )?;
    let coach_id = decode_as(&input.coach_id, NodeKind::Person)
        .ok_or_else(|| UserError::not_found("coachId"))?;
    let coachee_id = decode_as(&input.coachee_id, NodeKind::Person)
        .ok_or_else(|| UserError::not_found("coacheeId"))?;
    let theme_id = decode_as(&input.theme_id, NodeKind::Theme)
        .ok_or_else(|| UserError::not_found("themeId"))?;
    if coach_id == coachee_id {
        return Err(UserError::invalid("coacheeId", "a coach cannot coach themself").into());
    }
    let cadence = validation::optional("cadence", input.cadence.as_deref(), CADENCE_MAX)?
        .filter(|text| !text.trim().is_empty());
    let focus = match &input.focus {
        Some(text) => Some(validation::required("focus", text, FOCUS_MAX)?),
        None => None,
    };
    let txn = begin_write(db(ctx)).await?;
    let theme = theme::Entity::find_by_id(theme_id)
        .one(&txn)
        .await?
        .filter(|row| row.alliance_id.is_none_or(|a| a == alliance_id))
        .ok_or_else(|| UserError::not_found("themeId"))?;
    let school = |person: i32, field: &'static str| {
        let txn = &txn;
        async move {
            crate::people::member_school(txn, person, alliance_id)
                .await
                .map(|found| {
                    found
                        .ok()
                        .flatten()
                        .ok_or_else(|| UserError::not_found(field))
                })
        }
    };
    let coach_school = school(coach_id, "coachId").await??;
    let coachee_school = school(coachee_id, "coacheeId").await??;
    let entry = |person: i32, kind: ExpertiseKind| {
        expertise_entry::Entity::find()
            .filter(expertise_entry::Column::PersonId.eq(person))
            .filter(expertise_entry::Column::ThemeId.eq(theme_id))
            .filter(expertise_entry::Column::Kind.eq(kind))
            .one(&txn)
    };
    if entry(coach_id, ExpertiseKind::Strength).await?.is_none() {
        return Err(UserError::invalid_state(
            "coachId",
            "the coach has declared no strength in this theme",
        )
        .into());
    }
    if entry(coachee_id, ExpertiseKind::Need).await?.is_none() {
        return Err(UserError::invalid_state(
            "coacheeId",
            "the coachee has declared no need in this theme",
        )
        .into());
    }
    let strong = Query::select()
        .column(coaching_availability::Column::PersonId)
        .from(coaching_availability::Entity)
        .and_where(coaching_availability::Column::PersonId.eq(coach_id))
        .to_owned();
    let coaches = coaches(&txn, &strong).await?;
    if !coaches.sessions.contains_key(&coach_id) {
        return Err(UserError::invalid_state(
            "coachId",
            "the coach has not chosen to be visible as a potential coach",
        )
        .into());
    }
    if coaches.pairs.contains(&(coach_id, coachee_id)) {
        return Err(UserError::new(
            "coacheeId",
            UserErrorCode::Taken,
            "this coach already coaches this person",
        )
        .into());
    }
    if coaches.capacity_left(coach_id) <= 0 {
        return Err(UserError::invalid_state(
            "coachId",
            "the coach has no capacity left this term",
        )
        .into());
    }
    // The coach's days out this term against their school's release limit, as
    // `coachingSuggestions` checks: read again here, since the suggestion may be stale.
    let key = DaysOutKey {
        person: coach_id,
        school: Some(coach_school),
        period: Term::current().period(),
        except_booking: None,
    };
    let release = crate::release::days_out::load_days_out(&txn, &[key])
        .await?
        .remove(&key)
        .unwrap_or_default();
    if let Some(limit) = release.limit
        && release.half_days >= i64::from(limit)
    {
        return Err(UserError::invalid_state(
            "coachId",
            "the coach has reached their school's release limit this term",
        )
        .into());
    }
    let now = Utc::now();
    let row = coaching_relationship::ActiveModel {
        alliance_id: Set(alliance_id),
        coach_id: Set(coach_id),
        coachee_id: Set(coachee_id),
        coach_school_id: Set(Some(coach_school)),
        coachee_school_id: Set(Some(coachee_school)),
        theme_id: Set(Some(theme_id)),
        focus: Set(focus.unwrap_or_else(|| theme.name.clone())),
        purpose: Set(input.purpose),
        status: Set(CoachingStatus::Proposed),
        cadence: Set(cadence),
        brokered_by_id: Set(Some(access.person_id)),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    coaching_relationship::Entity::keep_history(&txn, &row, None, access.person_id, None).await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices.coaching_arranged(&txn, &row, &theme.name).await?;
    notices.commit(txn).await?;
    Ok(CoachingRelationship(row))
}
