//! What the coach and the coachee agree between them about a relationship, and change as
//! they go: its focus and its cadence (`updateCoachingRelationship`). Its purpose, people
//! and alliance are fixed when it is made.

use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::CoachingStatus;
use trellis_macros::mutations;

use super::{
    CADENCE_MAX, CoachingRelationship, FOCUS_MAX, participant_relationship, relationship_audit,
    wrong_status_on,
};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::versioned::{Change, set_given};
use crate::validation;

/// A change to a relationship's focus or cadence. Fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateCoachingRelationshipInput {
    /// The relationship: its coach or coachee may, until it ends.
    pub relationship_id: ID,
    /// The `version` the change was made from (see `CoachingRelationship.version`).
    pub expected_version: i32,
    /// What it works on (1 to 500 characters).
    pub focus: Option<String>,
    /// How often they meet (at most 200 characters; blank removes it).
    pub cadence: Option<String>,
}

crate::payload!(UpdateCoachingRelationshipPayload {
    relationship: CoachingRelationship
});

#[derive(Default)]
pub struct DetailsMutation;

mutations! {
    impl DetailsMutation {
        /// Changes a relationship's focus or cadence, from the version read. Its coach or
        /// coachee may, until it has ended. The audit log records that it changed, not
        /// what it says.
        fn update_coaching_relationship { update(ctx, input).await }
    }
}

async fn update(
    ctx: &Context<'_>,
    input: UpdateCoachingRelationshipInput,
) -> MutationResult<CoachingRelationship> {
    let access = access(ctx).await?;
    if input.focus.is_none() && input.cadence.is_none() {
        return Err(
            UserError::invalid("focus", "say what to change: focus, cadence or both").into(),
        );
    }
    let focus = input
        .focus
        .as_deref()
        .map(|focus| validation::required("focus", focus, FOCUS_MAX))
        .transpose()?;
    let cadence = input
        .cadence
        .as_deref()
        .map(|cadence| validation::optional("cadence", Some(cadence), CADENCE_MAX))
        .transpose()?;
    let txn = begin_write(db(ctx)).await?;
    let current = participant_relationship(
        &txn,
        &access,
        &input.relationship_id,
        "only the coach and the coachee change what they agreed",
    )
    .await?;
    if current.status == CoachingStatus::Ended {
        return Err(wrong_status_on("relationshipId", current.status).into());
    }
    let mut change = Change::edit(&current, Utc::now());
    set_given(&mut change.focus, focus);
    set_given(&mut change.cadence, cadence);
    let row = change.save(&txn, input.expected_version).await?;
    relationship_audit(access.person_id, "coaching.updated", &row)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(CoachingRelationship(row))
}
