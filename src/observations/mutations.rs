//! Recording an observation, editing what the observer wrote, and the teacher's response.

use async_graphql::{Context, ID, InputObject};
use chrono::{NaiveDate, Utc};
use entity::enums::{PersonStatus, RecordPurpose};
use entity::{observation, person};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use trellis_macros::mutations;

use super::{FOCUS_MAX, Observation, TEXT_MAX, current_schools, no_grade, visible_observation};
use crate::audit::AuditEntry;
use crate::auth::policy::Access;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst, set_given};
use crate::notifications::Notices;
use crate::payload;
use crate::themes::theme_keys;
use crate::validation;

/// A classroom visit to record. There is no field for a grade, by design: text that
/// states one (see `GRADES_NOT_RECORDED`) is refused.
#[derive(InputObject)]
pub struct RecordObservationInput {
    /// The observed teacher (a `Person` id): someone who shares a school or an active
    /// alliance with the caller, never the caller.
    pub teacher_id: ID,
    /// The day of the visit (not in the future).
    pub observed_on: NaiveDate,
    /// What it is for; fixed once recorded (nothing changes it later).
    pub purpose: RecordPurpose,
    /// The focus agreed with the teacher beforehand (required; at most 500 characters).
    pub focus: String,
    /// What went well (required; at most 10,000 characters).
    pub went_well: String,
    /// Questions for the dialogue after the visit (at most 10,000 characters).
    #[graphql(default)]
    pub questions_for_dialogue: String,
    /// The next steps agreed together (at most 10,000 characters).
    #[graphql(default)]
    pub agreed_next_steps: String,
    /// Themes of the focus (of the shared taxonomy; at most 20).
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
}

/// The observer's change to what they wrote. Fields left out stay as they are; the
/// purpose, the teacher and the day never change.
#[derive(InputObject)]
pub struct EditObservationInput {
    /// The observation (an `Observation` id) the caller observed.
    pub observation_id: ID,
    /// The `version` the change was made from.
    pub expected_version: i32,
    /// The agreed focus (at most 500 characters).
    pub focus: Option<String>,
    /// What went well (at most 10,000 characters).
    pub went_well: Option<String>,
    /// Questions for dialogue (at most 10,000 characters).
    pub questions_for_dialogue: Option<String>,
    /// Agreed next steps (at most 10,000 characters).
    pub agreed_next_steps: Option<String>,
}

/// The observed teacher's own response to an observation.
#[derive(InputObject)]
pub struct RespondToObservationInput {
    /// The observation of the caller's teaching (an `Observation` id).
    pub observation_id: ID,
    /// Their response (required; at most 10,000 characters). Writing again replaces it.
    pub response: String,
    /// When replacing a response: the `version` the change was made from (required then:
    /// `CONFLICT` without it).
    pub expected_version: Option<i32>,
}

payload!(RecordObservationPayload {
    observation: Observation
});
payload!(EditObservationPayload {
    observation: Observation
});
payload!(RespondToObservationPayload {
    observation: Observation
});

#[derive(Default)]
pub struct ObservationMutation;

mutations! {
    impl ObservationMutation {
        /// Records a classroom visit by the caller (the observer) to a teacher they share a
        /// school or an active alliance with. The teacher owns the record: it is seen only
        /// by the two of them and whom the teacher shares it with. No grades: text that
        /// states one gets `GRADES_NOT_RECORDED`. The teacher is told.
        fn record_observation { record(ctx, input).await }

        /// Edits what the observer wrote (focus, what went well, questions, next steps).
        /// Only the observer may; the purpose never changes.
        fn edit_observation { edit(ctx, input).await }

        /// Writes (or replaces) the observed teacher's own response. Only the teacher may.
        fn respond_to_observation { respond(ctx, input).await }
    }
}

/// The teacher named by `teacherId`, active and reachable by the caller: who shares a
/// school or an active alliance with them. Otherwise `NOT_FOUND`, as for no such person;
/// the caller themself is `INVALID`.
async fn observable_teacher(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
) -> MutationResult<(person::Model, Vec<i32>)> {
    let key = decode_as(id, NodeKind::Person).ok_or_else(|| UserError::not_found("teacherId"))?;
    if key == access.person_id {
        return Err(UserError::invalid(
            "teacherId",
            "you cannot observe yourself: write a reflection instead",
        )
        .into());
    }
    let teacher = person::Entity::find_by_id(key)
        .one(conn)
        .await?
        .filter(|row| row.status == PersonStatus::Active)
        .ok_or_else(|| UserError::not_found("teacherId"))?;
    let schools = current_schools(conn, teacher.id).await?;
    if !access.may_observe(teacher.id, &schools) {
        return Err(UserError::not_found("teacherId").into());
    }
    Ok((teacher, schools))
}

/// Reads an observation's text parts: each within its length, none stating a grade.
fn text(field: &str, value: &str, required: bool, max: usize) -> Result<String, UserError> {
    let value = if required {
        validation::required(field, value, max)?
    } else {
        validation::optional(field, Some(value), max)?.unwrap_or_default()
    };
    no_grade(field, &value)?;
    Ok(value)
}

/// `text` of an input field the client may leave out, when it gives it.
fn text_if_given(
    field: &str,
    value: Option<&str>,
    required: bool,
    max: usize,
) -> Result<Option<String>, UserError> {
    value.map(|v| text(field, v, required, max)).transpose()
}

/// The observation named by `observationId` if the caller sees it; otherwise `NOT_FOUND`.
async fn seen_observation(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
) -> MutationResult<observation::Model> {
    let not_found = || UserError::not_found("observationId");
    let key = decode_as(id, NodeKind::Observation).ok_or_else(not_found)?;
    Ok(visible_observation(conn, access, key)
        .await?
        .ok_or_else(not_found)?)
}

/// What the audit log says of an observation: who did what, its purpose; never its text.
/// No school or alliance: only the record's own readers read the entry.
pub fn observation_entry<'a>(
    access: &Access,
    action: &'a str,
    row: &observation::Model,
) -> AuditEntry<'a> {
    AuditEntry::by_caller(access, action, NodeKind::Observation.id(row.id))
        .details(serde_json::json!({ "purpose": row.purpose, "version": row.version }))
}

async fn record(ctx: &Context<'_>, input: RecordObservationInput) -> MutationResult<Observation> {
    let access = access(ctx).await?;
    let observed_on = validation::happened_on("observedOn", input.observed_on)?;
    let focus = text("focus", &input.focus, true, FOCUS_MAX)?;
    let went_well = text("wentWell", &input.went_well, true, TEXT_MAX)?;
    let questions = text(
        "questionsForDialogue",
        &input.questions_for_dialogue,
        false,
        TEXT_MAX,
    )?;
    let next_steps = text("agreedNextSteps", &input.agreed_next_steps, false, TEXT_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let (teacher, schools) = observable_teacher(&txn, &access, &input.teacher_id).await?;
    let themes = theme_keys(&txn, "themeIds", &input.theme_ids, 0).await?;
    // The teacher's school: the first they share with the observer's network.
    let school = schools
        .iter()
        .copied()
        .find(|school| access.network_schools.contains(school));
    let now = Utc::now();
    let row = observation::ActiveModel {
        observer_id: Set(access.person_id),
        teacher_id: Set(teacher.id),
        school_id: Set(school),
        observed_on: Set(observed_on),
        purpose: Set(input.purpose),
        focus: Set(focus),
        went_well: Set(went_well),
        questions_for_dialogue: Set(questions),
        agreed_next_steps: Set(next_steps),
        teacher_response: Set(None),
        theme_keys: Set(themes),
        in_portfolio: Set(false),
        in_review_selection: Set(false),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    observation_entry(&access, "observation.recorded", &row)
        .record(&txn)
        .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices.observation_recorded(&row);
    notices.commit(txn).await?;
    Ok(Observation(row))
}

async fn edit(ctx: &Context<'_>, input: EditObservationInput) -> MutationResult<Observation> {
    let access = access(ctx).await?;
    let focus = text_if_given("focus", input.focus.as_deref(), true, FOCUS_MAX)?;
    let went_well = text_if_given("wentWell", input.went_well.as_deref(), true, TEXT_MAX)?;
    let questions = text_if_given(
        "questionsForDialogue",
        input.questions_for_dialogue.as_deref(),
        false,
        TEXT_MAX,
    )?;
    let next_steps = text_if_given(
        "agreedNextSteps",
        input.agreed_next_steps.as_deref(),
        false,
        TEXT_MAX,
    )?;
    if focus.is_none() && went_well.is_none() && questions.is_none() && next_steps.is_none() {
        return Err(UserError::invalid(
            "observationId",
            "say what to change: focus, wentWell, questionsForDialogue or agreedNextSteps",
        )
        .into());
    }
    let txn = begin_write(db(ctx)).await?;
    let current = seen_observation(&txn, &access, &input.observation_id).await?;
    if !access.edits_observation(&current) {
        return Err(UserError::invalid_state(
            "observationId",
            "only the observer edits what they wrote; the teacher writes a response",
        )
        .into());
    }
    let mut change = Change::edit(&current, Utc::now());
    set_given(&mut change.focus, focus);
    set_given(&mut change.went_well, went_well);
    set_given(&mut change.questions_for_dialogue, questions);
    set_given(&mut change.agreed_next_steps, next_steps);
    let row = change.save(&txn, input.expected_version).await?;
    observation_entry(&access, "observation.edited", &row)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(Observation(row))
}

async fn respond(
    ctx: &Context<'_>,
    input: RespondToObservationInput,
) -> MutationResult<Observation> {
    let access = access(ctx).await?;
    let response = text("response", &input.response, true, TEXT_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let current = seen_observation(&txn, &access, &input.observation_id).await?;
    if !access.owns_observation(&current) {
        return Err(UserError::invalid_state(
            "observationId",
            "only the observed teacher writes the response",
        )
        .into());
    }
    let mut change = Change::edit(&current, Utc::now());
    change.teacher_response = Set(Some(response));
    // A first response needs no version; changing one needs the version it was read at.
    let row = match (input.expected_version, current.teacher_response.is_some()) {
        (Some(expected), _) => change.save(&txn, expected).await?,
        (None, false) => change.save_as_read(&txn).await?,
        (None, true) => return Err(UserError::conflict().into()),
    };
    observation_entry(&access, "observation.responded", &row)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(Observation(row))
}
