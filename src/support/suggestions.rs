//! Ranked suggestions for a support request: who or what could meet the need.
//!
//! Each source of suggestions is one function taking the [`Need`] and returning scored
//! [`Candidate`]s; `suggest` runs them together and ranks what they found. To add a
//! source, write one more such function, add a variant to [`SupportSuggestionSubject`],
//! and call it from `suggest`. Each source runs a fixed
//! number of SQL statements (one query, plus DataLoader batches), whatever the number of
//! candidates.
//!
//! Scores (higher is better; only their order means anything):
//! - themes shared with the request: up to 4, in proportion to the request's themes;
//! - a phase in common: 2 (1 when the offer suits any phase);
//! - offers: remaining capacity that covers the days still needed: 2; capacity left but
//!   less than needed: 0.5. Offers with no capacity left are left out, as are paused and
//!   withdrawn ones;
//! - Specialist Leaders of Education: 3 for each area of expertise that names one of the
//!   request's themes, 1.5 for one that shares a word with the request's title,
//!   description or themes (at most 6 in all); without such a match they are left out.
//!   SLEs have no capacity on record, so capacity does not count for them;
//! - published practice the CPD lead reads, from another school than the requesting one,
//!   sharing at least one theme (the 20 most endorsed such items are considered): the
//!   themes' score, a phase in common adds 1, evidence of impact 1, endorsements 0.5
//!   each (at most 2). The requesting school's own practice is left out: it knows it;
//! - communities of the alliance that are not closed and share at least one theme (and
//!   a phase in common adds 1); communities without a shared theme are left out;
//! - offers and SLEs from another school than the requesting one: 1.5. Those of the
//!   requesting school itself stay in the list, lower down.
//!
//! Ties are broken by kind (offers, people, practice, then communities) and then by age
//! (most endorsed first for practice).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use async_graphql::{Context, SimpleObject, Union};
use entity::enums::{
    AllianceRoleKind, CommunityStatus, PracticeStatus, SchoolPhase, SupportOfferStatus,
};
use entity::{
    alliance_role, community, practice, staff_role, support_offer, support_request, theme,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::types::half_days_planned;
use super::{SupportOffer, days, phases_of};
use crate::communities::Community;
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, db, load_many};
use crate::people::{Person, visible_person};
use crate::practice::Practice;
use crate::practice::keys::{any_key, enum_values};
use crate::themes::{theme_ids, theme_key};
use crate::words;

/// How many practice items a request's suggestions consider: the most endorsed of those
/// on its themes.
const PRACTICE_CANDIDATES: u64 = 20;

/// What a suggestion proposes.
#[derive(Union)]
pub enum SupportSuggestionSubject {
    SupportOffer(SupportOffer),
    Person(Person),
    Practice(Box<Practice>),
    Community(Community),
}

/// One way a request could be met, with why it was suggested.
#[derive(SimpleObject)]
pub struct SupportSuggestion {
    /// How well it matches; higher is better. Compare only within one list.
    pub score: f64,
    /// Why it was suggested, in words, strongest first.
    pub reasons: Vec<String>,
    /// What is suggested: an offer with capacity left, a Specialist Leader of Education,
    /// a published practice or a community.
    pub subject: SupportSuggestionSubject,
}

/// A suggestion before ranking.
pub struct Candidate {
    pub score: f64,
    pub reasons: Vec<String>,
    /// Order among candidates of equal score: kind first, then id.
    pub tie: (u8, i32),
    pub subject: SupportSuggestionSubject,
}

/// The request as the sources read it.
pub struct Need<'a> {
    pub request: &'a support_request::Model,
    pub themes: Vec<i32>,
    pub theme_names: HashMap<i32, String>,
    pub phases: Vec<SchoolPhase>,
    /// Half days requested that no live arrangement covers yet.
    pub half_days_needed: i32,
    /// Significant words of the title, description and theme names.
    pub words: BTreeSet<String>,
}

/// The best `limit` suggestions for `request`, best first.
pub async fn suggest(
    ctx: &Context<'_>,
    request: &support_request::Model,
    limit: usize,
) -> ApiResult<Vec<SupportSuggestion>> {
    let need = Need::load(ctx, request).await?;
    let (offers, people, practice, communities) = futures_util::try_join!(
        offer_suggestions(ctx, &need),
        specialist_suggestions(ctx, &need),
        practice_suggestions(ctx, &need),
        community_suggestions(ctx, &need),
    )?;
    let mut all: Vec<Candidate> = offers
        .into_iter()
        .chain(people)
        .chain(practice)
        .chain(communities)
        .collect();
    all.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.tie.cmp(&b.tie)));
    Ok(all
        .into_iter()
        .take(limit)
        .map(|c| SupportSuggestion {
            score: (c.score * 100.0).round() / 100.0,
            reasons: c.reasons,
            subject: c.subject,
        })
        .collect())
}

impl<'a> Need<'a> {
    async fn load(ctx: &Context<'_>, request: &'a support_request::Model) -> ApiResult<Self> {
        let themes = theme_ids(&request.theme_keys);
        let (named, planned) = futures_util::try_join!(
            load_many::<theme::Entity>(ctx, &themes),
            half_days_planned(ctx, request.id),
        )?;
        let theme_names: HashMap<i32, String> = named.into_iter().map(|t| (t.id, t.name)).collect();
        let mut words: BTreeSet<String> = words_of(&request.title).into_keys().collect();
        words.extend(words_of(&request.description_markdown).into_keys());
        for name in theme_names.values() {
            words.extend(words_of(name).into_keys());
        }
        Ok(Self {
            request,
            themes,
            theme_names,
            phases: phases_of(&request.phases),
            half_days_needed: (request.half_days_requested - planned).max(0),
            words,
        })
    }

    /// Score and reason for the themes a candidate shares with the request.
    fn themes_shared(&self, keys: &str) -> Option<(f64, String)> {
        let theirs = theme_ids(keys);
        let shared: Vec<&str> = self
            .themes
            .iter()
            .filter(|id| theirs.contains(id))
            .filter_map(|id| self.theme_names.get(id).map(String::as_str))
            .collect();
        if shared.is_empty() {
            return None;
        }
        let score = 4.0 * shared.len() as f64 / self.themes.len() as f64;
        Some((score, format!("Shares themes: {}", shared.join(", "))))
    }

    /// Score and reason for the phases a candidate shares; `any` when it names none.
    fn phases_shared(&self, theirs: &[SchoolPhase], any_counts: bool) -> Option<(f64, String)> {
        if theirs.is_empty() {
            return (any_counts && !self.phases.is_empty())
                .then(|| (1.0, "Suits any phase".to_owned()));
        }
        let shared: Vec<String> = self
            .phases
            .iter()
            .filter(|phase| theirs.contains(phase))
            .map(|phase| phase_name(*phase))
            .collect();
        (!shared.is_empty()).then(|| (2.0, format!("Same phase: {}", shared.join(", "))))
    }
}

fn phase_name(phase: SchoolPhase) -> String {
    let name = format!("{phase:?}");
    let mut out = String::new();
    for (n, c) in name.chars().enumerate() {
        if n > 0 && c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

const STOP_WORDS: &[&str] = &[
    "about", "across", "after", "also", "and", "around", "being", "between", "could", "from",
    "have", "help", "into", "more", "need", "needs", "other", "over", "school", "schools", "some",
    "support", "that", "their", "them", "then", "there", "these", "they", "this", "through",
    "want", "what", "when", "where", "which", "while", "with", "within", "would", "year", "your",
];

/// Significant words, by what they are compared by (`words::key`: "questioning" as
/// "question", "fluency" as "fluent"), each as first written (lower case): four letters or
/// more, common words left out.
pub fn words_of(text: &str) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|word| word.chars().count() >= 4 && !STOP_WORDS.contains(&word.as_str()))
    {
        found.entry(words::key(&word)).or_insert(word);
    }
    found
}

fn days_text(half_days: i32) -> String {
    let value = days(half_days);
    if (value - 1.0).abs() < f64::EPSILON {
        "1 day".into()
    } else {
        format!("{value} days")
    }
}

/// Open offers of the alliance with capacity left that share a theme or a phase.
async fn offer_suggestions(ctx: &Context<'_>, need: &Need<'_>) -> ApiResult<Vec<Candidate>> {
    let access = access(ctx).await?;
    let offers = support_offer::Entity::find()
        .filter(support_offer::Column::AllianceId.eq(need.request.alliance_id))
        .filter(support_offer::Column::Status.eq(SupportOfferStatus::Open))
        .filter(access.support_offer_condition())
        .order_by_asc(support_offer::Column::Id)
        .all(db(ctx))
        .await?;
    let mut found = Vec::new();
    for offer in offers {
        let remaining = offer.half_days_per_term - offer.half_days_committed;
        if remaining <= 0 {
            continue;
        }
        let mut score = 0.0;
        let mut reasons = Vec::new();
        for (points, reason) in need
            .themes_shared(&offer.theme_keys)
            .into_iter()
            .chain(need.phases_shared(&phases_of(&offer.phases), true))
        {
            score += points;
            reasons.push(reason);
        }
        if score == 0.0 {
            continue;
        }
        if remaining >= need.half_days_needed {
            score += 2.0;
            reasons.push(format!(
                "{} left this term, enough for the {} still needed",
                days_text(remaining),
                days_text(need.half_days_needed)
            ));
        } else {
            score += 0.5;
            reasons.push(format!(
                "{} left this term, less than the {} still needed",
                days_text(remaining),
                days_text(need.half_days_needed)
            ));
        }
        if offer.school_id == Some(need.request.school_id) {
            reasons.push("From the requesting school itself".into());
        } else {
            score += 1.5;
            reasons.push("From another school".into());
        }
        found.push(Candidate {
            score,
            reasons,
            tie: (0, offer.id),
            subject: SupportSuggestionSubject::SupportOffer(SupportOffer(offer)),
        });
    }
    Ok(found)
}

/// Specialist Leaders of Education of the alliance whose expertise matches the need.
async fn specialist_suggestions(ctx: &Context<'_>, need: &Need<'_>) -> ApiResult<Vec<Candidate>> {
    let roles = alliance_role::Entity::find()
        .filter(alliance_role::Column::AllianceId.eq(need.request.alliance_id))
        .filter(alliance_role::Column::Role.eq(AllianceRoleKind::SpecialistLeaderOfEducation))
        .filter(alliance_role::Column::EndsOn.is_null())
        .order_by_asc(alliance_role::Column::Id)
        .all(db(ctx))
        .await?;
    let theme_names: HashMap<String, &str> = need
        .theme_names
        .values()
        .map(|name| (name.to_lowercase(), name.as_str()))
        .collect();
    let mut matched: Vec<(i32, f64, Vec<String>)> = Vec::new();
    for role in roles {
        if matched
            .iter()
            .any(|(person, _, _)| *person == role.person_id)
        {
            continue;
        }
        let expertise: Vec<String> = serde_json::from_value(role.expertise).unwrap_or_default();
        let mut score: f64 = 0.0;
        let mut reasons = Vec::new();
        for area in &expertise {
            if let Some(theme) = theme_names.get(&area.trim().to_lowercase()) {
                score += 3.0;
                reasons.push(format!("Expertise in {theme}, a theme of the request"));
                continue;
            }
            let shared: Vec<String> = words_of(area)
                .into_iter()
                .filter(|(key, _)| need.words.contains(key))
                .map(|(_, word)| word)
                .collect();
            if !shared.is_empty() {
                score += 1.5;
                reasons.push(format!(
                    "Expertise in {area} matches \"{}\"",
                    shared.join("\", \"")
                ));
            }
        }
        if score > 0.0 {
            reasons.insert(0, "Specialist Leader of Education of the alliance".into());
            matched.push((role.person_id, score.min(6.0), reasons));
        }
    }
    // One DataLoader batch for all the people, and one statement for who of them works
    // at the requesting school.
    let ids: Vec<i32> = matched.iter().map(|(person, _, _)| *person).collect();
    let (people, at_requesting) = futures_util::try_join!(
        futures_util::future::try_join_all(
            ids.iter()
                .map(|person| async move { visible_person(ctx, *person).await }),
        ),
        async {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            staff_role::Entity::find()
                .select_only()
                .column(staff_role::Column::PersonId)
                .filter(staff_role::Column::PersonId.is_in(ids.clone()))
                .filter(staff_role::Column::SchoolId.eq(need.request.school_id))
                .filter(staff_role::Column::EndsOn.is_null())
                .into_tuple::<i32>()
                .all(db(ctx))
                .await
                .map_err(ApiError::from)
        },
    )?;
    let mut found = Vec::new();
    for ((person_id, mut score, mut reasons), person) in matched.into_iter().zip(people) {
        let Some(person) = person else {
            continue;
        };
        if at_requesting.contains(&person_id) {
            reasons.push("Works at the requesting school".into());
        } else {
            score += 1.5;
            reasons.push("From another school".into());
        }
        found.push(Candidate {
            score,
            reasons,
            tie: (1, person_id),
            subject: SupportSuggestionSubject::Person(person),
        });
    }
    Ok(found)
}

/// Published practice of other schools on the request's themes, that the caller reads.
async fn practice_suggestions(ctx: &Context<'_>, need: &Need<'_>) -> ApiResult<Vec<Candidate>> {
    if need.themes.is_empty() {
        return Ok(Vec::new());
    }
    let access = access(ctx).await?;
    let on_themes = need.themes.iter().map(|id| theme_key(*id)).collect();
    let items = practice::Entity::find()
        .filter(access.practice_condition())
        .filter(practice::Column::Status.eq(PracticeStatus::Published))
        .filter(practice::Column::SchoolId.ne(need.request.school_id))
        .filter(any_key(practice::Column::ThemeKeys, on_themes))
        .order_by_desc(practice::Column::EndorsementCount)
        .order_by_desc(practice::Column::Id)
        .limit(PRACTICE_CANDIDATES)
        .all(db(ctx))
        .await?;
    let mut found = Vec::new();
    for (rank, item) in items.into_iter().enumerate() {
        let Some((mut score, themes)) = need.themes_shared(&item.theme_keys) else {
            continue;
        };
        let mut reasons = vec!["Published practice from another school".to_owned(), themes];
        if let Some((points, reason)) =
            need.phases_shared(&enum_values::<SchoolPhase>(&item.phase_keys), false)
        {
            score += points / 2.0;
            reasons.push(reason);
        }
        if item
            .evidence_of_impact
            .as_deref()
            .is_some_and(|evidence| !evidence.trim().is_empty())
        {
            score += 1.0;
            reasons.push("Has evidence of impact".into());
        }
        if item.endorsement_count > 0 {
            score += (0.5 * f64::from(item.endorsement_count)).min(2.0);
            reasons.push(match item.endorsement_count {
                1 => "Tried by 1 colleague elsewhere".to_owned(),
                n => format!("Tried by {n} colleagues elsewhere"),
            });
        }
        found.push(Candidate {
            score,
            reasons,
            tie: (2, rank as i32),
            subject: SupportSuggestionSubject::Practice(Box::new(Practice(item))),
        });
    }
    Ok(found)
}

/// Communities of the alliance, not closed, on the request's themes.
async fn community_suggestions(ctx: &Context<'_>, need: &Need<'_>) -> ApiResult<Vec<Candidate>> {
    if need.themes.is_empty() {
        return Ok(Vec::new());
    }
    let access = access(ctx).await?;
    let communities = community::Entity::find()
        .filter(community::Column::AllianceId.eq(need.request.alliance_id))
        .filter(community::Column::Status.ne(CommunityStatus::Closed))
        .filter(access.community_condition())
        .order_by_asc(community::Column::Id)
        .all(db(ctx))
        .await?;
    let mut found = Vec::new();
    for community in communities {
        let Some((mut score, themes)) = need.themes_shared(&community.theme_keys) else {
            continue;
        };
        let mut reasons = vec![
            format!(
                "{} community of the alliance",
                if community.status == CommunityStatus::Active {
                    "Active"
                } else {
                    "Forming"
                }
            ),
            themes,
        ];
        if let Some((points, reason)) = need.phases_shared(&phases_of(&community.phases), false) {
            score += points / 2.0;
            reasons.push(reason);
        }
        found.push(Candidate {
            score,
            reasons,
            tie: (3, community.id),
            subject: SupportSuggestionSubject::Community(Community(community)),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_significant_words_by_their_forms() {
        let words = words_of("Questioning in KS2 maths: what would help our teachers?");
        assert_eq!(words.get(&words::key("question")).unwrap(), "questioning");
        assert_eq!(words.get(&words::key("mathematics")).unwrap(), "maths");
        assert_eq!(words.get(&words::key("teacher")).unwrap(), "teachers");
        assert!(!words.values().any(|word| word == "what" || word == "ks2"));
        // An expertise in reading fluency matches a need for fluent readers.
        assert!(words_of("Reading fluency").contains_key(&words::key("fluent")));
    }

    #[test]
    fn names_phases() {
        assert_eq!(phase_name(SchoolPhase::AllThrough), "All through");
        assert_eq!(phase_name(SchoolPhase::Primary), "Primary");
    }
}
