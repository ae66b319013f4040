//! Reads a portfolio: a fixed number of statements, whatever its size (each section at
//! most `SECTION_MAX` entries). Coaching is read by `coaching`.

use std::collections::HashMap;

use entity::enums::{BookingStatus, CommunityMembershipStatus, PracticeStatus, RecordPurpose};
use entity::rows::Keyed;
use entity::{
    community, community_member, enquiry, event, event_booking, observation, person, practice,
    practice_author, practice_endorsement, reflection, school, staff_role, support_arrangement,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};

use super::{PortfolioData, PortfolioEntry, PortfolioSection as Section, SECTION_MAX};
use crate::auth::policy::Access;

/// Which of the person's records to include.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The portfolio: every section, and the records put in it.
    Portfolio,
    /// The review selection: only the records chosen for it.
    Review,
}

pub(super) fn entry(
    section: Section,
    title: impl Into<String>,
    detail: Option<String>,
    school_name: Option<String>,
    from: Option<chrono::NaiveDate>,
    until: Option<chrono::NaiveDate>,
) -> PortfolioEntry {
    PortfolioEntry {
        section,
        title: title.into(),
        detail,
        school_name,
        from,
        until,
    }
}

pub(super) fn words(value: impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ").to_lowercase()))
        .unwrap_or_default()
}

/// The rows of `E` whose ids are `ids`, by id: what a section's entries name.
async fn rows_by_id<E: Keyed>(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, E::Model>, DbErr> {
    Ok(E::find()
        .filter(E::id_column().is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|row| (E::id_of(&row), row))
        .collect())
}

/// Names of the rows of `E` whose ids are `ids`, by id.
pub(super) async fn names<E: Keyed>(
    conn: &impl ConnectionTrait,
    ids: Vec<i32>,
    name: impl Fn(&E::Model) -> &str,
) -> Result<HashMap<i32, String>, DbErr> {
    Ok(rows_by_id::<E>(conn, ids)
        .await?
        .into_iter()
        .map(|(id, row)| (id, name(&row).to_owned()))
        .collect())
}

/// The caller's portfolio or review selection.
pub async fn portfolio(
    conn: &impl ConnectionTrait,
    access: &Access,
    selection: Selection,
) -> Result<PortfolioData, DbErr> {
    let person_id = access.person_id;
    let person = person::Entity::find_by_id(person_id).one(conn).await?;
    let person_name = person.map(|p| p.full_name()).unwrap_or_default();
    let (obs_flag, refl_flag) = match selection {
        Selection::Portfolio => (
            observation::Column::InPortfolio,
            reflection::Column::InPortfolio,
        ),
        Selection::Review => (
            observation::Column::InReviewSelection,
            reflection::Column::InReviewSelection,
        ),
    };
    // The review selection is made for someone else: `APPRAISAL` records only, whatever
    // a flag says.
    let review = selection == Selection::Review;
    let observations = observation::Entity::find()
        .filter(observation::Column::TeacherId.eq(person_id))
        .filter(obs_flag.eq(true))
        .apply_if(review.then_some(RecordPurpose::Appraisal), |q, p| {
            q.filter(observation::Column::Purpose.eq(p))
        })
        .order_by_asc(observation::Column::ObservedOn)
        .order_by_asc(observation::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let mut reflections = reflection::Entity::find()
        .filter(reflection::Column::PersonId.eq(person_id))
        .filter(refl_flag.eq(true))
        .apply_if(review.then_some(RecordPurpose::Appraisal), |q, p| {
            q.filter(reflection::Column::Purpose.eq(p))
        })
        .order_by_asc(reflection::Column::WrittenOn)
        .order_by_asc(reflection::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let today = chrono::Utc::now().date_naive();
    if review {
        let coaching = super::coaching::read(conn, access, selection).await?;
        // A reflection's cycle only when the selection holds its coaching: never a
        // developmental cycle, nor one of coaching the person gave.
        let cycles = coaching.cycle_ids();
        for reflection in &mut reflections {
            reflection.coaching_cycle_id = reflection
                .coaching_cycle_id
                .filter(|id| cycles.contains(id));
        }
        return Ok(PortfolioData {
            person_name,
            entries: coaching.entries(person_id, today),
            observations,
            reflections,
        });
    }
    let mut entries = Vec::new();

    let roles = staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.eq(person_id))
        .order_by_desc(staff_role::Column::StartsOn)
        .order_by_desc(staff_role::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let arrangements_given = support_arrangement::Entity::find()
        .filter(support_arrangement::Column::SupportingPersonId.eq(person_id))
        .order_by_asc(support_arrangement::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let role_schools: Vec<i32> = roles.iter().map(|r| r.school_id).collect();
    // Support that came to a school while the person worked there, newest first: only
    // its school and status are shown, never its focus (which the person may not read).
    let while_there = roles.iter().fold(Condition::any(), |any, role| {
        let from = role
            .starts_on
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc();
        let mut during = Condition::all()
            .add(support_arrangement::Column::SupportedSchoolId.eq(role.school_id))
            .add(support_arrangement::Column::CreatedAt.gte(from));
        if let Some(end) = role.ends_on.and_then(|end| end.succ_opt()) {
            let until = end.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
            during = during.add(support_arrangement::Column::CreatedAt.lt(until));
        }
        any.add(during)
    });
    let arrangements_received = support_arrangement::Entity::find()
        .filter(while_there)
        .filter(
            Condition::any()
                .add(support_arrangement::Column::SupportingPersonId.is_null())
                .add(support_arrangement::Column::SupportingPersonId.ne(person_id)),
        )
        .order_by_desc(support_arrangement::Column::CreatedAt)
        .order_by_desc(support_arrangement::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let memberships = community_member::Entity::find()
        .filter(community_member::Column::PersonId.eq(person_id))
        .filter(community_member::Column::JoinedAt.is_not_null())
        .filter(community_member::Column::Status.is_not_in([
            CommunityMembershipStatus::Requested,
            CommunityMembershipStatus::Invited,
            CommunityMembershipStatus::Declined,
        ]))
        .order_by_asc(community_member::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let communities =
        rows_by_id::<community::Entity>(conn, memberships.iter().map(|m| m.community_id)).await?;
    let authored: Vec<i32> = practice_author::Entity::find()
        .select_only()
        .column(practice_author::Column::PracticeId)
        .filter(practice_author::Column::PersonId.eq(person_id))
        .into_tuple::<i32>()
        .all(conn)
        .await?;
    let practices = practice::Entity::find()
        .filter(practice::Column::Id.is_in(authored.clone()))
        .filter(practice::Column::PublishedAt.is_not_null())
        .filter(
            practice::Column::Status.is_in([PracticeStatus::Published, PracticeStatus::Archived]),
        )
        .order_by_asc(practice::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let endorsements = practice_endorsement::Entity::find()
        .filter(practice_endorsement::Column::PracticeId.is_in(practices.iter().map(|p| p.id)))
        .order_by_asc(practice_endorsement::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let enquiries = enquiry::Entity::find()
        .filter(enquiry::Column::OwnerId.eq(person_id))
        .order_by_asc(enquiry::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let bookings = event_booking::Entity::find()
        .filter(event_booking::Column::PersonId.eq(person_id))
        .filter(event_booking::Column::Status.eq(BookingStatus::Attended))
        .order_by_asc(event_booking::Column::Id)
        .limit(SECTION_MAX)
        .all(conn)
        .await?;
    let events = rows_by_id::<event::Entity>(conn, bookings.iter().map(|b| b.event_id)).await?;
    let mut school_ids: Vec<i32> = role_schools;
    school_ids.extend(arrangements_given.iter().map(|a| a.supported_school_id));
    school_ids.extend(
        arrangements_received
            .iter()
            .filter_map(|a| a.supporting_school_id),
    );
    school_ids.extend(practices.iter().map(|p| p.school_id));
    school_ids.extend(endorsements.iter().map(|e| e.school_id));
    school_ids.extend(bookings.iter().map(|b| b.school_id));
    let schools = names::<school::Entity>(conn, school_ids, |s| &s.name).await?;
    let name = |id: i32| schools.get(&id).cloned();

    for role in &roles {
        entries.push(entry(
            Section::School,
            name(role.school_id).unwrap_or_default(),
            Some(role.job_title.clone().unwrap_or_else(|| words(role.role))),
            None,
            Some(role.starts_on),
            role.ends_on,
        ));
    }
    for membership in &memberships {
        if let Some(community) = communities.get(&membership.community_id) {
            entries.push(entry(
                Section::Community,
                community.name.clone(),
                Some(words(membership.role)),
                None,
                membership.joined_at.map(|t| t.date_naive()),
                membership.ended_at.map(|t| t.date_naive()),
            ));
        }
    }
    for enquiry in &enquiries {
        entries.push(entry(
            Section::Enquiry,
            enquiry.question.clone(),
            Some(format!("stage: {}", words(enquiry.stage))),
            None,
            Some(enquiry.created_at.date_naive()),
            None,
        ));
    }
    for practice in &practices {
        let section = if practice.adapted_from_id.is_some() {
            Section::PracticeAdapted
        } else {
            Section::PracticeShared
        };
        entries.push(entry(
            section,
            practice.title.clone(),
            practice
                .adaptation_changes
                .clone()
                .or_else(|| Some(practice.summary.clone())),
            name(practice.school_id),
            practice.published_at.map(|t| t.date_naive()),
            None,
        ));
    }
    for endorsement in &endorsements {
        let title = practices
            .iter()
            .find(|p| p.id == endorsement.practice_id)
            .map(|p| p.title.clone())
            .unwrap_or_default();
        entries.push(entry(
            Section::EndorsementReceived,
            title,
            Some(format!("outcome: {}", words(endorsement.outcome))),
            name(endorsement.school_id),
            Some(endorsement.created_at.date_naive()),
            None,
        ));
    }
    for arrangement in &arrangements_given {
        entries.push(entry(
            Section::SupportGiven,
            arrangement.focus.clone(),
            Some(words(arrangement.status)),
            name(arrangement.supported_school_id),
            Some(arrangement.created_at.date_naive()),
            None,
        ));
    }
    for arrangement in &arrangements_received {
        let from = arrangement.supporting_school_id.and_then(name);
        entries.push(entry(
            Section::SupportReceived,
            match &from {
                Some(school) => format!("Support from {school}"),
                None => "Support".to_owned(),
            },
            Some(words(arrangement.status)),
            from,
            Some(arrangement.created_at.date_naive()),
            None,
        ));
    }
    for booking in &bookings {
        if let Some(event) = events.get(&booking.event_id) {
            entries.push(entry(
                Section::EventAttended,
                event.title.clone(),
                Some(words(event.kind)),
                name(booking.school_id),
                Some(event.starts_at.date_naive()),
                Some(event.ends_at.date_naive()).filter(|end| *end != event.starts_at.date_naive()),
            ));
        }
    }
    let coaching = super::coaching::read(conn, access, selection).await?;
    entries.extend(coaching.entries(person_id, today));
    entries.extend(super::leadership::entries(conn, person_id).await?);
    Ok(PortfolioData {
        person_name,
        entries,
        observations,
        reflections,
    })
}
